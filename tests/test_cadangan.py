"""Backup and restore drill (issue 8, point 5): `flask backup` copies the demo database
while writes go on, the copy equals the source at the backup moment (row counts and
per-table checksums), `flask pulihkan` (SQLite) or `pg_restore` (PostgreSQL) brings it back,
and the app starts on the restored copy. Select with `-m server`."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
from proses_uji import (
    Gunicorn,
    KlienHttp,
    buat_app,
    flask,
    migrasi,
    migrasi_demo,
    pg_sementara,
)
from sqlalchemy import create_engine, text

from kinerja_web.cadangan import checksum_total, ringkas_sqlalchemy, ringkas_sqlite, url_libpq
from kinerja_web.config import normalise_database_url

pytestmark = pytest.mark.server

SANDI_DEMO = "kinerja-demo"


class Penulis(threading.Thread):
    """Appends audit rows, one transaction each, until stopped (the app at work)."""

    def __init__(self, url):
        super().__init__()
        self.engine = create_engine(normalise_database_url(url),
                                    connect_args={"timeout": 30} if url.startswith("sqlite")
                                    else {})
        self.berhenti = threading.Event()
        self.jumlah = 0
        self.galat = None

    def run(self):
        try:
            while not self.berhenti.is_set():
                with self.engine.begin() as conn:
                    conn.execute(text("INSERT INTO audit (waktu, aksi, data) VALUES "
                                      "(CURRENT_TIMESTAMP, 'uji_cadangan', :d)"),
                                 {"d": json.dumps({"urut": self.jumlah})})
                self.jumlah += 1
                time.sleep(0.002)
        except Exception as e:  # noqa: BLE001 (reported by the test)
            self.galat = e
        finally:
            self.engine.dispose()

    def tunggu(self, n, batas=120):
        akhir = time.monotonic() + batas
        while self.jumlah < n and time.monotonic() < akhir and self.galat is None:
            time.sleep(0.01)
        assert self.galat is None and self.jumlah >= n, self.galat


def cadangkan_saat_menulis(url, folder, *args):
    """`flask backup` while the writer appends; returns (output, the writer)."""
    penulis = Penulis(url)
    penulis.start()
    try:
        penulis.tunggu(20)
        sebelum = penulis.jumlah
        keluaran = flask(url, "backup", "--ke", str(folder), *args)
        penulis.tunggu(penulis.jumlah + 20)  # and writes go on after it
    finally:
        penulis.berhenti.set()
        penulis.join()
    assert penulis.galat is None
    return keluaran, sebelum, penulis.jumlah


def cek_app_berjalan(url, tmp_path):
    """Serve the restored database and sign in as a demo teacher."""
    with Gunicorn(url, tmp_path / "pulih.log") as server:
        k = KlienHttp(server.url)
        k.masuk("guru1", SANDI_DEMO)
        r = k.get("/")
        assert r.status == 200 and "Keluar" in r.teks


def test_latihan_pulih_sqlite_saat_aplikasi_menulis(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.db'}"
    migrasi_demo(url)
    keluaran, sebelum, sesudah = cadangkan_saat_menulis(url, tmp_path / "cadangan")

    berkas = tmp_path / "cadangan" / re.search(r"Cadangan: .*/(kinerja-[\d-]+\.db)",
                                               keluaran).group(1)
    manifes = json.loads(berkas.with_suffix(".json").read_text())
    assert re.search(rf"Checksum seluruh isi: {manifes['sha256_total']}$", keluaran, re.M)
    assert manifes["sha256_total"] == checksum_total(manifes["tabel"])
    assert manifes["revisi"] and re.search(rf"^audit\s+{manifes['tabel']['audit']['baris']}\s",
                                           keluaran, re.M)
    with sqlite3.connect(berkas) as conn:
        ditulis = conn.execute("SELECT count(*), max(id) FROM audit "
                               "WHERE aksi = 'uji_cadangan'").fetchone()
    conn.close()
    # A moment in the middle of the writes: after those before the command, before the end.
    assert sebelum <= ditulis[0] < sesudah

    # The source at the backup moment: the rows appended afterwards taken away again.
    sumber = sqlite3.connect(tmp_path / "sumber.db")
    with sumber:
        sumber.execute("DELETE FROM audit WHERE id > ?", (ditulis[1],))
    assert ringkas_sqlite(sumber) == manifes["tabel"]
    sumber.close()

    pulih = f"sqlite:///{tmp_path / 'pulih.db'}"
    keluaran = flask(url, "pulihkan", str(berkas), "--ke", pulih)
    assert manifes["sha256_total"] in keluaran
    with sqlite3.connect(tmp_path / "pulih.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert ringkas_sqlite(conn) == manifes["tabel"]
    conn.close()
    cek_app_berjalan(pulih, tmp_path)


def test_pulihkan_menolak_cadangan_yang_berubah_dan_tidak_menimpa_tanpa_ya(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.db'}"
    migrasi(url)
    app = buat_app(url)
    runner = app.test_cli_runner()
    konteks = app.app_context()
    konteks.push()
    hasil = runner.invoke(args=["backup", "--ke", str(tmp_path / "c")])
    assert hasil.exit_code == 0, hasil.output
    berkas = next((tmp_path / "c").glob("*.db"))
    tujuan = f"sqlite:///{tmp_path / 'pulih.db'}"
    assert runner.invoke(args=["pulihkan", str(berkas), "--ke", tujuan]).exit_code == 0
    # The target now holds data: not overwritten without --ya.
    hasil = runner.invoke(args=["pulihkan", str(berkas), "--ke", tujuan])
    assert hasil.exit_code != 0 and "--ya" in hasil.output
    # A copy changed after the backup does not match its manifest: refused, target intact.
    with sqlite3.connect(berkas) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'diubah'")
    conn.close()
    hasil = runner.invoke(args=["pulihkan", str(berkas), "--ke", tujuan, "--ya"])
    assert hasil.exit_code != 0 and "tidak sama dengan manifes" in hasil.output
    with sqlite3.connect(tmp_path / "pulih.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "diubah"
    conn.close()
    from kinerja_web.extensions import db

    db.engine.dispose()
    konteks.pop()


def test_backup_postgresql_tanpa_jalankan_mencetak_perintah(tmp_path):
    app = buat_app("postgresql://kinerja@db.example:5433/kinerja")
    with app.app_context():
        hasil = app.test_cli_runner().invoke(args=["backup", "--ke", str(tmp_path)])
    assert hasil.exit_code == 0, hasil.output
    assert re.search(r"pg_dump --format=custom --no-owner --file=\S+/kinerja-[\d-]+\.dump "
                     r"'postgresql://kinerja@db\.example:5433/kinerja'", hasil.output)
    assert "createdb -h db.example -p 5433 -U kinerja kinerja_pulih && pg_restore --no-owner " \
           "--exit-on-error --dbname='postgresql://kinerja@db.example:5433/kinerja_pulih'" \
           in hasil.output
    assert list(tmp_path.iterdir()) == []  # nothing run, nothing written


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="TEST_DATABASE_URL tidak diatur (CI mengaturnya bila PostgreSQL "
                           "menjawab); latihan pulih PostgreSQL dilewati")
def test_latihan_pulih_postgresql_saat_aplikasi_menulis(tmp_path):
    """Only with TEST_DATABASE_URL (the suite's PostgreSQL run); needs the PostgreSQL
    client tools, which come with a local PostgreSQL server (postgresql-client)."""
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), \
        "pg_dump/pg_restore tidak ada: pasang postgresql-client"
    with pg_sementara(f"cadangan_{os.getpid()}") as url, \
            pg_sementara(f"pulih_{os.getpid()}") as pulih:
        migrasi_demo(url)
        keluaran, sebelum, sesudah = cadangkan_saat_menulis(url, tmp_path / "c", "--jalankan")
        berkas = tmp_path / "c" / re.search(r"Cadangan: .*/(kinerja-[\d-]+\.dump)",
                                            keluaran).group(1)
        manifes = json.loads(berkas.with_suffix(".json").read_text())
        tujuan, env = url_libpq(pulih)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={tujuan}",
                        str(berkas)], env=env, check=True, capture_output=True)
        engine = create_engine(normalise_database_url(pulih))
        with engine.connect() as conn:
            assert ringkas_sqlalchemy(conn) == manifes["tabel"]
            batas = conn.execute(text("SELECT count(*), max(id) FROM audit "
                                      "WHERE aksi = 'uji_cadangan'")).one()
        engine.dispose()
        assert sebelum <= batas[0] < sesudah
        # The source at the backup moment equals the dump.
        engine = create_engine(normalise_database_url(url))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit WHERE id > :m"), {"m": batas[1]})
        with engine.connect() as conn:
            assert ringkas_sqlalchemy(conn) == manifes["tabel"]
        engine.dispose()
        cek_app_berjalan(pulih, tmp_path)
