"""Issue #15: the pegawai's Upaya tindak lanjut notes (step 4) can be corrected and
deleted until the reflection is accepted — through alur (audited, versioned), with and
without JavaScript, for the note's own pegawai only. Fixtures: test_pelaksanaan.py."""


import bantu_pelaksanaan as _bersama
import pytest
from bantu import atribut, galat, masuk, nilai, teks, versi_di
from bantu_pelaksanaan import HX, aksi_audit_sejak, jumlah_audit, url

from kinerja_web.extensions import db
from kinerja_web.models import Audit
from kinerja_web.models.pelaksanaan import CatatanUpaya

rencana = _bersama.rencana
majukan = _bersama.majukan


def catatan(skp_id):
    """The cycle's notes as (id, date, text, version), by date."""
    from bantu_pelaksanaan import praktik

    db.session.rollback()
    p = praktik(skp_id)
    out = [(u.id, u.tanggal.isoformat(), u.isi, u.versi)
           for u in sorted(p.upaya, key=lambda u: u.tanggal)] if p else []
    db.session.rollback()
    return out


@pytest.fixture
def dua_catatan(buat_klien, rencana, majukan):
    """guru's cycle at the reflection (sent, not accepted) with two notes added through
    the page; returns (skp id, guru's client, [note ids])."""
    skp_id = rencana("guru")
    majukan(skp_id, 5)
    g = masuk(buat_klien, "guru")
    for tanggal, isi in (("2025-03-03", "Kesepakatan kelas ditempel."),
                         ("2025-04-07", "Rotasi peran kelompok.")):
        r = g.get(url(skp_id, 4))
        kunci, versi = nilai(r, "kunci"), versi_di(r)
        assert kunci
        r = g.post(url(skp_id, 4), {"tanggal": tanggal, "isi": isi, "kunci": kunci,
                                    "versi": versi, "aksi": "tambah"})
        assert r.status_code == 303, r.status_code
    return skp_id, g, [c[0] for c in catatan(skp_id)]


def u_ubah(skp_id, cid):
    return f"/pelaksanaan/{skp_id}/upaya/{cid}"


def test_ubah_tanpa_js_halaman_langkah_lalu_tersimpan_dan_diaudit(dua_catatan):
    skp_id, g, (c1, c2) = dua_catatan
    r = g.get(url(skp_id, 4))
    # Each note offers "Ubah" (a link: works without JavaScript) and "Hapus" (a form).
    assert f'href="{u_ubah(skp_id, c1)}"' in r.text and f'action="{u_ubah(skp_id, c1)}/hapus"' \
        in r.text
    r = g.get(u_ubah(skp_id, c1))
    assert r.status_code == 200 and "<html" in r.text
    assert 'name="ubah-isi"' in r.text and "Kesepakatan kelas ditempel." in r.text
    awal = jumlah_audit()
    r = g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-04",
                                    "ubah-isi": "Kesepakatan kelas ditempel di pintu.",
                                    "ubah-versi": "1"})
    assert r.status_code == 303 and r.headers["Location"] == f"{url(skp_id, 4)}#upaya-{c1}"
    assert catatan(skp_id)[0] == (c1, "2025-03-04", "Kesepakatan kelas ditempel di pintu.", 2)
    assert aksi_audit_sejak(awal) == ["praktik_4_upaya_diubah"]
    db.session.rollback()
    a = db.session.query(Audit).order_by(Audit.id.desc()).first()
    assert (a.objek_tipe, a.objek_id) == ("catatan_upaya", c1)
    assert a.data["isi"] == ["Kesepakatan kelas ditempel.", "Kesepakatan kelas ditempel di pintu."]
    db.session.rollback()
    r = g.get(url(skp_id, 4))
    assert "Catatan upaya diubah." in teks(r) and "ditempel di pintu." in teks(r)


def test_ubah_dengan_htmx_menukar_catatan_saja(dua_catatan):
    skp_id, g, (c1, _) = dua_catatan
    r = g.get(u_ubah(skp_id, c1), headers=HX)
    assert r.status_code == 200 and "<html" not in r.text
    assert r.text.strip().startswith(f'<li id="upaya-{c1}"') and 'name="ubah-isi"' in r.text
    r = g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03", "ubah-isi": "Diubah via htmx.",
                                    "ubah-versi": "1"}, headers=HX)
    assert r.status_code == 200 and r.text.strip().startswith(f'<li id="upaya-{c1}"')
    assert "Diubah via htmx." in teks(r) and "Catatan upaya diubah." in teks(r)
    assert 'name="ubah-isi"' not in r.text  # back to reading, with Ubah/Hapus again
    assert catatan(skp_id)[0][2] == "Diubah via htmx."


@pytest.mark.parametrize("headers", [{}, HX])
def test_ubah_kosong_422_isian_tetap(dua_catatan, headers):
    skp_id, g, (c1, _) = dua_catatan
    awal = jumlah_audit()
    r = g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "", "ubah-isi": "Teks yang saya ketik",
                                    "ubah-versi": "1"}, headers=headers)
    assert r.status_code == 422
    assert "Isi tanggal dan catatan upaya." in galat(r)
    assert "Teks yang saya ketik" in r.text and 'name="ubah-isi"' in r.text
    assert catatan(skp_id)[0][2] == "Kesepakatan kelas ditempel."
    assert aksi_audit_sejak(awal) == []


@pytest.mark.parametrize("headers", [{}, HX])
def test_ubah_dari_tab_lama_409_isian_tetap(dua_catatan, headers):
    skp_id, g, (c1, _) = dua_catatan
    assert g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03", "ubah-isi": "Tab baru.",
                                       "ubah-versi": "1"}).status_code == 303
    r = g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03", "ubah-isi": "Tab lama.",
                                    "ubah-versi": "1"}, headers=headers)
    assert r.status_code == 409
    assert "baru saja diubah" in galat(r) and "Tab lama." in r.text
    # The form now carries the current version: sending again overwrites knowingly.
    assert atribut(r, 'input[name="ubah-versi"]', "type") == "hidden"
    assert nilai(r, "ubah-versi") == "2"
    assert catatan(skp_id)[0][2] == "Tab baru."


def test_hapus_tanpa_js_dan_dengan_htmx(dua_catatan):
    skp_id, g, (c1, c2) = dua_catatan
    awal = jumlah_audit()
    r = g.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"})
    assert r.status_code == 303 and r.headers["Location"] == url(skp_id, 4)
    assert [c[0] for c in catatan(skp_id)] == [c2]
    assert aksi_audit_sejak(awal) == ["praktik_4_upaya_dihapus"]
    db.session.rollback()
    a = db.session.query(Audit).order_by(Audit.id.desc()).first()
    assert a.data["isi"] == "Kesepakatan kelas ditempel." and a.objek_id == c1
    db.session.rollback()
    assert "Catatan upaya dihapus." in teks(g.get(url(skp_id, 4)))
    # A second press: the note is gone (404), nothing else is touched.
    assert g.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"}).status_code == 404
    # With htmx: the step's section comes back without the note, its count updated.
    r = g.post(f"{u_ubah(skp_id, c2)}/hapus", {"versi": "1"}, headers=HX)
    assert r.status_code == 200 and r.text.lstrip().startswith('<section id="langkah"')
    assert "Belum ada catatan upaya." in teks(r) and "Catatan upaya dihapus." in teks(r)
    assert catatan(skp_id) == []


def test_hapus_versi_basi_409_tidak_menghapus(dua_catatan):
    skp_id, g, (c1, _) = dua_catatan
    assert g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03", "ubah-isi": "Baru.",
                                       "ubah-versi": "1"}).status_code == 303
    r = g.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"})
    assert r.status_code == 409 and "baru saja diubah" in galat(r)
    assert len(catatan(skp_id)) == 2


def test_tanpa_csrf_ditolak(dua_catatan):
    skp_id, g, (c1, _) = dua_catatan
    for path, data in ((f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"}),
                       (u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03",
                                             "ubah-isi": "Tanpa token.", "ubah-versi": "1"})):
        r = g.post(path, data, csrf=False)
        assert r.status_code in (400, 422), r.status_code
    assert [c[2] for c in catatan(skp_id)] == ["Kesepakatan kelas ditempel.",
                                                "Rotasi peran kelompok."]


def test_setelah_refleksi_diterima_tidak_dapat_diubah_atau_dihapus(dua_catatan, majukan):
    skp_id, g, (c1, _) = dua_catatan
    majukan(skp_id, 6)
    r = g.get(url(skp_id, 4))
    assert f'action="{u_ubah(skp_id, c1)}/hapus"' not in r.text
    assert f'href="{u_ubah(skp_id, c1)}"' not in r.text
    awal = jumlah_audit()
    r = g.post(u_ubah(skp_id, c1), {"ubah-tanggal": "2025-03-03", "ubah-isi": "Telat.",
                                    "ubah-versi": "1"})
    assert r.status_code == 422 and "Refleksi tindak lanjut sudah diterima" in galat(r)
    r = g.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"})
    assert r.status_code == 422 and "Refleksi tindak lanjut sudah diterima" in galat(r)
    assert len(catatan(skp_id)) == 2 and aksi_audit_sejak(awal) == []


def test_atasan_membaca_tetapi_tidak_mengubah_guru_lain_404(dua_catatan, buat_klien, rencana,
                                                           majukan):
    skp_id, _, (c1, _) = dua_catatan
    ks = masuk(buat_klien, "kepsek")
    r = ks.get(url(skp_id, 4))
    assert "Kesepakatan kelas ditempel." in teks(r) and "/hapus" not in r.text
    assert ks.get(u_ubah(skp_id, c1)).status_code == 403
    assert ks.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"}).status_code == 403
    # Another teacher of the school: the SKP is not his (404); a note of another cycle
    # under his own SKP's address is not found either.
    lain = rencana("guru2")
    majukan(lain, 5)
    g2 = masuk(buat_klien, "guru2")
    assert g2.post(f"{u_ubah(skp_id, c1)}/hapus", {"versi": "1"}).status_code == 404
    assert g2.post(f"{u_ubah(lain, c1)}/hapus", {"versi": "1"}).status_code == 404
    assert g2.get(u_ubah(lain, c1)).status_code == 404
    assert len(catatan(skp_id)) == 2
    db.session.rollback()
    assert db.session.query(CatatanUpaya).count() == 2
    db.session.rollback()
