"""Sign in, see Beranda, sign out — in a real Chromium, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.bantu_e2e import masuk

pytestmark = pytest.mark.e2e


def test_masuk_beranda_keluar(page, server):
    masuk(page, server, "guru1")
    expect(page).to_have_url(server + "/")
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
    expect(page.get_by_text("Langkah berikutnya: susun Perencanaan Kinerja")).to_be_visible()
    if page.js:
        # Fits a 360 px phone: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk"))
    expect(page.get_by_text("Anda sudah keluar.")).to_be_visible()
    page.goto(server + "/profil")
    expect(page).to_have_url(re.compile(r"/masuk\?next=/profil"))


def test_salah_sandi_pesan_jelas(page, server):
    page.goto(server + "/masuk")
    page.get_by_label("NIP atau nama pengguna").fill("guru2")
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("Gagal masuk")
    expect(page.get_by_label("NIP atau nama pengguna")).to_have_value("guru2")


def test_operator_cari_pegawai(page, server):
    masuk(page, server, "operator")
    page.get_by_role("link", name="Pegawai", exact=True).click()
    expect(page.get_by_role("heading", name="Data Pegawai")).to_be_visible()
    page.get_by_label("Cari nama atau NIP").fill("zzz-tidak-ada")
    if not page.js:
        page.get_by_role("button", name="Cari").click()
    expect(page.get_by_text("Tidak ada pegawai yang cocok.")).to_be_visible()
