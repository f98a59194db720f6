"""Cetak: one document on demand, batch printing for the Dinas, and public verification."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from kinerja_web import alur, aturan, jobs, kiriman, pdf, simpanan, tte
from kinerja_web.alur import cetak as alur_cetak
from kinerja_web.atasan import boleh_menilai
from kinerja_web.daftar import tahun_aktif
from kinerja_web.dokumen import isi as isi_dokumen
from kinerja_web.dokumen import tandatangan
from kinerja_web.dokumen.cetak import (
    daftar_skp,
    ingat_alamat,
    logo,
    nama_berkas,
    nama_berkas_pegawai,
    siapkan,
    url_publik,
)
from kinerja_web.dokumen.tandatangan import rencana_tte, tandatangani
from kinerja_web.extensions import baca_saja, batasi, db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, is_htmx, render
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.models import Dinas, Sekolah
from kinerja_web.models.cetak import Cetakan, CetakBatch, StatusBatch
from kinerja_web.models.org import Peran
from kinerja_web.models.skp import Skp
from kinerja_web.peran import perlu_peran
from kinerja_web.unduhan import kirim_berkas
from kinerja_web.unggahan import ukuran_berkas

bp = Blueprint("dokumen", __name__)
bp.before_app_request(ingat_alamat)


def boleh_cetak(peran, skp):
    """Own documents; everything in the Dinas for its staff; the atasan's pegawai (last:
    the only one that may need a query)."""
    return (skp.pegawai_id == peran.pegawai_id
            or (peran.staf_dinas and skp.pegawai.dinas_id == peran.dinas_id)
            or boleh_menilai(peran, skp))


@bp.post("/cetak/<any(skp, evaluasi, dokumen_evaluasi, angka_kredit, ak_kumulatif):jenis>"
         "/<int:skp_id>")
@login_required
def cetak(jenis, skp_id):
    """One document as PDF; refused with the reason when the state does not allow it."""
    form = Formulir()
    if not form.validate_on_submit():
        abort(400)
    simpan = current_app.config["CETAK_SIMPAN"]
    url = url_publik()
    akun_id, peran = current_user.id, current_user.peran
    if simpan:
        # Served from storage after one query when the stored file was found current at
        # the current data generation (simpanan.kini), its Cetakan (from the stored values)
        # and audit rows written in the same short transaction: nothing slow comes between.
        tersimpan = simpanan.kini(jenis, skp_id, url)
        if tersimpan is not None:
            kode, isi, nilai, (pegawai_id, dinas_id, nama_pegawai, nip) = tersimpan
            # Own document or the Dinas staff's: from the row; an atasan's: checked on
            # the SKP (boleh_menilai reads who leads the school today).
            if (pegawai_id == peran.pegawai_id
                    or (peran.staf_dinas and dinas_id == peran.dinas_id)
                    or boleh_menilai(peran, db.session.get(Skp, skp_id))):
                return _kirim(skp_id, jenis, kode, nilai, akun_id, isi,
                              nama_berkas_pegawai(pegawai_id, nama_pegawai, nip, jenis),
                              sekarang_juga=True)
    # Read in a plain read transaction and end it before rendering: WeasyPrint takes
    # seconds, and a POST's transaction would hold SQLite's write lock all that time.
    with baca_saja():
        # The long way: the stamp first, then the data it stamps (simpanan.stempel).
        stempel = simpanan.stempel(url) if simpan else None
        skps, bersama = isi_dokumen.muat([skp_id])
        if not skps or not boleh_cetak(peran, skps[0]):
            abort(404)
        skp = skps[0]
        alasan = isi_dokumen.alasan_tolak(jenis, skp, bersama)
        if alasan:
            return render_template("dokumen/ditolak.html", alasan=alasan, skp=skp,
                                   judul=isi_dokumen.JENIS[jenis]), 409
        rencana = rencana_tte(bersama.dinas, jenis, skp)
        html, cetakan = siapkan(jenis, skp, bersama, akun_id, rencana)
        gambar, nama = logo(bersama), nama_berkas(skp, jenis)
        sidik = simpanan.sidik(html, gambar, current_app.static_folder)
        # Rendered once, served many: the stored PDF when it is that of the current data.
        isi = simpanan.ambil(cetakan.kode, sidik) if simpan else None
    baru, ttd = isi is None, None
    if baru:
        try:  # signed (when the Dinas signs this document) before it is stored or sent
            isi, ttd = tandatangani(rencana, pdf.render([html], gambar))
        except tte.TteGagal as e:
            return render_template("dokumen/ditolak.html", alasan=str(e), skp=skp,
                                   judul=isi_dokumen.JENIS[jenis]), 503
    kode, nilai = cetakan.kode, cetakan.nilai
    # Stored, or stamped current, for the next print (a failure only costs a check later).
    if simpan and baru:
        alur.tulis_singkat(lambda: simpanan.simpan(kode, isi, jenis=jenis, skp_id=skp_id,
                                                   sidik=sidik, ttd=ttd, nilai=nilai,
                                                   stempel=stempel))
    elif simpan and stempel is not None:
        alur.tulis_singkat(lambda: simpanan.tandai_kini(kode, sidik, stempel, nilai))
    return _kirim(skp_id, jenis, kode, nilai, akun_id, isi, nama)


def _kirim(skp_id, jenis, kode, nilai, akun_id, isi, nama, *, sekarang_juga=False):
    """The Cetakan and audit rows in a short write of their own, or in the request's own
    transaction (`sekarang_juga`; no row, no print), then the PDF, shown in the browser."""
    if not alur_cetak.catat_cetak(skp_id, jenis, kode, nilai, akun_id, request.remote_addr,
                                  sekarang_juga=sekarang_juga):
        abort(503)
    response = kirim_berkas(isi, nama)
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace(
        "attachment", "inline")
    return response


# ---------------------------------------------------------------- verification

def samarkan(nama):
    """"Sri Hariyati, S.Pd." → "Sr* Ha******, S.Pd." (enough to recognise, not to harvest)."""
    bagian = []
    for kata in (nama or "").split(" "):
        if "." in kata or len(kata) <= 2:
            bagian.append(kata)
        else:
            bagian.append(kata[:2] + "*" * (len(kata) - 2))
    return " ".join(bagian)


@bp.get("/verifikasi")
@bp.get("/verifikasi/<kode>")
@batasi("30 per minute")
def verifikasi(kode=None):
    """Public: does a printed code match the current data? (no login)"""
    kode = (kode or request.args.get("kode", "")).strip().upper()[:16]
    hasil = None
    if kode:
        cetakan = db.session.scalar(select(Cetakan).where(Cetakan.kode == kode)
                                    .order_by(Cetakan.id.desc()))
        if cetakan is None:
            hasil = {"status": "tidak_ada"}
        else:
            skps, bersama = isi_dokumen.muat([cetakan.skp_id])
            skp = skps[0]
            sekarang_cocok = False
            if isi_dokumen.alasan_tolak(cetakan.jenis, skp, bersama) is None:
                _, nilai = isi_dokumen.isi(cetakan.jenis, skp, bersama)
                sekarang_cocok = isi_dokumen.kode_verifikasi(
                    cetakan.jenis, skp.id, skp.tahun.tahun, nilai) == kode
            predikat = cetakan.nilai.get("predikat")
            hasil = {"status": "cocok" if sekarang_cocok else "berubah",
                     "ttd": tandatangan.tersimpan(kode),
                     "jenis": isi_dokumen.JENIS[cetakan.jenis],
                     "nama": samarkan(cetakan.nilai.get("nama")),
                     "predikat": aturan.Predikat(predikat).label if predikat else None,
                     "tahun": cetakan.nilai.get("tahun"), "penerbit": bersama.dinas.nama,
                     "waktu": cetakan.waktu}
    return render_template("dokumen/verifikasi.html", kode=kode, hasil=hasil,
                           form_periksa=FormPeriksa(formdata=None))


class FormPeriksa(Formulir):
    berkas = FileField("Berkas PDF yang Anda terima",
                       validators=[FileRequired("Pilih berkas PDF.")])


@bp.post("/verifikasi/periksa")
@batasi("10 per minute")
def periksa_berkas():
    """Public: is a PDF someone received signed by this app and unchanged since? Checked in
    a child process under limits (tte_anak.py); the file is not stored."""
    form = FormPeriksa()
    hasil = None
    status = 422
    if form.validate_on_submit():
        maks = current_app.config["PERIKSA_MAKS_BYTE"]
        isi = form.berkas.data.read(maks + 1)
        if len(isi) > maks:
            form.berkas.errors.append(f"Berkas lebih dari {ukuran_berkas(maks)}.")
        elif not isi.startswith(b"%PDF-"):
            form.berkas.errors.append("Berkas ini bukan PDF.")
        else:
            hasil = tandatangan.nilai_berkas(tte.periksa_terpisah(isi, maks))
            status = 200
    return render_template("dokumen/verifikasi.html", kode="", hasil=None,
                           form_periksa=form, periksa=hasil), status


# ---------------------------------------------------------------- batch printing

JENIS_BATCH = [SelectChoice(k, v) for k, v in isi_dokumen.JENIS.items()]


class FormBatch(DenganKiriman, Formulir):
    jenis = SelectField("Dokumen", choices=JENIS_BATCH, default="dokumen_evaluasi")
    sekolah = SelectField("Satuan pendidikan", validators=[Optional()])
    jenjang = SelectField("Jenjang", validators=[Optional()], choices=[
        SelectChoice("", "Semua jenjang")] + [SelectChoice(j.value, j.label)
                                              for j in aturan.JenjangSekolah])
    format = SelectField("Hasil", choices=[SelectChoice("pdf", "Satu PDF (penanda per orang)"),
                                           SelectChoice("zip", "ZIP berisi PDF per orang")])


@bp.route("/cetak/batch", methods=["GET", "POST"])
@perlu_peran(Peran.KEPALA_DINAS, Peran.TIM_KERJA, Peran.OPERATOR_DINAS)
def batch():
    """Choose a document and a scope; the job renders in the background."""
    peran = current_user.peran
    sekolah = db.session.execute(select(Sekolah.id, Sekolah.nama).where(
        Sekolah.dinas_id == peran.dinas_id).order_by(Sekolah.nama)).all()
    form = FormBatch()
    form.sekolah.choices = [SelectChoice("", "Semua sekolah")] + [
        SelectChoice(str(i), n) for i, n in sekolah]
    # isdecimal, not isdigit: int("²") fails; ids longer than 9 digits exist nowhere.
    pilihan = [int(x) for x in request.args.get("skp", "").split(",")
               if x.isdecimal() and len(x) < 10]
    berjalan = db.session.scalar(select(CetakBatch).where(
        CetakBatch.akun_id == current_user.id, CetakBatch.status.in_(StatusBatch.terbuka())))
    # A job whose worker died does not block this form forever: it resumes now.
    dilanjutkan = berjalan is not None and jobs.pulihkan_bila_terputus(
        current_app._get_current_object(), berjalan.id)
    if form.validate_on_submit():
        # A double click starts one job (the second waits, then follows the first).
        if (ulang := kiriman.klaim(form)) is not None:
            return ulang
        if berjalan is not None:
            if dilanjutkan:
                form.form_errors.append("Cetak batch Anda sebelumnya terputus (server mati) "
                                        "dan kini dilanjutkan dari bagian terakhir yang "
                                        "selesai; tunggu selesai atau batalkan dulu.")
            else:
                form.form_errors.append("Masih ada cetak batch Anda yang berjalan; tunggu "
                                        "selesai atau batalkan dulu.")
        else:
            tahun = tahun_aktif()
            ids = daftar_skp(peran, tahun, form.jenis.data,
                             int(form.sekolah.data) if form.sekolah.data else None,
                             form.jenjang.data or None, pilihan)
            batas = current_app.config["CETAK_MAKS_DOKUMEN"]
            dilewati, alasan = isi_dokumen.tanpa_angka_kredit(ids) \
                if form.jenis.data in isi_dokumen.ANGKA_KREDIT else (set(), None)
            ids = [i for i in ids if i not in dilewati]
            if dilewati:
                flash(f"{len(dilewati)} SKP dilewati: {alasan}", "info")
            if not ids:
                form.form_errors.append("Tidak ada dokumen yang dapat dicetak untuk pilihan "
                                        "ini (predikat belum ditetapkan atau SKP belum "
                                        "disetujui).")
            elif len(ids) > batas:
                form.form_errors.append(f"{len(ids)} dokumen melebihi batas {batas} per batch; "
                                        "pilih per jenjang atau per sekolah.")
            else:
                nama_sekolah = dict(sekolah).get(int(form.sekolah.data)) if form.sekolah.data \
                    else None
                format_ = form.format.data
                if format_ == "pdf" and form.jenis.data in tandatangan.jenis_bertanda(
                        db.session.get(Dinas, peran.dinas_id)):
                    format_ = "zip"  # merging signed PDFs would void their signatures
                    flash(tandatangan.PESAN_ZIP, "info")
                b = alur_cetak.antrikan(
                    current_user, peran.dinas_id, form.jenis.data, format_, ids,
                    current_app.config["CETAK_UKURAN_CHUNK"],
                    nama_sekolah or (f"Jenjang {form.jenjang.data.upper()}"
                                     if form.jenjang.data else None)
                    or ("Pilihan dari daftar" if pilihan else "Seluruh Dinas"))
                kiriman.tujuan(url_for(".batch_status", batch_id=b.id))
                db.session.commit()
                jobs.antrikan(current_app._get_current_object(), b.id)
                return hx_redirect(url_for(".batch_status", batch_id=b.id))
    riwayat = db.session.scalars(select(CetakBatch).where(
        CetakBatch.akun_id == current_user.id).order_by(CetakBatch.id.desc()).limit(10)).all()
    bertanda = tandatangan.jenis_bertanda(db.session.get(Dinas, peran.dinas_id))
    tte_jenis = [n for j, n in isi_dokumen.JENIS.items() if j in bertanda]
    return render_template("dokumen/batch.html", form=form, berjalan=berjalan,
                           riwayat=riwayat, pilihan=pilihan, tte_jenis=tte_jenis), \
        422 if form.is_submitted() else 200


def get_batch_or_404(batch_id):
    b = db.session.get(CetakBatch, batch_id)
    peran = current_user.peran
    if b is None or b.dinas_id != peran.dinas_id or not peran.staf_dinas:
        abort(404)
    return b


@bp.get("/cetak/batch/<int:batch_id>")
@login_required
def batch_status(batch_id):
    """Progress; htmx polls every 3 s and gets 286 (stop) when the job has ended."""
    b = get_batch_or_404(batch_id)
    if b.status in StatusBatch.terbuka():
        # The first poll after its worker died hands the job to a worker again.
        jobs.pulihkan_bila_terputus(current_app._get_current_object(), b.id)
        b = get_batch_or_404(batch_id)
    response = render("dokumen/batch_status.html", block="progres", b=b,
                      label=isi_dokumen.JENIS[b.jenis])
    if is_htmx() and b.status not in StatusBatch.terbuka():
        response.status_code = 286
    return response


@bp.get("/cetak/batch/<int:batch_id>/unduh")
@login_required
def batch_unduh(batch_id):
    """The merged file, streamed from the database (any web node serves it)."""
    b = get_batch_or_404(batch_id)
    if b.status != StatusBatch.SELESAI or not b.berkas:
        abort(404)
    nama = f"cetak-{b.jenis}-{b.id}.{b.format}"
    ukuran = simpanan.ukuran_bagian(b.id, simpanan.HASIL)
    lama = None
    if ukuran is None:  # finished before the files moved into the database
        lama = jobs.isi_berkas(b)
        if lama is None:
            abort(404)
    db.session.rollback()  # end the read: no transaction open while the file is sent
    # Then the audit row in a short write of its own (a GET's read snapshot cannot become
    # a write once someone else has committed since): no row, no file.
    if not alur.catat_bacaan("cetak_batch_diunduh", b):
        abort(503)
    if lama is not None:
        return kirim_berkas(lama, nama)
    response = kirim_berkas(simpanan.alirkan(b.id, simpanan.HASIL, ukuran), nama)
    response.headers["Content-Length"] = str(ukuran)
    return response


@bp.post("/cetak/batch/<int:batch_id>/batal")
@login_required
def batch_batal(batch_id):
    b = get_batch_or_404(batch_id)
    valid = Formulir().validate_on_submit()
    # Locked and read afresh: a double "Batalkan" cancels (and audits) once.
    db.session.refresh(b, with_for_update=True)
    if valid and alur_cetak.batalkan(b):
        db.session.commit()
        flash("Cetak batch dibatalkan.", "info")
    return hx_redirect(url_for(".batch_status", batch_id=b.id))

