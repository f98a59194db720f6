"""Access-control matrix (issue 8, point 1): every route of `app.url_map`, every role, an
object of the role's own scope and one of a foreign scope, and the status each must get.

The conventions it holds the app to: anonymous → 302 to /masuk?next=… (public: /masuk,
/verifikasi, /aset); a missing role → 403 (`perlu_peran`); an object outside the person's
school, atasan relation or Dinas → 404 (`akses.py`, `atasan.boleh_menilai`), never 403,
so a foreign id cannot even be confirmed to exist.

POSTs carry a valid CSRF token for the role's session, so the access check decides, with
an empty body: an authorised role then gets its form back (422), a redirect (303), a
document (200), a stale-version answer (409: editable rows carry a version and an empty
form has none) or a refusal with the reason (400/409). A refused POST (302/403/404) must
not send a single INSERT/UPDATE/DELETE. The world stays as built: commits in the matrix
only flush and are rolled back (see `dunia_akses.tanpa_commit`).

Notation of MATRIKS: {(endpoint, method): Rute(url, objek, aturan)}. `aturan` maps a role
to its status, or to {objek: status} (objects not named → 404); "lain" is the default for
roles not named (else 404); anonymous gets LOGIN unless named. Roles and objects: see
`dunia_akses.PERAN` and `bangun`. A new route without an entry fails
`test_setiap_rute_ada_di_matriks`.

Existing checks this builds on (not repeated): tests/test_dinas_penilaian.py
`test_dinas_lain_ditolak_di_setiap_halaman_dan_aksi` (lists of another Dinas stay empty),
tests/test_cetak.py `test_siapa_boleh_mencetak_apa` (all four documents),
tests/test_sinkro.py `test_akses_hanya_operator_dan_dinasnya_sendiri`.
"""


import dunia_akses
import pytest
from dunia_akses import PERAN, catat_tulisan, tanpa_commit
from matriks_akses import (
    GET,
    LOGIN,
    MATRIKS,
    TOLAK,
    harap,
)

from kinerja_web import pdf

# ------------------------------------------------------------------ the world


@pytest.fixture(scope="module")
def dunia_m(_app, tmp_path_factory):
    yield from dunia_akses.dunia_modul(_app, tmp_path_factory)


def rute_aplikasi(app):
    """{(endpoint, method)} of every rule but `static` (HEAD and OPTIONS come for free)."""
    return {(r.endpoint, m) for r in app.url_map.iter_rules() if r.endpoint != "static"
            for m in r.methods - {"HEAD", "OPTIONS"}}


def test_setiap_rute_ada_di_matriks(_app):
    kurang = sorted(rute_aplikasi(_app) - set(MATRIKS))
    assert not kurang, "Rute tanpa baris di MATRIKS (tambahkan harapannya per peran):\n" + \
        "\n".join(f"  {m} {e}" for e, m in kurang)
    usang = sorted(set(MATRIKS) - rute_aplikasi(_app))
    assert not usang, f"Baris MATRIKS untuk rute yang sudah tidak ada: {usang}"


def cek_status(r, harapan):
    if harapan == LOGIN:
        return r.status_code == 302 and r.headers["Location"].startswith("/masuk")
    return r.status_code == harapan


@pytest.mark.parametrize("kunci", sorted(MATRIKS), ids=lambda k: f"{k[1]} {k[0]}")
def test_matriks(_app, dunia_m, kunci, monkeypatch):
    endpoint, method = kunci
    # Who may print is decided before rendering; WeasyPrint itself (a second per page) is
    # tested in test_cetak.py.
    monkeypatch.setattr(pdf, "render", lambda *a, **k: b"%PDF-1.4 matriks")
    rute = MATRIKS[kunci]
    salah = []
    for peran in PERAN:
        for objek in rute.objek:
            url = rute.url(dunia_m, objek)
            harapan = harap(rute.aturan, peran, objek)
            with tanpa_commit(), catat_tulisan(_app) as tulisan:
                r = dunia_m.sesi[peran].minta(_app, method, url)
            if not cek_status(r, harapan):
                salah.append(f"{peran:>13} {objek:<14} {url}: {r.status_code} "
                             f"{r.headers.get('Location', '')}(harap {harapan})")
            elif harapan in TOLAK and tulisan:
                salah.append(f"{peran:>13} {objek:<14} {url}: ditolak tetapi menulis {tulisan}")
    assert not salah, f"{method} {endpoint}:\n" + "\n".join(salah)


def test_fragmen_htmx_tanpa_sesi_401_bukan_halaman_masuk(_app, dunia_m):
    """An htmx request without a session must not get the login page swapped into a
    fragment: 401 with HX-Redirect, for every route that needs a login."""
    salah = []
    for (endpoint, method), rute in sorted(MATRIKS.items()):
        if method != GET or harap(rute.aturan, "anonim", rute.objek[0]) != LOGIN:
            continue
        if endpoint == "beranda.index":
            continue  # "/" is never a fragment; it sends visitors to /masuk (no next)
        url = rute.url(dunia_m, rute.objek[0])
        r = dunia_m.sesi["anonim"].minta(_app, GET, url, headers={"HX-Request": "true"})
        if r.status_code != 401 or not r.headers.get("HX-Redirect", "").startswith("/masuk"):
            salah.append(f"{endpoint} {url}: {r.status_code} {dict(r.headers)}")
    assert not salah, "\n".join(salah)
