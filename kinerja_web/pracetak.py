"""Pre-rendering: when a document's data becomes final (SKP agreed, predikat set, PKO set),
a background job renders it at low priority and stores it (simpanan), so the print that
follows is served from the database.

A transition calls `tandai(jenis, skp_ids)` inside its transaction; the job is queued only
after that transaction commits (nothing is queued for a rolled-back one). The job reads
the current data, skips every document already stored from it (idempotent), renders the
rest in a child process at `nice` PRACETAK_NICE that dies with its parent
(anak.mati_bersama_induk), and stores them. Queue: the RQ queue `kinerja-pracetak` when
KINERJA_REDIS_URL is set (workers listen to it after `kinerja-cetak`: lower priority),
else one background thread of the web process. KINERJA_PRACETAK=0 turns it off.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kinerja_web import anak, simpanan
from kinerja_web.extensions import baca_saja, db

ANTREAN = "kinerja-pracetak"
KUNCI = "pracetak"
NILAI = ("evaluasi", "dokumen_evaluasi", "angka_kredit")  # printable once predikat is set
_utas = None
_render = None


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
        from redis import Redis
        from rq import Queue

        Queue(ANTREAN, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            "kinerja_web.pracetak.kerja_rq", pasangan, job_timeout=3600)
        return
    global _utas
    if _utas is None:
        _utas = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pracetak")
    _utas.submit(_dengan_app, app, pasangan)


def _dengan_app(app, pasangan):
    with app.app_context():
        try:
            jalankan(pasangan)
        except Exception:  # noqa: BLE001 - logged; the print renders it when asked
            app.logger.exception("Pracetak gagal")
        finally:
            db.session.remove()


def kerja_rq(pasangan):
    """Entry point for RQ workers (queue kinerja-pracetak)."""
    from kinerja_web import create_app

    if anak.kuda_kerja_rq():
        anak.mati_bersama_induk()  # the work horse dies with its worker
    app = create_app()
    with app.app_context():
        try:
            jalankan(pasangan)
        finally:
            db.session.remove()
            db.engine.dispose()


def pool_rendah():
    """One render process at low priority, spawned, dying with this process."""
    global _render
    if _render is None:
        _render = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=anak.mati_bersama_induk,
            initargs=(os.getpid(), current_app.config.get("PRACETAK_NICE", 10)))
    return _render


def siapkan(pasangan):
    """[(jenis, skp_id, html, logo, Cetakan, sidik)] of the documents printable now and not
    yet stored from the current data."""
    from kinerja_web.dokumen import isi as isi_dokumen
    from kinerja_web.dokumen.cetak import logo
    from kinerja_web.dokumen.cetak import siapkan as siapkan_html

    per_jenis = {}
    for jenis, skp_id in pasangan:
        per_jenis.setdefault(jenis, []).append(skp_id)
    hasil = []
    static = current_app.static_folder
    for jenis, ids in sorted(per_jenis.items()):
        skps, bersama = isi_dokumen.muat(ids)
        gambar = logo(bersama) if skps else {}
        for s in skps:
            if isi_dokumen.alasan_tolak(jenis, s, bersama) is not None:
                continue
            html, cetakan = siapkan_html(jenis, s, bersama)
            hasil.append((jenis, s.id, html, gambar, cetakan,
                          simpanan.sidik(html, gambar, static)))
    ada = simpanan.ada({c.kode: sd for *_, c, sd in hasil})
    return [h for h in hasil if h[4].kode not in ada]


def jalankan(pasangan, proses=None):
    """Render and store what is missing; the number of documents rendered."""
    from kinerja_web.alur import tulis_singkat
    from kinerja_web.dokumen.cetak import render_dokumen

    with baca_saja():
        kurang = siapkan(pasangan)
    if proses is None:
        proses = current_app.config.get("CETAK_PROSES", True)
    n = 0
    for jenis, skp_id, html, gambar, cetakan, sidik in kurang:
        args = (current_app.static_folder, [html], gambar)
        [isi] = pool_rendah().submit(render_dokumen, *args).result() if proses \
            else render_dokumen(*args)
        tulis_singkat(lambda j=jenis, s=skp_id, k=cetakan.kode, i=isi, sd=sidik:
                      simpanan.simpan(k, i, jenis=j, skp_id=s, sidik=sd))
        n += 1
    return n


def skp_sekolah(sekolah_id, tahun_id):
    from kinerja_web.models.skp import Skp

    return db.session.scalars(select(Skp.id).where(Skp.sekolah_id == sekolah_id,
                                                   Skp.tahun_id == tahun_id)).all()
