"""Perencanaan Kinerja, the pegawai's side (issue 3): who may start, edit and submit a plan
(out-of-scope people see why), every transition with its audit row, the lock after agreement,
stored RHK texts, resume after interruption, the 409 path and double clicks, tampered forms,
htmx both ways, Beranda and budgets.

Who the atasan is (Plt. cases) and the atasan's side (list, approval wizard, Kembalikan)
are in test_persetujuan.py; the helpers both use are in
bantu_perencanaan.py.
"""

import dataclasses
import itertools
from datetime import date

import pytest
from bantu import (
    atribut,
    badan,
    dom,
    galat,
    langkah_kini,
    lencana,
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
    ISI_GURU,
    ajukan,
    baris,
    halaman_plus_css,
    isi,
    jejak,
    kirim_langkah,
    mulai,
    putuskan,
    sepakati,
    serentak,
    siapkan,
    terkompresi,
    url_langkah,
)
from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Skp

# ------------------------------------------------------------------ helpers


def jumlah_skp():
    n = len(db.session.scalars(select(Skp.id)).all())
    db.session.rollback()
    return n


def ubah_pegawai(pegawai_id, **nilai):
    p = db.session.get(Pegawai, pegawai_id)
    for kunci, v in nilai.items():
        setattr(p, kunci, v)
    db.session.commit()


# ------------------------------------------------------------------ 1. start, edit, submit


def test_guru_membuat_mengisi_dan_mengajukan_rencananya(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    r = k.get("/perencanaan")
    assert "Mulai Perencanaan Kinerja" in r.text
    skp_id = mulai(k)
    awal = baris(skp_id)
    assert awal["status"] == "draf" and awal["pegawai_id"] == dunia.guru.id
    assert awal["sekolah_id"] == dunia.sekolah.id

    isi(k, skp_id)
    s = baris(skp_id)
    assert (s["tugas_tambahan"], s["nama_tugas_tambahan"], s["praktik_kode"],
            s["kompetensi_kode"], s["aspek_fokus"]) == (True, "Wali kelas", "D1-1", "1.2",
                                                        ["kompeten", "kolaboratif"])
    r = k.get(url_langkah(skp_id, 5))
    assert "Belum lengkap" not in r.text
    assert "Guru melakukan peningkatan praktik manajemen kelas" in r.text

    r = ajukan(k, skp_id)
    assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{skp_id}"
    r = k.get(r.headers["Location"])
    assert "Perencanaan Kinerja sudah diajukan ke atasan." in r.text
    assert "Menunggu persetujuan atasan" in r.text and "Kepala Satu" in r.text
    s = baris(skp_id)
    assert s["status"] == "diajukan" and s["atasan_id"] == dunia.kepsek.id
    assert s["diajukan"] is not None

    aksi = [(j.aksi, j.oleh, j.dari, j.ke) for j in jejak(skp_id)]
    assert aksi[0] == ("skp_dibuat", "guru", None, "draf")
    assert aksi[-1] == ("skp_diajukan", "guru", "draf", "diajukan")
    assert [a for a in aksi if a[0] == "skp_diajukan"] == [aksi[-1]]


def test_mulai_dua_kali_tetap_satu_rencana(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    pertama = mulai(k)
    assert mulai(k) == pertama
    assert jumlah_skp() == 1
    # With one position and a plan, the menu entry resumes it.
    r = k.get("/perencanaan")
    assert r.status_code == 302 and r.headers["Location"] == f"/perencanaan/{pertama}"


@pytest.mark.parametrize("username", ["guru2", "kepsek", "operator", "kadis", "tim",
                                      "guru_lain"])
@pytest.mark.parametrize("sampai", ["draf", "diajukan"])
def test_orang_lain_tidak_dapat_membuka_rencana_guru(buat_klien, dunia, username, sampai):
    skp_id, _ = siapkan(buat_klien, "guru", sampai)
    sebelum = baris(skp_id)
    k = masuk(buat_klien, username)
    urls = [f"/perencanaan/{skp_id}", f"/perencanaan/{skp_id}/sepakati",
            f"/perencanaan/{skp_id}/kompetensi"] + [url_langkah(skp_id, n) for n in range(1, 6)]
    for url in urls:
        assert k.get(url).status_code == 404, url
    for n in range(1, 5):
        r = k.post(url_langkah(skp_id, n), {**ISI_GURU[n], "praktik": "D1-2", "aksi": "simpan",
                                            "versi": sebelum["versi"]})
        assert r.status_code == 404, n
    assert k.post(url_langkah(skp_id, 5), {"versi": sebelum["versi"]}).status_code == 404
    assert k.post(f"/perencanaan/{skp_id}/sepakati",
                  {"versi": sebelum["versi"]}).status_code == 404
    assert k.post(f"/perencanaan/{skp_id}/kompetensi",
                  {"kompetensi": "4.1", "versi": sebelum["versi"]}).status_code == 404
    assert baris(skp_id) == sebelum


def test_draf_tidak_terlihat_oleh_atasan(buat_klien, dunia):
    skp_id, _ = siapkan(buat_klien, "guru", "draf")
    k = masuk(buat_klien, "kepsek")
    for n in range(1, 5):
        assert k.get(f"/persetujuan/{skp_id}/langkah/{n}").status_code == 404
    assert k.get(f"/persetujuan/{skp_id}").status_code == 404
    sebelum = baris(skp_id)
    assert putuskan(k, skp_id, "setujui", versi=sebelum["versi"]).status_code == 404
    assert baris(skp_id) == sebelum
    # In the list the teacher's plan is a draft (not "belum membuat"), without a link.
    r = k.get("/persetujuan")
    assert "Draf (1)" in r.text and "Belum membuat (1)" in r.text
    assert f"/persetujuan/{skp_id}" not in r.text


def test_sepakati_sebelum_disetujui_ditolak(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    sebelum = baris(skp_id)
    r = sepakati(k, skp_id, versi=sebelum["versi"])
    assert r.status_code == 422
    assert "Perencanaan Kinerja belum disetujui atasan." in galat(r)
    assert baris(skp_id) == sebelum
    assert not [j for j in jejak(skp_id) if j.aksi == "skp_disepakati"]


def test_ajukan_lagi_setelah_diajukan_tidak_mengubah_apa_pun(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    sebelum = baris(skp_id)
    r = ajukan(k, skp_id, versi=sebelum["versi"])
    assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{skp_id}"
    assert "Menunggu persetujuan atasan" in k.get(r.headers["Location"]).text
    assert baris(skp_id) == sebelum
    assert len([j for j in jejak(skp_id) if j.aksi == "skp_diajukan"]) == 1


def test_siklus_lengkap_satu_baris_audit_per_transisi(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "draf")
    ka = masuk(buat_klien, "kepsek")

    def satu_transisi(aksi_http, aksi, oleh, dari, ke, catatan=None):
        n = len(jejak(skp_id))
        v = baris(skp_id)["versi"]
        r = aksi_http()
        assert r.status_code == 303, galat(r)
        baru = jejak(skp_id)[n:]
        assert [(j.aksi, j.oleh, j.dari, j.ke, j.catatan) for j in baru] == [
            (aksi, oleh, dari, ke, catatan)]
        s = baris(skp_id)
        assert s["status"] == ke and s["versi"] == v + 1

    satu_transisi(lambda: ajukan(k, skp_id), "skp_diajukan", "guru", "draf", "diajukan")
    satu_transisi(lambda: putuskan(ka, skp_id, "kembalikan", "  Pilih D1-2.  "),
                  "skp_dikembalikan", "kepsek", "diajukan", "dikembalikan", "Pilih D1-2.")
    satu_transisi(lambda: ajukan(k, skp_id), "skp_diajukan", "guru", "dikembalikan",
                  "diajukan")
    satu_transisi(lambda: putuskan(ka, skp_id, "setujui"), "skp_disetujui", "kepsek",
                  "diajukan", "disetujui")
    satu_transisi(lambda: sepakati(k, skp_id), "skp_disepakati", "guru", "disetujui",
                  "disepakati")
    s = baris(skp_id)
    assert s["disetujui"] is not None and s["disepakati"] is not None


# ------------------------------------------------------------------ 2. out of scope


@pytest.mark.parametrize("status, label", [
    ("cltn", "Cuti di Luar Tanggungan Negara"),
    ("siln", "Sekolah Indonesia"),
    ("kemenag", "Kemenag"),
    ("diperbantukan_swasta", "Diperbantukan di sekolah swasta"),
    ("tugas_belajar_dinas", "Tugas belajar dengan biaya instansi"),
])
def test_pegawai_di_luar_cakupan_tidak_dapat_mulai_dan_tahu_alasannya(
        buat_klien, dunia, status, label):
    ubah_pegawai(dunia.guru2.id, keikutsertaan=status,
                 keikutsertaan_alasan="SK 800/7/2025", keikutsertaan_mulai=date(2025, 3, 3))
    k = masuk(buat_klien, "guru2")
    r = k.get("/perencanaan")
    assert r.status_code == 200
    assert "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini" in r.text
    assert label.lower() in r.text.lower() and "SK 800/7/2025" in r.text
    assert "Mulai Perencanaan Kinerja" not in r.text
    # A hand-made POST is refused too, with the same reason.
    r = k.post("/perencanaan/mulai/guru")
    assert r.status_code == 303 and r.headers["Location"] == "/perencanaan"
    assert "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini" in k.get("/perencanaan").text
    assert jumlah_skp() == 0


def test_non_asn_tidak_dapat_membuat_skp(buat_klien, dunia):
    ubah_pegawai(dunia.guru2.id, status_kepegawaian="NON_ASN", golongan=None)
    k = masuk(buat_klien, "guru2")
    r = k.get("/perencanaan")
    assert "SKP hanya untuk ASN (PNS atau PPPK)." in r.text
    assert "Mulai Perencanaan Kinerja" not in r.text
    k.post("/perencanaan/mulai/guru")
    assert "SKP hanya untuk ASN (PNS atau PPPK)." in k.get("/perencanaan").text
    assert jumlah_skp() == 0


@pytest.mark.parametrize("username, posisi, pesan", [
    ("guru", "kepala_sekolah", "Anda tidak tercatat sebagai Kepala Sekolah definitif."),
    ("guru", "plt_kepala_sekolah", "Anda tidak tercatat sebagai Plt. Kepala Sekolah."),
    ("kepsek", "guru", "Anda tidak tercatat sebagai guru di satuan pendidikan."),
    ("operator", "guru", "Anda tidak tercatat sebagai guru di satuan pendidikan."),
])
def test_mulai_untuk_posisi_yang_tidak_dimiliki_ditolak(buat_klien, dunia, username, posisi,
                                                        pesan):
    k = masuk(buat_klien, username)
    r = k.post(f"/perencanaan/mulai/{posisi}")
    assert r.status_code == 303
    assert pesan in k.get(r.headers["Location"]).text
    assert jumlah_skp() == 0


def test_posisi_tidak_dikenal_404(buat_klien, dunia):
    assert masuk(buat_klien, "guru").post("/perencanaan/mulai/kepala_dinas").status_code == 404


# ------------------------------------------------------------------ 3. the lock after agreement


def test_setelah_disepakati_semua_langkah_hanya_dibaca(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disepakati")
    sebelum = baris(skp_id)
    for n in range(1, 6):
        r = k.get(url_langkah(skp_id, n))
        assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{skp_id}", n
    for n in range(1, 5):
        for aksi in ("lanjut", "simpan", "otomatis"):
            r = k.post(url_langkah(skp_id, n), {**ISI_GURU[n], "praktik": "D1-5",
                                                "kompetensi": "4.1", "aspek": ["loyal"],
                                                "tugas_tambahan": "tidak", "aksi": aksi,
                                                "versi": sebelum["versi"]})
            assert r.status_code == 303, (n, aksi)
    assert ajukan(k, skp_id, versi=sebelum["versi"]).status_code == 303
    assert baris(skp_id) == sebelum
    r = k.get(f"/perencanaan/{skp_id}")
    assert "Perencanaan Kinerja disepakati" in r.text
    assert "tidak dapat diubah lagi, kecuali indikator Pengembangan Kompetensi" in r.text
    # Nothing on the page edits the plan.
    assert f'action="/perencanaan/{skp_id}/langkah' not in r.text
    assert not dom(r).css('input[type="radio"], input[type="checkbox"]')


def test_kompetensi_tetap_dapat_diubah_setelah_disepakati(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disepakati")
    sebelum = baris(skp_id)
    r = k.get(f"/perencanaan/{skp_id}/kompetensi")
    assert r.status_code == 200 and tercentang(r, "kompetensi") == ["1.2"]
    r = k.post(f"/perencanaan/{skp_id}/kompetensi",
               {"kompetensi": "4.1", "versi": versi_di(r)})
    assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{skp_id}"
    assert "atasan Anda melihat perubahan ini" in k.get(r.headers["Location"]).text

    s = baris(skp_id)
    assert s["status"] == "disepakati" and s["kompetensi_kode"] == "4.1"
    assert s["kompetensi_diubah"] is not None and s["versi"] == sebelum["versi"] + 1
    komp = [x for x in s["rhk"] if x["kategori"] == "kompetensi"]
    assert [x["kode"] for x in komp] == ["4.1"]
    assert "Pengetahuan konten pembelajaran" in komp[0]["rhk"]
    # Everything else stays as agreed.
    for kunci in ("praktik_kode", "aspek_fokus", "tugas_tambahan", "disepakati"):
        assert s[kunci] == sebelum[kunci]
    assert [x for x in s["rhk"] if x["kategori"] != "kompetensi"] == \
        [x for x in sebelum["rhk"] if x["kategori"] != "kompetensi"]
    terakhir = jejak(skp_id)[-1]
    assert (terakhir.aksi, terakhir.oleh) == ("skp_kompetensi_diubah", "guru")

    ka = masuk(buat_klien, "kepsek")
    assert "Kompetensi diubah" in ka.get("/persetujuan").text
    r = ka.get(f"/persetujuan/{skp_id}/langkah/4")
    assert "Pegawai mengubah indikator kompetensi setelah disepakati" in r.text


def test_kompetensi_tidak_dikenal_atau_sebelum_sepakat_ditolak(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disepakati")
    sebelum = baris(skp_id)
    r = k.post(f"/perencanaan/{skp_id}/kompetensi", {"kompetensi": "9.9",
                                                    "versi": sebelum["versi"]})
    assert r.status_code == 422 and "Pilihan '9.9' tidak ada di katalog 2025." in galat(r)
    assert baris(skp_id) == sebelum
    # The same choice again is no change (and no audit row).
    n = len(jejak(skp_id))
    r = k.post(f"/perencanaan/{skp_id}/kompetensi", {"kompetensi": "1.2",
                                                    "versi": sebelum["versi"]})
    assert r.status_code == 303 and "Tidak ada perubahan." in k.get(r.headers["Location"]).text
    assert len(jejak(skp_id)) == n

    draf_id, kd = siapkan(buat_klien, "guru2", "diajukan")
    sebelum = baris(draf_id)
    r = kd.post(f"/perencanaan/{draf_id}/kompetensi", {"kompetensi": "4.1",
                                                      "versi": sebelum["versi"]})
    assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{draf_id}"
    assert baris(draf_id) == sebelum


# ------------------------------------------------------------------ 4. RHK texts stored


def aturan_dikoreksi(monkeypatch):
    """The 2025 rules with every RHK text of the catalogue corrected (as a later data fix
    would): the code sees it wherever it reads the year's catalogue."""
    asli = aturan.muat_aturan("2025")

    def koreksi(katalog):
        return [dataclasses.replace(i, rhk=f"KOREKSI {i.rhk}") for i in katalog]

    baru = {}
    for posisi in ("guru", "kepala_sekolah"):
        baru[("praktik", posisi)] = type(asli.praktik(posisi))(
            tuple(koreksi(asli.praktik(posisi))), key=lambda i: i.kode, judul="praktik")
        baru[("kompetensi", posisi)] = type(asli.kompetensi(posisi))(
            tuple(koreksi(asli.kompetensi(posisi))), key=lambda i: i.kode, judul="kompetensi")
        baru[("tugas_pokok", posisi)] = type(asli.tugas_pokok(posisi))(
            tuple(koreksi(asli.tugas_pokok(posisi))), key=lambda i: i.kode, judul="tugas pokok")

    class Koreksi:
        def __getattr__(self, nama):
            return getattr(asli, nama)

        def praktik(self, posisi):
            return baru[("praktik", "guru" if posisi == "guru" else "kepala_sekolah")]

        def pilihan_praktik(self, posisi):
            return tuple(i for i in self.praktik(posisi) if not i.placeholder)

        def kompetensi(self, posisi):
            return baru[("kompetensi", "guru" if posisi == "guru" else "kepala_sekolah")]

        def tugas_pokok(self, posisi):
            return baru[("tugas_pokok", "guru" if posisi == "guru" else "kepala_sekolah")]

    dikoreksi = Koreksi()
    monkeypatch.setattr(aturan, "muat_aturan", lambda nama="2025": dikoreksi)
    return dikoreksi


def test_teks_rhk_disimpan_saat_diajukan_dan_disetujui(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "diajukan")
    s = baris(skp_id)
    katalog = aturan.muat_aturan("2025")
    harap = {
        "praktik": katalog.praktik("guru")["D1-1"].rhk,
        "kompetensi": katalog.kompetensi("guru")["1.2"].rhk,
    }
    per = {x["kategori"]: x for x in s["rhk"]}
    assert per["praktik"]["rhk"] == harap["praktik"]
    assert per["kompetensi"]["rhk"] == harap["kompetensi"]
    assert "wali kelas" in per["tugas_tambahan"]["indikator"].lower()
    assert [x["kode"] for x in s["rhk"] if x["kategori"] == "tugas_pokok"] == \
        ["5M-1", "5M-2", "5M-3", "5M-4"]
    # The atasan adjusts the praktik indicator: the copy at approval follows it.
    ka = masuk(buat_klien, "kepsek")
    r = ka.post(f"/persetujuan/{skp_id}/langkah/1", {"praktik": "D1-2", "kompetensi": "1.2",
                                                     "aksi": "simpan", "versi": s["versi"]})
    assert r.status_code == 303
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    per = {x["kategori"]: x for x in baris(skp_id)["rhk"]}
    assert per["praktik"]["kode"] == "D1-2"
    assert per["praktik"]["rhk"] == katalog.praktik("guru")["D1-2"].rhk


def test_koreksi_katalog_tidak_mengubah_skp_yang_disepakati(buat_klien, dunia, monkeypatch):
    skp_id, k = siapkan(buat_klien, "guru", "disepakati")
    tersimpan = baris(skp_id)["rhk"]
    lama = {x["kategori"]: x["rhk"] for x in tersimpan}

    dikoreksi = aturan_dikoreksi(monkeypatch)
    assert dikoreksi.praktik("guru")["D1-1"].rhk.startswith("KOREKSI ")
    # The wizard of a new plan does read the corrected catalogue …
    kb = masuk(buat_klien, "guru2")
    baru = mulai(kb)
    assert "KOREKSI Guru melakukan peningkatan praktik" in kb.get(url_langkah(baru, 2)).text

    # … while the agreed SKP keeps its texts, in the row and on its pages.
    assert baris(skp_id)["rhk"] == tersimpan
    for url, kl in ((f"/perencanaan/{skp_id}", k), (f"/perencanaan/{skp_id}/sepakati", k),
                    (f"/persetujuan/{skp_id}/langkah/4", masuk(buat_klien, "kepsek"))):
        r = kl.get(url)
        assert r.status_code == 200, url
        assert lama["praktik"] in r.text and lama["kompetensi"] in r.text, url
        assert "KOREKSI" not in r.text, url


# ------------------------------------------------------------------ 5. resume after interruption


def test_lanjut_di_langkah_pertama_yang_belum_lengkap(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id, langkah=(1, 2))
    # The tab was closed; the teacher signs in again on another device.
    k2 = masuk(buat_klien, "guru")
    r = k2.get(f"/perencanaan/{skp_id}")
    assert r.status_code == 302 and r.headers["Location"] == url_langkah(skp_id, 3)
    r = k2.get(r.headers["Location"])
    assert "3. Pengembangan Kompetensi" in r.text
    # The earlier answers are there.
    assert tercentang(k2.get(url_langkah(skp_id, 1)), "tugas_tambahan") == ["ya"]
    assert 'value="Wali kelas"' in k2.get(url_langkah(skp_id, 1)).text
    assert tercentang(k2.get(url_langkah(skp_id, 2)), "praktik") == ["D1-1"]
    # The Beranda and the menu resume it too.
    r = k2.get("/")
    assert f'href="/perencanaan/{skp_id}"' in r.text and "Lanjutkan" in r.text
    # A complete draft resumes at the Rangkuman.
    isi(k2, skp_id, langkah=(3, 4))
    assert k2.get(f"/perencanaan/{skp_id}").headers["Location"] == url_langkah(skp_id, 5)


def test_simpan_otomatis_mengembalikan_status_dan_versi_baru(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    v = baris(skp_id)["versi"]
    r = kirim_langkah(k, skp_id, 2, {"praktik": "D1-3"}, aksi="otomatis", versi=v,
                      headers=HX)
    assert r.status_code == 200
    assert "<html" not in r.text and "<form" not in r.text
    assert 'id="status-simpan"' in r.text and "Draf tersimpan otomatis" in r.text
    oob = atribut(r, 'input#versi[name="versi"][type="hidden"][hx-swap-oob="true"]', "value")
    assert oob and int(oob) == v + 1
    # The step's form holds the input the answer replaces (by its id), with the version sent.
    halaman = k.get(url_langkah(skp_id, 2))
    assert int(atribut(halaman, '#form-langkah input#versi[name="versi"][type="hidden"]',
                       "value")) == v + 1
    assert atribut(halaman, '#form-langkah input#csrf_token[name="csrf_token"]', "value")
    s = baris(skp_id)
    assert s["praktik_kode"] == "D1-3" and s["versi"] == v + 1
    assert jejak(skp_id)[-1].aksi == "skp_draf_otomatis"
    # The next change (a long text, debounced) uses the new version and is accepted.
    r = kirim_langkah(k, skp_id, 1, {"tugas_tambahan": "ya", "nama_tugas_tambahan": "Pembina"},
                      aksi="otomatis", versi=oob, headers=HX)
    assert r.status_code == 200
    assert baris(skp_id)["nama_tugas_tambahan"] == "Pembina"
    # Nothing changed: no new version, no audit row.
    n = len(jejak(skp_id))
    r = kirim_langkah(k, skp_id, 1, {"tugas_tambahan": "ya", "nama_tugas_tambahan": "Pembina"},
                      aksi="otomatis", versi=str(v + 2), headers=HX)
    assert r.status_code == 200 and f'value="{v + 2}"' in r.text
    assert len(jejak(skp_id)) == n


def test_simpan_draf_tanpa_javascript_kembali_ke_langkah_yang_sama(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "3.1"}, aksi="simpan")
    assert r.status_code == 303 and r.headers["Location"] == url_langkah(skp_id, 3)
    r = k.get(r.headers["Location"])
    assert "Draf tersimpan." in r.text and tercentang(r, "kompetensi") == ["3.1"]
    assert baris(skp_id)["kompetensi_kode"] == "3.1"
    # Kembali saves too, then shows the previous step.
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "3.2"}, aksi="kembali")
    assert r.status_code == 303 and r.headers["Location"] == url_langkah(skp_id, 2)
    assert baris(skp_id)["kompetensi_kode"] == "3.2"


def test_lanjut_tanpa_pilihan_ditolak_di_langkah_itu(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    for n, pesan in ((1, "Pilih Ya atau Tidak."), (2, "Pilih satu indikator praktik kinerja."),
                     (3, "Pilih satu indikator kompetensi."),
                     (4, "Pilih 1–3 aspek perilaku kerja sebagai fokus.")):
        r = kirim_langkah(k, skp_id, n, {})
        assert r.status_code == 422, n
        assert pesan in r.text and f"{n}. " in r.text


def test_ajukan_belum_lengkap_menyebut_langkahnya(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id, langkah=(1, 2))
    r = k.get(url_langkah(skp_id, 5))
    assert "Belum lengkap" in r.text
    assert "Langkah 3 (Pengembangan Kompetensi)" in teks(r)
    sebelum = baris(skp_id)
    r = ajukan(k, skp_id)
    assert r.status_code == 422
    pesan = galat(r)
    assert pesan.startswith("Lengkapi dulu:")
    assert "Langkah 3 (Pengembangan Kompetensi): Pilih satu indikator kompetensi." in pesan
    assert "Langkah 4 (Perilaku Kerja)" in pesan
    assert "Langkah 1" not in pesan and "Langkah 2" not in pesan
    assert baris(skp_id) == sebelum


# ------------------------------------------------------------------ 6. two tabs: 409


def test_dua_tab_simpan_kedua_409_tanpa_menimpa(buat_klien, dunia):
    tab1 = masuk(buat_klien, "guru")
    skp_id = mulai(tab1)
    tab2 = masuk(buat_klien, "guru")
    v1 = versi_di(tab1.get(url_langkah(skp_id, 2)))
    v2 = versi_di(tab2.get(url_langkah(skp_id, 2)))
    assert kirim_langkah(tab1, skp_id, 2, {"praktik": "D1-4"}, versi=v1).status_code == 303

    for headers in ({}, HX):
        r = kirim_langkah(tab2, skp_id, 2, {"praktik": "D1-7"}, versi=v2, headers=headers)
        assert r.status_code == 409
        assert "baru saja diubah di tab atau perangkat lain" in r.text
        assert "Isian Anda di bawah belum tersimpan" in r.text
        assert tercentang(r, "praktik") == ["D1-7"]  # the user's choice, kept on screen
        assert versi_di(r) == str(baris(skp_id)["versi"])  # the current version
        assert ("<html" in r.text) is not bool(headers)
        assert baris(skp_id)["praktik_kode"] == "D1-4"  # not silently overwritten
    n = len(jejak(skp_id))
    # The deliberate resubmit (with the version the 409 page carried) wins.
    r = kirim_langkah(tab2, skp_id, 2, {"praktik": "D1-7"}, versi=versi_di(r))
    assert r.status_code == 303
    assert baris(skp_id)["praktik_kode"] == "D1-7"
    assert len(jejak(skp_id)) == n + 1


def test_simpan_otomatis_dengan_versi_basi_409(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    v = versi_di(k.get(url_langkah(skp_id, 3)))
    assert kirim_langkah(k, skp_id, 3, {"kompetensi": "1.1"}, versi=v,
                         aksi="simpan").status_code == 303
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "2.2"}, versi=v, aksi="otomatis",
                      headers=HX)
    assert r.status_code == 409 and tercentang(r, "kompetensi") == ["2.2"]
    assert baris(skp_id)["kompetensi_kode"] == "1.1"
    # The autosave aimed at the status line; the conflict replaces the whole step instead.
    assert r.headers["HX-Retarget"] == "#wizard" and r.headers["HX-Reswap"] == "outerHTML"
    assert r.text.lstrip().startswith('<section id="wizard"')
    # A long text that is too long, autosaved: the same.
    r = kirim_langkah(k, skp_id, 1, {"tugas_tambahan": "ya", "nama_tugas_tambahan": "x" * 201},
                      aksi="otomatis", headers=HX)
    assert r.status_code == 422 and r.headers["HX-Retarget"] == "#wizard"
    assert "Maksimal 200 karakter." in r.text
    # A plain save is not retargeted (its form is the wizard already).
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "2.2"}, versi=v, aksi="simpan", headers=HX)
    assert r.status_code == 409 and "HX-Retarget" not in r.headers


def test_ajukan_dengan_versi_basi_409(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id)
    basi = versi_di(k.get(url_langkah(skp_id, 5)))
    assert kirim_langkah(k, skp_id, 2, {"praktik": "D1-6"}, aksi="simpan").status_code == 303
    r = ajukan(k, skp_id, versi=basi)
    assert r.status_code == 409
    assert "Perencanaan ini baru saja diubah" in r.text
    assert baris(skp_id)["status"] == "draf"
    # The 409 page shows the current plan and carries its version.
    assert "Guru melakukan peningkatan praktik metode pembelajaran" in r.text
    assert ajukan(k, skp_id, versi=versi_di(r)).status_code == 303
    assert baris(skp_id)["status"] == "diajukan"


@pytest.mark.parametrize("headers", [{}, HX])
def test_ajukan_diklik_dua_kali_satu_transisi(buat_klien, dunia, headers):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id)
    v = versi_di(k.get(url_langkah(skp_id, 5)))
    data = {"versi": v, "aksi": "ajukan"}
    pertama = k.post(url_langkah(skp_id, 5), data, headers=headers)
    kedua = k.post(url_langkah(skp_id, 5), data, headers=headers)
    for r in (pertama, kedua):
        if headers:
            assert r.status_code == 204 and r.headers["HX-Redirect"] == f"/perencanaan/{skp_id}"
        else:
            assert r.status_code == 303 and r.headers["Location"] == f"/perencanaan/{skp_id}"
    r = k.get(f"/perencanaan/{skp_id}")
    assert r.status_code == 200 and "Menunggu persetujuan atasan" in r.text
    assert len([j for j in jejak(skp_id) if j.aksi == "skp_diajukan"]) == 1
    assert baris(skp_id)["versi"] == int(v) + 1


def test_ajukan_serentak_dari_dua_perangkat_satu_transisi(buat_klien, dunia):
    k1 = masuk(buat_klien, "guru")
    skp_id = mulai(k1)
    isi(k1, skp_id)
    k2 = masuk(buat_klien, "guru")
    v = versi_di(k1.get(url_langkah(skp_id, 5)))
    for k in (k1, k2):
        k.get(url_langkah(skp_id, 5))  # each has its own CSRF token
    hasil = serentak(lambda: ajukan(k1, skp_id, versi=v), lambda: ajukan(k2, skp_id, versi=v))
    assert sorted(r.status_code for r in hasil) == [303, 303]
    assert len([j for j in jejak(skp_id) if j.aksi == "skp_diajukan"]) == 1
    assert baris(skp_id)["versi"] == int(v) + 1


def test_sepakati_diklik_dua_kali_satu_transisi(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disetujui")
    v = versi_di(k.get(f"/perencanaan/{skp_id}/sepakati"))
    hasil = [k.post(f"/perencanaan/{skp_id}/sepakati", {"versi": v}) for _ in range(2)]
    assert [r.status_code for r in hasil] == [303, 303]
    assert {r.headers["Location"] for r in hasil} == {f"/perencanaan/{skp_id}"}
    r = k.get(f"/perencanaan/{skp_id}")
    assert r.status_code == 200 and "Perencanaan Kinerja disepakati" in r.text
    assert len([j for j in jejak(skp_id) if j.aksi == "skp_disepakati"]) == 1
    assert baris(skp_id)["versi"] == int(v) + 1


def test_sepakati_setelah_atasan_mengubah_409(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disetujui")
    r = sepakati(k, skp_id, versi=str(baris(skp_id)["versi"] - 1))
    assert r.status_code == 409
    assert "Atasan baru saja mengubah perencanaan ini" in galat(r)
    assert baris(skp_id)["status"] == "disetujui"
    assert sepakati(k, skp_id, versi=versi_di(r)).status_code == 303


# ------------------------------------------------------------------ 7. tampered forms


@pytest.mark.parametrize("n, data, pesan", [
    (2, {"praktik": "D1-99"}, "Pilihan 'D1-99' tidak ada di katalog 2025."),
    (2, {"praktik": "KS-1"}, "Pilihan 'KS-1' tidak ada di katalog 2025."),  # another position
    (3, {"kompetensi": "9.9"}, "Pilihan '9.9' tidak ada di katalog 2025."),
    (4, {"aspek": ["kompeten", "jujur"]}, "Aspek perilaku yang dipilih tidak dikenal."),
    (4, {"aspek": ["kompeten", "kompeten"]}, "Aspek perilaku yang dipilih tidak dikenal."),
    (4, {"aspek": ["kompeten", "loyal", "adaptif", "harmonis"]},
     "Pilih paling banyak 3 aspek."),
])
@pytest.mark.parametrize("aksi", ["lanjut", "simpan", "otomatis"])
def test_formulir_diubah_tangan_ditolak_tanpa_perubahan(buat_klien, dunia, n, data, pesan,
                                                         aksi):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id, langkah=(1, 2, 3, 4))
    sebelum = baris(skp_id)
    n_jejak = len(jejak(skp_id))
    r = kirim_langkah(k, skp_id, n, data, aksi=aksi)
    assert r.status_code == 422
    assert pesan in galat(r)
    assert baris(skp_id) == sebelum
    assert len(jejak(skp_id)) == n_jejak


@pytest.mark.parametrize("versi", ["", "abc", "1.5", "-1", "99999999999999999999999"])
def test_versi_diubah_tangan_bukan_galat_server(buat_klien, dunia, versi):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    sebelum = baris(skp_id)
    r = k.post(url_langkah(skp_id, 2), {"praktik": "D1-2", "aksi": "simpan", "versi": versi})
    assert r.status_code in (409, 422)
    assert versi_di(r) == str(sebelum["versi"])
    assert baris(skp_id) == sebelum


def test_nama_tugas_tambahan_terlalu_panjang_422(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    sebelum = baris(skp_id)
    r = kirim_langkah(k, skp_id, 1, {"tugas_tambahan": "ya", "nama_tugas_tambahan": "x" * 201})
    assert r.status_code == 422 and "Maksimal 200 karakter." in r.text
    assert baris(skp_id) == sebelum


def test_id_skp_guru_lain_di_url_404(buat_klien, dunia):
    milik_guru2, _ = siapkan(buat_klien, "guru2", "draf")
    sebelum = baris(milik_guru2)
    k = masuk(buat_klien, "guru")
    sendiri = mulai(k)
    # The form of his own plan, posted to the other teacher's URL.
    v = versi_di(k.get(url_langkah(sendiri, 2)))
    r = k.post(url_langkah(milik_guru2, 2), {"praktik": "D1-8", "aksi": "lanjut", "versi": v})
    assert r.status_code == 404
    assert k.post(url_langkah(milik_guru2, 5), {"versi": sebelum["versi"]}).status_code == 404
    assert baris(milik_guru2) == sebelum
    assert k.get(url_langkah(987654, 1)).status_code == 404
    assert k.get(url_langkah(sendiri, 6)).status_code == 404
    assert k.get(url_langkah(sendiri, 0)).status_code == 404


# ------------------------------------------------------------------ 8. htmx both ways


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_langkah_pegawai_dua_arah(buat_klien, dunia, n):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    fragmen = k.get(url_langkah(skp_id, n), headers=HX)
    assert fragmen.status_code == 200
    assert "<html" not in fragmen.text and "<nav" in fragmen.text
    assert fragmen.text.lstrip().startswith('<section id="wizard"')
    assert langkah_kini(fragmen) == str(n)
    assert f"{n}. " in fragmen.text and 'name="csrf_token"' in fragmen.text
    assert "HX-Request" in fragmen.headers["Vary"]

    penuh = k.get(url_langkah(skp_id, n))
    assert penuh.status_code == 200
    assert penuh.text.startswith("<!doctype html>")
    assert "<title>Perencanaan Kinerja — " in penuh.text
    assert langkah_kini(penuh) == str(n)
    assert "HX-Request" in penuh.headers["Vary"]
    # A history restore gets the full page; a boosted navigation the main content only.
    assert "<html" in k.get(url_langkah(skp_id, n),
                            headers={**HX, "HX-History-Restore-Request": "true"}).text
    boost = k.get(url_langkah(skp_id, n), headers={**HX, "HX-Boosted": "true"})
    assert "<html" not in boost.text and boost.headers["HX-Retarget"] == "#konten"
    assert "<title>Perencanaan Kinerja — " in boost.text
    assert langkah_kini(boost) == str(n)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_lanjut_dengan_htmx_satu_permintaan_tanpa_javascript_303(buat_klien, dunia, n):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    r = kirim_langkah(k, skp_id, n, ISI_GURU[n], headers=HX)
    assert r.status_code == 200
    assert r.headers["HX-Push-Url"] == url_langkah(skp_id, n + 1)
    assert "<html" not in r.text
    assert langkah_kini(r) == str(n + 1)
    assert "HX-Request" in r.headers["Vary"]
    # The new step's form carries the new version: the next POST is accepted.
    assert versi_di(r) == str(baris(skp_id)["versi"])

    k2 = masuk(buat_klien, "guru")
    r = kirim_langkah(k2, skp_id, n, ISI_GURU[n])
    assert r.status_code == 303 and r.headers["Location"] == url_langkah(skp_id, n + 1)
    assert "HX-Push-Url" not in r.headers


def test_kembali_dan_simpan_dengan_htmx(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "1.3"}, aksi="kembali", headers=HX)
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == url_langkah(skp_id, 2)
    r = kirim_langkah(k, skp_id, 3, {"kompetensi": "1.3"}, aksi="simpan", headers=HX)
    assert r.status_code == 200 and r.headers["HX-Push-Url"] == url_langkah(skp_id, 3)
    assert "Draf tersimpan." in r.text and "<html" not in r.text


@pytest.mark.parametrize("headers", [{}, HX])
def test_galat_langkah_dua_arah(buat_klien, dunia, headers):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    r = kirim_langkah(k, skp_id, 2, {"praktik": "D1-99"}, headers=headers)
    assert r.status_code == 422
    assert ("<html" in r.text) is not bool(headers)
    assert 'aria-current="step"' in r.text and "HX-Request" in r.headers["Vary"]


def test_halaman_rencana_lain_dengan_htmx(buat_klien, dunia):
    # Pages outside the wizard answer full pages (they are not swapped as fragments).
    skp_id, k = siapkan(buat_klien, "guru", "disetujui")
    for url in (f"/perencanaan/{skp_id}", f"/perencanaan/{skp_id}/sepakati", "/perencanaan"):
        r = k.get(url, headers=HX)
        if r.status_code == 302:
            r = k.get(r.headers["Location"], headers=HX)
        assert r.status_code == 200 and "<html" in r.text, url
        assert "HX-Request" in r.headers["Vary"], url
    # A wizard step of a plan that is no longer editable: htmx is told to navigate.
    r = k.get(url_langkah(skp_id, 2), headers=HX)
    assert r.status_code == 204 and r.headers["HX-Redirect"] == f"/perencanaan/{skp_id}"


# ------------------------------------------------------------------ 10. Beranda


def test_beranda_guru_per_status(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    assert "Langkah berikutnya: susun Perencanaan Kinerja (SKP) 2025" in k.get("/").text
    skp_id = mulai(k)
    r = k.get("/")
    assert "Perencanaan Kinerja (draf)" in r.text and "Lanjutkan" in r.text
    isi(k, skp_id)
    assert ajukan(k, skp_id).status_code == 303
    r = k.get("/")
    assert "Menunggu persetujuan atasan" in r.text
    assert "sedang diperiksa atasan" in r.text

    ka = masuk(buat_klien, "kepsek")
    assert putuskan(ka, skp_id, "kembalikan", "Pilih indikator sesuai Rapor Pendidikan."
                    ).status_code == 303
    r = k.get("/")
    assert "Perencanaan Kinerja dikembalikan atasan" in r.text
    assert "Catatan atasan: Pilih indikator sesuai Rapor Pendidikan." in r.text
    assert "Perbaiki" in r.text

    assert ajukan(k, skp_id).status_code == 303
    assert putuskan(ka, skp_id, "setujui").status_code == 303
    r = k.get("/")
    assert "Perencanaan Kinerja Anda sudah disetujui atasan" in r.text
    assert teks_semua(r, f'a.tombol.kecil[href="/perencanaan/{skp_id}/sepakati"]') == [
        "Cek dan sepakati"]
    assert "Catatan atasan" not in r.text

    assert sepakati(k, skp_id).status_code == 303
    r = k.get("/")
    assert "sudah disepakati" in r.text or "Perencanaan Kinerja disepakati" in r.text
    assert "Menunggu persetujuan atasan" not in r.text and "Cek dan sepakati" not in r.text


def test_beranda_kepala_sekolah_menampilkan_jumlah_menunggu(buat_klien, dunia):
    siapkan(buat_klien, "guru", "diajukan")
    ka = masuk(buat_klien, "kepsek")
    r = ka.get("/")
    assert "1 menunggu persetujuan dari 2 guru" in r.text
    assert lencana(r, "Persetujuan Perencanaan Kinerja") == 1
    assert 'href="/persetujuan?tab=diajukan"' in r.text
    siapkan(buat_klien, "guru2", "diajukan")
    assert "2 menunggu persetujuan dari 2 guru" in ka.get("/").text
    # The principal's own plan is shown in its own section, in the same words.
    skp_ks, _ = siapkan(buat_klien, "kepsek", "diajukan", posisi="kepala_sekolah")
    r = ka.get("/")
    assert "Sebagai Kepala Sekolah" in r.text and "Menunggu persetujuan atasan" in r.text
    assert "1 menunggu persetujuan dari" in masuk(buat_klien, "kadis").get("/").text


def test_lihat_rencana_memakai_kata_platform(buat_klien, dunia):
    skp_id, k = siapkan(buat_klien, "guru", "disetujui")
    r = k.get(f"/perencanaan/{skp_id}")
    assert "Perencanaan Kinerja Anda sudah disetujui atasan" in r.text
    assert f'href="/perencanaan/{skp_id}/sepakati">Cek dan sepakati</a>' in r.text
    r = k.get("/perencanaan")  # one position with a plan: straight to it
    assert r.status_code == 302 and r.headers["Location"] == f"/perencanaan/{skp_id}"


# ------------------------------------------------------------------ 11. budgets


def test_anggaran_halaman_dan_fragmen_wizard_pegawai(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    isi(k, skp_id)
    gz = {"Accept-Encoding": "gzip"}
    for n in range(1, 6):
        r = k.get(url_langkah(skp_id, n), headers=gz)
        byte = halaman_plus_css(k, r)
        assert byte <= BATAS_HALAMAN, f"langkah {n}: {byte} byte"
        r = k.get(url_langkah(skp_id, n), headers={**gz, **HX})
        assert "<html" not in badan(r)
        assert terkompresi(r) <= BATAS_FRAGMEN, f"fragmen langkah {n}: {terkompresi(r)} byte"
    for n in range(1, 5):
        r = kirim_langkah(k, skp_id, n, ISI_GURU[n], headers={**gz, **HX})
        assert r.status_code == 200 and "HX-Push-Url" in r.headers
        assert terkompresi(r) <= BATAS_FRAGMEN, f"lanjut {n}: {terkompresi(r)} byte"


def test_anggaran_query_wizard_pegawai(buat_klien, dunia, hitung_query):
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    hasil = {}

    def ukur(nama, panggil):
        with hitung_query() as q:
            r = panggil()
        assert r.status_code in (200, 302, 303), (nama, r.status_code)
        hasil[nama] = len(q)

    ubah = {1: [{"tugas_tambahan": "ya", "nama_tugas_tambahan": "Wali kelas"},
                {"tugas_tambahan": "tidak", "nama_tugas_tambahan": ""}],
            2: [{"praktik": "D1-2"}, {"praktik": "D1-3"}],
            3: [{"kompetensi": "2.1"}, {"kompetensi": "2.2"}],
            4: [{"aspek": ["loyal"]}, {"aspek": ["adaptif", "loyal"]}]}
    for n in range(1, 6):
        for h in ({}, HX):
            ukur(f"GET {n} {bool(h)}",
                 lambda n=n, h=h: k.get(url_langkah(skp_id, n), headers=h))
        if n == 5:
            break
        # Every POST changes something, so it writes (the expensive case).
        bergantian = itertools.cycle(ubah[n])
        for aksi in ("otomatis", "simpan", "kembali", "lanjut"):
            for h in ({}, HX):
                data = next(bergantian)
                v = versi_di(k.get(url_langkah(skp_id, n)))
                ukur(f"POST {n} {aksi} {bool(h)}",
                     lambda n=n, d=data, a=aksi, v=v, h=h: kirim_langkah(k, skp_id, n, d, a, v,
                                                                         h))
        kirim_langkah(k, skp_id, n, ISI_GURU[n])
    ukur("GET lihat", lambda: k.get(f"/perencanaan/{skp_id}"))
    v = versi_di(k.get(url_langkah(skp_id, 5)))
    ukur("POST ajukan", lambda: ajukan(k, skp_id, versi=v))
    ukur("GET lihat diajukan", lambda: k.get(f"/perencanaan/{skp_id}"))
    putuskan(masuk(buat_klien, "kepsek"), skp_id, "setujui")
    ukur("GET sepakati", lambda: k.get(f"/perencanaan/{skp_id}/sepakati"))
    v = versi_di(k.get(f"/perencanaan/{skp_id}/sepakati"))
    ukur("POST sepakati", lambda: sepakati(k, skp_id, versi=v))
    ukur("GET kompetensi", lambda: k.get(f"/perencanaan/{skp_id}/kompetensi"))
    v = versi_di(k.get(f"/perencanaan/{skp_id}/kompetensi"))
    ukur("POST kompetensi", lambda: k.post(f"/perencanaan/{skp_id}/kompetensi",
                                           {"kompetensi": "4.2", "versi": v}))
    lebih = {nama: n for nama, n in hasil.items()
             if n > (BATAS_QUERY_TULIS if nama.startswith("POST") else BATAS_QUERY)}
    assert not lebih, f"lebih dari {BATAS_QUERY} (GET) / {BATAS_QUERY_TULIS} (POST) query: {lebih}"
    # A step's page: the signed-in user with his roles, his Dinas' years and his deadline
    # extensions (one query), then the plan.
    langkah = {nama: n for nama, n in hasil.items() if nama.startswith("GET ") and
               nama[4].isdigit()}
    assert langkah == {f"GET {n} {h}": 2 for n in range(1, 6) for h in (False, True)}
