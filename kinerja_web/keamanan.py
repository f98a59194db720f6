"""Request hardening: security headers, cross-site checks, CSRF failures, error pages."""

from urllib.parse import urlsplit

from flask import abort, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from kinerja_web.extensions import SAFE_METHODS, db
from kinerja_web.htmx import is_htmx

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PESAN_GALAT = {
    400: ("Permintaan tidak dapat diproses", "Periksa kembali isian Anda lalu coba lagi."),
    403: ("Akses ditolak", "Anda tidak berhak membuka halaman ini."),
    404: ("Halaman tidak ditemukan", "Alamat salah, atau data ini bukan wewenang Anda."),
    405: ("Cara akses tidak diizinkan", "Gunakan tombol atau tautan di aplikasi."),
    409: ("Data sudah berubah", "Data ini baru saja diubah. Muat ulang halaman."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas. Perkecil lalu unggah lagi."),
    429: ("Terlalu banyak percobaan", "Tunggu beberapa menit lalu coba lagi."),
    500: ("Terjadi kesalahan", "Kami sudah mencatatnya. Isian Anda tidak tersimpan; coba lagi."),
}


class CommitSaatCSRFGagal(RuntimeError):
    """A view tried to write while its CSRF check had failed; never allowed."""


def init_app(app):
    if app.config["PROXY_FIX"]:
        # Behind nginx: trust that many proxies for client IP, scheme and host.
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    # First of all before_request functions: CSRFProtect registered its check earlier.
    app.before_request_funcs.setdefault(None, []).insert(0, tolak_lintas_situs)
    app.after_request(tambah_header)
    app.register_error_handler(CSRFError, csrf_gagal)
    app.register_error_handler(HTTPException, halaman_galat)
    if not event.contains(Session, "before_commit", jaga_commit):
        event.listen(Session, "before_commit", jaga_commit)


def jaga_commit(session):
    """Defence in depth: a request whose CSRF token failed may re-render its form,
    but it must not change the database."""
    if g and g.get("csrf_gagal"):
        raise CommitSaatCSRFGagal("commit dalam permintaan dengan token CSRF gagal")


def tolak_lintas_situs():
    """Refuse state-changing requests sent from another site (before the CSRF check)."""
    if request.method in SAFE_METHODS:
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        abort(403)
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if f"{parts.scheme}://{parts.netloc}" != f"{request.scheme}://{request.host}":
            abort(403)
    return None


def tambah_header(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["PRODUKSI"]:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
        response.vary.add("Cookie")
        if current_user and current_user.is_authenticated:
            # Personal data: never in a shared cache, the back/forward cache or disk.
            response.headers["Cache-Control"] = "no-store"
    return response


def csrf_gagal(e):
    """Re-run the view with the failed token: its form re-renders with the user's input."""
    view = current_app.view_functions.get(request.endpoint)
    if view is None or request.method in SAFE_METHODS:
        return halaman_galat(e)
    g.csrf_gagal = True
    db.session.rollback()
    try:
        rv = view(**(request.view_args or {}))
    except HTTPException as err:
        # Raised inside an error handler, an abort (404, rate limit) would become a 500.
        return halaman_galat(err)
    return current_app.make_response(rv)


def halaman_galat(e):
    if e.response is not None:
        return e.response  # a prepared answer, e.g. the rate limiter's login form (429)
    kode = e.code or 500
    judul, pesan = PESAN_GALAT.get(kode, (e.name, ""))
    if kode == 400 and isinstance(e, CSRFError):
        pesan = "Sesi formulir sudah berakhir. Muat ulang halaman lalu coba lagi."
    if kode == 404 and e.description and e.description.startswith("!"):
        pesan = e.description[1:]
    # Unhandled exceptions arrive here as a 500 after Flask has logged the trace;
    # the user sees a plain page, never the trace.
    html = render_template("galat.html", kode=kode, judul=judul, pesan=pesan)
    response = current_app.make_response((html, kode))
    if kode == 401 and is_htmx():
        response.headers["HX-Redirect"] = request.url
    return response
