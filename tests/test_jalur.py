"""The request path (issue 16): what a page costs besides its own work.

A read-only request ends its transaction with COMMIT on PostgreSQL: psycopg drops every
statement it prepared at a ROLLBACK, so each page planned its queries afresh; a request
that wrote and did not commit is still rolled back. A boosted navigation is answered with
the main content only (no <head>, no footer). The figures are in bench/jalur.py.
"""

import pytest
from bantu import masuk
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.pool import NullPool

from kinerja_web.extensions import akhiri_bacaan, db
from kinerja_web.models import Pegawai

BOOST = {"HX-Request": "true", "HX-Boosted": "true"}


def test_halaman_berikut_memakai_pernyataan_yang_sudah_disiapkan(buat_klien, dunia):
    """Six pages in a row: on PostgreSQL the signed-in user's query is a prepared
    statement of the connection by then (prepared on its 5th run, kept between requests);
    every page still answers as before."""
    k = masuk(buat_klien, "guru")
    for _ in range(6):
        r = k.get("/")
        assert r.status_code == 200 and "Guru Satu" in r.text
    if db.engine.dialect.name == "postgresql":
        siap = db.session.scalar(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE "
            "'%FROM sesi_login JOIN akun%'"))
        db.session.rollback()
        assert siap == 1


def test_transaksi_yang_menulis_tetap_dibatalkan(app, dunia):
    """Only a transaction that read is committed at the end of a request: one that sent
    an UPDATE, or holds a change not flushed, is left to the rollback, which undoes it."""
    with app.test_request_context("/"):
        db.session.execute(update(Pegawai).where(Pegawai.id == dunia.guru.id)
                           .values(nama="Diubah tanpa commit"))
        assert akhiri_bacaan() is False
        db.session.rollback()
        p = db.session.get(Pegawai, dunia.guru.id)
        assert p.nama == "Guru Satu"
        p.nama = "Belum di-flush"
        assert akhiri_bacaan() is False
        db.session.rollback()
        assert db.session.scalar(select(Pegawai.nama).where(Pegawai.id == dunia.guru.id)) \
            == "Guru Satu"
        # A transaction that only read ends with COMMIT on PostgreSQL (same effect).
        assert akhiri_bacaan() is (db.engine.dialect.name == "postgresql")
        db.session.rollback()


def _bagian(html, awal, akhir):
    """The bytes of the part of a page from `awal` to the end of `akhir`."""
    i = html.index(awal)
    return len(html[i:html.index(akhir, i) + len(akhir)].encode())


def _tanpa_kepala_dan_kaki(html):
    """The bytes of a whole page that a boosted answer leaves out: <head> (but the title,
    which it brings) and the footer."""
    return (_bagian(html, "<head>", "</head>") - _bagian(html, "<title>", "</title>")
            + _bagian(html, "<footer", "</footer>"))


def test_navigasi_boost_menghemat_kepala_dan_kaki_halaman(buat_klien, dunia):
    """A boosted link is answered without the <head> (stylesheet, script, htmx settings)
    and the footer, each byte of them: the answer is the whole page less those bytes, at
    most (the header it swaps out of band adds its one attribute)."""
    k = masuk(buat_klien, "guru")
    for url in ("/", "/perencanaan", "/profil"):
        utuh = k.get(url)
        boost = k.get(url, headers=BOOST)
        assert utuh.status_code == boost.status_code == 200
        hemat = _tanpa_kepala_dan_kaki(utuh.text)
        assert len(boost.data) <= len(utuh.data) - hemat + len(' hx-swap-oob="true"'), url
        assert "<head>" not in boost.text and "<footer" not in boost.text


def test_koneksi_yang_diputus_server_diganti_tanpa_halaman_gagal(buat_klien, dunia,
                                                                  monkeypatch):
    """PostgreSQL ending the pooled connections (a restart, pg_terminate_backend, an idle
    timeout) fails no page: the connection taken from the pool is found dead and replaced.
    While nothing happened, taking a connection sends nothing to the server (pool_pre_ping
    sent a SELECT 1 with every request)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("hanya PostgreSQL: SQLite tidak punya koneksi server yang bisa diputus")
    ping = []
    asli = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: ping.append(1) or asli(c))
    k = masuk(buat_klien, "guru")
    for _ in range(3):
        assert k.get("/").status_code == 200
    assert ping == []  # no round trip to check a connection nobody touched
    db.session.rollback()
    db.session.close()
    admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as c:
            putus = c.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state = 'idle'"))
    finally:
        admin.dispose()
    assert putus >= 1
    for _ in range(3):
        r = k.get("/")
        assert r.status_code == 200 and "Guru Satu" in r.text
    assert ping  # the dead connection was noticed (its socket read ready) and pinged


def test_deskripsi_hasil_dibuat_sekali_per_pernyataan_dan_jenis_kolom(app, dunia):
    """On PostgreSQL a result's description (what SQLAlchemy reads after every SELECT) is
    built once per statement: the same statement again answers the same Column objects,
    with the right names and types; the same text answering other types (a parameter
    whose type decides the column's) is described afresh, and rows stay right."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("hanya PostgreSQL: deskripsi kolom psycopg")
    with app.app_context():
        conn = db.session.connection()
        q = "SELECT p.id, p.nama, %(x)s AS x FROM pegawai p WHERE p.id = %(id)s"
        dulu = None
        for x, jenis in ((7, "int"), (8, "int"), ("tujuh", "text"), (9, "int")):
            hasil = conn.exec_driver_sql(q, {"x": x, "id": dunia.guru.id})
            kolom = hasil.cursor.description
            assert [k.name for k in kolom] == ["id", "nama", "x"]
            oid_x = kolom[2].type_code
            assert (oid_x in (20, 21, 23)) == (jenis == "int"), (x, oid_x)
            assert hasil.one() == (dunia.guru.id, dunia.guru.nama, x)
            if dulu is not None and jenis == "int" and dulu[0] == "int":
                assert kolom[0] is dulu[1][0]  # reused, not rebuilt
            dulu = (jenis, kolom)
        db.session.rollback()


def test_batas_laju_hanya_diperiksa_di_halaman_yang_dibatasi(app):
    """Flask-Limiter runs only for the views that have a limit (the app sets no default
    one): every view it limits is marked by `batasi`, so none loses its limit (the limits
    themselves: test_auth, test_verifikasi)."""
    from flask_limiter.util import get_qualified_name

    from kinerja_web.extensions import limiter

    dibatasi = {n for n, v in app.view_functions.items() if getattr(v, "dibatasi", False)}
    oleh_limiter = {n for n, v in app.view_functions.items()
                    if get_qualified_name(v) in limiter._marked_for_limiting}
    assert dibatasi == oleh_limiter == {"auth.masuk", "dokumen.verifikasi",
                                        "dokumen.periksa_berkas"}
