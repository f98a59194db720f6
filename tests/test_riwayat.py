"""Issue 14 part 4: a teacher's history across two years (SKP, predikat, angka kredit of
the year, running total), the Angka Kredit document with its cumulative table (and a
verification code that covers it), who may see it, and the Dinas' Rekap by year."""

from datetime import date

import pytest
from bantu import baris_tabel, dom, masuk, teks, teks_dari
from bantu_cetak import cetak, rata, segar, teks_pdf, urutan
from bantu_riwayat import dinilai, tahun_kinerja
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai
from kinerja_web.models.cetak import Cetakan, DokumenTersimpan
from kinerja_web.models.penilaian import Penilaian


@pytest.fixture
def dua_tahun(dunia):
    """Guru Satu: Guru Ahli Pertama since November 2025 (2 months in 2025), Baik in 2025
    and Sangat Baik in 2026 — BKN's own example of the accumulation table: 2,08 + 18,75 =
    20,83. Guru Dua: only 2025 (Butuh Perbaikan, 12 months). The 2026 row runs on the
    2025 rules (no 2026.toml needed)."""
    w = dunia
    db.session.get(Pegawai, w.guru.id).tmt_jabatan = date(2025, 11, 3)
    db.session.commit()
    segar()
    w.skp25 = dinilai(w.guru, w.kepsek, 2025, "baik")
    w.skp26 = dinilai(w.guru, w.kepsek, 2026, "sangat_baik")
    w.skp_guru2 = dinilai(w.guru2, w.kepsek, 2025, "butuh_perbaikan")
    return w


def kartu_tahun(r):
    """{year: {label: value}} of the history page's year cards (the last dl of each)."""
    out = {}
    for sec in dom(r).css("section.kartu[id^=tahun-]"):
        tahun = int(sec.attributes["id"].removeprefix("tahun-"))
        isi = {}
        for dl in sec.css("dl.data"):
            for dt, dd in zip(dl.css("dt"), dl.css("dd"), strict=True):
                isi.setdefault(teks_dari(dt), []).append(teks_dari(dd))
        tombol = [teks_dari(b) for b in sec.css("form button")]
        out[tahun] = (isi, tombol)
    return out


# ------------------------------------------------------------------ the history page

def test_riwayat_dua_tahun_angka_kredit_dan_jumlah_berjalan(dua_tahun, buat_klien):
    w = dua_tahun
    k = masuk(buat_klien, "guru")
    r = k.get("/")
    assert "Riwayat Kinerja" in [teks_dari(a) for a in dom(r).css("nav a")]
    r = k.get("/riwayat")
    assert r.status_code == 200
    # Newest year first.
    assert [s.attributes["id"] for s in dom(r).css("section.kartu[id^=tahun-]")] == [
        "tahun-2026", "tahun-2025"]
    kartu = kartu_tahun(r)
    isi25, tombol25 = kartu[2025]
    assert isi25["Predikat Kinerja"] == ["Baik"]
    assert isi25["Angka kredit"] == ["2,08 (2 bulan, 100% × 12,5)"]
    assert isi25["Angka kredit tahun 2025"] == ["2,08"]
    assert isi25["Jumlah sampai 2025"] == ["2,08"]
    isi26, tombol26 = kartu[2026]
    assert isi26["Predikat Kinerja"] == ["Sangat Baik"]
    assert isi26["Angka kredit"] == ["18,75 (12 bulan, 150% × 12,5)"]
    assert isi26["Angka kredit tahun 2026"] == ["18,75"]
    assert isi26["Jumlah sampai 2026"] == ["20,83"]
    assert teks_dari(dom(r).css_first("#jumlah-ak")) == "20,83"
    # Each year prints its own documents.
    assert tombol25 == tombol26 == [
        "Cetak SKP", "Cetak Evaluasi Kinerja", "Cetak Dokumen Evaluasi",
        "Cetak Konversi Angka Kredit", "Cetak Akumulasi Angka Kredit"]
    aksi = {f.attributes["action"] for f in dom(r).css("#tahun-2025 form")}
    assert f"/cetak/ak_kumulatif/{w.skp25}" in aksi and f"/cetak/skp/{w.skp25}" in aksi
    assert all(f.css_first('input[name="csrf_token"]') for f in dom(r).css('form[method="post"]'))


def test_tahun_belum_ditetapkan_dan_plt_tanpa_angka_kredit(dunia, buat_klien):
    w = dunia
    dinilai(w.guru, w.kepsek, 2025, "baik")
    dinilai(w.guru, w.kepsek, 2026, "baik", kirim=False)  # rated, not set yet
    # The Plt.: his Guru SKP gives angka kredit, his acting post's never.
    dinilai(w.plt, w.kadis, 2025, "sangat_baik")
    dinilai(w.plt, w.kadis, 2025, "baik", posisi="plt_kepala_sekolah")
    k = masuk(buat_klien, "guru")
    isi26, tombol26 = kartu_tahun(k.get("/riwayat"))[2026]
    assert isi26["Predikat Kinerja"] == ["Belum ditetapkan"]
    assert isi26["Angka kredit tahun 2026"] == ["–"]
    assert isi26["Jumlah sampai 2026"] == ["12,50"]  # 2025's carried
    assert tombol26 == ["Cetak SKP"]
    k = masuk(buat_klien, "plt")
    isi, tombol = kartu_tahun(k.get("/riwayat"))[2025]
    assert isi["SKP"][0].startswith("Guru") and isi["SKP"][1].startswith("Plt. Kepala Sekolah")
    assert isi["Predikat Kinerja"] == ["Sangat Baik", "Baik"]
    assert isi["Angka kredit"][0] == "18,75 (12 bulan, 150% × 12,5)"
    assert isi["Angka kredit"][1].startswith("Predikat jabatan Plt. Kepala Sekolah tidak "
                                             "dikonversi")
    assert isi["Angka kredit tahun 2025"] == ["18,75"]
    assert tombol.count("Cetak Akumulasi Angka Kredit") == 1


def test_tanpa_skp_dan_tanpa_javascript(dunia, buat_klien):
    k = masuk(buat_klien, "guru")
    r = k.get("/riwayat")
    assert r.status_code == 200 and "Belum ada SKP di tahun mana pun." in teks(r)
    # Plain HTML: no table to scroll sideways (cards), no script of its own.
    assert dom(r).css("main table") == [] and dom(r).css("main script") == []


def test_riwayat_atasan_dan_dinas_boleh_orang_lain_404(dua_tahun, buat_klien):
    w = dua_tahun
    url = f"/pegawai/{w.guru.id}/riwayat"
    for username in ("kepsek", "operator", "kadis", "tim"):
        r = masuk(buat_klien, username).get(url)
        assert r.status_code == 200, username
        assert kartu_tahun(r)[2026][0]["Jumlah sampai 2026"] == ["20,83"]
    # Another teacher of the same school, a principal and the staff of another Dinas.
    for username in ("guru2", "guru_lain", "kepsek_lain", "operator_lain"):
        k = masuk(buat_klien, username)
        assert k.get(url).status_code == 404, username
        # Nor can they print the cumulative document.
        assert cetak(k, "ak_kumulatif", w.skp26).status_code == 404, username
    assert masuk(buat_klien, "operator").get("/pegawai/999999/riwayat").status_code == 404
    # The Dinas reaches it from the person's page.
    r = masuk(buat_klien, "operator").get(f"/dinas/pegawai/{w.guru.id}")
    assert url in [a.attributes.get("href") for a in dom(r).css("main a")]


def test_ringkasan_penilaian_menautkan_riwayat(dua_tahun, buat_klien):
    w = dua_tahun
    for username, harap in (("kepsek", f"/pegawai/{w.guru.id}/riwayat"), ("guru", "/riwayat")):
        r = masuk(buat_klien, username).get(f"/penilaian/{w.skp26}")
        assert r.status_code == 200, username
        tautan = {teks_dari(a): a.attributes.get("href") for a in dom(r).css("main a")}
        assert tautan["Riwayat Kinerja"] == harap, username


def test_riwayat_jumlah_query_tetap(dunia, buat_klien, hitung_query):
    w = dunia
    dinilai(w.guru, w.kepsek, 2025, "baik")
    k = masuk(buat_klien, "kepsek")
    url = f"/pegawai/{w.guru.id}/riwayat"
    k.get(url)
    with hitung_query() as satu:
        assert k.get(url).status_code == 200
    dinilai(w.guru, w.kepsek, 2026, "baik")
    dinilai(w.guru, w.kepsek, 2027, "baik")
    dinilai(w.guru, w.kepsek, 2027, "baik", posisi="plt_kepala_sekolah")
    with hitung_query() as tiga:
        r = k.get(url)
        assert len(kartu_tahun(r)) == 3
    assert len(tiga) == len(satu) <= 8, tiga


# ------------------------------------------------------------------ the cumulative print

def test_cetak_akumulasi_angka_kredit_dan_kode_verifikasi(dua_tahun, buat_klien):
    w = dua_tahun
    k = masuk(buat_klien, "guru")
    r = cetak(k, "ak_kumulatif", w.skp26)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    t = teks_pdf(r.data)
    urutan(t, [
        "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT", "Periode 1 Januari s.d. 31 Desember 2026",
        "SANGAT BAIK 150% 12,5 18,75 (12 bulan)",
        "AKUMULASI ANGKA KREDIT",
        "TAHUN PREDIKAT PROSENTASE KOEFISIEN PER TAHUN BULAN ANGKA KREDIT",
        "2025 BAIK 100% 12,5 2 2,08",
        "2026 SANGAT BAIK 150% 12,5 12 18,75",
        "JUMLAH ANGKA KREDIT KUMULATIF 20,83",
        "Ditetapkan di",
    ])
    segar()
    c = db.session.scalar(select(Cetakan).where(Cetakan.skp_id == w.skp26,
                                                Cetakan.jenis == "ak_kumulatif"))
    assert c.nilai["akumulasi"] == [[2025, "baik", 2, "2.08"],
                                    [2026, "sangat_baik", 12, "18.75"]]
    assert c.nilai["jumlah"] == "20.83"
    kode = c.kode
    assert f"Kode verifikasi: {kode}" in rata(t)
    # Stored under its code like every document: the next print is served from it.
    simpan = db.session.scalar(select(DokumenTersimpan).where(DokumenTersimpan.kode == kode))
    assert simpan is not None and simpan.jenis == "ak_kumulatif"
    segar()
    assert cetak(k, "ak_kumulatif", w.skp26).data == r.data
    v = k.get(f"/verifikasi/{kode}")
    assert "Dokumen asli" in teks(v)
    assert "Konversi Angka Kredit dengan Akumulasi" in teks(v)
    # The plain Angka Kredit print has no cumulative table; its code is another one.
    polos_ = teks_pdf(cetak(k, "angka_kredit", w.skp26).data)
    assert "AKUMULASI" not in polos_ and "18,75 (12 bulan)" in polos_
    # 2025's document accumulates up to 2025 only.
    t25 = teks_pdf(cetak(k, "ak_kumulatif", w.skp25).data)
    urutan(t25, ["2025 BAIK 100% 12,5 2 2,08", "JUMLAH ANGKA KREDIT KUMULATIF 2,08"])
    tabel25 = t25.split("AKUMULASI ANGKA KREDIT")[1].split("Ditetapkan di")[0]
    assert "2026" not in tabel25

    # An earlier year's predikat changes: the 2026 code covered it, so it no longer holds.
    segar()
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == w.skp25))
    pen.predikat = "sangat_baik"
    db.session.commit()
    segar()
    assert "datanya telah berubah" in teks(k.get(f"/verifikasi/{kode}"))
    urutan(teks_pdf(cetak(k, "ak_kumulatif", w.skp26).data), [
        "2025 SANGAT BAIK 150% 12,5 2 3,13", "JUMLAH ANGKA KREDIT KUMULATIF 21,88"])


def test_pracetak_menyimpan_akumulasi_dan_cetak_dilayani_darinya(dua_tahun, buat_klien,
                                                                 app):
    """Pre-rendered like the other documents once a predikat is set (pracetak.NILAI): the
    job stores it once; the print is then the stored file."""
    from kinerja_web import pracetak
    from kinerja_web.dokumen import pracetak as perender

    w = dua_tahun
    assert "ak_kumulatif" in pracetak.NILAI
    app.config["CETAK_PROSES"] = False
    # Signed in first: the documents print the address the app is reached at.
    k = masuk(buat_klien, "kepsek")
    assert perender.jalankan([("ak_kumulatif", w.skp26)]) == 1
    segar()
    assert perender.jalankan([("ak_kumulatif", w.skp26)]) == 0  # same data: nothing to do
    segar()
    simpan = db.session.scalar(select(DokumenTersimpan).where(
        DokumenTersimpan.skp_id == w.skp26, DokumenTersimpan.jenis == "ak_kumulatif"))
    isi = bytes(simpan.pdf)
    segar()
    r = cetak(k, "ak_kumulatif", w.skp26)
    assert r.status_code == 200 and r.data == isi
    assert "JUMLAH ANGKA KREDIT KUMULATIF 20,83" in teks_pdf(isi)


def test_cetak_batch_menawarkan_akumulasi(dua_tahun, buat_klien):
    r = masuk(buat_klien, "operator").get("/cetak/batch")
    pilihan = {o.attributes["value"]: teks_dari(o) for o in dom(r).css("select#jenis option")}
    assert pilihan["ak_kumulatif"] == "Konversi Angka Kredit dengan Akumulasi"


# ------------------------------------------------------------------ Rekap by year

def test_rekap_per_tahun(dua_tahun, buat_klien):
    op = masuk(buat_klien, "operator")
    # Both years run side by side: the newest is shown first.
    r = op.get("/dinas/rekap")
    assert teks_dari(dom(r).css_first("#tahun-rekap")) == "2026"
    pilihan = [(o.attributes["value"], "selected" in o.attributes)
               for o in dom(r).css("select#tahun option")]
    assert pilihan == [("2026", True), ("2025", False)]
    assert [b[0] for b in baris_tabel(r)] == ["Guru Satu"]
    assert baris_tabel(r)[0][4:6] == ["Sangat Baik", "18,75"]
    # The tabs and the downloads keep the year.
    r = op.get("/dinas/rekap?tahun=2026")
    tab = [a.attributes["href"] for a in dom(r).css("nav.tab a")]
    assert all("tahun=2026" in h for h in tab)
    unduh = op.get("/dinas/rekap.csv?tahun=2026")
    isi = unduh.data.decode("utf-8-sig")
    assert "Guru Satu" in isi and "Guru Dua" not in isi and "18,75" in isi

    r = op.get("/dinas/rekap?tahun=2025")
    assert teks_dari(dom(r).css_first("#tahun-rekap")) == "2025"
    assert [o.attributes["value"] for o in dom(r).css("select#tahun option[selected]")] == [
        "2025"]
    baris = {b[0]: b for b in baris_tabel(r)}
    assert sorted(baris) == ["Guru Dua", "Guru Satu"]
    assert baris["Guru Satu"][4:6] == ["Baik", "2,08"]
    assert baris["Guru Dua"][4:6] == ["Butuh Perbaikan", "9,38"]

    # A year that does not exist: said so, and the year chosen last instead.
    r = op.get("/dinas/rekap?tahun=2019")
    assert r.status_code == 200
    assert "Tahun kinerja 2019 tidak ada; yang ditampilkan tahun 2025." in teks(r)
    assert sorted(b[0] for b in baris_tabel(r)) == ["Guru Dua", "Guru Satu"]


def test_tahun_2026_dengan_aturan_2025_menghitung_bulan_di_2026(dunia):
    """A 2026 row on the 2025 rules counts months inside 2026 (TMT in July 2026: 6)."""
    from kinerja_web import aturan
    from kinerja_web.penilaian.angka import angka_kredit

    p = db.session.get(Pegawai, dunia.guru.id)
    p.tmt_jabatan = date(2026, 7, 1)
    atr = aturan.muat_aturan(tahun_kinerja(2026).aturan)
    assert angka_kredit(p, "baik", atr, "guru", tahun=2026).bulan == 6
    assert angka_kredit(p, "baik", atr, "guru", tahun=2025).nilai is None  # not yet in the post
    db.session.rollback()
