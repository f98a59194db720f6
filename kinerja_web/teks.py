"""Text at the boundary: one cleaning rule for every value that comes in (forms, imports,
upload file names) or goes out (XLSX/CSV exports), and the column lengths read from the
models.

The rule (`bersihkan`):
- line-like controls (CR, LF, vertical tab, form feed, NEL, U+2028/U+2029) and tab: in a
  one-line value each run becomes one space; in a multi-line value (text areas) they become
  a line break, and tab stays;
- every other C0/C1 control (NUL, U+0001…U+0008, U+000E…U+001F, DEL, U+0080…U+009F), lone
  surrogates and the non-characters U+FFFE/U+FFFF are removed: no keyboard types them, they
  come from pasted Word/PDF text or broken files, PostgreSQL cannot hold NUL and XLSX holds
  none of them.
Visible text, including right-to-left marks, is kept as typed (the pages escape it).

Also the punctuation after texts the app does not write itself (`akhiri`, `gabung`): names
that end in a degree ("Sri Hariyati, S.Pd.") and rule or check messages that end in a full
stop.
"""

import os
import re

from flask import request
from sqlalchemy import inspect as sa_inspect

_BARIS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Controls that are removed everywhere (the whitespace ones are handled before).
_KENDALI_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_SATU_BARIS_RE = re.compile(f"[\t{_BARIS}]+")
_PINDAH_LAIN_RE = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_BANYAK_BARIS_RE = re.compile("\r\n|[" + _BARIS + "]")
BATAS_INT = 2**31 - 1  # INTEGER on PostgreSQL; ids and page numbers beyond are "not found"


def bersihkan(nilai, banyak_baris=False):
    """The value with the rule above applied; anything but a str is returned unchanged."""
    if not isinstance(nilai, str):
        return nilai
    if banyak_baris:
        nilai = _BANYAK_BARIS_RE.sub("\n", nilai)
    else:
        nilai = _SATU_BARIS_RE.sub(" ", nilai)
    return _KENDALI_RE.sub("", nilai)


def bersihkan_keluar(nilai):
    """A value on its way into an export (rows stored before this rule may hold controls;
    one must not stop a whole file): tab, CR and LF stay as stored (a spreadsheet cell holds
    them); the other line-like controls become a line break in a text that has line breaks
    and a space otherwise (a name with a vertical tab becomes "Ali Baba"); every other
    control is removed."""
    if not isinstance(nilai, str):
        return nilai
    ganti = "\n" if ("\n" in nilai or "\r" in nilai) else " "
    return _KENDALI_RE.sub("", _PINDAH_LAIN_RE.sub(ganti, nilai))


def bersihkan_data(nilai):
    """`bersihkan_keluar` through dicts and lists (an export record)."""
    if isinstance(nilai, dict):
        return {k: bersihkan_data(v) for k, v in nilai.items()}
    if isinstance(nilai, list | tuple):
        return type(nilai)(bersihkan_data(v) for v in nilai)
    return bersihkan_keluar(nilai)


def panjang(kolom):
    """The length of a String column (`Model.kolom`), or None for Text/unbounded ones."""
    return getattr(kolom.property.columns[0].type, "length", None)


def panjang_model(model):
    """{attribute: length} of every bounded text column of a model."""
    return {a.key: a.columns[0].type.length for a in sa_inspect(model).column_attrs
            if getattr(a.columns[0].type, "length", None)}


def terlalu_panjang(nilai: dict, model, nama_kolom=None):
    """[(key, message)] for every str value of `nilai` longer than its column in `model`;
    `nama_kolom` maps keys to the names the user sees (the file's columns)."""
    batas = panjang_model(model)
    out = []
    for k, v in nilai.items():
        if isinstance(v, str) and k in batas and len(v) > batas[k]:
            nama = (nama_kolom or {}).get(k, k)
            out.append((nama, f"Isian {nama} {len(v)} karakter; paling banyak {batas[k]}."))
    return out


def nama_berkas(nama, maks=200, bawaan="berkas"):
    """An upload's file name as it may be stored and shown: the last path part only (a
    browser may send C:\\…\\x.csv), the rule above, and at most `maks` characters (the end,
    which holds the extension)."""
    nama = bersihkan(nama or "")
    nama = os.path.basename(nama.replace("\\", "/")).strip()
    return nama[-maks:].strip() or bawaan


def id_atau_none(teks):
    """A query-string id: a positive integer within INTEGER, else None ("not chosen")."""
    if teks is None:
        return None
    teks = str(teks).strip()
    if not teks.isascii() or not teks.isdigit() or len(teks) > 10:
        return None
    n = int(teks)
    return n if 1 <= n <= BATAS_INT else None


def arg_id(nama):
    """`?nama=` as an id (see `id_atau_none`): a huge, negative, decimal or non-numeric value
    is ignored like an empty one, never sent to the database."""
    return id_atau_none(request.args.get(nama))


# ---------------------------------------------------------------- punctuation

AKHIR_KALIMAT = (".", "!", "?", "…")


def akhiri(teks, tanda="."):
    """The text followed by one full stop: "S.Pd." stays "S.Pd.", never "S.Pd.."."""
    if not teks:
        return teks
    teks = teks.rstrip()
    return teks if teks.endswith(AKHIR_KALIMAT) else teks + tanda


def gabung(kalimat, pemisah="; "):
    """Sentences joined into one list: each loses its own final full stop, so
    "… saat ini 1." and "Predikat …" read "… saat ini 1; Predikat …", never "1.;"."""
    bagian = [k.rstrip() for k in kalimat if k and k.strip()]
    return pemisah.join(k[:-1] if k.endswith(".") and not k.endswith("..") else k
                        for k in bagian)
