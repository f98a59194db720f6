"""Spreadsheets in and out: read CSV/XLSX tables, write XLSX/CSV safe from formula injection."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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


def baca(nama_berkas, isi: bytes, maks_baris: int) -> list[Tabel]:
    """Read every table of an uploaded CSV or XLSX file."""
    if isi[:4] == b"PK\x03\x04":
        return _baca_xlsx(isi, maks_baris)
    if nama_berkas.lower().endswith((".xlsx", ".xlsm")):
        raise BerkasTidakTerbaca("Berkas XLSX rusak atau bukan XLSX. Simpan ulang dari Excel.")
    if nama_berkas.lower().endswith(".xls"):
        raise BerkasTidakTerbaca("Format .xls lama tidak didukung. Simpan sebagai .xlsx atau .csv.")
    return [_baca_csv(nama_berkas, isi, maks_baris)]


def _baca_xlsx(isi, maks_baris):
    try:
        wb = load_workbook(io.BytesIO(isi), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as e:
        raise BerkasTidakTerbaca("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel.") from e
    tabel = []
    try:
        for ws in wb.worksheets:
            # Some programs write a wrong <dimension> (e.g. "A1"); trusting it drops rows.
            ws.reset_dimensions()
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if not header or not any(header):
                continue
            t = Tabel(ws.title, [normalkan_kolom(h) for h in header])
            for nomor, row in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in row):
                    continue
                if len(t.baris) >= maks_baris:
                    raise BerkasTidakTerbaca(
                        f"Lembar {ws.title} berisi lebih dari {maks_baris} baris. "
                        "Bagi menjadi beberapa berkas."
                    )
                # Cells cleaned by the one rule (kinerja_web.teks), line breaks kept: each
                # importer decides which of its columns are one line.
                t.baris.append((nomor, dict(zip(t.kolom, map(_sel_masuk, row), strict=False))))
            tabel.append(t)
    finally:
        wb.close()
    return tabel


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
    reader = csv.reader(io.StringIO(teks, newline=""), delimiter=pemisah)
    try:
        header = next(reader, None)
        if not header:
            raise BerkasTidakTerbaca("Berkas CSV kosong.")
        t = Tabel(nama_berkas, [normalkan_kolom(h) for h in header])
        # Numbered as the spreadsheet shows them: a cell with a line break stays one row.
        for nomor, row in enumerate(reader, start=2):
            if not any(v.strip() for v in row):
                continue
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
