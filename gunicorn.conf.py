"""gunicorn reads this file from the working directory: it only adds a start-up check."""

import os

from kinerja_web.config import peringatan_batas_per_proses


def on_starting(server):
    pesan = peringatan_batas_per_proses(os.environ, server.cfg.workers)
    if pesan:
        server.log.warning(pesan)
