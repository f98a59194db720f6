"""The audit trail: one row for every state change, print and administrative act."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.extensions import Model
from kinerja_web.models.akun import Akun
from kinerja_web.waktu import sekarang


class Audit(Model):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    waktu: Mapped[datetime] = mapped_column(default=sekarang)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    aksi: Mapped[str] = mapped_column(String(60))
    objek_tipe: Mapped[str | None] = mapped_column(String(40))
    objek_id: Mapped[int | None]
    dari: Mapped[str | None] = mapped_column(String(40))
    ke: Mapped[str | None] = mapped_column(String(40))
    catatan: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    alamat_ip: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_audit_objek", "objek_tipe", "objek_id"),)

    akun: Mapped[Akun | None] = relationship()
