"""The workflow: every state change goes through here and leaves one audit row.

Each transition is one function (in a module per area: skp, …) that checks who may do
it and from which state, changes the row, bumps its version and writes the audit row.
The caller commits.

A read that is audited (a print, a download, an exported file) writes its row with
`catat_bacaan` instead: after the slow work, in a short write transaction of its own,
retried while the database is locked; the caller sends the result only once it is stored.
"""

import random
import sqlite3
from time import sleep

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError

from kinerja_web.extensions import db, transaksi_tulis
from kinerja_web.models import Akun, Audit

PERCOBAAN_TULIS = 5  # attempts of a short write before it gives up (each waits busy_timeout)
JEDA_TULIS = 0.05  # seconds before the 2nd attempt; doubled each time, with jitter
# PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout).
SQLSTATE_ULANG = frozenset({"40001", "40P01", "55P03"})


class Ditolak(Exception):
    """A transition the actor may not make now; the message says why, in Indonesian."""


class IsianSalah(Ditolak):
    """A field to correct: its message is on the field, not above the form."""


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
    """Add the audit row for an act (committed with the caller's transaction). For the
    audit row of a read, use `catat_bacaan`."""
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


def _id_dari(objek):
    """The primary key of a row without loading it (it may be expired after a rollback)."""
    if objek is None:
        return None
    identitas = sa_inspect(objek).identity
    return identitas[0] if identitas else objek.id


def bisa_diulang(galat):
    """A write that failed only because another transaction held the lock or won a race:
    SQLite's "database is locked"/"busy" (also a stale WAL snapshot), PostgreSQL's
    serialization failure, deadlock or lock timeout."""
    asal = getattr(galat, "orig", galat)
    if isinstance(asal, sqlite3.OperationalError):
        pesan = str(asal).lower()
        return "locked" in pesan or "busy" in pesan
    return (getattr(asal, "sqlstate", None) or getattr(asal, "pgcode", None)) in SQLSTATE_ULANG


def _salin(baris):
    """A fresh transient copy of a row to add (a rolled-back attempt may have flushed one)."""
    kolom = {a.key for a in sa_inspect(type(baris)).column_attrs}
    isi = {k: v for k, v in vars(baris).items() if k in kolom and k != "id"}
    return type(baris)(**isi)


def tulis_singkat(tambah, *, percobaan=None, di_sini=False):
    """Write what `tambah()` adds in a short write transaction of its own, retried.

    Ends the request's open transaction first (a read: nothing is lost), so no write lock
    is held while the slow work (rendering, building or reading a file) happens before.
    The transaction takes the write lock at BEGIN (`BEGIN IMMEDIATE` on SQLite, also in a
    GET), waits the busy timeout for it and, when the database is still locked or the
    write lost a race, tries again after a short, growing pause; `tambah` runs again on
    each attempt. True when committed; False (logged as an error) after the last attempt.
    Any other error is raised. `di_sini`: the first attempt in the request's open
    transaction (see `tulis_sekarang`)."""
    percobaan = percobaan or PERCOBAAN_TULIS
    for ke in range(1, percobaan + 1):
        if not (di_sini and ke == 1):
            db.session.rollback()
        try:
            with transaksi_tulis():
                tambah()
                db.session.commit()
            return True
        except DBAPIError as e:
            db.session.rollback()
            if not bisa_diulang(e):
                raise
            if ke == percobaan:
                current_app.logger.error(
                    "Tulis singkat gagal setelah %d percobaan (basis data terkunci): %s",
                    percobaan, e)
                return False
            current_app.logger.warning("Tulis singkat ke-%d gagal (%s); diulang", ke, e.orig)
            sleep(JEDA_TULIS * 2 ** (ke - 1) * (1 + random.random()))
    return False


def tulis_sekarang(tambah):
    """Write what `tambah()` adds in the request's open transaction and commit it: for a
    request whose reads were short (a stored print: one query), one transaction instead of
    a read and a write of its own, with the statements PostgreSQL has prepared kept (a
    ROLLBACK discards them). A failure that may pass (lock, lost race) rolls back and is
    tried again as `tulis_singkat` does. True when committed."""
    return tulis_singkat(tambah, di_sini=True)


def catat_bacaan(aksi, objek=None, *, dari=None, ke=None, catatan=None, data=None, akun=None,
                 baris=()):
    """The audit row of a read (a print, a download, an exported file), with `baris`
    (e.g. the Cetakan of a print), written by `tulis_singkat` AFTER the slow work and
    before the result is sent: the caller serves the file only when this returns True,
    so no print or download leaves without its audit row (official-record rule), and no
    write lock is held while it was rendered or built."""
    if akun is None and has_request_context():
        # The signed-in account without touching its (maybe expired) attributes: reading
        # one would begin a transaction, a write one in a POST.
        pengguna = current_user._get_current_object()
        akun = pengguna if isinstance(pengguna, Akun) else None
    isi = dict(
        akun_id=_id_dari(akun), aksi=aksi,
        objek_tipe=objek.__tablename__ if objek is not None else None,
        objek_id=_id_dari(objek), dari=dari, ke=ke, catatan=catatan, data=data,
        alamat_ip=request.remote_addr if has_request_context() else None,
    )
    baris = list(baris)

    def tambah():
        for b in baris:
            db.session.add(_salin(b))
        db.session.add(Audit(**isi))

    return tulis_singkat(tambah)


# The closed-year guard (a before_flush hook) is registered with the workflow itself, so
# no code path that writes through a session escapes it.
from kinerja_web.alur import tahun as _tahun  # noqa: E402, F401
