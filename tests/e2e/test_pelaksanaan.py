"""The praktik-kinerja cycle end to end in a real Chromium, teacher ↔ principal, with and
without JavaScript; and a save while the connection drops."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.bantu_e2e import keluar, masuk

pytestmark = pytest.mark.e2e


def buka_langkah(page, n, judul):
    page.get_by_role("link", name=re.compile(rf"^{n} {judul}")).click()
    expect(page.get_by_role("heading", name=f"{n}. {judul}")).to_be_visible()


def di_langkah(page, n, judul):
    """The page opened at this step (the indicator shows it as the current one)."""
    expect(page.get_by_role("heading", name=f"{n}. {judul}")).to_be_visible()
    expect(page.locator('[aria-current="step"]')).to_contain_text(judul)


def isi_fokus(page):
    """Tick the first catalogue fokus perilaku, or type one where the catalogue has none."""
    kotak = page.locator("input[name=fokus]")
    if kotak.count():
        kotak.first.check()
    else:
        page.get_by_label("Fokus perilaku lain (satu per baris)").fill(
            "Memberi umpan balik yang spesifik\nMenyapa murid satu per satu")


def test_siklus_praktik_kinerja_guru_dan_kepala_sekolah(page, server):
    guru = "guru15" if page.js else "guru16"
    nama = server.nama(guru)
    masuk(page, server, guru)
    page.get_by_role("link", name="Pelaksanaan", exact=True).click()
    page.get_by_role("link", name="Cek Praktik Kinerja").click()
    expect(page.get_by_role("heading", name="1. Diskusi persiapan")).to_be_visible()
    isi_fokus(page)
    page.get_by_label("Upaya yang akan Anda lakukan").fill("Membaca modul ✓\nBerdiskusi di KKG")
    page.get_by_label("Usulan jadwal observasi").fill("2025-02-10")
    page.get_by_role("button", name="Kirim ke atasan").click()
    expect(page.get_by_text("Terkirim ke atasan.")).to_be_visible()
    keluar(page)

    masuk(page, server, "kepsek2")
    page.get_by_role("link", name="Penilaian", exact=True).click()
    expect(page.get_by_role("heading", name="Daftar Penilaian Kinerja")).to_be_visible()
    page.get_by_role("row").filter(has_text=nama).get_by_role("link", name="Cek").click()
    expect(page.get_by_text("Membaca modul ✓")).to_be_visible()
    page.get_by_label("Jadwal observasi yang disepakati").fill("2025-02-12")
    page.get_by_role("button", name="Sepakati jadwal").click()
    expect(page.get_by_role("heading", name="2. Observasi")).to_be_visible()
    for grup in page.locator("fieldset.rubrik").all():
        grup.get_by_label("Dilakukan tapi belum efektif").check()
    page.get_by_label("Rekomendasi tindak lanjut").fill("Latih setiap pertemuan.")
    page.get_by_role("button", name="Selesai observasi").click()
    expect(page.get_by_text(re.compile("Observasi selesai"))).to_be_visible()
    keluar(page)

    masuk(page, server, guru)
    page.goto(server + "/pelaksanaan")
    page.get_by_role("link", name="Cek Praktik Kinerja").click()
    buka_langkah(page, 2, "Observasi")
    expect(page.get_by_text("bukan nilai akhir")).to_be_visible()
    buka_langkah(page, 3, "Diskusi tindak lanjut")
    for label, isi in (("Tantangan/kendala", "Kelas besar"), ("Tujuan", "Semua murid aktif"),
                       ("Upaya", "Rotasi peran"), ("Jadwal aksi", "Maret–Mei"),
                       ("Dukungan yang dibutuhkan", "Observasi ulang")):
        page.get_by_label(label, exact=True).fill(isi)
    page.get_by_role("button", name="Kirim ke atasan").click()
    expect(page.get_by_text("Terkirim ke atasan.")).to_be_visible()
    keluar(page)

    masuk(page, server, "kepsek2")
    page.goto(server + "/penilaian?tab=tindak_lanjut")
    page.get_by_role("row").filter(has_text=nama).get_by_role("link", name="Cek").click()
    di_langkah(page, 3, "Diskusi tindak lanjut")  # "Cek" opens the step the cycle is at
    page.get_by_label("2 — Sesuai harapan").check()
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_text("Diskusi tindak lanjut diterima.")).to_be_visible()
    keluar(page)

    masuk(page, server, guru)
    page.goto(server + "/pelaksanaan")
    page.get_by_role("link", name="Cek Praktik Kinerja").click()
    buka_langkah(page, 4, "Upaya tindak lanjut")
    page.get_by_label("Tanggal").fill("2025-03-17")
    page.get_by_label("Apa yang sudah Anda lakukan?").fill("Kesepakatan kelas disusun.")
    page.get_by_role("button", name="Tambah catatan").click()
    expect(page.get_by_text("Kesepakatan kelas disusun.")).to_be_visible()
    buka_langkah(page, 5, "Refleksi tindak lanjut")
    page.get_by_label(re.compile("Bagaimana refleksi Anda")).fill("Saya lebih sadar.")
    page.get_by_label("Apa yang berubah dalam praktik Anda?").fill("Memulai dengan kesepakatan.")
    page.get_by_label("Apa dampaknya pada murid?").fill("Murid lebih berani bertanya.")
    page.get_by_role("button", name="Kirim ke atasan").click()
    expect(page.get_by_text("Terkirim ke atasan.")).to_be_visible()
    page.goto(server + "/pelaksanaan")
    page.get_by_role("link", name="Lakukan").first.click()
    page.get_by_label("Inspirasi 1").fill("Saya jadi lebih tahu langkah memprioritaskan murid.")
    page.get_by_label("Penerapan 1").fill("Saya mempraktikkannya di kelas.")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Refleksi tersimpan.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Per isian tanggal \d+ \w+ \d{4}"))).to_be_visible()
    keluar(page)

    masuk(page, server, "kepsek2")
    page.goto(server + "/penilaian?tab=refleksi")
    page.get_by_role("row").filter(has_text=nama).get_by_role("link", name="Cek").click()
    di_langkah(page, 5, "Refleksi tindak lanjut")
    page.get_by_label("3 — Melampaui harapan").check()
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_text("Refleksi tindak lanjut diterima.")).to_be_visible()
    page.goto(server + "/penilaian?tab=selesai")
    expect(page.get_by_role("row").filter(has_text=nama)).to_contain_text("Sudah selesai")


def test_simpan_saat_koneksi_putus(halaman_js, server):
    """The autosave fails offline: the text stays and a message says so; back online the
    save is sent again and succeeds."""
    page = halaman_js
    masuk(page, server, "guru17")
    page.goto(server + "/pelaksanaan")
    page.get_by_role("link", name="Cek Praktik Kinerja").click()
    teks = "Saya akan mempelajari modul — catatan panjang yang diketik di HP 📱"
    page.context.set_offline(True)
    page.get_by_label("Upaya yang akan Anda lakukan").fill(teks)
    expect(page.get_by_text(re.compile("Belum tersimpan: koneksi terputus"))).to_be_visible(
        timeout=10_000)
    expect(page.get_by_label("Upaya yang akan Anda lakukan")).to_have_value(teks)
    page.context.set_offline(False)
    expect(page.get_by_text(re.compile("Draf tersimpan otomatis"))).to_be_visible(
        timeout=10_000)
    page.reload()
    expect(page.get_by_label("Upaya yang akan Anda lakukan")).to_have_value(teks)
