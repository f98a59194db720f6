"""The htmx helper both ways: a fragment for partial requests, the full page otherwise."""


import pytest
from bantu import dom, teks_dari

from kinerja_web import htmx

PARTIAL = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.mark.parametrize(
    ("headers", "htmx_", "partial"),
    [
        ({}, False, False),
        (PARTIAL, True, True),
        (BOOSTED, True, False),
        (RESTORE, True, False),
        ({"HX-Boosted": "true"}, False, False),
        ({"HX-Request": "false"}, False, False),
    ],
)
def test_is_partial(app, headers, htmx_, partial):
    with app.test_request_context("/", headers=headers):
        assert htmx.is_htmx() is htmx_
        assert htmx.is_partial() is partial


def _render(app, headers, **kw):
    with app.test_request_context("/", headers=headers):
        return htmx.render("galat.html", block="content", kode=400, judul="Judul Uji",
                           pesan="Pesan uji", **kw)


def test_render_blok_untuk_permintaan_parsial(app):
    r = _render(app, PARTIAL)
    teks = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Judul Uji" in teks and "Pesan uji" in teks
    assert "<html" not in teks and "<head" not in teks and "Langsung ke isi" not in teks
    assert "HX-Request" in r.vary


@pytest.mark.parametrize("headers", [{}, BOOSTED, RESTORE])
def test_render_halaman_penuh_selain_parsial(app, headers):
    r = _render(app, headers)
    teks = r.get_data(as_text=True)
    assert r.status_code == 200
    assert teks.startswith("<!doctype html>")
    assert "Judul Uji" in teks and "<title>Judul Uji" in teks
    assert "HX-Request" in r.vary


@pytest.mark.parametrize("headers", [{}, PARTIAL])
def test_render_meneruskan_status(app, headers):
    assert _render(app, headers, status=422).status_code == 422


def test_render_tanpa_blok_selalu_halaman_penuh(app):
    with app.test_request_context("/", headers=PARTIAL):
        r = htmx.render("galat.html", kode=400, judul="J", pesan="P")
    assert "<html" in r.get_data(as_text=True)
    assert "HX-Request" in r.vary


@pytest.mark.parametrize("headers", [{}, BOOSTED])
def test_hx_redirect_303_untuk_biasa_dan_boosted(app, headers):
    with app.test_request_context("/", method="POST", headers=headers):
        r = htmx.hx_redirect("/tujuan")
    assert r.status_code == 303
    assert r.headers["Location"] == "/tujuan"
    assert "HX-Redirect" not in r.headers


def test_hx_redirect_204_untuk_parsial(app):
    with app.test_request_context("/", method="POST", headers=PARTIAL):
        r = htmx.hx_redirect("/tujuan")
    assert r.status_code == 204
    assert r.headers["HX-Redirect"] == "/tujuan"
    assert "Location" not in r.headers
    assert r.get_data() == b""


# ------------------------------------------------------------------ end to end


def test_daftar_pegawai_dua_arah(klien, dunia):
    klien.masuk("operator")
    fragmen = klien.get("/dinas/pegawai?q=Guru", headers=PARTIAL)
    assert fragmen.status_code == 200
    assert 'id="hasil"' in fragmen.text and "<table" in fragmen.text
    assert "Guru Satu" in fragmen.text and "Guru Dua" in fragmen.text
    assert "Kepala Satu" not in fragmen.text  # the search applies to the fragment too
    assert "Guru Lain" not in fragmen.text  # another Dinas
    assert "<html" not in fragmen.text and "Data Pegawai" not in fragmen.text
    assert "HX-Request" in fragmen.headers["Vary"]

    for headers in ({}, BOOSTED):
        penuh = klien.get("/dinas/pegawai?q=Guru", headers=headers)
        assert penuh.status_code == 200
        # A boosted navigation gets what goes into <main> (the heading and the list).
        assert ("<html" in penuh.text) is (headers == {}) and "Data Pegawai" in penuh.text
        assert 'id="hasil"' in penuh.text and "<table" in penuh.text
        assert "Guru Satu" in penuh.text and "Kepala Satu" not in penuh.text
        assert "HX-Request" in penuh.headers["Vary"]


# ------------------------------------------------------------------ boosted navigation


def test_navigasi_boost_hanya_isi_utama_dengan_judul_dan_menu(klien, dunia):
    """A signed-in user's boosted link gets the new title, the header (menu with the
    current page marked, out of band) and the content of <main>, swapped into <main>;
    a plain load and a history restore still get the whole page."""
    klien.masuk("operator")
    r = klien.get("/dinas/pegawai", headers=BOOSTED)
    assert r.status_code == 200
    teks = r.text
    assert "<html" not in teks and "<body" not in teks and "<main" not in teks
    assert "Pengelolaan Kinerja Guru dan Kepala Sekolah · Periode" not in teks  # footer
    assert teks.lstrip().startswith("<title>Data Pegawai · Kinerja Guru</title>")
    kepala = dom(teks).css_first('header.kepala#kepala[hx-swap-oob="true"]')
    assert kepala is not None
    assert kepala.css_first('a[href="/dinas/pegawai"][aria-current="page"]') is not None
    assert "Keluar" in teks_dari(kepala)
    assert "<h1>Data Pegawai</h1>" in teks and "Guru Satu" in teks
    assert r.headers["HX-Retarget"] == "#konten"
    assert r.headers["HX-Reswap"].startswith("innerHTML")
    assert {"HX-Request", "HX-Boosted"} <= set(r.vary)
    for headers in ({}, RESTORE):
        penuh = klien.get("/dinas/pegawai", headers=headers)
        assert penuh.text.startswith("<!doctype html>") and '<main id="konten">' in penuh.text
        assert "hx-swap-oob" not in penuh.text and "HX-Retarget" not in penuh.headers
        assert {"HX-Request", "HX-Boosted"} <= set(penuh.vary)


def test_navigasi_boost_pesan_kilat_ikut_isi_utama(klien, dunia):
    """The flash message of a boosted form's redirect is in the main content (as before
    inside <main>), and the form POST itself keeps its answer."""
    klien.masuk("guru")
    with klien.c.session_transaction() as sesi:
        sesi["_flashes"] = [("sukses", "Tersimpan uji.")]
    r = klien.get("/", headers=BOOSTED)
    assert "HX-Retarget" in r.headers and "Tersimpan uji." in r.text


def test_navigasi_boost_tanpa_masuk_halaman_utuh(klien, dunia):
    """Signed out (the login page): the whole page, so the header and the body's CSRF
    token are replaced along with it."""
    r = klien.get("/masuk", headers=BOOSTED)
    assert r.status_code == 200
    assert "<html" in r.text and "HX-Retarget" not in r.headers
