"""Configuration from KINERJA_* environment variables, with safe defaults for development."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

# Values that must never protect a production session cookie.
KUNCI_LEMAH = {"", "dev", "development", "secret", "changeme", "ganti", "ganti-saya", "rahasia"}
PANJANG_KUNCI_MIN = 32


class KonfigurasiTidakAman(RuntimeError):
    """Raised when production mode would start with an unsafe configuration."""


def load(app, test_config=None):
    """Fill app.config: defaults, then KINERJA_* variables, then test overrides."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        ENV="development",
        DATABASE_URL=f"sqlite:///{instance / 'kinerja.db'}",
        REDIS_URL=None,
        ZONA_WAKTU="Asia/Jakarta",
        # Uploads: roster and reference files; the whole request is capped a bit higher.
        IMPOR_MAKS_BYTE=5 * 1024 * 1024,
        IMPOR_MAKS_BARIS=20_000,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        # Login throttling: per account in the database, per IP through Flask-Limiter.
        MASUK_MAKS_GAGAL=5,
        MASUK_KUNCI_MENIT=15,
        MASUK_BATAS_IP="100 per 15 minutes",
        SANDI_METODE="scrypt",
        SANDI_SEKALI_METODE="scrypt:2048:8:1",
        SESI_MAKS_HARI=30,
        # The signed session cookie is re-signed (idle timer restarted) at most this often
        # when nothing in it changed; the idle limit is PERMANENT_SESSION_LIFETIME below.
        SESI_SEGARKAN_DETIK=60,
        PROXY_FIX=0,
        # The address printed in verification QR codes (the public URL of this instance);
        # required in production, in development the address each request came to.
        URL_PUBLIK=None,
        LOGO_MAKS_BYTE=200 * 1024,
        CETAK_MAKS_DOKUMEN=5000,
        CETAK_UKURAN_CHUNK=50,
        # Documents whose data became final are rendered in the background (pracetak).
        PRACETAK=True,
        PRACETAK_NICE=10,
        # The daily reminder digest (flask kirim-pengingat): SMTP server and sender.
        # SMTP_TLS: "" (plain, e.g. a local relay), "starttls" or "ssl".
        SMTP_HOST="localhost",
        SMTP_PORT=25,
        SMTP_USER=None,
        SMTP_SANDI=None,
        SMTP_TLS="",
        SMTP_PENGIRIM=None,
        # Hour (local time) the RQ worker runs the daily reminder job.
        PENGINGAT_JAM=6,
        # A single print is served from the store when its data is unchanged (false:
        # always rendered, nothing stored; `bench/cetak.py` measures both).
        CETAK_SIMPAN=True,
        # Render processes run only on idle CPU (SCHED_IDLE, nice 19, idle I/O): the web is
        # never slowed, and on a machine busy with other work they wait (false: normal
        # priority; the test suite, which shares its machine, sets it so).
        CETAK_IDLE=True,
        # ...and, before each document, they wait while the machine's other work keeps more
        # than half its CPUs busy (at most 2 s a document, so a batch always moves on): an
        # idle-priority render between two requests still evicts their caches
        # (anak.beri_jalan). False: they render whenever the CPU has room.
        CETAK_BERI_JALAN=True,
        # Electronic signatures (kinerja_web/tte.py; secrets only in KINERJA_TTE_*):
        # an RFC 3161 timestamp server makes the signatures PAdES B-T.
        TTE_TSA_URL=None,
        # A PDF uploaded to "Periksa berkas" (below MAX_CONTENT_LENGTH, so the form answers).
        PERIKSA_MAKS_BYTE=5 * 1024 * 1024,
    )
    app.config.from_prefixed_env("KINERJA")
    if test_config:
        app.config.update(test_config)

    produksi = app.config["ENV"] == "production"
    cfg = app.config
    cfg["PRODUKSI"] = produksi
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg["SQLALCHEMY_DATABASE_URI"])
    cfg.setdefault("SECRET_KEY", None)
    if not cfg["SECRET_KEY"]:
        if produksi:
            raise KonfigurasiTidakAman(
                "Mode produksi membutuhkan KINERJA_SECRET_KEY (acak, minimal 32 karakter)."
            )
        cfg["SECRET_KEY"] = instance_secret(instance)
    if produksi:
        check_production(cfg)

    cfg.update(
        WTF_CSRF_TIME_LIMIT=None,  # a reflection typed for an hour must still submit
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        SESSION_COOKIE_NAME="kinerja_sesi",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=produksi,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),  # idle limit, checked on every load
        SESSION_REFRESH_EACH_REQUEST=True,
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
        REMEMBER_COOKIE_SECURE=produksi,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PREFERRED_URL_SCHEME="https" if produksi else "http",
        RATELIMIT_STORAGE_URI=cfg["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=300,
        TEMPLATES_AUTO_RELOAD=not produksi,
    )


def normalise_database_url(url):
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url):
    """Engine options per backend (SQLite busy timeout; PostgreSQL pool checks)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 10, "check_same_thread": False}}
    # LIFO: the connection used last serves the next request, with the statements it has
    # prepared (psycopg prepares a query on its 5th run on a connection); the others stay
    # idle instead of each warming a cache of its own.
    # No pool_pre_ping: extensions.periksa_saat_diambil checks a connection taken from the
    # pool without its round trip.
    return {"pool_size": 5, "max_overflow": 5, "pool_use_lifo": True}


def instance_secret(instance):
    """Read the generated secret key, creating it once on first start."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def check_production(cfg):
    """Refuse to start production with a weak secret or debug on."""
    kunci = str(cfg["SECRET_KEY"])
    if kunci.lower() in KUNCI_LEMAH or len(kunci) < PANJANG_KUNCI_MIN:
        raise KonfigurasiTidakAman(
            "KINERJA_SECRET_KEY terlalu lemah untuk mode produksi "
            f"(minimal {PANJANG_KUNCI_MIN} karakter acak)."
        )
    if cfg.get("DEBUG") or cfg.get("TESTING"):
        raise KonfigurasiTidakAman("Mode produksi tidak boleh berjalan dengan DEBUG/TESTING aktif.")
    if not str(cfg.get("URL_PUBLIK") or "").startswith(("https://", "http://")):
        raise KonfigurasiTidakAman(
            "Mode produksi membutuhkan KINERJA_URL_PUBLIK: alamat yang diketik orang untuk "
            "memeriksa dokumen cetak (mis. https://kinerja.dinas.go.id).")


def peringatan_batas_per_proses(env, jumlah_proses):
    """The warning production prints when rate limits would be counted per process.

    Without KINERJA_REDIS_URL Flask-Limiter keeps its counters in each process's memory, so
    with several gunicorn workers every per-IP limit (failed logins, the verification page)
    is multiplied by the number of workers. The per-account lockout lives in the database
    and is not affected. None when nothing is wrong."""
    if env.get("KINERJA_ENV") != "production" or env.get("KINERJA_REDIS_URL"):
        return None
    if jumlah_proses < 2:
        return None
    batas = env.get("KINERJA_MASUK_BATAS_IP") or "100 per 15 minutes"
    return (f"PERINGATAN: {jumlah_proses} proses web berjalan tanpa KINERJA_REDIS_URL. Batas "
            f"permintaan dihitung per proses, sehingga batas gagal masuk per IP "
            f"({batas}) berlaku {jumlah_proses} kali lipat. Setel KINERJA_REDIS_URL agar "
            "batas dibagi semua proses (penguncian per akun tetap di basis data).")


def koneksi_per_utas(cfg):
    """A gthread worker takes a connection only while one of its threads is free, and closes
    it after the response (gunicorn's `cfg`, before the workers start).

    By default a gthread worker accepts up to 1,000 connections and keeps each alive: the
    first worker to wake takes most of them and the connections stay with it, so its threads
    queue behind one GIL while the other worker idles (`bench/jalur.py`, 8 keep-alive
    clients on 2 workers × 4 threads: 2 clients at 16 ms per request, 6 at 40 ms). With as
    many connections as threads a busy worker stops accepting and the next connection waits
    in the listen queue for a free thread in any worker. The buffering proxy in front keeps
    the browsers' connections alive; to gunicorn it opens one per request (nginx's default),
    so keep-alive there only held threads. An operator's own `--worker-connections` is
    kept."""
    if cfg.worker_class_str != "gthread":
        return
    if cfg.worker_connections != cfg.settings["worker_connections"].default:
        return
    cfg.set("worker_connections", cfg.threads)
    cfg.set("keepalive", 0)
