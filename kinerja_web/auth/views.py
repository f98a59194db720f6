"""Sign in, sign out, change password."""

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

from kinerja_web.alur import akun as alur_akun
from kinerja_web.auth.forms import FormGantiSandi, FormKeluar, FormMasuk
from kinerja_web.auth.sesi import (
    cari_akun,
    cek_sandi,
    hash_sandi,
    mulai_sesi,
    next_aman,
)
from kinerja_web.extensions import baca_saja, batasi, db, login_manager
from kinerja_web.htmx import hx_redirect, is_partial

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
@batasi(
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
        # The account is found in a read transaction; masuk_berhasil claims the attempt in
        # a short write, compares the hash (scrypt, slow by design) with no transaction
        # open, then writes the outcome.
        with baca_saja():
            akun = cari_akun(form.identitas.data)
        if masuk_berhasil(akun, form.sandi.data):
            mulai_sesi(akun)
            alur_akun.masuk(akun)
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


def masuk_berhasil(akun, sandi):
    """Claim a check, then compare the password; a locked account fails even when correct
    (its password is not compared at all). Every password compared and found wrong leaves
    an audit row "masuk_gagal"."""
    if akun is None:
        cek_sandi(None, sandi)
        return False
    akun_id, sandi_hash, aktif = akun.id, akun.sandi_hash, akun.aktif  # before the commit
    klaim = alur_akun.klaim_percobaan(akun_id, current_app.config["MASUK_MAKS_GAGAL"],
                                      current_app.config["MASUK_KUNCI_MENIT"])
    if klaim is None:
        cek_sandi(None, sandi)  # the same work as a real check: the lock is not revealed
        return False
    _, mengunci = klaim
    if cek_sandi(sandi_hash, sandi) and aktif:
        alur_akun.percobaan_berhasil(akun, akun_id, mengunci)
        return True
    alur_akun.masuk_gagal(akun, mengunci)
    return False


@bp.post("/keluar")
@login_required
def keluar():
    form = FormKeluar()
    if not form.validate_on_submit():
        flash("Sesi formulir berakhir. Tekan Keluar sekali lagi.", "peringatan")
        return hx_redirect(url_for("beranda.index"))
    # Ended once, however often it is sent: only the request that ends it writes the row.
    alur_akun.keluar(current_user)
    db.session.commit()
    logout_user()
    flash("Anda sudah keluar.", "info")
    return hx_redirect(url_for("auth.masuk"))


def _terkunci_ulang(akun):
    """The account locked and read afresh in the write transaction: a twin of a password
    change finds the hash the first one wrote (and is refused) instead of changing it
    twice."""
    db.session.refresh(akun, with_for_update=True)
    return akun


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
        elif _terkunci_ulang(akun).sandi_hash != sandi_hash:
            form.form_errors.append("Kata sandi baru saja diubah di tempat lain. Muat ulang "
                                    "halaman lalu coba lagi.")
        else:
            alur_akun.ganti_sandi(akun, baru)
            db.session.commit()
            flash("Kata sandi sudah diganti. Sesi di perangkat lain sudah diakhiri.", "sukses")
            return redirect(url_for("beranda.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/sandi.html", form=form, wajib=wajib), status
