"""Issue 12 items 3-5: the e-Kinerja export, format version 2, read from the exported files.

The principal's SKP carries his organisational RHK as e-Kinerja holds them (seed 001, data
file), each teacher RHK intervenes the one the data file maps it to, the final export carries
per RHK its bukti dukung, realisasi and umpan balik (RHK Individu and RHK Organisasi), ratings
are spelt as e-Kinerja spells them, and the periodic assessment is one row per pegawai per
period of the Dinas' Periode e-Kinerja list."""

import io
import json

import jsonschema
import pytest
from bantu import teks
from bantu_sinkro import (
    ekspor_lewat_halaman,
    operator_demo,
    pegawai_demo,
    unduh,
)
from openpyxl import load_workbook
from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web import demo as demo_data
from kinerja_web.alur import periode
from kinerja_web.extensions import db
from kinerja_web.models import LogSinkro, Pegawai, PeriodeEkinerja, Sekolah, Skp
from kinerja_web.sinkro import berkas, cek

ATR = aturan.muat_aturan()
EJAAN_LAMA = ("DI ATAS EKSPEKTASI", "DI BAWAH EKSPEKTASI", "Di Atas Ekspektasi",
              "Di Bawah Ekspektasi")
RHK_ORG_SEED = {  # seed 001, "Penilaian SKP" of a KS: RHK, indicator, target, perspektif
    "Tersusunnya perencanaan satuan pendidikan yang berorientasi pada peningkatan "
    "pembelajaran": ("Tingkat kualitas penyusunan dokumen perencanaan satuan pendidikan yang "
                     "berorientasi pada peningkatan pembelajaran sesuai standar yang digunakan",
                     "100%", "Anggaran"),
    "Terkelolanya pelaksanaan pembelajaran yang berfokus pada implementasi Kurikulum "
    "Operasional Satuan Pendidikan (KOSP)": (
        "Tingkat keterlaksanaan pengelolaan pembelajaran yang mengacu pada Kurikulum "
        "Operasional Satuan Pendidikan (KOSP)", "100%", "Penerima Layanan"),
    "Terkelolanya penugasan Guru dan tenaga kependidikan untuk mewujudkan penyelenggaraan "
    "pembelajaran yang berkualitas": (
        "Tingkat kualitas pengelolaan tugas tambahan Guru dan tenaga kependidikan untuk "
        "mendukung layanan pembelajaran sesuai standar yang ditetapkan", "100%",
        "Penerima Layanan"),
}


# Triwulanan periods with angka 1-4 and the final (Tahunan) period.
PERIODE_BERSIH = tuple(
    (nama.removesuffix(" 2026") if tipe != "Tahunan" else nama, mulai, selesai, batas,
     "Triwulanan" if tipe != "Tahunan" else tipe, i + 1 if tipe != "Tahunan" else 1)
    for i, (nama, mulai, selesai, batas, tipe, _) in enumerate(demo_data.PERIODE_DEMO))


def pakai_periode_bersih(dinas_id):
    """Replace the Dinas' e-Kinerja period list by PERIODE_BERSIH (audited), as the
    Operator Dinas does once the admin e-Kinerja has fixed the list."""
    for p in db.session.scalars(select(PeriodeEkinerja).where(
            PeriodeEkinerja.dinas_id == dinas_id)).all():
        periode.hapus(p, p.versi)
    for nama, mulai, selesai, batas, tipe, angka in PERIODE_BERSIH:
        periode.tambah(dinas_id, {"nama": nama, "tahun": 2026, "mulai": mulai,
                                  "selesai": selesai, "batas": batas, "tipe_periodik": tipe,
                                  "angka_periodik": angka})
    db.session.flush()


def validator(versi="2"):
    return jsonschema.Draft202012Validator(berkas.skema(versi),
                                           format_checker=jsonschema.FormatChecker())


@pytest.fixture
def demo_bersih(app, demo):
    """The demo after the admin e-Kinerja fixed the period list and the school whose UNOR
    was replaced got its new UNOR (the two deliberate Dinas-wide errors of the demo)."""
    with app.app_context():
        dinas_id = db.session.scalar(select(Pegawai.dinas_id).limit(1))
        pakai_periode_bersih(dinas_id)
        db.session.scalar(select(Sekolah).where(Sekolah.npsn == "20301201")).unor_id = \
            "UNOR-20301201-2025"
        db.session.commit()
    return demo


def _semua_teks(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _semua_teks(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _semua_teks(v)
    elif isinstance(obj, str):
        yield obj


def test_data_file_memuat_rhk_organisasi_seed_dengan_sumber_dan_keyakinan():
    org = {o.rhk: o for o in ATR.rhk_organisasi}
    for rhk, (indikator, target, perspektif) in RHK_ORG_SEED.items():
        o = org[rhk]
        assert (o.indikator, o.target, o.perspektif, o.keyakinan) == \
            (indikator, target, perspektif, "H")
        assert "seed 001" in o.sumber
    kosp = next(o for o in ATR.rhk_organisasi if o.rhk.startswith("Tersusunnya Kurikulum"))
    assert kosp.keyakinan == "D" and kosp.indikator.startswith(
        "Tingkat kualitas penyusunan dokumen Kurikulum Operasional Satuan Pendidikan (KOSP)")
    assert {i.kode for i in ATR.intervensi} == {"praktik", "kompetensi", "tugas_tambahan"}
    assert all(i.rhk_organisasi in ATR.rhk_organisasi and i.keyakinan for i in ATR.intervensi)
    assert [ATR.rating_ekinerja(r) for r in aturan.Rating] == \
        ["DIATAS EKSPEKTASI", "SESUAI EKSPEKTASI", "DIBAWAH EKSPEKTASI"]


def test_skp_kepala_sekolah_memuat_rhk_organisasi_dan_guru_mengintervensinya(app, demo):
    with app.app_context():
        skp = {(s.pegawai.nama, s.posisi): s for s in db.session.scalars(
            select(Skp).where(Skp.status == "disepakati", Skp.sekolah_id == select(
                Sekolah.id).where(Sekolah.npsn == "20301101").scalar_subquery()))}
        ks = next(s for (_, pos), s in skp.items() if pos == "kepala_sekolah")
        org = {r["rhk"]: r for r in ks.rhk if r["kategori"] == "organisasi"}
        for rhk, (indikator, target, perspektif) in RHK_ORG_SEED.items():
            assert (org[rhk]["indikator"], org[rhk]["target"], org[rhk]["perspektif"],
                    org[rhk]["jenis"]) == (indikator, target, perspektif, "utama")
        punya = {(r["rhk"], r["indikator"]) for r in ks.rhk}
        guru = [s for (_, pos), s in skp.items() if pos == "guru"]
        assert guru
        dilihat = set()
        for s in guru:
            for r in (r for r in s.rhk if r["jenis"] in ("utama", "tambahan")):
                o = ATR.rhk_diintervensi(r["kategori"])
                assert (r["rhk_atasan"], r["indikator_atasan"]) == (o.rhk, o.indikator)
                assert (o.rhk, o.indikator) in punya
                dilihat.add(r["kategori"])
        assert {"praktik", "kompetensi"} <= dilihat


def test_cek_rhk_atasan_menguji_rhk_organisasi_yang_diintervensi():
    """The pre-check fails as e-Kinerja does when the teacher intervenes an organisational
    RHK his atasan's agreed SKP does not hold, Tambahan included."""
    kosp = ATR.rhk_diintervensi("kompetensi")
    praktik = ATR.rhk_diintervensi("praktik")
    tambahan = ATR.rhk_diintervensi("tugas_tambahan")
    rhk_guru = ({"jenis": "utama", "kategori": "praktik", "rhk_atasan": praktik.rhk,
                 "indikator_atasan": praktik.indikator},
                {"jenis": "utama", "kategori": "kompetensi", "rhk_atasan": kosp.rhk,
                 "indikator_atasan": kosp.indikator},
                {"jenis": "tambahan", "kategori": "tugas_tambahan", "rhk_atasan": tambahan.rhk,
                 "indikator_atasan": tambahan.indikator})
    atasan_lengkap = tuple(cek.RhkAtasan(o.rhk, o.indikator) for o in ATR.rhk_organisasi)
    ref = cek.Referensi({}, 2025)

    def subjek(rhk_atasan):
        return cek.Subjek(1, "198409102023212026", "FIERNI", "guru", 1, "SD", "U1",
                          cek.Atasan("KS", "196702271990031002", False, True, rhk_atasan),
                          cek.DataSkp("disepakati", "Disepakati", rhk_guru))

    assert cek.cek_rhk_atasan(subjek(atasan_lengkap), ref) == []
    tanpa = tuple(r for r in atasan_lengkap if r.rhk not in (kosp.rhk, tambahan.rhk))
    pesan = [t.pesan for t in cek.cek_rhk_atasan(subjek(tanpa), ref)]
    assert pesan == [cek.PESAN_RHK_ATASAN.format(indikator=kosp.indikator, rhk=kosp.rhk),
                     cek.PESAN_RHK_ATASAN.format(indikator=tambahan.indikator,
                                                 rhk=tambahan.rhk)]
    # The seed's own failure line, word for word.
    assert pesan[0] == ("Tidak ditemukan RHK atasan berikut 'Tingkat kualitas penyusunan "
                        "dokumen Kurikulum Operasional Satuan Pendidikan (KOSP) yang "
                        "berorientasi pada peningkatan pembelajaran sesuai standar yang "
                        "digunakan' di RHK 'Tersusunnya Kurikulum Operasional Satuan "
                        "Pendidikan (KOSP) sebagai acuan dalam peningkatan pembelajaran'")


def test_ekspor_akhir_demo_v2_bukti_realisasi_umpan_balik_tiap_rhk(app, demo_bersih,
                                                                   buat_klien):
    k = operator_demo(buat_klien)
    ekspor_id, r = ekspor_lewat_halaman(k, "penilaian_akhir")
    jsonl, xlsx, manifes = unduh(k, ekspor_id)
    catatan = berkas.baca_jsonl(jsonl)
    assert catatan and manifes["versi_format"] == "2" and manifes["skema"] == "ekinerja-v2.json"
    v = validator()
    for c in catatan:
        v.validate(c)
        assert c["versi_format"] == "2"
        for x in c["rhk"]:
            assert x["bukti_dukung"] and x["realisasi"] and x["umpan_balik"], x
    # No old spelling anywhere in the exported files.
    semua = list(_semua_teks(catatan))
    assert not any(lama in t for t in semua for lama in EJAAN_LAMA)
    assert {c["penilaian_akhir"]["rating_hasil_kerja"] for c in catatan} <= \
        {"DIATAS EKSPEKTASI", "SESUAI EKSPEKTASI", "DIBAWAH EKSPEKTASI"}
    # A known teacher: every RHK (Utama and Tambahan) with its evidence, and the principal
    # RHK it intervenes present, as RHK Organisasi, in his principal's exported record.
    guru = next(c for c in catatan if c["jenis_skp"] == "GURU / JAJF"
                and any(x["jenis"] == "TAMBAHAN" for x in c["rhk"]))
    assert {x["jenis_rhk"] for x in guru["rhk"]} == {"INDIVIDU"}
    praktik = next(x for x in guru["rhk"] if x["kode"].startswith("D1-"))
    assert any(b.startswith("Observasi praktik kinerja (") for b in praktik["bukti_dukung"])
    assert praktik["realisasi"].startswith("1 siklus selesai (observasi ")
    assert praktik["umpan_balik"].startswith(
        guru["penilaian_akhir"]["rating_hasil_kerja"])
    ks = next(c for c in catatan if c["jenis_skp"] == "KEPALA SEKOLAH"
              and c["nip"] == guru["atasan"]["nip"])
    org = {(x["rhk"], x["indikator"]): x for x in ks["rhk"] if x["jenis_rhk"] == "ORGANISASI"}
    assert {rhk for rhk, _ in org} >= set(RHK_ORG_SEED)
    for x in guru["rhk"]:
        o = org[(x["rhk_atasan"], x["indikator_atasan"])]
        assert o["bukti_dukung"] and o["realisasi"].startswith("100% (") and o["umpan_balik"]
    anggaran = next(x for x in org.values() if x["perspektif"] == "Anggaran")
    assert "Capaian Kinerja Organisasi: " in anggaran["realisasi"]
    # The XLSX holds the same records, with one Bukti Dukung row per piece of evidence.
    assert berkas.baca_xlsx(xlsx) == catatan
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert sum(1 for _ in wb["Bukti Dukung"].iter_rows()) - 1 == \
        sum(len(x["bukti_dukung"]) for c in catatan for x in c["rhk"])
    # The sync log shows the final sync's counts per RHK Individu and RHK Organisasi.
    with app.app_context():
        b = db.session.scalar(select(LogSinkro).where(LogSinkro.ekspor_id == ekspor_id,
                                                      LogSinkro.nip == ks["nip"],
                                                      LogSinkro.tipe_skp == "kepala sekolah"))
        n_org = len(org)
        n_ind = sum(1 for x in ks["rhk"] if x["jenis_rhk"] == "INDIVIDU")
        assert b.rincian["organisasi"] == {"rhk": n_org, "indikator": n_org, "eviden": n_org,
                                           "realisasi": n_org, "feedback": n_org}
        assert b.rincian["individu"]["eviden"] == n_ind
    t = teks(k.get(f"/sinkro/log?q={ks['nip']}"))
    assert (f"- RHK Individu RHK Masuk : {n_ind} RHK Indikator Masuk : {n_ind} Eviden Masuk : "
            f"{n_ind} Realisasi Masuk : {n_ind} Feedback Masuk : {n_ind} - RHK Organisasi "
            f"RHK Masuk : {n_org} RHK Indikator Masuk : {n_org} Eviden Masuk : {n_org} "
            f"Realisasi Masuk : {n_org} Feedback Masuk : {n_org}") in t
    assert manifes["jumlah"]["organisasi"]["eviden"] >= n_org


def test_ekspor_perencanaan_v2_menandai_rhk_organisasi(app, demo, buat_klien):
    k = operator_demo(buat_klien)
    ekspor_id, _ = ekspor_lewat_halaman(k, "perencanaan")
    jsonl, xlsx, _ = unduh(k, ekspor_id)
    catatan = berkas.baca_jsonl(jsonl)
    v = validator()
    for c in catatan:
        v.validate(c)
    ks = [c for c in catatan if c["jenis_skp"] == "KEPALA SEKOLAH"]
    assert ks and all(
        {x["rhk"] for x in c["rhk"] if x["jenis_rhk"] == "ORGANISASI"} >= set(RHK_ORG_SEED)
        for c in ks)
    assert all(x["perspektif"] for c in ks for x in c["rhk"] if x["jenis_rhk"] == "ORGANISASI")
    assert berkas.baca_xlsx(xlsx) == catatan
    with app.app_context():
        b = db.session.scalar(select(LogSinkro).where(LogSinkro.ekspor_id == ekspor_id,
                                                      LogSinkro.tipe_skp == "kepala sekolah",
                                                      LogSinkro.status == "Berhasil"))
        assert b.rincian["organisasi"]["rhk"] >= len(RHK_ORG_SEED)


def test_ekspor_penilaian_periodik_satu_baris_per_pegawai_per_periode(app, demo_bersih,
                                                                      buat_klien, tmp_path):
    k = operator_demo(buat_klien)
    ekspor_id, r = ekspor_lewat_halaman(k, "penilaian_periodik")
    jsonl, xlsx, manifes = unduh(k, ekspor_id)
    catatan = berkas.baca_jsonl(jsonl)
    assert catatan
    v = validator()
    with app.app_context():
        periode = {p.angka_periodik: p for p in db.session.scalars(select(PeriodeEkinerja))
                   if p.tipe_periodik == "Triwulanan"}
    baris = 0
    for c in catatan:
        v.validate(c)
        assert c["jenis"] == "penilaian_periodik" and c["rhk"] == []
        per = c["penilaian_periodik"]
        assert per, c["nama"]
        # Consecutive up to the last period: from the observation's period on (data rule).
        angka = [x["angka_periodik"] for x in per]
        assert angka == list(range(angka[0], 5))
        for x in per:
            p = periode[x["angka_periodik"]]
            assert (x["nama"], x["periode_awal"], x["tipe_periodik"]) == \
                (p.nama, p.mulai.isoformat(), "TRIWULANAN")
            nilai = aturan.predikat_kinerja(
                {"DIATAS EKSPEKTASI": "di_atas", "SESUAI EKSPEKTASI": "sesuai",
                 "DIBAWAH EKSPEKTASI": "di_bawah"}[x["hasil_kerja"]],
                {"DIATAS EKSPEKTASI": "di_atas", "SESUAI EKSPEKTASI": "sesuai",
                 "DIBAWAH EKSPEKTASI": "di_bawah"}[x["perilaku_kerja"]])
            assert x["nilai_skp"] in {nilai.label_cetak, "SANGAT BAIK", "BAIK",
                                      "BUTUH PERBAIKAN", "KURANG", "SANGAT KURANG"}
        baris += len(per)
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert sum(1 for _ in wb["Penilaian Periodik"].iter_rows()) - 1 == baris
    assert berkas.baca_xlsx(xlsx) == catatan
    assert manifes["jumlah"]["periode"] == baris
    with app.app_context():
        b = db.session.scalar(select(LogSinkro).where(LogSinkro.ekspor_id == ekspor_id,
                                                      LogSinkro.status == "Berhasil"))
        assert b.rincian["periode"] >= 1
    assert f"Periode Masuk : {b.rincian['periode']}" in teks(k.get(f"/sinkro/log?q={b.nip}"))
    # The command line offers the same kind.
    cli = app.test_cli_runner().invoke(args=[
        "ekspor-ekinerja", "--jenis", "penilaian_periodik", "--keluar", str(tmp_path / "p"),
        "--operator", "operator"])
    assert cli.exit_code == 0, cli.output
    assert berkas.baca_jsonl((tmp_path / "p" / "ekinerja.jsonl").read_bytes()) and \
        json.loads((tmp_path / "p" / "manifes.json").read_text())["jenis"] == \
        "penilaian_periodik"


def test_ekspor_periodik_ditahan_oleh_daftar_periode_yang_salah(app, demo, buat_klien):
    """The demo's own list (a Bulanan among Triwulanan, angka 3 twice): nobody is sent and
    the Cek Kesiapan page names both errors for the periodic sync."""
    k = operator_demo(buat_klien)
    ekspor_id, r = ekspor_lewat_halaman(k, "penilaian_periodik")
    assert "Pegawai diekspor 0" in teks(r)
    t = teks(k.get("/sinkro?jenis=penilaian_periodik"))
    assert cek.PESAN_DUA_TIPE in t and cek.PESAN_ANGKA_DUPLIKAT in t
    with app.app_context():
        log = db.session.scalars(select(LogSinkro).where(LogSinkro.ekspor_id == ekspor_id)).all()
        assert log and all(b.status == "Gagal" for b in log)
        assert any(cek.PESAN_DUA_TIPE in (b.keterangan or "") for b in log)
        kepsek1 = pegawai_demo("kepsek1")
        assert kepsek1 is not None


def test_berkas_v1_tetap_terbaca_dengan_skema_v1():
    """Files written before version 2 still validate against the kept v1 schema and read
    back through the JSON Lines reader."""
    c = {"versi_format": "1", "jenis": "perencanaan", "nip": "198409102023212026",
         "nama": "FIERNI", "jenis_skp": "GURU / JAJF", "plt": False,
         "periode_awal": "2026-01-01", "periode_akhir": "2026-12-31",
         "pendekatan": "KUANTITATIF", "jabatan": None, "unor": {"id": "U1", "nama": "SD"},
         "atasan": {"nama": "KS", "nip": None, "unor": {"id": None, "nama": None}},
         "rhk": [{"no": 1, "jenis": "UTAMA", "kode": "D1-1", "rhk": "Guru ...",
                  "rhk_atasan": None, "indikator_atasan": None, "aspek": None,
                  "indikator": None, "target": None, "realisasi": None, "umpan_balik": None}]}
    validator("1").validate(c)
    assert berkas.baca_jsonl(berkas.baris_jsonl(c)) == [c]
    with pytest.raises(jsonschema.ValidationError):
        validator("2").validate(c)


def test_cetak_skp_kepala_sekolah_menampilkan_perspektif(demo, buat_klien):
    from bantu import masuk_demo as masuk
    from bantu_cetak import cetak, segar, skp_dari, tanpa_spasi, teks_pdf

    skp = skp_dari("kepsek3")
    assert skp.posisi == "kepala_sekolah"
    segar()
    r = cetak(masuk(buat_klien, "kepsek3"), "skp", skp.id)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    t = tanpa_spasi(teks_pdf(r.data))
    for rhk, (indikator, _, perspektif) in RHK_ORG_SEED.items():
        i = t.find(tanpa_spasi(rhk + " PERSPEKTIF: " + perspektif))
        assert i >= 0, rhk
        assert tanpa_spasi(indikator) in t[i:]
