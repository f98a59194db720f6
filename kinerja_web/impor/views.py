"""Roster import for the Operator Dinas: upload, preview with row errors, confirm."""

import hashlib
import json

from flask import Blueprint, abort, current_app, flash, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField

from kinerja_web import alur
from kinerja_web.alur import impor as alur_impor
from kinerja_web.daftar import aturan_aktif, tahun_aktif
from kinerja_web.extensions import baca_saja, db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.impor import roster
from kinerja_web.impor import sandi as sandi_impor
from kinerja_web.lembar import BerkasTidakTerbaca, baca, tulis_csv, tulis_xlsx
from kinerja_web.models import ImporBerkas
from kinerja_web.models.impor import StatusImpor
from kinerja_web.models.org import Peran
from kinerja_web.peran import perlu_peran
from kinerja_web.teks import nama_berkas, panjang
from kinerja_web.tolakan import tangkap
from kinerja_web.unduhan import kirim_berkas
from kinerja_web.unggahan import pratinjau_sama, ukuran_berkas
from kinerja_web.waktu import hari_ini

bp = Blueprint("impor", __name__, url_prefix="/impor")


class FormUnggah(Formulir):
    berkas = FileField(
        "Berkas roster (.xlsx atau .csv)",
        validators=[FileRequired("Pilih berkas yang akan diunggah.")],
        description="Gunakan templat. Nomor NIP/NUPTK diketik sebagai teks.",
    )


class FormSandi(Formulir):
    isian = HiddenField()


def get_impor_or_404(impor_id):
    impor = db.session.get(ImporBerkas, impor_id)
    # Reference lists of Sinkro e-Kinerja share the table; they have their own pages.
    if impor is None or impor.dinas_id != current_user.peran.dinas_id or \
            impor.jenis != "roster":
        abort(404)
    return impor


def _riwayat():
    return db.session.scalars(
        select(ImporBerkas).where(ImporBerkas.dinas_id == current_user.peran.dinas_id,
                                  ImporBerkas.jenis == "roster")
        .order_by(ImporBerkas.id.desc()).limit(10)
    ).all()


@bp.route("", methods=["GET", "POST"])
@perlu_peran(Peran.OPERATOR_DINAS)
def index():
    form = FormUnggah()
    if form.validate_on_submit():
        isi = form.berkas.data.read(current_app.config["IMPOR_MAKS_BYTE"] + 1)
        # Path parts, control characters (a NUL, which PostgreSQL cannot hold) and the
        # excess over the column are dropped; the name is only shown and audited.
        nama = nama_berkas(form.berkas.data.filename, panjang(ImporBerkas.nama_berkas))
        if len(isi) > current_app.config["IMPOR_MAKS_BYTE"]:
            batas = ukuran_berkas(current_app.config["IMPOR_MAKS_BYTE"])
            form.berkas.errors.append(f"Berkas lebih dari {batas}. Bagi per kecamatan/jenjang.")
        else:
            try:
                with baca_saja():
                    rencana = roster.periksa(
                        baca(nama, isi, current_app.config["IMPOR_MAKS_BARIS"]),
                        current_user.peran.dinas_id, current_user.pegawai_id,
                        atr=aturan_aktif(),
                    )
            except BerkasTidakTerbaca as e:
                form.berkas.errors.append(str(e))
            else:
                sha256 = hashlib.sha256(isi).hexdigest()
                if (sama := pratinjau_sama(current_user, "roster", sha256)) is not None:
                    return sama
                impor = alur_impor.unggah(current_user, "roster", nama, isi, sha256, rencana)
                db.session.commit()
                return hx_redirect(url_for("impor.pratinjau", impor_id=impor.id))
    status = 422 if form.is_submitted() else 200
    batas = ukuran_berkas(current_app.config["IMPOR_MAKS_BYTE"])
    return render_template("impor/index.html", form=form, riwayat=_riwayat(),
                           batas_ukuran=batas), status


@bp.get("/<int:impor_id>")
@perlu_peran(Peran.OPERATOR_DINAS)
def pratinjau(impor_id):
    impor = get_impor_or_404(impor_id)
    ulang = _boleh_buat_ulang(impor)
    return render_template("impor/pratinjau.html", impor=impor, r=impor.ringkasan,
                           form=Formulir(), boleh_ulang=ulang,
                           belum_masuk=sandi_impor.jumlah_belum_masuk(impor.id) if ulang
                           else None)


@bp.post("/<int:impor_id>/sandi-ulang")
@perlu_peran(Peran.OPERATOR_DINAS)
def sandi_ulang(impor_id):
    """Buat ulang kata sandi sekali pakai: new one-time passwords, shown once, for the
    accounts this import created that have not signed in yet."""
    impor = get_impor_or_404(impor_id)
    form = Formulir()
    if not form.validate_on_submit():
        return render_template("impor/pratinjau.html", impor=impor, r=impor.ringkasan,
                               form=form, boleh_ulang=False, belum_masuk=None), 422
    if impor.status != StatusImpor.DITERAPKAN:
        flash("Impor ini belum disimpan; belum ada sandi sekali pakai.", "info")
        return hx_redirect(url_for("impor.pratinjau", impor_id=impor.id))
    if not _boleh_buat_ulang(impor):
        abort(403)  # only the Operator who confirmed it
    daftar, sandi = sandi_impor.siapkan_ulang(impor.id,
                                              current_app.config["SANDI_SEKALI_METODE"])
    impor, hasil = alur_impor.buat_ulang_sandi(impor.id, daftar, sandi)
    db.session.commit()
    # As after the import itself: the passwords live only in this response.
    data = json.dumps(hasil.baru, ensure_ascii=False)
    return render_template("impor/sandi_ulang.html", impor=impor, hasil=hasil,
                           form=FormSandi(formdata=None, isian=data))


def _sudah_diproses(impor):
    pesan = "Berkas ini sudah diproses sebelumnya; tidak ada yang diubah lagi."
    if impor.status == StatusImpor.DITERAPKAN and (impor.ringkasan or {}).get("akun_dibuat"):
        pesan += (" Bila daftar sandi sekali pakai tidak sempat Anda terima, gunakan "
                  "“Buat ulang kata sandi sekali pakai” di halaman ini.")
    flash(pesan, "info")
    return hx_redirect(url_for("impor.pratinjau", impor_id=impor.id))


def _boleh_buat_ulang(impor):
    """Only the Operator who confirmed the import (of this Dinas: get_impor_or_404)."""
    return impor.status == StatusImpor.DITERAPKAN and impor.diterapkan_oleh == current_user.id


@bp.post("/<int:impor_id>/terapkan")
@perlu_peran(Peran.OPERATOR_DINAS)
def terapkan(impor_id):
    impor = get_impor_or_404(impor_id)
    form = Formulir()
    if not form.validate_on_submit():
        return render_template("impor/pratinjau.html", impor=impor, r=impor.ringkasan,
                               form=form), 422
    if impor.status != StatusImpor.PRATINJAU:
        return _sudah_diproses(impor)
    dinas_id = current_user.peran.dinas_id
    with baca_saja():
        # Check again: the database may have changed since the preview.
        rencana = roster.periksa(
            baca(impor.nama_berkas, impor.isi, current_app.config["IMPOR_MAKS_BARIS"]), dinas_id,
            current_user.pegawai_id, atr=aturan_aktif(),
        )
        kunci = roster.perlu_akun(rencana, dinas_id) if rencana.bersih else []
    if not rencana.bersih:
        impor = get_impor_or_404(impor_id)
        alur_impor.perbarui_pratinjau(impor, rencana)
        db.session.commit()
        flash("Data berubah sejak pratinjau dan kini ada kesalahan. Perbaiki berkas.", "galat")
        return hx_redirect(url_for("impor.pratinjau", impor_id=impor.id))
    sandi = roster.siapkan_sandi(kunci, current_app.config["SANDI_SEKALI_METODE"])
    # The write transaction: lock the import row first so a double click applies once.
    impor = db.session.scalar(
        select(ImporBerkas).where(ImporBerkas.id == impor_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if impor.status != StatusImpor.PRATINJAU:
        return _sudah_diproses(impor)
    with tangkap(kilat="galat") as gagal:
        hasil = alur_impor.terapkan_roster(impor, current_user, rencana, sandi, hari_ini(),
                                           tahun_aktif().tahun)
        db.session.commit()
    if gagal:  # a Mutasi of the file refused (e.g. a TMT before the SKP part began)
        return hx_redirect(url_for("impor.pratinjau", impor_id=impor_id))
    # The one-time passwords live only in this response (never stored in plain text).
    data = json.dumps(hasil.akun_baru, ensure_ascii=False)
    return render_template("impor/hasil.html", impor=impor, hasil=hasil,
                           form=FormSandi(formdata=None, isian=data))


@bp.post("/<int:impor_id>/batal")
@perlu_peran(Peran.OPERATOR_DINAS)
def batal(impor_id):
    impor = get_impor_or_404(impor_id)
    # Locked and read afresh: a double "Batalkan" cancels (and audits) once.
    db.session.refresh(impor, with_for_update=True)
    form = Formulir()
    if form.validate_on_submit() and alur_impor.batalkan(impor):
        db.session.commit()
        flash("Impor dibatalkan. Tidak ada data yang diubah.", "info")
    return hx_redirect(url_for("impor.index"))


@bp.post("/sandi-awal.xlsx")
@perlu_peran(Peran.OPERATOR_DINAS)
def unduh_sandi():
    """Turn the one-time passwords shown on the result page into a sheet."""
    form = FormSandi()
    if not form.validate_on_submit():
        abort(400)
    try:
        baris = [[str(v) for v in row][:4] for row in json.loads(form.isian.data or "[]")]
    except (ValueError, TypeError, RecursionError):  # tampered: not the page's JSON
        abort(400)
    db.session.rollback()  # the sheet is built with no write lock held (it reads nothing)
    isi = tulis_xlsx({"Sandi awal": (["NIP", "Nama", "Nama pengguna", "Sandi sekali pakai"],
                                     baris)})
    if not alur.catat_bacaan("unduh_sandi_awal", data={"jumlah": len(baris)}):
        abort(503)
    return kirim_berkas(isi, "sandi-awal.xlsx")


@bp.get("/templat.xlsx")
@perlu_peran(Peran.OPERATOR_DINAS)
def templat_xlsx():
    return kirim_berkas(tulis_xlsx(roster.lembar_templat(aturan_aktif())), "templat-roster.xlsx")


@bp.get("/templat-<jenis>.csv")
@perlu_peran(Peran.OPERATOR_DINAS)
def templat_csv(jenis):
    kolom = {"sekolah": roster.KOLOM_SEKOLAH, "pegawai": roster.KOLOM_PEGAWAI}.get(jenis)
    if kolom is None:
        abort(404)
    return kirim_berkas(tulis_csv([k for k, _, _ in kolom], []), f"templat-{jenis}.csv")
