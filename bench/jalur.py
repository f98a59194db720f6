"""Jalur permintaan: gunicorn CPU per request of a teacher's pages and the principal's list,
printed beside a bare Flask + Jinja page of the same size served the same way; the wizard
step's throughput with 8 clients; its p95 while batch prints run.

Set-up (not timed): a PostgreSQL database of its own (`bench_jalur`, dropped afterwards;
SQLite when no server answers, said so), `flask db upgrade` and `flask seed-demo`; gunicorn
2 workers × 4 threads (gthread, production mode, gunicorn.conf.py: a worker takes a
connection only while a thread is free and closes it after the answer, as behind the
README's proxy) on a free loopback port; 8 clients (bench/beban.py's HTTP client, which
reconnects when the server closes), each signed in as the demo user of the page, sending
the next request as soon as the answer arrives; 1.5 s of warm-up, then `--detik` measured.
CPU per request: user + system time of the gunicorn processes (and of PostgreSQL's
backends serving the database, and of the clients' own process, which shares the 2 cores)
over the measured window, divided by the requests answered; "sebar": the slowest client's
mean time over the fastest's (1.0: the workers share the load evenly).
The bare page (bench/_polos.py) has the byte size of the wizard step's full page; its
windows alternate with each page's (page, bare, page, bare), so both see the same load.

`--dasar=DIR`: also serve a checkout of the code before a change (e.g. `git worktree add
/tmp/dasar main`) on the same database and print its figures and the ratio new/old.

Goals (issue 16): a teacher's page ≤ 2.5 ms and the principal's list ≤ 6 ms of gunicorn CPU
per request on the issue's machine, checked as ratios to the bare page measured alternately
with each page (3.0 × and 7.2 ×: see SASARAN_CPU); the wizard step ≥ 300 requests/s at
p95 ≤ 50 ms with 8 clients on 2 cores; its p95 with a batch print running ≤ 1.3 × without
(windows alternated).
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.beban import Klien, _cpu_detik, _hentikan, _port_bebas, _tersembunyi, _tunggu_server

ROOT = Path(__file__).resolve().parents[1]
DB_NAMA = "bench_jalur"
KLIEN = 8
KUNCI = "jalur-" + "k3y-yang-cukup-panjang-" * 2


def _opsi():
    p = argparse.ArgumentParser(prog="bench.jalur", add_help=False)
    p.add_argument("--detik", type=float, default=6)
    p.add_argument("--dasar", default=None)
    p.add_argument("--tanpa-batch", action="store_true")
    return p.parse_known_args(sys.argv[1:])[0]


def _basis_data():
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or \
        "postgresql://postgres@127.0.0.1:5432/postgres"
    url = make_url(base).set(drivername="postgresql+psycopg")
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAMA}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DB_NAMA}"'))

        def hapus():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAMA}" WITH (FORCE)'))
            admin.dispose()
        return "PostgreSQL", url.set(database=DB_NAMA).render_as_string(hide_password=False), \
            hapus
    except Exception as e:
        print(f"  CATATAN: PostgreSQL tidak menjawab ({type(e).__name__}); memakai SQLite.")
        tmp = tempfile.mkdtemp(prefix="kinerja-jalur-")
        return "SQLite", f"sqlite:///{tmp}/jalur.db", lambda: shutil.rmtree(tmp, True)


def _env(url, akar):
    env = {**os.environ, "FLASK_APP": "kinerja_web", "KINERJA_DATABASE_URL": url,
           "KINERJA_SECRET_KEY": KUNCI, "KINERJA_SANDI_METODE": "scrypt:1024:8:1",
           # The checkout first; other entries kept after it (e.g. packages not yet in the
           # virtualenv, or the worktree's own path, which `akar` then shadows).
           "PYTHONPATH": os.pathsep.join([str(akar)] + [
               p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    for k in ("KINERJA_REDIS_URL", "FLASK_DEBUG", "TESTING", "KINERJA_ENV"):
        env.pop(k, None)
    return env


def _siapkan_demo(url, sql):
    """Migrate the database at `url` and load the demo data (the flask commands of the
    checkout); the environment of those commands and the first column of `sql`'s rows."""
    env = _env(url, ROOT)
    for perintah in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", *perintah], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    e = create_engine(url)
    try:
        with e.connect() as conn:
            hasil = list(conn.execute(text(sql)).scalars())
        _tenangkan(url)
        return env, hasil
    finally:
        e.dispose()


def _tenangkan(url, batas=90):
    """Let PostgreSQL finish what loading the data started before anything is measured:
    VACUUM ANALYZE and a CHECKPOINT now, then wait (at most `batas` s) until no autovacuum
    worker runs on the server. In `make bench` the modules before this one load 20,000
    teachers; their autovacuum and the checkpoint's writes ran into the first measured
    windows here (the bare page measured beside the wizard step cost 2.9 ms there, 2.0 ms
    in the later windows of the same run)."""
    if not url.startswith("postgresql"):
        return
    e = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with e.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
            try:
                conn.execute(text("CHECKPOINT"))
            except Exception:  # noqa: BLE001 - a role without the right: only the wait then
                pass
            akhir = time.monotonic() + batas
            while time.monotonic() < akhir and conn.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE backend_type = 'autovacuum worker'")):
                time.sleep(0.5)
    finally:
        e.dispose()


def _cpu_pg(url):
    if not url.startswith("postgresql"):
        return 0.0
    e = create_engine(url)
    try:
        with e.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d "
                                     "AND pid <> pg_backend_pid()"), {"d": DB_NAMA}).scalars()
            return sum(_cpu_detik(p) for p in pids)
    finally:
        e.dispose()


class Server:
    """gunicorn 2 × 4 gthread in production mode serving `aplikasi` from `akar`."""

    def __init__(self, akar, url, tmp, aplikasi="wsgi:app", **env_lain):
        self.port = _port_bebas()
        env = {**_env(url, akar), "KINERJA_ENV": "production",
               "KINERJA_URL_PUBLIK": f"http://127.0.0.1:{self.port}", **env_lain}
        self.log = Path(tmp) / f"gunicorn-{self.port}.log"
        with open(self.log, "w") as f:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
                 "-b", f"127.0.0.1:{self.port}", "--timeout", "120", aplikasi],
                cwd=akar, env=env, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _tunggu_server(f"http://127.0.0.1:{self.port}", self.proc, self.log)
        except BaseException:
            _hentikan(self.proc)
            raise

    def tutup(self):
        _hentikan(self.proc)


async def _masuk(k, username, sandi):
    _, _, html = await k.minta("GET", "/masuk")
    status, _, _ = await k.minta("POST", "/masuk", {**_tersembunyi(html), "identitas": username,
                                                     "sandi": sandi})
    if status != 303:
        raise RuntimeError(f"gagal masuk sebagai {username}: {status}")


async def _ukur_async(port, akun, path, htmx, detik, url, pids):
    klien = [Klien(port) for _ in range(KLIEN)]
    if akun:
        for k in klien:
            await _masuk(k, *akun)
    waktu, status, aktif, ukuran = [], {}, [False], [0]
    per_klien = {id(k): [] for k in klien}

    async def satu(k, sampai):
        while time.perf_counter() < sampai:
            t = time.perf_counter()
            s, _, body = await k.minta("GET", path, htmx=htmx)
            if aktif[0]:
                waktu.append((time.perf_counter() - t) * 1000)
                per_klien[id(k)].append(waktu[-1])
                status[s] = status.get(s, 0) + 1
            ukuran[0] = len(body)

    await asyncio.gather(*(satu(k, time.perf_counter() + 1.5) for k in klien))
    cpu0, pg0, mulai = _cpu_detik(*pids), _cpu_pg(url), time.perf_counter()
    klien0 = time.process_time()
    aktif[0] = True
    await asyncio.gather(*(satu(k, mulai + detik) for k in klien))
    lama = time.perf_counter() - mulai
    aktif[0] = False
    cpu_klien = time.process_time() - klien0
    cpu, pg = _cpu_detik(*pids) - cpu0, _cpu_pg(url) - pg0
    for k in klien:
        await k.tutup()
    waktu.sort()
    n = len(waktu)
    return {"n": n, "rps": n / lama, "p50": statistics.median(waktu),
            "p95": waktu[max(0, round(0.95 * n) - 1)], "cpu": cpu / n * 1000,
            "pg": pg / n * 1000, "status": status, "byte": ukuran[0], "waktu": waktu,
            "klien": cpu_klien / n * 1000,
            # The slowest client's mean over the fastest's: 1.0 when the workers share the
            # connections evenly (gunicorn.conf.py), 2.5 when 6 of 8 stuck to one worker.
            "sebaran": max(map(statistics.mean, per_klien.values())) /
            min(map(statistics.mean, per_klien.values()))}


def _ukur(server, url, akun=None, path="/", htmx=None, detik=6):
    return asyncio.run(_ukur_async(server.port, akun, path, htmx, detik, url,
                                   [server.proc.pid]))


def _baris(nama, h, polos=None, dasar=None):
    rasio = f"{h['cpu'] / polos['cpu']:5.1f}×" if polos else "     "
    lama = f"  dulu {dasar['cpu']:5.2f} ms → {h['cpu'] / dasar['cpu']:.2f}×" if dasar else ""
    st = " ".join(f"{k}×{v}" for k, v in sorted(h["status"].items()))
    print(f"  {nama:<40} {h['rps']:7.0f} {h['p50']:7.1f} {h['p95']:7.1f} {h['cpu']:7.2f} "
          f"{h['pg']:6.2f} {h['klien']:6.2f} {h['sebaran']:6.2f} {rasio} {h['byte']:7d}{lama}  "
          f"[{st}]", flush=True)


def main():
    opsi = _opsi()
    nama_db, url, hapus = _basis_data()
    tmp = tempfile.mkdtemp(prefix="kinerja-jalur-log-")
    server = []
    try:
        env, ids = _siapkan_demo(
            url, "SELECT s.id FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "WHERE a.username = 'guru3' AND s.status IN ('draf', 'dikembalikan')")
        skp_id = ids[0] if ids else None
        from kinerja_web.demo import SANDI_DEMO

        guru, kepsek = ("guru3", SANDI_DEMO), ("kepsek1", SANDI_DEMO)
        langkah = f"/perencanaan/{skp_id}/langkah/2"
        halaman = [("guru: langkah 2 wizard (boost)", guru, langkah, "boost"),
                   ("guru: langkah 2 wizard (halaman utuh)", guru, langkah, None),
                   ("guru: beranda (boost)", guru, "/", "boost"),
                   ("kepala sekolah: daftar penilaian (boost)", kepsek, "/penilaian",
                    "boost"),
                   ("kepala sekolah: daftar (halaman utuh)", kepsek, "/penilaian",
                    None)]
        print(f"  {nama_db}, data demo; gunicorn 2 pekerja × 4 utas; {KLIEN} klien tanpa jeda; "
              f"{opsi.detik:.0f} s per baris; {os.cpu_count()} inti (dipakai bersama)")
        print(f"\n  {'Permintaan':<40} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'CPU ms':>7} {'PG ms':>6} {'klien':>6} {'sebar':>6} {'/polos':>6} "
              f"{'byte':>7}", flush=True)
        hasil, polos_per = {}, {}
        s = Server(ROOT, url, tmp)
        server.append(s)
        # The bare page has the byte size of the wizard step's full page: one short probe.
        utuh = _ukur(s, url, guru, langkah, None, 1)["byte"]
        sp = Server(ROOT, url, tmp, aplikasi="bench._polos:app", BENCH_POLOS_BYTE=str(utuh))
        server.append(sp)
        for nama, akun, path, htmx in halaman:
            # Alternated with the bare page (page, bare, page, bare): the shared machine's
            # load drifts within seconds, and each page's ratio is to the bare page measured
            # beside it.
            jendela = {s: [], sp: []}
            for _ in range(2):
                jendela[s].append(_ukur(s, url, akun, path, htmx, opsi.detik / 2))
                jendela[sp].append(_ukur(sp, url, None, "/", None, opsi.detik / 2))
            hasil["ini", nama], polos_per[nama] = _gabung(jendela[s]), _gabung(jendela[sp])
            _baris(f"{nama} (ini)", hasil["ini", nama], polos_per[nama])
        if not opsi.tanpa_batch:
            hasil["batch"], hasil["tanpa batch"] = _dengan_batch(
                s, url, env, guru, langkah, opsi.detik)
        for x in (s, sp):
            x.tutup()
            server.remove(x)
        if opsi.dasar:
            s = Server(Path(opsi.dasar), url, tmp)
            server.append(s)
            for nama, akun, path, htmx in halaman:
                hasil["dasar", nama] = _ukur(s, url, akun, path, htmx, opsi.detik)
                _baris(f"{nama} (dasar)", hasil["dasar", nama])
            s.tutup()
            server.remove(s)
        polos = _gabung(list(polos_per.values()))
        print("\n  Ringkasan (CPU dibanding halaman polos yang diukur berselang-seling dengan "
              "halaman itu; 'dulu': kode --dasar):")
        _baris("Flask + Jinja polos (ukuran langkah 2)", polos)
        for nama, *_ in halaman:
            _baris(nama, hasil["ini", nama], polos_per[nama], hasil.get(("dasar", nama)))
        if opsi.dasar:
            print(f"\n  kode dasar ({opsi.dasar}):")
            for nama, *_ in halaman:
                _baris(nama, hasil["dasar", nama], polos_per[nama])
        _sasaran(hasil, polos, polos_per)
    finally:
        for s in server:
            s.tutup()
        hapus()
        shutil.rmtree(tmp, ignore_errors=True)


def _dengan_batch(server, url, env, akun, path, detik):
    """The wizard step while a batch print keeps rendering the whole demo Dinas' Dokumen
    Evaluasi (bench._ulang_batch: one long-lived process on idle CPU as an RQ work horse
    runs a batch, kinerja_web.anak.menganggur; its render processes likewise; nothing
    stored, so every document renders), and without it: two windows of each, alternated
    (without, with, without, with), so a drift of the shared machine's load falls on both.
    Returns (with, without), each with the samples of its two windows together; `with`
    also has "dokumen": the documents the batch printed during its windows."""
    keluar = Path(tempfile.mkdtemp(prefix="kinerja-jalur-batch-"))
    jendela, dokumen = {True: [], False: []}, 0
    try:
        for dengan in (False, True, False, True):
            if not dengan:
                jendela[False].append(_ukur(server, url, akun, path, "boost", detik / 2))
                continue
            p = subprocess.Popen(
                [sys.executable, "-m", "bench._ulang_batch", str(keluar / "b.pdf")], cwd=ROOT,
                env={**env, "KINERJA_ENV": "development", "KINERJA_CETAK_UKURAN_CHUNK": "3"},
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            baris = []  # everything it prints; "dicetak N" after each batch
            t = threading.Thread(target=baris.extend, args=(p.stdout,), daemon=True)
            t.start()
            try:
                akhir = time.monotonic() + 180
                while _dicetak(baris) is None and p.poll() is None and time.monotonic() < akhir:
                    time.sleep(0.1)  # one whole batch first: its processes are up
                awal = _dicetak(baris)
                if awal is None:
                    raise RuntimeError("cetak batch tidak berjalan: " + "".join(baris[-5:]))
                jendela[True].append(_ukur(server, url, akun, path, "boost", detik / 2))
                dokumen += _dicetak(baris) - awal
            finally:
                _hentikan(p)
                t.join(timeout=30)
    finally:
        shutil.rmtree(keluar, ignore_errors=True)
    dengan = _gabung(jendela[True])
    dengan["dokumen"] = dokumen
    return dengan, _gabung(jendela[False])


def _dicetak(baris):
    """The documents bench._ulang_batch has printed so far (its last "dicetak N"), or None
    before its first batch ended."""
    n = [int(b.split()[1]) for b in baris if b.startswith("dicetak ")]
    return n[-1] if n else None


def _gabung(daftar):
    """One row of figures from several windows (their samples together)."""
    waktu = sorted(w for h in daftar for w in h["waktu"])
    n = len(waktu)
    lama = sum(h["n"] / h["rps"] for h in daftar)
    return {"n": n, "rps": n / lama, "p50": statistics.median(waktu),
            "p95": waktu[max(0, round(0.95 * n) - 1)],
            "cpu": sum(h["cpu"] * h["n"] for h in daftar) / n,
            "pg": sum(h["pg"] * h["n"] for h in daftar) / n,
            "klien": sum(h["klien"] * h["n"] for h in daftar) / n,
            "sebaran": max(h["sebaran"] for h in daftar), "status": {
                k: sum(h["status"].get(k, 0) for h in daftar)
                for k in {k for h in daftar for k in h["status"]}},
            "byte": daftar[-1]["byte"], "waktu": waktu}


# Issue 16 states its CPU budgets in ms on the machine it measured on, where a teacher's page
# took ~5 ms and the principal's list ~13 ms, "6–17× a bare Jinja page": a bare page of
# 5 / 6 = 0.83 ms there (13 / 17 = 0.76). On a shared machine only a ratio to the bare page
# measured beside it holds still (the same code measured 3.9 and 6.0 ms per wizard step in
# two runs an hour apart here, the bare page 1.7 ms in both), so the budgets are checked as
# ratios to the bare page, from the larger bare figure (the stricter ratio): 2.5 ms = 3.0 ×,
# 6 ms = 7.2 ×. The ms figures of this machine are printed beside them.
POLOS_ISU_MS = 5 / 6
SASARAN_CPU = (("halaman guru (langkah 2)", "guru: langkah 2 wizard (boost)", 2.5),
               ("beranda guru", "guru: beranda (boost)", 2.5),
               ("daftar kepala sekolah", "kepala sekolah: daftar penilaian (boost)", 6))


def _sasaran(hasil, polos, polos_per):
    wiz = hasil["ini", "guru: langkah 2 wizard (boost)"]
    print(f"\n  polos: {polos['cpu']:.2f} ms CPU per permintaan, {polos['rps']:.0f} req/s")
    baris = []
    for nama, kunci, ms in SASARAN_CPU:
        h, p = hasil["ini", kunci], polos_per[kunci]
        batas = ms / POLOS_ISU_MS
        r = h["cpu"] / p["cpu"]
        baris.append((f"{nama} ≤ {ms:g} ms CPU di mesin isu 16 = ≤ {batas:.1f} × polos "
                      f"(di sini {h['cpu']:.2f} ms, polos {p['cpu']:.2f} ms)", r, r <= batas))
    baris += [
        ("langkah 2 ≥ 300 req/s", wiz["rps"], wiz["rps"] >= 300),
        ("langkah 2 p95 ≤ 50 ms", wiz["p95"], wiz["p95"] <= 50),
    ]
    if "batch" in hasil:
        tanpa = hasil["tanpa batch"]
        r = hasil["batch"]["p95"] / tanpa["p95"]
        print(f"  langkah 2 selama cetak batch: {hasil['batch']['rps']:.0f} req/s, p95 "
              f"{hasil['batch']['p95']:.1f} ms = {r:.2f} × tanpa batch ({tanpa['rps']:.0f} "
              f"req/s, p95 {tanpa['p95']:.1f} ms; jendela bergantian); batch merender "
              f"{hasil['batch']['dokumen']} dokumen selama jendelanya")
        baris.append(("p95 dengan batch ≤ 1,3 × tanpa", r, r <= 1.3))
    for nama, nilai, ok in baris:
        print(f"  sasaran {nama}: {nilai:.2f} {'TERCAPAI' if ok else 'TIDAK'}")


if __name__ == "__main__":
    main()
