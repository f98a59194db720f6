"""Pre-rendering, the rendering half (see kinerja_web/pracetak.py): the job reads the
current data, skips every document already stored from it (idempotent), renders the rest
in a child process at `nice` PRACETAK_NICE that dies with its parent
(anak.mati_bersama_induk), and stores them (simpanan)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from flask import current_app

from kinerja_web import anak, simpanan
from kinerja_web.alur import tulis_singkat
from kinerja_web.dokumen import isi as isi_dokumen
from kinerja_web.dokumen.cetak import logo, rencana_tte, render_bertanda, url_publik
from kinerja_web.dokumen.cetak import siapkan as siapkan_html
from kinerja_web.extensions import baca_saja, db

_render = None


def init_app(app):
    """Register the renderer the marking half hands its work to (without Redis)."""
    app.extensions["pracetak"] = _dengan_app


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
    from kinerja_web import create_app  # cycle: create_app registers this module

    if anak.kuda_kerja_rq():
        anak.mati_bersama_induk()  # the work horse dies with its worker
        anak.menganggur()  # and runs on idle CPU only
    app = create_app()
    with app.app_context():
        try:
            jalankan(pasangan)
        finally:
            db.session.remove()
            db.engine.dispose()


def pool_rendah():
    """One render process on idle CPU time only (anak.menganggur), spawned, dying with
    this process."""
    global _render
    _render = anak.pool_utuh(_render)
    if _render is None:
        _render = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=anak.mati_bersama_induk,
            initargs=anak.argumen_render(current_app.config,
                                         current_app.config.get("PRACETAK_NICE", 10)))
    return _render


def siapkan(pasangan):
    """[(jenis, skp_id, html, logo, Cetakan, sidik, RencanaTte | None)] of the documents
    printable now and not yet stored from the current data."""
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
            rencana = rencana_tte(bersama.dinas, jenis, s)
            html, cetakan = siapkan_html(jenis, s, bersama, rencana=rencana)
            hasil.append((jenis, s.id, html, gambar, cetakan,
                          simpanan.sidik(html, gambar, static), rencana))
    ada = simpanan.ada({h[4].kode: h[5] for h in hasil})
    return [h for h in hasil if h[4].kode not in ada]


def jalankan(pasangan, proses=None):
    """Render and store what is missing; the number of documents rendered."""
    with baca_saja():
        stempel = simpanan.stempel(url_publik())  # read before the data it stamps
        kurang = siapkan(pasangan)
    if proses is None:
        proses = current_app.config.get("CETAK_PROSES", True)
    n = 0
    for jenis, skp_id, html, gambar, cetakan, sidik, rencana in kurang:
        args = (current_app.static_folder, [html], gambar, [rencana])
        [(isi, ttd)] = pool_rendah().submit(render_bertanda, *args).result() if proses \
            else render_bertanda(*args)
        tulis_singkat(lambda j=jenis, s=skp_id, c=cetakan, i=isi, sd=sidik, t=ttd:
                      simpanan.simpan(c.kode, i, jenis=j, skp_id=s, sidik=sd, ttd=t,
                                      nilai=c.nilai, stempel=stempel))
        n += 1
    return n
