"""Pelaksanaan Kinerja (issue 4): the five-step praktik-kinerja cycle per role, fokus
perilaku, and the competency reflection's 3/1/250 limits.

Tugas pokok and documents, the atasan's list, access across schools, typing on a bad
connection, htmx both ways and the budgets are in test_pelaksanaan_daftar.py; the helpers
and fixtures both use are in bantu_pelaksanaan.py.
"""

import re
from datetime import date, datetime

import bantu_pelaksanaan
import pytest
from bantu import (
    ada,
    atribut,
    atribut_semua,
    dom,
    galat,
    isi_textarea,
    masuk,
    nilai,
    nilai_semua,
    teks,
    teks_css,
    teks_semua,
    versi_di,
)
from bantu_pelaksanaan import (
    D1_1,
    HX,
    PERSIAPAN,
    REFLEKSI,
    TINDAK_LANJUT,
    aksi_audit_sejak,
    isian_k,
    jumlah_audit,
    kirim,
    kirim_k,
    praktik,
    refleksi,
    url,
    url_k,
)
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Skp
from kinerja_web.models.pelaksanaan import Praktik

# Fixtures shared with the other Pelaksanaan test modules.
majukan = bantu_pelaksanaan.majukan
rencana = bantu_pelaksanaan.rencana



# ------------------------------------------------------------------ fixtures


@pytest.fixture
def tetapkan(dunia):
    """Set and send an SKP's predikat in the database, as the principal's penetapan does
    (with `dibuka`: reopened by the Dinas afterwards)."""
    from kinerja_web.models.penilaian import Penetapan, Penilaian

    def buat(skp_id, dibuka=False):
        skp = db.session.get(Skp, skp_id)
        pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp_id)) or \
            Penilaian(skp_id=skp_id, versi=1, perilaku={}, umpan_balik_perilaku={})
        pen.rating_hasil = pen.rating_perilaku = "sesuai"
        pen.predikat = "baik"
        penetapan = Penetapan(tahun_id=skp.tahun_id, dinas_id=skp.pegawai.dinas_id,
                              sekolah_id=skp.sekolah_id, pko="baik", jumlah={"baik": 1},
                              pelanggaran=[], oleh=dunia.kepsek.id,
                              dibuka=datetime(2025, 12, 20, 9, 0) if dibuka else None)
        db.session.add_all([pen, penetapan])
        db.session.flush()
        pen.penetapan_id = penetapan.id
        db.session.commit()
        db.session.rollback()
    return buat


# ------------------------------------------------------------------ 1. step order, send-back


@pytest.mark.parametrize("sampai", ["draf", "diajukan", "disetujui"])
def test_belum_disepakati_tidak_ada_pelaksanaan(buat_klien, rencana, sampai):
    skp_id = rencana("guru", sampai=sampai)
    for username in ("guru", "kepsek"):
        k = masuk(buat_klien, username)
        for u in [url(skp_id, n) for n in range(1, 6)] + [
                f"/pelaksanaan/{skp_id}/kompetensi", f"/pelaksanaan/{skp_id}/tugas"]:
            assert k.get(u).status_code == 404, (username, u)
            assert k.post(u, {"aksi": "simpan", "versi": "1"}).status_code == 404, (username, u)
    assert praktik(skp_id) is None and refleksi(skp_id) is None
    r = masuk(buat_klien, "guru").get("/pelaksanaan")
    assert "Pelaksanaan Kinerja dimulai setelah Perencanaan Kinerja disepakati" in teks(r)
    assert url(skp_id, 1) not in r.text


def test_siklus_lengkap_lewat_layar_satu_baris_audit_per_transisi(buat_klien, rencana):
    skp_id = rencana("guru")
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    langkah = [
        (g, 1, PERSIAPAN, "simpan", "praktik_1_draf"),
        (g, 1, PERSIAPAN, "kirim", "praktik_1_diajukan"),
        (ks, 1, {"catatan": "Pilih tanggal lain."}, "kembalikan", "praktik_1_dikembalikan"),
        (g, 1, {**PERSIAPAN, "jadwal_usulan": "2025-02-11"}, "kirim", "praktik_1_diajukan"),
        (ks, 1, {"jadwal_observasi": "2025-02-14"}, "sepakati", "praktik_1_disepakati"),
        (ks, 2, {"hasil_0": "efektif", "rekomendasi": "Lanjutkan."}, "simpan",
         "praktik_2_draf"),
        (ks, 2, {"hasil_0": "efektif", "hasil_1": "belum_efektif", "catatan_1": "Kurang.",
                 "rekomendasi": "Lanjutkan."}, "selesai", "praktik_2_selesai"),
        (g, 3, TINDAK_LANJUT, "kirim", "praktik_3_diajukan"),
        (ks, 3, {"nilai": "2"}, "terima", "praktik_3_diterima"),
        (g, 4, {"tanggal": "2025-03-17", "isi": "Kesepakatan kelas ditempel."}, "tambah",
         "praktik_4_upaya"),
        (g, 5, REFLEKSI, "kirim", "praktik_5_diajukan"),
        (ks, 5, {"catatan": "Tambahkan contoh murid."}, "kembalikan",
         "praktik_5_dikembalikan"),
        (g, 5, {**REFLEKSI, "refleksi_dampak": "Contoh: Ani mulai bertanya."}, "kirim",
         "praktik_5_diajukan"),
        (ks, 5, {"nilai": "2"}, "terima", "praktik_5_diterima"),
    ]
    for k, n, data, aksi, diharapkan in langkah:
        awal = jumlah_audit()
        r = kirim(k, skp_id, n, data, aksi)
        assert r.status_code == 303, (n, aksi, r.status_code, galat(r), teks(r)[-400:])
        assert aksi_audit_sejak(awal) == [diharapkan], (n, aksi)
    p = praktik(skp_id)
    assert (p.status_persiapan, p.status_observasi, p.status_tindak_lanjut,
            p.status_refleksi) == ("disepakati", "selesai", "diterima", "diterima")
    assert p.jadwal_usulan == date(2025, 2, 11) and p.jadwal_observasi == date(2025, 2, 14)
    assert p.refleksi_dampak == "Contoh: Ani mulai bertanya." and p.catatan_refleksi is None
    assert [u.isi for u in p.upaya] == ["Kesepakatan kelas ditempel."]
    assert p.rubrik == [
        {"fokus": D1_1[0], "hasil": "efektif", "catatan": None},
        {"fokus": D1_1[2], "hasil": "belum_efektif", "catatan": "Kurang."}]


def test_simpan_tanpa_perubahan_tidak_menulis_audit(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    assert kirim(g, skp_id, 1, PERSIAPAN).status_code == 303
    awal = jumlah_audit()
    assert kirim(g, skp_id, 1, PERSIAPAN).status_code == 303
    assert jumlah_audit() == awal


def test_observasi_ditolak_sebelum_persiapan_disepakati(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 2))
    pesan = "Observasi dilakukan setelah jadwal pada Diskusi persiapan disepakati atasan."
    assert r.status_code == 200 and pesan in teks(r)
    assert 'name="hasil_0"' not in r.text
    awal = jumlah_audit()
    r = kirim(ks, skp_id, 2, {"hasil_0": "efektif", "hasil_1": "efektif",
                              "rekomendasi": "x"}, "selesai")
    assert r.status_code == 422 and pesan in galat(r)
    assert praktik(skp_id).status_observasi == "belum" and jumlah_audit() == awal


def test_tindak_lanjut_ditolak_sebelum_observasi_selesai(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 2)
    g = masuk(buat_klien, "guru")
    pesan = "Diskusi tindak lanjut dimulai setelah atasan menyelesaikan observasi."
    r = g.get(url(skp_id, 3))
    assert pesan in teks(r) and 'name="tl_tujuan"' not in r.text
    # The atasan's draft rubric is not shown to the pegawai before it is finished.
    ks = masuk(buat_klien, "kepsek")
    assert kirim(ks, skp_id, 2, {"hasil_0": "belum", "rekomendasi": "Rahasia draf."}
                 ).status_code == 303
    r = g.get(url(skp_id, 2))
    assert "Rahasia draf" not in r.text and "Belum dilakukan" not in r.text
    assert "Hasilnya tampil di sini setelah atasan menyelesaikan observasi" in teks(r)
    awal = jumlah_audit()
    r = kirim(g, skp_id, 3, TINDAK_LANJUT, "kirim")
    assert r.status_code == 422 and pesan in galat(r)
    assert praktik(skp_id).tl_tujuan is None and jumlah_audit() == awal


@pytest.mark.parametrize("tahap", [3, 4])
def test_upaya_dan_refleksi_ditolak_sebelum_tindak_lanjut_diterima(buat_klien, rencana,
                                                                     majukan, tahap):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    g = masuk(buat_klien, "guru")
    pesan = "Langkah ini dimulai setelah Dokumen tindak lanjut diterima atasan."
    awal = jumlah_audit()
    for n, data, aksi in ((4, {"tanggal": "2025-03-01", "isi": "Catatan."}, "tambah"),
                          (5, REFLEKSI, "kirim")):
        assert pesan in teks(g.get(url(skp_id, n)))
        r = kirim(g, skp_id, n, data, aksi)
        assert r.status_code == 422 and pesan in galat(r), n
    p = praktik(skp_id)
    assert p.upaya == [] and p.refleksi_praktik is None and jumlah_audit() == awal


def test_atasan_menyepakati_jadwal_yang_diubah(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 1))
    # The proposal is pre-filled; the atasan may change it.
    assert atribut(r, 'input[name="jadwal_observasi"]', "type") == "date"
    assert nilai(r, "jadwal_observasi") == "2025-02-10"
    r = kirim(ks, skp_id, 1, {"jadwal_observasi": "2025-02-20"}, "sepakati")
    assert r.status_code == 303 and r.headers["Location"] == url(skp_id, 2)
    p = praktik(skp_id)
    assert (p.jadwal_usulan, p.jadwal_observasi, p.status_persiapan) == (
        date(2025, 2, 10), date(2025, 2, 20), "disepakati")
    r = masuk(buat_klien, "guru").get(url(skp_id, 1))
    assert "Jadwal observasi Kamis, 20 Februari 2025" in teks(r)
    assert "Usulan jadwal Senin, 10 Februari 2025" in teks(r)


def test_sepakati_tanpa_tanggal_ditolak(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    ks = masuk(buat_klien, "kepsek")
    r = kirim(ks, skp_id, 1, {"jadwal_observasi": ""}, "sepakati")
    assert r.status_code == 422 and "Tentukan jadwal observasi." in galat(r)
    assert praktik(skp_id).status_persiapan == "diajukan"


@pytest.mark.parametrize("n,tahap", [(1, 1), (3, 4), (5, 5)])
def test_kembalikan_butuh_catatan_lalu_pegawai_memperbaiki(buat_klien, rencana, majukan,
                                                           n, tahap):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    ks, g = masuk(buat_klien, "kepsek"), masuk(buat_klien, "guru")
    kolom = {1: "status_persiapan", 3: "status_tindak_lanjut", 5: "status_refleksi"}[n]
    awal = jumlah_audit()
    r = kirim(ks, skp_id, n, {"catatan": "   "}, "kembalikan")
    assert r.status_code == 422
    assert "Tulis catatan: apa yang perlu diperbaiki pegawai." in teks(r)
    assert getattr(praktik(skp_id), kolom) == "diajukan" and jumlah_audit() == awal

    catatan = "Perjelas <b>tujuan</b>:\nsatu per baris."
    assert kirim(ks, skp_id, n, {"catatan": catatan}, "kembalikan").status_code == 303
    assert getattr(praktik(skp_id), kolom) == "dikembalikan"
    r = g.get(url(skp_id, n))
    assert "Dikembalikan atasan:" in teks(r)
    assert "Perjelas &lt;b&gt;tujuan&lt;/b&gt;:\nsatu per baris." in r.text
    assert 'id="form-praktik"' in r.text  # editable again
    data = {1: {**PERSIAPAN, "upaya_belajar": "Diperbaiki."},
            3: {**TINDAK_LANJUT, "tl_tujuan": "Diperbaiki."},
            5: {**REFLEKSI, "refleksi_dampak": "Diperbaiki."}}[n]
    r = kirim(g, skp_id, n, data, "kirim")
    assert r.status_code == 303
    p = praktik(skp_id)
    assert getattr(p, kolom) == "diajukan"
    assert "Diperbaiki." in (p.upaya_belajar, p.tl_tujuan, p.refleksi_dampak)
    assert "Dikembalikan atasan:" not in teks(g.get(url(skp_id, n)))


@pytest.mark.parametrize("n,tahap,pesan", [
    (1, 2, "Diskusi persiapan sudah disepakati atasan"),
    (3, 5, "Diskusi tindak lanjut sudah diterima atasan"),
    (5, 6, "Refleksi tindak lanjut sudah diterima atasan"),
])
def test_langkah_yang_diterima_terkunci_bagi_pegawai(buat_klien, rencana, majukan, n, tahap,
                                                     pesan):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    g = masuk(buat_klien, "guru")
    r = g.get(url(skp_id, n))
    assert 'id="form-praktik"' not in r.text and "Kirim ke atasan" not in r.text
    sebelum = praktik(skp_id)
    nilai = (sebelum.upaya_belajar, sebelum.tl_tujuan, sebelum.refleksi_dampak)
    awal = jumlah_audit()
    data = {1: {**PERSIAPAN, "upaya_belajar": "Ubah."}, 3: {**TINDAK_LANJUT, "tl_tujuan": "Ubah."},
            5: {**REFLEKSI, "refleksi_dampak": "Ubah."}}[n]
    for aksi in ("simpan", "kirim", "otomatis"):
        r = kirim(g, skp_id, n, data, aksi)
        assert r.status_code == 422 and pesan in galat(r), aksi
    p = praktik(skp_id)
    assert (p.upaya_belajar, p.tl_tujuan, p.refleksi_dampak) == nilai
    assert jumlah_audit() == awal


def test_catatan_upaya_terkunci_setelah_refleksi_diterima(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 6)
    g = masuk(buat_klien, "guru")
    assert 'name="isi"' not in g.get(url(skp_id, 4)).text
    r = kirim(g, skp_id, 4, {"tanggal": "2025-05-01", "isi": "Terlambat."}, "tambah")
    assert r.status_code == 422 and "Refleksi sudah diterima" in galat(r)
    assert praktik(skp_id).upaya == []


def test_rubrik_observasi_lengkap_untuk_selesai(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 2)
    ks, g = masuk(buat_klien, "kepsek"), masuk(buat_klien, "guru")
    r = ks.get(url(skp_id, 2))
    # One fieldset per chosen fokus, each with the three results of SPEC §2.3.
    assert teks_semua(r, "legend") == [D1_1[0], D1_1[2]]
    for label in ("Belum dilakukan", "Dilakukan tapi belum efektif", "Dilakukan dan efektif"):
        assert r.text.count(f"<span>{label}</span>") == 2
    pesan = "Isi hasil untuk setiap fokus perilaku dan rekomendasi tindak lanjut."
    for data in ({"hasil_0": "efektif", "rekomendasi": "Lanjutkan."},
                 {"hasil_0": "efektif", "hasil_1": "efektif", "rekomendasi": "  "},
                 {"hasil_1": "efektif", "rekomendasi": "Lanjutkan."}):
        r = kirim(ks, skp_id, 2, {**data, "catatan_0": "Catatan saya."}, "selesai")
        assert r.status_code == 422 and pesan in galat(r), data
        assert "Catatan saya." in r.text  # what the atasan typed stays on screen
        assert praktik(skp_id).status_observasi == "belum"
    r = kirim(ks, skp_id, 2, {"hasil_0": "tidak_ada", "hasil_1": "efektif",
                              "rekomendasi": "x"}, "selesai")
    assert r.status_code == 422 and "Pilihan hasil observasi tidak dikenal." in galat(r)
    r = kirim(ks, skp_id, 2, {"hasil_0": "belum", "hasil_1": "belum_efektif",
                              "rekomendasi": "Latih setiap pertemuan."}, "selesai")
    assert r.status_code == 303 and r.headers["Location"] == url(skp_id, 2)
    r = g.get(url(skp_id, 2))
    t = teks(r)
    assert "Rating observasi — umpan balik untuk perbaikan, bukan nilai akhir." in t
    assert f"{D1_1[0]} Belum dilakukan" in t
    assert f"{D1_1[2]} Dilakukan tapi belum efektif" in t
    assert "Latih setiap pertemuan." in t
    assert 'name="hasil_0"' not in r.text
    assert "Rekomendasi dari observasi: Latih setiap pertemuan." in teks(g.get(url(skp_id, 3)))


def test_observasi_terkunci_setelah_tindak_lanjut_dikirim(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 4)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 2))
    assert 'name="hasil_0"' not in r.text and "Dilakukan dan efektif" in r.text
    r = kirim(ks, skp_id, 2, {"hasil_0": "belum", "hasil_1": "belum", "rekomendasi": "Ubah."},
              "selesai")
    assert r.status_code == 422 and "observasi tidak dapat diubah" in galat(r)
    assert praktik(skp_id).rekomendasi == "Pertahankan."


PERAN_SALAH = [
    # (who, step, action, stage): the other side's actions
    ("guru", 1, "sepakati", 1), ("guru", 1, "kembalikan", 1), ("guru", 2, "selesai", 2),
    ("guru", 2, "simpan", 2), ("guru", 3, "terima", 4), ("guru", 3, "kembalikan", 4),
    ("guru", 5, "terima", 5),
    ("kepsek", 1, "kirim", 1), ("kepsek", 1, "simpan", 1), ("kepsek", 3, "kirim", 4),
    ("kepsek", 3, "simpan", 4), ("kepsek", 4, "tambah", 5), ("kepsek", 5, "otomatis", 5),
]


@pytest.mark.parametrize("username,n,aksi,tahap", PERAN_SALAH)
def test_tindakan_pihak_lain_ditolak_tanpa_perubahan(buat_klien, rencana, majukan, username,
                                                     n, aksi, tahap):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    k = masuk(buat_klien, username)
    sebelum = praktik(skp_id)
    kolom = [c.key for c in Praktik.__mapper__.column_attrs]
    nilai = {c: getattr(sebelum, c) for c in kolom}
    jumlah_upaya = len(sebelum.upaya)
    awal = jumlah_audit()
    data = {"jadwal_observasi": "2025-03-01", "catatan": "Tolak.", "hasil_0": "belum",
            "hasil_1": "belum", "rekomendasi": "x", "tanggal": "2025-03-01", "isi": "Isi.",
            **{k_: "Diubah." for k_ in ("upaya_belajar", *TINDAK_LANJUT, *REFLEKSI)}}
    r = kirim(k, skp_id, n, data, aksi)
    assert r.status_code == 422, (r.status_code, teks(r)[-300:])
    assert galat(r)
    sesudah = praktik(skp_id)
    assert {c: getattr(sesudah, c) for c in kolom} == nilai
    assert len(sesudah.upaya) == jumlah_upaya and jumlah_audit() == awal


# ------------------------------------------------------------------ 2. fokus perilaku


def test_fokus_dari_katalog_d1_1(buat_klien, rencana):
    skp_id = rencana("guru", praktik_kode="D1-1")
    g = masuk(buat_klien, "guru")
    r = g.get(url(skp_id, 1))
    assert nilai_semua(r, "fokus") == list(D1_1)
    assert 'name="fokus_lain"' not in r.text  # the catalogue is complete for D1-1
    r = kirim(g, skp_id, 1, {**PERSIAPAN, "fokus": [D1_1[1]]}, "kirim")
    assert r.status_code == 303
    assert praktik(skp_id).fokus_perilaku == [D1_1[1]]
    r = masuk(buat_klien, "kepsek").get(url(skp_id, 1))
    assert f"<li>{D1_1[1]}</li>" in r.text


@pytest.mark.parametrize("data", [
    {"fokus": ["Guru menyanyi di kelas"]},
    {"fokus": [D1_1[0]], "fokus_lain": "Fokus ketikan sendiri"},
    {"fokus": [D1_1[0] + " "]},
])
def test_fokus_di_luar_katalog_ditolak(buat_klien, rencana, data):
    skp_id = rencana("guru", praktik_kode="D1-1")
    g = masuk(buat_klien, "guru")
    assert kirim(g, skp_id, 1, {**PERSIAPAN, "fokus": [D1_1[2]]}).status_code == 303
    r = kirim(g, skp_id, 1, {**PERSIAPAN, **data})
    if data["fokus"] == [D1_1[0] + " "]:
        # Surrounding spaces are trimmed: this is the catalogue text.
        assert r.status_code == 303 and praktik(skp_id).fokus_perilaku == [D1_1[0]]
        return
    assert r.status_code == 422
    assert "Fokus perilaku harus dipilih dari daftar indikator Anda." in galat(r)
    assert praktik(skp_id).fokus_perilaku == [D1_1[2]]


def test_fokus_diketik_untuk_indikator_tanpa_katalog_d1_3(buat_klien, rencana):
    skp_id = rencana("guru", praktik_kode="D1-3")
    g = masuk(buat_klien, "guru")
    r = g.get(url(skp_id, 1))
    assert 'name="fokus"' not in r.text and 'name="fokus_lain"' in r.text
    assert "Katalog belum memuat fokus perilaku untuk indikator ini; tulis sendiri." in teks(r)
    fokus = ["Guru memberi pertanyaan pemantik — “mengapa?” é ā 🙂 ꦲ",
             "Guru & murid <menyusun> tujuan bersama"]
    r = kirim(g, skp_id, 1, {"fokus_lain": "\r\n".join(fokus) + "\r\n\r\n",
                             "upaya_belajar": "Belajar.", "jadwal_usulan": "2025-02-10"},
              "kirim")
    assert r.status_code == 303, galat(r)
    assert praktik(skp_id).fokus_perilaku == fokus
    # Shown back exactly: the pegawai's own field, the atasan's summary and rubric.
    r = g.get(url(skp_id, 1))
    assert isi_textarea(r, "fokus_lain") == "\n".join(fokus)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 1))
    assert "<li>Guru &amp; murid &lt;menyusun&gt; tujuan bersama</li>" in r.text
    assert f"<li>{fokus[0]}</li>" in r.text
    assert kirim(ks, skp_id, 1, {"jadwal_observasi": "2025-02-10"}, "sepakati"
                 ).status_code == 303
    r = ks.get(url(skp_id, 2))
    # Shown as typed (escaped in the page, read back by the parser).
    assert teks_semua(r, "legend") == [fokus[0], "Guru & murid <menyusun> tujuan bersama"]


def test_fokus_wajib_sebelum_dikirim(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = kirim(g, skp_id, 1, {**PERSIAPAN, "fokus": []}, "kirim")
    assert r.status_code == 422
    assert "Lengkapi dulu semua isian sebelum mengirim ke atasan." in galat(r)
    assert "Membaca modul disiplin positif." in r.text
    assert praktik(skp_id) is None or praktik(skp_id).status_persiapan == "belum"


# ------------------------------------------------------------------ 3. competency reflection


def penghitung(r):
    """{field: "n/250"} of the server-rendered counters."""
    return {el.attributes["id"].removeprefix("hitung-"): el.text()
            for el in dom(r).css('small[id^="hitung-"]')
            if (el.attributes.get("class") or "").startswith("penghitung")}


@pytest.mark.parametrize("huruf", ["a", "é", "ā", "🙂", "ꦲ"])
def test_250_karakter_diterima_251_ditolak(buat_klien, rencana, huruf):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    pas, lebih = huruf * 250, huruf * 251
    r = kirim_k(g, skp_id, isian_k([pas], [lebih]))
    assert r.status_code == 422
    assert "Maksimal 250 karakter; saat ini 251." in teks(r)
    assert "Periksa isian yang ditandai." in galat(r)
    assert isi_textarea(r, "inspirasi_0") == pas and isi_textarea(r, "penerapan_0") == lebih
    assert penghitung(r)["inspirasi_0"] == "250/250"
    assert penghitung(r)["penerapan_0"] == "251/250"
    assert 'class="penghitung lebih"' in r.text
    assert refleksi(skp_id) is None

    r = kirim_k(g, skp_id, isian_k([pas], [pas]))
    assert r.status_code == 303 and r.headers["Location"] == url_k(skp_id)
    ref = refleksi(skp_id)
    assert ref.inspirasi == [pas] and ref.penerapan == [pas]
    r = g.get(url_k(skp_id))
    assert isi_textarea(r, "penerapan_0") == pas and penghitung(r)["penerapan_0"] == "250/250"


def test_baris_baru_dihitung_satu_karakter(buat_klien, rencana):
    # Browsers send a textarea's line breaks as CRLF; the counter and the limit count one.
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    dikirim = "a" * 124 + "\r\n" + "b" * 125
    r = kirim_k(g, skp_id, isian_k([dikirim], [dikirim]), "otomatis", headers=HX)
    assert teks_css(r, "#hitung-inspirasi_0") == "250/250"
    r = kirim_k(g, skp_id, isian_k([dikirim], [dikirim]))
    assert r.status_code == 303, teks(r)
    assert refleksi(skp_id).inspirasi == ["a" * 124 + "\n" + "b" * 125]


def test_empat_inspirasi_tidak_mungkin(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = g.get(url_k(skp_id))
    assert [n for n in atribut_semua(r, "[name]", "name") if re.fullmatch(r"inspirasi_\d", n)
            ] == ["inspirasi_0", "inspirasi_1", "inspirasi_2"]
    assert "Ketik maksimal 3 inspirasi:" in teks(r)
    data = {**isian_k(["Satu", "Dua", "Tiga"], ["Terap"]), "inspirasi_3": "Empat"}
    r = kirim_k(g, skp_id, data)
    assert r.status_code == 303
    assert refleksi(skp_id).inspirasi == ["Satu", "Dua", "Tiga"]
    assert "Empat" not in g.get(url_k(skp_id)).text


def test_tanpa_penerapan_ditolak_saat_disimpan(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = kirim_k(g, skp_id, isian_k(["Inspirasi saya."], ["   "]))
    assert r.status_code == 422 and "Ketik minimal 1 penerapan." in teks(r)
    assert isi_textarea(r, "inspirasi_0") == "Inspirasi saya."
    assert refleksi(skp_id) is None
    assert "Ketik minimal 1 penerapan untuk kemajuan penguasaan kompetensi Anda:" in teks(r)
    # A draft saved while typing may still lack the penerapan.
    r = kirim_k(g, skp_id, isian_k(["Inspirasi saya."]), "otomatis", headers=HX)
    assert r.status_code == 200 and "Draf tersimpan otomatis" in r.text
    assert refleksi(skp_id).inspirasi == ["Inspirasi saya."]


def test_penghitung_tanpa_javascript_dan_dari_simpan_otomatis(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = g.get(url_k(skp_id))
    assert penghitung(r) == {f"{n}_{i}": "0/250" for n in ("inspirasi", "penerapan")
                             for i in range(3)}
    assert "<script" not in r.text.split("</head>")[1]  # the counter is plain HTML
    data = isian_k(["é" * 92, "🙂" * 3], ["x" * 251])
    r = kirim_k(g, skp_id, data, "otomatis", headers=HX)
    assert r.status_code == 422  # 251 is refused while typing too, but counted
    assert "<html" not in r.text and len(r.data) < 2000
    oob = {el.attributes["id"].removeprefix("hitung-"): el.text()
           for el in dom(r).css('small[id^="hitung-"][hx-swap-oob="true"]')}
    assert oob == {"inspirasi_0": "92/250", "inspirasi_1": "3/250", "inspirasi_2": "0/250",
                   "penerapan_0": "251/250", "penerapan_1": "0/250", "penerapan_2": "0/250"}
    assert refleksi(skp_id) is None
    data["penerapan_0"] = "x" * 250
    r = kirim_k(g, skp_id, data, "otomatis", headers=HX)
    assert r.status_code == 200
    assert teks_css(r, '#hitung-penerapan_0[hx-swap-oob="true"]') == "250/250"
    assert ada(r, 'input#versi[name="versi"][type="hidden"][value="2"][hx-swap-oob="true"]')
    assert refleksi(skp_id).penerapan == ["x" * 250]


def test_per_isian_tanggal_setelah_disimpan(buat_klien, rencana):
    from kinerja_web.waktu import format_tanggal, sekarang

    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    assert "Per isian tanggal" not in teks(g.get(url_k(skp_id)))
    assert kirim_k(g, skp_id, isian_k(["Insp."], ["Terap."])).status_code == 303
    r = g.get(url_k(skp_id))
    assert f"Per isian tanggal {format_tanggal(sekarang())}." in teks(r)
    assert "Refleksi tersimpan." in teks(r)
    r = masuk(buat_klien, "kepsek").get(url_k(skp_id))
    assert f"Per isian tanggal {format_tanggal(sekarang())}" in teks(r)
    assert "Insp." in teks(r) and "Terap." in teks(r)


def test_validasi_atasan(buat_klien, rencana):
    skp_id = rencana("guru")
    ks, g = masuk(buat_klien, "kepsek"), masuk(buat_klien, "guru")
    pernyataan = "Saya sudah pastikan bahwa pelaksanaan Pegawai selesai"
    r = ks.get(url_k(skp_id))
    assert "Pegawai belum mengisi refleksi." in teks(r)
    assert teks_css(r, 'button[name="aksi"][value="validasi"][disabled]') == pernyataan
    awal = jumlah_audit()
    r = kirim_k(ks, skp_id, {}, "validasi")
    assert r.status_code == 422
    assert "Pegawai belum mengisi refleksi pengembangan kompetensi." in galat(r)
    assert (refleksi(skp_id) is None or refleksi(skp_id).divalidasi is None)
    assert jumlah_audit() == awal

    assert kirim_k(g, skp_id, isian_k(["Insp."], ["Terap."])).status_code == 303
    awal = jumlah_audit()
    r = kirim_k(ks, skp_id, {}, "validasi")
    assert r.status_code == 303
    ref = refleksi(skp_id)
    assert ref.divalidasi is not None and ref.divalidasi_oleh is not None
    assert aksi_audit_sejak(awal) == ["kompetensi_divalidasi"]
    for k in (ks, g):
        assert f"{pernyataan} —" in teks(k.get(url_k(skp_id)))
    # The pegawai cannot validate; the atasan cannot write the reflection.
    awal = jumlah_audit()
    for k, aksi in ((g, "batal"), (g, "validasi"), (ks, "simpan"), (ks, "otomatis")):
        r = kirim_k(k, skp_id, isian_k(["Diubah"], ["Diubah"]), aksi)
        assert r.status_code == 422, aksi
        assert "Tindakan ini tidak tersedia di halaman ini." in r.text
    ref = refleksi(skp_id)
    assert ref.divalidasi is not None and ref.inspirasi == ["Insp."]
    assert jumlah_audit() == awal
    r = kirim_k(ks, skp_id, isian_k(["Diubah atasan"], ["Diubah atasan"]), "batal")
    assert r.status_code == 303
    ref = refleksi(skp_id)
    assert ref.divalidasi is None and ref.inspirasi == ["Insp."]
    assert aksi_audit_sejak(awal) == ["kompetensi_validasi_dibatalkan"]


def test_dapat_diubah_sampai_predikat_ditetapkan(buat_klien, rencana, majukan, monkeypatch):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    assert kirim_k(g, skp_id, isian_k(["Awal."], ["Awal."])).status_code == 303
    assert kirim_k(g, skp_id, isian_k(["Kedua."], ["Kedua."])).status_code == 303
    monkeypatch.setattr("kinerja_web.alur.pelaksanaan.predikat_ditetapkan", lambda skp: True)
    pesan = "Predikat kinerja sudah ditetapkan; isian tidak dapat diubah lagi."
    r = g.get(url_k(skp_id))
    assert 'name="inspirasi_0"' not in r.text and "Kedua." in teks(r)
    awal = jumlah_audit()
    for aksi in ("simpan", "otomatis"):
        r = kirim_k(g, skp_id, isian_k(["Ketiga."], ["Ketiga."]), aksi)
        assert r.status_code == 422 and pesan in r.text, aksi
    assert refleksi(skp_id).inspirasi == ["Kedua."]
    r = kirim_k(ks, skp_id, {}, "validasi")
    assert r.status_code == 422 and pesan in galat(r)
    assert 'value="validasi"' not in ks.get(url_k(skp_id)).text
    # The praktik cycle is final too.
    r = kirim(ks, skp_id, 1, {"jadwal_observasi": "2025-02-10"}, "sepakati")
    assert r.status_code == 422 and pesan in galat(r)
    assert jumlah_audit() == awal and refleksi(skp_id).divalidasi is None


# ------------------------------------------------------------------ 4. behaviour at the edges

FINAL = "Predikat kinerja sudah ditetapkan; isian tidak dapat diubah lagi."


def ada_tindakan(r):
    """The step (or page) offers something to do: a button that posts an action."""
    return 'name="aksi"' in r.text or "<button>Simpan</button>" in r.text


@pytest.mark.parametrize("tahap", [1, 3, 5])
def test_setelah_predikat_ditetapkan_semua_halaman_hanya_baca(buat_klien, rencana, majukan,
                                                             tetapkan, tahap):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    halaman = [url(skp_id, n) for n in range(1, 6)] + [f"/pelaksanaan/{skp_id}/tugas",
                                                        url_k(skp_id)]
    sebelum = {(nama, u) for nama, k in (("guru", g), ("kepsek", ks)) for u in halaman
               if ada_tindakan(k.get(u))}
    # Each stage has something to do for both sides before the predikat is set.
    assert {nama for nama, _ in sebelum} == {"guru", "kepsek"}
    assert (("guru", f"/pelaksanaan/{skp_id}/tugas") in sebelum
            and ("kepsek", f"/pelaksanaan/{skp_id}/tugas") in sebelum)
    tetapkan(skp_id)
    for nama, k in (("guru", g), ("kepsek", ks)):
        for u in halaman:
            for h in ({}, HX):
                r = k.get(u, headers=h)
                assert r.status_code == 200, (nama, u)
                assert not ada_tindakan(r), (nama, u, h)
                assert 'id="form-praktik"' not in r.text and "hx-trigger" not in r.text
                assert FINAL in teks(r), (nama, u, h)
        r = k.get(f"/pelaksanaan/{skp_id}/tugas")
        kotak = dom(r).css('input[type="checkbox"]')
        assert kotak
        assert all("disabled" in x.attributes for x in kotak), nama
    # What was written stays readable.
    assert PERSIAPAN["upaya_belajar"] in teks(g.get(url(skp_id, 1)))
    # Still refused when posted anyway, and nothing is written.
    awal = jumlah_audit()
    r = kirim(g, skp_id, 1, PERSIAPAN, "kirim")
    assert r.status_code == 422 and FINAL in galat(r)
    r = g.post(f"/pelaksanaan/{skp_id}/tugas", {"tugas": ["5M-1"], "versi": "0"})
    assert r.status_code == 422 and FINAL in galat(r)
    assert jumlah_audit() == awal


def test_penetapan_dibuka_kembali_halaman_dapat_diubah_lagi(buat_klien, rencana, majukan,
                                                           tetapkan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    tetapkan(skp_id, dibuka=True)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 1))
    assert FINAL not in teks(r) and 'value="sepakati"' in r.text
    assert kirim(ks, skp_id, 1, {"jadwal_observasi": "2025-02-14"}, "sepakati"
                 ).status_code == 303


def tombol(r):
    """The actions a step's forms offer."""
    return atribut_semua(r, 'button[name="aksi"]', "value")


def test_kembalikan_hanya_ditawarkan_bila_alur_membolehkan(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    ks = masuk(buat_klien, "kepsek")
    majukan(skp_id, 1)
    assert tombol(ks.get(url(skp_id, 1))) == ["sepakati", "kembalikan"]
    majukan(skp_id, 4)
    assert tombol(ks.get(url(skp_id, 1))) == []
    assert tombol(ks.get(url(skp_id, 3))) == ["terima", "kembalikan"]
    majukan(skp_id, 5)
    # The reflection has started: step 3 cannot go back any more, so it is not offered;
    # its score can still be corrected until the assessment goes to the Dinas.
    r = ks.get(url(skp_id, 3))
    assert tombol(r) == ["nilai"] and 'name="catatan"' not in r.text
    assert "Pegawai belum mengirim" not in teks(r)
    assert tombol(ks.get(url(skp_id, 5))) == ["terima", "kembalikan"]
    awal = jumlah_audit()
    r = kirim(ks, skp_id, 3, {"catatan": "Ulangi."}, "kembalikan")
    assert r.status_code == 422
    assert "Langkah berikutnya sudah berjalan; langkah ini tidak dapat dikembalikan." in galat(r)
    assert praktik(skp_id).status_tindak_lanjut == "diterima" and jumlah_audit() == awal
    majukan(skp_id, 6)
    # An accepted reflection can still be sent back (nothing follows it in the cycle).
    assert tombol(ks.get(url(skp_id, 5))) == ["nilai", "kembalikan"]
    assert kirim(ks, skp_id, 5, {"catatan": "Tambah contoh."}, "kembalikan"
                 ).status_code == 303
    assert praktik(skp_id).status_refleksi == "dikembalikan"


def test_dokumen_terkirim_masih_dapat_diubah_atasan_membaca_yang_terbaru(buat_klien, rencana,
                                                                         majukan):
    # SPEC §2.3 and the issue are silent: the pegawai keeps editing a sent document until
    # the atasan acts; the atasan reads the latest text; a stale page cannot accept.
    skp_id = rencana("guru")
    majukan(skp_id, 4)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 3))
    versi_atasan = versi_di(r)
    assert "Pegawai masih dapat mengubah dokumen ini sampai Anda menerimanya" in teks(r)
    awal = jumlah_audit()
    r = kirim(g, skp_id, 3, {**TINDAK_LANJUT, "tl_tujuan": "Tujuan yang diperbaiki."})
    assert r.status_code == 303
    assert aksi_audit_sejak(awal) == ["praktik_3_draf"]
    assert praktik(skp_id).status_tindak_lanjut == "diajukan"
    # The atasan's page from before the change: 409, showing the latest text.
    r = kirim(ks, skp_id, 3, {"nilai": "2"}, "terima", versi=versi_atasan)
    assert r.status_code == 409 and "Tujuan yang diperbaiki." in teks(r)
    assert praktik(skp_id).status_tindak_lanjut == "diajukan"
    # A field emptied after sending: the document cannot be accepted until complete, and
    # "Terima" is not offered meanwhile (sending it back is).
    assert kirim(g, skp_id, 3, {**TINDAK_LANJUT, "tl_dukungan": ""}).status_code == 303
    r = ks.get(url(skp_id, 3))
    assert tombol(r) == ["kembalikan"]
    assert "Belum lengkap: pegawai mengosongkan isian setelah mengirim." in teks(r)
    r = kirim(ks, skp_id, 3, {"nilai": "2"}, "terima")
    assert r.status_code == 422
    assert "Diskusi tindak lanjut belum lengkap: pegawai mengubahnya setelah mengirim." in \
        galat(r)
    assert praktik(skp_id).status_tindak_lanjut == "diajukan"
    assert kirim(g, skp_id, 3, TINDAK_LANJUT, "kirim").status_code == 303
    assert kirim(ks, skp_id, 3, {"nilai": "2"}, "terima").status_code == 303
    assert praktik(skp_id).status_tindak_lanjut == "diterima"


def test_persiapan_dikosongkan_setelah_dikirim_tidak_dapat_disepakati(buat_klien, rencana,
                                                                      majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    assert kirim(g, skp_id, 1, {**PERSIAPAN, "upaya_belajar": ""}).status_code == 303
    r = ks.get(url(skp_id, 1))
    assert tombol(r) == ["kembalikan"] and 'name="jadwal_observasi"' not in r.text
    r = kirim(ks, skp_id, 1, {"jadwal_observasi": "2025-02-14"}, "sepakati")
    assert r.status_code == 422 and "Diskusi persiapan belum lengkap" in galat(r)
    assert praktik(skp_id).status_persiapan == "diajukan"
