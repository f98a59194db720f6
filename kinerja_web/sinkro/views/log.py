"""Log Sinkronisasi (/sinkro/log): every attempt, newest first; Sinkro ulang from a row."""

from flask import abort, request, url_for
from sqlalchemy import func, select

from kinerja_web.daftar import cari_teks, halaman_dari, pilihan_arg
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, render
from kinerja_web.models import LogSinkro
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro.ekspor import JENIS
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna
from kinerja_web.sinkro.views.pegawai import sinkro_satu

TAB_LOG = (("semua", "Semua"), ("Berhasil", "Berhasil"), ("Gagal", "Gagal"))


def get_log_or_404(log_id):
    baris = db.session.get(LogSinkro, log_id)
    if baris is None or baris.dinas_id != dinas_pengguna():
        abort(404)
    return baris


@bp.get("/log")
@perlu_peran(OPERATOR)
def log():
    """Log Sinkronisasi: NIP, Nama, Tipe SKP, Status, Keterangan, Catatan; newest first."""
    nip = "".join(request.args.get("nip", "").split())[:18]
    nama = request.args.get("nama", "").strip()[:100]
    status = pilihan_arg("status", TAB_LOG, "semua")
    stmt = select(LogSinkro).where(LogSinkro.dinas_id == dinas_pengguna())
    if nip:
        stmt = stmt.where(LogSinkro.nip.like(cari_teks(nip), escape="\\"))
    if nama:
        stmt = stmt.where(LogSinkro.nama.ilike(cari_teks(nama), escape="\\"))
    sub = stmt.subquery()
    hitung = dict(db.session.execute(select(sub.c.status, func.count())
                                     .group_by(sub.c.status)).all())
    hitung["semua"] = sum(hitung.values())
    if status != "semua":
        stmt = stmt.where(LogSinkro.status == status)
    h = halaman_dari(stmt.order_by(LogSinkro.id.desc()), hitung.get(status, 0), skalar=True)
    return render("sinkro/log.html", block="hasil", rows=h.items, hitung=hitung, tab=status,
                  tabs=TAB_LOG, nip=nip, nama=nama, halaman=h.page, per_halaman=h.per_page,
                  total=h.total, form=Formulir(formdata=None), jenis=JENIS,
                  awal=(h.page - 1) * h.per_page)


@bp.post("/log/<int:log_id>/ulang")
@perlu_peran(OPERATOR)
def sinkro_ulang(log_id):
    """Sinkro ulang: re-run the pre-check for that pegawai and SKP; a new row is appended."""
    lama = get_log_or_404(log_id)
    if not Formulir().validate_on_submit():
        abort(400)
    sinkro_satu(lama.pegawai_id, lama.posisi, lama.jenis, lama.nama)
    return hx_redirect(url_for(".log", nip=lama.nip or ""))
