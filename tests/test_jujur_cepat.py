"""Issue #15 items 3 and 4 on the demo: honest states (what a button, a list, a title or a
warning says matches what can be done) and quick use (links open where the person is)."""

import re

import pytest

from kinerja_web.demo import SANDI_DEMO


@pytest.fixture
def masuk(demo, buat_klien):
    def masuk(username):
        k = buat_klien()
        k.masuk(username, SANDI_DEMO)
        return k
    return masuk


def teks(r):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.get_data(as_text=True)))


# ------------------------------------------------------------ "Cek" opens the current step

def test_cek_di_daftar_membuka_langkah_yang_sedang_berjalan(masuk):
    k = masuk("kepsek1")
    html = k.get("/pelaksanaan/daftar").text
    label = ("Diskusi persiapan", "Rating observasi", "Nilai tindak lanjut",
             "Nilai refleksi tindak lanjut", "Sudah selesai")
    baris = []
    for tr in html.split("<tbody>")[1].split("</tr>")[:-1]:
        status = [x for x in label if f">{x}<" in tr]
        n = re.search(r'href="/pelaksanaan/\d+/praktik/(\d)">Cek</a>', tr)
        baris.append((status[0], int(n.group(1))))
    langkah = dict(baris)
    assert langkah == {"Diskusi persiapan": 1, "Rating observasi": 2, "Nilai tindak lanjut": 3,
                       "Nilai refleksi tindak lanjut": 5, "Sudah selesai": 5}
    assert len(baris) == 6


@pytest.mark.parametrize(("username", "n"), [("guru7", 1), ("guru8", 2), ("guru9", 3),
                                             ("guru11", 5), ("guru12", 5)])
def test_cek_praktik_kinerja_guru_membuka_langkahnya(masuk, username, n):
    k = masuk(username)
    m = re.search(r'href="(/pelaksanaan/\d+/praktik/(\d))">Cek Praktik Kinerja<',
                  k.get("/pelaksanaan").text)
    assert m and int(m.group(2)) == n
    assert k.get(m.group(1)).status_code == 200
