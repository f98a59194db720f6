"""The official record (issue 12, items 1, 2, 6 and 9): what the four printed documents say
for a teacher, a definitive principal and a Plt., read back from the PDF text, and the
platform's words on the pages.

- a principal's CAPAIAN KINERJA ORGANISASI is his school's PKO and his POLA DISTRIBUSI the
  curve of the Dinas' principals ("Kurva Distribusi", titled and labelled);
- place and date in both signature blocks; NIP/pangkat blank for a PPPK on the Dokumen
  Evaluasi; the Garuda emblem in the header when the Dinas chooses it;
- Evaluasi: the SKP's columns, guidance lines, Ekspektasi Khusus Pimpinan, "-" for a
  missing intervened RHK, feedback per RHK (not one text on every row);
- a Plt.'s acting post never becomes angka kredit (document, batch, Rekap, export);
- the wizard, Pelaksanaan and approval words; no "S.Pd.." and no "1.;".
"""

import csv as csv_mod
import io
import re

import bantu_cetak
from bantu import masuk_demo, versi_di
from bantu import teks as teks_halaman
from bantu_cetak import (
    PERILAKU,
    SMP1,
    SMP2,
    baca,
    batch_terakhir,
    cetak,
    halaman,
    id_sekolah,
    jumlah,
    pegawai_dari,
    png,
    segar,
    skp_dari,
    tanggal_id,
    tanpa_spasi,
    teks_pdf,
    urutan,
    xobject_gambar,
)
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Audit, Dinas, LogSinkro, TahunKinerja
from kinerja_web.models.penilaian import Penetapan, Pengiriman, Penilaian
from kinerja_web.models.skp import Skp
from kinerja_web.waktu import sekarang

KURVA = "Kurva Distribusi Predikat Kinerja Pegawai"
DINAS = "Dinas Pendidikan Kabupaten Kebumen"
ALASAN_PLT = ("Predikat jabatan Plt. Kepala Sekolah tidak dikonversi menjadi angka kredit; "
              "yang dikonversi hanya predikat kinerja pada jabatan definitif")
PANDUAN_1 = ("1. Memahami dan memenuhi kebutuhan masyarakat", "2. Ramah, cekatan, solutif, "
             "dan dapat diandalkan", "3. Melakukan perbaikan tiada henti")
UMPAN_BALIK = "Praktik kelas berubah nyata; lanjutkan berbagi di KKG."

# A fixture shared with test_cetak.py.
tanpa_pekerja = bantu_cetak.tanpa_pekerja


def teks_html(r):
    return teks_halaman(r)


def skp_posisi(username, posisi):
    akun = db.session.scalar(select(Akun).where(Akun.username == username))
    return db.session.scalar(select(Skp).where(Skp.pegawai_id == akun.pegawai_id,
                                               Skp.posisi == posisi))


def plt_dengan_predikat():
    """plt1 (Plt. Kepala Sekolah of SMP 2, PKO Butuh Perbaikan; a Guru Ahli Pertama):
    both SKPs agreed, assessed and their predikat set by the Kepala Dinas.
    Returns (guru SKP id, Plt. SKP id)."""
    guru, plt = skp_posisi("plt1", "guru"), skp_posisi("plt1", "plt_kepala_sekolah")
    kadis = db.session.scalar(select(Akun).where(Akun.username == "kadis")).pegawai
    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == 2026))
    plt.status, plt.disetujui, plt.disepakati = "disepakati", sekarang(), sekarang()
    kirim = Pengiriman(tahun_id=tahun.id, sekolah_id=None, dinas_id=kadis.dinas_id,
                       oleh=kadis.id, jumlah=2)
    tetap = Penetapan(tahun_id=tahun.id, dinas_id=kadis.dinas_id, sekolah_id=None,
                      pko="baik", jumlah={"butuh_perbaikan": 1, "sangat_baik": 1},
                      pelanggaran=[], oleh=kadis.id)
    db.session.add_all([kirim, tetap])
    db.session.flush()
    for skp, hasil, predikat in ((guru, "di_atas", "sangat_baik"),
                                 (plt, "di_bawah", "butuh_perbaikan")):
        db.session.add(Penilaian(
            skp_id=skp.id, versi=1, rating_hasil=hasil, rating_perilaku="sesuai",
            perilaku={}, umpan_balik_perilaku={}, predikat=predikat, lengkap=True,
            umpan_balik_hasil=f"Umpan balik {skp.posisi}.", pengiriman_id=kirim.id,
            penetapan_id=tetap.id))
    db.session.commit()
    return guru.id, plt.id


# ------------------------------------------------------------------ 1. principals

def test_kepala_sekolah_definitif_pko_sekolahnya_dan_kurva_kepala_sekolah(demo, buat_klien):
    ks, guru = skp_dari("kepsek3"), skp_dari("guru28")
    assert ks.posisi == "kepala_sekolah"
    segar()
    k = masuk_demo(buat_klien, "kadis")
    # Dokumen Evaluasi: his school's PKO (Baik), which also made his Rating Hasil Kerja.
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", ks.id).data)
    assert "CAPAIAN KINERJA ORGANISASI BAIK PREDIKAT KINERJA PEGAWAI BAIK" in teks
    teks = teks_pdf(cetak(k, "evaluasi", ks.id).data)
    urutan(teks, ["CAPAIAN KINERJA ORGANISASI BAIK", "POLA DISTRIBUSI", KURVA,
                  f"Kepala sekolah {DINAS} · Predikat Kinerja Organisasi: Baik",
                  "RATING HASIL KERJA SESUAI EKSPEKTASI"])
    # The curve of the Dinas' principals (only kepsek3 has a predikat), not his teachers'
    # (3 Sangat Baik, 7 Baik, 1 Butuh Perbaikan), with e-Kinerja's axis titles.
    assert "Sangat Baik 0 Baik 1 Butuh Perbaikan 0 Kurang 0 Sangat Kurang 0" in teks
    assert "Sangat Baik 3" not in teks
    assert "Jumlah Pegawai" in teks and "Predikat Kinerja" in teks
    # A teacher's sheet keeps his school's curve, titled the same way.
    teks = teks_pdf(cetak(k, "evaluasi", guru.id).data)
    urutan(teks, ["CAPAIAN KINERJA ORGANISASI BAIK", KURVA,
                  "Guru SMP NEGERI 1 KEBUMEN · Predikat Kinerja Organisasi: Baik",
                  "Sangat Baik 3 Baik 7 Butuh Perbaikan 1 Kurang 0 Sangat Kurang 0"])


def test_plt_pko_sekolahnya_kurva_kepala_sekolah_dan_tanpa_angka_kredit(
        demo, buat_klien, tanpa_pekerja):
    guru_id, plt_id = plt_dengan_predikat()
    segar()
    k = masuk_demo(buat_klien, "kadis")
    # The Plt.'s organisation result is the PKO of the school he leads (SMP 2: Butuh
    # Perbaikan), on both evaluation documents.
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", plt_id).data)
    assert "CAPAIAN KINERJA ORGANISASI BUTUH PERBAIKAN PREDIKAT KINERJA PEGAWAI " \
           "BUTUH PERBAIKAN" in teks
    teks = teks_pdf(cetak(k, "evaluasi", plt_id).data)
    urutan(teks, ["CAPAIAN KINERJA ORGANISASI BUTUH PERBAIKAN", KURVA,
                  f"Kepala sekolah {DINAS} · Predikat Kinerja Organisasi: Baik",
                  "Sangat Baik 0 Baik 1 Butuh Perbaikan 1 Kurang 0 Sangat Kurang 0",
                  "RATING HASIL KERJA DI BAWAH EKSPEKTASI"])

    # Angka kredit: his definitive post (guru) converts; the acting post is refused.
    r = cetak(k, "angka_kredit", guru_id)
    assert r.status_code == 200 and "SANGAT BAIK 150%" in teks_pdf(r.data)
    sebelum = jumlah(Audit, Audit.aksi == "cetak")
    r = cetak(k, "angka_kredit", plt_id)
    assert r.status_code == 409 and r.mimetype == "text/html"
    assert ALASAN_PLT in teks_html(r)
    assert jumlah(Audit, Audit.aksi == "cetak") == sebelum

    # The Rekap agrees (its page and its download) and so does the penilaian page.
    teks = teks_html(k.get("/dinas/rekap?sekolah=" + str(id_sekolah(SMP2))))
    assert "Tidak dikonversi (jabatan Plt.)" in teks
    nama = pegawai_dari("plt1").nama
    segar()
    csv = k.get("/dinas/rekap.csv?tab=sudah_dikirim").get_data(as_text=True)
    baris = sorted(b[-1] for b in csv_mod.reader(io.StringIO(csv), delimiter=";")
                   if any(nama in c for c in b))
    assert len(baris) == 2
    assert re.fullmatch(r"\d+,\d\d", baris[0]) and baris[1] == "Tidak dikonversi (jabatan Plt.)"
    assert ALASAN_PLT in teks_html(k.get(f"/penilaian/{plt_id}"))

    # Batch printing skips the Plt. post and says why.
    r = k.post("/cetak/batch", {"jenis": "angka_kredit", "sekolah": str(id_sekolah(SMP2)),
                                "jenjang": "", "format": "pdf"})
    assert r.status_code == 303
    b = baca(batch_terakhir)()
    assert guru_id in b.daftar and plt_id not in b.daftar
    assert "1 SKP dilewati: " + ALASAN_PLT in teks_html(k.get(r.headers["Location"]))

    # The e-Kinerja final export sends no Plt. record (nor logs one as failed).
    from kinerja_web.sinkro.ekspor import ekspor

    dinas_id = db.session.scalar(select(Dinas.id).where(Dinas.nama == DINAS))
    e = ekspor(dinas_id, "penilaian_akhir", 2026)
    db.session.commit()
    posisi = set(db.session.scalars(select(LogSinkro.posisi).where(
        LogSinkro.ekspor_id == e.id)))
    assert "guru" in posisi and "plt_kepala_sekolah" not in posisi
    segar()


# ------------------------------------------------------------------ 2. format details

def test_ttd_tempat_tanggal_di_kedua_blok_dan_pppk_tanpa_nip_pangkat(demo, buat_klien):
    skp = skp_dari("guru23")
    p, kepsek = skp.pegawai, pegawai_dari("kepsek3")
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    tanggal = tanggal_id(pen.penetapan.waktu)
    sah = tanggal_id(skp.disepakati or skp.disetujui)
    segar()
    k = masuk_demo(buat_klien, "operator")
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", skp.id).data)
    urutan(teks, [f"Kebumen, {tanggal} Pegawai yang Dinilai, {p.nama} NIP {p.nip}",
                  f"Kebumen, {tanggal} Pejabat Penilai Kinerja, {kepsek.nama} NIP {kepsek.nip}"])
    teks = teks_pdf(cetak(k, "skp", skp.id).data)
    urutan(teks, [f"Kebumen, {sah} Pegawai yang Dinilai {p.nama} NIP {p.nip}",
                  f"Kebumen, {sah} Pejabat Penilai Kinerja {kepsek.nama}"])

    # A PPPK (guru32): the Dokumen Evaluasi leaves NIP and PANGKAT/GOL RUANG blank.
    pppk = skp_dari("guru32")
    assert pppk.pegawai.status_kepegawaian == "PPPK" and pppk.pegawai.nip
    segar()
    teks = teks_pdf(cetak(k, "dokumen_evaluasi", pppk.id).data)
    urutan(teks, [f"1 PEGAWAI YANG DINILAI NAMA {pppk.pegawai.nama} NIP PANGKAT/GOL RUANG "
                  "JABATAN Guru Ahli Pertama",
                  f"Pegawai yang Dinilai, {pppk.pegawai.nama} NIP Kebumen,"])
    assert pppk.pegawai.nip not in teks and "PPPK" not in teks


def test_evaluasi_kolom_skp_panduan_ekspektasi_strip_dan_umpan_balik_per_rhk(demo, buat_klien):
    skp = skp_dari("guru28")
    orm = db.session.get(Skp, skp.id)
    rhk = [dict(r) for r in orm.rhk]
    utama = [r for r in rhk if r["jenis"] == "utama"]
    assert len(utama) == 2 and all(r["rhk_atasan"] for r in utama)
    praktik = next(r for r in utama if r["kategori"] == "praktik")
    kompetensi = next(r for r in utama if r["kategori"] == "kompetensi")
    kompetensi["rhk_atasan"] = None  # the principal RHK it intervened is missing
    orm.rhk = rhk
    db.session.commit()
    segar()
    k = masuk_demo(buat_klien, "kepsek3")
    teks = teks_pdf(cetak(k, "evaluasi", skp.id).data)
    urutan(teks, [
        "HASIL KERJA", "NO.", "RENCANA HASIL KERJA PIMPINAN YANG DIINTERVENSI",
        "RENCANA HASIL KERJA", "ASPEK", "INDIKATOR KINERJA INDIVIDU", "TARGET",
        "REALISASI BERDASARKAN BUKTI DUKUNG",
        "UMPAN BALIK BERKELANJUTAN BERDASARKAN BUKTI DUKUNG", "A. UTAMA",
        f"1 {praktik['rhk_atasan']} {praktik['rhk']} {praktik['aspek']}",
        UMPAN_BALIK,
        f"2 - {kompetensi['rhk']} {kompetensi['aspek']}",
        "1 dokumen refleksi (", "B. TAMBAHAN",
        "RATING HASIL KERJA", "PERILAKU KERJA", "NO.", "PERILAKU KERJA",
        "EKSPEKTASI KHUSUS PIMPINAN", "UMPAN BALIK BERKELANJUTAN",
        PERILAKU[0], *PANDUAN_1, *PERILAKU[1:], "RATING PERILAKU KERJA",
    ])
    # One feedback per RHK: the praktik RHK's, not the same text on every row.
    hasil_kerja = teks[teks.index("A. UTAMA"):teks.index("RATING HASIL KERJA")]
    assert tanpa_spasi(hasil_kerja).count(tanpa_spasi(UMPAN_BALIK)) == 1
    # REALISASI from the cycle's own rows, as the e-Kinerja export words it (no stock line).
    assert tanpa_spasi("1 siklus selesai (observasi") in tanpa_spasi(hasil_kerja)
    assert "divalidasi atasan" not in hasil_kerja
    # The Ekspektasi Khusus Pimpinan of each aspect (the default "-") beside its lines.
    perilaku = teks[teks.index("EKSPEKTASI KHUSUS PIMPINAN"):]
    assert f"{PANDUAN_1[2]} -" in perilaku

    # The SKP prints "-" too, never a blank line, where the intervened RHK is missing.
    teks = teks_pdf(cetak(k, "skp", skp.id).data)
    assert f"2 - {kompetensi['rhk']}" in teks


def unggah_garuda(k, isi=None, nama="garuda.png", **lain):
    data = dict(lain)
    if isi is not None:
        data["garuda"] = (io.BytesIO(isi), nama)
    return k.post("/dinas/pengaturan/garuda", data, content_type="multipart/form-data")


@baca
def kop_dinas():
    return tuple(db.session.execute(select(Dinas.kop_garuda, Dinas.garuda_mime).where(
        Dinas.nama == DINAS)).one())


def test_garuda_yang_sama_lagi_tidak_ditulis_dan_diaudit_ulang(demo, buat_klien):
    op = masuk_demo(buat_klien, "operator")
    assert unggah_garuda(op, png((60, 60)), kop_garuda="y").status_code == 303
    r = unggah_garuda(op, png((60, 60)), kop_garuda="y")  # the twin of a double click
    assert r.status_code == 303
    assert "Tidak ada yang berubah." in op.get(r.headers["Location"]).text
    assert kop_dinas() == (True, "image/png")
    assert jumlah(Audit, Audit.aksi.in_(("garuda_diunggah", "kop_garuda"))) == 1
    assert unggah_garuda(op, hapus="y").status_code == 303
    assert unggah_garuda(op, hapus="y").status_code == 303
    assert jumlah(Audit, Audit.aksi == "garuda_dihapus") == 1


def test_kop_garuda_dari_berkas_dinas_menggantikan_kop(demo, buat_klien):
    skp_id = skp_dari("guru23").id
    segar()
    op = masuk_demo(buat_klien, "operator")
    teks = teks_pdf(cetak(op, "dokumen_evaluasi", skp_id).data)
    assert teks.startswith("PEMERINTAH KABUPATEN KEBUMEN DINAS PENDIDIKAN")

    # Choosing the emblem without a file: refused with the reason, nothing changes.
    r = unggah_garuda(op, kop_garuda="y")
    assert r.status_code == 422 and "Unggah berkas lambang Garuda dahulu." in teks_html(r)
    # An unsafe file: refused by the logo's own checks.
    r = unggah_garuda(op, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
                          b'</script></svg>', "g.svg", kop_garuda="y")
    assert r.status_code == 422 and "Lambang" in teks_html(r)
    assert kop_dinas() == (False, None)

    r = unggah_garuda(op, png((60, 60)), kop_garuda="y")
    assert r.status_code == 303
    assert kop_dinas() == (True, "image/png")
    assert jumlah(Audit, Audit.aksi == "garuda_diunggah") == 1
    assert "Kop saat ini: lambang Garuda" in teks_html(op.get("/dinas/pengaturan"))
    for jenis in ("dokumen_evaluasi", "evaluasi", "skp", "angka_kredit"):
        data = cetak(op, jenis, skp_id if jenis != "angka_kredit" else skp_dari("guru28").id)
        assert data.status_code == 200, jenis
        teks = teks_pdf(data.data)
        gambar = xobject_gambar(data.data)
        assert len(gambar) == 1 and gambar[0]["/Width"] == 60, jenis
        assert "PEMERINTAH KABUPATEN KEBUMEN" not in teks, jenis  # no Dinas letterhead
        assert "Jl. Pahlawan" not in teks, jenis
    assert len(halaman(cetak(op, "dokumen_evaluasi", skp_id).data)) == 1

    # Back to the Dinas letterhead: the emblem stays stored, the header changes.
    r = unggah_garuda(op)
    assert r.status_code == 303 and kop_dinas() == (False, "image/png")
    teks = teks_pdf(cetak(op, "dokumen_evaluasi", skp_id).data)
    assert teks.startswith("PEMERINTAH KABUPATEN KEBUMEN DINAS PENDIDIKAN")
    r = unggah_garuda(op, hapus="y")
    assert r.status_code == 303 and kop_dinas() == (False, None)
    assert op.get("/dinas/garuda").status_code == 404


# ------------------------------------------------------------------ 9. words

def test_kata_platform_di_halaman(demo, buat_klien):
    draf = skp_dari("guru3")
    assert draf.status == "draf"
    segar()
    k = masuk_demo(buat_klien, "guru3")
    teks = teks_html(k.get(f"/perencanaan/{draf.id}/langkah/1"))
    assert "1. Pelaksanaan Tugas Pokok 5M" in teks
    assert "5 Rangkuman Perencanaan Kinerja Anda" in teks  # the step indicator
    teks = teks_html(k.get(f"/perencanaan/{draf.id}/langkah/5"))
    assert "5. Rangkuman Perencanaan Kinerja Anda" in teks

    k = masuk_demo(buat_klien, "guru28")
    teks = teks_html(k.get("/pelaksanaan"))
    assert "Tugas Tambahan" in teks and "Tugas Pokok Konfirmasi" not in teks

    k = masuk_demo(buat_klien, "kepsek3")  # a principal: the penetapan task on his Beranda
    assert "Lakukan Penetapan" in teks_html(k.get("/"))

    # "Selamat datang, Rina Indrawati, S.Pd." — one full stop after the degree.
    k = masuk_demo(buat_klien, "operator")
    teks = teks_html(k.get("/"))
    assert "Selamat datang, Rina Indrawati, S.Pd. Pengelolaan" in teks
    assert "S.Pd.." not in teks


def test_simpan_draf_di_langkah_terakhir_persetujuan(demo, buat_klien):
    skp = skp_dari("guru4")
    assert skp.status == "diajukan"
    atasan = db.session.scalar(select(Akun.username).where(Akun.pegawai_id == skp.atasan_id))
    segar()
    k = masuk_demo(buat_klien, atasan)
    url = f"/persetujuan/{skp.id}/langkah/4"
    r = k.get(url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'value="simpan"' in html and "Simpan draf" in html
    versi = versi_di(r)
    r = k.post(url, {"aksi": "simpan", "versi": versi, "catatan": "Periksa target, Bu."})
    assert r.status_code in (200, 303)
    baris = db.session.get(Skp, skp.id)
    assert baris.status == "diajukan" and baris.catatan_atasan == "Periksa target, Bu."
    assert jumlah(Audit, Audit.aksi == "skp_catatan_draf") == 1
    segar()
    # The draft is shown again to the atasan, not yet to the pegawai.
    assert "Periksa target, Bu." in k.get(url).get_data(as_text=True)
    segar()


def test_tidak_ada_titik_ganda_setelah_gelar_atau_teks_aturan(demo, buat_klien):
    # SMP 2's penetapan broke the Butuh Perbaikan rule (with a justification): the list of
    # broken rules reads "… saat ini 1; …" and ends with one full stop.
    sekolah_id = id_sekolah(SMP2)
    segar()
    k = masuk_demo(buat_klien, "kadis")
    r = k.get(f"/dinas/pko/{sekolah_id}")
    assert r.status_code == 200
    teks = teks_html(r)
    assert "distribusi tidak sesuai (" in teks
    assert ".;" not in teks and ". ;" not in teks and ".." not in teks.replace("...", "")
    assert id_sekolah(SMP1)
