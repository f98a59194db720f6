"""The slow-link budgets counted by a real Chromium (tests/test_anggaran.py counts them on
every page of the demo without a browser): a cold load at most 4 requests and 50 KB, a
boosted navigation one request of at most 10 KB. Bytes are what Chromium received
(headers and compressed body); no timings here (see bench/lambat.py)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.bantu_e2e import masuk

pytestmark = pytest.mark.e2e

KB = 1024


def _id_skp(server, username):
    engine = create_engine(server.db_url)
    with engine.connect() as conn:
        skp_id = conn.execute(text(
            "SELECT s.id FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "WHERE a.username = :u"), {"u": username}).scalar_one()
    engine.dispose()
    return skp_id


class Catatan:
    """Every request the page makes, with the bytes Chromium received for it."""

    def __init__(self, page):
        self.selesai, self.gagal = [], []
        page.on("requestfinished", lambda r: self.selesai.append(r))
        page.on("requestfailed", lambda r: self.gagal.append(r))

    def ringkas(self):
        assert not self.gagal, f"request gagal: {[r.url for r in self.gagal]}"
        byte = 0
        for r in self.selesai:
            ukuran = r.sizes()
            byte += ukuran["responseHeadersSize"] + ukuran["responseBodySize"]
        return [r.url for r in self.selesai], byte


def _sesi(browser, server, username):
    """The cookies of a signed-in user, for contexts with an empty cache."""
    context = browser.new_context()
    page = context.new_page()
    masuk(page, server, username)
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("username, halaman, tautan", [
    ("guru3", ["/", "/perencanaan/{skp}/langkah/2"], "Profil"),
    ("kadis", ["/", "/progres"], "Persetujuan"),
])
def test_muat_dingin_dan_navigasi_boost(browser, server, username, halaman, tautan):
    state = _sesi(browser, server, username)
    for path in halaman:
        context = browser.new_context(storage_state=state, viewport={"width": 360,
                                                                     "height": 740})
        page = context.new_page()
        catatan = Catatan(page)
        url = server + path.format(skp=_id_skp(server, username) if "{skp}" in path else "")
        page.goto(url)
        page.wait_for_load_state("networkidle")  # a request sent after `load` counts too
        urls, byte = catatan.ringkas()
        assert page.url == url
        assert len(urls) <= 4, f"{path}: {urls}"
        assert any("/aset/js/app." in u for u in urls), "bundel JS tidak dimuat"
        assert byte <= 50 * KB, f"{path}: muat dingin {byte} byte"

        # From this page, a boosted menu link: one request, the assets stay cached.
        catatan.selesai.clear()
        page.locator("nav").get_by_role("link", name=tautan, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/{tautan.lower()}$"))
        page.wait_for_load_state("networkidle")
        urls, byte = catatan.ringkas()
        assert len(urls) == 1, f"navigasi {path} → {tautan}: {urls}"
        req = catatan.selesai[0]
        assert req.resource_type in ("xhr", "fetch") and req.headers.get("hx-boosted") == "true"
        assert byte <= 10 * KB, f"navigasi ke {tautan}: {byte} byte"
        context.close()
