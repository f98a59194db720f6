"""Turning SKPs into printed documents: HTML per document, PDF per chunk, a verification
code and a Cetakan row for each document."""

import io
import re
import zipfile
from dataclasses import dataclass

import segno
from flask import current_app
from pypdf import PdfWriter

from kinerja_web import pdf, simpanan
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


MIME_LOGO = "image/png"


def logo(bersama):
    """The images the documents may draw (kinerja://logo/<key>): the Dinas logo, and the
    Garuda emblem the Dinas uploaded when its header carries it; only PNG rasters made at
    upload (an older stored SVG is converted by the 20261206 migration; anything else is
    never printed)."""
    d = bersama.dinas
    out = {str(d.id): (d.logo, MIME_LOGO)} if d.logo and d.logo_mime == MIME_LOGO else {}
    if d.kop_garuda and d.garuda and d.garuda_mime == MIME_LOGO:
        out[f"garuda-{d.id}"] = (d.garuda, MIME_LOGO)
    return out


def nama_berkas(skp, jenis):
    """"198503142010011001_Sri_Hariyati_dokumen_evaluasi.pdf" (ASCII, no path tricks)."""
    nama = re.sub(r"[^A-Za-z0-9]+", "_", skp.pegawai.nama).strip("_")[:60]
    return f"{skp.pegawai.nip or skp.pegawai.id}_{nama}_{jenis}.pdf"


@dataclass
class Chunk:
    """One chunk of a batch, ready to render anywhere: HTML, logo, names, Cetakan rows and
    fingerprints (simpanan.sidik). SKPs that can no longer be printed are skipped."""

    html: list
    logo: dict
    nama: list
    cetakan: list
    sidik: list

    def tersimpan(self):
        """{index: PDF} of the documents already stored from the same data."""
        ada = simpanan.ambil_banyak({c.kode: s for c, s in
                                     zip(self.cetakan, self.sidik, strict=True)})
        return {i: ada[c.kode] for i, c in enumerate(self.cetakan) if c.kode in ada}


def siapkan_chunk(batch, ids):
    skps, bersama = isi_dokumen.muat(ids)
    daftar = [(s, *siapkan(batch.jenis, s, bersama, batch.akun_id)) for s in skps
              if isi_dokumen.alasan_tolak(batch.jenis, s, bersama) is None]
    gambar = logo(bersama) if daftar else {}
    static = current_app.static_folder
    return Chunk([h for _, h, _ in daftar], gambar,
                 [nama_berkas(s, batch.jenis) for s, _, _ in daftar],
                 [c for _, _, c in daftar],
                 [simpanan.sidik(h, gambar, static) for _, h, _ in daftar])


def render_dokumen(static, html, logo):
    """One PDF per document (runs in a render process); [] for none."""
    return pdf.render_murni(static, html, logo, terpisah=True) if html else []


def susun_chunk(format, dokumen, nama):
    """The chunk's file from its documents' PDFs, in order: one PDF with a bookmark per
    person (each document keeps its own), or a ZIP of per-person PDFs."""
    out = io.BytesIO()
    if format == "pdf":
        penulis = PdfWriter()
        for d in dokumen:
            penulis.append(io.BytesIO(d), import_outline=True)
        penulis.write(out)
        penulis.close()
        return out.getvalue()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, isi in zip(nama, dokumen, strict=True):
            z.writestr(n, isi)
    return out.getvalue()


def render_chunk(static, format, html, logo, nama):
    """PDF bytes of a chunk (or a ZIP of per-person PDFs), every document rendered."""
    return susun_chunk(format, render_dokumen(static, html, logo), nama)
