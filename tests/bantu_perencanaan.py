"""Helpers shared by test_perencanaan.py and
test_persetujuan.py: a helper module, no tests here."""

import gzip
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

from bantu import atribut_semua, galat, masuk, versi_di
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Audit, Penugasan, PlotTimKerja, Skp
from kinerja_web.waktu import hari_ini

HX = {"HX-Request": "true"}


# What a teacher ticks in steps 1–4, and a principal (D.3 indicators, KS competency model).
ISI_GURU = {1: {"tugas_tambahan": "ya", "nama_tugas_tambahan": "Wali kelas"},
            2: {"praktik": "D1-1"}, 3: {"kompetensi": "1.2"},
            4: {"aspek": ["kompeten", "kolaboratif"]}}


ISI_KS = {1: {"tugas_tambahan": "tidak"}, 2: {"praktik": "KS-1"}, 3: {"kompetensi": "2.1"},
          4: {"aspek": ["akuntabel"]}}


BATAS_HALAMAN = 14 * 1024


BATAS_FRAGMEN = 5 * 1024


BATAS_QUERY = 6
# A save also asks whether the year of what it writes is closed in its Dinas (one query
# per write transaction when the page did not read the year already: alur/tahun.py).
# And its commit raises the data generation counter (one UPDATE, simpanan.py: a stored
# print is then checked again).
BATAS_QUERY_TULIS = BATAS_QUERY + 2


def mulai(k, posisi="guru"):
    """Press "Mulai Perencanaan Kinerja"; returns the new SKP's id."""
    r = k.post(f"/perencanaan/mulai/{posisi}")
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/perencanaan/(\d+)/langkah/1", r.headers["Location"])
    assert m, r.headers["Location"]
    return int(m.group(1))


def url_langkah(skp_id, n):
    return f"/perencanaan/{skp_id}/langkah/{n}"


def kirim_langkah(k, skp_id, n, data, aksi="lanjut", versi=None, headers=None):
    """Post one step the way its form does (with the version the page showed)."""
    if versi is None:
        versi = versi_di(k.get(url_langkah(skp_id, n)))
    return k.post(url_langkah(skp_id, n), {**data, "aksi": aksi, "versi": versi},
                  headers=headers or {})


def isi(k, skp_id, isian=ISI_GURU, langkah=(1, 2, 3, 4)):
    for n in langkah:
        r = kirim_langkah(k, skp_id, n, isian[n])
        assert r.status_code == 303, (n, r.status_code, galat(r))


def ajukan(k, skp_id, versi=None):
    if versi is None:
        versi = versi_di(k.get(url_langkah(skp_id, 5)))
    return k.post(url_langkah(skp_id, 5), {"versi": versi, "aksi": "ajukan"})


def putuskan(k, skp_id, aksi, catatan="", versi=None):
    """Step 4 of the atasan's wizard: Setujui or Kembalikan."""
    url = f"/persetujuan/{skp_id}/langkah/4"
    if versi is None:
        versi = versi_di(k.get(url))
    return k.post(url, {"aksi": aksi, "catatan": catatan, "versi": versi})


def sepakati(k, skp_id, versi=None):
    url = f"/perencanaan/{skp_id}/sepakati"
    if versi is None:
        versi = versi_di(k.get(url))
    return k.post(url, {"versi": versi})


def siapkan(buat_klien, username, sampai="diajukan", atasan="kepsek", posisi="guru",
            isian=None):
    """A plan walked through the real screens up to a state; returns (skp_id, pegawai)."""
    isian = isian or (ISI_GURU if posisi == "guru" else ISI_KS)
    k = masuk(buat_klien, username)
    skp_id = mulai(k, posisi)
    isi(k, skp_id, isian)
    if sampai == "draf":
        return skp_id, k
    assert ajukan(k, skp_id).status_code == 303
    if sampai == "diajukan":
        return skp_id, k
    ka = masuk(buat_klien, atasan)
    if sampai == "dikembalikan":
        assert putuskan(ka, skp_id, "kembalikan", "Perbaiki praktik kinerja.").status_code == 303
        return skp_id, k
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    if sampai == "disetujui":
        return skp_id, k
    assert sepakati(k, skp_id).status_code == 303
    return skp_id, k


def baris(skp_id):
    """The SKP row as it is in the database now (plain values)."""
    db.session.expire_all()
    s = db.session.get(Skp, skp_id)
    out = {c.key: getattr(s, c.key) for c in Skp.__mapper__.column_attrs} if s else None
    db.session.rollback()  # end the read transaction: requests need the write lock
    return out


def jejak(skp_id):
    """The audit rows of one SKP, oldest first: (aksi, username, dari, ke, catatan)."""
    rows = db.session.execute(
        select(Audit.aksi, Akun.username, Audit.dari, Audit.ke, Audit.catatan)
        .outerjoin(Akun, Audit.akun_id == Akun.id)
        .where(Audit.objek_tipe == "skp", Audit.objek_id == skp_id).order_by(Audit.id)
    ).all()
    db.session.rollback()
    return [SimpleNamespace(aksi=a, oleh=u, dari=d, ke=k, catatan=c) for a, u, d, k, c in rows]


def akhiri_penugasan(pegawai_id, peran, selesai=None):
    t = db.session.scalar(select(Penugasan).where(Penugasan.pegawai_id == pegawai_id,
                                                  Penugasan.peran == peran))
    t.selesai = selesai or hari_ini() - timedelta(days=1)
    db.session.commit()


def plot(dunia, tim_id, kepala_id):
    db.session.add(PlotTimKerja(tahun_id=tahun_id(), tim_kerja_id=tim_id,
                                kepala_sekolah_id=kepala_id))
    db.session.commit()


def tahun_id():
    from kinerja_web.models import TahunKinerja

    i = db.session.scalar(select(TahunKinerja.id).where(TahunKinerja.tahun == 2025))
    db.session.rollback()
    return i


def terkompresi(r):
    return len(r.data) if r.headers.get("Content-Encoding") == "gzip" else \
        len(gzip.compress(r.data))


def halaman_plus_css(k, r):
    """Compressed bytes of a full page and the hashed stylesheet it links."""
    css = atribut_semua(r, 'link[rel="stylesheet"]', "href")
    assert len(css) == 1 and re.search(r"/aset/css/app\.[0-9a-f]+\.css$", css[0]), css
    r_css = k.get(css[0], headers={"Accept-Encoding": "gzip"})
    assert r_css.status_code == 200
    return terkompresi(r) + terkompresi(r_css)


def serentak(*panggilan):
    """Run the calls at the same moment in threads (two clicks, two devices)."""
    mulai_bersama = threading.Barrier(len(panggilan))

    def jalan(f):
        mulai_bersama.wait()
        return f()

    with ThreadPoolExecutor(len(panggilan)) as ex:
        return list(ex.map(jalan, panggilan))
