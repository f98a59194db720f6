"""Migrations through pytest-alembic, and a round trip of every revision on a populated database.

1. pytest-alembic's four standard tests (one head; base → head; the models match the DDL the
   migrations build; every revision upgrades and downgrades one by one), imported here so
   they run in the normal suite without `--test-alembic`, against the `alembic_config` and
   `alembic_engine` fixtures below: on SQLite and, when TEST_DATABASE_URL is set, on a
   PostgreSQL database created for the test and dropped afterwards.

2. `test_turun_naik_dengan_data`: see its docstring. Data: the demo (`kinerja_web.demo`)
   plus a small generated volume (`bench/_volume.py`: 20 schools, 200 teachers, under
   usernames prefixed with "v") plus a few rows in the tables both leave empty. Nothing here
   lists revisions: the walk follows whatever history `migrations/versions` holds.
"""

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from pytest_alembic.config import Config
from pytest_alembic.tests import (  # noqa: F401  (collected by pytest from this module)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import MetaData, create_engine, delete, func, inspect, select, text, update
from sqlalchemy.engine import make_url

from bench import _volume
from kinerja_web import create_app
from kinerja_web import demo as demo_data
from kinerja_web.extensions import db
from tests.conftest import TEST_CONFIG, Klien

ROOT = os.path.dirname(os.path.dirname(__file__))
MIGRATIONS = os.path.join(ROOT, "migrations")
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

# Revisions whose downgrade may change rows of the tables it keeps (a data migration being
# undone), with the reason. Empty: every downgrade so far only drops what its upgrade made.
DOWNGRADE_MENGUBAH_DATA: dict[str, str] = {}


# ------------------------------------------------------------------ fixtures


@pytest.fixture(params=BACKENDS)
def url_kosong(request, tmp_path):
    """The URL of an empty database of its own: a file, or a PostgreSQL database that is
    created here and dropped afterwards (never the suite's shared one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alembic.db'}"
        return
    base = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    nama = f"alembic_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{nama}"'))
    try:
        yield base.set(database=nama).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_migrasi(url_kosong):
    """The app on that empty database, its context pushed: migrations/env.py takes the
    models' metadata and the Flask-Migrate options from `current_app`."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url_kosong})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def alembic_config():
    return Config(config_options={"file": os.path.join(MIGRATIONS, "alembic.ini"),
                                  "script_location": MIGRATIONS})


@pytest.fixture
def alembic_engine(app_migrasi):
    # env.py migrates over the engine pytest-alembic hands it (config.attributes).
    return db.engine


# ------------------------------------------------------------------ snapshots


def _normal(v):
    """A value in a form that is the same on SQLite and PostgreSQL and JSON-serialisable."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, Decimal):
        return str(v.normalize())
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "b:" + bytes(v).hex()
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    raise TypeError(f"tipe tak dikenal {type(v).__name__}: {v!r}")


@dataclass
class Tabel:
    skema: tuple  # columns (name, type, nullable), indexes, unique constraints, foreign keys
    kolom: tuple
    kunci: tuple  # primary key columns
    baris: dict = field(repr=False)  # primary key → {column: raw value}
    _ringkas: dict = field(default_factory=dict, repr=False, compare=False)

    def ringkas(self, kolom=None):
        """(row count, SHA-256) over the rows in key order, limited to `kolom` if given."""
        kolom = self.kolom if kolom is None else kolom
        if kolom not in self._ringkas:
            self._ringkas[kolom] = self._hitung(kolom)
        return self._ringkas[kolom]

    def _hitung(self, kolom):
        h = hashlib.sha256()
        for k in sorted(self.baris, key=lambda k: tuple(map(_urutan, k))):
            b = self.baris[k]
            h.update(json.dumps([_normal(b[c]) for c in kolom], ensure_ascii=False).encode())
            h.update(b"\n")
        return len(self.baris), h.hexdigest()


def _urutan(v):
    return (0, v, "") if isinstance(v, int) else (1, 0, str(v))


def _skema(insp):
    """{table: (columns with type and nullability, indexes, unique constraints, foreign
    keys)}, read with one query per kind."""
    def urut(d, f):
        return {t: tuple(sorted(f(x) for x in v)) for (_, t), v in d.items()}

    kolom = {t: tuple((c["name"], str(c["type"]), c["nullable"]) for c in v)
             for (_, t), v in insp.get_multi_columns().items()}
    indeks = urut(insp.get_multi_indexes(),
                  lambda i: (i["name"], tuple(i["column_names"]), bool(i["unique"])))
    unik = urut(insp.get_multi_unique_constraints(),
                lambda u: (u["name"], tuple(u["column_names"])))
    fk = urut(insp.get_multi_foreign_keys(),
              lambda f: (f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"],
                         tuple(f["referred_columns"])))
    return {t: (kolom[t], indeks.get(t, ()), unik.get(t, ()), fk.get(t, ())) for t in kolom}


def _potret(engine):
    """Every table (but alembic_version): its schema and all its rows."""
    md = MetaData()
    md.reflect(engine)
    hasil = {}
    with engine.connect() as conn:
        skema = _skema(inspect(conn))
        for t in md.sorted_tables:
            if t.name == "alembic_version":
                continue
            kunci = tuple(c.name for c in t.primary_key.columns) or tuple(t.c.keys())
            baris = {}
            for r in conn.execute(select(t)).mappings():
                baris[tuple(r[k] for k in kunci)] = dict(r)
            hasil[t.name] = Tabel(skema[t.name], tuple(t.c.keys()), kunci, baris)
    return hasil


def _ringkasan(potret):
    return {n: t.ringkas() for n, t in sorted(potret.items())}


# ------------------------------------------------------------------ data


def _isi(app):
    """The demo, a small generated volume next to it, and rows in the tables both leave
    empty (sessions, submission keys, an import, a print batch with its prints and files,
    a stored document, an export with its log and jobs), so every table of today holds data in the
    round trip."""
    from kinerja_web.models import (
        Akun,
        Cetakan,
        CetakBatch,
        CetakBatchBerkas,
        Dinas,
        DokumenTersimpan,
        Ekspor,
        ImporBerkas,
        KunciKiriman,
        LogSinkro,
        PerpanjanganTenggat,
        SesiLogin,
        Skp,
        TahunKinerja,
        TugasEkspor,
    )

    demo_data.buat(app)
    db.session.commit()
    _volume.isi(app, jumlah_sekolah=20, jumlah_guru=200, sekolah_besar=10, awalan="v")
    db.session.remove()
    s = db.session
    akun = s.scalars(select(Akun).order_by(Akun.id).limit(3)).all()
    dinas = s.scalars(select(Dinas).order_by(Dinas.id)).first()
    skp = s.scalars(select(Skp).where(Skp.status == "disepakati").order_by(Skp.id)
                    .limit(2)).all()
    waktu = datetime(2025, 11, 3, 8, 15, 30)
    s.add_all([SesiLogin(akun_id=a.id, token_hash=hashlib.sha256(a.username.encode())
                         .hexdigest(), dibuat=waktu, kedaluwarsa=waktu + timedelta(hours=8),
                         alamat_ip="127.0.0.1", agen="uji migrasi")
               for a in akun])
    s.add_all([KunciKiriman(kunci=f"kunci-{a.id:04d}", akun_id=a.id, tujuan=f"/x/{a.id}",
                            dibuat=waktu) for a in akun])
    s.add(ImporBerkas(akun_id=akun[0].id, dinas_id=dinas.id, nama_berkas="roster.csv",
                      isi=b"nip;nama\r\n\xff\x00\xfe;S\xe9ti\n", sha256="0" * 64,
                      ringkasan={"sekolah": 1, "pegawai": 2, "galat": []}, dibuat=waktu))
    batch = CetakBatch(akun_id=akun[0].id, dinas_id=dinas.id, jenis="skp", format="pdf",
                       lingkup="Semua", daftar=[k.id for k in skp], status="selesai",
                       chunk_selesai=1, berkas="cetak/1/semua.pdf", dibuat=waktu)
    s.add(batch)
    s.flush()
    s.add_all([Cetakan(kode=f"KODE{k.id:012d}", jenis="skp", skp_id=k.id, akun_id=akun[0].id,
                       batch_id=batch.id if i else None, waktu=waktu,
                       nilai={"predikat": "baik", "nilai": [1, 2.5, None], "nama": "Sétiawan"})
               for i, k in enumerate(skp)])
    # Stored documents and batch bytes (binary with every byte value, and a NUL).
    s.add(DokumenTersimpan(kode="KODE-00001", jenis="skp", skp_id=skp[0].id, sidik="a" * 64,
                           pdf=b"%PDF-1.7\n" + bytes(range(256)), ukuran=265, dibuat=waktu))
    s.add_all([CetakBatchBerkas(batch_id=batch.id, urutan=u, isi=b"%PDF-\x00" + bytes([u % 256]),
                                ukuran=7) for u in (-1, 0)])
    ekspor = Ekspor(dinas_id=dinas.id, akun_id=akun[0].id, jenis="perencanaan",
                    lingkup="Semua", versi_format="1.0", sha256="1" * 64,
                    manifes={"berkas": ["a.jsonl"]}, jsonl=b'{"a": 1}\n', xlsx=b"PK\x03\x04",
                    waktu=waktu, jumlah_diekspor=1)
    s.add(ekspor)
    s.flush()
    s.add(LogSinkro(dinas_id=dinas.id, ekspor_id=ekspor.id, pegawai_id=akun[0].pegawai_id,
                    posisi="guru", jenis="perencanaan", nip="198503142010011001",
                    nama="Uji", tipe_skp="guru", status="Berhasil", waktu=waktu))
    # Deadline extensions (two people, two stages; a reason with non-ASCII text).
    tahun = s.scalars(select(TahunKinerja).order_by(TahunKinerja.id)).first()
    s.add_all([PerpanjanganTenggat(pegawai_id=a.pegawai_id, tahun_id=tahun.id, tahap=tahap,
                                   sampai=date(2026, 2, 6), alasan="Sakit — surat dokter",
                                   akun_id=akun[0].id, dibuat=waktu)
               for a, tahap in zip(akun[1:], ("pengajuan_skp", "persetujuan_skp"), strict=True)])
    # Export jobs: the finished one with its export, one running (in the unique open set).
    s.add_all([TugasEkspor(dinas_id=dinas.id, akun_id=akun[0].id, jenis="perencanaan",
                           tahun=2025, lingkup="Seluruh Dinas", status="selesai", tahap="simpan",
                           diproses=3, total=3, ekspor_id=ekspor.id, dibuat=waktu,
                           mulai=waktu, selesai=waktu),
               TugasEkspor(dinas_id=dinas.id, jenis="perencanaan", tahun=2025,
                           lingkup="Seluruh Dinas (CLI)", status="berjalan", tahap="cek",
                           diproses=1, total=3, pekerja="mesin|1|1|abcd", detak=waktu,
                           dibuat=waktu, mulai=waktu, galat=None)])
    s.commit()
    s.remove()


# ------------------------------------------------------------------ one step


@dataclass
class Hilang:
    """What one downgrade took away: whole tables and columns of kept tables."""
    tabel: dict = field(default_factory=dict)  # name → Tabel
    kolom: dict = field(default_factory=dict)  # table → (Tabel before, [dropped columns])

    def uraian(self):
        bagian = [f"{n} ({len(t.baris)} baris)" for n, t in sorted(self.tabel.items())]
        bagian += [f"{n}.{k}" for n, (_, ks) in sorted(self.kolom.items()) for k in ks]
        return ", ".join(bagian) or "—"


def _turun(runner, revisi, sebelum):
    """Downgrade one step from `revisi`; check that every kept table keeps its rows (on the
    columns it keeps) and return what the step dropped with the snapshot after it."""
    runner.migrate_down_one()
    sesudah = _potret(db.engine)
    hilang = Hilang()
    for nama, t in sebelum.items():
        if nama not in sesudah:
            hilang.tabel[nama] = t
            continue
        tetap = tuple(k for k in t.kolom if k in sesudah[nama].kolom)
        dibuang = [k for k in t.kolom if k not in tetap]
        if dibuang:
            hilang.kolom[nama] = (t, dibuang)
        if revisi not in DOWNGRADE_MENGUBAH_DATA:
            assert sesudah[nama].ringkas(tetap) == t.ringkas(tetap), \
                f"downgrade {revisi} mengubah isi tabel {nama} yang tidak dihapusnya"
    return hilang, sesudah


def _pulihkan(hilang):
    """Put back what a downgrade dropped, once the upgrade has re-created the schema: the
    rows of the re-created tables (replacing any the upgrade itself inserted) and the values
    of re-added columns. The upgrade must have made room for exactly the old data."""
    md = MetaData()
    md.reflect(db.engine)
    dibuat = [t for t in md.sorted_tables if t.name in hilang.tabel]
    assert {t.name for t in dibuat} == set(hilang.tabel), "upgrade tidak membuat ulang tabel"
    with db.engine.begin() as conn:
        for t in reversed(dibuat):
            conn.execute(delete(t))
        for t in dibuat:
            lama = hilang.tabel[t.name]
            if lama.baris:
                conn.execute(t.insert(), [{k: b[k] for k in t.c.keys()}
                                          for b in lama.baris.values()])
        for nama, (lama, kolom) in hilang.kolom.items():
            t = md.tables[nama]
            for kunci, b in lama.baris.items():
                conn.execute(update(t).where(*[t.c[k] == v for k, v in zip(lama.kunci, kunci,
                                                                           strict=True)])
                             .values({k: b[k] for k in kolom}))
        if conn.dialect.name == "postgresql":  # sequences of re-created tables go on
            for t in dibuat:
                for c in t.primary_key.columns:
                    seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": t.name, "c": c.name})
                    if seq:
                        conn.execute(text("SELECT setval(:s, :n, :ada)"), {
                            "s": seq, "n": conn.scalar(select(func.max(c))) or 1,
                            "ada": bool(hilang.tabel[t.name].baris)})


def _naik(runner, revisi, hilang, harapan):
    """Upgrade one step to `revisi`, put back what its downgrade dropped, and check that the
    database equals the snapshot taken at `revisi` (schema, row counts, checksums)."""
    runner.migrate_up_one()
    assert runner.current == revisi
    _pulihkan(hilang)
    sekarang = _potret(db.engine)
    assert {n: t.skema for n, t in sekarang.items()} == \
        {n: t.skema for n, t in harapan.items()}, f"skema setelah upgrade {revisi} berbeda"
    assert _ringkasan(sekarang) == _ringkasan(harapan), \
        f"isi setelah downgrade dan upgrade {revisi} berbeda"
    return sekarang


# ------------------------------------------------------------------ the round trip


@pytest.mark.lambat
def test_turun_naik_dengan_data(alembic_runner, app_migrasi):
    """upgrade → downgrade → upgrade on a populated database.

    A downgrade of a revision that created tables drops them with their rows; that loss is
    inherent (nothing else could hold the rows). So the check is, from head down to base,
    for each revision R:

    * downgrade R: every table that remains keeps exactly its rows on the columns that
      remain (row count and checksum; a revision that really changes kept rows on the way
      down must be listed in DOWNGRADE_MENGUBAH_DATA with its reason). What R dropped is
      recorded and reported (pytest -s or -rP shows the list);
    * upgrade R again on that populated database (catches e.g. a NOT NULL column added
      without a default, which an empty database never shows), put back the dropped rows
      and column values, and require the schema (columns with types, indexes, unique and
      foreign keys) and every table's row count and checksum to equal the snapshot at R —
      the re-created schema must hold the old data unchanged;
    * downgrade R again (on the restored data) and go on with R's parent.

    At base no table is left. Then upgrade one revision at a time to head, putting back each
    step's data, comparing with the snapshot of that revision on the way down; at head the
    counts and checksums equal those before the first downgrade, and the demo and volume
    accounts can still sign in (which writes a login session through the re-created
    sequences).
    """
    runner = alembic_runner
    runner.migrate_up_to("heads")
    _isi(app_migrasi)
    revisi = [r for r in runner.history.revisions if r not in ("base", "heads")]
    assert runner.current == revisi[-1]
    awal = _potret(db.engine)
    # A table the data leaves empty is still checked for its schema, not for its rows.
    kosong = sorted(n for n, t in awal.items() if not t.baris)
    potret = {revisi[-1]: awal}
    hilang = {}
    for r in reversed(revisi):
        hilang[r], bawah = _turun(runner, r, potret[r])
        _naik(runner, r, hilang[r], potret[r])
        _, lagi = _turun(runner, r, potret[r])
        assert _ringkasan(lagi) == _ringkasan(bawah)
        potret[runner.history.previous_revision(r)] = lagi
    assert runner.current == "base"
    assert _potret(db.engine) == {}
    for r in revisi:
        _naik(runner, r, hilang[r], potret[r])
    akhir = _potret(db.engine)
    assert _ringkasan(akhir) == _ringkasan(awal)
    assert sum(n for n, _ in _ringkasan(akhir).values()) > 2000

    for username, sandi in (("guru7", demo_data.SANDI_DEMO), ("vg1", _volume.SANDI)):
        k = Klien(app_migrasi)
        k.masuk(username, sandi)
        assert k.get("/").status_code == 200

    print(f"\nMigrasi ({db.engine.dialect.name}): data yang hilang pada downgrade per revisi")
    for r in reversed(revisi):
        print(f"  {r}: {hilang[r].uraian()}")
    print(f"  tabel tanpa data (hanya skemanya diuji): {', '.join(kosong) or '—'}")


def test_bagian_skp_mengisi_periode_tahun_pada_data_terisi(alembic_runner, app_migrasi):
    """The SKP-parts revision on a populated database: every existing SKP becomes the one
    open part of its year (1 January – 31 December), none is lost, and a second open part
    of the same position is refused by the new index."""
    runner = alembic_runner
    runner.migrate_up_to("heads")
    demo_data.buat(app_migrasi)
    db.session.commit()
    sebelum = db.session.execute(text(
        "SELECT id, pegawai_id, tahun_id, posisi, status FROM skp ORDER BY id")).all()
    assert len(sebelum) > 20
    db.session.remove()
    revisi = "e3a7c9d1f5b2"
    while runner.current != runner.history.previous_revision(revisi):
        runner.migrate_down_one()
    assert "mulai" not in {c["name"] for c in inspect(db.engine).get_columns("skp")}
    runner.migrate_up_one()
    assert runner.current == revisi
    with db.engine.connect() as conn:
        sesudah = conn.execute(text(
            "SELECT skp.id, pegawai_id, tahun_id, posisi, status, mulai, selesai, ditutup, "
            "tahun_kinerja.tahun FROM skp JOIN tahun_kinerja ON tahun_kinerja.id = tahun_id "
            "ORDER BY skp.id")).all()
    assert [tuple(r[:5]) for r in sesudah] == [tuple(r) for r in sebelum]
    for r in sesudah:
        mulai, selesai = (date.fromisoformat(x) if isinstance(x, str) else x for x in r[5:7])
        assert (mulai, selesai, r[7]) == (date(r[8], 1, 1), date(r[8], 12, 31), None)
    satu = sesudah[0]
    with pytest.raises(Exception), db.engine.begin() as conn:  # noqa: B017 (either driver)
        conn.execute(text(
            "INSERT INTO skp (pegawai_id, tahun_id, posisi, status, versi, mulai, selesai, "
            "dibuat, diubah) VALUES (:p, :t, :pos, 'draf', 1, :m, :s, :w, :w)"),
            {"p": satu[1], "t": satu[2], "pos": satu[3], "m": date(satu[8], 7, 16),
             "s": date(satu[8], 12, 31), "w": datetime(2026, 12, 6)})
