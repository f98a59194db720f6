"""The atasan scores the Dokumen tindak lanjut and the Dokumen refleksi (issue 12, item 8;
seed 001: "Mengumpulkan Rating Observasi Guru, Nilai Dokumen Tindak Lanjut, Nilai Dokumen
Refleksi Tindak Lanjut"), and the three documents feed the Rating Hasil Kerja
recommendation by the rule of the year's data file ([rekomendasi.rating_hasil.dokumen]).
A record without the two scores keeps the recommendation it had."""


import bantu_pelaksanaan as _bersama
import pytest
from bantu import galat, hitung_tab, masuk, nilai_semua, teks, versi_di
from bantu_pelaksanaan import (
    aksi_audit_sejak,
    jumlah_audit,
    kirim,
    praktik,
    url,
)
from bantu_penilaian import (
    KRITERIA,
    rekomendasi_di,
)
from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models.pelaksanaan import Praktik

# The shared fixtures (pytest finds them by name in this module).
rencana = _bersama.rencana
majukan = _bersama.majukan
A, S, B = "di_atas", "sesuai", "di_bawah"
ATURAN = aturan.muat_aturan("2025")
SKALA = ATURAN.rating_hasil.dokumen.skala


def test_skala_dan_aturan_dari_berkas_data_bertanda_keputusan_proyek():
    dok = ATURAN.rating_hasil.dokumen
    assert dok.keyakinan == "D" and "SPEC §9" in dok.sumber
    assert list(SKALA) == [1, 2, 3]
    assert any("rekomendasi.rating_hasil.dokumen" in q.terkait for q in ATURAN.pertanyaan_terbuka)


@pytest.mark.parametrize("hasil,tl,refleksi,suara", [
    (["efektif", "efektif"], 3, 3, A),
    (["efektif", "belum_efektif"], 3, 2, A),          # (2.5 + 3 + 2) / 3 = 2.5
    (["efektif", "belum_efektif"], 2, 2, S),          # 2.17
    (["belum", "belum_efektif"], 1, 2, S),            # (1.5 + 1 + 2) / 3 = 1.5: not below
    (["belum", "belum"], 1, 2, B),                    # 1.33
    (["efektif"], None, 3, None),                     # a score missing: no vote
])
def test_suara_dokumen(hasil, tl, refleksi, suara):
    r = aturan.rating_dokumen(hasil, tl, refleksi, aturan=ATURAN)
    assert (r.value if r else None) == suara


@pytest.mark.parametrize("kriteria,dokumen,harap", [
    ((A, S, S), None, S), ((A, S, S), A, A),   # the documents' vote lifts it
    ((A, A, S), None, A), ((A, A, S), B, S),   # ... or holds it back
    ((B, S, S), None, S), ((B, S, S), B, B),
    ((S, S, S), A, S), ((B, B, A), A, B),
])
def test_suara_dokumen_sebagai_suara_keempat(kriteria, dokumen, harap):
    assert aturan.rekomendasi_rating_hasil(*kriteria, dokumen=dokumen,
                                           aturan=ATURAN).value == harap


# ------------------------------------------------------------------ the screens


def nilai_tl(skp_id):
    p = praktik(skp_id)
    return p.nilai_tindak_lanjut, p.nilai_refleksi


@pytest.mark.parametrize("nilai,pesan", [
    (None, "Pilih Nilai Dokumen Tindak Lanjut."),
    ("", "Pilih Nilai Dokumen Tindak Lanjut."),
    ("0", "harus salah satu nilai skala"), ("4", "harus salah satu nilai skala"),
    ("-1", "harus salah satu nilai skala"), ("2.5", "harus salah satu nilai skala"),
    ("dua", "harus salah satu nilai skala"), ("٣", "harus salah satu nilai skala"),
    ("99999999999", None),
])
def test_nilai_di_luar_skala_422_tanpa_perubahan(buat_klien, rencana, majukan, nilai, pesan):
    skp_id = rencana("guru")
    majukan(skp_id, 4)
    ks = masuk(buat_klien, "kepsek")
    awal, sebelum = jumlah_audit(), praktik(skp_id).versi
    data = {} if nilai is None else {"nilai": nilai}
    r = kirim(ks, skp_id, 3, data, "terima")
    assert r.status_code == 422
    if pesan:
        assert pesan in teks(r)
    if pesan and pesan.startswith("harus"):
        assert ("Nilai Dokumen Tindak Lanjut harus salah satu nilai skala: 1 (Belum sesuai "
                "harapan), 2 (Sesuai harapan), 3 (Melampaui harapan).") in teks(r)
    p = praktik(skp_id)
    assert p.status_tindak_lanjut == "diajukan" and p.nilai_tindak_lanjut is None
    assert p.versi == sebelum and jumlah_audit() == awal


def test_atasan_menilai_saat_menerima_dan_dapat_memperbaiki_nilai(buat_klien, rencana,
                                                                  majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 4)
    ks, g = masuk(buat_klien, "kepsek"), masuk(buat_klien, "guru")
    r = ks.get(url(skp_id, 3))
    assert nilai_semua(r, "nilai") == ["1", "2", "3"]
    assert "Nilai Dokumen Tindak Lanjut (wajib saat menerima)" in teks(r)
    awal = jumlah_audit()
    assert kirim(ks, skp_id, 3, {"nilai": "3"}, "terima").status_code == 303
    assert nilai_tl(skp_id) == (3, None)
    assert aksi_audit_sejak(awal) == ["praktik_3_diterima"]
    assert "Nilai Dokumen Tindak Lanjut: 3 (Melampaui harapan)" in teks(g.get(url(skp_id, 3)))
    awal = jumlah_audit()
    assert kirim(ks, skp_id, 3, {"nilai": "1"}, "nilai").status_code == 303
    assert nilai_tl(skp_id) == (1, None)
    assert aksi_audit_sejak(awal) == ["praktik_3_dinilai"]
    # The pegawai cannot score.
    awal = jumlah_audit()
    assert kirim(g, skp_id, 3, {"nilai": "3"}, "nilai").status_code == 422
    assert nilai_tl(skp_id) == (1, None) and jumlah_audit() == awal
    # Another school's principal does not even see the cycle.
    lain = masuk(buat_klien, "kepsek_lain")
    assert lain.post(url(skp_id, 3), {"aksi": "nilai", "nilai": "3", "versi": "1"}
                     ).status_code == 404
    assert nilai_tl(skp_id) == (1, None)


def rekomendasi(k, skp_id, kriteria):
    r = k.post(f"/penilaian/{skp_id}/hasil", {
        **dict(zip(KRITERIA, kriteria, strict=True)), "aksi": "hitung",
        "versi": versi_di(k.get(f"/penilaian/{skp_id}/hasil"))})
    assert r.status_code == 200
    return rekomendasi_di(r)


def test_nilai_kedua_dokumen_mengubah_rekomendasi_rating_hasil(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 6)  # observasi: efektif ×2; both documents scored 2
    ks = masuk(buat_klien, "kepsek")
    # (3 + 2 + 2) / 3 = 2.33: the documents vote Sesuai; one Di Atas criterion stays Sesuai.
    assert rekomendasi(ks, skp_id, (A, S, S)) == "Sesuai Ekspektasi"
    r = ks.get(f"/penilaian/{skp_id}/hasil")
    assert "Nilai tindak lanjut: 2 (Sesuai harapan)" in teks(r)
    assert "Suara ketiga dokumen praktik kinerja: Sesuai Ekspektasi" in teks(r)
    # Tindak lanjut re-scored 3: (3 + 3 + 2) / 3 = 2.67, a Di Atas vote: two Di Atas, none
    # Di Bawah -> Di Atas.
    assert kirim(ks, skp_id, 3, {"nilai": "3"}, "nilai").status_code == 303
    assert rekomendasi(ks, skp_id, (A, S, S)) == "Di Atas Ekspektasi"
    # Refleksi re-scored 1: (3 + 3 + 1) / 3 = 2.33, a Sesuai vote -> Sesuai again.
    assert kirim(ks, skp_id, 5, {"nilai": "1"}, "nilai").status_code == 303
    assert rekomendasi(ks, skp_id, (A, S, S)) == "Sesuai Ekspektasi"
    # Scored 1 and 1: (3 + 1 + 1) / 3 = 1.67 votes Sesuai; with (A, A, S) still Di Atas.
    for n in (3, 5):
        assert kirim(ks, skp_id, n, {"nilai": "1"}, "nilai").status_code == 303
    assert rekomendasi(ks, skp_id, (A, A, S)) == "Di Atas Ekspektasi"
    assert rekomendasi(ks, skp_id, (A, S, S)) == "Sesuai Ekspektasi"
    # The saved rating follows the recommendation and the audit keeps the scores.
    r = ks.post(f"/penilaian/{skp_id}/hasil", {
        **dict(zip(KRITERIA, (A, S, S), strict=True)), "aksi": "simpan",
        "versi": versi_di(ks.get(f"/penilaian/{skp_id}/hasil"))})
    assert r.status_code in (200, 303)
    from kinerja_web.models.penilaian import Penilaian
    db.session.rollback()
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp_id))
    assert pen.rating_hasil == S
    db.session.rollback()


def test_catatan_lama_tanpa_nilai_dokumen_rekomendasinya_tetap(buat_klien, rencana, majukan):
    """A record accepted before documents were scored: the three criteria decide alone,
    and its list status asks for the missing score."""
    skp_id = rencana("guru")
    majukan(skp_id, 6)
    db.session.execute(Praktik.__table__.update().where(Praktik.skp_id == skp_id).values(
        nilai_tindak_lanjut=None, nilai_refleksi=None))
    db.session.commit()
    ks = masuk(buat_klien, "kepsek")
    for kriteria, harap in (((A, S, S), "Sesuai Ekspektasi"), ((A, A, S), "Di Atas Ekspektasi"),
                            ((B, B, S), "Di Bawah Ekspektasi"), ((A, B, S), "Sesuai Ekspektasi")):
        assert rekomendasi(ks, skp_id, kriteria) == harap
        assert aturan.rekomendasi_rating_hasil(*kriteria, aturan=ATURAN).label == harap
    r = ks.get(f"/penilaian/{skp_id}/hasil")
    assert "rekomendasi dihitung dari tiga kriteria saja" in teks(r)
    r = ks.get("/penilaian")
    assert hitung_tab(r)["Nilai tindak lanjut"] == 1 and hitung_tab(r)["Sudah selesai"] == 0
    # Scoring the accepted documents moves it on, tab by tab, as in seed 001.
    assert kirim(ks, skp_id, 3, {"nilai": "2"}, "nilai").status_code == 303
    r = ks.get("/penilaian")
    assert hitung_tab(r)["Nilai refleksi tindak lanjut"] == 1
    assert kirim(ks, skp_id, 5, {"nilai": "2"}, "nilai").status_code == 303
    r = ks.get("/penilaian?tab=selesai")
    assert hitung_tab(r)["Sudah selesai"] == 1 and "Sudah selesai" in teks(r)


def test_tab_daftar_penilaian_seperti_platform(buat_klien, rencana, majukan):
    """Rating observasi / Nilai tindak lanjut / Nilai refleksi tindak lanjut / Sudah
    selesai: where the atasan's scoring stands."""
    ids = [rencana(u) for u in ("guru", "guru2")]
    majukan(ids[0], 2)   # waiting for the Rating observasi
    majukan(ids[1], 4)   # tindak lanjut sent: waits for its score
    ks = masuk(buat_klien, "kepsek")
    tab = hitung_tab(ks.get("/penilaian"))
    assert {k: tab[k] for k in ("Rating observasi", "Nilai tindak lanjut",
                                "Nilai refleksi tindak lanjut", "Sudah selesai")} == {
        "Rating observasi": 1, "Nilai tindak lanjut": 1, "Nilai refleksi tindak lanjut": 0,
        "Sudah selesai": 0}
    assert kirim(ks, ids[1], 3, {"nilai": "2"}, "terima").status_code == 303
    tab = hitung_tab(ks.get("/penilaian"))
    assert tab["Nilai tindak lanjut"] == 0 and tab["Nilai refleksi tindak lanjut"] == 1


def test_nilai_beku_setelah_penilaian_dikirim(buat_klien, dunia, rencana, majukan):
    from kinerja_web.models import Skp
    from kinerja_web.models.penilaian import Pengiriman, Penilaian

    skp_id = rencana("guru")
    majukan(skp_id, 6)
    skp = db.session.get(Skp, skp_id)
    kirim_ = Pengiriman(tahun_id=skp.tahun_id, sekolah_id=skp.sekolah_id,
                        dinas_id=dunia.dinas.id, oleh=dunia.kepsek.id, jumlah=1)
    db.session.add(kirim_)
    db.session.flush()
    db.session.add(Penilaian(skp_id=skp_id, versi=1, perilaku={}, umpan_balik_perilaku={},
                             pengiriman_id=kirim_.id))
    db.session.commit()
    ks = masuk(buat_klien, "kepsek")
    awal = jumlah_audit()
    r = kirim(ks, skp_id, 5, {"nilai": "3"}, "nilai")
    assert r.status_code == 422 and "sudah dikirim ke Dinas" in galat(r)
    assert nilai_tl(skp_id) == (2, 2) and jumlah_audit() == awal
