"""Spreadsheets in and out (kinerja_web.lembar): what an Operator's file turns into, and
that everything the app exports is shown as text, never run as a formula."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kinerja_web.lembar import (
    AWALAN_RUMUS,
    BerkasTidakTerbaca,
    aman,
    baca,
    normalkan_kolom,
    tulis_csv,
    tulis_xlsx,
)


def satu(nama, isi, maks=100):
    tabel = baca(nama, isi, maks)
    assert len(tabel) == 1
    return tabel[0]


# ------------------------------------------------------------------ CSV


def test_csv_utf8_dengan_bom_dan_koma():
    isi = "\ufeffNPSN,Nama Sekolah,Jenjang\n20300001,SD NEGERI 1 SUKAMAJU,SD\n".encode()
    t = satu("sekolah.csv", isi)
    assert t.nama == "sekolah.csv"
    # The BOM must not end up glued to the first column name.
    assert t.kolom == ["npsn", "nama_sekolah", "jenjang"]
    assert t.baris == [(2, {"npsn": "20300001", "nama_sekolah": "SD NEGERI 1 SUKAMAJU",
                            "jenjang": "SD"})]


def test_csv_titik_koma_dari_excel_indonesia():
    # Indonesian Excel saves "CSV" with ';' and keeps commas inside values (titles, addresses).
    isi = (b"nip;nama;alamat\n"
           b"198503142010011001;Drs. Ahmad Fauzi, M.Pd.;Jl. Merdeka 1, Kebumen\n")
    t = satu("pegawai.csv", isi)
    assert t.kolom == ["nip", "nama", "alamat"]
    assert t.baris == [(2, {"nip": "198503142010011001", "nama": "Drs. Ahmad Fauzi, M.Pd.",
                            "alamat": "Jl. Merdeka 1, Kebumen"})]


def test_csv_koma_dengan_nilai_bertanda_kutip():
    isi = b'nama,alamat\n"Siti Aminah, S.Pd.","Jl. Mawar; Gg. 2"\n'
    t = satu("a.csv", isi)
    assert t.baris == [(2, {"nama": "Siti Aminah, S.Pd.", "alamat": "Jl. Mawar; Gg. 2"})]


def test_csv_windows_1252_bila_bukan_utf8():
    # Old Excel on Windows saves "CSV (Comma delimited)" in cp1252: é is the single byte 0xE9.
    isi = "nama;tempat_lahir\nAndré Wijaya;Cilacap\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        isi.decode("utf-8")
    t = satu("a.csv", isi)
    assert t.baris == [(2, {"nama": "André Wijaya", "tempat_lahir": "Cilacap"})]


def test_csv_baris_kosong_dilewati_nomor_baris_tetap_seperti_di_excel():
    isi = b"nama,nip\r\nSatu,1\r\n\r\n , \r\nDua,2\r\n\r\n"
    t = satu("a.csv", isi)
    # Empty and whitespace-only lines are skipped; the others keep their own row number.
    assert [(n, d["nama"]) for n, d in t.baris] == [(2, "Satu"), (5, "Dua")]


def test_csv_sel_dengan_pindah_baris_tetap_satu_baris():
    # An address typed with Alt+Enter is quoted over two lines but is one spreadsheet row.
    isi = b'nama,alamat\nSatu,"Jl. A\nRT 1"\nDua,Jl. B\n'
    t = satu("a.csv", isi)
    assert [(n, d["nama"], d["alamat"]) for n, d in t.baris] == [
        (2, "Satu", "Jl. A\nRT 1"), (3, "Dua", "Jl. B")]


def test_csv_baris_lebih_pendek_dan_lebih_panjang_dari_kepala():
    t = satu("a.csv", b"a,b,c\n1\n1,2,3,4\n")
    assert t.baris == [(2, {"a": "1"}), (3, {"a": "1", "b": "2", "c": "3"})]


def test_csv_kosong_ditolak_dengan_pesan():
    with pytest.raises(BerkasTidakTerbaca, match="CSV kosong"):
        baca("a.csv", b"", 10)
    with pytest.raises(BerkasTidakTerbaca, match="CSV kosong"):
        baca("a.csv", b"\n\n", 10)


@pytest.mark.parametrize("isi", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image: NUL bytes
    bytes(range(0x80, 0xA0)) * 4,  # neither UTF-8 nor Windows-1252 (0x81 is undefined)
    "nama\nAni\n".encode("utf-16"),  # Excel "Unicode Text"
])
def test_berkas_biner_ditolak_dengan_pesan(isi):
    with pytest.raises(BerkasTidakTerbaca, match="bukan CSV teks"):
        baca("foto.png", isi, 10)


def test_csv_tanda_kutip_tidak_ditutup_ditolak_dengan_pesan():
    with pytest.raises(BerkasTidakTerbaca, match="CSV rusak"):
        baca("a.csv", b'nama\n"' + b"x" * 200_000, 10)


def test_xls_lama_dan_xlsx_rusak_ditolak_dengan_pesan():
    with pytest.raises(BerkasTidakTerbaca, match=r"\.xls lama tidak didukung"):
        baca("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 10)
    with pytest.raises(BerkasTidakTerbaca, match="XLSX rusak"):
        baca("roster.xlsx", b"bukan zip", 10)
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("dokumen.txt", "halo")
    with pytest.raises(BerkasTidakTerbaca, match="XLSX tidak dapat dibaca"):
        baca("roster.xlsx", z.getvalue(), 10)


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize("mentah, hasil", [
    ("NIP", "nip"),
    (" Tanggal Lahir ", "tanggal_lahir"),
    ("Tgl.Lahir", "tgl_lahir"),
    ("Pangkat/Golongan", "pangkat_golongan"),
    ("TMT-Jabatan", "tmt_jabatan"),
    ("Status   Kepegawaian", "status_kepegawaian"),
    ("status_kepegawaian", "status_kepegawaian"),
    (None, ""),
    (2025, "2025"),
])
def test_normalkan_kolom(mentah, hasil):
    assert normalkan_kolom(mentah) == hasil


def test_kepala_csv_dinormalkan():
    t = satu("a.csv", b"NIP;Nama Lengkap;Tgl. Lahir;Pangkat/Golongan\n1;A;2;3\n")
    assert t.kolom == ["nip", "nama_lengkap", "tgl_lahir", "pangkat_golongan"]


# ------------------------------------------------------------------ XLSX


def test_xlsx_beberapa_lembar_dengan_nomor_baris_dan_jenis_nilai():
    isi = tulis_xlsx({
        "Sekolah": (["NPSN", "Nama"], [["20300001", "SD A"], [], ["20300002", "SD B"]]),
        "Kosong": ([], []),
        "Pegawai": (["NIP", "Tanggal Lahir", "Jumlah"],
                    [["198503142010011001", datetime(1985, 3, 14), 3]]),
    })
    tabel = baca("roster.xlsx", isi, 100)
    # A sheet without a header row is ignored; the others keep their order and names.
    assert [t.nama for t in tabel] == ["Sekolah", "Pegawai"]
    sekolah, pegawai = tabel
    assert sekolah.kolom == ["npsn", "nama"]
    assert sekolah.baris == [(2, {"npsn": "20300001", "nama": "SD A"}),
                             (4, {"npsn": "20300002", "nama": "SD B"})]
    nomor, data = pegawai.baris[0]
    assert nomor == 2
    assert data["nip"] == "198503142010011001"  # text stays text, all 18 digits
    assert data["tanggal_lahir"] == datetime(1985, 3, 14)
    assert data["jumlah"] == 3


def test_xlsx_dikenali_dari_isi_bukan_dari_nama_berkas():
    isi = tulis_xlsx({"Data": (["nama"], [["Ani"]])})
    assert baca("unduhan", isi, 10)[0].baris == [(2, {"nama": "Ani"})]


def test_xlsx_dengan_dimensi_salah_tetap_terbaca_semua():
    # Some programs write <dimension ref="A1"/> into every sheet; trusting it loses rows.
    asli = tulis_xlsx({"Pegawai": (["nip", "nama"], [["1", "Ani"], ["2", "Budi"]])})
    masuk, keluar = zipfile.ZipFile(io.BytesIO(asli)), io.BytesIO()
    with zipfile.ZipFile(keluar, "w") as z:
        for nama in masuk.namelist():
            data = masuk.read(nama)
            if nama == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetViews>", b'<dimension ref="A1" /><sheetViews>')
                assert b"dimension" in data
            z.writestr(nama, data)
    (t,) = baca("roster.xlsx", keluar.getvalue(), 10)
    assert t.kolom == ["nip", "nama"]
    assert [d["nama"] for _, d in t.baris] == ["Ani", "Budi"]


# ------------------------------------------------------------------ row limit


def test_batas_baris_csv():
    isi = b"nama\nA\nB\n\nC\n"
    assert len(satu("a.csv", isi, maks=3).baris) == 3  # exactly at the limit is fine
    with pytest.raises(BerkasTidakTerbaca) as e:
        baca("a.csv", isi, 2)
    assert str(e.value) == "Berkas berisi lebih dari 2 baris. Bagi menjadi beberapa berkas."


def test_batas_baris_xlsx_per_lembar():
    isi = tulis_xlsx({
        "Sekolah": (["npsn"], [["1"], ["2"]]),
        "Pegawai": (["nip"], [["1"], [], ["2"], ["3"]]),
    })
    assert [len(t.baris) for t in baca("r.xlsx", isi, 3)] == [2, 3]
    with pytest.raises(BerkasTidakTerbaca) as e:
        baca("r.xlsx", isi, 2)
    assert str(e.value) == ("Lembar Pegawai berisi lebih dari 2 baris. "
                            "Bagi menjadi beberapa berkas.")


# ------------------------------------------------------------------ aman()


@pytest.mark.parametrize("awalan", AWALAN_RUMUS)
def test_aman_menetralkan_setiap_awalan_rumus(awalan):
    nilai = awalan + "HYPERLINK(\"http://jahat.example\",\"klik\")"
    assert aman(nilai) == "'" + nilai


@pytest.mark.parametrize("nilai", ["=1+1", "+62812345678", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0",
                                   "\uff1d1+1"])
def test_aman_contoh_serangan(nilai):
    assert aman(nilai).startswith("'")
    assert aman(nilai)[1:] == nilai


@pytest.mark.parametrize("nilai", [
    "-", "=", "+", "@", "", "Budi Santoso", "198503142010011001", "III/a", "Rp -5",
    "a=b", "'sudah dikutip", 0, -5, 3.5, None, date(2025, 1, 2),
])
def test_aman_membiarkan_nilai_yang_aman(nilai):
    assert aman(nilai) == nilai
    assert type(aman(nilai)) is type(nilai)


# ------------------------------------------------------------------ writing


def test_tulis_csv_bolak_balik():
    rows = [["198503142010011001", "Siti Aminah, S.Pd.", 5],
            ["-", None, "Jl. A; Gg. \"Melati\""],
            ["=1+1", "@x", "Baris\nkedua"]]
    isi = tulis_csv(["NIP", "Nama", "Catatan"], rows)
    assert isi.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    assert isi.decode("utf-8-sig").splitlines()[0] == "NIP;Nama;Catatan"
    t = satu("keluar.csv", isi)
    assert t.kolom == ["nip", "nama", "catatan"]
    assert [d for _, d in t.baris] == [
        {"nip": "198503142010011001", "nama": "Siti Aminah, S.Pd.", "catatan": "5"},
        {"nip": "-", "nama": "", "catatan": 'Jl. A; Gg. "Melati"'},
        {"nip": "'=1+1", "nama": "'@x", "catatan": "Baris\nkedua"},
    ]
    assert [n for n, _ in t.baris] == [2, 3, 4]


def test_tulis_xlsx_bolak_balik_dan_tidak_ada_rumus():
    nama_panjang = "Daftar sandi awal pegawai Kabupaten Kebumen"
    isi = tulis_xlsx({
        nama_panjang: (["NIP", "=Nama", "Angka", "Tanggal"],
                       [["198503142010011001", "=HYPERLINK(\"x\")", 12, date(2025, 1, 2)],
                        ["-", "+1", -3.5, None]]),
        "Kedua": (["a"], []),
    })
    wb = load_workbook(io.BytesIO(isi))
    assert wb.sheetnames == [nama_panjang[:31], "Kedua"]  # Excel's 31-character limit
    ws = wb[nama_panjang[:31]]
    nilai = [[c.value for c in row] for row in ws.iter_rows()]
    assert nilai == [
        ["NIP", "'=Nama", "Angka", "Tanggal"],
        ["198503142010011001", "'=HYPERLINK(\"x\")", 12, datetime(2025, 1, 2)],
        ["-", "'+1", -3.5, None],
    ]
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert [[c.value for c in row] for row in wb["Kedua"].iter_rows()] == [["a"]]
