"""A real server for browser benchmarks: a migrated SQLite database with the demo data,
served by gunicorn on a free loopback port (the same set-up as tests/e2e/conftest.py).
Not a benchmark itself (the leading underscore keeps it out of `python -m bench`)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server_demo(workers=2):
    """Yield (base URL, database URL) of gunicorn serving the demo; stopped afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-bench-server-"))
    db_url = f"sqlite:///{tmp / 'demo.db'}"
    env = {**os.environ, "FLASK_APP": "kinerja_web", "KINERJA_DATABASE_URL": db_url,
           "KINERJA_SECRET_KEY": "kunci-bench-yang-cukup-panjang-0123456789abcdef",
           "KINERJA_SANDI_METODE": "scrypt:1024:8:1"}
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _port_bebas()
    with open(tmp / "server.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(url + "/masuk", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("server tidak menjawab:\n" + (tmp / "server.log").read_text())
            yield url, db_url
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)
