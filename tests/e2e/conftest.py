"""A real server process (gunicorn, migrated SQLite with the demo data) and Debian's
Chromium driven by Playwright. The browser is never downloaded by a tool."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from proses_uji import migrasi_demo

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Server(str):
    """The base URL of the running app, which also knows its database."""

    def __new__(cls, url, db_url):
        obj = super().__new__(cls, url)
        obj.db_url = db_url
        return obj

    def nama(self, username):
        """The demo name behind a username (names are generated from a seed)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.db_url)
        with engine.connect() as conn:
            nama = conn.execute(text(
                "SELECT p.nama FROM akun a JOIN pegawai p ON p.id = a.pegawai_id "
                "WHERE a.username = :u"), {"u": username}).scalar_one()
        engine.dispose()
        return nama


def _port_bebas():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The migrated demo database served by gunicorn on a free port."""
    yield from _layani(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def server_sendiri(tmp_path_factory):
    """A demo server of the module's own, for a module that walks the demo people through
    states the other modules' tests expect to find them in."""
    yield from _layani(tmp_path_factory.mktemp("e2e-sendiri"))


def _layani(tmp):
    env = {
        **os.environ,
        "FLASK_APP": "kinerja_web",
        "KINERJA_DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "KINERJA_SECRET_KEY": "kunci-e2e-yang-cukup-panjang-0123456789abcdef",
        "KINERJA_SANDI_METODE": "scrypt:1024:8:1",
    }
    # `flask db upgrade` and `flask seed-demo`, run once per test process (proses_uji).
    migrasi_demo(env["KINERJA_DATABASE_URL"])
    port = _port_bebas()
    log = open(tmp / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with its workers
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/masuk", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise RuntimeError("server e2e tidak menjawab:\n" + (tmp / "server.log").read_text())
    yield Server(url, env["KINERJA_DATABASE_URL"])
    # Nothing is checked at the end, and a graceful stop waits for whatever a worker still
    # runs (a batch print a test started goes on rendering, taking CPU from the other
    # tests): the master, its workers and their render processes are stopped at once.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} tidak ada: jalankan `make test` (memasang paket chromium).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _halaman(browser, js):
    context = browser.new_context(java_script_enabled=js,
                                  viewport={"width": 360, "height": 740}, locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.js = js
    return context, pg


@pytest.fixture(params=[True, False], ids=["dengan-js", "tanpa-js"])
def page(request, browser):
    """A phone-sized page, once with JavaScript and once without."""
    context, pg = _halaman(browser, request.param)
    yield pg
    context.close()


@pytest.fixture
def halaman_js(browser):
    """A phone-sized page with JavaScript, for behaviour that only exists with it."""
    context, pg = _halaman(browser, True)
    yield pg
    context.close()
