"""Spreadsheets in and out: read CSV/XLSX tables, write XLSX/CSV safe from formula injection."""

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook

from kinerja_web.teks import bersihkan, bersihkan_keluar

# A cell starting with one of these is run as a formula by Excel/LibreOffice/Sheets.
AWALAN_RUMUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class BerkasTidakTerbaca(ValueError):
    """The upload is not a readable CSV/XLSX; the message says what to do."""


@dataclass
class Tabel:
    """One sheet: normalised header names and rows as dicts, with their line numbers."""

    nama: str
    kolom: list[str]
    baris: list[tuple[int, dict]] = field(default_factory=list)


def normalkan_kolom(nama):
    """'Tanggal Lahir ' -> 'tanggal_lahir'."""
    nama = str(nama or "").strip().lower().replace("-", " ").replace("/", " ")
    return "_".join(nama.replace(".", " ").split())


def aman(nilai):
    """A value that spreadsheet programs show as text, never run as a formula."""
    if isinstance(nilai, str) and len(nilai) > 1 and nilai.startswith(AWALAN_RUMUS):
        return "'" + nilai
    return nilai


# Limits on what a hostile file can make the reader do (the upload itself is at most
# IMPOR_MAKS_BYTE). An XLSX is a zip of XML: its members are checked and decompressed, up to
# these limits, before any XML is parsed.
XLSX_MAKS_ANGGOTA = 500  # files inside the zip
XLSX_MAKS_TERURAI = 50 * 1024 * 1024  # decompressed bytes, all members together
XLSX_MAKS_RASIO = 100  # decompressed : compressed, for a member above 1 MB decompressed
XLSX_MAKS_TEKS = 500_000  # shared strings (each one is held in memory)
MAKS_LEMBAR = 20  # worksheets read
MAKS_KOLOM = 200  # columns: a header wider than this is refused, cells beyond it never built
KOSONG_MAKS = 1000  # this many empty rows in a row end a sheet (formatted but empty rows)
CSV_MAKS_BARIS = 256 * 1024  # characters in one line of a CSV
_POTONG = 64 * 1024
_TANDA_DTD = tuple(t.encode(enc) for t in ("<!DOCTYPE", "<!ENTITY")
                   for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def baca(nama_berkas, isi: bytes, maks_baris: int) -> list[Tabel]:
    """Read every table of an uploaded CSV or XLSX file."""
    if isi[:4] == b"PK\x03\x04":
        return _baca_xlsx(isi, maks_baris)
    if nama_berkas.lower().endswith((".xlsx", ".xlsm")):
        raise BerkasTidakTerbaca("Berkas XLSX rusak atau bukan XLSX. Simpan ulang dari Excel.")
    if nama_berkas.lower().endswith(".xls"):
        raise BerkasTidakTerbaca("Format .xls lama tidak didukung. Simpan sebagai .xlsx atau .csv.")
    return [_baca_csv(nama_berkas, isi, maks_baris)]


def periksa_zip(isi: bytes):
    """Refuse an XLSX whose zip could make reading it costly or unsafe, before openpyxl sees
    it: too many members, encrypted or oddly compressed ones, more than XLSX_MAKS_TERURAI
    decompressed (declared AND actually read, streaming, never more than the limit), a
    compression ratio only a bomb has, an XML DTD or entity declaration in any encoding, or
    more shared strings than XLSX_MAKS_TEKS."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(isi))
        anggota = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise BerkasTidakTerbaca("Berkas XLSX rusak atau bukan XLSX. Simpan ulang dari "
                                 "Excel.") from e
    if len(anggota) > XLSX_MAKS_ANGGOTA:
        raise BerkasTidakTerbaca(f"Berkas XLSX berisi lebih dari {XLSX_MAKS_ANGGOTA} bagian; "
                                 "bukan lembar kerja biasa. Simpan ulang dari Excel.")
    terlalu_besar = BerkasTidakTerbaca(
        f"Isi berkas XLSX setelah dibuka lebih dari {XLSX_MAKS_TERURAI // (1024 * 1024)} MB. "
        "Hapus baris/lembar yang tidak perlu atau bagi menjadi beberapa berkas.")
    if sum(i.file_size for i in anggota) > XLSX_MAKS_TERURAI:
        raise terlalu_besar
    terbaca = 0
    for i in anggota:
        if i.flag_bits & 0x1:
            raise BerkasTidakTerbaca("Berkas XLSX dilindungi sandi. Buka di Excel, hapus "
                                     "sandinya, lalu simpan ulang.")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BerkasTidakTerbaca("Berkas XLSX memakai kompresi yang tidak dikenal. Simpan "
                                     "ulang dari Excel.")
        if i.file_size > 1024 * 1024 and i.file_size > XLSX_MAKS_RASIO * max(i.compress_size, 1):
            raise BerkasTidakTerbaca("Berkas XLSX dipadatkan secara tidak wajar (bom zip?). "
                                     "Simpan ulang dari Excel.")
        xml = i.filename.lower().endswith((".xml", ".rels", ".vml"))
        teks_bersama = i.filename.lower().endswith("sharedstrings.xml")
        jumlah_teks, ekor = 0, b""
        try:
            with zf.open(i) as f:
                while potong := f.read(_POTONG):
                    terbaca += len(potong)
                    if terbaca > XLSX_MAKS_TERURAI:
                        raise terlalu_besar
                    if not xml:
                        continue
                    bagian = ekor + potong
                    if any(t in bagian for t in _TANDA_DTD):
                        raise BerkasTidakTerbaca(
                            "Berkas XLSX berisi deklarasi DOCTYPE/ENTITY (XML berbahaya); "
                            "tidak dibaca. Simpan ulang dari Excel.")
                    if teks_bersama:
                        jumlah_teks += sum(1 for m in _SI.finditer(bagian)
                                           if m.end() > len(ekor))
                        if jumlah_teks > XLSX_MAKS_TEKS:
                            raise BerkasTidakTerbaca(
                                f"Berkas XLSX berisi lebih dari {XLSX_MAKS_TEKS} teks berbeda. "
                                "Bagi menjadi beberapa berkas.")
                    ekor = bagian[-32:]
        except BerkasTidakTerbaca:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError,
                NotImplementedError, zlib.error) as e:
            raise BerkasTidakTerbaca("Berkas XLSX rusak atau bukan XLSX. Simpan ulang dari "
                                     "Excel.") from e


def _baca_xlsx(isi, maks_baris):
    periksa_zip(isi)
    try:
        wb = load_workbook(io.BytesIO(isi), read_only=True, data_only=True, keep_links=False)
    except DefusedXmlException as e:
        raise BerkasTidakTerbaca("Berkas XLSX berisi deklarasi DOCTYPE/ENTITY (XML berbahaya); "
                                 "tidak dibaca. Simpan ulang dari Excel.") from e
    except Exception as e:  # any malformed part: openpyxl raises many kinds  # noqa: BLE001
        raise BerkasTidakTerbaca("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel.") from e
    try:
        if len(wb.worksheets) > MAKS_LEMBAR:
            raise BerkasTidakTerbaca(f"Berkas XLSX berisi lebih dari {MAKS_LEMBAR} lembar. "
                                     "Bagi menjadi beberapa berkas.")
        return [t for ws in wb.worksheets if (t := _baca_lembar(ws, maks_baris))]
    except BerkasTidakTerbaca:
        raise
    except DefusedXmlException as e:
        raise BerkasTidakTerbaca("Berkas XLSX berisi deklarasi DOCTYPE/ENTITY (XML berbahaya); "
                                 "tidak dibaca. Simpan ulang dari Excel.") from e
    except Exception as e:  # noqa: BLE001
        raise BerkasTidakTerbaca("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel.") from e
    finally:
        wb.close()


def _baca_lembar(ws, maks_baris):
    """One sheet, streamed: never wider than MAKS_KOLOM, ended by KOSONG_MAKS empty rows in a
    row, refused past maks_baris data rows (or that many rows plus KOSONG_MAKS in all)."""
    # Some programs write a wrong <dimension> (e.g. "A1"); trusting it drops rows, and a
    # hostile one (A1:XFD1048576) would make every row 16,384 cells wide.
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True, max_col=MAKS_KOLOM + 1)
    header = next(rows, None)
    if not header or not any(v not in (None, "") for v in header):
        return None
    if header[MAKS_KOLOM] not in (None, ""):
        raise BerkasTidakTerbaca(f"Lembar {ws.title} berisi lebih dari {MAKS_KOLOM} kolom.")
    lebar = max(i for i, v in enumerate(header) if v not in (None, "")) + 1
    t = Tabel(ws.title, [normalkan_kolom(h) for h in header[:lebar]])
    kosong = 0
    for nomor, row in enumerate(rows, start=2):
        if nomor > maks_baris + KOSONG_MAKS + 1:
            raise BerkasTidakTerbaca(
                f"Lembar {ws.title} berisi lebih dari {maks_baris} baris (termasuk baris "
                "kosong di antaranya). Hapus baris kosong atau bagi menjadi beberapa berkas.")
        if not any(v not in (None, "") for v in row):
            kosong += 1
            if kosong >= KOSONG_MAKS:
                break
            continue
        kosong = 0
        if len(t.baris) >= maks_baris:
            raise BerkasTidakTerbaca(
                f"Lembar {ws.title} berisi lebih dari {maks_baris} baris. "
                "Bagi menjadi beberapa berkas."
            )
        # Cells cleaned by the one rule (kinerja_web.teks), line breaks kept: each
        # importer decides which of its columns are one line.
        t.baris.append((nomor, dict(zip(t.kolom, map(_sel_masuk, row), strict=False))))
    return t


def _baris_csv(teks):
    """The lines of a CSV text, each refused past CSV_MAKS_BARIS characters."""
    for nomor, baris in enumerate(io.StringIO(teks, newline=""), start=1):
        if len(baris) > CSV_MAKS_BARIS:
            raise BerkasTidakTerbaca(
                f"Baris {nomor} berkas CSV lebih dari {CSV_MAKS_BARIS} karakter; bukan tabel "
                "biasa. Simpan ulang dari Excel.")
        yield baris


def _baca_csv(nama_berkas, isi, maks_baris):
    for enc in ("utf-8-sig", "cp1252"):
        try:
            teks = isi.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BerkasTidakTerbaca("Berkas bukan CSV teks. Unggah .csv atau .xlsx.")
    if "\x00" in teks:
        raise BerkasTidakTerbaca("Berkas bukan CSV teks. Unggah .csv atau .xlsx.")
    kepala = teks[:4096].split("\n", 1)[0]
    # Indonesian Excel writes ';' as the separator; pick whichever the header uses more.
    pemisah = ";" if kepala.count(";") > kepala.count(",") else ","
    reader = csv.reader(_baris_csv(teks), delimiter=pemisah)
    try:
        header = next(reader, None)
        if not header:
            raise BerkasTidakTerbaca("Berkas CSV kosong.")
        if len(header) > MAKS_KOLOM:
            raise BerkasTidakTerbaca(f"Berkas berisi lebih dari {MAKS_KOLOM} kolom.")
        t = Tabel(nama_berkas, [normalkan_kolom(h) for h in header])
        kosong = 0
        # Numbered as the spreadsheet shows them: a cell with a line break stays one row.
        for nomor, row in enumerate(reader, start=2):
            if nomor > maks_baris + KOSONG_MAKS + 1:
                raise BerkasTidakTerbaca(
                    f"Berkas berisi lebih dari {maks_baris} baris (termasuk baris kosong di "
                    "antaranya). Hapus baris kosong atau bagi menjadi beberapa berkas.")
            if not any(v.strip() for v in row):
                kosong += 1
                if kosong >= KOSONG_MAKS:
                    break
                continue
            kosong = 0
            if len(t.baris) >= maks_baris:
                raise BerkasTidakTerbaca(
                    f"Berkas berisi lebih dari {maks_baris} baris. Bagi menjadi beberapa berkas."
                )
            t.baris.append((nomor, dict(zip(t.kolom, map(_sel_masuk, row), strict=False))))
    except csv.Error as e:
        raise BerkasTidakTerbaca(
            "Berkas CSV rusak (mis. tanda kutip tidak ditutup). Simpan ulang dari Excel."
        ) from e
    return t


def _sel_masuk(nilai):
    return bersihkan(nilai, banyak_baris=True)


def tulis_xlsx(lembar: dict[str, tuple[list[str], list[list]]]) -> bytes:
    """An XLSX workbook: {sheet name: (header, rows)}; every text cell injection-safe."""
    wb = Workbook(write_only=True)
    for nama, (header, rows) in lembar.items():
        ws = wb.create_sheet(nama[:31])
        ws.append([aman(_sel(h)) for h in header])
        for row in rows:
            ws.append([aman(_sel(v)) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sel(nilai):
    """Control characters (old rows, pasted text) are cleaned by the one rule
    (kinerja_web.teks) instead of openpyxl refusing the whole workbook."""
    return bersihkan_keluar(nilai)


def tulis_csv(header: list[str], rows: list[list]) -> bytes:
    """A UTF-8 CSV (with BOM, so Excel reads it right); every text cell injection-safe."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow([aman(bersihkan_keluar(h)) for h in header])
    for row in rows:
        w.writerow([aman(bersihkan_keluar("" if v is None else v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
