"""Keyboard only: a teacher signs in and goes through the whole Perencanaan Kinerja wizard
with Tab, Shift+Tab, arrow keys, Space and Enter — no mouse, no filling of fields — with
and without JavaScript. The focused element is always visibly outlined (:focus-visible).
"""

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from kinerja_web.demo import SANDI_DEMO

pytestmark = pytest.mark.e2e

# Demo teachers without a plan that no other test uses.
GURU = {True: "guru20", False: "guru22"}
MAKS_TAB = 80

FOKUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
          value: e.value || '', checked: !!e.checked,
          teks: (label || e.innerText || e.value || '').replace(/\\s+/g, ' ').trim(),
          terlihat: e.matches(':focus-visible') && s.outlineStyle !== 'none'
                    && parseFloat(s.outlineWidth) >= 2};
}"""


def fokus(page):
    """What has the keyboard focus (read only; nothing is done to the page)."""
    return page.evaluate(FOKUS_JS)


def tab_ke(page, cocok, mundur=False):
    """Press Tab (Shift+Tab) until the focused element matches; it must show its focus."""
    for _ in range(MAKS_TAB):
        page.keyboard.press("Shift+Tab" if mundur else "Tab")
        f = fokus(page)
        if f and cocok(f):
            assert f["terlihat"], f"fokus tidak terlihat pada {f}"
            return f
    raise AssertionError(f"tidak tercapai dengan {'Shift+' if mundur else ''}Tab")


def tombol(teks):
    return lambda f: f["tag"] in ("button", "a") and f["teks"] == teks


def pilih_radio(page, name, urutan):
    """Tab into a radio group, then move with the arrow keys to its `urutan`-th option
    (0: the first, chosen with Space); return the chosen value."""
    f = tab_ke(page, lambda f: f["type"] == "radio" and f["name"] == name)
    nilai = page.evaluate(
        "n => Array.from(document.getElementsByName(n)).map(e => e.value)", name)
    assert f["value"] == nilai[0], "Tab masuk ke grup radio pada pilihan pertama"
    page.keyboard.press("Space")
    for _ in range(urutan):
        page.keyboard.press("ArrowDown")  # moves the focus and checks the option
    f = fokus(page)
    assert f["checked"] and f["value"] == nilai[urutan] and f["terlihat"], f
    return f["value"]


def lanjut(page, judul):
    tab_ke(page, tombol("Lanjut"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=judul)).to_be_visible()
    if page.js:  # swapped in place: the focus moves to the new step's heading
        expect(page.get_by_role("heading", name=judul)).to_be_focused()


def test_wizard_perencanaan_hanya_dengan_papan_ketik(page, server):
    guru = GURU[page.js]
    page.goto(server + "/masuk")
    tab_ke(page, lambda f: f["name"] == "identitas")
    page.keyboard.type(guru)
    page.keyboard.press("Tab")
    assert fokus(page)["name"] == "sandi"
    page.keyboard.type(SANDI_DEMO)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()

    tab_ke(page, tombol("Buat"))
    page.keyboard.press("Enter")
    # Every key that loads a page is followed by a wait for that page's heading: without
    # JavaScript the next Tab would otherwise go to the page being left.
    expect(page.get_by_role("heading", name="Perencanaan Kinerja", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Mulai Perencanaan Kinerja")).to_be_visible()
    tab_ke(page, tombol("Mulai Perencanaan Kinerja"))
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="1. Pelaksanaan Tugas Pokok 5M")).to_be_visible()

    tugas = pilih_radio(page, "tugas_tambahan", 1)
    lanjut(page, "2. Praktik Kinerja")
    praktik = pilih_radio(page, "praktik", 2)
    lanjut(page, "3. Pengembangan Kompetensi")
    kompetensi = pilih_radio(page, "kompetensi", 1)
    lanjut(page, "4. Perilaku Kerja")
    nilai = page.evaluate(
        "() => Array.from(document.getElementsByName('aspek')).map(e => e.value)")
    aspek = [nilai[0], nilai[2]]
    for kode in aspek:  # Tab stops at every checkbox; Space ticks it
        tab_ke(page, lambda f, kode=kode: f["type"] == "checkbox" and f["value"] == kode)
        page.keyboard.press("Space")
        assert fokus(page)["checked"]
    # Back with Shift+Tab: the first choice is still ticked, the one between is not.
    f = tab_ke(page, lambda f: f["value"] == nilai[1], mundur=True)
    assert not f["checked"]
    f = tab_ke(page, lambda f: f["value"] == nilai[0], mundur=True)
    assert f["checked"]
    lanjut(page, "5. Rangkuman Perencanaan Kinerja Anda")
    expect(page.get_by_text("Belum lengkap")).to_have_count(0)
    tab_ke(page, tombol("Ajukan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Menunggu persetujuan atasan")).to_be_visible()

    engine = create_engine(server.db_url)
    with engine.connect() as conn:
        skp = conn.execute(text(
            "SELECT s.status, s.tugas_tambahan, s.praktik_kode, s.kompetensi_kode, "
            "s.aspek_fokus FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "WHERE a.username = :u"), {"u": guru}).one()
    engine.dispose()
    assert skp.status == "diajukan"
    assert skp.tugas_tambahan == (tugas == "ya")
    assert (skp.praktik_kode, skp.kompetensi_kode) == (praktik, kompetensi)
    aspek_fokus = skp.aspek_fokus if isinstance(skp.aspek_fokus, list) else json.loads(
        skp.aspek_fokus)
    assert sorted(aspek_fokus) == sorted(aspek)
