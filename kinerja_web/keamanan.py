"""Request hardening: security headers, cross-site checks, CSRF failures, error pages."""

from urllib.parse import urlsplit

from flask import abort, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

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
    422: ("Isian tidak dapat diproses", "Periksa kembali isian Anda lalu coba lagi."),
    429: ("Terlalu banyak percobaan", "Tunggu beberapa menit lalu coba lagi."),
    500: ("Terjadi kesalahan", "Kami sudah mencatatnya. Isian Anda tidak tersimpan; coba lagi."),
    503: ("Server sedang sibuk", "Catatan unduhan belum dapat disimpan, jadi berkas belum "
                                 "dikirim. Coba lagi sebentar lagi."),
}


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs: ids only up to the database's INTEGER range. A larger number in
    an address (typed or tampered) is a 404, not a 500 from the driver's overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class CommitSaatCSRFGagal(RuntimeError):
    """A view tried to write while its CSRF check had failed; never allowed."""


def init_app(app):
    # Before the blueprints add their routes: every <int:…> in the app is bounded.
    app.url_map.converters["int"] = IdConverter
    if app.config["PROXY_FIX"]:
        # Behind nginx: trust that many proxies for client IP, scheme and host.
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    # First of all before_request functions: CSRFProtect registered its check earlier.
    app.before_request_funcs.setdefault(None, []).insert(0, tolak_lintas_situs)
    app.before_request_funcs[None].insert(1, tolak_nul)
    app.before_request(halaman_wajar)
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


def halaman_wajar():
    """?halaman= beyond any list (typed or tampered) is a 404 like an id out of range, not
    a 500 from the driver's overflow of OFFSET; every list reads the page number so."""
    n = request.args.get("halaman", type=int)
    if n is not None and n > 2**31 - 1:
        abort(404)


def tolak_nul():
    """A NUL byte in the address or a form field never comes from a keyboard, and
    PostgreSQL cannot hold one in text: refuse the request (400) before any view (or the
    CSRF re-render) sees it, on every database alike."""
    # next= is only ever checked and dropped when unsafe (auth.next_aman), never stored.
    if "\x00" in request.query_string.decode("latin-1") or any(
            "\x00" in v for k, v in request.args.items(multi=True) if k != "next"):
        abort(400)
    if request.method not in SAFE_METHODS and any(
            "\x00" in v for v in request.form.values()):
        abort(400)


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
        # Personal data (and, on every page, the session's CSRF token; on the public
        # /verifikasi, whose document and predikat it is): never in a shared cache, the
        # back/forward cache or disk — signed in or not.
        response.headers["Cache-Control"] = "no-store"
    return response


def csrf_gagal(e):
    """Re-run the view with the failed token: its form re-renders with the user's input."""
    view = current_app.view_functions.get(request.endpoint)
    if view is None or request.method in SAFE_METHODS:
        return halaman_galat(e)
    g.csrf_gagal = True
    g.csrf_pesan = pesan_csrf(e)
    db.session.rollback()
    try:
        rv = view(**(request.view_args or {}))
    except HTTPException as err:
        # Raised inside an error handler, an abort (404, rate limit) would become a 500.
        return halaman_galat(err)
    except CommitSaatCSRFGagal:
        # A view without a form to re-render tried to go on: refuse, as a page.
        db.session.rollback()
        return halaman_galat(e)
    return current_app.make_response(rv)


def pesan_csrf(e):
    """Why a CSRF check failed, in words the user can act on."""
    if "referrer" in (e.description or "").lower():
        # Flask-WTF's strict check over HTTPS: the browser (or a privacy extension) did not
        # send the page address, or sent another site's.
        return ("Permintaan ditolak karena browser tidak mengirim alamat halaman asal "
                "(Referer). Isian Anda masih ada di bawah; muat ulang halaman ini dari "
                "aplikasi lalu kirim sekali lagi, atau izinkan Referer untuk situs ini.")
    return None


def halaman_galat(e):
    if e.response is not None:
        return e.response  # a prepared answer, e.g. the rate limiter's login form (429)
    kode = e.code or 500
    judul, pesan = PESAN_GALAT.get(kode) or PESAN_GALAT[400 if kode < 500 else 500]
    if kode == 400 and isinstance(e, CSRFError):
        pesan = pesan_csrf(e) or "Sesi formulir sudah berakhir. Muat ulang halaman lalu coba lagi."
    if kode >= 500:
        # The failed transaction must not break the page itself (the menu reads the
        # signed-in account's roles).
        db.session.rollback()
    if kode == 404 and e.description and e.description.startswith("!"):
        pesan = e.description[1:]
    # Unhandled exceptions arrive here as a 500 after Flask has logged the trace;
    # the user sees a plain page, never the trace.
    try:
        html = render_template("galat.html", kode=kode, judul=judul, pesan=pesan)
    except Exception:  # noqa: BLE001 - the error page must answer whatever else failed
        # E.g. the database is gone and the menu cannot read the account's roles: the same
        # words on a page that needs nothing but the template.
        current_app.logger.exception("halaman galat %s tanpa menu", kode)
        db.session.rollback()
        html = render_template("galat_polos.html", kode=kode, judul=judul, pesan=pesan)
    response = current_app.make_response((html, kode))
    if kode == 401 and is_htmx():
        response.headers["HX-Redirect"] = request.url
    return response
