"""A roster file between upload and confirmation: validated, previewed, then applied."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.extensions import Model
from kinerja_web.models.kolom import teks_enum
from kinerja_web.waktu import sekarang


class StatusImpor(StrEnum):
    """An uploaded file: shown for review, then applied or cancelled."""

    PRATINJAU = "pratinjau"
    DITERAPKAN = "diterapkan"
    DIBATALKAN = "dibatalkan"


class ImporBerkas(Model):
    __tablename__ = "impor_berkas"
    id: Mapped[int] = mapped_column(primary_key=True)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))  # None: `flask impor-roster`
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    jenis: Mapped[str] = mapped_column(String(30), default="roster")
    nama_berkas: Mapped[str] = mapped_column(String(200))
    isi: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[StatusImpor] = mapped_column(teks_enum(StatusImpor, 20),
                                                default=StatusImpor.PRATINJAU)
    ringkasan: Mapped[dict] = mapped_column(JSON)
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    diterapkan: Mapped[datetime | None]
    # Who confirmed it (None: from the shell): only he may regenerate its one-time passwords.
    diterapkan_oleh: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))


class ImporAkun(Model):
    """An account that a roster import created: its one-time password can be made again
    (never shown again: it is stored nowhere) while the account has not signed in."""

    __tablename__ = "impor_akun"
    id: Mapped[int] = mapped_column(primary_key=True)
    impor_id: Mapped[int] = mapped_column(ForeignKey("impor_berkas.id"), index=True)
    akun_id: Mapped[int] = mapped_column(ForeignKey("akun.id"), unique=True)
