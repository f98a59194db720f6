"""Size and request budgets for every page of the demo (slow school connections).

Each page a demo user can reach by following links must load cold in at most 3 requests
(HTML, CSS, htmx) with HTML + CSS at most 14 KB after compression.
"""

import gzip
import re
from collections import Counter, deque
from urllib.parse import parse_qs, urlsplit

import pytest

from kinerja_web.demo import SANDI_DEMO

BATAS_BYTE = 14 * 1024
BATAS_REQUEST = 3
PERAN_DEMO = ("operator", "kadis", "timkerja1", "kepsek1", "plt1", "guru1", "cltn1")
LEWATI = (".xlsx", ".csv", ".pdf", ".zip", "/aset/", "/static/")


def _tautan(html):
    for href in re.findall(r'<a [^>]*href="([^"#]+)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//") and not any(
            x in href for x in LEWATI
        ):
            yield href


def _subsumber(html):
    """Every URL the browser would fetch to show the page (besides the page itself)."""
    urls = re.findall(r'<link [^>]*rel="(?:stylesheet|icon|preload)"[^>]*href="([^"]+)"', html)
    urls += re.findall(r'<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc="([^"]+)"', html)
    return [u for u in urls if not u.startswith("data:")]


def _jelajah(klien, per_jenis=2):
    """Breadth-first over the links a user can follow from Beranda: every kind of page
    (endpoint and query arguments), a couple of examples of each."""
    peta = klien.app.url_map.bind("localhost")
    dilihat, jenis, antre, halaman = set(), Counter(), deque(["/"]), []
    while antre:
        url = antre.popleft()
        bagian = urlsplit(url)
        endpoint, _ = peta.match(bagian.path, method="GET")
        kunci = (endpoint, tuple(sorted(parse_qs(bagian.query))))
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
