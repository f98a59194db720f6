"""Cetak (issue 6): the four documents of SPEC §5 as PDF, who may print what, inert
XSS, the URL fetcher, the letterhead logo, batch printing (page, CLI, RQ) and HarfBuzz.

The documents are read back with pypdf: every label in order, the values of a known
pegawai, the page count and footer, and the verification code of the Cetakan row."""

import ctypes.util
import io
import logging
import os
import re
import socket
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import bantu_cetak
import pytest
from bantu import atribut, masuk_demo
from bantu_cetak import (
    PERILAKU,
    SMP1,
    SMP2,
    akun,
    baca,
    batch,
    batch_terakhir,
    cetak,
    halaman,
    id_sekolah,
    jumlah,
    logo_dinas,
    pegawai_dari,
    png,
    rata,
    segar,
    semua,
    skp_dari,
    skp_orm,
    tahun_demo,
    tanggal_id,
    tanpa_spasi,
    teks_pdf,
    tunggu,
    unggah,
    urutan,
    xobject_gambar,
    yang_berpredikat,
)
from conftest import SANDI, polos
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from kinerja_web import jobs, pdf, tugas_latar
from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import db
from kinerja_web.models import Audit, Dinas
from kinerja_web.models.cetak import Cetakan, CetakBatch, CetakBatchBerkas
from kinerja_web.models.penilaian import Penilaian
from kinerja_web.models.skp import Skp
from kinerja_web.waktu import sekarang

# Fixtures shared with other test modules.
tanpa_pekerja = bantu_cetak.tanpa_pekerja

XSS_NAMA = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
XSS_TEKS = 'Refleksi <b hx-get="/x" hx-trigger="load">tebal</b> & <svg onload=alert(2)>'


# ------------------------------------------------------------------ helpers


@baca
def id_akun(username):
    return akun(username).id


@baca
def cetakan_terakhir(skp_id, jenis):
    return polos(db.session.scalar(select(Cetakan).where(Cetakan.skp_id == skp_id,
                                                         Cetakan.jenis == jenis)
                                   .order_by(Cetakan.id.desc())))


def cek_halaman_dan_kode(data, kode):
    """'Halaman i dari N' and the verification code on every page; never 'None'."""
    hal = halaman(data)
    n = len(hal)
    for i, t in enumerate(hal, 1):
        t = rata(t)
        assert f"Halaman {i} dari {n}" in t
        assert f"Kode verifikasi: {kode}" in t
        assert "None" not in t
    assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", kode)
    return n


@pytest.fixture
def berkas_sementara(app, tmp_path):
    """Batch files live in the database (simpanan): the instance folder gets none of them."""
    sebelum = set((Path(app.instance_path) / "cetak").glob("*"))
    yield tmp_path
    assert set((Path(app.instance_path) / "cetak").glob("*")) == sebelum


# ------------------------------------------------------------------ 1. the documents

def test_skp_label_urut_nilai_halaman_dan_kode(demo, buat_klien):
    skp = skp_dari("guru28")
    p = skp.pegawai
    kepsek = pegawai_dari("kepsek3")
    tanggal = tanggal_id(skp.disepakati)
    segar()
    k = masuk_demo(buat_klien, "guru28")
    r = cetak(k, "skp", skp.id)
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("inline")
    kode = cetakan_terakhir(skp.id, "skp").kode
    n = cek_halaman_dan_kode(r.data, kode)
    assert n >= 2  # the SKP and its Lampiran (on a new page)
    teks = teks_pdf(r.data)
    identitas = ["NAMA", "NIP", "PANGKAT/GOL. RUANG", "JABATAN", "UNIT KERJA"]
    urutan(teks, [
        "PEMERINTAH KABUPATEN KEBUMEN", "DINAS PENDIDIKAN KABUPATEN KEBUMEN",
        "SASARAN KINERJA PEGAWAI", "JABATAN FUNGSIONAL GURU",
        "PENDEKATAN HASIL KERJA KUANTITATIF",
        "DINAS PENDIDIKAN KABUPATEN KEBUMEN PERIODE PENILAIAN: 1 JANUARI S.D 31 DESEMBER 2026",
        "PEGAWAI YANG DINILAI", *identitas, "PEJABAT PENILAI KINERJA", *identitas,
        "HASIL KERJA", "NO.", "RENCANA HASIL KERJA PIMPINAN YANG DIINTERVENSI",
        "RENCANA HASIL KERJA", "ASPEK", "INDIKATOR KINERJA INDIVIDU", "TARGET",
        "A. UTAMA", "B. TAMBAHAN", "PERILAKU KERJA", "NO.", "PERILAKU KERJA",
        "EKSPEKTASI KHUSUS PIMPINAN", *PERILAKU,
        "Pegawai yang Dinilai", "Pejabat Penilai Kinerja",
        "LAMPIRAN SASARAN KINERJA PEGAWAI",
        "PERIODE PENILAIAN: 1 JANUARI S.D 31 DESEMBER 2026",
        "DUKUNGAN SUMBER DAYA", "SKEMA PERTANGGUNGJAWABAN", "KONSEKUENSI",
        "Pegawai yang Dinilai", "Pejabat Penilai Kinerja",
    ])
    # The known pegawai and her PPK, in the identity blocks and the signatures.
    urutan(teks, [
        f"NAMA {p.nama}", f"NIP {p.nip}", "PANGKAT/GOL. RUANG Penata Muda Tingkat I, III/b",
        "JABATAN Guru Ahli Pertama", "UNIT KERJA SMP NEGERI 1 KEBUMEN",
        f"NAMA {kepsek.nama}", f"NIP {kepsek.nip}", "UNIT KERJA SMP NEGERI 1 KEBUMEN",
        f"Pegawai yang Dinilai {p.nama} NIP {p.nip}",
        f"Kebumen, {tanggal} Pejabat Penilai Kinerja {kepsek.nama} NIP {kepsek.nip}",
    ])
    # Each RHK of the plan (utama, then tambahan) is printed with its indicator and target.
    rhk = [r for j in ("utama", "tambahan") for r in skp.rhk if r["jenis"] == j]
    assert len(rhk) >= 2
    urutan(teks, [bagian for r in rhk for bagian in (r["rhk"], r["aspek"], r["indikator"],
                                                      r["target"])])
    # The Lampiran starts on a page of its own.
    assert rata(halaman(r.data)[-1]).split("LAMPIRAN SASARAN KINERJA PEGAWAI")[0].count(
        "PERILAKU KERJA") == 0


def test_evaluasi_label_urut_nilai_dan_kurva(demo, buat_klien):
    skp = skp_dari("guru28")
    p, kepsek = skp.pegawai, pegawai_dari("kepsek3")
    segar()
    k = masuk_demo(buat_klien, "kepsek3")  # the atasan prints his teacher's sheet
    r = cetak(k, "evaluasi", skp.id)
    assert r.status_code == 200
    kode = cetakan_terakhir(skp.id, "evaluasi").kode
    cek_halaman_dan_kode(r.data, kode)
    teks = teks_pdf(r.data)
    identitas = ["NAMA", "NIP", "PANGKAT/GOL. RUANG", "JABATAN", "UNIT KERJA"]
    urutan(teks, [
        "EVALUASI KINERJA PEGAWAI", "PENDEKATAN HASIL KERJA KUANTITATIF",
        "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL", "PERIODE: AKHIR",
        "DINAS PENDIDIKAN KABUPATEN KEBUMEN PERIODE PENILAIAN: 1 JANUARI S.D 31 DESEMBER 2026",
        "PEGAWAI YANG DINILAI", *identitas, "PEJABAT PENILAI KINERJA", *identitas,
        "CAPAIAN KINERJA ORGANISASI BAIK", "POLA DISTRIBUSI", "HASIL KERJA", "NO.",
        "RENCANA HASIL KERJA", "INDIKATOR KINERJA INDIVIDU", "TARGET",
        "REALISASI BERDASARKAN BUKTI DUKUNG",
        "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI DUKUNG", "A. UTAMA", "B. TAMBAHAN",
        "RATING HASIL KERJA SESUAI EKSPEKTASI", "PERILAKU KERJA", "NO.", "PERILAKU KERJA",
        "UMPAN BALIK BERKELANJUTAN", *PERILAKU, "RATING PERILAKU KERJA SESUAI EKSPEKTASI",
        "PREDIKAT KINERJA PEGAWAI BAIK", "Pejabat Penilai Kinerja", kepsek.nama,
        f"NIP {kepsek.nip}",
    ])
    urutan(teks, [f"NAMA {p.nama}", f"NIP {p.nip}", f"NAMA {kepsek.nama}"])
    # The school's distribution (3 Sangat Baik, 7 Baik, 1 Butuh Perbaikan) drawn as SVG.
    assert ("Sangat Baik 3 Baik 7 Butuh Perbaikan 1 Kurang 0 Sangat Kurang 0") in teks
    assert "Praktik kelas berubah nyata; lanjutkan berbagi di KKG." in teks


def test_dokumen_evaluasi_satu_halaman_label_nilai_dan_ukuran(demo, buat_klien):
    skp = skp_dari("guru23")
    p, kepsek, kadis = skp.pegawai, pegawai_dari("kepsek3"), pegawai_dari("kadis")
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    tanggal = tanggal_id(pen.penetapan.waktu)
    segar()
    k = masuk_demo(buat_klien, "operator")  # the Dinas prints anything in its region
    r = cetak(k, "dokumen_evaluasi", skp.id)
    assert r.status_code == 200
    kode = cetakan_terakhir(skp.id, "dokumen_evaluasi").kode
    assert cek_halaman_dan_kode(r.data, kode) == 1
    assert len(r.data) <= 30 * 1024, len(r.data)
    teks = teks_pdf(r.data)
    blok = ["NAMA", "NIP", "PANGKAT/GOL RUANG", "JABATAN", "UNIT KERJA"]
    urutan(teks, [
        "DINAS PENDIDIKAN KABUPATEN KEBUMEN", "DOKUMEN EVALUASI KINERJA PEGAWAI",
        "PERIODE: AKHIR",
        "DINAS PENDIDIKAN KABUPATEN KEBUMEN PERIODE PENILAIAN: 1 JANUARI SD 31 DESEMBER "
        "TAHUN 2026",
        "1 PEGAWAI YANG DINILAI", *blok, "2 PEJABAT PENILAI KINERJA", *blok,
        "3 ATASAN PEJABAT PENILAI KINERJA", *blok, "4 EVALUASI KINERJA",
        "CAPAIAN KINERJA ORGANISASI", "PREDIKAT KINERJA PEGAWAI", "5 CATATAN/REKOMENDASI",
        "Pegawai yang Dinilai,", "Pejabat Penilai Kinerja,",
    ])
    urutan(teks, [
        f"1 PEGAWAI YANG DINILAI NAMA {p.nama} NIP {p.nip} "
        f"PANGKAT/GOL RUANG Penata, III/c JABATAN Guru Ahli Muda "
        f"UNIT KERJA SMP NEGERI 1 KEBUMEN",
        f"2 PEJABAT PENILAI KINERJA NAMA {kepsek.nama} NIP {kepsek.nip}",
        f"3 ATASAN PEJABAT PENILAI KINERJA NAMA {kadis.nama} NIP {kadis.nip} "
        "PANGKAT/GOL RUANG Pembina Utama Muda, IV/c JABATAN Kepala Dinas "
        "UNIT KERJA Dinas Pendidikan Kabupaten Kebumen",
        "CAPAIAN KINERJA ORGANISASI BAIK PREDIKAT KINERJA PEGAWAI SANGAT BAIK",
        "5 CATATAN/REKOMENDASI Praktik kelas berubah nyata; lanjutkan berbagi di KKG.",
        f"Pegawai yang Dinilai, {p.nama} NIP {p.nip}",
        f"Kebumen, {tanggal} Pejabat Penilai Kinerja, {kepsek.nama} NIP {kepsek.nip}",
    ])


def test_angka_kredit_satu_halaman_koma_desimal_dan_isian_kosong(demo, buat_klien):
    skp = skp_dari("guru28")
    p, kepsek = skp.pegawai, pegawai_dari("kepsek3")
    assert p.karpeg is None and p.masa_kerja_tahun is None
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    tanggal = tanggal_id(pen.penetapan.waktu)
    segar()
    k = masuk_demo(buat_klien, "kadis")
    r = cetak(k, "angka_kredit", skp.id)
    assert r.status_code == 200
    kode = cetakan_terakhir(skp.id, "angka_kredit").kode
    assert cek_halaman_dan_kode(r.data, kode) == 1
    assert len(r.data) <= 30 * 1024, len(r.data)
    teks = teks_pdf(r.data)
    urutan(teks, [
        "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT", "NOMOR :", "Instansi", "Periode",
        "I KETERANGAN PERORANGAN", "1 Nama", "2 NIP", "3 Nomor Seri Karpeg",
        "4 Pangkat/Golongan ruang/TMT", "5 Tempat/Tanggal Lahir", "6 Jenis Kelamin",
        "7 Pendidikan", "8 Jabatan/TMT", "9 Masa Kerja Golongan", "10 Unit Kerja",
        "HASIL PENILAIAN KINERJA", "KOEFISIEN PER TAHUN", "ANGKA KREDIT YANG DIDAPAT",
        "PREDIKAT", "PROSENTASE", "Ditetapkan di", "pada tanggal", "Pejabat Penilai Kinerja",
    ])
    urutan(teks, [
        "NOMOR : Instansi Dinas Pendidikan Kabupaten Kebumen",  # NOMOR: a blank line
        "Periode 1 Januari s.d. 31 Desember 2026",
        f"1 Nama {p.nama} 2 NIP {p.nip} 3 Nomor Seri Karpeg 4 Pangkat/Golongan ruang/TMT "
        f"Penata Muda Tingkat I, III/b / {tanggal_id(p.tmt_golongan)}",
        f"5 Tempat/Tanggal Lahir Kebumen / {tanggal_id(p.tanggal_lahir)}",
        f"6 Jenis Kelamin {'Perempuan' if p.jenis_kelamin == 'P' else 'Laki-laki'}",
        f"7 Pendidikan {p.pendidikan}",
        f"8 Jabatan/TMT Guru Ahli Pertama / {tanggal_id(p.tmt_jabatan)}",
        "9 Masa Kerja Golongan 10 Unit Kerja SMP NEGERI 1 KEBUMEN",  # blank masa kerja
        "BAIK 100% 12,5 12,50 (12 bulan)",
        f"Ditetapkan di Kebumen pada tanggal {tanggal} Pejabat Penilai Kinerja "
        f"{kepsek.nama} NIP {kepsek.nip}",
    ])
    assert "12.50" not in teks


def test_isian_roster_yang_kosong_dicetak_sebagai_garis_bukan_none(demo, buat_klien):
    skp = skp_orm("guru28")
    p = skp.pegawai
    p.tempat_lahir = p.tanggal_lahir = p.pendidikan = p.jenis_kelamin = None
    p.tmt_golongan = p.tmt_jabatan = None
    db.session.commit()
    skp = skp_dari("guru28")
    segar()
    k = masuk_demo(buat_klien, "guru28")
    r = cetak(k, "angka_kredit", skp.id)
    assert r.status_code == 200
    teks = teks_pdf(r.data)
    assert "None" not in teks and "none" not in teks
    urutan(teks, ["3 Nomor Seri Karpeg 4 Pangkat/Golongan ruang/TMT Penata Muda Tingkat I, "
                  "III/b 5 Tempat/Tanggal Lahir / 6 Jenis Kelamin 7 Pendidikan 8 Jabatan/TMT "
                  "Guru Ahli Pertama 9 Masa Kerja Golongan 10 Unit Kerja"])
    # The blank is a line to fill by hand: an underlined empty box in the HTML.
    from kinerja_web.dokumen import isi as isi_dokumen
    from kinerja_web.dokumen.cetak import siapkan

    skps, bersama = isi_dokumen.muat([skp.id])
    html, _ = siapkan("angka_kredit", skps[0], bersama)
    assert html.count('<span class="kosong">') >= 5
    assert "None" not in html
    segar()


# ------------------------------------------------------------------ 2. PPK and atasan PPK

def test_ppk_kepala_sekolah_adalah_kadis_dan_atasannya_dari_pengaturan(demo, buat_klien):
    skp = skp_dari("kepsek3")
    p, kadis = skp.pegawai, pegawai_dari("kadis")
    assert skp.posisi == "kepala_sekolah"
    dinas = db.session.get(Dinas, p.dinas_id)
    dinas.atasan_kadis_nama = "Ir. Bupati Pengganti, M.T."
    dinas.atasan_kadis_nip = "197001011995031001"
    dinas.atasan_kadis_pangkat = "Pembina Utama, IV/e"
    dinas.atasan_kadis_jabatan = "Sekretaris Daerah"
    db.session.commit()
    k = masuk_demo(buat_klien, "kepsek3")  # a principal prints his own
    r = cetak(k, "dokumen_evaluasi", skp.id)
    assert r.status_code == 200
    assert len(halaman(r.data)) == 1
    teks = teks_pdf(r.data)
    urutan(teks, [
        f"1 PEGAWAI YANG DINILAI NAMA {p.nama} NIP {p.nip}",
        f"2 PEJABAT PENILAI KINERJA NAMA {kadis.nama} NIP {kadis.nip} "
        "PANGKAT/GOL RUANG Pembina Utama Muda, IV/c JABATAN Kepala Dinas",
        "3 ATASAN PEJABAT PENILAI KINERJA NAMA Ir. Bupati Pengganti, M.T. "
        "NIP 197001011995031001 PANGKAT/GOL RUANG Pembina Utama, IV/e "
        "JABATAN Sekretaris Daerah UNIT KERJA",
        "PREDIKAT KINERJA PEGAWAI BAIK",
        f"Pejabat Penilai Kinerja, {kadis.nama} NIP {kadis.nip}",
    ])
    assert "Hadi Prasetyo" not in teks  # the demo's setting was replaced


def test_ppk_guru_kepsek_dan_atasannya_kadis(demo, buat_klien):
    skp = skp_dari("guru26")
    kepsek, kadis = pegawai_dari("kepsek3"), pegawai_dari("kadis")
    segar()
    k = masuk_demo(buat_klien, "guru26")
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", skp.id).data)
    urutan(teks, [f"2 PEJABAT PENILAI KINERJA NAMA {kepsek.nama} NIP {kepsek.nip}",
                  f"3 ATASAN PEJABAT PENILAI KINERJA NAMA {kadis.nama} NIP {kadis.nip}"])
    assert "Hadi Prasetyo" not in teks  # the principal's atasan PPK only


def test_non_asn_nip_dan_pangkat_kosong(demo, buat_klien):
    skp = skp_orm("guru32")
    p = skp.pegawai
    p.status_kepegawaian, p.nip, p.golongan = "NON_ASN", None, "IX"
    db.session.commit()
    skp = skp_dari("guru32")
    nama = skp.pegawai.nama
    segar()
    k = masuk_demo(buat_klien, "guru32")
    r = cetak(k, "dokumen_evaluasi", skp.id)
    assert r.status_code == 200
    teks = teks_pdf(r.data)
    assert "None" not in teks and "PPPK" not in teks
    urutan(teks, [f"1 PEGAWAI YANG DINILAI NAMA {nama} NIP PANGKAT/GOL RUANG JABATAN "
                  "Guru Ahli Pertama UNIT KERJA SMP NEGERI 1 KEBUMEN",
                  f"Pegawai yang Dinilai, {nama} NIP Kebumen,"])
    assert "_dokumen_evaluasi.pdf" in r.headers["Content-Disposition"]


def test_pppk_mencetak_golongan_pppk(demo, buat_klien):
    # The SKP shows a PPPK's golongan; the Dokumen Evaluasi leaves NIP and pangkat blank
    # for non-PNS (SPEC §5c; more in test_dokumen_resmi).
    skp = skp_dari("guru32")
    segar()
    k = masuk_demo(buat_klien, "guru32")
    teks = teks_pdf(cetak(k, "skp", skp.id).data)
    urutan(teks, ["PANGKAT/GOL. RUANG", "Golongan IX (PPPK)", "JABATAN", "Guru Ahli Pertama"])
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", skp.id).data)
    assert "PANGKAT/GOL RUANG JABATAN Guru Ahli Pertama" in teks


# ------------------------------------------------------------------ 3. who may print what

def test_siapa_boleh_mencetak_apa(demo, buat_klien, make_dinas, make_pegawai, tugaskan):
    lain = make_dinas(nama="Dinas Pendidikan Kota Lain")
    op = make_pegawai(dinas=lain, username="operator_lain", jabatan="Pelaksana")
    tugaskan(op, "operator_dinas")
    db.session.commit()
    skp_guru = skp_dari("guru28").id
    skp_ks = skp_dari("kepsek3").id
    segar()
    kasus = [
        ("guru28", skp_guru, 200),        # own document
        ("guru29", skp_guru, 404),        # another teacher of the same school
        ("guru1", skp_guru, 404),         # a teacher of another school
        ("kepsek3", skp_guru, 200),       # the atasan
        ("kepsek1", skp_guru, 404),       # another principal
        ("guru28", skp_ks, 404),          # a teacher cannot print his principal's
        ("kepsek3", skp_ks, 200),         # the principal his own
        ("operator", skp_guru, 200),      # Dinas staff: everything in the region
        ("kadis", skp_ks, 200),
        ("timkerja1", skp_ks, 200),
    ]
    for username, skp_id, status in kasus:
        k = masuk_demo(buat_klien, username)
        r = cetak(k, "dokumen_evaluasi", skp_id)
        assert r.status_code == status, (username, skp_id, r.status_code)
        if status == 200:
            assert r.data.startswith(b"%PDF-")
    k = masuk_demo(buat_klien, "operator_lain", sandi=SANDI)
    assert cetak(k, "dokumen_evaluasi", skp_guru).status_code == 404
    assert cetak(k, "skp", skp_guru).status_code == 404
    # Signed out: to the login page, nothing printed.
    anonim = buat_klien()
    r = anonim.post(f"/cetak/skp/{skp_guru}")
    assert r.status_code in (302, 303) and "/masuk" in r.headers["Location"]
    # An unknown SKP or document type.
    k = masuk_demo(buat_klien, "operator")
    assert cetak(k, "dokumen_evaluasi", 999999).status_code == 404
    assert cetak(k, "rapor", skp_guru).status_code == 404
    assert jumlah(Cetakan) == sum(1 for *_, s in kasus if s == 200)


@pytest.mark.parametrize("username, jenis, pesan", [
    ("guru4", "skp", "SKP dapat dicetak setelah Perencanaan Kinerja disetujui atasan."),
    ("guru7", "evaluasi", "Dokumen ini dicetak setelah Predikat Kinerja ditetapkan dan dikirim."),
    ("guru7", "dokumen_evaluasi",
     "Dokumen ini dicetak setelah Predikat Kinerja ditetapkan dan dikirim."),
    ("guru7", "angka_kredit",
     "Dokumen ini dicetak setelah Predikat Kinerja ditetapkan dan dikirim."),
    ("guru27", "angka_kredit", "Angka kredit hanya untuk jabatan fungsional dengan jenjang"),
])
def test_keadaan_salah_ditolak_dengan_alasan(demo, buat_klien, username, jenis, pesan):
    skp = skp_orm(username)
    if username == "guru27":
        skp.pegawai.jabatan = "Guru Kelas"  # not a jabatan fungsional with a jenjang
        db.session.commit()
    skp_id = skp.id
    segar()
    sebelum = jumlah(Audit), jumlah(Cetakan)
    k = masuk_demo(buat_klien, username)
    r = cetak(k, jenis, skp_id)
    assert r.status_code == 409
    assert r.mimetype == "text/html"
    assert pesan in r.get_data(as_text=True)
    assert "belum dapat dicetak" in r.get_data(as_text=True)
    # Also for the Dinas: the state rule holds for everyone.
    k = masuk_demo(buat_klien, "operator")
    assert cetak(k, jenis, skp_id).status_code == 409
    assert (jumlah(Audit, Audit.aksi == "cetak"), jumlah(Cetakan)) == (0, sebelum[1])


def test_setiap_cetak_satu_audit_satu_cetakan_dan_get_405(demo, buat_klien):
    skp_id = skp_dari("guru28").id
    akun_id = id_akun("guru28")
    k = masuk_demo(buat_klien, "guru28")
    assert k.get(f"/cetak/dokumen_evaluasi/{skp_id}").status_code == 405
    assert k.post(f"/cetak/dokumen_evaluasi/{skp_id}", csrf=False).status_code == 400
    assert jumlah(Cetakan) == 0
    for i, jenis in enumerate(("dokumen_evaluasi", "dokumen_evaluasi", "skp"), 1):
        assert cetak(k, jenis, skp_id).status_code == 200
        assert jumlah(Cetakan) == i
        assert jumlah(Audit, Audit.aksi == "cetak") == i
    audit = semua(select(Audit).where(Audit.aksi == "cetak").order_by(Audit.id))
    baris = semua(select(Cetakan).order_by(Cetakan.id))
    assert [(a.objek_tipe, a.objek_id, a.akun_id) for a in audit] == [("skp", skp_id, akun_id)] * 3
    assert [a.data["kode"] for a in audit] == [c.kode for c in baris]
    assert [a.data["jenis"] for a in audit] == [c.jenis for c in baris]
    assert {c.akun_id for c in baris} == {akun_id} and {c.batch_id for c in baris} == {None}
    # The same data prints the same code (the code is over the values, not the time).
    assert baris[0].kode == baris[1].kode != baris[2].kode


# ------------------------------------------------------------------ 4. XSS stays inert

def test_xss_di_nama_dan_teks_tercetak_sebagai_teks(demo, buat_klien, app):
    from kinerja_web.dokumen import isi as isi_dokumen
    from kinerja_web.dokumen.cetak import qr_svg, url_verifikasi

    skp = skp_orm("guru28")
    nip = skp.pegawai.nip
    skp.pegawai.nama = XSS_NAMA
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    pen.umpan_balik_hasil = XSS_TEKS
    pen.alasan_predikat = None
    pen.umpan_balik_perilaku = {k: XSS_TEKS for k in (pen.umpan_balik_perilaku or {})} or {
        "berorientasi_pelayanan": XSS_TEKS}
    skp.ekspektasi = {kode: XSS_TEKS for kode in skp.aspek_berlaku}
    dinas = skp.pegawai.dinas
    dinas.alamat = '<iframe src="http://x"></iframe>'
    db.session.commit()
    skp_id = skp.id

    # The HTML each template produced: no raw tag, the text escaped.
    skps, bersama = isi_dokumen.muat([skp_id])
    for jenis in ("skp", "evaluasi", "dokumen_evaluasi", "angka_kredit"):
        konteks, _ = isi_dokumen.isi(jenis, skps[0], bersama)
        url = url_verifikasi("ABCDE-FGHIJ")
        with app.test_request_context():
            html = pdf.html_dokumen({**konteks, "kode": "ABCDE-FGHIJ", "url_verifikasi": url,
                                     "qr": qr_svg(url)})
        for mentah in ("<script", "<img", "<iframe", "<b hx-get", "hx-get=\"/x\"",
                       "<svg onload", "onerror=alert(1)>"):
            assert mentah not in html, (jenis, mentah)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" \
            in html, jenis
        assert "&lt;iframe" in html
        if jenis != "angka_kredit":
            assert "&lt;b hx-get=&#34;/x&#34;" in html, jenis
    segar()

    # The PDFs show the strings as literal text.
    k = masuk_demo(buat_klien, "kepsek3")
    for jenis in ("skp", "evaluasi", "dokumen_evaluasi"):
        r = cetak(k, jenis, skp_id)
        assert r.status_code == 200
        teks = tanpa_spasi(teks_pdf(r.data))
        assert tanpa_spasi(XSS_NAMA) in teks, jenis
        assert tanpa_spasi(XSS_TEKS) in teks, jenis
        assert tanpa_spasi('<iframe src="http://x"></iframe>') in teks
        assert b"/JavaScript" not in r.data and b"/URI" not in r.data
        # The bookmark carries the name as text too; the file name is plain ASCII.
        judul = [o.title for o in PdfReader(io.BytesIO(r.data)).outline]
        assert judul == [f"{nip} {XSS_NAMA}"]
        nama_berkas = r.headers["Content-Disposition"]
        assert "<" not in nama_berkas and ">" not in nama_berkas and "/" not in nama_berkas
        assert xobject_gambar(r.data) == []  # the <img src=x> was never an image


# ------------------------------------------------------------------ 5. the URL fetcher

@pytest.fixture
def pengambil(app):
    return pdf.PengambilAman(app.static_folder, {"7": (b"\x89PNG-logo", "image/png")})


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    "http://127.0.0.1:9/logo.png",
    "https://example.com/logo.png",
    "ftp://example.com/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/css,body{color:red}",
    "kinerja://static/../pyproject.toml",
    "kinerja://static/css/../../pyproject.toml",
    "kinerja://static/../instance/secret_key",
    "kinerja://static/%2e%2e/pyproject.toml",
    "kinerja://static/css",
    "kinerja://static/tidak-ada.css",
    "kinerja://static//etc/passwd",
    "kinerja://logo/8",
    "kinerja://logo/../7",
    "kinerja://lain/7",
    "KINERJA://static/css/print.css",
    "/etc/passwd",
    "",
])
def test_pengambil_menolak(pengambil, url):
    with pytest.raises(ValueError):
        pengambil.fetch(url)
    with pytest.raises(ValueError):
        pengambil(url)


def test_pengambil_mengizinkan_static_dan_logo(pengambil, app):
    r = pengambil.fetch("kinerja://static/css/print.css")
    assert r.headers["Content-Type"] == "text/css"
    isi = r.read() if hasattr(r, "read") else r.body
    assert b"@page" in (isi if isinstance(isi, bytes) else isi.read())
    r = pengambil.fetch("kinerja://logo/7")
    assert r.headers["Content-Type"] == "image/png"


PNG_DATA = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
            "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


class _Pelayan:
    """A local HTTP server that counts the requests it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.berhenti = False
        self.t = threading.Thread(target=self._jalan, daemon=True)
        self.t.start()

    def _jalan(self):
        while not self.berhenti:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def tutup(self):
        self.berhenti = True
        self.t.join()
        self.sock.close()


def test_dokumen_dengan_gambar_luar_tidak_mengambilnya(ctx, app, tmp_path):
    rahasia = tmp_path / "rahasia.png"
    Image.new("RGB", (4, 4), "red").save(rahasia)
    pelayan = _Pelayan()
    dipanggil = []
    asli = pdf.PengambilAman.fetch

    def catat(self, url, headers=None):
        dipanggil.append(url)
        return asli(self, url, headers)

    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pdf.PengambilAman, "fetch", catat)
            mp.setattr(pdf.PengambilAman, "__call__", catat)
            data = pdf.render([f"""<!doctype html><html><head><style>
                @import url(http://127.0.0.1:{pelayan.port}/gaya.css);
                body {{ background: url(http://127.0.0.1:{pelayan.port}/latar.png); }}
                </style><link rel="stylesheet" href="http://127.0.0.1:{pelayan.port}/a.css">
                </head><body><p>Dokumen uji</p>
                <img src="http://127.0.0.1:{pelayan.port}/logo.png">
                <img src="file://{rahasia}"><img src="{rahasia}">
                <img src="{PNG_DATA}">
                <img src="kinerja://static/../pyproject.toml">
                </body></html>"""])
    finally:
        pelayan.tutup()
    assert pelayan.hits == 0
    assert dipanggil, "WeasyPrint did not ask the fetcher at all"
    assert not any(u.startswith("kinerja://static/") and "css/print.css" not in u
                   and ".." not in u for u in dipanggil)
    assert xobject_gambar(data) == []
    assert "Dokumen uji" in teks_pdf(data)


# ------------------------------------------------------------------ 6. the letterhead logo


def jpeg_exif():
    img = Image.new("RGB", (40, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "rahasia-exif"  # ImageDescription
    exif[0x8825] = {2: (7, 0, 0)}  # a GPS IFD
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


SVG_BERSIH = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" '
              b'height="40" viewBox="0 0 40 40"><defs><linearGradient id="g"><stop offset="0" '
              b'stop-color="#06c"/></linearGradient></defs><circle cx="20" cy="20" r="18" '
              b'fill="url(#g)"/><a href="#g"><rect width="4" height="4"/></a></svg>')


def test_logo_png_disimpan_ulang_tanpa_metadata_dan_tampil_di_pdf(demo, buat_klien):
    skp_id = skp_dari("guru23").id
    segar()
    op = masuk_demo(buat_klien, "operator")
    # Without a logo: no raster image in the PDF (the QR code is vector).
    assert xobject_gambar(cetak(op, "dokumen_evaluasi", skp_id).data) == []

    asli = png(teks="rahasia-metadata")
    assert b"tEXt" in asli and b"rahasia-metadata" in asli
    r = unggah(op, asli, "logo.png")
    assert r.status_code == 303
    logo, mime = logo_dinas()
    assert mime == "image/png" and logo.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"tEXt" not in logo and b"rahasia-metadata" not in logo
    with Image.open(io.BytesIO(logo)) as img:
        assert img.size == (40, 40)
    assert jumlah(Audit, Audit.aksi == "logo_diunggah") == 1

    r = cetak(op, "dokumen_evaluasi", skp_id)
    gambar = xobject_gambar(r.data)
    assert len(gambar) >= 1 and gambar[0]["/Width"] == 40
    assert len(halaman(r.data)) == 1

    # The preview for Dinas staff is sandboxed.
    r = op.get("/dinas/logo")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert "sandbox" in r.headers["Content-Security-Policy"]

    # Removal: back to a letterhead without image.
    r = op.post("/dinas/pengaturan/logo", {"hapus": "y"})
    assert r.status_code == 303
    assert logo_dinas() == (None, None)
    assert xobject_gambar(cetak(op, "dokumen_evaluasi", skp_id).data) == []
    assert op.get("/dinas/logo").status_code == 404
    assert jumlah(Audit, Audit.aksi == "logo_dihapus") == 1


def test_logo_yang_sama_lagi_tidak_ditulis_dan_diaudit_ulang(demo, buat_klien):
    # The second of a double click finds this logo stored already: nothing written twice.
    op = masuk_demo(buat_klien, "operator")
    assert unggah(op, png(), "logo.png").status_code == 303
    tersimpan = logo_dinas()
    r = unggah(op, png(), "logo.png")
    assert r.status_code == 303
    assert "Logo ini sudah tersimpan." in op.get(r.headers["Location"]).text
    assert logo_dinas() == tersimpan
    assert jumlah(Audit, Audit.aksi == "logo_diunggah") == 1
    # Removing twice: one removal.
    assert op.post("/dinas/pengaturan/logo", {"hapus": "y"}).status_code == 303
    r = op.post("/dinas/pengaturan/logo", {"hapus": "y"})
    assert r.status_code == 303 and "Logo sudah dihapus." in op.get("/dinas/pengaturan").text
    assert jumlah(Audit, Audit.aksi == "logo_dihapus") == 1


def test_logo_jpeg_dikodekan_ulang_tanpa_exif(demo, buat_klien):
    op = masuk_demo(buat_klien, "operator")
    asli = jpeg_exif()
    assert b"Exif" in asli and b"rahasia-exif" in asli
    assert unggah(op, asli, "logo.jpg").status_code == 303
    logo, mime = logo_dinas()
    assert mime == "image/png" and logo.startswith(b"\x89PNG")
    assert b"Exif" not in logo and b"eXIf" not in logo and b"rahasia-exif" not in logo


@pytest.mark.parametrize("isi, pesan", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "SVG berisi skrip atau konten tertanam"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
     "SVG berisi skrip (atribut on"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x()"/></svg>',
     "SVG berisi skrip (atribut on"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="http://evil.example/a.png"/></svg>',
     "SVG berisi tautan luar; tidak diterima."),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
     "SVG berisi tautan luar; tidak diterima."),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
     "SVG berisi tautan luar; tidak diterima."),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://e.example/x)"/>'
     b'</svg>', "SVG mengambil sumber luar; tidak diterima."),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
     "SVG dengan DOCTYPE/ENTITY tidak diterima"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/'
     b'1999/xhtml"><p>x</p></body></foreignObject></svg>',
     "SVG berisi skrip atau konten tertanam"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "Berkas SVG rusak."),
    (b"GIF89a\x01\x00\x01\x00", "Format logo harus PNG, JPEG, atau SVG."),
    (b"\x89PNG\r\n\x1a\nbukan png", "Berkas gambar logo rusak atau tidak dikenali."),
])
def test_logo_tidak_aman_ditolak_dengan_alasan(demo, buat_klien, isi, pesan):
    op = masuk_demo(buat_klien, "operator")
    r = unggah(op, isi, "logo.svg")
    assert r.status_code == 422
    halaman_ = r.get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(pesan)) in halaman_
    assert logo_dinas() == (None, None)


def test_logo_svg_bersih_diterima_dan_dicetak(demo, buat_klien):
    skp_id = skp_dari("guru23").id
    segar()
    op = masuk_demo(buat_klien, "operator")
    assert unggah(op, SVG_BERSIH, "logo.svg").status_code == 303
    # Drawn once at upload: the stored (and printed) logo is a PNG raster, 600 px a side.
    logo, mime = logo_dinas()
    assert mime == "image/png" and logo.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(logo)) as img:
        assert img.size == (600, 600)
        assert img.convert("RGBA").getpixel((300, 300)) == (0, 102, 204, 255)  # the gradient
    r = cetak(op, "dokumen_evaluasi", skp_id)
    assert r.status_code == 200 and len(halaman(r.data)) == 1
    gambar = xobject_gambar(r.data)
    assert len(gambar) >= 1 and gambar[0]["/Width"] == 600


def test_logo_svg_dengan_gaya_luar_tidak_pernah_mengambil(demo, buat_klien):
    """Defence in depth: whatever the sanitiser lets through, printing fetches nothing."""
    skp_id = skp_dari("guru23").id
    pelayan = _Pelayan()
    try:
        luar = f"http://127.0.0.1:{pelayan.port}"
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><style>'
               f'@import url({luar}/a.css); rect {{ fill: url({luar}/b.svg#x); }}</style>'
               f'<rect width="40" height="40"/></svg>').encode()
        op = masuk_demo(buat_klien, "operator")
        r = unggah(op, svg, "logo.svg")
        assert r.status_code in (303, 422)
        r = cetak(op, "dokumen_evaluasi", skp_id)
        assert r.status_code == 200 and len(halaman(r.data)) == 1
    finally:
        pelayan.tutup()
    assert pelayan.hits == 0


def test_logo_batas_ukuran_dan_peran(demo, buat_klien, app):
    app.config["LOGO_MAKS_BYTE"] = 2048
    op = masuk_demo(buat_klien, "operator")
    besar = png((300, 300))
    besar = png((300, 300)) + b"\0" * max(0, 2100 - len(besar))
    assert len(besar) > 2048
    r = unggah(op, besar, "logo.png")
    assert r.status_code == 422
    assert "Logo lebih dari 2 KB; perkecil lalu unggah lagi." in r.get_data(as_text=True)
    assert logo_dinas() == (None, None)
    r = op.post("/dinas/pengaturan/logo", {})
    assert r.status_code == 422 and "Pilih berkas logo." in r.get_data(as_text=True)
    # Only the operator sets the letterhead.
    for username in ("guru23", "kepsek3"):
        assert unggah(masuk_demo(buat_klien, username), png(), "logo.png").status_code == 403
    assert logo_dinas() == (None, None)


def test_periksa_logo_membatasi_ukuran_piksel():
    from kinerja_web.dinas.logo import LogoDitolak, periksa_logo

    out = io.BytesIO()
    Image.new("1", (6000, 6000)).save(out, "PNG")
    with pytest.raises(LogoDitolak, match="terlalu besar"):
        periksa_logo(out.getvalue(), 10**7)
    isi, mime = periksa_logo(png((2400, 600)), 10**7)
    with Image.open(io.BytesIO(isi)) as img:
        assert max(img.size) <= 1200 and mime == "image/png"


# ------------------------------------------------------------------ 8. batch printing

def judul_bookmark(data):
    r = PdfReader(io.BytesIO(data))
    return [o.title for o in r.outline], [r.get_destination_page_number(o) for o in r.outline]


@baca
def orang_dari(skp_ids):
    baris = {s.id: s for s in db.session.scalars(select(Skp).where(Skp.id.in_(skp_ids)))}
    return [polos(baris[i].pegawai) for i in skp_ids]


def basikan(batch_id):
    """The heartbeat of a running job goes stale (its worker died)."""
    segar()
    db.session.execute(update(CetakBatch).where(CetakBatch.id == batch_id).values(
        detak=sekarang() - timedelta(minutes=5)))
    db.session.commit()


@baca
def terputus():
    return jobs.yang_terputus()


@baca
def baca_berkas(b):
    return jobs.isi_berkas(b)


def test_batch_satu_sekolah_lewat_halaman_pdf_dengan_bookmark(demo, buat_klien,
                                                               berkas_sementara):
    smp1 = id_sekolah(SMP1)
    harap = yang_berpredikat(SMP1)
    assert len(harap) == 12  # 11 teachers and the principal
    op = masuk_demo(buat_klien, "operator")
    r = op.get("/cetak/batch")
    assert r.status_code == 200 and "SMP NEGERI 1 KEBUMEN" in r.get_data(as_text=True)
    r = op.post("/cetak/batch", {"jenis": "dokumen_evaluasi", "sekolah": str(smp1),
                                 "jenjang": "", "format": "pdf"})
    assert r.status_code == 303
    b = batch_terakhir()
    assert r.headers["Location"].endswith(f"/cetak/batch/{b.id}")
    assert b.lingkup == "SMP NEGERI 1 KEBUMEN" and set(b.daftar) == harap
    b = tunggu(b.id)
    assert b.status == "selesai", b.galat
    daftar = list(b.daftar)

    r = op.get(f"/cetak/batch/{b.id}")
    teks = r.get_data(as_text=True)
    assert r.status_code == 200 and "12 dari 12 dokumen (100%)" in teks
    assert "<noscript>" not in teks and f"/cetak/batch/{b.id}/unduh" in teks
    r = op.get(f"/cetak/batch/{b.id}", headers={"HX-Request": "true"})
    assert r.status_code == 286 and "<html" not in r.get_data(as_text=True)

    r = op.get(f"/cetak/batch/{b.id}/unduh")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")
    hal = halaman(r.data)
    assert len(hal) == 12
    judul, nomor = judul_bookmark(r.data)
    orang = orang_dari(daftar)
    assert judul == [f"{p.nip} {p.nama}" for p in orang]
    assert nomor == list(range(12))
    for i, t in enumerate(hal):
        assert "Halaman 1 dari 1" in rata(t)  # each document numbered on its own
        assert orang[i].nama in rata(t)
    # One Cetakan and one audit row per document; the codes are those printed.
    baris = semua(select(Cetakan).where(Cetakan.batch_id == b.id))
    assert sorted(c.skp_id for c in baris) == sorted(daftar)
    for c in baris:
        assert sum(f"Kode verifikasi: {c.kode}" in rata(t) for t in hal) == 1
    assert jumlah(Audit, Audit.aksi == "cetak") == 12
    assert jumlah(Audit, Audit.aksi == "cetak_batch_selesai") == 1
    assert jumlah(Audit, Audit.aksi == "cetak_batch_diunduh") == 1
    # Only Dinas staff of this Dinas see the job.
    for username in ("guru23", "kepsek3"):
        k = masuk_demo(buat_klien, username)
        assert k.get(f"/cetak/batch/{b.id}").status_code == 404
        assert k.get(f"/cetak/batch/{b.id}/unduh").status_code == 404
        assert k.get("/cetak/batch").status_code == 403


def test_batch_pilihan_zip_per_orang(demo, buat_klien, berkas_sementara):
    pilih = [skp_dari(u).id for u in ("guru28", "guru37", "kepsek3")]
    tanpa_predikat = skp_dari("guru7").id
    op = masuk_demo(buat_klien, "operator")
    url = "/cetak/batch?skp=" + ",".join(map(str, [*pilih, tanpa_predikat, 999999]))
    r = op.get(url)
    assert "5 pegawai dipilih dari daftar." in r.get_data(as_text=True)
    r = op.post(url, {"jenis": "dokumen_evaluasi", "format": "zip"})
    assert r.status_code == 303
    b = tunggu(batch_terakhir().id)
    assert b.status == "selesai", b.galat
    assert b.lingkup == "Pilihan dari daftar" and sorted(b.daftar) == sorted(pilih)
    r = op.get(f"/cetak/batch/{b.id}/unduh")
    assert r.status_code == 200
    orang = orang_dari(b.daftar)
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        nama = z.namelist()
        harap = []
        for p in orang:
            bersih = re.sub(r"[^A-Za-z0-9]+", "_", p.nama).strip("_")
            harap.append(f"{p.nip}_{bersih}_dokumen_evaluasi.pdf")
        assert nama == harap
        for n, p in zip(nama, orang, strict=True):
            isi = z.read(n)
            assert len(halaman(isi)) == 1 and len(isi) <= 30 * 1024
            assert p.nama in teks_pdf(isi)
    assert re.fullmatch(r"\d{18}_[A-Za-z0-9_]+_dokumen_evaluasi\.pdf", nama[0])
    assert jumlah(Cetakan, Cetakan.batch_id == b.id) == 3


def test_batch_lingkup_jenjang_dinas_dan_pilihan(demo, buat_klien, tanpa_pekerja,
                                                 make_dinas, make_pegawai, tugaskan):
    lain = make_dinas(nama="Dinas Pendidikan Kota Lain")
    op_lain = make_pegawai(dinas=lain, username="operator_lain", jabatan="Pelaksana")
    tugaskan(op_lain, "operator_dinas")
    db.session.commit()
    semua_ = yang_berpredikat()
    smp = yang_berpredikat(SMP1, SMP2)
    disetujui = set(semua(select(Skp.id).where(Skp.status.in_(("disetujui", "disepakati")),
                                               Skp.tahun_id == tahun_demo())))
    assert len(smp) == 18 and smp == semua_  # only the SMP schools have predikat so far

    def mulai(username, data, url="/cetak/batch", sandi=SANDI_DEMO):
        k = masuk_demo(buat_klien, username, sandi)
        r = k.post(url, {"jenis": "dokumen_evaluasi", "sekolah": "", "jenjang": "",
                         "format": "pdf", **data})
        return r, batch_terakhir()

    r, b = mulai("operator", {"jenjang": "smp"})
    assert r.status_code == 303 and set(b.daftar) == smp and b.lingkup == "Jenjang SMP"
    r, b = mulai("kadis", {"jenis": "skp"})
    assert r.status_code == 303 and set(b.daftar) == disetujui and b.lingkup == "Seluruh Dinas"
    assert len(b.daftar) == len(set(b.daftar)) > 18
    r, b = mulai("timkerja1", {"jenjang": "sd"})
    assert r.status_code == 422
    assert "Tidak ada dokumen yang dapat dicetak untuk pilihan ini" in r.get_data(as_text=True)
    # Another Dinas' operator: its own region only (nothing there: not even a year yet).
    r, _ = mulai("operator_lain", {}, url=f"/cetak/batch?skp={','.join(map(str, semua_))}",
                 sandi=SANDI)
    assert r.status_code == 404
    assert "Tahun kinerja belum disiapkan" in r.get_data(as_text=True)
    assert len(tanpa_pekerja) == 2
    assert set(semua(select(CetakBatch.status))) == {"antri"}


def test_batch_progres_satu_berjalan_batas_dan_batal(demo, buat_klien, app, tanpa_pekerja,
                                                     berkas_sementara):
    op = masuk_demo(buat_klien, "operator")
    data = {"jenis": "dokumen_evaluasi", "sekolah": "", "jenjang": "", "format": "pdf"}
    app.config["CETAK_MAKS_DOKUMEN"] = 5
    r = op.post("/cetak/batch", data)
    assert r.status_code == 422
    assert "18 dokumen melebihi batas 5 per batch" in r.get_data(as_text=True)
    app.config["CETAK_MAKS_DOKUMEN"] = 5000
    assert batch_terakhir() is None

    r = op.post("/cetak/batch", data)
    assert r.status_code == 303
    b = batch_terakhir()
    assert b.status == "antri" and tanpa_pekerja == [b.id]
    # Progress, full page: a meta refresh for browsers without JavaScript.
    r = op.get(f"/cetak/batch/{b.id}")
    teks = r.get_data(as_text=True)
    assert r.status_code == 200
    assert (atribut(r, 'noscript > meta[http-equiv="refresh"]', "content") or "").isdigit()
    assert "0 dari 18 dokumen (0%)" in teks and "Menunggu giliran" in teks
    # The htmx fragment: the block only, polling (every ≥ 3 s) continues with 200.
    r = op.get(f"/cetak/batch/{b.id}", headers={"HX-Request": "true"})
    fragmen = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in fragmen and "<noscript>" not in fragmen
    assert fragmen.lstrip().startswith('<section id="progres"')
    picu = atribut(fragmen, "section#progres", "hx-trigger")
    assert picu.startswith("every ") and picu.endswith("s") and int(picu[6:-1]) >= 3

    # At most one running batch per user.
    r = op.post("/cetak/batch", data)
    assert r.status_code == 422
    assert "Masih ada cetak batch Anda yang berjalan" in r.get_data(as_text=True)
    assert "lihat kemajuan" in op.get("/cetak/batch").get_data(as_text=True)
    # Another user of the Dinas may start his own.
    assert masuk_demo(buat_klien, "kadis").post("/cetak/batch", data).status_code == 303

    # Cancel: the job will not run, the page says so and stops polling.
    r = op.post(f"/cetak/batch/{b.id}/batal")
    assert r.status_code == 303
    assert batch(b.id).status == "dibatalkan"
    assert jobs.jalankan(b.id) is False
    segar()
    r = op.get(f"/cetak/batch/{b.id}", headers={"HX-Request": "true"})
    assert r.status_code == 286 and "Dibatalkan." in r.get_data(as_text=True)
    assert "<noscript>" not in op.get(f"/cetak/batch/{b.id}").get_data(as_text=True)
    assert op.get(f"/cetak/batch/{b.id}/unduh").status_code == 404
    assert jumlah(Cetakan) == 0
    assert jumlah(Audit, Audit.aksi == "cetak_batch_dibatalkan") == 1
    # With the first one cancelled the operator may start again.
    assert op.post("/cetak/batch", data).status_code == 303


def test_batch_putus_setelah_satu_chunk_dilanjutkan_tanpa_duplikat(demo, buat_klien, app,
                                                                  tanpa_pekerja,
                                                                  berkas_sementara,
                                                                  monkeypatch):
    app.config["CETAK_UKURAN_CHUNK"] = 5
    smp1 = id_sekolah(SMP1)
    op = masuk_demo(buat_klien, "operator")
    r = op.post("/cetak/batch", {"jenis": "dokumen_evaluasi", "sekolah": str(smp1),
                                 "jenjang": "", "format": "pdf"})
    assert r.status_code == 303
    b = batch_terakhir()
    assert (b.total, b.jumlah_chunk) == (12, 3)

    # The worker dies while the second chunk renders: no handler of the job runs.
    class Mati(BaseException):
        pass

    asli, dicatat = jobs.alur_cetak.simpan_bagian, []

    def simpan_bagian(batch_, cetakan):
        dicatat.append(batch_.chunk_selesai)
        if len(dicatat) == 2:
            raise Mati()
        return asli(batch_, cetakan)

    with monkeypatch.context() as m:
        m.setattr(jobs.alur_cetak, "simpan_bagian", simpan_bagian)
        with pytest.raises(Mati):
            jobs.jalankan(b.id)
    db.session.rollback()  # the dead worker's open transaction
    b = batch(b.id)
    assert (b.status, b.chunk_selesai) == ("berjalan", 1)
    assert jumlah(Cetakan, Cetakan.batch_id == b.id) == 5
    teks = op.get(f"/cetak/batch/{b.id}").get_data(as_text=True)
    assert "5 dari 12 dokumen (41%)" in teks and "<noscript>" in teks
    # A fresh heartbeat: nobody takes the job over, nothing changes.
    assert jobs.jalankan(b.id) is False
    segar()
    assert b.id not in terputus()
    assert batch(b.id).chunk_selesai == 1
    # The heartbeat goes stale: `flask cetak-lanjut` resumes from chunk 2.
    basikan(b.id)
    assert terputus() == [b.id]
    hasil = app.test_cli_runner().invoke(args=["cetak-lanjut"])
    assert hasil.exit_code == 0, hasil.output
    assert f"Melanjutkan cetak batch {b.id}" in hasil.output
    assert "1 cetak batch dilanjutkan." in hasil.output
    b = tunggu(b.id)
    assert (b.status, b.chunk_selesai) == ("selesai", 3)
    data = baca_berkas(b)
    hal = halaman(data)
    assert len(hal) == 12
    judul, nomor = judul_bookmark(data)
    assert judul == [f"{p.nip} {p.nama}" for p in orang_dari(b.daftar)]
    assert len(set(judul)) == 12 and nomor == list(range(12))
    baris = semua(select(Cetakan).where(Cetakan.batch_id == b.id))
    assert sorted(c.skp_id for c in baris) == sorted(b.daftar)
    assert len({c.kode for c in baris}) == 12
    assert jumlah(Audit, Audit.aksi == "cetak") == 12
    for c in baris:
        assert sum(f"Kode verifikasi: {c.kode}" in rata(t) for t in hal) == 1
    # The chunk rows are gone after the merge: only the merged file is kept.
    assert semua(select(CetakBatchBerkas.urutan).where(CetakBatchBerkas.batch_id == b.id)) \
        == [-1]


def pemilik_mati():
    """The identity of a process of this machine that has exited (its heartbeat, written
    a moment ago, still looks fresh)."""
    import subprocess

    proses = subprocess.Popen(["true"])
    proses.wait()
    return f"{tugas_latar._mesin()}|{proses.pid}|1|dead"


def jadikan_berjalan(batch_id, pekerja):
    segar()
    db.session.execute(update(CetakBatch).where(CetakBatch.id == batch_id).values(
        status="berjalan", pekerja=pekerja, detak=sekarang()))
    db.session.commit()


def test_batch_pemilik_mati_diambil_alih_tanpa_menunggu_detak_basi(demo, buat_klien, app,
                                                                  tanpa_pekerja,
                                                                  berkas_sementara):
    """A worker process that died leaves a fresh heartbeat: the job is not left 'berjalan'
    (and new batches refused) until it goes stale. The progress page, the batch form and
    `flask cetak-lanjut` see that the owner process is gone and hand the job on, once."""
    op = masuk_demo(buat_klien, "operator")
    data = {"jenis": "dokumen_evaluasi", "sekolah": str(id_sekolah(SMP1)), "jenjang": "",
            "format": "pdf"}
    assert op.post("/cetak/batch", data).status_code == 303
    b = batch_terakhir()
    assert tanpa_pekerja == [b.id]

    # A live owner (this very process) keeps its job, whatever polls the page.
    jadikan_berjalan(b.id, tugas_latar.identitas())
    assert op.get(f"/cetak/batch/{b.id}", headers={"HX-Request": "true"}).status_code == 200
    segar()
    assert terputus() == [] and tanpa_pekerja == [b.id]
    r = op.post("/cetak/batch", data)
    assert r.status_code == 422 and "Masih ada cetak batch Anda yang berjalan" in r.text

    # Its owner dies: the next poll of the progress page hands it to a worker again.
    jadikan_berjalan(b.id, pemilik_mati())
    assert terputus() == [b.id]
    assert op.get(f"/cetak/batch/{b.id}", headers={"HX-Request": "true"}).status_code == 200
    assert tanpa_pekerja == [b.id, b.id] and batch(b.id).status == "antri"
    assert jumlah(Audit, Audit.aksi == "cetak_batch_dilanjutkan") == 1
    op.get(f"/cetak/batch/{b.id}")  # queued a moment ago: not queued twice
    assert tanpa_pekerja == [b.id, b.id]

    # The batch form does the same instead of refusing a new batch for ever.
    jadikan_berjalan(b.id, pemilik_mati())
    r = op.post("/cetak/batch", data)
    assert r.status_code == 422 and "terputus (server mati) dan kini dilanjutkan" in r.text
    assert tanpa_pekerja == [b.id, b.id, b.id]
    assert jumlah(Audit, Audit.aksi == "cetak_batch_dilanjutkan") == 2

    # Taken over by `flask cetak-lanjut` directly from the dead owner, and finished.
    jadikan_berjalan(b.id, pemilik_mati())
    hasil = app.test_cli_runner().invoke(args=["cetak-lanjut"])
    assert hasil.exit_code == 0 and f"Melanjutkan cetak batch {b.id}" in hasil.output
    b = tunggu(b.id)
    assert b.status == "selesai", b.galat
    assert jumlah(Cetakan, Cetakan.batch_id == b.id) == 12
    assert op.post("/cetak/batch", data).status_code == 303


def _berebut(app, fungsi, nama):
    """Run fungsi(nama) for each name in its own thread and app context, all at once."""
    mulai = threading.Barrier(len(nama))
    hasil, galat = {}, []

    def kerja(n):
        try:
            with app.app_context():
                mulai.wait()
                hasil[n] = fungsi(n)
                db.session.remove()
        except Exception as e:  # noqa: BLE001 - reported below
            galat.append(e)

    t = [threading.Thread(target=kerja, args=(n,)) for n in nama]
    for x in t:
        x.start()
    for x in t:
        x.join(180)
    assert not galat, galat
    return hasil


def test_dua_pekerja_berebut_satu_batch_hanya_satu_yang_mengambil(demo, buat_klien, app,
                                                                  tanpa_pekerja,
                                                                  berkas_sementara):
    op = masuk_demo(buat_klien, "operator")
    url = f"/cetak/batch?skp={skp_dari('guru28').id},{skp_dari('guru23').id}"
    assert op.post(url, {"jenis": "dokumen_evaluasi", "format": "pdf"}).status_code == 303
    b = batch_terakhir()
    segar()

    # The claim itself, two workers at the same instant.
    hasil = _berebut(app, lambda n: jobs.klaim(b.id, n), ["pekerja-a", "pekerja-b"])
    assert sorted(hasil.values()) == [False, True]
    pemenang = next(n for n, v in hasil.items() if v)
    assert batch(b.id).pekerja == pemenang

    # Whole runs racing for a (stale) job: one renders it, the other returns at once.
    basikan(b.id)
    hasil = _berebut(app, lambda n: jobs.jalankan(b.id, pekerja=n), ["x", "y"])
    assert sorted(hasil.values()) == [False, True]
    b = tunggu(b.id)
    assert b.status == "selesai"
    assert len(halaman(baca_berkas(b))) == 2
    assert jumlah(Cetakan, Cetakan.batch_id == b.id) == 2


def test_cli_cetak_batch(demo, app, tmp_path, berkas_sementara):
    runner = app.test_cli_runner()
    segar()
    keluar = tmp_path / "semua.pdf"
    hasil = runner.invoke(args=["cetak-batch", "--keluar", str(keluar)])
    assert hasil.exit_code == 0, hasil.output
    assert "18 dokumen, 1 bagian" in hasil.output and f"Selesai: {keluar}" in hasil.output
    data = keluar.read_bytes()
    assert len(halaman(data)) == 18
    b = batch_terakhir()
    assert (b.status, b.lingkup, b.jenis) == ("selesai", "Seluruh Dinas", "dokumen_evaluasi")
    assert id_akun("operator") == b.akun_id
    judul, _ = judul_bookmark(data)
    assert judul == [f"{p.nip} {p.nama}" for p in orang_dari(b.daftar)]
    assert jumlah(Cetakan, Cetakan.batch_id == b.id) == 18

    keluar = tmp_path / "smp2.zip"
    segar()
    hasil = runner.invoke(args=["cetak-batch", "--npsn", SMP2, "--jenis", "angka_kredit",
                                "--format", "zip", "--keluar", str(keluar)])
    assert hasil.exit_code == 0, hasil.output
    with zipfile.ZipFile(keluar) as z:
        nama = z.namelist()
    assert len(nama) == 6 and all(n.endswith("_angka_kredit.pdf") for n in nama)
    assert batch_terakhir().lingkup == "SMP NEGERI 2 KARANGGAYAM"

    for args, pesan in [
        (["--jenjang", "tk"], "Tidak ada dokumen yang dapat dicetak untuk pilihan ini."),
        (["--npsn", "99999999"], "NPSN 99999999 tidak ada"),
        (["--operator", "tidak-ada"], "Pengguna tidak-ada tidak ada."),
    ]:
        segar()
        hasil = runner.invoke(args=["cetak-batch", "--keluar", str(tmp_path / "x.pdf"), *args])
        assert hasil.exit_code != 0 and pesan in hasil.output, hasil.output
    app.config["CETAK_MAKS_DOKUMEN"] = 10
    segar()
    hasil = runner.invoke(args=["cetak-batch", "--keluar", str(tmp_path / "x.pdf")])
    assert hasil.exit_code != 0 and "Melebihi batas dokumen per batch" in hasil.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"),
                    reason="TEST_REDIS_URL tidak diatur (CI mengaturnya bila Redis menjawab); "
                           "uji antrean RQ dilewati")
def test_batch_lewat_rq_dan_redis(demo, buat_klien, app, monkeypatch, berkas_sementara):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ["TEST_REDIS_URL"]
    redis = Redis.from_url(url)
    app.config["REDIS_URL"] = url
    monkeypatch.setenv("KINERJA_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("KINERJA_SECRET_KEY", app.config["SECRET_KEY"])
    skp_id = skp_dari("guru28").id
    assert jobs.ANTREAN == "kinerja-cetak"
    try:
        # One RQ test at a time on this Redis (the two backends may run in parallel).
        with redis.lock("kinerja-uji-rq", timeout=300, blocking_timeout=300):
            q = Queue(jobs.ANTREAN, connection=redis)
            q.empty()
            op = masuk_demo(buat_klien, "operator")
            r = op.post(f"/cetak/batch?skp={skp_id}", {"jenis": "dokumen_evaluasi",
                                                       "format": "pdf"})
            assert r.status_code == 303
            b = batch_terakhir()
            assert b.status == "antri"
            assert q.count == 1
            job = q.jobs[0]
            assert (job.func_name, job.args) == ("kinerja_web.jobs.kerja_rq", (b.id,))
            assert SimpleWorker([q], connection=redis).work(burst=True)
            assert q.count == 0
    finally:
        redis.close()
    b = tunggu(b.id, batas=30)
    assert b.status == "selesai", b.galat
    assert len(halaman(baca_berkas(b))) == 1
    kode = semua(select(Cetakan.kode).where(Cetakan.batch_id == b.id))
    assert len(kode) == 1
    # The worker's app signed with the same secret: the code verifies.
    r = buat_klien().get(f"/verifikasi/{kode[0]}")
    assert "Dokumen asli" in r.get_data(as_text=True)


# ------------------------------------------------------------------ 9. HarfBuzz subsetting

def test_harfbuzz_subset_tersedia_dan_font_tertanam_adalah_subset(ctx, caplog):
    """WeasyPrint falls back to fontTools without libharfbuzz-subset (>10× slower)."""
    assert ctypes.util.find_library("harfbuzz-subset"), "libharfbuzz-subset0 tidak terpasang"
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None
    assert harfbuzz.hb_version_atleast(4, 1, 0)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render(['<!doctype html><html lang="id"><body><p>Predikat Kinerja '
                           '<b>SANGAT BAIK</b> — angka kredit 12,50</p></body></html>'])
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]
    fonts = []
    for hal in PdfReader(io.BytesIO(data)).pages:
        for f in hal["/Resources"]["/Font"].values():
            f = f.get_object()
            turunan = f.get("/DescendantFonts")
            f = turunan[0].get_object() if turunan else f
            fonts.append((str(f["/BaseFont"]), f["/FontDescriptor"].get_object()))
    assert fonts
    for nama, deskriptor in fonts:
        assert re.fullmatch(r"/?[A-Z]{6}\+.+", nama), nama
        berkas = deskriptor.get("/FontFile2") or deskriptor.get("/FontFile3") \
            or deskriptor.get("/FontFile")
        assert berkas is not None
        assert len(berkas.get_object().get_data()) < 60 * 1024, nama
    assert len(data) < 30 * 1024


# ------------------------------------------------------------------ 10. memory of a render process

def test_render_berkelompok_urutan_halaman_bookmark_dan_satu_konfigurasi_font(app, ctx,
                                                                            monkeypatch):
    """A chunk is laid out PER_TULIS documents at a time and joined: every document keeps
    its own page numbering and bookmark, in order. All of them share one font
    configuration: WeasyPrint's own per-document one is never freed (a batch worker grew
    by ~10 MB per 50 documents and set-up cost a quarter of each render)."""
    import threading

    from weasyprint.text.fonts import FontConfiguration

    dibuat = []

    class Hitung(FontConfiguration):
        def __init__(self, *a, **k):
            dibuat.append(threading.get_ident())
            super().__init__(*a, **k)

    monkeypatch.setattr(pdf, "FontConfiguration", Hitung)
    monkeypatch.setattr(pdf, "_per_utas", threading.local())
    jumlah = 2 * pdf.PER_TULIS + 3
    html = [f'<!doctype html><html lang="id"><body><div class="penanda" '
            f'data-penanda="Pegawai {i:02d}"></div><p>Isi dokumen {i:02d}</p></body></html>'
            for i in range(jumlah)]
    data = pdf.render(html)
    r = PdfReader(io.BytesIO(data))
    assert len(r.pages) == jumlah
    assert [o.title for o in r.outline] == [f"Pegawai {i:02d}" for i in range(jumlah)]
    assert [r.get_destination_page_number(o) for o in r.outline] == list(range(jumlah))
    for i, hal in enumerate(r.pages):
        assert f"Isi dokumen {i:02d}" in hal.extract_text()
    terpisah = pdf.render_murni(app.static_folder, html[:3], terpisah=True)
    assert [len(PdfReader(io.BytesIO(b)).pages) for b in terpisah] == [1, 1, 1]
    assert dibuat == [threading.get_ident()]  # one, for every document of this thread
