"""Cek Kesiapan Sinkro as pure functions (SPEC §6): each known e-Kinerja sync failure is built
as plain data and must come out with the platform's exact message, its cause and who fixes it;
a clean pegawai passes; the school-name normaliser ignores only what it should."""

from dataclasses import replace
from datetime import date

import pytest

from kinerja_web.sinkro import cek
from kinerja_web.sinkro.cek import Pemerbaiki

NIP = "198409102023212026"
NIP_KS = "197008201993071001"
NIP_KADIS = "196805121994031006"
RHK_KS = "Kepala Sekolah melakukan peningkatan praktik kepemimpinan instruksional yang " \
         "berfokus pada presentasi visi-misi satuan pendidikan"
IND_KS = "Terlaksananya siklus peningkatan praktik presentasi visi-misi satuan pendidikan"


def ref(**over):
    unor = {"U1": cek.Unor("U1", "SMP NEGERI 2 CIRACAP KEC. CIRACAP", "DINAS"),
            "U2": cek.Unor("U2", "SD NEGERI 3 SEBORO", "DINAS"),
            "LAMA": cek.Unor("LAMA", "SMP NEGERI 2 CIRACAP", "DINAS", aktif=False)}
    return cek.Referensi(**{"unor": unor, "tahun": 2025, **over})


def atasan(**over):
    return cek.Atasan(**{"nama": "UJANG SOLEH HIDAYAT", "nip": NIP_KS, "skp_disepakati": True,
                         "rhk": (cek.RhkAtasan(RHK_KS, IND_KS),), "unor_id": "U1", **over})


def skp(status="disepakati", rhk_atasan=RHK_KS, indikator_atasan=IND_KS):
    item = {"jenis": "utama", "kategori": "praktik", "rhk": "Guru melakukan …",
            "rhk_atasan": rhk_atasan, "indikator_atasan": indikator_atasan,
            "indikator": "Terlaksananya siklus …"}
    return cek.DataSkp(status, {"disepakati": "Disepakati", "diajukan": "Menunggu persetujuan "
                                "atasan", "draf": "Draf", "disetujui": "Disetujui atasan"}
                       [status], (item, {**item, "kategori": "kompetensi"},
                                  {"jenis": "tugas_pokok", "rhk": "5M-1", "rhk_atasan": None}))


def subjek(**over):
    """A teacher whose data agree everywhere: the starting point every failure breaks."""
    asn = cek.Asn(NIP, "MAILINDA", "U1", "Guru Ahli Pertama", "III/a", NIP_KS,
                  "UJANG SOLEH HIDAYAT")
    return cek.Subjek(**{
        "pegawai_id": 1, "nip": NIP, "nama": "Mailinda, S.Pd.", "posisi": "guru",
        "sekolah_id": 1, "sekolah_nama": "SMP NEGERI 2 CIRACAP", "unor_id": "U1",
        "atasan": atasan(), "skp": skp(), "asn": asn,
        "penilaian": cek.DataPenilaian(True, "baik", "sesuai", "sesuai"), **over})


def satu(temuan):
    assert len(temuan) == 1, temuan
    return temuan[0]


PERIODE_BAIK = tuple(cek.Periode(f"TRIWULAN {i}", 2025, date(2025, 3 * i - 2, 1),
                                 date(2025, 3 * i, 28), date(2025, 3 * i, 28), "Triwulanan", i)
                     for i in range(1, 5)) + (
    cek.Periode("TAHUN 2025", 2025, date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 31),
                "Tahunan", 1),)


# ---------------------------------------------------------------- the clean pegawai


def test_pegawai_bersih_lolos_perencanaan_dan_penilaian_akhir():
    s = subjek()
    r = ref(periode=PERIODE_BAIK)
    assert [t for c in cek.CEK_PERENCANAAN for t in c(s, r)] == []
    assert cek.periksa(s, r).siap
    temuan_periode = cek.cek_periode(PERIODE_BAIK, 2025)
    assert temuan_periode == []
    assert cek.periksa(s, r, "penilaian_akhir", temuan_periode).siap


def test_kepala_sekolah_dinilai_kepala_dinas_lolos_tanpa_skp_organisasi_di_sini():
    """The Kepala Dinas' own SKP lives in e-Kinerja: no "SKP Organisasi" check for him."""
    kadis = cek.Atasan("Kadis", NIP_KADIS, oleh_dinas=True)
    s = subjek(posisi="kepala_sekolah", atasan=kadis, skp=skp(rhk_atasan=None,
                                                               indikator_atasan=None),
               asn=replace(subjek().asn, atasan_nip=NIP_KADIS))
    assert cek.periksa(s, ref()).siap
    assert s.tipe_skp == "kepala sekolah"


# ---------------------------------------------------------------- each failure


def test_nip_tidak_valid():
    t = satu(cek.cek_nip(subjek(nip="19840910202321202"), ref()))
    assert t.pesan == "NIP pegawai tidak valid"
    assert "19840910202321202" in t.penyebab and "18 digit" in t.penyebab
    assert t.pemerbaiki is Pemerbaiki.OPERATOR_SEKOLAH
    assert "Dapodik" in t.tindak_lanjut


def test_nip_tidak_ada_di_siasn():
    t = satu(cek.cek_nip(subjek(asn=None), ref()))
    assert t.pesan == "NIP pegawai tidak ditemukan di SIASN"
    assert f"NIP {NIP} tidak ada di daftar ASN SIASN" in t.penyebab
    assert t.pemerbaiki is Pemerbaiki.OPERATOR_SEKOLAH
    assert "BKD" in t.tindak_lanjut


def test_nip_belum_bisa_dicocokkan_tanpa_daftar_asn():
    t = satu(cek.cek_nip(subjek(asn=None), ref(ada_asn=False)))
    assert t.penyebab == "Daftar ASN dari SIASN belum diunggah, sehingga NIP belum dapat " \
                         "dicocokkan."
    assert t.pemerbaiki is Pemerbaiki.DINAS


@pytest.mark.parametrize("unor_id, penyebab, siapa", [
    (None, "SMP NEGERI 2 CIRACAP belum memiliki ID UNOR di data aplikasi ini.",
     Pemerbaiki.DINAS),
    ("X9", "UNOR X9 milik SMP NEGERI 2 CIRACAP tidak ada di Referensi Unit Kerja.",
     Pemerbaiki.DINAS),
])
def test_unor_tidak_terdaftar(unor_id, penyebab, siapa):
    t = satu(cek.cek_unor_terdaftar(subjek(unor_id=unor_id), ref()))
    assert t.pesan == "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit Kerja"
    assert t.penyebab == penyebab
    assert t.pemerbaiki is siapa


def test_unor_tidak_aktif_dan_siasn_sudah_pindah_diperbaiki_dinas():
    t = satu(cek.cek_unor_terdaftar(subjek(unor_id="LAMA"), ref()))
    assert t.pesan == "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit Kerja"
    assert t.penyebab.startswith("UNOR LAMA (SMP NEGERI 2 CIRACAP) tidak aktif; di SIASN "
                                 "pegawai sudah tercatat di UNOR U1")
    assert t.tindak_lanjut == "Dinas mengganti unor_id SMP NEGERI 2 CIRACAP menjadi U1 lewat " \
                              "impor data sekolah."
    assert t.pemerbaiki is Pemerbaiki.DINAS


def test_unor_tidak_aktif_tanpa_pengganti_diperbaiki_bkd():
    s = subjek(unor_id="LAMA", asn=replace(subjek().asn, unor_id="LAMA"))
    t = satu(cek.cek_unor_terdaftar(s, ref()))
    assert t.penyebab == "UNOR LAMA (SMP NEGERI 2 CIRACAP) berstatus tidak aktif di Referensi " \
                         "Unit Kerja."
    assert t.pemerbaiki is Pemerbaiki.BKD


def test_referensi_unit_kerja_belum_diunggah():
    t = satu(cek.cek_unor_terdaftar(subjek(), ref(unor={}, ada_unor=False)))
    assert t.penyebab == "Referensi Unit Kerja belum diunggah."
    assert t.pemerbaiki is Pemerbaiki.DINAS


def test_unor_belum_padan_setelah_mutasi():
    s = subjek(asn=replace(subjek().asn, unor_id="U2"))
    t = satu(cek.cek_unor_padan(s, ref()))
    assert t.pesan == "Unor di PMM Belum Padan"
    assert t.penyebab == ("Di SIASN pegawai tercatat di UNOR U2 (SD NEGERI 3 SEBORO), sedangkan "
                          "SMP NEGERI 2 CIRACAP di aplikasi ini memakai UNOR U1 (SMP NEGERI 2 "
                          "CIRACAP KEC. CIRACAP).")
    assert t.pemerbaiki is Pemerbaiki.BKD
    assert "mutasi" in t.tindak_lanjut


def test_nama_sekolah_beda_dengan_nama_unor_menampilkan_keduanya():
    s = subjek(sekolah_nama="SMP NEGERI 3 CIRACAP")
    t = satu(cek.cek_nama_unor(s, ref()))
    assert t.pesan == "Nama Sekolah atau Nama Unor tidak sama dengan data PMM"
    assert t.penyebab == "Nama sekolah: 'SMP NEGERI 3 CIRACAP'; nama UNOR: 'SMP NEGERI 2 " \
                         "CIRACAP KEC. CIRACAP'."
    assert t.pemerbaiki is Pemerbaiki.OPERATOR_SEKOLAH


def test_nama_sekolah_beda_tulisan_saja_lolos():
    assert cek.cek_nama_unor(subjek(sekolah_nama="SMPN 2 Ciracap"), ref()) == []


def test_atasan_beda_dengan_siasn():
    s = subjek(asn=replace(subjek().asn, atasan_nip="197501012000031001",
                           atasan_nama="RENNY SILVIA"))
    t = satu(cek.cek_atasan(s, ref()))
    assert t.pesan == "Atasan Pegawai tidak sama dengan data PMM, data PMM UJANG SOLEH HIDAYAT"
    assert t.penyebab == ("Atasan di SIASN: RENNY SILVIA (NIP 197501012000031001); atasan di "
                          f"aplikasi ini: UJANG SOLEH HIDAYAT (NIP {NIP_KS}).")
    assert t.pemerbaiki is Pemerbaiki.BKD


def test_atasan_belum_tercatat_di_siasn():
    t = satu(cek.cek_atasan(subjek(asn=replace(subjek().asn, atasan_nip=None)), ref()))
    assert t.penyebab.startswith("Atasan di SIASN: belum tercatat;")


def test_sekolah_tanpa_kepala_sekolah():
    s = subjek(atasan=cek.Atasan(None, alasan="Sekolah belum memiliki Kepala Sekolah atau Plt. "
                                              "di aplikasi ini."))
    t = satu(cek.cek_atasan(s, ref()))
    assert t.pesan == "Atasan Pegawai tidak sama dengan data PMM, data PMM -"
    assert t.penyebab == "Sekolah belum memiliki Kepala Sekolah atau Plt. di aplikasi ini."
    assert t.pemerbaiki is Pemerbaiki.DINAS


def test_atasan_belum_punya_skp_organisasi():
    s = subjek(atasan=atasan(skp_disepakati=False, rhk=()))
    t = satu(cek.cek_skp_organisasi(s, ref()))
    assert t.pesan == "Data SKP Organisasi belum dibuat oleh atasan"
    assert t.penyebab == "UJANG SOLEH HIDAYAT (atasan) belum memiliki Perencanaan Kinerja 2025 " \
                         "yang disepakati sebagai kepala sekolah."
    assert t.pemerbaiki is Pemerbaiki.ATASAN
    assert t.tempat == "keterangan"
    # ... and then the intervened RHK is not reported on top of it.
    assert cek.cek_rhk_atasan(s, ref()) == []


def test_skp_tidak_ditemukan():
    t = satu(cek.cek_skp(subjek(skp=None), ref()))
    assert t.pesan == "Data SKP pegawai tidak ditemukan"
    assert t.penyebab == "Belum ada Perencanaan Kinerja 2025 sebagai guru di aplikasi ini."
    assert t.pemerbaiki is Pemerbaiki.PEGAWAI
    assert t.tempat == "keterangan"


@pytest.mark.parametrize("status, label, siapa", [
    ("draf", "Draf", Pemerbaiki.PEGAWAI),
    ("diajukan", "Menunggu persetujuan atasan", Pemerbaiki.ATASAN),
    ("disetujui", "Disetujui atasan", Pemerbaiki.PEGAWAI),
])
def test_skp_belum_disepakati(status, label, siapa):
    t = satu(cek.cek_skp(subjek(skp=skp(status)), ref()))
    assert t.pesan == "Pegawai belum membuat SKP di PMM"
    assert t.penyebab == f"Status Perencanaan Kinerja sebagai guru: {label}."
    assert t.pemerbaiki is siapa


def test_rhk_atasan_yang_diintervensi_tidak_ada():
    """The principal changed after approval: his agreed plan holds another RHK."""
    baru = atasan(rhk=(cek.RhkAtasan("Kepala Sekolah melakukan … refleksi pengelolaan "
                                     "kurikulum", "Terlaksananya siklus … kurikulum"),))
    t = satu(cek.cek_rhk_atasan(subjek(atasan=baru), ref()))
    assert t.pesan == f"Tidak ditemukan RHK atasan berikut '{IND_KS}' di RHK '{RHK_KS}'"
    assert "atasan berganti" in t.penyebab
    assert t.pemerbaiki is Pemerbaiki.ATASAN


def test_rhk_atasan_kosong_karena_disetujui_sebelum_skp_atasan():
    t = satu(cek.cek_rhk_atasan(subjek(skp=skp(rhk_atasan=None, indikator_atasan=None)),
                                ref()))
    assert t.pesan == "Tidak ditemukan RHK atasan berikut '-' di RHK '-'"
    assert t.penyebab.startswith("SKP disetujui sebelum SKP atasan disepakati")


def test_rhk_atasan_lama_tanpa_indikator_dicocokkan_dengan_rhk_saja():
    assert cek.cek_rhk_atasan(subjek(skp=skp(indikator_atasan=None)), ref()) == []


@pytest.mark.parametrize("penilaian, penyebab", [
    (None, "Atasan belum mulai menilai kinerja pegawai."),
    (cek.DataPenilaian(False, None), "Penilaian belum lengkap: rating hasil kerja, rating "
     "perilaku kerja atau kelengkapan dokumen belum diisi."),
    (cek.DataPenilaian(True, None), "Predikat kinerja belum ditetapkan dan dikirim kepada "
     "pegawai."),
])
def test_penilaian_akhir_belum_selesai(penilaian, penyebab):
    t = satu(cek.cek_penilaian_akhir(subjek(penilaian=penilaian), ref()))
    assert t.pesan == "Penilaian akhir pegawai belum selesai"
    assert t.penyebab == penyebab
    assert t.pemerbaiki is Pemerbaiki.ATASAN


def test_penilaian_akhir_tidak_diulang_bila_skp_belum_disepakati():
    assert cek.cek_penilaian_akhir(subjek(skp=skp("diajukan"), penilaian=None), ref()) == []


def _p(nama, tipe, angka, tahun=2025):
    return cek.Periode(nama, tahun, date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 25),
                       tipe, angka)


def test_error_1_dua_tipe_periodik():
    daftar = (_p("TRIWULAN I", "Triwulanan", 1), _p("TRIWULAN II", "Triwulanan", 2),
              _p("TRIWULAN III 2024", "Bulanan", 3), _p("TRIWULAN IV", "Triwulanan", 4))
    t = satu(cek.cek_tipe_periodik(daftar, 2025))
    assert t.pesan == "Terdapat 2 tipe periodik di periode"
    assert t.penyebab == ("Instansi memiliki 2 macam tipe periode: bulanan dan triwulanan "
                          "(TRIWULAN III 2024 bertipe Bulanan).")
    assert t.tindak_lanjut.startswith("Admin e-Kinerja mengubah tipe periodik menjadi hanya "
                                      "bulanan atau hanya triwulanan")
    assert t.pemerbaiki is Pemerbaiki.BKD
    assert cek.cek_angka_periodik(daftar, 2025) == []


def test_error_2_angka_periodik_duplikat():
    daftar = (_p("TRIWULAN I", "Triwulanan", 1), _p("TRIWULAN II", "Triwulanan", 2),
              _p("TRIWULAN III", "Triwulanan", 3), _p("TRIWULAN IV final", "Triwulanan", 3))
    t = satu(cek.cek_angka_periodik(daftar, 2025))
    assert t.pesan == "Terdapat angka periodik yang duplikat di periode"
    assert t.penyebab == ("Terdapat angka periodik yang dipakai lebih dari satu periode (angka 3: "
                          "TRIWULAN III, TRIWULAN IV final).")
    assert t.pemerbaiki is Pemerbaiki.BKD
    assert cek.cek_tipe_periodik(daftar, 2025) == []


def test_error_3_tidak_ada_periode_bertipe_dan_berangka():
    daftar = (_p("JANUARI", None, None), _p("FEBRUARI", "Bulanan", None),
              _p("TAHUN 2025", "Tahunan", 1))
    t = satu(cek.cek_ada_periode(daftar, 2025))
    assert t.pesan == "Tidak terdapat periode yang memiliki data tipe periodik/angka periodik"
    assert t.pemerbaiki is Pemerbaiki.BKD
    assert satu(cek.cek_ada_periode((), 2025)).kode == "tanpa_periode"


def test_periode_tahun_lain_tidak_dihitung_dan_tanpa_tahun_berlaku():
    daftar = (_p("TRIWULAN I", "Triwulanan", 1), _p("JANUARI 2024", "Bulanan", 1, 2024),
              _p("TAHUNAN", "Tahunan", 1, None))
    assert cek.cek_periode(daftar, 2025) == []


def test_periode_akhir_tahunan_belum_dibuat():
    t = satu(cek.cek_periode_akhir(PERIODE_BAIK[:4], 2025))
    assert t.pesan == "Periode penilaian akhir (Tahunan) belum dibuat"


def test_temuan_periode_membuat_semua_pegawai_belum_siap_penilaian_akhir():
    daftar = PERIODE_BAIK[:3] + (replace(PERIODE_BAIK[3], angka_periodik=3),
                                 PERIODE_BAIK[4])
    temuan = cek.cek_periode(daftar, 2025)
    h = cek.periksa(subjek(), ref(), "penilaian_akhir", temuan)
    assert not h.siap
    assert [t.pesan for t in h.temuan] == ["Terdapat angka periodik yang duplikat di periode"]
    assert cek.periksa(subjek(), ref()).siap  # planning is not affected


def test_periksa_mengumpulkan_semua_temuan_dengan_urutan_tetap():
    s = subjek(skp=None, asn=None, unor_id="X9")
    assert [t.pesan for t in cek.periksa(s, ref()).temuan] == [
        "NIP pegawai tidak ditemukan di SIASN",
        "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit Kerja",
        "Data SKP pegawai tidak ditemukan",
    ]


def test_cek_tidak_mengimpor_flask_atau_sqlalchemy():
    import ast
    import inspect

    pohon = ast.parse(inspect.getsource(cek))
    modul = {n.module for n in ast.walk(pohon) if isinstance(n, ast.ImportFrom)}
    modul |= {a.name for n in ast.walk(pohon) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy")
                   for m in modul if m)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("a, b", [
    ("SD N 2 SEBORO", "SD NEGERI 2 SEBORO KEC. SADANG"),
    ("SDN 2 SEBORO", "SD NEGERI 2 SEBORO"),
    ("SDN2 Seboro", "sd negeri 2 seboro"),
    ("SD Negeri 02 Seboro", "SD NEGERI 2 SEBORO KECAMATAN SADANG"),
    ("SMPN 1 KEBUMEN", "SMP NEGERI 1 KEBUMEN KEC.KEBUMEN"),
    ("SMA N 1 Sadang", "SMA NEGERI 1 SADANG"),
    ("SMK NEG 2 KEBUMEN", "SMK NEGERI 2 KEBUMEN"),
    ("TK N PEMBINA", "TK NEGERI PEMBINA KEC. KEBUMEN"),
    ("Sekolah Dasar Negeri 3 Wonosari", "SD NEGERI 3 WONOSARI"),
    ("SD NEGERI 1 SADANGKULON.", "SD NEGERI 1 SADANGKULON"),
])
def test_nama_sekolah_sama_setelah_dinormalkan(a, b):
    assert cek.nama_sekolah_sama(a, b)


@pytest.mark.parametrize("a, b", [
    ("SD NEGERI SEMAMPIR", "SD NEGERI 1 SEMAMPIR KEC. SADANG"),
    ("SD NEGERI 2 SEBORO", "SD NEGERI 3 SEBORO"),
    ("SMP NEGERI 2 CIRACAP", "SD NEGERI 2 CIRACAP"),
    ("SMA NUSANTARA", "SMA NEGERI USANTARA"),
    ("SD NEGERI KECIL", "SD NEGERI"),
    ("SDN KARYASARI 1 CIKEDAL", "SD N KARYASARI 1"),
])
def test_nama_sekolah_yang_memang_beda(a, b):
    assert not cek.nama_sekolah_sama(a, b)


def test_normalkan_nama_sekolah_contoh():
    assert cek.normalkan_nama_sekolah("SD N 2 SEBORO") == "SD NEGERI 2 SEBORO"
    assert cek.normalkan_nama_sekolah("SDN 2 SEBORO KEC. SADANG") == "SD NEGERI 2 SEBORO"
    assert cek.normalkan_nama_sekolah("SD NEGERI KECIL") == "SD NEGERI KECIL"
    assert cek.normalkan_nama_sekolah(None) == ""


def test_nama_orang_dan_golongan():
    assert cek.normalkan_nama_orang("Drs. Bambang Riyadi, M.Pd.") == "BAMBANG RIYADI"
    assert cek.normalkan_nama_orang("HJ. SITI AMINAH, S.PD.") == "SITI AMINAH"
    assert cek.kode_golongan("Penata Muda, III/a") == cek.kode_golongan("III/A") == "III/A"
    assert cek.kode_golongan("IX") == "IX"
    assert cek.kode_golongan(None) is None
