"""Sasaran Kinerja Pegawai: one plan per person, performance year and position."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Berlabel
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.models.org import Pegawai, Sekolah, TahunKinerja
from kinerja_web.waktu import sekarang


class StatusSkp(Berlabel):
    """Where a plan stands: written, submitted, returned, approved by the atasan, agreed."""

    DRAF = "draf", "Draf"
    DIAJUKAN = "diajukan", "Menunggu persetujuan atasan"
    DIKEMBALIKAN = "dikembalikan", "Dikembalikan atasan"
    DISETUJUI = "disetujui", "Disetujui atasan"
    DISEPAKATI = "disepakati", "Disepakati"

# The position an SKP is made for; a Plt. KS holds one as guru and one as Plt. KS.
POSISI_SKP = ("guru", "kepala_sekolah", "plt_kepala_sekolah")
LABEL_POSISI = {"guru": "Guru", "kepala_sekolah": "Kepala Sekolah",
                "plt_kepala_sekolah": "Plt. Kepala Sekolah"}


class Skp(Model):
    """The pegawai's choices, the atasan's adjustments beside them, and the state."""

    __tablename__ = "skp"
    id: Mapped[int] = mapped_column(primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    posisi: Mapped[str] = mapped_column(String(20))
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    # Pejabat Penilai Kinerja, resolved when the plan is submitted and again when approved.
    atasan_id: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"), index=True)
    status: Mapped[StatusSkp] = mapped_column(teks_enum(StatusSkp, 15), default=StatusSkp.DRAF)
    versi: Mapped[int] = mapped_column(default=1)

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
        UniqueConstraint("pegawai_id", "tahun_id", "posisi"),
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
        return "guru" if self.posisi == "guru" else "kepala_sekolah"

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
