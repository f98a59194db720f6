"""Pre-rendering, the marking half: when a document's data becomes final (SKP agreed,
predikat set, PKO set), a background job renders it at low priority and stores it
(simpanan), so the print that follows is served from the database.

A transition calls `tandai(jenis, skp_ids)` inside its transaction; the job is queued only
after that transaction commits (nothing is queued for a rolled-back one). The job reads
the current data, skips every document already stored from it (idempotent), renders the
rest in a child process at `nice` PRACETAK_NICE that dies with its parent
(anak.mati_bersama_induk), and stores them. Queue: the RQ queue `kinerja-pracetak` when
KINERJA_REDIS_URL is set (workers listen to it after `kinerja-cetak`: lower priority),
else one background thread of the web process. KINERJA_PRACETAK=0 turns it off.
"""

from concurrent.futures import ThreadPoolExecutor

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kinerja_web.extensions import db
from kinerja_web.models.skp import Skp

ANTREAN = "kinerja-pracetak"
KUNCI = "pracetak"
# Printable once predikat is set (the cumulative AK too: the year's own row comes last).
NILAI = ("evaluasi", "dokumen_evaluasi", "angka_kredit", "ak_kumulatif")
_utas = None


def tandai(jenis, skp_ids):
    """Queue these documents for pre-rendering once the current transaction commits."""
    if not has_app_context() or not current_app.config.get("PRACETAK", True):
        return
    antre = db.session().info.setdefault(KUNCI, set())
    for j in ([jenis] if isinstance(jenis, str) else jenis):
        antre.update((j, int(i)) for i in skp_ids)


@event.listens_for(Session, "after_commit")
def _setelah_commit(session):
    antre = session.info.pop(KUNCI, None)
    if antre and has_app_context():
        try:
            antrikan(current_app._get_current_object(), sorted(antre))
        except Exception:  # noqa: BLE001 - a lost pre-render only costs a render later
            current_app.logger.exception("Pracetak tidak dapat diantrikan")


@event.listens_for(Session, "after_rollback")
def _setelah_rollback(session):
    session.info.pop(KUNCI, None)


def antrikan(app, pasangan):
    """Hand [(jenis, skp_id), …] to a worker (RQ when Redis is configured)."""
    pasangan = [list(p) for p in pasangan]
    if app.config.get("REDIS_URL"):
        Queue(ANTREAN, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            "kinerja_web.dokumen.pracetak.kerja_rq", pasangan, job_timeout=3600)
        return
    global _utas
    if _utas is None:
        _utas = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pracetak")
    # The renderer (kinerja_web.dokumen.pracetak) registers itself at start-up: the
    # transitions that mark documents sit below the pages that render them.
    _utas.submit(app.extensions["pracetak"], app, pasangan)


def skp_sekolah(sekolah_id, tahun_id):
    return db.session.scalars(select(Skp.id).where(Skp.sekolah_id == sekolah_id,
                                                   Skp.tahun_id == tahun_id)).all()
