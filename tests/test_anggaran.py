"""Size and request budgets for every page of the demo (slow school connections).

Each page a demo user can reach by following links must load cold in at most 3 requests
(HTML, CSS, htmx) with HTML + CSS at most 14 KB after compression.

And what a browser really receives (issue 8, slow links), counted in bytes on the wire
(status line, headers and the compressed body, as Chromium asks for it): a cold load
(page, stylesheet, script bundle and anything else it would fetch) at most 50 KB in at most
4 requests; a boosted navigation (htmx, assets cached) one request of at most 10 KB.
The same pages timed over an emulated 2G link: `bench/lambat.py`.
"""

import gzip
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest
from bantu import atribut_semua

from kinerja_web.demo import SANDI_DEMO

BATAS_BYTE = 14 * 1024
BATAS_REQUEST = 3
# guru3 has a draft plan: the wizard steps are reachable from his Beranda.
PERAN_DEMO = ("operator", "kadis", "timkerja1", "kepsek1", "plt1", "guru1", "guru3", "cltn1")
LEWATI = (".xlsx", ".csv", ".pdf", ".zip", "/aset/", "/static/")
# What Chromium sends over plain HTTP (zstd only over HTTPS).
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
BATAS_DINGIN_BYTE = 50 * 1024
BATAS_DINGIN_REQUEST = 4
BATAS_NAVIGASI_BYTE = 10 * 1024


def _tautan(html):
    for href in atribut_semua(html, "a[href]", "href"):
        if "#" not in href and href.startswith("/") and not href.startswith("//") and not any(
            x in href for x in LEWATI
        ):
            yield href


def _subsumber(html):
    """Every URL the browser would fetch to show the page (besides the page itself)."""
    urls = [u for rel in ("stylesheet", "icon", "preload")
            for u in atribut_semua(html, f'link[rel="{rel}"][href]', "href")]
    urls += atribut_semua(html, "script[src], img[src], iframe[src], source[src], video[src], "
                          "audio[src]", "src")
    return [u for u in urls if u and not u.startswith("data:")]


def _jelajah(klien, per_jenis=2):
    """Breadth-first over the links a user can follow from Beranda: every kind of page
    (endpoint, wizard step and query arguments), a couple of examples of each."""
    peta = klien.app.url_map.bind("localhost")
    dilihat, jenis, antre, halaman = set(), Counter(), deque(["/"]), []
    while antre:
        url = antre.popleft()
        bagian = urlsplit(url)
        endpoint, args = peta.match(bagian.path, method="GET")
        # Each step of a wizard is a page of its own (its own template).
        kunci = (endpoint, args.get("n"), tuple(sorted(parse_qs(bagian.query))))
        if url in dilihat or jenis[kunci] >= per_jenis:
            continue
        dilihat.add(url)
        jenis[kunci] += 1
        r = klien.get(url, headers={"Accept-Encoding": "gzip"})
        if r.status_code != 200 or r.mimetype != "text/html":
            continue
        html = gzip.decompress(r.data).decode() if r.headers.get("Content-Encoding") else r.text
        halaman.append((url, r, html))
        antre.extend(_tautan(html))
    return halaman


@pytest.mark.parametrize("username", PERAN_DEMO)
def test_setiap_halaman_demo_dalam_anggaran(app, demo, buat_klien, username):
    klien = buat_klien()
    klien.masuk(username, SANDI_DEMO)
    halaman = _jelajah(klien)
    assert len(halaman) >= 2, "penjelajahan tidak menemukan halaman"
    aset, tersimpan = {}, None  # assets fetched so far; those cached after Beranda
    for url, r, html in halaman:
        sumber = _subsumber(html)
        assert 1 + len(sumber) <= BATAS_REQUEST, f"{url}: {sumber}"
        assert all(s.startswith("/") and not s.startswith("//") for s in sumber), url
        css = [s for s in sumber if s.endswith(".css")]
        assert len(css) == 1, f"{url}: tepat satu stylesheet"
        r_css = klien.get(css[0], headers={"Accept-Encoding": "gzip"})
        assert r_css.status_code == 200
        html_byte = len(r.data) if r.headers.get("Content-Encoding") == "gzip" else len(
            gzip.compress(r.data))
        css_byte = len(r_css.data) if r_css.headers.get("Content-Encoding") == "gzip" else len(
            gzip.compress(r_css.data))
        assert html_byte + css_byte <= BATAS_BYTE, (
            f"{url}: {html_byte} + {css_byte} byte > {BATAS_BYTE}"
        )
        tersimpan = cek_jaringan_lambat(klien, url, aset, tersimpan)


class _Subsumber(HTMLParser):
    """Every URL the browser fetches to show a document: links that load (stylesheet,
    icon, preload …), src/srcset/poster/data of embedded elements."""

    REL = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
           "prefetch", "manifest"}

    def __init__(self):
        super().__init__()
        self.urls, self.ikon = [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            rel = set((a.get("rel") or "").lower().split())
            self.ikon |= "icon" in rel
            if rel & self.REL and a.get("href"):
                self.urls.append(a["href"])
            return
        for nama in ("src", "poster", "data"):
            if a.get(nama) and tag in ("script", "img", "iframe", "embed", "source", "video",
                                       "audio", "track", "input", "object"):
                self.urls.append(a[nama])
        for calon in (a.get("srcset") or "").split(","):
            if calon.strip():
                self.urls.append(calon.split()[0])


def _isi(r):
    """The decoded body of a response, whatever its Content-Encoding."""
    enc = r.headers.get("Content-Encoding")
    data = brotli.decompress(r.data) if enc == "br" else (
        gzip.decompress(r.data) if enc == "gzip" else r.data)
    return data.decode()


def _di_kabel(r):
    """Bytes the browser receives: status line, headers and the body as sent."""
    kepala = f"HTTP/1.1 {r.status}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in r.headers.items()) + "\r\n"
    return len(kepala.encode("latin-1")) + len(r.data)


def _diambil(html, dokumen=True):
    """URLs a browser requests for this document besides the document itself (`dokumen`
    False: a fragment swapped into the page, which asks for no icon of its own)."""
    p = _Subsumber()
    p.feed(html)
    urls = [u for u in p.urls if not u.startswith("data:")]
    if dokumen and not p.ikon:
        urls.append("/favicon.ico")  # what every browser asks for when no icon is declared
    return list(dict.fromkeys(urls))


def _ambil_aset(klien, url, aset):
    """A subresource as the browser gets it (each one once per user): (bytes, urls it
    pulls in itself, may it be cached)."""
    if url not in aset:
        r = klien.get(url, headers=BROWSER)
        assert r.status_code == 200, f"{url}: {r.status_code}"
        lagi = []
        if r.mimetype == "text/css":
            for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", _isi(r)):
                if not u.startswith("data:"):
                    lagi.append(u)
            lagi += re.findall(r"@import\s+['\"]([^'\"]+)", _isi(r))
        simpan = "max-age=31536000" in r.headers.get("Cache-Control", "") and \
            "immutable" in r.headers.get("Cache-Control", "")
        aset[url] = (_di_kabel(r), lagi, simpan)
    return aset[url]


def cek_jaringan_lambat(klien, url, aset, tersimpan):
    """The cold load and the boosted navigation of one page stay within their budgets.
    `tersimpan`: what the browser has cached from the first page (None for that page);
    returns it."""
    r = klien.get(url, headers=BROWSER)
    assert r.status_code == 200 and r.headers.get("Content-Encoding") == "br", url
    dingin, byte, baru = [url], _di_kabel(r), set()
    antre = _diambil(_isi(r))
    while antre:
        u = antre.pop(0)
        if u in dingin:
            continue
        assert u.startswith("/") and not u.startswith("//"), f"{url}: {u} dari situs lain"
        ukuran, lagi, simpan = _ambil_aset(klien, u, aset)
        dingin.append(u)
        byte += ukuran
        antre += lagi
        if simpan:
            baru.add(u)
    assert len(dingin) <= BATAS_DINGIN_REQUEST, f"{url}: {len(dingin)} request {dingin}"
    assert byte <= BATAS_DINGIN_BYTE, f"{url}: muat dingin {byte} byte > {BATAS_DINGIN_BYTE}"
    # Boosted navigation to this page from another one of the same user: the main content
    # only (title, header out of band), swapped into <main>; the assets are cached.
    if tersimpan is None:
        tersimpan = baru
    r = klien.get(url, headers={**BROWSER, "HX-Request": "true", "HX-Boosted": "true",
                                "HX-Current-URL": "http://localhost/"})
    assert r.status_code == 200 and r.mimetype == "text/html", url
    html = _isi(r)
    assert "<body" not in html and r.headers.get("HX-Retarget") == "#konten", (
        f"{url}: navigasi boost menerima isi <main> saja")
    tambahan = [u for u in _diambil(html, dokumen=False) if u not in tersimpan]
    assert not tambahan, f"{url}: navigasi meminta lagi {tambahan}"
    assert _di_kabel(r) <= BATAS_NAVIGASI_BYTE, (
        f"{url}: navigasi {_di_kabel(r)} byte > {BATAS_NAVIGASI_BYTE}")
    return tersimpan
