"""The 2026 cycle's scope, deadlines and per-person extensions (issue #14, part 2).

2026 (rule set 2026.toml): an ASN teacher seconded to a private school takes part (2025 left
him out); teachers submit by 21 January and principals approve by 31 January, after which the
plan is locked; the Operator Dinas reopens one stage for one person until a date, with a
reason (audited, his own Dinas only). 2025 enforces no date.
"""

from datetime import date

import pytest
from bantu import dom, galat, lipat, masuk, teks, teks_dari
from bantu_perencanaan import ISI_GURU, ajukan, baris, isi, jejak, mulai, putuskan
from bantu_pra import lulus_pra
from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.alur import Ditolak
from kinerja_web.alur import tenggat as alur_tenggat
from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    Audit,
    Dinas,
    Pegawai,
    PerpanjanganTenggat,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.peran import muat_peran

SEBELUM = date(2026, 1, 20)
LEWAT_AJUKAN = date(2026, 1, 22)
LEWAT_SETUJUI = date(2026, 2, 2)


@pytest.fixture
def hari(monkeypatch):
    """Today as the deadline check sees it; `hari.ke(d)` moves it."""

    class Hari:
        nilai = SEBELUM

        def ke(self, d):
            self.nilai = d

    h = Hari()
    monkeypatch.setattr("kinerja_web.alur.tenggat.hari_ini", lambda: h.nilai)
    return h


def jalankan_2026():
    """Every Dinas runs the 2026 cycle (rule set 2026.toml) beside 2025: the newest running
    year, so the pages show it to whoever has no SKP of 2025. The TahunKinerja row."""
    t = TahunKinerja(tahun=2026, aturan="2026")
    db.session.add(t)
    db.session.flush()
    dinas = db.session.scalars(select(Dinas.id)).all()
    db.session.add_all(TahunDinas(dinas_id=d, tahun_id=t.id, status=StatusTahun.BERJALAN)
                       for d in dinas)
    for d in dinas:
        lulus_pra(d, t.id)  # the schools pass pra-perencanaan (test_pra_perencanaan)
    db.session.commit()
    return t


@pytest.fixture
def tahun_2026(app, dunia):
    """The Dinas runs the 2026 cycle (rule set 2026.toml) next to 2025."""
    tahun_id = jalankan_2026().id
    db.session.rollback()
    return tahun_id


def _tenggat_di(r):
    """The deadline line a page shows before the user acts (`p[data-tenggat]`), or ""."""
    node = dom(r).css_first("p[data-tenggat]")
    return lipat(node.text()) if node is not None else ""


def _perpanjang(k, pegawai_id, tahap, sampai, alasan="Sakit, surat dokter terlampir"):
    return k.post(f"/dinas/pegawai/{pegawai_id}/perpanjangan",
                  {"tahap": tahap, "sampai": sampai, "alasan": alasan})


def _aktor(username):
    """An account as a request sees it (its roles loaded)."""
    akun = db.session.scalar(select(Akun).where(Akun.username == username))
    akun.peran = muat_peran(akun.pegawai)
    return akun


def _draf(buat_klien, username):
    k = masuk(buat_klien, username)
    skp_id = mulai(k)
    isi(k, skp_id, ISI_GURU)
    return k, skp_id


# ------------------------------------------------------------------ scope per year


def test_private_school_asn_is_in_scope_in_2026_and_out_in_2025(
        app, dunia, buat_klien, make_sekolah, make_pegawai, tugaskan, hari):
    swasta = make_sekolah(dunia.dinas, nama="SD MUHAMMADIYAH UJI", status="swasta")
    kepala = make_pegawai(sekolah=swasta, username="ks_swasta", nama="Kepala Swasta",
                          jabatan="Guru Ahli Madya", golongan="IV/a")
    tugaskan(kepala, "kepala_sekolah", swasta)
    kepala_id = kepala.id
    make_pegawai(sekolah=swasta, username="dpk", nama="Guru Diperbantukan",
                 keikutsertaan="diperbantukan_swasta",
                 keikutsertaan_alasan="Diperbantukan di SD Muhammadiyah Uji")
    db.session.commit()

    # 2025: out of scope, with the reason; Mulai refused, nothing written.
    k = masuk(buat_klien, "dpk")
    r = k.get("/perencanaan")
    assert "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini: Diperbantukan di " \
           "sekolah swasta" in teks(r)
    assert dom(r).css_first('form[action="/perencanaan/mulai/guru"]') is None
    r = k.post("/perencanaan/mulai/guru")
    assert r.status_code == 303 and r.headers["Location"].endswith("/perencanaan")
    assert "Diperbantukan di SD Muhammadiyah Uji" in teks(k.get("/perencanaan"))  # flashed
    dpk = db.session.scalar(select(Pegawai).where(Pegawai.nama == "Guru Diperbantukan"))
    assert not dpk.ikut(aturan.muat_aturan("2025")) and dpk.ikut(aturan.muat_aturan("2026"))
    assert db.session.scalars(select(Skp).where(Skp.pegawai_id == dpk.id)).all() == []
    db.session.rollback()

    # 2026: he plans like any teacher, and his plan goes to his school's principal.
    jalankan_2026()
    r = k.get("/perencanaan?tahun=2026")
    assert "tidak mengikuti" not in teks(r)
    assert _tenggat_di(r) == "Batas pengajuan SKP tahun 2026: 21 Januari 2026."
    skp_id = mulai(k)
    isi(k, skp_id, ISI_GURU)
    assert ajukan(k, skp_id).status_code == 303
    b = baris(skp_id)
    assert b["status"] == "diajukan" and b["atasan_id"] == kepala_id
    assert masuk(buat_klien, "ks_swasta").get(f"/persetujuan/{skp_id}/langkah/1") \
        .status_code == 200


def test_the_operator_sees_who_is_out_of_scope_in_the_shown_year(
        app, dunia, buat_klien, make_pegawai, tahun_2026):
    make_pegawai(sekolah=db.session.get(Pegawai, dunia.guru.id).sekolah, username="dpk2",
                 nama="Guru DPK", keikutsertaan="diperbantukan_swasta")
    make_pegawai(sekolah=db.session.get(Pegawai, dunia.guru.id).sekolah, username="cltn",
                 nama="Guru CLTN", keikutsertaan="cltn")
    db.session.commit()
    k = masuk(buat_klien, "operator")
    r = k.get("/dinas/pegawai?ikut=tidak")
    assert "Guru CLTN" in teks(r) and "Guru DPK" not in teks(r)
    r = k.get("/dinas/pegawai?ikut=tidak&tahun=2025")
    assert "Guru CLTN" in teks(r) and "Guru DPK" in teks(r)


# ------------------------------------------------------------------ deadlines


def test_submission_deadline_refuses_with_the_date_and_the_page_says_it_before(
        dunia, buat_klien, tahun_2026, hari):
    k, skp_id = _draf(buat_klien, "guru")
    r = k.get(f"/perencanaan/{skp_id}/langkah/5")
    assert _tenggat_di(r) == "Batas pengajuan SKP tahun 2026: 21 Januari 2026."

    hari.ke(LEWAT_AJUKAN)
    r = k.get(f"/perencanaan/{skp_id}/langkah/5")
    assert "sudah lewat" in _tenggat_di(r)
    r = ajukan(k, skp_id)
    assert r.status_code == 422
    assert "Batas pengajuan SKP tahun 2026 adalah 21 Januari 2026; batas itu sudah lewat" \
        in galat(r)
    assert "Hubungi Operator Dinas bila Anda membutuhkan perpanjangan." in galat(r)
    assert baris(skp_id)["status"] == "draf"
    assert "skp_diajukan" not in [j.aksi for j in jejak(skp_id)]

    # Someone who has not started cannot start a plan that could never be submitted.
    k2 = masuk(buat_klien, "guru2")
    r = k2.get("/perencanaan")
    assert "Batas pengajuan SKP tahun 2026 adalah 21 Januari 2026" in teks(r)
    assert dom(r).css_first('form[action="/perencanaan/mulai/guru"]') is None
    assert k2.post("/perencanaan/mulai/guru").status_code == 303
    assert db.session.scalars(select(Skp).where(Skp.pegawai_id == dunia.guru2.id)).all() == []
    db.session.rollback()


def test_an_extension_reopens_submission_for_that_one_person_only(
        dunia, buat_klien, tahun_2026, hari):
    k1, skp1 = _draf(buat_klien, "guru")
    k2, skp2 = _draf(buat_klien, "guru2")
    hari.ke(date(2026, 1, 25))
    op = masuk(buat_klien, "operator")
    r = _perpanjang(op, dunia.guru.id, "pengajuan_skp", "2026-01-28")
    assert r.status_code == 303
    r = op.get(f"/dinas/pegawai/{dunia.guru.id}")
    daftar = lipat(dom(r).css_first("#perpanjangan ul").text())
    assert "Pengajuan SKP 2026: diperpanjang sampai 28 Januari 2026 — Sakit, surat dokter " \
           "terlampir" in daftar
    assert "Belum ada perpanjangan" in teks(op.get(f"/dinas/pegawai/{dunia.guru2.id}"))

    assert _tenggat_di(k1.get(f"/perencanaan/{skp1}/langkah/5")) == \
        "Perpanjangan pengajuan SKP Anda sampai 28 Januari 2026."
    assert ajukan(k1, skp1).status_code == 303
    assert baris(skp1)["status"] == "diajukan"
    r = ajukan(k2, skp2)
    assert r.status_code == 422 and "adalah 21 Januari 2026" in galat(r)
    assert baris(skp2)["status"] == "draf"

    audit = db.session.scalars(select(Audit).where(Audit.aksi == "tenggat_diperpanjang")).all()
    assert [(a.ke, a.catatan, a.data["tahap"], a.data["batas_aturan"]) for a in audit] == [
        ("2026-01-28", "Sakit, surat dokter terlampir", "pengajuan_skp", "2026-01-21")]
    assert audit[0].akun_id == db.session.scalar(
        select(Akun.id).where(Akun.username == "operator"))
    db.session.rollback()

    # The extension itself ends: after 28 January the same teacher is refused again.
    hari.ke(date(2026, 1, 29))
    assert alur_tenggat.tenggat_pegawai(db.session.get(Pegawai, dunia.guru.id),
                                        db.session.get(TahunKinerja, tahun_2026),
                                        "pengajuan_skp") == date(2026, 1, 28)
    db.session.rollback()


def test_the_deadline_line_costs_the_step_no_query_of_its_own(
        dunia, buat_klien, tahun_2026, hari, hitung_query):
    """The person's extensions come with his account and his Dinas' years: a step shows
    his deadline in 2 queries (user, plan) before and after the Dinas extends it, and the
    extension shows on his very next page."""
    k, skp_id = _draf(buat_klien, "guru")
    op = masuk(buat_klien, "operator")
    for sampai, baris_tenggat in ((None, "Batas pengajuan SKP tahun 2026: 21 Januari 2026."),
                                  ("2026-01-28",
                                   "Perpanjangan pengajuan SKP Anda sampai 28 Januari 2026.")):
        if sampai:
            assert _perpanjang(op, dunia.guru.id, "pengajuan_skp", sampai).status_code == 303
        for h in ({}, {"HX-Request": "true", "HX-Boosted": "true"}):
            with hitung_query() as q:
                r = k.get(f"/perencanaan/{skp_id}/langkah/2", headers=h)
            assert r.status_code == 200 and _tenggat_di(r) == baris_tenggat
            assert len(q) == 2, q


def test_approval_deadline_refuses_the_atasan_until_the_dinas_extends_it(
        dunia, buat_klien, tahun_2026, hari):
    k, skp_id = _draf(buat_klien, "guru")
    assert ajukan(k, skp_id).status_code == 303
    ks = masuk(buat_klien, "kepsek")
    assert _tenggat_di(ks.get(f"/persetujuan/{skp_id}/langkah/4")) == \
        "Batas persetujuan SKP tahun 2026: 31 Januari 2026."

    hari.ke(LEWAT_SETUJUI)
    r = putuskan(ks, skp_id, "setujui")
    assert r.status_code == 422
    assert "Batas persetujuan SKP tahun 2026 adalah 31 Januari 2026" in galat(r)
    assert "Hubungi Operator Dinas untuk pegawai ini." in galat(r)
    r = putuskan(ks, skp_id, "kembalikan", "Perbaiki.")
    assert r.status_code == 422 and baris(skp_id)["status"] == "diajukan"

    op = masuk(buat_klien, "operator")
    assert _perpanjang(op, dunia.guru.id, "persetujuan_skp", "2026-02-06",
                       "Kepala sekolah bertugas ke luar daerah").status_code == 303
    assert _tenggat_di(ks.get(f"/persetujuan/{skp_id}/langkah/4")) == \
        "Perpanjangan persetujuan SKP pegawai ini sampai 6 Februari 2026."
    assert putuskan(ks, skp_id, "setujui").status_code == 303
    assert baris(skp_id)["status"] == "disetujui"


def test_a_returned_plan_can_be_submitted_again_until_the_approval_deadline(
        dunia, buat_klien, tahun_2026, hari):
    k, skp_id = _draf(buat_klien, "guru")
    assert ajukan(k, skp_id).status_code == 303
    hari.ke(LEWAT_AJUKAN)
    assert putuskan(masuk(buat_klien, "kepsek"), skp_id, "kembalikan",
                    "Perjelas praktik.").status_code == 303
    r = k.get(f"/perencanaan/{skp_id}/langkah/5")
    assert _tenggat_di(r) == "Batas persetujuan SKP tahun 2026: 31 Januari 2026."
    assert ajukan(k, skp_id).status_code == 303
    assert baris(skp_id)["status"] == "diajukan"


# ------------------------------------------------------------------ granting extensions


def test_another_dinas_operator_cannot_grant_an_extension(dunia, buat_klien, tahun_2026, hari):
    lain = masuk(buat_klien, "operator_lain")
    assert _perpanjang(lain, dunia.guru.id, "pengajuan_skp", "2026-01-28").status_code == 404
    # ... nor through the workflow directly, nor can a principal or the teacher himself.
    pegawai = db.session.get(Pegawai, dunia.guru.id)
    tahun = db.session.get(TahunKinerja, tahun_2026)
    for username in ("operator_lain", "kepsek", "guru"):
        aktor = _aktor(username)
        with pytest.raises(Ditolak, match="Hanya Operator Dinas atau Kepala Dinas"):
            alur_tenggat.beri_perpanjangan(pegawai, tahun, "pengajuan_skp", date(2026, 1, 28),
                                           "alasan", aktor)
    db.session.rollback()
    # The Kepala Dinas of the pegawai's own Dinas may (the workflow allows him).
    kadis = _aktor("kadis")
    alur_tenggat.beri_perpanjangan(pegawai, tahun, "pengajuan_skp", date(2026, 1, 28),
                                   "Tugas dinas", kadis)
    db.session.commit()
    assert masuk(buat_klien, "kepsek").post(
        f"/dinas/pegawai/{dunia.guru.id}/perpanjangan",
        {"tahap": "pengajuan_skp", "sampai": "2026-02-01", "alasan": "x"}).status_code == 403
    assert [p.sampai for p in db.session.scalars(select(PerpanjanganTenggat))] == \
        [date(2026, 1, 28)]


@pytest.mark.parametrize(
    ("isian", "bidang", "pesan"),
    [
        ({"sampai": "2026-01-20"}, "sampai",
         "Tanggal perpanjangan harus sesudah batas pengajuan SKP (21 Januari 2026)."),
        ({"sampai": "2027-01-05"}, "sampai",
         "Tanggal perpanjangan paling lambat akhir tahun kinerja (31 Desember 2026)."),
        ({"sampai": "besok"}, "sampai", "Tanggal tidak valid"),
        ({"alasan": "   "}, "alasan", "Tulis alasan perpanjangan"),
        ({"tahap": "penilaian"}, "tahap", "Not a valid choice"),
    ],
)
def test_a_bad_extension_is_refused_on_its_field_keeping_the_input(
        dunia, buat_klien, tahun_2026, hari, isian, bidang, pesan):
    op = masuk(buat_klien, "operator")
    data = {"tahap": "pengajuan_skp", "sampai": "2026-01-28",
            "alasan": "Kendala data roster", **isian}
    r = op.post(f"/dinas/pegawai/{dunia.guru.id}/perpanjangan", data)
    assert r.status_code == 422
    galat_bidang = teks_dari(dom(r).css_first(f"#{bidang}-galat"))
    assert pesan in galat_bidang or (pesan == "Not a valid choice" and galat_bidang)
    isian_alasan = dom(r).css_first("textarea#alasan")
    assert isian_alasan.text() == data["alasan"].strip() or not data["alasan"].strip()
    assert db.session.scalars(select(PerpanjanganTenggat)).all() == []


def test_granting_again_replaces_the_date_and_the_audit_keeps_both(
        dunia, buat_klien, tahun_2026, hari):
    op = masuk(buat_klien, "operator")
    assert _perpanjang(op, dunia.guru.id, "pengajuan_skp", "2026-01-25", "Sakit").status_code \
        == 303
    assert _perpanjang(op, dunia.guru.id, "pengajuan_skp", "2026-02-02",
                       "Sakit berlanjut").status_code == 303
    (p,) = db.session.scalars(select(PerpanjanganTenggat)).all()
    assert (p.sampai, p.alasan) == (date(2026, 2, 2), "Sakit berlanjut")
    audit = db.session.scalars(select(Audit).where(Audit.aksi == "tenggat_diperpanjang")
                               .order_by(Audit.id)).all()
    assert [(a.dari, a.ke) for a in audit] == [(None, "2026-01-25"), ("2026-01-25", "2026-02-02")]
    assert audit[1].data["sebelumnya"] == {"sampai": "2026-01-25", "alasan": "Sakit"}
    db.session.rollback()


def test_2025_enforces_no_deadline(dunia, buat_klien, hari):
    """The 2025 cycle of the demo keeps working whatever the date: no stage is enforced, and
    the extension form says there is nothing to extend."""
    hari.ke(date(2025, 11, 30))
    k, skp_id = _draf(buat_klien, "guru")
    r = k.get(f"/perencanaan/{skp_id}/langkah/5")
    assert dom(r).css_first("p[data-tenggat]") is None
    assert ajukan(k, skp_id).status_code == 303
    op = masuk(buat_klien, "operator")
    r = op.get(f"/dinas/pegawai/{dunia.guru.id}")
    assert "Tahun 2025 tidak menegakkan tenggat" in teks(r)
    assert dom(r).css_first('form[action$="/perpanjangan"]') is None
    r = _perpanjang(op, dunia.guru.id, "pengajuan_skp", "2025-02-10")
    assert r.status_code == 422
    assert db.session.scalars(select(PerpanjanganTenggat)).all() == []
