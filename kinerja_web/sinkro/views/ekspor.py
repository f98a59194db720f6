"""Ekspor e-Kinerja (/sinkro/ekspor): start the export of the whole Dinas as a background
job, follow its progress, then the export's detail page and files."""

from flask import abort, current_app, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kinerja_web import alur, kiriman, tolakan
from kinerja_web.alur import sinkro as alur_sinkro
from kinerja_web.daftar import PER_HALAMAN, nomor_halaman
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, is_htmx, render
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.models import Ekspor, LogSinkro
from kinerja_web.models.sinkro import StatusTugas, TahapEkspor, TugasEkspor
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import berkas, tugas
from kinerja_web.sinkro.ekspor import JENIS
from kinerja_web.sinkro.pengirim import manifes_json
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna, tahun_sinkro
from kinerja_web.unduhan import kirim_berkas
from kinerja_web.waktu import format_waktu

LABEL_STATUS = {"antri": "Menunggu giliran", "berjalan": "Sedang berjalan",
                "selesai": "Selesai", "gagal": "Gagal", "dibatalkan": "Dibatalkan"}


class FormEkspor(DenganKiriman, Formulir):
    jenis = RadioField("Data yang diekspor", choices=[SelectChoice(k, v) for k, v in JENIS.items()],
                       default="perencanaan",
                       validators=[InputRequired("Pilih data yang diekspor.")])


def get_ekspor_or_404(ekspor_id):
    e = db.session.get(Ekspor, ekspor_id)
    if e is None or e.dinas_id != dinas_pengguna():
        abort(404)
    return e


def get_tugas_or_404(tugas_id):
    t = db.session.get(TugasEkspor, tugas_id)
    if t is None or t.dinas_id != dinas_pengguna():
        abort(404)
    return t


@bp.route("/ekspor", methods=["GET", "POST"])
@perlu_peran(OPERATOR)
def ekspor_index():
    """Ekspor e-Kinerja: start (or follow) the export of everyone who passes the pre-check."""
    form = FormEkspor()
    if form.validate_on_submit():
        # A double click starts one job (the second waits, then follows the first); a
        # second tab or another Operator joins the job already open for this kind.
        if (ulang := kiriman.klaim(form)) is not None:
            return ulang
        with tolakan.tangkap(form) as gagal:
            t, baru = alur_sinkro.mulai(current_user, dinas_pengguna(), form.jenis.data,
                                        tahun_sinkro(), "Seluruh Dinas")
        if not gagal:
            tujuan = url_for(".ekspor_tugas", tugas_id=t.id)
            kiriman.tujuan(tujuan)
            db.session.commit()
            if baru:
                tugas.antrikan(current_app._get_current_object(), t.id)
            else:
                flash(f"Ekspor {JENIS[t.jenis]} sudah berjalan sejak "
                      f"{format_waktu(t.dibuat)}; halaman ini mengikutinya.", "info")
            return hx_redirect(tujuan)
    # The open jobs and the last ones (a failed job's reason stays on its page).
    tugas_terakhir = db.session.execute(
        select(TugasEkspor.id, TugasEkspor.jenis, TugasEkspor.status, TugasEkspor.dibuat,
               TugasEkspor.diproses, TugasEkspor.total)
        .where(TugasEkspor.dinas_id == dinas_pengguna())
        .order_by(TugasEkspor.id.desc()).limit(5)).all()
    riwayat = db.session.execute(
        select(Ekspor.id, Ekspor.waktu, Ekspor.jenis, Ekspor.lingkup, Ekspor.jumlah_diekspor,
               Ekspor.jumlah_gagal, Ekspor.sha256)
        .where(Ekspor.dinas_id == dinas_pengguna()).order_by(Ekspor.id.desc()).limit(20)).all()
    return render_template("sinkro/ekspor.html", form=form, riwayat=riwayat, jenis=JENIS,
                           tugas_terakhir=tugas_terakhir, label_status=LABEL_STATUS), \
        422 if form.is_submitted() else 200


@bp.get("/ekspor/tugas/<int:tugas_id>")
@perlu_peran(OPERATOR)
def ekspor_tugas(tugas_id):
    """Progress; htmx polls every 3 s and gets 286 (stop) when the job has ended; without
    JavaScript the page has a "Muat ulang" link."""
    t = get_tugas_or_404(tugas_id)
    if t.status in StatusTugas.terbuka():
        # The first visit after its worker died hands the job to a worker again.
        if tugas.pulihkan_bila_terputus(current_app._get_current_object(), t.id):
            db.session.expire_all()
        t = get_tugas_or_404(tugas_id)
    hasil = db.session.execute(select(Ekspor.jumlah_diekspor, Ekspor.jumlah_gagal).where(
        Ekspor.id == t.ekspor_id)).first() if t.ekspor_id else None
    response = render("sinkro/ekspor_tugas.html", block="progres", t=t, jenis=JENIS,
                      tahapan=list(TahapEkspor), berkas=berkas, hasil=hasil)
    if is_htmx() and t.status not in StatusTugas.terbuka():
        response.status_code = 286
    return response


@bp.post("/ekspor/tugas/<int:tugas_id>/batal")
@perlu_peran(OPERATOR)
def ekspor_tugas_batal(tugas_id):
    t = get_tugas_or_404(tugas_id)
    valid = Formulir().validate_on_submit()
    # Locked and read afresh: a double "Batalkan" cancels (and audits) once.
    db.session.refresh(t, with_for_update=True)
    if valid:
        with tolakan.tangkap(kilat="galat") as gagal:
            batal = alur_sinkro.batalkan(t, current_user)
        if not gagal and batal:
            db.session.commit()
            flash("Ekspor dibatalkan; tidak ada yang tersimpan dari ekspor ini.", "info")
    return hx_redirect(url_for(".ekspor_tugas", tugas_id=t.id))


@bp.get("/ekspor/<int:ekspor_id>")
@perlu_peran(OPERATOR)
def ekspor_detail(ekspor_id):
    e = db.session.execute(
        select(Ekspor.id, Ekspor.dinas_id, Ekspor.waktu, Ekspor.jenis, Ekspor.lingkup,
               Ekspor.manifes, Ekspor.jumlah_diekspor, Ekspor.jumlah_gagal, Ekspor.jumlah_rhk,
               Ekspor.jumlah_indikator, Ekspor.sha256)
        .where(Ekspor.id == ekspor_id)).first()  # not the files: they can be megabytes
    if e is None or e.dinas_id != dinas_pengguna():
        abort(404)
    halaman = nomor_halaman()
    gagal = db.session.scalars(
        select(LogSinkro).where(LogSinkro.ekspor_id == e.id, LogSinkro.status == "Gagal")
        .order_by(LogSinkro.id).limit(PER_HALAMAN).offset((halaman - 1) * PER_HALAMAN)).all()
    return render_template("sinkro/ekspor_detail.html", e=e, gagal=gagal, jenis=JENIS,
                           halaman=halaman, per_halaman=PER_HALAMAN, berkas=berkas)


@bp.get("/ekspor/<int:ekspor_id>/<nama>")
@perlu_peran(OPERATOR)
def unduh_ekspor(ekspor_id, nama):
    e = get_ekspor_or_404(ekspor_id)
    isi = {berkas.NAMA_JSONL: lambda: e.jsonl, berkas.NAMA_XLSX: lambda: e.xlsx,
           berkas.NAMA_MANIFES: lambda: manifes_json(e.manifes)}.get(nama)
    if isi is None:
        abort(404)
    dasar, _, ext = nama.rpartition(".")
    isi, nama_unduhan = isi(), f"{dasar}-{e.jenis}-{e.id}.{ext}"
    # The audit row in a short write of its own after the read (see alur.catat_bacaan).
    if not alur.catat_bacaan("ekspor_ekinerja_diunduh", e, catatan=nama):
        abort(503)
    return kirim_berkas(isi, nama_unduhan)
