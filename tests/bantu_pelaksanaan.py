"""Helpers and fixtures of the Pelaksanaan tests (test_pelaksanaan.py, test_pelaksanaan_daftar.py,
test_konfirmasi_ks.py, test_nilai_dokumen.py): a helper module, no tests here."""

from datetime import date

import pytest
from bantu import dom, nilai, teks_dari
from sqlalchemy import func, select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Audit, Skp, TahunKinerja
from kinerja_web.models.pelaksanaan import Praktik, RefleksiKompetensi
from kinerja_web.peran import muat_peran

HX = {"HX-Request": "true"}


D1_1 = ("Guru melakukan komunikasi positif untuk membangun suasana kelas yang kondusif",
        "Guru melakukan strategi pengelompokan untuk mengaktifkan keterlibatan peserta didik",
        "Guru membuat dan mengingatkan aturan/kesepakatan kelas")


PERSIAPAN = {"fokus": [D1_1[0], D1_1[2]], "upaya_belajar": "Membaca modul disiplin positif.",
             "jadwal_usulan": "2025-02-10"}


TINDAK_LANJUT = {"tl_tantangan": "Kelas besar.", "tl_tujuan": "Semua murid terlibat.",
                 "tl_upaya": "Rotasi peran kelompok.", "tl_jadwal": "Maret–Mei 2025.",
                 "tl_dukungan": "Observasi ulang."}


REFLEKSI = {"refleksi_praktik": "Saya melihat kebiasaan saya.",
            "refleksi_perubahan": "Saya mulai dengan kesepakatan kelas.",
            "refleksi_dampak": "Murid lebih berani bertanya."}


def url(skp_id, n):
    return f"/pelaksanaan/{skp_id}/praktik/{n}"


def kirim(k, skp_id, n, data=None, aksi="simpan", versi=None, headers=None):
    """Post one step the way its form does (with the version the page showed)."""
    if versi is None:
        versi = nilai(k.get(url(skp_id, n)), "versi")
        p = praktik(skp_id)
        # A locked step shows no form: send what a page of another step would carry.
        versi = versi if versi else str(p.versi if p else 0)
    return k.post(url(skp_id, n), {**(data or {}), "aksi": aksi, "versi": versi},
                  headers=headers or {})


def praktik(skp_id):
    """The cycle's row as it is in the database now (None before the first save)."""
    db.session.rollback()
    return db.session.scalar(select(Praktik).where(Praktik.skp_id == skp_id))


def refleksi(skp_id):
    db.session.rollback()
    return db.session.scalar(select(RefleksiKompetensi)
                             .where(RefleksiKompetensi.skp_id == skp_id))


def jumlah_audit(*aksi):
    db.session.rollback()
    q = select(func.count()).select_from(Audit)
    if aksi:
        q = q.where(Audit.aksi.in_(aksi))
    n = db.session.scalar(q)
    db.session.rollback()
    return n


def aksi_audit_sejak(n_awal):
    """The audit actions written after the first `n_awal` rows, in order."""
    db.session.rollback()
    out = list(db.session.scalars(select(Audit.aksi).order_by(Audit.id).offset(n_awal)))
    db.session.rollback()
    return out


def aktor(username):
    """An account row as the workflow functions take it (with its roles of today)."""
    a = db.session.scalar(select(Akun).where(Akun.username == username))
    a.peran = muat_peran(a.pegawai)
    return a


def aktor_pegawai(pegawai_id):
    a = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai_id))
    a.peran = muat_peran(a.pegawai)
    return a


@pytest.fixture
def rencana(dunia):
    """An SKP walked through the planning transitions up to a state; returns its id."""
    from kinerja_web.alur import skp as alur_skp
    from kinerja_web.atasan import atasan_untuk

    def buat(username, sampai="disepakati", posisi="guru", praktik_kode=None,
             tugas_tambahan=True):
        pegawai = aktor(username)
        tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == 2025))
        skp = alur_skp.buat(pegawai.pegawai, posisi, tahun, pegawai)
        ks = posisi != "guru"
        alur_skp.simpan_pilihan(skp, pegawai, {
            "tugas_tambahan": tugas_tambahan and not ks,
            "nama_tugas_tambahan": "Wali kelas" if tugas_tambahan and not ks else None,
            "praktik_kode": praktik_kode or ("KS-1" if ks else "D1-1"),
            "kompetensi_kode": "1.2", "aspek_fokus": ["kompeten"]})
        if sampai != "draf":
            alur_skp.ajukan(skp, pegawai)
        if sampai in ("disetujui", "disepakati"):
            atasan = aktor_pegawai(atasan_untuk(skp.pegawai, skp.posisi).pegawai.id)
            alur_skp.setujui(skp, atasan)
        if sampai == "disepakati":
            alur_skp.sepakati(skp, pegawai)
        db.session.commit()
        skp_id = skp.id
        db.session.rollback()
        return skp_id
    return buat


@pytest.fixture
def majukan():
    """Walk a cycle through the workflow functions (not the screens) up to a stage:
    1 persiapan sent, 2 agreed, 3 observed, 4 tindak lanjut sent, 5 tindak lanjut accepted
    and reflection sent, 6 reflection accepted."""
    from kinerja_web.alur import pelaksanaan as alur_p
    from kinerja_web.atasan import atasan_untuk

    def maju(skp_id, tahap, fokus=(D1_1[0], D1_1[2])):
        skp = db.session.get(Skp, skp_id)
        pegawai = aktor_pegawai(skp.pegawai_id)
        atasan = aktor_pegawai(atasan_untuk(skp.pegawai, skp.posisi).pegawai.id)
        p, _ = alur_p.praktik_untuk(skp)
        if p.status_persiapan in ("belum", "dikembalikan"):
            alur_p.simpan_dokumen(p, pegawai, 1, {
                "fokus_perilaku": list(fokus), "upaya_belajar": PERSIAPAN["upaya_belajar"],
                "jadwal_usulan": date(2025, 2, 10)}, ajukan=True)
        if tahap >= 2 and p.status_persiapan == "diajukan":
            alur_p.sepakati_persiapan(p, atasan, date(2025, 2, 12))
        if tahap >= 3 and p.status_observasi != "selesai":
            alur_p.simpan_observasi(
                p, atasan, [{"fokus": f, "hasil": "efektif", "catatan": "Baik."}
                            for f in p.fokus_perilaku],
                "Pertahankan.", selesai=True)
        if tahap >= 4 and p.status_tindak_lanjut in ("belum", "dikembalikan"):
            alur_p.simpan_dokumen(p, pegawai, 3, dict(TINDAK_LANJUT), ajukan=True)
        if tahap >= 5 and p.status_tindak_lanjut == "diajukan":
            alur_p.terima_dokumen(p, atasan, 3, 2)
            alur_p.simpan_dokumen(p, pegawai, 5, dict(REFLEKSI), ajukan=True)
        if tahap >= 6 and p.status_refleksi == "diajukan":
            alur_p.terima_dokumen(p, atasan, 5, 2)
        db.session.commit()
        db.session.rollback()
    return maju


def url_k(skp_id):
    return f"/pelaksanaan/{skp_id}/kompetensi"


def isian_k(inspirasi=(), penerapan=()):
    """The six fields of the reflection form (missing ones empty)."""
    out = {}
    for nama, daftar in (("inspirasi", inspirasi), ("penerapan", penerapan)):
        for i in range(3):
            out[f"{nama}_{i}"] = daftar[i] if i < len(daftar) else ""
    return out


def kirim_k(k, skp_id, data, aksi="simpan", versi=None, headers=None):
    if versi is None:
        r = refleksi(skp_id)
        versi = str(r.versi if r else 0)
    return k.post(url_k(skp_id), {**data, "aksi": aksi, "versi": versi}, headers=headers or {})


def baris_daftar(r):
    """The list's rows as the cells' text, without a placeholder row (a spanning cell); the
    NIP under each name left out (test_daftar_menunggu.py has its own test)."""
    tbody = dom(r).css_first("tbody")
    assert tbody is not None, "tidak ada tabel"
    out = []
    for tr in tbody.css("tr"):
        if any("colspan" in td.attributes for td in tr.css("td")):
            continue
        for nip in tr.css("small.nip"):
            nip.decompose()
        out.append([teks_dari(td) for td in tr.css("td")])
    return out
