"""Mutasi: a transfer, a new role or the end of service with its TMT date (issue #14 §5)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Berlabel
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.models.org import Pegawai, Sekolah
from kinerja_web.waktu import sekarang


class JenisMutasi(Berlabel):
    """What changes on the TMT."""

    PINDAH = "pindah", "Pindah ke satuan pendidikan lain"
    PLT = "plt", "Menjadi Plt. Kepala Sekolah"
    KEPALA_SEKOLAH = "kepala_sekolah", "Menjadi Kepala Sekolah"
    PENSIUN = "pensiun", "Pensiun"
    BERHENTI = "berhenti", "Berhenti (mengundurkan diri)"

    @property
    def keluar(self) -> bool:
        """The pegawai leaves: the SKP is kept until the end of the working period (seed
        001, transition table row 8) and no new part opens."""
        return self in (JenisMutasi.PENSIUN, JenisMutasi.BERHENTI)


class Mutasi(Model):
    """One recorded change; the SKP parts it closed and opened point back to it in audit."""

    __tablename__ = "mutasi"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), index=True)
    jenis: Mapped[JenisMutasi] = mapped_column(teks_enum(JenisMutasi, 20))
    tmt: Mapped[date] = mapped_column(Date)
    sekolah_asal_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"))
    sekolah_tujuan_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"))
    nomor_sk: Mapped[str | None] = mapped_column(String(80))
    keterangan: Mapped[str | None] = mapped_column(Text)
    sumber: Mapped[str] = mapped_column(String(10))  # "formulir" or "impor"
    oleh: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)

    __table_args__ = (
        CheckConstraint(isi_enum("jenis", JenisMutasi), name="jenis"),
        CheckConstraint("sumber IN ('formulir', 'impor')", name="sumber"),
        Index("ix_mutasi_pegawai_tmt", "pegawai_id", "tmt"),
    )

    pegawai: Mapped[Pegawai] = relationship()
    sekolah_asal: Mapped[Sekolah | None] = relationship(foreign_keys=[sekolah_asal_id])
    sekolah_tujuan: Mapped[Sekolah | None] = relationship(foreign_keys=[sekolah_tujuan_id])
