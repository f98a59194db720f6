"""Submission keys: the forms that create something are stored once per form shown."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.extensions import Model
from kinerja_web.waktu import sekarang


class KunciKiriman(Model):
    """One form submission that created something: its key (UNIQUE, written in the same
    transaction as the change), who sent it, and the page it led to."""

    __tablename__ = "kunci_kiriman"
    id: Mapped[int] = mapped_column(primary_key=True)
    kunci: Mapped[str] = mapped_column(String(64), unique=True)
    akun_id: Mapped[int] = mapped_column(ForeignKey("akun.id"))
    # Where the first submission led (a path of this site); the repeat is sent there too.
    tujuan: Mapped[str | None] = mapped_column(String(300))
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
