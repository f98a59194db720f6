"""Pelaksanaan Kinerja (issue 4), continued: tugas pokok and documents, the atasan's
"Daftar Penilaian Kinerja", access across schools and Dinas, typing on a bad connection,
htmx both ways, and the size and query budgets. Helpers and fixtures: test_pelaksanaan.py.
"""

import gzip
from html import unescape
from urllib.parse import parse_qs, urlsplit

import bantu_pelaksanaan as _bersama
import pytest
from bantu import (
    atribut,
    atribut_semua,
    badan,
    dom,
    galat,
    isi_textarea,
    masuk,
    nilai,
    nilai_semua,
    teks,
    teks_css,
    teks_dari,
    versi_di,
)
from bantu_pelaksanaan import (
    HX,
    PERSIAPAN,
    REFLEKSI,
    TINDAK_LANJUT,
    aksi_audit_sejak,
    baris_daftar,
    isian_k,
    jumlah_audit,
    kirim,
    kirim_k,
    praktik,
    refleksi,
    url,
    url_k,
)
from sqlalchemy import func, select

from kinerja_web.demo import PELAKSANAAN_DEMO, SANDI_DEMO
from kinerja_web.extensions import db
from kinerja_web.models import Konfirmasi, Skp

# The shared fixtures (pytest finds them by name in this module).
rencana = _bersama.rencana
majukan = _bersama.majukan

BATAS_HALAMAN = 14 * 1024
BATAS_FRAGMEN = 5 * 1024
BATAS_QUERY = 6
# A save also asks whether the year of what it writes is closed in its Dinas (one query
# per write transaction, alur/tahun.py: the read-only guard of a closed year).
# And its commit raises the data generation counter (one UPDATE, simpanan.py: a stored
# print is then checked again).
BATAS_QUERY_TULIS = BATAS_QUERY + 2
GZ = {"Accept-Encoding": "gzip"}
KOLOM_SEKOLAH = ["Nama", "Status Kepegawaian", "Jadwal Observasi Praktik Kinerja",
                 "Status Praktik Kinerja", "Status Perilaku Kerja", "Menunggu", "Aksi"]
LABEL_TAB = {"semua": "Semua", "persiapan": "Diskusi persiapan",
             "observasi": "Rating observasi", "tindak_lanjut": "Nilai tindak lanjut",
             "refleksi": "Nilai refleksi tindak lanjut", "selesai": "Sudah selesai"}


def url_t(skp_id):
    return f"/pelaksanaan/{skp_id}/tugas"


def data_audit_terakhir():
    from kinerja_web.models import Audit

    db.session.rollback()
    data = db.session.scalar(select(Audit.data).order_by(Audit.id.desc()).limit(1))
    db.session.rollback()
    return data


def kirim_t(k, skp_id, data, versi=None, headers=None):
    """Post the confirmation page the way its form does (with the version it showed)."""
    if versi is None:
        versi = versi_di(k.get(url_t(skp_id)))
    return k.post(url_t(skp_id), {**data, "versi": versi}, headers=headers or {})


def dicentang(r, nama):
    return [el.attributes.get("value") for el in dom(r).css(
        f'input[type="checkbox"][name="{nama}"][checked]')]


def konfirmasi(skp_id, jenis):
    db.session.rollback()
    out = set(db.session.scalars(select(Konfirmasi.kode).where(
        Konfirmasi.skp_id == skp_id, Konfirmasi.jenis == jenis)))
    db.session.rollback()
    return out


def kotak(r, nama, isi):
    """The state ({"checked", "disabled"} or part of it) of the one box `nama`=`isi`."""
    el = dom(r).css(f'input[name="{nama}"][value="{isi}"]:not([type="hidden"])')
    assert len(el) == 1, (nama, isi, len(el))
    return {a for a in ("checked", "disabled") if a in el[0].attributes}


def kolom(r):
    return [th.text(deep=True) for th in dom(r).css('th[scope="col"]')]


def jumlah_tab(r):
    out = {}
    for a in dom(r).css('a[href^="/penilaian?"]'):
        tab = parse_qs(urlsplit(a.attributes["href"]).query).get("tab")
        label, _, n = teks_dari(a).rpartition(" (")
        if tab and label and n.endswith(")") and n[:-1].isdigit():
            out[tab[0]] = int(n[:-1])
    return out


def guru_baru(make_pegawai, sekolah, jumlah, awal=0):
    """`jumlah` more teachers at a school; returns their usernames."""
    out = []
    for i in range(awal, awal + jumlah):
        p = make_pegawai(sekolah=sekolah, username=f"tambahan{i}",
                         nama=f"Dra. Sri Rahayuningsih Wahyuningtyas {i:02d}, S.Pd., M.Pd.")
        out.append(p.id)
    db.session.commit()
    return [f"tambahan{i}" for i in range(awal, awal + jumlah)]


def terkompresi(r):
    return len(r.data) if r.headers.get("Content-Encoding") == "gzip" else \
        len(gzip.compress(r.data))


def halaman_plus_css(k, r):
    """Compressed bytes of a full page and the stylesheet it links."""
    css = atribut_semua(r, 'link[rel="stylesheet"]', "href")
    assert len(css) == 1, css
    r_css = k.get(css[0], headers=GZ)
    assert r_css.status_code == 200
    return terkompresi(r) + terkompresi(r_css)


# ------------------------------------------------------------------ 4. tugas pokok, dokumen


def test_guru_mengonfirmasi_tugas_lalu_atasan(buat_klien, rencana):
    skp_id = rencana("guru", tugas_tambahan=True)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    r = g.get(url_t(skp_id))
    assert nilai_semua(r, "tugas") == [
        "5M-1", "5M-2", "5M-3", "5M-4", "5M-5"]
    assert 'name="dokumen"' not in r.text and 'name="kelengkapan"' not in r.text
    awal = jumlah_audit()
    r = kirim_t(g, skp_id, {"tugas": ["5M-1", "5M-2"]})
    assert r.status_code == 303 and r.headers["Location"] == url_t(skp_id)
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-1", "5M-2"}
    assert aksi_audit_sejak(awal) == ["konfirmasi_tugas_pegawai"]
    r = g.get(url_t(skp_id))
    assert dicentang(r, "tugas") == ["5M-1", "5M-2"] and "Konfirmasi tersimpan." in teks(r)

    # The atasan sees which ones the pegawai confirmed; the others cannot be ticked.
    r = ks.get(url_t(skp_id))
    assert teks(r).count("Dikonfirmasi pegawai") == 2
    assert teks(r).count("Belum dikonfirmasi pegawai") == 3
    assert kotak(r, "tugas", "5M-3") == {"disabled"}
    awal = jumlah_audit()
    r = kirim_t(ks, skp_id, {"tugas": ["5M-1", "5M-3"]})
    assert r.status_code == 422
    assert "Pegawai belum mengonfirmasi tugas: 5M-3" in galat(r)
    assert konfirmasi(skp_id, "tugas_atasan") == set() and jumlah_audit() == awal
    r = kirim_t(ks, skp_id, {"tugas": ["5M-1", "5M-2"]})
    assert r.status_code == 303
    assert konfirmasi(skp_id, "tugas_atasan") == {"5M-1", "5M-2"}
    assert aksi_audit_sejak(awal) == ["konfirmasi_atasan"]
    assert teks(g.get(url_t(skp_id))).count("dikonfirmasi atasan") == 2


def test_daftar_dokumen_guru_dengan_dan_tanpa_tugas_tambahan(buat_klien, rencana):
    from kinerja_web import aturan

    dok = aturan.muat_aturan("2025").dokumen("guru")
    dengan = rencana("guru", tugas_tambahan=True)
    tanpa = rencana("guru2", tugas_tambahan=False)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url_t(dengan))
    assert nilai_semua(r, "dokumen") == [
        "kosp", "rangkuman_kehadiran", "sk_tugas_tambahan"]
    for d in dok:  # the explanation column of the seed, shown as help text
        assert f"{d.nama} {' '.join(d.penjelasan.split())}" in teks(r)
    assert nilai_semua(r, "kelengkapan") == [
        "kompetensi", "tugas_tambahan"]
    assert "Konfirmasi Ketersediaan Dokumen" in teks(r)
    assert "Tidak ada dokumen yang diunggah" in teks(r) and 'type="file"' not in r.text
    r = ks.get(url_t(tanpa))
    assert nilai_semua(r, "dokumen") == [
        "kosp", "rangkuman_kehadiran"]
    assert nilai_semua(r, "kelengkapan") == ["kompetensi"]
    assert 'value="5M-5"' not in r.text


def test_daftar_dokumen_kepala_sekolah(buat_klien, rencana):
    """A principal's four documents: he ticks them on his own page (seed 001: "Kepala
    Sekolah mengkonfirmasi ketersediaan dokumen akuntabilitas"); his atasan's page lists
    them with their status and the validation form, without checkboxes of its own."""
    from kinerja_web import aturan

    skp_id = rencana("kepsek", posisi="kepala_sekolah")
    kadis, ks = masuk(buat_klien, "kadis"), masuk(buat_klien, "kepsek")
    r = ks.get(url_t(skp_id))
    assert r.status_code == 200
    assert nilai_semua(r, "dokumen") == [
        "ksp", "perencanaan_satuan", "laporan_satuan", "rangkuman_kehadiran"]
    for d in aturan.muat_aturan("2025").dokumen("kepala_sekolah"):
        assert f"{d.nama} {' '.join(d.penjelasan.split())}" in teks(r)
    r = kadis.get(url_t(skp_id))
    assert r.status_code == 200
    assert 'name="dokumen"' not in r.text
    assert nilai_semua(r, "tugas") == [
        "TPKS-1", "TPKS-2", "TPKS-3"]
    assert "Dokumen KSP: belum dikonfirmasi kepala sekolah" in teks(r)
    awal = jumlah_audit()
    r = kirim_t(ks, skp_id, {"dokumen": ["ksp", "laporan_satuan"]})
    assert r.status_code == 303
    assert konfirmasi(skp_id, "dokumen") == {"ksp", "laporan_satuan"}
    # One save, one audit row, with what changed per kind.
    assert aksi_audit_sejak(awal) == ["konfirmasi_tugas_pegawai"]
    assert data_audit_terakhir() == {"dokumen": {"tambah": ["ksp", "laporan_satuan"],
                                                 "hapus": []}}
    assert dicentang(ks.get(url_t(skp_id)), "dokumen") == ["ksp", "laporan_satuan"]
    awal = jumlah_audit()
    r = kirim_t(kadis, skp_id, {"kelengkapan": ["kompetensi"]})
    assert r.status_code == 303
    assert konfirmasi(skp_id, "kelengkapan") == {"kompetensi"}
    assert aksi_audit_sejak(awal) == ["konfirmasi_atasan"]
    assert data_audit_terakhir() == {"kelengkapan": {"tambah": ["kompetensi"], "hapus": []}}
    # Unticking removes the confirmation, audited again; the Tim Kerja sees the same.
    awal = jumlah_audit()
    assert kirim_t(ks, skp_id, {"dokumen": ["ksp"]}).status_code == 303
    assert konfirmasi(skp_id, "dokumen") == {"ksp"}
    assert data_audit_terakhir() == {"dokumen": {"tambah": [], "hapus": ["laporan_satuan"]}}
    r = masuk(buat_klien, "tim").get(url_t(skp_id))
    assert "Dokumen KSP: dikonfirmasi kepala sekolah" in teks(r)
    assert "Dokumen laporan satuan pendidikan: belum dikonfirmasi kepala sekolah" in teks(r)


def test_kelengkapan_dicentang_atasan(buat_klien, rencana):
    skp_id = rencana("guru", tugas_tambahan=True)
    ks = masuk(buat_klien, "kepsek")
    r = kirim_t(ks, skp_id, {"kelengkapan": ["kompetensi", "tugas_tambahan"]})
    assert r.status_code == 303
    assert konfirmasi(skp_id, "kelengkapan") == {"kompetensi", "tugas_tambahan"}
    r = ks.get(url_t(skp_id))
    assert "Pengembangan Kompetensi sudah diperiksa" in teks(r)
    assert "Tugas Tambahan sudah diperiksa" in teks(r)
    assert dicentang(r, "kelengkapan") == ["kompetensi", "tugas_tambahan"]
    assert "disabled" not in kotak(r, "kelengkapan", "kompetensi")


@pytest.mark.parametrize("username,data", [
    ("guru2", {"tugas": ["5M-9"]}),
    ("guru2", {"tugas": ["5M-5"]}),  # no tugas tambahan in this SKP
    ("guru2", {"tugas": ["TPKS-1"]}),  # a principal's task
    ("kepsek", {"dokumen": ["ksp"]}),
    ("kepsek", {"dokumen": ["sk_tugas_tambahan"]}),
    ("kepsek", {"kelengkapan": ["tugas_tambahan"]}),
    ("kepsek", {"kelengkapan": ["apa_saja"]}),
])
def test_kode_konfirmasi_diubah_tangan_ditolak(buat_klien, rencana, username, data):
    skp_id = rencana("guru2", tugas_tambahan=False)
    k = masuk(buat_klien, username)
    awal = jumlah_audit()
    r = kirim_t(k, skp_id, data)
    assert r.status_code == 422 and "Butir konfirmasi tidak dikenal." in galat(r)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Konfirmasi)) == 0
    assert jumlah_audit() == awal


def test_pegawai_tidak_dapat_mengonfirmasi_dokumen(buat_klien, rencana):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = kirim_t(g, skp_id, {"tugas": ["5M-1"], "dokumen": ["kosp"],
                               "kelengkapan": ["kompetensi"]})
    assert r.status_code == 303
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-1"}
    assert konfirmasi(skp_id, "dokumen") == set() and konfirmasi(skp_id, "kelengkapan") == set()


@pytest.mark.parametrize("headers", [{}, HX])
def test_tugas_dua_tab_versi_basi_409_centang_tetap(buat_klien, rencana, headers):
    skp_id = rencana("guru")
    tab1, tab2 = masuk(buat_klien, "guru"), masuk(buat_klien, "guru")
    v1, v2 = versi_di(tab1.get(url_t(skp_id))), versi_di(tab2.get(url_t(skp_id)))
    assert kirim_t(tab1, skp_id, {"tugas": ["5M-1"]}, versi=v1).status_code == 303
    awal = jumlah_audit()
    r = kirim_t(tab2, skp_id, {"tugas": ["5M-2", "5M-3"]}, versi=v2, headers=headers)
    assert r.status_code == 409
    assert ("<html" in r.text) == (not headers)
    assert "Konfirmasi ini baru saja diubah di tab atau perangkat lain." in galat(r)
    assert "Centang Anda di bawah belum tersimpan" in galat(r)
    assert dicentang(r, "tugas") == ["5M-2", "5M-3"]  # what this tab ticked stays
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-1"} and jumlah_audit() == awal
    # Saving from the 409 page (it carries the current version) goes through.
    r = kirim_t(tab2, skp_id, {"tugas": ["5M-2", "5M-3"]}, versi=versi_di(r))
    assert r.status_code == 303
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-2", "5M-3"}


def test_tugas_halaman_atasan_basi_setelah_pegawai_mengubah(buat_klien, rencana):
    skp_id = rencana("guru")
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    assert kirim_t(g, skp_id, {"tugas": ["5M-1", "5M-2"]}).status_code == 303
    v = versi_di(ks.get(url_t(skp_id)))
    assert kirim_t(g, skp_id, {"tugas": ["5M-1"]}).status_code == 303
    r = kirim_t(ks, skp_id, {"tugas": ["5M-1", "5M-2"], "dokumen": ["kosp"]}, versi=v)
    assert r.status_code == 409
    assert "Belum dikonfirmasi pegawai" in teks(r)  # 5M-2 as it is now
    assert konfirmasi(skp_id, "tugas_atasan") == set() and konfirmasi(skp_id, "dokumen") == set()


@pytest.mark.parametrize("versi", ["abc", "", "-1", "99999999999999999999"])
def test_tugas_versi_diubah_tangan_409(buat_klien, rencana, versi):
    skp_id = rencana("guru")
    g = masuk(buat_klien, "guru")
    r = kirim_t(g, skp_id, {"tugas": ["5M-1"]}, versi=versi)
    assert r.status_code == 409 and konfirmasi(skp_id, "tugas_pegawai") == set()


def test_pegawai_tidak_dapat_membatalkan_tugas_yang_dikonfirmasi_atasan(buat_klien, rencana):
    # The atasan confirms on top of the pegawai's confirmation; withdrawing it underneath
    # would leave the atasan's standing alone. The atasan withdraws his first.
    skp_id = rencana("guru")
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    assert kirim_t(g, skp_id, {"tugas": ["5M-1", "5M-2"]}).status_code == 303
    assert kirim_t(ks, skp_id, {"tugas": ["5M-1"]}).status_code == 303
    r = g.get(url_t(skp_id))
    assert kotak(r, "tugas", "5M-1") == {"checked", "disabled"}
    assert '<input type="hidden" name="tugas" value="5M-1">' in r.text
    assert kotak(r, "tugas", "5M-2") == {"checked"}
    # The form as the browser sends it with 5M-2 unticked: 5M-1 stays (hidden field).
    awal = jumlah_audit()
    assert kirim_t(g, skp_id, {"tugas": ["5M-1"]}).status_code == 303
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-1"}
    assert aksi_audit_sejak(awal) == ["konfirmasi_tugas_pegawai"]
    # A hand-made request without it is refused; nothing changes.
    awal = jumlah_audit()
    r = kirim_t(g, skp_id, {"tugas": ["5M-3"]})
    assert r.status_code == 422
    assert ("Tugas yang sudah dikonfirmasi atasan tidak dapat dibatalkan: 5M-1. Minta atasan "
            "membatalkan konfirmasinya dahulu.") in galat(r)
    assert konfirmasi(skp_id, "tugas_pegawai") == {"5M-1"} and jumlah_audit() == awal
    assert konfirmasi(skp_id, "tugas_atasan") == {"5M-1"}
    # Once the atasan withdraws his confirmation, the pegawai may withdraw too.
    assert kirim_t(ks, skp_id, {"tugas": []}).status_code == 303
    assert kirim_t(g, skp_id, {"tugas": []}).status_code == 303
    assert konfirmasi(skp_id, "tugas_pegawai") == set()


# ------------------------------------------------------------------ 5. the atasan's list


def test_daftar_kolom_dan_hanya_rencana_yang_disepakati(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    rencana("guru2", sampai="disetujui")
    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/penilaian")
    assert r.status_code == 200
    assert "Daftar Penilaian Kinerja" in teks(r)
    assert kolom(r) == KOLOM_SEKOLAH
    rows = baris_daftar(r)
    assert [b[:5] for b in rows] == [
        ["Guru Satu", "PNS", "–", "Diskusi persiapan", "Belum dinilai"]]
    assert "Cek" in rows[0][-1] and f'href="{url(skp_id, 1)}">Cek</a>' in r.text
    assert "Guru Dua" not in r.text
    majukan(skp_id, 2)
    assert baris_daftar(ks.get("/penilaian"))[0][2:4] == [
        "Rabu, 12 Februari 2025", "Rating observasi"]


@pytest.mark.parametrize("tahap,label", [
    (0, "Diskusi persiapan"), (1, "Diskusi persiapan"), (2, "Rating observasi"),
    (3, "Nilai tindak lanjut"), (4, "Nilai tindak lanjut"), (5, "Nilai refleksi tindak lanjut"),
    (6, "Sudah selesai"),
])
def test_status_praktik_di_daftar(buat_klien, rencana, majukan, tahap, label):
    skp_id = rencana("guru")
    if tahap:
        majukan(skp_id, tahap)
    r = masuk(buat_klien, "kepsek").get("/penilaian")
    assert baris_daftar(r)[0][3] == label


def test_jumlah_tiap_tab_sama_dengan_barisnya(app, demo, buat_klien):
    k = buat_klien()
    k.masuk("kepsek1", SANDI_DEMO)
    r = k.get("/penilaian")
    hitung = jumlah_tab(r)
    assert list(hitung) == list(LABEL_TAB)
    # The demo has someone in every stage at kepsek1's school (guru7 … guru12).
    assert all(hitung[t] > 0 for t in LABEL_TAB), hitung
    assert hitung["semua"] == sum(n for t, n in hitung.items() if t != "semua")
    assert hitung["semua"] == len([u for u in PELAKSANAAN_DEMO if u in {
        f"guru{i}" for i in range(1, 13)}])
    for tab, label in LABEL_TAB.items():
        r = k.get(f"/penilaian?tab={tab}")
        rows = baris_daftar(r)
        assert len(rows) == hitung[tab], tab
        assert f'aria-current="page">{label} ({hitung[tab]})</a>' in r.text
        if tab != "semua":
            assert {b[3] for b in rows} == {label}, tab
    # The Dinas' list over principals counts the same way.
    k = buat_klien()
    k.masuk("kadis", SANDI_DEMO)
    hitung = jumlah_tab(k.get("/penilaian"))
    for tab in LABEL_TAB:
        assert len(baris_daftar(k.get(f"/penilaian?tab={tab}"))) == hitung[tab], tab


def test_cari_nama_halaman_penuh_dan_fragmen(buat_klien, rencana, make_pegawai, dunia):
    rencana("guru")
    rencana("guru2")
    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/penilaian?q=dua")
    assert "<html" in r.text and [b[0] for b in baris_daftar(r)] == ["Guru Dua"]
    assert 'value="dua"' in r.text
    assert jumlah_tab(r)["semua"] == 1
    r = ks.get("/penilaian?q=GURU", headers=HX)
    assert "<html" not in r.text and r.text.lstrip().startswith('<section id="hasil">')
    assert [b[0] for b in baris_daftar(r)] == ["Guru Dua", "Guru Satu"]
    assert "HX-Request" in r.headers.get("Vary", "")
    r = ks.get("/penilaian?q=%25", headers=HX)  # a LIKE wildcard is literal
    assert baris_daftar(r) == [] and "Tidak ada yang cocok." in teks(r)


def test_halaman_per_50_baris(buat_klien, rencana, make_pegawai, dunia):
    for u in guru_baru(make_pegawai, dunia.sekolah, 53):
        rencana(u)
    ks = masuk(buat_klien, "kepsek")
    r = ks.get("/penilaian")
    assert len(baris_daftar(r)) == 50 and jumlah_tab(r)["semua"] == 53
    assert "Halaman 1 dari 2" in teks(r)
    r = ks.get(atribut(r, 'a[rel="next"]', "href"))
    assert len(baris_daftar(r)) == 3 and "Halaman 2 dari 2" in teks(r)
    assert baris_daftar(r)[-1][0] == "Dra. Sri Rahayuningsih Wahyuningtyas 52, S.Pd., M.Pd."


@pytest.fixture
def kadis_lain(dunia, make_pegawai, tugaskan):
    """A Kepala Dinas for the second Dinas, so its principal can agree a plan."""
    p = make_pegawai(dinas=dunia.dinas_lain, username="kadis_lain", nama="Kadis Lain",
                     jabatan="Kepala Dinas", golongan="IV/c")
    tugaskan(p, "kepala_dinas")
    db.session.commit()
    return "kadis_lain"


def test_daftar_dinas_dan_tim_kerja_berisi_kepala_sekolah(buat_klien, rencana, majukan,
                                                         kadis_lain):
    skp_ks = rencana("kepsek", posisi="kepala_sekolah")
    rencana("guru")
    rencana("kepsek_lain", posisi="kepala_sekolah")
    majukan(skp_ks, 2, fokus=("Kepala sekolah memberi umpan balik",))
    for username in ("kadis", "tim"):
        r = masuk(buat_klien, username).get("/penilaian")
        assert r.status_code == 200
        assert kolom(r) == ["Nama", "Satuan Pendidikan", "Tim Kerja", *KOLOM_SEKOLAH[1:]]
        assert [b[:6] for b in baris_daftar(r)] == [[
            "Kepala Satu", "SD NEGERI 1 SATU", "Tim Satu", "PNS", "Rabu, 12 Februari 2025",
            "Rating observasi"]], username
        assert "Ketik nama kepala sekolah" in teks(r)
        # "Cek" opens the step the cycle is at (issue #15): the observation.
        assert f'href="{url(skp_ks, 2)}">Cek</a>' in r.text
    # The principal's own list is of his teachers; the Dinas view is one argument away.
    r = masuk(buat_klien, "kepsek").get("/penilaian")
    assert [b[0] for b in baris_daftar(r)] == ["Guru Satu"]
    assert masuk(buat_klien, "guru").get("/penilaian").status_code == 403
    # The other Dinas sees its own principal only.
    r = masuk(buat_klien, kadis_lain).get("/penilaian")
    assert [b[0] for b in baris_daftar(r)] == ["Kepala Lain"]


def test_menu_penilaian_ke_daftar_dan_alamat_lama_diteruskan(buat_klien, rencana):
    """The menu's "Penilaian" opens /penilaian; a bookmark of the old address still lands
    there with its filters."""
    rencana("guru")
    ks = masuk(buat_klien, "kepsek")
    assert '<a href="/penilaian">Penilaian</a>' in ks.get("/").text
    r = ks.get("/pelaksanaan/daftar?tab=selesai&q=Guru")
    assert r.status_code == 301
    assert r.headers["Location"] == "/penilaian?tab=selesai&q=Guru"
    assert "Daftar Penilaian Kinerja" in ks.get(r.headers["Location"]).text


@pytest.mark.parametrize("username", ["kepsek_lain", "guru_lain", "guru2", "plt", "guru3",
                                      "operator", "kadis", "tim"])
def test_halaman_guru_tertutup_bagi_sekolah_atau_dinas_lain(buat_klien, rencana, majukan,
                                                            username):
    skp_id = rencana("guru")
    majukan(skp_id, 6)
    k = masuk(buat_klien, username)
    for u in [url(skp_id, n) for n in range(1, 6)] + [url_k(skp_id), url_t(skp_id)]:
        assert k.get(u).status_code == 404, u
        assert k.post(u, {"aksi": "kembalikan", "catatan": "x", "versi": "9"}
                      ).status_code == 404, u
    assert praktik(skp_id).status_refleksi == "diterima"
    r = k.get("/penilaian")
    assert r.status_code in (200, 403) and "Guru Satu" not in r.text


def test_kepala_sekolah_dinas_lain_tertutup(buat_klien, rencana, kadis_lain):
    skp_id = rencana("kepsek_lain", posisi="kepala_sekolah")
    for username in ("kadis", "tim", "kepsek"):
        k = masuk(buat_klien, username)
        assert k.get(url(skp_id, 1)).status_code == 404, username
        assert "Kepala Lain" not in k.get("/penilaian").text


# ------------------------------------------------------------------ 6. a bad connection


TEKS_SULIT = ('Baris satu — “kutip” é ā 🙂 ꦲꦏ\nBaris dua\n\n'
              '<script>alert("x")</script> & <b>tebal</b>')


def test_teks_panjang_disimpan_dan_ditampilkan_persis(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 3)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    panjang = (TEKS_SULIT + "\n") * 40  # about 3,000 characters
    data = {**TINDAK_LANJUT, "tl_tantangan": panjang.replace("\n", "\r\n"),
            "tl_dukungan": TEKS_SULIT.replace("\n", "\r\n")}
    assert kirim(g, skp_id, 3, data, "kirim").status_code == 303
    p = praktik(skp_id)
    assert p.tl_tantangan == panjang and p.tl_dukungan == TEKS_SULIT
    # The pegawai's form (still editable until accepted) shows it exactly.
    r = g.get(url(skp_id, 3))
    assert isi_textarea(r, "tl_tantangan") == panjang
    assert isi_textarea(r, "tl_dukungan") == TEKS_SULIT
    # The atasan reads it escaped, line breaks kept (the `teks` class preserves them).
    r = ks.get(url(skp_id, 3))
    aman = ('<dd class="teks">Baris satu — “kutip” é ā 🙂 ꦲꦏ\nBaris dua\n\n'
            '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;tebal&lt;/b&gt;</dd>')
    assert aman in r.text
    assert kirim(ks, skp_id, 3, {"nilai": "2"}, "terima").status_code == 303
    assert aman in g.get(url(skp_id, 3)).text  # read-only for the pegawai now
    # Progress notes, the reflection and the atasan's note go the same way.
    assert kirim(g, skp_id, 4, {"tanggal": "2025-03-03", "isi": TEKS_SULIT}, "tambah"
                 ).status_code == 303
    assert kirim(g, skp_id, 5, {**REFLEKSI, "refleksi_praktik": TEKS_SULIT}, "kirim"
                 ).status_code == 303
    assert kirim(ks, skp_id, 5, {"catatan": TEKS_SULIT}, "kembalikan").status_code == 303
    for k in (g, ks):
        for n in (1, 2, 3, 4, 5):
            r = k.get(url(skp_id, n))
            assert "<script>alert" not in r.text and "<b>tebal" not in r.text, n
    assert '<span class="teks">' + aman[len('<dd class="teks">'):-len("</dd>")] in \
        ks.get(url(skp_id, 4)).text
    r = g.get(url(skp_id, 5))
    assert isi_textarea(r, "refleksi_praktik") == TEKS_SULIT
    # Shown escaped: the paragraph holds the label and the note as text, no markup.
    catatan = [p for p in dom(r).css("p") if teks_css(p.html, "strong") == "Dikembalikan atasan:"]
    assert len(catatan) == 1 and [el.tag for el in catatan[0].css("*")] == ["p", "strong"]
    assert catatan[0].text(deep=True) == "Dikembalikan atasan: " + unescape(
        aman[len('<dd class="teks">'):-len("</dd>")])


def test_nama_dengan_tanda_html_aman_di_daftar(buat_klien, rencana, make_pegawai, dunia):
    make_pegawai(sekolah=dunia.sekolah, username="aneh", nama='Guru <script>x()</script> & "Q"')
    db.session.commit()
    skp_id = rencana("aneh")
    ks = masuk(buat_klien, "kepsek")
    for u in ("/penilaian", url(skp_id, 1), url_k(skp_id), url_t(skp_id)):
        r = ks.get(u)
        assert "<script>x()" not in r.text, u
        assert "Guru &lt;script&gt;x()&lt;/script&gt; &amp; &#34;Q&#34;" in r.text, u


def test_galat_validasi_menampilkan_teks_utuh(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 3)
    g = masuk(buat_klien, "guru")
    data = {**TINDAK_LANJUT, "tl_tantangan": TEKS_SULIT, "tl_dukungan": ""}
    for headers in ({}, HX):
        r = kirim(g, skp_id, 3, data, "kirim", headers=headers)
        assert r.status_code == 422
        assert "Lengkapi dulu semua isian sebelum mengirim ke atasan." in galat(r)
        assert isi_textarea(r, "tl_tantangan") == TEKS_SULIT
        assert isi_textarea(r, "tl_tujuan") == TINDAK_LANJUT["tl_tujuan"]
    assert praktik(skp_id).status_tindak_lanjut == "belum"
    terlalu = "x" * 5001
    r = kirim(g, skp_id, 3, {**TINDAK_LANJUT, "tl_upaya": terlalu}, "simpan")
    assert r.status_code == 422 and "Maksimal 5000 karakter." in teks(r)
    assert isi_textarea(r, "tl_upaya") == terlalu


def test_simpan_otomatis_tanpa_mengubah_status(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 4)
    ks, g = masuk(buat_klien, "kepsek"), masuk(buat_klien, "guru")
    assert kirim(ks, skp_id, 3, {"catatan": "Perjelas tujuan."}, "kembalikan"
                 ).status_code == 303
    versi = versi_di(g.get(url(skp_id, 3)))
    awal = jumlah_audit()
    r = kirim(g, skp_id, 3, {**TINDAK_LANJUT, "tl_tujuan": "Sedang diketik…"}, "otomatis",
              versi=versi, headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    status = teks_css(r, "p#status-simpan")
    assert status.startswith("Draf tersimpan otomatis ") and status[24:25].isdigit(), status
    baru = atribut(r, 'input#versi[name="versi"][type="hidden"][hx-swap-oob="true"]', "value")
    assert baru and int(baru) == int(versi) + 1
    assert terkompresi(r) < 600
    p = praktik(skp_id)
    assert p.tl_tujuan == "Sedang diketik…" and p.status_tindak_lanjut == "dikembalikan"
    assert p.catatan_tindak_lanjut == "Perjelas tujuan."
    assert aksi_audit_sejak(awal) == ["praktik_3_otomatis"]
    # The next save with the version from the fragment goes through.
    assert kirim(g, skp_id, 3, TINDAK_LANJUT, "kirim", versi=baru).status_code == 303
    assert praktik(skp_id).status_tindak_lanjut == "diajukan"


def test_simpan_otomatis_rubrik_atasan(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 2)
    ks = masuk(buat_klien, "kepsek")
    r = kirim(ks, skp_id, 2, {"hasil_0": "efektif", "catatan_0": TEKS_SULIT,
                              "rekomendasi": "Separuh"}, "otomatis", headers=HX)
    assert r.status_code == 200 and "Draf tersimpan otomatis" in r.text
    p = praktik(skp_id)
    assert p.status_observasi == "belum" and p.rekomendasi == "Separuh"
    assert p.rubrik[0] == {"fokus": p.fokus_perilaku[0], "hasil": "efektif",
                           "catatan": TEKS_SULIT}
    r = ks.get(url(skp_id, 2))
    assert isi_textarea(r, "catatan_0") == TEKS_SULIT
    assert "checked" in kotak(r, "hasil_0", "efektif")


@pytest.mark.parametrize("headers", [{}, HX])
def test_dua_tab_versi_basi_409_tanpa_menimpa(buat_klien, rencana, majukan, headers):
    skp_id = rencana("guru")
    majukan(skp_id, 3)
    tab1, tab2 = masuk(buat_klien, "guru"), masuk(buat_klien, "guru")
    v1, v2 = versi_di(tab1.get(url(skp_id, 3))), versi_di(tab2.get(url(skp_id, 3)))
    assert kirim(tab1, skp_id, 3, {**TINDAK_LANJUT, "tl_tujuan": "Dari tab satu."},
                 versi=v1).status_code == 303
    r = kirim(tab2, skp_id, 3, {**TINDAK_LANJUT, "tl_tujuan": TEKS_SULIT}, versi=v2,
              headers=headers)
    assert r.status_code == 409
    assert "Data ini baru saja diubah oleh orang lain atau di tab lain." in teks(r)
    assert "Isian Anda di bawah belum tersimpan." in teks(r)
    assert isi_textarea(r, "tl_tujuan") == TEKS_SULIT
    assert ("<html" in r.text) == (not headers)
    assert praktik(skp_id).tl_tujuan == "Dari tab satu."
    # Saving again from the 409 page (it carries the current version) goes through.
    r = kirim(tab2, skp_id, 3, {**TINDAK_LANJUT, "tl_tujuan": TEKS_SULIT},
              versi=versi_di(r))
    assert r.status_code == 303
    assert praktik(skp_id).tl_tujuan == TEKS_SULIT


def test_dua_tab_refleksi_kompetensi_409(buat_klien, rencana):
    skp_id = rencana("guru")
    tab1, tab2 = masuk(buat_klien, "guru"), masuk(buat_klien, "guru")
    assert kirim_k(tab1, skp_id, isian_k(["Awal."], ["Awal."])).status_code == 303
    v = versi_di(tab2.get(url_k(skp_id)))
    assert kirim_k(tab1, skp_id, isian_k(["Tab satu."], ["Tab satu."])).status_code == 303
    r = kirim_k(tab2, skp_id, isian_k([TEKS_SULIT], ["Tab dua."]), versi=v)
    assert r.status_code == 409
    assert "Isian Anda di bawah belum tersimpan" in galat(r)
    assert isi_textarea(r, "inspirasi_0") == TEKS_SULIT
    assert refleksi(skp_id).inspirasi == ["Tab satu."]
    r = kirim_k(tab2, skp_id, isian_k([TEKS_SULIT[:250]], ["Tab dua."]), versi=versi_di(r))
    assert r.status_code == 303


@pytest.mark.parametrize("versi", ["abc", "", "-1", "99999999999999999999"])
def test_versi_diubah_tangan_409_bukan_galat_server(buat_klien, rencana, majukan, versi):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    g = masuk(buat_klien, "guru")
    assert kirim_k(g, skp_id, isian_k(["a"], ["b"])).status_code == 303
    r = kirim(g, skp_id, 1, PERSIAPAN, "kirim", versi=versi)
    assert r.status_code == 409 and PERSIAPAN["upaya_belajar"] in r.text
    assert kirim_k(g, skp_id, isian_k(["c"], ["d"]), versi=versi).status_code == 409
    assert refleksi(skp_id).inspirasi == ["a"]


@pytest.mark.parametrize("headers", [{}, HX])
def test_catatan_upaya_dikirim_dua_kali_tersimpan_sekali(buat_klien, rencana, majukan,
                                                         headers):
    skp_id = rencana("guru")
    majukan(skp_id, 5)
    g = masuk(buat_klien, "guru")
    r = g.get(url(skp_id, 4))
    kunci = nilai(r, "kunci")
    assert kunci
    data = {"tanggal": "2025-03-03", "isi": "Sekali saja.", "kunci": kunci}
    versi = versi_di(r)
    awal = jumlah_audit()
    for _ in range(2):
        r = kirim(g, skp_id, 4, data, "tambah", versi=versi, headers=headers)
        assert r.status_code == (200 if headers else 303), (r.status_code, galat(r))
        assert "belum tersimpan" not in r.text
        if headers:  # the step's fragment, with the note listed once
            assert teks(r).count("Sekali saja.") == 1
    assert [u.isi for u in praktik(skp_id).upaya] == ["Sekali saja."]
    assert aksi_audit_sejak(awal) == ["praktik_4_upaya"]
    # The next form carries a new key: a second, different note is stored.
    r = g.get(url(skp_id, 4))
    assert teks(r).count("Sekali saja.") == 1
    baru = nilai(r, "kunci")
    assert baru
    assert baru != kunci
    assert kirim(g, skp_id, 4, {**data, "kunci": baru, "isi": "Kedua."}, "tambah"
                 ).status_code == 303
    assert [u.isi for u in praktik(skp_id).upaya] == ["Sekali saja.", "Kedua."]


# ------------------------------------------------------------------ 7. htmx both ways


def judul_langkah(html):
    """The number of the step whose heading the page shows (the h2 that gets focus)."""
    judul = teks_css(html, "h2[data-judul-langkah]")
    nomor, titik, _ = judul.partition(". ")
    return int(nomor) if titik and nomor.isdigit() else None


@pytest.mark.parametrize("username", ["guru", "kepsek"])
@pytest.mark.parametrize("tahap", [1, 6])
def test_langkah_dua_arah(buat_klien, rencana, majukan, username, tahap):
    skp_id = rencana("guru")
    majukan(skp_id, tahap)
    k = masuk(buat_klien, username)
    for n in range(1, 6):
        r = k.get(url(skp_id, n), headers=HX)
        assert r.status_code == 200
        assert "<html" not in r.text and r.text.lstrip().startswith('<section id="langkah"')
        assert judul_langkah(r.text) == n
        assert "HX-Request" in r.headers["Vary"]
        r = k.get(url(skp_id, n))
        assert "<html" in r.text and judul_langkah(r.text) == n
        assert "HX-Request" in r.headers["Vary"]
        # A boosted link (hx-boost on the body) gets the main content, swapped into <main>.
        r = k.get(url(skp_id, n), headers={**HX, "HX-Boosted": "true"})
        assert "<html" not in r.text and judul_langkah(r.text) == n
        assert r.headers["HX-Retarget"] == "#konten"


@pytest.mark.parametrize("siapa,n,data,aksi,tahap,tujuan,pesan", [
    ("kepsek", 1, {"jadwal_observasi": "2025-02-14"}, "sepakati", 1, 2,
     "Jadwal observasi disepakati."),
    ("guru", 1, PERSIAPAN, "kirim", 0, 1, "Terkirim ke atasan."),
    ("kepsek", 2, {"hasil_0": "efektif", "hasil_1": "efektif", "rekomendasi": "Ok."},
     "selesai", 2, 2, "Observasi selesai"),
    ("kepsek", 3, {"nilai": "2"}, "terima", 4, 3, "Diskusi tindak lanjut diterima."),
    ("guru", 4, {"tanggal": "2025-03-03", "isi": "Catatan."}, "tambah", 5, 4,
     "Catatan upaya tersimpan."),
])
def test_post_berhasil_htmx_satu_permintaan_tanpa_js_303(buat_klien, rencana, majukan, siapa,
                                                        n, data, aksi, tahap, tujuan, pesan):
    skp_ids = [rencana("guru"), rencana("guru2")]
    for s in skp_ids:
        if tahap:
            majukan(s, tahap)
    k = masuk(buat_klien, siapa)
    k2 = masuk(buat_klien, "guru2" if siapa == "guru" else siapa)
    r = kirim(k, skp_ids[0], n, data, aksi, headers=HX)
    assert r.status_code == 200
    assert r.headers["HX-Push-Url"] == url(skp_ids[0], tujuan)
    assert "<html" not in r.text and judul_langkah(r.text) == tujuan and pesan in teks(r)
    r = kirim(k2, skp_ids[1], n, data, aksi)
    assert r.status_code == 303 and r.headers["Location"] == url(skp_ids[1], tujuan)
    assert pesan in teks(k2.get(r.headers["Location"]))


def satu_permintaan(r):
    """An htmx save answered in one response: the fragment to swap in, no redirect to
    follow (neither 3xx nor HX-Redirect) and nothing deferred to a second request."""
    assert r.status_code == 200, r.status_code
    assert "HX-Redirect" not in r.headers and "HX-Location" not in r.headers
    assert "Location" not in r.headers and "HX-Refresh" not in r.headers
    assert "<html" not in badan(r)
    return r


@pytest.mark.parametrize("halaman", ["kompetensi", "validasi", "tugas pegawai",
                                     "tugas atasan"])
def test_simpan_kompetensi_dan_tugas_htmx_satu_permintaan_tanpa_js_303(
        buat_klien, rencana, halaman):
    skp_ids = [rencana("guru"), rencana("guru2")]
    g, g2, ks = (masuk(buat_klien, n) for n in ("guru", "guru2", "kepsek"))
    if halaman == "validasi":
        for k, s_id in ((g, skp_ids[0]), (g2, skp_ids[1])):
            assert kirim_k(k, s_id, isian_k(["I."], ["P."])).status_code == 303
    if halaman == "tugas atasan":
        for k, s_id in ((g, skp_ids[0]), (g2, skp_ids[1])):
            assert kirim_t(k, s_id, {"tugas": ["5M-1"]}).status_code == 303

    def simpan(s_id, k_pegawai, headers):
        if halaman == "kompetensi":
            return kirim_k(k_pegawai, s_id, isian_k(["Insp."], ["Terap."]), headers=headers)
        if halaman == "validasi":
            return kirim_k(ks, s_id, {}, "validasi", headers=headers)
        if halaman == "tugas pegawai":
            return kirim_t(k_pegawai, s_id, {"tugas": ["5M-1", "5M-2"]}, headers=headers)
        return kirim_t(ks, s_id, {"tugas": ["5M-1"], "dokumen": ["kosp"]}, headers=headers)

    pesan = {"kompetensi": "Refleksi tersimpan.", "validasi": "Validasi tersimpan."}.get(
        halaman, "Konfirmasi tersimpan.")
    alamat = (url_k if halaman in ("kompetensi", "validasi") else url_t)
    r = satu_permintaan(simpan(skp_ids[0], g, {**HX, **GZ}))
    assert terkompresi(r) <= BATAS_FRAGMEN
    html = badan(r)
    assert html.lstrip().startswith('<div id="isi"') and pesan in html
    # What was just saved is on the page, with the version for the next save.
    assert 'name="versi" type="hidden" value="' in html
    if halaman == "kompetensi":
        assert "Insp." in html and "Per isian tanggal" in html
    elif halaman == "validasi":
        assert "Saya sudah pastikan bahwa pelaksanaan Pegawai selesai —" in html
    elif halaman == "tugas pegawai":
        assert nilai_semua(html, "tugas", tercentang_saja=True) == ["5M-1", "5M-2"]
    else:
        assert nilai_semua(html, "dokumen", tercentang_saja=True) == ["kosp"]
    # Without JavaScript: Post/Redirect/Get, the message shown once on the next page.
    r = simpan(skp_ids[1], g2, {})
    assert r.status_code == 303 and r.headers["Location"] == alamat(skp_ids[1])
    assert pesan in teks((ks if "atasan" in halaman or halaman == "validasi" else g2
                          ).get(r.headers["Location"]))


def test_galat_dengan_htmx_fragmen_422(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    majukan(skp_id, 1)
    ks = masuk(buat_klien, "kepsek")
    r = kirim(ks, skp_id, 1, {"catatan": ""}, "kembalikan", headers=HX)
    assert r.status_code == 422 and "<html" not in r.text
    assert "Tulis catatan: apa yang perlu diperbaiki pegawai." in teks(r)


# ------------------------------------------------------------------ 8. budgets


def test_anggaran_ukuran_halaman_dan_fragmen(buat_klien, rencana, majukan, make_pegawai,
                                            dunia):
    # The heaviest pages: every step filled with long texts, and a list of 50 rows.
    skp_id = rencana("guru")
    majukan(skp_id, 6)
    tl = praktik(skp_id)
    for c in ("tl_tantangan", "tl_tujuan", "tl_upaya", "tl_jadwal", "tl_dukungan",
              "refleksi_praktik", "refleksi_perubahan", "refleksi_dampak", "upaya_belajar"):
        setattr(tl, c, "Kalimat yang cukup panjang untuk satu isian dokumen guru. " * 8)
    db.session.commit()
    for u in guru_baru(make_pegawai, dunia.sekolah, 55):
        rencana(u)
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    assert kirim_k(g, skp_id, isian_k(["i" * 250] * 3, ["p" * 250] * 3)).status_code == 303
    hasil = {}
    for nama, k in (("guru", g), ("kepsek", ks)):
        for u in [url(skp_id, n) for n in range(1, 6)] + [url_k(skp_id), url_t(skp_id)]:
            r = k.get(u, headers=GZ)
            assert r.status_code == 200
            hasil[f"{nama} {u}"] = halaman_plus_css(k, r)
            if "/praktik/" in u:
                r = k.get(u, headers={**GZ, **HX})
                assert "<html" not in badan(r)
                hasil[f"{nama} {u} htmx"] = terkompresi(r)
    r = ks.get("/penilaian", headers=GZ)
    assert len(baris_daftar(ks.get("/penilaian"))) == 50
    hasil["daftar 50"] = halaman_plus_css(ks, r)
    hasil["daftar 50 htmx"] = terkompresi(ks.get("/penilaian?q=a",
                                                 headers={**GZ, **HX}))
    lebih = {k_: n for k_, n in hasil.items()
             if n > (BATAS_FRAGMEN if k_.endswith("htmx") else BATAS_HALAMAN)}
    assert not lebih, lebih


def test_anggaran_fragmen_simpan(buat_klien, rencana, majukan):
    skp_id = rencana("guru")
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    hasil = {}
    langkah = [
        (g, 1, PERSIAPAN, "otomatis"), (g, 1, PERSIAPAN, "kirim"),
        (ks, 1, {"jadwal_observasi": "2025-02-14"}, "sepakati"),
        (ks, 2, {"hasil_0": "efektif", "rekomendasi": "L."}, "otomatis"),
        (ks, 2, {"hasil_0": "efektif", "hasil_1": "efektif", "rekomendasi": "L."}, "selesai"),
        (g, 3, TINDAK_LANJUT, "kirim"), (ks, 3, {"nilai": "2"}, "terima"),
        (g, 4, {"tanggal": "2025-03-17", "isi": "K."}, "tambah"),
        (g, 5, REFLEKSI, "kirim"), (ks, 5, {"nilai": "2"}, "terima"),
    ]
    for k, n, data, aksi in langkah:
        r = satu_permintaan(kirim(k, skp_id, n, data, aksi, headers={**GZ, **HX}))
        hasil[f"{n} {aksi}"] = terkompresi(r)
    r = kirim_k(g, skp_id, isian_k(["i" * 250] * 3, ["p" * 250] * 3), "otomatis",
                headers={**GZ, **HX})
    hasil["kompetensi otomatis"] = terkompresi(r)
    # The saves that stay on their page answer with the page's section (one request).
    r = satu_permintaan(kirim_k(g, skp_id, isian_k(["i" * 250] * 3, ["p" * 250] * 3),
                                headers={**GZ, **HX}))
    hasil["kompetensi simpan"] = terkompresi(r)
    hasil["validasi"] = terkompresi(satu_permintaan(
        kirim_k(ks, skp_id, {}, "validasi", headers={**GZ, **HX})))
    tugas = ["5M-1", "5M-2", "5M-3", "5M-4", "5M-5"]
    hasil["tugas pegawai"] = terkompresi(satu_permintaan(
        kirim_t(g, skp_id, {"tugas": tugas}, headers={**GZ, **HX})))
    hasil["tugas atasan"] = terkompresi(satu_permintaan(kirim_t(ks, skp_id, {
        "tugas": tugas, "dokumen": ["kosp", "rangkuman_kehadiran", "sk_tugas_tambahan"],
        "kelengkapan": ["kompetensi", "tugas_tambahan"]}, headers={**GZ, **HX})))
    lebih = {k_: n for k_, n in hasil.items() if n > BATAS_FRAGMEN}
    assert not lebih, lebih


def test_anggaran_query_halaman(buat_klien, rencana, majukan, hitung_query):
    skp_id = rencana("guru")
    majukan(skp_id, 6)
    hasil = {}
    for nama in ("guru", "kepsek"):
        k = masuk(buat_klien, nama)
        for u in [url(skp_id, n) for n in range(1, 6)] + [url_k(skp_id), url_t(skp_id),
                                                           "/pelaksanaan"]:
            for h in ({}, HX):
                with hitung_query() as q:
                    r = k.get(u, headers=h)
                assert r.status_code == 200
                hasil[f"{nama} GET {u} {bool(h)}"] = len(q)
    lebih = {k_: n for k_, n in hasil.items() if n > BATAS_QUERY}
    assert not lebih, lebih


def test_anggaran_query_daftar_penilaian_kepala_sekolah(buat_klien, rencana, majukan,
                                                       hitung_query):
    """The principal's Daftar Penilaian Kinerja in 3 queries whatever the tab or search:
    the signed-in user (with his Dinas' years), every tab's count with "siap dikirim" (one
    query), the page of rows (was 5: "siap dikirim" was counted apart, the years too)."""
    for n, nama in enumerate(("guru", "guru2")):
        majukan(rencana(nama), 6 - 2 * n)
    k = masuk(buat_klien, "kepsek")
    for u in ("/penilaian", "/penilaian?tab=observasi",
              "/penilaian?q=Guru"):
        for h in ({}, HX, {**HX, "HX-Boosted": "true"}):
            with hitung_query() as q:
                r = k.get(u, headers=h)
            assert r.status_code == 200, u
            assert len(q) <= 3, (u, h, q)
    r = k.get("/penilaian")
    assert "Guru Satu" in r.text and "Guru Dua" in r.text
    assert any(teks_dari(s).isdigit() and s.next is not None and s.next.tag == "-text"
               and s.next.text().startswith(" penilaian siap dikirim")
               for s in dom(r).css("strong"))


def test_anggaran_query_daftar_penilaian_tidak_tumbuh_dengan_jumlah_guru(
        buat_klien, dunia, rencana, majukan, make_pegawai, hitung_query):
    """8 teachers at every stage of the cycle cost the principal's list as many queries
    as 2 (nothing is asked per row), and every one of them is listed."""
    def ukur():
        k = masuk(buat_klien, "kepsek")
        jumlah = set()
        for h in ({}, HX, {**HX, "HX-Boosted": "true"}):
            with hitung_query() as q:
                r = k.get("/penilaian", headers=h)
            assert r.status_code == 200
            jumlah.add(len(q))
        return jumlah, len(baris_daftar(r))

    for n, nama in enumerate(("guru", "guru2")):
        majukan(rencana(nama), 6 - 2 * n)
    dua = ukur()
    for i in range(6):
        make_pegawai(sekolah=dunia.sekolah, username=f"guru_lagi{i}", nama=f"Guru Lagi {i}")
    db.session.commit()
    for i in range(6):
        majukan(rencana(f"guru_lagi{i}"), i + 1)
    assert (dua, ukur()) == (({3}, 2), ({3}, 8))


class Pengukur:
    """Runs requests and records the SQL statements each sent (BEGIN/COMMIT/SAVEPOINT
    excluded); anything a request needs from the test (a page's version) is fetched
    before counting starts."""

    def __init__(self, hitung_query, headers):
        self.hitung_query, self.headers, self.hasil, self.sql = hitung_query, headers, {}, {}

    def __call__(self, nama, status, kirim_fn):
        with self.hitung_query() as q:
            r = kirim_fn(self.headers)
        assert r.status_code == status, (nama, r.status_code, galat(r), teks(r)[-300:])
        self.hasil[nama] = len(q)
        self.sql[nama] = q
        return r

    def langkah(self, nama, k, skp_id, n, data, aksi, ok=True, versi=None):
        if versi is None:  # a step without a form: what a page of another step carries
            versi = nilai(k.get(url(skp_id, n)), "versi") or str(praktik(skp_id).versi)
        status = (200 if self.headers else 303) if ok is True else ok
        return self(nama, status, lambda h: kirim(k, skp_id, n, data, aksi, versi=versi,
                                                  headers=h))

    def kompetensi(self, nama, k, skp_id, data, aksi, ok=True, versi=None):
        versi = versi or versi_di(k.get(url_k(skp_id)))
        status = (200 if self.headers or aksi == "otomatis" else 303) if ok is True else ok
        return self(nama, status, lambda h: kirim_k(k, skp_id, data, aksi, versi=versi,
                                                    headers=h))

    def tugas(self, nama, k, skp_id, data, ok=True, versi=None):
        versi = versi or versi_di(k.get(url_t(skp_id)))
        status = (200 if self.headers else 303) if ok is True else ok
        return self(nama, status, lambda h: kirim_t(k, skp_id, data, versi=versi, headers=h))

    def validasi(self, nama, k, skp_id, data, ok=True):
        versi = versi_di(k.get(url_t(skp_id)))
        status = (200 if self.headers else 303) if ok is True else ok
        return self(nama, status, lambda h: k.post(f"{url_t(skp_id)}/validasi-dokumen",
                                                   {**data, "versi": versi}, headers=h))

    def lebih(self):
        return {k: (n, [q[:90] for q in self.sql[k]]) for k, n in self.hasil.items()
                if n > (BATAS_QUERY if " GET " in k else BATAS_QUERY_TULIS)}


def penilaian_dengan_rating(skp_id):
    """The atasan's ratings as the assessment pages store them (so every save of the cycle
    also keeps `lengkap` current, the costliest case)."""
    from kinerja_web.models.penilaian import Penilaian

    db.session.add(Penilaian(skp_id=skp_id, versi=1, perilaku={}, umpan_balik_perilaku={},
                             rating_hasil="sesuai", rating_perilaku="sesuai"))
    db.session.commit()


def lengkap(skp_id):
    from kinerja_web.models.penilaian import Penilaian

    db.session.rollback()
    nilai = db.session.scalar(select(Penilaian.lengkap).where(Penilaian.skp_id == skp_id))
    db.session.rollback()
    return nilai


@pytest.mark.parametrize("headers", [{}, HX], ids=["tanpa_js", "htmx"])
def test_anggaran_query_setiap_simpan(buat_klien, rencana, hitung_query, headers):
    """Every save of the cycle, the reflection and the confirmations, each side, the
    refusals (422) and stale pages (409) included: ≤ 6 SQL statements."""
    from kinerja_web.alur.pelaksanaan import kode_konfirmasi

    skp_id = rencana("guru")
    g, ks = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")
    u = Pengukur(hitung_query, headers)
    u.langkah("1 otomatis (baru)", g, skp_id, 1, PERSIAPAN, "otomatis", ok=200)
    u.langkah("1 simpan", g, skp_id, 1, {**PERSIAPAN, "upaya_belajar": "Ubah."}, "simpan")
    u.langkah("1 kirim belum lengkap", g, skp_id, 1, {**PERSIAPAN, "upaya_belajar": ""},
              "kirim", ok=422)
    u.langkah("1 kirim versi basi", g, skp_id, 1, PERSIAPAN, "kirim", ok=409, versi="1")
    u.langkah("1 kirim", g, skp_id, 1, PERSIAPAN, "kirim")
    u.langkah("1 kembalikan tanpa catatan", ks, skp_id, 1, {"catatan": ""}, "kembalikan",
              ok=422)
    u.langkah("1 kembalikan", ks, skp_id, 1, {"catatan": "Ganti."}, "kembalikan")
    u.langkah("1 kirim lagi", g, skp_id, 1, PERSIAPAN, "kirim")
    u.langkah("1 sepakati", ks, skp_id, 1, {"jadwal_observasi": "2025-02-14"}, "sepakati")
    rubrik = {"hasil_0": "efektif", "hasil_1": "belum", "rekomendasi": "Lanjut."}
    u.langkah("2 otomatis", ks, skp_id, 2, rubrik, "otomatis", ok=200)
    u.langkah("2 tindakan pihak lain", g, skp_id, 2, rubrik, "selesai", ok=422)
    u.langkah("2 selesai", ks, skp_id, 2, rubrik, "selesai")
    u.langkah("3 kirim", g, skp_id, 3, TINDAK_LANJUT, "kirim")
    u.langkah("3 kembalikan", ks, skp_id, 3, {"catatan": "Perjelas."}, "kembalikan")
    u.langkah("3 kirim lagi", g, skp_id, 3, TINDAK_LANJUT, "kirim")
    u.langkah("3 terima", ks, skp_id, 3, {"nilai": "2"}, "terima")
    r = g.get(url(skp_id, 4))
    catatan = {"tanggal": "2025-03-03", "isi": "Catatan.",
               "kunci": nilai(r, "kunci")}
    u.langkah("4 tambah", g, skp_id, 4, catatan, "tambah", versi=versi_di(r))
    u.langkah("4 tambah dua kali", g, skp_id, 4, catatan, "tambah", versi=versi_di(r))
    u.langkah("5 kirim", g, skp_id, 5, REFLEKSI, "kirim")
    u.langkah("3 kembalikan setelah refleksi", ks, skp_id, 3, {"catatan": "x"}, "kembalikan",
              ok=422)
    u.langkah("5 kembalikan", ks, skp_id, 5, {"catatan": "Contoh."}, "kembalikan")
    u.langkah("5 kirim lagi", g, skp_id, 5, REFLEKSI, "kirim")
    u.langkah("5 terima", ks, skp_id, 5, {"nilai": "2"}, "terima")

    u.kompetensi("kompetensi simpan (baru)", g, skp_id, isian_k(["I."], ["P."]), "simpan")
    u.kompetensi("kompetensi otomatis", g, skp_id, isian_k(["I2."], ["P."]), "otomatis")
    u.kompetensi("kompetensi 251", g, skp_id, isian_k(["x" * 251], ["P."]), "simpan", ok=422)
    u.kompetensi("kompetensi versi basi", g, skp_id, isian_k(["I3."], ["P."]), "simpan",
                 ok=409, versi="1")
    u.kompetensi("validasi", ks, skp_id, {}, "validasi")
    u.kompetensi("validasi batal", ks, skp_id, {}, "batal")
    u.kompetensi("validasi lagi", ks, skp_id, {}, "validasi")

    tugas = kode_konfirmasi(db.session.get(Skp, skp_id), "tugas_pegawai")
    dokumen = kode_konfirmasi(db.session.get(Skp, skp_id), "dokumen")
    db.session.rollback()
    u.tugas("tugas pegawai", g, skp_id, {"tugas": tugas[:2]})
    u.tugas("tugas pegawai tambah dan hapus", g, skp_id, {"tugas": tugas[1:]})
    u.tugas("tugas pegawai versi basi", g, skp_id, {"tugas": tugas}, ok=409, versi="0")
    u.tugas("tugas atasan belum dikonfirmasi pegawai", ks, skp_id, {"tugas": tugas[:1]},
            ok=422)
    u.tugas("tugas atasan", ks, skp_id, {"tugas": tugas[1:3], "dokumen": dokumen[:1],
                                         "kelengkapan": ["kompetensi"]})
    u.tugas("tugas atasan tambah dan hapus", ks, skp_id, {
        "tugas": tugas[2:4], "dokumen": dokumen[1:], "kelengkapan": []})
    u.tugas("pegawai mengunci yang dikonfirmasi atasan", g, skp_id, {"tugas": tugas[:1]},
            ok=422)

    # With the ratings given, each save also keeps "lengkap" current (one more UPDATE).
    penilaian_dengan_rating(skp_id)
    u.tugas("tugas pegawai semua", g, skp_id, {"tugas": tugas})
    semua = {"tugas": tugas, "dokumen": dokumen,
             "kelengkapan": kode_konfirmasi(db.session.get(Skp, skp_id), "kelengkapan")}
    db.session.rollback()
    u.tugas("tugas atasan melengkapi", ks, skp_id, semua)
    assert lengkap(skp_id) is True
    u.tugas("tugas atasan menghapus satu", ks, skp_id, {**semua, "dokumen": dokumen[1:]})
    assert lengkap(skp_id) is False
    u.tugas("tugas atasan melengkapi lagi", ks, skp_id, semua)
    u.langkah("5 kembalikan (lengkap berubah)", ks, skp_id, 5, {"catatan": "Lagi."},
              "kembalikan")
    assert lengkap(skp_id) is False
    u.langkah("5 kirim (lengkap)", g, skp_id, 5, REFLEKSI, "kirim")
    u.langkah("5 terima (lengkap berubah)", ks, skp_id, 5, {"nilai": "2"}, "terima")
    assert lengkap(skp_id) is True
    u.kompetensi("validasi batal (lengkap berubah)", ks, skp_id, {}, "batal")
    assert lengkap(skp_id) is False
    u.kompetensi("validasi (lengkap berubah)", ks, skp_id, {}, "validasi")
    assert lengkap(skp_id) is True
    assert not u.lebih(), u.lebih()


def test_anggaran_query_kepala_sekolah_dengan_tim_kerja_dan_kadis(buat_klien, rencana,
                                                                 hitung_query):
    """A principal's cycle: his Tim Kerja member and the Kepala Dinas as atasan (the plot
    and the school's PKO are part of the page's query)."""
    skp_id = rencana("kepsek", posisi="kepala_sekolah")
    ks, tim, kadis = (masuk(buat_klien, n) for n in ("kepsek", "tim", "kadis"))
    fokus = {"fokus_lain": "Memberi umpan balik", "upaya_belajar": "Belajar.",
             "jadwal_usulan": "2025-02-10"}
    for headers in ({}, HX):
        u = Pengukur(hitung_query, headers)
        for nama, k in (("kepsek", ks), ("tim", tim), ("kadis", kadis)):
            for alamat in [url(skp_id, n) for n in range(1, 6)] + [url_k(skp_id),
                                                                     url_t(skp_id)]:
                u(f"{nama} GET {alamat}", 200, lambda h, k=k, a=alamat: k.get(a, headers=h))
        u.langkah("kepsek kirim", ks, skp_id, 1, fokus, "kirim")
        u.langkah("tim kembalikan", tim, skp_id, 1, {"catatan": "Tanggal lain."}, "kembalikan")
        semua = ["ksp", "perencanaan_satuan", "laporan_satuan", "rangkuman_kehadiran"]
        u.tugas("kepsek dokumen", ks, skp_id, {"dokumen": semua if headers else semua[:1]})
        u.tugas("tim kelengkapan", tim, skp_id, {"kelengkapan": ["kompetensi"]})
        u.tugas("kadis kelengkapan", kadis, skp_id, {"kelengkapan": []})
        if not headers:
            u.validasi("tim kembalikan dokumen", tim, skp_id,
                       {"aksi": "kembalikan", "catatan": "Lengkapi."})
        else:
            u.validasi("kadis validasi dokumen", kadis, skp_id, {"aksi": "terima"})
        assert not u.lebih(), u.lebih()


def test_anggaran_query_daftar_tanpa_n_plus_1(buat_klien, rencana, majukan, make_pegawai,
                                             dunia, hitung_query):
    ks = masuk(buat_klien, "kepsek")
    hasil = {}
    for jumlah, awal in ((5, 0), (60, 5)):
        for i, u in enumerate(guru_baru(make_pegawai, dunia.sekolah, jumlah - awal, awal)):
            skp_id = rencana(u)
            majukan(skp_id, i % 7) if i % 7 else None
        for arg in ("", "?tab=observasi", "?q=wahyu", "?halaman=2"):
            for h in ({}, HX):
                with hitung_query() as q:
                    r = ks.get(f"/penilaian{arg}", headers=h)
                assert r.status_code == 200
                hasil[(jumlah, arg, bool(h))] = len(q)
    assert max(hasil.values()) <= BATAS_QUERY, hasil
    for (_, arg, h), n in hasil.items():
        assert n == hasil[(5, arg, h)], "jumlah query bergantung pada jumlah baris"
