"""Pelaksanaan Kinerja: the praktik-kinerja cycle, competency reflection, confirmations."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Berlabel
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import teks_enum
from kinerja_web.models.skp import Skp
from kinerja_web.waktu import sekarang


class StatusLangkah(Berlabel):
    """State of a step of the cycle. The documents the pegawai writes and the atasan
    reviews go belum → diajukan → (dikembalikan →) DISEPAKATI for the preparation (step 1)
    or DITERIMA (steps 3 and 5); the observation (step 2) is belum or SELESAI."""

    BELUM = "belum", "Belum diisi"
    DIAJUKAN = "diajukan", "Menunggu atasan"
    DIKEMBALIKAN = "dikembalikan", "Dikembalikan"
    DISEPAKATI = "disepakati", "Disepakati"
    DITERIMA = "diterima", "Diterima"
    SELESAI = "selesai", "Selesai"


def _kolom_langkah():
    return mapped_column(teks_enum(StatusLangkah, 15), default=StatusLangkah.BELUM)



class Praktik(Model):
    """The five-step praktik-kinerja cycle of one agreed SKP (SPEC §2.3)."""

    __tablename__ = "praktik"
    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"), unique=True)
    versi: Mapped[int] = mapped_column(default=1)

    # 1 Diskusi persiapan: the pegawai's focus, plan and proposed date; the atasan agrees.
    fokus_perilaku: Mapped[list | None] = mapped_column(JSON)
    upaya_belajar: Mapped[str | None] = mapped_column(Text)
    jadwal_usulan: Mapped[date | None] = mapped_column(Date)
    jadwal_observasi: Mapped[date | None] = mapped_column(Date)
    status_persiapan: Mapped[StatusLangkah] = _kolom_langkah()
    catatan_persiapan: Mapped[str | None] = mapped_column(Text)

    # 2 Observasi: per fokus perilaku {"fokus", "hasil", "catatan"}; the Rating observasi.
    rubrik: Mapped[list | None] = mapped_column(JSON)
    rekomendasi: Mapped[str | None] = mapped_column(Text)
    status_observasi: Mapped[StatusLangkah] = _kolom_langkah()
    diobservasi: Mapped[datetime | None]

    # 3 Diskusi tindak lanjut: the Dokumen tindak lanjut.
    tl_tantangan: Mapped[str | None] = mapped_column(Text)
    tl_tujuan: Mapped[str | None] = mapped_column(Text)
    tl_upaya: Mapped[str | None] = mapped_column(Text)
    tl_jadwal: Mapped[str | None] = mapped_column(Text)
    tl_dukungan: Mapped[str | None] = mapped_column(Text)
    status_tindak_lanjut: Mapped[StatusLangkah] = _kolom_langkah()
    catatan_tindak_lanjut: Mapped[str | None] = mapped_column(Text)
    # The atasan's Nilai Dokumen Tindak Lanjut, given when he accepts it (the year's scale).
    nilai_tindak_lanjut: Mapped[int | None]

    # 5 Refleksi tindak lanjut: the Dokumen refleksi.
    refleksi_praktik: Mapped[str | None] = mapped_column(Text)
    refleksi_perubahan: Mapped[str | None] = mapped_column(Text)
    refleksi_dampak: Mapped[str | None] = mapped_column(Text)
    status_refleksi: Mapped[StatusLangkah] = _kolom_langkah()
    catatan_refleksi: Mapped[str | None] = mapped_column(Text)
    # The atasan's Nilai Dokumen Refleksi Tindak Lanjut, given when he accepts it.
    nilai_refleksi: Mapped[int | None]

    diubah: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)

    skp: Mapped[Skp] = relationship()
    upaya: Mapped[list["CatatanUpaya"]] = relationship(
        # By date, then as written: notes of the same day keep their order on PostgreSQL.
        back_populates="praktik", order_by=lambda: (CatatanUpaya.tanggal, CatatanUpaya.id))


class CatatanUpaya(Model):
    """4 Upaya tindak lanjut: a dated progress note (optional, any number)."""

    __tablename__ = "catatan_upaya"
    id: Mapped[int] = mapped_column(primary_key=True)
    praktik_id: Mapped[int] = mapped_column(ForeignKey("praktik.id"), index=True)
    tanggal: Mapped[date] = mapped_column(Date)
    isi: Mapped[str] = mapped_column(Text)
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    # One submission key per form shown: a double-submitted note is stored once.
    kunci: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Edited and deleted by its writer until the reflection is accepted: a stale form 409.
    versi: Mapped[int] = mapped_column(default=1, server_default="1")

    praktik: Mapped[Praktik] = relationship(back_populates="upaya")


class RefleksiKompetensi(Model):
    """The competency reflection (SPEC §2.4): up to 3 inspirasi, at least 1 penerapan."""

    __tablename__ = "refleksi_kompetensi"
    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"), unique=True)
    versi: Mapped[int] = mapped_column(default=1)
    inspirasi: Mapped[list | None] = mapped_column(JSON)
    penerapan: Mapped[list | None] = mapped_column(JSON)
    diisi: Mapped[datetime | None]  # "Per isian tanggal …"
    divalidasi: Mapped[datetime | None]  # "Saya sudah pastikan bahwa pelaksanaan Pegawai selesai"
    divalidasi_oleh: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"))

    skp: Mapped[Skp] = relationship()


class JenisKonfirmasi(StrEnum):
    """What a Konfirmasi row confirms (its `kode` names the item)."""

    TUGAS_PEGAWAI = "tugas_pegawai"
    TUGAS_ATASAN = "tugas_atasan"
    DOKUMEN = "dokumen"
    KELENGKAPAN = "kelengkapan"
    VALIDASI_DOKUMEN = "validasi_dokumen"


class Konfirmasi(Model):
    """A confirmation: a tugas pokok carried out (by pegawai or atasan), a dokumen
    akuntabilitas available (a teacher's: by his principal; a principal's: by himself),
    the atasan's validation of a principal's documents (jenis "validasi_dokumen", kode
    "diterima" or "dikembalikan" with `catatan`), or a kelengkapan dokumen check — one row
    per item and side."""

    __tablename__ = "konfirmasi"
    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"), index=True)
    jenis: Mapped[JenisKonfirmasi] = mapped_column(teks_enum(JenisKonfirmasi, 20))
    kode: Mapped[str] = mapped_column(String(20))
    oleh: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)
    catatan: Mapped[str | None] = mapped_column(Text)  # a returned validation's note

    __table_args__ = (UniqueConstraint("skp_id", "jenis", "kode"),)
