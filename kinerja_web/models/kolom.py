"""Column types shared by the models."""

from enum import StrEnum

from sqlalchemy import Enum


def isi_enum(kolom: str, jenis: type[StrEnum]) -> str:
    """The CHECK text that keeps a column to the enum's values, in the enum's order."""
    return f"{kolom} IN ({', '.join(repr(m.value) for m in jenis)})"


def teks_enum(jenis: type[StrEnum], panjang: int) -> Enum:
    """A StrEnum kept as its value in VARCHAR(panjang), the very column String(panjang)
    makes (no database enum type, no constraint of its own: the table's CHECK is the one
    in the migrations), read back as the enum's member."""
    return Enum(jenis, native_enum=False, create_constraint=False, length=panjang,
                values_callable=lambda e: [m.value for m in e])
