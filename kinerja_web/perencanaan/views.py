"""Perencanaan Kinerja: the pegawai's five-step wizard, "Cek dan sepakati", and the
competency change after agreement. One URL per step; every step is a plain form."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from kinerja_web import kiriman
from kinerja_web.alur import Ditolak, cek_versi
from kinerja_web.alur import skp as alur_skp
from kinerja_web.alur.tenggat import info_tenggat
from kinerja_web.aturan import Tahap
from kinerja_web.daftar import tahun_aktif
from kinerja_web.extensions import db, simpan_transaksi
from kinerja_web.htmx import hx_redirect, is_partial, pindah, render
from kinerja_web.models.skp import POSISI_SKP, PosisiSkp, Skp, StatusSkp
from kinerja_web.perencanaan import langkah as langkah_pegawai
from kinerja_web.perencanaan.forms import (
    FormAjukan,
    FormKompetensiSetelahSepakat,
)
from kinerja_web.perencanaan.ringkasan import ringkas
from kinerja_web.tolakan import tangkap
from kinerja_web.waktu import format_waktu, sekarang

bp = Blueprint("perencanaan", __name__, url_prefix="/perencanaan")

WIZARD = langkah_pegawai.PEGAWAI
LANGKAH = WIZARD.judul


# Built once (every wizard request runs one of them); bound per request: the SKP's id.
_SKP = (select(Skp).options(joinedload(Skp.tahun), joinedload(Skp.sekolah))
        .where(Skp.id == bindparam("skp_id")))
_SKP_KUNCI = _SKP.with_for_update(of=Skp).execution_options(populate_existing=True)


def get_skp_saya_or_404(skp_id, kunci=False):
    """The signed-in person's own SKP (locked for writing when `kunci`)."""
    skp = db.session.scalar(_SKP_KUNCI if kunci else _SKP, {"skp_id": skp_id})
    if skp is None or skp.pegawai_id != current_user.pegawai_id:
        abort(404)
    return skp


def posisi_saya():
    """The positions the signed-in person plans an SKP for."""
    peran = current_user.peran
    out = []
    if peran.guru:
        out.append(PosisiSkp.GURU)
    if peran.ks_sekolah:
        out.append(PosisiSkp.KEPALA_SEKOLAH)
    if peran.plt_sekolah:
        out.append(PosisiSkp.PLT_KEPALA_SEKOLAH)
    return out


@bp.get("")
@login_required
def index():
    tahun = tahun_aktif()
    posisi = posisi_saya()
    # Of several parts (a Mutasi in the year) the open one is planned; the closed ones are
    # listed with their period.
    semua = db.session.scalars(
        select(Skp).where(Skp.pegawai_id == current_user.pegawai_id, Skp.tahun_id == tahun.id)
        .order_by(Skp.mulai)).all()
    skp = {s.posisi: s for s in semua if s.ditutup is None}
    lalu = [s for s in semua if s.ditutup is not None]
    if len(posisi) == 1 and posisi[0] in skp and not lalu:
        return redirect(url_for(".lihat", skp_id=skp[posisi[0]].id))
    alasan = {p: alur_skp.boleh_membuat(current_user.pegawai, p, current_user.peran, tahun)
              for p in posisi}
    tidak_ikut = alur_skp.alasan_tidak_ikut(current_user.pegawai, tahun)
    return render_template("perencanaan/index.html", posisi=posisi, skp=skp, alasan=alasan,
                           lalu=lalu,
                           tahun=tahun, tidak_ikut=tidak_ikut is not None,
                           judul_langkah=list(WIZARD.judul.values()),
                           form_mulai={p: kiriman.FormKiriman() for p in posisi},
                           alasan_umum=tidak_ikut,
                           tenggat=info_tenggat(current_user.pegawai, tahun,
                                                Tahap.PENGAJUAN_SKP))


@bp.post("/mulai/<posisi>")
@login_required
def mulai(posisi):
    if posisi not in POSISI_SKP:
        abort(404)
    form = kiriman.FormKiriman()
    if not form.validate_on_submit():
        flash("Sesi formulir berakhir. Tekan Mulai sekali lagi.", "peringatan")
        return hx_redirect(url_for(".index"))
    # A double click (or a resend) creates one SKP and lands both on its first step.
    if (ulang := kiriman.klaim(form)) is not None:
        return ulang
    tahun = tahun_aktif()
    ada = db.session.scalar(select(Skp).where(
        Skp.pegawai_id == current_user.pegawai_id, Skp.tahun_id == tahun.id, Skp.posisi == posisi,
        Skp.ditutup.is_(None)))
    if ada is None:
        try:
            with tangkap(kilat="galat") as gagal:
                ada = alur_skp.buat(current_user.pegawai, posisi, tahun, current_user)
                kiriman.tujuan(url_for(".langkah", skp_id=ada.id, n=1))
                db.session.commit()
            if gagal:
                return hx_redirect(url_for(".index"))
        except IntegrityError:
            # A twin without a submission key (a page from before keys) created it first:
            # UNIQUE (pegawai, tahun, posisi). Go where it went.
            db.session.rollback()
            flash(kiriman.PESAN_ULANG, "info")
            ada = db.session.scalar(select(Skp).where(
                Skp.pegawai_id == current_user.pegawai_id, Skp.tahun_id == tahun.id,
                Skp.posisi == posisi, Skp.ditutup.is_(None)))
    return hx_redirect(url_for(".langkah", skp_id=ada.id, n=1))


@bp.get("/<int:skp_id>")
@login_required
def lihat(skp_id):
    """Resume a draft at its first incomplete step; otherwise show the plan and its state."""
    skp = get_skp_saya_or_404(skp_id)
    if skp.status in alur_skp.BISA_DIUBAH_PEGAWAI:
        kurang = alur_skp.langkah_belum_lengkap(skp)
        return redirect(url_for(".langkah", skp_id=skp.id,
                                n=min(kurang, default=WIZARD.terakhir)))
    return render_template("perencanaan/lihat.html", skp=skp, r=ringkas(skp),
                           tenggat=alur_skp.tenggat_skp(skp))


def _form(n, skp, formdata=True):
    """The step's form, filled from the SKP on GET."""
    form = WIZARD.form(n, skp, formdata)
    if not formdata or not form.is_submitted():
        form.versi.data = str(skp.versi)
    return form


def _tampil(skp, n, form, status=200, pesan=None, konflik=None):
    kurang = WIZARD.belum_lengkap(skp)
    response = render(
        "perencanaan/langkah.html", block="wizard", status=status, skp=skp, n=n, form=form,
        langkah=LANGKAH, templat=WIZARD[n].templat, terakhir=WIZARD.terakhir,
        atr=alur_skp.aturan_skp(skp), posisi=skp.katalog_posisi, pesan=pesan,
        konflik=konflik, kurang=kurang, kurang_langkah=kurang,
        # Each step's address built once for the page (it links them up to 11 times).
        url_langkah={nomor: url_for(".langkah", skp_id=skp.id, n=nomor)
                     for nomor in LANGKAH}.__getitem__,
        r=ringkas(skp) if n == WIZARD.terakhir else None, tenggat=alur_skp.tenggat_skp(skp),
    )
    if status != 200 and is_partial() and "aksi" in form and form.aksi.data == "otomatis":
        # An autosave targets the status line; a step to correct (409, 422) replaces the step.
        response.headers["HX-Retarget"] = "#wizard"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/<int:skp_id>/langkah/<int:n>", methods=["GET", "POST"])
@login_required
def langkah(skp_id, n):
    if n not in WIZARD:
        abort(404)
    skp = get_skp_saya_or_404(skp_id, kunci=request.method == "POST")
    if skp.status not in alur_skp.BISA_DIUBAH_PEGAWAI:
        return hx_redirect(url_for(".lihat", skp_id=skp.id))
    form = _form(n, skp)
    if not form.is_submitted():
        return _tampil(skp, n, form)
    if n == WIZARD.terakhir:
        return _ajukan(skp, form)
    if not form.validate_on_submit():
        return _tampil(skp, n, form, 422)
    aksi = form.aksi.data or "simpan"
    nilai = WIZARD.nilai(n, form, skp)
    if aksi == "lanjut" and not WIZARD.periksa_wajib(n, form):
        return _tampil(skp, n, form, 422)
    with tangkap(form) as gagal:
        cek_versi(skp, form.versi.data)
        alur_skp.simpan_pilihan(skp, current_user, nilai, otomatis=aksi == "otomatis")
        simpan_transaksi()
    if gagal.konflik:
        skp = get_skp_saya_or_404(skp_id)
        form.versi.data = str(skp.versi)
        return _tampil(skp, n, form, 409, konflik=skp)
    if gagal:
        return _tampil(skp, n, form, 422)
    if aksi == "otomatis":
        return render_template("perencanaan/_tersimpan.html", skp=skp,
                               waktu=format_waktu(sekarang()))
    tujuan = WIZARD.tujuan(n, aksi)
    if aksi == "simpan":
        if not is_partial():
            flash("Draf tersimpan.", "sukses")
        pesan = "Draf tersimpan."
    else:
        pesan = None
    url = url_for(".langkah", skp_id=skp.id, n=tujuan)
    return pindah(url, lambda: _tampil(skp, tujuan, _form(tujuan, skp, formdata=False),
                                       pesan=pesan))


def _ajukan(skp, form):
    n = WIZARD.terakhir
    if not form.validate_on_submit():
        return _tampil(skp, n, form, 422)
    with tangkap(form) as gagal:
        cek_versi(skp, form.versi.data)
        # Every step re-validated at the end (the list's own checks; alur checks again).
        if skp.status in alur_skp.BISA_DIUBAH_PEGAWAI and (kurang := WIZARD.belum_lengkap(skp)):
            raise Ditolak("Lengkapi dulu: " + " ".join(
                f"Langkah {nomor} ({LANGKAH[nomor]}): {pesan}" for nomor, pesan in kurang.items()))
        alur_skp.ajukan(skp, current_user)
        simpan_transaksi()
    if gagal.konflik:
        skp = get_skp_saya_or_404(skp.id)
        if skp.status == StatusSkp.DIAJUKAN:  # a double click: the first one already did it
            return hx_redirect(url_for(".lihat", skp_id=skp.id))
        form.versi.data = str(skp.versi)
        return _tampil(skp, n, form, 409, konflik=skp)
    if gagal:
        return _tampil(skp, n, form, 422)
    flash("Perencanaan Kinerja sudah diajukan ke atasan.", "sukses")
    return hx_redirect(url_for(".lihat", skp_id=skp.id))


@bp.route("/<int:skp_id>/sepakati", methods=["GET", "POST"])
@login_required
def sepakati(skp_id):
    """Cek dan sepakati: every adjustment highlighted, then Sepakati."""
    skp = get_skp_saya_or_404(skp_id, kunci=request.method == "POST")
    form = FormAjukan()
    if not form.is_submitted():
        form.versi.data = str(skp.versi)
    elif form.validate_on_submit():
        with tangkap(form) as gagal:
            cek_versi(skp, form.versi.data)
            alur_skp.sepakati(skp, current_user)
            simpan_transaksi()
        if not gagal:
            flash("Perencanaan Kinerja disepakati. Lanjutkan ke Pelaksanaan Kinerja.", "sukses")
            return hx_redirect(url_for(".lihat", skp_id=skp.id))
        if gagal.konflik:
            skp = get_skp_saya_or_404(skp_id)
            if skp.status == StatusSkp.DISEPAKATI:
                return hx_redirect(url_for(".lihat", skp_id=skp.id))
            form.versi.data = str(skp.versi)
            form.form_errors.append("Atasan baru saja mengubah perencanaan ini. Periksa lagi "
                                    "lalu tekan Sepakati.")
            return render_template("perencanaan/sepakati.html", skp=skp, r=ringkas(skp),
                                   form=form), 409
    status = 422 if form.form_errors or form.errors else 200
    return render_template("perencanaan/sepakati.html", skp=skp, r=ringkas(skp),
                           form=form), status


@bp.route("/<int:skp_id>/kompetensi", methods=["GET", "POST"])
@login_required
def kompetensi(skp_id):
    """After agreement the competency indicator stays editable (audited, shown to atasan)."""
    skp = get_skp_saya_or_404(skp_id, kunci=request.method == "POST")
    if skp.status != StatusSkp.DISEPAKATI:
        return hx_redirect(url_for(".lihat", skp_id=skp.id))
    atr = alur_skp.aturan_skp(skp)
    form = FormKompetensiSetelahSepakat(kompetensi=skp.kompetensi_berlaku)
    if not form.is_submitted():
        form.versi.data = str(skp.versi)
    elif form.validate_on_submit():
        with tangkap(form, pesan_konflik="Perencanaan ini baru saja berubah. Periksa lalu "
                     "simpan lagi.") as gagal:
            cek_versi(skp, form.versi.data)
            if not form.kompetensi.data:
                raise Ditolak("Pilih satu indikator kompetensi.")
            ubah = alur_skp.ubah_kompetensi(skp, current_user, form.kompetensi.data)
            simpan_transaksi()
        if not gagal:
            flash("Indikator kompetensi diubah; atasan Anda melihat perubahan ini." if ubah
                  else "Tidak ada perubahan.", "sukses")
            return hx_redirect(url_for(".lihat", skp_id=skp.id))
        if gagal.konflik:
            skp = get_skp_saya_or_404(skp_id)
            form.versi.data = str(skp.versi)
            return render_template("perencanaan/kompetensi.html", skp=skp, form=form,
                                   atr=atr, templat=langkah_pegawai.KOMPETENSI.templat), 409
    status = 422 if form.is_submitted() else 200
    return render_template("perencanaan/kompetensi.html", skp=skp, form=form, atr=atr,
                           templat=langkah_pegawai.KOMPETENSI.templat), status
