"""What an SKP's cycle asks for and whether it is final: read-only facts that the skp,
pelaksanaan and penilaian transitions (and their pages) share. The lowest alur module: it
imports no other, so those three form no cycle (skp < penilaian < pelaksanaan)."""

from sqlalchemy import exists, select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models.pelaksanaan import JenisKonfirmasi
from kinerja_web.models.penilaian import Penetapan, Penilaian


def aturan_skp(skp):
    """The rule set of the SKP's performance year."""
    return aturan.muat_aturan(skp.tahun.aturan)


def syarat_predikat_ditetapkan(skp_id):
    """SQL: the SKP's predikat has been set and sent (a column for a page's own query)."""
    return exists().where(Penilaian.skp_id == skp_id, Penilaian.penetapan_id == Penetapan.id,
                          Penetapan.dibuka.is_(None))


def predikat_ditetapkan(skp):
    """Whether this SKP's predikat has been set and sent (then everything is final)."""
    return bool(db.session.scalar(select(syarat_predikat_ditetapkan(skp.id))))


# ---------------------------------------------------------------- confirmations

# The atasan's validation of a principal's own documents: one row, kode "diterima" or
# "dikembalikan" (with its note).
VALIDASI_DOKUMEN = JenisKonfirmasi.VALIDASI_DOKUMEN


def dokumen_oleh_pegawai(skp):
    """A principal confirms his school's accountability documents himself ("Kepala Sekolah
    mengkonfirmasi ketersediaan dokumen akuntabilitas", seed 001); his atasan validates.
    A teacher's documents are confirmed by his principal (the teacher shows them to him)."""
    return skp.katalog_posisi == "kepala_sekolah"


KELENGKAPAN = {"kompetensi": "Pengembangan Kompetensi", "tugas_tambahan": "Tugas Tambahan"}


def kode_konfirmasi(skp, jenis):
    """The items that can be confirmed for this SKP."""
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    if jenis in ("tugas_pegawai", "tugas_atasan"):
        return [t.kode for t in atr.tugas_pokok(posisi)
                if not t.butuh_tugas_tambahan or skp.tugas_tambahan_berlaku]
    if jenis == JenisKonfirmasi.DOKUMEN:
        return [d.kode for d in atr.dokumen(posisi)
                if not d.butuh_tugas_tambahan or skp.tugas_tambahan_berlaku]
    return [k for k in KELENGKAPAN if k != "tugas_tambahan" or skp.tugas_tambahan_berlaku]
