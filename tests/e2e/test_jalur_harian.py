"""The principal's and the Kepala Dinas' daily paths, submitted on a 360x740 phone with
JavaScript (issue #15): approve a plan through every step, rate, "Kirim data" with its
confirmation, set PKO, penetapan with its confirmation (the principal's for his teachers,
the Kepala Dinas' for principals), start a batch print.

After every page or htmx swap the page must log no console error (a CSP violation is one),
fit the phone, carry a <title> that starts with its <h1>, and have large enough touch
targets (tests/bantu_peramban.py). A screenshot is taken of each (as a person walking it
would; Chromium's screenshot leaves an empty style="" on the inputs, which htmx's settle
used to copy onto the swapped-in inputs: a CSP error after each wizard step). The
screenshots go to $KINERJA_TANGKAPAN when set (to look at them), else to a temporary folder.

The module has its own demo server: it moves demo people (guru4, guru12, kepsek5) on,
which the other e2e modules expect in their demo state.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kinerja_web.demo import SANDI_DEMO
from tests.bantu_peramban import LEBAR, judul_beda, lebar_lebih, target_kecil

pytestmark = pytest.mark.e2e


class Jalan:
    """One person's walk: the page, the pages seen, what was wrong on them."""

    def __init__(self, page, server, folder):
        self.page, self.server, self.folder, self.n = page, server, folder, 0
        self.galat = []
        page.on("console", lambda m: m.type == "error" and self.galat.append(m.text))
        page.on("pageerror", lambda e: self.galat.append(str(e)))

    def periksa(self, langkah):
        """The page as it is now, once htmx is done with it."""
        page = self.page
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        # One turn of the page's event loop: htmx settles in a timeout after the swap.
        page.evaluate("() => new Promise(r => setTimeout(r, 0))")
        masalah = [f"galat konsol: {g[:300]}" for g in self.galat]
        if w := lebar_lebih(page):
            masalah.append(f"lebih lebar dari {LEBAR} px: {w}")
        if j := judul_beda(page):
            masalah.append(f"judul: {j}")
        masalah += [f"target sentuh kecil: {t}" for t in target_kecil(page)]
        self.n += 1
        page.screenshot(path=self.folder / f"{self.n:02d}-{langkah}.png", full_page=True)
        assert not masalah, f"{langkah} ({page.url}):\n" + "\n".join(masalah)
        self.galat.clear()

    def masuk(self, username):
        page = self.page
        page.goto(self.server + "/masuk")
        page.get_by_label("NIP atau nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(SANDI_DEMO)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
        self.periksa(f"{username}-beranda")

    def keluar(self):
        self.page.get_by_role("button", name="Keluar").click()
        expect(self.page).to_have_url(re.compile(r"/masuk"))

    def menu(self, nama):
        """Open a menu entry and wait until it is the current page (a boosted swap)."""
        tautan = self.page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name=nama, exact=True)
        tautan.click()
        expect(tautan).to_have_attribute("aria-current", "page")


def di_layar(locator):
    """The element is inside the 360 px viewport (not beyond the right edge of a box)."""
    kotak = locator.bounding_box()
    assert kotak and kotak["x"] >= 0 and kotak["x"] + kotak["width"] <= LEBAR, kotak


@pytest.fixture
def jalan(browser, server_sendiri, tmp_path):
    folder = Path(os.environ.get("KINERJA_TANGKAPAN") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": LEBAR, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Jalan(page, server_sendiri, folder)
    context.close()


def nilai_perilaku(j, pilihan):
    page = j.page
    expect(page.get_by_role("heading", name=re.compile("^Rating Perilaku Kerja:"))).to_be_visible()
    j.periksa("rating-perilaku")
    for grup in page.locator("fieldset.skala").all():
        if grup.locator("legend").inner_text() in ("Perwujudan", "Dampak"):
            grup.get_by_label(pilihan).check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Perilaku Kerja tersimpan.")).to_be_visible()
    j.periksa("rating-perilaku-tersimpan")


def test_jalur_harian_kepala_sekolah_dan_kepala_dinas(jalan):
    j, page, server = jalan, jalan.page, jalan.server
    guru_rencana, guru_nilai = server.nama("guru4"), server.nama("guru12")

    # The principal approves a plan through the four steps (htmx swaps each step).
    j.masuk("kepsek1")
    j.menu("Persetujuan")
    tab = page.get_by_role("link", name=re.compile(r"Menunggu persetujuan \(\d+\)"))
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")
    j.periksa("persetujuan-daftar")
    baris = page.get_by_role("row").filter(has_text=guru_rencana)
    di_layar(baris.get_by_role("link", name="Cek"))
    baris.get_by_role("link", name="Cek").click()
    for n, judul in enumerate(("Hasil Kerja Utama", "Hasil Kerja Tambahan", "Perilaku Kerja",
                               "Persetujuan"), start=1):
        expect(page.get_by_role("heading", name=f"{n}. {judul}")).to_be_visible()
        j.periksa(f"persetujuan-langkah-{n}")
        if n < 4:
            page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text(re.compile(r"disetujui\."))).to_be_visible()
    j.periksa("persetujuan-disetujui")

    # Rate a teacher: Rating Hasil Kerja (radio labels) and Perilaku Kerja.
    j.menu("Penilaian")
    j.periksa("penilaian-daftar")
    tab = page.get_by_role("link", name=re.compile(r"^Sudah selesai"))
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")
    baris = page.get_by_role("row").filter(has_text=guru_nilai)
    di_layar(baris.get_by_role("link", name="Nilai", exact=True))
    baris.get_by_role("link", name="Nilai", exact=True).click()
    expect(page.get_by_text("Belum selesai dinilai.")).to_be_visible()
    j.periksa("penilaian-ringkasan")
    page.get_by_role("link", name="Nilai", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Rating Hasil Kerja: {guru_nilai}")).to_be_visible()
    j.periksa("rating-hasil")
    for kriteria in ("Upaya Refleksi", "Upaya Mempelajari", "Perubahan Praktik"):
        page.locator("fieldset.skala", has_text=kriteria).get_by_label("Di Atas Ekspektasi").check()
    expect(page.locator("#rekomendasi")).to_contain_text("Rekomendasi: Di Atas Ekspektasi")
    j.periksa("rating-hasil-rekomendasi")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Hasil Kerja tersimpan.")).to_be_visible()
    j.periksa("rating-hasil-tersimpan")
    page.get_by_role("link", name="Nilai", exact=True).nth(1).click()
    nilai_perilaku(j, "Di Atas Ekspektasi")
    expect(page.get_by_text("Sudah selesai dinilai.")).to_be_visible()

    # Kirim data: the confirmation names each person with NIP and predikat (usulan).
    j.menu("Penilaian")
    page.get_by_role("button", name=re.compile(r"Kirim data \(\d+\)")).click()
    expect(page.get_by_role("heading", name=re.compile("Kirim data Penilaian Kinerja"))
           ).to_be_visible()
    orang = page.get_by_role("listitem").filter(has_text=guru_nilai)
    expect(orang).to_contain_text("NIP ")
    expect(orang).to_contain_text("Predikat (usulan): Sangat Baik")
    j.periksa("kirim-konfirmasi")
    page.get_by_role("button", name=re.compile(r"Ya, kirim")).click()
    expect(page.get_by_text(re.compile(r"\d+ penilaian dikirim ke Dinas Pendidikan"))
           ).to_be_visible()
    j.periksa("kirim-terkirim")
    j.keluar()

    # The Kepala Dinas sets two schools' PKO (the teachers' table is cards on a phone).
    j.masuk("kadis")
    for sekolah, pko in (("SD NEGERI 1 SADANGKULON", "baik"),
                         ("SD NEGERI 3 WONOSARI", "istimewa")):
        j.menu("PKO")
        j.periksa("pko-rekap")
        page.get_by_role("row").filter(has_text=sekolah).get_by_role("link", name="Cek").click()
        expect(page.get_by_role("heading", name=sekolah)).to_be_visible()
        j.periksa(f"pko-{pko}")
        page.get_by_label("Predikat Kinerja Organisasi", exact=True).select_option(pko)
        page.get_by_label(re.compile("Dasar penetapan")).fill("Rapor Pendidikan 2025.")
        page.get_by_role("button", name="Tetapkan PKO").click()
        expect(page.get_by_text(re.compile(f"PKO {sekolah} ditetapkan"))).to_be_visible()
        j.periksa(f"pko-{pko}-ditetapkan")
    j.keluar()

    # The principal's penetapan for his teachers: the predikat select on screen, "Kirim…",
    # its confirmation, "Ya, kirim".
    j.masuk("kepsek1")
    page.get_by_role("link", name="Lakukan Penetapan").click()
    expect(page.get_by_role("heading", name="Penetapan Predikat Kinerja")).to_be_visible()
    j.periksa("penetapan-sekolah")
    pilih = page.get_by_label(f"Predikat {guru_nilai}")
    di_layar(pilih)
    pilih.select_option("baik")
    expect(page.locator("#panel-distribusi")).to_contain_text("Baik")
    j.periksa("penetapan-sekolah-panel")
    pilih.select_option("sangat_baik")
    page.get_by_label(re.compile("Pembenaran")).fill("Penetapan bertahap; guru lain menyusul.")
    page.get_by_role("button", name="Kirim…").click()
    expect(page.get_by_role("heading", name=re.compile("Tetapkan dan kirim Predikat Kinerja"))
           ).to_be_visible()
    j.periksa("penetapan-sekolah-konfirmasi")
    page.get_by_role("button", name="Ya, kirim").click()
    expect(page.get_by_text(re.compile(r"Predikat Kinerja \d+ pegawai ditetapkan"))).to_be_visible()
    j.periksa("penetapan-sekolah-terkirim")
    j.keluar()

    # The Tim Kerja member rates a principal and sends it, for the Kepala Dinas' penetapan.
    kepsek = server.nama("kepsek5")
    j.masuk("timkerja2")
    j.menu("Progres KS")
    j.periksa("progres-ks")
    page.get_by_role("row").filter(has_text=kepsek).get_by_role("link", name="Cek").click()
    page.get_by_role("link", name="Nilai", exact=True).first.click()
    expect(page.locator("#rekomendasi")).to_contain_text("Rekomendasi: Di Atas Ekspektasi")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Hasil Kerja tersimpan.")).to_be_visible()
    page.get_by_role("link", name="Nilai", exact=True).nth(1).click()
    nilai_perilaku(j, "Sesuai Ekspektasi")
    j.menu("Penilaian")
    page.get_by_role("button", name=re.compile(r"Kirim data \(\d+\)")).click()
    page.get_by_role("button", name=re.compile(r"Ya, kirim")).click()
    expect(page.get_by_text(re.compile(r"\d+ penilaian dikirim"))).to_be_visible()
    j.keluar()

    # The Kepala Dinas' penetapan of principals (the list, "Mulai kirim", the form, its
    # confirmation), then a batch print.
    j.masuk("kadis")
    j.menu("Penetapan")
    expect(page.get_by_role("heading", name=re.compile(r"\d+ Predikat Kinerja dapat dikirim"))
           ).to_be_visible()
    j.periksa("penetapan-dinas-daftar")
    page.get_by_role("link", name=re.compile(r"Mulai kirim \(\d+\)")).click()
    pilih = page.get_by_label(f"Predikat {kepsek}")
    expect(pilih).to_have_value("baik")
    di_layar(pilih)
    j.periksa("penetapan-dinas")
    page.get_by_label(re.compile("Pembenaran")).fill("Penetapan bertahap.")
    page.get_by_role("button", name="Kirim…").click()
    expect(page.get_by_role("heading", name=re.compile("Tetapkan dan kirim Predikat Kinerja"))
           ).to_be_visible()
    j.periksa("penetapan-dinas-konfirmasi")
    page.get_by_role("button", name="Ya, kirim").click()
    expect(page.get_by_text(re.compile(r"Predikat Kinerja \d+ pegawai ditetapkan"))).to_be_visible()
    j.periksa("penetapan-dinas-terkirim")

    j.menu("Cetak")
    expect(page.get_by_role("heading", name="Cetak batch")).to_be_visible()
    j.periksa("cetak")
    page.get_by_role("button", name="Mulai cetak").click()
    expect(page.locator("#progres")).to_contain_text("dokumen")
    j.periksa("cetak-status")


def test_token_csrf_diperbarui_setelah_masuk(halaman_js, server):
    """Signing in rotates the session and with it the CSRF token: the token htmx sends
    (<body hx-headers>) is the new one, so a request that carries only it is accepted."""
    page = halaman_js
    page.goto(server + "/masuk")
    page.get_by_label("NIP atau nama pengguna").fill("guru2")
    page.get_by_label("Kata sandi").fill(SANDI_DEMO)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
    # "Keluar" with only that token: accepted, it ends at the sign-in page (a stale token
    # is answered "Sesi formulir berakhir" and a redirect to Beranda).
    akhir = page.evaluate("""async () => {
      const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
      const r = await fetch('/keluar', {method: 'POST', headers: {'X-CSRFToken': token}});
      return new URL(r.url).pathname;
    }""")
    assert akhir == "/masuk"
