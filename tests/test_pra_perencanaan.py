"""Pra-perencanaan (issue #14, part 3): the roster checks before a school's teachers plan.

From 2026 (the rule set's `pra_perencanaan` component) a school's teachers plan only when
its checks pass — UNOR matched, a principal or Plt. in place at the year's start, each
plotted to a Tim Kerja member, every ASN with a valid NIP and a known jabatan — or when the
Operator Dinas opens it with a reason (audited). 2025 shows the checks without a gate.
"""

import csv
import io
from datetime import date

import pytest
from bantu import dom, masuk, pesan, teks, teks_dari
from bantu_pra import lulus_pra
from openpyxl import load_workbook
from sqlalchemy import select

from kinerja_web.alur import Ditolak
from kinerja_web.alur import skp as alur_skp
from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    Audit,
    BukaPerencanaan,
    Dinas,
    Pegawai,
    PlotTimKerja,
    Sekolah,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.peran import muat_peran

CEK = ("unor", "pimpinan", "plot", "nip", "jabatan")


@pytest.fixture
def hari(monkeypatch):
    """Today as the deadline check sees it: before the 2026 submission deadline."""
    monkeypatch.setattr("kinerja_web.alur.tenggat.hari_ini", lambda: date(2026, 1, 10))


@pytest.fixture
def roster(app, dunia, make_sekolah, make_pegawai, hari):
    """The 2026 year and a roster with one fault of each kind in the first Dinas:
    SD NEGERI 1 SATU passes everything; SMP NEGERI 2 DUA has a UNOR not on the reference
    list, a Plt. not plotted and a teacher with an invalid NIP; SD NEGERI 4 EMPAT has no
    principal and a teacher whose jabatan the rules do not know."""
    tahun = TahunKinerja(tahun=2026, aturan="2026")
    db.session.add(tahun)
    db.session.flush()
    db.session.add_all(TahunDinas(dinas_id=d, tahun_id=tahun.id, status=StatusTahun.BERJALAN)
                       for d in db.session.scalars(select(Dinas.id)))
    s4 = make_sekolah(dunia.dinas, nama="SD NEGERI 4 EMPAT")
    salah_jabatan = make_pegawai(sekolah=s4, username="guru4", nama="Guru Empat",
                                 jabatan="Guru Ahli Mda")
    lulus_pra(dunia.dinas.id, tahun.id)
    db.session.get(Sekolah, dunia.sekolah_plt.id).unor_id = "UNOR-TIDAK-ADA"
    db.session.execute(PlotTimKerja.__table__.delete().where(
        PlotTimKerja.tahun_id == tahun.id, PlotTimKerja.kepala_sekolah_id == dunia.plt.id))
    db.session.get(Pegawai, dunia.guru_plt.id).nip = "198503142010011"  # 15 digits
    db.session.commit()
    out = dict(tahun_id=tahun.id, s4=s4.id, salah_jabatan=salah_jabatan.id)
    db.session.rollback()
    return type("Roster", (), out)


def _ringkasan(r):
    """{check: (passing, failing)} from the summary list."""
    out = {}
    for li in dom(r).css("#ringkasan li[data-cek]"):
        out[li.attributes["data-cek"]] = (int(li.css_first("[data-lulus]").text()),
                                          int(li.css_first("[data-gagal]").text()))
    return out


def _kesalahan(r):
    """The failing items listed: [(check, school id, pegawai id or None, who fixes)]."""
    return [(li.attributes["data-cek"], int(li.attributes["data-sekolah"]),
             int(li.attributes["data-pegawai"]) if "data-pegawai" in li.attributes else None,
             teks_dari(li.css_first("[data-pemerbaiki]")))
            for li in dom(r).css("#kesalahan li[data-cek]")]


def test_each_kind_of_fault_shows_in_its_check_with_counts(dunia, roster, buat_klien):
    k = masuk(buat_klien, "operator")
    r = k.get("/dinas/pra-perencanaan")
    assert r.status_code == 200
    assert teks_dari(dom(r).css_first("#tahun-pra")) == "2026"
    # 3 schools; 2 leaders (the principal, the Plt.); 6 ASN at the schools.
    assert _ringkasan(r) == {"unor": (2, 1), "pimpinan": (2, 1), "plot": (1, 1),
                             "nip": (5, 1), "jabatan": (5, 1)}
    assert "Pra-perencanaan" in [teks_dari(a) for a in dom(r).css("header nav a")]
    assert "1 dari 3 sekolah terbuka; 2 masih tertutup" in teks(r)
    terlihat = {}
    for cek in CEK:
        r = k.get(f"/dinas/pra-perencanaan?cek={cek}")
        terlihat[cek] = _kesalahan(r)
    assert terlihat == {
        "unor": [("unor", dunia.sekolah_plt.id, None, "Operator Dinas")],
        "pimpinan": [("pimpinan", roster.s4, None, "Operator Dinas")],
        "plot": [("plot", dunia.sekolah_plt.id, dunia.plt.id, "Operator Dinas")],
        "nip": [("nip", dunia.sekolah_plt.id, dunia.guru_plt.id, "Operator Sekolah (Dapodik)")],
        "jabatan": [("jabatan", roster.s4, roster.salah_jabatan, "BKD (SIASN)")],
    }
    # Each item links to where it is fixed.
    r = k.get("/dinas/pra-perencanaan?cek=plot")
    tautan = [a.attributes["href"] for a in dom(r).css("#kesalahan a")]
    assert "/dinas/tim-kerja" in tautan
    r = k.get("/dinas/pra-perencanaan?cek=nip")
    assert "tidak valid" in teks(r) and f"/dinas/pegawai/{dunia.guru_plt.id}" in [
        a.attributes["href"] for a in dom(r).css("#kesalahan a")]
    # Searching narrows the list; a name that matches nothing empties it.
    assert _kesalahan(k.get("/dinas/pra-perencanaan?cek=nip&q=guru tiga"))
    assert _kesalahan(k.get("/dinas/pra-perencanaan?cek=nip&q=tidak ada")) == []
    # The schools still closed.
    r = k.get("/dinas/pra-perencanaan")
    assert {int(li.attributes["data-sekolah"]) for li in dom(r).css("#tertutup li")} == {
        dunia.sekolah_plt.id, roster.s4}


def test_the_list_is_paged_and_the_queries_do_not_grow(
        dunia, roster, buat_klien, make_pegawai, hitung_query):
    k = masuk(buat_klien, "operator")
    k.get("/dinas/pra-perencanaan?cek=jabatan")
    with hitung_query() as q:
        k.get("/dinas/pra-perencanaan?cek=jabatan")
    sedikit = len(q)
    s4 = db.session.get(Sekolah, roster.s4)
    for i in range(60):
        make_pegawai(sekolah=s4, username=f"tanpa{i}", nama=f"Guru Tanpa Jabatan {i:02d}",
                     jabatan=None)
    db.session.commit()
    with hitung_query() as q:
        r = k.get("/dinas/pra-perencanaan?cek=jabatan")
    assert len(q) == sedikit
    assert len(_kesalahan(r)) == 50 and "61 pegawai belum lulus" in teks(r)
    r2 = k.get("/dinas/pra-perencanaan?cek=jabatan&halaman=2")
    assert len(_kesalahan(r2)) == 11
    assert "Jabatan belum diisi" in teks(r2) or "Jabatan belum diisi" in teks(r)


def test_a_blocked_schools_teacher_is_refused_with_the_reason(dunia, roster, buat_klien):
    # The teacher of the school that passes starts his plan.
    k = masuk(buat_klien, "guru")
    r = k.post("/perencanaan/mulai/guru")
    assert r.status_code == 303 and "/langkah/1" in r.headers["Location"]
    # The blocked school's teacher sees why, and Mulai is refused.
    k = masuk(buat_klien, "guru3")
    r = k.get("/perencanaan")
    alasan = teks(r)
    assert "Perencanaan Kinerja 2026 belum dibuka untuk sekolah Anda" in alasan
    assert "UNOR sekolah belum padan — diperbaiki oleh Operator Dinas" in alasan
    assert "Kepala Sekolah belum diplot ke Tim Kerja" in alasan
    assert "NIP pegawai tidak valid (1 pegawai) — diperbaiki oleh Operator Sekolah" in alasan
    r = k.post("/perencanaan/mulai/guru")
    assert r.status_code == 303 and r.headers["Location"].endswith("/perencanaan")
    assert any("belum dibuka untuk sekolah Anda" in p for p in pesan(k.get("/perencanaan")))
    assert db.session.scalars(select(Skp).where(Skp.pegawai_id == dunia.guru_plt.id)).all() \
        == []
    # The school without a principal: the same, naming what is missing.
    r = masuk(buat_klien, "guru4").get("/perencanaan")
    assert "Kepala Sekolah atau Plt. belum ada" in teks(r)
    assert "jabatan pegawai tidak dikenal (1 pegawai) — diperbaiki oleh BKD (SIASN)" in teks(r)


def test_submitting_is_refused_while_the_school_is_closed(dunia, roster):
    """A plan started while the school was open (an override later withdrawn in the
    database) is not submitted while the checks fail."""
    tahun = db.session.get(TahunKinerja, roster.tahun_id)
    db.session.add(BukaPerencanaan(sekolah_id=dunia.sekolah_plt.id, tahun_id=tahun.id,
                                   alasan="uji"))
    db.session.flush()
    akun = db.session.scalar(select(Akun).where(Akun.username == "guru3"))
    akun.peran = muat_peran(akun.pegawai)
    skp = alur_skp.buat(akun.pegawai, "guru", tahun, akun)
    db.session.execute(BukaPerencanaan.__table__.delete())
    with pytest.raises(Ditolak, match="UNOR sekolah belum padan"):
        alur_skp.ajukan(skp, akun)
    db.session.rollback()


def test_the_override_opens_the_school_and_is_audited(dunia, roster, buat_klien):
    k = masuk(buat_klien, "operator")
    url = f"/dinas/pra-perencanaan/sekolah/{dunia.sekolah_plt.id}"
    r = k.get(url)
    assert dom(r).css_first("#status-sekolah").attributes["data-status"] == "tertutup"
    assert {li.attributes["data-cek"] for li in dom(r).css("#kesalahan li")} == {
        "unor", "plot", "nip"}
    # Without the confirmation: refused on its field, the reason kept.
    r = k.post(url + "/buka", {"alasan": "UNOR sedang dipadankan BKD"})
    assert r.status_code == 422
    assert "Centang konfirmasi" in teks(r)
    assert dom(r).css_first("textarea[name=alasan]").text() == "UNOR sedang dipadankan BKD"
    r = k.post(url + "/buka", {"alasan": " ", "yakin": "y"})
    assert r.status_code == 422 and "Tulis alasan" in teks(r)
    assert db.session.scalars(select(BukaPerencanaan)).all() == []
    r = k.post(url + "/buka", {"alasan": "UNOR sedang dipadankan BKD", "yakin": "y"})
    assert r.status_code == 303
    r = k.get(r.headers["Location"])
    assert dom(r).css_first("#status-sekolah").attributes["data-status"] == "dibuka"
    assert "UNOR sedang dipadankan BKD" in teks(r)
    jejak = db.session.scalars(select(Audit).where(Audit.aksi == "perencanaan_dibuka")).all()
    assert len(jejak) == 1 and jejak[0].catatan == "UNOR sedang dipadankan BKD"
    assert jejak[0].data["sekolah_id"] == dunia.sekolah_plt.id and jejak[0].data["tahun"] == 2026
    operator = db.session.scalar(select(Akun).where(Akun.username == "operator"))
    assert jejak[0].akun_id == operator.id
    db.session.rollback()
    # Opened again with a longer reason: the audit keeps the replaced one in its data.
    panjang = "Menunggu pemadanan UNOR oleh BKD kabupaten, dijadwalkan pekan depan."
    assert k.post(url + "/buka", {"alasan": panjang, "yakin": "y"}).status_code == 303
    jejak = db.session.scalars(select(Audit).where(Audit.aksi == "perencanaan_dibuka")
                               .order_by(Audit.id)).all()
    assert [j.catatan for j in jejak] == ["UNOR sedang dipadankan BKD", panjang]
    assert jejak[1].data["alasan_lama"] == "UNOR sedang dipadankan BKD"
    db.session.rollback()
    # The teacher now plans.
    k3 = masuk(buat_klien, "guru3")
    assert "belum dibuka" not in teks(k3.get("/perencanaan"))
    r = k3.post("/perencanaan/mulai/guru")
    assert r.status_code == 303 and "/langkah/1" in r.headers["Location"]
    # The Dinas list counts it open.
    assert "2 dari 3 sekolah terbuka" in teks(k.get("/dinas/pra-perencanaan"))


def test_another_dinas_operator_gets_404(dunia, roster, buat_klien):
    k = masuk(buat_klien, "operator_lain")
    url = f"/dinas/pra-perencanaan/sekolah/{dunia.sekolah_plt.id}"
    assert k.get(url).status_code == 404
    assert k.post(url + "/buka", {"alasan": "x", "yakin": "y"}).status_code == 404
    assert db.session.scalars(select(BukaPerencanaan)).all() == []
    # His own list holds none of the first Dinas' schools or people.
    r = k.get("/dinas/pra-perencanaan?cek=nip")
    assert _kesalahan(r) == [] and "Guru Tiga" not in teks(r)
    # A teacher or a principal of another school has no list; a principal sees his own school.
    assert masuk(buat_klien, "guru").get("/dinas/pra-perencanaan").status_code == 403
    kp = masuk(buat_klien, "plt")
    menu = {teks_dari(a): a.attributes["href"] for a in dom(kp.get("/")).css("header nav a")}
    assert menu["Pra-perencanaan"] == url
    r = kp.get(url)
    assert r.status_code == 200 and dom(r).css_first("form[action$='/buka']") is None
    assert {li.attributes["data-cek"] for li in dom(r).css("#kesalahan li")} == {
        "unor", "plot", "nip"}
    assert kp.get(f"/dinas/pra-perencanaan/sekolah/{dunia.sekolah.id}").status_code == 404
    assert kp.post(url + "/buka", {"alasan": "x", "yakin": "y"}).status_code == 403


def test_the_download_lists_the_faults(dunia, roster, buat_klien):
    k = masuk(buat_klien, "operator")
    r = k.get("/dinas/pra-perencanaan.csv")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    baris = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    assert baris[0][:4] == ["Pemeriksaan", "Satuan Pendidikan", "Nama", "NIP"]
    isi = {(b[0], b[1], b[2], b[5]) for b in baris[1:]}
    assert isi == {
        ("UNOR sekolah sudah padan", "SMP NEGERI 2 DUA", "", "Operator Dinas"),
        ("Kepala Sekolah atau Plt. sudah ada", "SD NEGERI 4 EMPAT", "", "Operator Dinas"),
        ("Kepala Sekolah sudah diplot ke Tim Kerja", "SMP NEGERI 2 DUA", "Plt Dua",
         "Operator Dinas"),
        ("NIP pegawai ASN valid", "SMP NEGERI 2 DUA", "Guru Tiga",
         "Operator Sekolah (Dapodik)"),
        ("Jabatan pegawai ASN dikenal", "SD NEGERI 4 EMPAT", "Guru Empat", "BKD (SIASN)"),
    }
    r = k.get("/dinas/pra-perencanaan.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    nama = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(n for n in nama if n) == ["Guru Empat", "Guru Tiga", "Plt Dua"]
    assert db.session.scalars(select(Audit).where(
        Audit.aksi == "unduh_pra_perencanaan")).all()


def test_2025_shows_the_checks_without_closing_planning(dunia, buat_klien):
    """The 2025 rules have no pra-perencanaan component: the page informs, nobody is
    refused (the roster of `dunia` has no UNOR at all)."""
    k = masuk(buat_klien, "operator")
    r = k.get("/dinas/pra-perencanaan")
    assert "tidak menutup perencanaan" in teks(r)
    assert _ringkasan(r)["unor"] == (0, 2)
    # No Referensi Unit Kerja uploaded: the Operator uploads it (linked).
    r = k.get("/dinas/pra-perencanaan?cek=unor")
    assert "Referensi Unit Kerja dari SIASN belum diunggah" in teks(r)
    assert "/sinkro/referensi" in [a.attributes["href"] for a in dom(r).css("#kesalahan a")]
    r = masuk(buat_klien, "guru3").post("/perencanaan/mulai/guru")
    assert "/langkah/1" in r.headers["Location"]


def test_the_demo_schools_pass_but_the_replaced_unor(demo, buat_klien):
    """The demo roster passes every check but one: SMP NEGERI 1 KEBUMEN, whose UNOR SIASN
    replaced (the sync pre-check's example), for BKD to fix."""
    from bantu import masuk_demo
    r = masuk_demo(buat_klien, "operator").get("/dinas/pra-perencanaan")
    assert _ringkasan(r) == {"unor": (6, 1), "pimpinan": (7, 0), "plot": (7, 0),
                             "nip": (_ringkasan(r)["nip"][0], 0),
                             "jabatan": (_ringkasan(r)["jabatan"][0], 0)}
    assert [(c, p) for c, _, _, p in _kesalahan(r)] == [("unor", "BKD (SIASN)")]
    assert db.session.scalar(select(UnitKerja.aktif).where(UnitKerja.unor_id == "UNOR-20301201")) \
        is False


def test_a_2026_demo_year_lets_every_demo_teacher_plan(demo):
    """The demo's 2026 has the gate: a demo school fails its checks (the replaced UNOR), and
    the Operator has opened it (with the reason, audited), so no demo teacher is refused."""
    from kinerja_web.alur import prarencana as alur_pra

    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == 2026))
    assert alur_pra.berlaku(tahun)
    dinas = db.session.scalar(select(Dinas).where(Dinas.nama.like("%Kebumen")))
    sekolah = db.session.scalars(select(Sekolah.id).where(Sekolah.dinas_id == dinas.id)).all()
    assert alur_pra.hasil_pra(dinas.id, tahun).sekolah_gagal
    assert [s for s in sekolah if alur_pra.alasan_tertutup(s, tahun)] == []
    assert db.session.scalars(select(Audit).where(Audit.aksi == "perencanaan_dibuka")).all()
    db.session.rollback()
