"""WeasyPrint: render documents to PDF, one or many at a time, fetching nothing from
outside the app (only its own static files and the Dinas logo stored in the database)."""

import re
import threading
from html import unescape
from pathlib import Path

import segno
from flask import current_app, render_template
from markupsafe import Markup, escape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from kinerja_web import anak, gabung

SKEMA = "kinerja://"
PER_TULIS = 10  # documents laid out together before their pages are written
_per_utas = threading.local()  # the parsed stylesheet and the font configuration


class PengambilAman(URLFetcher):
    """Allows kinerja://static/<file> (under static/) and kinerja://logo/<dinas id>; refuses
    file://, http(s)://, data: and everything else."""

    def __init__(self, static, logo=None):
        super().__init__(fail_on_errors=False)
        self.static = Path(static).resolve()
        self.logo = logo or {}

    def fetch(self, url, headers=None):
        if url.startswith(SKEMA + "static/"):
            path = (self.static / url[len(SKEMA + "static/"):]).resolve()
            if self.static not in path.parents or not path.is_file():
                raise ValueError(f"berkas statis tidak ada: {url}")
            return URLFetcherResponse(url, path.read_bytes(),
                                      {"Content-Type": _mime(path.suffix)})
        if url.startswith(SKEMA + "logo/"):
            kunci = url[len(SKEMA + "logo/"):]
            if kunci not in self.logo:
                raise ValueError(f"logo tidak ada: {url}")
            isi, mime = self.logo[kunci]
            return URLFetcherResponse(url, isi, {"Content-Type": mime})
        raise ValueError(f"URL ditolak: {url}")

    __call__ = fetch


def _mime(akhiran):
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
            ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(akhiran.lower(),
                                                             "application/octet-stream")


def konfigurasi_font():
    """One font configuration per thread, shared by every document it renders.

    WeasyPrint makes a new one (a Pango font map) per document unless given one; those
    are never freed, so a render process grew by ~10 MB per 50 documents, and setting one
    up is a quarter of a one-page document's render time."""
    fc = getattr(_per_utas, "font", None)
    if fc is None:
        fc = _per_utas.font = FontConfiguration()
    return fc


def gaya_cetak(static=None):
    """The print stylesheet, parsed once per thread (parsing costs more than rendering)."""
    static = static or current_app.static_folder
    css = getattr(_per_utas, "nilai", None)
    if css is None or css[0] != static:
        isi = (Path(static) / "css" / "print.css").read_text()
        _per_utas.nilai = (static, CSS(string=isi, url_fetcher=PengambilAman(static),
                                  font_config=konfigurasi_font()))
    return _per_utas.nilai[1]


def gaya_ua(static):
    """The print HTML's user-agent stylesheet (static/css/print-ua.css), parsed once per
    thread; None where the folder has none (WeasyPrint's own is used then)."""
    ua = getattr(_per_utas, "ua", None)
    if ua is None or ua[0] != static:
        path = Path(static) / "css" / "print-ua.css"
        _per_utas.ua = (static, CSS(string=path.read_text(), font_config=konfigurasi_font())
                        if path.is_file() else None)
    return _per_utas.ua[1]


class HTMLCetak(HTML):
    """WeasyPrint's HTML with the user-agent stylesheet of the print templates in place of
    its html5_ua.css (~190 rules matched against every element: a fifth of a one-page
    document's render); see static/css/print-ua.css."""

    ua = None

    def _ua_stylesheets(self, forms=False):
        return [self.ua] if self.ua is not None else super()._ua_stylesheets(forms)


_TANDA_QR = re.compile(r"<!--qr ([^<>\s]+) qr-->")


def tanda_qr(url):
    """A mark in the HTML where `pasang_qr` draws the QR code of `url` (an HTML comment:
    escaped user text can never make one)."""
    return Markup(f"<!--qr {escape(url)} qr-->")


def pasang_qr(html):
    """The HTML with each QR mark replaced by the code as inline SVG (segno, pure Python)."""
    return _TANDA_QR.sub(lambda m: segno.make(unescape(m.group(1)), error="m").svg_inline(
        scale=2, border=1, dark="#000"), html)


def html_dokumen(konteks):
    """The HTML of one document (templates/pdf/<jenis>.html)."""
    return render_template(f"pdf/{konteks['jenis']}.html", **konteks)


def render(html_list, logo=None):
    """One PDF of several documents (see `render_murni`), inside the Flask app."""
    return render_murni(current_app.static_folder, html_list, logo)


def render_murni(static, html_list, logo=None, terpisah=False):
    """One PDF of several documents: each laid out on its own (its own page numbers),
    their pages written together with a bookmark per document; with `terpisah`, a list
    of one PDF per document. Needs no app: batch workers run it in other processes.

    Documents are laid out `PER_TULIS` at a time and written before the next ones, so a
    chunk of 50 never holds 50 layouts in memory; the parts are then joined
    (kinerja_web.gabung: one font per face)."""
    if not html_list:
        raise ValueError("tidak ada dokumen")
    fetcher = PengambilAman(static, logo)
    css = gaya_cetak(static)
    ua = gaya_ua(static)
    fc = konfigurasi_font()

    def tata(h):
        anak.beri_jalan()  # a render process waits while the machine is busy
        dok = HTMLCetak(string=pasang_qr(h), base_url=SKEMA + "static/", url_fetcher=fetcher)
        dok.ua = ua
        return dok.render(stylesheets=[css], font_config=fc)

    if terpisah:
        return [tata(h).write_pdf() for h in html_list]
    bagian = []
    for i in range(0, len(html_list), PER_TULIS):
        dokumen = [tata(h) for h in html_list[i:i + PER_TULIS]]
        bagian.append(dokumen[0].copy([p for d in dokumen for p in d.pages]).write_pdf())
    if len(bagian) == 1:
        return bagian[0]
    return gabung.gabung(bagian)
