"""Attack cases (issue 8, point 2), one test each, against the world of the access matrix
(tests/dunia_akses.py: the demo Dinas and a second Dinas, every role signed in once).

Already covered by tests elsewhere, not repeated here:
- CSRF, one form in depth (missing/wrong/stale token keeps the input and writes nothing;
  cross-site Origin and Sec-Fetch-Site refused): test_keamanan.py
  `test_csrf_gagal_ganti_sandi_tampil_ulang_tanpa_mengubah_data`,
  `test_token_dari_sesi_yang_sudah_hilang`, `test_post_lintas_situs_ditolak`. Here: every
  POST route of the app (`test_csrf_di_setiap_rute_post`).
- Open redirect via next=: test_auth.py `test_next_luar_situs_diabaikan` (//, \\, tab,
  javascript:, encoded). Here: control characters (`test_next_dengan_karakter_kendali_…`).
- Login throttling per account behind one shared IP: test_auth.py
  `test_akun_terkunci_setelah_lima_gagal_walau_sandi_benar` (another account on the same IP
  still signs in) and `test_batas_per_ip_429_dengan_formulir_dan_isian`.
- Session replay after logout: test_auth.py `test_keluar_mengakhiri_sesi_di_server`.
- Session rotated at login: test_auth.py `test_sesi_dirotasi_saat_masuk`.
- Password change ends the other sessions: test_auth.py
  `test_ganti_sandi_mengakhiri_sesi_lain_tapi_bukan_sesi_ini`; a reset by the Operator:
  test_dinas.py `test_atur_ulang_sandi_sekali_tampil`.
- HSTS in production only, cookie flags: test_keamanan.py
  `test_hsts_dan_cookie_secure_hanya_di_produksi`.
- No trace on a 500 in production: test_keamanan.py `test_halaman_500_tanpa_traceback`;
  production refuses DEBUG: test_config.py `test_produksi_dengan_debug_ditolak`.
- Upload limits below the request cap: test_impor.py `test_batas_ukuran_berkas`,
  test_cetak.py `test_logo_batas_ukuran_dan_peran`.
- pip-audit: not a pytest test (it needs the network); `make test` runs it when CI=true.
"""

import csv
import hashlib
import io
import json
import re
from collections import deque
from html.parser import HTMLParser

import dunia_akses
import pytest
from bantu import dom, nilai, versi_di
from bantu_sinkro import id_tugas, tunggu_ekspor
from conftest import SANDI, tanpa_konteks
from dunia_akses import PERAN, catat_tulisan
from matriks_akses import MATRIKS, TOLAK, harap
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select, update

from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    AsnSiasn,
    Audit,
    Dinas,
    ImporBerkas,
    Pegawai,
    Penugasan,
    PeriodeEkinerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    UnitKerja,
)
from kinerja_web.models.cetak import CetakBatch
from kinerja_web.models.pelaksanaan import CatatanUpaya, Praktik, RefleksiKompetensi
from kinerja_web.models.penilaian import Penetapan, Penilaian, PkoDinas, PkoSekolah
from kinerja_web.models.skp import Skp

KENDALI_ARAH = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
AWALAN_RUMUS = ("=", "+", "-", "@", "\t", "\r", "\n")
# The XSS corpus: every vector of the issue, each with a marker. The last ones are formula
# injections for the exports.
KORPUS = (
    '<script>alert("xss1")</script>',
    '"><img src=x onerror=alert("xss2")>',
    "'><svg/onload=alert('xss3')>",
    '<i hx-get="/keluar?xss4" hx-trigger="load">xss4</i>',
    "<b hx-on:click=\"alert('xss5')\">xss5</b>",
    "<a href=\"javascript:alert('xss6')\">xss6</a>",
    'javascript:alert("xss7")',
    "Ali \u202egnp.exe xss8",
    "{{ 7*7 }}{% if 1 %}xss9{% endif %}",
    '=HYPERLINK("http://evil.example","xss10")',
    "+SUM(1;2) xss11",
    "-1+2 xss12",
    "@SUM(1) xss13",
    "\t=1+1 xss14",
    "\r=1+1 xss15",
)
TAMPIL = KORPUS[:9]  # each must show up, verbatim as text, on some page


def tanpa_arah(teks):
    return teks.translate(dict.fromkeys(map(ord, KENDALI_ARAH)))


# ================================================================== small worlds first
# (these use the per-test `dunia`; the module world below is built after them)


@pytest.mark.parametrize("tujuan", ["/x\r\nSet-Cookie: a=b", "/x\nLocation: //evil.example",
                                    "/x\x00y", "/x\x7fy"])
def test_next_dengan_karakter_kendali_diabaikan_bukan_500(klien, dunia, tujuan):
    """A line break in next= used to reach the Location header: Werkzeug refuses it with a
    500 after the session was already started. It is dropped like any unsafe target."""
    klien.get("/masuk")
    r = klien.c.post("/masuk", query_string={"next": tujuan},
                     data={"identitas": "guru", "sandi": SANDI, "csrf_token": klien.token})
    assert r.status_code == 303
    assert r.headers["Location"] == "/"
    assert "Set-Cookie: a=b" not in str(r.headers.getlist("Set-Cookie"))


def multipart(token, **isian):
    """A multipart body as bytes (a dict of big files would make Werkzeug's test client
    spool them to a temporary file it never closes)."""
    batas = "batas-uji-413"
    bagian = [f'--{batas}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
              f"{token}\r\n".encode()]
    for nama, (isi, berkas) in isian.items():
        berkas = f'; filename="{berkas}"' if berkas else ""
        bagian.append(f'--{batas}\r\nContent-Disposition: form-data; name="{nama}"{berkas}'
                      f"\r\n\r\n".encode() + isi + b"\r\n")
    return b"".join(bagian) + f"--{batas}--\r\n".encode(), \
        f"multipart/form-data; boundary={batas}"


def test_permintaan_melebihi_batas_413_tanpa_menulis(klien, buat_klien, dunia, app):
    """Above MAX_CONTENT_LENGTH every request is refused before any view reads it: the
    upload forms, a text form, and the login page (no session needed)."""
    besar = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    klien.masuk("operator")
    with app.app_context():
        sebelum = (db.session.scalar(select(func.count()).select_from(ImporBerkas)),
                   db.session.scalar(select(func.count()).select_from(Audit)))
    for url, isian in (("/impor", {"berkas": (besar, "roster.csv")}),
                       ("/sinkro/referensi/asn", {"asn-berkas": (besar, "asn.csv")}),
                       ("/dinas/pengaturan/logo", {"logo": (besar, "logo.png")}),
                       ("/dinas/pengaturan", {"nama": (besar, None)})):
        body, jenis = multipart(klien.token, **isian)
        with tanpa_konteks():
            r = klien.c.post(url, data=body, content_type=jenis)
        assert r.status_code == 413, url
        assert "Berkas terlalu besar" in r.text and "Request Entity" not in r.text, url
    anonim = buat_klien()
    anonim.get("/masuk")
    with tanpa_konteks():
        r = anonim.c.post("/masuk", data=b"identitas=guru&sandi=" + besar,
                          content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    with app.app_context():
        assert (db.session.scalar(select(func.count()).select_from(ImporBerkas)),
                db.session.scalar(select(func.count()).select_from(Audit))) == sebelum


# ================================================================== the module world


@pytest.fixture(scope="module")
def dunia_s(_app, tmp_path_factory):
    yield from dunia_akses.dunia_modul(_app, tmp_path_factory)


def sebagai(peran, rute, dunia, status=200):
    """The (objek, URL) pairs of a route at which this role gets `status`."""
    return [(k, rute.url(dunia, k)) for k in rute.objek
            if harap(rute.aturan, peran, k) == status]


def test_csrf_di_setiap_rute_post(_app, dunia_s):
    """Every POST route, sent by a role allowed to use it: without a token or with a wrong
    one nothing is written (the form comes back, or a redirect); from another site
    (Origin / Sec-Fetch-Site) it is refused with 403 — even with a valid token."""
    salah = []
    for (endpoint, method), rute in sorted(MATRIKS.items()):
        if method != "POST":
            continue
        pilihan = [(p, k, rute.url(dunia_s, k)) for p in PERAN for k in rute.objek
                   if harap(rute.aturan, p, k) not in TOLAK]
        assert pilihan, f"{endpoint}: tidak ada peran yang boleh"
        peran, _, url = pilihan[0]
        sesi = dunia_s.sesi[peran]
        for nama, kw, harapan in (
                ("tanpa token", {"csrf": False}, None),
                ("token salah", {"csrf": False, "data": {"csrf_token": "salah"}}, None),
                ("Origin lain", {"headers": {"Origin": "https://evil.example"}}, 403),
                ("Sec-Fetch-Site", {"headers": {"Sec-Fetch-Site": "cross-site"}}, 403)):
            with catat_tulisan(_app) as tulisan:
                r = sesi.minta(_app, "POST", url, **kw)
            if tulisan or r.status_code >= 500 or (harapan and r.status_code != harapan):
                salah.append(f"{endpoint} ({peran}, {nama}): {r.status_code} {tulisan}")
    assert not salah, "\n".join(salah)


# ------------------------------------------------------------------ the XSS corpus


def _muat(panjang, i):
    """The i-th corpus item that fits a column of this length."""
    for j in range(len(KORPUS)):
        p = KORPUS[(i + j) % len(KORPUS)]
        if panjang is None or len(p) <= panjang:
            return p
    return None


KOLOM_TEKS = {
    Pegawai: ("nama", "tempat_lahir", "pendidikan", "keikutsertaan_alasan"),
    Sekolah: ("nama", "alamat", "kecamatan", "unor_nama"),
    Dinas: ("nama", "nama_pemda", "alamat", "telepon", "laman", "kota_ttd",
            "atasan_kadis_nama", "atasan_kadis_pangkat", "atasan_kadis_jabatan"),
    Penugasan: ("nomor_sk",),
    Skp: ("nama_tugas_tambahan", "catatan_atasan"),
    Praktik: ("upaya_belajar", "catatan_persiapan", "rekomendasi", "tl_tantangan",
              "tl_tujuan", "tl_upaya", "tl_jadwal", "tl_dukungan", "catatan_tindak_lanjut",
              "refleksi_praktik", "refleksi_perubahan", "refleksi_dampak", "catatan_refleksi"),
    CatatanUpaya: ("isi",),
    Penilaian: ("alasan_hasil", "umpan_balik_hasil", "alasan_perilaku", "alasan_predikat"),
    PkoSekolah: ("alasan",),
    PkoDinas: ("alasan",),
    Penetapan: ("pembenaran", "alasan_dibuka"),
    PeriodeEkinerja: ("nama",),
    UnitKerja: ("nama",),
    AsnSiasn: ("nama",),
    CetakBatch: ("lingkup",),
    ImporBerkas: ("nama_berkas",),
}


def isi_korpus(app):
    """Every stored free text of every row gets a corpus item (as if typed in a form or an
    imported file); the structured texts (JSON lists and maps) too. The demo's closed year
    (2025) is reopened for the fill and closed again: its rows are shown and printed too."""
    with app.app_context():
        ditutup = db.session.scalars(select(TahunDinas.id).where(
            TahunDinas.status == StatusTahun.DITUTUP)).all()
        db.session.execute(update(TahunDinas).where(TahunDinas.id.in_(ditutup))
                           .values(status=StatusTahun.BERJALAN))
        i = 0
        for model, kolom in KOLOM_TEKS.items():
            for baris in db.session.scalars(select(model).order_by(model.id)):
                for nama in kolom:
                    i += 1
                    setattr(baris, nama, _muat(getattr(model, nama).type.length, i))
        for s in db.session.scalars(select(Skp)):
            if s.ekspektasi:
                i += 1
                s.ekspektasi = {k: _muat(None, i + n) for n, k in enumerate(s.ekspektasi)}
        for p in db.session.scalars(select(Praktik)):
            fokus = [_muat(None, i + n) for n in range(len(p.fokus_perilaku or []))]
            i += 1
            p.fokus_perilaku = fokus
            p.rubrik = [{**r, "fokus": fokus[n] if n < len(fokus) else r.get("fokus"),
                         "catatan": _muat(None, i + n + 3)} for n, r in enumerate(p.rubrik or [])]
        for r in db.session.scalars(select(RefleksiKompetensi)):
            i += 1
            r.inspirasi = [_muat(None, i + n) for n in range(len(r.inspirasi or []))]
            r.penerapan = [_muat(None, i + n + 5) for n in range(len(r.penerapan or []))]
        for p in db.session.scalars(select(Penilaian)):
            if p.umpan_balik_perilaku:
                i += 1
                p.umpan_balik_perilaku = {k: _muat(None, i + n)
                                          for n, k in enumerate(p.umpan_balik_perilaku)}
        db.session.flush()
        db.session.execute(update(TahunDinas).where(TahunDinas.id.in_(ditutup))
                           .values(status=StatusTahun.DITUTUP))
        db.session.commit()


@pytest.fixture(scope="module")
def korpus(_app, dunia_s):
    isi_korpus(_app)
    return KORPUS


class Periksa(HTMLParser):
    """What a browser would run from a page: event handlers, htmx attributes, javascript:
    URLs, scripts, frames. The text nodes are kept to prove the corpus was shown as text."""

    URL = {"href", "src", "action", "formaction", "poster", "background", "srcdoc",
           "xlink:href", "data"}
    TERLARANG = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.salah, self.teks = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TERLARANG:
            self.salah.append(f"<{tag}>")
        a = {n.lower(): v or "" for n, v in attrs}
        if tag == "script" and not a.get("src", "").startswith("/aset/"):
            self.salah.append(f"<script {a}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.salah.append("<meta http-equiv=refresh>")
        for n, v in a.items():
            if n.startswith(("on", "hx-on", "data-hx-on")):
                self.salah.append(f"<{tag} {n}={v!r}>")
            nilai = "".join(v.split()).lower()
            if (n in self.URL or n.startswith(("hx-", "data-hx-"))) and \
                    nilai.startswith(("javascript:", "vbscript:", "data:text")):
                self.salah.append(f"<{tag} {n}={v!r}>")
            if n.startswith(("hx-", "data-hx-")) and nilai.startswith("/keluar"):
                self.salah.append(f"<{tag} {n}={v!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.teks.append(data)


def periksa_html(teks):
    """(violations, the page's text) of one HTML response."""
    p = Periksa()
    p.feed(teks)
    p.close()
    salah = list(p.salah)
    if any(c in teks for c in KENDALI_ARAH):
        salah.append("karakter kendali arah (RTL override) tampil apa adanya")
    halaman = dom(teks)
    if any(s.text().startswith("alert") for s in halaman.css("script")) or \
            halaman.css_first('img[src="x"], svg[onload]') is not None:
        salah.append("korpus tampil tanpa di-escape")
    return salah, " ".join("".join(p.teks).split())


def cek_header(r, masuk, url):
    """The security headers every response must carry."""
    h = r.headers
    salah = []
    csp = h.get("Content-Security-Policy", "")
    if "default-src" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        salah.append(f"CSP {csp!r}")
    if r.mimetype == "text/html" and "default-src 'self'" not in csp:
        salah.append(f"CSP {csp!r}")
    if h.get("X-Content-Type-Options") != "nosniff":
        salah.append("nosniff")
    if h.get("Referrer-Policy") != "same-origin":
        salah.append("Referrer-Policy")
    if h.get("X-Frame-Options") != "DENY" and "frame-ancestors 'none'" not in csp:
        salah.append("frame")
    # Hashed assets are the same for everyone and cached for a year (test_keamanan.py).
    pribadi = not url.startswith("/aset/") and (
        r.mimetype == "text/html" or (masuk and r.status_code == 200))
    if pribadi and "no-store" not in h.get("Cache-Control", ""):
        salah.append(f"Cache-Control {h.get('Cache-Control')!r}")
    if "Strict-Transport-Security" in h:
        salah.append("HSTS di luar produksi")
    return salah


def sidik_tabel(app):
    """A checksum of every table's rows."""
    with app.app_context():
        out = {}
        for t in db.metadata.sorted_tables:
            rows = db.session.execute(select(t).order_by(*t.primary_key.columns)).all()
            out[t.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        db.session.remove()
    return out


def tautan_di(r):
    """Every same-site address the page links to or loads with htmx (no fragment)."""
    return [u for el in dom(r).css("[href], [hx-get]") for a in ("href", "hx-get")
            if (u := el.attributes.get(a) or "").startswith("/") and "#" not in u]


# GETs that write on purpose: downloads of personal data leave one audit row each.
GET_MENULIS = {"dinas_penilaian.rekap_unduh": "ekspor_rekap",
               "dokumen.batch_unduh": "cetak_batch_diunduh",
               "dinas_pra.unduh": "unduh_pra_perencanaan",
               "sinkro.unduh_ekspor": "ekspor_ekinerja_diunduh"}
CARI = ("/dinas/pegawai", "/dinas/sekolah", "/persetujuan", "/penilaian",
        "/dinas/pko", "/dinas/rekap", "/dinas/penetapan", "/dinas/progres", "/sinkro",
        "/sinkro/disparitas", "/dinas/tim-kerja", "/dinas/pra-perencanaan")
# The other steps of the wizards whose first step the route table names.
LANGKAH_LAIN = {"pelaksanaan.praktik": range(2, 6), "persetujuan.langkah": range(2, 5)}
BATAS_TAUTAN = 20  # pages found by following links, per role, beyond the route table


@pytest.fixture(scope="module")
def jelajahan(_app, dunia_s, korpus):
    """Every role reads every GET route of the table (its own objects and foreign ones),
    each page also as an htmx fragment, the search boxes with the corpus typed in, and
    pages reached by following links: what was written, the headers, what a browser
    would run, and the text shown."""
    hasil = {"tulisan": [], "header": [], "xss": [], "teks": [], "halaman": 0}
    sebelum = sidik_tabel(_app)
    with _app.app_context():
        audit_sebelum = db.session.scalar(select(func.max(Audit.id)))
        db.session.remove()
    q = korpus[0] + korpus[3]
    peta = _app.url_map.bind("localhost")
    diperiksa = {}  # the same body (an error page, a list) is parsed once
    for peran, sesi in dunia_s.sesi.items():
        url = []
        for (endpoint, method), rute in sorted(MATRIKS.items()):
            if method == "GET":
                # Its own objects, and one it is refused (the refusal's headers count too).
                sah = [k for k in rute.objek if harap(rute.aturan, peran, k) == 200]
                tolak = [k for k in rute.objek if k not in sah][:1]
                url += [(endpoint, rute.url(dunia_s, k)) for k in sah + tolak]
                url += [(endpoint, rute.url(dunia_s, k)[:-1] + str(n)) for k in sah
                        for n in LANGKAH_LAIN.get(endpoint, ())]
        url += [("cari", f"{c}?q={q}") for c in CARI]
        antre, dilihat, tambahan = deque(url), set(), 0
        while antre:
            endpoint, u = antre.popleft()
            if u in dilihat or u.startswith(("/static/", "/keluar")) or \
                    (endpoint is None and u.startswith("/aset/")):
                continue
            if endpoint is None:
                tambahan += 1
                if tambahan > BATAS_TAUTAN:
                    continue
            dilihat.add(u)
            for hx in (False, True):
                with catat_tulisan(_app) as tulisan:
                    r = sesi.minta(_app, "GET", u,
                                   headers={"HX-Request": "true"} if hx else None)
                hasil["halaman"] += 1
                label = f"{peran} {u}{' (htmx)' if hx else ''}"
                if tulisan:
                    hasil["tulisan"].append((peta.match(u.split("?")[0])[0], label, tulisan))
                hasil["header"] += [f"{label}: {x}" for x in cek_header(r, peran != "anonim", u)]
                if r.status_code >= 500:
                    hasil["xss"].append(f"{label}: {r.status_code}")
                if r.mimetype == "text/html" and r.data:
                    kunci = hashlib.sha256(r.data).digest()
                    if kunci not in diperiksa:
                        diperiksa[kunci] = periksa_html(r.get_data(as_text=True))
                    salah, teks = diperiksa[kunci]
                    hasil["xss"] += [f"{label}: {x}" for x in salah]
                    hasil["teks"].append(teks)
                    if not hx and r.status_code == 200:
                        antre += [(None, x) for x in tautan_di(r)]
                if r.status_code != 200 or r.mimetype != "text/html":
                    break  # a fragment of a refusal or a download is the same answer
    hasil["sesudah"] = sidik_tabel(_app)
    hasil["sebelum"] = sebelum
    with _app.app_context():
        hasil["audit_baru"] = db.session.execute(
            select(Audit.aksi, func.count()).where(Audit.id > (audit_sebelum or 0))
            .group_by(Audit.aksi)).all()
        db.session.remove()
    return hasil


def test_get_tidak_mengubah_database(jelajahan):
    """No GET writes — but the downloads of personal data, which add one audit row each
    (GET_MENULIS); the tables are otherwise byte-for-byte as before."""
    assert jelajahan["halaman"] > 900, jelajahan["halaman"]
    salah = []
    for endpoint, label, tulisan in jelajahan["tulisan"]:
        if endpoint in GET_MENULIS and all(t.startswith("INSERT INTO audit") for t in tulisan):
            continue
        salah.append(f"{label}: {tulisan}")
    assert not salah, "GET yang menulis:\n" + "\n".join(salah)
    beda = {t for t in jelajahan["sebelum"] if jelajahan["sebelum"][t] != jelajahan["sesudah"][t]}
    assert beda <= {"audit"}, beda
    assert {a for a, _ in jelajahan["audit_baru"]} <= set(GET_MENULIS.values())


def test_header_keamanan_di_setiap_respons(jelajahan):
    """CSP default-src 'self' without unsafe-inline, nosniff, Referrer-Policy, no framing,
    no-store on every page (each carries the session's CSRF token) and on every answer to
    a signed-in person; no HSTS outside production (test_keamanan.py checks production)."""
    assert not jelajahan["header"], "\n".join(jelajahan["header"][:40])


def test_xss_halaman_dan_fragmen_inert(jelajahan):
    """The corpus stored in every free-text field is shown as text on full pages and htmx
    fragments of every role: no element gains an event handler, an htmx attribute, a
    javascript: URL or a script; RTL overrides are dropped; no 5xx."""
    assert not jelajahan["xss"], "\n".join(jelajahan["xss"][:40])
    teks = "\n".join(jelajahan["teks"])
    for item in TAMPIL:
        item = " ".join(tanpa_arah(item).split())
        assert item in teks, f"{item!r} tidak pernah tampil sebagai teks"


# ------------------------------------------------------------------ hostile input


# Percent-encoded as a browser (or a script) would send them: NUL, a lone surrogate's
# bytes, invalid UTF-8, huge numbers, markup, quotes, traversal, a long value.
PARAM_JAHAT = ("halaman=99999999999999999999999&q=%00%ED%A0%80%FF" + "a" * 3000
               + "&tab=%3Cx%3E&sekolah=-1&jenis=..%2F..%2Fetc&lingkup=dinas"
               "&skp=1,99999999999999,-3&status=%27&pihak=%5B%5D&kategori=%25"
               "&kode=%E2%80%AE%E2%80%AE&nip=" + "1" * 500 + "&jenjang=sd%27--&halaman=-5")


def test_masukan_jahat_di_setiap_rute_get_bukan_500(_app, dunia_s):
    """Every GET route, for a role that may open it: hostile query parameters and ids out
    of range give a page or a 4xx, never a 5xx or a trace."""
    salah = []
    for (endpoint, method), rute in sorted(MATRIKS.items()):
        if method != "GET":
            continue
        for peran in PERAN:
            cocok = sebagai(peran, rute, dunia_s)
            if cocok:
                break
        else:
            continue
        _, url = cocok[0]
        varian = [url + ("&" if "?" in url else "?") + PARAM_JAHAT]
        varian += [re.sub(r"/\d+(?=/|$)", f"/{n}", url, count=1)
                   for n in ("2147483648", "99999999999999999999", "0") if re.search(r"/\d+", url)]
        for v in varian:
            try:
                r = dunia_s.sesi[peran].minta(_app, "GET", v)
            except Exception as e:  # TESTING propagates what would be a 500
                salah.append(f"{endpoint} {v[:120]}: {type(e).__name__}: {e}"[:300])
                continue
            if r.status_code >= 500 or b"Traceback" in r.data:
                salah.append(f"{endpoint} {v[:120]}: {r.status_code}")
    assert not salah, "\n".join(salah)


# ------------------------------------------------------------------ mass assignment

EKSTRA = {"role": "operator_dinas", "peran": "kepala_dinas", "is_admin": "1", "admin": "1",
          "aktif": "0"}


def baris(app, model, **saring):
    with app.app_context():
        b = db.session.scalars(select(model).filter_by(**saring)).one()
        nilai = {c.key: getattr(b, c.key) for c in model.__mapper__.column_attrs}
        db.session.remove()
    return nilai


def berubah(lama, baru):
    return {k for k in lama if lama[k] != baru[k]}


def test_mass_assignment_diabaikan(_app, dunia_s):
    """Extra fields (role, sekolah_id, is_admin, ids, states, another Dinas) sent with a
    form change nothing but what the form edits."""
    o = dunia_s
    with _app.app_context():
        def id_dari(username):
            return db.session.scalar(select(Akun.pegawai_id).where(Akun.username == username))
        guru1, guru2, kadis = id_dari("guru1"), id_dari("guru2"), id_dari("kadis")
        guru12_skp = db.session.scalar(select(Skp.id).where(Skp.pegawai_id == id_dari("guru12")))
        db.session.remove()
    asing = {**EKSTRA, "sekolah_id": str(o.sekolah["B"]), "dinas_id": str(o.dinas_b),
             "pegawai_id": str(guru2), "akun_id": "1", "id": "1", "tahun_id": "99"}

    # The account: only the password changes (not the username, role, active flag, person).
    guru = dunia_akses.masuk(_app, None, "guru24")
    lama = baris(_app, Akun, username="guru24")
    tugas = baris(_app, Pegawai, id=lama["pegawai_id"])
    r = guru.minta(_app, "POST", "/akun/sandi", data={
        "sandi_lama": dunia_akses.demo.SANDI_DEMO, "sandi_baru": "Baru-sekali-456",
        "ulangi": "Baru-sekali-456", "username": "admin", "harus_ganti_sandi": "1",
        "gagal_masuk": "9", **asing, "pegawai_id": str(kadis)})
    assert r.status_code == 303
    assert berubah(lama, baris(_app, Akun, username="guru24")) == {"sandi_hash"}
    assert baris(_app, Pegawai, id=lama["pegawai_id"]) == tugas
    with _app.app_context():
        assert not db.session.scalar(select(Penugasan.id).where(
            Penugasan.pegawai_id == lama["pegawai_id"]))
        db.session.remove()

    # The Dinas settings: the form's fields only; not the level, region, logo or id, and
    # never the other Dinas.
    lama_a, lama_b = baris(_app, Dinas, id=o.dinas_a), baris(_app, Dinas, id=o.dinas_b)
    r = o.sesi["operator"].minta(_app, "POST", "/dinas/pengaturan", data={
        "nama": "Dinas Pendidikan Kabupaten Kebumen", "kota_ttd": "Kebumen",
        "tingkat": "provinsi", "wilayah": "Evil", "logo": "x", "logo_mime": "text/html",
        **asing, "id": str(o.dinas_b)})
    assert r.status_code == 303
    assert berubah(lama_a, baris(_app, Dinas, id=o.dinas_a)) <= {
        "nama", "kota_ttd", "nama_pemda", "alamat", "telepon", "email", "laman",
        "atasan_kadis_nama", "atasan_kadis_nip", "atasan_kadis_pangkat",
        "atasan_kadis_jabatan"}
    assert baris(_app, Dinas, id=o.dinas_b) == lama_b

    # A new plan is the signed-in teacher's own, at his school, a draft; step 1 saves step 1.
    g1 = dunia_akses.masuk(_app, None, "guru1")
    r = g1.minta(_app, "POST", "/perencanaan/mulai/guru", data={
        **asing, "status": "disepakati", "atasan_id": str(guru1)})
    assert r.status_code == 303
    skp = baris(_app, Skp, pegawai_id=guru1)
    with _app.app_context():
        assert skp["sekolah_id"] == db.session.get(Pegawai, guru1).sekolah_id
        assert db.session.scalar(select(func.count()).select_from(Skp).where(
            Skp.pegawai_id == guru2)) == 0
        db.session.remove()
    assert skp["status"] == "draf" and skp["atasan_id"] is None
    url = f"/perencanaan/{skp['id']}/langkah/1"
    versi = versi_di(g1.minta(_app, "GET", url))
    r = g1.minta(_app, "POST", url, data={
        "tugas_tambahan": "ya", "nama_tugas_tambahan": "Wali kelas", "aksi": "simpan",
        "versi": versi, **asing, "status": "disepakati", "atasan_id": str(kadis),
        "catatan_atasan": "x", "rhk": "[]", "atasan_praktik_kode": "X", "posisi": "x"})
    assert r.status_code == 303
    assert berubah(skp, baris(_app, Skp, id=skp["id"])) == {
        "tugas_tambahan", "nama_tugas_tambahan", "versi", "diubah"}

    # A rating: the atasan's fields only; the predikat, its penetapan and the shipment are
    # set by their own steps, never by a field of this form.
    k1 = dunia_akses.masuk(_app, None, "kepsek1")
    url = f"/penilaian/{guru12_skp}/hasil"
    versi = versi_di(k1.minta(_app, "GET", url))
    r = k1.minta(_app, "POST", url, data={
        "upaya_refleksi": "sesuai", "upaya_mempelajari": "sesuai",
        "perubahan_praktik": "sesuai", "rating": "sesuai", "aksi": "simpan", "versi": versi,
        **asing, "predikat": "sangat_baik", "predikat_usulan": "sangat_baik",
        "penetapan_id": str(o.penetapan["A"]), "pengiriman_id": "1", "lengkap": "1",
        "skp_id": str(o.skp["skp_guru"])})
    assert r.status_code == 303, r.status_code
    pen = baris(_app, Penilaian, skp_id=guru12_skp)
    assert pen["rating_hasil"] == "sesuai"
    assert (pen["predikat"], pen["penetapan_id"], pen["pengiriman_id"], pen["lengkap"]) == (
        None, None, None, False)
    assert baris(_app, Penilaian, skp_id=o.skp["skp_guru"])["predikat"] is not None

    # An e-Kinerja period stays in its Dinas.
    url = f"/sinkro/periode/{o.periode['A']}"
    p = baris(_app, PeriodeEkinerja, id=o.periode["A"])
    r = o.sesi["operator"].minta(_app, "POST", url, data={
        "nama": "TRIWULAN I", "tahun": "2025", "mulai": "2025-01-01", "selesai": "2025-03-31",
        "batas": "2025-04-25", "tipe_periodik": "Triwulanan", "angka_periodik": "1",
        "versi": str(p["versi"]), **asing, "id": str(o.periode["B"])})
    assert r.status_code == 303, r.status_code
    assert baris(_app, PeriodeEkinerja, id=o.periode["A"])["dinas_id"] == o.dinas_a
    assert baris(_app, PeriodeEkinerja, id=o.periode["B"])["dinas_id"] == o.dinas_b


# ------------------------------------------------------------------ XSS: forms and uploads


def test_xss_formulir_ditolak_simpan_otomatis_dan_oob_inert(_app, dunia_s, korpus):
    """Typed into forms: a refused form echoes the corpus as text (422), an autosave's
    out-of-band swaps carry no markup from it, and the saved text reads back inert."""
    x = korpus
    anonim = dunia_akses.masuk(_app, "anonim")
    r = anonim.minta(_app, "POST", "/masuk", data={"identitas": x[1][:60], "sandi": "x"})
    halaman = [("masuk", r, 422)]
    r = dunia_s.sesi["operator"].minta(_app, "POST", "/sinkro/periode", data={
        "nama": x[3][:80], "mulai": "2025-02-01", "selesai": "2025-01-01", "batas": x[0]})
    halaman.append(("periode", r, 422))
    with _app.app_context():
        skp_id = db.session.scalar(select(Skp.id).join(Akun, Akun.pegawai_id == Skp.pegawai_id)
                                   .where(Akun.username == "guru16"))
        db.session.remove()
    g = dunia_akses.masuk(_app, None, "guru16")  # agreed plan, cycle not started
    hx = {"HX-Request": "true"}
    url = f"/pelaksanaan/{skp_id}/praktik/1"
    r = g.minta(_app, "GET", url)
    fokus = nilai(r, "fokus")
    assert fokus
    r = g.minta(_app, "POST", url, headers=hx, data={
        "aksi": "otomatis", "versi": versi_di(r), "fokus": fokus, "upaya_belajar": x[4] + x[7],
        "jadwal_usulan": "2025-02-10"})
    halaman.append(("simpan otomatis praktik", r, 200))
    url = f"/pelaksanaan/{skp_id}/kompetensi"
    r = g.minta(_app, "GET", url)
    versi = versi_di(r)
    r = g.minta(_app, "POST", url, headers=hx, data={
        "aksi": "otomatis", "versi": versi, "inspirasi_0": x[0], "penerapan_0": x[5]})
    halaman.append(("simpan otomatis kompetensi", r, 200))
    assert 'hx-swap-oob="true"' in r.text  # the counters and the version, out of band
    for u in (f"/pelaksanaan/{skp_id}/praktik/1", url):
        halaman.append((u, g.minta(_app, "GET", u), 200))
        halaman.append((u + " (htmx)", g.minta(_app, "GET", u, headers=hx), 200))
    terlihat = ""
    for nama, r, status in halaman:
        assert r.status_code == status, (nama, r.status_code)
        salah, teks = periksa_html(r.get_data(as_text=True))
        assert not salah, (nama, salah)
        terlihat += teks
    for item in (x[0], x[1][:60], x[3][:80], x[4], x[5], tanpa_arah(x[7])):
        assert " ".join(item.split()) in terlihat, item


def csv_dari(kolom, baris_):
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(kolom)
    w.writerows(baris_)
    return out.getvalue().encode("utf-8")


def test_xss_impor_roster_dan_referensi_inert(_app, dunia_s, korpus):
    """Names from an uploaded roster or SIASN list — previewed with their row errors,
    applied, and on the one-time password sheet — stay text."""
    x = korpus
    op = dunia_s.sesi["operator"]
    sekolah = csv_dari(["npsn", "nama", "jenjang", "status", "alamat", "kecamatan"], [
        ["60100001", x[0], "SD", "Negeri", x[1], x[5][:80]],
        ["6010000X", x[2], "XX", "Negeri", x[3], ""]])
    halaman = []
    r = op.minta(_app, "POST", "/impor", data={"berkas": (io.BytesIO(sekolah), "sekolah.csv")})
    assert r.status_code == 303
    halaman.append(op.minta(_app, "GET", r.headers["Location"]))
    assert "Kesalahan per baris" in halaman[-1].text
    pegawai = csv_dari(["nip", "nama", "tempat_lahir", "jenis_kelamin", "status_kepegawaian",
                        "golongan", "jabatan", "npsn", "username"], [
        ["199005012015031901", x[4], x[6], "L", "PNS", "III/a", "Guru Ahli Pertama",
         "20301101", "guru_korpus"]])
    r = op.minta(_app, "POST", "/impor", data={"berkas": (io.BytesIO(pegawai), "p.csv")})
    assert r.status_code == 303
    pratinjau = op.minta(_app, "GET", r.headers["Location"])
    halaman.append(pratinjau)
    assert "Kesalahan per baris" not in pratinjau.text, pratinjau.text
    impor_id = r.headers["Location"].rsplit("/", 1)[1]
    hasil = op.minta(_app, "POST", f"/impor/{impor_id}/terapkan")
    assert hasil.status_code == 200
    halaman.append(hasil)
    isian = nilai(hasil, "isian")
    assert isian is not None
    lembar = op.minta(_app, "POST", "/impor/sandi-awal.xlsx", data={"isian": isian})
    assert lembar.status_code == 200
    assert cek_xlsx(lembar.data) >= 1
    asn = csv_dari(["nip", "nama", "unor_id", "jabatan"], [
        ["199005012015031902", x[3], x[0][:64], x[2]], ["12", x[1], "", ""]])
    r = op.minta(_app, "POST", "/sinkro/referensi/asn",
                 data={"asn-berkas": (io.BytesIO(asn), "asn.csv")})
    assert r.status_code == 303
    halaman.append(op.minta(_app, "GET", r.headers["Location"]))
    halaman.append(op.minta(_app, "GET", "/dinas/pegawai?q=xss"))
    terlihat = ""
    for r in halaman:
        assert r.status_code == 200
        salah, teks = periksa_html(r.get_data(as_text=True))
        assert not salah, salah
        terlihat += teks
    for item in (x[0], x[1], x[2], x[3], x[4]):
        assert " ".join(item.split()) in terlihat, item


# ------------------------------------------------------------------ XSS: PDFs


def teks_rata(data):
    teks = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return "".join(teks.replace("\u2010\n", "").replace("\u00ad\n", "").split())


def tautan_pdf(data):
    """Every URI of every link annotation, and whether any JavaScript action exists."""
    uri, js = [], False
    for page in PdfReader(io.BytesIO(data)).pages:
        for a in page.get("/Annots") or []:
            a = a.get_object()
            aksi = a.get("/A")
            if aksi is not None:
                aksi = aksi.get_object()
                js |= aksi.get("/S") == "/JavaScript" or "/JS" in aksi
                if "/URI" in aksi:
                    uri.append(str(aksi["/URI"]))
    return uri, js


def test_xss_pdf_tercetak_sebagai_teks(_app, dunia_s, korpus):
    """The four documents of a teacher whose every text holds the corpus: the markup is
    printed literally (WeasyPrint never sees it as HTML), no link but the verification
    URL, no JavaScript, no RTL override."""
    terlihat = ""
    for jenis in ("skp", "evaluasi", "dokumen_evaluasi", "angka_kredit"):
        r = dunia_s.sesi["guru"].minta(_app, "POST", f"/cetak/{jenis}/{dunia_s.skp['skp_guru']}")
        assert r.status_code == 200 and r.mimetype == "application/pdf", (jenis, r.status_code)
        teks = teks_rata(r.data)
        assert not any(c in teks for c in KENDALI_ARAH), jenis
        uri, js = tautan_pdf(r.data)
        assert not js, jenis
        assert all(u.startswith("http://localhost/verifikasi/") for u in uri), uri
        terlihat += teks
    tampil = [k for k in TAMPIL if "".join(tanpa_arah(k).split()) in terlihat]
    assert len(tampil) >= 3, tampil  # names, school, notes: printed as the text they are
    assert "<script>" in terlihat or "<img" in terlihat or "<svg" in terlihat


# ------------------------------------------------------------------ exports


def cek_xlsx(data):
    """No formula cell, no text a spreadsheet would start as a formula, no hyperlink;
    returns the number of cells read."""
    wb = load_workbook(io.BytesIO(data))
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                n += 1
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                assert c.hyperlink is None, (ws.title, c.coordinate)
                if isinstance(c.value, str) and len(c.value) > 1:
                    assert not c.value.startswith(AWALAN_RUMUS), (ws.title, c.coordinate,
                                                                  c.value)
    return n


def cek_csv(data):
    teks = data.decode("utf-8-sig")
    n = 0
    for row in csv.reader(io.StringIO(teks, newline=""), delimiter=";"):
        for v in row:
            n += 1
            assert not (len(v) > 1 and v.startswith(AWALAN_RUMUS)), v
    return n


def test_ekspor_menetralkan_rumus_dan_tetap_data(_app, dunia_s, korpus):
    """Every CSV/XLSX the app writes, with the corpus (formulas included) in the names,
    schools and notes: no cell runs as a formula. The e-Kinerja JSON Lines carry the
    texts unchanged (data for BKN, not markup: no HTML escaping)."""
    op, kadis = dunia_s.sesi["operator"], dunia_s.sesi["kadis"]
    with _app.app_context():
        # SIASN's lists spelled as the roster, so the pre-check lets the corpus names pass.
        nama = dict(db.session.execute(select(Pegawai.nip, Pegawai.nama)).all())
        for a in db.session.scalars(select(AsnSiasn)):
            a.nama = nama.get(a.nip, a.nama)
        unor = dict(db.session.execute(select(Sekolah.unor_id, Sekolah.nama)).all())
        for u in db.session.scalars(select(UnitKerja)):
            u.nama = unor.get(u.unor_id, u.nama)
        db.session.commit()
    r = op.minta(_app, "POST", "/sinkro/ekspor", data={"jenis": "perencanaan"})
    with _app.app_context():
        t = tunggu_ekspor(id_tugas(r))
        db.session.remove()
    assert t.status == "selesai", t.galat
    ekspor = t.ekspor_id
    unduhan = [(kadis, "/dinas/rekap.csv"), (kadis, "/dinas/rekap.xlsx"),
               (op, "/sinkro/temuan.xlsx"), (op, "/sinkro/disparitas.xlsx"),
               (op, "/sinkro/referensi/unor.xlsx"), (op, "/sinkro/referensi/asn.xlsx"),
               (op, "/impor/templat.xlsx"), (op, f"/sinkro/ekspor/{ekspor}/ekinerja.xlsx")]
    sel = 0
    for sesi, url in unduhan:
        r = sesi.minta(_app, "GET", url)
        assert r.status_code == 200, url
        assert r.headers["Content-Disposition"].startswith("attachment"), url
        sel += cek_csv(r.data) if url.endswith(".csv") else cek_xlsx(r.data)
    assert sel > 1000
    r = op.minta(_app, "GET", f"/sinkro/ekspor/{ekspor}/ekinerja.jsonl")
    assert r.status_code == 200 and r.headers["X-Content-Type-Options"] == "nosniff"
    catatan = [json.loads(b) for b in r.data.decode().splitlines() if b.strip()]
    with _app.app_context():
        nama = set(db.session.scalars(select(Pegawai.nama)))
        db.session.remove()
    assert catatan and all(c["nama"] in nama for c in catatan)
    assert any(c["nama"] in KORPUS for c in catatan)
