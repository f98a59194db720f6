"""Turning SKPs into printed documents: HTML per document, PDF per chunk, a verification
code and a Cetakan row for each document."""

import io
import re
import zipfile

import segno
from flask import current_app

from kinerja_web import pdf
from kinerja_web.dokumen import isi as isi_dokumen
from kinerja_web.models.cetak import Cetakan


def url_verifikasi(kode=""):
    return f"{current_app.config['URL_PUBLIK'].rstrip('/')}/verifikasi/{kode}"


def qr_svg(url):
    """A small QR code as inline SVG (pure Python, no image fetched)."""
    return segno.make(url, error="m").svg_inline(scale=2, border=1, dark="#000")


def siapkan(jenis, skp, bersama, akun_id=None):
    """(HTML, Cetakan) of one document."""
    konteks, nilai = isi_dokumen.isi(jenis, skp, bersama)
    kode = isi_dokumen.kode_verifikasi(jenis, skp.id, skp.tahun.tahun, nilai)
    url = url_verifikasi(kode)
    html = pdf.html_dokumen({**konteks, "kode": kode, "url_verifikasi": url, "qr": qr_svg(url)})
    return html, Cetakan(kode=kode, jenis=jenis, skp_id=skp.id, nilai=nilai, akun_id=akun_id)


def logo(bersama):
    d = bersama.dinas
    return {str(d.id): (d.logo, d.logo_mime)} if d.logo else {}


def nama_berkas(skp, jenis):
    """"198503142010011001_Sri_Hariyati_dokumen_evaluasi.pdf" (ASCII, no path tricks)."""
    nama = re.sub(r"[^A-Za-z0-9]+", "_", skp.pegawai.nama).strip("_")[:60]
    return f"{skp.pegawai.nip or skp.pegawai.id}_{nama}_{jenis}.pdf"


def render_chunk(batch, ids):
    """Render one chunk of a batch: PDF bytes (or a ZIP of per-person PDFs) and the
    Cetakan rows. SKPs that cannot be printed any more are skipped, not failed."""
    skps, bersama = isi_dokumen.muat(ids)
    daftar = [(s, *siapkan(batch.jenis, s, bersama, batch.akun_id)) for s in skps
              if isi_dokumen.alasan_tolak(batch.jenis, s, bersama) is None]
    if not daftar:
        return _kosong(batch.format), []
    if batch.format == "pdf":
        return pdf.render([h for _, h, _ in daftar], logo(bersama)), [c for _, _, c in daftar]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for skp, html, _ in daftar:
            z.writestr(nama_berkas(skp, batch.jenis), pdf.render([html], logo(bersama)))
    return out.getvalue(), [c for _, _, c in daftar]


def _kosong(format):
    if format == "pdf":
        from pypdf import PdfWriter

        out = io.BytesIO()
        PdfWriter().write(out)
        return out.getvalue()
    out = io.BytesIO()
    zipfile.ZipFile(out, "w").close()
    return out.getvalue()
