"""Background batch printing: chunks of ≤ 50 documents, resumable after a crash.

A job is claimed with an atomic UPDATE (so two workers never run it twice) and keeps a
heartbeat; after each chunk is written to disk (atomically) `chunk_selesai` is committed,
so a restarted worker continues from the last finished chunk without duplicate pages.
The default worker is an in-process thread pool sized to the CPU count; with
KINERJA_REDIS_URL set, jobs go to RQ workers on Redis (`rq worker kinerja-cetak`).
"""

import multiprocessing
import os
import secrets
import shutil
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import current_app
from pypdf import PdfWriter
from sqlalchemy import or_, select, update

from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Audit
from kinerja_web.models.cetak import CetakBatch
from kinerja_web.waktu import sekarang

ANTREAN = "kinerja-cetak"
BASI = timedelta(seconds=90)  # a heartbeat older than this means the worker died
_pool = None
_render = None


def folder(batch):
    path = Path(current_app.instance_path) / "cetak" / str(batch.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def antrikan(app, batch_id):
    """Hand a job to a worker (RQ when Redis is configured, else the thread pool)."""
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Queue

        Queue(ANTREAN, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            "kinerja_web.jobs.kerja_rq", batch_id, job_timeout=3 * 3600)
        return
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2,
                                   thread_name_prefix="cetak")
    _pool.submit(_jalankan_dengan_app, app, batch_id)


def _jalankan_dengan_app(app, batch_id):
    with app.app_context():
        try:
            jalankan(batch_id)
        except Exception:  # the job row records the failure; the thread must not die silently
            app.logger.exception("cetak batch %s gagal", batch_id)


def kerja_rq(batch_id):
    """Entry point for RQ workers: builds the app from the environment and runs the job."""
    from kinerja_web import create_app

    app = create_app()
    with app.app_context():
        try:
            jalankan(batch_id)
        finally:
            # A burst or SimpleWorker runs many jobs in one process: close this app's pool.
            db.session.remove()
            db.engine.dispose()


def klaim(batch_id, pekerja):
    """Take the job if it waits or its worker stopped reporting; True when taken."""
    hasil = db.session.execute(
        update(CetakBatch)
        .where(CetakBatch.id == batch_id,
               or_(CetakBatch.status == "antri",
                   (CetakBatch.status == "berjalan") & (CetakBatch.detak < sekarang() - BASI)))
        .values(status="berjalan", pekerja=pekerja, detak=sekarang(),
                mulai=sekarang()))
    db.session.commit()
    return hasil.rowcount == 1


def yang_terputus():
    """Jobs whose worker died (for `flask cetak-lanjut` and startup)."""
    return db.session.scalars(select(CetakBatch.id).where(
        or_(CetakBatch.status == "antri",
            (CetakBatch.status == "berjalan") & (CetakBatch.detak < sekarang() - BASI)))).all()


def pool_render():
    """One render process per core (WeasyPrint is single-threaded and GIL-bound); spawned,
    not forked, so a threaded server never forks with locks held."""
    global _render
    if _render is None:
        _render = ProcessPoolExecutor(max_workers=os.cpu_count() or 2,
                                      mp_context=multiprocessing.get_context("spawn"))
    return _render


def jalankan(batch_id, pekerja=None, berhenti_setelah=None):
    """Render the remaining chunks (up to one per core at a time, committed in order),
    then merge. `berhenti_setelah` (tests) simulates a crash after that many chunks."""
    from kinerja_web.dokumen.cetak import render_chunk, siapkan_chunk

    pekerja = pekerja or secrets.token_hex(8)
    if not klaim(batch_id, pekerja):
        return False
    batch = db.session.get(CetakBatch, batch_id)
    dir_ = folder(batch)
    static = current_app.static_folder
    pool = pool_render() if current_app.config.get("CETAK_PROSES", True) else None
    antre = deque()
    try:
        dikerjakan = 0
        berikut = batch.chunk_selesai
        while berikut < batch.jumlah_chunk or antre:
            while berikut < batch.jumlah_chunk and len(antre) < (os.cpu_count() or 2):
                ids = batch.daftar[berikut * batch.ukuran_chunk:
                                   (berikut + 1) * batch.ukuran_chunk]
                # Read without the SQLite write lock: rendering takes seconds.
                with baca_saja():
                    c = siapkan_chunk(batch, ids)
                    args = (static, batch.format, c.html, c.logo, c.nama)
                hasil = pool.submit(render_chunk, *args) if pool else _Selesai(
                    render_chunk(*args))
                antre.append((berikut, hasil, c.cetakan))
                berikut += 1
            i, hasil, cetakan = antre.popleft()
            # Reading the loop's condition began a transaction (BEGIN IMMEDIATE on SQLite):
            # end it, so nobody waits for the write lock while the chunk renders.
            db.session.rollback()
            isi = hasil.result()
            # Locked until this chunk's commit: a worker that took the job over (or a
            # cancel) cannot interleave between this check and the progress written below.
            db.session.refresh(batch, with_for_update=True)
            if batch.status == "dibatalkan" or batch.pekerja != pekerja:
                return False
            sementara = dir_ / f"chunk-{i:04d}.part"
            sementara.write_bytes(isi)
            os.replace(sementara, dir_ / f"chunk-{i:04d}.{batch.format}")
            for c in cetakan:
                c.batch_id = batch.id
                db.session.add(c)
                db.session.add(Audit(akun_id=batch.akun_id, aksi="cetak", objek_tipe="skp",
                                     objek_id=c.skp_id,
                                     data={"jenis": c.jenis, "kode": c.kode, "batch": batch.id}))
            batch.chunk_selesai = i + 1
            batch.detak = sekarang()
            db.session.commit()
            dikerjakan += 1
            if berhenti_setelah is not None and dikerjakan >= berhenti_setelah:
                raise _Putus()
        with baca_saja():  # merging takes seconds too: no write lock meanwhile
            gabungkan(batch, dir_)
            berkas = batch.berkas
        db.session.refresh(batch, with_for_update=True)
        if batch.status == "dibatalkan" or batch.pekerja != pekerja:
            db.session.rollback()
            return False
        batch.berkas = berkas
        batch.status = "selesai"
        batch.selesai = sekarang()
        db.session.add(Audit(akun_id=batch.akun_id, aksi="cetak_batch_selesai",
                             objek_tipe="cetak_batch", objek_id=batch.id,
                             data={"dokumen": batch.total}))
        db.session.commit()
        return True
    except _Putus:
        db.session.rollback()
        return False
    except Exception as e:
        db.session.rollback()
        batch = db.session.get(CetakBatch, batch_id)
        batch.status = "gagal"
        batch.galat = f"{type(e).__name__}: {e}"[:500]
        db.session.commit()
        raise


class _Putus(Exception):
    """Simulated worker death (tests): leave the job as a crash would."""


class _Selesai:
    """A result already computed (rendering in this process), shaped like a Future."""

    def __init__(self, nilai):
        self.nilai = nilai

    def result(self):
        return self.nilai


def gabungkan(batch, dir_):
    """One PDF with a bookmark per person, or one ZIP of per-person PDFs."""
    bagian = [dir_ / f"chunk-{i:04d}.{batch.format}" for i in range(batch.jumlah_chunk)]
    akhir = dir_ / f"cetak-{batch.id}.{batch.format}"
    sementara = dir_ / f"cetak-{batch.id}.part"
    if batch.format == "pdf":
        penulis = PdfWriter()
        for b in bagian:
            penulis.append(str(b), import_outline=True)
        with open(sementara, "wb") as f:
            penulis.write(f)
        penulis.close()
    else:
        with zipfile.ZipFile(sementara, "w", zipfile.ZIP_STORED) as keluar:
            for b in bagian:
                with zipfile.ZipFile(b) as masuk:
                    for nama in masuk.namelist():
                        keluar.writestr(nama, masuk.read(nama))
    os.replace(sementara, akhir)
    for b in bagian:
        b.unlink(missing_ok=True)
    batch.berkas = str(akhir)


def hapus_berkas(batch):
    shutil.rmtree(Path(current_app.instance_path) / "cetak" / str(batch.id), ignore_errors=True)


def init_app(app):
    """Resume interrupted batch jobs once per process, after the first request (not at
    import or app creation, and never in tests)."""
    status = {"mulai": False}

    @app.before_request
    def _pulihkan_sekali():
        if status["mulai"] or app.config.get("TESTING"):
            return
        status["mulai"] = True
        import threading

        threading.Thread(target=_pulihkan, args=(app,), daemon=True,
                         name="cetak-pemulih").start()


def _pulihkan(app):
    with app.app_context():
        try:
            ids = yang_terputus()
        except Exception:  # e.g. a database not migrated yet: the app itself must still run
            app.logger.exception("Cetak: pekerjaan yang terputus tidak dapat diperiksa")
            return
        finally:
            db.session.remove()
    for batch_id in ids:
        antrikan(app, batch_id)
