"""Shared by the fuzz tests (test_fuzz_formulir.py, test_fuzz_stateful.py).

- `dunia_fuzz`: the demo Dinas (every SKP state has people in it) plus a second Dinas with
  its own school, principal, teachers and staff, built once per database and restored
  from a snapshot for each test function;
- `dunia_sekali.Cermin`: a snapshot of every table, which tables differ from it now, and a
  restore of just the rows that differ (cheap: an example that wrote nothing costs
  nothing);
- `PelacakTulis`: which tables had writes committed (engine events), so only those are
  compared with the snapshot after an example;
- hostile input as Hypothesis strategies.
"""

import io
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import dunia_sekali
import pytest
from bantu import nilai
from conftest import tanpa_konteks
from hypothesis import strategies as st
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.security import generate_password_hash
from werkzeug.test import encode_multipart

from kinerja_web import demo, jobs, pdf, waktu
from kinerja_web.alur import prarencana as alur_pra
from kinerja_web.extensions import db, limiter
from kinerja_web.models import (
    Akun,
    Dinas,
    Pegawai,
    Penugasan,
    Sekolah,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.sinkro import tugas

SANDI = demo.SANDI_DEMO
LAIN = ("kadis_lain", "operator_lain", "kepsek_lain", "guru_lain", "guru_lain2")
_DML = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
PDF_PALSU = b"%PDF-1.4\n% fuzz: rendering is tested in test_cetak.py\n%%EOF\n"


# ------------------------------------------------------------------ the world

@dataclass
class Dunia:
    """Plain ids of the world (valid for every example: the state is restored)."""

    akun: dict = field(default_factory=dict)  # username -> akun id
    pegawai: dict = field(default_factory=dict)  # username -> pegawai id
    nama: dict = field(default_factory=dict)  # pegawai id -> nama
    nip: dict = field(default_factory=dict)  # pegawai id -> nip
    skp: dict = field(default_factory=dict)  # (username, posisi) -> skp id
    sekolah: dict = field(default_factory=dict)  # nama -> id
    dinas: int = 0
    dinas_lain: int = 0

    def skp_id(self, username, posisi="guru"):
        return self.skp[(username, posisi)]


def _bangun_dinas_lain(app, tahun):
    """A second Dinas: a school with a principal and two teachers (one with an agreed
    plan), an operator and a Kepala Dinas. Nobody of the demo may see any of it."""
    from kinerja_web.peran import muat_peran

    d = Dinas(nama="Dinas Pendidikan Kota Seberang", tingkat="kota", wilayah="Kota Seberang",
              kota_ttd="Seberang")
    db.session.add(d)
    db.session.flush()
    db.session.add(TahunDinas(dinas_id=d.id, tahun_id=tahun.id, status=StatusTahun.BERJALAN))
    s = Sekolah(npsn="60709901", nama="SD NEGERI 9 SEBERANG", jenjang="sd", status="negeri",
                dinas_id=d.id, unor_id="UNOR-60709901", unor_nama="SD NEGERI 9 SEBERANG")
    db.session.add(s)
    db.session.flush()
    sandi = generate_password_hash(SANDI, method=app.config["SANDI_METODE"])
    orang = {}
    for i, (username, nama, sekolah, jabatan, golongan, peran) in enumerate((
            ("kadis_lain", "Zulkarnaen Seberang, M.Pd.", None, "Kepala Dinas", "IV/c",
             "kepala_dinas"),
            ("operator_lain", "Yohana Seberang", None, "Pelaksana", "III/b", "operator_dinas"),
            ("kepsek_lain", "Xaverius Seberang, S.Pd.", s, "Guru Ahli Madya", "IV/a",
             "kepala_sekolah"),
            ("guru_lain", "Wilhelmina Seberang, S.Pd.", s, "Guru Ahli Pertama", "III/a", None),
            ("guru_lain2", "Valentino Seberang, S.Pd.", s, "Guru Ahli Muda", "III/c", None))):
        p = Pegawai(nip=f"19800101200501{1 + i % 2}{901 + i:03d}", nama=nama,
                    status_kepegawaian="PNS", golongan=golongan, jabatan=jabatan,
                    jenis_kelamin="L" if i % 2 == 0 else "P", tanggal_lahir=date(1980, 1, 1),
                    sekolah_id=sekolah.id if sekolah else None, dinas_id=d.id)
        db.session.add(p)
        db.session.flush()
        db.session.add(Akun(username=username, pegawai_id=p.id, sandi_hash=sandi,
                            harus_ganti_sandi=False))
        if peran:
            db.session.add(Penugasan(pegawai_id=p.id, peran=peran, dinas_id=d.id,
                                     sekolah_id=s.id if peran == "kepala_sekolah" else None,
                                     mulai=demo.MULAI))
        orang[username] = p
    db.session.flush()

    def akun(username):
        a = db.session.scalar(select(Akun).where(Akun.username == username))
        a.peran = muat_peran(a.pegawai, demo.MULAI)
        return a

    # Its pra-perencanaan is incomplete (no UNOR list, no Tim Kerja): its Operator opens the
    # school, and plans are made in January, as the year's calendar requires.
    alur_pra.buka(akun("operator_lain"), s, tahun,
                  "Data pra-perencanaan Dinas ini belum lengkap; guru tetap menyusun SKP.", True)
    with waktu.pada(date(tahun.tahun, 1, 15)):
        _rencana_lain(tahun, akun)
    db.session.flush()


def _rencana_lain(tahun, akun):
    from kinerja_web.alur import skp as alur_skp

    for username, posisi in (("kepsek_lain", "kepala_sekolah"), ("guru_lain", "guru")):
        a = akun(username)
        skp = alur_skp.buat(a.pegawai, posisi, tahun, a)
        atr = alur_skp.aturan_skp(skp)
        kat = skp.katalog_posisi
        alur_skp.simpan_pilihan(skp, a, {
            "tugas_tambahan": False,
            "praktik_kode": atr.pilihan_praktik(kat)[0].kode,
            "kompetensi_kode": list(atr.kompetensi(kat).kode)[0],
            "aspek_fokus": list(atr.perilaku.kode)[:2]})
        alur_skp.ajukan(skp, a)
        atasan = akun("kadis_lain" if posisi != "guru" else "kepsek_lain")
        alur_skp.setujui(skp, atasan)
        alur_skp.sepakati(skp, a)


def _baca_dunia():
    w = Dunia()
    for username, pid, akun_id in db.session.execute(
            select(Akun.username, Akun.pegawai_id, Akun.id)):
        w.akun[username] = akun_id
        w.pegawai[username] = pid
    for pid, nama, nip in db.session.execute(select(Pegawai.id, Pegawai.nama, Pegawai.nip)):
        w.nama[pid] = nama
        w.nip[pid] = nip
    per_pegawai = {v: k for k, v in w.pegawai.items()}
    # The running year's plans (the demo's closed 2025 has plans of a few people too).
    for sid, pid, posisi in db.session.execute(
            select(Skp.id, Skp.pegawai_id, Skp.posisi).join(TahunKinerja)
            .where(TahunKinerja.tahun == demo.TAHUN_INI, Skp.ditutup.is_(None))):
        w.skp[(per_pegawai[pid], posisi)] = sid
    w.sekolah = dict(db.session.execute(select(Sekolah.nama, Sekolah.id)).all())
    w.dinas = db.session.scalar(select(Dinas.id).where(Dinas.nama.like("%Kebumen")))
    w.dinas_lain = db.session.scalar(select(Dinas.id).where(Dinas.nama.like("%Seberang")))
    return w


def siapkan_dunia(app):
    """The demo plus the second Dinas in the (empty) database; its plain ids."""

    def bangun():
        demo.buat(app)
        tahun = db.session.scalar(select(TahunKinerja).where(
            TahunKinerja.tahun == demo.TAHUN_INI))
        _bangun_dinas_lain(app, tahun)
        db.session.commit()
        return _baca_dunia()

    return dunia_sekali.sekali(app, "fuzz", bangun)


_DO_UPDATE = re.compile(r"\bUPDATE\s+(\w+)", re.I)


class PelacakTulis:
    """The tables written by committed transactions since the last `ambil()`.

    Statements rolled back are forgotten; a savepoint rolled back is kept (an
    over-approximation: the snapshot comparison decides what really changed)."""

    def __init__(self, engine):
        self.engine = engine
        self.terbuka = {}  # connection -> {table: {"INSERT", "UPDATE", "DELETE"}}
        self.tercatat = {}
        event.listen(engine, "before_cursor_execute", self._eksekusi)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _eksekusi(self, conn, cursor, statement, parameters, context, executemany):
        m = _DML.match(statement)
        if m:
            op = m.group(1).split()[0].upper()
            self.terbuka.setdefault(id(conn), {}).setdefault(m.group(2).lower(), set()).add(op)
        elif statement.lstrip()[:3].upper() == "DO ":
            # A PL/pgSQL block (the data generation counter on PostgreSQL, simpanan._NAIK):
            # the tables it updates.
            for t in _DO_UPDATE.findall(statement):
                self.terbuka.setdefault(id(conn), {}).setdefault(t.lower(), set()).add("UPDATE")

    def _commit(self, conn):
        for t, ops in self.terbuka.pop(id(conn), {}).items():
            self.tercatat.setdefault(t, set()).update(ops)

    def _rollback(self, conn):
        self.terbuka.pop(id(conn), None)

    def ambil(self):
        out, self.tercatat = self.tercatat, {}
        return out

    def lepas(self):
        event.remove(self.engine, "before_cursor_execute", self._eksekusi)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)


# ------------------------------------------------------------------ a browser-like client

class Berkas(NamedTuple):
    """An uploaded file in a generated form (a fresh stream is made for every send)."""

    isi: bytes
    nama: str


class Peramban:
    """A test client that signs in like a person, keeps the page's CSRF token, sends any
    form (repeated fields, files) and can return to an earlier cookie state."""

    def __init__(self, app, username=None):
        self.app = app
        self.c = app.test_client()
        self.token = None
        self.username = username
        if username:
            self.get("/masuk")
            r = self.post("/masuk", MultiDict({"identitas": username, "sandi": SANDI}))
            assert r.status_code == 303, f"login {username}: {r.status_code}"
            self.get(r.headers["Location"])

    def get(self, url, **kw):
        with tanpa_konteks():
            r = self.c.get(url, **kw)
        token = nilai(r, "csrf_token") if r.mimetype == "text/html" else None
        if token:
            self.token = token
        return r

    def post(self, url, data=None, *, token=True, **kw):
        pasangan = data.items() if isinstance(data, dict) else (data or [])
        data = MultiDict([(n, FileStorage(io.BytesIO(v.isi), filename=v.nama)
                           if isinstance(v, Berkas) else v) for n, v in pasangan])
        if token is True and "csrf_token" not in data:
            if self.token is None:
                self.get("/masuk")
            data.add("csrf_token", self.token)
        if any(isinstance(v, FileStorage) for _, v in data.items(multi=True)):
            # Encoded here in memory: the client spools a body over 500 KB to a temporary
            # file it never closes (a ResourceWarning that is not the app's doing).
            batas, isi = encode_multipart(data)
            kw.update(data=isi, content_type=f'multipart/form-data; boundary="{batas}"')
        else:
            kw["data"] = data
        with tanpa_konteks():
            return self.c.post(url, **kw)

    def cookie(self):
        return dict(self.c._cookies)

    def kembalikan_cookie(self, simpanan):
        self.c._cookies.clear()
        self.c._cookies.update(simpanan)


# ------------------------------------------------------------------ the fixture

@dataclass
class Lingkungan:
    app: object
    dunia: Dunia
    cermin: dunia_sekali.Cermin | None
    pelacak: PelacakTulis
    html_cetak: list

    def peramban(self, username=None):
        return Peramban(self.app, username)

    def potret(self):
        """Take the snapshot the examples return to (after the test's own setup)."""
        db.session.remove()
        self.pelacak.ambil()
        self.cermin = dunia_sekali.Cermin()

    def periksa_dan_pulihkan(self):
        """{table: diff} of what the last example changed, then undo it."""
        ditulis = self.pelacak.ambil()
        beda = self.cermin.beda(ditulis) if ditulis else {}
        self.cermin.pulihkan(beda)
        # The restore's own writes put the snapshot back: the next example is not compared
        # on them (else every table restored once, the audit trail too, would be read
        # whole after every later example). `pastikan_utuh` still compares every table.
        self.pelacak.ambil()
        limiter.reset()
        return beda

    def pastikan_utuh(self):
        """After the examples: every table (not only the tracked ones) as in the snapshot."""
        sisa = self.cermin.beda()
        assert not sisa, f"tabel tidak kembali ke potret: {sorted(sisa)}"


@pytest.fixture
def dunia_fuzz(app, monkeypatch):
    """The world for fuzzing: demo + second Dinas, PDFs not rendered (the HTML they would
    print is kept for the scope checks), batch and export jobs not started."""
    with app.app_context():
        w = siapkan_dunia(app)
        db.session.remove()
    html = []

    def render_palsu(html_dokumen, logo=None, *a, **kw):
        html.extend(html_dokumen)
        return PDF_PALSU

    monkeypatch.setattr(pdf, "render", render_palsu)
    monkeypatch.setattr(jobs, "antrikan", lambda app, batch_id: None)
    monkeypatch.setattr(tugas, "antrikan", lambda app, tugas_id: None)  # nor export jobs
    with app.app_context():
        engine = db.engine
    pelacak = PelacakTulis(engine)
    event.listen(engine, "connect", _tanpa_fsync)
    engine.dispose()  # pooled connections reopen with the setting above
    ctx = app.app_context()
    ctx.push()
    try:
        yield Lingkungan(app, w, None, pelacak, html)
    finally:
        db.session.remove()
        ctx.pop()
        pelacak.lepas()
        event.remove(engine, "connect", _tanpa_fsync)
        engine.dispose()


def _tanpa_fsync(dbapi_connection, _record):
    """Thousands of commits per test: no wait for the disk (durability is tested
    elsewhere; nothing here survives the test anyway)."""
    cur = dbapi_connection.cursor()
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur.execute("PRAGMA synchronous=OFF")
    else:
        cur.execute("SET synchronous_commit TO off")
        dbapi_connection.commit()
    cur.close()


# ------------------------------------------------------------------ hostile input

PAYLOAD = (
    "<script>alert('fuzz')</script>",
    '"><img src=x onerror=alert(1)>',
    "<a hx-get=\"/keluar\" hx-trigger=\"load\">x</a>",
    "javascript:alert(1)",
    "\u202egnp.exe",  # RTL override
    "\u200b\u200d\ufeff",
    "\x00",
    "a\x00b",
    "\r\n\r\n",
    "Ali\x0bBaba",
    "a\x85b\u2028c\x1b[31m",
    "' OR 1=1 --",
    "'; DROP TABLE skp; --",
    "{{ 7*7 }}",
    "%s%s%n",
    "../../../../etc/passwd",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1-1",
    "\\",
    "%",
    "_",
    "😀" * 3,
    "ا\u0644\u0639\u0631\u0628\u064a\u0629",
    "NULL",
    "None",
    "true",
    "[]",
    "{}",
)
# Every C0 and C1 control, DEL, the Unicode line/paragraph separators and the bidi and
# zero-width marks. Lone surrogates are not here: a form body is UTF-8 and the parser turns
# their bytes (ED A0 80) into U+FFFD (test_nilai_buruk sends those bytes itself).
KENDALI = "".join(map(chr, (*range(0x20), *range(0x7f, 0xa0)))) + \
    "\u2028\u2029\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HURUF_PANJANG = ("A", "é", "\u202e", "界", "\x00", "<", "9", " ", "\n", "😀", "\x0b", "\x85",
                  "\x1f")
# One past every text column's length (read from the models), and some bigger.
_PANJANG = tuple(sorted({c.type.length + 1 for t in db.metadata.tables.values()
                         for c in t.columns if getattr(c.type, "length", None)}
                        | {1001, 2001, 3001, 5001, 20_000, 100_000}))

teks_jahat = st.one_of(
    st.text(max_size=30),
    st.sampled_from(PAYLOAD),
    st.builds(lambda c, n: c * n, st.sampled_from(_HURUF_PANJANG), st.sampled_from(_PANJANG)),
    st.sampled_from(("", " ", "\t")),
    # Controls mixed into ordinary text ("Ali\x0bBaba", a NEL from a PDF, a pasted NUL).
    st.text(st.one_of(st.sampled_from(KENDALI), st.sampled_from("Aa é9 -")), min_size=1,
            max_size=30),
    # A plausible value with one control in it, long enough to pass "required" checks.
    st.sampled_from(KENDALI).map(lambda k: f"Nama Guru{k}Satu"),
)
angka_jahat = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(("0", "-1", "1e309", "NaN", "inf", "1.5", "²", "٣", "①", "0x1F", " 7 ",
                     "", "abc", "9" * 40, "1_000", "+3", "۹")),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
tanggal_jahat = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(("2025-02-30", "31-12-2025", "2025-13-01", "10000-01-01", "0000-00-00",
                     "2025-06-15", "15/06/2025", "", "2025-6-1", "١٩٩٠-٠١-٠١")),
)
jahat = st.one_of(teks_jahat, angka_jahat, tanggal_jahat)
NAMA_LIAR = ("role", "peran", "sekolah_id", "pegawai_id", "dinas_id", "is_admin", "status",
             "akun_id", "id", "versi", "csrf_token", "aksi", "posisi", "skp_id")


def campur(baik, buruk=jahat, peluang_baik=8):
    """Mostly a value the page would send, sometimes a hostile one (out of 10)."""
    return st.integers(0, 9).flatmap(lambda i: baik if i < peluang_baik else buruk)


def isian(bidang, liar=True):
    """A form as a list of (name, value): each field left out, sent once or repeated,
    plus unexpected extra fields. `bidang`: {name: strategy of one value}."""
    bagian = []
    for nama, strategi in bidang.items():
        bagian.append(st.one_of(
            st.just([]),
            strategi.map(lambda v, n=nama: [(n, v)]),
            strategi.map(lambda v, n=nama: [(n, v)]),
            strategi.map(lambda v, n=nama: [(n, v)]),
            strategi.map(lambda v, n=nama: [(n, v)]),
            st.lists(strategi, min_size=2, max_size=3).map(
                lambda vs, n=nama: [(n, v) for v in vs]),
        ))
    if liar:
        bagian.append(st.lists(st.tuples(
            st.one_of(st.sampled_from(NAMA_LIAR), st.text(min_size=1, max_size=12)),
            teks_jahat), max_size=3))
    return st.tuples(*bagian).map(lambda xs: [p for x in xs for p in x])
