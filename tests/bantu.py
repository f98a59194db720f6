"""Helpers every test module may use (a helper module, no tests here): signing in, reading
a page with a real HTML parser (selectolax, the Lexbor HTML5 parser) rather than regular
expressions, and reading a row as it is stored now.

Each reader takes a response (its body decompressed when it was sent compressed) or the
HTML itself (str or bytes)."""

import gzip
import time

import brotli
import pytest
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
    encoding = r.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(r.data).decode()
    if encoding == "br":
        return brotli.decompress(r.data).decode()
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


def teks_css(r, pemilih):
    """The text of the first element `pemilih` (a CSS selector) picks, or ""."""
    return teks_dari(dom(r).css_first(pemilih))


def teks_semua(r, pemilih):
    """The texts of every element `pemilih` picks, in page order."""
    return [teks_dari(el) for el in dom(r).css(pemilih)]


def ada(r, pemilih):
    """Whether the page has an element `pemilih` picks."""
    return dom(r).css_first(pemilih) is not None


def atribut(r, pemilih, nama):
    """Attribute `nama` of the first element `pemilih` picks (None: no such element or
    attribute; "" for a bare attribute such as `disabled`)."""
    el = dom(r).css_first(pemilih)
    if el is None or nama not in el.attributes:
        return None
    return el.attributes[nama] or ""


def atribut_semua(r, pemilih, nama):
    """Attribute `nama` of every element `pemilih` picks that has it, in page order."""
    return [el.attributes[nama] or "" for el in dom(r).css(pemilih) if nama in el.attributes]


def nilai(r, nama):
    """The value the first field named `nama` sends (input's value, textarea's text,
    select's chosen option), or None when the page has no such field."""
    el = dom(r).css_first(f'[name="{nama}"]')
    if el is None:
        return None
    if el.tag == "textarea":
        return isi_textarea(r, nama)
    if el.tag == "select":
        return next((v for v, _, dipilih in opsi(r, f'select[name="{nama}"]') if dipilih), None)
    return el.attributes.get("value") or ""


def nilai_semua(r, nama, tercentang_saja=False):
    """The values of every input named `nama` (only the checked ones when asked)."""
    return [el.attributes.get("value") or "" for el in dom(r).css(f'input[name="{nama}"]')
            if not tercentang_saja or "checked" in el.attributes]


def isi_textarea(r, nama):
    """A textarea's content as the browser shows it: the HTML parser decodes entities,
    turns CRLF into LF and drops the line break right after the tag (markup)."""
    el = dom(r).css_first(f'textarea[name="{nama}"]')
    assert el is not None, f"tidak ada textarea {nama}"
    return el.text(deep=True)


def opsi(r, pemilih="select"):
    """The options of the first select `pemilih` picks as (value, text, chosen)."""
    sel = dom(r).css_first(pemilih)
    assert sel is not None, f"tidak ada {pemilih}"
    return [(o.attributes.get("value") or "", teks_dari(o), "selected" in o.attributes)
            for o in sel.css("option")]


def tautan(r, teks_tautan=None, pemilih="a"):
    """The hrefs of the links `pemilih` picks (only those whose text is `teks_tautan`)."""
    return [a.attributes.get("href") for a in dom(r).css(pemilih)
            if teks_tautan is None or teks_dari(a) == teks_tautan]


def langkah_kini(r):
    """The number of the step the wizard's step bar marks current (`aria-current="step"`),
    or None."""
    el = dom(r).css_first('[aria-current="step"]')
    return teks_dari(el.css_first("b")) if el is not None and el.css_first("b") else None


def hitung_tab(r, pemilih=None):
    """{tab label: count} of the page's tab bar (`nav.tab`, links "Label (n)"), or of
    every link `pemilih` picks that reads so."""
    if pemilih is None:
        assert dom(r).css_first("nav.tab") is not None, "tidak ada baris tab"
    out = {}
    for a in dom(r).css(pemilih or "nav.tab a"):
        label, _, n = teks_dari(a).rpartition(" (")
        if label and n.endswith(")") and n[:-1].isdigit():
            out[label] = int(n[:-1])
    return out


def lencana(r, judul):
    """The count badge (`span.jumlah`, its aria-label a number) right after the bold title
    ending in `judul` (a Beranda line, a tab), or None when the title has none."""
    for strong in dom(r).css("strong"):
        if not teks_dari(strong).endswith(judul):
            continue
        nxt = strong.next
        if nxt is not None and nxt.tag == "-text" and nxt.text() == " ":
            nxt = nxt.next
        if nxt is not None and nxt.tag == "span" and "jumlah" in (
                nxt.attributes.get("class") or "").split() and (
                nxt.attributes.get("aria-label") or "").isdigit():
            return int(nxt.attributes["aria-label"])
        return None
    raise AssertionError(f"tidak ada judul {judul!r}")


def butir_setelah(r, akhir):
    """The items (as written, entities decoded) of the list right after the paragraph
    whose text ends with `akhir`, or None when the page has no such paragraph."""
    for p in dom(r).css("p"):
        if teks_dari(p).endswith(akhir):
            ul = p.next
            while ul is not None and ul.tag == "-text" and not ul.text().strip():
                ul = ul.next
            assert ul is not None and ul.tag == "ul", f"tidak ada daftar setelah {akhir!r}"
            return [li.text(deep=True) for li in ul.css("li")]
    return None


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


def tunggu_selesai(baca, nama, batas):
    """Poll `baca()` (a job's row, read without a lock) until the job has ended, bounded;
    the row then. `nama` names the job in the failure."""
    akhir = time.monotonic() + batas
    while time.monotonic() < akhir:
        baris_ = baca()
        if baris_.status not in ("antri", "berjalan"):
            return baris_
        time.sleep(0.05)
    pytest.fail(f"{nama} belum selesai setelah {batas} s")
