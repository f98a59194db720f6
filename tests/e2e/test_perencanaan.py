"""Planning end to end in a real Chromium: teacher → principal (one adjustment) → teacher
agrees, with and without JavaScript; and a principal's plan through the Kepala Dinas."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.bantu_e2e import keluar, masuk

pytestmark = pytest.mark.e2e


def isi_rencana(page, server, praktik, kompetensi, aspek, tugas_tambahan="Tidak"):
    """The five-step wizard from Beranda to "Ajukan"."""
    page.get_by_role("link", name=re.compile("Buat")).click()
    page.get_by_role("button", name="Mulai Perencanaan Kinerja").first.click()
    expect(page.get_by_role("heading", name="1. Pelaksanaan Tugas Pokok 5M")).to_be_visible()
    if tugas_tambahan is not None:
        page.get_by_label(tugas_tambahan, exact=True).check()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="2. Praktik Kinerja")).to_be_visible()
    page.get_by_text(praktik, exact=True).click()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="3. Pengembangan Kompetensi")).to_be_visible()
    page.get_by_text(kompetensi).click()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="4. Perilaku Kerja")).to_be_visible()
    for a in aspek:
        page.get_by_text(a, exact=True).click()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading",
                            name="5. Rangkuman Perencanaan Kinerja Anda")).to_be_visible()
    expect(page.get_by_text("Belum lengkap")).to_have_count(0)
    page.get_by_role("button", name="Ajukan").click()
    expect(page.get_by_role("heading", name="Menunggu persetujuan atasan")).to_be_visible()


def test_guru_kepala_sekolah_sepakat(page, server):
    guru = "guru1" if page.js else "guru2"
    masuk(page, server, guru)
    isi_rencana(page, server, "Keteraturan suasana kelas",
                "1.2 Pembelajaran efektif yang berpusat pada peserta didik",
                ["Kompeten", "Kolaboratif"])
    keluar(page)

    masuk(page, server, "kepsek1")
    # Beranda → Persetujuan Perencanaan Kinerja, tab "Menunggu persetujuan"
    page.get_by_role("link", name="Cek").first.click()
    expect(page.get_by_role("heading", name="Persetujuan Perencanaan Kinerja")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Menunggu persetujuan \(\d+\)"))
           ).to_have_attribute("aria-current", "page")
    page.get_by_label("Cari nama").fill(server.nama(guru))
    if not page.js:
        page.get_by_role("button", name="Cari").click()
    page.get_by_role("row").filter(has_text=server.nama(guru)).get_by_role(
        "link", name="Cek").click()
    expect(page.get_by_role("heading", name="1. Hasil Kerja Utama")).to_be_visible()
    page.get_by_text("Penerapan disiplin positif", exact=True).click()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="2. Hasil Kerja Tambahan")).to_be_visible()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="3. Perilaku Kerja")).to_be_visible()
    page.get_by_label("Ekspektasi Khusus Pimpinan — Kompeten").fill("Aktif berbagi di KKG.")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_role("heading", name="4. Persetujuan")).to_be_visible()
    expect(page.get_by_text("ADA PENYESUAIAN DARI ATASAN").first).to_be_visible()
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text(re.compile("disetujui\\."))).to_be_visible()
    keluar(page)

    masuk(page, server, guru)
    expect(page.get_by_text("Perencanaan Kinerja Anda sudah disetujui atasan")).to_be_visible()
    page.get_by_role("link", name="Cek dan sepakati").click()
    expect(page.get_by_text("ADA PENYESUAIAN DARI ATASAN").first).to_be_visible()
    expect(page.get_by_text("Pilihan pegawai semula")).to_be_visible()
    expect(page.get_by_text("Aktif berbagi di KKG.")).to_be_visible()
    page.get_by_role("button", name="Sepakati").click()
    expect(page.get_by_role("heading", name="Perencanaan Kinerja disepakati")).to_be_visible()


def test_rencana_kepala_sekolah_melalui_dinas(page, server):
    """With JS: kepsek4 plans, his Tim Kerja member approves on the Kepala Dinas' behalf.
    Without JS: kepsek6 fixes a returned plan, the Kepala Dinas approves."""
    kepsek, penyetuju = ("kepsek4", "timkerja1") if page.js else ("kepsek6", "kadis")
    masuk(page, server, kepsek)
    if page.js:
        isi_rencana(page, server, "Refleksi pengelolaan kurikulum sekolah",
                    "1.2 Pengembangan diri melalui kebiasaan refleksi", ["Adaptif"],
                    tugas_tambahan=None)
    else:
        expect(page.get_by_text("Perencanaan Kinerja dikembalikan atasan")).to_be_visible()
        page.get_by_role("link", name="Perbaiki").click()
        expect(page.get_by_text("Dikembalikan atasan:")).to_be_visible()
        page.get_by_role("link", name="2 Praktik Kinerja").click()
        page.get_by_text("Aktivasi kegiatan komunitas belajar", exact=True).click()
        page.get_by_role("button", name="Lanjut").click()
        page.get_by_role("link", name="5 Rangkuman").click()
        page.get_by_role("button", name="Ajukan").click()
        expect(page.get_by_role("heading", name="Menunggu persetujuan atasan")).to_be_visible()
    keluar(page)

    masuk(page, server, penyetuju)
    page.goto(server + "/persetujuan?tab=diajukan")
    expect(page.get_by_role("columnheader", name="Satuan Pendidikan")).to_be_visible()
    page.get_by_role("row").filter(has_text=server.nama(kepsek)).get_by_role(
        "link", name="Cek").click()
    page.get_by_role("link", name="4 Persetujuan").click()
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text(re.compile("disetujui\\."))).to_be_visible()
    keluar(page)

    masuk(page, server, kepsek)
    page.get_by_role("link", name="Cek dan sepakati").click()
    expect(page.get_by_text("Tidak ada penyesuaian dari atasan.")).to_be_visible()
    page.get_by_role("button", name="Sepakati").click()
    expect(page.get_by_role("heading", name="Perencanaan Kinerja disepakati")).to_be_visible()
