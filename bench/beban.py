"""Beban: a school day's mixed traffic for 60 s against gunicorn + PostgreSQL, with one Dinas
batch print running throughout.

Set-up (not timed): a PostgreSQL database of its own (`kinerja_beban`, dropped afterwards;
SQLite when no PostgreSQL answers, said so in the output), migrated with `flask db
upgrade`, the demo (`flask seed-demo`) and the generated volume next to it (1,500 schools,
20,000 teachers; usernames prefixed "v"); gunicorn in production mode on a free loopback
port; with Redis on 127.0.0.1:6379 the batch goes to an `rq worker` as README production
step 6 says, otherwise to the pool inside gunicorn. Every virtual user signs in before the
clock starts.

Traffic (loopback only, bounded in count and time): an asyncio HTTP/1.1 client of its own
(keep-alive when the server offers it, cookies, gzip/br like a phone's browser). Requests
are paced at `--laju` per second over `--konkurensi` virtual users (a user waits for its
next slot, so a slow server lowers the rate instead of piling up requests; `--laju=0` is
as fast as the server answers). 90% of the users are teachers with a draft plan: Beranda,
the wizard steps (htmx navigations) and autosaves of step 2 with the page's CSRF token and
version. The rest are principals rating their teachers: the list, Rating Hasil Kerja (GET,
POST, the summary it redirects to). One Kepala Dinas starts a whole-Dinas batch print
(POST /cetak/batch) at second 0 and polls its progress every 3 s as the page does.

Prints requests/s, p50/p95/p99 overall and per kind of request, errors (a status outside
2xx/3xx other than the expected 409/422, or no answer), whether the batch finished, the
CPU that gunicorn, PostgreSQL's backends, the client and the batch worker used (and from
it the CPU per request and the capacity two idle cores would have: the machine is shared,
so the load average is printed too).

Goals (issue 8): ≥ 300 requests/s mixed, p95 ≤ 100 ms, 0 errors while the batch runs.

Options (write them with "=", e.g. `python -m bench beban --detik=30`): --detik=60,
--pemanasan=10 (seconds of the same traffic before the clock starts, not counted),
--laju=300 (0: unpaced), --konkurensi=64, --konfigurasi=2x4 (gunicorn WORKERSxTHREADS,
x1 = sync workers; several separated by commas run one after another on the same data),
--sekolah=1500, --guru=20000, --nice-cetak=0 (run the rq worker and its render
processes at this niceness), --tanpa-redis, --sqlite. Environment: BENCH_DATABASE_URL or
TEST_DATABASE_URL (the PostgreSQL server; default postgres@127.0.0.1:5432), BENCH_REDIS_URL
(default redis://127.0.0.1:6379/12).
"""

import argparse
import asyncio
import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import _volume

ROOT = Path(__file__).resolve().parents[1]
DB_NAMA = "kinerja_beban"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
BATAS_WAKTU = 30  # seconds for one request before it counts as an error
DIHARAPKAN = {409, 422}  # a stale version or a refused form: the app's normal answers


def _opsi(argv):
    p = argparse.ArgumentParser(prog="bench.beban", add_help=False)
    p.add_argument("--detik", type=float, default=60)
    p.add_argument("--pemanasan", type=float, default=10)
    p.add_argument("--laju", type=float, default=300)
    p.add_argument("--konkurensi", type=int, default=64)
    p.add_argument("--konfigurasi", default="2x4")
    p.add_argument("--sekolah", type=int, default=1500)
    p.add_argument("--guru", type=int, default=20_000)
    p.add_argument("--nice-cetak", type=int, default=0)
    p.add_argument("--tanpa-redis", action="store_true")
    p.add_argument("--sqlite", action="store_true")
    return p.parse_known_args(argv)[0]


# ------------------------------------------------------------------ HTTP client


class Galat(Exception):
    pass


class Klien:
    """One browser: a keep-alive connection (reopened when the server closes it), cookies."""

    def __init__(self, port):
        self.port = port
        self.cookie = {}
        self.r = self.w = None

    async def tutup(self):
        if self.w is not None:
            self.w.close()
            try:
                await self.w.wait_closed()
            except OSError:
                pass
        self.r = self.w = None

    async def minta(self, metode, path, data=None, htmx=None):
        """(status, headers, body). `htmx`: None (a full page), "boost" (a boosted
        navigation) or "fragmen" (an hx-post/hx-get swapping part of the page)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else b""
        kepala = [f"{metode} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                  "User-Agent: kinerja-beban", "Accept: text/html,*/*",
                  "Accept-Encoding: gzip, br"]
        if self.cookie:
            kepala.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookie.items()))
        if htmx:
            kepala.append("HX-Request: true")
            if htmx == "boost":
                kepala.append("HX-Boosted: true")
        if metode == "POST":
            kepala += ["Content-Type: application/x-www-form-urlencoded",
                       f"Origin: http://127.0.0.1:{self.port}", f"Content-Length: {len(body)}"]
        permintaan = ("\r\n".join(kepala) + "\r\n\r\n").encode() + body
        for coba in (0, 1):
            dipakai_ulang = self.w is not None
            try:
                if self.w is None:
                    self.r, self.w = await asyncio.open_connection("127.0.0.1", self.port)
                self.w.write(permintaan)
                await self.w.drain()
                return await self._baca()
            except (ConnectionError, asyncio.IncompleteReadError) as e:
                await self.tutup()
                if not dipakai_ulang or coba:  # a kept-alive connection the server closed
                    raise Galat(f"{type(e).__name__}: {e}") from e
        raise AssertionError("tidak tercapai")

    async def _baca(self):
        baris = await self.r.readuntil(b"\r\n")
        status = int(baris.split()[1])
        kepala = {}
        while (baris := await self.r.readuntil(b"\r\n")) != b"\r\n":
            k, _, v = baris.decode("latin-1").partition(":")
            kepala.setdefault(k.strip().lower(), []).append(v.strip())
        if "chunked" in ",".join(kepala.get("transfer-encoding", [])):
            body = b""
            while (n := int((await self.r.readuntil(b"\r\n")).split(b";")[0], 16)):
                body += await self.r.readexactly(n + 2)
                body = body[:-2]
            while await self.r.readuntil(b"\r\n") != b"\r\n":
                pass
        elif "content-length" in kepala:
            body = await self.r.readexactly(int(kepala["content-length"][0]))
        else:
            body = await self.r.read()
            await self.tutup()
        for c in kepala.get("set-cookie", []):
            nama, _, nilai = c.split(";")[0].partition("=")
            if nilai and "max-age=0" not in c.lower():
                self.cookie[nama.strip()] = nilai.strip()
            else:
                self.cookie.pop(nama.strip(), None)
        if "close" in ",".join(kepala.get("connection", [])).lower():
            await self.tutup()
        enc = ",".join(kepala.get("content-encoding", []))
        if enc == "gzip":
            body = gzip.decompress(body)
        elif enc == "br":
            import brotli

            body = brotli.decompress(body)
        return status, kepala, body


def _tersembunyi(html):
    """The hidden inputs of a page (CSRF token, version, submission key) as a dict."""
    hasil = {}
    for tag in re.findall(rb"<input\b[^>]*>", html):
        if b'type="hidden"' not in tag:
            continue
        nama = re.search(rb'\bname="([^"]*)"', tag)
        nilai = re.search(rb'\bvalue="([^"]*)"', tag)
        if nama:
            hasil[nama.group(1).decode()] = (nilai.group(1).decode() if nilai else "") \
                .replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')
    return hasil


# ------------------------------------------------------------------ measurement


class Catatan:
    def __init__(self):
        self.waktu = defaultdict(list)  # kind → [ms]
        self.status = defaultdict(lambda: defaultdict(int))
        self.galat = []
        self.aktif = False
        self.mulai = self.selesai = None

    def simpan(self, jenis, ms, status):
        if not self.aktif:
            return
        self.waktu[jenis].append(ms)
        self.status[jenis][status] += 1
        if status == 0 or (status >= 400 and status not in DIHARAPKAN):
            self.galat.append((jenis, status))


class Pengatur:
    """Slots at `laju` per second shared by every user; a slot missed is not made up."""

    def __init__(self, laju):
        self.jeda = 1 / laju if laju else 0
        self.berikut = time.perf_counter()

    async def tunggu(self):
        if not self.jeda:
            return
        sekarang = time.perf_counter()
        slot = max(self.berikut, sekarang)
        self.berikut = slot + self.jeda
        if slot > sekarang:
            await asyncio.sleep(slot - sekarang)


class Pengguna:
    def __init__(self, port, catatan, pengatur, peran):
        self.k = Klien(port)
        self.catatan = catatan
        self.pengatur = pengatur
        self.peran = peran
        self.html = b""

    async def _minta(self, jenis, metode, path, data=None, htmx=None, diatur=True):
        if diatur:
            await self.pengatur.tunggu()
        t = time.perf_counter()
        try:
            status, kepala, body = await asyncio.wait_for(
                self.k.minta(metode, path, data, htmx), BATAS_WAKTU)
        except (Galat, TimeoutError, OSError, ValueError) as e:
            await self.k.tutup()
            self.catatan.simpan(f"{self.peran}: {jenis}", (time.perf_counter() - t) * 1000, 0)
            raise Galat(str(e)) from e
        self.catatan.simpan(f"{self.peran}: {jenis}", (time.perf_counter() - t) * 1000, status)
        if "text/html" in ",".join(kepala.get("content-type", [])):
            self.html = body
        return status, kepala, body

    async def masuk(self, username, sandi):
        await self._minta("masuk (GET)", "GET", "/masuk", diatur=False)
        status, kepala, _ = await self._minta(
            "masuk (POST)", "POST", "/masuk", {**_tersembunyi(self.html), "identitas": username,
                                               "sandi": sandi}, diatur=False)
        if status != 303:
            raise RuntimeError(f"gagal masuk sebagai {username}: {status}")
        await self._minta("beranda", "GET", "/", diatur=False)


async def _guru(u, skp_id, sampai):
    """Beranda, the wizard, autosaves of step 2 (as htmx sends them while typing)."""
    praktik = ["D1-1", "D1-2", "D1-3", "D1-4"]
    url = f"/perencanaan/{skp_id}/langkah"
    while time.perf_counter() < sampai:
        try:
            await u._minta("GET beranda", "GET", "/", htmx="boost")
            for n in (1, 2):
                await u._minta(f"GET langkah {n}", "GET", f"{url}/{n}", htmx="boost")
            form = _tersembunyi(u.html)
            for _ in range(3):
                status, _, body = await u._minta(
                    "POST simpan otomatis", "POST", f"{url}/2",
                    {**form, "aksi": "otomatis", "praktik": random.choice(praktik)},
                    htmx="fragmen")
                if status == 200:  # the new version comes back out of band
                    form.update(_tersembunyi(body))
                else:
                    form = _tersembunyi(u.html) if status == 409 else form
            for n in (3, 4):
                await u._minta(f"GET langkah {n}", "GET", f"{url}/{n}", htmx="boost")
        except Galat:
            await asyncio.sleep(0.5)


async def _kepsek(u, skp_ids, sampai):
    """The list, then Rating Hasil Kerja of one teacher after another."""
    pilihan = ["di_atas", "sesuai", "sesuai", "di_bawah"]
    i = 0
    while time.perf_counter() < sampai:
        skp_id = skp_ids[i % len(skp_ids)]
        i += 1
        try:
            await u._minta("GET daftar penilaian", "GET", "/penilaian", htmx="boost")
            await u._minta("GET rating hasil kerja", "GET", f"/penilaian/{skp_id}/hasil",
                           htmx="boost")
            data = {**_tersembunyi(u.html), "rating": "", "alasan": "",
                    "umpan_balik": "Pertahankan refleksi rutin bersama rekan sejawat.",
                    **{k: random.choice(pilihan) for k in
                       ("upaya_refleksi", "upaya_mempelajari", "perubahan_praktik")}}
            status, kepala, _ = await u._minta("POST rating hasil kerja", "POST",
                                               f"/penilaian/{skp_id}/hasil", data,
                                               htmx="boost")
            tujuan = (kepala.get("hx-redirect") or kepala.get("location") or [None])[0]
            if tujuan:
                await u._minta("GET ringkasan penilaian", "GET", tujuan)
        except Galat:
            await asyncio.sleep(0.5)


async def _dinas(u, sampai, hasil):
    """Start the whole-Dinas batch print, then poll its progress every 3 s."""
    await u._minta("GET cetak batch", "GET", "/cetak/batch", diatur=False)
    data = {**_tersembunyi(u.html), "jenis": "dokumen_evaluasi", "sekolah": "", "jenjang": "",
            "format": "pdf"}
    status, kepala, body = await u._minta("POST cetak batch", "POST", "/cetak/batch", data,
                                          diatur=False)
    tujuan = (kepala.get("location") or kepala.get("hx-redirect") or [None])[0]
    if not tujuan:
        hasil["galat"] = f"cetak batch tidak dimulai ({status}): " + \
            " ".join(re.findall(rb'class="galat[^"]*"[^>]*>([^<]+)', body)[:2]
                     ).decode(errors="replace")
        return
    hasil["url"] = tujuan
    hasil["id"] = int(tujuan.rstrip("/").split("/")[-1])
    while time.perf_counter() < sampai:
        await asyncio.sleep(3)
        try:
            status, _, _ = await u._minta("GET progres cetak", "GET", tujuan, htmx="fragmen",
                                          diatur=False)
        except Galat:
            continue
        if status == 286:  # htmx: stop polling, the job has ended
            hasil["selesai_detik"] = time.perf_counter() - u.catatan.mulai
            return


async def _jalankan(port, opsi, akun, catatan, potret):
    pengatur = Pengatur(opsi.laju)
    n_kepsek = max(1, round(opsi.konkurensi * 0.1))
    guru = [Pengguna(port, catatan, pengatur, "guru")
            for _ in range(opsi.konkurensi - n_kepsek)]
    kepsek = [Pengguna(port, catatan, pengatur, "kepala sekolah") for _ in range(n_kepsek)]
    dinas = Pengguna(port, catatan, pengatur, "dinas")
    for i in range(0, len(guru), 8):  # sign in (not timed), a few at a time
        await asyncio.gather(*(u.masuk(*akun["guru"][j][:2])
                               for j, u in enumerate(guru[i:i + 8], start=i)))
    await asyncio.gather(*(u.masuk(*akun["kepsek"][j][:2]) for j, u in enumerate(kepsek)))
    await dinas.masuk(*akun["dinas"])

    def pengguna(sampai):
        return (*(_guru(u, akun["guru"][j][2], sampai) for j, u in enumerate(guru)),
                *(_kepsek(u, akun["kepsek"][j][2], sampai) for j, u in enumerate(kepsek)))

    # Warm-up (not timed): every worker has compiled its templates and filled its pool.
    pengatur.berikut = time.perf_counter()
    await asyncio.gather(*pengguna(time.perf_counter() + opsi.pemanasan))
    batch = {}
    catatan.cpu_awal = potret()
    catatan.aktif = True
    catatan.mulai = time.perf_counter()
    pengatur.berikut = catatan.mulai
    sampai = catatan.mulai + opsi.detik
    await asyncio.gather(_dinas(dinas, sampai, batch), *pengguna(sampai))
    catatan.selesai = time.perf_counter()
    catatan.aktif = False
    catatan.cpu_akhir = potret()
    for u in (*guru, *kepsek, dinas):
        await u.k.tutup()
    return batch


# ------------------------------------------------------------------ set-up


def _port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _basis_data(opsi):
    """(name, URL, drop function) of an empty database of the bench's own."""
    if not opsi.sqlite:
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

            return ("PostgreSQL", url.set(database=DB_NAMA).render_as_string(
                hide_password=False), hapus)
        except Exception as e:
            print(f"  CATATAN: PostgreSQL tidak menjawab ({type(e).__name__}); memakai SQLite. "
                  "Angka SQLite tidak mewakili target produksi.")
    tmp = tempfile.mkdtemp(prefix="kinerja-beban-")
    return "SQLite", f"sqlite:///{tmp}/beban.db", lambda: shutil.rmtree(tmp, True)


def _redis_ada():
    try:
        from redis import Redis

        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def _siapkan(url, opsi, env):
    """Migrate, demo, volume; the accounts the users sign in with."""
    flask = [sys.executable, "-m", "flask"]
    for perintah in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *perintah], cwd=ROOT, env=env, check=True, capture_output=True)
    from kinerja_web import create_app
    from kinerja_web.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": env["KINERJA_SECRET_KEY"],
                      "SANDI_METODE": "scrypt:1024:8:1"})
    _volume.isi(app, jumlah_sekolah=opsi.sekolah, jumlah_guru=opsi.guru, awalan="v")
    with app.app_context():
        s = db.session
        # Batch files go to instance/cetak/<id>: an id no other database uses.
        awal = 1_000_000_000 + random.randrange(10**8)
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT setval('cetak_batch_id_seq', :n)"), {"n": awal})
        else:
            s.execute(text("INSERT INTO cetak_batch (id, akun_id, dinas_id, jenis, format, "
                           "lingkup, daftar, ukuran_chunk, chunk_selesai, status, dibuat) "
                           "SELECT :n, a.id, p.dinas_id, 'skp', 'pdf', 'bench', '[]', 50, 0, "
                           "'dibatalkan', CURRENT_TIMESTAMP FROM akun a JOIN pegawai p ON "
                           "p.id = a.pegawai_id WHERE a.username = 'vkadis'"), {"n": awal})
        s.commit()
        guru = s.execute(text(
            "SELECT a.username, s.id FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "WHERE a.username LIKE 'vg%' AND s.posisi = 'guru' "
            "AND s.status IN ('draf', 'dikembalikan') ORDER BY s.id")).all()
        dinilai = s.execute(text(
            "SELECT k.username, s.id FROM skp s JOIN praktik p ON p.skp_id = s.id "
            "JOIN penugasan t ON t.sekolah_id = s.sekolah_id AND t.peran = 'kepala_sekolah' "
            "JOIN akun k ON k.pegawai_id = t.pegawai_id "
            "LEFT JOIN penilaian n ON n.skp_id = s.id "
            "WHERE s.posisi = 'guru' AND s.status = 'disepakati' AND k.username LIKE 'v%' "
            "AND p.status_refleksi = 'diterima' AND n.pengiriman_id IS NULL "
            "ORDER BY k.username, s.id")).all()
        dokumen = s.execute(text(
            "SELECT count(*) FROM penilaian n JOIN penetapan t ON t.id = n.penetapan_id "
            "WHERE t.dibuka IS NULL")).scalar()
    with app.app_context():
        db.engine.dispose()
    rng = random.Random(8)
    rng.shuffle(guru)
    per_kepsek = defaultdict(list)
    for username, skp_id in dinilai:
        per_kepsek[username].append(skp_id)
    kepsek = sorted(per_kepsek.items(), key=lambda kv: -len(kv[1]))
    sandi = _volume.SANDI
    return {"guru": [(u, sandi, i) for u, i in guru],
            "kepsek": [(u, sandi, ids) for u, ids in kepsek],
            "dinas": ("vkadis", sandi), "dokumen_batch": dokumen, "batch_awal": awal}


def _sesi(sid):
    """Pids of the processes in session `sid`."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[3]) == sid:
                    pids.append(int(d.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def _hentikan(proc):
    """Stop a process started in a session of its own and everything it started there (the
    rq work horse has a process group of its own, and its render processes would outlive
    it): SIGTERM, then SIGKILL to whatever of the session is left."""
    for sinyal in (signal.SIGTERM, signal.SIGKILL):
        for pid in _sesi(proc.pid):
            try:
                os.kill(pid, sinyal)
            except ProcessLookupError:
                pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    proc.wait()


def _tunggu_server(url, proc, log):
    for _ in range(300):
        if proc.poll() is not None:
            break
        try:
            urllib.request.urlopen(url + "/masuk", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server tidak menjawab:\n" + log.read_text()[-3000:])


def _cpu_detik(*pids):
    """CPU seconds (user + system, with reaped children) of processes and all their
    descendants alive now."""
    total = 0.0
    tik = os.sysconf("SC_CLK_TCK")
    antre = list(pids)
    while antre:
        p = antre.pop()
        try:
            bagian = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in bagian[11:15]) / tik
            for t in Path(f"/proc/{p}/task").iterdir():
                antre += [int(c) for c in (t / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def _cpu_pg(url):
    """{pid: CPU seconds} of the PostgreSQL backends serving the bench's database."""
    if not url.startswith("postgresql"):
        return {}
    e = create_engine(url)
    try:
        with e.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d "
                                     "AND pid <> pg_backend_pid()"), {"d": DB_NAMA}).scalars()
            return {p: _cpu_detik(p) for p in pids}
    finally:
        e.dispose()


def _tunggu_rq(proc):
    """Until the rq worker has registered with Redis (it imports the app first)."""
    from redis import Redis
    from rq import Worker

    conn = Redis.from_url(REDIS_URL)
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("rq worker berhenti")
        if any(w.pid == proc.pid for w in Worker.all(connection=conn)):
            return
        time.sleep(0.2)
    raise RuntimeError("rq worker tidak siap")


def _batalkan_batch(url):
    """Stop what an earlier configuration left running (its worker is gone)."""
    e = create_engine(url)
    try:
        with e.begin() as conn:
            ids = conn.execute(text("UPDATE cetak_batch SET status = 'dibatalkan' WHERE status "
                                    "IN ('antri', 'berjalan') RETURNING id")).scalars().all()
    finally:
        e.dispose()
    for i in ids:
        shutil.rmtree(ROOT / "instance" / "cetak" / str(i), ignore_errors=True)


def _progres(url, batch_id):
    if not batch_id:
        return "-"
    e = create_engine(url)
    try:
        with e.connect() as conn:
            r = conn.execute(text("SELECT status, chunk_selesai, ukuran_chunk, daftar "
                                  "FROM cetak_batch WHERE id = :i"), {"i": batch_id}).one()
    finally:
        e.dispose()
    daftar = json.loads(r.daftar) if isinstance(r.daftar, str) else r.daftar
    return f"{r.status}, {r.chunk_selesai} dari {-(-len(daftar) // r.ukuran_chunk)} bagian"


# ------------------------------------------------------------------ report


def _persen(urut, p):
    return urut[min(len(urut) - 1, max(0, round(p / 100 * len(urut)) - 1))]


def _laporan(catatan, batch, info):
    lama = catatan.selesai - catatan.mulai
    semua = sorted(ms for v in catatan.waktu.values() for ms in v)
    n = len(semua)
    if not n:
        print("  Tidak ada permintaan yang selesai.")
        return
    print(f"\n  {'Permintaan':<42} {'jumlah':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  "
          "status")
    for jenis in sorted(catatan.waktu):
        w = sorted(catatan.waktu[jenis])
        st = " ".join(f"{k}×{v}" for k, v in sorted(catatan.status[jenis].items()))
        print(f"  {jenis:<42} {len(w):>7} {statistics.median(w):>8.1f} "
              f"{_persen(w, 95):>8.1f} {_persen(w, 99):>8.1f}  {st}")
    diharapkan = sum(v for s in catatan.status.values() for k, v in s.items()
                     if k in DIHARAPKAN)
    rps = n / lama
    p95 = _persen(semua, 95)
    print(f"  {'semua':<42} {n:>7} {statistics.median(semua):>8.1f} {p95:>8.1f} "
          f"{_persen(semua, 99):>8.1f}")
    print(f"\n  permintaan/detik: {rps:.1f} (dalam {lama:.1f} s; laju sasaran "
          f"{info['laju'] or 'tanpa batas'}/s, {info['konkurensi']} pengguna)")
    print(f"  galat: {len(catatan.galat)}; 409/422 yang wajar: {diharapkan}")
    if catatan.galat:
        contoh = defaultdict(int)
        for g in catatan.galat:
            contoh[g] += 1
        print("    " + "; ".join(f"{j} → {s or 'tanpa jawaban'} ×{k}"
                                 for (j, s), k in sorted(contoh.items())[:8]))
    if "galat" in batch:
        print(f"  cetak batch: {batch['galat']}")
    else:
        print(f"  cetak batch ({info['dokumen_batch']} Dokumen Evaluasi, seluruh Dinas): "
              + (f"selesai dalam {batch['selesai_detik']:.0f} s" if "selesai_detik" in batch
                 else f"belum selesai saat beban berhenti ({info['progres']})"))
    cpu = info["cpu"]
    per = {k: v / n * 1000 for k, v in cpu.items() if k != "cetak"}
    print(f"  CPU selama beban (dari {2 * lama:.0f} s dua inti): " + ", ".join(
        f"{k} {v:.0f} s" for k, v in cpu.items()))
    total = sum(per.values())
    print("  CPU per permintaan: " + " + ".join(f"{k} {v:.1f} ms" for k, v in per.items())
          + f" = {total:.1f} ms → kapasitas pada dua inti yang kosong, tanpa cetak batch, "
          f"≈ {2000 / total:.0f} permintaan/detik")
    print(f"  load average (1, 5, 15 menit): awal {info['load_awal']}, akhir "
          f"{info['load_akhir']}")
    sasaran = [("≥ 300 permintaan/detik", rps >= 300), ("p95 ≤ 100 ms", p95 <= 100),
               ("0 galat", not catatan.galat)]
    print("  sasaran: " + "; ".join(f"{s} {'TERCAPAI' if ok else 'TIDAK'}" for s, ok in sasaran))


# ------------------------------------------------------------------ main


def main(argv=None):
    opsi = _opsi(sys.argv[1:] if argv is None else argv)
    nama, url, hapus_db = _basis_data(opsi)
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-beban-log-"))
    env = {**os.environ, "FLASK_APP": "kinerja_web", "KINERJA_DATABASE_URL": url,
           "KINERJA_SECRET_KEY": "beban-" + "k3y-yang-cukup-panjang-" * 2,
           "KINERJA_SANDI_METODE": "scrypt:1024:8:1", "KINERJA_ENV": "development"}
    for k in ("KINERJA_REDIS_URL", "FLASK_DEBUG", "TESTING"):
        env.pop(k, None)
    try:
        mulai = time.perf_counter()
        akun = _siapkan(url, opsi, env)
        redis = not opsi.tanpa_redis and _redis_ada()
        print(f"  {nama}; demo + {opsi.sekolah} sekolah / {opsi.guru} guru; cetak batch di "
              + ("rq worker (Redis)" if redis else "pool di gunicorn")
              + f"; {len(akun['guru'])} guru berdraf, {len(akun['kepsek'])} kepala sekolah "
              f"dengan guru siap dinilai; persiapan {time.perf_counter() - mulai:.0f} s")
        if len(akun["guru"]) < opsi.konkurensi or not akun["kepsek"]:
            raise RuntimeError("data tidak cukup untuk pengguna sebanyak ini")
        for konf in opsi.konfigurasi.split(","):
            pekerja, _, utas = konf.partition("x")
            _satu(url, env, akun, opsi, int(pekerja), int(utas or 1), redis, tmp)
            _batalkan_batch(url)
    finally:
        hapus_db()
        shutil.rmtree(tmp, ignore_errors=True)


def _satu(url, env, akun, opsi, pekerja, utas, redis, tmp):
    """One gunicorn configuration: start, load, report, stop."""
    env = {**env, "KINERJA_ENV": "production"}
    if redis:
        env["KINERJA_REDIS_URL"] = REDIS_URL
    port = _port_bebas()
    env["KINERJA_URL_PUBLIK"] = f"http://127.0.0.1:{port}"
    kelas = ["-k", "gthread", "--threads", str(utas)] if utas > 1 else []
    judul = f"gunicorn {pekerja} pekerja " + (f"gthread × {utas} utas" if utas > 1 else "sync")
    print(f"\n  — {judul} —")
    proses = []
    batch_id = None
    log = tmp / "gunicorn.log"
    try:
        with open(log, "w") as f:
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(pekerja), *kelas,
                 "-b", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
                cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        proses.append(web)
        cetak = None
        if redis:
            with open(tmp / "rq.log", "w") as f:
                cetak = subprocess.Popen(
                    [*(["nice", "-n", str(opsi.nice_cetak)] if opsi.nice_cetak else []),
                     sys.executable, "-m", "rq.cli", "worker", "-u", REDIS_URL,
                     "kinerja-cetak"], cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT,
                    start_new_session=True)
            proses.append(cetak)
            _tunggu_rq(cetak)
        _tunggu_server(f"http://127.0.0.1:{port}", web, log)
        catatan = Catatan()

        def potret():
            return {"load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                    "gunicorn": _cpu_detik(web.pid), "pg": _cpu_pg(url),
                    "klien": time.process_time(), "cetak": _cpu_detik(cetak.pid) if cetak else 0}

        batch = asyncio.run(_jalankan(port, opsi, akun, catatan, potret))
        batch_id = batch.get("id")
        a, b = catatan.cpu_awal, catatan.cpu_akhir
        cpu = {"gunicorn": b["gunicorn"] - a["gunicorn"]}
        if url.startswith("postgresql"):
            cpu["PostgreSQL"] = sum(c - a["pg"].get(p, 0) for p, c in b["pg"].items())
        cpu["klien"] = b["klien"] - a["klien"]
        cpu["cetak"] = b["cetak"] - a["cetak"]
        info = {"laju": opsi.laju, "konkurensi": opsi.konkurensi,
                "dokumen_batch": akun["dokumen_batch"], "load_awal": a["load"],
                "load_akhir": b["load"], "cpu": cpu, "progres": _progres(url, batch_id)}
        _laporan(catatan, batch, info)
        if catatan.galat:  # what the server said about them
            baris = [b for b in log.read_text(errors="replace").splitlines()
                     if re.search(r"Error|Exception|locked", b)]
            for b in baris[-6:]:
                print(f"    gunicorn: {b[:200]}")
    finally:
        for p in reversed(proses):
            _hentikan(p)
        if batch_id:
            shutil.rmtree(ROOT / "instance" / "cetak" / str(batch_id), ignore_errors=True)


if __name__ == "__main__":
    main()
