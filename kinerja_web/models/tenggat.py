"""Deadline extensions: the Dinas reopens one calendar stage for one pegawai until a date."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Tahap
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.models.org import Pegawai, TahunKinerja
from kinerja_web.waktu import sekarang


class PerpanjanganTenggat(Model):
    """An extension of one stage's deadline (e.g. pengajuan SKP) for one pegawai in one
    performance year, granted by the Operator Dinas or the Kepala Dinas with a reason. One
    row per person, year and stage: granting again replaces the date (the audit keeps both)."""

    __tablename__ = "perpanjangan_tenggat"
    id: Mapped[int] = mapped_column(primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), index=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    tahap: Mapped[Tahap] = mapped_column(teks_enum(Tahap, 30))
    sampai: Mapped[date] = mapped_column(Date)
    alasan: Mapped[str] = mapped_column(Text)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)

    __table_args__ = (
        UniqueConstraint("pegawai_id", "tahun_id", "tahap"),
        CheckConstraint(isi_enum("tahap", Tahap), name="tahap"),
    )

    pegawai: Mapped[Pegawai] = relationship()
    tahun: Mapped[TahunKinerja] = relationship()
