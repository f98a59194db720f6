"""Fixtures: the app on SQLite (and PostgreSQL when TEST_DATABASE_URL is set), a client
that signs in and sends CSRF tokens like a browser, factory fixtures and a query counter."""

import itertools
import os
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import dunia_sekali
import pytest
from bantu import nilai
from flask.globals import _cv_app
from hypothesis import settings
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from kinerja_web import create_app, simpanan
from kinerja_web.extensions import db, limiter
from kinerja_web.models import (
    Akun,
    Dinas,
    GenerasiData,
    Pegawai,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)

SANDI = "Sandi-uji-123"

# Hypothesis (the fuzz tests): 200 examples per test, reproducible (derandomized, no example
# database) in CI and by default; HYPOTHESIS_PROFILE=dev for a quick local run.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("dev", max_examples=25, deadline=None, derandomize=True,
                          database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "kunci-uji-yang-cukup-panjang-untuk-tes-0123456789",
    # Fast hashes in tests only; production uses the scrypt defaults.
    "SANDI_METODE": "scrypt:1024:8:1",
    "SANDI_SEKALI_METODE": "scrypt:1024:8:1",
    # No background pre-rendering after transitions (tests/test_simpanan.py turns it on).
    "PRACETAK": False,
    # Render processes at normal priority: idle-class ones wait while anything else runs,
    # and the test machine is shared (tests/test_simpanan.py checks the idle class).
    "CETAK_IDLE": False,
}


@pytest.hookimpl(trylast=True)  # after pytest groups the tests by database (database_url)
def pytest_collection_modifyitems(items):
    """The server and long tests that have databases of their own (marker server or lambat)
    run first. They spend part of their time waiting for their processes; run at the end,
    as collected, they ran beside each other with a core partly idle. pytest-xdist gives
    the first part of the list to one worker: the other runs app tests beside them, and the
    run ends with short tests that an idle worker can take over."""
    def panjang(item):
        return (item.get_closest_marker("server") or item.get_closest_marker("lambat")) \
            and "database_url" not in item.fixturenames

    items[:] = [i for i in items if panjang(i)] + [i for i in items if not panjang(i)]


def _admin_engine(url):
    return create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


def pg_url_for_worker(base_url, worker):
    """A PostgreSQL database of this run's own (per xdist worker), created empty.

    The server at TEST_DATABASE_URL may be shared with other runs, and its base database
    may hold tables from another checkout; the suite never touches it. The database is
    named after the process, so concurrent runs cannot collide, and dropped at the end."""
    url = make_url(base_url)
    name = f"{url.database}_k{os.getpid()}_{worker or 'master'}"[:63]
    admin = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def hapus_db_pg(db_url):
    url = make_url(db_url)
    admin = _admin_engine(url.set(database=make_url(os.environ["TEST_DATABASE_URL"]).database))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'uji.db'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = pg_url_for_worker(os.environ["TEST_DATABASE_URL"], worker)
    yield url
    hapus_db_pg(url)


@pytest.fixture(scope="session")
def _app(database_url):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()  # tests only; the app itself migrates with Alembic
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app with empty tables; everything a test writes is deleted afterwards."""
    saved = dict(_app.config)
    yield _app
    _app.config.clear()
    _app.config.update(saved)
    with _app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            # As a new schema is: the data generation's rows (simpanan) are there.
            conn.execute(GenerasiData.__table__.insert(), simpanan.baris_awal())
        limiter.reset()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@contextmanager
def tanpa_konteks():
    """Requests must not share the test's app context (its `g` holds the signed-in user)."""
    stack = []
    while (c := _cv_app.get(None)) is not None:
        c.pop()
        stack.append(c)
    try:
        yield
    finally:
        for c in reversed(stack):
            c.push()


class Klien:
    """A test client that behaves like a browser form: it sends the page's CSRF token."""

    def __init__(self, app):
        self.app = app
        self.c = app.test_client()
        self.token = None

    def get(self, url, **kw):
        with tanpa_konteks():
            r = self.c.get(url, **kw)
        self._ambil_token(r)
        return r

    def post(self, url, data=None, *, csrf=True, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.token is None:
                self.get("/masuk")
            data["csrf_token"] = self.token
        with tanpa_konteks():
            r = self.c.post(url, data=data, **kw)
        self._ambil_token(r)
        return r

    def _ambil_token(self, r):
        if r.mimetype == "text/html":
            token = nilai(r, "csrf_token")
            if token:
                self.token = token

    def masuk(self, username, sandi=SANDI):
        self.get("/masuk")
        r = self.post("/masuk", {"identitas": username, "sandi": sandi})
        assert r.status_code == 303, f"login {username} gagal: {r.status_code}"
        self.get(r.headers["Location"])
        return r

    def keluar(self):
        return self.post("/keluar")


@pytest.fixture
def klien(app):
    return Klien(app)


@pytest.fixture
def buat_klien(app):
    return lambda: Klien(app)


# ------------------------------------------------------------------ factories

_urut = itertools.count(1)


def nip_valid(lahir=date(1985, 3, 14), tmt="201001", jk=1, serial=None):
    serial = next(_urut) % 1000 if serial is None else serial
    return f"{lahir:%Y%m%d}{tmt}{jk}{serial:03d}"


@pytest.fixture
def make_dinas(ctx):
    def make(**over):
        n = next(_urut)
        d = Dinas(**{"nama": f"Dinas Pendidikan Kabupaten Uji {n}", "tingkat": "kabupaten",
                     "wilayah": f"Kabupaten Uji {n}", "kota_ttd": "Uji", **over})
        db.session.add(d)
        db.session.flush()
        return d
    return make


@pytest.fixture
def make_sekolah(ctx):
    def make(dinas, **over):
        n = next(_urut)
        s = Sekolah(**{"npsn": f"{20300000 + n:08d}", "nama": f"SD NEGERI {n} UJI",
                       "jenjang": "sd", "status": "negeri", "dinas_id": dinas.id, **over})
        db.session.add(s)
        db.session.flush()
        return s
    return make


@pytest.fixture
def make_pegawai(ctx):
    def make(dinas=None, sekolah=None, *, username=None, sandi=SANDI, akun=True, **over):
        dinas_id = sekolah.dinas_id if sekolah is not None else dinas.id
        n = next(_urut)
        p = Pegawai(**{
            "nip": nip_valid(serial=n % 1000), "nama": f"Pegawai Uji {n}",
            "status_kepegawaian": "PNS", "golongan": "III/a", "jabatan": "Guru Ahli Pertama",
            "jenis_kelamin": "L", "tanggal_lahir": date(1985, 3, 14),
            "sekolah_id": sekolah.id if sekolah is not None else None, "dinas_id": dinas_id,
            **over,
        })
        db.session.add(p)
        db.session.flush()
        if akun:
            from werkzeug.security import generate_password_hash

            db.session.add(Akun(username=username or f"u{n}", pegawai_id=p.id,
                                sandi_hash=generate_password_hash(sandi, "scrypt:1024:8:1"),
                                harus_ganti_sandi=False))
            db.session.flush()
        return p
    return make


@pytest.fixture
def tugaskan(ctx):
    def make(pegawai, peran, sekolah=None, mulai=date(2024, 1, 1), selesai=None):
        t = Penugasan(pegawai_id=pegawai.id, peran=peran, dinas_id=pegawai.dinas_id,
                      sekolah_id=sekolah.id if sekolah is not None else None,
                      mulai=mulai, selesai=selesai)
        db.session.add(t)
        db.session.flush()
        return t
    return make


@pytest.fixture
def dunia(make_dinas, make_sekolah, make_pegawai, tugaskan):
    """Two Dinas; in the first, a school with a principal and teachers, a school led by
    a Plt., Dinas staff; in the second, a school with its own principal and teacher.
    Returns plain values (ids, names, usernames), not ORM rows."""
    d1, d2 = make_dinas(), make_dinas(nama="Dinas Pendidikan Kota Lain", tingkat="kota")
    s1 = make_sekolah(d1, nama="SD NEGERI 1 SATU")
    s2 = make_sekolah(d1, nama="SMP NEGERI 2 DUA", jenjang="smp")
    s3 = make_sekolah(d2, nama="SD NEGERI 3 TIGA")
    w = SimpleNamespace(dinas=d1, dinas_lain=d2, sekolah=s1, sekolah_plt=s2, sekolah_lain=s3)
    w.kepsek = make_pegawai(sekolah=s1, username="kepsek", nama="Kepala Satu",
                            jabatan="Guru Ahli Madya", golongan="IV/a")
    tugaskan(w.kepsek, "kepala_sekolah", s1)
    w.guru = make_pegawai(sekolah=s1, username="guru", nama="Guru Satu")
    w.guru2 = make_pegawai(sekolah=s1, username="guru2", nama="Guru Dua")
    w.plt = make_pegawai(sekolah=s2, username="plt", nama="Plt Dua")
    tugaskan(w.plt, "plt_kepala_sekolah", s2)
    w.guru_plt = make_pegawai(sekolah=s2, username="guru3", nama="Guru Tiga")
    w.operator = make_pegawai(dinas=d1, username="operator", nama="Operator Satu",
                              jabatan="Pelaksana")
    tugaskan(w.operator, "operator_dinas")
    w.kadis = make_pegawai(dinas=d1, username="kadis", nama="Kadis Satu", jabatan="Kepala Dinas",
                           golongan="IV/c")
    tugaskan(w.kadis, "kepala_dinas")
    w.tim = make_pegawai(dinas=d1, username="tim", nama="Tim Satu",
                         jabatan="Pengawas Sekolah Ahli Madya", golongan="IV/b")
    tugaskan(w.tim, "tim_kerja")
    w.kepsek_lain = make_pegawai(sekolah=s3, username="kepsek_lain", nama="Kepala Lain",
                                 jabatan="Guru Ahli Madya", golongan="IV/a")
    tugaskan(w.kepsek_lain, "kepala_sekolah", s3)
    w.guru_lain = make_pegawai(sekolah=s3, username="guru_lain", nama="Guru Lain")
    w.operator_lain = make_pegawai(dinas=d2, username="operator_lain", nama="Operator Lain",
                                   jabatan="Pelaksana")
    tugaskan(w.operator_lain, "operator_dinas")
    tahun = TahunKinerja(tahun=2025, aturan="2025")
    db.session.add(tahun)
    db.session.flush()
    db.session.add_all(TahunDinas(dinas_id=d.id, tahun_id=tahun.id, status=StatusTahun.BERJALAN)
                       for d in (d1, d2))
    db.session.add(PlotTimKerja(tahun_id=tahun.id, tim_kerja_id=w.tim.id,
                                kepala_sekolah_id=w.kepsek.id))
    db.session.commit()
    hasil = SimpleNamespace(**{k: polos(v) for k, v in vars(w).items()})
    db.session.rollback()  # end the read transaction: requests need the write lock
    return hasil


def polos(obj):
    """A row as plain values, safe to use after its session is gone."""
    nilai = {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}
    if isinstance(obj, Pegawai):
        akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == obj.id))
        nilai["username"] = akun.username if akun else None
    return SimpleNamespace(**nilai)


@pytest.fixture
def demo(ctx, app):
    """The demo Dinas (`kinerja_web.demo.buat`) in the empty database; its login table.
    Built once per worker and database, restored from its saved rows for each test."""
    from kinerja_web import demo as demo_data

    def bangun():
        logins = demo_data.buat(app)
        db.session.commit()
        return logins

    return dunia_sekali.sekali(app, "demo", bangun)


@contextmanager
def _hitung(engine):
    hitungan = []

    def catat(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA",
                                                      "SAVEPOINT", "RELEASE")):
            hitungan.append(statement)

    event.listen(engine, "before_cursor_execute", catat)
    try:
        yield hitungan
    finally:
        event.remove(engine, "before_cursor_execute", catat)


@pytest.fixture
def hitung_query(app):
    """Count the SQL statements sent while the block runs (BEGIN/COMMIT excluded)."""
    with app.app_context():
        engine = db.engine
    return lambda: _hitung(engine)
