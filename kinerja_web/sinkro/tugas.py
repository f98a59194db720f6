"""The whole-Dinas e-Kinerja export as a background job, with progress.

The Operator's page queues a job (alur.sinkro.mulai) and shows its row; a worker takes it
(a conditional UPDATE, as batch printing does), runs the pre-check and builds the files in
a read transaction (`ekspor.siapkan`, writing its phase and "n of total pegawai" to the row
through a connection of its own as it goes), then stores the export, its log rows and the
finished job in one short write (`ekspor.simpan`). Nothing half is kept: a cancelled,
failed or interrupted job leaves no export, and a job whose owner died (same machine: its
process is gone; elsewhere: a heartbeat older than 90 s) is taken over and run again from
the start, by the progress page, the first request after a restart or `flask
ekspor-lanjut`. The owner and the heartbeat are those of the batch prints
(kinerja_web.tugas_latar), and so is the queue (kinerja_web.jobs): RQ queue
`kinerja-cetak` when KINERJA_REDIS_URL is set (the work horse at `nice` NICE), else one
background thread of the web process (lowered to the same priority). `flask
ekspor-ekinerja` runs the same job in the foreground.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from redis import Redis
from rq import Queue
from sqlalchemy import update

from kinerja_web import jobs, tugas_latar
from kinerja_web.alur import sinkro as alur_sinkro
from kinerja_web.extensions import baca_saja, db, transaksi_tulis
from kinerja_web.models import Akun
from kinerja_web.models.sinkro import StatusTugas, TahapEkspor, TugasEkspor
from kinerja_web.sinkro import ekspor
from kinerja_web.waktu import sekarang

ANTREAN = jobs.ANTREAN  # the batch prints' queue: one worker command serves both
NICE = 10
LANGKAH_PROGRES = 100  # the row is written about this many times per run (and per phase)
_pool = None


class Berhenti(Exception):
    """The job was cancelled or taken over while it ran: stop, store nothing."""


def antrikan(app, tugas_id):
    """Hand a job to a worker (RQ when Redis is configured, else a background thread)."""
    if app.config.get("REDIS_URL"):
        Queue(ANTREAN, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            "kinerja_web.jobs.kerja_rq_ekspor", tugas_id, job_timeout=3 * 3600)
        return
    global _pool
    if _pool is None:
        # One at a time per process: an export holds a whole Dinas's files in memory.
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ekspor")
    _pool.submit(_jalankan_dengan_app, app, tugas_id)


def _jalankan_dengan_app(app, tugas_id):
    try:  # Linux: this thread only yields the CPU to the requests (as a nice work horse)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       max(NICE, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    except (AttributeError, OSError):
        pass
    with app.app_context():
        try:
            jalankan(tugas_id)
        except Exception:  # the job row records the failure; the thread must not die silently
            app.logger.exception("ekspor e-Kinerja (tugas %s) gagal", tugas_id)
        finally:
            db.session.remove()


# ---------------------------------------------------------------- who owns a job

# The owner, heartbeat and takeover of an export job (kinerja_web.tugas_latar): a takeover
# runs it again from the start (progress back to nothing).
PEMILIK = tugas_latar.TugasLatar(
    TugasEkspor, StatusTugas, dibaca=("akun_id", "diproses"), sama=("detak",),
    awal={"tahap": TahapEkspor.CEK, "diproses": 0}, tulis=transaksi_tulis,
    catat_ambil=lambda t, pekerja: alur_sinkro.catat_ambil(t, pekerja),
    catat_kembali=lambda t: alur_sinkro.catat_kembali_antri(t))


def klaim(tugas_id, pekerja):
    """Take the job if it waits or its worker died; True when taken (atomic, as a batch).
    Progress starts again from nothing: the run is redone from the start."""
    return PEMILIK.klaim(tugas_id, pekerja)


def yang_terputus():
    """Jobs whose worker died or that wait (for `flask ekspor-lanjut` and startup)."""
    return PEMILIK.yang_terputus()


def pulihkan_bila_terputus(app, tugas_id):
    """From the progress page: a running job whose worker died, or a job waiting for
    longer than the heartbeat window (its queue was lost), goes back to a worker. Atomic;
    True when this request handed it over."""
    if not PEMILIK.kembalikan_bila_terputus(tugas_id):
        return False
    antrikan(app, tugas_id)
    return True


class _Laporan:
    """`progres` for ekspor.siapkan: writes the phase and the count to the job's row in a
    short transaction of its own connection (the run itself holds a read transaction),
    about LANGKAH_PROGRES times per phase, only while this worker still owns the running
    job; otherwise it answers True (stop) and remembers it (`berhenti`)."""

    def __init__(self, engine, tugas_id, pekerja):
        self.engine, self.tugas_id, self.pekerja = engine, tugas_id, pekerja
        self.tahap, self.n, self.total = None, -1, None
        self.berhenti = False

    def __call__(self, tahap, n, total):
        langkah = max(1, (total or 0) // LANGKAH_PROGRES)
        if self.berhenti or (tahap == self.tahap and (
                n == self.n or (n - self.n < langkah and n != total))):
            return self.berhenti
        self.tahap, self.n, self.total = tahap, n, total
        with transaksi_tulis(), self.engine.begin() as conn:
            ok = conn.execute(update(TugasEkspor).where(
                TugasEkspor.id == self.tugas_id, TugasEkspor.pekerja == self.pekerja,
                TugasEkspor.status == StatusTugas.BERJALAN).values(
                tahap=tahap, diproses=n, total=total, detak=sekarang())).rowcount == 1
        self.berhenti = not ok
        return self.berhenti


def jalankan(tugas_id, pekerja=None):
    """Run the export of the job (if it waits or its owner died): check and build in a
    read transaction, then store the export and finish the job in one write. True when
    this call finished it; False when it was not to be taken or was stopped (cancelled,
    taken over). A failure is written to the row (in Indonesian) and raised."""
    pekerja = pekerja or tugas_latar.identitas()
    if not klaim(tugas_id, pekerja):
        return False
    with baca_saja():
        t = db.session.get(TugasEkspor, tugas_id)
        if t is None:  # deleted meanwhile
            return False
        dinas_id, jenis, tahun, lingkup, akun_id = (t.dinas_id, t.jenis, t.tahun, t.lingkup,
                                                    t.akun_id)
        akun = db.session.get(Akun, akun_id) if akun_id is not None else None
    detak = PEMILIK.detak(db.engine, tugas_id, pekerja)
    laporan = _Laporan(db.engine, tugas_id, pekerja)
    try:
        with baca_saja():  # minutes for a large Dinas: no write lock meanwhile
            siap = ekspor.siapkan(dinas_id, jenis, tahun, akun, lingkup=lingkup,
                                  progres=laporan)
        if laporan.berhenti or laporan(TahapEkspor.SIMPAN, laporan.n, laporan.total):
            raise Berhenti  # cancelled or taken over meanwhile: what was made is dropped
        with transaksi_tulis():
            # Locked until the commit: a cancel or a takeover cannot slip in between this
            # check and the export stored below.
            t = db.session.get(TugasEkspor, tugas_id, with_for_update=True,
                               populate_existing=True)
            if t.status != StatusTugas.BERJALAN or t.pekerja != pekerja:
                db.session.rollback()
                return False
            e = ekspor.simpan(siap, akun)
            db.session.flush()
            t.status, t.ekspor_id, t.selesai, t.detak = (StatusTugas.SELESAI, e.id,
                                                          sekarang(), sekarang())
            alur_sinkro.catat_selesai(t, e)
            db.session.commit()
        return True
    except Berhenti:
        db.session.rollback()
        return False
    except Exception as galat:
        db.session.rollback()
        pesan = alur_sinkro.pesan_gagal(galat)
        with transaksi_tulis():
            if db.session.execute(update(TugasEkspor).where(
                    TugasEkspor.id == tugas_id, TugasEkspor.pekerja == pekerja,
                    TugasEkspor.status == StatusTugas.BERJALAN).values(
                    status=StatusTugas.GAGAL, galat=pesan, selesai=sekarang())).rowcount:
                alur_sinkro.catat_gagal(tugas_id, akun_id, pesan)
            db.session.commit()
        raise
    finally:
        detak.henti.set()
