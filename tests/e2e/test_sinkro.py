"""Sinkro e-Kinerja end to end in a real Chromium: the Operator uploads the reference lists,
runs Cek Kesiapan Sinkro, sees the failures, fixes a school's UNOR through the roster import,
"Sinkro ulang" turns the teacher green, exports and downloads the files."""

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.bantu_e2e import masuk

pytestmark = pytest.mark.e2e
SEKOLAH = "SMP NEGERI 1 KEBUMEN"
UNOR_BARU = "UNOR-20301201-2025"


def guru_smp1(server):
    """(NIP, nama) of a teacher of SMP NEGERI 1 KEBUMEN with an agreed plan."""
    engine = create_engine(server.db_url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT p.nip, p.nama FROM pegawai p JOIN sekolah s ON s.id = p.sekolah_id "
            "JOIN skp k ON k.pegawai_id = p.id WHERE s.npsn = '20301201' "
            "AND k.status = 'disepakati' AND k.posisi = 'guru' ORDER BY p.id")).first()
    engine.dispose()
    return row


def unggah_ulang_daftar(page, judul, tmp_path):
    """Download the current list of one reference card and upload it again (idempotent)."""
    kartu = page.locator("section.kartu", has=page.get_by_role("heading", name=re.compile(judul)))
    with page.expect_download() as unduhan:
        kartu.get_by_role("link", name="Daftar saat ini (XLSX)").click()
    berkas = tmp_path / unduhan.value.suggested_filename
    unduhan.value.save_as(berkas)
    kartu.get_by_label("Berkas (.xlsx atau .csv)").set_input_files(berkas)
    kartu.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_role("heading", name=re.compile(f"Pratinjau {judul}"))).to_be_visible()
    expect(page.get_by_role("row", name="Kesalahan 0")).to_be_visible()
    expect(page.get_by_role("row", name="Baru 0")).to_be_visible()
    page.get_by_role("button", name="Simpan data").click()
    expect(page.get_by_text(re.compile(f"{judul} tersimpan: 0 baru, 0 diubah, 0 dihapus"))
           ).to_be_visible()


def test_operator_cek_perbaiki_sinkro_ulang_ekspor(halaman_js, server, tmp_path):
    page = halaman_js
    nip, nama = guru_smp1(server)
    masuk(page, server, "operator")
    expect(page.get_by_text("Belum siap sinkro e-Kinerja")).to_be_visible()

    # 1. The reference lists from BKD.
    page.get_by_role("link", name="Sinkro", exact=True).click()
    expect(page.get_by_role("heading", name="Cek Kesiapan Sinkro")).to_be_visible()
    page.get_by_role("link", name="Data Referensi").click()
    unggah_ulang_daftar(page, "Referensi Unit Kerja", tmp_path)
    page.get_by_role("link", name="‹ Data Referensi").click()
    unggah_ulang_daftar(page, "Daftar ASN SIASN", tmp_path)

    # 2. The pre-check for one school: the UNOR failures, with who fixes them.
    page.get_by_role("link", name="Sinkro", exact=True).click()
    page.get_by_label("Sekolah").select_option(label=SEKOLAH)
    baris = page.locator("#hasil")
    expect(baris).to_contain_text("Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit "
                                  "Kerja")
    expect(baris).to_contain_text("Unor di PMM Belum Padan")
    expect(baris).to_contain_text(f"Dinas mengganti unor_id {SEKOLAH} menjadi {UNOR_BARU}")
    expect(page).to_have_url(re.compile(r"sekolah=\d+"))

    # 3. An export: those who fail are listed and logged, not exported.
    page.get_by_role("link", name="Ekspor", exact=True).click()
    page.get_by_label("Perencanaan (SKP)").check()
    page.get_by_role("button", name="Ekspor sekarang").click()
    # The export runs in the background; its page follows the progress (htmx polling).
    expect(page.get_by_text(re.compile(r"Ekspor selesai"))).to_be_visible(timeout=60_000)
    page.get_by_role("link", name=re.compile(r"Lihat hasil ekspor #\d+")).click()
    expect(page.get_by_role("heading", name=re.compile("Pegawai yang tidak diekspor"))
           ).to_be_visible()

    # 4. The fix, in the roster: the school's UNOR as SIASN has it now.
    csv = f"npsn;nama;jenjang;status;unor_id\n20301201;{SEKOLAH};SMP;Negeri;{UNOR_BARU}\n"
    (tmp_path / "sekolah.csv").write_text(csv, encoding="utf-8")
    page.get_by_role("link", name="Impor Data").click()
    page.get_by_label("Berkas roster (.xlsx atau .csv)").set_input_files(tmp_path / "sekolah.csv")
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_text(re.compile(f"Sekolah {SEKOLAH}: unor id"))).to_be_visible()
    page.get_by_role("button", name="Simpan data").click()
    expect(page.get_by_role("heading", name="Data tersimpan")).to_be_visible()

    # 5. Log Sinkronisasi: the teacher's red row, "Sinkro ulang", a green row on top.
    page.get_by_role("link", name="Log Sinkro", exact=True).click()
    page.get_by_label("NIP").fill(nip)
    page.get_by_role("button", name="Filter").click()
    merah = page.locator("#hasil tbody tr").first
    expect(merah).to_contain_text("Gagal")
    expect(merah).to_contain_text("Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit "
                                  "Kerja")
    merah.get_by_role("button", name="Sinkro ulang").click()
    expect(page.get_by_text(re.compile(
        rf"Sinkro {re.escape(nama)} berhasil\. RHK Individu: RHK Masuk : \d"))).to_be_visible()
    hijau = page.locator("#hasil tbody tr").first
    expect(hijau).to_contain_text("Berhasil")
    expect(hijau).to_contain_text(re.compile(r"RHK Masuk : \d"))
    expect(hijau.locator(".lencana")).to_have_class(re.compile("hijau"))
    expect(page.locator("#hasil tbody tr").nth(1)).to_contain_text("Gagal")

    # 6. Export again and download what goes to e-Kinerja.
    page.get_by_role("link", name="Ekspor", exact=True).click()
    page.get_by_role("button", name="Ekspor sekarang").click()
    expect(page.get_by_text(re.compile(r"Ekspor selesai"))).to_be_visible(timeout=60_000)
    with page.expect_download() as unduhan:
        page.get_by_role("link", name="Unduh JSON Lines").click()
    jsonl = tmp_path / "ekinerja.jsonl"
    unduhan.value.save_as(jsonl)
    catatan = [json.loads(b) for b in jsonl.read_text(encoding="utf-8").splitlines()]
    assert nip in {c["nip"] for c in catatan}
    assert all(c["versi_format"] == "2" for c in catatan)
    with page.expect_download() as unduhan:
        page.get_by_role("link", name="Unduh manifes").click()
    manifes = json.loads(unduhan.value.path().read_text(encoding="utf-8"))
    assert manifes["jumlah"]["pegawai_diekspor"] == len(catatan)
    with page.expect_download() as unduhan:
        page.get_by_role("link", name="Unduh XLSX").click()
    assert unduhan.value.suggested_filename.endswith(".xlsx")
