"""Issue #15 in a real Chromium, where JavaScript matters: the title follows a wizard step
swapped in by htmx, and the character counter counts on the device and stops at the limit."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_masuk import masuk

pytestmark = pytest.mark.e2e


def test_judul_dokumen_mengikuti_langkah_yang_ditukar_htmx(halaman_js, server):
    page = halaman_js
    masuk(page, server, "kepsek1")
    page.goto(server + "/penilaian?tab=tindak_lanjut")
    page.get_by_role("link", name="Cek", exact=True).first.click()
    expect(page).to_have_title("Praktik Kinerja — Diskusi tindak lanjut · Kinerja Guru")
    page.evaluate("document.body.dataset.uji = 'sama'")  # survives a swap, not a load
    page.get_by_role("link", name=re.compile(r"^2 Observasi")).click()
    expect(page.get_by_role("heading", name="2. Observasi")).to_be_visible()
    expect(page).to_have_title("Praktik Kinerja — Observasi · Kinerja Guru")
    # Swapped in place by htmx, not a new page load.
    assert page.evaluate("document.body.dataset.uji") == "sama"
    page.go_back()
    expect(page).to_have_title("Praktik Kinerja — Diskusi tindak lanjut · Kinerja Guru")


def test_penghitung_karakter_di_perangkat_berhenti_di_batas(halaman_js, server):
    page = halaman_js
    masuk(page, server, "guru7")
    page.get_by_role("link", name="Pelaksanaan", exact=True).click()
    page.get_by_role("link", name="Lakukan").first.click()
    isian = page.get_by_label("Inspirasi 1")
    penghitung = page.locator("#hitung-inspirasi_0")
    # No request is needed for the counter: it follows every keystroke even offline.
    page.context.set_offline(True)
    try:
        isian.fill("")
        isian.press_sequentially("Belajar")
        expect(penghitung).to_have_text("7/250")
        isian.fill("x" * 249)
        isian.press_sequentially("yz!")
        expect(isian).to_have_value("x" * 249 + "y")
        expect(penghitung).to_have_text("250/250")
    finally:
        page.context.set_offline(False)
