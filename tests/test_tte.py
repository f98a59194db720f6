"""Electronic signatures (issue 17, parts 1-2): signed PDFs (PAdES with pyHanko, a
visible box where the wet signature goes), checked by pyHanko's validator and by poppler's
pdfsig; the verification page shows the signer; "Periksa berkas"; re-signing when the data
changed; batches of signed documents; the remote signer; the secrets' rules; audit rows."""

import io
import zipfile

import berkas_jahat
import pytest
from bantu import dom, masuk_demo, nilai, pesan, teks, teks_dari
from bantu_cetak import (
    SMP2,
    akun,
    baca,
    batch_terakhir,
    cetak,
    id_sekolah,
    jumlah,
    segar,
    skp_dari,
    tunggu,
    yang_berpredikat,
)
from bantu_tte import (
    NAMA,
    NIP,
    SANDI,
    PenandaPalsu,
    TsaPalsu,
    buat_rantai,
    buat_sertifikat,
    pasang_p12,
    pdfsig,
    ubah_satu_byte,
)
from conftest import tanpa_konteks
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from kinerja_web import tte
from kinerja_web.alur import dinas as alur_dinas
from kinerja_web.extensions import db
from kinerja_web.models import Audit, Dinas, Pegawai
from kinerja_web.models.cetak import DokumenTersimpan


@pytest.fixture(scope="module")
def sert():
    return buat_sertifikat()


@pytest.fixture
def p12(monkeypatch, tmp_path, sert):
    pasang_p12(monkeypatch, tmp_path, sert)
    yield sert
    tte.lupakan()


def atur(mode="p12", dokumen=("dokumen_evaluasi",), kepsek=False):
    segar()
    d = db.session.get(Dinas, akun("operator").pegawai.dinas_id)
    alur_dinas.atur_tte(d, mode, list(dokumen), kepsek)
    db.session.commit()


@baca
def tersimpan(skp_id, jenis):
    d = db.session.scalar(select(DokumenTersimpan).where(
        DokumenTersimpan.skp_id == skp_id, DokumenTersimpan.jenis == jenis))
    return None if d is None else (d.kode, bytes(d.pdf), d.ttd)


def kode_dari(data):
    import re

    t = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.search(r"Kode verifikasi: ([A-Z2-7]{5}-[A-Z2-7]{5})", t).group(1)


def kotak_ttd(data):
    """(page number, /Rect) of the signature widget, and the page's width."""
    r = PdfReader(io.BytesIO(data))
    for i, hal in enumerate(r.pages):
        for a in hal.get("/Annots") or []:
            a = a.get_object()
            if a.get("/FT") == "/Sig" or a.get("/Parent", {}).get("/FT") == "/Sig":
                return i, [float(x) for x in a["/Rect"]], float(hal.mediabox.width)
    return None


def posisi_teks(data, halaman, dicari):
    """The y (PDF points) of the last piece of text on a page containing `dicari`."""
    hasil = []

    def lihat(t, cm, tm, *_):
        if dicari in t:
            hasil.append(tm[5] * cm[3] + cm[5])

    PdfReader(io.BytesIO(data)).pages[halaman].extract_text(visitor_text=lihat)
    return hasil[-1] if hasil else None


def test_dokumen_evaluasi_ditandatangani_sah_menurut_pyhanko_dan_pdfsig(
        demo, buat_klien, p12, tmp_path):
    skp = skp_dari("guru28")
    atur()
    k = masuk_demo(buat_klien, "guru28")
    r = cetak(k, "dokumen_evaluasi", skp.id)
    assert r.status_code == 200
    data = r.data
    # pyHanko, trusting the test's CA: intact, whole file, the signer's certificate.
    p = tte.periksa(data, akar=p12.akar())
    assert p["ada"] and p["utuh"] and p["menyeluruh"] and p["tepercaya"]
    assert p["sertifikat"]["nama"] == NAMA and p["sertifikat"]["nip"] == NIP
    # poppler's pdfsig, an independent reader (it does not know the test's CA).
    [s] = pdfsig(data, tmp_path)
    assert s["valid"], s["teks"]
    assert s["nama"] == NAMA and s["menyeluruh"]
    assert "ETSI.CAdES.detached" in s["teks"]  # PAdES
    # The visible box sits in the right-hand signature column (the Pejabat Penilai
    # Kinerja), between its title and the printed name: where the wet signature goes.
    hal, (x1, y1, x2, y2), lebar = kotak_ttd(data)
    assert x1 > lebar / 2 and x2 < lebar and y2 - y1 > 30
    judul = posisi_teks(data, hal, "Pejabat Penilai Kinerja")
    nama_ppk = posisi_teks(data, hal, "NIP")
    assert judul is not None and nama_ppk is not None
    assert nama_ppk < y1 < y2 < judul, (nama_ppk, y1, y2, judul)
    # The stored copy is the signed one, with its validation kept beside it.
    kode, isi, ttd = tersimpan(skp.id, "dokumen_evaluasi")
    assert isi == data and ttd["utuh"] and ttd["sertifikat"]["nama"] == NAMA
    # A second print is served from the store: the same signed bytes.
    assert cetak(k, "dokumen_evaluasi", skp.id).data == data
    # Documents the Dinas did not choose stay unsigned.
    ak = cetak(k, "angka_kredit", skp.id).data
    assert not tte.periksa(ak)["ada"] and pdfsig(ak, tmp_path, "ak.pdf") == []


def test_salinan_diubah_ditandai_pdfsig_dan_pyhanko(demo, buat_klien, p12, tmp_path):
    skp = skp_dari("guru28")
    atur()
    data = cetak(masuk_demo(buat_klien, "guru28"), "dokumen_evaluasi", skp.id).data
    palsu = ubah_satu_byte(data)
    [s] = pdfsig(palsu, tmp_path, "palsu.pdf")
    assert not s["valid"] and s["validasi"], s["teks"]
    assert not tte.periksa(palsu)["utuh"]


def test_halaman_verifikasi_menunjukkan_penanda_tangan(demo, buat_klien, p12):
    skp = skp_dari("guru28")
    atur()
    data = cetak(masuk_demo(buat_klien, "guru28"), "dokumen_evaluasi", skp.id).data
    r = buat_klien().get(f"/verifikasi/{kode_dari(data)}")
    assert r.status_code == 200
    t = teks(r)
    assert "Dokumen asli" in t
    assert "Tanda tangan elektronik pada berkas tersimpan utuh" in t
    data_ttd = {teks_dari(dt): teks_dari(dt.next) for dt in dom(r).css("dl.data dt")}
    assert data_ttd["Ditandatangani oleh"] == f"{NAMA} NIP {NIP}"
    assert "Otoritas Sertifikat Uji" in data_ttd["Penerbit sertifikat"]
    assert data_ttd["Nomor seri"] == format(p12.sertifikat.serial_number, "X")
    assert " s.d. " in data_ttd["Masa berlaku"] and data_ttd["Waktu tanda tangan"]


def test_data_berubah_berkas_baru_ditandatangani_ulang(demo, buat_klien, p12, tmp_path):
    skp = skp_dari("guru28")
    atur()
    k = masuk_demo(buat_klien, "guru28")
    lama = cetak(k, "dokumen_evaluasi", skp.id).data
    segar()
    db.session.get(Pegawai, skp.pegawai.id).nama = "Sugeng Rahmawati, S.Pd., M.Pd."
    db.session.commit()
    baru = cetak(k, "dokumen_evaluasi", skp.id).data
    assert baru != lama and kode_dari(baru) != kode_dari(lama)
    assert "M.Pd." in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(baru)).pages)
    [s] = pdfsig(baru, tmp_path)
    assert s["valid"] and s["nama"] == NAMA
    kode, isi, ttd = tersimpan(skp.id, "dokumen_evaluasi")
    assert (kode, isi) == (kode_dari(baru), baru) and ttd["utuh"]
    # Turning signing on re-signs a document stored unsigned (never served stale).
    atur("", ())
    polos_ = cetak(k, "dokumen_evaluasi", skp.id).data
    assert not tte.periksa(polos_)["ada"]
    atur()
    assert tte.periksa(cetak(k, "dokumen_evaluasi", skp.id).data)["utuh"]


def test_batch_dokumen_bertanda_tangan_sah_per_dokumen(demo, buat_klien, p12, tmp_path):
    atur()
    harap = yang_berpredikat(SMP2)
    op = masuk_demo(buat_klien, "operator")
    assert "ditandatangani secara elektronik: hasilnya selalu ZIP" in teks(op.get("/cetak/batch"))
    # One document printed (and so stored, signed) before: the batch copies it as stored.
    pertama = min(harap)
    dicetak = cetak(op, "dokumen_evaluasi", pertama).data
    r = op.post("/cetak/batch", {"jenis": "dokumen_evaluasi", "sekolah": str(id_sekolah(SMP2)),
                                 "jenjang": "", "format": "pdf"})
    assert r.status_code == 303
    b = tunggu(batch_terakhir().id)
    assert b.status == "selesai", b.galat
    # Merging signed PDFs would break their signatures: the batch is a ZIP of them.
    assert b.format == "zip"
    assert any("ZIP berisi PDF per orang" in p for p in pesan(op.get(r.headers["Location"])))
    r = op.get(f"/cetak/batch/{b.id}/unduh")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        berkas = [z.read(n) for n in z.namelist()]
    assert len(berkas) == len(harap) > 0
    for i, isi in enumerate(berkas):
        [s] = pdfsig(isi, tmp_path, f"b{i}.pdf")
        assert s["valid"] and s["nama"] == NAMA and s["menyeluruh"], s["teks"]
    # The one stored before is in it byte for byte (not rendered or signed again), and
    # those rendered by the batch are stored as they are in the ZIP, signature checked.
    assert dicetak in berkas
    for skp_id in harap:
        _, isi, ttd = tersimpan(skp_id, "dokumen_evaluasi")
        assert isi in berkas and ttd["utuh"] and ttd["sertifikat"]["nama"] == NAMA


def test_penanda_jarak_jauh_lewat_server_palsu(demo, buat_klien, sert, monkeypatch,
                                               tmp_path):
    with PenandaPalsu(sert) as server:
        monkeypatch.setenv("KINERJA_TTE_URL", server.url)
        monkeypatch.setenv("KINERJA_TTE_ID", server.id)
        monkeypatch.setenv("KINERJA_TTE_KUNCI", server.kunci_api)
        tte.lupakan()
        try:
            atur("remote")
            skp = skp_dari("guru28")
            data = cetak(masuk_demo(buat_klien, "guru28"), "dokumen_evaluasi", skp.id).data
        finally:
            tte.lupakan()
    [s] = pdfsig(data, tmp_path)
    assert s["valid"] and s["nama"] == NAMA
    assert tte.periksa(data, akar=sert.akar())["tepercaya"]
    jalur = [(m, p) for m, p, _ in server.permintaan]
    assert jalur[0] == ("GET", f"/sertifikat?id={server.id}")
    [post] = [isi for m, _, isi in server.permintaan if m == "POST"]
    assert post["id"] == server.id and post["algoritma"] == "sha256" and post["digest"]
    # A wrong key is refused by the service: the settings page says why.
    with PenandaPalsu(sert) as server:
        monkeypatch.setenv("KINERJA_TTE_URL", server.url)
        monkeypatch.setenv("KINERJA_TTE_ID", server.id)
        monkeypatch.setenv("KINERJA_TTE_KUNCI", "kunci-salah")
        tte.lupakan()
        r = masuk_demo(buat_klien, "operator").get("/dinas/pengaturan")
        tte.lupakan()
    assert "Sertifikat tidak tersedia: Layanan tanda tangan tidak dapat dihubungi" in teks(r)


def test_berkas_sandi_harus_hanya_dapat_dibaca_aplikasi(sert, monkeypatch, tmp_path):
    jalur = pasang_p12(monkeypatch, tmp_path, sert)
    sandi = tmp_path / "sandi"
    sandi.write_text(SANDI + "\n")
    monkeypatch.delenv("KINERJA_TTE_SANDI")
    monkeypatch.setenv("KINERJA_TTE_SANDI_FILE", str(sandi))
    for mode in (0o640, 0o604, 0o644):
        sandi.chmod(mode)
        tte.lupakan()
        with pytest.raises(tte.TteGagal, match="dapat dibaca pengguna lain"):
            tte.penanda("p12")
    sandi.chmod(0o600)
    tte.lupakan()
    assert tte.info(tte.penanda("p12").sertifikat).nama == NAMA
    # A wrong passphrase is refused with the reason.
    sandi.write_text("salah")
    tte.lupakan()
    with pytest.raises(tte.TteGagal, match="kata sandi salah"):
        tte.penanda("p12")
    assert jalur.exists()
    tte.lupakan()


def test_pengaturan_tte_diaudit_dan_menunjukkan_sertifikat(demo, buat_klien, p12,
                                                           monkeypatch, tmp_path):
    op = masuk_demo(buat_klien, "operator")
    r = op.get("/dinas/pengaturan")
    assert r.status_code == 200 and "Tanda tangan elektronik" in teks(r)
    # Signing chosen without any document: refused, the choice kept.
    r = op.post("/dinas/pengaturan/tte", {"tte_mode": "p12"})
    assert r.status_code == 422
    assert "Pilih paling sedikit satu dokumen yang ditandatangani." in teks(r)
    assert dom(r).css_first('select[name="tte_mode"] option[selected]').attributes[
        "value"] == "p12"
    r = op.post("/dinas/pengaturan/tte", {"tte_mode": "p12",
                                          "tte_dokumen": ["dokumen_evaluasi", "skp"]})
    assert r.status_code == 303
    r = op.post("/dinas/pengaturan/tte", {"tte_mode": "p12",
                                          "tte_dokumen": ["dokumen_evaluasi", "skp"]})
    assert r.status_code == 303  # the twin changes nothing
    [a] = db.session.scalars(select(Audit).where(Audit.aksi == "pengaturan_tte")).all()
    assert a.data["tte_mode"] == ["", "p12"]
    assert a.data["tte_dokumen"] == [[], ["dokumen_evaluasi", "skp"]]
    t = teks(op.get("/dinas/pengaturan"))
    assert f"Common Name: {NAMA}" in t and "Otoritas Sertifikat Uji" in t
    assert "kedaluwarsa" not in t
    # Principals as PPK only through a remote service.
    r = op.post("/dinas/pengaturan/tte", {"tte_mode": "p12", "tte_dokumen": ["skp"],
                                          "tte_kepsek": "y"})
    assert r.status_code == 422 and "hanya dapat lewat layanan jarak jauh" in teks(r)
    # An expired certificate is shown with a warning; documents are then printed unsigned.
    pasang_p12(monkeypatch, tmp_path, buat_sertifikat(kedaluwarsa=True))
    t = teks(op.get("/dinas/pengaturan"))
    assert "Sertifikat sudah kedaluwarsa" in t
    # A missing certificate too.
    monkeypatch.setenv("KINERJA_TTE_P12", str(tmp_path / "tidak-ada.p12"))
    tte.lupakan()
    assert "Sertifikat tidak tersedia: Berkas sertifikat tidak ada" in teks(
        op.get("/dinas/pengaturan"))
    # Other roles cannot change it.
    assert masuk_demo(buat_klien, "kadis").post(
        "/dinas/pengaturan/tte", {"tte_mode": ""}).status_code == 403
    assert jumlah(Audit, Audit.aksi == "pengaturan_tte") == 1


def unggah(k, isi, nama="berkas.pdf"):
    """The upload, encoded here in memory (the test client spools a body over 500 KB to a
    temporary file it never closes)."""
    halaman = k.get("/verifikasi")
    batas, badan = encode_multipart(MultiDict({
        "csrf_token": nilai(halaman, "csrf_token"),
        "berkas": FileStorage(io.BytesIO(isi), filename=nama)}))
    with tanpa_konteks():
        return k.c.post("/verifikasi/periksa", data=badan,
                        content_type=f'multipart/form-data; boundary="{batas}"')


def test_periksa_berkas_utuh_diubah_bukan_milik_kita(demo, buat_klien, p12):
    skp = skp_dari("guru28")
    atur()
    k = masuk_demo(buat_klien, "guru28")
    data = cetak(k, "dokumen_evaluasi", skp.id).data
    anonim = buat_klien()
    anonim.get("/verifikasi")
    r = unggah(anonim, data)
    assert r.status_code == 200
    assert "Berkas utuh: ditandatangani secara elektronik oleh aplikasi ini" in teks(r)
    assert NAMA in teks(r)
    r = unggah(anonim, ubah_satu_byte(data))
    assert "Berkas telah diubah" in teks(r)
    # An unsigned PDF of ours, and one signed by someone else's certificate.
    assert "tidak ditandatangani oleh aplikasi ini" in teks(
        unggah(anonim, cetak(k, "angka_kredit", skp.id).data))
    lain = buat_sertifikat(nama="Orang Lain")
    asing = tte.tandatangani(cetak(k, "angka_kredit", skp.id).data,
                             tte.PenandaP12(lain.p12, SANDI.encode()))
    t = teks(unggah(anonim, asing))
    assert "tidak ditandatangani oleh aplikasi ini" in t and "Orang Lain" in t
    # Not a PDF, nothing chosen: refused with the reason (422), the page still works.
    r = unggah(anonim, b"bukan pdf", "a.txt")
    assert r.status_code == 422 and "Berkas ini bukan PDF." in teks(r)
    r = anonim.post("/verifikasi/periksa", {}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Pilih berkas PDF." in teks(r)
    # A broken PDF is reported, not a server error.
    assert "tidak dapat dibaca" in teks(unggah(anonim, b"%PDF-1.7\n" + b"\x00" * 1000))


def test_periksa_berkas_batas_ukuran(demo, buat_klien, app, monkeypatch):
    monkeypatch.setitem(app.config, "PERIKSA_MAKS_BYTE", 1000)
    anonim = buat_klien()
    anonim.get("/verifikasi")
    r = unggah(anonim, b"%PDF-1.7\n" + b"0" * 2000)
    assert r.status_code == 422 and "Berkas lebih dari 1000 byte." in teks(r)


def test_periksa_berkas_pdf_jahat_diperiksa_di_proses_anak_terbatas(demo, buat_klien):
    """A PDF nested 200,000 arrays deep, and one whose cross-reference stream inflates to
    2 GB: each is parsed in the child process (CPU-time and address-space limits), which
    gives up; the page says the file cannot be read, the web worker is untouched."""
    anonim = buat_klien()
    anonim.get("/verifikasi")
    for isi in (berkas_jahat.pdf_bersarang(), berkas_jahat.pdf_bom_xref()):
        assert len(isi) < 5 * 1024 * 1024
        r = unggah(anonim, isi)
        assert r.status_code == 200
        assert "Berkas tidak dapat dibaca sebagai PDF." in teks(r)


def test_cap_waktu_pades_b_t_bila_tsa_diatur(demo, buat_klien, p12, app, tmp_path):
    skp = skp_dari("guru28")
    atur()
    with TsaPalsu() as tsa:
        app.config["TTE_TSA_URL"] = tsa.url
        try:
            data = cetak(masuk_demo(buat_klien, "guru28"), "dokumen_evaluasi", skp.id).data
        finally:
            app.config["TTE_TSA_URL"] = None
    assert tsa.jumlah == 1
    p = tte.periksa(data)
    assert p["utuh"] and p["cap_waktu"]  # B-T: a timestamp token over the signature
    [s] = pdfsig(data, tmp_path)
    assert s["valid"] and s["nama"] == NAMA


@baca
def atasan_dari(skp_id):
    from kinerja_web.models.skp import Skp

    a = db.session.get(Skp, skp_id).atasan
    return a.nama, a.nip


def test_kepala_sekolah_menandatangani_sebagai_ppk_lewat_layanan_jauh(
        demo, buat_klien, sert, monkeypatch, tmp_path):
    skp = skp_dari("guru28")
    nama_ks, nip_ks = atasan_dari(skp.id)
    sert_ks = buat_sertifikat(nama="Kepala Sekolah Uji", nip=nip_ks)
    with PenandaPalsu(sert, lain={nip_ks: sert_ks}) as server:
        monkeypatch.setenv("KINERJA_TTE_URL", server.url)
        monkeypatch.setenv("KINERJA_TTE_ID", server.id)
        monkeypatch.setenv("KINERJA_TTE_KUNCI", server.kunci_api)
        tte.lupakan()
        try:
            atur("remote", kepsek=True)
            k = masuk_demo(buat_klien, "guru28")
            guru = cetak(k, "dokumen_evaluasi", skp.id).data
            ks = skp_dari("kepsek3")
            kepsek = cetak(masuk_demo(buat_klien, "kepsek3"), "dokumen_evaluasi", ks.id).data
            # Without the Dinas' permission, the Kepala Dinas' certificate signs.
            atur("remote", kepsek=False)
            tanpa = cetak(k, "dokumen_evaluasi", skp.id).data
        finally:
            tte.lupakan()
    [s] = pdfsig(guru, tmp_path)
    assert s["valid"] and s["nama"] == "Kepala Sekolah Uji"
    assert tte.periksa(guru)["sertifikat"]["nip"] == nip_ks
    # A principal's own document has the Kepala Dinas as PPK: the Dinas' signer.
    assert pdfsig(kepsek, tmp_path, "ks.pdf")[0]["nama"] == NAMA
    assert pdfsig(tanpa, tmp_path, "tanpa.pdf")[0]["nama"] == NAMA
    assert ("GET", f"/sertifikat?id={nip_ks}", None) in server.permintaan


def test_pracetak_menandatangani_dan_menandatangani_ulang_saat_data_berubah(
        demo, buat_klien, p12, tmp_path):
    """Pre-rendering (a render process, as in production) stores the document signed; a
    change of data makes it render and sign again under the new code, and the
    verification pages agree: the new code shows the signer, the old one says the data
    changed and shows no signature any more."""
    from kinerja_web.dokumen import pracetak

    skp = skp_dari("guru28")
    atur()
    # Signed in as in production (the address printed on it is the one requests came to).
    k = masuk_demo(buat_klien, "guru28")
    segar()
    assert pracetak.jalankan([("dokumen_evaluasi", skp.id)]) == 1
    kode_lama, lama, ttd = tersimpan(skp.id, "dokumen_evaluasi")
    assert ttd["utuh"] and ttd["sertifikat"]["nip"] == NIP
    [s] = pdfsig(lama, tmp_path, "lama.pdf")
    assert s["valid"] and s["nama"] == NAMA and s["menyeluruh"]
    segar()
    assert pracetak.jalankan([("dokumen_evaluasi", skp.id)]) == 0  # stored, current

    assert cetak(k, "dokumen_evaluasi", skp.id).data == lama  # printed: the code is known
    segar()
    db.session.get(Pegawai, skp.pegawai.id).nama = "Sugeng Rahmawati, S.Pd., M.Pd."
    db.session.commit()
    assert pracetak.jalankan([("dokumen_evaluasi", skp.id)]) == 1
    kode, baru, ttd = tersimpan(skp.id, "dokumen_evaluasi")
    assert kode != kode_lama and kode_dari(baru) == kode and ttd["utuh"]
    [s] = pdfsig(baru, tmp_path, "baru.pdf")
    assert s["valid"] and s["nama"] == NAMA
    # Printed now (a print is what makes a code known): served from the store as signed.
    assert cetak(k, "dokumen_evaluasi", skp.id).data == baru
    anonim = buat_klien()
    t = teks(anonim.get(f"/verifikasi/{kode}"))
    assert "Dokumen asli" in t and "berkas tersimpan utuh" in t and NAMA in t
    t = teks(anonim.get(f"/verifikasi/{kode_lama}"))
    assert "datanya telah berubah" in t and "Tanda tangan elektronik" not in t


def test_rantai_sertifikat_panjang_tetap_muat(tmp_path):
    """A signer five CAs deep (its chain embedded in every signature): the room kept for
    the signature grows with the chain, so signing succeeds and pdfsig reads it."""
    penanda = tte.PenandaP12(buat_rantai(6), SANDI.encode())
    assert len(penanda.rantai) == 5
    polos = cetak_polos()
    data = tte.tandatangani(polos, penanda)
    p = tte.periksa(data)
    assert p["utuh"] and p["menyeluruh"] and p["sertifikat"]["nama"] == NAMA
    [s] = pdfsig(data, tmp_path)
    assert s["valid"] and s["nama"] == NAMA


def cetak_polos():
    """A one-page PDF of no content (what is signed does not matter here)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
