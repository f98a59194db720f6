"""Turning SKPs into printed documents: HTML per document, PDF per chunk, a verification
code and a Cetakan row for each document."""

import io
import re
import zipfile
from dataclasses import dataclass

import segno
from flask import current_app, has_request_context, request
from sqlalchemy import select

from kinerja_web import gabung, pdf, simpanan
from kinerja_web.dokumen import isi as isi_dokumen
from kinerja_web.dokumen.tandatangan import rencana_tte, tandatangani
from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Sekolah
from kinerja_web.models.cetak import Cetakan
from kinerja_web.models.penilaian import Penetapan, Penilaian
from kinerja_web.models.skp import Skp, StatusSkp


def daftar_skp(peran, tahun, jenis, sekolah_id=None, jenjang=None, pilihan=None):
    """The SKP ids a batch prints, in a stable order (school, name): only those whose
    document can be printed now."""
    q = (select(Skp.id).join(Pegawai, Skp.pegawai_id == Pegawai.id)
         .outerjoin(Sekolah, Sekolah.id == Skp.sekolah_id)
         .where(Pegawai.dinas_id == peran.dinas_id, Skp.tahun_id == tahun.id))
    if jenis == "skp":
        q = q.where(Skp.status.in_((StatusSkp.DISETUJUI, StatusSkp.DISEPAKATI)))
    else:
        q = q.join(Penilaian, Penilaian.skp_id == Skp.id).join(
            Penetapan, Penetapan.id == Penilaian.penetapan_id).where(Penetapan.dibuka.is_(None))
    if sekolah_id:
        q = q.where(Skp.sekolah_id == sekolah_id)
    if jenjang:
        q = q.where(Sekolah.jenjang == jenjang)
    if pilihan:
        q = q.where(Skp.id.in_(pilihan))
    return list(db.session.scalars(q.order_by(Sekolah.nama, Pegawai.nama, Skp.id)))

# Without KINERJA_URL_PUBLIK (development only): the address requests last came to, for
# batch documents rendered outside a request; before any request, `make run`'s own.
ALAMAT_DEV = "http://127.0.0.1:5000"


def url_publik():
    """The address printed on documents: KINERJA_URL_PUBLIK (required in production), or in
    development the address the browser used, so the QR code of `make run` opens."""
    tetap = current_app.config.get("URL_PUBLIK")
    if tetap:
        return tetap.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return current_app.config.get("URL_DILAYANI") or ALAMAT_DEV


def ingat_alamat():
    """before_request in development without KINERJA_URL_PUBLIK: remember the served
    address for batch documents (rendered in a thread, not in a request)."""
    if not current_app.config.get("URL_PUBLIK"):
        current_app.config["URL_DILAYANI"] = request.host_url.rstrip("/")


def url_verifikasi(kode=""):
    return f"{url_publik()}/verifikasi/{kode}"


def qr_svg(url):
    """A small QR code as inline SVG (pure Python, no image fetched)."""
    return segno.make(url, error="m").svg_inline(scale=2, border=1, dark="#000")


def siapkan(jenis, skp, bersama, akun_id=None, rencana=False):
    """(HTML, Cetakan) of one document (`rencana`: its signing plan, when already known).
    The HTML holds its QR code as a mark (pdf.tanda_qr) that the renderer draws
    (pdf.pasang_qr): the code is a function of the verification URL printed beside it, so
    the fingerprint of a stored document needs no QR, and a print served from storage or
    a batch of stored documents never encodes one (segno: ~10 ms a code, more than the
    rest of a stored print). A signed document's HTML names its signer's certificate
    (RencanaTte.identitas), so a document stored unsigned or by another signer is never
    served as this one."""
    konteks, nilai = isi_dokumen.isi(jenis, skp, bersama)
    kode = isi_dokumen.kode_verifikasi(jenis, skp.id, skp.tahun.tahun, nilai)
    url = url_verifikasi(kode)
    if rencana is False:
        rencana = rencana_tte(bersama.dinas, jenis, skp)
    html = pdf.html_dokumen({**konteks, "kode": kode, "url_verifikasi": url,
                             "qr": pdf.tanda_qr(url),
                             "tte": rencana.identitas if rencana else None})
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
    return nama_berkas_pegawai(skp.pegawai.id, skp.pegawai.nama, skp.pegawai.nip, jenis)


def nama_berkas_pegawai(pegawai_id, nama, nip, jenis):
    """nama_berkas from the pegawai's columns (a stored document's row)."""
    nama = re.sub(r"[^A-Za-z0-9]+", "_", nama).strip("_")[:60]
    return f"{nip or pegawai_id}_{nama}_{jenis}.pdf"


@dataclass
class Chunk:
    """One chunk of a batch, ready to render anywhere: HTML, logo, names, Cetakan rows and
    fingerprints (simpanan.sidik). SKPs that can no longer be printed are skipped."""

    html: list
    logo: dict
    nama: list
    cetakan: list
    sidik: list
    tte: list | None = None  # the signing plan of each document (RencanaTte or None)

    def tersimpan(self):
        """{index: PDF} of the documents already stored from the same data."""
        ada = simpanan.ambil_banyak({c.kode: s for c, s in
                                     zip(self.cetakan, self.sidik, strict=True)})
        return {i: ada[c.kode] for i, c in enumerate(self.cetakan) if c.kode in ada}


def siapkan_chunk(batch, ids):
    skps, bersama = isi_dokumen.muat(ids)
    daftar = []
    for s in skps:
        if isi_dokumen.alasan_tolak(batch.jenis, s, bersama) is None:
            rencana = rencana_tte(bersama.dinas, batch.jenis, s)
            daftar.append((s, *siapkan(batch.jenis, s, bersama, batch.akun_id, rencana),
                           rencana))
    gambar = logo(bersama) if daftar else {}
    static = current_app.static_folder
    return Chunk([h for _, h, _, _ in daftar], gambar,
                 [nama_berkas(s, batch.jenis) for s, _, _, _ in daftar],
                 [c for _, _, c, _ in daftar],
                 [simpanan.sidik(h, gambar, static) for _, h, _, _ in daftar],
                 [r for *_, r in daftar])


def render_dokumen(static, html, logo):
    """One PDF per document (runs in a render process); [] for none."""
    return pdf.render_murni(static, html, logo, terpisah=True) if html else []


def render_bertanda(static, html, logo, rencana):
    """[(PDF, ttd)] per document: rendered, then signed where its plan (RencanaTte, or None:
    unsigned) says; runs in a render process."""
    return [tandatangani(r, d) for r, d in
            zip(rencana, render_dokumen(static, html, logo), strict=True)]


def susun_chunk(format, dokumen, nama):
    """The chunk's file from its documents' PDFs, in order: one PDF with a bookmark per
    person (each document keeps its own), or a ZIP of per-person PDFs."""
    out = io.BytesIO()
    if format == "pdf":  # fonts are shared once, when the chunks are joined
        return gabung.gabung(dokumen, font=False)
    # Stored, not deflated: PDFs are compressed already (deflating gained nothing and cost
    # a batch's ZIP more time than the rest of it), and the final ZIP stores them anyway.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n, isi in zip(nama, dokumen, strict=True):
            z.writestr(n, isi)
    return out.getvalue()


def render_susun(static, format, dokumen, html, logo, nama, rencana=None):
    """(the [(PDF, ttd)] rendered here, the chunk's file): the documents missing from
    `dokumen` (None) rendered from their HTML and signed where `rencana` says, then the
    chunk put together; runs in a render process, so a batch's job does no PDF work of
    its own."""
    kurang = [i for i, d in enumerate(dokumen) if d is None]
    baru = render_bertanda(static, [html[i] for i in kurang], logo,
                           [rencana[i] if rencana else None for i in kurang])
    lengkap = list(dokumen)
    for i, (d, _) in zip(kurang, baru, strict=True):
        lengkap[i] = d
    return baru, susun_chunk(format, lengkap, nama)
