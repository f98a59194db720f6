"""Backup and restore: `flask backup` and `flask pulihkan`.

SQLite: an online copy through SQLite's backup API, taken inside one read transaction
together with the row counts and per-table checksums, so the copy and its manifest show the
same instant while the app keeps writing (WAL: readers never block writers). The copy is
checked (`PRAGMA integrity_check`, checksums) before the command reports success.

PostgreSQL: `pg_dump --format=custom`; with `--jalankan` the dump reads a snapshot exported
by the transaction that computes the checksums (`pg_dump --snapshot`), so the manifest and
the dump again show the same instant. Restoring is `pg_restore` into an empty database; the
command prints both commands.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from kinerja_web.waktu import lokal, sekarang


def init_app(app):
    app.cli.add_command(backup)
    app.cli.add_command(pulihkan)


# ------------------------------------------------------------------ checksums


def ringkas(tabel_dan_baris):
    """{table: {"baris": n, "sha256": …}} from (table, rows in key order) pairs."""
    hasil = {}
    for nama, baris in tabel_dan_baris:
        h = hashlib.sha256()
        n = 0
        for b in baris:
            h.update(repr(tuple(b)).encode())
            h.update(b"\n")
            n += 1
        hasil[nama] = {"baris": n, "sha256": h.hexdigest()}
    return hasil


def checksum_total(ringkasan):
    """One SHA-256 over every table's count and checksum (what the command prints)."""
    h = hashlib.sha256()
    for nama in sorted(ringkasan):
        h.update(f"{nama}:{ringkasan[nama]['baris']}:{ringkasan[nama]['sha256']}\n".encode())
    return h.hexdigest()


def ringkas_sqlite(conn):
    """Counts and checksums of every table of an open sqlite3 connection (its snapshot)."""
    nama = [n for (n,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name")]

    def baris(t):
        kolom = conn.execute(f'PRAGMA table_info("{t}")').fetchall()
        kunci = [k[1] for k in sorted(kolom, key=lambda k: k[5]) if k[5]] or \
            [k[1] for k in kolom]
        urut = ", ".join(f'"{k}"' for k in kunci)
        return conn.execute(f'SELECT * FROM "{t}" ORDER BY {urut}')

    return ringkas((t, baris(t)) for t in nama)


def ringkas_sqlalchemy(conn):
    """The same over an SQLAlchemy connection (PostgreSQL), in its transaction."""
    insp = inspect(conn)

    def baris(t):
        kunci = insp.get_pk_constraint(t)["constrained_columns"] or \
            [k["name"] for k in insp.get_columns(t)]
        urut = ", ".join(f'"{k}"' for k in kunci)
        return conn.execute(text(f'SELECT * FROM "{t}" ORDER BY {urut}'))

    return ringkas((t, baris(t)) for t in sorted(insp.get_table_names()))


def revisi_sqlite(conn):
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error:
        return None


def berkas_sqlite(url):
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


# ------------------------------------------------------------------ SQLite


def cadangkan_sqlite(sumber, folder, waktu=None):
    """Copy a live SQLite database to `folder`; returns (copy, manifest)."""
    folder.mkdir(parents=True, exist_ok=True)
    cap = (waktu or lokal(sekarang())).strftime("%Y%m%d-%H%M%S")
    tujuan = folder / f"kinerja-{cap}.db"
    i = 1
    while tujuan.exists():
        i += 1
        tujuan = folder / f"kinerja-{cap}-{i}.db"
    sementara = tujuan.with_suffix(".part")
    src = sqlite3.connect(sumber, isolation_level=None, timeout=30)  # reads only
    dst = sqlite3.connect(sementara)
    try:
        src.execute("BEGIN")  # one read snapshot for the counts and the copy
        ringkasan = ringkas_sqlite(src)
        revisi = revisi_sqlite(src)
        src.backup(dst)  # reads within the snapshot above, all pages in one step
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    periksa_sqlite(sementara, ringkasan)
    os.replace(sementara, tujuan)
    manifes = {"berkas": tujuan.name, "dibuat": lokal(sekarang()).isoformat(),
               "basis_data": "sqlite", "revisi": revisi, "tabel": ringkasan,
               "sha256_total": checksum_total(ringkasan)}
    tujuan.with_suffix(".json").write_text(json.dumps(manifes, indent=1))
    return tujuan, manifes


def periksa_sqlite(berkas, ringkasan=None):
    """Integrity and (when given) the expected checksums of a backup file; its summary."""
    conn = sqlite3.connect(f"file:{berkas}?mode=ro", uri=True)
    try:
        hasil = conn.execute("PRAGMA integrity_check").fetchall()
        if hasil != [("ok",)]:
            raise click.ClickException(f"{berkas}: integrity_check gagal: {hasil[:5]}")
        ada = ringkas_sqlite(conn)
    finally:
        conn.close()
    if ringkasan is not None and ada != ringkasan:
        beda = sorted(t for t in set(ada) | set(ringkasan) if ada.get(t) != ringkasan.get(t))
        raise click.ClickException(f"{berkas}: isi tidak sama dengan manifes ({', '.join(beda)})")
    return ada


def pulihkan_sqlite(berkas, tujuan):
    """Write a checked backup over the database file `tujuan` (SQLite's backup API: the
    target is replaced in one locked step, its WAL included)."""
    manifes = berkas.with_suffix(".json")
    ringkasan = json.loads(manifes.read_text())["tabel"] if manifes.exists() else None
    ringkasan = periksa_sqlite(berkas, ringkasan)
    tujuan.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{berkas}?mode=ro", uri=True)
    dst = sqlite3.connect(tujuan, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return periksa_sqlite(tujuan, ringkasan)


# ------------------------------------------------------------------ PostgreSQL


def url_libpq(url):
    """(URL for pg_dump/psql without the password, environment with PGPASSWORD)."""
    u = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return u.set(password=None).render_as_string(hide_password=False), env


def cadangkan_pg(url, folder, waktu=None):
    """pg_dump to `folder`, reading the snapshot whose checksums go into the manifest."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException("pg_dump tidak ada di PATH (paket postgresql-client).")
    folder.mkdir(parents=True, exist_ok=True)
    cap = (waktu or lokal(sekarang())).strftime("%Y%m%d-%H%M%S")
    tujuan = folder / f"kinerja-{cap}.dump"
    libpq, env = url_libpq(url)
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            cuplikan = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            ringkasan = ringkas_sqlalchemy(conn)
            revisi = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                if inspect(conn).has_table("alembic_version") else None
            r = subprocess.run([pg_dump, "--format=custom", "--no-owner",
                                f"--snapshot={cuplikan}", f"--file={tujuan}", libpq],
                               env=env, capture_output=True, text=True)
            conn.rollback()
    finally:
        engine.dispose()
    if r.returncode != 0:
        raise click.ClickException(f"pg_dump gagal: {r.stderr.strip()}")
    manifes = {"berkas": tujuan.name, "dibuat": lokal(sekarang()).isoformat(),
               "basis_data": "postgresql", "revisi": revisi, "tabel": ringkasan,
               "sha256_total": checksum_total(ringkasan)}
    tujuan.with_suffix(".json").write_text(json.dumps(manifes, indent=1))
    return tujuan, manifes


def perintah_pg(url, folder):
    """The pg_dump and pg_restore commands for this database (no password in them: libpq
    reads PGPASSWORD or ~/.pgpass)."""
    libpq, _ = url_libpq(url)
    cap = lokal(sekarang()).strftime("%Y%m%d-%H%M%S")
    berkas = folder / f"kinerja-{cap}.dump"
    u = make_url(libpq)
    pulih = u.set(database=f"{u.database}_pulih")
    opsi = " ".join(f"{o} {v}" for o, v in (("-h", u.host), ("-p", u.port),
                                             ("-U", u.username)) if v)
    return (f"pg_dump --format=custom --no-owner --file={berkas} '{libpq}'",
            f"createdb {opsi} {pulih.database} && pg_restore --no-owner --exit-on-error "
            f"--dbname='{pulih.render_as_string(hide_password=False)}' {berkas}")


# ------------------------------------------------------------------ CLI


def cetak_ringkasan(berkas, manifes):
    click.echo(f"Cadangan: {berkas}")
    click.echo(f"Revisi skema: {manifes['revisi']}")
    click.echo(f"{'Tabel':<28}{'Baris':>9}  SHA-256")
    for nama, isi in sorted(manifes["tabel"].items()):
        click.echo(f"{nama:<28}{isi['baris']:>9}  {isi['sha256']}")
    click.echo(f"Checksum seluruh isi: {manifes['sha256_total']}")
    click.echo(f"Manifes: {berkas.with_suffix('.json')}")


@click.command("backup")
@click.option("--ke", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder tujuan (bawaan: instance/cadangan).")
@click.option("--jalankan", is_flag=True,
              help="PostgreSQL: jalankan pg_dump sekarang (bila ada di PATH).")
def backup(folder, jalankan):
    """Salin basis data selagi aplikasi berjalan, dengan jumlah baris dan checksum."""
    folder = folder or Path(current_app.instance_path) / "cadangan"
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    sumber = berkas_sqlite(url)
    if sumber is not None:
        if not sumber.exists():
            raise click.ClickException(f"Basis data {sumber} tidak ada.")
        cetak_ringkasan(*cadangkan_sqlite(sumber, folder))
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise click.ClickException("Hanya SQLite dan PostgreSQL yang didukung.")
    dump, restore = perintah_pg(url, folder)
    if jalankan:
        cetak_ringkasan(*cadangkan_pg(url, folder))
    else:
        click.echo("PostgreSQL: cadangkan dengan pg_dump (`flask backup --jalankan` "
                   "menjalankannya sendiri):")
        click.echo(f"  {dump}")
    click.echo("Pulihkan ke basis data kosong, lalu arahkan KINERJA_DATABASE_URL ke sana:")
    click.echo(f"  {restore}")


@click.command("pulihkan")
@click.argument("berkas", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ke", "tujuan", help="URL basis data tujuan (bawaan: KINERJA_DATABASE_URL).")
@click.option("--ya", is_flag=True, help="Timpa basis data tujuan yang sudah berisi.")
def pulihkan(berkas, tujuan, ya):
    """Pulihkan cadangan SQLite (hentikan server dahulu); PostgreSQL: pakai pg_restore."""
    url = tujuan or current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = berkas_sqlite(url)
    if target is None:
        raise click.ClickException(
            "Tujuan bukan berkas SQLite. PostgreSQL: pg_restore --no-owner --exit-on-error "
            f"--dbname=<basis data kosong> {berkas}")
    if target.exists() and target.stat().st_size > 0 and not ya:
        raise click.ClickException(f"{target} sudah berisi; tambahkan --ya untuk menimpanya "
                                   "(hentikan server dahulu).")
    ringkasan = pulihkan_sqlite(berkas, target)
    click.echo(f"Dipulihkan ke {target}: {sum(t['baris'] for t in ringkasan.values())} baris "
               f"dalam {len(ringkasan)} tabel; checksum seluruh isi "
               f"{checksum_total(ringkasan)} (sama dengan manifes).")
