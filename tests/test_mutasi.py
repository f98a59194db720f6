"""Mutasi in the middle of the year (issue #14 §5): the SKP splits into parts at the TMT,
each part with its own period, school and atasan; leaving keeps the SKP to the last day."""

from datetime import date

import bantu_penilaian
import pytest
from bantu import dom, galat, masuk, teks
from bantu_penilaian import aktor, audit, segar
from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.alur import Ditolak
from kinerja_web.alur import mutasi as alur_mutasi
from kinerja_web.alur import skp as alur_skp
from kinerja_web.atasan import atasan_untuk, boleh_menilai
from kinerja_web.extensions import db
from kinerja_web.models import Mutasi, Pegawai, Penugasan, Skp
from kinerja_web.models.skp import StatusSkp
from kinerja_web.peran import muat_peran

alat = bantu_penilaian.alat


@pytest.fixture
def sekolah_baru(dunia, make_sekolah, make_pegawai, tugaskan):
    """A second school of the first Dinas with its own principal (username kepsek4)."""
    s = make_sekolah(dunia.dinas, nama="SD NEGERI 4 EMPAT")
    k = make_pegawai(sekolah=s, username="kepsek4", nama="Kepala Empat",
                     jabatan="Guru Ahli Madya", golongan="IV/a")
    tugaskan(k, "kepala_sekolah", s)
    db.session.commit()
    hasil = (s.id, k.id)
    segar()
    return hasil


def bagian(pegawai_id, posisi=None):
    segar()
    q = select(Skp).where(Skp.pegawai_id == pegawai_id).order_by(Skp.mulai, Skp.posisi)
    if posisi:
        q = q.where(Skp.posisi == posisi)
    rows = db.session.scalars(q).all()
    out = [(s.id, s.posisi, s.mulai, s.selesai, s.sekolah_id, s.atasan_id, s.status,
            s.ditutup is not None) for s in rows]
    segar()
    return out


def form_mutasi(k, pegawai_id, jenis, tmt, sekolah="", nomor_sk="800/123/2025"):
    return k.post(f"/dinas/pegawai/{pegawai_id}/mutasi", {
        "jenis": jenis, "tmt": tmt, "sekolah_tujuan": str(sekolah), "nomor_sk": nomor_sk})


def nilai_oleh(skp_id, username):
    """Whether this account may assess the part (the atasan of its period)."""
    segar()
    ok = boleh_menilai(aktor(username).peran, db.session.get(Skp, skp_id))
    segar()
    return ok


def rencanakan(username, skp_id):
    """The pegawai plans the new part and submits it; returns its atasan's pegawai id."""
    a = aktor(username)
    skp = db.session.get(Skp, skp_id)
    alur_skp.simpan_pilihan(skp, a, {"tugas_tambahan": False, "nama_tugas_tambahan": None,
                                     "praktik_kode": "D1-1", "kompetensi_kode": "1.2",
                                     "aspek_fokus": ["kompeten"]})
    alur_skp.ajukan(skp, a)
    db.session.commit()
    atasan = skp.atasan_id
    segar()
    return atasan


# ------------------------------------------------------------------ the 16 July transfer


def test_pindah_16_juli_membagi_skp_dengan_atasan_dan_periode(
        dunia, alat, sekolah_baru, buat_klien):
    s4, kepsek4 = sekolah_baru
    bagian1 = alat.skp("guru")  # agreed with the old principal, the cycle done
    op = masuk(buat_klien, "operator")
    r = form_mutasi(op, dunia.guru.id, "pindah", "2025-07-16", s4)
    assert r.status_code == 303, galat(r) or teks(r)[-400:]
    halaman = op.get(r.headers["Location"])
    assert "Mutasi dicatat: Pindah ke satuan pendidikan lain, TMT 16 Juli 2025." in teks(halaman)

    (id1, pos1, m1, s1, sek1, at1, st1, tutup1), (id2, pos2, m2, s2, sek2, at2, st2, tutup2) = \
        bagian(dunia.guru.id)
    assert id1 == bagian1
    assert (pos1, m1, s1, sek1, at1, st1, tutup1) == (
        "guru", date(2025, 1, 1), date(2025, 7, 15), dunia.sekolah.id, dunia.kepsek.id,
        StatusSkp.DISEPAKATI, True)
    assert (pos2, m2, s2, sek2, at2, st2, tutup2) == (
        "guru", date(2025, 7, 16), date(2025, 12, 31), s4, None, StatusSkp.DRAF, False)
    # The page lists both parts with their periods.
    isi = teks(halaman)
    assert "Guru, 1 Januari 2025 – 15 Juli 2025 — SD NEGERI 1 SATU: Disepakati" in isi
    assert "Guru, 16 Juli 2025 – 31 Desember 2025 — SD NEGERI 4 EMPAT: Draf" in isi

    # Part 1 is assessed by the old principal, not by the new one.
    assert nilai_oleh(id1, "kepsek") and not nilai_oleh(id1, "kepsek4")
    alat.nilai(id1, oleh="kepsek")
    # Part 2: the pegawai plans it; it goes to the new principal, never to the old one.
    assert rencanakan("guru", id2) == kepsek4
    assert nilai_oleh(id2, "kepsek4") and not nilai_oleh(id2, "kepsek")
    with pytest.raises(Ditolak):
        alur_skp.setujui(db.session.get(Skp, id2), aktor("kepsek"))
    segar()
    alur_skp.setujui(db.session.get(Skp, id2), aktor("kepsek4"))
    db.session.commit()
    segar()

    # Roster and roles follow; the act is audited with the parts it closed and opened.
    assert db.session.get(Pegawai, dunia.guru.id).sekolah_id == s4
    segar()
    (a,) = audit("mutasi_dicatat")
    assert a.ke == "pindah" and a.data["skp_ditutup"] == ["guru"] and \
        a.data["skp_dibuka"] == [id2]
    (t,) = audit("skp_ditutup_mutasi")
    assert (t.objek_id, t.dari, t.ke) == (id1, "2025-12-31", "2025-07-15")


def test_guru_melihat_kedua_bagian_di_perencanaan(dunia, alat, sekolah_baru, buat_klien):
    s4, _ = sekolah_baru
    alat.skp("guru")
    assert form_mutasi(masuk(buat_klien, "operator"), dunia.guru.id, "pindah", "2025-07-16",
                       s4).status_code == 303
    k = masuk(buat_klien, "guru")
    r = k.get("/perencanaan")
    assert r.status_code == 200
    isi = teks(r)
    assert "SKP periode sebelumnya" in isi
    assert "Guru, 1 Januari 2025 – 15 Juli 2025 — SD NEGERI 1 SATU: Disepakati" in isi
    assert "Periode 16 Juli 2025 – 31 Desember 2025" in isi


def test_menjadi_plt_di_sekolah_sendiri_tengah_tahun(dunia, alat):
    """A Guru made Plt. of his own school on 1 September: his Guru SKP splits (the Kepala
    Dinas assesses the Guru part from the TMT, seed 001 row 1) and a Plt. part opens."""
    awal = alat.skp("guru2")
    # guru2's school loses its principal at the end of August.
    t = db.session.scalar(select(Penugasan).where(Penugasan.pegawai_id == dunia.kepsek.id))
    t.selesai = date(2025, 8, 31)
    db.session.commit()
    segar()
    m = alur_mutasi.catat(dunia.guru2.id, "plt", date(2025, 9, 1), aktor("operator"))
    db.session.commit()
    assert m.sekolah_tujuan_id == dunia.sekolah.id
    rows = bagian(dunia.guru2.id)
    assert [(r[1], r[2], r[3], r[6], r[7]) for r in rows] == [
        ("guru", date(2025, 1, 1), date(2025, 8, 31), StatusSkp.DISEPAKATI, True),
        ("guru", date(2025, 9, 1), date(2025, 12, 31), StatusSkp.DRAF, False),
        ("plt_kepala_sekolah", date(2025, 9, 1), date(2025, 12, 31), StatusSkp.DRAF, False),
    ]
    assert rows[0][0] == awal and rows[0][5] == dunia.kepsek.id
    assert nilai_oleh(awal, "kepsek") and not nilai_oleh(awal, "kadis")
    segar()
    peran = muat_peran(db.session.get(Pegawai, dunia.guru2.id), date(2025, 9, 1))
    assert peran.plt_sekolah == {dunia.sekolah.id}
    # The new Guru part is the Kepala Dinas' to assess (Plt. of his own school).
    segar()
    pegawai = db.session.get(Pegawai, dunia.guru2.id)
    assert atasan_untuk(pegawai, "guru", date(2025, 9, 1)).pegawai.id == dunia.kadis.id
    segar()


def test_pensiun_mempertahankan_skp_sampai_akhir_periode_kerja(dunia, alat, buat_klien):
    awal = alat.skp("guru")
    op = masuk(buat_klien, "operator")
    r = form_mutasi(op, dunia.guru.id, "pensiun", "2025-10-01")
    assert r.status_code == 303, galat(r)
    ((sid, pos, m, s, sek, at, st, tutup),) = bagian(dunia.guru.id)
    assert (sid, m, s, sek, at, st, tutup) == (
        awal, date(2025, 1, 1), date(2025, 9, 30), dunia.sekolah.id, dunia.kepsek.id,
        StatusSkp.DISEPAKATI, True)
    # Still assessed by his atasan; no new part, and he cannot start one.
    assert nilai_oleh(awal, "kepsek")
    alat.nilai(awal, oleh="kepsek")
    k = masuk(buat_klien, "guru")
    isi = teks(k.get("/perencanaan"))
    assert "Anda tercatat pensiun sejak 1 Oktober 2025" in isi
    assert "Mulai Perencanaan Kinerja" not in isi
    # Again: refused as already retired (a double submit records nothing twice).
    r = form_mutasi(op, dunia.guru.id, "pensiun", "2025-10-01")
    assert r.status_code == 422 and "Mutasi ini sudah dicatat." in galat(r)
    assert len(bagian(dunia.guru.id)) == 1


def test_menjadi_kepala_sekolah_definitif(dunia, alat, sekolah_baru):
    s4, kepsek4 = sekolah_baru
    awal = alat.skp("guru")
    t = db.session.scalar(select(Penugasan).where(Penugasan.pegawai_id == kepsek4))
    t.selesai = date(2025, 7, 31)
    db.session.commit()
    segar()
    alur_mutasi.catat(dunia.guru.id, "kepala_sekolah", date(2025, 8, 1), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    rows = bagian(dunia.guru.id)
    assert [(r[0] == awal, r[1], r[2], r[3], r[4]) for r in rows] == [
        (True, "guru", date(2025, 1, 1), date(2025, 7, 31), dunia.sekolah.id),
        (False, "kepala_sekolah", date(2025, 8, 1), date(2025, 12, 31), s4),
    ]


# ------------------------------------------------------------------ refusals


def test_mutasi_dinas_lain_ditolak(dunia, buat_klien):
    op_lain = masuk(buat_klien, "operator_lain")
    r = form_mutasi(op_lain, dunia.guru.id, "pensiun", "2025-10-01")
    assert r.status_code == 404
    with pytest.raises(Ditolak):
        alur_mutasi.catat(dunia.guru.id, "pensiun", date(2025, 10, 1), aktor("operator_lain"))
    segar()
    # Nor to a school of another Dinas.
    op = masuk(buat_klien, "operator")
    r = form_mutasi(op, dunia.guru.id, "pindah", "2025-07-16", dunia.sekolah_lain.id)
    assert r.status_code == 422
    assert "Satuan pendidikan tujuan tidak ditemukan di Dinas ini." in galat(r)
    assert jumlah_mutasi() == 0


def test_hanya_operator_dinas(dunia, buat_klien):
    k = masuk(buat_klien, "kepsek")
    assert form_mutasi(k, dunia.guru.id, "pensiun", "2025-10-01").status_code == 403
    with pytest.raises(Ditolak):
        alur_mutasi.catat(dunia.guru.id, "pensiun", date(2025, 10, 1), aktor("kepsek"))
    segar()


def test_isian_salah_disimpan_di_formulir(dunia, buat_klien):
    op = masuk(buat_klien, "operator")
    r = form_mutasi(op, dunia.guru.id, "pindah", "2025-07-16", "", nomor_sk="SK-9")
    assert r.status_code == 422
    assert "Pilih satuan pendidikan tujuan." in galat(r)
    d = dom(r)
    assert d.css_first('input[name="nomor_sk"]').attributes["value"] == "SK-9"
    assert d.css_first('input[name="tmt"]').attributes["value"] == "2025-07-16"
    r = form_mutasi(op, dunia.guru.id, "pindah", "bukan-tanggal", dunia.sekolah_plt.id)
    assert r.status_code == 422
    assert jumlah_mutasi() == 0


def jumlah_mutasi():
    segar()
    n = len(db.session.scalars(select(Mutasi)).all())
    segar()
    return n


# ------------------------------------------------------------------ yearly rule


def test_predikat_tahunan_dan_bulan_ak_dari_bagian():
    atr = aturan.muat_aturan("2025")
    assert atr.predikat_tahunan_bagian == "periode_terpanjang"
    assert atr.skp_bagian_keyakinan == "D" and "Peraturan BKN 3/2023" in atr.skp_bagian_sumber
    b = [aturan.BagianSkp(date(2025, 1, 1), date(2025, 7, 15), aturan.Predikat.BAIK),
         aturan.BagianSkp(date(2025, 7, 16), date(2025, 12, 31), aturan.Predikat.SANGAT_BAIK)]
    # 196 days against 169: the first part's predikat is the year's.
    assert aturan.predikat_tahunan(b, aturan=atr) == aturan.Predikat.BAIK
    # July: 15 days in part 1, 16 in part 2 -> part 2. 6 + 6 months.
    assert aturan.bulan_per_bagian(b, aturan=atr) == [6, 6]
    ak, bulan = aturan.angka_kredit_bagian(b, "ahli_pertama", aturan=atr)
    # 6/12 × 100% × 12,5 + 6/12 × 150% × 12,5
    assert ak == aturan.angka_kredit("baik", "ahli_pertama", 6, aturan=atr) + \
        aturan.angka_kredit("sangat_baik", "ahli_pertama", 6, aturan=atr)
    assert aturan.format_angka(ak) == "15,63"
    # A part without its predikat yet: no yearly figure.
    assert aturan.angka_kredit_bagian([b[0], aturan.BagianSkp(b[1].mulai, b[1].selesai)],
                                      "ahli_pertama", aturan=atr)[0] is None
    # Retirement on 1 October: 9 months.
    assert aturan.bulan_per_bagian([aturan.BagianSkp(date(2025, 1, 1), date(2025, 9, 30))],
                                   aturan=atr) == [9]


# ------------------------------------------------------------------ export and lists


def test_ekspor_membawa_kedua_bagian_dengan_periode_dan_unor(dunia, alat, sekolah_baru):
    from kinerja_web.models import Sekolah
    from kinerja_web.sinkro import data, ekspor

    s4, kepsek4 = sekolah_baru
    segar()
    db.session.get(Sekolah, dunia.sekolah.id).unor_id = "UNOR-SATU"
    db.session.get(Sekolah, s4).unor_id = "UNOR-EMPAT"
    db.session.commit()
    segar()
    alat.skp("guru")
    alur_mutasi.catat(dunia.guru.id, "pindah", date(2025, 7, 16), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    ((id2, *_),) = [b for b in bagian(dunia.guru.id) if not b[7]]
    rencanakan("guru", id2)
    alur_skp.setujui(db.session.get(Skp, id2), aktor("kepsek4"))
    alur_skp.sepakati(db.session.get(Skp, id2), aktor("guru"))
    db.session.commit()
    segar()

    muatan = data.Muatan(dunia.dinas.id, 2025, pegawai_id=dunia.guru.id)
    subjek = [s for s in muatan if s.skp is not None]
    assert [(s.posisi, s.mulai, s.selesai, s.sekolah_id, s.unor_id, s.atasan.nip)
            for s in subjek] == [
        ("guru", date(2025, 1, 1), date(2025, 7, 15), dunia.sekolah.id, "UNOR-SATU",
         dunia.kepsek.nip),
        ("guru", date(2025, 7, 16), date(2025, 12, 31), s4, "UNOR-EMPAT",
         db.session.get(Pegawai, kepsek4).nip)]
    rekaman = [ekspor.catatan(s, muatan.referensi, "perencanaan") for s in subjek]
    assert [(r["periode_awal"], r["periode_akhir"], r["unor"]["id"]) for r in rekaman] == [
        ("2025-01-01", "2025-07-15", "UNOR-SATU"), ("2025-07-16", "2025-12-31", "UNOR-EMPAT")]
    segar()


def test_daftar_atasan_lama_dan_baru(dunia, alat, sekolah_baru, buat_klien):
    """The old principal still lists the closed part (he assesses it); the new one lists
    the new part; neither sees the other's."""
    s4, _ = sekolah_baru
    alat.skp("guru")
    alur_mutasi.catat(dunia.guru.id, "pindah", date(2025, 7, 16), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    segar()
    lama = teks(masuk(buat_klien, "kepsek").get("/penilaian"))
    baru = teks(masuk(buat_klien, "kepsek4").get("/persetujuan?tab=semua"))
    assert "Guru Satu" in lama
    assert "Guru Satu" in baru
    assert lama.count("Guru Satu") == 1


# ------------------------------------------------------------------ roster import with TMT


def test_impor_roster_dengan_tmt_membagi_skp(dunia, alat, sekolah_baru, buat_klien):
    from bantu_impor import pratinjau, ringkasan_di, simpan

    from kinerja_web.lembar import tulis_xlsx
    from kinerja_web.models import Sekolah

    s4, kepsek4 = sekolah_baru
    segar()
    npsn4 = db.session.get(Sekolah, s4).npsn
    segar()
    awal = alat.skp("guru")
    kolom = ["nip", "nama", "status_kepegawaian", "golongan", "jabatan", "npsn", "peran",
             "tmt_mutasi"]
    baris = [[dunia.guru.nip, "Guru Satu", "PNS", "III/a", "Guru Ahli Pertama", npsn4, "",
              "16-07-2025"]]
    op = masuk(buat_klien, "operator")
    impor_id, halaman = pratinjau(op, tulis_xlsx({"Pegawai": (kolom, baris)}))
    assert ringkasan_di(halaman)["Kesalahan"] == "0", halaman
    r = simpan(op, impor_id)
    assert r.status_code == 200, teks(r)[-300:]
    rows = bagian(dunia.guru.id)
    assert [(r[0] == awal, r[2], r[3], r[4], r[5], r[7]) for r in rows] == [
        (True, date(2025, 1, 1), date(2025, 7, 15), dunia.sekolah.id, dunia.kepsek.id, True),
        (False, date(2025, 7, 16), date(2025, 12, 31), s4, None, False)]
    (m,) = audit("mutasi_dicatat")
    assert m.data["sumber"] == "impor" and m.ke == "pindah"
    # Importing the same file again changes nothing (the Mutasi is not recorded twice).
    impor_id, halaman = pratinjau(op, tulis_xlsx({"Pegawai": (kolom, baris)}))
    assert simpan(op, impor_id).status_code == 200
    assert len(bagian(dunia.guru.id)) == 2 and len(audit("mutasi_dicatat")) == 1


def test_impor_tmt_salah_ditandai_di_pratinjau(dunia, buat_klien):
    from bantu_impor import galat_di, pratinjau

    from kinerja_web.lembar import tulis_xlsx

    kolom = ["nip", "nama", "status_kepegawaian", "golongan", "jabatan", "npsn", "peran",
             "tmt_mutasi", "jenis_mutasi"]
    baris = [[dunia.guru.nip, "Guru Satu", "PNS", "III/a", "Guru Ahli Pertama",
              dunia.sekolah.npsn, "", "", "Pensiun"],
             [dunia.guru2.nip, "Guru Dua", "PNS", "III/a", "Guru Ahli Pertama",
              dunia.sekolah.npsn, "", "2025-03-01", "Cuti"]]
    _, halaman = pratinjau(masuk(buat_klien, "operator"),
                           tulis_xlsx({"Pegawai": (kolom, baris)}))
    galat = {(b, k): p for _, b, k, p in galat_di(halaman)}
    assert galat[(2, "tmt_mutasi")] == "Isi TMT mutasi (tanggal mulai berlaku)."
    assert galat[(3, "jenis_mutasi")].startswith("Jenis mutasi 'cuti' tidak dikenal")


def test_impor_pensiun_dua_kali_tidak_mengubah_apa_pun(dunia, alat, buat_klien):
    from bantu_impor import pratinjau, simpan

    from kinerja_web.lembar import tulis_xlsx

    alat.skp("guru")
    kolom = ["nip", "nama", "status_kepegawaian", "golongan", "jabatan", "npsn",
             "tmt_mutasi", "jenis_mutasi"]
    baris = [[dunia.guru.nip, "Guru Satu", "PNS", "III/a", "Guru Ahli Pertama",
              dunia.sekolah.npsn, "2025-10-01", "Pensiun"]]
    op = masuk(buat_klien, "operator")
    for _ in range(2):
        impor_id, _halaman = pratinjau(op, tulis_xlsx({"Pegawai": (kolom, baris)}))
        assert simpan(op, impor_id).status_code == 200
    ((_, _, _, selesai, *_),) = bagian(dunia.guru.id)
    assert selesai == date(2025, 9, 30)
    assert len(audit("mutasi_dicatat")) == 1


def test_bagian_draf_yang_ditutup_tetap_diajukan_ke_atasan_lama(dunia, sekolah_baru):
    """A part still in draft when the teacher moves: he finishes it, and it goes to the
    principal of its period, not to the one of his new school."""
    s4, kepsek4 = sekolah_baru
    a = aktor("guru")
    awal = alur_skp.buat(a.pegawai, "guru", bantu_penilaian.tahun(), a)
    db.session.commit()
    awal_id = awal.id
    segar()
    alur_mutasi.catat(dunia.guru.id, "pindah", date(2025, 7, 16), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    segar()
    assert rencanakan("guru", awal_id) == dunia.kepsek.id
    assert nilai_oleh(awal_id, "kepsek") and not nilai_oleh(awal_id, "kepsek4")


def test_cetak_skp_bagian_dengan_periodenya(dunia, alat, sekolah_baru, buat_klien):
    from bantu_cetak import teks_pdf

    s4, _ = sekolah_baru
    awal = alat.skp("guru")
    alur_mutasi.catat(dunia.guru.id, "pindah", date(2025, 7, 16), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    segar()
    r = masuk(buat_klien, "guru").post(f"/cetak/skp/{awal}")
    assert r.status_code == 200, teks(r)[-300:]
    isi = teks_pdf(r.data)
    assert "PERIODE PENILAIAN: 1 JANUARI 2025 S.D 15 JULI 2025" in isi
    assert "SD NEGERI 1 SATU" in isi


def test_dua_operator_serentak_mencatat_sekali(dunia, alat, sekolah_baru, buat_klien):
    """Two Operators (or a double click) record the same transfer at the same moment: one
    Mutasi, two parts, the other told it is recorded already."""
    from bantu_perencanaan import serentak

    s4, _ = sekolah_baru
    alat.skp("guru")
    k1, k2 = masuk(buat_klien, "operator"), masuk(buat_klien, "operator")
    hasil = serentak(lambda: form_mutasi(k1, dunia.guru.id, "pindah", "2025-07-16", s4),
                     lambda: form_mutasi(k2, dunia.guru.id, "pindah", "2025-07-16", s4))
    assert sorted(r.status_code for r in hasil) == [303, 422]
    (tolak,) = [r for r in hasil if r.status_code == 422]
    assert "Mutasi ini sudah dicatat." in galat(tolak)
    assert jumlah_mutasi() == 1 and len(bagian(dunia.guru.id)) == 2


def test_bulan_angka_kredit_per_bagian_di_rekap(dunia, alat, sekolah_baru):
    from kinerja_web.penilaian.angka import angka_kredit, bulan_bagian

    s4, _ = sekolah_baru
    alat.skp("guru")
    alur_mutasi.catat(dunia.guru.id, "pindah", date(2025, 7, 16), aktor("operator"),
                      sekolah_tujuan_id=s4)
    db.session.commit()
    (id1, *_), (id2, *_) = bagian(dunia.guru.id)
    atr = aturan.muat_aturan("2025")
    bulan = bulan_bagian({dunia.guru.id, dunia.guru2.id}, bantu_penilaian.tahun(), atr)
    assert bulan == {id1: 6, id2: 6}  # guru2 has one part: the whole year, not listed
    p = db.session.get(Pegawai, dunia.guru.id)
    ak1 = angka_kredit(p, "baik", atr, "guru", bulan[id1])
    ak2 = angka_kredit(p, "sangat_baik", atr, "guru", bulan[id2])
    assert (ak1.teks, ak2.teks) == ("6,25", "9,38")
    segar()
