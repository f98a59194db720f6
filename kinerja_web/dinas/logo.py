"""The Dinas logo for the letterhead. Whatever is uploaded (PNG, JPEG or SVG) is turned ONCE,
at upload, into a PNG raster of at most SISI_MAKS pixels a side; only that raster is stored and
printed, so no print ever parses an uploaded file again.

- PNG/JPEG: the pixel size is read from the header and refused above PIKSEL_MAKS before any
  pixel is decoded (decompression bombs), then re-encoded (metadata and trailing data dropped).
- SVG: decoded from whatever encoding it is in (UTF-8/16/32, with or without BOM, or the one
  its XML declaration names), parsed by defusedxml with DTDs, entities and external references
  forbidden, checked for scripts and outside links, then rasterised by CairoSVG in a child
  process under CPU-time and address-space limits (raster.py) that fetches nothing."""

import io
import re
import subprocess
import sys
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

SISI_MAKS = 600  # the stored raster: at most this many pixels a side
PIKSEL_MAKS = 2400 * 2400  # PNG/JPEG bigger than this (width x height) is refused undecoded
SVG_MAKS_ELEMEN = 5000
RASTER_DETIK_CPU = 10  # the rasteriser child: CPU seconds ...
RASTER_MAKS_MEMORI = 768 * 1024 * 1024  # ... and address space (bytes) before it is killed
RASTER_BATAS_WAKTU = 30  # wall-clock seconds (a stuck child); CPU time is the real bound
TERLARANG = {"script", "foreignobject", "iframe", "embed", "object", "handler", "use"}
SATUAN = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
          "in": 96.0}
MIME = "image/png"


class LogoDitolak(ValueError):
    """The upload is not an acceptable logo; the message says why, in Indonesian."""


def periksa_logo(isi: bytes, maks: int):
    """(PNG raster bytes, "image/png") of an uploaded logo, or LogoDitolak."""
    if len(isi) > maks:
        raise LogoDitolak(f"Logo lebih dari {maks // 1024} KB; perkecil lalu unggah lagi.")
    if isi[:8] == b"\x89PNG\r\n\x1a\n" or isi[:3] == b"\xff\xd8\xff":
        return _gambar(isi), MIME
    teks = _teks_xml(isi)
    if teks is not None and teks.lstrip().startswith("<") and "svg" in teks:
        return _gambar(_rasterkan(*_svg(teks))), MIME
    raise LogoDitolak("Format logo harus PNG, JPEG, atau SVG.")


def _gambar(isi):
    """A re-encoded PNG of at most SISI_MAKS a side from PNG/JPEG bytes."""
    try:
        with Image.open(io.BytesIO(isi), formats=("PNG", "JPEG")) as img:
            if img.width * img.height > PIKSEL_MAKS:
                raise LogoDitolak("Ukuran gambar logo terlalu besar (maks. 2400 × 2400 "
                                  "piksel).")
            if img.format == "JPEG":
                img.draft("RGB", (SISI_MAKS, SISI_MAKS))  # decode at 1/2..1/8 scale
            img.load()
            img.thumbnail((SISI_MAKS, SISI_MAKS))
            out = io.BytesIO()
            # Re-encoding drops metadata and anything hidden after the image data.
            img.convert("RGBA").save(out, "PNG", optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError as e:  # Pillow's own, higher limit, at open
        raise LogoDitolak("Ukuran gambar logo terlalu besar (maks. 2400 × 2400 piksel).") from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        if isinstance(e, LogoDitolak):
            raise
        raise LogoDitolak("Berkas gambar logo rusak atau tidak dikenali.") from e


# ------------------------------------------------------------------------------ SVG

_BOM = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_DEKLARASI = re.compile(r"^\s*<\?xml[^>]*?\?>")
_PENGODEAN = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")


def _teks_xml(isi):
    """The text of an XML file in any encoding a browser or Inkscape might save (XML 1.0
    appendix F), or None when it is not text. Checks then run on the real characters:
    a UTF-16 '<!DOCTYPE' is no longer invisible to them."""
    for bom, enc in _BOM:
        if isi.startswith(bom):
            return _dekode(isi[len(bom):], enc)
    b = isi[:4]
    if len(b) == 4 and b[0] == b[1] == b[2] == 0 and b[3]:
        return _dekode(isi, "utf-32-be")
    if len(b) == 4 and b[1] == b[2] == b[3] == 0 and b[0]:
        return _dekode(isi, "utf-32-le")
    if len(b) >= 2 and b[0] == 0 and b[1]:
        return _dekode(isi, "utf-16-be")
    if len(b) >= 2 and b[1] == 0 and b[0]:
        return _dekode(isi, "utf-16-le")
    m = _PENGODEAN.match(isi[:200])
    return _dekode(isi, m.group(1).decode("ascii") if m else "utf-8")


def _dekode(isi, enc):
    try:
        teks = isi.decode(enc)
    except LookupError as e:
        raise LogoDitolak("Pengodean teks SVG tidak dikenal; simpan ulang sebagai SVG UTF-8 "
                          "atau PNG.") from e
    except UnicodeDecodeError:
        return None
    return teks.removeprefix("\ufeff")


def _svg(teks):
    """(clean UTF-8 SVG bytes, width, height of the raster) or LogoDitolak."""
    kecil = teks.lower()
    if "<!doctype" in kecil or "<!entity" in kecil:
        raise LogoDitolak("SVG dengan DOCTYPE/ENTITY tidak diterima; simpan ulang sebagai SVG "
                          "biasa atau PNG.")
    # Re-encoded as UTF-8, so the declaration (which may name another encoding) goes.
    isi = _DEKLARASI.sub("", teks, count=1).encode("utf-8")
    try:
        akar = fromstring(isi, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise LogoDitolak("SVG dengan DOCTYPE/ENTITY tidak diterima; simpan ulang sebagai SVG "
                          "biasa atau PNG.") from e
    except (ParseError, ValueError) as e:
        raise LogoDitolak("Berkas SVG rusak.") from e
    if _lokal(akar.tag) != "svg":
        raise LogoDitolak("Berkas bukan SVG.")
    for n, el in enumerate(akar.iter()):
        if n >= SVG_MAKS_ELEMEN:
            raise LogoDitolak(f"SVG terlalu rumit (lebih dari {SVG_MAKS_ELEMEN} elemen); "
                              "unggah PNG.")
        if not isinstance(el.tag, str) or _lokal(el.tag).lower() in TERLARANG:
            raise LogoDitolak("SVG berisi skrip atau konten tertanam; unggah PNG atau SVG "
                              "tanpa skrip.")
        if _lokal(el.tag).lower() == "style":
            _periksa_css((el.text or "").lower())
        for nama, nilai in el.attrib.items():
            nama = _lokal(nama).lower()
            nilai_kecil = nilai.strip().lower()
            if nama.startswith("on"):
                raise LogoDitolak("SVG berisi skrip (atribut on…); tidak diterima.")
            if nama == "href" and not nilai_kecil.startswith("#"):
                raise LogoDitolak("SVG berisi tautan luar; tidak diterima.")
            _periksa_css(nilai_kecil)
            if "javascript:" in nilai_kecil:
                raise LogoDitolak("SVG berisi skrip; tidak diterima.")
    lebar, tinggi = _ukuran(akar)
    return isi, lebar, tinggi


def _periksa_css(nilai):
    if "@import" in nilai or ("url(" in nilai and
                              re.search(r"url\(\s*(?!['\"]?#)", nilai) is not None):
        raise LogoDitolak("SVG mengambil sumber luar; tidak diterima.")


def _ukuran(akar):
    """The raster size: the SVG's own proportions (viewBox, else width/height) fitted in
    SISI_MAKS x SISI_MAKS. The SVG never chooses how many pixels are drawn."""
    rasio = None
    kotak = (akar.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(kotak) == 4 and float(kotak[2]) > 0 and float(kotak[3]) > 0:
            rasio = float(kotak[2]) / float(kotak[3])
    except ValueError:
        rasio = None
    if rasio is None:
        lebar, tinggi = _panjang(akar.get("width")), _panjang(akar.get("height"))
        if lebar and tinggi:
            rasio = lebar / tinggi
    if rasio is None or not 1e-3 < rasio < 1e3:
        raise LogoDitolak("SVG tanpa ukuran: beri atribut viewBox (atau width dan height) "
                          "lalu unggah lagi.")
    if rasio >= 1:
        return SISI_MAKS, max(1, round(SISI_MAKS / rasio))
    return max(1, round(SISI_MAKS * rasio)), SISI_MAKS


def _panjang(nilai):
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*", (nilai or "").lower())
    if not m or m.group(2) not in SATUAN:
        return None
    angka = float(m.group(1)) * SATUAN[m.group(2)]
    return angka if angka > 0 else None


def _rasterkan(isi, lebar, tinggi):
    """PNG bytes of the checked SVG, drawn in a child process (raster.py) that limits its own
    CPU time and address space first: a costly SVG kills the child, never the app."""
    perintah = [sys.executable, "-I", str(Path(__file__).with_name("raster.py")),
                str(lebar), str(tinggi), str(RASTER_DETIK_CPU), str(RASTER_MAKS_MEMORI)]
    try:
        hasil = subprocess.run(perintah, input=isi, capture_output=True,
                               timeout=RASTER_BATAS_WAKTU, check=False)
    except subprocess.TimeoutExpired as e:
        raise LogoDitolak("SVG terlalu rumit untuk digambar; unggah PNG.") from e
    if hasil.returncode != 0 or not hasil.stdout.startswith(b"\x89PNG\r\n\x1a\n"):
        raise LogoDitolak("SVG tidak dapat digambar (terlalu rumit atau rusak); unggah PNG.")
    return hasil.stdout


def _lokal(nama):
    return nama.rsplit("}", 1)[-1]
