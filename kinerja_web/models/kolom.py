"""Column types shared by the models."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.waktu import sekarang


def isi_enum(kolom: str, jenis: type[StrEnum]) -> str:
    """The CHECK text that keeps a column to the enum's values, in the enum's order."""
    return f"{kolom} IN ({', '.join(repr(m.value) for m in jenis)})"


def teks_enum(jenis: type[StrEnum], panjang: int) -> Enum:
    """A StrEnum kept as its value in VARCHAR(panjang), the very column String(panjang)
    makes (no database enum type, no constraint of its own: the table's CHECK is the one
    in the migrations), read back as the enum's member."""
    return Enum(jenis, native_enum=False, create_constraint=False, length=panjang,
                values_callable=lambda e: [m.value for m in e])


class KolomTugasLatar:
    """The columns of a background job run by one owner at a time (kinerja_web.tugas_latar):
    a batch print and an e-Kinerja export job. `pekerja` holds the job (machine|pid|start|
    random) and `detak` is when it last reported, so a stale owner can be taken over."""

    galat: Mapped[str | None] = mapped_column(Text)
    pekerja: Mapped[str | None] = mapped_column(String(64))
    detak: Mapped[datetime | None]
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    mulai: Mapped[datetime | None]
    selesai: Mapped[datetime | None]
