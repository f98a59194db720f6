"""Issue #15 in a real Chromium, where JavaScript matters: the title follows a wizard step
swapped in by htmx, and the character counter counts on the device and stops at the limit."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.bantu_e2e import masuk

pytestmark = pytest.mark.e2e


def judul(langkah):
    """The atasan's title of a praktik step: it names the teacher (the page's heading)."""
    return re.compile(rf"^Praktik Kinerja: .+ — {langkah} · Kinerja Guru$")


def test_judul_dokumen_mengikuti_langkah_yang_ditukar_htmx(halaman_js, server):
    page = halaman_js
    masuk(page, server, "kepsek1")
    page.goto(server + "/penilaian?tab=tindak_lanjut")
    page.get_by_role("link", name="Cek", exact=True).first.click()
    expect(page).to_have_title(judul("Diskusi tindak lanjut"))
    page.evaluate("document.body.dataset.uji = 'sama'")  # survives a swap, not a load
    page.get_by_role("link", name=re.compile(r"^2 Observasi")).click()
    expect(page.get_by_role("heading", name="2. Observasi")).to_be_visible()
    expect(page).to_have_title(judul("Observasi"))
    # Swapped in place by htmx, not a new page load.
    assert page.evaluate("document.body.dataset.uji") == "sama"
    page.go_back()
    expect(page).to_have_title(judul("Diskusi tindak lanjut"))


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


def test_catatan_upaya_diubah_dan_dihapus_di_tempat(halaman_js, server):
    """guru11 (reflection sent, not accepted) corrects a progress note in place: "Ubah"
    swaps the note for its form, "Simpan perubahan" swaps it back, without a page load;
    "Hapus" removes it and the step's count follows."""
    page = halaman_js
    masuk(page, server, "guru11")
    page.get_by_role("link", name="Pelaksanaan", exact=True).click()
    page.locator("a[href*='/praktik/']").first.click()
    page.get_by_role("link", name=re.compile(r"^4 Upaya tindak lanjut")).click()
    expect(page.get_by_role("heading", name="4. Upaya tindak lanjut")).to_be_visible()
    page.evaluate("document.body.dataset.uji = 'sama'")
    catatan = page.locator("li.upaya").first
    catatan.get_by_role("link", name=re.compile("^Ubah catatan")).click()
    isian = page.get_by_label("Apa yang sudah Anda lakukan?").first
    expect(isian).to_have_value(re.compile("Kesepakatan kelas"))
    isian.fill("Kesepakatan kelas ditempel di pintu kelas.")
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_text("Catatan upaya diubah.")).to_be_visible()
    expect(page.locator("li.upaya").first).to_contain_text("ditempel di pintu kelas")
    assert page.evaluate("document.body.dataset.uji") == "sama"
    expect(page.locator("li.upaya")).to_have_count(2)
    page.locator("li.upaya").first.get_by_role("button", name=re.compile("^Hapus catatan")).click()
    expect(page.get_by_text("Catatan upaya dihapus.")).to_be_visible()
    expect(page.locator("li.upaya")).to_have_count(1)
    expect(page.get_by_text("1 catatan")).to_be_visible()
