"""Production started with several gunicorn workers and no Redis warns at start that the
per-IP limits are counted per process (README, Configuration)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from proses_uji import ROOT, env_app, port_bebas

from kinerja_web.config import peringatan_batas_per_proses

pytestmark = pytest.mark.server


def test_peringatan_hanya_produksi_banyak_proses_tanpa_redis():
    prod = {"KINERJA_ENV": "production"}
    pesan = peringatan_batas_per_proses(prod, 4)
    assert "4 proses web berjalan tanpa KINERJA_REDIS_URL" in pesan
    assert "100 per 15 minutes" in pesan and "4 kali lipat" in pesan
    assert "20 per minute" in peringatan_batas_per_proses(
        {**prod, "KINERJA_MASUK_BATAS_IP": "20 per minute"}, 2)
    assert peringatan_batas_per_proses(prod, 1) is None
    assert peringatan_batas_per_proses({**prod, "KINERJA_REDIS_URL": "redis://r/0"}, 4) is None
    assert peringatan_batas_per_proses({"KINERJA_ENV": "development"}, 4) is None


def _log_gunicorn(tmp_path, workers, **lain):
    """Start `gunicorn -w N wsgi:app` in production mode from the repo (so it reads
    gunicorn.conf.py as the README's command does), wait for every worker to boot, stop it,
    and return what it logged."""
    log = tmp_path / f"gunicorn-{workers}.log"
    env = env_app(f"sqlite:///{tmp_path / 'db.sqlite'}", ENV="production",
                  URL_PUBLIK="https://kinerja.contoh.go.id", **lain)
    with open(log, "w") as keluar:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers),
             "-b", f"127.0.0.1:{port_bebas()}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=keluar, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        akhir = time.monotonic() + 60
        while time.monotonic() < akhir and log.read_text().count("Booting worker") < workers:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.1)
        return log.read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Seen on a loaded machine: workers still importing the app when asked to stop.
            # How it stops is not what this test checks; its log is already read.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_gunicorn_dua_pekerja_tanpa_redis_memperingatkan(tmp_path):
    teks = _log_gunicorn(tmp_path, 2)
    assert teks.count("Booting worker") == 2
    assert "2 proses web berjalan tanpa KINERJA_REDIS_URL" in teks


def test_gunicorn_dengan_redis_tidak_memperingatkan(tmp_path):
    teks = _log_gunicorn(tmp_path, 2, REDIS_URL="redis://127.0.0.1:6379/15")
    assert teks.count("Booting worker") == 2
    assert "tanpa KINERJA_REDIS_URL" not in teks
