"""Accounts and their server-side sessions."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.extensions import Model
from kinerja_web.models.org import Pegawai
from kinerja_web.waktu import sekarang


class Akun(UserMixin, Model):
    """A login for one person on the roster."""

    __tablename__ = "akun"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), unique=True)
    sandi_hash: Mapped[str] = mapped_column(String(255))
    harus_ganti_sandi: Mapped[bool] = mapped_column(default=True)
    aktif: Mapped[bool] = mapped_column(default=True)
    gagal_masuk: Mapped[int] = mapped_column(default=0)
    terkunci_sampai: Mapped[datetime | None]
    terakhir_masuk: Mapped[datetime | None]
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)

    pegawai: Mapped[Pegawai] = relationship()

    # Set by the login code and the user loader: the session this request runs under.
    sesi = None
    peran = None

    def get_id(self):
        # Flask-Login keeps this in the signed cookie; it names the session, not the user,
        # so revoking the session row ends it even if an old cookie is replayed.
        return self.sesi.token if self.sesi is not None else None

    @property
    def is_active(self):
        return self.aktif


class SesiLogin(Model):
    """One signed-in browser; revoked at logout, password change or account reset."""

    __tablename__ = "sesi_login"
    id: Mapped[int] = mapped_column(primary_key=True)
    akun_id: Mapped[int] = mapped_column(ForeignKey("akun.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    kedaluwarsa: Mapped[datetime]
    dicabut: Mapped[datetime | None]
    alamat_ip: Mapped[str | None] = mapped_column(String(45))
    agen: Mapped[str | None] = mapped_column(String(200))

    akun: Mapped[Akun] = relationship()

    token = None  # the plaintext, known only while creating the session or loading it
