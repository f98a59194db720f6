"""Assessment end to end in a real Chromium: principal rating → Kirim → Dinas PKO →
penetapan with a distribution warning → the teacher sees the predikat; and the Dinas side
for one principal with his Tim Kerja member."""

import re

import pytest
from playwright.sync_api import expect

from kinerja_web.demo import TAHUN_INI
from tests.e2e.bantu_e2e import keluar, masuk

pytestmark = pytest.mark.e2e


def nilai_perilaku(page, pilihan="Sesuai Ekspektasi"):
    expect(page.get_by_role("heading", name=re.compile("^Rating Perilaku Kerja:"))).to_be_visible()
    for grup in page.locator("fieldset.skala").all():
        legend = grup.locator("legend").inner_text()
        if legend in ("Perwujudan", "Dampak"):
            grup.get_by_label(pilihan).check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Perilaku Kerja tersimpan.")).to_be_visible()


def test_kepala_sekolah_menilai_dinas_pko_penetapan_guru_melihat(halaman_js, server):
    page = halaman_js
    nama = server.nama("guru12")
    masuk(page, server, "kepsek1")
    page.goto(server + "/penilaian?tab=selesai")
    baris = page.get_by_role("row").filter(has_text=nama)
    baris.get_by_role("link", name="Nilai", exact=True).click()
    expect(page.get_by_text("Belum selesai dinilai.")).to_be_visible()
    page.get_by_role("link", name="Nilai", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Rating Hasil Kerja: {nama}")).to_be_visible()
    expect(page.get_by_role("heading", name="Rating observasi")).to_be_visible()
    expect(page.get_by_role("heading", name="Dokumen tindak lanjut")).to_be_visible()
    for kriteria in ("Upaya Refleksi", "Upaya Mempelajari", "Perubahan Praktik"):
        page.locator("fieldset.skala", has_text=kriteria).get_by_label("Di Atas Ekspektasi").check()
    expect(page.locator("#rekomendasi")).to_contain_text("Rekomendasi: Di Atas Ekspektasi")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Hasil Kerja tersimpan.")).to_be_visible()
    page.get_by_role("link", name="Nilai", exact=True).nth(1).click()
    nilai_perilaku(page, "Di Atas Ekspektasi")
    expect(page.get_by_text("Sudah selesai dinilai.")).to_be_visible()
    expect(page.locator(".predikat")).to_have_text("Sangat Baik")
    page.goto(server + "/penilaian")
    page.get_by_role("button", name=re.compile(r"Kirim data \(\d+\)")).click()
    # A confirmation first: who is sent; "Ya, kirim" sends.
    expect(page.get_by_role("heading", name=re.compile("Kirim data Penilaian Kinerja"))
           ).to_be_visible()
    expect(page.get_by_text(nama)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Ya, kirim")).click()
    expect(page.get_by_text(re.compile(r"\d+ penilaian dikirim ke Dinas Pendidikan"))
           ).to_be_visible()
    keluar(page)

    masuk(page, server, "kadis")
    page.get_by_role("link", name="PKO", exact=True).click()
    page.get_by_role("row").filter(has_text="SD NEGERI 1 SADANGKULON").get_by_role(
        "link", name="Cek").click()
    page.get_by_label("Predikat Kinerja Organisasi", exact=True).select_option("baik")
    page.get_by_label(re.compile("Dasar penetapan")).fill("Rapor Pendidikan 2025 baik.")
    page.get_by_role("button", name="Tetapkan PKO").click()
    expect(page.get_by_text(re.compile("PKO SD NEGERI 1 SADANGKULON ditetapkan"))).to_be_visible()
    keluar(page)

    masuk(page, server, "kepsek1")
    page.get_by_role("link", name="Lakukan Penetapan").click()
    expect(page.get_by_role("heading", name="Penetapan Predikat Kinerja")).to_be_visible()
    expect(page.locator("#panel-distribusi")).to_contain_text("Distribusi belum sesuai")
    # Change the predikat live: the panel follows (htmx), still a warning for PKO Baik.
    page.get_by_label(f"Predikat {nama}").select_option("baik")
    expect(page.locator("#panel-distribusi")).to_contain_text("Baik paling banyak 70%")
    page.get_by_label(f"Predikat {nama}").select_option("sangat_baik")
    page.get_by_role("button", name="Kirim…").click()
    expect(page.get_by_role("alert")).to_contain_text("tuliskan pembenaran")
    page.get_by_label(re.compile("Pembenaran")).fill("Penetapan bertahap; guru lain menyusul.")
    page.get_by_role("button", name="Kirim…").click()
    expect(page.get_by_role("heading", name=re.compile("Tetapkan dan kirim Predikat Kinerja"))
           ).to_be_visible()
    page.get_by_role("button", name="Ya, kirim").click()
    expect(page.get_by_text(re.compile(r"Predikat Kinerja \d+ pegawai ditetapkan"))).to_be_visible()
    keluar(page)

    masuk(page, server, "guru12")
    expect(page.get_by_text(f"Predikat Kinerja {TAHUN_INI}: Sangat Baik")).to_be_visible()
    page.get_by_role("link", name="Lihat").first.click()
    expect(page.get_by_role("heading", name="Predikat Kinerja: Sangat Baik")).to_be_visible()
    expect(page.get_by_text("Angka kredit", exact=True)).to_be_visible()


def test_dinas_menilai_kepala_sekolah_bersama_tim_kerja(halaman_js, server):
    page = halaman_js
    nama = server.nama("kepsek5")
    masuk(page, server, "kadis")
    page.goto(server + "/dinas/pko")
    page.get_by_role("row").filter(has_text="SD NEGERI 3 WONOSARI").get_by_role(
        "link", name="Cek").click()
    page.get_by_label("Predikat Kinerja Organisasi", exact=True).select_option("istimewa")
    page.get_by_label(re.compile("Dasar penetapan")).fill("Rapor Pendidikan meningkat pesat.")
    page.get_by_role("button", name="Tetapkan PKO").click()
    expect(page.get_by_text(re.compile("ditetapkan; kepala sekolah dapat"))).to_be_visible()
    keluar(page)

    masuk(page, server, "timkerja2")
    page.get_by_role("link", name="Progres KS").click()
    expect(page.get_by_role("heading", name=re.compile("PROGRES PENILAIAN KS DEFINITIF"))
           ).to_be_visible()
    page.get_by_role("row").filter(has_text=nama).get_by_role("link", name="Cek").click()
    page.get_by_role("link", name="Nilai", exact=True).first.click()
    expect(page.get_by_text("Predikat Kinerja Organisasi sekolah menjadi Rating Hasil Kerja")
           ).to_be_visible()
    expect(page.locator("#rekomendasi")).to_contain_text("Rekomendasi: Di Atas Ekspektasi")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rating Hasil Kerja tersimpan.")).to_be_visible()
    page.get_by_role("link", name="Nilai", exact=True).nth(1).click()
    nilai_perilaku(page)
    expect(page.locator(".predikat")).to_have_text("Baik")
    page.get_by_role("link", name="Penilaian", exact=True).click()
    page.get_by_role("button", name=re.compile(r"Kirim data \(\d+\)")).click()
    page.get_by_role("button", name=re.compile(r"Ya, kirim")).click()
    expect(page.get_by_text(re.compile(r"\d+ penilaian dikirim"))).to_be_visible()
    keluar(page)

    masuk(page, server, "kadis")
    page.goto(server + "/dinas/penetapan")
    expect(page.get_by_role("heading", name=re.compile(r"\d+ Predikat Kinerja dapat dikirim"))
           ).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Mulai kirim \(\d+\)")).click()
    expect(page.get_by_label(f"Predikat {nama}")).to_have_value("baik")
    page.get_by_label(re.compile("Pembenaran")).fill("Penetapan bertahap.")
    page.get_by_role("button", name="Kirim…").click()
    page.get_by_role("button", name="Ya, kirim").click()
    expect(page.get_by_text(re.compile(r"Predikat Kinerja \d+ pegawai ditetapkan"))).to_be_visible()
    keluar(page)

    masuk(page, server, "kepsek5")
    expect(page.get_by_text(f"Predikat Kinerja {TAHUN_INI}: Baik")).to_be_visible()
