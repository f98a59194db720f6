"""Helpers every test module may use (a helper module, no tests here): signing in, reading
a page with a real HTML parser (selectolax, the Lexbor HTML5 parser) rather than regular
expressions, and reading a row as it is stored now.

Each reader takes a response (its body decompressed when it was sent gzipped) or the
HTML itself (str or bytes)."""

import gzip

from selectolax.lexbor import LexborHTMLParser

from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import db

# ------------------------------------------------------------------ signing in


def masuk(buat_klien, username, sandi=None):
    """A new client signed in as `username` (the factories' password unless given)."""
    k = buat_klien()
    if sandi is None:
        k.masuk(username)
    else:
        k.masuk(username, sandi)
    return k


def masuk_demo(buat_klien, username, sandi=SANDI_DEMO):
    """A new client signed in as a demo account (the demo password unless given)."""
    return masuk(buat_klien, username, sandi)


# ------------------------------------------------------------------ reading pages


def badan(r):
    """The response body as text, decompressed when it was sent compressed."""
    if isinstance(r, str):
        return r
    if isinstance(r, bytes):
        return r.decode()
    if r.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(r.data).decode()
    return r.get_data(as_text=True)


def dom(r):
    """The parsed page (selectolax)."""
    return LexborHTMLParser(badan(r))


def lipat(s):
    """Whitespace folded to single spaces."""
    return " ".join(s.split())


def teks_dari(node):
    """An element's text as a reader sees it: tags gone, entities decoded, folded."""
    return lipat(node.text(separator=" ")) if node is not None else ""


def teks(r):
    """The page as a reader sees it (title included): tags gone, whitespace folded."""
    return teks_dari(dom(r).root)


def galat(r):
    """The form-level error box's text (`div.pesan-galat[role=alert]`), or ""."""
    return teks_dari(dom(r).css_first('div.pesan.pesan-galat[role="alert"]'))


def pesan(r):
    """The flashed messages of a page (`p.pesan[role=status]`), in order."""
    return [teks_dari(p) for p in dom(r).css('p.pesan[role="status"]')]


def versi_di(r):
    """The `versi` the page's form carries (what the next POST sends back)."""
    el = dom(r).css_first('input[name="versi"]')
    status = getattr(r, "status_code", "")
    assert el is not None, f"tidak ada versi di halaman {status}"
    nilai = el.attributes.get("value") or ""
    assert nilai.isdigit(), f"versi bukan angka: {nilai!r}"
    return nilai


def tercentang(r, nama):
    """Values of the radio buttons and checkboxes named `nama` that are checked."""
    return [el.attributes.get("value") for el in dom(r).css(
        f'input[name="{nama}"][checked]') if el.attributes.get("type") in ("radio", "checkbox")]


def baris_tabel(r, tanpa=lambda sel: len(sel) <= 1):
    """The rows of the page's first table body as lists of cell texts, without the rows
    `tanpa` picks (by default a placeholder row of one cell)."""
    tbody = dom(r).css_first("tbody")
    out = []
    for tr in tbody.css("tr") if tbody is not None else ():
        # The NIP under each name has its own test (test_daftar_menunggu.py).
        for nip in tr.css("small.nip"):
            nip.decompose()
        sel = [teks_dari(td) for td in tr.css("td")]
        if not tanpa(sel):
            out.append(sel)
    return out


def galat_per_baris(r):
    """The rows of an upload preview's "Kesalahan per baris" table as (sheet, line,
    column, message) texts, the line made of digits; None when the page has no such table."""
    tabel = dom(r).css_first('[aria-label="Kesalahan per baris"] table')
    if tabel is None:
        return None
    out = []
    for tr in tabel.css("tbody tr"):
        sel = tuple(td.text() for td in tr.css("td"))  # as written, whitespace kept
        if len(sel) == 4 and sel[1].isdigit():
            out.append(sel)
    return out


# ------------------------------------------------------------------ reading rows


def baris(model, id_):
    """The row as it is stored now, as a dict of plain values (None when gone); ends the
    read transaction (requests need the write lock on SQLite)."""
    db.session.expire_all()
    obj = db.session.get(model, id_)
    out = {c.key: getattr(obj, c.key) for c in model.__mapper__.column_attrs} if obj else None
    db.session.rollback()
    return out

