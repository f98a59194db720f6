"""Pra-perencanaan: the Dinas opens planning for one school whose checks do not pass yet."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.extensions import Model
from kinerja_web.models.org import Sekolah, TahunKinerja
from kinerja_web.waktu import sekarang


class BukaPerencanaan(Model):
    """The Operator Dinas' override: planning is open for this school in this year although
    its pra-perencanaan checks fail, for the reason given. One row per school and year."""

    __tablename__ = "buka_perencanaan"
    id: Mapped[int] = mapped_column(primary_key=True)
    sekolah_id: Mapped[int] = mapped_column(ForeignKey("sekolah.id"), index=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    alasan: Mapped[str] = mapped_column(Text)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)

    __table_args__ = (UniqueConstraint("sekolah_id", "tahun_id"),)

    sekolah: Mapped[Sekolah] = relationship()
    tahun: Mapped[TahunKinerja] = relationship()
