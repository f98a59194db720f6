"""Sasaran Kinerja Pegawai: one plan per person, performance year and position — in parts.

A transfer, a new role or the end of service in the middle of the year (a Mutasi, TMT date)
closes the part in progress at TMT − 1 and, unless the pegawai leaves, opens a new part from
the TMT (seed 001 "Sinkro data SKP dengan Rotasi PMM": SKP #2 16 Juli – 20 Agustus, SKP #3
21 Agustus – 31 Desember). At most one part per position is open (`ditutup` empty).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Berlabel
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.models.org import Pegawai, Sekolah, TahunKinerja
from kinerja_web.waktu import format_tanggal, sekarang


class StatusSkp(Berlabel):
    """Where a plan stands: written, submitted, returned, approved by the atasan, agreed."""

    DRAF = "draf", "Draf"
    DIAJUKAN = "diajukan", "Menunggu persetujuan atasan"
    DIKEMBALIKAN = "dikembalikan", "Dikembalikan atasan"
    DISETUJUI = "disetujui", "Disetujui atasan"
    DISEPAKATI = "disepakati", "Disepakati"

# The position an SKP is made for; a Plt. KS holds one as guru and one as Plt. KS.
class PosisiSkp(StrEnum):
    """The position an SKP is made in (a Plt. KS has a guru's SKP and a principal's)."""

    GURU = "guru"
    KEPALA_SEKOLAH = "kepala_sekolah"
    PLT_KEPALA_SEKOLAH = "plt_kepala_sekolah"


POSISI_SKP = tuple(PosisiSkp)
LABEL_POSISI = {"guru": "Guru", "kepala_sekolah": "Kepala Sekolah",
                "plt_kepala_sekolah": "Plt. Kepala Sekolah"}


class Skp(Model):
    """The pegawai's choices, the atasan's adjustments beside them, and the state."""

    __tablename__ = "skp"
    id: Mapped[int] = mapped_column(primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    posisi: Mapped[PosisiSkp] = mapped_column(teks_enum(PosisiSkp, 20))
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    # Pejabat Penilai Kinerja, resolved when the plan is submitted and again when approved.
    atasan_id: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"), index=True)
    status: Mapped[StatusSkp] = mapped_column(teks_enum(StatusSkp, 15), default=StatusSkp.DRAF)
    versi: Mapped[int] = mapped_column(default=1)
    # The part's period inside the year (the whole year unless a Mutasi split it).
    mulai: Mapped[date] = mapped_column(Date)
    selesai: Mapped[date] = mapped_column(Date)
    # When a Mutasi closed this part (its atasan then stays the one of its period).
    ditutup: Mapped[datetime | None]

    # What the pegawai chose (None: not answered yet).
    tugas_tambahan: Mapped[bool | None]
    nama_tugas_tambahan: Mapped[str | None] = mapped_column(String(200))
    praktik_kode: Mapped[str | None] = mapped_column(String(10))
    kompetensi_kode: Mapped[str | None] = mapped_column(String(10))
    aspek_fokus: Mapped[list | None] = mapped_column(JSON)

    # The atasan's adjustments, kept beside the original (None: no adjustment).
    atasan_praktik_kode: Mapped[str | None] = mapped_column(String(10))
    atasan_kompetensi_kode: Mapped[str | None] = mapped_column(String(10))
    atasan_aspek_fokus: Mapped[list | None] = mapped_column(JSON)
    atasan_tugas_tambahan: Mapped[bool | None]
    ekspektasi: Mapped[dict | None] = mapped_column(JSON)
    catatan_atasan: Mapped[str | None] = mapped_column(Text)

    # RHK texts as agreed, copied from the year's catalogue at submit and approval.
    rhk: Mapped[list | None] = mapped_column(JSON)
    # The competency choice changed after agreement (SPEC §2.2): shown to the atasan.
    kompetensi_diubah: Mapped[datetime | None]

    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    diubah: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)
    diajukan: Mapped[datetime | None]
    disetujui: Mapped[datetime | None]
    disepakati: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("pegawai_id", "tahun_id", "posisi", "mulai"),
        # One open part per person, year and position.
        Index("ix_skp_terbuka", "pegawai_id", "tahun_id", "posisi", unique=True,
              sqlite_where=text("ditutup IS NULL"), postgresql_where=text("ditutup IS NULL")),
        CheckConstraint("mulai <= selesai", name="periode"),
        CheckConstraint(isi_enum("status", StatusSkp), name="status"),
        CheckConstraint("posisi IN ('guru', 'kepala_sekolah', 'plt_kepala_sekolah')",
                        name="posisi"),
        Index("ix_skp_tahun_status", "tahun_id", "status"),
    )

    pegawai: Mapped[Pegawai] = relationship(foreign_keys=[pegawai_id])
    atasan: Mapped[Pegawai | None] = relationship(foreign_keys=[atasan_id])
    sekolah: Mapped[Sekolah | None] = relationship()
    tahun: Mapped[TahunKinerja] = relationship()

    @property
    def katalog_posisi(self):
        """The catalogue a position draws from: a Plt. KS plans as a principal."""
        return (PosisiSkp.GURU if self.posisi == PosisiSkp.GURU
                else PosisiSkp.KEPALA_SEKOLAH)

    @property
    def terbuka(self) -> bool:
        """The part in progress (not closed by a Mutasi)."""
        return self.ditutup is None

    @property
    def setahun(self) -> bool:
        """The part covers the whole year (no Mutasi split it)."""
        return (self.mulai.month, self.mulai.day, self.selesai.month, self.selesai.day) == \
            (1, 1, 12, 31)

    @property
    def label_periode(self) -> str:
        return f"{format_tanggal(self.mulai)} – {format_tanggal(self.selesai)}"

    @property
    def label_status(self) -> str:
        return StatusSkp(self.status).label

    @property
    def label_posisi(self):
        return LABEL_POSISI[self.posisi]

    # The choice in force: the atasan's adjustment when there is one.
    @property
    def praktik_berlaku(self):
        return self.atasan_praktik_kode or self.praktik_kode

    @property
    def kompetensi_berlaku(self):
        return self.atasan_kompetensi_kode or self.kompetensi_kode

    @property
    def aspek_berlaku(self):
        return self.atasan_aspek_fokus if self.atasan_aspek_fokus is not None \
            else (self.aspek_fokus or [])

    @property
    def tugas_tambahan_berlaku(self):
        return self.atasan_tugas_tambahan if self.atasan_tugas_tambahan is not None \
            else bool(self.tugas_tambahan)

    @property
    def penyesuaian(self):
        """Which parts the atasan changed: 'praktik', 'kompetensi', 'perilaku', 'tambahan'."""
        out = set()
        if self.atasan_praktik_kode and self.atasan_praktik_kode != self.praktik_kode:
            out.add("praktik")
        if self.atasan_kompetensi_kode and self.atasan_kompetensi_kode != self.kompetensi_kode:
            out.add("kompetensi")
        if self.atasan_aspek_fokus is not None and \
                sorted(self.atasan_aspek_fokus) != sorted(self.aspek_fokus or []):
            out.add("perilaku")
        if self.atasan_tugas_tambahan is not None and \
                self.atasan_tugas_tambahan != bool(self.tugas_tambahan):
            out.add("tambahan")
        return out



@event.listens_for(Skp, "before_insert")
def _periode_bawaan(mapper, connection, target):
    """A part made without a period covers its whole performance year."""
    if target.mulai is None or target.selesai is None:
        tahun = connection.scalar(select(TahunKinerja.tahun)
                                  .where(TahunKinerja.id == target.tahun_id))
        target.mulai = target.mulai or date(tahun, 1, 1)
        target.selesai = target.selesai or date(tahun, 12, 31)
