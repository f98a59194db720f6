"""Sign in, sign out, change password."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from kinerja_web import alur
from kinerja_web.auth.forms import FormGantiSandi, FormKeluar, FormMasuk
from kinerja_web.auth.sesi import (
    cabut_sesi,
    cari_akun,
    cek_sandi,
    hash_sandi,
    mulai_sesi,
    next_aman,
)
from kinerja_web.extensions import baca_saja, db, limiter, login_manager
from kinerja_web.htmx import hx_redirect, is_partial
from kinerja_web.models import Akun
from kinerja_web.waktu import sekarang

bp = Blueprint("auth", __name__)

PESAN_GAGAL = (
    "Gagal masuk. Periksa NIP/nama pengguna dan kata sandi. "
    "Setelah beberapa kali gagal, akun dikunci sementara."
)
BOLEH_SAAT_GANTI_SANDI = {"auth.ganti_sandi", "auth.keluar", "aset.berkas", "static"}


def jalur_sini(url):
    """Path and query of a full URL on this host (htmx sends HX-Current-URL in full)."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return next_aman(parts.path + (f"?{parts.query}" if parts.query else ""))


@login_manager.unauthorized_handler
def belum_masuk():
    tujuan = url_for("auth.masuk", next=request.full_path.rstrip("?"))
    if is_partial():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for(
            "auth.masuk", next=jalur_sini(request.headers.get("HX-Current-URL", "")) or None
        )
        return response
    flash("Silakan masuk terlebih dahulu.", "info")
    return redirect(tujuan)


@bp.before_app_request
def wajib_ganti_sandi():
    if (
        current_user.is_authenticated
        and current_user.harus_ganti_sandi
        and request.endpoint not in BOLEH_SAAT_GANTI_SANDI
    ):
        # hx_redirect: a plain 302 would be followed by htmx into a fragment target.
        return hx_redirect(url_for("auth.ganti_sandi"))
    return None


def _batas_ip_terlampaui(_limit):
    form = FormMasuk()
    form.form_errors.append(
        "Terlalu banyak percobaan gagal dari jaringan ini. Tunggu beberapa menit lalu coba lagi."
    )
    return make_response(render_template("auth/masuk.html", form=form), 429)


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["MASUK_BATAS_IP"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,  # failed logins only
    on_breach=_batas_ip_terlampaui,
)
def masuk():
    if current_user.is_authenticated:
        return redirect(url_for("beranda.index"))
    form = FormMasuk()
    if form.validate_on_submit():
        # Find the account and check the password (scrypt, slow by design) in a read
        # transaction; the write (failure count or session) follows in a short one.
        with baca_saja():
            akun = cari_akun(form.identitas.data)
            akun_id, sandi_hash = (akun.id, akun.sandi_hash) if akun else (None, None)
        cocok = cek_sandi(sandi_hash, form.sandi.data)
        akun = db.session.get(Akun, akun_id) if akun_id is not None else None
        if akun is not None and akun.sandi_hash != sandi_hash:
            cocok = False  # the password was changed meanwhile: check the new one next time
        if masuk_berhasil(akun, cocok):
            mulai_sesi(akun)
            akun.gagal_masuk = 0
            akun.terakhir_masuk = sekarang()
            alur.catat("masuk", akun)
            db.session.commit()
            if akun.harus_ganti_sandi:
                return redirect(url_for("auth.ganti_sandi"), 303)
            return redirect(next_aman(request.args.get("next")) or url_for("beranda.index"), 303)
        db.session.commit()
        form.form_errors.append(PESAN_GAGAL)
        form.sandi.data = ""
        return render_template("auth/masuk.html", form=form), 422
    status = 422 if form.is_submitted() else 200
    return render_template("auth/masuk.html", form=form), status


def masuk_berhasil(akun, cocok):
    """Count failures (`cocok`: the password matched); a locked account fails even when
    correct."""
    if akun is None:
        return False
    now = sekarang()
    if akun.terkunci_sampai and akun.terkunci_sampai > now:
        return False
    if cocok and akun.aktif:
        return True
    akun.gagal_masuk += 1
    if akun.gagal_masuk >= current_app.config["MASUK_MAKS_GAGAL"]:
        akun.terkunci_sampai = now + timedelta(minutes=current_app.config["MASUK_KUNCI_MENIT"])
        akun.gagal_masuk = 0
        alur.catat("akun_dikunci", akun, catatan="Terlalu banyak percobaan masuk gagal")
    return False


@bp.post("/keluar")
@login_required
def keluar():
    form = FormKeluar()
    if not form.validate_on_submit():
        flash("Sesi formulir berakhir. Tekan Keluar sekali lagi.", "peringatan")
        return hx_redirect(url_for("beranda.index"))
    current_user.sesi.dicabut = sekarang()
    alur.catat("keluar", current_user)
    db.session.commit()
    logout_user()
    flash("Anda sudah keluar.", "info")
    return hx_redirect(url_for("auth.masuk"))


@bp.route("/akun/sandi", methods=["GET", "POST"])
@login_required
def ganti_sandi():
    akun = current_user
    wajib = akun.harus_ganti_sandi
    form = FormGantiSandi(larangan=(akun.username, akun.pegawai.nip))
    if form.validate_on_submit():
        # Both hashes (slow by design) with no transaction open: a POST's transaction
        # holds SQLite's write lock.
        sandi_hash = akun.sandi_hash
        db.session.rollback()
        benar = wajib or cek_sandi(sandi_hash, form.sandi_lama.data or "")
        baru = hash_sandi(form.sandi_baru.data) if benar else None
        if not benar:
            form.sandi_lama.errors.append("Kata sandi sekarang salah.")
        elif akun.sandi_hash != sandi_hash:  # reloaded in the write transaction
            form.form_errors.append("Kata sandi baru saja diubah di tempat lain. Muat ulang "
                                    "halaman lalu coba lagi.")
        else:
            akun.sandi_hash = baru
            akun.harus_ganti_sandi = False
            cabut_sesi(akun.id, kecuali=akun.sesi)
            alur.catat("ganti_sandi", akun)
            db.session.commit()
            flash("Kata sandi sudah diganti. Sesi di perangkat lain sudah diakhiri.", "sukses")
            return redirect(url_for("beranda.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/sandi.html", form=form, wajib=wajib), status
