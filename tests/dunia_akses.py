"""The world of the access-control matrix and the attack tests (issue 8, points 1 and 2).

The demo Dinas (every planning, implementation, assessment and print state has people in
it) and a second Dinas ("Kota Lain") with a school, a principal, a teacher whose plan is
agreed and whose predikat is set, and its own staff. Every kind of object a URL names
exists twice: once in the demo Dinas ("A") and once in the other Dinas ("B").

Built once per test module (demo data takes seconds): `bangun(app)` fills the database,
`masuk_semua(app)` signs in every role once, and each request then runs on a fresh test
client carrying that role's session cookie, so no request changes another's session.
"""

import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import dunia_sekali
from bantu import nilai
from bantu_sinkro import id_tugas, tunggu_ekspor
from conftest import tanpa_konteks
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from kinerja_web import demo, waktu
from kinerja_web.alur import prarencana as alur_pra
from kinerja_web.aset import aset_url
from kinerja_web.extensions import db, limiter
from kinerja_web.models import (
    Akun,
    Dinas,
    Ekspor,
    ImporBerkas,
    LogSinkro,
    Pegawai,
    Penugasan,
    PeriodeEkinerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
    TugasEkspor,
)
from kinerja_web.models.cetak import Cetakan, CetakBatch
from kinerja_web.models.penilaian import Penetapan, Pengiriman, Penilaian, PkoSekolah
from kinerja_web.models.skp import Skp
from kinerja_web.pengingat import token_berhenti

COOKIE = "kinerja_sesi"
# The SKP objects of the world (see `bangun`).
SKP_SEMUA = ("skp_guru", "skp_ks", "skp_plt", "skp_sek_lain", "skp_diajukan", "skp_dinas_lain")

# Role → demo username. The first Dinas is the demo's (Kabupaten Kebumen); "…_lain" are
# the staff of the other Dinas.
PERAN = {
    "anonim": None,
    "guru": "guru23",          # SMP NEGERI 1 KEBUMEN: plan agreed, predikat set
    "guru_lain": "guru52",     # SD NEGERI 3 WONOSARI: another school of the same Dinas
    "kepsek": "kepsek3",       # principal of guru23's school; his own plan rated by Tim Kerja
    "plt": "plt1",             # Plt. of SMP NEGERI 2 KARANGGAYAM, also a teacher there
    "kepsek_lain": "kepsek5",  # principal of SD NEGERI 3 WONOSARI
    "tim": "timkerja1",        # Tim Kerja; kepsek3 is plotted to him
    "kadis": "kadis",
    "operator": "operator",
    "kadis_lain": "kadis_lain",
    "operator_lain": "operator_lain",
}

LOGO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _skp(username, posisi=None):
    q = (select(Skp).join(Akun, Akun.pegawai_id == Skp.pegawai_id)
         .where(Akun.username == username))
    if posisi:
        q = q.where(Skp.posisi == posisi)
    return db.session.scalars(q).one()


def _akun(username):
    from kinerja_web.peran import muat_peran

    a = db.session.scalar(select(Akun).where(Akun.username == username))
    a.peran = muat_peran(a.pegawai)
    return a


def _rencana(username, atasan=None, sampai="disepakati"):
    """A teacher's plan walked through the real transitions up to `sampai`."""
    # Planned in January, as the running year's calendar requires.
    with waktu.pada(date(demo.TAHUN_INI, 1, 15)):
        return _rencana_januari(username, atasan, sampai)


def _rencana_januari(username, atasan, sampai):
    from kinerja_web.alur import skp as alur_skp

    akun = _akun(username)
    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == demo.TAHUN_INI))
    skp = alur_skp.buat(akun.pegawai, "guru", tahun, akun)
    atr = alur_skp.aturan_skp(skp)
    kat = skp.katalog_posisi
    alur_skp.simpan_pilihan(skp, akun, {
        "tugas_tambahan": False, "nama_tugas_tambahan": None,
        "praktik_kode": atr.pilihan_praktik(kat)[0].kode,
        "kompetensi_kode": list(atr.kompetensi(kat).kode)[0],
        "aspek_fokus": list(atr.perilaku.kode)[:2]})
    alur_skp.ajukan(skp, akun)
    if sampai == "diajukan":
        return skp
    alur_skp.setujui(skp, _akun(atasan))
    alur_skp.sepakati(skp, akun)
    return skp


def _dinas_lain(sandi_hash):
    """The second Dinas: school, principal, teacher (agreed plan, predikat set), staff."""
    d = Dinas(nama="Dinas Pendidikan Kota Lain", tingkat="kota", wilayah="Kota Lain",
              kota_ttd="Kota Lain")
    db.session.add(d)
    db.session.flush()
    tahun = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == demo.TAHUN_INI))
    db.session.add(TahunDinas(dinas_id=d.id, tahun_id=tahun.id, status=StatusTahun.BERJALAN))
    s = Sekolah(npsn="20999901", nama="SD NEGERI 9 KOTA LAIN", jenjang="sd", status="negeri",
                dinas_id=d.id, unor_id="UNOR-LAIN-1", unor_nama="SD NEGERI 9 KOTA LAIN")
    db.session.add(s)
    db.session.flush()
    orang = {}
    for i, (username, jabatan, sekolah, peran) in enumerate((
            ("kadis_lain", "Kepala Dinas", None, "kepala_dinas"),
            ("operator_lain", "Pelaksana", None, "operator_dinas"),
            ("kepsek_b", "Guru Ahli Madya", s, "kepala_sekolah"),
            ("guru_b", "Guru Ahli Pertama", s, None))):
        p = Pegawai(nip=f"1980010{i + 1}2005011{i + 1:03d}", nama=f"Pegawai Lain {i + 1}",
                    status_kepegawaian="PNS", golongan="III/c", jabatan=jabatan,
                    jenis_kelamin="L", tanggal_lahir=date(1980, 1, i + 1),
                    sekolah_id=sekolah.id if sekolah else None, dinas_id=d.id)
        db.session.add(p)
        db.session.flush()
        db.session.add(Akun(username=username, pegawai_id=p.id, sandi_hash=sandi_hash,
                            harus_ganti_sandi=False))
        if peran:
            db.session.add(Penugasan(pegawai_id=p.id, peran=peran, dinas_id=d.id,
                                     sekolah_id=sekolah.id if sekolah else None,
                                     mulai=date(2024, 1, 1)))
        orang[username] = p
    db.session.flush()
    # Its pra-perencanaan is not complete (no UNOR list, no Tim Kerja): its Operator opens
    # planning for the school, as the gate allows.
    alur_pra.buka(_akun("operator_lain"), s, tahun,
                  "Data pra-perencanaan Dinas ini belum lengkap; guru tetap menyusun SKP.", True)
    skp = _rencana("guru_b", atasan="kepsek_b")
    tahun_id = skp.tahun_id
    kirim = Pengiriman(tahun_id=tahun_id, sekolah_id=s.id, dinas_id=d.id,
                       oleh=orang["kepsek_b"].id, jumlah=1)
    db.session.add(kirim)
    db.session.add(PkoSekolah(tahun_id=tahun_id, sekolah_id=s.id, pko="baik",
                              alasan="Rapor Pendidikan baik.", oleh=orang["kadis_lain"].id))
    tetap = Penetapan(tahun_id=tahun_id, dinas_id=d.id, sekolah_id=s.id, pko="baik",
                      jumlah={"baik": 1}, pelanggaran=[], oleh=orang["kepsek_b"].id)
    db.session.add(tetap)
    db.session.flush()
    db.session.add(Penilaian(skp_id=skp.id, versi=3, rating_hasil="sesuai",
                             rating_perilaku="sesuai", perilaku={}, umpan_balik_perilaku={},
                             predikat_usulan="baik", lengkap=True, pengiriman_id=kirim.id,
                             predikat="baik", penetapan_id=tetap.id))
    db.session.add(PeriodeEkinerja(dinas_id=d.id, nama="TAHUN 2026", tahun=2026,
                                   mulai=date(2026, 1, 1), selesai=date(2026, 12, 31),
                                   batas=date(2027, 1, 31), tipe_periodik="Tahunan",
                                   angka_periodik=1))
    return d, s, skp


@dataclass
class Sesi:
    """One signed-in browser: its session cookie and the CSRF token of its pages."""

    peran: str
    cookie: str | None
    token: str

    def minta(self, app, method, url, data=None, headers=None, csrf=True, **kw):
        c = app.test_client()
        if self.cookie:
            c.set_cookie(COOKIE, self.cookie)
        if method == "POST":
            data = dict(data or {})
            if csrf:
                data.setdefault("csrf_token", self.token)
        limiter.reset()  # the matrix asks /verifikasi and /masuk far more than 30 times
        with tanpa_konteks():
            return c.open(url, method=method, data=data, headers=headers, **kw)


def _token(r):
    token = nilai(r, "csrf_token")
    assert token, "tidak ada csrf_token di halaman"
    return token


def masuk(app, peran, username=None, sandi=demo.SANDI_DEMO):
    """Sign one role (or any demo username) in — for "anonim", only open the login page —
    and keep its cookie."""
    username = username or PERAN.get(peran)
    c = app.test_client()
    with tanpa_konteks():
        r = c.get("/masuk")
        if username is not None:
            r = c.post("/masuk", data={"identitas": username, "sandi": sandi,
                                       "csrf_token": _token(r)})
            assert r.status_code == 303, (peran, r.status_code)
            r = c.get("/profil")
            assert r.status_code == 200, peran
    return Sesi(peran, c.get_cookie(COOKIE).value, _token(r))


def masuk_semua(app):
    return {p: masuk(app, p) for p in PERAN}


def bangun(app, folder):
    """Fill the (empty) database with the world; returns the ids every URL needs."""
    with app.app_context():
        demo.buat(app)
        sandi = generate_password_hash(demo.SANDI_DEMO, method=app.config["SANDI_METODE"])
        d_a = db.session.scalar(select(Dinas).where(Dinas.nama.like("%Kebumen")))
        d_a.logo, d_a.logo_mime = LOGO_PNG, "image/png"
        skp_diajukan = _rencana("guru34", sampai="diajukan")
        d_b, s_b, skp_b = _dinas_lain(sandi)
        db.session.commit()
        o = SimpleNamespace(dinas_a=d_a.id, dinas_b=d_b.id)
        o.skp = {
            "skp_guru": _skp("guru23").id,
            "skp_ks": _skp("kepsek3", "kepala_sekolah").id,
            "skp_plt": _skp("guru37").id,
            "skp_sek_lain": _skp("guru52").id,
            "skp_diajukan": skp_diajukan.id,
            "skp_dinas_lain": skp_b.id,
        }
        from kinerja_web.models.pelaksanaan import CatatanUpaya, Praktik

        o.upaya = {k: v for k, v in ((k, db.session.scalar(
            select(CatatanUpaya.id).join(Praktik, Praktik.id == CatatanUpaya.praktik_id)
            .where(Praktik.skp_id == skp_id).order_by(CatatanUpaya.id).limit(1)))
            for k, skp_id in o.skp.items()) if v}
        guru23 = db.session.get(Skp, o.skp["skp_guru"])
        o.pegawai = {"A": guru23.pegawai_id, "B": skp_b.pegawai_id}
        o.berhenti = {"A": token_berhenti(guru23.pegawai_id)}
        o.sekolah = {"A": guru23.sekolah_id, "B": s_b.id}
        o.penilaian = {k: db.session.scalar(select(Penilaian.id).where(Penilaian.skp_id == v))
                       for k, v in (("A", o.skp["skp_guru"]), ("B", skp_b.id))}
        o.penetapan = {k: db.session.scalar(select(Penilaian.penetapan_id)
                                            .where(Penilaian.id == v))
                       for k, v in o.penilaian.items()}
        o.periode = {k: db.session.scalar(select(PeriodeEkinerja.id).where(
            PeriodeEkinerja.dinas_id == d).order_by(PeriodeEkinerja.id))
            for k, d in (("A", d_a.id), ("B", d_b.id))}
        akun = {k: db.session.scalar(select(Akun.id).where(Akun.username == u))
                for k, u in (("A", "operator"), ("B", "operator_lain"))}
        o.batch = {}
        for k, d, skp_id in (("A", d_a.id, o.skp["skp_guru"]), ("B", d_b.id, skp_b.id)):
            berkas = folder / f"cetak-{k}.pdf"
            berkas.write_bytes(b"%PDF-1.4\n% uji\n")
            b = CetakBatch(akun_id=akun[k], dinas_id=d, jenis="skp", format="pdf",
                           lingkup="Uji", daftar=[skp_id], status="selesai",
                           chunk_selesai=1, berkas=str(berkas))
            db.session.add(b)
            db.session.flush()
            o.batch[k] = b.id
        db.session.commit()

    sesi = {p: masuk(app, p) for p in ("guru", "operator", "kadis_lain", "operator_lain")}
    # Through the real pages: a printed document (verification code), a roster upload, a
    # reference-list upload and an export with its log rows, in each Dinas.
    for pencetak, skp_id in (("guru", o.skp["skp_guru"]),
                             ("kadis_lain", o.skp["skp_dinas_lain"])):
        r = sesi[pencetak].minta(app, "POST", f"/cetak/skp/{skp_id}")
        assert r.status_code == 200 and r.mimetype == "application/pdf", r.status_code
    for op in ("operator", "operator_lain"):
        s = sesi[op]
        templat = s.minta(app, "GET", "/impor/templat-sekolah.csv").data
        r = s.minta(app, "POST", "/impor", data={"berkas": (io.BytesIO(templat), "s.csv")})
        assert r.status_code == 303, r.status_code
        templat = s.minta(app, "GET", "/sinkro/referensi/templat-unor.csv").data
        r = s.minta(app, "POST", "/sinkro/referensi/unor",
                    data={"unor-berkas": (io.BytesIO(templat), "u.csv")})
        assert r.status_code == 303, r.status_code
        r = s.minta(app, "POST", "/sinkro/ekspor", data={"jenis": "perencanaan"})
        with app.app_context():  # the export runs in the background: wait for it
            assert tunggu_ekspor(id_tugas(r)).status == "selesai"
            db.session.remove()
    with app.app_context():
        o.cetakan = {k: db.session.scalar(select(Cetakan.kode).where(Cetakan.skp_id == v))
                     for k, v in (("A", o.skp["skp_guru"]), ("B", o.skp["skp_dinas_lain"]))}
        o.impor, o.referensi, o.ekspor, o.log, o.tugas = {}, {}, {}, {}, {}
        for k, d in (("A", o.dinas_a), ("B", o.dinas_b)):
            for jenis, kumpulan in (("roster", o.impor), ("unor", o.referensi)):
                imp = db.session.scalars(select(ImporBerkas).where(
                    ImporBerkas.dinas_id == d, ImporBerkas.jenis == jenis)).one()
                imp.status = "dibatalkan"  # a POST to it answers without heavy work
                kumpulan[k] = imp.id
            o.ekspor[k] = db.session.scalar(select(Ekspor.id).where(Ekspor.dinas_id == d))
            o.tugas[k] = db.session.scalar(select(TugasEkspor.id).where(
                TugasEkspor.dinas_id == d))
            o.log[k] = db.session.scalar(select(LogSinkro.id).where(LogSinkro.dinas_id == d)
                                         .order_by(LogSinkro.id))
            assert o.log[k] and o.cetakan[k]
        db.session.commit()
    return o


def bersihkan(app):
    """Empty every table again (as the `app` fixture does after each test)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()


@contextmanager
def tanpa_commit():
    """POSTs of the matrix leave the world as built: a commit only flushes, and the
    request's transaction is rolled back when it ends (the status is all that is asked)."""
    asli = Session.commit
    Session.commit = lambda self: self.flush()
    try:
        yield
    finally:
        Session.commit = asli


DML = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def catat_tulisan(app):
    """The INSERT/UPDATE/DELETE statements sent while the block runs."""
    with app.app_context():
        engine = db.engine
    tulisan = []

    def catat(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(DML):
            tulisan.append(statement.split("\n")[0][:120])

    event.listen(engine, "before_cursor_execute", catat)
    try:
        yield tulisan
    finally:
        event.remove(engine, "before_cursor_execute", catat)


def dunia_modul(app, tmp_path_factory):
    """The world for one test module: built, every role signed in, cleaned up afterwards."""
    with app.app_context():  # built once per worker and database, then restored
        o = dunia_sekali.sekali(app, "akses",
                                lambda: bangun(app, tmp_path_factory.mktemp("cetak")))
    with app.test_request_context():
        o.css = aset_url("css/app.css")
    o.sesi = masuk_semua(app)
    yield o
    bersihkan(app)
