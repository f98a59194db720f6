"""Data Referensi (/sinkro/referensi): the SIASN lists the pre-check compares with."""

import hashlib

from flask import abort, current_app, flash, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select

from kinerja_web.alur import impor as alur_impor
from kinerja_web.extensions import baca_saja, db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.lembar import BerkasTidakTerbaca, baca, tulis_csv, tulis_xlsx
from kinerja_web.models import AsnSiasn, ImporBerkas, UnitKerja
from kinerja_web.models.impor import StatusImpor
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import referensi
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna
from kinerja_web.teks import nama_berkas, panjang
from kinerja_web.unduhan import kirim_berkas
from kinerja_web.unggahan import pratinjau_sama, ukuran_berkas


class FormUnggah(Formulir):
    berkas = FileField("Berkas (.xlsx atau .csv)",
                       validators=[FileRequired("Pilih berkas yang akan diunggah.")])


def get_impor_or_404(impor_id):
    impor = db.session.get(ImporBerkas, impor_id)
    if impor is None or impor.dinas_id != dinas_pengguna() or impor.jenis not in referensi.JENIS:
        abort(404)
    return impor


def _halaman_referensi(forms, status=200):
    dinas_id = dinas_pengguna()
    jumlah = {
        "unor": db.session.scalar(select(func.count()).where(UnitKerja.dinas_id == dinas_id)),
        "asn": db.session.scalar(select(func.count()).where(AsnSiasn.dinas_id == dinas_id)),
    }
    riwayat = db.session.scalars(
        select(ImporBerkas).where(ImporBerkas.dinas_id == dinas_id,
                                  ImporBerkas.jenis.in_(list(referensi.JENIS)))
        .order_by(ImporBerkas.id.desc()).limit(10)).all()
    return render_template("sinkro/referensi.html", forms=forms, jumlah=jumlah,
                           riwayat=riwayat, jenis=referensi.JENIS, kolom=referensi.KOLOM,
                           batas=ukuran_berkas(current_app.config["IMPOR_MAKS_BYTE"])), status


@bp.get("/referensi")
@perlu_peran(OPERATOR)
def referensi_index():
    """Data Referensi: the SIASN lists the pre-check compares with."""
    return _halaman_referensi({j: FormUnggah(prefix=j) for j in referensi.JENIS})


@bp.post("/referensi/<jenis>")
@perlu_peran(OPERATOR)
def unggah_referensi(jenis):
    if jenis not in referensi.JENIS:
        abort(404)
    form = FormUnggah(prefix=jenis)
    forms = {j: form if j == jenis else FormUnggah(prefix=j, formdata=None)
             for j in referensi.JENIS}
    if form.validate_on_submit():
        maks = current_app.config["IMPOR_MAKS_BYTE"]
        isi = form.berkas.data.read(maks + 1)
        # Path parts, control characters (a NUL, which PostgreSQL cannot hold) and the
        # excess over the column are dropped; the name is only shown and audited.
        nama = nama_berkas(form.berkas.data.filename, panjang(ImporBerkas.nama_berkas))
        if len(isi) > maks:
            form.berkas.errors.append(f"Berkas lebih dari {ukuran_berkas(maks)}.")
        else:
            try:
                with baca_saja():
                    rencana = referensi.periksa(jenis, baca(
                        nama, isi, current_app.config["IMPOR_MAKS_BARIS"]), dinas_pengguna())
            except BerkasTidakTerbaca as e:
                form.berkas.errors.append(str(e))
            else:
                sha256 = hashlib.sha256(isi).hexdigest()
                if (sama := pratinjau_sama(current_user, jenis, sha256)) is not None:
                    return sama
                impor = alur_impor.unggah(current_user, jenis, nama, isi, sha256, rencana)
                db.session.commit()
                return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))
    return _halaman_referensi(forms, 422)


@bp.get("/referensi/impor/<int:impor_id>")
@perlu_peran(OPERATOR)
def referensi_pratinjau(impor_id):
    impor = get_impor_or_404(impor_id)
    return render_template("sinkro/referensi_pratinjau.html", impor=impor, r=impor.ringkasan,
                           form=Formulir(), jenis=referensi.JENIS)


@bp.post("/referensi/impor/<int:impor_id>/terapkan")
@perlu_peran(OPERATOR)
def referensi_terapkan(impor_id):
    impor = get_impor_or_404(impor_id)
    if not Formulir().validate_on_submit():
        abort(400)
    if impor.status != StatusImpor.PRATINJAU:
        flash("Berkas ini sudah diproses sebelumnya; tidak ada yang diubah lagi.", "info")
        return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))
    with baca_saja():
        # Check again: the list may have changed since the preview.
        rencana = referensi.periksa(impor.jenis, baca(
            impor.nama_berkas, impor.isi, current_app.config["IMPOR_MAKS_BARIS"]), dinas_pengguna())
    # The write transaction: lock the import row so a double click applies once.
    impor = db.session.scalar(select(ImporBerkas).where(ImporBerkas.id == impor_id)
                              .with_for_update().execution_options(populate_existing=True))
    if impor.status != StatusImpor.PRATINJAU:
        flash("Berkas ini sudah diproses sebelumnya; tidak ada yang diubah lagi.", "info")
        return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))
    if not rencana.bersih:
        alur_impor.perbarui_pratinjau(impor, rencana)
        db.session.commit()
        flash("Data berubah sejak pratinjau dan kini ada kesalahan. Perbaiki berkas.", "galat")
        return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))
    jumlah = alur_impor.terapkan_referensi(impor, rencana)
    db.session.commit()
    flash(f"{referensi.JENIS[impor.jenis]} tersimpan: {jumlah['baru']} baru, "
          f"{jumlah['diubah']} diubah, {jumlah['dihapus']} dihapus, {jumlah['tetap']} tetap.",
          "sukses")
    return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))


@bp.post("/referensi/impor/<int:impor_id>/batal")
@perlu_peran(OPERATOR)
def referensi_batal(impor_id):
    impor = get_impor_or_404(impor_id)
    # Locked and read afresh: a double "Batalkan" cancels (and audits) once.
    db.session.refresh(impor, with_for_update=True)
    if Formulir().validate_on_submit() and alur_impor.batalkan(impor):
        db.session.commit()
        flash("Unggahan dibatalkan. Tidak ada data yang diubah.", "info")
    return hx_redirect(url_for(".referensi_index"))


@bp.get("/referensi/templat-<jenis>.<ext>")
@perlu_peran(OPERATOR)
def referensi_templat(jenis, ext):
    if jenis not in referensi.JENIS or ext not in ("xlsx", "csv"):
        abort(404)
    if ext == "csv":
        return kirim_berkas(tulis_csv([k for k, _, _ in referensi.KOLOM[jenis]], []),
                            f"templat-{jenis}.csv")
    return kirim_berkas(tulis_xlsx(referensi.lembar_templat(jenis)), f"templat-{jenis}.xlsx")


@bp.get("/referensi/<jenis>.xlsx")
@perlu_peran(OPERATOR)
def referensi_unduh(jenis):
    """The current list in the template's columns: edit it and upload it again."""
    if jenis not in referensi.JENIS:
        abort(404)
    baris = referensi.baris_sekarang(jenis, dinas_pengguna())
    return kirim_berkas(tulis_xlsx(referensi.lembar_templat(jenis, baris)), f"{jenis}.xlsx")
