"""gunicorn reads this file from the working directory: a start-up check, and gthread
workers that take a connection only when one of their threads is free."""

import os

from kinerja_web.config import koneksi_per_utas, peringatan_batas_per_proses


def on_starting(server):
    pesan = peringatan_batas_per_proses(os.environ, server.cfg.workers)
    if pesan:
        server.log.warning(pesan)
    koneksi_per_utas(server.cfg)
