"""A batch print that keeps rendering, for bench.jalur: one long-lived process, as an RQ
work horse runs a batch (the whole job on idle CPU: kinerja_web.anak.menganggur; its
render processes likewise), printing the whole demo Dinas' Dokumen Evaluasi again and again
with nothing stored, so every document renders. It prints the documents
rendered so far ("dicetak N", flushed, as each chunk's documents are stored; run with
KINERJA_CETAK_UKURAN_CHUNK small), so the benchmark can say how much the batch printed while
it measured the web.

    python -m bench._ulang_batch KELUAR.pdf
"""

import sys
from pathlib import Path

from sqlalchemy import delete

from kinerja_web import anak, commands, create_app, simpanan
from kinerja_web.extensions import db
from kinerja_web.models import DokumenTersimpan


def main(keluar):
    anak.menganggur()
    app = create_app()
    dicetak = [0]
    simpan = simpanan.simpan

    def simpan_dan_hitung(*args, **kwargs):  # each document rendered is stored once
        dicetak[0] += 1
        print(f"dicetak {dicetak[0]}", flush=True)
        return simpan(*args, **kwargs)

    simpanan.simpan = simpan_dan_hitung
    with app.app_context():
        while True:
            db.session.execute(delete(DokumenTersimpan))  # render all, store nothing found
            db.session.commit()
            commands.cetak_batch.callback(
                jenis="dokumen_evaluasi", npsn=None, jenjang=None, format_="pdf",
                keluar=keluar, dinas_id=None, operator="operator", tahun=None)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
