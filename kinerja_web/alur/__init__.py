"""The workflow: every state change goes through here and leaves one audit row.

Each transition is one function (in a module per area: skp, …) that checks who may do
it and from which state, changes the row, bumps its version and writes the audit row.
The caller commits.
"""

from flask import has_request_context, request
from flask_login import current_user

from kinerja_web.extensions import db
from kinerja_web.models import Audit


class Ditolak(Exception):
    """A transition the actor may not make now; the message says why, in Indonesian."""


class Konflik(Exception):
    """The row changed since the form was shown (stale version)."""

    def __init__(self, objek):
        super().__init__("Data sudah diubah orang lain sejak halaman dibuka.")
        self.objek = objek


def cek_versi(objek, versi):
    """Refuse a write based on an out-of-date view of the row; a version that is no
    number at all (a tampered form) is as stale as an old one (409, not a 500)."""
    try:
        sama = versi is not None and int(versi) == objek.versi
    except (TypeError, ValueError):
        sama = False
    if not sama:
        raise Konflik(objek)


def catat(aksi, objek=None, *, dari=None, ke=None, catatan=None, data=None, akun=None):
    """Add the audit row for an act (committed with the caller's transaction)."""
    if akun is None and has_request_context() and current_user.is_authenticated:
        akun = current_user
    if objek is not None and objek.id is None:
        db.session.flush()
    baris = Audit(
        akun_id=akun.id if akun is not None else None,
        aksi=aksi,
        objek_tipe=objek.__tablename__ if objek is not None else None,
        objek_id=objek.id if objek is not None else None,
        dari=dari,
        ke=ke,
        catatan=catatan,
        data=data,
        alamat_ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(baris)
    return baris
