"""A batch print holds no write lock while its documents render or merge.

Found by `bench/beban.py` on SQLite: teachers' autosaves answered 500 "database is locked"
while a Dinas batch print ran, because the job re-read its row (BEGIN IMMEDIATE outside a
request) just before waiting seconds for a chunk to render and before merging the PDF.
Here the render and the merge wait until another connection has written and committed.
"""

import threading

import pytest
from sqlalchemy import select, text, update

from kinerja_web import jobs
from kinerja_web.extensions import db
from kinerja_web.models import Akun, CetakBatch, Penilaian, Skp


class _Tertahan:
    """A render result that waits (at most 30 s) until the test has tried its write."""

    def __init__(self, uji, fn, args):
        self.uji, self.fn, self.args = uji, fn, args

    def result(self):
        self.uji.tunggu_tulis("render")
        return self.fn(*self.args)


class _Uji:
    def __init__(self, app):
        self.app = app
        self.tulis = {}
        self.siap = threading.Event()
        self.lanjut = threading.Event()
        self.tahap = None

    def submit(self, fn, *args):  # the render pool
        return _Tertahan(self, fn, args)

    def tunggu_tulis(self, tahap):
        """Called by the job's thread: let the test write now, then go on."""
        if tahap in self.tulis:
            return
        self.tahap = tahap
        self.lanjut.clear()
        self.siap.set()
        assert self.lanjut.wait(30), "tes tidak melanjutkan"

    def coba_tulis(self, akun_id):
        """From the test's thread: one short write transaction on another connection."""
        assert self.siap.wait(60), "pekerjaan cetak tidak sampai ke tahap ini"
        self.siap.clear()
        try:
            with db.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                mentah = conn.connection.dbapi_connection
                if sqlite:  # wait half a second for the lock, not the app's ten
                    mentah.execute("PRAGMA busy_timeout=500")
                try:
                    with conn.begin():
                        if not sqlite:
                            conn.exec_driver_sql("SET LOCAL lock_timeout = '500ms'")
                        conn.execute(update(Akun).where(Akun.id == akun_id)
                                     .values(gagal_masuk=Akun.gagal_masuk))
                finally:
                    if sqlite:
                        mentah.execute("PRAGMA busy_timeout=10000")
            self.tulis[self.tahap] = "bisa"
        except Exception as e:  # noqa: BLE001  (what the user would get: a 500)
            self.tulis[self.tahap] = f"{type(e).__name__}: {e}"[:200]
        finally:
            self.lanjut.set()


@pytest.fixture
def berkas_sementara():
    """Batch files live in the database (simpanan): nothing to redirect."""


def test_cetak_batch_tidak_mengunci_tulis_saat_merender_dan_menggabung(app, demo, monkeypatch,
                                                                      berkas_sementara):
    kadis = db.session.scalar(select(Akun).where(Akun.username == "kadis"))
    ids = sorted(db.session.scalars(select(Skp.id).join(Penilaian, Penilaian.skp_id == Skp.id)
                                    .where(Penilaian.penetapan_id.is_not(None))))[:2]
    assert len(ids) == 2
    b = CetakBatch(akun_id=kadis.id, dinas_id=kadis.pegawai.dinas_id, jenis="dokumen_evaluasi",
                   format="pdf", daftar=ids, ukuran_chunk=1, lingkup="uji kunci")
    db.session.add(b)
    db.session.commit()
    batch_id, akun_id = b.id, kadis.id
    db.session.remove()  # the test's own session holds nothing

    uji = _Uji(app)
    monkeypatch.setattr(jobs, "pool_render", lambda: uji)
    gabungkan = jobs.gabungkan

    def gabungkan_tertahan(batch, *args):
        uji.tunggu_tulis("gabung")
        return gabungkan(batch, *args)

    monkeypatch.setattr(jobs, "gabungkan", gabungkan_tertahan)
    hasil = {}

    def kerja():
        with app.app_context():
            try:
                hasil["ok"] = jobs.jalankan(batch_id)
            finally:
                db.session.remove()

    t = threading.Thread(target=kerja)
    t.start()
    try:
        uji.coba_tulis(akun_id)  # while the first chunk renders
        uji.coba_tulis(akun_id)  # while the chunks merge into one PDF
    finally:
        uji.lanjut.set()
        t.join(120)
    assert not t.is_alive()
    assert uji.tulis == {"render": "bisa", "gabung": "bisa"}
    assert hasil["ok"] is True
    b = db.session.get(CetakBatch, batch_id)
    assert (b.status, b.chunk_selesai) == ("selesai", 2)
    assert jobs.isi_berkas(b)[:5] == b"%PDF-"
    assert db.session.scalar(text("SELECT count(*) FROM cetakan WHERE batch_id = :b"),
                             {"b": batch_id}) == 2
