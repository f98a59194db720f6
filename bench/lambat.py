"""Slow links: cold loads and boosted navigations in Chromium over emulated 2G/3G.

Debian's Chromium driven by Playwright against gunicorn serving the demo.

Goals (issue 8): a cold load ≤ 50 KB in ≤ 4 requests; a boosted navigation 1 request
≤ 10 KB; on 400 kbps / 400 ms RTT a cold load ≤ 3 s and a navigation ≤ 1.2 s. Bytes are
what Chromium received (CDP `Network.loadingFinished.encodedDataLength`: headers and
compressed body); a cold load runs with the cache disabled and lasts until the `load`
event, a navigation clicks a boosted link with the assets cached and lasts from the click
to `htmx:afterSettle`. Median of KALI runs. Figures only; the byte and request budgets of
every demo page are asserted by tests/test_anggaran.py.
"""

import statistics

from sqlalchemy import create_engine, text

from bench._server import ARGS, CHROMIUM, server_demo
from kinerja_web.demo import SANDI_DEMO

KALI = 3
KB = 1024
# (name, CDP Network.emulateNetworkConditions arguments, time goals (cold, navigation) s)
PROFIL = [
    ("tanpa emulasi (loopback)", None, None),
    ("400 kbps / 400 ms RTT", {"latency": 400, "downloadThroughput": 400_000 / 8,
                               "uploadThroughput": 400_000 / 8}, (3.0, 1.2)),
    # Chrome DevTools' "Slow 3G" preset (named "3G" since May 2024): `Slow3GConditions` in
    # devtools-frontend front_end/core/sdk/NetworkManager.ts — download and upload
    # 500 * 1000 / 8 * .8 bytes/s (400 kbps), latency 400 * 5 ms (a 400 ms RTT target;
    # DevTools throttles per request, not per packet, so it multiplies by 5).
    ("Slow 3G (preset DevTools)", {"latency": 400 * 5, "downloadThroughput": 500 * 1000 / 8 * .8,
                                   "uploadThroughput": 500 * 1000 / 8 * .8}, None),
]
BATAS_DINGIN = (4, 50 * KB)
BATAS_NAVIGASI = (1, 10 * KB)


class Jaringan:
    """What one page sends and receives, from Chromium's own network events (CDP)."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.on("Network.requestWillBeSent", self._kirim)
        self.cdp.on("Network.loadingFinished", self._selesai)
        self.cdp.on("Network.loadingFailed", self._gagal)
        self.mulai()

    def mulai(self):
        self.urls, self.byte, self.terbuka = [], 0, set()

    def _kirim(self, e):
        if e["request"]["url"].startswith("data:"):
            return
        if e.get("redirectResponse"):
            self.byte += e["redirectResponse"].get("encodedDataLength", 0)
        self.urls.append(e["request"]["url"])
        self.terbuka.add(e["requestId"])

    def _selesai(self, e):
        if e["requestId"] in self.terbuka:
            self.terbuka.discard(e["requestId"])
            self.byte += e["encodedDataLength"]

    def _gagal(self, e):
        self.terbuka.discard(e["requestId"])

    def atur(self, kondisi, cache):
        """Emulate a network (None: none) with the HTTP cache on or off."""
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
            **(kondisi or {})})
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})

    def tunggu(self):
        """Until every request seen has finished (events arrive after `load`)."""
        for _ in range(200):
            if not self.terbuka:
                return
            self.page.wait_for_timeout(25)
        raise RuntimeError(f"request belum selesai: {self.terbuka}")


def muat_dingin(page, jar, url):
    """(requests, bytes, seconds to `load`) of a cold load of `url`."""
    page.goto("about:blank")
    jar.mulai()
    page.goto(url, wait_until="load")
    jar.tunggu()
    detik = page.evaluate(
        "performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    _pastikan_halaman(page, url)
    return len(jar.urls), jar.byte, detik


def navigasi(page, jar, nama_tautan):
    """(requests, bytes, seconds from click to htmx:afterSettle) of a boosted menu link on
    the page shown (a full page load would lose the listeners and time out)."""
    jar.mulai()
    page.evaluate("""() => {
        var u = window.__ukur = {};
        document.addEventListener('click', function () { u.klik = performance.now(); },
                                  {capture: true, once: true});
        document.addEventListener('htmx:afterSettle', function () {
            u.selesai = performance.now();
            document.documentElement.setAttribute('data-ukur', 'selesai');
        }, {once: true});
    }""")
    page.locator("nav").get_by_role("link", name=nama_tautan, exact=True).click()
    # A selector, not wait_for_function: the app's CSP forbids eval.
    page.wait_for_selector("html[data-ukur=selesai]", state="attached", timeout=60_000)
    jar.tunggu()
    u = page.evaluate("window.__ukur")
    return len(jar.urls), jar.byte, (u["selesai"] - u["klik"]) / 1000


def _pastikan_halaman(page, url):
    if "/masuk" in page.url or page.locator("h1").count() == 0:
        raise RuntimeError(f"{url}: bukan halaman yang diharapkan ({page.url})")


def masuk(browser, base, username):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(base + "/masuk")
    page.get_by_label("NIP atau nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(SANDI_DEMO)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Beranda").wait_for()
    return context, page


def _id_skp(db_url, username, status):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        skp_id = conn.execute(text(
            "SELECT s.id FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "WHERE a.username = :u AND s.status = :s"), {"u": username, "s": status}).scalar_one()
    engine.dispose()
    return skp_id


def _tanda(nilai, batas):
    return "" if batas is None else (" ok" if nilai <= batas else " MELESET")


def main():
    from playwright.sync_api import sync_playwright

    with server_demo() as (base, db_url):
        langkah = _id_skp(db_url, "guru3", "draf")
        cek = _id_skp(db_url, "guru4", "diajukan")
        # (user, label, kind, what): kind "dingin" = cold load of a path, "navigasi" = a
        # boosted link (name in the menu) clicked from a path.
        skenario = [
            ("guru1", "Beranda (guru)", "dingin", "/"),
            ("guru3", "Perencanaan langkah 2 (guru)", "dingin",
             f"/perencanaan/{langkah}/langkah/2"),
            ("kepsek1", "Persetujuan langkah 1 (kepala sekolah)", "dingin",
             f"/persetujuan/{cek}/langkah/1"),
            ("kadis", "Beranda Dinas (kepala dinas)", "dingin", "/"),
            ("kadis", "Progres KS (kepala dinas)", "dingin", "/progres"),
            ("operator", "Beranda Dinas (operator)", "dingin", "/"),
            ("guru1", "navigasi Beranda → Profil (guru)", "navigasi", ("/", "Profil")),
            ("kepsek1", "navigasi Beranda → Persetujuan (KS)", "navigasi",
             ("/", "Persetujuan")),
        ]
        hasil = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            sesi = {}
            for username, label, jenis, apa in skenario:
                if username not in sesi:
                    context, page = masuk(browser, base, username)
                    sesi[username] = (context, page, Jaringan(page))
                _, page, jar = sesi[username]
                for nama, kondisi, _ in PROFIL:
                    ukuran = []
                    for _ in range(KALI):
                        jar.atur(kondisi, cache=jenis == "navigasi")
                        if jenis == "dingin":
                            ukuran.append(muat_dingin(page, jar, base + apa))
                        else:
                            jar.atur(None, cache=True)
                            page.goto(base + apa[0], wait_until="load")  # assets cached
                            jar.atur(kondisi, cache=True)
                            ukuran.append(navigasi(page, jar, apa[1]))
                    hasil[nama, label] = (jenis, max(u[0] for u in ukuran),
                                          max(u[1] for u in ukuran),
                                          statistics.median(u[2] for u in ukuran))
            for context, _, _ in sesi.values():
                context.close()
            browser.close()
    _cetak(skenario, hasil)


def _cetak(skenario, hasil):
    print(f"  Chromium (Debian), layar 360 px, median dari {KALI} kali. Target: muat dingin "
          f"≤ {BATAS_DINGIN[0]} request dan ≤ {BATAS_DINGIN[1] // KB} KB; navigasi "
          f"{BATAS_NAVIGASI[0]} request ≤ {BATAS_NAVIGASI[1] // KB} KB; waktu pada "
          "400 kbps / 400 ms: dingin ≤ 3 s, navigasi ≤ 1,2 s.")
    for nama, _, target in PROFIL:
        print(f"\n  {nama}")
        print(f"  {'Halaman':<42} {'req':>3}{'':<9} {'KB':>5}{'':<10} {'detik':>5}")
        for _, label, _, _ in skenario:
            jenis, req, byte, detik = hasil[nama, label]
            batas_req, batas_byte = BATAS_DINGIN if jenis == "dingin" else BATAS_NAVIGASI
            batas_waktu = None if target is None else target[jenis != "dingin"]
            print(f"  {label:<42} {req:>3}{_tanda(req, batas_req):<9} "
                  f"{byte / KB:>5.1f}{_tanda(byte, batas_byte):<10} "
                  f"{detik:>5.2f}{_tanda(detik, batas_waktu)}")


if __name__ == "__main__":
    main()
