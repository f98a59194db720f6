"""Background batch printing: chunks of ≤ 50 documents, resumable after a crash.

A job is claimed with an atomic conditional UPDATE (so two workers never run it twice).
Its owner is recorded as the process that runs it (machine, process id and start time):
on the same machine a job whose owner process is gone is taken over at once, even though
the heartbeat it left is still fresh (a server killed and restarted within seconds); an
owner on another machine is presumed dead when its heartbeat (written every 15 s by a
thread of its own) is older than 90 s (kinerja_web.tugas_latar, shared with the export
job). Each chunk is written as a row (simpanan) in the transaction that commits
`chunk_selesai`, only by the current owner, so whoever resumes (on any node) continues
from the last finished chunk without duplicate pages. Interrupted jobs are resumed by the
first request after a restart, by the progress page (the first poll after the owner
died), by the batch page, and by `flask cetak-lanjut`. The whole-Dinas e-Kinerja export
job (kinerja_web.sinkro.tugas) uses the same owner, heartbeat and queue. The default
worker is an in-process thread pool sized to the CPU count; with KINERJA_REDIS_URL set,
jobs go to RQ workers on Redis (`rq worker kinerja-cetak`).
"""

import io
import multiprocessing
import os
import tempfile
import threading
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from redis import Redis
from rq import Queue
from sqlalchemy import update

from kinerja_web import anak, gabung, pengingat, simpanan, tugas_latar
from kinerja_web.alur import cetak as alur_cetak
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models.cetak import Cetakan, CetakBatch, StatusBatch
from kinerja_web.waktu import sekarang, zona

ANTREAN = "kinerja-cetak"
_pool = None
_render = None


def antrikan(app, batch_id):
    """Hand a job to a worker (RQ when Redis is configured, else the thread pool)."""
    if app.config.get("REDIS_URL"):
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
    from kinerja_web import create_app  # cycle: create_app registers this module

    # A work horse forked by `rq worker`: it dies with its worker (and its render
    # processes with it), so a worker stopped hard leaves no process behind.
    if anak.kuda_kerja_rq():
        anak.mati_bersama_induk()
        anak.menganggur()  # the whole job on idle CPU: web requests come first
    app = create_app()
    with app.app_context():
        try:
            jalankan(batch_id)
        finally:
            # A burst or SimpleWorker runs many jobs in one process: close this app's pool.
            db.session.remove()
            db.engine.dispose()


def kerja_rq_ekspor(tugas_id):
    """Entry point for RQ workers: the whole-Dinas e-Kinerja export job (same queue as
    the batches; the work horse runs at `nice` so requests keep the CPU)."""
    # cycles: create_app registers this module; the export page enqueues through
    # sinkro.tugas, which runs on this machinery
    from kinerja_web import create_app
    from kinerja_web.sinkro import tugas

    if anak.kuda_kerja_rq():
        anak.mati_bersama_induk(nice=tugas.NICE)
    app = create_app()
    with app.app_context():
        try:
            tugas.jalankan(tugas_id)
        finally:
            db.session.remove()
            db.engine.dispose()


# ---------------------------------------------------------------- who owns a job

# The owner, heartbeat and takeover of a batch (kinerja_web.tugas_latar): the chunks done
# are part of the row as read, so a takeover never races a chunk being committed.
PEMILIK = tugas_latar.TugasLatar(
    CetakBatch, StatusBatch, sama=("chunk_selesai",),
    catat_ambil=lambda b, pekerja: alur_cetak.catat_ambil_alih(b, StatusBatch.BERJALAN),
    catat_kembali=lambda b: alur_cetak.catat_ambil_alih(b, StatusBatch.ANTRI))


def klaim(batch_id, pekerja):
    """Take the job if it waits or its worker died; True when taken (atomic)."""
    return PEMILIK.klaim(batch_id, pekerja)


def yang_terputus():
    """Jobs whose worker died or that wait (for `flask cetak-lanjut` and startup)."""
    return PEMILIK.yang_terputus()


def pulihkan_bila_terputus(app, batch_id):
    """From a page (the progress poll, the batch form): a running job whose worker died,
    or a job waiting for longer than the heartbeat window (its queue was lost), goes back
    to a worker. Atomic; True when this request handed it over."""
    if not PEMILIK.kembalikan_bila_terputus(batch_id):
        return False
    antrikan(app, batch_id)
    return True


def jumlah_proses():
    """Render processes of a batch: one core is left to the web (cores − 1, at least 1)."""
    return max(1, (os.cpu_count() or 2) - 1)


def pool_render():
    """Render processes (WeasyPrint is single-threaded and GIL-bound), `jumlah_proses`
    of them, that run only on CPU time the web leaves idle (anak.menganggur: SCHED_IDLE,
    nice 19, idle I/O), so a batch never slows the pages; spawned, not forked, so a
    threaded server never forks with locks held. Each dies with the process that started
    it (anak.mati_bersama_induk), so a worker stopped hard leaves no render process
    behind. The merge of a batch runs in a process of its own (proses_gabung). A pool one
    of whose processes died (the OOM killer; the thread that started it ended, taking its
    children along) is replaced, or every later batch in this process would fail."""
    global _render
    _render = anak.pool_utuh(_render)
    if _render is None:
        _render = ProcessPoolExecutor(max_workers=jumlah_proses(),
                                      mp_context=multiprocessing.get_context("spawn"),
                                      initializer=anak.mati_bersama_induk,
                                      initargs=anak.argumen_render(current_app.config))
    return _render


def jalankan(batch_id, pekerja=None):
    """Render the remaining chunks (up to one per core at a time, committed in order),
    then merge. Documents stored from the same data (simpanan) are not rendered again;
    those rendered here are stored. Chunks and the merged file are rows (simpanan), so a
    job resumes on any node."""
    # cycle: dokumen.views enqueues these jobs; the job renders dokumen's chunks
    from kinerja_web.dokumen.cetak import render_susun

    pekerja = pekerja or tugas_latar.identitas()
    if not klaim(batch_id, pekerja):
        return False
    batch = db.session.get(CetakBatch, batch_id)
    static = current_app.static_folder
    pool = pool_render() if current_app.config.get("CETAK_PROSES", True) else None
    antre = deque()
    detak = PEMILIK.detak(db.engine, batch_id, pekerja)
    try:
        berikut = batch.chunk_selesai
        while berikut < batch.jumlah_chunk or antre:
            while berikut < batch.jumlah_chunk and len(antre) < jumlah_proses() + 1:
                ids = batch.daftar[berikut * batch.ukuran_chunk:
                                   (berikut + 1) * batch.ukuran_chunk]
                # Read without the SQLite write lock: rendering takes seconds.
                with baca_saja():
                    c, ada, stempel = _siapkan(batch, ids)
                kurang = [i for i in range(len(c.html)) if i not in ada]
                args = (static, batch.format, [ada.get(i) for i in range(len(c.html))],
                        c.html, c.logo, c.nama, c.tte)
                hasil = pool.submit(render_susun, *args) if pool else _Selesai(
                    render_susun(*args))
                antre.append((berikut, hasil, c, stempel, kurang))
                berikut += 1
            i, hasil, c, stempel, kurang = antre.popleft()
            # Reading the loop's condition began a transaction (BEGIN IMMEDIATE on SQLite):
            # end it, so nobody waits for the write lock while the chunk renders.
            db.session.rollback()
            dirender, isi = hasil.result()
            baru = dict(zip(kurang, dirender, strict=True))
            # Locked until this chunk's commit: a worker that took the job over (or a
            # cancel) cannot interleave between this check and the progress written below.
            db.session.refresh(batch, with_for_update=True)
            if batch.status != StatusBatch.BERJALAN or batch.pekerja != pekerja:
                db.session.rollback()
                return False  # cancelled, or taken over by another worker
            # Only the owner, only the next chunk: a worker that lost the job (taken over
            # while it was thought dead) adds no second copy of these documents.
            ok = db.session.execute(update(CetakBatch).where(
                CetakBatch.id == batch.id, CetakBatch.pekerja == pekerja,
                CetakBatch.status == StatusBatch.BERJALAN, CetakBatch.chunk_selesai == i)
                .values(chunk_selesai=i + 1, detak=sekarang())).rowcount == 1
            if not ok:
                db.session.rollback()
                return False
            simpanan.tulis_bagian(batch.id, i, isi)
            for j, (pdf_, ttd) in baru.items():  # ttd: its signature, when signed
                cet = c.cetakan[j]
                simpanan.simpan(cet.kode, pdf_, jenis=cet.jenis, skp_id=cet.skp_id,
                                sidik=c.sidik[j], ttd=ttd, nilai=cet.nilai, stempel=stempel)
            for j in ada:  # found current the long way: stamped, one query next time
                if c.sidik[j] is not None and stempel is not None:
                    simpanan.tandai_kini(c.cetakan[j].kode, c.sidik[j], stempel,
                                         c.cetakan[j].nilai)
            alur_cetak.simpan_bagian(batch, c.cetakan)
            db.session.commit()
        with baca_saja():  # merging takes seconds too: no write lock meanwhile
            isi = gabungkan(batch, pool)
        db.session.refresh(batch, with_for_update=True)
        ok = db.session.execute(update(CetakBatch).where(
            CetakBatch.id == batch.id, CetakBatch.pekerja == pekerja,
            CetakBatch.status == StatusBatch.BERJALAN).values(
            berkas=f"cetak-{batch.id}.{batch.format}", status=StatusBatch.SELESAI,
            selesai=sekarang())).rowcount == 1
        if not ok:
            db.session.rollback()
            return False
        simpanan.tulis_bagian(batch.id, simpanan.HASIL, isi)
        simpanan.hapus_bagian(batch.id)
        alur_cetak.catat_selesai(batch)
        db.session.commit()
        return True
    except Exception as e:
        db.session.rollback()
        db.session.execute(update(CetakBatch).where(
            CetakBatch.id == batch_id, CetakBatch.pekerja == pekerja,
            CetakBatch.status == StatusBatch.BERJALAN).values(
            status=StatusBatch.GAGAL, galat=f"{type(e).__name__}: {e}"[:500]))
        db.session.commit()
        raise
    finally:
        detak.henti.set()


def _siapkan(batch, ids):
    """(Chunk, {index: stored PDF}, stamp) of the SKPs `ids`, in their order. Documents
    stored and found current at the current stamp (simpanan.kini_banyak) come from one
    query, their Cetakan from the stored values; only the others load their data and
    build their HTML (dokumen.cetak.siapkan_chunk), which skips what cannot be printed."""
    # cycle: dokumen.views enqueues these jobs; the job prepares dokumen's chunks
    from kinerja_web.dokumen.cetak import (
        Chunk,
        nama_berkas_pegawai,
        siapkan_chunk,
        url_publik,
    )

    stempel = simpanan.stempel(url_publik())  # before the data it stamps
    kini = simpanan.kini_banyak(batch.jenis, ids, stempel)
    sisa = [i for i in ids if i not in kini]
    c = siapkan_chunk(batch, sisa) if sisa else Chunk([], {}, [], [], [], [])
    lain = c.tersimpan()
    per_skp = {cet.skp_id: j for j, cet in enumerate(c.cetakan)}
    out, ada = Chunk([], c.logo, [], [], [], []), {}
    for skp_id in ids:
        if skp_id in kini:
            kode, isi, nilai, (pegawai_id, nama, nip) = kini[skp_id]
            baris = ("", nama_berkas_pegawai(pegawai_id, nama, nip, batch.jenis),
                     Cetakan(kode=kode, jenis=batch.jenis, skp_id=skp_id, nilai=nilai,
                             akun_id=batch.akun_id), None, None)
        elif skp_id in per_skp:
            j = per_skp[skp_id]
            isi = lain.get(j)
            # With its signing plan: a document not stored yet is signed as it renders.
            baris = (c.html[j], c.nama[j], c.cetakan[j], c.sidik[j],
                     c.tte[j] if c.tte else None)
        else:
            continue  # no longer printable
        if isi is not None:
            ada[len(out.html)] = isi
        for daftar, nilai_ in zip((out.html, out.nama, out.cetakan, out.sidik, out.tte),
                                  baris, strict=True):
            daftar.append(nilai_)
    return out, ada, stempel


class _Selesai:
    """A result already computed (rendering in this process), shaped like a Future."""

    def __init__(self, nilai):
        self.nilai = nilai

    def result(self):
        return self.nilai


def gabungkan(batch, pool=None):
    """One PDF with a bookmark per person and one font per face (kinerja_web.gabung), or
    one ZIP of per-person PDFs, from the chunk rows. The PDF join reads the chunks from
    scratch files written one at a time (never all in memory) and, when batches render in
    processes (`pool`), runs in a process of its own that ends with the join: qpdf's
    objects of 1,500 pages never stay in a render process (nor in this one)."""
    if batch.format == "pdf":
        with tempfile.TemporaryDirectory(prefix="kinerja-gabung-") as sementara:
            jalur = []
            for i in range(batch.jumlah_chunk):
                jalur.append(str(Path(sementara, f"{i}.pdf")))
                Path(jalur[-1]).write_bytes(simpanan.baca_bagian(batch.id, i))
            hasil = str(Path(sementara, "gabung.pdf"))
            if pool is None:
                gabung.gabung(jalur, keluar_ke=hasil)
            else:
                with proses_gabung() as p:
                    p.submit(gabung.gabung, jalur, True, hasil).result()
            return Path(hasil).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as keluar:
        for i in range(batch.jumlah_chunk):
            with zipfile.ZipFile(io.BytesIO(simpanan.baca_bagian(batch.id, i))) as masuk:
                for nama in masuk.namelist():
                    keluar.writestr(nama, masuk.read(nama))
    return out.getvalue()


_gabung = None  # the join's process while it runs (bench/cetak.py reads its memory)


@contextmanager
def proses_gabung():
    """A process for one join: spawned, on idle CPU like the render processes, dying with
    this process; shut down (its memory returned) when the join ends."""
    global _gabung
    _gabung = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=anak.mati_bersama_induk,
                                  initargs=anak.argumen_render(current_app.config))
    try:
        yield _gabung
    finally:
        _gabung.shutdown()
        _gabung = None


def isi_berkas(batch):
    """The merged file of a finished batch (bytes), or None; a batch finished before the
    files moved into the database is read from its path."""
    isi = simpanan.baca_bagian(batch.id, simpanan.HASIL)
    if isi is None and batch.berkas and os.path.isabs(batch.berkas):
        try:
            return Path(batch.berkas).read_bytes()
        except OSError:
            return None
    return isi


def init_app(app):
    """Resume interrupted batch jobs once per process, after the first request (not at
    import or app creation, and never in tests)."""
    status = {"mulai": False}

    @app.before_request
    def _pulihkan_sekali():
        if status["mulai"] or app.config.get("TESTING"):
            return
        status["mulai"] = True
        threading.Thread(target=_pulihkan, args=(app,), daemon=True,
                         name="cetak-pemulih").start()


def _pulihkan(app):
    # cycle: the export jobs run on this machinery (see kerja_rq_ekspor)
    from kinerja_web.sinkro import tugas

    with app.app_context():
        try:
            ids = yang_terputus()
            ekspor = tugas.yang_terputus()
        except Exception:  # e.g. a database not migrated yet: the app itself must still run
            app.logger.exception("Cetak: pekerjaan yang terputus tidak dapat diperiksa")
            return
        finally:
            db.session.remove()
    for batch_id in ids:
        antrikan(app, batch_id)
    for tugas_id in ekspor:
        tugas.antrikan(app, tugas_id)



# ---------------------------------------------------------------------------------------
# The daily reminder digest on RQ: a job scheduled for the next PENGINGAT_JAM (local time)
# under a job id of its day, so scheduling twice (two workers starting, a command run
# again) keeps one; each run schedules the next day's before it sends. Needs
# `rq worker --with-scheduler kinerja-pengingat` (RQ's own scheduler, no other service).

ANTREAN_PENGINGAT = "kinerja-pengingat"


def jadwal_pengingat_berikut(app, setelah=None):
    """The next run: PENGINGAT_JAM local time after `setelah` (aware), as an aware time."""
    z = zona()
    kini = (setelah or datetime.now(z)).astimezone(z)
    jam = int(app.config.get("PENGINGAT_JAM", 6))
    jadi = kini.replace(hour=jam, minute=0, second=0, microsecond=0)
    if jadi <= kini:
        jadi += timedelta(days=1)
    return jadi


def jadwalkan_pengingat(app, setelah=None):
    """Schedule the next daily reminder run on RQ (idempotent per day); returns its time."""
    kapan = jadwal_pengingat_berikut(app, setelah)
    antre = Queue(ANTREAN_PENGINGAT, connection=Redis.from_url(app.config["REDIS_URL"]))
    job_id = f"kinerja-pengingat-{kapan:%Y%m%d}"
    if antre.fetch_job(job_id) is None:
        antre.enqueue_at(kapan, "kinerja_web.jobs.pengingat_rq", job_id=job_id,
                         job_timeout=3600)
    return kapan


def pengingat_rq():
    """Entry point of the scheduled RQ job: schedule tomorrow's, then send today's."""
    from kinerja_web import create_app  # cycle: create_app registers this module

    app = create_app()
    with app.app_context():
        jadwalkan_pengingat(app)
        hasil = pengingat.kirim_pengingat()
        app.logger.info("pengingat: %s terkirim, %s gagal, %s sudah dikirim hari ini",
                        hasil.terkirim, hasil.gagal, hasil.dilewati)
