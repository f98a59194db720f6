"""Real processes for the concurrency, crash and backup tests (test_serentak, test_crash,
test_cadangan): a database migrated by the app's own CLI, gunicorn started the way the
README deploys it (in its own process group, so SIGKILL reaches every worker), generated
teachers with their plans, and a plain HTTP client that behaves like a browser form
(cookies, the page's CSRF token, redirects not followed)."""

import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from bantu import atribut, nilai
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
KUNCI_RAHASIA = "kunci-uji-proses-yang-cukup-panjang-0123456789abcdef"
SANDI = "Sandi-uji-123"
HASH_MURAH = "scrypt:1024:8:1"  # tests only: logging in 50 teachers must not take minutes
D1_1 = ("Guru melakukan komunikasi positif untuk membangun suasana kelas yang kondusif",
        "Guru membuat dan mengingatkan aturan/kesepakatan kelas")


# ------------------------------------------------------------------ the app's CLI


def env_app(db_url, **lain):
    """The environment of a server or CLI process: this database, a fixed secret key (so
    sessions survive a restart), cheap password hashes, nothing inherited from KINERJA_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env.update(FLASK_APP="kinerja_web", KINERJA_DATABASE_URL=db_url,
               KINERJA_SECRET_KEY=KUNCI_RAHASIA, KINERJA_SANDI_METODE=HASH_MURAH,
               KINERJA_SANDI_SEKALI_METODE=HASH_MURAH,
               KINERJA_PRACETAK="0",  # no background renders unless a test asks
               # The suite keeps its machine busy: its render processes do not wait for a
               # quiet one (tests/test_anak.py tests the waiting).
               KINERJA_CETAK_BERI_JALAN="false")
    env.update({f"KINERJA_{k}": str(v) for k, v in lain.items()})
    return env


def flask(db_url, *args, **lain):
    """Run `flask …` on this database; fails the test with its output when it fails."""
    r = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT,
                       env=env_app(db_url, **lain), capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"flask {' '.join(args)} gagal ({r.returncode}):\n"
                             f"{r.stdout}\n{r.stderr}")
    # A command that succeeds must not leave a traceback behind (seen: a background
    # pre-render still running when `seed-demo` exited).
    assert "Traceback" not in r.stderr, f"flask {' '.join(args)}:\n{r.stderr}"
    return r.stdout


_templat = {}  # (kind, backend) -> the template: a SQLite file or a PostgreSQL database


def migrasi(db_url):
    """`flask db upgrade` on this (empty) database. The migration is the same every time
    (it takes seconds on a busy machine), so it runs once per test process and backend into
    a template, and each database is a copy: SQLite through the backup API, PostgreSQL by
    `CREATE DATABASE … TEMPLATE`."""
    _dari_templat(db_url, "kosong")


def migrasi_demo(db_url):
    """`flask db upgrade` and `flask seed-demo` on this (empty) database: the demo world is
    built once per test process and backend (a template, like `migrasi`'s) and copied."""
    _dari_templat(db_url, "demo")


def _isi_templat(url, jenis):
    """Fill a new template with the app's own commands: migrated, and seeded for "demo"
    (from the migrated template)."""
    if jenis == "kosong":
        flask(url, "db", "upgrade")
    else:
        _dari_templat(url, "kosong")
        flask(url, "seed-demo")


def _dari_templat(db_url, jenis):
    if not db_url.startswith("sqlite:///"):
        _dari_templat_pg(db_url, jenis)
        return
    if (jenis, "sqlite") not in _templat:
        folder = Path(tempfile.mkdtemp(prefix="kinerja-templat-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _isi_templat(f"sqlite:///{folder / 'templat.db'}", jenis)
        _templat[(jenis, "sqlite")] = folder / "templat.db"
    sumber = sqlite3.connect(_templat[(jenis, "sqlite")])
    tujuan = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        sumber.backup(tujuan)  # whatever is still in the template's WAL comes along
    finally:
        tujuan.close()
        sumber.close()


def _dari_templat_pg(db_url, jenis):
    url = make_url(db_url)
    admin_db = make_url(os.environ["TEST_DATABASE_URL"]).database \
        if os.environ.get("TEST_DATABASE_URL") else "postgres"
    admin_url = url.set(drivername="postgresql+psycopg", database=admin_db)
    kunci = (jenis, "pg", url.host, url.port)
    if kunci not in _templat:
        templat = f"{admin_db}_templat_{jenis}_{os.getpid()}"[:63]
        atexit.register(_hapus_pg, admin_url, templat)
        if jenis == "kosong":
            _buat_pg(admin_url, templat)
        _isi_templat(url.set(database=templat).render_as_string(hide_password=False), jenis)
        _templat[kunci] = templat
    _buat_pg(admin_url, url.database, templat=_templat[kunci])


def _buat_pg(admin_url, nama, templat=None):
    """(Re)create database `nama`, empty or as a copy of `templat`."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{nama}"'
                              + (f' TEMPLATE "{templat}"' if templat else "")))
    finally:
        admin.dispose()


def _hapus_pg(admin_url, nama):
    admin = create_engine(admin_url.set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def pg_sementara(akhiran, base=None):
    """A fresh PostgreSQL database of its own next to TEST_DATABASE_URL (or `base`),
    dropped afterwards."""
    base = make_url(base or os.environ["TEST_DATABASE_URL"])
    nama = f"{base.database}_{akhiran}"
    admin = create_engine(base.set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{nama}"'))
    try:
        yield base.set(database=nama).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{nama}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ gunicorn


def port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn -w 2 wsgi:app` as in the README, in its own process group."""

    def __init__(self, db_url, log, workers=2, preload=False, argumen=(), aplikasi="wsgi:app",
                 **lain):
        self.db_url, self.log, self.workers, self.lain = db_url, Path(log), workers, lain
        self.aplikasi = aplikasi  # the WSGI entry (a test's own in tests/, e.g.)
        self.argumen = list(argumen)  # more gunicorn options, e.g. the README's gthread
        # --preload imports the app once in the master (restarts twice as fast); the app
        # opens no database connection at import, so forked workers share none.
        self.preload = ["--preload"] if preload else []
        self.port = port_bebas()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def mulai(self, batas=120):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(self.workers), *self.preload,
                 *self.argumen, "-b", f"127.0.0.1:{self.port}", self.aplikasi],
                cwd=ROOT, env=env_app(self.db_url, **self.lain), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        akhir = time.monotonic() + batas
        while time.monotonic() < akhir:
            if self.proc.poll() is not None:
                raise AssertionError("gunicorn berhenti saat mulai:\n" + self.log.read_text())
            try:
                urllib.request.urlopen(self.url + "/masuk", timeout=2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.bunuh()
        raise AssertionError(f"gunicorn tidak menjawab dalam {batas} s:\n"
                             + self.log.read_text())

    def bunuh(self):
        """kill -9 the master and every worker at once (the whole process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc = None

    def henti(self):
        """A normal stop (SIGTERM: workers finish their request)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        self.bunuh()

    def __enter__(self):
        return self.mulai()

    def __exit__(self, *exc):
        self.henti()


class GunicornCepat(Gunicorn):
    """The same server, forked from a zygote that imported the app once
    (tests/zigot_gunicorn.py): a restart takes a fraction of a second."""

    def __init__(self, db_url, log, workers=2, **lain):
        super().__init__(db_url, log, workers, **lain)
        self.zigot = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "zigot_gunicorn.py"),
             f"127.0.0.1:{self.port}", str(workers), str(self.log)],
            cwd=ROOT, env=env_app(db_url, **lain), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        self.pid = None

    def mulai(self, batas=120):
        self.zigot.stdin.write("mulai\n")
        self.zigot.stdin.flush()
        self.pid = int(self.zigot.stdout.readline())
        akhir = time.monotonic() + batas
        while time.monotonic() < akhir:
            try:
                urllib.request.urlopen(self.url + "/masuk", timeout=2).close()
                return self
            except OSError:
                time.sleep(0.02)
        self.bunuh()
        raise AssertionError(f"gunicorn tidak menjawab dalam {batas} s:\n"
                             + self.log.read_text())

    def _hentikan(self, sinyal):
        if self.pid is None:
            return
        try:
            os.killpg(self.pid, sinyal)
        except ProcessLookupError:
            pass
        self.zigot.stdin.write(f"tunggu {self.pid}\n")
        self.zigot.stdin.flush()
        assert self.zigot.stdout.readline().strip() == "selesai"
        self.pid = None

    def bunuh(self):
        """kill -9 the master and every worker at once (the whole process group)."""
        self._hentikan(signal.SIGKILL)

    def henti(self):
        self._hentikan(signal.SIGTERM)
        self.zigot.stdin.close()
        self.zigot.wait(timeout=30)
        self.zigot.stdout.close()


# ------------------------------------------------------------------ HTTP like a browser form


@dataclass
class Jawaban:
    status: int
    lokasi: str | None
    teks: str
    isi: bytes = b""  # the body as sent (a PDF, a ZIP)


class KlienHttp:
    """One browser: its cookies and the CSRF token of the last page it read. Two threads
    may send with it at the same moment (a double click)."""

    permintaan = 0  # requests answered, all clients together (for requests per second)

    def __init__(self, url, batas_waktu=120):
        m = re.fullmatch(r"http://([^:/]+):(\d+)", url)
        self.host, self.port = m.group(1), int(m.group(2))
        self.batas_waktu = batas_waktu
        self.cookie = {}
        self.token = None
        self._kunci = threading.Lock()

    def minta(self, metode, path, data=None, berkas=None):
        """`berkas` ({field: (filename, bytes)}) sends the form as multipart/form-data, as
        a browser does for a form with a file input."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.batas_waktu)
        try:
            with self._kunci:
                kepala = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookie.items())}
            isi = None
            if berkas is not None:
                isi, kepala["Content-Type"] = multipart(data or {}, berkas)
            elif data is not None:
                isi = urlencode(data, doseq=True)
                kepala["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(metode, path, body=isi, headers=kepala)
            r = conn.getresponse()
            mentah = r.read()
            teks = mentah.decode("utf-8", "replace")
            with self._kunci:
                for baris in r.headers.get_all("Set-Cookie") or []:
                    nama, _, sisa = baris.partition("=")
                    isi_cookie, *atribut = sisa.split(";")
                    atribut = [a.strip().lower() for a in atribut]
                    hapus = "max-age=0" in atribut or any(
                        a.startswith("expires=") and "1970" in a for a in atribut)
                    if isi_cookie and not hapus:
                        self.cookie[nama.strip()] = isi_cookie
                    else:
                        self.cookie.pop(nama.strip(), None)
            if (token := nilai(teks, "csrf_token")) is not None:
                self.token = token
            with self._kunci:
                KlienHttp.permintaan += 1
            return Jawaban(r.status, r.headers.get("Location"), teks, mentah)
        finally:
            conn.close()

    def get(self, path):
        return self.minta("GET", path)

    def post(self, path, data=None, berkas=None):
        data = dict(data or {})
        if "csrf_token" not in data:
            if self.token is None:
                self.get("/masuk")
            data["csrf_token"] = self.token
        return self.minta("POST", path, data, berkas)

    def masuk(self, username, sandi=SANDI):
        self.get("/masuk")
        r = self.post("/masuk", {"identitas": username, "sandi": sandi})
        assert r.status == 303, f"login {username} gagal: {r.status}"
        self.get(r.lokasi)


def multipart(data, berkas):
    """(body, Content-Type) of a multipart/form-data form: the fields of `data` (a value
    may be a list), then the files of `berkas` ({field: (filename, bytes)})."""
    batas = f"----kinerja-uji-{uuid.uuid4().hex}"
    bagian = []
    for nama, isian in data.items():
        for v in isian if isinstance(isian, (list, tuple)) else [isian]:
            bagian.append(f'--{batas}\r\nContent-Disposition: form-data; name="{nama}"'
                          f"\r\n\r\n{v}\r\n".encode())
    for nama, (nama_berkas, isi) in berkas.items():
        bagian.append(f'--{batas}\r\nContent-Disposition: form-data; name="{nama}"; '
                      f'filename="{nama_berkas}"\r\nContent-Type: application/octet-stream'
                      "\r\n\r\n".encode() + isi + b"\r\n")
    bagian.append(f"--{batas}--\r\n".encode())
    return b"".join(bagian), f"multipart/form-data; boundary={batas}"


def kirim_ganda(klien, path, data, berkas=None):
    """The same form sent twice at the same moment (two threads released together).
    Returns both answers; an exception (connection lost) takes the answer's place.
    With `berkas` the form is a multipart upload (KlienHttp.minta)."""
    gerbang = threading.Barrier(2)
    hasil = [None, None]

    def kirim(i):
        try:
            gerbang.wait(timeout=60)
            hasil[i] = klien.post(path, data, berkas)
        except Exception as e:  # reported by the caller with the request it belongs to
            hasil[i] = e

    benang = [threading.Thread(target=kirim, args=(i,)) for i in (0, 1)]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    return hasil


def nilai_hidden(teks, nama):
    isi = atribut(teks, f'input[type="hidden"][name="{nama}"]', "value")
    assert isi is not None, f"tidak ada isian tersembunyi {nama}"
    return isi


# ------------------------------------------------------------------ generated teachers


@dataclass
class Guru:
    username: str
    skp_lalu: int  # an agreed SKP whose cycle is at step 4 (progress notes are open)


def buat_app(db_url):
    from kinerja_web import create_app

    return create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": KUNCI_RAHASIA,
                       "SANDI_METODE": HASH_MURAH, "SANDI_SEKALI_METODE": HASH_MURAH,
                       "PRACETAK": False})


def isi_guru(db_url, jumlah, per_sekolah=10, awalan="g", ini_berjalan=False):
    """Schools with a principal, `jumlah` teachers with an account each, an Operator Dinas
    (`<awalan>operator`), this year (2025, no SKP yet; in preparation, or running beside
    last year with `ini_berjalan`, as in January) and last year's agreed SKP per teacher
    with its praktik cycle up to the accepted follow-up (step 4 open) — walked through the
    workflow functions."""
    from werkzeug.security import generate_password_hash

    from kinerja_web.alur import pelaksanaan as alur_p
    from kinerja_web.alur import skp as alur_skp
    from kinerja_web.extensions import db
    from kinerja_web.models import (
        Akun,
        Dinas,
        Pegawai,
        Penugasan,
        Sekolah,
        StatusTahun,
        TahunDinas,
        TahunKinerja,
    )
    from kinerja_web.peran import muat_peran

    app = buat_app(db_url)
    hash_sandi = generate_password_hash(SANDI, HASH_MURAH)
    urut = iter(range(1, 10_000))

    def orang(sekolah, username, jabatan="Guru Ahli Pertama", dinas=None):
        n = next(urut)
        p = Pegawai(nip=f"198503142010011{n:03d}", nama=f"Pegawai Uji {username}",
                    status_kepegawaian="PNS", golongan="III/a", jabatan=jabatan,
                    jenis_kelamin="L", tanggal_lahir=date(1985, 3, 14),
                    sekolah_id=sekolah.id if sekolah else None,
                    dinas_id=sekolah.dinas_id if sekolah else dinas.id)
        db.session.add(p)
        db.session.flush()
        db.session.add(Akun(username=username, pegawai_id=p.id, sandi_hash=hash_sandi,
                            harus_ganti_sandi=False))
        db.session.flush()
        return p

    def aktor(pegawai):
        a = db.session.query(Akun).filter_by(pegawai_id=pegawai.id).one()
        a.peran = muat_peran(a.pegawai)
        return a

    with app.app_context():
        dinas = Dinas(nama="Dinas Pendidikan Kabupaten Serentak", tingkat="kabupaten",
                      wilayah="Kabupaten Serentak", kota_ttd="Serentak")
        db.session.add(dinas)
        ini = TahunKinerja(tahun=2025, aturan="2025")
        lalu = TahunKinerja(tahun=2024, aturan="2025")
        db.session.add_all([ini, lalu])
        db.session.flush()
        # Last year runs (its SKPs are the ones printed); this year is being prepared, so
        # pages and commands work on last year by default.
        db.session.add_all([
            TahunDinas(dinas_id=dinas.id, tahun_id=ini.id,
                       status=StatusTahun.BERJALAN if ini_berjalan else StatusTahun.PERSIAPAN),
            TahunDinas(dinas_id=dinas.id, tahun_id=lalu.id, status=StatusTahun.BERJALAN)])
        op = orang(None, f"{awalan}operator", "Pelaksana", dinas=dinas)
        db.session.add(Penugasan(pegawai_id=op.id, peran="operator_dinas", dinas_id=dinas.id,
                                 mulai=date(2024, 1, 1)))
        hasil = []
        for s in range(-(-jumlah // per_sekolah)):
            sekolah = Sekolah(npsn=f"{20390000 + s:08d}", nama=f"SD NEGERI {s + 1} SERENTAK",
                              jenjang="sd", status="negeri", dinas_id=dinas.id)
            db.session.add(sekolah)
            db.session.flush()
            ks = orang(sekolah, f"{awalan}ks{s + 1}", "Guru Ahli Madya")
            db.session.add(Penugasan(pegawai_id=ks.id, peran="kepala_sekolah",
                                     dinas_id=dinas.id, sekolah_id=sekolah.id,
                                     mulai=date(2024, 1, 1)))
            db.session.flush()
            atasan = aktor(ks)
            for i in range(min(per_sekolah, jumlah - s * per_sekolah)):
                username = f"{awalan}{s * per_sekolah + i + 1}"
                g = aktor(orang(sekolah, username))
                skp = alur_skp.buat(g.pegawai, "guru", lalu, g)
                alur_skp.simpan_pilihan(skp, g, {
                    "tugas_tambahan": False, "praktik_kode": "D1-1", "kompetensi_kode": "1.2",
                    "aspek_fokus": ["kompeten"]})
                alur_skp.ajukan(skp, g)
                alur_skp.setujui(skp, atasan)
                alur_skp.sepakati(skp, g)
                p, _ = alur_p.praktik_untuk(skp)
                alur_p.simpan_dokumen(p, g, 1, {
                    "fokus_perilaku": list(D1_1), "upaya_belajar": "Membaca modul.",
                    "jadwal_usulan": date(2024, 2, 10)}, ajukan=True)
                alur_p.sepakati_persiapan(p, atasan, date(2024, 2, 12))
                alur_p.simpan_observasi(p, atasan, [
                    {"fokus": f, "hasil": "efektif", "catatan": "Baik."} for f in D1_1],
                    "Pertahankan.", selesai=True)
                alur_p.simpan_dokumen(p, g, 3, {
                    "tl_tantangan": "Kelas besar.", "tl_tujuan": "Semua terlibat.",
                    "tl_upaya": "Rotasi peran.", "tl_jadwal": "Maret–Mei.",
                    "tl_dukungan": "Observasi ulang."}, ajukan=True)
                alur_p.terima_dokumen(p, atasan, 3, 2)
                hasil.append(Guru(username, skp.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return hasil


def engine_untuk(db_url):
    from kinerja_web.config import normalise_database_url

    return create_engine(normalise_database_url(db_url))


def hitung_baris(db_url, sql, **param):
    engine = engine_untuk(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), param).all()
    finally:
        engine.dispose()


def dinas_kedua(db_url, username, sandi):
    """A second Dinas beside the demo's, with only an Operator Dinas (`username`) and no
    performance year of its own yet: where opening, starting and closing a year can succeed
    (the demo's own Dinas has every year with a rule file opened already)."""
    from werkzeug.security import generate_password_hash

    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, Dinas, Pegawai, Penugasan

    app = buat_app(db_url)
    with app.app_context():
        dinas = Dinas(nama="Dinas Pendidikan Kabupaten Kedua", tingkat="kabupaten",
                      wilayah="Kabupaten Kedua", kota_ttd="Kedua")
        db.session.add(dinas)
        db.session.flush()
        p = Pegawai(nip="198503142010011999", nama=f"Operator {username}",
                    status_kepegawaian="PNS", golongan="III/a", jabatan="Pelaksana",
                    jenis_kelamin="L", tanggal_lahir=date(1985, 3, 14), dinas_id=dinas.id)
        db.session.add(p)
        db.session.flush()
        db.session.add_all([
            Akun(username=username, pegawai_id=p.id, harus_ganti_sandi=False,
                 sandi_hash=generate_password_hash(sandi, HASH_MURAH)),
            Penugasan(pegawai_id=p.id, peran="operator_dinas", dinas_id=dinas.id,
                      mulai=date(2024, 1, 1))])
        db.session.commit()
        dinas_id = dinas.id
        db.session.remove()
        db.engine.dispose()
    return dinas_id
