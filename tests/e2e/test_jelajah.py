"""The crawl (issue #15): every page each demo role can reach from its menu, on a 360x740
phone, with and without JavaScript.

Each demo user signs in and follows the app's own links from Beranda (every kind of page:
endpoint shape and query arguments, one example each). Every page visited must
- fit the phone: nothing wider than the viewport (wide tables become cards or scroll inside
  their own labelled box);
- log no console error (a CSP violation or a script error is one);
- carry a <title> that starts with the page's <h1>;
- have touch targets a finger can hit: radio and checkbox labels, buttons, selects and
  fields at least 44 px high, links at least 24 px (tests/bantu_peramban.py);
- have no serious or critical axe-core violation (in the run with JavaScript): axe-core
  (npm, pinned in package-lock.json, copied by the Makefile to tests/e2e/vendor/, never
  served by the app)
  is added to every document as a Playwright init script, which the page's CSP does not
  govern: the pages are checked under their real CSP, as users see them.
And every GET page the access matrix (tests/test_akses_matriks.py) lets the user's role open
must have been reached, unless it is in LEPAS with its reason: a new route is covered (or
must be exempted) without touching this file.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from matriks_akses import MATRIKS, harap
from sqlalchemy import select

from kinerja_web import create_app
from kinerja_web.extensions import db
from kinerja_web.models import Akun, Pegawai
from kinerja_web.models.cetak import CetakBatch
from kinerja_web.models.skp import Skp
from tests.bantu_peramban import LEBAR, judul_beda, lebar_lebih, target_kecil
from tests.e2e.bantu_e2e import masuk

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Demo user → its role in the access matrix (dunia_akses.PERAN uses the same demo people),
# or None: users in the other plan states (wizard, agreement pages) and out of scope.
PENGGUNA = {
    "guru1": None, "guru3": None, "guru6": None, "cltn1": None, "kepsek1": None,
    "guru23": "guru", "kepsek3": "kepsek", "plt1": "plt", "timkerja1": "tim",
    "kadis": "kadis", "operator": "operator",
}
LEWATI = (".xlsx", ".csv", ".pdf", ".zip", ".json", "/aset/", "/static/")
DAMPAK = ("serious", "critical")
HALAMAN_MAKS = 150
# GET routes a role may open that no page links to, on purpose.
LEPAS = {
    "aset.berkas": "stylesheet and script files, not pages",
    "auth.masuk": "the login page: signed-in users are sent on to Beranda",
    "dokumen.verifikasi": "opened from the QR code printed on a document, by anyone",
    "dinas.logo": "the letterhead image shown on the settings page and in the PDFs",
    "dinas.garuda": "the emblem image shown on the settings page and in the PDFs",
    "dokumen.batch_unduh": "a download (the finished batch's PDF), linked from its status",
    "sinkro.unduh_temuan": "a download (.xlsx)",
    "dinas_pra.unduh": "a download (.xlsx, .csv)",
    "sinkro.unduh_ekspor": "a download (.jsonl)",
    "sinkro.referensi_templat": "a download (.xlsx)",
    "sinkro.referensi_unduh": "a download (.xlsx)",
    "sinkro.disparitas_unduh": "a download (.xlsx)",
    "impor.templat_xlsx": "a download (.xlsx)",
    "impor.templat_csv": "a download (.csv)",
    "dinas_penilaian.rekap_unduh": "a download (.xlsx)",
    "beranda.berhenti": "opened from the unsubscribe link of the daily reminder e-mail "
                        "(a signed token, no login)",
    "penilaian.kirim": "the confirmation opened by the list's 'Kirim data (n)' button (a GET "
                       "form, disabled at 0), not a link; tests/test_jujur_cepat.py walks it",
}


# Pages of one's own plan: open to everyone signed in (an empty state for those without a
# plan); the menu offers them to the people who have one (Guru, Kepala Sekolah, Plt.).
RENCANA_SENDIRI = ("perencanaan.index", "pelaksanaan.index", "riwayat.sendiri")
LEPAS_PERAN = {
    **{(p, e): "Dinas staff have no plan of their own" for p in ("kadis", "tim", "operator")
       for e in RENCANA_SENDIRI},
    # Pages of a state these demo people are past (guru1, guru3, guru6 and kepsek1 are in
    # the other states and walk them); the matrix asks every route of the agreed plan.
    ("guru", "perencanaan.sepakati"): "plan already agreed: linked while it waits for it",
    ("kepsek", "perencanaan.sepakati"): "plan already agreed: linked while it waits for it",
    # One page per kind is visited: the first rating summary met is of a teacher whose
    # rating is sent, and the forms are linked only until then (kepsek1 reaches them).
    **{(p, e): "rating sent: the form is linked until then" for p in ("plt", "kepsek")
       for e in ("penilaian.hasil", "penilaian.perilaku")},
    # Their predikat is set: the progress notes are final, "Ubah" is linked until the
    # reflection is accepted (guru11 walks it: tests/e2e/test_jujur.py).
    **{(p, "pelaksanaan.upaya"): "notes final once the reflection is accepted"
       for p in ("guru", "kepsek")},
    # One's own history is /riwayat (the menu's "Riwayat Kinerja"); the address with one's
    # own id is the same page, linked for the atasan and the Dinas.
    ("guru", "riwayat.pegawai"): "one's own history is linked as /riwayat",
    # A teacher's history is linked from the teacher's rating summary; the one summary the
    # crawl visits for kepsek3 is his own (test_riwayat.py follows the teacher's link).
    ("kepsek", "riwayat.pegawai"): "linked from a teacher's rating summary; the crawl's "
                                   "one summary is his own",
    ("tim", "penilaian.penetapan"): "the Kepala Dinas sends the principals' penetapan (his "
                                    "'Mulai kirim'); the route is the principals' too",
}


@pytest.fixture(scope="module")
def aplikasi(server):
    """The app on the server's database: its URL map names the endpoint of each URL."""
    return create_app({"DATABASE_URL": server.db_url, "TESTING": True,
                       "SECRET_KEY": "kunci-peta-rute-saja-0123456789abcdef"})


@pytest.fixture(scope="module")
def peta(aplikasi):
    return aplikasi.url_map.bind("127.0.0.1")


def boleh_dibuka(peran):
    """The GET endpoints the matrix lets `peran` open (200) on an object of its own Dinas."""
    return {e for (e, m), rute in MATRIKS.items() if m == "GET" and any(
        harap(rute.aturan, peran, k) == 200 for k in rute.objek
        if k not in ("B", "skp_dinas_lain"))}


@pytest.fixture(scope="module")
def dunia(server, browser, aplikasi):
    """What the demo lacks for some pages: a roster preview, a reference-list preview and an
    export (through the operator's real forms), and a finished batch print per Dinas staff
    member (a batch is listed to whoever started it)."""
    context = browser.new_context()
    pg = context.new_page()
    masuk(pg, server, "operator")

    def kirim(halaman, action, **data):
        pg.goto(server + halaman)
        token = pg.locator("input[name=csrf_token]").first.get_attribute("value")
        r = pg.request.post(server + action, multipart={"csrf_token": token, **data},
                            max_redirects=0)
        assert r.status == 303, (action, r.status, r.text()[:500])

    def templat(url):
        return {"name": url.rsplit("/", 1)[1], "mimeType": "text/csv",
                "buffer": pg.request.get(server + url).body()}

    kirim("/impor", "/impor", berkas=templat("/impor/templat-sekolah.csv"))
    kirim("/sinkro/referensi", "/sinkro/referensi/unor",
          **{"unor-berkas": templat("/sinkro/referensi/templat-unor.csv")})
    kirim("/sinkro/ekspor", "/sinkro/ekspor", jenis="perencanaan")
    context.close()
    with aplikasi.app_context():
        for username in ("kadis", "timkerja1", "operator"):
            akun = db.session.scalar(select(Akun).where(Akun.username == username))
            dinas = akun.pegawai.dinas_id
            skp = db.session.scalars(select(Skp.id).join(Pegawai, Pegawai.id == Skp.pegawai_id)
                                     .where(Pegawai.dinas_id == dinas)).first()
            db.session.add(CetakBatch(akun_id=akun.id, dinas_id=dinas, jenis="skp",
                                      format="pdf", lingkup="Uji", daftar=[skp],
                                      status="selesai", chunk_selesai=1))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def halaman_jelajah(browser, request):
    if not AXE.exists():
        pytest.fail(f"{AXE} tidak ada: jalankan `make test` (menyalin axe-core dari npm).")
    js = request.param
    context = browser.new_context(java_script_enabled=js, locale="id-ID",
                                  viewport={"width": LEBAR, "height": 740})
    context.add_init_script(path=str(AXE))
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.js = js
    pg.galat_konsol = []
    pg.on("console", lambda m: m.type == "error" and pg.galat_konsol.append(m.text))
    pg.on("pageerror", lambda e: pg.galat_konsol.append(str(e)))
    yield pg
    context.close()


def periksa(page):
    """axe-core's serious and critical violations on the page shown. Without JavaScript
    Chromium runs no timers, which axe-core needs: the same documents are checked in the run
    with JavaScript (htmx only adds behaviour to them)."""
    if not page.js:
        return []
    hasil = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in hasil["violations"] if v["impact"] in DAMPAK]


def _jenis(url):
    """Pages of one kind: the same path but for the object id (the first number; a later
    one is a step of a wizard, each step its own kind), the same query keys."""
    bagian = urlsplit(url)
    return re.sub(r"/\d+", "/#", bagian.path, count=1), tuple(sorted(parse_qs(bagian.query)))


def tautan(page, server):
    """The app's own links on the page shown (no downloads, no anchors)."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        href = href.split("#")[0]
        if href.startswith(server + "/") and not any(x in href for x in LEWATI):
            yield href[len(server):]


def jelajah_dan_periksa(page, server, peta, awal="/"):
    """Visit every kind of page reachable from `awal`: ({problem: [urls]}, endpoints seen)."""
    temuan, dilihat, titik, antre, n = {}, set(), set(), deque([awal]), 0
    while antre:
        url = antre.popleft()
        if _jenis(url) in dilihat:
            continue
        dilihat.add(_jenis(url))
        page.galat_konsol.clear()
        respons = page.goto(urljoin(server, url))
        if respons.status != 200 or "text/html" not in respons.headers.get("content-type", ""):
            continue
        n += 1
        assert n <= HALAMAN_MAKS, f"lebih dari {HALAMAN_MAKS} jenis halaman: {url}"
        titik.add(peta.match(urlsplit(page.url).path)[0])
        for masalah in (
                *(f"[{v['impact']}] axe {v['id']}: {v['help']} — "
                  + "; ".join(" ".join(d["target"]) for d in v["nodes"][:3])
                  for v in periksa(page)),
                *(f"galat konsol: {g[:200]}" for g in page.galat_konsol),
                *(f"lebih lebar dari {LEBAR} px: {w}" for w in [lebar_lebih(page)] if w),
                *(f"judul: {j}" for j in [judul_beda(page)] if j),
                *(f"target sentuh kecil: {t}" for t in target_kecil(page))):
            temuan.setdefault(masalah, []).append(url)
        antre.extend(tautan(page, server))
    return temuan, titik, n


def laporan(temuan):
    return "\n".join(f"{m}\n    di {len(urls)} halaman: {', '.join(urls[:6])}"
                     for m, urls in sorted(temuan.items()))


@pytest.mark.parametrize("halaman_jelajah", [True, False], ids=["dengan-js", "tanpa-js"],
                         indirect=True)
def test_halaman_masuk_dan_galat(halaman_jelajah, server):
    temuan = {}
    for url in ("/masuk", "/tidak-ada"):
        halaman_jelajah.goto(server + url)
        for v in periksa(halaman_jelajah):
            temuan.setdefault(f"axe {v['id']}: {v['help']}", []).append(url)
        if w := lebar_lebih(halaman_jelajah):
            temuan.setdefault(f"lebih lebar: {w}", []).append(url)
        if j := judul_beda(halaman_jelajah):
            temuan.setdefault(f"judul: {j}", []).append(url)
    assert not temuan, laporan(temuan)


@pytest.mark.parametrize("halaman_jelajah", [True, False], ids=["dengan-js", "tanpa-js"],
                         indirect=True)
@pytest.mark.parametrize("username", PENGGUNA)
def test_setiap_halaman_dari_menu(halaman_jelajah, server, peta, dunia, username):
    masuk(halaman_jelajah, server, username)
    temuan, titik, n = jelajah_dan_periksa(halaman_jelajah, server, peta)
    assert n >= 3, f"penjelajahan {username} hanya menemukan {n} halaman"
    peran = PENGGUNA[username]
    if peran:
        lepas = set(LEPAS) | {e for p, e in LEPAS_PERAN if p == peran}
        for endpoint in sorted(boleh_dibuka(peran) - titik - lepas):
            temuan.setdefault(f"tidak terjangkau dari menu: {endpoint}", []).append(username)
    assert not temuan, f"{username}, {n} halaman:\n" + laporan(temuan)


def test_daftar_lepas_masih_berlaku():
    """Every exemption names a GET route the matrix still has."""
    ada = {e for e, m in MATRIKS if m == "GET"}
    lepas = set(LEPAS) | {e for _, e in LEPAS_PERAN}
    assert lepas <= ada, sorted(lepas - ada)
