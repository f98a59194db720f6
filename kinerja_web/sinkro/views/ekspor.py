"""Ekspor e-Kinerja (/sinkro/ekspor): run the pre-check, export who passes, download."""

from flask import abort, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kinerja_web import alur, kiriman
from kinerja_web.daftar import PER_HALAMAN, nomor_halaman
from kinerja_web.extensions import baca_saja, db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.models import Ekspor, LogSinkro
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import berkas
from kinerja_web.sinkro.ekspor import JENIS, siapkan, simpan
from kinerja_web.sinkro.pengirim import manifes_json
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna, tahun_sinkro
from kinerja_web.unduhan import kirim_berkas


class FormEkspor(DenganKiriman, Formulir):
    jenis = RadioField("Data yang diekspor", choices=[SelectChoice(k, v) for k, v in JENIS.items()],
                       default="perencanaan",
                       validators=[InputRequired("Pilih data yang diekspor.")])


def get_ekspor_or_404(ekspor_id):
    e = db.session.get(Ekspor, ekspor_id)
    if e is None or e.dinas_id != dinas_pengguna():
        abort(404)
    return e


@bp.route("/ekspor", methods=["GET", "POST"])
@perlu_peran(OPERATOR)
def ekspor_index():
    """Ekspor e-Kinerja: run the pre-check and export everyone who passes."""
    form = FormEkspor()
    if form.validate_on_submit():
        if (ulang := kiriman.sudah_terkirim(form)) is not None:
            return ulang  # a repeat after the first finished: nothing is checked again
        # The slow part (the pre-check of the whole Dinas and the files) in a read
        # transaction; then the key and the rows in a short write.
        with baca_saja():
            siap = siapkan(dinas_pengguna(), form.jenis.data, tahun_sinkro(), current_user)
        if (ulang := kiriman.klaim(form)) is not None:  # a double click exports once
            return ulang
        e = simpan(siap, current_user)
        kiriman.tujuan(url_for(".ekspor_detail", ekspor_id=e.id))
        db.session.commit()
        flash(f"Ekspor selesai: {e.jumlah_diekspor} pegawai diekspor, {e.jumlah_gagal} gagal "
              "(lihat daftar di bawah).", "sukses" if e.jumlah_diekspor else "peringatan")
        return hx_redirect(url_for(".ekspor_detail", ekspor_id=e.id))
    riwayat = db.session.execute(
        select(Ekspor.id, Ekspor.waktu, Ekspor.jenis, Ekspor.lingkup, Ekspor.jumlah_diekspor,
               Ekspor.jumlah_gagal, Ekspor.sha256)
        .where(Ekspor.dinas_id == dinas_pengguna()).order_by(Ekspor.id.desc()).limit(20)).all()
    return render_template("sinkro/ekspor.html", form=form, riwayat=riwayat, jenis=JENIS), \
        422 if form.is_submitted() else 200


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
