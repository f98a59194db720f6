"""The Dinas logo for the letterhead: PNG/JPEG re-encoded, SVG accepted only without
scripts, event handlers, external links or entity declarations."""

import io
import xml.etree.ElementTree as ET

from PIL import Image, UnidentifiedImageError

SISI_MAKS = 1200
TERLARANG = {"script", "foreignobject", "iframe", "embed", "object", "handler", "use"}


class LogoDitolak(ValueError):
    """The upload is not an acceptable logo; the message says why, in Indonesian."""


def periksa_logo(isi: bytes, maks: int):
    """(clean bytes, MIME type) of an uploaded logo, or LogoDitolak."""
    if len(isi) > maks:
        raise LogoDitolak(f"Logo lebih dari {maks // 1024} KB; perkecil lalu unggah lagi.")
    if isi[:8] == b"\x89PNG\r\n\x1a\n" or isi[:3] == b"\xff\xd8\xff":
        return _gambar(isi), "image/png"
    awal = isi[:2048].lstrip().lower()
    if awal.startswith(b"<?xml") or awal.startswith(b"<svg") or b"<svg" in awal:
        return _svg(isi), "image/svg+xml"
    raise LogoDitolak("Format logo harus PNG, JPEG, atau SVG.")


def _gambar(isi):
    try:
        with Image.open(io.BytesIO(isi)) as img:
            if img.width * img.height > SISI_MAKS * SISI_MAKS * 4:
                raise LogoDitolak("Ukuran gambar logo terlalu besar.")
            img.load()
            img.thumbnail((SISI_MAKS, SISI_MAKS))
            out = io.BytesIO()
            # Re-encoding drops metadata and anything hidden after the image data.
            img.convert("RGBA").save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise LogoDitolak("Berkas gambar logo rusak atau tidak dikenali.") from e


def _svg(isi):
    if b"<!doctype" in isi.lower() or b"<!entity" in isi.lower():
        raise LogoDitolak("SVG dengan DOCTYPE/ENTITY tidak diterima; simpan ulang sebagai SVG "
                          "biasa atau PNG.")
    try:
        akar = ET.fromstring(isi)
    except ET.ParseError as e:
        raise LogoDitolak("Berkas SVG rusak.") from e
    if _lokal(akar.tag) != "svg":
        raise LogoDitolak("Berkas bukan SVG.")
    for el in akar.iter():
        if _lokal(el.tag).lower() in TERLARANG:
            raise LogoDitolak("SVG berisi skrip atau konten tertanam; unggah PNG atau SVG "
                              "tanpa skrip.")
        for nama, nilai in el.attrib.items():
            nama = _lokal(nama).lower()
            nilai_kecil = nilai.strip().lower()
            if nama.startswith("on"):
                raise LogoDitolak("SVG berisi skrip (atribut on…); tidak diterima.")
            if nama == "href" and not nilai_kecil.startswith("#"):
                raise LogoDitolak("SVG berisi tautan luar; tidak diterima.")
            if "url(" in nilai_kecil and "url(#" not in nilai_kecil.replace(" ", ""):
                raise LogoDitolak("SVG mengambil sumber luar; tidak diterima.")
            if "javascript:" in nilai_kecil:
                raise LogoDitolak("SVG berisi skrip; tidak diterima.")
    return isi


def _lokal(nama):
    return nama.rsplit("}", 1)[-1]
