"""Accessibility: axe-core finds no serious or critical violation on any page of the demo.

Each demo role signs in and follows the links from Beranda (every kind of page: endpoint
shape and query arguments, one example each), in a phone-sized Chromium with JavaScript;
axe-core (npm, pinned in package-lock.json, copied by the Makefile to tests/e2e/vendor/,
never served by the app) is added to every document as a Playwright init script, which the
page's CSP does not govern: the pages are checked under their real CSP, as users see them.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from tests.e2e.test_masuk import masuk

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Every role, and teachers whose plans are in the other states (wizard, agreement pages).
PERAN = ("guru1", "guru3", "guru6", "kepsek1", "plt1", "timkerja1", "kadis", "operator",
         "cltn1")
LEWATI = (".xlsx", ".csv", ".pdf", ".zip", "/aset/", "/static/")
DAMPAK = ("serious", "critical")
HALAMAN_MAKS = 60


@pytest.fixture
def halaman_axe(browser):
    if not AXE.exists():
        pytest.fail(f"{AXE} tidak ada: jalankan `make test` (menyalin axe-core dari npm).")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    context.add_init_script(path=str(AXE))
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.js = True
    yield pg
    context.close()


def periksa(page):
    """axe-core's serious and critical violations on the page shown."""
    hasil = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in hasil["violations"] if v["impact"] in DAMPAK]


def _jenis(url):
    """Pages of one kind: the same path but for the object id (the first number; a later
    one is a step of a wizard, each step its own kind), the same query keys."""
    bagian = urlsplit(url)
    return re.sub(r"/\d+", "/#", bagian.path, count=1), tuple(sorted(parse_qs(bagian.query)))


def tautan(page, server):
    """The app's own links on the page shown (no downloads, no anchors)."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        href = href.split("#")[0]
        if href.startswith(server + "/") and not any(x in href for x in LEWATI):
            yield href[len(server):]


def jelajah_dan_periksa(page, server, awal="/"):
    """Visit every kind of page reachable from `awal`; {rule id: (violation, [urls])}."""
    temuan, dilihat, antre, n = {}, set(), deque([awal]), 0
    while antre and n < HALAMAN_MAKS:
        url = antre.popleft()
        if _jenis(url) in dilihat:
            continue
        dilihat.add(_jenis(url))
        respons = page.goto(urljoin(server, url))
        if respons.status != 200 or "text/html" not in respons.headers.get("content-type", ""):
            continue
        n += 1
        for v in periksa(page):
            temuan.setdefault(v["id"], (v, []))[1].append(url)
        antre.extend(tautan(page, server))
    return temuan, n


def laporan(temuan):
    baris = []
    for rule, (v, urls) in sorted(temuan.items()):
        baris.append(f"[{v['impact']}] {rule}: {v['help']} ({v['helpUrl']})")
        baris.append(f"    di {len(urls)} halaman: {', '.join(urls[:6])}")
        for node in v["nodes"][:3]:
            baris.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
    return "\n".join(baris)


def test_halaman_masuk_dan_galat(halaman_axe, server):
    temuan = {}
    for url in ("/masuk", "/tidak-ada"):
        halaman_axe.goto(server + url)
        for v in periksa(halaman_axe):
            temuan.setdefault(v["id"], (v, []))[1].append(url)
    assert not temuan, "pelanggaran aksesibilitas:\n" + laporan(temuan)


@pytest.mark.parametrize("username", PERAN)
def test_setiap_halaman_demo_tanpa_pelanggaran_berat(halaman_axe, server, username):
    masuk(halaman_axe, server, username)
    temuan, n = jelajah_dan_periksa(halaman_axe, server)
    assert n >= 3, f"penjelajahan {username} hanya menemukan {n} halaman"
    assert not temuan, f"pelanggaran aksesibilitas ({username}, {n} halaman):\n" + laporan(
        temuan)
