"""Helpers the browser tests share (a helper module, no tests here): signing in and out."""

import re

from playwright.sync_api import expect

from kinerja_web.demo import SANDI_DEMO


def masuk(page, server, username):
    page.goto(server + "/")
    expect(page).to_have_url(re.compile(r"/masuk"))
    page.get_by_label("NIP atau nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(SANDI_DEMO)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()


def keluar(page):
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk"))
