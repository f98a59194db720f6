"""Beranda: each role sees its next step in Indonesian; out-of-scope people see why."""

import re

import pytest
from bantu import teks as teks_halaman

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai


def test_anonim_diarahkan_ke_masuk(klien):
    r = klien.get("/")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/masuk")


def test_guru_melihat_langkah_perencanaan(klien, dunia):
    klien.masuk("guru")
    r = klien.get("/")
    assert "Sebagai Guru" in r.text
    assert "Langkah berikutnya: susun Perencanaan Kinerja (SKP) 2025" in r.text
    assert "Sebagai Operator Dinas" not in r.text
    assert 'href="/impor"' not in r.text


def test_kepala_sekolah_melihat_jumlah_guru_sekolahnya(klien, dunia):
    klien.masuk("kepsek")
    r = klien.get("/")
    assert "Sebagai Kepala Sekolah" in r.text
    assert "Sebagai Atasan Guru — SD NEGERI 1 SATU" in r.text
    # guru and guru2; the principal himself is not counted among the teachers he assesses
    assert "0 menunggu persetujuan dari 2 guru" in r.text


def test_plt_adalah_guru_dan_atasan(klien, dunia):
    klien.masuk("plt")
    r = klien.get("/")
    assert "Sebagai Guru" in r.text
    assert "Sebagai Plt. Kepala Sekolah — SMP NEGERI 2 DUA" in r.text
    # his own plan as Plt. KS, and the one teacher he leads (not himself)
    assert "dari 1 guru" in r.text


def test_operator_melihat_tugas_dan_hitungan(klien, dunia):
    klien.masuk("operator")
    r = klien.get("/")
    assert "Sebagai Operator Dinas" in r.text
    assert 'href="/impor"' in r.text
    assert "Satuan pendidikan" in r.text
    # two schools in this Dinas; the other Dinas' school is not counted
    assert 'aria-label="2">2<' in r.text


def test_tim_kerja_dan_kadis(klien, buat_klien, dunia):
    klien.masuk("tim")
    assert "Kepala sekolah yang diplot kepada Anda" in klien.get("/").text
    k2 = buat_klien()
    k2.masuk("kadis")
    r = k2.get("/")
    assert "Sebagai Kepala Dinas" in r.text
    assert "Kepala sekolah" in r.text


@pytest.mark.parametrize("status, label", [
    ("cltn", "Cuti di Luar Tanggungan Negara"),
    ("siln", "Sekolah Indonesia"),
    ("kemenag", "Kemenag"),
])
def test_pegawai_tidak_ikut_melihat_alasannya(klien, dunia, app, status, label):
    with app.app_context():
        p = db.session.get(Pegawai, dunia.guru2.id)
        p.keikutsertaan = status
        p.keikutsertaan_alasan = "SK 800/1/2025"
        db.session.commit()
    klien.masuk("guru2")
    r = klien.get("/")
    assert "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini" in r.text
    assert label.lower() in r.text.lower()
    assert "SK 800/1/2025" in r.text
    assert "Langkah berikutnya" not in r.text


def test_profil_menampilkan_data_sendiri(klien, dunia):
    klien.masuk("guru")
    r = klien.get("/profil")
    assert r.status_code == 200
    assert dunia.guru.nip in r.text
    assert "Penata Muda, III/a" in r.text
    assert dunia.guru2.nip not in r.text


def test_navigasi_sesuai_peran(klien, dunia):
    klien.masuk("guru")
    html = klien.get("/").text
    assert 'aria-label="Menu utama"' in html
    for href in ('href="/dinas/pegawai"', 'href="/dinas/sekolah"'):
        assert href not in html


def _angka(teks, pola):
    m = re.search(pola, teks)
    assert m, pola
    return m


def test_hitungan_beranda_kepala_sekolah_berjumlah_utuh(demo, buat_klien):
    """Issue #15: every status on the principal's Beranda is named, so the parts add up
    to the whole (the teacher at "Diskusi persiapan" and the draft plan included)."""
    from kinerja_web.demo import SANDI_DEMO

    k = buat_klien()
    k.masuk("kepsek1", SANDI_DEMO)
    teks = teks_halaman(k.get("/"))
    m = _angka(teks, r"(\d+) menunggu persetujuan dari (\d+) guru; (\d+) dikembalikan, (\d+) "
                     r"disetujui, (\d+) sudah disepakati, (\d+) draf, (\d+) belum membuat\.")
    angka = [int(x) for x in m.groups()]
    assert angka == [1, 12, 1, 1, 6, 1, 2]
    assert sum(angka) - angka[1] == angka[1]
    m = _angka(teks, r"Praktik Kinerja (\d+) guru: (\d+) diskusi persiapan, (\d+) menunggu "
                     r"rating observasi, (\d+) nilai tindak lanjut, (\d+) nilai refleksi; "
                     r"(\d+) sudah selesai\.")
    semua, *bagian = (int(x) for x in m.groups())
    assert (semua, bagian) == (6, [1, 1, 2, 1, 1])
    assert sum(bagian) == semua


@pytest.mark.parametrize("username, anggaran", [("guru3", 3), ("kepsek1", 7), ("operator", 13)])
def test_anggaran_query_beranda(demo, buat_klien, hitung_query, username, anggaran):
    """The Beranda asks a fixed number of queries per role, the signed-in user's own
    included: what the user loader read (roles, years, extensions) is not asked again,
    and the pra-perencanaan checks' answer is kept while the roster is unchanged
    (issue #16; a teacher's Beranda asked 11 before). guru3's 2026 plan is a draft, so
    his school's checks are read."""
    from kinerja_web.demo import SANDI_DEMO

    k = buat_klien()
    k.masuk(username, SANDI_DEMO)
    assert k.get("/").status_code == 200
    with hitung_query() as q:
        r = k.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert r.status_code == 200 and "Perlu tindakan" in r.text
    assert len(q) <= anggaran
