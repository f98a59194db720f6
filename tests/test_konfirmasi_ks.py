"""Who confirms a principal's accountability documents (issue 12, item 7; seed 001:
"Kepala Sekolah mengkonfirmasi ketersediaan dokumen akuntabilitas").

The principal ticks his own school's four documents; his atasan (the Tim Kerja member
plotted to him, or the Kepala Dinas) validates them: accepts, or returns them with a
note. Nobody else does either, every change is audited and counts as a version of the
confirmation page, and the validation freezes once the assessment went to the Dinas.
"""

import bantu_pelaksanaan as _bersama
import pytest
from bantu import galat, masuk, teks, versi_di
from bantu_pelaksanaan import (
    aksi_audit_sejak,
    jumlah_audit,
)
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Skp
from kinerja_web.models.pelaksanaan import Konfirmasi
from kinerja_web.models.penilaian import Pengiriman, Penilaian

# The shared fixtures (pytest finds them by name in this module).
rencana = _bersama.rencana
majukan = _bersama.majukan
DOKUMEN_KS = ["ksp", "perencanaan_satuan", "laporan_satuan", "rangkuman_kehadiran"]


def url_t(skp_id):
    return f"/pelaksanaan/{skp_id}/tugas"


def url_v(skp_id):
    return f"/pelaksanaan/{skp_id}/tugas/validasi-dokumen"


def kirim_t(k, skp_id, data, versi=None):
    versi = versi or versi_di(k.get(url_t(skp_id)))
    return k.post(url_t(skp_id), {**data, "versi": versi})


def validasi(k, skp_id, aksi, catatan="", versi=None):
    versi = versi or versi_di(k.get(url_t(skp_id)))
    return k.post(url_v(skp_id), {"aksi": aksi, "catatan": catatan, "versi": versi})


def baris(skp_id):
    """{(jenis, kode): (oleh, catatan)} of the SKP's confirmations, as stored now."""
    db.session.rollback()
    out = {(k.jenis, k.kode): (k.oleh, k.catatan) for k in db.session.scalars(
        select(Konfirmasi).where(Konfirmasi.skp_id == skp_id))}
    db.session.rollback()
    return out


def kekurangan(skp_id):
    from kinerja_web.alur import penilaian as alur_n

    skp = db.session.get(Skp, skp_id)
    praktik, ref, konfirmasi, pen = alur_n.muat_kelengkapan(skp)
    out = alur_n.kekurangan(skp, pen, praktik, ref, konfirmasi)
    db.session.rollback()
    return [k for k in out if "dokumen" in k.lower() and "Kelengkapan" not in k]


@pytest.fixture
def ks_skp(rencana):
    return rencana("kepsek", posisi="kepala_sekolah")


def test_kepala_sekolah_mengonfirmasi_dokumennya_lalu_tim_kerja_memvalidasi(
        buat_klien, dunia, ks_skp):
    ks, tim = masuk(buat_klien, "kepsek"), masuk(buat_klien, "tim")
    assert kekurangan(ks_skp) == ["Ketersediaan dokumen belum dikonfirmasi kepala sekolah."]
    r = ks.get(url_t(ks_skp))
    assert "Sebagai Kepala Sekolah, Anda mengonfirmasi dokumen akuntabilitas" in teks(r)
    assert "Belum divalidasi atasan." in teks(r)
    awal = jumlah_audit()
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    assert {k: v for k, v in baris(ks_skp).items() if k[0] == "dokumen"} == {
        ("dokumen", d): (dunia.kepsek.id, None) for d in DOKUMEN_KS}
    assert aksi_audit_sejak(awal) == ["konfirmasi_tugas_pegawai"]
    assert kekurangan(ks_skp) == ["Ketersediaan dokumen belum divalidasi atasan."]
    r = tim.get(url_t(ks_skp))
    assert "Dokumen KSP: dikonfirmasi kepala sekolah" in teks(r)
    assert 'name="dokumen"' not in r.text  # the atasan validates, he does not tick
    awal = jumlah_audit()
    r = validasi(tim, ks_skp, "terima")
    assert r.status_code == 303
    assert baris(ks_skp)[("validasi_dokumen", "diterima")] == (dunia.tim.id, None)
    assert aksi_audit_sejak(awal) == ["konfirmasi_dokumen_diterima"]
    assert kekurangan(ks_skp) == []
    assert "Sudah divalidasi atasan." in teks(ks.get(url_t(ks_skp)))
    # Validated documents are locked for the principal until the atasan returns them.
    awal = jumlah_audit()
    r = kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS[1:]})
    assert r.status_code == 422
    assert "sudah divalidasi atasan dan tidak dapat diubah" in galat(r)
    assert ("dokumen", "ksp") in baris(ks_skp) and jumlah_audit() == awal


def test_atasan_mengembalikan_dengan_catatan_lalu_kepala_dinas_memvalidasi(
        buat_klien, dunia, ks_skp):
    ks, tim, kadis = (masuk(buat_klien, n) for n in ("kepsek", "tim", "kadis"))
    # Nothing to validate before the principal confirmed every document.
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS[:2]}).status_code == 303
    awal = jumlah_audit()
    r = validasi(tim, ks_skp, "terima")
    assert r.status_code == 422
    assert "belum mengonfirmasi semua dokumen akuntabilitas" in galat(r)
    # A return needs a note.
    r = validasi(tim, ks_skp, "kembalikan", "  ")
    assert r.status_code == 422
    assert galat(r) == "Tulis catatan: apa yang perlu diperbaiki kepala sekolah."
    assert "validasi_dokumen" not in {j for j, _ in baris(ks_skp)}
    assert jumlah_audit() == awal
    r = validasi(tim, ks_skp, "kembalikan", "Laporan RKAS 2024 belum ada.")
    assert r.status_code == 303
    assert baris(ks_skp)[("validasi_dokumen", "dikembalikan")] == (
        dunia.tim.id, "Laporan RKAS 2024 belum ada.")
    assert aksi_audit_sejak(awal) == ["konfirmasi_dokumen_dikembalikan"]
    r = ks.get(url_t(ks_skp))
    assert "Dikembalikan atasan: Laporan RKAS 2024 belum ada." in teks(r)
    assert kekurangan(ks_skp) == ["Ketersediaan dokumen belum dikonfirmasi kepala sekolah."]
    # The principal completes his ticks; the Kepala Dinas (also his atasan) accepts.
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    assert validasi(kadis, ks_skp, "terima").status_code == 303
    b = baris(ks_skp)
    assert b[("validasi_dokumen", "diterima")] == (dunia.kadis.id, None)
    assert ("validasi_dokumen", "dikembalikan") not in b
    assert kekurangan(ks_skp) == []


def test_validasi_menaikkan_versi_halaman_konfirmasi(buat_klien, ks_skp):
    """The validation is a confirmation save: a page opened before it answers 409."""
    ks, tim = masuk(buat_klien, "kepsek"), masuk(buat_klien, "tim")
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    lama = versi_di(ks.get(url_t(ks_skp)))
    lama_tim = versi_di(tim.get(url_t(ks_skp)))
    assert validasi(tim, ks_skp, "kembalikan", "Periksa lagi.").status_code == 303
    awal = jumlah_audit()
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS[:1]}, versi=lama).status_code == 409
    assert validasi(tim, ks_skp, "terima", versi=lama_tim).status_code == 409
    assert jumlah_audit() == awal and len([k for k in baris(ks_skp) if k[0] == "dokumen"]) == 4


@pytest.mark.parametrize("username,cara,status", [
    # His atasan may not tick the principal's documents for him.
    ("tim", "centang", 403), ("kadis", "centang", 403),
    # The principal may not validate his own documents.
    ("kepsek", "validasi", 403),
    # People who are neither: his teacher, another principal, a Plt., the operator.
    ("guru", "centang", 404), ("guru", "validasi", 404),
    ("kepsek_lain", "centang", 404), ("kepsek_lain", "validasi", 404),
    ("plt", "validasi", 404), ("operator", "validasi", 404),
])
def test_orang_lain_tidak_dapat_mengonfirmasi_atau_memvalidasi(buat_klien, ks_skp, username,
                                                               cara, status):
    ks = masuk(buat_klien, "kepsek")
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    versi = versi_di(ks.get(url_t(ks_skp)))
    k = masuk(buat_klien, username)
    sebelum, awal = baris(ks_skp), jumlah_audit()
    if cara == "centang":
        r = k.post(url_t(ks_skp), {"dokumen": DOKUMEN_KS[:1], "versi": versi})
    else:
        r = k.post(url_v(ks_skp), {"aksi": "terima", "versi": versi})
    assert r.status_code == status
    assert baris(ks_skp) == sebelum and jumlah_audit() == awal


def test_tim_kerja_tanpa_plot_dan_dokumen_guru_tidak_divalidasi(buat_klien, rencana):
    """The Tim Kerja validates only principals plotted to him; a teacher's documents are
    ticked by his principal directly (nothing to validate)."""
    plt_skp = rencana("plt", posisi="plt_kepala_sekolah")
    guru_skp = rencana("guru")
    tim, ks = masuk(buat_klien, "tim"), masuk(buat_klien, "kepsek")
    plt, kadis = masuk(buat_klien, "plt"), masuk(buat_klien, "kadis")
    awal = jumlah_audit()
    assert tim.post(url_v(plt_skp), {"aksi": "terima", "versi": "0"}).status_code == 404
    assert tim.get(url_t(plt_skp)).status_code == 404
    r = ks.post(url_v(guru_skp), {"aksi": "terima",
                                  "versi": versi_di(ks.get(url_t(guru_skp)))})
    assert r.status_code == 403
    assert jumlah_audit() == awal and baris(plt_skp) == {} and baris(guru_skp) == {}
    # A Plt. confirms his own documents too; the Kepala Dinas validates them.
    assert kirim_t(plt, plt_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    assert validasi(kadis, plt_skp, "terima").status_code == 303
    assert ("validasi_dokumen", "diterima") in baris(plt_skp)


def test_validasi_beku_setelah_penilaian_dikirim(buat_klien, dunia, ks_skp):
    ks, tim = masuk(buat_klien, "kepsek"), masuk(buat_klien, "tim")
    assert kirim_t(ks, ks_skp, {"dokumen": DOKUMEN_KS}).status_code == 303
    assert validasi(tim, ks_skp, "terima").status_code == 303
    skp = db.session.get(Skp, ks_skp)
    kirim = Pengiriman(tahun_id=skp.tahun_id, sekolah_id=skp.sekolah_id,
                       dinas_id=dunia.dinas.id, oleh=dunia.tim.id, jumlah=1)
    db.session.add(kirim)
    db.session.flush()
    db.session.add(Penilaian(skp_id=ks_skp, versi=1, perilaku={}, umpan_balik_perilaku={},
                             pengiriman_id=kirim.id))
    db.session.commit()
    sebelum, awal = baris(ks_skp), jumlah_audit()
    r = validasi(tim, ks_skp, "kembalikan", "Terlambat.")
    assert r.status_code == 422 and "sudah dikirim ke Dinas" in galat(r)
    r = kirim_t(ks, ks_skp, {"dokumen": []})
    assert r.status_code == 422
    assert baris(ks_skp) == sebelum and jumlah_audit() == awal
