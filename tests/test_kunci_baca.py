"""No request holds a write transaction while it reads, renders, builds a file or hashes.

Found by an outside tester on SQLite: downloads that wrote their audit row inside a GET
failed with "database is locked" under a teacher's autosaves (the GET's read snapshot
cannot become a write once someone else has committed), and a single print held the write
lock while WeasyPrint rendered (an autosave waited 9.6 s, a login 8.6 s).

Each test lets another connection make an autosave-like write in the middle of the slow
part of a request, without waiting for any lock (SQLite `busy_timeout=0`, PostgreSQL a
short `lock_timeout`): the write must go through, the request must answer normally, and
its audit row must be there. The audit write of a read is retried when the database is
locked (a real lock held by another connection), and never served without its row.
"""

import re
import sqlite3
from pathlib import Path

import psycopg
import pytest
from bantu import masuk_demo, nilai, teks_css
from bantu_sinkro import id_tugas, tunggu_ekspor
from sqlalchemy import event, func, select

from kinerja_web import alur, pdf
from kinerja_web.auth import sesi
from kinerja_web.demo import SANDI_DEMO
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Akun, Audit, Ekspor, Skp
from kinerja_web.models.cetak import Cetakan, CetakBatch
from kinerja_web.models.penilaian import Penilaian

# ------------------------------------------------------------------ helpers


def _url_mentah():
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return url.database
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PenulisLain:
    """Another client of the database (a teacher's autosave) that never waits for a lock."""

    def __init__(self):
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.url = _url_mentah()
        self.skp_id = db.session.scalar(select(func.min(Skp.id)))
        self.hasil = []

    def tulis(self):
        """One autosave-like UPDATE in a transaction of its own; records what happened."""
        try:
            if self.sqlite:
                conn = sqlite3.connect(self.url, timeout=0, isolation_level=None)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("UPDATE skp SET versi = versi + 1 WHERE id = ?", (self.skp_id,))
                    conn.execute("COMMIT")
                finally:
                    conn.close()
            else:
                with psycopg.connect(self.url) as conn:
                    conn.execute("SET lock_timeout = '200ms'")
                    conn.execute("UPDATE skp SET versi = versi + 1 WHERE id = %s", (self.skp_id,))
            self.hasil.append("bisa")
        except Exception as e:  # noqa: BLE001  (what the teacher would get: a 500)
            self.hasil.append(f"{type(e).__name__}: {e}")

    def sekali(self, fungsi):
        """`fungsi` wrapped: the first call writes from here first (the slow work)."""
        def dibungkus(*args, **kw):
            if not self.hasil:
                self.tulis()
            return fungsi(*args, **kw)
        return dibungkus

    def setelah_sql(self, pola):
        """Write once right after the request ran its first statement matching `pola`."""
        rx = re.compile(pola, re.I)

        def dengar(conn, cursor, statement, *args):
            if not self.hasil and rx.search(statement):
                self.tulis()

        event.listen(db.engine, "after_cursor_execute", dengar)
        return lambda: event.remove(db.engine, "after_cursor_execute", dengar)


@pytest.fixture
def penulis(demo):
    p = PenulisLain()
    db.session.rollback()  # the test holds no transaction across requests
    return p


def jumlah_audit(aksi):
    db.session.rollback()
    with baca_saja():
        return db.session.scalar(select(func.count()).select_from(Audit)
                                 .where(Audit.aksi == aksi))


def skp_berpredikat():
    with baca_saja():
        return db.session.scalar(select(Skp.id).join(Penilaian, Penilaian.skp_id == Skp.id)
                                 .where(Penilaian.penetapan_id.is_not(None))
                                 .order_by(Skp.id))


def batch_selesai(tmp_path):
    """A finished batch print of the Kepala Dinas with its file on disk."""
    kadis = db.session.scalar(select(Akun).where(Akun.username == "kadis"))
    berkas = tmp_path / "cetak-uji.pdf"
    berkas.write_bytes(b"%PDF-1.7\n% batch uji\n")
    b = CetakBatch(akun_id=kadis.id, dinas_id=kadis.pegawai.dinas_id, jenis="skp",
                   format="pdf", daftar=[1], ukuran_chunk=1, lingkup="uji",
                   status="selesai", chunk_selesai=1, berkas=str(berkas))
    db.session.add(b)
    db.session.commit()
    return b.id, berkas


def ekspor_ada():
    op = db.session.scalar(select(Akun).where(Akun.username == "operator"))
    e = Ekspor(dinas_id=op.pegawai.dinas_id, akun_id=op.id, jenis="perencanaan",
               lingkup="uji", pengirim="berkas", versi_format="1", sha256="0" * 64,
               manifes={"versi_format": "1"}, jsonl=b'{"nip": "1"}\n', xlsx=b"PK")
    db.session.add(e)
    db.session.commit()
    return e.id


# ------------------------------------------------------------------ reads write nothing held


def test_cetak_satu_dokumen_tidak_mengunci_saat_merender(app, penulis, buat_klien,
                                                          monkeypatch):
    skp_id = skp_berpredikat()
    k = masuk_demo(buat_klien, "kadis")
    monkeypatch.setattr(pdf, "render", penulis.sekali(pdf.render))
    r = k.post(f"/cetak/dokumen_evaluasi/{skp_id}")
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200 and r.data[:5] == b"%PDF-"
    assert jumlah_audit("cetak") == 1
    with baca_saja():
        c = db.session.scalar(select(Cetakan).where(Cetakan.skp_id == skp_id))
        a = db.session.scalar(select(Audit).where(Audit.aksi == "cetak"))
        assert (a.objek_tipe, a.objek_id, a.data["kode"]) == ("skp", skp_id, c.kode)
        assert a.akun_id == c.akun_id == db.session.scalar(
            select(Akun.id).where(Akun.username == "kadis"))


def test_unduh_cetak_batch_tidak_gagal_saat_orang_lain_menyimpan(app, penulis, buat_klien,
                                                                  monkeypatch, tmp_path):
    batch_id, berkas = batch_selesai(tmp_path)
    k = masuk_demo(buat_klien, "kadis")
    baca_asli = Path.read_bytes

    def baca_berkas(self):
        if self == berkas and not penulis.hasil:
            penulis.tulis()  # someone saves while the file is read
        return baca_asli(self)

    monkeypatch.setattr(Path, "read_bytes", baca_berkas)
    r = k.get(f"/cetak/batch/{batch_id}/unduh")
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200 and r.data == berkas.read_bytes()
    assert jumlah_audit("cetak_batch_diunduh") == 1


def test_unduh_berkas_ekspor_tidak_gagal_saat_orang_lain_menyimpan(app, penulis, buat_klien):
    ekspor_id = ekspor_ada()
    k = masuk_demo(buat_klien, "operator")
    lepas = penulis.setelah_sql(r"\bFROM ekspor_ekinerja\b")
    try:
        r = k.get(f"/sinkro/ekspor/{ekspor_id}/ekinerja.jsonl")
    finally:
        lepas()
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200 and r.data == b'{"nip": "1"}\n'
    assert jumlah_audit("ekspor_ekinerja_diunduh") == 1


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_unduh_rekap_tidak_gagal_saat_orang_lain_menyimpan(app, penulis, buat_klien, format):
    k = masuk_demo(buat_klien, "kadis")
    # The years are read with the signed-in user (the request's first statement, a join).
    lepas = penulis.setelah_sql(r"\btahun_kinerja\b")
    try:
        r = k.get(f"/dinas/rekap.{format}")
    finally:
        lepas()
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert jumlah_audit("ekspor_rekap") == 1


def test_unduh_sandi_awal_dibuat_tanpa_kunci_tulis(app, penulis, buat_klien, monkeypatch):
    from kinerja_web.impor import views as impor_views

    k = masuk_demo(buat_klien, "operator")
    k.get("/impor")
    monkeypatch.setattr(impor_views, "tulis_xlsx", penulis.sekali(impor_views.tulis_xlsx))
    r = k.post("/impor/sandi-awal.xlsx",
               {"isian": '[["198503142010011001", "Sri", "sri", "abcd-2345-efgh"]]'})
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert jumlah_audit("unduh_sandi_awal") == 1


def test_masuk_memeriksa_sandi_tanpa_kunci_tulis(app, penulis, buat_klien, monkeypatch):
    monkeypatch.setattr(sesi, "check_password_hash", penulis.sekali(sesi.check_password_hash))
    k = buat_klien()
    k.get("/masuk")
    r = k.post("/masuk", {"identitas": "guru1", "sandi": SANDI_DEMO})
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 303
    assert jumlah_audit("masuk") == 1


def test_masuk_gagal_tetap_dihitung(app, penulis, buat_klien, monkeypatch):
    monkeypatch.setattr(sesi, "check_password_hash", penulis.sekali(sesi.check_password_hash))
    k = buat_klien()
    k.get("/masuk")
    r = k.post("/masuk", {"identitas": "guru1", "sandi": "salah-sekali"})
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 422 and "Gagal masuk" in r.get_data(as_text=True)
    db.session.rollback()
    with baca_saja():
        assert db.session.scalar(select(Akun.gagal_masuk).where(Akun.username == "guru1")) == 1


def test_ganti_sandi_dan_atur_ulang_meng_hash_tanpa_kunci_tulis(app, penulis, buat_klien,
                                                                monkeypatch):
    k = masuk_demo(buat_klien, "guru1")
    monkeypatch.setattr(sesi, "generate_password_hash",
                        penulis.sekali(sesi.generate_password_hash))
    baru = "Sandi-baru-yang-panjang-42"
    r = k.post("/akun/sandi", {"sandi_lama": SANDI_DEMO, "sandi_baru": baru,
                               "ulangi": baru})
    assert penulis.hasil == ["bisa"], r.get_data(as_text=True)[:2000]
    assert r.status_code == 303
    assert jumlah_audit("ganti_sandi") == 1
    masuk_demo(buat_klien, "guru1", baru)

    penulis.hasil.clear()
    with baca_saja():
        pegawai_id = db.session.scalar(select(Akun.pegawai_id).where(Akun.username == "guru2"))
    op = masuk_demo(buat_klien, "operator")
    op.get(f"/dinas/pegawai/{pegawai_id}")
    r = op.post(f"/dinas/pegawai/{pegawai_id}/atur-ulang-sandi")
    assert penulis.hasil == ["bisa"]
    assert r.status_code == 200
    sandi = teks_css(r, "p.sandi")
    assert re.fullmatch(r"[a-z]{4}-[2-9]{4}-[a-z]{4}", sandi), sandi
    assert jumlah_audit("atur_ulang_sandi") == 1
    k2 = buat_klien()
    k2.get("/masuk")
    assert k2.post("/masuk", {"identitas": "guru2", "sandi": sandi}).status_code == 303


# ------------------------------------------------------------------ the audit write retries


class KunciLain:
    """Another connection holds the lock the audit write needs, for the first `n` attempts.

    SQLite: it holds the database's write lock (BEGIN IMMEDIATE) and the app's connections
    wait 0 ms for it; PostgreSQL: it holds an EXCLUSIVE lock on the audit table and the app's
    connections wait 50 ms (lock_timeout). Between attempts (the retry's pause) it lets go
    after `n` failures."""

    def __init__(self, n):
        self.n, self.jeda = n, []
        self.sqlite = db.engine.dialect.name == "sqlite"
        url = _url_mentah()
        if self.sqlite:
            self.conn = sqlite3.connect(url, timeout=0, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = psycopg.connect(url)
            self.conn.execute("LOCK TABLE audit IN EXCLUSIVE MODE")
        event.listen(db.engine, "checkout", self._singkat)
        db.engine.dispose()  # every app connection from now on waits only briefly

    def _singkat(self, dbapi_conn, _record, _proxy):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=0" if self.sqlite else "SET lock_timeout = '50ms'")
        cur.close()
        if not self.sqlite:
            dbapi_conn.commit()

    def tidur(self, detik):
        self.jeda.append(detik)
        if len(self.jeda) == self.n:
            self.lepas()

    def lepas(self):
        if self.conn is not None:
            self.conn.rollback() if not self.sqlite else self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None

    def tutup(self):
        self.lepas()
        event.remove(db.engine, "checkout", self._singkat)
        db.engine.dispose()


def test_audit_bacaan_diulang_saat_basis_data_terkunci(app, demo, buat_klien, monkeypatch):
    k = masuk_demo(buat_klien, "kadis")
    db.session.rollback()
    kunci = KunciLain(2)
    monkeypatch.setattr(alur, "sleep", kunci.tidur)  # the pause between attempts
    try:
        r = k.get("/dinas/rekap.csv")
    finally:
        kunci.tutup()
    assert len(kunci.jeda) == 2 and kunci.jeda[1] > kunci.jeda[0] > 0  # growing pauses
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert jumlah_audit("ekspor_rekap") == 1


def test_audit_yang_tetap_gagal_tidak_mengirim_berkas_tanpa_catatan(app, demo, buat_klien,
                                                                     monkeypatch, tmp_path):
    batch_id, _ = batch_selesai(tmp_path)
    k = masuk_demo(buat_klien, "kadis")
    db.session.rollback()
    kunci = KunciLain(alur.PERCOBAAN_TULIS + 1)  # never lets go while the request runs
    monkeypatch.setattr(alur, "sleep", kunci.tidur)  # the pause between attempts
    try:
        r = k.get(f"/cetak/batch/{batch_id}/unduh")
    finally:
        kunci.tutup()
    assert len(kunci.jeda) == alur.PERCOBAAN_TULIS - 1
    assert r.status_code == 503
    teks = r.get_data(as_text=True)
    assert "Server sedang sibuk" in teks and "coba lagi" in teks.lower()
    assert b"%PDF" not in r.data
    assert jumlah_audit("cetak_batch_diunduh") == 0
    # Once the database is free again, the same download works and is audited.
    r = k.get(f"/cetak/batch/{batch_id}/unduh")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert jumlah_audit("cetak_batch_diunduh") == 1


def test_ekspor_ekinerja_tidak_mengunci_saat_memeriksa_dan_menulis_berkas(app, penulis,
                                                                           buat_klien,
                                                                           monkeypatch):
    """The whole-Dinas export checks every pegawai and builds its files (about a minute for
    20,000) with no write transaction open; a repeat of the same form stores nothing twice
    and is not worked out again."""
    from kinerja_web.sinkro import pengirim

    k = masuk_demo(buat_klien, "operator")
    halaman = k.get("/sinkro/ekspor").get_data(as_text=True)
    kunci = nilai(halaman, "kiriman")
    assert kunci
    kirim_asli = pengirim.PengirimBerkas.kirim
    dibangun = []

    def kirim(self, jenis, catatan):
        dibangun.append(jenis)
        catatan = list(catatan)  # the pre-check of everyone has run: now the files
        if not penulis.hasil:
            penulis.tulis()
        return kirim_asli(self, jenis, iter(catatan))

    monkeypatch.setattr(pengirim.PengirimBerkas, "kirim", kirim)
    data = {"jenis": "perencanaan", "kiriman": kunci}
    r = k.post("/sinkro/ekspor", data)
    assert r.status_code == 303 and re.search(r"/sinkro/ekspor/tugas/\d+$", r.headers["Location"])
    # The job runs in the background: its pre-check and files while the other one writes.
    assert tunggu_ekspor(id_tugas(r)).status == "selesai"
    assert penulis.hasil == ["bisa"]
    r2 = k.post("/sinkro/ekspor", data)
    assert r2.status_code == 303 and r2.headers["Location"] == r.headers["Location"]
    assert dibangun == ["perencanaan"]  # the repeat was answered without a second export
    assert jumlah_audit("ekspor_ekinerja") == 1
    with baca_saja():
        e = db.session.scalar(select(Ekspor))
        assert db.session.scalar(select(func.count()).select_from(Ekspor)) == 1
        assert e.jumlah_diekspor > 0 and e.jsonl.count(b"\n") == e.jumlah_diekspor
        from kinerja_web.models import LogSinkro
        keterangan = db.session.scalars(select(LogSinkro.keterangan).where(
            LogSinkro.ekspor_id == e.id, LogSinkro.status == "Berhasil")).all()
        assert keterangan and set(keterangan) == {f"Diekspor (ekspor #{e.id})"}
