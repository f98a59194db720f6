"""Helpers shared by test_cetak.py and
test_berkas_jahat.py, test_dokumen_resmi.py: a helper module, no tests here."""

import io
import re
from datetime import UTC
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from bantu import tunggu_selesai
from conftest import polos
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from sqlalchemy import func, select

from kinerja_web import jobs
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Akun, Dinas, Sekolah
from kinerja_web.models.cetak import CetakBatch
from kinerja_web.models.penilaian import Penilaian
from kinerja_web.models.skp import Skp

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")


PERILAKU = ("Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal", "Adaptif",
            "Kolaboratif")


SMP1 = "20301201"  # SMP NEGERI 1 KEBUMEN: predikat set for guru23…guru33 and kepsek3


SMP2 = "20301202"  # SMP NEGERI 2 KARANGGAYAM: predikat set for guru37…guru42


def halaman(data):
    """The text of each page as pypdf extracts it."""
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def rata(teks):
    """Whitespace collapsed (lines joined), soft-hyphenated line ends rejoined."""
    teks = teks.replace("\u2010\n", "").replace("\u00ad\n", "")
    return " ".join(teks.split())


def teks_pdf(data):
    return rata("\n".join(halaman(data)))


def urutan(teks, label):
    """Each label occurs, in this order (where a cell wraps its text does not matter)."""
    teks = tanpa_spasi(teks)
    pos = 0
    for lb in label:
        lb = tanpa_spasi(lb)
        i = teks.find(lb, pos)
        assert i >= 0, f"label {lb!r} tidak ada setelah …{teks[max(0, pos - 60):pos]!r}"
        pos = i + len(lb)


def tanpa_spasi(s):
    return re.sub(r"\s+", "", s)


def tanggal_id(nilai):
    """'26 November 2026' for a stored naive-UTC timestamp, in Asia/Jakarta."""
    if hasattr(nilai, "hour"):
        nilai = nilai.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Jakarta")).date()
    return f"{nilai.day} {BULAN[nilai.month - 1]} {nilai.year}"


def segar():
    """End the test's transaction and forget cached rows (requests wrote since). On SQLite
    every transaction outside a GET takes the write lock: never hold one across a request."""
    db.session.rollback()


def baca(fungsi):
    """Run a read in its own lock-free transaction and end it; plain values out."""
    def dibungkus(*args, **kw):
        segar()
        with baca_saja():
            return fungsi(*args, **kw)
    return dibungkus


def akun(username):
    return db.session.scalar(select(Akun).where(Akun.username == username))


def skp_orm(username):
    """The (first) SKP of a user in the newest year he has one, to change in the test
    (commit before any request)."""
    return db.session.scalar(select(Skp).where(Skp.pegawai_id == akun(username).pegawai_id)
                             .order_by(Skp.tahun_id.desc(), Skp.id))


@baca
def skp_dari(username):
    """The (first) SKP of a user as plain values, with its pegawai, usable after requests."""
    skp = skp_orm(username)
    return SimpleNamespace(**vars(polos(skp)), pegawai=polos(skp.pegawai))


@baca
def pegawai_dari(username):
    return polos(akun(username).pegawai)


@baca
def id_sekolah(npsn):
    return db.session.scalar(select(Sekolah.id).where(Sekolah.npsn == npsn))


def cetak(k, jenis, skp_id, **kw):
    return k.post(f"/cetak/{jenis}/{skp_id}", **kw)


@baca
def jumlah(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def xobject_gambar(data):
    """Image XObjects of the first page (the logo is the only raster image)."""
    halaman0 = PdfReader(io.BytesIO(data)).pages[0]
    xo = halaman0.get("/Resources", {}).get("/XObject", {})
    gambar = []

    def jelajah(kamus):
        for v in kamus.values():
            v = v.get_object()
            if v.get("/Subtype") == "/Image":
                gambar.append(v)
            elif v.get("/Subtype") == "/Form":
                jelajah(v.get("/Resources", {}).get("/XObject", {}))

    jelajah(xo)
    return gambar


def png(ukuran=(40, 40), teks=None):
    info = None
    if teks:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", teks)
    out = io.BytesIO()
    Image.new("RGB", ukuran, (10, 80, 160)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def unggah(k, isi, nama, **lain):
    return k.post("/dinas/pengaturan/logo", {"logo": (io.BytesIO(isi), nama), **lain},
                  content_type="multipart/form-data")


@baca
def logo_dinas():
    """(logo, MIME) of the demo Dinas."""
    return tuple(db.session.execute(select(Dinas.logo, Dinas.logo_mime).where(
        Dinas.nama == "Dinas Pendidikan Kabupaten Kebumen")).one())


def _polos_batch(b):
    if b is None:
        return None
    return SimpleNamespace(**vars(polos(b)), total=b.total, jumlah_chunk=b.jumlah_chunk)


@baca
def batch_terakhir():
    return _polos_batch(db.session.scalar(select(CetakBatch).order_by(CetakBatch.id.desc())))


@pytest.fixture
def tanpa_pekerja(monkeypatch):
    """Jobs stay queued: the test runs them itself (jobs.jalankan)."""
    antre = []
    monkeypatch.setattr(jobs, "antrikan", lambda app, batch_id: antre.append(batch_id))
    return antre


@baca
def semua(stmt):
    return [polos(x) if hasattr(x, "__mapper__") else x for x in db.session.scalars(stmt)]


@baca
def batch(batch_id):
    return _polos_batch(db.session.get(CetakBatch, batch_id))


def tunggu(batch_id, batas=240):
    """Poll the database until the job has ended (bounded; no lock held between polls)."""
    return tunggu_selesai(lambda: batch(batch_id), f"cetak batch {batch_id}", batas)


@baca
def tahun_demo():
    """The id of the demo's running year (2026; 2025 is closed), as a subquery."""
    from kinerja_web.demo import TAHUN_INI
    from kinerja_web.models import TahunKinerja

    return select(TahunKinerja.id).where(TahunKinerja.tahun == TAHUN_INI).scalar_subquery()


def yang_berpredikat(*npsn):
    """SKP ids of the demo's running year with a predikat set, optionally of these
    schools."""
    q = (select(Skp.id).join(Penilaian, Penilaian.skp_id == Skp.id)
         .where(Penilaian.penetapan_id.is_not(None), Skp.tahun_id == tahun_demo()))
    if npsn:
        q = q.join(Sekolah, Sekolah.id == Skp.sekolah_id).where(Sekolah.npsn.in_(npsn))
    return set(db.session.scalars(q))
