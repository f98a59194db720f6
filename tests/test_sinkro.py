"""Sinkro e-Kinerja (issue 7) as the Operator Dinas uses it: reference lists, period settings,
Cek Kesiapan Sinkro, Laporan Disparitas Data, Ekspor e-Kinerja with its schema and manifest,
Log Sinkronisasi with "Sinkro ulang", access, the command line and the Beranda."""

import hashlib
import io
import json
import re
from datetime import date

import bantu
import jsonschema
import pytest
from bantu import dom, hitung_tab, lencana, masuk, teks, teks_dari
from bantu_sinkro import (
    asn_xlsx,
    ekspor_lewat_halaman,
    operator_demo,
    pegawai_demo,
    pratinjau,
    simpan,
    unduh,
    unggah,
    unor_xlsx,
)
from conftest import nip_valid
from openpyxl import load_workbook
from sqlalchemy import func, select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.lembar import tulis_csv
from kinerja_web.models import (
    AsnSiasn,
    Audit,
    Ekspor,
    LogSinkro,
    Pegawai,
    PeriodeEkinerja,
    Sekolah,
    Skp,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.models.sinkro import LogHanyaDitambah
from kinerja_web.sinkro import berkas

HX = {"HX-Request": "true"}
BATAS_QUERY_SEKOLAH = 8


def ringkasan(r):
    return {teks_dari(th): teks_dari(th.next) for th in dom(r).css('th[scope="row"]')
            if th.next is not None and th.next.tag == "td"}


def galat_di(r):
    baris = bantu.galat_per_baris(r)
    assert baris is not None, "tidak ada tabel Kesalahan per baris"
    return baris


def baris_tabel(r):
    """The text of each row of the page's first table body (a placeholder row too)."""
    tbody = dom(r).css_first("tbody")
    assert tbody is not None, "tidak ada tabel"
    return [teks_dari(tr) for tr in tbody.css("tr")]


def angka_tab(r):
    return hitung_tab(r, "a")


# ------------------------------------------------------------------ world with references


@pytest.fixture
def rujukan(app, dunia):
    """Reference lists for `dunia` in which every pegawai agrees; plus unor ids on schools."""
    with app.app_context():
        for s in (dunia.sekolah, dunia.sekolah_plt):
            db.session.get(Sekolah, s.id).unor_id = f"U{s.id}"
        db.session.add_all([UnitKerja(dinas_id=dunia.dinas.id, unor_id=f"U{s.id}",
                                      nama=s.nama + " KEC. UJI")
                            for s in (dunia.sekolah, dunia.sekolah_plt)])
        atasan = {dunia.guru.id: dunia.kepsek.nip, dunia.guru2.id: dunia.kepsek.nip,
                  dunia.guru_plt.id: dunia.plt.nip}
        for p in (dunia.kepsek, dunia.guru, dunia.guru2, dunia.plt, dunia.guru_plt):
            db.session.add(AsnSiasn(dinas_id=dunia.dinas.id, nip=p.nip, nama=p.nama.upper(),
                                    unor_id=f"U{p.sekolah_id}", jabatan=p.jabatan,
                                    golongan=p.golongan,
                                    atasan_nip=atasan.get(p.id, dunia.kadis.nip)))
        db.session.commit()
    return dunia


def tambah_guru_siap(app, dunia, n, awal=0):
    """n more teachers at dunia's first school with agreed plans and matching SIASN rows
    (and, the first time, the principal's own agreed plan they intervene)."""
    with app.app_context():
        tahun = db.session.scalar(select(TahunKinerja))
        if awal == 0:
            db.session.add(Skp(pegawai_id=dunia.kepsek.id, tahun_id=tahun.id,
                               posisi="kepala_sekolah", sekolah_id=dunia.sekolah.id,
                               atasan_id=dunia.kadis.id, status="disepakati",
                               rhk=[{"jenis": "utama", "kategori": "praktik", "rhk": "RHK KS",
                                     "indikator": "IND KS"}]))
        for i in range(awal, awal + n):
            nip = nip_valid(lahir=date(1991, 1, 1), serial=i)
            p = Pegawai(nip=nip, nama=f"Guru Volume {i:03d}", status_kepegawaian="PNS",
                        golongan="III/a", jabatan="Guru Ahli Pertama", dinas_id=dunia.dinas.id,
                        sekolah_id=dunia.sekolah.id, tanggal_lahir=date(1991, 1, 1))
            db.session.add(p)
            db.session.flush()
            db.session.add(Skp(pegawai_id=p.id, tahun_id=tahun.id, posisi="guru",
                               sekolah_id=dunia.sekolah.id, atasan_id=dunia.kepsek.id,
                               status="disepakati",
                               rhk=[{"jenis": "utama", "kategori": "praktik", "rhk": "RHK",
                                     "indikator": "IND", "rhk_atasan": "RHK KS",
                                     "indikator_atasan": "IND KS"}]))
            db.session.add(AsnSiasn(dinas_id=dunia.dinas.id, nip=nip, nama=p.nama,
                                    unor_id=f"U{dunia.sekolah.id}", jabatan=p.jabatan,
                                    golongan="III/a", atasan_nip=dunia.kepsek.nip))
        db.session.commit()


# ------------------------------------------------------------------ reference upload


def test_referensi_unor_galat_per_baris_tidak_mengubah_apa_pun(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    isi = tulis_csv(["unor_id", "nama", "aktif"], [["U1", "SD NEGERI 1 SATU", "Ya"],
                                                   ["U2", "", "Ya"], ["U3", "SMP 3", "mungkin"],
                                                   ["U1", "SD GANDA", ""]])
    impor_id, r = pratinjau(k, "unor", isi, "unor.csv")
    assert galat_di(r) == [
        ("unor.csv", "3", "nama", "Kolom nama wajib diisi."),
        ("unor.csv", "4", "aktif", "Nilai aktif 'mungkin' tidak dikenal; isi Ya atau Tidak."),
        ("unor.csv", "5", "unor_id", "unor_id U1 ganda (juga di baris 2)."),
    ]
    assert "Berkas belum bisa disimpan: perbaiki 3 kesalahan" in teks(r)
    assert "Simpan data" not in r.text
    # A tampered POST cannot apply it either.
    k.post(f"/sinkro/referensi/impor/{impor_id}/terapkan")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UnitKerja)) == 0


def test_referensi_unor_simpan_idempoten_dan_menggantikan_daftar(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    baris = [["U1", "SD NEGERI 1 SATU KEC. UJI", "DINAS", "Ya"],
             ["U2", "SMP NEGERI 2 DUA", "DINAS", None],
             ["LAMA", "SD LAMA", "DINAS", "Tidak"]]
    impor_id, r = pratinjau(k, "unor", unor_xlsx(baris))
    assert ringkasan(r)["Baru"] == "3" and ringkasan(r)["Kesalahan"] == "0"
    r = simpan(k, impor_id)
    assert "Referensi Unit Kerja tersimpan: 3 baru, 0 diubah, 0 dihapus, 0 tetap." in teks(r)
    with app.app_context():
        ada = {u.unor_id: (u.id, u.nama, u.aktif) for u in db.session.scalars(select(UnitKerja))}
        assert ada["LAMA"][2] is False and ada["U2"][2] is True
        assert db.session.scalar(select(Audit).where(Audit.aksi == "referensi_diterapkan"))
    # The same file again: nothing to change, nothing changes.
    impor_id, r = pratinjau(k, "unor", unor_xlsx(baris))
    assert [ringkasan(r)[x] for x in ("Baru", "Diubah", "Tetap", "Dihapus")] == \
        ["0", "0", "3", "0"]
    simpan(k, impor_id)
    with app.app_context():
        assert {u.unor_id: (u.id, u.nama, u.aktif)
                for u in db.session.scalars(select(UnitKerja))} == ada
    # A newer list: one renamed, one gone.
    impor_id, r = pratinjau(k, "unor", unor_xlsx([baris[0], ["U2", "SMPN 2 DUA", "DINAS",
                                                             "Ya"]]))
    assert [ringkasan(r)[x] for x in ("Baru", "Diubah", "Tetap", "Dihapus")] == \
        ["0", "1", "1", "1"]
    assert "SMPN 2 DUA (U2): nama: SMP NEGERI 2 DUA → SMPN 2 DUA" in teks(r)
    assert "Dihapus (tidak ada di berkas): SD LAMA (LAMA)" in teks(r)
    simpan(k, impor_id)
    # Applying twice (double click) applies once.
    r = k.post(f"/sinkro/referensi/impor/{impor_id}/terapkan")
    assert "sudah diproses" in teks(k.get(r.headers["Location"]))
    with app.app_context():
        assert sorted(db.session.scalars(select(UnitKerja.unor_id))) == ["U1", "U2"]


def test_referensi_asn_memeriksa_nip(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    baik = nip_valid(lahir=date(1990, 2, 3), serial=7)
    isi = asn_xlsx([[baik, "SITI", "U1", "Guru Ahli Pertama", "III/a", dunia.kepsek.nip],
                    [198409102023212026.0, "ANGKA", "U1", None, None, None],
                    ["19841310202321202", "PENDEK", "U1", None, None, None],
                    [nip_valid(serial=8), "TANPA UNOR", None, None, None, "123"]])
    _, r = pratinjau(k, "asn", isi)
    galat = galat_di(r)
    assert ("ASN", "3", "nip", "NIP tertulis sebagai angka sehingga dibulatkan Excel; format "
            "kolom sebagai Teks lalu ketik ulang.") in galat
    assert any(g[1] == "4" and g[2] == "nip" and "18 digit" in g[3] for g in galat)
    assert ("ASN", "5", "unor_id", "Kolom unor_id wajib diisi.") in galat
    assert any(g[1] == "5" and g[2] == "atasan_nip" for g in galat)
    assert not any(g[1] == "2" for g in galat)


def test_referensi_berkas_jenis_lain_ditolak_dengan_pesan(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    _, r = pratinjau(k, "unor", asn_xlsx([[nip_valid(serial=9), "X", "U1", None, None, None]]))
    assert galat_di(r) == [("", "1", "", "Berkas ini bukan Referensi Unit Kerja: kolom kepala "
                            "harus memuat unor_id, nama. Gunakan templat.")]
    r = unggah(k, "asn", b"bukan berkas", "asn.xlsx")
    assert r.status_code == 422
    assert "Berkas XLSX rusak atau bukan XLSX" in teks(r)


def test_templat_dan_daftar_sekarang_dapat_diunggah_ulang(app, rujukan, buat_klien):
    k = masuk(buat_klien, "operator")
    for jenis, kolom in (("unor", ["unor_id", "nama", "induk_id", "aktif"]),
                         ("asn", ["nip", "nama", "unor_id", "jabatan", "golongan",
                                  "atasan_nip"])):
        wb = load_workbook(io.BytesIO(k.get(f"/sinkro/referensi/templat-{jenis}.xlsx").data))
        assert [c.value for c in wb.worksheets[0][1]] == kolom
        assert "Petunjuk" in wb.sheetnames
        csv = k.get(f"/sinkro/referensi/templat-{jenis}.csv").data.decode("utf-8-sig")
        assert csv.strip() == ";".join(kolom)
        sekarang = k.get(f"/sinkro/referensi/{jenis}.xlsx").data
        impor_id, r = pratinjau(k, jenis, sekarang)
        j = ringkasan(r)
        assert (j["Baru"], j["Diubah"], j["Dihapus"], j["Kesalahan"]) == ("0", "0", "0", "0")
        assert int(j["Tetap"]) > 0


# ------------------------------------------------------------------ period settings


def periode_form(**over):
    return {"nama": "TRIWULAN I", "tahun": "2025", "mulai": "2025-01-01",
            "selesai": "2025-03-31", "batas": "2025-04-25", "tipe_periodik": "Triwulanan",
            "angka_periodik": "1", **over}


def test_periode_tambah_ubah_hapus(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    r = k.get("/sinkro/periode")
    assert "Tidak terdapat periode yang memiliki data tipe periodik/angka periodik" in teks(r)
    r = k.post("/sinkro/periode", periode_form(nama="", selesai="2024-12-31",
                                               angka_periodik="5"))
    assert r.status_code == 422
    t = teks(r)
    for pesan in ("Nama periode wajib diisi.", "Periode akhir tidak boleh sebelum periode awal.",
                  "Angka periodik triwulanan paling besar 4."):
        assert pesan in t
    r = k.post("/sinkro/periode", periode_form(angka_periodik="3", tipe_periodik=""))
    assert r.status_code == 422
    assert "Pilih tipe periodik bila angka periodik diisi." in teks(r)
    for i, (nama, tipe, angka) in enumerate((("TRIWULAN I", "Triwulanan", "1"),
                                             ("TRIWULAN II", "Bulanan", "2"),
                                             ("TRIWULAN III", "Triwulanan", "2"),
                                             ("TAHUN 2025", "Tahunan", "1"))):
        r = k.post("/sinkro/periode", periode_form(nama=nama, tipe_periodik=tipe,
                                                   angka_periodik=angka,
                                                   mulai=f"2025-{3 * i + 1:02d}-01"
                                                   if tipe != "Tahunan" else "2025-01-01",
                                                   selesai="2025-12-31", batas="2026-01-31"))
        assert r.status_code == 303, teks(r)
    t = teks(k.get("/sinkro/periode"))
    assert "Terdapat 2 tipe periodik di periode" in t
    assert "TRIWULAN II bertipe Bulanan" in t
    assert "Terdapat angka periodik yang duplikat di periode" in t
    with app.app_context():
        p = db.session.scalar(select(PeriodeEkinerja).where(PeriodeEkinerja.nama ==
                                                            "TRIWULAN II"))
        pid, versi = p.id, p.versi
    # Fix the tipe: the first error goes, the duplicate stays.
    r = k.post(f"/sinkro/periode/{pid}", periode_form(
        nama="TRIWULAN II", mulai="2025-04-01", selesai="2025-12-31", batas="2026-01-31",
        tipe_periodik="Triwulanan", angka_periodik="2", versi=str(versi)))
    assert r.status_code == 303
    t = teks(k.get("/sinkro/periode"))
    assert "Terdapat 2 tipe periodik di periode" not in t
    assert "Terdapat angka periodik yang duplikat di periode" in t
    # A second tab still holding the old version gets 409 and keeps its input.
    r = k.post(f"/sinkro/periode/{pid}", periode_form(
        nama="TRIWULAN II BARU", mulai="2025-04-01", selesai="2025-12-31", batas="2026-01-31",
        versi=str(versi)))
    assert r.status_code == 409
    assert "sudah diubah orang lain" in teks(r) and 'value="TRIWULAN II BARU"' in r.text
    with app.app_context():
        dup = db.session.scalar(select(PeriodeEkinerja).where(PeriodeEkinerja.nama ==
                                                              "TRIWULAN III"))
        dup_id, dup_versi = dup.id, dup.versi
    r = k.post(f"/sinkro/periode/{dup_id}/hapus", {"versi": str(dup_versi)})
    assert r.status_code == 303
    r = k.get("/sinkro/periode")
    assert "Pengaturan periode memenuhi prasyarat sinkro penilaian." in teks(r)
    with app.app_context():
        aksi = set(db.session.scalars(select(Audit.aksi)))
        assert {"periode_ekinerja_dibuat", "periode_ekinerja_diubah",
                "periode_ekinerja_dihapus"} <= aksi


# ------------------------------------------------------------------ pre-check page


def test_cek_satu_sekolah_anggaran_query_tetap(app, rujukan, buat_klien, hitung_query):
    k = masuk(buat_klien, "operator")
    url = f"/sinkro?sekolah={rujukan.sekolah.id}"
    hasil = {}
    for awal, n in ((0, 3), (3, 27)):
        tambah_guru_siap(app, rujukan, n, awal)
        for jenis in ("perencanaan", "penilaian_akhir"):
            for h in ({}, HX):
                with hitung_query() as q:
                    r = k.get(f"{url}&jenis={jenis}", headers=h)
                assert r.status_code == 200
                hasil[(awal + n, jenis, bool(h))] = len(q)
    assert max(hasil.values()) <= BATAS_QUERY_SEKOLAH, hasil
    beda = {x[1:] for x in hasil if hasil[x] != hasil[(3, *x[1:])]}
    assert not beda, f"jumlah query bergantung pada jumlah baris: {hasil}"
    r = k.get(url)
    assert angka_tab(r)["Siap"] == 30 + 1  # the volume teachers and their principal
    assert "Guru Volume 029" in r.text


def test_cek_fragmen_htmx_dan_halaman_penuh(app, rujukan, buat_klien):
    k = masuk(buat_klien, "operator")
    for url in ("/sinkro", "/sinkro/log", "/sinkro/disparitas"):
        penuh, fragmen = k.get(url), k.get(url, headers=HX)
        assert "<html" in penuh.text and "<html" not in fragmen.text
        assert 'id="hasil"' in fragmen.text
        assert "HX-Request" in penuh.headers["Vary"] and "HX-Request" in fragmen.headers["Vary"]


def test_cek_kesiapan_demo_menampilkan_setiap_kegagalan(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    with app.app_context():
        sekolah = dict(db.session.execute(select(Sekolah.nama, Sekolah.id)).all())
        kepsek1 = pegawai_demo("kepsek1").nama
    r = k.get("/sinkro")
    tab = angka_tab(r)
    assert tab["Semua"] == tab["Belum siap"] + tab["Siap"] and tab["Siap"] > 0
    t = teks(k.get(f"/sinkro?sekolah={sekolah['SD NEGERI SEMAMPIR']}"))
    assert "Nama Sekolah atau Nama Unor tidak sama dengan data PMM" in t
    assert "Nama sekolah: 'SD NEGERI SEMAMPIR'; nama UNOR: 'SD NEGERI 1 SEMAMPIR KEC. SADANG'." \
        in t
    # "SDN 2 SEBORO KEC. SADANG" is the same school written differently: no such failure.
    t = teks(k.get(f"/sinkro?sekolah={sekolah['SD NEGERI 2 SEBORO']}"))
    assert "Nama Sekolah atau Nama Unor" not in t
    assert "Data SKP Organisasi belum dibuat oleh atasan" in t
    t = teks(k.get(f"/sinkro?sekolah={sekolah['SMP NEGERI 1 KEBUMEN']}"))
    assert "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit Kerja" in t
    assert "Unor di PMM Belum Padan" in t
    assert "Dinas mengganti unor_id SMP NEGERI 1 KEBUMEN menjadi UNOR-20301201-2025" in t
    t = teks(k.get(f"/sinkro?sekolah={sekolah['SD NEGERI 1 SADANGKULON']}&status=belum"))
    assert f"Atasan Pegawai tidak sama dengan data PMM, data PMM {kepsek1}" in t
    assert "Atasan di SIASN: DRS. SUTRISNO HADI, M.PD. (NIP 196502101990031004)" in t
    t = teks(k.get(f"/sinkro?sekolah={sekolah['TK NEGERI PEMBINA KEBUMEN']}"))
    assert "Data SKP pegawai tidak ditemukan" in t  # kepsek4 has no plan
    t = teks(k.get("/sinkro?jenis=penilaian_akhir"))
    assert "Terdapat 2 tipe periodik di periode" in t
    assert "Terdapat angka periodik yang duplikat di periode" in t
    assert angka_tab(k.get("/sinkro?jenis=penilaian_akhir"))["Siap"] == 0
    # The sheet of findings carries the same rows, formula-safe.
    wb = load_workbook(io.BytesIO(k.get("/sinkro/temuan.xlsx").data))
    kolom = [c.value for c in wb.active[1]]
    assert kolom[-3:] == ["Penyebab", "Tindak lanjut", "Siapa yang memperbaiki"]
    assert wb.active.max_row - 1 >= tab["Semua"]


def test_skp_disetujui_menyimpan_indikator_rhk_atasan(app, demo):
    with app.app_context():
        skp = {(s.pegawai.nama, s.posisi): s for s in db.session.scalars(
            select(Skp).where(Skp.status == "disepakati", Skp.sekolah_id == select(
                Sekolah.id).where(Sekolah.npsn == "20301101").scalar_subquery()))}
        ks = next(s for (_, pos), s in skp.items() if pos == "kepala_sekolah")
        milik = {r["kode"]: r for r in ks.rhk if r["kategori"] == "organisasi"}
        atr = aturan.muat_aturan()
        guru = [s for (_, pos), s in skp.items() if pos == "guru"]
        assert guru
        for s in guru:
            for r in (r for r in s.rhk if r["jenis"] in ("utama", "tambahan")):
                o = milik[atr.intervensi[r["kategori"]].rhk_organisasi]
                assert (r["rhk_atasan"], r["indikator_atasan"]) == (o["rhk"], o["indikator"])


# ------------------------------------------------------------------ disparity report


def test_disparitas_demo_dikelompokkan_dan_xlsx_aman(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    with app.app_context():
        guru11 = pegawai_demo("guru11")
        guru11.nama = '=HYPERLINK("http://contoh.invalid","klik")'
        db.session.commit()
    r = k.get("/sinkro/disparitas")
    t = teks(r)
    for label in ("Hanya di aplikasi ini", "NIP berbeda", "Nama berbeda", "Golongan berbeda",
                  "UNOR sekolah lama", "Jabatan berbeda", "Atasan berbeda", "Hanya di SIASN"):
        assert label in t, label
    assert "Diperbaiki oleh: Operator sekolah (Dapodik)" in t
    assert "Diperbaiki oleh: BKD (SIASN / e-Kinerja)" in t
    assert "WAHYU HIDAYATI" in t and "DRS. SUTRISNO HADI" in t
    tab = angka_tab(r)
    assert tab["Semua"] == sum(v for kk, v in tab.items() if kk != "Semua")
    t = teks(k.get("/sinkro/disparitas?pihak=bkd", headers=HX))  # the table only
    assert "Jabatan berbeda" in t and "Hanya di SIASN" not in t
    t = teks(k.get("/sinkro/disparitas?kategori=atasan", headers=HX))
    assert "Atasan berbeda" in t and "Jabatan berbeda" not in t
    wb = load_workbook(io.BytesIO(k.get("/sinkro/disparitas.xlsx").data))
    assert wb.sheetnames == ["Operator sekolah (Dapodik)", "BKD (SIASN - e-Kinerja)",
                             "Dinas (data di aplikasi ini)"]
    nilai = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value]
    rumus = [v for v in nilai if isinstance(v, str) and "HYPERLINK" in v]
    assert rumus and all(v.startswith("'=") for v in rumus)
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


# ------------------------------------------------------------------ export


def skema_validator():
    return jsonschema.Draft202012Validator(berkas.skema(),
                                           format_checker=jsonschema.FormatChecker())


def test_ekspor_demo_sesuai_skema_xlsx_sama_dan_manifes(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    siap = angka_tab(k.get("/sinkro"))
    ekspor_id, r = ekspor_lewat_halaman(k, "perencanaan")
    jsonl, xlsx, manifes = unduh(k, ekspor_id)
    catatan = berkas.baca_jsonl(jsonl)
    assert len(catatan) == siap["Siap"] > 0
    v = skema_validator()
    for c in catatan:
        v.validate(c)
        assert c["jenis"] == "perencanaan" and "penilaian_akhir" not in c
    assert {c["jenis_skp"] for c in catatan} == {"GURU / JAJF", "KEPALA SEKOLAH"}
    with app.app_context():
        kadis = pegawai_demo("kadis").nip
    # A teacher's RHK (Utama and Tambahan) intervene his principal's organisational RHK (the
    # Kepala Dinas' are in e-Kinerja).
    assert all(r_["rhk_atasan"] and r_["indikator_atasan"] for c in catatan
               if c["atasan"]["nip"] != kadis for r_ in c["rhk"])
    # The XLSX holds the same records: through the reader, and cell by cell with openpyxl.
    assert berkas.baca_xlsx(xlsx) == catatan
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    peg = list(wb["Pegawai"].iter_rows(values_only=True))
    kolom = peg[0]
    assert [row[kolom.index("nip")] for row in peg[1:]] == [c["nip"] for c in catatan]
    assert sum(1 for _ in wb["RHK"].iter_rows()) - 1 == sum(len(c["rhk"]) for c in catatan)
    # The manifest's checksums are those of the files.
    assert manifes["sha256"] == hashlib.sha256(jsonl).hexdigest()
    assert manifes["berkas"]["ekinerja.jsonl"]["sha256"] == hashlib.sha256(jsonl).hexdigest()
    assert manifes["berkas"]["ekinerja.xlsx"]["sha256"] == hashlib.sha256(xlsx).hexdigest()
    assert manifes["versi_format"] == "2" and manifes["skema"] == "ekinerja-v2.json"
    assert manifes["jumlah"]["pegawai_diekspor"] == len(catatan)
    assert manifes["jumlah"]["rhk"] == sum(len(c["rhk"]) for c in catatan)
    # Pegawai who fail are listed, not exported, and every one of them is logged.
    t = teks(r)
    assert f"Pegawai gagal (tidak diekspor) {siap['Belum siap']}" in t
    with app.app_context():
        kepsek4 = pegawai_demo("kepsek4")
        log = db.session.scalars(select(LogSinkro).where(LogSinkro.ekspor_id == ekspor_id)).all()
        assert len(log) == siap["Semua"]
        assert {b.status for b in log if b.nip == kepsek4.nip} == {"Gagal"}
    assert kepsek4.nip not in {c["nip"] for c in catatan}
    halaman = [teks(k.get(f"/sinkro/ekspor/{ekspor_id}?halaman={i}")) for i in (1, 2)]
    assert "Halaman 1 dari 2" in halaman[0]
    assert any(kepsek4.nama in h for h in halaman)


def test_ekspor_penilaian_akhir_setelah_periode_dan_unor_diperbaiki(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    ekspor_id, r = ekspor_lewat_halaman(k, "penilaian_akhir")
    assert "Pegawai diekspor 0" in teks(r)
    with app.app_context():
        for p in db.session.scalars(select(PeriodeEkinerja)):
            if p.nama == "TRIWULAN III 2026":
                p.tipe_periodik = "Triwulanan"
            if p.nama == "TRIWULAN IV":
                p.angka_periodik = 4
        db.session.scalar(select(Sekolah).where(Sekolah.npsn == "20301201")).unor_id = \
            "UNOR-20301201-2025"
        db.session.commit()
    ekspor_id, r = ekspor_lewat_halaman(k, "penilaian_akhir")
    jsonl, xlsx, _ = unduh(k, ekspor_id)
    catatan = berkas.baca_jsonl(jsonl)
    assert catatan
    v = skema_validator()
    for c in catatan:
        v.validate(c)
        akhir = c["penilaian_akhir"]
        assert akhir["predikat"] in ("SANGAT BAIK", "BAIK", "BUTUH PERBAIKAN")
        assert akhir["rating_hasil_kerja"].endswith("EKSPEKTASI")
        assert all(x["realisasi"] for x in c["rhk"])
    assert {c["unor"]["id"] for c in catatan} == {"UNOR-20301201-2025"}
    assert any(c["penilaian_akhir"]["umpan_balik_perilaku"] for c in catatan)
    assert berkas.baca_xlsx(xlsx) == catatan


def test_berkas_xlsx_ekspor_menetralkan_rumus_dan_kembali_sama():
    c = {"versi_format": "2", "jenis": "perencanaan", "nip": "198409102023212026",
         "nama": "=1+1", "jenis_skp": "GURU / JAJF", "plt": False,
         "periode_awal": "2026-01-01", "periode_akhir": "2026-12-31",
         "pendekatan": "KUANTITATIF", "jabatan": "'sudah berapostrof",
         "unor": {"id": "U1", "nama": "@SUM(A1)"},
         "atasan": {"nama": "-2", "nip": None, "unor": {"id": None, "nama": None}},
         "rhk": [{"no": 1, "jenis": "UTAMA", "jenis_rhk": "INDIVIDU", "kode": "D1-1",
                  "rhk": "+cmd|' /C calc'!A0", "rhk_atasan": None, "indikator_atasan": None,
                  "aspek": "=", "indikator": None, "target": "1 siklus", "perspektif": "@x",
                  "bukti_dukung": ["=HYPERLINK(1)", "biasa"], "realisasi": None,
                  "umpan_balik": None}]}
    lembar = berkas.LembarEkspor("perencanaan")
    lembar.tambah(c)
    isi = lembar.simpan("0" * 64)
    wb = load_workbook(io.BytesIO(isi))
    sel = [cell for ws in wb for row in ws.iter_rows() for cell in row]
    assert not any(x.data_type == "f" for x in sel)
    assert wb["Pegawai"]["D2"].value == "'=1+1"
    assert berkas.baca_xlsx(isi) == [c]


def test_ekspor_dari_baris_perintah(app, demo, tmp_path):
    r = app.test_cli_runner().invoke(args=["ekspor-ekinerja", "--keluar", str(tmp_path / "x"),
                                           "--operator", "operator"])
    assert r.exit_code == 0, r.output
    assert re.search(r"Ekspor #\d+: \d+ pegawai diekspor, \d+ gagal", r.output)
    assert "Gagal: " in r.output and "Data SKP pegawai tidak ditemukan" in r.output
    jsonl = (tmp_path / "x" / "ekinerja.jsonl").read_bytes()
    manifes = json.loads((tmp_path / "x" / "manifes.json").read_text())
    assert manifes["sha256"] == hashlib.sha256(jsonl).hexdigest()
    assert berkas.baca_xlsx((tmp_path / "x" / "ekinerja.xlsx").read_bytes()) == \
        berkas.baca_jsonl(jsonl)
    with app.app_context():
        e = db.session.scalar(select(Ekspor))
        assert e.lingkup == "Seluruh Dinas (CLI)" and e.akun_id is not None
        assert db.session.scalar(select(Audit).where(Audit.aksi == "ekspor_ekinerja"))


# ------------------------------------------------------------------ sync log


def test_log_filter_hitungan_dan_halaman(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    ekspor_lewat_halaman(k, "perencanaan")
    ekspor_lewat_halaman(k, "perencanaan")
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(LogSinkro))
        gagal = db.session.scalar(select(func.count()).where(LogSinkro.status == "Gagal"))
        contoh = db.session.scalar(select(LogSinkro).where(LogSinkro.status == "Berhasil"))
        nip, nama = contoh.nip, contoh.nama
        # A Plt. KS has two SKPs (as Guru and as KS), so count this NIP's rows.
        per_nip = db.session.scalar(select(func.count()).where(LogSinkro.nip == nip))
    r = k.get("/sinkro/log")
    assert angka_tab(r) == {"Semua": total, "Berhasil": total - gagal, "Gagal": gagal}
    assert total > 100 and f"Halaman 1 dari {-(-total // 50)}" in teks(r)
    assert len(baris_tabel(r)) == 50
    r = k.get("/sinkro/log?halaman=3")
    assert len(baris_tabel(r)) == total - 100
    for b in baris_tabel(k.get("/sinkro/log?status=Gagal")):
        assert "Gagal" in b and "Berhasil" not in b
    r = k.get(f"/sinkro/log?nip={nip}")
    assert per_nip in (2, 4) and angka_tab(r)["Semua"] == per_nip
    assert "RHK Masuk : 2" in teks(r) and "RHK Indikator Masuk : 2" in teks(r)
    r = k.get(f"/sinkro/log?nama={nama.split(',')[0]}&status=Berhasil")
    assert all(nama.split(",")[0] in b for b in baris_tabel(r))


def test_sinkro_ulang_hijau_setelah_unor_sekolah_diperbaiki_lewat_impor(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    ekspor_lewat_halaman(k, "perencanaan")
    with app.app_context():
        lama = db.session.scalar(
            select(LogSinkro).join(Pegawai, LogSinkro.pegawai_id == Pegawai.id)
            .join(Skp, Skp.pegawai_id == Pegawai.id).join(Sekolah, Pegawai.sekolah_id ==
                                                          Sekolah.id)
            .where(Sekolah.npsn == "20301201", Skp.status == "disepakati",
                   LogSinkro.posisi == "guru").order_by(LogSinkro.id))
        log_id, nip = lama.id, lama.nip
        assert lama.status == "Gagal"
        assert 'Gagal Sinkro: "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit ' \
               'Kerja"' in lama.catatan
    # The roster import corrects the school's UNOR (the Dinas' fix, as the pre-check says).
    isi = tulis_csv(["npsn", "nama", "jenjang", "status", "unor_id"],
                    [["20301201", "SMP NEGERI 1 KEBUMEN", "SMP", "Negeri",
                      "UNOR-20301201-2025"]])
    r = k.post("/impor", {"berkas": (io.BytesIO(isi), "sekolah.csv")},
               content_type="multipart/form-data")
    assert r.status_code == 303
    impor_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert k.post(f"/impor/{impor_id}/terapkan").status_code == 200
    r = k.post(f"/sinkro/log/{log_id}/ulang")
    assert r.status_code == 303
    r = k.get(r.headers["Location"])
    m = re.search(r"berhasil\. RHK Individu: RHK Masuk : (\d), RHK Indikator Masuk : (\d); "
                  r"RHK Organisasi: RHK Masuk : 0, RHK Indikator Masuk : 0\.", teks(r))
    assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 2  # praktik, kompetensi, …
    baris = baris_tabel(r)
    assert "Berhasil" in baris[0] and f"RHK Masuk : {m.group(1)}" in baris[0]
    assert "Gagal" in baris[1]  # the old row stays as it was: the log is append-only
    with app.app_context():
        rows = db.session.scalars(select(LogSinkro).where(LogSinkro.nip == nip)
                                  .order_by(LogSinkro.id)).all()
        assert [b.status for b in rows] == ["Gagal", "Berhasil"]
        assert rows[1].ekspor_id != rows[0].ekspor_id
        e = db.session.get(Ekspor, rows[1].ekspor_id)
        assert [c["nip"] for c in berkas.baca_jsonl(e.jsonl)] == [nip]


def test_sinkro_satu_pegawai_dari_halaman_pegawai(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    with app.app_context():
        p = db.session.scalar(select(Pegawai).join(Skp, Skp.pegawai_id == Pegawai.id)
                              .join(Pegawai.sekolah)
                              .where(Sekolah.npsn == "20301103", Skp.status == "disepakati",
                                     Skp.posisi == "guru"))
        pid = p.id
    r = k.get(f"/sinkro/pegawai/{pid}")
    t = teks(r)
    assert "Data SIASN / e-Kinerja" in t and "Detail Pegawai Atasan" in t
    assert "Perencanaan (SKP): Siap" in t
    r = k.post(f"/sinkro/pegawai/{pid}/sinkro", {"posisi": "guru", "jenis": "perencanaan"})
    assert r.status_code == 303
    t = teks(k.get(r.headers["Location"]))
    assert re.search(r"Sinkro .* berhasil\. RHK Individu: RHK Masuk : [23], RHK Indikator "
                     r"Masuk : [23]; RHK Organisasi: RHK Masuk : 0", t)
    assert "Perencanaan (SKP), guru: Berhasil" in t


def test_log_hanya_dapat_ditambah(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    ekspor_lewat_halaman(k, "perencanaan")
    with app.app_context():
        b = db.session.scalar(select(LogSinkro))
        b.status = "Berhasil" if b.status == "Gagal" else "Gagal"
        with pytest.raises(LogHanyaDitambah):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(LogHanyaDitambah):
            db.session.delete(db.session.scalar(select(LogSinkro)))
            db.session.flush()
        db.session.rollback()
    aturan_log = [r for r in app.url_map.iter_rules() if r.rule.startswith("/sinkro/log")]
    assert {r.rule for r in aturan_log} == {"/sinkro/log", "/sinkro/log/<int:log_id>/ulang"}
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS", "POST"} for r in aturan_log)


# ------------------------------------------------------------------ access, Beranda


HALAMAN = ("/sinkro", "/sinkro/log", "/sinkro/ekspor", "/sinkro/referensi", "/sinkro/periode",
           "/sinkro/disparitas", "/sinkro/disparitas.xlsx", "/sinkro/temuan.xlsx",
           "/sinkro/referensi/templat-unor.xlsx")


def test_akses_hanya_operator_dan_dinasnya_sendiri(app, rujukan, buat_klien):
    op = masuk(buat_klien, "operator")
    for url in HALAMAN:
        assert op.get(url).status_code == 200, url
    for username in ("guru", "kepsek", "kadis", "tim"):
        k = masuk(buat_klien, username)
        for url in HALAMAN:
            assert k.get(url).status_code == 403, (username, url)
        assert k.post("/sinkro/ekspor", {"jenis": "perencanaan"}).status_code == 403
    # Objects of the first Dinas, as the other Dinas' operator sees them: not found.
    ekspor_lewat_halaman(op, "perencanaan")
    op.post("/sinkro/periode", periode_form())
    impor_id, _ = pratinjau(op, "unor", unor_xlsx([["U9", "SD", None, None]]))
    with app.app_context():
        log_id = db.session.scalar(select(LogSinkro.id))
        ekspor_id = db.session.scalar(select(Ekspor.id))
        periode_id = db.session.scalar(select(PeriodeEkinerja.id))
    lain = masuk(buat_klien, "operator_lain")
    for url in (f"/sinkro?sekolah={rujukan.sekolah.id}", f"/sinkro/pegawai/{rujukan.guru.id}",
                f"/sinkro/ekspor/{ekspor_id}", f"/sinkro/ekspor/{ekspor_id}/ekinerja.jsonl",
                f"/sinkro/periode/{periode_id}", f"/sinkro/referensi/impor/{impor_id}"):
        assert lain.get(url).status_code == 404, url
    for url in (f"/sinkro/log/{log_id}/ulang", f"/sinkro/periode/{periode_id}/hapus",
                f"/sinkro/referensi/impor/{impor_id}/terapkan",
                f"/sinkro/pegawai/{rujukan.guru.id}/sinkro"):
        assert lain.post(url, {"versi": "1"}).status_code == 404, url
    assert angka_tab(lain.get("/sinkro/log"))["Semua"] == 0


def test_beranda_operator_menghitung_siap_dan_belum(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    tab = angka_tab(k.get("/sinkro"))
    r = k.get("/")
    assert lencana(r, "Belum siap sinkro e-Kinerja") == tab["Belum siap"]
    assert lencana(r, "Siap sinkro e-Kinerja") == tab["Siap"]
    assert 'href="/sinkro?status=belum"' in r.text
    nav = r.text.split('aria-label="Menu utama"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/sinkro">Sinkro<' in nav and 'href="/sinkro/log">Log Sinkro<' in nav


def test_unggahan_referensi_tidak_tercampur_dengan_impor_roster(app, dunia, buat_klien):
    k = masuk(buat_klien, "operator")
    impor_id, _ = pratinjau(k, "unor", unor_xlsx([["U1", "SD", None, None]]), "unor-saya.xlsx")
    assert "unor-saya.xlsx" not in k.get("/impor").text
    assert k.get(f"/impor/{impor_id}").status_code == 404
    assert k.post(f"/impor/{impor_id}/terapkan").status_code == 404
    assert "unor-saya.xlsx" in k.get("/sinkro/referensi").text


def test_rencana_pimpinan_dicari_lewat_indeks_unik_bukan_seluruh_skp_setahun(tmp_path):
    """Cek Kesiapan Sinkro of a whole Dinas took 30 of its 40 s on SQLite in one query: the
    leaders' agreed plans were found through the (tahun, status) index, i.e. every agreed
    plan of the year read once per school leader. Every query of the run that reads skp
    for given pegawai must use the unique (pegawai, tahun, posisi) index. SQLite's plan
    (no statistics) is the same for the demo as for 20,000 teachers, so the demo in a
    SQLite database of its own shows it, whichever backend the suite runs on."""
    from conftest import TEST_CONFIG
    from sqlalchemy import event

    from kinerja_web import create_app
    from kinerja_web import demo as demo_data
    from kinerja_web.models import Dinas
    from kinerja_web.sinkro import data

    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'rencana.db'}"})
    with app.app_context():
        db.create_all()  # tests only
        demo_data.buat(app)
        db.session.commit()
        dinas_id = db.session.scalar(select(Dinas.id).order_by(Dinas.id))
        perintah = []

        def catat(conn, cursor, sql, params, context, executemany):
            if "skp.pegawai_id = pegawai.id" in sql:
                perintah.append((sql, params))

        event.listen(db.engine, "before_cursor_execute", catat)
        try:
            assert sum(1 for _ in data.hasil(data.Muatan(dinas_id, 2026), "perencanaan")) > 20
        finally:
            event.remove(db.engine, "before_cursor_execute", catat)
        assert perintah
        mentah = db.session.connection().connection.driver_connection
        for sql, params in perintah:
            rencana = [r[3] for r in mentah.execute("EXPLAIN QUERY PLAN " + sql, params)]
            baris_skp = [r for r in rencana if r.split()[1:2] == ["skp"]]
            assert baris_skp and all(
                "sqlite_autoindex_skp_1 (pegawai_id=? AND tahun_id=?" in r
                or "ix_skp_terbuka (pegawai_id=? AND tahun_id=?" in r for r in baris_skp
            ), rencana
        db.session.remove()
        db.engine.dispose()
