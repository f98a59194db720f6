"""Bad values at the boundary (issue item 6): control characters, values longer than their
column, hostile upload file names, ids out of range in the query string, and production
mode behind HTTPS (a missing Referer, every error page). Every case on SQLite and
PostgreSQL: SQLite neither enforces lengths nor refuses NUL, which is how a 10,000-character
name used to pass the preview and fail the confirm only on PostgreSQL.

The cleaning rule is kinerja_web.teks.bersihkan (documented there)."""

import csv
import io
import secrets

import bantu
import pytest
from bantu import nilai
from bantu_impor import pegawai, pratinjau, simpan, unggah
from bantu_sinkro import ekspor_selesai, operator_demo
from conftest import SANDI, TEST_CONFIG
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

from kinerja_web import create_app
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.lembar import tulis_csv
from kinerja_web.models import (
    AsnSiasn,
    Audit,
    Dinas,
    ImporBerkas,
    Pegawai,
    Sekolah,
    SesiLogin,
    UnitKerja,
)
from kinerja_web.sinkro import berkas
from kinerja_web.teks import bersihkan, panjang_model

VT = "\x0b"


def csv_dari(kolom, baris):
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(kolom)
    w.writerows(baris)
    return out.getvalue().encode("utf-8")


def galat(halaman):
    """(sheet, line, column, message) rows of the preview's "Kesalahan per baris"."""
    return [(a, int(b), c, d) for a, b, c, d in bantu.galat_per_baris(halaman) or ()]


@pytest.fixture
def operator(klien, dunia):
    klien.masuk(dunia.operator.username)
    return klien


def hitung(model):
    """A count in a transaction of its own: a fresh snapshot (SQLite WAL), and no lock held
    against the other app of the production tests (outside a request SQLite begins
    IMMEDIATE)."""
    db.session.commit()
    n = db.session.scalar(select(func.count()).select_from(model))
    db.session.commit()
    return n


# ================================================================== 1. control characters


def test_aturan_pembersihan():
    assert bersihkan("Ali\x0bBaba") == "Ali Baba"
    assert bersihkan("a\r\n\tb\x85c\u2028d") == "a b c d"
    assert bersihkan("a\x00b\x01c\x7fd\x9fe\x1b[31m") == "abcde[31m"
    assert bersihkan("baris 1\r\nbaris 2\x0bbaris 3\tx\x00", banyak_baris=True) == \
        "baris 1\nbaris 2\nbaris 3\tx"
    # Visible text stays as typed, right-to-left marks included (the pages escape them).
    assert bersihkan("Ḿuḩammad \u202e\u200f 😀 <b>") == "Ḿuḩammad \u202e\u200f 😀 <b>"
    assert bersihkan("\ud800x\ufffe") == "x"
    assert bersihkan(None) is None and bersihkan(5) == 5


def test_formulir_membersihkan_teks_per_jenis_bidang(app):
    class F(Formulir):
        satu = StringField()
        banyak = TextAreaField()
        sandi = PasswordField()

    with app.test_request_context(method="POST"):
        f = F(MultiDict({"satu": "Ali\x0bBaba\x00\r\n", "banyak": "a\r\nb\x0bc\td\x01",
                         "sandi": "s\x0bx"}), meta={"csrf": False})
        assert f.satu.data == "Ali Baba "
        assert f.banyak.data == "a\nb\nc\td"
        assert f.sandi.data == "s\x0bx"  # only hashed, never stored or shown: as typed


def test_pengaturan_dinas_menyimpan_teks_bersih(app, operator, dunia):
    r = operator.post("/dinas/pengaturan", {
        "nama": "Dinas\x0bPendidikan\x01 Kabupaten Uji", "kota_ttd": "Kebu\x00men",
        "alamat": "Jl. Pemuda\r\n1\x85"})
    # A NUL never comes from a keyboard: refused before any view (test_keamanan).
    assert r.status_code == 400
    r = operator.post("/dinas/pengaturan", {
        "nama": "Dinas\x0bPendidikan\x01 Kabupaten Uji", "kota_ttd": "Kebu\x1bmen",
        "alamat": "Jl. Pemuda\r\n1\x85"})
    assert r.status_code in (200, 303), r.status_code
    d = db.session.get(Dinas, dunia.dinas.id)
    db.session.refresh(d)
    assert (d.nama, d.kota_ttd, d.alamat) == (
        "Dinas Pendidikan Kabupaten Uji", "Kebumen", "Jl. Pemuda 1 ")


def test_impor_roster_membersihkan_karakter_kendali(app, operator, dunia):
    nip_ = pegawai_nip = roster_nip()  # noqa: F841
    isi = csv_dari(["nip", "nama", "status_kepegawaian", "golongan", "jabatan", "tempat_lahir"],
                   [[nip_, f"Siti{VT}Aminah\x01, S.Pd.\x1f", "PNS", "III/a",
                     "Guru Ahli\x85Pertama", "Kebu\x7fmen"]])
    impor_id, halaman = pratinjau(operator, isi, "roster.csv")
    assert galat(halaman) == []
    assert simpan(operator, impor_id).status_code == 200
    p = db.session.scalar(select(Pegawai).where(Pegawai.nip == pegawai_nip))
    assert (p.nama, p.jabatan, p.tempat_lahir) == (
        "Siti Aminah, S.Pd.", "Guru Ahli Pertama", "Kebumen")


def roster_nip():
    from bantu_impor import nip
    return nip(77)


# ================================================================== 2. lengths


def test_nama_10000_karakter_ditolak_di_pratinjau_dengan_baris_dan_kolom(app, operator, dunia):
    """The tester's case: caught in the preview on both databases, never at the confirm."""
    isi = csv_dari(["nip", "nama", "status_kepegawaian", "golongan", "jabatan"],
                   [[roster_nip(), "A" * 10_000, "PNS", "III/a", "Guru Ahli Pertama"]])
    sebelum = hitung(Pegawai)
    impor_id, halaman = pratinjau(operator, isi, "roster.csv")
    batas = panjang_model(Pegawai)["nama"]
    assert ("roster.csv", 2, "nama", f"Isian nama 10000 karakter; paling banyak {batas}.") \
        in galat(halaman)
    assert simpan(operator, impor_id).status_code < 500
    assert hitung(Pegawai) == sebelum


def _isi_maks(model, kolom, tambah):
    b = panjang_model(model)
    return {k: "7" * (b[k] + tambah) for k in kolom}


def test_panjang_kolom_impor_sesuai_basis_data(app, operator, dunia):
    """Every free-text column of the roster at exactly its model length is stored by the
    confirm (so the model's lengths are the database's, on PostgreSQL too), and one more
    character is refused in the preview with the row and column named."""
    kolom_s = ["nama", "alamat", "kecamatan", "unor_id", "unor_nama"]
    kolom_p = ["nama", "tempat_lahir", "pendidikan", "karpeg"]

    def berkas_(tambah):
        s = {"npsn": "60100077", "jenjang": "SD", "status": "Negeri",
             **_isi_maks(Sekolah, kolom_s, tambah)}
        p = {**pegawai(roster_nip(), "", "60100077"), **_isi_maks(Pegawai, kolom_p, tambah)}
        ks = list(s)
        kp = list(p)
        return {"Sekolah": (ks, [[s[k] for k in ks]]), "Pegawai": (kp, [[p[k] for k in kp]])}

    from kinerja_web.lembar import tulis_xlsx
    _, halaman = pratinjau(operator, tulis_xlsx(berkas_(1)))
    g = {(a, c) for a, b, c, _ in galat(halaman) if b == 2}
    assert {("Sekolah", k) for k in kolom_s} | {("Pegawai", k) for k in kolom_p} <= g
    impor_id, halaman = pratinjau(operator, tulis_xlsx(berkas_(0)))
    assert galat(halaman) == []
    assert simpan(operator, impor_id).status_code == 200
    s = db.session.scalar(select(Sekolah).where(Sekolah.npsn == "60100077"))
    assert len(s.alamat) == panjang_model(Sekolah)["alamat"]


def test_referensi_asn_nama_lebih_dari_kolom_ditolak_di_pratinjau(app, operator, dunia):
    """The ASN list allowed 250 characters for a 150-character column."""
    from bantu_sinkro import asn_xlsx
    from bantu_sinkro import pratinjau as pratinjau_ref

    nama = "B" * (panjang_model(AsnSiasn)["nama"] + 1)
    impor_id, r = pratinjau_ref(operator, "asn", asn_xlsx([[dunia.guru.nip, nama, "U1", None,
                                                             None, None]]))
    assert ("ASN", 2, "nama", f"Isian nama {len(nama)} karakter; paling banyak "
            f"{panjang_model(AsnSiasn)['nama']}.") in galat(r.text)
    assert operator.post(f"/sinkro/referensi/impor/{impor_id}/terapkan").status_code < 500
    assert hitung(AsnSiasn) == 0


def test_referensi_unor_panjang_dari_model(app, operator, dunia):
    from bantu_sinkro import pratinjau as pratinjau_ref
    from bantu_sinkro import unor_xlsx

    b = panjang_model(UnitKerja)
    _, r = pratinjau_ref(operator, "unor", unor_xlsx([["U" * (b["unor_id"] + 1), "X", None, "Ya"]]))
    assert [(c, n) for _, n, c, _ in galat(r.text)] == [("unor_id", 2)]


def test_kunci_upaya_terlalu_panjang_tidak_500(app):
    from kinerja_web.pelaksanaan.forms import FormUpaya

    with app.test_request_context(method="POST"):
        f = FormUpaya(MultiDict({"kunci": "k" * 41, "isi": "x"}), meta={"csrf": False})
        assert f.kunci.data is None
        f = FormUpaya(MultiDict({"kunci": "k" * 40}), meta={"csrf": False})
        assert f.kunci.data == "k" * 40


# ================================================================== 3. upload file names


@pytest.mark.parametrize(("nama", "harapan"), [
    ("ros\x00ter.csv", "roster.csv"),
    ("C:/Users/guru/ros\x0bter.csv", "ros ter.csv"),
    ("../../etc/roster.csv", "roster.csv"),
    ("\x00\x01", "berkas"),
    ("r" * 5000 + ".csv", ("r" * 5000 + ".csv")[-200:]),
])
def test_nama_berkas_unggahan_dibersihkan_bukan_500(app, operator, dunia, nama, harapan):
    isi = csv_dari(["npsn", "nama", "jenjang", "status"], [["60100078", "SD X", "SD", "Negeri"]])
    r = unggah(operator, isi, nama)
    assert r.status_code == 303, r.status_code
    db.session.expire_all()
    impor = db.session.scalar(select(ImporBerkas).order_by(ImporBerkas.id.desc()))
    assert impor.nama_berkas == harapan[-panjang_model(ImporBerkas)["nama_berkas"]:]
    catatan = db.session.scalar(select(Audit.catatan).where(Audit.aksi == "impor_diunggah"))
    assert catatan == impor.nama_berkas


def test_nama_berkas_aturan():
    from kinerja_web.teks import nama_berkas

    assert nama_berkas("C:\\Users\\guru\\roster.xlsx") == "roster.xlsx"
    assert nama_berkas("a\x00b\nc.csv", maks=4) == ".csv"
    assert nama_berkas(None) == nama_berkas("../") == "berkas"


def test_nama_berkas_referensi_dengan_nul_bukan_500(app, operator, dunia):
    from bantu_sinkro import unggah as unggah_ref
    from bantu_sinkro import unor_xlsx

    r = unggah_ref(operator, "unor", unor_xlsx([["U1", "SD X", None, "Ya"]]), "unor\x00.xlsx")
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(ImporBerkas.nama_berkas)) == "unor.xlsx"


# ================================================================== 4. ids in the query string

ID_BURUK = ("99999999999999999999", "2147483648", "-1", "0", "abc", "1.5", "1e3", "%00",
            "9" * 5000, "%2B3", "٣")


@pytest.mark.parametrize("nilai", ID_BURUK)
def test_id_buruk_di_query_diabaikan(app, operator, dunia, nilai):
    """?sekolah= on every list that takes it: ignored (the whole list), never a 500; a page
    number beyond any list is a 404 (keamanan.halaman_wajar), a bad one the first page."""
    for url in ("/dinas/pegawai", "/dinas/rekap", "/dinas/rekap.csv", "/dinas/rekap.xlsx",
                "/sinkro", "/sinkro/temuan.xlsx", "/dinas/tim-kerja", "/dinas/pko",
                "/dinas/sekolah"):
        r = operator.get(f"{url}?sekolah={nilai}")
        harap = 400 if nilai == "%00" else 200  # a NUL is refused before any view
        assert r.status_code == harap, (url, nilai, r.status_code)
        r = operator.get(f"{url}?halaman={nilai}")
        assert r.status_code in (harap, 404), (url, nilai, r.status_code)
    # A real id still filters.
    r = operator.get(f"/dinas/pegawai?sekolah={dunia.sekolah_plt.id}")
    assert r.status_code == 200
    assert dunia.plt.nama in r.text and dunia.guru.nama not in r.text


# ================================================================== 5. production over HTTPS

BASE = "https://kinerja.contoh.go.id"


@pytest.fixture
def app_produksi(app, dunia, database_url, monkeypatch):
    """A production app on this test's database (SQLite or PostgreSQL), with a route per
    error status to render every error page."""
    import os
    for nama in list(os.environ):
        if nama.startswith("KINERJA_"):
            monkeypatch.delenv(nama)
    db.session.commit()  # the world is visible to (and no lock held against) the other app
    cfg = {k: v for k, v in TEST_CONFIG.items() if k != "TESTING"}
    prod = create_app({**cfg, "SECRET_KEY": secrets.token_urlsafe(48), "ENV": "production",
                       "URL_PUBLIK": BASE, "DATABASE_URL": database_url,
                       "MAX_CONTENT_LENGTH": 4096})
    from flask import abort

    @prod.route("/uji-galat/<int:kode>", methods=["GET", "POST"])
    def uji_galat(kode):
        if kode == 500:
            # A failed statement first: on PostgreSQL the transaction is aborted, and the
            # error page must still render its menu (which reads the account's roles).
            try:
                db.session.execute(text("SELECT * FROM tabel_yang_tidak_ada"))
            except Exception:  # noqa: BLE001
                pass
            raise RuntimeError("rahasia")
        abort(kode)

    @prod.post("/uji-tulis")
    def uji_tulis():
        """A state change without a form to re-render (the CSRF handler's safety net)."""
        from kinerja_web import alur
        alur.catat("uji_tulis")
        db.session.commit()
        return "ditulis"

    prod.config["PROPAGATE_EXCEPTIONS"] = False
    yield prod
    with prod.app_context():
        db.session.remove()
        db.engine.dispose()


def token(r):
    token = nilai(r, "csrf_token")
    assert token
    return token


def masuk_https(c, username, sandi=SANDI, referer=True):
    tok = token(c.get("/masuk", base_url=BASE))
    return c.post("/masuk", base_url=BASE, data={"identitas": username, "sandi": sandi,
                                                 "csrf_token": tok},
                  headers={"Referer": f"{BASE}/masuk"} if referer else {})


def test_masuk_tanpa_referer_di_https_422_dengan_isian(app_produksi, dunia):
    c = app_produksi.test_client()
    sesi, audit = hitung(SesiLogin), hitung(Audit)
    r = masuk_https(c, dunia.guru.username, referer=False)
    assert r.status_code == 422
    assert '<html lang="id">' in r.text and "Referer" in r.text
    assert f'value="{dunia.guru.username}"' in r.text  # the input is kept
    assert (hitung(SesiLogin), hitung(Audit)) == (sesi, audit)
    # Another site's page as Referer: the same refusal.
    tok = token(c.get("/masuk", base_url=BASE))
    r = c.post("/masuk", base_url=BASE, headers={"Referer": "https://evil.example/x"},
               data={"identitas": dunia.guru.username, "sandi": SANDI, "csrf_token": tok})
    assert r.status_code == 422 and hitung(SesiLogin) == sesi
    # With the Referer a browser sends, the same login works.
    r = masuk_https(c, dunia.guru.username)
    assert r.status_code == 303 and hitung(SesiLogin) == sesi + 1


def test_post_tanpa_referer_di_https_tidak_menulis(app_produksi, dunia):
    c = app_produksi.test_client()
    assert masuk_https(c, dunia.guru.username).status_code == 303
    tok = token(c.get("/profil", base_url=BASE))
    audit = hitung(Audit)
    # Logging out needs the Referer too: the page says so and the session stays.
    r = c.post("/keluar", base_url=BASE, data={"csrf_token": tok})
    assert r.status_code == 303 and c.get("/profil", base_url=BASE).status_code == 200
    # A handler without a form: refused as a page, nothing written.
    r = c.post("/uji-tulis", base_url=BASE, data={"csrf_token": tok})
    assert r.status_code == 400 and '<html lang="id">' in r.text and "Referer" in r.text
    assert hitung(Audit) == audit
    r = c.post("/uji-tulis", base_url=BASE, data={"csrf_token": tok},
               headers={"Referer": f"{BASE}/profil"})
    assert r.status_code == 200 and hitung(Audit) == audit + 1


@pytest.mark.parametrize("masuk", [False, True], ids=["anonim", "masuk"])
def test_setiap_halaman_galat_di_produksi(app_produksi, dunia, masuk):
    c = app_produksi.test_client()
    if masuk:
        assert masuk_https(c, dunia.operator.username).status_code == 303
    salah = []
    for kode in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500):
        r = c.get(f"/uji-galat/{kode}", base_url=BASE)
        if r.status_code != kode or '<html lang="id">' not in r.text or \
                '<h1>' not in r.text or "rahasia" in r.text or "Traceback" in r.text:
            salah.append(f"{kode}: {r.status_code} {r.text[:200]!r}")
        for inggris in ("Bad Request", "Not Found", "Forbidden", "Internal Server Error",
                        "Unauthorized", "Method Not Allowed", "Conflict", "Too Many"):
            if inggris in r.text:
                salah.append(f"{kode}: {inggris}")
        if masuk and r.status_code == kode and "Keluar" not in r.text:
            salah.append(f"{kode}: tanpa menu pengguna")
    # Real triggers too: a method the route does not take, an unknown page, a big body.
    r = c.put("/masuk", base_url=BASE)
    salah += [] if r.status_code == 405 and '<html lang="id">' in r.text else ["put 405"]
    r = c.post("/uji-galat/404", base_url=BASE, data={"x": "y" * 10_000},
               headers={"Referer": f"{BASE}/"})
    salah += [] if r.status_code in (400, 413) and '<html lang="id">' in r.text else [
        f"413: {r.status_code}"]
    assert not salah, "\n".join(salah)


# ================================================================== 6. exports with old data


@pytest.fixture
def nama_lama(app, demo):
    """Old data: a vertical tab (and another control) written straight into the database
    in every pegawai's name, as rows stored before input was cleaned may hold them.
    Returns {nip: the name as it reads cleaned}."""
    asli = dict(db.session.execute(select(Pegawai.id, Pegawai.nama)).all())
    for pid, nama in asli.items():
        db.session.execute(update(Pegawai).where(Pegawai.id == pid).values(
            nama=nama.replace(" ", VT, 1) + "\x01"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Pegawai.nama.contains(VT)))
    return {nip: asli[pid] for pid, nip in db.session.execute(select(Pegawai.id, Pegawai.nip))}


def test_ekspor_seluruh_dinas_berhasil_dengan_nama_berisi_tab_vertikal(app, nama_lama,
                                                                      buat_klien):
    k = operator_demo(buat_klien)
    ekspor_id, _ = ekspor_selesai(k, "perencanaan")
    jsonl = k.get(f"/sinkro/ekspor/{ekspor_id}/{berkas.NAMA_JSONL}").data
    xlsx = k.get(f"/sinkro/ekspor/{ekspor_id}/{berkas.NAMA_XLSX}").data
    catatan = berkas.baca_jsonl(jsonl)
    assert catatan
    # Cleaned: the tab became a space, the \x01 is gone; the XLSX holds the same records.
    assert all(c["nama"] == nama_lama[c["nip"]] for c in catatan)
    assert berkas.baca_xlsx(xlsx) == catatan


def nilai_xlsx(data):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {c for ws in wb for row in ws.iter_rows(values_only=True) for c in row
            if isinstance(c, str)}


def test_lembar_temuan_dan_rekap_berhasil_dengan_nama_lama(app, nama_lama, buat_klien):
    k = operator_demo(buat_klien)
    nama = set(nama_lama.values())
    for url in ("/sinkro/temuan.xlsx", "/sinkro/temuan.xlsx?jenis=penilaian_akhir",
                "/sinkro/disparitas.xlsx", "/dinas/rekap.xlsx", "/dinas/rekap.csv"):
        r = k.get(url)
        assert r.status_code == 200, (url, r.status_code)
        nilai = nilai_xlsx(r.data) if url.endswith(("xlsx", "akhir")) else \
            set(r.data.decode("utf-8").replace("\n", ";").split(";"))
        assert not any(VT in v or "\x01" in v for v in nilai), url
        if "disparitas" not in url:  # names there are SIASN's
            assert nilai & nama, url


def test_penulis_lembar_tidak_gagal_karena_satu_nilai():
    from kinerja_web.lembar import tulis_xlsx

    nilai = "a" + "".join(map(chr, range(0x20))) + "b\x7f\x9f"
    isi = tulis_xlsx({"X": (["kolom\x00"], [[nilai], ["=1+1\x0b"]])})
    baris = list(load_workbook(io.BytesIO(isi)).active.iter_rows(values_only=True))
    assert baris[0] == ("kolom",)
    assert baris[1][0].startswith("a") and baris[1][0].endswith("b")
    assert not any(chr(c) in baris[1][0] for c in (*range(9), 0x0b, 0x0c, *range(0x0e, 0x20)))
    assert baris[2][0].startswith("'=")
    teks_csv = tulis_csv(["x"], [[nilai]]).decode("utf-8")
    assert "\x00" not in teks_csv and "\x0b" not in teks_csv
    isi = berkas.tulis_xlsx_aliran({"Y": (["k"], iter([[f"a{VT}b\x00"]]))})
    assert list(load_workbook(io.BytesIO(isi)).active.iter_rows(values_only=True))[1] == (
        "a b",)
