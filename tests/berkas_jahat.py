"""Hostile upload files, built in the test (nothing shipped): for tests/test_berkas_jahat.py and
the upload corpus of tests/test_fuzz_formulir.py."""

import io
import struct
import zipfile
import zlib

from kinerja_web.lembar import tulis_xlsx

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'

LAUGHS = ('<!DOCTYPE svg [<!ENTITY a "lollollollollollollollollollol">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                    for i in range(9))
          + "]>")


def svg_utf16_doctype():
    """The tester's file: an SVG with a DOCTYPE and an entity, saved as UTF-16 (with BOM):
    a byte search for '<!DOCTYPE' does not see it."""
    teks = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x "xxxxxxxx">]>'
            f'<svg {SVG_NS} viewBox="0 0 10 10"><text>&x;</text></svg>')
    return teks.encode("utf-16")


def svg_utf32_tanpa_bom_laughs():
    return (f'<?xml version="1.0"?>{LAUGHS}<svg {SVG_NS} viewBox="0 0 10 10">'
            f'<text>&j;</text></svg>').encode("utf-32-be")


def svg_billion_laughs():
    """Under 1 KB; expanded, 10^10 characters."""
    return (f'<?xml version="1.0"?>{LAUGHS}<svg {SVG_NS} viewBox="0 0 10 10">'
            f'<text>&j;</text></svg>').encode()


def svg_entitas_luar():
    return (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<svg {SVG_NS} viewBox="0 0 10 10"><text>&x;</text></svg>').encode()


def svg_xlink(url):
    return (f'<svg {SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
            f'<image xlink:href="{url}" width="10" height="10"/></svg>').encode()


def svg_impor_gaya(url):
    return (f'<svg {SVG_NS} viewBox="0 0 10 10"><style>@import url("{url}");</style>'
            '<rect width="10" height="10"/></svg>').encode()


def png_bom(sisi=30_000):
    """A decompression bomb: a valid 1-bit PNG of sisi x sisi pixels (900 million for the
    default), a few KB on disk; decoded as RGBA it would need 3.6 GB."""
    baris = b"\x00" + b"\x00" * ((sisi + 7) // 8)
    z = zlib.compressobj(9)
    data = b"".join(z.compress(baris) for _ in range(sisi)) + z.flush()

    def potong(jenis, isi):
        return (struct.pack(">I", len(isi)) + jenis + isi
                + struct.pack(">I", zlib.crc32(jenis + isi) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + potong(b"IHDR", struct.pack(">IIBBBBB", sisi, sisi, 1, 0, 0,
                                                               0, 0))
            + potong(b"IDAT", data) + potong(b"IEND", b""))


# ------------------------------------------------------------------ XLSX

def xlsx_dasar():
    """A small real workbook (as Excel-compatible as openpyxl writes) to tamper with."""
    return tulis_xlsx({"Pegawai": (["nip", "nama"], [["1", "Ani"], ["2", "Budi"]])})


def ganti_anggota(isi, ganti, tambah=None, metode=zipfile.ZIP_DEFLATED):
    """The workbook with some members replaced ({name: bytes}) and others added."""
    keluar = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(isi)) as masuk, \
            zipfile.ZipFile(keluar, "w", metode) as z:
        for info in masuk.infolist():
            z.writestr(info.filename, ganti.get(info.filename, masuk.read(info.filename)))
        for nama, data in (tambah or {}).items():
            z.writestr(nama, data)
    return keluar.getvalue()


def _anggota(isi, akhiran):
    with zipfile.ZipFile(io.BytesIO(isi)) as z:
        return next(n for n in z.namelist() if n.endswith(akhiran))


LEMBAR = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '{dimensi}<sheetData>{baris}</sheetData></worksheet>')
KEPALA = ('<row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>nama</t></is></c></row>')


def xlsx_teks_bersama(sst: bytes):
    """The workbook with xl/sharedStrings.xml (declared in [Content_Types].xml, where
    openpyxl looks for it) holding `sst`; cell B2 refers to its first string."""
    isi = xlsx_dasar()
    with zipfile.ZipFile(io.BytesIO(isi)) as z:
        jenis = z.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        lembar = z.read("xl/worksheets/sheet1.xml").replace(
            b'<c r="B2" t="inlineStr"><is><t>Ani</t></is></c>', b'<c r="B2" t="s"><v>0</v></c>')
    return ganti_anggota(isi, {"[Content_Types].xml": jenis, "xl/worksheets/sheet1.xml": lembar},
                         {"xl/sharedStrings.xml": sst})


SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>'


def xlsx_entitas_teks_bersama():
    """Billion laughs in xl/sharedStrings.xml."""
    return xlsx_teks_bersama(
        f'<?xml version="1.0"?>{LAUGHS}{SST.format("<si><t>&j;</t></si>")}'.encode())


def xlsx_entitas_lembar(pengodean="utf-8"):
    """An entity declared in the worksheet itself (optionally UTF-16, which a byte search
    for '<!DOCTYPE' in UTF-8 misses)."""
    isi = xlsx_dasar()
    lembar = (f'<?xml version="1.0" encoding="{pengodean}"?>'
              '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
              + LEMBAR.format(dimensi="", baris=KEPALA + '<row r="2"><c r="A2" '
                              't="inlineStr"><is><t>&e;</t></is></c></row>'))
    return ganti_anggota(isi, {_anggota(isi, "sheet1.xml"): lembar.encode(pengodean)})


def xlsx_baris_kosong(jumlah=200_000):
    """The sheet says A1:XFD1048576 and holds `jumlah` empty but formatted rows, each with a
    cell in column XFD, then a far row 1,048,576: tens of KB zipped. Read naively, each row
    is 16,384 cells wide and the gaps are filled up to row 1,048,576."""
    isi = xlsx_dasar()
    baris = "".join(f'<row r="{r}"><c r="XFD{r}" s="0"/></row>' for r in range(2, jumlah))
    baris += '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    lembar = LEMBAR.format(dimensi='<dimension ref="A1:XFD1048576"/>', baris=KEPALA + baris)
    return ganti_anggota(isi, {_anggota(isi, "sheet1.xml"): lembar.encode()})


def xlsx_celah_kosong():
    """Only two rows in the XML, far apart: the header, then row 1,048,576 (a naive reader
    yields a million empty rows in between)."""
    isi = xlsx_dasar()
    baris = KEPALA + ('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c>'
                      '</row>')
    lembar = LEMBAR.format(dimensi='<dimension ref="A1:B1048576"/>', baris=baris)
    return ganti_anggota(isi, {_anggota(isi, "sheet1.xml"): lembar.encode()})


def xlsx_bom_teks(jumlah=600_000):
    """A shared-strings bomb: 600,000 distinct strings (each one a Python object in
    openpyxl's table), about 1.5 MB zipped."""
    return xlsx_teks_bersama(
        SST.format("".join(f"<si><t>{i}</t></si>" for i in range(jumlah))).encode())


def xlsx_bom_zip(mb=60):
    """A member of `mb` MB of zeros (about 60 KB zipped)."""
    return ganti_anggota(xlsx_dasar(), {}, {"xl/media/image1.bin": b"\0" * (mb << 20)})


def xlsx_rasio(mb=20):
    """Under the size limit, but compressed 1000:1: only a bomb looks like this."""
    return ganti_anggota(xlsx_dasar(), {}, {"docProps/custom.xml": b" " * (mb << 20)})


def xlsx_ukuran_bohong():
    """A member whose header declares 100 bytes but whose data decompresses to 30 MB."""
    isi = ganti_anggota(xlsx_dasar(), {}, {"xl/media/image1.bin": b"\0" * (30 << 20)})
    data = bytearray(isi)
    besar = struct.pack("<I", 30 << 20)
    # Patch the uncompressed size in the local header and the central directory entry.
    for posisi in _cari_semua(bytes(data), besar):
        data[posisi:posisi + 4] = struct.pack("<I", 100)
    return bytes(data)


def _cari_semua(data, pola):
    i = data.find(pola)
    while i != -1:
        yield i
        i = data.find(pola, i + 1)


def xlsx_terenkripsi():
    """A member with the 'encrypted' flag set (zipfile would ask for a password)."""
    data = bytearray(xlsx_dasar())
    for tanda in (b"PK\x03\x04", b"PK\x01\x02"):
        for posisi in _cari_semua(bytes(data), tanda):
            off = posisi + (6 if tanda == b"PK\x03\x04" else 8)
            data[off] |= 0x01
    return bytes(data)


# ------------------------------------------------------------------ CSV

def csv_satu_baris(panjang):
    return b"nip;nama\n" + b"1;" + b"A" * panjang + b"\n"


def csv_banyak_baris(jumlah, baris=b"1;A\n"):
    return b"nip;nama\n" + baris * jumlah


def csv_banyak_kolom(jumlah):
    return b"nip" + b";" * jumlah + b"\n1;Ani\n"


# ------------------------------------------------------------------ PDF ("Periksa berkas")

def _pdf(obj, akhir=None):
    """A PDF of the given object bodies (1 0 obj …), with a classic xref table; `akhir`:
    bytes in place of the xref table and trailer."""
    out = bytearray(b"%PDF-1.7\n")
    posisi = []
    for i, o in enumerate(obj, 1):
        posisi.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    if akhir is not None:
        return bytes(out) + akhir(xref)
    out += f"xref\n0 {len(obj) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{p:010d} 00000 n \n".encode() for p in posisi)
    out += (f"trailer\n<< /Size {len(obj) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def pdf_bersarang(kedalaman=200_000):
    """A catalog holding an array nested `kedalaman` deep (a recursive parser's stack)."""
    return _pdf([b"<< /Type /Catalog /X " + b"[" * kedalaman + b"]" * kedalaman + b" >>"])


def pdf_bom_xref(mb=2048):
    """A cross-reference stream of `mb` MB of zeros, Flate-compressed ~1000:1 (2 MB):
    the reader inflates it before it can find any object."""
    import zlib

    z = zlib.compressobj(9)
    blok = b"\0" * (1024 * 1024)
    aliran = b"".join(z.compress(blok) for _ in range(mb)) + z.flush()

    def akhir(xref):
        return (f"1 0 obj\n<< /Type /XRef /Size {mb * 1024 * 1024 // 3} /W [1 1 1] "
                f"/Root 2 0 R /Length {len(aliran)} /Filter /FlateDecode >>\nstream\n"
                ).encode() + aliran + (f"\nendstream\nendobj\nstartxref\n{xref}\n"
                                       "%%EOF\n").encode()
    return _pdf([], akhir)
