"""Periode e-Kinerja (/sinkro/periode): the instance's e-Kinerja periods."""

from flask import abort, flash, render_template, request, url_for

from kinerja_web import kiriman
from kinerja_web.alur import periode as alur_periode
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.models import PeriodeEkinerja
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import cek, data, periode
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna, tahun_sinkro
from kinerja_web.tolakan import tangkap


def get_periode_or_404(periode_id):
    # A change is checked against the version under the row's lock (PostgreSQL: two saves
    # of the same version would otherwise both pass the check and the last one win).
    kunci = request.method == "POST"
    p = db.session.get(PeriodeEkinerja, periode_id, with_for_update=kunci or None,
                       populate_existing=kunci)
    if p is None or p.dinas_id != dinas_pengguna():
        abort(404)
    return p


def _halaman_periode(form, status=200):
    daftar = periode.daftar(dinas_pengguna())
    temuan = cek.cek_periode(data.periode_dinas(dinas_pengguna()), tahun_sinkro())
    return render_template("sinkro/periode.html", form=form, daftar=daftar, temuan=temuan,
                           form_hapus=Formulir(formdata=None)), status


@bp.route("/periode", methods=["GET", "POST"])
@perlu_peran(OPERATOR)
def periode_index():
    """The instance's e-Kinerja periods, and errors #1–#3 of the assessment sync."""
    form = periode.FormPeriodeBaru()
    if form.validate_on_submit():
        if (ulang := kiriman.klaim(form)) is not None:  # a double click adds it once
            return ulang
        p = alur_periode.tambah(dinas_pengguna(), form.nilai())
        kiriman.tujuan(url_for(".periode_index"))
        db.session.commit()
        flash(f"Periode {p.nama} ditambahkan.", "sukses")
        return hx_redirect(url_for(".periode_index"))
    return _halaman_periode(form, 422 if form.is_submitted() else 200)


@bp.route("/periode/<int:periode_id>", methods=["GET", "POST"])
@perlu_peran(OPERATOR)
def periode_ubah(periode_id):
    p = get_periode_or_404(periode_id)
    form = periode.FormPeriode(obj=p)
    if request.method == "GET":
        form.versi.data = p.versi
    gagal = None
    if form.validate_on_submit():
        with tangkap(form, pesan_konflik="Periode ini sudah diubah orang lain sejak halaman "
                     "dibuka. Isian Anda masih di bawah; periksa lalu simpan lagi.") as gagal:
            beda = alur_periode.ubah(p, form.nilai(), form.versi.data)
            db.session.commit()
        if not gagal:
            flash(f"Periode {p.nama} disimpan." if beda else "Tidak ada yang berubah.", "sukses")
            return hx_redirect(url_for(".periode_index"))
        form.versi.data = get_periode_or_404(periode_id).versi
    status = gagal.status if gagal else (422 if form.is_submitted() else 200)
    return render_template("sinkro/periode_ubah.html", form=form, p=p), status


@bp.post("/periode/<int:periode_id>/hapus")
@perlu_peran(OPERATOR)
def periode_hapus(periode_id):
    p = get_periode_or_404(periode_id)
    form = Formulir()
    if not form.validate_on_submit():
        abort(400)
    nama = p.nama
    with tangkap(kilat="galat", pesan_konflik=f"Periode {nama} sudah diubah orang lain; "
                 "periksa lagi sebelum menghapus.") as gagal:
        alur_periode.hapus(p, request.form.get("versi"))
        db.session.commit()
    if gagal:
        return _halaman_periode(periode.FormPeriodeBaru(formdata=None), gagal.status)
    flash(f"Periode {nama} dihapus.", "sukses")
    return hx_redirect(url_for(".periode_index"))
