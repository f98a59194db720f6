"""Migrations: empty → head → base → head on each backend, and models agree with them."""

import json
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from kinerja_web import create_app
from kinerja_web.extensions import db
from tests.conftest import TEST_CONFIG

ROOT = os.path.dirname(os.path.dirname(__file__))
MIGRATIONS = os.path.join(ROOT, "migrations")


def _sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'migrasi.db'}", lambda: None


def _postgres():
    base = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = f"migrasi_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def app_kosong(request, tmp_path):
    url, drop = _sqlite(tmp_path) if request.param == "sqlite" else _postgres()
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def _tabel(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _selisih(app):
    with app.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_downgrade_upgrade(app_kosong):
    app = app_kosong
    semua = {t.name for t in db.metadata.sorted_tables}
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    assert _tabel(app) == semua
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
    assert _tabel(app) == set()
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    assert _tabel(app) == semua


def test_model_dan_migrasi_sepakat(app_kosong):
    with app_kosong.app_context():
        upgrade(directory=MIGRATIONS)
    assert _selisih(app_kosong) == []


def test_nama_berkas_migrasi_bertanggal():
    nama = [n for n in os.listdir(os.path.join(MIGRATIONS, "versions")) if n.endswith(".py")]
    assert nama, "tidak ada migrasi"
    for n in nama:
        assert n[:8].isdigit() and n[8] == "_", f"{n} tidak diawali tanggal YYYYMMDD_"


def _dinas(conn, dua=False):
    """Dinas rows as an older schema holds them (only the columns every revision has)."""
    conn.execute(text(
        "INSERT INTO dinas (id, nama, tingkat, wilayah, kop_garuda) VALUES "
        "(1, 'Dinas Pendidikan Kabupaten Satu', 'kabupaten', 'Kabupaten Satu', false)"
        + (", (2, 'Dinas Pendidikan Kota Dua', 'kota', 'Kota Dua', false)" if dua else "")))


def _dinas_dan_tahun_2025(conn, kota_dua=False):
    """Dinas 1 (and 2) and the year 2025 (id 1), written as at the older revisions."""
    _dinas(conn, dua=kota_dua)
    conn.execute(text("INSERT INTO tahun_kinerja (id, tahun, aturan, aktif) "
                      "VALUES (1, 2025, '2025', true)"))


def test_tahun_2025_menjadi_baris_per_dinas(app_kosong):
    """The years-as-rows migration (e4a7c2b9d1f3) on a populated database: each existing
    year becomes a `berjalan` row for each Dinas; no other row changes; down and up again
    gives the same rows."""
    app = app_kosong
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="d8f1a3b5c7e9")
        with db.engine.begin() as conn:
            _dinas_dan_tahun_2025(conn, kota_dua=True)
            conn.execute(text(
                "INSERT INTO pegawai (id, nama, status_kepegawaian, dinas_id, keikutsertaan, "
                "diubah) VALUES (1, 'Kepala Satu', 'PNS', 1, 'ikut', '2025-01-02 00:00:00'), "
                "(2, 'Tim Satu', 'PNS', 1, 'ikut', '2025-01-02 00:00:00')"))
            conn.execute(text("INSERT INTO plot_tim_kerja (id, tahun_id, tim_kerja_id, "
                              "kepala_sekolah_id) VALUES (1, 1, 2, 1)"))

        def isi():
            with db.engine.connect() as conn:
                return {t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
                        for t in ("dinas", "tahun_kinerja", "pegawai", "plot_tim_kerja")}

        sebelum = isi()
        upgrade(directory=MIGRATIONS, revision="e4a7c2b9d1f3")
        with db.engine.connect() as conn:
            baris = conn.execute(text(
                "SELECT d.dinas_id, t.tahun, d.status, d.versi FROM tahun_dinas d "
                "JOIN tahun_kinerja t ON t.id = d.tahun_id ORDER BY d.dinas_id")).all()
        assert [tuple(b) for b in baris] == [(1, 2025, "berjalan", 1), (2, 2025, "berjalan", 1)]
        assert isi() == sebelum
        downgrade(directory=MIGRATIONS, revision="d8f1a3b5c7e9")
        assert isi() == sebelum
    assert "tahun_dinas" not in _tabel(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="e4a7c2b9d1f3")
        assert isi() == sebelum


def test_tanda_tangan_elektronik_pada_basis_data_berisi(app_kosong):
    """The electronic-signature migration (e4c2a7d9b1f3, after the reminders'
    f1b3d5e7a9c2) on a populated database: an existing Dinas signs nothing, an existing
    stored document is unsigned; down and up again keeps every other value."""
    app = app_kosong
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="f1b3d5e7a9c2")
        with db.engine.begin() as conn:
            _dinas(conn)
            conn.execute(text("INSERT INTO tahun_kinerja (id, tahun, aturan, aktif) "
                              "VALUES (1, 2025, '2025', true)"))
            conn.execute(text(
                "INSERT INTO pegawai (id, nama, status_kepegawaian, dinas_id, keikutsertaan, "
                "diubah) VALUES (1, 'Guru Satu', 'PNS', 1, 'ikut', '2025-01-02 00:00:00')"))
            conn.execute(text(
                "INSERT INTO skp (id, pegawai_id, tahun_id, posisi, status, versi, mulai, "
                "selesai, dibuat, diubah) VALUES (7, 1, 1, 'guru', 'disepakati', 1, "
                "'2025-01-01', '2025-12-31', '2025-01-02 00:00:00', '2025-01-02 00:00:00')"))
            conn.execute(text(
                "INSERT INTO dokumen_tersimpan (kode, jenis, skp_id, sidik, pdf, ukuran, "
                "dibuat) VALUES ('AAAAA-22222', 'skp', 7, 's1', :pdf, 9, "
                "'2026-01-02 00:00:00')"), {"pdf": b"%PDF-1.7\n"})

        def isi():
            with db.engine.connect() as conn:
                return (conn.execute(text("SELECT id, nama, wilayah FROM dinas")).all(),
                        conn.execute(text("SELECT kode, skp_id, sidik, pdf, ukuran "
                                          "FROM dokumen_tersimpan")).all())

        sebelum = isi()
        upgrade(directory=MIGRATIONS, revision="e4c2a7d9b1f3")
        with db.engine.connect() as conn:
            d = conn.execute(text("SELECT tte_mode, tte_dokumen, tte_kepsek FROM dinas")).one()
            ttd = conn.execute(text("SELECT ttd FROM dokumen_tersimpan")).scalar()
        assert (d.tte_mode, json.loads(d.tte_dokumen) if isinstance(d.tte_dokumen, str)
                else d.tte_dokumen, bool(d.tte_kepsek)) == ("", [], False)
        assert ttd is None and isi() == sebelum
        downgrade(directory=MIGRATIONS, revision="f1b3d5e7a9c2")
        assert isi() == sebelum
        with db.engine.connect() as conn:
            assert "tte_mode" not in {c["name"] for c in inspect(conn).get_columns("dinas")}
        upgrade(directory=MIGRATIONS)
        assert isi() == sebelum


def test_pengingat_menambah_kontak_tanpa_mengubah_pegawai(app_kosong):
    """The reminders migration (f1b3d5e7a9c2) on a populated roster: every pegawai keeps
    his row, gets no e-mail or phone and is subscribed; the digest log starts empty and
    refuses a second digest for one person and day; down and up again keeps the roster."""
    app = app_kosong
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="f3b5d7e9a1c2")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO dinas (id, nama, tingkat, wilayah, kop_garuda) VALUES "
                "(1, 'Dinas Pendidikan Kabupaten Satu', 'kabupaten', 'Kabupaten Satu', false)"))
            conn.execute(text(
                "INSERT INTO pegawai (id, nama, nip, status_kepegawaian, dinas_id, "
                "keikutsertaan, diubah) VALUES "
                "(1, 'Guru Satu', '198001012005011001', 'PNS', 1, 'ikut', "
                "'2025-01-02 00:00:00'), "
                "(2, 'Guru Dua', NULL, 'NON_ASN', 1, 'ikut', '2025-01-02 00:00:00')"))
        kolom = "id, nama, nip, status_kepegawaian, dinas_id, keikutsertaan, diubah"

        def roster():
            with db.engine.connect() as conn:
                return conn.execute(text(f"SELECT {kolom} FROM pegawai ORDER BY id")).all()

        sebelum = roster()
        upgrade(directory=MIGRATIONS, revision="f1b3d5e7a9c2")
        assert roster() == sebelum
        with db.engine.connect() as conn:
            kontak = conn.execute(text("SELECT email, telepon, pengingat_email FROM pegawai "
                                       "ORDER BY id")).all()
            assert [tuple(k) for k in kontak] == [(None, None, True), (None, None, True)]
            assert conn.execute(text("SELECT count(*) FROM kiriman_pengingat")).scalar() == 0
        baris = ("INSERT INTO kiriman_pengingat (pegawai_id, tanggal, status, email, "
                 "jumlah_item, percobaan, dibuat) VALUES (1, '2026-01-15', 'terkirim', "
                 "'guru1@contoh.id', 2, 1, '2026-01-15 06:00:00')")
        with db.engine.begin() as conn:
            conn.execute(text(baris))
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(baris))
        downgrade(directory=MIGRATIONS, revision="f3b5d7e9a1c2")
        assert roster() == sebelum
        assert "kiriman_pengingat" not in set(inspect(db.engine).get_table_names())
        upgrade(directory=MIGRATIONS, revision="f1b3d5e7a9c2")
        assert roster() == sebelum


def _guru_dengan_skp(conn, status):
    """A Dinas with its 2025 year, one teacher (id 1) and his SKP (id 1) in this status."""
    _dinas_dan_tahun_2025(conn)
    conn.execute(text(
        "INSERT INTO pegawai (id, nama, status_kepegawaian, dinas_id, keikutsertaan, "
        "diubah) VALUES (1, 'Guru Satu', 'PNS', 1, 'ikut', '2025-01-02 00:00:00')"))
    conn.execute(text(
        "INSERT INTO skp (id, pegawai_id, tahun_id, posisi, status, versi, mulai, "
        "selesai, dibuat, diubah) VALUES (1, 1, 1, 'guru', :status, 1, '2025-01-01', "
        "'2025-12-31', '2025-01-02 00:00:00', '2025-01-02 00:00:00')"), {"status": status})


def test_generasi_data_dan_stempel_dokumen_tersimpan(app_kosong):
    """The stored-print stamp migration (b5d7f9a1c3e5) on a populated database: a stored
    document keeps its row and bytes (no stamp yet: its next print checks it the long way
    once), the counter row is there and a write to the data raises it; down and up
    again keeps the stored row."""
    app = app_kosong
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="e4c2a7d9b1f3")
        with db.engine.begin() as conn:
            _guru_dengan_skp(conn, 'disepakati')
            conn.execute(text(
                "INSERT INTO dokumen_tersimpan (id, kode, jenis, skp_id, sidik, pdf, ukuran, "
                "dibuat) VALUES (1, 'ABCDE-12345', 'skp', 1, :sidik, :pdf, 9, "
                "'2025-02-01 00:00:00')"), {"sidik": "a" * 64, "pdf": b"%PDF-1.7\n"})

        def tersimpan():
            with db.engine.connect() as conn:
                return conn.execute(text(
                    "SELECT id, kode, jenis, skp_id, sidik, pdf, ukuran FROM dokumen_tersimpan "
                    "ORDER BY id")).all()

        sebelum = tersimpan()
        upgrade(directory=MIGRATIONS, revision="b5d7f9a1c3e5")
        assert tersimpan() == sebelum
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT nilai, stempel FROM dokumen_tersimpan")).all() \
                == [(None, None)]
            # One row (the migration's own commit may already count as a change).
            [(satu, n)] = conn.execute(text("SELECT id, n FROM generasi_data")).all()
            assert satu == 1
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE pegawai SET nama = 'Guru Satu, S.Pd.' WHERE id = 1"))
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT n FROM generasi_data")).scalar() == n + 1
        downgrade(directory=MIGRATIONS, revision="e4c2a7d9b1f3")
        assert tersimpan() == sebelum
    assert "generasi_data" not in _tabel(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        assert tersimpan() == sebelum


def test_generasi_roster_ditambahkan(app_kosong):
    """The roster generation migration (c7e9a1b3d5f7) on a populated database: row 2 is
    added beside the document counter, which keeps its value; a write to the roster then
    changes both, a write to a plan only the first; down keeps the rows (the code before
    reads row 1 only) and up again adds none."""
    app = app_kosong
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="b5d7f9a1c3e5")
        with db.engine.begin() as conn:
            _guru_dengan_skp(conn, 'draf')

        def baris():
            with db.engine.connect() as conn:
                return dict(conn.execute(text("SELECT id, n FROM generasi_data")).all())

        (n,) = baris().values()
        upgrade(directory=MIGRATIONS, revision="c7e9a1b3d5f7")
        b = baris()
        assert set(b) == {1, 2} and b[1] >= n
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE skp SET versi = 2 WHERE id = 1"))
        assert baris() == {1: b[1] + 1, 2: b[2]}
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE pegawai SET nama = 'Guru Satu, S.Pd.' WHERE id = 1"))
        sesudah = baris()
        assert sesudah[1] == b[1] + 2 and sesudah[2] != b[2]
        downgrade(directory=MIGRATIONS, revision="b5d7f9a1c3e5")
        assert baris() == sesudah
        upgrade(directory=MIGRATIONS)
        assert baris() == sesudah
