"""Persetujuan Perencanaan Kinerja, the atasan's side (issue 3): who the atasan is (Plt.
cases included), who may adjust, approve or return a plan, the list with its tabs and
search, the 409 path and double clicks, tampered forms, htmx both ways and budgets.

Helpers shared with test_perencanaan.py (the pegawai's side) are in bantu_perencanaan.py.
"""

from datetime import timedelta

import bantu
import pytest
from bantu import (
    badan,
    galat,
    hitung_tab,
    langkah_kini,
    masuk,
    teks,
    teks_semua,
    tercentang,
    versi_di,
)
from bantu_perencanaan import (
    BATAS_FRAGMEN,
    BATAS_HALAMAN,
    BATAS_QUERY,
    BATAS_QUERY_TULIS,
    HX,
    ISI_KS,
    ajukan,
    akhiri_penugasan,
    baris,
    halaman_plus_css,
    isi,
    jejak,
    kirim_langkah,
    mulai,
    plot,
    putuskan,
    sepakati,
    serentak,
    siapkan,
    terkompresi,
    url_langkah,
)
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Skp, TahunKinerja
from kinerja_web.waktu import hari_ini, sekarang

BATAS_QUERY_DAFTAR = 8
PESAN_BUKAN_MENUNGGU = "Perencanaan Kinerja ini tidak sedang menunggu persetujuan."


def url_atasan(skp_id, n):
    return f"/persetujuan/{skp_id}/langkah/{n}"


def kirim_atasan(k, skp_id, n, data, aksi="lanjut", versi=None, headers=None):
    if versi is None:
        versi = versi_di(k.get(url_atasan(skp_id, n)))
    return k.post(url_atasan(skp_id, n), {**data, "aksi": aksi, "versi": versi},
                  headers=headers or {})


def baris_tabel(r):
    """The list's rows as lists of cell texts (the "nothing found" row excluded)."""
    assert bantu.dom(r).css_first("tbody") is not None, "tidak ada tabel"
    return bantu.baris_tabel(r, tanpa=lambda sel: sel == ["Tidak ada yang cocok."])


def hitungan_tab(r):
    """{tab label: n} as the tabs show them."""
    return hitung_tab(r)


# ------------------------------------------------------------------ 2. who is the atasan


def test_guru_diajukan_ke_kepala_sekolah_definitif(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru")
    assert baris(skp_id)["atasan_id"] == dunia.kepsek.id
    assert masuk(buat_klien, "kepsek").get(f"/persetujuan/{skp_id}/langkah/1").status_code == 200


def test_guru_sekolah_tanpa_kepala_definitif_ke_plt(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru3", atasan="plt")
    assert baris(skp_id)["atasan_id"] == dunia.plt.id
    for username in ("kepsek", "kadis", "tim"):
        k = masuk(buat_klien, username)
        assert k.get(f"/persetujuan/{skp_id}/langkah/1").status_code == 404, username
    siapkan_lanjut = putuskan(masuk(buat_klien, "plt"), skp_id, "setujui")
    assert siapkan_lanjut.status_code == 303
    assert baris(skp_id)["status"] == "disetujui"


def test_kepala_definitif_didahulukan_dari_plt(buat_klien, dunia, make_pegawai, tugaskan):
    # A school that (by mistake or overlap) has both: the definitive principal decides.
    kedua = make_pegawai(sekolah=dunia.sekolah, username="plt_satu", nama="Plt Satu")
    tugaskan(kedua, "plt_kepala_sekolah", dunia.sekolah)
    db.session.commit()
    skp_id, _ = siapkan(buat_klien, "guru")
    assert baris(skp_id)["atasan_id"] == dunia.kepsek.id
    assert masuk(buat_klien, "plt_satu").get(
        f"/persetujuan/{skp_id}/langkah/1").status_code == 404


def test_rencana_plt_sebagai_guru_ke_kepala_dinas_bukan_dirinya(buat_klien, dunia):
    k = masuk(buat_klien, "plt")
    r = k.get("/perencanaan")
    assert "Sebagai Guru" in r.text and "Sebagai Plt. Kepala Sekolah" in r.text
    skp_id = mulai(k, "guru")
    isi(k, skp_id)
    assert ajukan(k, skp_id).status_code == 303
    s = baris(skp_id)
    assert s["atasan_id"] == dunia.kadis.id and s["posisi"] == "guru"
    # Not himself, not a principal elsewhere, not a Tim Kerja member not plotted to him.
    for username in ("plt", "kepsek", "tim"):
        kk = masuk(buat_klien, username)
        assert kk.get(f"/persetujuan/{skp_id}/langkah/1").status_code == 404, username
    kadis = masuk(buat_klien, "kadis")
    assert kadis.get(f"/persetujuan/{skp_id}/langkah/1").status_code == 200
    assert "Guru (Plt. KS di sekolah yang sama)" in kadis.get("/persetujuan").text


def test_tim_kerja_yang_diplot_ke_plt_menyetujui_rencana_gurunya(buat_klien, dunia):
    plot(dunia, dunia.tim.id, dunia.plt.id)
    skp_id, _ = siapkan(buat_klien, "plt", "disetujui", atasan="tim")
    s = baris(skp_id)
    assert s["status"] == "disetujui" and s["atasan_id"] == dunia.kadis.id
    assert [(j.aksi, j.oleh) for j in jejak(skp_id)][-1] == ("skp_disetujui", "tim")


@pytest.mark.parametrize("username, posisi", [("kepsek", "kepala_sekolah"),
                                              ("plt", "plt_kepala_sekolah")])
def test_kepala_sekolah_dan_plt_sebagai_ks_ke_kepala_dinas(buat_klien, dunia, username,
                                                           posisi):
    k = masuk(buat_klien, username)
    skp_id = mulai(k, posisi)
    # Principals plan with D.3 indicators and the KS competency model.
    r = k.get(url_langkah(skp_id, 2))
    assert 'value="KS-1"' in r.text and 'value="D1-1"' not in r.text
    isi(k, skp_id, ISI_KS)
    assert ajukan(k, skp_id).status_code == 303
    s = baris(skp_id)
    assert s["atasan_id"] == dunia.kadis.id and s["posisi"] == posisi
    assert s["sekolah_id"] == (dunia.sekolah.id if username == "kepsek" else dunia.sekolah_plt.id)
    assert [r["kode"] for r in s["rhk"] if r["kategori"] == "praktik"] == ["KS-1"]
    assert masuk(buat_klien, "kadis").get(f"/persetujuan/{skp_id}/langkah/1").status_code == 200
    # The Tim Kerja member is plotted to kepsek only.
    tim = masuk(buat_klien, "tim").get(f"/persetujuan/{skp_id}/langkah/1").status_code
    assert tim == (200 if username == "kepsek" else 404)


def test_sekolah_tanpa_kepala_dan_plt_ajukan_ditolak(buat_klien, dunia, make_pegawai,
                                                     make_sekolah):
    s = make_sekolah(dunia.dinas, nama="SD NEGERI 9 KOSONG")
    make_pegawai(sekolah=s, username="guru_sendiri", nama="Guru Sendiri")
    db.session.commit()
    skp_id, k = siapkan(buat_klien, "guru_sendiri", "draf")
    sebelum = baris(skp_id)
    r = ajukan(k, skp_id)
    assert r.status_code == 422
    assert "Sekolah Anda belum memiliki Kepala Sekolah atau Plt. Hubungi Operator Dinas." \
        in galat(r)
    assert baris(skp_id) == sebelum


def test_penugasan_yang_sudah_berakhir_tidak_dihitung(buat_klien, dunia, tugaskan):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    # The principal's assignment ended yesterday; guru2 is now Plt. of the school.
    akhiri_penugasan(dunia.kepsek.id, "kepala_sekolah")
    tugaskan(dunia.guru2, "plt_kepala_sekolah", dunia.sekolah, mulai=hari_ini())
    db.session.commit()
    lama = masuk(buat_klien, "kepsek")
    assert lama.get(f"/persetujuan/{skp_id}/langkah/1").status_code == 404
    assert putuskan(lama, skp_id, "setujui", versi=baris(skp_id)["versi"]).status_code == 404
    baru = masuk(buat_klien, "guru2")
    assert baru.get(f"/persetujuan/{skp_id}/langkah/1").status_code == 200
    assert putuskan(baru, skp_id, "setujui").status_code == 303
    s = baris(skp_id)
    assert s["status"] == "disetujui" and s["atasan_id"] == dunia.guru2.id


def test_penugasan_yang_belum_mulai_tidak_dihitung(buat_klien, dunia, make_pegawai,
                                                   make_sekolah, tugaskan):
    s = make_sekolah(dunia.dinas, nama="SD NEGERI 8 BARU")
    make_pegawai(sekolah=s, username="guru_baru", nama="Guru Baru")
    calon = make_pegawai(sekolah=s, username="calon", nama="Calon Kepala")
    tugaskan(calon, "kepala_sekolah", s, mulai=hari_ini() + timedelta(days=30))
    db.session.commit()
    skp_id, k = siapkan(buat_klien, "guru_baru", "draf")
    r = ajukan(k, skp_id)
    assert r.status_code == 422 and "belum memiliki Kepala Sekolah" in galat(r)


# ------------------------------------------------------------------ 1. who may act on a plan


def _ditolak_semua(k, skp_id, sebelum):
    """Every atasan URL of this plan answers 404 to k, and nothing changes."""
    assert k.get(f"/persetujuan/{skp_id}").status_code == 404
    for n in range(1, 5):
        assert k.get(url_atasan(skp_id, n)).status_code == 404, n
    v = sebelum["versi"]
    for n, data in ((1, {"praktik": "D1-8", "kompetensi": "4.3"}),
                    (2, {"tugas_tambahan": "tidak"}), (3, {"aspek": ["loyal"]})):
        assert kirim_atasan(k, skp_id, n, data, "simpan", versi=v).status_code == 404, n
    assert putuskan(k, skp_id, "setujui", versi=v).status_code == 404
    assert putuskan(k, skp_id, "kembalikan", "Tidak sah.", versi=v).status_code == 404
    assert baris(skp_id) == sebelum


@pytest.mark.parametrize("username", ["guru", "guru2", "plt", "kepsek_lain", "kadis", "tim",
                                      "operator", "guru3"])
def test_rencana_guru_hanya_untuk_kepala_sekolahnya(buat_klien, dunia, username):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    _ditolak_semua(masuk(buat_klien, username), skp_id, baris(skp_id))


@pytest.mark.parametrize("username", ["kepsek", "plt", "kepsek_lain", "guru", "operator",
                                      "tim2", "kadis_lain"])
def test_rencana_kepala_sekolah_hanya_untuk_kadis_dan_tim_kerjanya(
        buat_klien, dunia, make_pegawai, tugaskan, username):
    tim2 = make_pegawai(dinas=dunia.dinas, username="tim2", nama="Tim Dua",
                        jabatan="Pengawas Sekolah Ahli Madya")
    tugaskan(tim2, "tim_kerja")
    kadis_lain = make_pegawai(dinas=dunia.dinas_lain, username="kadis_lain",
                              nama="Kadis Lain", jabatan="Kepala Dinas")
    tugaskan(kadis_lain, "kepala_dinas")
    db.session.commit()
    skp_id, _ = siapkan(buat_klien, "kepsek", "diajukan", posisi="kepala_sekolah")
    _ditolak_semua(masuk(buat_klien, username), skp_id, baris(skp_id))


@pytest.mark.parametrize("atasan", ["kadis", "tim"])
def test_kadis_atau_tim_kerja_yang_diplot_menyetujui_rencana_kepala_sekolah(
        buat_klien, dunia, atasan):
    skp_id, k = siapkan(buat_klien, "kepsek", "diajukan", posisi="kepala_sekolah")
    ka = masuk(buat_klien, atasan)
    r = ka.get(url_atasan(skp_id, 1))
    assert r.status_code == 200 and "Kepala Satu" in r.text and 'value="KS-1"' in r.text
    assert kirim_atasan(ka, skp_id, 1, {"praktik": "KS-4", "kompetensi": "2.1"},
                        "simpan").status_code == 303
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    s = baris(skp_id)
    assert s["status"] == "disetujui" and s["atasan_praktik_kode"] == "KS-4"
    assert s["atasan_id"] == dunia.kadis.id  # the Kepala Dinas stays the PPK
    j = jejak(skp_id)[-1]
    assert (j.aksi, j.oleh, j.dari, j.ke, j.catatan) == ("skp_disetujui", atasan, "diajukan",
                                                         "disetujui", "praktik")
    r = k.get(f"/perencanaan/{skp_id}/sepakati")
    assert "ADA PENYESUAIAN DARI ATASAN" in r.text
    assert sepakati(k, skp_id).status_code == 303


def test_plt_sebagai_ks_tidak_diplot_ke_tim_kerja(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "plt", "diajukan", posisi="plt_kepala_sekolah")
    assert masuk(buat_klien, "kadis").get(url_atasan(skp_id, 1)).status_code == 200
    assert masuk(buat_klien, "tim").get(url_atasan(skp_id, 1)).status_code == 404
    plot(dunia, dunia.tim.id, dunia.plt.id)
    assert masuk(buat_klien, "tim").get(url_atasan(skp_id, 1)).status_code == 200


@pytest.mark.parametrize("username", ["guru", "operator"])
def test_daftar_persetujuan_bukan_untuk_yang_tidak_menilai(buat_klien, dunia, username):
    assert masuk(buat_klien, username).get("/persetujuan").status_code == 403


def test_setujui_dua_kali_atau_kembalikan_yang_sudah_disetujui_ditolak(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "disetujui")
    ka = masuk(buat_klien, "kepsek")
    sebelum = baris(skp_id)
    n = len(jejak(skp_id))
    for aksi, catatan in (("setujui", ""), ("kembalikan", "Ubah lagi.")):
        r = putuskan(ka, skp_id, aksi, catatan)  # with the current version
        assert r.status_code == 303 and r.headers["Location"] == url_atasan(skp_id, 4)
        r = ka.get(r.headers["Location"])
        assert r.status_code == 200 and PESAN_BUKAN_MENUNGGU in r.text
        assert "Disetujui atasan" in r.text and "hanya untuk dilihat" in r.text
        assert 'value="setujui"' not in r.text  # no buttons on a decided plan
    # Adjusting an approved plan is refused the same way.
    r = kirim_atasan(ka, skp_id, 1, {"praktik": "D1-8", "kompetensi": "1.2"}, "simpan")
    assert r.status_code == 303 and PESAN_BUKAN_MENUNGGU in ka.get(r.headers["Location"]).text
    assert baris(skp_id) == sebelum and len(jejak(skp_id)) == n


def test_kembalikan_tanpa_catatan_ditolak(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    sebelum = baris(skp_id)
    for catatan in ("", "   \n "):
        r = putuskan(ka, skp_id, "kembalikan", catatan)
        assert r.status_code == 422
        assert "Tulis catatan: apa yang perlu diperbaiki pegawai." in r.text
        assert 'value="kembalikan"' in r.text  # the buttons are still there
    assert baris(skp_id) == sebelum


def test_tombol_keputusan_tidak_dikenal_ditolak(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    sebelum = baris(skp_id)
    r = putuskan(ka, skp_id, "hapus")
    assert r.status_code == 422 and "Pilih Setujui atau Kembalikan." in galat(r)
    assert baris(skp_id) == sebelum


def test_dikembalikan_dengan_catatan_lalu_diperbaiki_dan_diajukan_lagi(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    catatan = "Pilih indikator praktik sesuai hasil Rapor Pendidikan sekolah kita."
    r = putuskan(ka, skp_id, "kembalikan", catatan)
    assert r.status_code == 303 and r.headers["Location"] == "/persetujuan"
    assert "Perencanaan Kinerja Guru Satu dikembalikan dengan catatan." in \
        ka.get(r.headers["Location"]).text
    s = baris(skp_id)
    assert s["status"] == "dikembalikan" and s["catatan_atasan"] == catatan
    j = jejak(skp_id)[-1]
    assert (j.aksi, j.oleh, j.dari, j.ke, j.catatan) == (
        "skp_dikembalikan", "kepsek", "diajukan", "dikembalikan", catatan)

    # The teacher sees the note where she resumes, and can edit again.
    r = k.get(f"/perencanaan/{skp_id}")
    assert r.status_code == 302 and r.headers["Location"] == url_langkah(skp_id, 5)
    for n in (2, 5):
        r = k.get(url_langkah(skp_id, n))
        assert f"Dikembalikan atasan: {catatan}" in teks(r) and "Perbaiki lalu ajukan lagi." \
            in r.text
    assert f"Catatan atasan: {catatan}" in k.get("/").text
    assert kirim_langkah(k, skp_id, 2, {"praktik": "D1-2"}).status_code == 303
    assert ajukan(k, skp_id).status_code == 303
    s = baris(skp_id)
    assert s["status"] == "diajukan" and s["praktik_kode"] == "D1-2"
    assert [x["kode"] for x in s["rhk"] if x["kategori"] == "praktik"] == ["D1-2"]
    # Back in the atasan's queue, with the new choice.
    r = ka.get("/persetujuan?tab=diajukan")
    assert [b[0] for b in baris_tabel(r)] == ["Guru Satu"]
    assert tercentang(ka.get(url_atasan(skp_id, 1)), "praktik") == ["D1-2"]


def test_penyesuaian_atasan_ditandai_dan_disimpan_di_samping_pilihan_asli(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    n = len(jejak(skp_id))
    # Choosing what the teacher chose is no adjustment (and writes nothing).
    r = kirim_atasan(ka, skp_id, 1, {"praktik": "D1-1", "kompetensi": "1.2"})
    assert r.status_code == 303 and r.headers["Location"] == url_atasan(skp_id, 2)
    assert len(jejak(skp_id)) == n and baris(skp_id)["atasan_praktik_kode"] is None
    assert "ADA PENYESUAIAN DARI ATASAN" not in ka.get(url_atasan(skp_id, 1)).text

    assert kirim_atasan(ka, skp_id, 1, {"praktik": "D1-6", "kompetensi": "1.2"}
                        ).status_code == 303
    assert kirim_atasan(ka, skp_id, 2, {"tugas_tambahan": "tidak"}).status_code == 303
    r = kirim_atasan(ka, skp_id, 3, {"aspek": ["kompeten", "kolaboratif"],
                                     "ekspektasi_kompeten": "Berbagi praktik baik di KKG.",
                                     "ekspektasi_loyal": "-"})
    assert r.status_code == 303 and r.headers["Location"] == url_atasan(skp_id, 4)
    s = baris(skp_id)
    assert (s["praktik_kode"], s["atasan_praktik_kode"]) == ("D1-1", "D1-6")
    assert (s["tugas_tambahan"], s["atasan_tugas_tambahan"]) == (True, False)
    assert s["atasan_aspek_fokus"] is None  # same aspects as the teacher's
    assert s["ekspektasi"] == {"kompeten": "Berbagi praktik baik di KKG."}
    assert [j.aksi for j in jejak(skp_id)[n:]] == ["skp_penyesuaian_atasan"] * 3

    r = ka.get(url_atasan(skp_id, 4))
    assert r.text.count("ADA PENYESUAIAN DARI ATASAN") == 2  # praktik, tugas tambahan
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    assert jejak(skp_id)[-1].catatan == "praktik, tambahan"

    r = k.get(f"/perencanaan/{skp_id}/sepakati")
    assert "Atasan memberi penyesuaian" in r.text
    assert r.text.count("ADA PENYESUAIAN DARI ATASAN") == 3  # the notice and two items
    assert "Pilihan pegawai semula: Guru melakukan peningkatan praktik manajemen kelas" \
        in r.text
    assert "Ekspektasi Khusus Pimpinan: Berbagi praktik baik di KKG." in r.text
    assert "Tidak ada tugas tambahan" in r.text


def test_kembalikan_menghapus_penyesuaian_sehingga_pilihan_baru_pegawai_berlaku(buat_klien,
                                                                                 dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    assert kirim_atasan(ka, skp_id, 1, {"praktik": "D1-6", "kompetensi": "1.2"}
                        ).status_code == 303
    assert putuskan(ka, skp_id, "kembalikan", "Sesuaikan dengan Rapor Pendidikan.").status_code \
        == 303
    s = baris(skp_id)
    assert s["atasan_praktik_kode"] is None
    assert [j.aksi for j in jejak(skp_id)[-2:]] == ["skp_dikembalikan",
                                                    "skp_penyesuaian_dihapus"]
    # What the teacher sees on step 2 is what will count after she resubmits.
    assert kirim_langkah(k, skp_id, 2, {"praktik": "D1-2"}).status_code == 303
    assert "ADA PENYESUAIAN DARI ATASAN" not in k.get(url_langkah(skp_id, 5)).text
    assert ajukan(k, skp_id).status_code == 303
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    assert [x["kode"] for x in baris(skp_id)["rhk"] if x["kategori"] == "praktik"] == ["D1-2"]


def test_catatan_saat_menyetujui_disimpan_dan_ditampilkan_ke_pegawai(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    catatan = "Libatkan rekan sejawat saat observasi."
    assert putuskan(ka, skp_id, "setujui", catatan).status_code == 303
    s = baris(skp_id)
    assert s["status"] == "disetujui" and s["catatan_atasan"] == catatan
    assert (jejak(skp_id)[-1].aksi, jejak(skp_id)[-1].catatan) == ("skp_disetujui", catatan)
    halaman = teks(k.get(f"/perencanaan/{skp_id}/sepakati"))
    assert f"Catatan atasan saat menyetujui: {catatan}" in halaman


# ------------------------------------------------------------------ 6. two tabs, double clicks


def test_atasan_dua_tab_409_tanpa_menimpa(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    tab1, tab2 = masuk(buat_klien, "kepsek"), masuk(buat_klien, "kepsek")
    v = versi_di(tab2.get(url_atasan(skp_id, 1)))
    assert kirim_atasan(tab1, skp_id, 1, {"praktik": "D1-2", "kompetensi": "1.2"},
                        "simpan").status_code == 303
    for headers in ({}, HX):
        r = kirim_atasan(tab2, skp_id, 1, {"praktik": "D1-3", "kompetensi": "2.1"}, "simpan",
                         versi=v, headers=headers)
        assert r.status_code == 409
        assert "Perencanaan ini baru saja diubah orang lain." in r.text
        assert "Isian Anda di bawah belum tersimpan." in r.text
        assert tercentang(r, "praktik") == ["D1-3"] and tercentang(r, "kompetensi") == ["2.1"]
        assert versi_di(r) == str(baris(skp_id)["versi"])
        assert ("<html" in r.text) is not bool(headers)
        s = baris(skp_id)
        assert (s["atasan_praktik_kode"], s["atasan_kompetensi_kode"]) == ("D1-2", None)
    r = kirim_atasan(tab2, skp_id, 1, {"praktik": "D1-3", "kompetensi": "2.1"}, "simpan",
                     versi=versi_di(r))
    assert r.status_code == 303
    s = baris(skp_id)
    assert (s["atasan_praktik_kode"], s["atasan_kompetensi_kode"]) == ("D1-3", "2.1")


def test_setujui_dengan_versi_basi_409_lalu_berhasil(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    tab1, tab2 = masuk(buat_klien, "kepsek"), masuk(buat_klien, "kepsek")
    basi = versi_di(tab1.get(url_atasan(skp_id, 4)))
    assert kirim_atasan(tab2, skp_id, 3, {"aspek": ["loyal"]}, "simpan").status_code == 303
    r = putuskan(tab1, skp_id, "setujui", versi=basi)
    assert r.status_code == 409 and "baru saja diubah orang lain" in r.text
    assert "DITAMBAHKAN ATASAN" in r.text  # the current state, with the other tab's change
    assert baris(skp_id)["status"] == "diajukan"
    assert putuskan(tab1, skp_id, "setujui", versi=versi_di(r)).status_code == 303
    s = baris(skp_id)
    assert s["status"] == "disetujui" and s["atasan_aspek_fokus"] == ["loyal"]


@pytest.mark.parametrize("aksi, status", [("setujui", "disetujui"),
                                          ("kembalikan", "dikembalikan")])
@pytest.mark.parametrize("headers", [{}, HX])
def test_keputusan_diklik_dua_kali_satu_transisi(buat_klien, dunia, aksi, status, headers):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    v = versi_di(ka.get(url_atasan(skp_id, 4)))
    data = {"aksi": aksi, "catatan": "Perbaiki.", "versi": v}
    hasil = [ka.post(url_atasan(skp_id, 4), data, headers=headers) for _ in range(2)]
    for r in hasil:
        assert r.status_code == (204 if headers else 303)
        tujuan = r.headers["HX-Redirect" if headers else "Location"]
        halaman = ka.get(tujuan)
        assert halaman.status_code == 200 and "<html" in halaman.text
        assert "pesan-galat" not in halaman.text
    assert baris(skp_id)["status"] == status and baris(skp_id)["versi"] == int(v) + 1
    assert len([j for j in jejak(skp_id) if j.aksi == f"skp_{status}"]) == 1


def test_setujui_dan_kembalikan_serentak_hanya_satu_yang_berlaku(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    tab1, tab2 = masuk(buat_klien, "kepsek"), masuk(buat_klien, "kepsek")
    v = versi_di(tab1.get(url_atasan(skp_id, 4)))
    tab2.get(url_atasan(skp_id, 4))
    hasil = serentak(lambda: putuskan(tab1, skp_id, "setujui", versi=v),
                     lambda: putuskan(tab2, skp_id, "kembalikan", "Perbaiki.", versi=v))
    assert all(r.status_code in (303, 409) for r in hasil), [r.status_code for r in hasil]
    keputusan = [j for j in jejak(skp_id) if j.aksi in ("skp_disetujui", "skp_dikembalikan")]
    assert len(keputusan) == 1
    assert baris(skp_id)["status"] == keputusan[0].ke
    assert baris(skp_id)["versi"] == int(v) + 1


# ------------------------------------------------------------------ 7. tampered forms


@pytest.mark.parametrize("n, data, pesan", [
    (1, {"praktik": "D1-99", "kompetensi": "1.2"}, "Pilihan 'D1-99' tidak ada di katalog 2025."),
    (1, {"praktik": "KS-1", "kompetensi": "1.2"}, "Pilihan 'KS-1' tidak ada di katalog 2025."),
    (1, {"praktik": "D1-1", "kompetensi": "7.7"}, "Pilihan '7.7' tidak ada di katalog 2025."),
    (3, {"aspek": ["kompeten", "jujur"]}, "Aspek perilaku yang dipilih tidak dikenal."),
    (3, {"aspek": ["kompeten", "loyal", "adaptif", "harmonis"]},
     "Pilih paling banyak 3 aspek."),
])
@pytest.mark.parametrize("aksi", ["lanjut", "simpan"])
def test_formulir_atasan_diubah_tangan_ditolak(buat_klien, dunia, n, data, pesan, aksi):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    sebelum = baris(skp_id)
    r = kirim_atasan(ka, skp_id, n, data, aksi)
    assert r.status_code == 422 and pesan in galat(r)
    assert baris(skp_id) == sebelum


def test_atasan_lanjut_tanpa_aspek_fokus_ditolak(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    sebelum = baris(skp_id)
    r = kirim_atasan(ka, skp_id, 3, {})
    assert r.status_code == 422 and "Pilih 1–3 aspek perilaku kerja sebagai fokus." in r.text
    assert baris(skp_id) == sebelum


def test_atasan_sekolah_lain_menyetujui_lewat_url_404(buat_klien, dunia):
    # The Plt. of the other school posts his own form to kepsek's teacher's plan.
    punya_plt, _ = siapkan(buat_klien, "guru3", "diajukan", atasan="plt")
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    sebelum = baris(skp_id)
    kp = masuk(buat_klien, "plt")
    v = versi_di(kp.get(url_atasan(punya_plt, 4)))
    assert kp.post(url_atasan(skp_id, 4), {"aksi": "setujui", "versi": v}).status_code == 404
    assert kp.post(url_atasan(skp_id, 1), {"praktik": "D1-5", "kompetensi": "1.2",
                                           "aksi": "simpan", "versi": v}).status_code == 404
    assert baris(skp_id) == sebelum
    assert masuk(buat_klien, "kepsek").get(url_atasan(987654, 1)).status_code == 404
    assert masuk(buat_klien, "kepsek").get(url_atasan(skp_id, 5)).status_code == 404


# ------------------------------------------------------------------ 8. htmx both ways


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_langkah_atasan_dua_arah(buat_klien, dunia, n):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    fragmen = ka.get(url_atasan(skp_id, n), headers=HX)
    assert fragmen.status_code == 200
    assert "<html" not in fragmen.text
    assert fragmen.text.lstrip().startswith('<section id="wizard"')
    assert langkah_kini(fragmen) == str(n)
    assert 'name="csrf_token"' in fragmen.text
    assert "HX-Request" in fragmen.headers["Vary"]

    penuh = ka.get(url_atasan(skp_id, n))
    assert penuh.status_code == 200 and penuh.text.startswith("<!doctype html>")
    assert "<title>Persetujuan — Guru Satu" in penuh.text
    assert langkah_kini(penuh) == str(n)
    assert "HX-Request" in penuh.headers["Vary"]


@pytest.mark.parametrize("n, data", [(1, {"praktik": "D1-2", "kompetensi": "1.2"}),
                                     (2, {"tugas_tambahan": "ya"}),
                                     (3, {"aspek": ["kompeten"]})])
def test_lanjut_atasan_dengan_htmx_satu_permintaan_tanpa_javascript_303(buat_klien, dunia, n,
                                                                         data):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    r = kirim_atasan(ka, skp_id, n, data, headers=HX)
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == url_atasan(skp_id, n + 1)
    assert "<html" not in r.text and "HX-Request" in r.headers["Vary"]
    assert langkah_kini(r) == str(n + 1)
    assert versi_di(r) == str(baris(skp_id)["versi"])
    r = kirim_atasan(ka, skp_id, n, data)
    assert r.status_code == 303 and r.headers["Location"] == url_atasan(skp_id, n + 1)
    # Kembali goes one step back, Simpan draf stays.
    r = kirim_atasan(ka, skp_id, n, data, "simpan", headers=HX)
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == url_atasan(skp_id, n)
    assert "Draf penyesuaian tersimpan." in r.text
    if n > 1:
        r = kirim_atasan(ka, skp_id, n, data, "kembali")
        assert r.status_code == 303 and r.headers["Location"] == url_atasan(skp_id, n - 1)


def test_lihat_mengarah_ke_langkah_yang_tepat(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    assert ka.get(f"/persetujuan/{skp_id}").headers["Location"] == url_atasan(skp_id, 1)
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    assert ka.get(f"/persetujuan/{skp_id}").headers["Location"] == url_atasan(skp_id, 4)


def test_daftar_dua_arah(buat_klien, dunia):
    siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    fragmen = ka.get("/persetujuan?q=Satu", headers=HX)
    assert fragmen.status_code == 200 and "<html" not in fragmen.text
    assert fragmen.text.lstrip().startswith('<section id="hasil">')
    assert 'aria-current="page"' in fragmen.text
    assert [b[0] for b in baris_tabel(fragmen)] == ["Guru Satu"]
    assert "HX-Request" in fragmen.headers["Vary"]
    penuh = ka.get("/persetujuan?q=Satu")
    assert penuh.status_code == 200 and "<html" in penuh.text
    assert "<h1>Persetujuan Perencanaan Kinerja</h1>" in penuh.text
    assert 'value="Satu"' in penuh.text  # the search box keeps the query
    assert [b[0] for b in baris_tabel(penuh)] == ["Guru Satu"]
    assert "HX-Request" in penuh.headers["Vary"]


# ------------------------------------------------------------------ 9. the approval list


def buat_skp(pegawai, status, posisi="guru", sekolah_id=None, **over):
    """A plan row in a given state, written directly (the list only reads it)."""
    tahun = db.session.scalar(select(TahunKinerja.id).where(TahunKinerja.tahun == 2025))
    s = Skp(pegawai_id=pegawai.id, tahun_id=tahun, posisi=posisi,
            sekolah_id=sekolah_id or pegawai.sekolah_id, status=status, versi=1,
            aspek_fokus=["kompeten"], **over)
    db.session.add(s)
    db.session.flush()
    return s


@pytest.fixture
def sekolah_ramai(dunia, make_pegawai):
    """kepsek's school: one teacher per planning state, two without a plan, and people who
    are not listed (out of scope, not a teacher)."""
    guru = {nama: make_pegawai(sekolah=dunia.sekolah, akun=False, nama=nama)
            for nama in ("Ani Diajukan", "Budi Kembali", "Citra Setuju", "Dodi Sepakat",
                         "Eka Draf", "Fajar Belum")}
    for nama, status in (("Ani Diajukan", "diajukan"), ("Budi Kembali", "dikembalikan"),
                         ("Citra Setuju", "disetujui"), ("Dodi Sepakat", "disepakati"),
                         ("Eka Draf", "draf")):
        buat_skp(guru[nama], status, kompetensi_diubah=sekarang() if status == "disepakati"
                 else None)
    make_pegawai(sekolah=dunia.sekolah, akun=False, nama="Gita Cuti", keikutsertaan="cltn")
    make_pegawai(sekolah=dunia.sekolah, akun=False, nama="Hadi Tendik",
                 jabatan="Penata Layanan Operasional")
    db.session.commit()
    return guru


def test_hitungan_tab_sama_dengan_baris_di_setiap_tab(buat_klien, dunia, sekolah_ramai):
    ka = masuk(buat_klien, "kepsek")
    r = ka.get("/persetujuan")
    hitung = hitungan_tab(r)
    # guru and guru2 (no plan yet) and the six above; not the principal, the CLTN teacher,
    # the non-teacher, nor teachers of other schools.
    assert hitung == {"Semua": 8, "Menunggu persetujuan": 1, "Dikembalikan": 1,
                      "Disetujui": 1, "Disepakati": 1, "Draf": 1, "Belum membuat": 3}
    semua = [b[0] for b in baris_tabel(r)]
    assert semua == sorted(semua) and len(semua) == 8
    for nama in ("Kepala Satu", "Gita Cuti", "Hadi Tendik", "Guru Tiga", "Guru Lain"):
        assert nama not in semua
    tab_label = {"semua": "Semua", "diajukan": "Menunggu persetujuan",
                 "dikembalikan": "Dikembalikan", "disetujui": "Disetujui",
                 "disepakati": "Disepakati", "draf": "Draf", "belum": "Belum membuat"}
    for tab, label in tab_label.items():
        r = ka.get(f"/persetujuan?tab={tab}")
        rows = baris_tabel(r)
        assert len(rows) == hitung[label], tab
        assert f"{label} ({hitung[label]})" in teks_semua(r, 'a[aria-current="page"]'), tab
        if tab != "semua":
            assert {b[2].split(" Kompetensi")[0] for b in rows} == {label}, tab
    r = ka.get("/persetujuan?tab=belum")
    assert sorted(b[0] for b in baris_tabel(r)) == ["Fajar Belum", "Guru Dua", "Guru Satu"]
    # A started plan is a draft, not "Belum membuat"; it has no link: the atasan cannot
    # open it.
    r = ka.get("/persetujuan?tab=draf")
    assert [(b[0], b[2]) for b in baris_tabel(r)] == [("Eka Draf", "Draf")]
    assert "Cek" not in r.text.split("<tbody>")[1] and "Lihat</a>" not in r.text
    r = ka.get("/persetujuan?tab=diajukan")
    assert ">Cek</a>" in r.text
    r = ka.get("/persetujuan?tab=disepakati")
    assert '<span class="lencana">Kompetensi diubah</span>' in r.text
    # An unknown tab is "Semua".
    assert len(baris_tabel(ka.get("/persetujuan?tab=xyz"))) == 8


def test_cari_nama_dengan_dan_tanpa_htmx(buat_klien, dunia, sekolah_ramai):
    ka = masuk(buat_klien, "kepsek")
    for headers in ({}, HX):
        r = ka.get("/persetujuan?q=budi", headers=headers)
        assert [b[0] for b in baris_tabel(r)] == ["Budi Kembali"]
        assert hitungan_tab(r)["Semua"] == 1 and hitungan_tab(r)["Dikembalikan"] == 1
        assert ("<html" in r.text) is not bool(headers)
    r = ka.get("/persetujuan?q=draf&tab=draf")  # search within a tab
    assert [b[0] for b in baris_tabel(r)] == ["Eka Draf"]
    assert baris_tabel(ka.get("/persetujuan?q=draf&tab=diajukan")) == []
    r = ka.get("/persetujuan?q=tidak+ada+nama+ini")
    assert baris_tabel(r) == [] and "Tidak ada yang cocok." in r.text
    assert hitungan_tab(r)["Semua"] == 0
    # LIKE wildcards are searched as text.
    assert baris_tabel(ka.get("/persetujuan?q=%25")) == []
    assert baris_tabel(ka.get("/persetujuan?q=_")) == []


def test_daftar_dinas_dikelompokkan_per_sekolah_dengan_tim_kerja(buat_klien, dunia,
                                                               make_sekolah, make_pegawai,
                                                               tugaskan):
    s = make_sekolah(dunia.dinas, nama="SD NEGERI 5 LIMA")
    kepala5 = make_pegawai(sekolah=s, username="kepsek5", nama="Kepala Lima")
    tugaskan(kepala5, "kepala_sekolah", s)
    db.session.commit()
    buat_skp(db.session.get(Pegawai, dunia.kepsek.id), "diajukan", posisi="kepala_sekolah")
    db.session.commit()
    kadis = masuk(buat_klien, "kadis")
    r = kadis.get("/persetujuan")
    assert "<th scope=\"col\">Satuan Pendidikan</th>" in r.text
    assert "<th scope=\"col\">Tim Kerja</th>" in r.text
    rows = baris_tabel(r)
    # Ordered by school, so each school's people stand together.
    assert [(b[1], b[0], b[3]) for b in rows] == [
        ("SD NEGERI 1 SATU", "Kepala Satu", "Tim Satu"),
        ("SD NEGERI 5 LIMA", "Kepala Lima", "–"),
        ("SMP NEGERI 2 DUA", "Plt Dua", "–"),
        ("SMP NEGERI 2 DUA", "Plt Dua", "–"),
    ]
    assert [b[2] for b in rows[:2]] == ["Kepala Sekolah Definitif"] * 2
    assert sorted(b[2] for b in rows[2:]) == ["Guru (Plt. KS di sekolah yang sama)",
                                              "Plt. Kepala Sekolah"]
    assert rows[0][4] == "Menunggu persetujuan"
    assert hitungan_tab(r) == {"Semua": 4, "Menunggu persetujuan": 1, "Dikembalikan": 0,
                               "Disetujui": 0, "Disepakati": 0, "Draf": 0,
                               "Belum membuat": 3}
    assert "Kepala Lain" not in r.text and "Guru Satu" not in r.text  # other Dinas; teachers
    assert [b[0] for b in baris_tabel(kadis.get("/persetujuan?q=lima", headers=HX))] == \
        ["Kepala Lima"]


def test_tim_kerja_hanya_melihat_kepala_sekolah_yang_diplot(buat_klien, dunia):
    tim = masuk(buat_klien, "tim")
    r = tim.get("/persetujuan")
    assert [(b[1], b[0]) for b in baris_tabel(r)] == [("SD NEGERI 1 SATU", "Kepala Satu")]
    assert hitungan_tab(r)["Semua"] == 1
    plot(dunia, dunia.tim.id, dunia.plt.id)
    r = tim.get("/persetujuan")
    assert [b[0] for b in baris_tabel(r)] == ["Kepala Satu", "Plt Dua", "Plt Dua"]
    # The Beranda counts the same people.
    assert "dari 3 kepala sekolah" in tim.get("/").text


# ------------------------------------------------------------------ 11. budgets


def test_anggaran_halaman_dan_fragmen_wizard_atasan(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    gz = {"Accept-Encoding": "gzip"}
    for n in range(1, 5):
        r = ka.get(url_atasan(skp_id, n), headers=gz)
        byte = halaman_plus_css(ka, r)
        assert byte <= BATAS_HALAMAN, f"langkah atasan {n}: {byte} byte"
        r = ka.get(url_atasan(skp_id, n), headers={**gz, **HX})
        assert "<html" not in badan(r)
        assert terkompresi(r) <= BATAS_FRAGMEN, f"fragmen atasan {n}: {terkompresi(r)} byte"
    for n, data in ((1, {"praktik": "D1-2", "kompetensi": "1.2"}),
                    (2, {"tugas_tambahan": "ya"}), (3, {"aspek": ["kompeten"]})):
        r = kirim_atasan(ka, skp_id, n, data, headers={**gz, **HX})
        assert r.status_code == 200 and "HX-Push-Url" in r.headers
        assert terkompresi(r) <= BATAS_FRAGMEN, f"lanjut atasan {n}: {terkompresi(r)} byte"
    r = ka.get("/persetujuan", headers=gz)
    assert halaman_plus_css(ka, r) <= BATAS_HALAMAN


def _ukur_wizard_atasan(buat_klien, hitung_query, skp_id, atasan, ubah, keputusan="setujui"):
    """Queries per request of the atasan's wizard; every POST changes something."""
    k = masuk(buat_klien, atasan)
    hasil = {}

    def ukur(nama, panggil):
        with hitung_query() as q:
            r = panggil()
        assert r.status_code in (200, 302, 303), (nama, r.status_code)
        hasil[nama] = len(q)

    for n in range(1, 5):
        for h in ({}, HX):
            ukur(f"GET {n} {bool(h)}", lambda n=n, h=h: k.get(url_atasan(skp_id, n), headers=h))
        if n == 4:
            break
        pilihan = iter(ubah[n] * 4)
        for aksi in ("simpan", "kembali", "lanjut"):
            for h in ({}, HX):
                v = versi_di(k.get(url_atasan(skp_id, n)))
                data = next(pilihan)
                ukur(f"POST {n} {aksi} {bool(h)}",
                     lambda n=n, d=data, a=aksi, v=v, h=h:
                     kirim_atasan(k, skp_id, n, d, a, v, h))
    ukur("GET lihat", lambda: k.get(f"/persetujuan/{skp_id}"))
    v = versi_di(k.get(url_atasan(skp_id, 4)))
    ukur(f"POST {keputusan}",
         lambda: putuskan(k, skp_id, keputusan, "Perbaiki praktik.", versi=v))
    ukur("GET 4 setelah diputuskan", lambda: k.get(url_atasan(skp_id, 4)))
    return hasil


# Two alternating answers per step, each different from the plan's current state.
UBAH_GURU = {1: [{"praktik": "D1-2", "kompetensi": "1.2"},
                 {"praktik": "D1-3", "kompetensi": "2.1"}],
             2: [{"tugas_tambahan": "tidak"}, {"tugas_tambahan": "ya"}],
             3: [{"aspek": ["loyal"], "ekspektasi_loyal": "Setia."},
                 {"aspek": ["kompeten"], "ekspektasi_loyal": "-"}]}
UBAH_KS = {1: [{"praktik": "KS-3", "kompetensi": "1.1"},
               {"praktik": "KS-4", "kompetensi": "3.1"}],
           2: UBAH_GURU[2][::-1], 3: UBAH_GURU[3]}


@pytest.mark.parametrize("pegawai, posisi, atasan, keputusan", [
    ("guru", "guru", "kepsek", "setujui"),
    ("guru", "guru", "kepsek", "kembalikan"),
    ("guru3", "guru", "plt", "setujui"),
    ("plt", "guru", "kadis", "kembalikan"),
    ("kepsek", "kepala_sekolah", "kadis", "setujui"),
    ("kepsek", "kepala_sekolah", "tim", "kembalikan"),
])
def test_anggaran_query_wizard_atasan(buat_klien, dunia, hitung_query, pegawai, posisi,
                                      atasan, keputusan):
    skp_id, _ = siapkan(buat_klien, pegawai, "diajukan", posisi=posisi, atasan=atasan)
    hasil = _ukur_wizard_atasan(buat_klien, hitung_query, skp_id, atasan,
                                UBAH_GURU if posisi == "guru" else UBAH_KS, keputusan)
    assert baris(skp_id)["status"] == {"setujui": "disetujui",
                                       "kembalikan": "dikembalikan"}[keputusan]
    lebih = {nama: n for nama, n in hasil.items()
             if n > (BATAS_QUERY_TULIS if nama.startswith("POST") else BATAS_QUERY)}
    assert not lebih, f"lebih dari {BATAS_QUERY} (GET) / {BATAS_QUERY_TULIS} (POST) query: {lebih}"


@pytest.mark.parametrize("pegawai, posisi, atasan", [
    ("kepsek", "kepala_sekolah", "tim"),  # Tim Kerja on the Kepala Dinas' behalf
    ("plt", "guru", "kadis"),  # a Plt.'s own plan as Guru
])
def test_anggaran_query_setujui_oleh_dinas(buat_klien, dunia, hitung_query, pegawai, posisi,
                                           atasan):
    # Setujui resolves the PPK again (the Kepala Dinas): one lookup on top of the access
    # check (plot, or the school's leaders), the audit row and the update.
    skp_id, _ = siapkan(buat_klien, pegawai, "diajukan", posisi=posisi, atasan=atasan)
    hasil = _ukur_wizard_atasan(buat_klien, hitung_query, skp_id, atasan,
                                UBAH_GURU if posisi == "guru" else UBAH_KS, "setujui")
    assert baris(skp_id)["status"] == "disetujui"
    lebih = {nama: n for nama, n in hasil.items()
             if n > (BATAS_QUERY_TULIS if nama.startswith("POST") else BATAS_QUERY)}
    assert not lebih, f"lebih dari {BATAS_QUERY} (GET) / {BATAS_QUERY_TULIS} (POST) query: {lebih}"


def _isi_sekolah(dunia, make_pegawai, jumlah):
    status = ("diajukan", "dikembalikan", "disetujui", "disepakati", "draf", None)
    for i in range(jumlah):
        p = make_pegawai(sekolah=dunia.sekolah, akun=False, nama=f"Guru Massal {i:03d}")
        p.nama = f"Guru Massal {p.id:03d}"
        if status[i % len(status)]:
            buat_skp(p, status[i % len(status)],
                     kompetensi_diubah=sekarang() if i % 7 == 0 else None)
    db.session.commit()


@pytest.mark.parametrize("headers", [{}, HX])
def test_anggaran_query_daftar_tidak_tumbuh_dengan_jumlah_guru(buat_klien, dunia,
                                                               make_pegawai, hitung_query,
                                                               headers):
    ka = masuk(buat_klien, "kepsek")
    hasil = {}
    for jumlah, tambah in ((5, 3), (60, 55)):  # guru and guru2 are there already
        _isi_sekolah(dunia, make_pegawai, tambah)
        for url in ("/persetujuan", "/persetujuan?tab=diajukan", "/persetujuan?q=Massal",
                    "/persetujuan?tab=belum&halaman=2"):
            with hitung_query() as q:
                r = ka.get(url, headers=headers)
            assert r.status_code == 200
            hasil[(jumlah, url)] = len(q)
    r = ka.get("/persetujuan")
    assert hitungan_tab(r)["Semua"] == 60 and len(baris_tabel(r)) == 50  # one page
    assert max(hasil.values()) <= BATAS_QUERY_DAFTAR, hasil
    for url in ("/persetujuan", "/persetujuan?tab=diajukan", "/persetujuan?q=Massal"):
        assert hasil[(5, url)] == hasil[(60, url)], (url, hasil)


def test_anggaran_query_daftar_dinas_tidak_tumbuh(buat_klien, dunia, make_sekolah,
                                                  make_pegawai, tugaskan, hitung_query):
    kadis = masuk(buat_klien, "kadis")
    hasil = []
    for jumlah in (2, 30):
        for i in range(jumlah):
            s = make_sekolah(dunia.dinas)
            kepala = make_pegawai(sekolah=s, akun=False)
            tugaskan(kepala, "kepala_sekolah" if i % 3 else "plt_kepala_sekolah", s)
            if i % 2:
                buat_skp(kepala, "diajukan", posisi="kepala_sekolah" if i % 3
                         else "plt_kepala_sekolah", sekolah_id=s.id)
        db.session.commit()
        with hitung_query() as q:
            assert kadis.get("/persetujuan").status_code == 200
        hasil.append(len(q))
    assert hasil[0] == hasil[1] <= BATAS_QUERY_DAFTAR, hasil
