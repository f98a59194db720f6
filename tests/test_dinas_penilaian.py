"""Penilaian Kinerja (issue 5), the Dinas' side: the PKO and its Rekap, Progres Penilaian
Kepala Sekolah oleh Tim Kerja, Daftar Penetapan and Rekap Penetapan (Tahunan) with angka
kredit and their exports, Tim Kerja plotting, access across schools and Dinas, and the
query and size budgets of these pages.

The helpers and fixtures come from bantu_penilaian.py (shared with test_penilaian.py).
"""

import csv
import gzip
import io
from datetime import date, timedelta
from types import SimpleNamespace

import bantu_penilaian as _bersama
import pytest
from bantu import (
    atribut,
    baris_tabel,
    dom,
    galat,
    hitung_tab,
    masuk,
    opsi,
    pesan,
    teks,
    teks_dari,
    teks_semua,
)
from bantu_penilaian import (
    HX,
    LABEL_PREDIKAT,
    audit,
    ikuti,
    isian_penetapan,
    jumlah,
    kirim_data,
    penilaian,
    segar,
    simpan_hasil,
    simpan_perilaku,
    tahun,
    url_hasil,
    url_perilaku,
)
from openpyxl import load_workbook
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import (
    Pegawai,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    Skp,
)
from kinerja_web.models.pelaksanaan import Praktik
from kinerja_web.models.penilaian import Penetapan, Pengiriman, Penilaian, PkoSekolah

alat = _bersama.alat
BATAS_QUERY = 8
BATAS_HALAMAN = 14 * 1024
BATAS_PANEL = 3 * 1024


def semua_baris(k, url):
    """Every row of a paginated list, following "Berikutnya"."""
    out = []
    while url:
        r = k.get(url)
        assert r.status_code == 200, url
        out += baris_tabel(r)
        url = atribut(r, 'a[rel="next"]', "href")
    return out


def cocokkan_tab(k, url, tabs):
    """Each tab's count equals the rows listed under it; returns {kode: rows}."""
    r = k.get(url)
    hitung = hitung_tab(r)
    out = {}
    pemisah = "&" if "?" in url else "?"
    for kode, label in tabs:
        rows = semua_baris(k, f"{url}{pemisah}tab={kode}")
        assert hitung[label] == len(rows), (url, label, hitung[label], len(rows))
        out[kode] = rows
    return out


def kadis_lain(make_pegawai, tugaskan, w):
    p = make_pegawai(dinas=SimpleNamespace(id=w.dinas_lain.id), username="kadis_lain",
                     nama="Kadis Lain", jabatan="Kepala Dinas")
    tugaskan(p, "kepala_dinas")
    db.session.commit()
    segar()


# ------------------------------------------------------------------ 4. PKO


def test_pko_hanya_kepala_dinas_dengan_alasan_dan_diaudit(alat, buat_klien):
    s = alat.sekolah(["baik", "sangat_baik"])
    url = f"/dinas/pko/{s.id}"
    for username in ("operator", "tim"):
        k = masuk(buat_klien, username)
        r = k.get(url)
        assert r.status_code == 200 and "PKO ditetapkan oleh Kepala Dinas." in teks(r)
        assert 'name="pko"' not in r.text
        # No form for them; a forged post is refused.
        assert k.post(url, {"pko": "baik", "alasan": "Rapor baik."}).status_code == 422
    for username in ("kepsek", "guru"):
        assert masuk(buat_klien, username).post(url, {"pko": "baik", "alasan": "x"}
                                                ).status_code == 403
    assert jumlah(PkoSekolah) == 0
    kadis = masuk(buat_klien, "kadis")
    r = kadis.get(url)
    assert "Penilaian diterima: 2 dari 2 guru" in teks(r)
    assert "Predikat rekomendasi: Sangat Baik 1, Baik 1, Butuh Perbaikan 0, Kurang 0, " \
           "Sangat Kurang 0." in teks(r)
    r = kadis.post(url, {"pko": "", "alasan": "Rapor Pendidikan baik."})
    assert r.status_code == 422 and galat(r) == "Pilih Predikat Kinerja Organisasi."
    r = kadis.post(url, {"pko": "baik", "alasan": "  "})
    assert r.status_code == 422
    assert galat(r) == "Tuliskan dasar penetapan PKO (mis. capaian Rapor Pendidikan)."
    assert '<option selected value="baik">' in r.text  # the choice is kept
    assert jumlah(PkoSekolah) == 0 and audit("pko_ditetapkan") == []
    r = ikuti(kadis, kadis.post(url, {"pko": "baik", "alasan": "Rapor Pendidikan baik."}))
    assert ("PKO SD NEGERI 1 SATU ditetapkan; kepala sekolah dapat menetapkan predikat guru."
            in pesan(r))
    assert "PKO saat ini: Baik — Rapor Pendidikan baik." in teks(r)
    ikuti(kadis, kadis.post(url, {"pko": "istimewa", "alasan": "Koreksi: juara lomba."}))
    a = audit("pko_ditetapkan")
    assert [(x.dari, x.ke, x.catatan) for x in a] == [
        (None, "baik", "Rapor Pendidikan baik."), ("baik", "istimewa", "Koreksi: juara lomba.")]
    segar()
    pko = db.session.scalar(select(PkoSekolah))
    assert (pko.pko, pko.alasan, pko.versi, a[0].objek_id) == (
        "istimewa", "Koreksi: juara lomba.", 2, pko.id)
    segar()


def test_pko_ditolak_sebelum_ada_penilaian_diterima(alat, buat_klien):
    s = alat.sekolah(["baik"], kirim=False)
    kadis = masuk(buat_klien, "kadis")
    url = f"/dinas/pko/{s.id}"
    r = kadis.get(url)
    assert "Penilaian diterima: 0 dari 1 guru" in teks(r)
    r = kadis.post(url, {"pko": "baik", "alasan": "Rapor Pendidikan baik."})
    assert r.status_code == 422
    assert galat(r) == "Belum ada penilaian yang dikirim kepala sekolah dari sekolah ini."
    r = kadis.post(f"/dinas/pko/{alat.w.sekolah_plt.id}", {"pko": "baik", "alasan": "x"})
    assert r.status_code == 422 and "Belum ada penilaian" in galat(r)
    assert jumlah(PkoSekolah) == 0
    alat.kirim(s.id, oleh="kepsek")
    ikuti(kadis, kadis.post(url, {"pko": "baik", "alasan": "Rapor Pendidikan baik."}))
    assert jumlah(PkoSekolah) == 1


TAB_PKO = (("semua", "Semua"), ("belum", "Belum selesai dinilai oleh Kepala Sekolah"),
           ("siap", "Siap dikirim"), ("sudah", "Sudah dikirim"))


def test_rekap_pko_jumlah_tab_sesuai_baris_dan_predikat_per_sekolah(alat, buat_klien):
    sudah = alat.sekolah(["baik", "butuh_perbaikan"], pko="baik")
    siap = alat.sekolah(["sangat_baik", "baik", "baik"], kepsek="ks_siap", jenjang="smp")
    sebagian = alat.sekolah(["kurang"], kepsek="ks_sebagian", tambahan=1)
    kosong = alat.sekolah([], kepsek="ks_kosong")
    k = masuk(buat_klien, "operator")
    per_tab = cocokkan_tab(k, "/dinas/pko", TAB_PKO)
    nama = {kode: [b[0] for b in rows] for kode, rows in per_tab.items()}
    segar()
    sekolah = {s.id: db.session.get(Sekolah, s.id).nama for s in (sudah, siap, sebagian, kosong)}
    segar()
    assert nama["sudah"] == [sekolah[sudah.id]]
    assert nama["siap"] == [sekolah[siap.id]]
    assert sorted(nama["belum"]) == sorted([sekolah[sebagian.id], sekolah[kosong.id],
                                            "SMP NEGERI 2 DUA"])
    assert sorted(nama["semua"]) == sorted(nama["sudah"] + nama["siap"] + nama["belum"])
    assert "SD NEGERI 3 TIGA" not in nama["semua"]  # another Dinas
    baris = {b[0]: b for b in per_tab["semua"]}
    # Satuan Pendidikan, Guru, Diterima, five predikat, PKO
    assert baris[sekolah[siap.id]][1:9] == ["3", "3", "1", "2", "0", "0", "0", "–"]
    assert baris[sekolah[sudah.id]][1:9] == ["2", "2", "0", "1", "1", "0", "0", "Baik"]
    assert baris[sekolah[sebagian.id]][1:9] == ["2", "1", "0", "0", "0", "1", "0", "–"]
    assert baris[sekolah[kosong.id]][1:3] == ["0", "0"]
    # Search and jenjang filter keep the tab counts in step with the rows.
    r = k.get("/dinas/pko?jenjang=smp")
    assert hitung_tab(r) == {"Semua": 2, "Belum selesai dinilai oleh Kepala Sekolah": 1,
                             "Siap dikirim": 1, "Sudah dikirim": 0}
    r = k.get("/dinas/pko?q=satu", headers=HX)
    assert "<html" not in r.text and [b[0] for b in baris_tabel(r)] == ["SD NEGERI 1 SATU"]
    assert hitung_tab(r)["Semua"] == 1
    # Per school: each teacher's status and recommended predikat.
    r = k.get(f"/dinas/pko/{sebagian.id}")
    assert sorted(b[1:3] for b in baris_tabel(r)) == [["Belum selesai dinilai", "–"],
                                                      ["Diterima", "Kurang"]]


# ------------------------------------------------------------------ 6. Dinas dashboards


def test_progres_kepala_sekolah_per_jenis_hanya_yang_belum_selesai(alat, buat_klien):
    w = alat.w
    ks_skp = alat.skp("kepsek", posisi="kepala_sekolah")
    plt_skp = alat.skp("plt", posisi="plt_kepala_sekolah", tanpa=("refleksi",))
    plt_guru = alat.skp("plt", posisi="guru", tanpa=("validasi",))
    kadis = masuk(buat_klien, "kadis")
    r = kadis.get("/dinas/progres")
    assert hitung_tab(r) == {"Kepala Sekolah Definitif": 1, "Plt. Kepala Sekolah": 1, "Guru": 1}
    assert "PROGRES PENILAIAN KS DEFINITIF YANG BELUM SELESAI" in r.text
    assert "Tim Kerja" in teks_semua(r, "th")
    assert baris_tabel(r) == [["Kepala Satu", "Kepala Sekolah Definitif", "SD NEGERI 1 SATU",
                               "Tim Satu", "Sudah selesai", "Belum dinilai", "Cek"]]
    assert f'href="/penilaian/{ks_skp}"' in r.text
    r = kadis.get("/dinas/progres?jenis=plt_kepala_sekolah")
    assert "PROGRES PENILAIAN PLT. KS YANG BELUM SELESAI" in r.text
    assert baris_tabel(r) == [["Plt Dua", "Plt. Kepala Sekolah", "SMP NEGERI 2 DUA", "–",
                               "Nilai refleksi tindak lanjut", "Belum dinilai", "Cek"]]
    r = kadis.get("/dinas/progres?jenis=guru", headers=HX)
    assert "<html" not in r.text
    assert "PROGRES PENILAIAN PLT. KS DARI GURU YANG BELUM SELESAI" in r.text
    assert baris_tabel(r) == [["Plt Dua", "Guru", "SMP NEGERI 2 DUA", "–", "Sudah selesai",
                               "Belum dinilai", "Cek"]]
    assert f'href="/penilaian/{plt_guru}"' in r.text and plt_skp
    # The Tim Kerja member sees the principals plotted to him.
    tim = masuk(buat_klien, "tim")
    assert hitung_tab(tim.get("/dinas/progres")) == {
        "Kepala Sekolah Definitif": 1, "Plt. Kepala Sekolah": 0, "Guru": 0}
    # Once finished, a principal leaves the list.
    alat.sekolah(["baik"], pko="baik")
    ikuti(tim, simpan_hasil(tim, ks_skp))
    r = kadis.get("/dinas/progres")
    assert baris_tabel(r)[0][5] == "Belum dinilai"
    ikuti(tim, simpan_perilaku(tim, ks_skp, ["sesuai"] * 14))
    r = kadis.get("/dinas/progres")
    assert hitung_tab(r)["Kepala Sekolah Definitif"] == 0 and baris_tabel(r) == []
    assert "Semua sudah selesai dinilai atau tidak ada yang cocok." in teks(r)
    r = kadis.get("/dinas/progres?jenis=guru&q=dua")
    assert [b[0] for b in baris_tabel(r)] == ["Plt Dua"]
    assert hitung_tab(kadis.get("/dinas/progres?q=tidakada"))["Guru"] == 0
    assert w.kepsek_lain.nama not in kadis.get("/dinas/progres").text


TAB_PENETAPAN = (("semua", "Semua"), ("belum_dikirim", "Belum dikirim"),
                 ("sudah_dikirim", "Sudah dikirim"), ("belum_dinilai", "Belum selesai dinilai"))


def test_daftar_penetapan_jumlah_per_predikat_jenis_dan_tab(alat, buat_klien):
    alat.sekolah(["baik"], pko="istimewa")
    ks_skp = alat.skp("kepsek", posisi="kepala_sekolah")
    plt_guru = alat.skp("plt", posisi="guru")
    plt_skp = alat.skp("plt", posisi="plt_kepala_sekolah")
    alat.nilai(ks_skp, perilaku="di_atas", pko="istimewa")  # Di Atas × Di Atas
    alat.kirim()
    kadis = masuk(buat_klien, "kadis")
    ikuti(kadis, kadis.post("/dinas/pko-dinas", {"pko": "istimewa", "alasan": "SAKIP."}))
    ikuti(kadis, kadis.post("/penilaian/penetapan?lingkup=dinas",
                            {"aksi": "kirim", "pembenaran": "Penetapan bertahap."}))
    assert penilaian(ks_skp).predikat == "sangat_baik"
    alat.predikat(plt_guru, "baik")
    alat.kirim()
    r = kadis.get("/dinas/penetapan")
    t = teks(r)
    assert "1 Predikat Kinerja dapat dikirim" in t
    assert "Kepala Sekolah: 0 orang · Guru: 1 orang" in t
    assert "Sangat Baik 0 · Baik 1 · Butuh Perbaikan 0 · Kurang 0 · Sangat Kurang 0" in t
    assert 'href="/penilaian/penetapan?lingkup=dinas">Mulai kirim (1)</a>' in r.text
    per_tab = cocokkan_tab(kadis, "/dinas/penetapan", TAB_PENETAPAN)
    ringkas = {kode: [(b[0], b[2]) for b in rows] for kode, rows in per_tab.items()}
    assert ringkas["sudah_dikirim"] == [("Kepala Satu", "Kepala Sekolah")]
    assert ringkas["belum_dikirim"] == [("Plt Dua", "Guru (Plt. KS)")]
    assert ringkas["belum_dinilai"] == [("Plt Dua", "Plt. Kepala Sekolah")]
    assert len(ringkas["semua"]) == 3
    assert per_tab["sudah_dikirim"][0][3:5] == ["Sangat Baik", "Sangat Baik"]
    assert per_tab["belum_dikirim"][0][3:5] == ["Baik", "–"]
    assert plt_skp
    r = kadis.get("/dinas/penetapan?jenjang=smp", headers=HX)
    assert "<html" not in r.text and hitung_tab(r)["Semua"] == 2
    # The Tim Kerja member sees his principals, without "Mulai kirim".
    r = masuk(buat_klien, "tim").get("/dinas/penetapan")
    assert hitung_tab(r)["Semua"] == 1 and "Mulai kirim" not in r.text


TAB_REKAP = (("semua", "Semua"), ("belum_dikirim", "Belum dikirim"),
             ("sudah_dikirim", "Sudah dikirim"))


def baca_csv(r):
    assert r.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))


def baca_xlsx(r):
    wb = load_workbook(io.BytesIO(r.data), read_only=True)
    rows = [[("" if v is None else v) for v in row] for row in wb.worksheets[0].iter_rows(
        values_only=True)]
    wb.close()
    return rows


def test_rekap_tahunan_tab_cari_saring_dan_angka_kredit(alat, buat_klien):
    w = alat.w
    segar()
    db.session.get(Pegawai, w.guru2.id).tmt_jabatan = date(2025, 7, 15)  # 6 months
    db.session.commit()
    segar()
    s1 = alat.sekolah(["baik", "sangat_baik"], pko="istimewa")
    k = masuk(buat_klien, "kepsek")
    ikuti(k, k.post("/penilaian/penetapan", isian_penetapan(s1.pen, ["baik", "sangat_baik"],
                                                            aksi="kirim")))
    s2 = alat.sekolah(["butuh_perbaikan", "kurang"], kepsek="ks_smp", jenjang="smp",
                      nama="SMP NEGERI 9 SEMBILAN")
    op = masuk(buat_klien, "operator")
    per_tab = cocokkan_tab(op, "/dinas/rekap", TAB_REKAP)
    # Nama, NIP, Satuan Pendidikan, Jabatan, Predikat, Angka Kredit, Status
    sudah = {b[0]: b for b in per_tab["sudah_dikirim"]}
    assert sudah["Guru Satu"][2:] == ["SD NEGERI 1 SATU", "Guru Ahli Pertama", "Baik", "12,50",
                                      "Sudah dikirim"]
    # Sangat Baik (150 %) × 12,5 × 6/12 (TMT jabatan in July).
    assert sudah["Guru Dua"][4:6] == ["Sangat Baik", "9,38"]
    belum = {b[0]: b for b in per_tab["belum_dikirim"]}
    assert sorted(belum) == ["Guru ks_smp 01", "Guru ks_smp 02"]
    assert belum["Guru ks_smp 01"][4:] == ["–", "–", "Belum dikirim"]
    assert len(per_tab["semua"]) == 4
    # Search by name or NIP, filter by school and jenjang: counts follow.
    r = op.get("/dinas/rekap?q=dua")
    assert [b[0] for b in baris_tabel(r)] == ["Guru Dua"] and hitung_tab(r)["Semua"] == 1
    r = op.get(f"/dinas/rekap?q={w.guru.nip}", headers=HX)
    assert "<html" not in r.text and [b[0] for b in baris_tabel(r)] == ["Guru Satu"]
    r = op.get(f"/dinas/rekap?sekolah={s2.id}")
    assert hitung_tab(r) == {"Semua": 2, "Belum dikirim": 2, "Sudah dikirim": 0}
    r = op.get("/dinas/rekap?jenjang=smp&tab=sudah_dikirim")
    assert hitung_tab(r)["Semua"] == 2 and baris_tabel(r) == []
    assert "Tidak ada yang cocok." in teks(r)
    r = op.get("/dinas/rekap?jenjang=sd")
    assert sorted(b[0] for b in baris_tabel(r)) == ["Guru Dua", "Guru Satu"]

    # The exports carry the same rows and the angka kredit with its parts.
    rows = baca_csv(op.get("/dinas/rekap.csv"))
    assert rows[0] == ["NIP", "Nama", "Satuan Pendidikan", "Periode SKP", "Jabatan",
                       "Predikat Kinerja", "Status", "Bulan", "Persentase", "Koefisien",
                       "Angka Kredit"]
    per_nama = {x[1]: x for x in rows[1:]}
    assert len(per_nama) == 4
    assert per_nama["Guru Satu"] == [w.guru.nip, "Guru Satu", "SD NEGERI 1 SATU",
                                     "1 Januari 2025 – 31 Desember 2025", "Guru Ahli Pertama",
                                     "BAIK", "Sudah dikirim", "12", "100%", "12,5", "12,50"]
    assert per_nama["Guru Dua"][5:] == ["SANGAT BAIK", "Sudah dikirim", "6", "150%", "12,5",
                                        "9,38"]
    assert per_nama["Guru ks_smp 01"][5:] == ["", "Belum dikirim", "", "", "", ""]
    rows = baca_csv(op.get("/dinas/rekap.csv?tab=sudah_dikirim"))
    assert sorted(x[1] for x in rows[1:]) == ["Guru Dua", "Guru Satu"]
    rows = baca_xlsx(op.get("/dinas/rekap.xlsx?jenjang=sd"))
    assert rows[0][-1] == "Angka Kredit"
    assert sorted((x[1], x[-1]) for x in rows[1:]) == [("Guru Dua", "9,38"),
                                                       ("Guru Satu", "12,50")]
    a = audit("ekspor_rekap")
    # The audit row says which year's recap left the app.
    assert [x.data for x in a] == [{"format": "csv", "baris": 4, "tahun": 2025},
                                   {"format": "csv", "baris": 2, "tahun": 2025},
                                   {"format": "xlsx", "baris": 2, "tahun": 2025}]


def test_ekspor_rekap_menetralkan_rumus(alat, buat_klien, make_pegawai):
    w = alat.w
    s = SimpleNamespace(id=w.sekolah.id, dinas_id=w.dinas.id)
    make_pegawai(sekolah=s, username="rumus", nama='=HYPERLINK("http://x.example","klik")')
    db.session.commit()
    segar()
    skp_id = alat.skp("rumus")
    alat.predikat(skp_id, "baik")
    alat.kirim(w.sekolah.id, oleh="kepsek")
    op = masuk(buat_klien, "operator")
    (baris,) = baca_csv(op.get("/dinas/rekap.csv"))[1:]
    assert baris[1] == '\'=HYPERLINK("http://x.example","klik")'
    (baris,) = baca_xlsx(op.get("/dinas/rekap.xlsx"))[1:]
    assert baris[1] == '\'=HYPERLINK("http://x.example","klik")'


# ------------------------------------------------------------------ 7. Tim Kerja plotting


def anggota_tim(make_pegawai, tugaskan, dinas_id, username, nama):
    p = make_pegawai(dinas=SimpleNamespace(id=dinas_id), username=username, nama=nama,
                     jabatan="Pengawas Sekolah Ahli Muda")
    tugaskan(p, "tim_kerja")
    db.session.commit()
    pid = p.id
    segar()
    return pid


def plot_di(r):
    """{principal: Tim Kerja} as the plotting table shows it."""
    return {b[1]: b[4] for b in baris_tabel(r)}


def test_operator_memplot_tim_kerja_centang_npsn_dan_lepaskan(alat, buat_klien, make_pegawai,
                                                              tugaskan):
    w = alat.w
    tim2 = anggota_tim(make_pegawai, tugaskan, w.dinas.id, "tim2", "Tim Dua")
    op = masuk(buat_klien, "operator")
    r = op.get("/dinas/tim-kerja")
    assert "2 kepala sekolah." in teks(r)
    assert plot_di(r) == {"Kepala Satu": "Tim Satu", "Plt Dua": "Belum diplot"}
    assert [(v, t) for v, t, _ in opsi(r, "select#tim_kerja")] == [
        ("", "— pilih —"), ("lepas", "Lepaskan dari Tim Kerja"), (str(tim2), "Tim Dua"),
        (str(w.tim.id), "Tim Satu")]
    # Ticked.
    r = op.post("/dinas/tim-kerja", {"ks": [str(w.plt.id)], "tim_kerja": str(tim2)})
    r = ikuti(op, r)
    assert "1 kepala sekolah diplot ulang." in pesan(r)
    assert plot_di(r) == {"Kepala Satu": "Tim Satu", "Plt Dua": "Tim Dua"}
    # Shown in the Dinas' tables and in the member's own lists.
    kadis = masuk(buat_klien, "kadis")
    r = kadis.get("/dinas/progres?jenis=plt_kepala_sekolah")
    assert [(b[0], b[3]) for b in baris_tabel(r)] == [("Plt Dua", "Tim Dua")]
    r = masuk(buat_klien, "tim2").get("/dinas/progres?jenis=plt_kepala_sekolah")
    assert [b[0] for b in baris_tabel(r)] == ["Plt Dua"]
    r = kadis.get("/persetujuan")
    # Plt Dua's row (his NIP under his name) shows Tim Dua.
    assert [b for b in baris_tabel(r) if "Plt Dua" in b and "Tim Dua" in b[b.index("Plt Dua"):]]
    nip = [teks_dari(td.css_first("small.nip")) for td in dom(r).css("td")
           if td.css_first("small.nip") is not None and teks_dari(td).startswith("Plt Dua NIP")]
    assert nip and all(len(n) == 22 and n[4:].isdigit() for n in nip), nip
    # By a list of NPSN (in bulk).
    segar()
    npsn = [db.session.get(Sekolah, i).npsn for i in (w.sekolah.id, w.sekolah_plt.id)]
    segar()
    r = ikuti(op, op.post("/dinas/tim-kerja", {"npsn": f"{npsn[0]}\n {npsn[1]}\n",
                                               "tim_kerja": str(tim2)}))
    assert "2 kepala sekolah diplot ulang." in pesan(r)
    assert plot_di(r) == {"Kepala Satu": "Tim Dua", "Plt Dua": "Tim Dua"}
    assert hitung_tab(masuk(buat_klien, "tim").get("/dinas/progres")) == {
        "Kepala Sekolah Definitif": 0, "Plt. Kepala Sekolah": 0, "Guru": 0}
    # "Lepaskan".
    r = ikuti(op, op.post("/dinas/tim-kerja", {"ks": [str(w.kepsek.id)], "tim_kerja": "lepas"}))
    assert "1 kepala sekolah diplot ulang." in pesan(r)
    assert plot_di(r) == {"Kepala Satu": "Belum diplot", "Plt Dua": "Tim Dua"}
    assert jumlah(PlotTimKerja, PlotTimKerja.kepala_sekolah_id == w.kepsek.id) == 0
    r = kadis.get("/dinas/progres")
    assert [(b[0], b[3]) for b in baris_tabel(r)] == [("Kepala Satu", "–")]
    assert [x.data for x in audit("plot_tim_kerja")] == [
        {"tim_kerja": str(tim2), "kepala_sekolah": [w.plt.id]},
        {"tim_kerja": str(tim2), "kepala_sekolah": sorted([w.kepsek.id, w.plt.id])},
        {"tim_kerja": "lepas", "kepala_sekolah": [w.kepsek.id]}]
    # Nothing chosen: a message, nothing changes.
    r = op.post("/dinas/tim-kerja", {"ks": [str(w.kepsek.id)], "tim_kerja": ""})
    assert r.status_code == 422 and galat(r) == "Pilih anggota Tim Kerja."
    r = op.post("/dinas/tim-kerja", {"tim_kerja": str(tim2)})
    assert r.status_code == 422
    assert galat(r) == "Centang kepala sekolah atau tulis NPSN sekolahnya."
    r = op.get("/dinas/tim-kerja?q=dua")
    assert plot_di(r) == {"Plt Dua": "Tim Dua"} and "1 kepala sekolah." in teks(r)


def test_plot_tim_kerja_hanya_operator_dan_dinas_sendiri(alat, buat_klien, make_pegawai,
                                                         tugaskan):
    w = alat.w
    tim_lain = anggota_tim(make_pegawai, tugaskan, w.dinas_lain.id, "tim_lain", "Tim Lain")
    for username in ("kadis", "tim", "kepsek", "guru"):
        k = masuk(buat_klien, username)
        assert k.get("/dinas/tim-kerja").status_code == 403, username
        r = k.post("/dinas/tim-kerja", {"ks": [str(w.plt.id)], "tim_kerja": str(w.tim.id)})
        assert r.status_code == 403, username
    op = masuk(buat_klien, "operator")
    segar()
    npsn_lain = db.session.get(Sekolah, w.sekolah_lain.id).npsn
    segar()
    for data in ({"ks": [str(w.kepsek_lain.id)]}, {"npsn": npsn_lain}):
        r = op.post("/dinas/tim-kerja", {**data, "tim_kerja": str(w.tim.id)})
        assert r.status_code == 422
        assert galat(r) == "Centang kepala sekolah atau tulis NPSN sekolahnya."
    r = op.post("/dinas/tim-kerja", {"ks": [str(w.kepsek.id)], "tim_kerja": str(tim_lain)})
    assert r.status_code == 422 and "Pilihan tidak tersedia." in teks(r)
    r = ikuti(op, op.post("/dinas/tim-kerja", {"ks": [str(w.plt.id), str(w.kepsek_lain.id)],
                                               "tim_kerja": str(w.tim.id)}))
    assert "1 kepala sekolah diplot ulang." in pesan(r)
    assert jumlah(PlotTimKerja, PlotTimKerja.kepala_sekolah_id == w.kepsek_lain.id) == 0
    assert jumlah(PlotTimKerja, PlotTimKerja.tim_kerja_id == tim_lain) == 0
    r = masuk(buat_klien, "operator_lain").get("/dinas/tim-kerja")
    assert plot_di(r) == {"Kepala Lain": "Belum diplot"}
    assert str(w.tim.id) not in [v for v, _, _ in opsi(r, "select#tim_kerja")]


# ------------------------------------------------------------------ 8. access


def test_kepala_sekolah_lain_tidak_dapat_menilai_guru_sekolah_lain(alat, buat_klien):
    w = alat.w
    s = alat.sekolah(["baik"], kirim=False)
    skp_id, pen_id = s.skp[0], s.pen[0]
    for username in ("plt", "kepsek_lain"):
        k = masuk(buat_klien, username)
        for u in (f"/penilaian/{skp_id}", url_hasil(skp_id), url_perilaku(skp_id)):
            assert k.get(u).status_code == 404, (username, u)
        for u in (url_hasil(skp_id), url_perilaku(skp_id)):
            r = k.post(u, {"upaya_refleksi": "di_atas", "rating": "di_atas", "alasan": "x",
                           "aksi": "simpan", "versi": "3"})
            assert r.status_code == 404, (username, u)
        assert "Guru Satu" not in k.get("/penilaian").text
        assert "Guru Satu" not in k.get("/penilaian/penetapan").text
        assert kirim_data(k) == ["Belum ada penilaian yang selesai untuk dikirim."]
    assert penilaian(skp_id).pengiriman_id is None
    assert penilaian(skp_id).rating_hasil == "sesuai"
    # The Plt. sets his own school's predikat; a forged row of another school is ignored.
    alat.kirim(s.id, oleh="kepsek")
    alat.pko(s.id, "baik")
    guru3 = alat.skp("guru3")
    pen3 = alat.predikat(guru3, "baik")
    alat.kirim(w.sekolah_plt.id, oleh="plt")
    alat.pko(w.sekolah_plt.id, "baik")
    k = masuk(buat_klien, "plt")
    r = ikuti(k, k.post("/penilaian/penetapan", {
        f"predikat_{pen3}": "baik", f"predikat_{pen_id}": "sangat_baik",
        f"alasan_{pen_id}": "x", "aksi": "kirim", "pembenaran": "Bertahap."}))
    assert "Predikat Kinerja 1 pegawai ditetapkan dan dikirim." in pesan(r)
    assert penilaian(guru3).predikat == "baik" and penilaian(skp_id).predikat is None
    assert [x.sekolah_id for x in _penetapan()] == [w.sekolah_plt.id]


def _penetapan():
    segar()
    rows = db.session.scalars(select(Penetapan).order_by(Penetapan.id)).all()
    for x in rows:
        db.session.expunge(x)
    segar()
    return rows


HALAMAN_DINAS = ("/dinas/pko", "/dinas/progres", "/dinas/penetapan", "/dinas/rekap",
                 "/dinas/rekap.csv", "/dinas/rekap.xlsx", "/dinas/tim-kerja", "/dinas/pko-dinas")


def test_guru_tidak_dapat_membuka_halaman_atasan(alat, buat_klien):
    s = alat.sekolah(["baik", "baik"], pko="baik")
    sendiri, lain = s.skp
    g = masuk(buat_klien, "guru")
    for u in (url_hasil(sendiri), url_perilaku(sendiri), f"/penilaian/{lain}", url_hasil(lain)):
        assert g.get(u).status_code == 404, u
    for u in (url_hasil(sendiri), url_perilaku(sendiri)):
        assert g.post(u, {"rating": "di_atas", "aksi": "simpan", "versi": "3"}
                      ).status_code == 404, u
    for u in ("/penilaian/penetapan", *HALAMAN_DINAS, f"/dinas/pko/{s.id}"):
        assert g.get(u).status_code == 403, u
    for u in ("/penilaian/penetapan", "/penilaian/kirim", f"/dinas/pko/{s.id}",
              "/dinas/pko-dinas", "/dinas/tim-kerja", f"/dinas/penilaian/{s.pen[0]}/buka",
              "/dinas/penetapan/1/buka"):
        assert g.post(u, {"aksi": "kirim", "pko": "baik", "alasan": "x"}).status_code == 403, u
    r = g.get(f"/penilaian/{sendiri}")
    assert r.status_code == 200 and "belum ditetapkan" in teks(r)
    assert penilaian(sendiri).predikat is None and jumlah(Penetapan) == 0
    # A principal is not Dinas staff.
    ks = masuk(buat_klien, "kepsek")
    for u in HALAMAN_DINAS:
        assert ks.get(u).status_code == 403, u


def test_dinas_lain_ditolak_di_setiap_halaman_dan_aksi(alat, buat_klien, make_pegawai,
                                                       tugaskan):
    w = alat.w
    kadis_lain(make_pegawai, tugaskan, w)
    s = alat.sekolah(["baik", "butuh_perbaikan"], pko="baik")
    k = masuk(buat_klien, "kepsek")
    ikuti(k, k.post("/penilaian/penetapan", {"aksi": "kirim"}))
    (p,) = _penetapan()
    ks_skp = alat.skp("kepsek", posisi="kepala_sekolah")
    ks_pen = alat.nilai(ks_skp, pko="baik")
    plt_skp = alat.skp("plt", posisi="plt_kepala_sekolah")
    for username in ("kadis_lain", "operator_lain"):
        d = masuk(buat_klien, username)
        assert d.get(f"/dinas/pko/{s.id}").status_code == 404, username
        assert d.post(f"/dinas/pko/{s.id}", {"pko": "kurang", "alasan": "x"}
                      ).status_code == 404, username
        for u in ("/dinas/pko", "/dinas/rekap", "/dinas/rekap.csv"):
            r = d.get(u)
            assert r.status_code == 200, (username, u)
            for nama in ("SD NEGERI 1 SATU", "Guru Satu", "Kepala Satu"):
                assert nama not in r.get_data(as_text=True), (username, u, nama)
    d = masuk(buat_klien, "kadis_lain")
    assert d.post(f"/dinas/penetapan/{p.id}/buka", {"alasan": "x"}).status_code == 404
    assert d.post(f"/dinas/penilaian/{s.pen[0]}/buka", {"alasan": "x"}).status_code == 404
    assert d.post(f"/dinas/penilaian/{ks_pen}/buka", {"alasan": "x"}).status_code == 404
    assert d.get(f"/penilaian/{ks_skp}").status_code == 404
    for u in (url_hasil(ks_skp), url_perilaku(ks_skp)):
        assert d.get(u).status_code == 404, u
        assert d.post(u, {"rating": "di_atas", "alasan": "x", "aksi": "simpan", "versi": "3"}
                      ).status_code == 404, u
    for u in ("/dinas/progres", "/dinas/penetapan", "/penilaian/penetapan?lingkup=dinas",
              "/penilaian"):
        r = d.get(u)
        assert r.status_code == 200 and "Kepala Satu" not in r.text and "Plt Dua" not in r.text
    assert kirim_data(d) == ["Belum ada penilaian yang selesai untuk dikirim."]
    assert penilaian(ks_skp).pengiriman_id is None
    op = masuk(buat_klien, "operator_lain")
    assert op.post(f"/dinas/penetapan/{p.id}/buka", {"alasan": "x"}).status_code == 403
    # A Tim Kerja member only reaches the principals plotted to him.
    tim = masuk(buat_klien, "tim")
    assert tim.get(f"/penilaian/{ks_skp}").status_code == 200
    assert tim.get(f"/penilaian/{plt_skp}").status_code == 404
    assert tim.get(url_hasil(plt_skp)).status_code == 404
    assert _penetapan()[0].dibuka is None and penilaian(s.skp[0]).predikat == "baik"
    assert audit("pko_ditetapkan")[-1].ke == "baik" and len(audit("pko_ditetapkan")) == 1


# ------------------------------------------------------------------ 9. volume and budgets


def isi_volume(w, awal, akhir, guru=4):
    """Schools awal … akhir-1 in the first Dinas, written straight to the tables, in every
    state the dashboards tell apart. Per school (i % 4): 0 all teachers sent, PKO Baik and
    predikat set; 1 all sent; 2 half sent, half finished; 3 none finished. Per principal
    (i % 3): 0 sent and predikat set; 1 sent; 2 unfinished. Every fifth school is led by a
    Plt. (who also holds a Guru plan); every other principal is plotted to "Tim Satu"."""
    th = tahun().id
    d, kadis = w.dinas.id, w.kadis.id
    predikat = list(LABEL_PREDIKAT)
    tetap_dinas = db.session.scalar(select(Penetapan.id).where(Penetapan.sekolah_id.is_(None)))
    if tetap_dinas is None:
        p = Penetapan(tahun_id=th, dinas_id=d, sekolah_id=None, pko="baik", jumlah={},
                      pelanggaran=[], oleh=kadis)
        db.session.add(p)
        db.session.flush()
        tetap_dinas = p.id
    kirim_dinas = Pengiriman(tahun_id=th, sekolah_id=None, dinas_id=d, oleh=kadis, jumlah=0)
    db.session.add(kirim_dinas)
    db.session.flush()

    def orang(i, j, s, jabatan, nama):
        lahir = date(1970, 1, 1) + timedelta(days=i * 20 + j)
        p = Pegawai(nip=f"{lahir:%Y%m%d}201503{1 + j % 2}{(i * 20 + j) % 1000:03d}", nama=nama,
                    status_kepegawaian="PNS", golongan="III/a", jabatan=jabatan,
                    jenis_kelamin="L", tanggal_lahir=lahir, sekolah_id=s.id, dinas_id=d)
        db.session.add(p)
        db.session.flush()
        return p

    def rencana(p, posisi, s, selesai, kirim=None, tetap=None, k=0):
        skp = Skp(pegawai_id=p.id, tahun_id=th, posisi=posisi, sekolah_id=s.id,
                  atasan_id=kadis, status="disepakati", versi=3, tugas_tambahan=False,
                  praktik_kode="D1-1" if posisi == "guru" else "KS-1",
                  kompetensi_kode="1.2", aspek_fokus=["kompeten"], rhk=[])
        db.session.add(skp)
        db.session.flush()
        db.session.add(Praktik(
            skp_id=skp.id, versi=2, fokus_perilaku=["Fokus A"], status_persiapan="disepakati",
            status_observasi="selesai" if selesai or k % 2 else "belum",
            status_tindak_lanjut="diterima" if selesai else "belum",
            status_refleksi="diterima" if selesai else "belum", rubrik=[]))
        if selesai:
            usulan = predikat[k % 5]
            hasil, perilaku = _bersama.RATING_UNTUK[usulan]
            db.session.add(Penilaian(
                skp_id=skp.id, versi=3, rating_hasil=hasil, rating_perilaku=perilaku,
                perilaku={}, umpan_balik_perilaku={}, predikat_usulan=usulan, lengkap=True,
                pengiriman_id=kirim, predikat=usulan if tetap else None, penetapan_id=tetap))

    for i in range(awal, akhir):
        s = Sekolah(npsn=f"{40000000 + i:08d}", nama=f"SEKOLAH VOLUME {i + 1:03d}",
                    jenjang=("sd", "smp", "tk")[i % 3], status="negeri", dinas_id=d)
        db.session.add(s)
        db.session.flush()
        plt = i % 5 == 4
        kepala = orang(i, 0, s, "Guru Ahli Madya", f"Kepala Volume {i + 1:03d}")
        db.session.add(Penugasan(pegawai_id=kepala.id, dinas_id=d, sekolah_id=s.id,
                                 peran="plt_kepala_sekolah" if plt else "kepala_sekolah",
                                 mulai=date(2024, 1, 1)))
        if i % 2 == 0:
            db.session.add(PlotTimKerja(tahun_id=th, tim_kerja_id=w.tim.id,
                                        kepala_sekolah_id=kepala.id))
        m = i % 3
        for posisi in (("plt_kepala_sekolah", "guru") if plt else ("kepala_sekolah",)):
            rencana(kepala, posisi, s, m < 2, kirim_dinas.id if m < 2 else None,
                    tetap_dinas if m == 0 else None, k=i)
        k = i % 4
        kirim = tetap = None
        if k < 3:
            kirim = Pengiriman(tahun_id=th, sekolah_id=s.id, dinas_id=d, oleh=kadis,
                               jumlah=guru)
            db.session.add(kirim)
            db.session.flush()
            kirim = kirim.id
        if k == 0:
            db.session.add(PkoSekolah(tahun_id=th, sekolah_id=s.id, pko="baik", alasan="Uji.",
                                      oleh=kadis))
            p = Penetapan(tahun_id=th, dinas_id=d, sekolah_id=s.id, pko="baik", jumlah={},
                          pelanggaran=[], oleh=kadis)
            db.session.add(p)
            db.session.flush()
            tetap = p.id
        for j in range(guru):
            g = orang(i, j + 1, s, "Guru Ahli Pertama", f"Guru Volume {i + 1:03d}-{j + 1}")
            dikirim = k < 2 or (k == 2 and j < guru // 2)
            rencana(g, "guru", s, k < 3, kirim if dikirim else None, tetap, k=i + j)
    db.session.commit()
    segar()


@pytest.fixture
def volume(dunia):
    return lambda awal, akhir, guru=4: isi_volume(dunia, awal, akhir, guru)


def sekolah_volume(nomor):
    segar()
    sid = db.session.scalar(select(Sekolah.id).where(
        Sekolah.nama == f"SEKOLAH VOLUME {nomor:03d}"))
    segar()
    return sid


DASBOR = {
    "kadis": ("/dinas/pko", "/dinas/pko?tab=siap", "/dinas/pko?tab=belum&jenjang=smp",
              "/dinas/pko?q=volume&halaman=2", "/dinas/progres",
              "/dinas/progres?jenis=plt_kepala_sekolah", "/dinas/progres?jenis=guru&q=volume",
              "/dinas/penetapan", "/dinas/penetapan?tab=belum_dinilai",
              "/dinas/penetapan?jenjang=sd&q=volume", "/dinas/rekap",
              "/dinas/rekap?tab=sudah_dikirim", "/dinas/rekap?halaman=2",
              "/dinas/rekap?q=volume&jenjang=smp", "/dinas/rekap.csv", "/dinas/rekap.xlsx",
              "/penilaian/penetapan?lingkup=dinas", "/dinas/pko-dinas"),
    "tim": ("/dinas/progres", "/dinas/penetapan", "/dinas/pko"),
    "operator": ("/dinas/tim-kerja", "/dinas/tim-kerja?halaman=2", "/dinas/rekap?tab=semua",
                 "/dinas/pko?tab=sudah"),
}


def test_anggaran_query_dasbor_dinas_tidak_bergantung_jumlah_baris(volume, buat_klien,
                                                                   hitung_query):
    klien = {u: masuk(buat_klien, u) for u in DASBOR}
    hasil = {}
    for awal, akhir in ((0, 3), (3, 30)):
        volume(awal, akhir)
        satu = f"/dinas/pko/{sekolah_volume(1)}"
        for username, urls in DASBOR.items():
            for u in (*urls, satu):
                for h in ({}, HX):
                    with hitung_query() as q:
                        r = klien[username].get(u, headers=h)
                    assert r.status_code == 200, (username, u)
                    hasil[(akhir, username, u.replace(satu, "/dinas/pko/<id>"), bool(h))] = \
                        len(q)
    lebih = {k: n for k, n in hasil.items() if n > BATAS_QUERY}
    assert not lebih, lebih
    beda = {k[1:]: (hasil[(3, *k[1:])], n) for k, n in hasil.items()
            if k[0] == 30 and n != hasil[(3, *k[1:])]}
    assert not beda, f"jumlah query bergantung pada jumlah baris: {beda}"


def test_jumlah_tab_sesuai_baris_dengan_banyak_halaman(volume, buat_klien):
    volume(0, 30)
    kadis = masuk(buat_klien, "kadis")
    for url in ("/dinas/rekap?jenjang=smp", "/dinas/rekap?q=volume+00"):
        cocokkan_tab(kadis, url, TAB_REKAP)
    per_tab = cocokkan_tab(kadis, "/dinas/rekap", TAB_REKAP)
    # Teachers of 30 schools: 8 with predikat (4 each), 8 sent (4), 7 half sent (2); 20
    # principals sent (10 set); 4 of the 6 Plt. with a sent Guru plan (2 set).
    assert len(per_tab["semua"]) == 8 * 4 + 8 * 4 + 7 * 2 + 20 + 4 > 50
    assert len(per_tab["sudah_dikirim"]) == 8 * 4 + 10 + 2
    r = kadis.get("/dinas/rekap")
    assert "Halaman 1 dari 3" in teks(r) and len(baris_tabel(r)) == 50
    cocokkan_tab(kadis, f"/dinas/rekap?sekolah={sekolah_volume(1)}", TAB_REKAP)
    per_tab = cocokkan_tab(kadis, "/dinas/pko", TAB_PKO)
    assert [len(per_tab[k]) for k, _ in TAB_PKO] == [32, 8 + 7 + 2, 7, 8]
    cocokkan_tab(kadis, "/dinas/pko?jenjang=tk", TAB_PKO)
    per_tab = cocokkan_tab(kadis, "/dinas/penetapan", TAB_PENETAPAN)
    assert [len(per_tab[k]) for k, _ in TAB_PENETAPAN] == [30 + 6, 10 + 2, 10 + 2, 10 + 2]
    cocokkan_tab(kadis, "/dinas/penetapan?jenjang=smp&q=volume", TAB_PENETAPAN)
    r = kadis.get("/dinas/penetapan")
    assert f"{len(per_tab['belum_dikirim'])} Predikat Kinerja dapat dikirim" in teks(r)
    assert f"Mulai kirim ({len(per_tab['belum_dikirim'])})" in teks(r)
    jenis = {"Kepala Sekolah": "kepala_sekolah", "Guru (Plt. KS)": "guru"}
    per_jenis = {}
    for b in per_tab["belum_dikirim"]:
        per_jenis[jenis.get(b[2], "kepala_sekolah")] = \
            per_jenis.get(jenis.get(b[2], "kepala_sekolah"), 0) + 1
    assert (f"Kepala Sekolah: {per_jenis.get('kepala_sekolah', 0)} orang · Guru: "
            f"{per_jenis.get('guru', 0)} orang") in teks(r)
    for p, label in LABEL_PREDIKAT.items():
        n = sum(1 for b in per_tab["belum_dikirim"] if b[3] == label)
        assert f"{label} {n}" in teks(r), p
    r = kadis.get("/dinas/progres")
    for kode, label in (("kepala_sekolah", "Kepala Sekolah Definitif"),
                        ("plt_kepala_sekolah", "Plt. Kepala Sekolah"), ("guru", "Guru")):
        rows = semua_baris(kadis, f"/dinas/progres?jenis={kode}")
        assert hitung_tab(r)[label] == len(rows), kode
        assert all(b[5] in ("Belum dinilai", "-") for b in rows)
    assert [hitung_tab(r)[x] for x in ("Kepala Sekolah Definitif", "Plt. Kepala Sekolah",
                                       "Guru")] == [8 + 1, 2 + 1, 2 + 1]
    op = masuk(buat_klien, "operator")
    rows = semua_baris(op, "/dinas/tim-kerja")
    assert len(rows) == 32 and f"{len(rows)} kepala sekolah." in teks(op.get("/dinas/tim-kerja"))


def ukuran(k, url, css, headers=None):
    r = k.get(url, headers={"Accept-Encoding": "gzip", **(headers or {})})
    assert r.status_code == 200, url
    html = len(r.data) if r.headers.get("Content-Encoding") == "gzip" else gz(r)
    return html + css


def gz(r):
    return len(gzip.compress(r.data))


def test_anggaran_ukuran_halaman_penilaian_dan_dinas(volume, alat, buat_klien):
    kadis = masuk(buat_klien, "kadis")
    ikuti(kadis, kadis.post("/dinas/pko-dinas", {"pko": "baik", "alasan": "SAKIP."}))
    volume(0, 30)
    s = alat.sekolah(["baik"] * 12, kepsek="ks12", pko="baik")
    ks_skp = alat.skp("kepsek", posisi="kepala_sekolah")
    assert len(_bersama.pilihan_di(kadis.get("/penilaian/penetapan?lingkup=dinas"))) == 12
    hasil = {}
    for username, urls in {
            **DASBOR, "ks12": ("/penilaian/penetapan", f"/penilaian/{s.skp[0]}",
                               url_hasil(s.skp[0]), url_perilaku(s.skp[0]),
                               "/penilaian"),
            "kadis": (*DASBOR["kadis"], f"/dinas/pko/{s.id}", url_hasil(ks_skp),
                      f"/penilaian/{ks_skp}"),
            "ks12_g1": (f"/penilaian/{s.skp[0]}", "/")}.items():
        k = masuk(buat_klien, username)
        css_url = atribut(k.get("/"), 'link[rel="stylesheet"]', "href")
        css = ukuran(k, css_url, 0)
        for u in urls:
            if u.endswith((".csv", ".xlsx")):
                continue
            hasil[(username, u)] = ukuran(k, u, css)
    lebih = {k: n for k, n in hasil.items() if n > BATAS_HALAMAN}
    assert not lebih, lebih
    # The distribution panel's htmx update, for the 12 teachers.
    k = masuk(buat_klien, "ks12")
    data = isian_penetapan(s.pen, ["sangat_baik"] * 12, aksi="panel")
    frag = k.post("/penilaian/penetapan", data, headers=HX)
    assert "Distribusi belum sesuai" in frag.text and gz(frag) <= BATAS_PANEL, gz(frag)
    assert ukuran(k, "/penilaian/penetapan", 0) > 0
    r = k.post("/penilaian/penetapan", {**data, "aksi": "periksa"},
               headers={"Accept-Encoding": "gzip"})
    assert len(r.data) + css <= BATAS_HALAMAN


def test_penetapan_kepala_sekolah_dibagi_per_halaman_dengan_distribusi_menyeluruh(
        volume, buat_klien):
    """With hundreds of principals ready, the Kadis sets them a page at a time: the page
    stays within the budget, Kirim sets only the rows shown, and the panel counts everyone
    (the other pages at their recommendation)."""
    kadis = masuk(buat_klien, "kadis")
    ikuti(kadis, kadis.post("/dinas/pko-dinas", {"pko": "baik", "alasan": "SAKIP."}))
    volume(0, 330, guru=0)
    segar()
    # What the Dinas sets: assessments sent by the Dinas itself (principals, a Plt.'s Guru
    # plan), not yet in a penetapan.
    siap = db.session.scalars(select(Penilaian.id).join(
        Pengiriman, Penilaian.pengiriman_id == Pengiriman.id).where(
        Pengiriman.sekolah_id.is_(None), Penilaian.lengkap.is_(True),
        Penilaian.penetapan_id.is_(None))).all()
    sudah = db.session.scalar(select(db.func.count(Penilaian.id)).join(
        Penetapan, Penilaian.penetapan_id == Penetapan.id).where(
        Penetapan.sekolah_id.is_(None)))
    segar()
    assert len(siap) > 100

    r = kadis.get("/penilaian/penetapan?lingkup=dinas")
    hal1 = _bersama.pilihan_di(r)
    assert len(hal1) == 100 and "Halaman 1 dari 2" in r.text
    assert ukuran(kadis, "/penilaian/penetapan?lingkup=dinas", 0) <= BATAS_HALAMAN
    r2 = kadis.get("/penilaian/penetapan?lingkup=dinas&halaman=2")
    hal2 = _bersama.pilihan_di(r2)
    assert set(hal1) | set(hal2) == set(siap) and not set(hal1) & set(hal2)

    # The panel counts every principal, on this page or not.
    def jumlah_panel(html):
        tbody = dom(html).css_first("#panel-distribusi tbody")
        sel = ([teks_dari(td) for td in tr.css("td")] for tr in tbody.css("tr"))
        return sum(int(b[1]) for b in sel if len(b) > 1 and b[1].isdigit())

    assert jumlah_panel(r.text) == jumlah_panel(r2.text) == len(siap) + sudah
    frag = kadis.post("/penilaian/penetapan?lingkup=dinas&halaman=2",
                      {**isian_penetapan(list(hal2), list(hal2.values())), "aksi": "panel"},
                      headers=HX)
    assert jumlah_panel(frag.text) == len(siap) + sudah

    # Kirim sets only page 2; page 1 stays ready.
    ikuti(kadis, kadis.post("/penilaian/penetapan?lingkup=dinas&halaman=2", {
        **isian_penetapan(list(hal2), list(hal2.values())), "aksi": "kirim",
        "lingkup": "dinas", "pembenaran": "Sesuai capaian sekolah."}))
    segar()
    ditetapkan = set(db.session.scalars(select(Penilaian.id).where(
        Penilaian.id.in_(siap), Penilaian.penetapan_id.is_not(None))))
    segar()
    assert ditetapkan == set(hal2)
    r = kadis.get("/penilaian/penetapan?lingkup=dinas")
    assert set(_bersama.pilihan_di(r)) == set(hal1) and "Halaman 1 dari 2" not in r.text
