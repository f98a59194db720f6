"""Sinkro e-Kinerja for the Operator Dinas: Cek Kesiapan Sinkro, Laporan Disparitas Data,
Ekspor e-Kinerja, Log Sinkronisasi, Data Referensi and Periode e-Kinerja (SPEC §6)."""

import hashlib
from collections import Counter

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from kinerja_web import alur, kiriman
from kinerja_web.akses import get_pegawai_or_404
from kinerja_web.alur import impor as alur_impor
from kinerja_web.dinas.views import cari_teks
from kinerja_web.extensions import baca_saja, db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, render
from kinerja_web.impor.views import pratinjau_sama, ukuran_berkas
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.lembar import BerkasTidakTerbaca, baca, tulis_csv, tulis_xlsx
from kinerja_web.models import (
    AsnSiasn,
    Ekspor,
    ImporBerkas,
    LogSinkro,
    PeriodeEkinerja,
    Sekolah,
    UnitKerja,
)
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import berkas, cek, data, periode, referensi
from kinerja_web.sinkro.disparitas import KATEGORI, URUT_PEMERBAIKI, disparitas
from kinerja_web.sinkro.ekspor import JENIS, ekspor, siapkan, simpan
from kinerja_web.sinkro.pengirim import manifes_json
from kinerja_web.teks import arg_id, gabung, nama_berkas, panjang
from kinerja_web.tolakan import tangkap
from kinerja_web.unduhan import kirim_berkas

bp = Blueprint("sinkro", __name__, url_prefix="/sinkro")
PER_HALAMAN = 50
OPERATOR = "operator_dinas"
TAB_CEK = (("semua", "Semua"), ("belum", "Belum siap"), ("siap", "Siap"))
TAB_LOG = (("semua", "Semua"), ("Berhasil", "Berhasil"), ("Gagal", "Gagal"))
KODE_PERIODE = {"dua_tipe_periodik", "angka_periodik_duplikat", "tanpa_periode",
                "tanpa_periode_akhir"}


def _dinas_id():
    return current_user.peran.dinas_id


def _tahun():
    return current_app.config["TAHUN_KINERJA"]


def _halaman():
    return max(1, request.args.get("halaman", 1, type=int))


def _pilih(nama, pilihan, bawaan):
    nilai = request.args.get(nama, bawaan)
    return nilai if nilai in dict(pilihan) else bawaan


def _sekolah_dinas():
    """[(id, nama)] of the Dinas' schools, for the filter (and to check the one asked for)."""
    return db.session.execute(select(Sekolah.id, Sekolah.nama).where(
        Sekolah.dinas_id == _dinas_id()).order_by(Sekolah.nama)).all()


# ---------------------------------------------------------------- Cek Kesiapan Sinkro


def _saringan_cek():
    sekolah = _sekolah_dinas()
    sekolah_id = arg_id("sekolah")
    if sekolah_id is not None and sekolah_id not in dict(sekolah):
        abort(404)
    return sekolah, sekolah_id, _pilih("jenis", JENIS.items(), "perencanaan"), \
        request.args.get("q", "").strip()[:100]


@bp.get("")
@perlu_peran(OPERATOR)
def cek_kesiapan():
    """Cek Kesiapan Sinkro: every pegawai's failures before anything is sent."""
    sekolah, sekolah_id, jenis, q = _saringan_cek()
    tab = _pilih("status", TAB_CEK, "semua")
    halaman = _halaman()
    muatan = data.Muatan(_dinas_id(), _tahun(), sekolah_id=sekolah_id, q=q or None)
    hitung, per_pihak, rows = Counter(semua=0, belum=0, siap=0), Counter(), []
    awal = (halaman - 1) * PER_HALAMAN
    # Streamed: counts for every tab, rows kept only for the page shown.
    for h in data.hasil(muatan, jenis):
        st = "siap" if h.siap else "belum"
        hitung["semua"] += 1
        hitung[st] += 1
        per_pihak.update({t.pemerbaiki for t in h.temuan if t.kode not in KODE_PERIODE})
        if tab in ("semua", st) and awal <= hitung[tab] - 1 < awal + PER_HALAMAN:
            rows.append((h.subjek, [t for t in h.temuan if t.kode not in KODE_PERIODE],
                         h.siap))
    temuan_dinas = cek.cek_periode(muatan.periode, _tahun()) \
        if jenis == "penilaian_akhir" else cek.cek_periode_periodik(muatan.periode, _tahun()) \
        if jenis == "penilaian_periodik" else []
    return render("sinkro/cek.html", block="hasil", rows=rows, hitung=hitung, tab=tab,
                  tabs=TAB_CEK, per_pihak=[(p, per_pihak[p]) for p in cek.Pemerbaiki
                                           if per_pihak[p]],
                  temuan_dinas=temuan_dinas, sekolah=sekolah, sekolah_id=sekolah_id,
                  jenis=jenis, daftar_jenis=JENIS, q=q, halaman=halaman,
                  per_halaman=PER_HALAMAN, total=hitung[tab], ada_unor=muatan.ada_unor,
                  ada_asn=muatan.ada_asn)


@bp.get("/temuan.xlsx")
@perlu_peran(OPERATOR)
def unduh_temuan():
    """Every finding of the filtered pre-check as a sheet (to forward to who fixes it)."""
    _, sekolah_id, jenis, q = _saringan_cek()
    muatan = data.Muatan(_dinas_id(), _tahun(), sekolah_id=sekolah_id, q=q or None)

    def baris():
        for h in data.hasil(muatan, jenis):
            s = h.subjek
            for t in h.temuan or [None]:
                yield [s.nama, s.nip, s.sekolah_nama, s.tipe_skp,
                       "Siap" if h.siap else "Belum siap", t and t.pesan, t and t.penyebab,
                       t and t.tindak_lanjut, t and t.pemerbaiki.label]

    isi = berkas.tulis_xlsx_aliran({"Cek Kesiapan Sinkro": (
        ["Nama", "NIP", "Satuan Pendidikan", "Tipe SKP", "Status", "Keterangan", "Penyebab",
         "Tindak lanjut", "Siapa yang memperbaiki"], baris())})
    return kirim_berkas(isi, f"cek-kesiapan-sinkro-{jenis}.xlsx")


class FormSinkro(Formulir):
    posisi = HiddenField(validators=[InputRequired()])
    jenis = HiddenField(validators=[InputRequired()])


@bp.get("/pegawai/<int:pegawai_id>")
@perlu_peran(OPERATOR)
def pegawai(pegawai_id):
    """One pegawai as e-Kinerja would receive them: both sides and every finding."""
    p = get_pegawai_or_404(pegawai_id)
    muatan = data.Muatan(_dinas_id(), _tahun(), pegawai_id=p.id)
    subjek = list(muatan)
    ref = muatan.referensi
    temuan_periode = cek.cek_periode(muatan.periode, _tahun())
    temuan_periodik = cek.cek_periode_periodik(muatan.periode, _tahun())
    hasil = [(s, cek.periksa(s, ref), cek.periksa(s, ref, "penilaian_periodik", temuan_periodik),
              cek.periksa(s, ref, "penilaian_akhir", temuan_periode)) for s in subjek]
    riwayat = db.session.scalars(select(LogSinkro).where(LogSinkro.pegawai_id == p.id)
                                 .order_by(LogSinkro.id.desc()).limit(10)).all()
    return render_template("sinkro/pegawai.html", p=p, hasil=hasil, ref=ref,
                           riwayat=riwayat, form=FormSinkro(formdata=None), jenis=JENIS)


def _sinkro_satu(pegawai_id, posisi, jenis, nama):
    """One export attempt for one pegawai and SKP; the flash message says how it went."""
    e = ekspor(_dinas_id(), jenis, _tahun(), current_user, lingkup=f"Sinkro ulang: {nama}",
               pegawai_id=pegawai_id, posisi=posisi)
    db.session.commit()
    baris = db.session.scalar(select(LogSinkro).where(LogSinkro.ekspor_id == e.id))
    if baris.status == "Berhasil":
        kelompok = []
        for x in baris.jumlah_masuk:
            if x.startswith("- ") or not kelompok:
                kelompok.append([x[2:] + ":"] if x.startswith("- ") else [x])
            else:
                kelompok[-1].append(x)
        flash(f"Sinkro {nama} berhasil. " + "; ".join(
            k[0] + " " + ", ".join(k[1:]) if k[0].endswith(":") else ", ".join(k)
            for k in kelompok) + ".", "sukses")
    else:
        flash(f"Sinkro {nama} gagal: " + gabung((baris.keterangan, baris.catatan)), "galat")
    return baris


@bp.post("/pegawai/<int:pegawai_id>/sinkro")
@perlu_peran(OPERATOR)
def sinkro_pegawai(pegawai_id):
    p = get_pegawai_or_404(pegawai_id)
    form = FormSinkro()
    if not form.validate_on_submit() or form.jenis.data not in JENIS or \
            form.posisi.data not in cek.LABEL_POSISI:
        abort(400)
    _sinkro_satu(p.id, form.posisi.data, form.jenis.data, p.nama)
    return hx_redirect(url_for(".pegawai", pegawai_id=p.id))


# ---------------------------------------------------------------- Log Sinkronisasi


def get_log_or_404(log_id):
    baris = db.session.get(LogSinkro, log_id)
    if baris is None or baris.dinas_id != _dinas_id():
        abort(404)
    return baris


@bp.get("/log")
@perlu_peran(OPERATOR)
def log():
    """Log Sinkronisasi: NIP, Nama, Tipe SKP, Status, Keterangan, Catatan; newest first."""
    nip = "".join(request.args.get("nip", "").split())[:18]
    nama = request.args.get("nama", "").strip()[:100]
    status = _pilih("status", TAB_LOG, "semua")
    stmt = select(LogSinkro).where(LogSinkro.dinas_id == _dinas_id())
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
    halaman = _halaman()
    rows = db.session.scalars(stmt.order_by(LogSinkro.id.desc()).limit(PER_HALAMAN)
                              .offset((halaman - 1) * PER_HALAMAN)).all()
    return render("sinkro/log.html", block="hasil", rows=rows, hitung=hitung, tab=status,
                  tabs=TAB_LOG, nip=nip, nama=nama, halaman=halaman, per_halaman=PER_HALAMAN,
                  total=hitung.get(status, 0), form=Formulir(formdata=None), jenis=JENIS,
                  awal=(halaman - 1) * PER_HALAMAN)


@bp.post("/log/<int:log_id>/ulang")
@perlu_peran(OPERATOR)
def sinkro_ulang(log_id):
    """Sinkro ulang: re-run the pre-check for that pegawai and SKP; a new row is appended."""
    lama = get_log_or_404(log_id)
    if not Formulir().validate_on_submit():
        abort(400)
    _sinkro_satu(lama.pegawai_id, lama.posisi, lama.jenis, lama.nama)
    return hx_redirect(url_for(".log", nip=lama.nip or ""))


# ---------------------------------------------------------------- Ekspor e-Kinerja


class FormEkspor(DenganKiriman, Formulir):
    jenis = RadioField("Data yang diekspor", choices=[SelectChoice(k, v) for k, v in JENIS.items()],
                       default="perencanaan",
                       validators=[InputRequired("Pilih data yang diekspor.")])


def get_ekspor_or_404(ekspor_id):
    e = db.session.get(Ekspor, ekspor_id)
    if e is None or e.dinas_id != _dinas_id():
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
            siap = siapkan(_dinas_id(), form.jenis.data, _tahun(), current_user)
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
        .where(Ekspor.dinas_id == _dinas_id()).order_by(Ekspor.id.desc()).limit(20)).all()
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
    if e is None or e.dinas_id != _dinas_id():
        abort(404)
    halaman = _halaman()
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


# ---------------------------------------------------------------- Data Referensi


class FormUnggah(Formulir):
    berkas = FileField("Berkas (.xlsx atau .csv)",
                       validators=[FileRequired("Pilih berkas yang akan diunggah.")])


def get_impor_or_404(impor_id):
    impor = db.session.get(ImporBerkas, impor_id)
    if impor is None or impor.dinas_id != _dinas_id() or impor.jenis not in referensi.JENIS:
        abort(404)
    return impor


def _halaman_referensi(forms, status=200):
    dinas_id = _dinas_id()
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
                        nama, isi, current_app.config["IMPOR_MAKS_BARIS"]), _dinas_id())
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
    if impor.status != "pratinjau":
        flash("Berkas ini sudah diproses sebelumnya; tidak ada yang diubah lagi.", "info")
        return hx_redirect(url_for(".referensi_pratinjau", impor_id=impor.id))
    with baca_saja():
        # Check again: the list may have changed since the preview.
        rencana = referensi.periksa(impor.jenis, baca(
            impor.nama_berkas, impor.isi, current_app.config["IMPOR_MAKS_BARIS"]), _dinas_id())
    # The write transaction: lock the import row so a double click applies once.
    impor = db.session.scalar(select(ImporBerkas).where(ImporBerkas.id == impor_id)
                              .with_for_update().execution_options(populate_existing=True))
    if impor.status != "pratinjau":
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
    baris = referensi.baris_sekarang(jenis, _dinas_id())
    return kirim_berkas(tulis_xlsx(referensi.lembar_templat(jenis, baris)), f"{jenis}.xlsx")


# ---------------------------------------------------------------- Periode e-Kinerja


def get_periode_or_404(periode_id):
    # A change is checked against the version under the row's lock (PostgreSQL: two saves
    # of the same version would otherwise both pass the check and the last one win).
    kunci = request.method == "POST"
    p = db.session.get(PeriodeEkinerja, periode_id, with_for_update=kunci or None,
                       populate_existing=kunci)
    if p is None or p.dinas_id != _dinas_id():
        abort(404)
    return p


def _halaman_periode(form, status=200):
    daftar = periode.daftar(_dinas_id())
    temuan = cek.cek_periode(data.periode_dinas(_dinas_id()), _tahun())
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
        p = periode.tambah(_dinas_id(), form.nilai())
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
            beda = periode.ubah(p, form.nilai(), form.versi.data)
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
        periode.hapus(p, request.form.get("versi"))
        db.session.commit()
    if gagal:
        return _halaman_periode(periode.FormPeriodeBaru(formdata=None), gagal.status)
    flash(f"Periode {nama} dihapus.", "sukses")
    return hx_redirect(url_for(".periode_index"))


# ---------------------------------------------------------------- Laporan Disparitas Data


def _disparitas_tersaring():
    pihak = _pilih("pihak", [("semua", "")] + [(p.value, "") for p in URUT_PEMERBAIKI], "semua")
    kategori = _pilih("kategori", [("", "")] + [(k, "") for k in KATEGORI], "")
    q = request.args.get("q", "").strip()[:100]
    semua = disparitas(_dinas_id(), _tahun())
    if kategori:
        semua = [d for d in semua if d.kategori == kategori]
    if q:
        kecil = q.lower()
        semua = [d for d in semua if kecil in d.nama.lower() or kecil in (d.nip or "")]
    hitung = Counter(d.pemerbaiki.value for d in semua)
    hitung["semua"] = len(semua)
    if pihak != "semua":
        semua = [d for d in semua if d.pemerbaiki.value == pihak]
    return semua, hitung, pihak, kategori, q


@bp.get("/disparitas")
@perlu_peran(OPERATOR)
def disparitas_index():
    """Laporan Disparitas Data: the roster beside SIASN, grouped by who must fix it."""
    semua, hitung, pihak, kategori, q = _disparitas_tersaring()
    halaman = _halaman()
    rows = semua[(halaman - 1) * PER_HALAMAN:halaman * PER_HALAMAN]
    ada_asn = db.session.scalar(select(func.count()).where(AsnSiasn.dinas_id == _dinas_id()))
    tabs = [("semua", "Semua")] + [(p.value, p.label) for p in URUT_PEMERBAIKI]
    return render("sinkro/disparitas.html", block="hasil", rows=rows, hitung=hitung, tab=pihak,
                  tabs=tabs, kategori=kategori, daftar_kategori=KATEGORI, q=q,
                  halaman=halaman, per_halaman=PER_HALAMAN, total=len(semua), ada_asn=ada_asn)


@bp.get("/disparitas.xlsx")
@perlu_peran(OPERATOR)
def disparitas_unduh():
    semua, _, _, _, _ = _disparitas_tersaring()
    lembar = {}
    for p in URUT_PEMERBAIKI:
        rows = [[d.label, d.nip, d.nama, d.sekolah, d.di_sini, d.di_siasn, d.tindak_lanjut]
                for d in semua if d.pemerbaiki is p]
        if rows:
            lembar[p.label[:31].replace("/", "-")] = (
                ["Kategori", "NIP", "Nama", "Satuan Pendidikan", "Data aplikasi ini",
                 "Data SIASN", "Tindak lanjut"], rows)
    if not lembar:
        lembar["Disparitas"] = (["Keterangan"], [["Tidak ada disparitas data."]])
    return kirim_berkas(tulis_xlsx(lembar), "laporan-disparitas-data.xlsx")
