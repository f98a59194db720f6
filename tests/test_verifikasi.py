"""Public verification of printed documents (issue 6): /verifikasi/<kode> tells whether a
printed code still matches the data, with the name masked, without login, rate-limited."""

import io
import re
from types import SimpleNamespace

from bantu import teks_semua
from conftest import polos
from pypdf import PdfReader
from sqlalchemy import select

from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Akun, Pegawai
from kinerja_web.models.cetak import Cetakan
from kinerja_web.models.penilaian import Penetapan, Penilaian
from kinerja_web.models.skp import Skp
from kinerja_web.peran import muat_peran

DINAS = "Dinas Pendidikan Kabupaten Kebumen"


def skp_dari(username):
    db.session.rollback()
    with baca_saja():
        akun = db.session.scalar(select(Akun).where(Akun.username == username))
        skp = db.session.scalar(select(Skp).where(Skp.pegawai_id == akun.pegawai_id))
        return SimpleNamespace(**vars(polos(skp)), pegawai=polos(skp.pegawai))


def kode_tercetak(data):
    teks = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return set(re.findall(r"Kode verifikasi: ([A-Z2-7]{5}-[A-Z2-7]{5})", teks))


def cetak(buat_klien, username, jenis, skp_id):
    k = buat_klien()
    k.masuk(username, SANDI_DEMO)
    r = k.post(f"/cetak/{jenis}/{skp_id}")
    assert r.status_code == 200
    kode = kode_tercetak(r.data)
    assert len(kode) == 1
    kode = kode.pop()
    db.session.rollback()
    with baca_saja():
        baris = db.session.scalar(select(Cetakan).where(Cetakan.skp_id == skp_id)
                                  .order_by(Cetakan.id.desc()))
        assert (baris.kode, baris.jenis) == (kode, jenis)
    return kode


def periksa(klien, kode):
    r = klien.get(f"/verifikasi/{kode}")
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def test_kode_baru_asli_tanpa_login_dengan_nama_disamarkan(demo, buat_klien):
    skp = skp_dari("guru28")
    assert skp.pegawai.nama == "Sugeng Rahmawati, S.Pd."
    kode = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    anonim = buat_klien()
    teks = periksa(anonim, kode)
    assert "Dokumen asli: isinya sesuai dengan data saat ini." in teks
    assert "Dokumen Evaluasi Kinerja Pegawai" in teks
    assert "Su**** Ra******** S.Pd." in teks
    assert "Sugeng" not in teks and "Rahmawati" not in teks
    assert skp.pegawai.nip not in teks
    assert dict(zip(teks_semua(teks, "dt"), teks_semua(teks, "dd"), strict=True))[
        "Predikat"] == "Baik"
    assert "<dt>Tahun</dt><dd>2026</dd>" in teks
    assert f"<dt>Penerbit</dt><dd>{DINAS}</dd>" in teks
    # The form on /verifikasi accepts the code typed in lower case with spaces.
    r = anonim.get("/verifikasi", query_string={"kode": f"  {kode.lower()} "})
    assert "Dokumen asli" in r.get_data(as_text=True)
    assert "Verifikasi dokumen" in anonim.get("/verifikasi").get_data(as_text=True)
    # Every document type verifies, the SKP included.
    for jenis in ("skp", "evaluasi", "angka_kredit"):
        assert "Dokumen asli" in periksa(anonim, cetak(buat_klien, "guru28", jenis, skp.id))


def test_kode_tidak_dikenal(demo, buat_klien):
    teks = periksa(buat_klien(), "ABCDE-FGHIJ")
    assert "Kode ABCDE-FGHIJ tidak dikenal." in teks
    assert "Dokumen asli" not in teks
    r = buat_klien().get("/verifikasi", query_string={"kode": "<script>x</script>"})
    teks = r.get_data(as_text=True)
    assert r.status_code == 200 and "tidak dikenal" in teks
    assert "<SCRIPT>X" not in teks and "&lt;SCRIPT&gt;X" in teks


def test_nama_dikoreksi_data_berubah(demo, buat_klien):
    skp = skp_dari("guru28")
    kode = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    pegawai = db.session.get(Pegawai, skp.pegawai.id)
    pegawai.nama = "Sugeng Rahmawati, S.Pd., M.Pd."
    db.session.commit()
    teks = periksa(buat_klien(), kode)
    assert "datanya telah berubah sejak dicetak" in teks and "Dokumen asli" not in teks
    # The old values are still shown (masked) so the reader knows which print it was.
    assert "Su**** Ra******** S.Pd." in teks
    # A new print carries a new code that verifies.
    baru = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    assert baru != kode
    assert "Dokumen asli" in periksa(buat_klien(), baru)
    assert "datanya telah berubah" in periksa(buat_klien(), kode)


def test_predikat_dibuka_dan_diubah_data_berubah(demo, buat_klien):
    from kinerja_web.alur import penilaian as alur_n
    from kinerja_web.models import TahunKinerja

    skp = skp_dari("guru28")
    kode = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    kode_ak = cetak(buat_klien, "guru28", "angka_kredit", skp.id)

    def akun(username):
        a = db.session.scalar(select(Akun).where(Akun.username == username))
        a.peran = muat_peran(a.pegawai)
        return a

    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    alur_n.buka_penetapan(akun("kadis"), db.session.get(Penetapan, pen.penetapan_id),
                          "Koreksi predikat atas keberatan pegawai.")
    db.session.commit()
    # Reopened: the printed predikat is no longer in force.
    assert "datanya telah berubah" in periksa(buat_klien(), kode)
    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == 2026))
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id))
    assert pen.predikat == "baik"
    alur_n.tetapkan_predikat(akun("kepsek3"), tahun, "baik", [pen],
                             {pen.id: ("sangat_baik", "Keberatan diterima.")},
                             "Penetapan ulang satu pegawai.", sekolah_id=skp.sekolah_id)
    db.session.commit()
    for k in (kode, kode_ak):
        teks = periksa(buat_klien(), k)
        assert "datanya telah berubah" in teks
        assert "<dt>Predikat</dt><dd>Baik</dd>" in teks  # what the old paper says
    baru = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    teks = periksa(buat_klien(), baru)
    assert "Dokumen asli" in teks and "<dt>Predikat</dt><dd>Sangat Baik</dd>" in teks


def test_kode_adalah_hmac_dengan_kunci_aplikasi(demo, app):
    from kinerja_web.dokumen import isi as isi_dokumen

    skp = skp_dari("guru28")
    with baca_saja():
        skps, bersama = isi_dokumen.muat([skp.id])
        _, nilai = isi_dokumen.isi("dokumen_evaluasi", skps[0], bersama)
        kode = isi_dokumen.kode_verifikasi("dokumen_evaluasi", skp.id, 2025, nilai)
        assert kode == isi_dokumen.kode_verifikasi("dokumen_evaluasi", skp.id, 2025, nilai)
        assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", kode)
        for lain in (("evaluasi", skp.id, 2025, nilai), ("dokumen_evaluasi", skp.id + 1, 2025,
                                                          nilai),
                     ("dokumen_evaluasi", skp.id, 2026, nilai),
                     ("dokumen_evaluasi", skp.id, 2025, {**nilai, "predikat": "sangat_baik"})):
            assert isi_dokumen.kode_verifikasi(*lain) != kode
        app.config["SECRET_KEY"] = "kunci-lain-yang-juga-cukup-panjang-0123456789"
        assert isi_dokumen.kode_verifikasi("dokumen_evaluasi", skp.id, 2025, nilai) != kode
    db.session.rollback()


def test_nama_xss_di_halaman_verifikasi_tetap_teks(demo, buat_klien):
    skp = skp_dari("guru28")
    pegawai = db.session.get(Pegawai, skp.pegawai.id)
    pegawai.nama = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    db.session.commit()
    kode = cetak(buat_klien, "guru28", "dokumen_evaluasi", skp.id)
    teks = periksa(buat_klien(), kode)
    assert "Dokumen asli" in teks
    assert "<script>alert" not in teks and "<img src=x" not in teks
    assert "&lt;s" in teks


def test_verifikasi_dibatasi_laju(demo, buat_klien):
    anonim = buat_klien()
    for i in range(30):
        r = anonim.get(f"/verifikasi/AAAAA-{i:05d}")
        assert r.status_code == 200, i
    assert anonim.get("/verifikasi/AAAAA-BBBBB").status_code == 429
    assert anonim.get("/verifikasi", query_string={"kode": "AAAAA-BBBBB"}).status_code == 429


def _alamat_tercetak(data):
    teks = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    teks = re.sub(r"\s+", "", teks)
    return set(re.findall(r"(https?://[^\s·]+?)/verifikasi/[A-Z2-7]{5}-[A-Z2-7]{5}", teks))


def test_alamat_verifikasi_mengikuti_alamat_server_di_pengembangan(demo, buat_klien, app):
    """`make run` without KINERJA_URL_PUBLIK: the printed link and the QR code point at the
    address the browser used (a phone on the school wifi scans it), and batch documents
    rendered outside a request use the address last served."""
    from kinerja_web.dokumen.cetak import url_verifikasi

    assert app.config["URL_PUBLIK"] is None
    skp = skp_dari("guru28")
    k, lan = buat_klien(), {"base_url": "http://192.168.1.20:5000"}
    k.get("/masuk", **lan)
    assert k.post("/masuk", {"identitas": "guru28", "sandi": SANDI_DEMO},
                  **lan).status_code == 303
    k.get("/", **lan)  # the signed-in page's CSRF token
    r = k.post(f"/cetak/dokumen_evaluasi/{skp.id}", **lan)
    assert r.status_code == 200
    assert _alamat_tercetak(r.data) == {"http://192.168.1.20:5000"}
    assert url_verifikasi("ABCDE-FGHIJ") == "http://192.168.1.20:5000/verifikasi/ABCDE-FGHIJ"
    # A configured address wins over the Host header.
    app.config["URL_PUBLIK"] = "https://kinerja.contoh.go.id/"
    r = k.post(f"/cetak/dokumen_evaluasi/{skp.id}", **lan)
    assert _alamat_tercetak(r.data) == {"https://kinerja.contoh.go.id"}
