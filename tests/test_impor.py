"""Roster import (issue 2, item 7) as the Operator Dinas uses it: upload a file, read the
preview with its row errors, confirm, hand out one-time passwords. Also `flask impor-roster`."""

import html
import io
import json
import re
import stat
from datetime import date, timedelta

import pytest
from bantu import nilai
from bantu import teks as teks_halaman
from bantu_impor import (
    GURU,
    KS,
    LAHIR,
    NPSN_1,
    NPSN_2,
    PLT,
    PPPK,
    ROSTER,
    berkas_baik,
    galat_di,
    nip,
    pegawai,
    pegawai_baik,
    potret,
    pratinjau,
    ringkasan_di,
    sandi_di,
    sekolah,
    sekolah_baik,
    simpan,
    unggah,
    xlsx,
)
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from kinerja_web.extensions import db
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import (
    Akun,
    Audit,
    ImporAkun,
    ImporBerkas,
    Pegawai,
    Penugasan,
    Sekolah,
)
from kinerja_web.waktu import hari_ini

# ------------------------------------------------------------------ helpers


def pesan_flash(k, url):
    return html.unescape(k.get(url).text)


def jumlah(app):
    with app.app_context():
        return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                for m in ROSTER}


def seluruh_db(app):
    """Every row of every table as text (to look for a plaintext password)."""
    with app.app_context():
        return "\n".join(repr(tuple(r)) for t in db.metadata.sorted_tables
                         for r in db.session.execute(select(t)))


def audit(app):
    with app.app_context():
        return [(a.aksi, a.data) for a in db.session.scalars(select(Audit).order_by(Audit.id))]


def cari_pegawai(app, nip_):
    with app.app_context():
        p = db.session.scalar(select(Pegawai).where(Pegawai.nip == nip_))
        db.session.expunge_all()
        return p


def cari_sekolah(app, npsn):
    with app.app_context():
        s = db.session.scalar(select(Sekolah).where(Sekolah.npsn == npsn))
        db.session.expunge_all()
        return s


def peran_aktif(app, sekolah_id):
    """Who leads a school today: [(name, role)]."""
    with app.app_context():
        return sorted(db.session.execute(
            select(Pegawai.nama, Penugasan.peran).join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
            .where(Penugasan.sekolah_id == sekolah_id, Penugasan.aktif_pada(hari_ini()))).all())


@pytest.fixture
def operator(klien, dunia):
    klien.masuk(dunia.operator.username)
    return klien


# ------------------------------------------------------------------ preview and row errors


def test_pratinjau_menunjukkan_setiap_jenis_kesalahan_dan_tidak_menulis_apa_pun(
        app, operator, dunia, make_sekolah):
    npsn_dinas_lain = dunia.sekolah_lain.npsn
    npsn_dinas_lain2 = make_sekolah(dunia.dinas_lain, nama="SD NEGERI 9 LAIN").npsn
    db.session.commit()
    daftar_sekolah = [
        sekolah(NPSN_1, "SD NEGERI 1 KARANGSARI"),                      # 2
        sekolah(NPSN_1, "SD NEGERI 1 KARANGSARI (dobel)"),              # 3
        sekolah(npsn_dinas_lain, "SD NEGERI 3 TIGA"),                   # 4
    ]
    daftar_pegawai = [
        pegawai(nip(10)[:-1], "Pendek Satu Digit", NPSN_1),             # 2
        pegawai("19901332" "201503" "1" "001", "Tanggal Ngawur", NPSN_1),  # 3
        pegawai(float(nip(11)), "NIP Diketik Angka", NPSN_1),           # 4
        pegawai(nip(12), "Sekolah Tak Dikenal", "69999999"),            # 5
        pegawai(nip(13), "Jabatan Aneh", NPSN_1, jabatan="Guru Ahli Super"),  # 6
        pegawai(nip(14), "Kembar Pertama", NPSN_1),                     # 7
        pegawai(nip(14), "Kembar Kedua", NPSN_1),                       # 8
        pegawai(nip(15), "Kepala Tanpa Sekolah", None, peran="Kepala Sekolah"),  # 9
        pegawai(nip(16), "Kepala Pertama", NPSN_1, peran="Kepala Sekolah"),    # 10
        pegawai(nip(17), "Kepala Kedua", NPSN_1, peran="Kepala Sekolah"),      # 11
        pegawai(nip(18), "Lahir Beda", NPSN_1, tanggal_lahir="1990-05-02"),    # 12
        pegawai(nip(19), "Kelamin Beda", NPSN_1, jenis_kelamin="P"),           # 13
        pegawai(nip(20, tmt="202121"), "PNS Tapi PPPK", NPSN_1),               # 14
        pegawai(nip(21), "Sekolah Dinas Lain", npsn_dinas_lain2),              # 15
        pegawai(nip(22), "Baris Yang Benar", NPSN_1),                          # 16
    ]
    sebelum, audit_sebelum = potret(app), len(audit(app))

    impor_id, halaman = pratinjau(operator, xlsx(daftar_sekolah, daftar_pegawai))

    galat = galat_di(halaman)
    harapan = [
        ("Sekolah", 3, "npsn", f"NPSN {NPSN_1} ganda (juga di baris 2)."),
        ("Sekolah", 4, "npsn", f"NPSN {npsn_dinas_lain} terdaftar di Dinas lain."),
        ("Pegawai", 2, "nip", "NIP harus 18 digit; yang diisi 17 digit."),
        ("Pegawai", 3, "nip",
         "Tanggal lahir pada NIP (digit 1-8: 19901332) bukan tanggal yang valid."),
        ("Pegawai", 4, "nip", "NIP tertulis sebagai angka sehingga dibulatkan Excel; "
                              "format kolom sebagai Teks lalu ketik ulang."),
        ("Pegawai", 5, "npsn", "NPSN 69999999 tidak dikenal: tambahkan sekolahnya di lembar "
                               "Sekolah atau impor sekolah terlebih dahulu."),
        ("Pegawai", 6, "jabatan",
         "Jabatan 'Guru Ahli Super' tidak dikenal. Lihat daftar jabatan di templat."),
        ("Pegawai", 8, "nip", f"NIP {nip(14)} ganda (juga di baris 7)."),
        ("Pegawai", 9, "npsn", "Kepala sekolah tanpa sekolah: isi NPSN sekolah yang dipimpin."),
        ("Pegawai", 11, "peran",
         f"Sekolah {NPSN_1} memiliki dua Kepala Sekolah definitif (juga baris 10)."),
        ("Pegawai", 12, "tanggal_lahir", "Tanggal lahir tidak sesuai dengan NIP (1990-05-01)."),
        ("Pegawai", 13, "jenis_kelamin", "Jenis kelamin tidak sesuai dengan NIP (L)."),
        ("Pegawai", 14, "nip", "NIP ini berpola PPPK, tetapi status kepegawaian PNS."),
        ("Pegawai", 15, "npsn", f"NPSN {npsn_dinas_lain2} terdaftar di Dinas lain."),
    ]
    assert sorted(galat) == sorted(harapan)
    # Errors are grouped by sheet, in line order, so the Operator can work down the file.
    urutan = [(g[0], g[1]) for g in galat]
    lembar = [x for i, x in enumerate(g[0] for g in galat) if i == 0 or galat[i - 1][0] != x]
    assert sorted(lembar) == ["Pegawai", "Sekolah"]
    assert urutan == sorted(urutan, key=lambda x: (lembar.index(x[0]), x[1]))
    assert ringkasan_di(halaman)["Kesalahan"] == str(len(harapan))
    assert (f"Berkas belum bisa disimpan: perbaiki {len(harapan)} kesalahan di bawah, lalu "
            "unggah lagi. Tidak ada data yang diubah.") in html.unescape(halaman)
    assert "Simpan data" not in halaman

    # Nothing written by the preview, and pressing "Simpan data" anyway writes nothing either.
    assert potret(app) == sebelum
    r = simpan(operator, impor_id)
    assert r.status_code == 303
    assert ("Data berubah sejak pratinjau dan kini ada kesalahan. Perbaiki berkas."
            in pesan_flash(operator, r.headers["Location"]))
    assert potret(app) == sebelum
    # The only trace of the upload is the upload itself (no audit of any roster change).
    assert [a for a, _ in audit(app)[audit_sebelum:]] == ["impor_diunggah"]


def test_pratinjau_berkas_benar_hanya_menghitung(app, operator, dunia):
    sebelum = potret(app)
    impor_id, halaman = pratinjau(operator, berkas_baik())
    r = ringkasan_di(halaman)
    assert r["Sekolah"] == "2 baru, 0 diubah, 0 tetap"
    assert r["Pegawai"] == "4 baru, 0 diubah, 0 tetap"
    assert r["Akun baru"] == "4"
    assert r["Kesalahan"] == "0"
    teks = html.unescape(halaman)
    assert "Tidak ada kesalahan. Tekan Simpan data untuk menyimpan semuanya sekaligus." in \
        teks_halaman(halaman)
    assert "Sekolah baru: SD NEGERI 1 KARANGSARI (60100001)" in teks
    assert f"Pegawai baru: Drs. Bambang Riyadi, M.Pd. ({KS})" in teks
    assert potret(app) == sebelum
    # Looking at the preview again is just as harmless.
    operator.get(f"/impor/{impor_id}")
    assert potret(app) == sebelum


# ------------------------------------------------------------------ confirming


def test_simpan_menulis_semua_dan_sandi_hanya_tampil_sekali(app, operator, dunia, buat_klien):
    sebelum = jumlah(app)
    impor_id, _ = pratinjau(operator, berkas_baik())

    r = simpan(operator, impor_id)
    assert r.status_code == 200
    teks = html.unescape(r.text)
    assert "roster.xlsx: 2 sekolah baru, 0 sekolah diubah, 4 pegawai baru, 0 pegawai diubah." \
        in teks
    assert "Sandi sekali pakai (4 akun baru)" in teks
    assert "Sandi ini hanya ditampilkan sekarang dan tidak disimpan di mana pun." in teks

    sesudah = jumlah(app)
    assert sesudah["sekolah"] == sebelum["sekolah"] + 2
    assert sesudah["pegawai"] == sebelum["pegawai"] + 4
    assert sesudah["akun"] == sebelum["akun"] + 4
    assert sesudah["penugasan"] == sebelum["penugasan"] + 2  # the principal and the Plt.

    # What the file said is what is stored.
    s1, s2 = cari_sekolah(app, NPSN_1), cari_sekolah(app, NPSN_2)
    assert (s1.nama, s1.jenjang, s1.status, s1.dinas_id) == (
        "SD NEGERI 1 KARANGSARI", "sd", "negeri", dunia.dinas.id)
    assert s2.jenjang == "smp"
    ks = cari_pegawai(app, KS)
    assert (ks.nama, ks.golongan, ks.jabatan, ks.sekolah_id, ks.dinas_id) == (
        "Drs. Bambang Riyadi, M.Pd.", "IV/a", "Guru Ahli Madya", s1.id, dunia.dinas.id)
    assert (ks.tanggal_lahir, ks.jenis_kelamin) == (LAHIR, "L")  # taken from the NIP
    pppk = cari_pegawai(app, PPPK)
    assert (pppk.status_kepegawaian, pppk.golongan, pppk.jenis_kelamin) == ("PPPK", "IX", "P")
    assert peran_aktif(app, s1.id) == [("Drs. Bambang Riyadi, M.Pd.", "kepala_sekolah")]
    assert peran_aktif(app, s2.id) == [("Agus Salim, S.Pd.", "plt_kepala_sekolah")]

    # One password per new account, shown in this response only.
    sandi = sandi_di(r.text)
    assert sorted(x[0] for x in sandi) == sorted([KS, GURU, PLT, PPPK])
    assert all(username == nip_ for nip_, _, username, _ in sandi)  # username defaults to NIP
    assert len({x[3] for x in sandi}) == 4
    isi_db = seluruh_db(app)
    for *_, polos in sandi:
        assert len(polos) >= 12
        assert polos not in isi_db
        assert polos not in r.headers.get("Set-Cookie", "")
    with app.app_context():
        impor = db.session.get(ImporBerkas, impor_id)
        assert impor.status == "diterapkan"
        assert impor.ringkasan["akun_dibuat"] == 4
        assert not any(polos in json.dumps(impor.ringkasan) for *_, polos in sandi)
    assert [a for a, _ in audit(app)][-1] == "impor_diterapkan"

    # Later views of the import do not show them again.
    nanti = operator.get(f"/impor/{impor_id}")
    assert "Sudah disimpan" in nanti.text
    assert "4 akun baru dibuat; sandi sekali pakai hanya ditampilkan saat itu." in nanti.text
    assert "Simpan data" not in nanti.text  # saved once; nothing to save again
    assert not any(polos in nanti.text for *_, polos in sandi)
    assert "Simpan data" not in nanti.text

    # The password works once, and the new teacher must choose her own at first login.
    _, _, username, polos = next(x for x in sandi if x[0] == GURU)
    guru = buat_klien()
    guru.get("/masuk")
    salah = guru.post("/masuk", {"identitas": username, "sandi": polos + "x"})
    assert salah.status_code == 422
    masuk = guru.post("/masuk", {"identitas": username, "sandi": polos})
    assert masuk.status_code == 303
    assert masuk.headers["Location"].endswith("/akun/sandi")
    paksa = guru.get("/")
    assert paksa.status_code in (302, 303)
    assert paksa.headers["Location"].endswith("/akun/sandi")
    assert "Kata sandi baru" in guru.get("/akun/sandi").text
    ganti = guru.post("/akun/sandi", {"sandi_baru": "Melati-Putih-2025",
                                      "ulangi": "Melati-Putih-2025"})
    assert ganti.status_code == 303
    beranda = guru.get("/")
    assert beranda.status_code == 200 and "Siti Aminah" in beranda.text
    guru.keluar()
    lagi = buat_klien()
    lagi.get("/masuk")
    assert lagi.post("/masuk", {"identitas": username, "sandi": polos}).status_code == 422


def test_impor_ulang_berkas_yang_sama_tidak_mengubah_apa_pun(app, operator, dunia):
    isi = berkas_baik()
    impor_id, _ = pratinjau(operator, isi)
    assert simpan(operator, impor_id).status_code == 200
    sebelum, audit_sebelum = potret(app), len(audit(app))

    impor_id2, halaman = pratinjau(operator, isi)
    r = ringkasan_di(halaman)
    assert r["Sekolah"] == "0 baru, 0 diubah, 2 tetap"
    assert r["Pegawai"] == "0 baru, 0 diubah, 4 tetap"
    assert r["Akun baru"] == "0"
    assert "<h2>Perubahan</h2>" not in halaman

    hasil = simpan(operator, impor_id2)
    assert hasil.status_code == 200
    teks = html.unescape(hasil.text)
    assert "0 sekolah baru, 0 sekolah diubah, 0 pegawai baru, 0 pegawai diubah." in teks
    assert "Sandi sekali pakai" not in teks and sandi_di(hasil.text) == []
    assert "diakhiri karena diganti" not in teks
    # Same rows, same values, down to the "last changed" timestamps.
    assert potret(app) == sebelum
    baru = audit(app)[audit_sebelum:]
    assert [a for a, _ in baru] == ["impor_diunggah", "impor_diterapkan"]
    jumlah_terapkan = baru[1][1]
    assert {k: v for k, v in jumlah_terapkan.items() if k.endswith(("_baru", "_diubah"))} == {
        "sekolah_baru": 0, "sekolah_diubah": 0, "pegawai_baru": 0, "pegawai_diubah": 0,
        "akun_baru": 0}


def test_unggah_ulang_berkas_yang_menunggu_membuka_pratinjaunya(app, operator, dunia):
    # A double click on "Unggah" (or a second tab): the same file while its preview
    # waits is sent to that preview — no second preview, no second audit row.
    isi = berkas_baik()
    impor_id, _ = pratinjau(operator, isi)
    audit_sebelum = len(audit(app))
    r = unggah(operator, isi)
    assert r.status_code == 303 and r.headers["Location"] == f"/impor/{impor_id}"
    halaman = operator.get(r.headers["Location"]).text
    assert "Berkas yang sama sudah diunggah dan menunggu konfirmasi" in html.unescape(halaman)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImporBerkas)) == 1
    assert len(audit(app)) == audit_sebelum
    # Another file is a preview of its own; once the first is cancelled, the same file
    # makes a new one.
    impor_lain, _ = pratinjau(operator, xlsx(sekolah_baik()[:1], []))
    assert impor_lain != impor_id
    operator.post(f"/impor/{impor_id}/batal")
    impor_baru, _ = pratinjau(operator, isi)
    assert impor_baru not in (impor_id, impor_lain)


def test_berkas_diperbarui_mengubah_di_tempat(app, operator, dunia):
    impor_id, _ = pratinjau(operator, berkas_baik())
    simpan(operator, impor_id)
    sebelum = potret(app)
    s_lama, g_lama = cari_sekolah(app, NPSN_1), cari_pegawai(app, GURU)

    daftar_sekolah = sekolah_baik()
    daftar_sekolah[0]["nama"] = "SD NEGERI 1 KARANGSARI BARU"
    daftar_pegawai = pegawai_baik()
    daftar_pegawai[1]["golongan"] = "III/b"
    impor_id, halaman = pratinjau(operator, xlsx(daftar_sekolah, daftar_pegawai))
    r = ringkasan_di(halaman)
    assert r["Sekolah"] == "0 baru, 1 diubah, 1 tetap"
    assert r["Pegawai"] == "0 baru, 1 diubah, 3 tetap"
    assert r["Akun baru"] == "0"
    teks = html.unescape(halaman)
    assert ("Sekolah SD NEGERI 1 KARANGSARI: nama: SD NEGERI 1 KARANGSARI → "
            "SD NEGERI 1 KARANGSARI BARU") in teks
    # Each person with the NIP: two of the same name are told apart (issue #15).
    assert f"Pegawai Siti Aminah, S.Pd. (NIP {GURU}): golongan: III/a → III/b" in teks
    assert potret(app) == sebelum  # still only a preview

    hasil = simpan(operator, impor_id)
    assert "0 sekolah baru, 1 sekolah diubah, 0 pegawai baru, 1 pegawai diubah." in \
        html.unescape(hasil.text)
    assert sandi_di(hasil.text) == []
    s_baru, g_baru = cari_sekolah(app, NPSN_1), cari_pegawai(app, GURU)
    assert (s_baru.id, s_baru.nama) == (s_lama.id, "SD NEGERI 1 KARANGSARI BARU")
    assert (g_baru.id, g_baru.golongan) == (g_lama.id, "III/b")
    sesudah = potret(app)
    assert {k: len(v) for k, v in sesudah.items()} == {k: len(v) for k, v in sebelum.items()}
    # Nothing else moved: the other school, the other people, accounts and roles.
    assert sesudah["akun"] == sebelum["akun"]
    assert sesudah["penugasan"] == sebelum["penugasan"]
    lain = [x for x in sesudah["pegawai"] if x[0] != g_lama.id]
    assert lain == [x for x in sebelum["pegawai"] if x[0] != g_lama.id]
    assert [x for x in sesudah["sekolah"] if x[0] != s_lama.id] == \
        [x for x in sebelum["sekolah"] if x[0] != s_lama.id]


def test_kepala_sekolah_baru_mengakhiri_penugasan_kepala_lama(app, operator, dunia):
    assert peran_aktif(app, dunia.sekolah.id) == [("Kepala Satu", "kepala_sekolah")]
    baru = pegawai(nip(30), "Hj. Sri Wahyuni, M.Pd.", dunia.sekolah.npsn,
                   jabatan="Guru Ahli Madya", golongan="IV/a", peran="Kepala Sekolah")
    impor_id, halaman = pratinjau(operator, xlsx(None, [baru]))
    assert ringkasan_di(halaman)["Kesalahan"] == "0"
    # The preview says so before anything happens.
    assert (f"Penugasan Kepala Sekolah Kepala Satu (NIP {dunia.kepsek.nip}) di SD NEGERI 1 "
            "SATU diakhiri (diganti)" in html.unescape(halaman))
    assert peran_aktif(app, dunia.sekolah.id) == [("Kepala Satu", "kepala_sekolah")]

    r = simpan(operator, impor_id)
    assert ("Penugasan kepala sekolah yang diakhiri karena diganti: "
            "Kepala Satu (Kepala Sekolah).") in html.unescape(r.text)
    assert peran_aktif(app, dunia.sekolah.id) == [("Hj. Sri Wahyuni, M.Pd.", "kepala_sekolah")]
    with app.app_context():
        lama = db.session.scalar(select(Penugasan).where(
            Penugasan.pegawai_id == dunia.kepsek.id, Penugasan.peran == "kepala_sekolah"))
        assert lama.selesai == hari_ini() - timedelta(days=1)
        assert lama.mulai == date(2024, 1, 1)  # ended, not deleted: history is kept
    # The former principal stays on the roster, at the same school.
    assert cari_pegawai(app, dunia.kepsek.nip).sekolah_id == dunia.sekolah.id


def test_perubahan_peran_tampil_di_pratinjau(app, operator, dunia):
    impor_id, _ = pratinjau(operator, berkas_baik())
    simpan(operator, impor_id)
    s1 = cari_sekolah(app, NPSN_1)
    # Next year's file: the principal's role cell is empty, the PPPK teacher becomes Plt.
    daftar = pegawai_baik()
    daftar[0]["peran"] = ""
    daftar[3]["peran"] = "Tim Kerja"
    impor_id, halaman = pratinjau(operator, xlsx(sekolah_baik(), daftar))
    assert ringkasan_di(halaman)["Pegawai"] == "0 baru, 2 diubah, 2 tetap"
    teks = html.unescape(halaman)
    assert f"Pegawai Drs. Bambang Riyadi, M.Pd. (NIP {KS}): peran: Kepala Sekolah → –" in teks
    assert f"Pegawai Dewi Lestari, S.Pd. (NIP {PPPK}): peran: – → Tim Kerja" in teks
    assert peran_aktif(app, s1.id) == [("Drs. Bambang Riyadi, M.Pd.", "kepala_sekolah")]

    simpan(operator, impor_id)
    assert peran_aktif(app, s1.id) == []
    # Applied, the same file shows no change any more.
    _, halaman = pratinjau(operator, xlsx(sekolah_baik(), daftar))
    assert ringkasan_di(halaman)["Pegawai"] == "0 baru, 0 diubah, 4 tetap"


def test_simpan_dua_kali_hanya_diterapkan_sekali(app, operator, dunia):
    impor_id, _ = pratinjau(operator, berkas_baik())
    pertama = simpan(operator, impor_id)
    assert pertama.status_code == 200 and len(sandi_di(pertama.text)) == 4
    setelah_pertama, audit_pertama = potret(app), len(audit(app))

    kedua = simpan(operator, impor_id)
    assert kedua.status_code == 303
    assert sandi_di(kedua.text) == []
    pesan = pesan_flash(operator, kedua.headers["Location"])
    assert "Berkas ini sudah diproses sebelumnya; tidak ada yang diubah lagi." in pesan
    # ...and it points to the way to get the one-time passwords again.
    assert "gunakan “Buat ulang kata sandi sekali pakai” di halaman ini" in pesan
    assert potret(app) == setelah_pertama
    assert len(audit(app)) == audit_pertama
    assert jumlah(app)["akun"] == len(setelah_pertama["akun"])


def test_batalkan_impor(app, operator, dunia):
    sebelum = potret(app)
    impor_id, halaman = pratinjau(operator, berkas_baik())
    assert "Batalkan" in halaman
    r = operator.post(f"/impor/{impor_id}/batal")
    assert r.status_code == 303 and r.headers["Location"].endswith("/impor")
    daftar = pesan_flash(operator, r.headers["Location"])
    assert "Impor dibatalkan. Tidak ada data yang diubah." in daftar
    assert "roster.xlsx</a> — " in daftar and "dibatalkan" in daftar.split("Riwayat impor")[1]
    halaman = operator.get(f"/impor/{impor_id}").text
    assert "Impor ini dibatalkan; tidak ada data yang diubah." in halaman
    assert "Simpan data" not in halaman
    # A confirm sent from a page opened before the cancel changes nothing either.
    r = simpan(operator, impor_id)
    assert r.status_code == 303
    assert "sudah diproses sebelumnya" in pesan_flash(operator, r.headers["Location"])
    assert potret(app) == sebelum


# ------------------------------------------------------------------ CSV


def test_csv_titik_koma_dari_excel_indonesia(app, operator, dunia):
    sekolah_csv = (
        "\ufeffNPSN;Nama Sekolah;Jenjang;Status;Alamat\r\n"
        f"{NPSN_1};SD NEGERI 1 KARANGSARI;SD;Negeri;Jl. Pemuda 1, Karangsari\r\n"
    ).encode()
    impor_id, halaman = pratinjau(operator, sekolah_csv, "sekolah.csv")
    assert ringkasan_di(halaman)["Sekolah"] == "1 baru, 0 diubah, 0 tetap"
    simpan(operator, impor_id)
    assert cari_sekolah(app, NPSN_1).alamat == "Jl. Pemuda 1, Karangsari"

    pegawai_csv = (
        "NIP;Nama Lengkap;Status Pegawai;Gol;Jabatan;NPSN;Tugas Tambahan\r\n"
        f"{KS};Drs. Bambang Riyadi, M.Pd.;PNS;IV/a;Guru Ahli Madya;{NPSN_1};Kepala Sekolah\r\n"
        "\r\n"
        f"{GURU};Siti Aminah, S.Pd.;PNS;III/a;guru ahli  pertama;{NPSN_1};\r\n"
    ).encode()
    impor_id, halaman = pratinjau(operator, pegawai_csv, "pegawai.csv")
    assert ringkasan_di(halaman)["Pegawai"] == "2 baru, 0 diubah, 0 tetap"
    hasil = simpan(operator, impor_id)
    assert len(sandi_di(hasil.text)) == 2
    ks, guru = cari_pegawai(app, KS), cari_pegawai(app, GURU)
    assert (ks.nama, ks.golongan) == ("Drs. Bambang Riyadi, M.Pd.", "IV/a")
    assert guru.jabatan == "Guru Ahli Pertama"  # case and spacing forgiven
    assert peran_aktif(app, cari_sekolah(app, NPSN_1).id) == [
        ("Drs. Bambang Riyadi, M.Pd.", "kepala_sekolah")]


def test_csv_galat_menyebut_nama_berkas_dan_baris(app, operator, dunia):
    isi = (
        "nip;nama;status_kepegawaian;golongan;jabatan;npsn\n"
        f"{nip(40)};Benar Satu;PNS;III/a;Guru Ahli Pertama;{dunia.sekolah.npsn}\n"
        "\n"
        f"{nip(41)};Golongan Salah;PNS;III/z;Guru Ahli Pertama;{dunia.sekolah.npsn}\n"
    ).encode()
    sebelum = potret(app)
    _, halaman = pratinjau(operator, isi, "pegawai-kebumen.csv")
    assert galat_di(halaman) == [
        ("pegawai-kebumen.csv", 4, "golongan",
         "Golongan 'III/z' tidak dikenal (contoh: III/a, IX).")]
    assert potret(app) == sebelum


# ------------------------------------------------------------------ limits and bad files


def test_batas_ukuran_berkas(app, operator, dunia):
    app.config["IMPOR_MAKS_BYTE"] = 2048
    halaman = operator.get("/impor").text
    assert "Batas 2 KB dan" in halaman
    isi = berkas_baik()
    assert len(isi) > 2048
    sebelum = potret(app)
    r = unggah(operator, isi)
    assert r.status_code == 422
    assert "Berkas lebih dari 2 KB. Bagi per kecamatan/jenjang." in r.text
    assert "Unggah dan periksa" in r.text  # the page and its form are still there
    assert potret(app) == sebelum
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImporBerkas)) == 0


def test_batas_jumlah_baris(app, operator, dunia):
    app.config["IMPOR_MAKS_BARIS"] = 3
    sebelum = potret(app)
    daftar = pegawai_baik()
    assert len(daftar) == 4
    r = unggah(operator, xlsx(sekolah_baik(), daftar))
    assert r.status_code == 422
    assert ("Lembar Pegawai berisi lebih dari 3 baris. Bagi menjadi beberapa berkas."
            in r.text)
    assert "Unggah dan periksa" in r.text
    assert potret(app) == sebelum
    # Exactly at the limit is accepted.
    assert unggah(operator, xlsx(sekolah_baik(), daftar[:3])).status_code == 303


@pytest.mark.parametrize("nama, isi, pesan", [
    ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "Berkas bukan CSV teks."),
    ("data.bin", bytes(range(0x80, 0xA0)) * 8, "Berkas bukan CSV teks."),
    ("roster.xlsx", b"ini bukan berkas excel", "Berkas XLSX rusak atau bukan XLSX."),
    ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
     "Format .xls lama tidak didukung. Simpan sebagai .xlsx atau .csv."),
])
def test_berkas_bukan_spreadsheet_ditolak_dengan_pesan(app, operator, dunia, nama, isi, pesan):
    sebelum = potret(app)
    r = unggah(operator, isi, nama)
    assert r.status_code == 422
    assert pesan in html.unescape(r.text)
    assert "Unggah dan periksa" in r.text
    assert potret(app) == sebelum


def test_tanpa_berkas(operator, dunia):
    r = operator.post("/impor", {}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert "Pilih berkas yang akan diunggah." in r.text


def test_lembar_tidak_dikenal_dijelaskan(operator, dunia):
    isi = tulis_xlsx({"Data": (["No", "Nama Guru", "Sekolah"], [[1, "Ani", "SD 1"]])})
    _, halaman = pratinjau(operator, isi)
    ((lembar, baris, _, pesan),) = galat_di(halaman)
    assert (lembar, baris) == ("Data", 1)
    assert pesan.startswith("Lembar tidak dikenali: kolom kepala harus memuat npsn+jenjang")


# ------------------------------------------------------------------ template


KEPALA_SEKOLAH = ["npsn", "nama", "jenjang", "status", "alamat", "kecamatan", "unor_id",
                  "unor_nama"]
KEPALA_PEGAWAI = ["nip", "nuptk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                  "status_kepegawaian", "golongan", "tmt_golongan", "jabatan", "tmt_jabatan",
                  "pendidikan", "karpeg", "email", "telepon", "npsn", "peran", "tmt_peran",
                  "keikutsertaan",
                  "keterangan_keikutsertaan", "tanggal_keikutsertaan", "username",
                  "tmt_mutasi", "jenis_mutasi"]


def test_templat_xlsx_berisi_kolom_terdokumentasi_dan_bisa_diimpor(app, operator, dunia):
    r = operator.get("/impor/templat.xlsx")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.headers["Content-Disposition"] == 'attachment; filename="templat-roster.xlsx"'
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames[:2] == ["Sekolah", "Pegawai"]
    assert [c.value for c in wb["Sekolah"][1]] == KEPALA_SEKOLAH
    assert [c.value for c in wb["Pegawai"][1]] == KEPALA_PEGAWAI
    petunjuk = [[c.value for c in row] for row in wb["Petunjuk"].iter_rows(min_row=2)]
    assert ["Pegawai", "nip", "ya"] == petunjuk[len(KEPALA_SEKOLAH)][:3]
    assert {row[1] for row in petunjuk} == set(KEPALA_SEKOLAH) | set(KEPALA_PEGAWAI)
    jabatan = {row[0].value for row in wb["Petunjuk Jabatan"].iter_rows(min_row=2)}
    assert {"Guru Ahli Pertama", "Guru Ahli Muda", "Guru Ahli Madya", "Guru Ahli Utama"} <= jabatan

    # The empty template, uploaded as it is: a clear message, not a crash, nothing written.
    sebelum = potret(app)
    _, halaman = pratinjau(operator, r.data, "templat-roster.xlsx")
    assert [g[3] for g in galat_di(halaman)] == ["Berkas tidak berisi data sekolah atau pegawai."]
    assert "Simpan data" not in halaman
    assert potret(app) == sebelum

    # Filled in (as Excel would: NIP and NPSN as text), it imports.
    ws_s, ws_p = wb["Sekolah"], wb["Pegawai"]
    ws_s.append([NPSN_1, "SD NEGERI 1 KARANGSARI", "SD", "Negeri"])
    isian = dict.fromkeys(KEPALA_PEGAWAI)
    isian.update(nip=GURU, nama="Siti Aminah, S.Pd.", status_kepegawaian="PNS",
                 golongan="III/a", jabatan="Guru Ahli Pertama", npsn=NPSN_1,
                 tanggal_lahir=LAHIR, jenis_kelamin="P")
    ws_p.append([isian[k] for k in KEPALA_PEGAWAI])
    keluar = io.BytesIO()
    wb.save(keluar)
    impor_id, halaman = pratinjau(operator, keluar.getvalue(), "templat-terisi.xlsx")
    r = ringkasan_di(halaman)
    assert (r["Sekolah"], r["Pegawai"], r["Kesalahan"]) == (
        "1 baru, 0 diubah, 0 tetap", "1 baru, 0 diubah, 0 tetap", "0")
    simpan(operator, impor_id)
    assert cari_pegawai(app, GURU).sekolah_id == cari_sekolah(app, NPSN_1).id


def test_templat_csv(operator, dunia):
    r = operator.get("/impor/templat-pegawai.csv")
    assert r.status_code == 200
    assert r.data.decode("utf-8-sig").splitlines() == [";".join(KEPALA_PEGAWAI)]
    r = operator.get("/impor/templat-sekolah.csv")
    assert r.data.decode("utf-8-sig").splitlines() == [";".join(KEPALA_SEKOLAH)]
    assert operator.get("/impor/templat-guru.csv").status_code == 404
    _, halaman = pratinjau(operator, r.data, "templat-sekolah.csv")
    assert [g[3] for g in galat_di(halaman)] == ["Berkas tidak berisi data sekolah atau pegawai."]


# ------------------------------------------------------------------ password sheet


def test_unduh_sandi_awal_menetralkan_rumus(app, operator, dunia):
    # Names and user names are whatever the file said; exported, they must stay text.
    isi = (
        "nip;nama;status_kepegawaian;golongan;jabatan;npsn;username\n"
        f'{nip(50)};"=HYPERLINK(""http://jahat.example"";""Klik"")";PNS;III/a;Guru Ahli Pertama;'
        f"{dunia.sekolah.npsn};\n"
        f"{nip(51)};+62 Budi;PNS;III/a;Guru Ahli Pertama;{dunia.sekolah.npsn};-budi\n"
        f"{nip(52)};@Ani;PNS;III/a;Guru Ahli Pertama;{dunia.sekolah.npsn};ani\n"
        f"{nip(53)};-;PNS;III/a;Guru Ahli Pertama;{dunia.sekolah.npsn};\n"
    ).encode()
    impor_id, halaman = pratinjau(operator, isi, "pegawai.csv")
    assert ringkasan_di(halaman)["Kesalahan"] == "0", galat_di(halaman)
    hasil = simpan(operator, impor_id)
    sandi = sandi_di(hasil.text)
    assert len(sandi) == 4
    isian = nilai(hasil, "isian")
    assert isian is not None

    r = operator.post("/impor/sandi-awal.xlsx", {"isian": isian})
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == 'attachment; filename="sandi-awal.xlsx"'
    assert r.headers["Cache-Control"] == "no-store"
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb["Sandi awal"]
    baris = [[c.value for c in row] for row in ws.iter_rows()]
    assert baris[0] == ["NIP", "Nama", "Nama pengguna", "Sandi sekali pakai"]
    per_nip = {b[0]: b for b in baris[1:]}
    assert per_nip[nip(50)][1] == "'=HYPERLINK(\"http://jahat.example\";\"Klik\")"
    assert per_nip[nip(51)][1:3] == ["'+62 Budi", "'-budi"]
    assert per_nip[nip(52)][1] == "'@Ani"
    assert per_nip[nip(53)][1] == "-"  # a lone dash is harmless and stays as it is
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # The sheet holds exactly the passwords shown on the page, and they are the real ones.
    assert sorted((b[0], b[3]) for b in baris[1:]) == sorted((s[0], s[3]) for s in sandi)
    with app.app_context():
        for _, _, username, polos in sandi:
            akun = db.session.scalar(select(Akun).where(Akun.username == username))
            assert check_password_hash(akun.sandi_hash, polos)
    assert [a for a, _ in audit(app)][-1] == "unduh_sandi_awal"


def test_unduh_sandi_awal_menetralkan_isian_buatan(operator, dunia):
    isian = json.dumps([["=1+1", "+SUM(A1)", "-x", "@y"], ["\t=2", "ok", "-", "=3"]])
    r = operator.post("/impor/sandi-awal.xlsx", {"isian": isian})
    baris = [[c.value for c in row]
             for row in load_workbook(io.BytesIO(r.data))["Sandi awal"].iter_rows(min_row=2)]
    assert baris == [["'=1+1", "'+SUM(A1)", "'-x", "'@y"], ["'\t=2", "ok", "-", "'=3"]]
    assert operator.post("/impor/sandi-awal.xlsx", {"isian": "bukan json"}).status_code == 400


# ------------------------------------------------------------------ access


def test_guru_tidak_boleh_mengimpor(klien, dunia):
    klien.masuk(dunia.guru.username)
    assert klien.get("/impor").status_code == 403
    assert klien.get("/impor/templat.xlsx").status_code == 403
    r = klien.post("/impor", {"berkas": (io.BytesIO(berkas_baik()), "roster.xlsx")},
                   content_type="multipart/form-data")
    assert r.status_code == 403
    assert "Akses ditolak" in r.text
    assert klien.post("/impor/sandi-awal.xlsx", {"isian": "[]"}).status_code == 403


def test_operator_dinas_lain_tidak_melihat_impor_ini(app, operator, dunia, buat_klien):
    impor_id, _ = pratinjau(operator, berkas_baik())
    lain = buat_klien()
    lain.masuk(dunia.operator_lain.username)
    sebelum = potret(app)
    assert lain.get(f"/impor/{impor_id}").status_code == 404
    assert lain.post(f"/impor/{impor_id}/terapkan").status_code == 404
    assert lain.post(f"/impor/{impor_id}/batal").status_code == 404
    assert "roster.xlsx" not in lain.get("/impor").text  # not in the other Dinas' history
    assert potret(app) == sebelum
    with app.app_context():
        assert db.session.get(ImporBerkas, impor_id).status == "pratinjau"


def test_tanpa_masuk_diarahkan_ke_halaman_masuk(klien, dunia):
    for url in ("/impor", "/impor/templat.xlsx", "/impor/1"):
        r = klien.get(url)
        assert r.status_code == 302
        assert r.headers["Location"].startswith("/masuk")


# ------------------------------------------------------------------ flask impor-roster


def jalankan(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["impor-roster", *map(str, args)])


def test_cli_berkas_bergalat_mencetak_galat_dan_tidak_menulis(app, dunia, tmp_path):
    daftar = pegawai_baik()
    daftar[2]["nip"] = daftar[2]["nip"][:-1]
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(xlsx(sekolah_baik(), daftar))
    sebelum = potret(app)
    hasil = jalankan(app, berkas, "--dinas", dunia.dinas.id, "--terapkan",
                     "--sandi-ke", tmp_path / "sandi.xlsx")
    assert hasil.exit_code != 0
    assert "Pegawai baris 4 [nip]: NIP harus 18 digit; yang diisi 17 digit." in hasil.output
    assert "1 kesalahan; tidak ada data yang diubah." in hasil.output
    assert potret(app) == sebelum
    assert not (tmp_path / "sandi.xlsx").exists()


def test_cli_tanpa_terapkan_hanya_memeriksa(app, dunia, tmp_path):
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(berkas_baik())
    sebelum = potret(app)
    hasil = jalankan(app, berkas, "--dinas", dunia.dinas.id)
    assert hasil.exit_code == 0, hasil.output
    assert "Sekolah: 2 baru, 0 diubah, 0 tetap" in hasil.output
    assert "Pegawai: 4 baru, 0 diubah, 0 tetap; akun baru: 4" in hasil.output
    assert "Jalankan lagi dengan --terapkan untuk menyimpan." in hasil.output
    assert potret(app) == sebelum


def test_cli_meminta_dinas_bila_lebih_dari_satu(app, dunia, tmp_path):
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(berkas_baik())
    hasil = jalankan(app, berkas, "--terapkan")
    assert hasil.exit_code != 0
    assert "Sebutkan --dinas ID" in hasil.output


def test_cli_terapkan_menulis_dan_membuat_berkas_sandi_rahasia(app, dunia, tmp_path):
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(berkas_baik())
    sandi_ke = tmp_path / "sandi-awal.xlsx"
    sebelum = jumlah(app)
    hasil = jalankan(app, berkas, "--dinas", dunia.dinas.id, "--terapkan",
                     "--sandi-ke", sandi_ke)
    assert hasil.exit_code == 0, hasil.output
    assert "Tersimpan." in hasil.output
    assert f"4 sandi sekali pakai ditulis ke {sandi_ke}" in hasil.output
    sesudah = jumlah(app)
    assert (sesudah["sekolah"] - sebelum["sekolah"], sesudah["pegawai"] - sebelum["pegawai"],
            sesudah["akun"] - sebelum["akun"]) == (2, 4, 4)

    assert stat.S_IMODE(sandi_ke.stat().st_mode) == 0o600
    baris = [[c.value for c in row]
             for row in load_workbook(sandi_ke)["Sandi awal"].iter_rows()]
    assert baris[0] == ["NIP", "Nama", "Nama pengguna", "Sandi sekali pakai"]
    assert sorted(b[0] for b in baris[1:]) == sorted([KS, GURU, PLT, PPPK])
    isi_db = seluruh_db(app)
    with app.app_context():
        for _, _, username, polos in baris[1:]:
            akun = db.session.scalar(select(Akun).where(Akun.username == username))
            assert akun.harus_ganti_sandi
            assert check_password_hash(akun.sandi_hash, polos)
            assert polos not in isi_db
            assert polos not in hasil.output

    # Running it again changes nothing and creates no password file.
    lagi_ke = tmp_path / "lagi.xlsx"
    potret_sebelum = potret(app)
    lagi = jalankan(app, berkas, "--dinas", dunia.dinas.id, "--terapkan", "--sandi-ke", lagi_ke)
    assert lagi.exit_code == 0, lagi.output
    assert "Pegawai: 0 baru, 0 diubah, 4 tetap; akun baru: 0" in lagi.output
    assert potret(app) == potret_sebelum
    assert not lagi_ke.exists()


def test_kepala_baru_tanpa_tmt_mulai_hari_ini_saat_mengganti(app, operator, dunia):
    baru = pegawai(nip(31), "Drs. Yusuf Hakim", dunia.sekolah.npsn,
                   jabatan="Guru Ahli Madya", golongan="IV/a", peran="Kepala Sekolah")
    impor_id, _ = pratinjau(operator, xlsx(None, [baru]))
    simpan(operator, impor_id)
    with app.app_context():
        t = db.session.scalar(select(Penugasan).join(Pegawai).where(Pegawai.nip == nip(31)))
        # Never two principals at once in the history.
        assert t.mulai == hari_ini()


def test_operator_tidak_bisa_mencabut_perannya_sendiri(app, operator, dunia):
    diri = pegawai(dunia.operator.nip, "Operator Satu", None, jabatan="Pelaksana", peran="",
                   tanggal_lahir=None)
    diri["npsn"] = ""
    _, halaman = pratinjau(operator, xlsx(None, [diri]))
    assert any("mencabut peran Operator Dinas Anda sendiri" in g[3] for g in galat_di(halaman))
    diri["peran"] = "Operator Dinas"
    _, halaman = pratinjau(operator, xlsx(None, [diri]))
    assert ringkasan_di(halaman)["Kesalahan"] == "0"


def test_cli_berkas_sandi_yang_sudah_ada_menjadi_rahasia(app, dunia, tmp_path):
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(berkas_baik())
    sandi_ke = tmp_path / "sandi.xlsx"
    sandi_ke.write_bytes(b"lama")
    sandi_ke.chmod(0o644)
    hasil = jalankan(app, berkas, "--dinas", dunia.dinas.id, "--terapkan",
                     "--sandi-ke", sandi_ke)
    assert hasil.exit_code == 0, hasil.output
    assert stat.S_IMODE(sandi_ke.stat().st_mode) == 0o600


# ------------------------------------------------------------------ one-time passwords again


def masuk_dengan(buat_klien, username, sandi):
    k = buat_klien()
    k.get("/masuk")
    return k.post("/masuk", {"identitas": username, "sandi": sandi}).status_code


def sandi_ulang(k, impor_id):
    return k.post(f"/impor/{impor_id}/sandi-ulang")


def test_sandi_yang_hilang_dibuat_ulang_oleh_operator_yang_menyimpan(app, operator, dunia,
                                                                      buat_klien):
    """The confirm's answer never arrived: the Operator who confirmed it makes new one-time
    passwords for the accounts of this import that never signed in, once, with an audit."""
    impor_id, _ = pratinjau(operator, berkas_baik())
    hilang = sandi_di(simpan(operator, impor_id).text)  # the page that never arrived
    assert len(hilang) == 4
    # One teacher got hers another way (read out on the phone) and has signed in already.
    _, _, sudah, sandi_sudah = next(x for x in hilang if x[0] == GURU)
    assert masuk_dengan(buat_klien, sudah, sandi_sudah) == 303

    halaman = operator.get(f"/impor/{impor_id}").text
    assert "Buat ulang kata sandi sekali pakai" in halaman and "(3 akun)" in halaman
    sebelum = potret(app)
    r = sandi_ulang(operator, impor_id)
    assert r.status_code == 200
    baru = sandi_di(r.text)
    assert sorted(x[0] for x in baru) == sorted([KS, PLT, PPPK])
    assert "Sandi sekali pakai baru (3 akun)" in html.unescape(r.text)
    assert "sudah masuk; sandinya tetap" in r.text and sudah in r.text
    # Only the three password hashes changed; nothing else in the roster.
    sesudah = potret(app)
    assert {k: v for k, v in sesudah.items() if k != "akun"} == \
        {k: v for k, v in sebelum.items() if k != "akun"}
    isi_db = seluruh_db(app)
    for nip_, _, username, polos in baru:
        assert polos not in isi_db
        lama = next(x[3] for x in hilang if x[0] == nip_)
        assert masuk_dengan(buat_klien, username, lama) == 422  # the lost one is void
        assert masuk_dengan(buat_klien, username, polos) == 303  # the new one works
    assert masuk_dengan(buat_klien, sudah, sandi_sudah) == 303  # hers is untouched
    assert [d for a, d in audit(app) if a == "impor_sandi_dibuat_ulang"] == [
        {"jumlah": 3, "sudah_masuk": 1}]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Audit).where(
            Audit.aksi == "impor_sandi_dibuat_ulang", Audit.objek_id == impor_id)) == 1

    # The sheet downloads like the first time.
    isian = nilai(r, "isian")
    assert isian is not None
    unduh = operator.post("/impor/sandi-awal.xlsx", {"isian": isian})
    assert unduh.status_code == 200
    baris = [[c.value for c in row] for row in load_workbook(io.BytesIO(unduh.data))
             ["Sandi awal"].iter_rows()]
    assert sorted(tuple(b) for b in baris[1:]) == sorted(baru)

    # Everyone has signed in now: nothing more to regenerate, nothing changes.
    setelah = potret(app)
    r = sandi_ulang(operator, impor_id)
    assert r.status_code == 200 and sandi_di(r.text) == []
    assert "Tidak ada akun dari impor ini yang belum pernah masuk" in r.text
    assert potret(app) == setelah


def test_sandi_ulang_hanya_untuk_operator_yang_menyimpan(app, operator, dunia, buat_klien,
                                                       make_pegawai, tugaskan):
    impor_id, _ = pratinjau(operator, berkas_baik())
    hilang = sandi_di(simpan(operator, impor_id).text)
    lain = make_pegawai(dinas=dunia.dinas, username="operator_kedua", jabatan="Pelaksana")
    tugaskan(lain, "operator_dinas")
    db.session.commit()
    kedua = buat_klien()
    kedua.masuk("operator_kedua")
    sebelum, n_audit = potret(app), len(audit(app))
    assert "Buat ulang kata sandi sekali pakai" not in kedua.get(f"/impor/{impor_id}").text
    assert sandi_ulang(kedua, impor_id).status_code == 403
    assert operator.post(f"/impor/{impor_id}/sandi-ulang", csrf=False).status_code in (400, 422)
    assert potret(app) == sebelum and len(audit(app)) == n_audit
    for _, _, username, polos in hilang:  # nothing was replaced
        assert masuk_dengan(buat_klien, username, polos) == 303
    # An import that was never saved has no passwords to make again.
    batal_id, _ = pratinjau(operator, xlsx(None, [pegawai(nip(40), "Budi", NPSN_1)]))
    r = sandi_ulang(operator, batal_id)
    assert r.status_code == 303
    assert "belum disimpan" in pesan_flash(operator, r.headers["Location"])
    with app.app_context():  # exactly the accounts this import created are recorded
        assert db.session.scalar(select(func.count()).select_from(ImporAkun).where(
            ImporAkun.impor_id == impor_id)) == 4


def test_cli_sandi_ulang_setelah_berkas_sandi_hilang(app, dunia, tmp_path, buat_klien):
    berkas = tmp_path / "roster.xlsx"
    berkas.write_bytes(berkas_baik())
    hasil = jalankan(app, berkas, "--dinas", dunia.dinas.id, "--terapkan",
                     "--sandi-ke", tmp_path / "hilang.xlsx")
    assert hasil.exit_code == 0, hasil.output
    impor_id = int(re.search(r"Impor #(\d+)\.", hasil.output).group(1))
    assert f"flask impor-sandi-ulang {impor_id}" in hasil.output
    (tmp_path / "hilang.xlsx").unlink()  # the sheet is lost
    ke = tmp_path / "baru.xlsx"
    with app.app_context():
        ulang = app.test_cli_runner().invoke(
            args=["impor-sandi-ulang", str(impor_id), "--sandi-ke", str(ke)])
    assert ulang.exit_code == 0, ulang.output
    assert f"4 sandi sekali pakai dibuat ulang dan ditulis ke {ke}" in ulang.output
    assert stat.S_IMODE(ke.stat().st_mode) == 0o600
    baris = [[c.value for c in row] for row in load_workbook(ke)["Sandi awal"].iter_rows()]
    assert sorted(b[0] for b in baris[1:]) == sorted([KS, GURU, PLT, PPPK])
    for _, _, username, polos in baris[1:]:
        assert masuk_dengan(buat_klien, username, polos) == 303
    assert ("impor_sandi_dibuat_ulang", {"jumlah": 4, "sudah_masuk": 0}) in audit(app)
    with app.app_context():
        salah = app.test_cli_runner().invoke(args=["impor-sandi-ulang", "999999"])
    assert salah.exit_code != 0 and "tidak ada" in salah.output
