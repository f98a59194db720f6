"""Flask extensions, created once and bound to an app in init_app()."""

import select
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

import psycopg
from flask import current_app, has_request_context, request
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from psycopg import pq
from sqlalchemy import MetaData, event, exc
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models derive from `Model`: db.Model, made at run time from Base with Flask-SQLAlchemy's
# mixin, which a type checker cannot see; it checks them against Base, their real base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def batasi(*args, **kwargs):
    """`limiter.limit(...)` for a view, which it also marks as limited: a request to any
    other view skips Flask-Limiter (see `_tanpa_batas`)."""
    batas = limiter.limit(*args, **kwargs)

    def tandai(view):
        view = batas(view)
        view.dibatasi = True
        return view

    return tandai


@limiter.request_filter
def _tanpa_batas():
    """True (exempt) for a view without a limit of its own: the app sets no default limit,
    and the limiter's work on every request (resolving the view's limits, its context and
    headers) was about 3 % of a page's CPU."""
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "dibatasi", False)


def init_app(app):
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine)
        else:
            catat_tulisan(db.engine)
            periksa_saat_diambil(db.engine)
            deskripsi_tetap(db.engine)
            # Runs before Flask-SQLAlchemy's own teardown (Flask calls them in reverse
            # order), which rolls back what is left open.
            app.teardown_appcontext(_akhiri_bacaan)


# conn.info: the transaction running on this connection sent something else than a SELECT.
DITULIS = "ditulis"


def catat_tulisan(engine):
    """Mark a connection's transaction once it sends anything but a SELECT (see
    `akhiri_bacaan`)."""

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.info[DITULIS] = False

    @event.listens_for(engine, "before_cursor_execute")
    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if not conn.info.get(DITULIS) and statement.lstrip()[:6].upper() != "SELECT":
            conn.info[DITULIS] = True


def periksa_saat_diambil(engine):
    """A pooled PostgreSQL connection is checked when taken, as pool_pre_ping would, but
    without a round trip when nothing came from the server since its last answer: a
    server that ended the connection (a restart, pg_terminate_backend, an idle timeout)
    sends its notice and closes the socket, which then reads as ready. Only then does a
    real ping decide; a failed one discards every connection older than it (the server
    restarted) and the pool connects afresh. pre-ping's SELECT 1 was a round trip, and a
    wake-up of a PostgreSQL process, on every request."""

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, _record, _proxy):
        if not masih_tersambung(dbapi_connection, engine.dialect):
            raise exc.InvalidatePoolError("koneksi PostgreSQL terputus")


def deskripsi_tetap(engine):
    """psycopg connections of `engine` describe a result once per statement (see
    `KursorDeskripsiTetap`)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.cursor_factory = KursorDeskripsiTetap


# (statement, column types) -> the description of its result. Bounded: the app's statements
# are a few hundred.
_DESKRIPSI: dict = {}
_DESKRIPSI_MAKS = 4000


class KursorDeskripsiTetap(psycopg.Cursor):
    """A psycopg cursor whose `description` is built once per statement and process.

    SQLAlchemy reads `cursor.description` after every SELECT, and psycopg builds a Column
    object per column each time (name decoded, type looked up: 38 µs for 47 columns here),
    about 100 per wizard step. The same statement text answering columns of the same
    types describes the same columns: names come from the text, types are compared on
    every result (2 µs), and sizes and modifiers from the schema, whose change by a
    migration is followed by a restart of the processes (README, Production). A result
    of several statements is described afresh."""

    __slots__ = ()

    @property
    def description(self):
        res, teks = self.pgresult, self._last_query
        if res is None or len(self._results) != 1 or res.status != pq.ExecStatus.TUPLES_OK \
                or not isinstance(teks, str | bytes):
            return super().description
        kunci = (teks, tuple(map(res.ftype, range(res.nfields))))
        kolom = _DESKRIPSI.get(kunci)
        if kolom is None:
            kolom = tuple(super().description)
            if len(_DESKRIPSI) < _DESKRIPSI_MAKS:
                _DESKRIPSI[kunci] = kolom
        return list(kolom)


def masih_tersambung(dbapi_connection, dialect):
    """False when the connection is closed, or its server said something (or hung up)
    while it was idle in the pool and a ping then fails."""
    if dbapi_connection.closed or getattr(dbapi_connection, "broken", False):
        return False
    try:
        p = select.poll()
        p.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
        if not p.poll(0):
            return True  # nothing from the server since its last answer
    except (OSError, ValueError):
        return False
    try:
        return bool(dialect.do_ping(dbapi_connection))
    except Exception:  # noqa: BLE001 - any failure of the ping means a dead connection
        return False


def akhiri_bacaan():
    """End the session's open transaction on PostgreSQL when it only read: COMMIT, which
    leaves the database as a ROLLBACK would but keeps the connection's prepared statements
    (psycopg discards them all at every ROLLBACK, so each request planned its queries
    afresh: most of PostgreSQL's CPU per page). A transaction that wrote, holds changes
    not flushed or failed is left to the caller's rollback. True when it committed."""
    if not db.session.registry.has():
        return False
    sesi = db.session()
    if not sesi.in_transaction() or sesi.new or sesi.dirty or sesi.deleted:
        return False
    conn = sesi.connection()
    if conn.dialect.name != "postgresql" or conn.info.get(DITULIS, True):
        return False
    # Without expiring what was loaded (the session's close would not either): rows read
    # in an app context stay readable after it, as before.
    semula, sesi.expire_on_commit = sesi.expire_on_commit, False
    try:
        sesi.commit()
    except Exception:  # noqa: BLE001 - e.g. a transaction in error: the rollback follows
        sesi.rollback()
        return False
    finally:
        sesi.expire_on_commit = semula
    return True


def _akhiri_bacaan(exc):
    if exc is None:
        akhiri_bacaan()


# How a write transaction begins on SQLite. The default deferred BEGIN upgrades to a write
# lock mid-transaction and fails with "database is locked" under concurrent writers;
# IMMEDIATE waits for the lock instead (tests/test_serentak.py shows both).
BEGIN_TULIS = "BEGIN IMMEDIATE"


def tune_sqlite(engine):
    """WAL, busy timeout, FULL sync, and BEGIN_TULIS for every write transaction."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN" if reading_request() else BEGIN_TULIS)


def reading_request():
    """True inside a GET/HEAD request: it only reads, so it need not take the write lock
    (except inside `tulis_singkat`, the short write of a read's audit row)."""
    if _tulis.get():
        return False
    return _baca_saja.get() or (has_request_context() and request.method in SAFE_METHODS)


_baca_saja = ContextVar("baca_saja", default=False)
_tulis = ContextVar("tulis", default=False)


@contextmanager
def transaksi_tulis():
    """The next transaction takes the write lock at BEGIN (IMMEDIATE), even in a GET: it
    waits for the lock (busy timeout) instead of failing when its snapshot is stale."""
    token = _tulis.set(True)
    try:
        yield
    finally:
        _tulis.reset(token)


@contextmanager
def baca_saja():
    """Run the next transaction without the SQLite write lock (long validation in a POST)."""
    db.session.rollback()  # leave any transaction this request already opened
    token = _baca_saja.set(True)
    try:
        yield
    finally:
        db.session.rollback()  # end the read transaction before writing starts
        _baca_saja.reset(token)


def simpan_transaksi():
    """Commit and keep the loaded rows as written: the answer shows what this request just
    wrote, and reloading every expired row would cost a query each (≤ 6 per request)."""
    sesi = db.session()
    semula, sesi.expire_on_commit = sesi.expire_on_commit, False
    try:
        sesi.commit()
    finally:
        sesi.expire_on_commit = semula
