"""Crash safety (issue 8, point 5; fault issue, item 4): kill -9 loses nothing acknowledged
and leaves nothing stuck. Every test runs on SQLite and on PostgreSQL.

25 rounds on SQLite (8 on PostgreSQL): gunicorn (two workers) serves three teachers who
add progress notes (a create with a submission key) and save their competency reflection
(an update with a version) as fast as they can; at a random moment after the round's
first acknowledged write every server process gets SIGKILL. After each restart the
database is sound (SQLite: `PRAGMA integrity_check`) and every write whose answer (303)
arrived before the kill is in it. A batch print killed half-way — `flask cetak-batch`, or
the whole server printing it — is resumed at once (the heartbeat still fresh) by `flask
cetak-lanjut` or by the restarted server, with every document exactly once. A roster
import whose confirm commits but whose answer (the one-time passwords) is lost to a kill:
the Operator makes new one-time passwords, and they log the new teachers in.

Every state-changing form (`test_kill_9_pada_setiap_formulir`, on the demo world of `flask
seed-demo` plus a second Dinas with only its Operator, one gunicorn with two workers per
backend): 78 rounds walk the demo through
its workflow — password change and reset, Mulai, wizard save, Ajukan, Kembalikan, Setujui,
Sepakati, competency change, the praktik steps (send, agree, observation, tindak lanjut,
accept, return), competency validation, task confirmation, both ratings, Kirim ke Dinas,
reopening a sent assessment, PKO of a school and of the Dinas, penetapan, reopening a
penetapan, Tim Kerja plotting, Dinas settings and logo, opening, starting and closing a
year (the second Dinas), a deadline extension, planning opened despite failing
pra-perencanaan checks, a transfer, roster upload, cancel, confirm and
new one-time passwords, Sinkro periods (add, edit, delete), reference upload, cancel and
apply, export and sync, printing a document. In each round the request is sent and every
server process gets SIGKILL at a random moment (before, during or after its commit); after
the restart the database is sound (SQLite: `PRAGMA integrity_check`), and the whole
database (every table but the sessions) is either exactly as before the request or exactly
as after it: a status change with its audit row and its dependent rows, or nothing. A write
whose answer arrived is there. The same request, sent again after the restart, succeeds or
gives the proper answer (already done, 409, or the page saying nothing is left to do), and
leaves the same state the first one did (a form that saves again writes only its audit
row). Requests that by design add a new thing each time (a new one-time password, upload,
print, sync) are checked for adding nothing or one whole change. `test_setiap_post_punya_
uji_crash` fails when a POST route of `app.url_map` is neither in those rounds nor exempt
with its reason (`PENGECUALIAN`).
Select with `-m server`.
"""

import http.client
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from bantu import atribut_semua
from proses_uji import (
    ROOT,
    GunicornCepat,
    KlienHttp,
    buat_app,
    dinas_kedua,
    env_app,
    flask,
    hitung_baris,
    isi_guru,
    migrasi,
    migrasi_demo,
    nilai_hidden,
    pg_sementara,
)
from sqlalchemy import create_engine, inspect, text

from kinerja_web.demo import SANDI_DEMO, TAHUN_INI

pytestmark = pytest.mark.server

RONDE = 25
RONDE_PG = 8  # PostgreSQL's own crash safety is not what is tested: fewer rounds
PENULIS = 3
PUTUS = (OSError, http.client.HTTPException)  # what a client sees when the server dies


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
LAIN = {"CETAK_UKURAN_CHUNK": 1}  # 1 per chunk (last year's SKPs: its running year)


@pytest.fixture(params=BACKENDS)
def basis(request, tmp_path):
    """A migrated database of this test's own: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        migrasi(url)
        yield url
    else:
        with pg_sementara(f"crash_{os.getpid()}") as url:
            migrasi(url)
            yield url


class Tulisan:
    """What the clients sent and which answers arrived, across rounds."""

    def __init__(self):
        self.kunci = threading.Lock()
        self.catatan_dikirim = set()  # note keys sent
        self.catatan_diakui = set()  # note keys whose 303 arrived
        # username -> reflection texts sent since (and including) the last acknowledged
        # one: a save cut off by a kill may or may not have committed, in any round.
        self.refleksi_dikirim = {}
        self.refleksi_diakui = {}  # username -> last reflection text acknowledged
        self.refleksi_disimpan = 0  # acknowledged reflection saves
        self.galat = []  # unexpected answers (anything but 303 before the kill)
        self.terputus = 0  # requests cut off by a kill
        self.dibunuh = threading.Event()  # set just before this round's kill

    def diakui(self):
        return len(self.catatan_diakui) + self.refleksi_disimpan


def tulis_terus(klien, guru, tulisan, berhenti, ronde):
    """Add notes and save the reflection in turn until the server is gone."""
    url_u = f"/pelaksanaan/{guru.skp_lalu}/praktik/4"
    url_k = f"/pelaksanaan/{guru.skp_lalu}/kompetensi"
    i = 0
    while not berhenti.is_set():
        i += 1
        try:
            if (i + ronde) % 2:
                r = klien.get(url_u)
                kunci = nilai_hidden(r.teks, "kunci")
                with tulisan.kunci:
                    tulisan.catatan_dikirim.add(kunci)
                r = klien.post(url_u, {"tanggal": "2024-04-01", "isi": f"r{ronde} #{i}",
                                       "kunci": kunci, "versi": nilai_hidden(r.teks, "versi"),
                                       "aksi": "tambah"})
                if r.status == 303:
                    with tulisan.kunci:
                        tulisan.catatan_diakui.add(kunci)
            else:
                r = klien.get(url_k)
                isi = f"{guru.username} r{ronde} #{i}"
                with tulisan.kunci:
                    tulisan.refleksi_dikirim.setdefault(guru.username, set()).add(isi)
                r = klien.post(url_k, {"inspirasi_0": isi, "penerapan_0": "Di kelas.",
                                       "aksi": "simpan",
                                       "versi": nilai_hidden(r.teks, "versi")})
                if r.status == 303:
                    with tulisan.kunci:
                        tulisan.refleksi_diakui[guru.username] = isi
                        tulisan.refleksi_dikirim[guru.username] = {isi}
                        tulisan.refleksi_disimpan += 1
            if r.status != 303:
                with tulisan.kunci:
                    tulisan.galat.append((ronde, r.status, r.teks[:300]))
                return
        except PUTUS:
            with tulisan.kunci:
                tulisan.terputus += 1
            return
        except AssertionError as e:  # a page without its form: cut short by the kill...
            if not tulisan.dibunuh.is_set():  # ...or else a real error, never swallowed
                with tulisan.kunci:
                    tulisan.galat.append((ronde, "tanpa formulir", str(e)[:300]))
            return


def periksa(url, tulisan, pemilik):
    """After a restart: the database is sound and holds every acknowledged write."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
    tersimpan = {k for (k,) in hitung_baris(url, "SELECT kunci FROM catatan_upaya")}
    refleksi = {pemilik[skp]: (insp if isinstance(insp, list) else json.loads(insp))[0]
                for skp, insp in hitung_baris(
                    url, "SELECT skp_id, inspirasi FROM refleksi_kompetensi")}
    hilang = tulisan.catatan_diakui - tersimpan
    assert not hilang, f"{len(hilang)} catatan upaya yang diakui hilang"
    assert tersimpan <= tulisan.catatan_dikirim, "catatan yang tidak pernah dikirim muncul"
    for username, isi in tulisan.refleksi_diakui.items():
        # The last acknowledged save, or one sent after it (cut off by a kill).
        assert refleksi.get(username) in tulisan.refleksi_dikirim[username] | {isi}, username
    return len(tersimpan - tulisan.catatan_diakui)


def test_kill_9_berulang_tidak_merusak_dan_tidak_kehilangan_tulisan(basis, tmp_path):
    url = basis
    ronde_ = RONDE if url.startswith("sqlite") else RONDE_PG
    guru = isi_guru(url, PENULIS)
    pemilik = {g.skp_lalu: g.username for g in guru}
    acak = random.Random(25)
    tulisan = Tulisan()
    server = GunicornCepat(url, tmp_path / "gunicorn.log").mulai()
    klien = []
    for g in guru:
        k = KlienHttp(server.url, batas_waktu=30)
        k.masuk(g.username)
        klien.append(k)
    try:
        for ronde in range(ronde_):
            berhenti = threading.Event()
            tulisan.dibunuh.clear()
            awal = tulisan.diakui()
            benang = [threading.Thread(target=tulis_terus, args=(k, g, tulisan, berhenti, ronde))
                      for k, g in zip(klien, guru, strict=True)]
            for b in benang:
                b.start()
            batas = time.monotonic() + 60
            while tulisan.diakui() == awal and time.monotonic() < batas:
                time.sleep(0.01)
            assert tulisan.diakui() > awal, f"ronde {ronde}: tidak ada tulisan yang diakui"
            time.sleep(acak.uniform(0, 0.5))
            tulisan.dibunuh.set()
            server.bunuh()  # kill -9, every process of the server at once
            berhenti.set()
            for b in benang:
                b.join()
            server.mulai()  # sessions survive: same secret key, session rows committed
            tanpa_jawaban = periksa(url, tulisan, pemilik)
        assert tulisan.galat == []
        print(f"\n{ronde_} kali kill -9: {len(tulisan.catatan_diakui)} catatan dan "
              f"{tulisan.refleksi_disimpan} simpanan refleksi diakui, semuanya ada; "
              f"{tulisan.terputus} permintaan terputus oleh kill ({tanpa_jawaban} catatan "
              "tersimpan tanpa sempat dijawab)")
    finally:
        server.henti()


# ------------------------------------------------------------------ batch print

def id_batch_berikut(app):
    """Batch output lives in instance/cetak/<id>: start this database's ids far away from
    any other run's (a placeholder row; the next id follows it)."""
    from sqlalchemy import select, text

    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, CetakBatch, Dinas

    with app.app_context():
        op = db.session.scalar(select(Akun).where(Akun.username == "goperator"))
        id_awal = random.randrange(10**8, 9 * 10**8)
        db.session.add(CetakBatch(id=id_awal, akun_id=op.id, dinas_id=db.session.scalar(
            select(Dinas.id)), jenis="skp", format="pdf", lingkup="penanda", daftar=[],
            status="dibatalkan"))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('cetak_batch', "
                                    "'id'), :v)"), {"v": id_awal})
            db.session.commit()
        db.session.remove()
    return id_awal + 1


def keadaan_batch(url, batch_id):
    baris = hitung_baris(url, "SELECT chunk_selesai, status FROM cetak_batch WHERE id = :i",
                         i=batch_id)
    return baris[0] if baris else None


def tunggu_chunk_pertama(url, batch_id, masih_jalan, batas=180):
    akhir = time.monotonic() + batas
    while time.monotonic() < akhir and masih_jalan():
        k = keadaan_batch(url, batch_id)
        if k and k[0] >= 1:
            return
        time.sleep(0.02)
    raise AssertionError(f"cetak batch {batch_id} tidak sampai ke bagian pertama: {k}")


def periksa_terputus_segar(app, batch_id, guru):
    """Right after the kill: the job is half done, and its heartbeat is still fresh (the
    restart comes within the heartbeat window, where a heartbeat alone says 'alive')."""
    from sqlalchemy import select

    from kinerja_web.extensions import db
    from kinerja_web.models import Cetakan, CetakBatch
    from kinerja_web.tugas_latar import BASI
    from kinerja_web.waktu import sekarang

    with app.app_context():
        b = db.session.get(CetakBatch, batch_id)
        assert b.status == "berjalan" and 1 <= b.chunk_selesai < b.jumlah_chunk == len(guru)
        assert sekarang() - b.detak < BASI / 2
        assert sorted(b.daftar) == sorted(g.skp_lalu for g in guru)
        dicetak = db.session.scalars(select(Cetakan.skp_id)
                                     .where(Cetakan.batch_id == b.id)).all()
        assert len(dicetak) == b.chunk_selesai  # only committed chunks count
        daftar = list(b.daftar)
        db.session.remove()
    return daftar


def periksa_selesai_tanpa_duplikat(app, batch_id, daftar, folder):
    import io

    from pypdf import PdfReader
    from sqlalchemy import select

    from kinerja_web.extensions import db
    from kinerja_web.jobs import isi_berkas
    from kinerja_web.models import Audit, Cetakan, CetakBatch

    with app.app_context():
        b = db.session.get(CetakBatch, batch_id)
        assert b.status == "selesai", b.galat
        dicetak = db.session.scalars(select(Cetakan.skp_id)
                                     .where(Cetakan.batch_id == b.id)).all()
        assert sorted(dicetak) == sorted(daftar)  # each document exactly once
        audit = db.session.scalars(select(Audit.data).where(Audit.aksi == "cetak")).all()
        assert sorted(a["kode"] for a in audit if a["batch"] == b.id) == sorted(
            db.session.scalars(select(Cetakan.kode).where(Cetakan.batch_id == b.id)))
        assert db.session.scalars(select(Audit.data).where(
            Audit.aksi == "cetak_batch_dilanjutkan", Audit.objek_id == b.id)).all()
        pdf = PdfReader(io.BytesIO(isi_berkas(b)))
        judul = [o.title for o in pdf.outline]
        db.session.remove()
        db.engine.dispose()
    assert len(judul) == len(set(judul)) == len(daftar)  # one bookmark per person
    assert not folder.exists()  # the chunks and the file are rows, not files


def test_cetak_batch_dibunuh_lalu_langsung_dilanjutkan_cetak_lanjut(basis, tmp_path):
    """`flask cetak-batch` killed half-way; `flask cetak-lanjut` right away (its heartbeat
    still fresh: the dead owner is recognised by its process) finishes every document
    exactly once."""
    guru = isi_guru(basis, 10)  # last year's 10 agreed SKPs: the batch prints them
    app = buat_app(basis)
    batch_id = id_batch_berikut(app)
    folder = ROOT / "instance" / "cetak" / str(batch_id)
    try:
        proses = subprocess.Popen(
            [sys.executable, "-m", "flask", "cetak-batch", "--jenis", "skp", "--operator",
             "goperator", "--keluar", str(tmp_path / "batch.pdf")],
            cwd=ROOT, env=env_app(basis, **LAIN), start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        tunggu_chunk_pertama(basis, batch_id, lambda: proses.poll() is None)
        assert proses.poll() is None, "cetak-batch selesai sebelum dibunuh:\n" + \
            proses.stdout.read().decode()
        os.killpg(proses.pid, signal.SIGKILL)  # the worker and its render processes
        proses.wait()
        proses.stdout.close()
        daftar = periksa_terputus_segar(app, batch_id, guru)

        keluaran = flask(basis, "cetak-lanjut", **LAIN)
        assert f"Melanjutkan cetak batch {batch_id}" in keluaran
        periksa_selesai_tanpa_duplikat(app, batch_id, daftar, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_cetak_batch_server_dibunuh_lalu_langsung_dilanjutkan_server_baru(basis, tmp_path):
    """A batch printing inside gunicorn; kill -9 of the whole server and an immediate
    restart: the restarted server (its first request) resumes and finishes the job, with
    every document exactly once — no waiting for a heartbeat to go stale."""
    guru = isi_guru(basis, 10)
    app = buat_app(basis)
    batch_id = id_batch_berikut(app)
    folder = ROOT / "instance" / "cetak" / str(batch_id)
    server = GunicornCepat(basis, tmp_path / "gunicorn.log", **LAIN).mulai()
    try:
        k = KlienHttp(server.url)
        k.masuk("goperator")
        r = k.get("/cetak/batch")
        r = k.post("/cetak/batch", {"jenis": "skp", "sekolah": "", "jenjang": "",
                                    "format": "pdf", "kiriman": nilai_hidden(r.teks, "kiriman")})
        assert r.status == 303 and r.lokasi.endswith(f"/cetak/batch/{batch_id}"), r.teks[:500]
        tunggu_chunk_pertama(basis, batch_id, lambda: True)
        server.bunuh()
        daftar = periksa_terputus_segar(app, batch_id, guru)
        server.mulai()  # its first request (the readiness check) looks for orphaned jobs
        akhir = time.monotonic() + 240
        while time.monotonic() < akhir and keadaan_batch(basis, batch_id)[1] == "berjalan":
            time.sleep(0.1)
        periksa_selesai_tanpa_duplikat(app, batch_id, daftar, folder)
        r = k.get(f"/cetak/batch/{batch_id}")
        assert r.status == 200 and f"{len(daftar)} dari {len(daftar)} dokumen" in r.teks
        # The operator may start the next batch.
        r = k.get("/cetak/batch")
        assert "Masih ada cetak batch" not in r.teks
    finally:
        server.henti()
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ import confirmation


def test_konfirmasi_impor_tanpa_jawaban_sandi_dibuat_ulang(basis, tmp_path):
    """The confirm of a roster import commits, then the server is killed before the
    answer with the one-time passwords reaches the Operator. After the restart, a second
    confirm says "sudah diproses" and points to the recovery; the Operator who confirmed
    makes new one-time passwords, and they log the new teachers in."""
    import hashlib

    from bantu_impor import berkas_baik, sandi_di
    from sqlalchemy import select

    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, Dinas, ImporBerkas

    isi_guru(basis, 1)
    app = buat_app(basis)
    isi = berkas_baik()
    with app.app_context():  # an uploaded file waiting for confirmation (as /impor makes it)
        op = db.session.scalar(select(Akun).where(Akun.username == "goperator"))
        impor = ImporBerkas(akun_id=op.id, dinas_id=db.session.scalar(select(Dinas.id)),
                            nama_berkas="roster.xlsx", isi=isi,
                            sha256=hashlib.sha256(isi).hexdigest(), ringkasan={})
        db.session.add(impor)
        db.session.commit()
        impor_id = impor.id
        db.session.remove()
        db.engine.dispose()
    server = GunicornCepat(basis, tmp_path / "gunicorn.log").mulai()
    try:
        k = KlienHttp(server.url, batas_waktu=30)
        k.masuk("goperator")
        k.get(f"/impor/{impor_id}")
        jawaban = []
        kirim = threading.Thread(target=lambda: jawaban.append(
            _coba(k.post, f"/impor/{impor_id}/terapkan")))
        kirim.start()
        akhir = time.monotonic() + 120
        while time.monotonic() < akhir and hitung_baris(
                basis, "SELECT status FROM impor_berkas WHERE id = :i",
                i=impor_id)[0][0] != "diterapkan":
            time.sleep(0.005)
        server.bunuh()  # committed; the answer with the passwords is lost
        kirim.join()
        akun_baru = hitung_baris(basis, "SELECT count(*) FROM impor_akun WHERE impor_id = :i",
                                 i=impor_id)[0][0]
        assert akun_baru == 4
        server.mulai()

        k.get(f"/impor/{impor_id}")
        r = k.post(f"/impor/{impor_id}/terapkan")
        assert r.status == 303
        pesan = html_polos(k.get(r.lokasi).teks)
        assert "sudah diproses sebelumnya" in pesan
        assert "Buat ulang kata sandi sekali pakai" in pesan
        r = k.post(f"/impor/{impor_id}/sandi-ulang")
        assert r.status == 200, r.teks[:500]
        baru = sandi_di(r.teks)
        assert len(baru) == 4
        for _, _, username, sandi in baru:
            guru = KlienHttp(server.url, batas_waktu=30)
            guru.get("/masuk")
            r = guru.post("/masuk", {"identitas": username, "sandi": sandi})
            assert r.status == 303 and r.lokasi.endswith("/akun/sandi"), username
        assert hitung_baris(basis, "SELECT data FROM audit WHERE aksi = "
                                   "'impor_sandi_dibuat_ulang'") != []
    finally:
        server.henti()


def _coba(fungsi, *args):
    try:
        return fungsi(*args)
    except PUTUS as e:
        return e


def html_polos(teks):
    import html

    return html.unescape(teks)


# ------------------------------------------------------------------ every state-changing form


class _Formulir(HTMLParser):
    """The forms of a page as a browser would send them untouched: hidden fields, text
    fields and text areas with their value, checked boxes, selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulir = []  # (action, [(name, value)])
        self._isi = None
        self._area = None
        self._pilih = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._isi = []
            if (a.get("method") or "get").lower() == "post":
                self.formulir.append((a.get("action") or "", self._isi))
        elif self._isi is None or a.get("disabled") is not None:
            return
        elif tag == "input" and a.get("name"):
            jenis = a.get("type", "text")
            if jenis in ("checkbox", "radio") and "checked" not in a:
                return
            if jenis not in ("submit", "button", "file", "image", "reset"):
                self._isi.append((a["name"], a.get("value", "on" if jenis in (
                    "checkbox", "radio") else "")))
        elif tag == "textarea" and a.get("name"):
            self._area = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._pilih = [a["name"], None, None]
        elif tag == "option" and self._pilih is not None:
            if self._pilih[2] is None:
                self._pilih[2] = a.get("value", "")
            if "selected" in a:
                self._pilih[1] = a.get("value", "")

    def handle_data(self, data):
        if self._area is not None:
            self._area[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._isi = None
        elif tag == "textarea" and self._area is not None:
            self._isi.append(tuple(self._area))
            self._area = None
        elif tag == "select" and self._pilih is not None:
            nama, dipilih, pertama = self._pilih
            self._isi.append((nama, dipilih if dipilih is not None else pertama or ""))
            self._pilih = None


def isian_formulir(teks, action, halaman=None):
    """The fields of the page's form that posts to `action` (a path, query ignored; a form
    without action posts to its page, `halaman`)."""
    p = _Formulir()
    p.feed(teks)
    for tujuan, isi in p.formulir:
        if (tujuan or halaman or "").split("?")[0] == action.split("?")[0]:
            data = {}
            for nama, nilai in isi:
                data.setdefault(nama, []).append(nilai)
            return {k: v if len(v) > 1 else v[0] for k, v in data.items()}
    raise AssertionError(f"tidak ada formulir ke {action}: "
                         f"{[t for t, _ in p.formulir]}\n{teks[:1500]}")


def nilai_pilihan(teks, nama):
    """Every value offered for a checkbox/radio field on the page."""
    return atribut_semua(teks, f'input[name="{nama}"][value]', "value")


# Tables a mere read or sign-in touches: not part of any form's effect.
TABEL_BACA = {"sesi_login", "alembic_version"}
KOLOM_BACA = {"akun": {"terakhir_masuk", "gagal_masuk", "terkunci_sampai"},
              "cetak_batch": {"detak", "pemilik"}}


class Potret:
    """The whole database as comparable rows (one engine kept for the test)."""

    def __init__(self, url):
        from sqlalchemy.pool import NullPool

        from kinerja_web.config import normalise_database_url

        self.url = url
        self.kolom = {}
        self.engine = create_engine(normalise_database_url(url), poolclass=NullPool)
        with self.engine.connect() as conn:
            self.tabel = [t for t in inspect(conn).get_table_names() if t not in TABEL_BACA]

    def __call__(self):
        out = {}
        with self.engine.connect() as conn:
            for t in self.tabel:
                r = conn.execute(text(f'SELECT * FROM "{t}"'))
                kolom = [i for i, k in enumerate(r.keys()) if k not in KOLOM_BACA.get(t, ())]
                self.kolom[t] = [k for i, k in enumerate(r.keys()) if i in kolom]
                out[t] = Counter(tuple(str(b[i]) for i in kolom) for b in r)
        return out

    def sehat(self):
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            conn.close()

    def semua(self, sql, **param):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), param).all()

    def satu(self, sql, **param):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), param).scalar()


def beda(a, b):
    """Per table, the rows only in a and only in b."""
    out = {}
    for t in a:
        x, y = a[t] - b[t], b[t] - a[t]
        if x or y:
            out[t] = (x, y)
    return out


def bentuk(d):
    """The shape of a change: how many rows each table lost and gained."""
    return {t: (sum(x.values()), sum(y.values())) for t, (x, y) in d.items()}


# Tables whose every written row names its own audit row (a status, a PKO, a penetapan).
BERAUDIT = ("skp", "praktik", "pko_sekolah", "pko_dinas", "penetapan", "pengiriman",
            "tugas_ekspor")


def periksa_audit(potret, d, nama):
    """A change is whole: it has its audit row, and each row written in BERAUDIT has an
    audit row of its own among the rows added."""
    if not d:
        return
    kol = potret.kolom["audit"]
    tipe, obj = kol.index("objek_tipe"), kol.index("objek_id")
    audit = d.get("audit", (Counter(), Counter()))[1]
    assert audit, f"{nama}: perubahan tanpa baris audit: {ringkas_beda(d)}"
    ada = {(b[tipe], b[obj]) for b in audit}
    for t in BERAUDIT:
        if t in d:
            i = potret.kolom[t].index("id")
            tanpa = {b[i] for b in d[t][1]} - {o for tp, o in ada if tp == t}
            assert not tanpa, f"{nama}: {t} {sorted(tanpa)} berubah tanpa audit: " \
                f"{ringkas_beda(d)}"


def periksa_keutuhan(potret, nama):
    """What holds in every state: a penetapan in force has exactly the predikat rows it
    counts; a PKO's version counts its audited settings."""
    for pid, jumlah in potret.semua(
            "SELECT id, jumlah FROM penetapan WHERE dibuka IS NULL"):
        jumlah = jumlah if isinstance(jumlah, dict) else json.loads(jumlah)
        baris = potret.semua("SELECT predikat FROM penilaian WHERE penetapan_id = :p", p=pid)
        assert len(baris) == sum(jumlah.values()), f"{nama}: penetapan {pid} {jumlah} {baris}"
        assert all(b[0] for b in baris), f"{nama}: penetapan {pid} tanpa predikat"
    for t in ("pko_sekolah",):  # (pko_dinas has no version column)
        for pid, versi, n in potret.semua(
                f"SELECT id, versi, (SELECT count(*) FROM audit WHERE objek_tipe = '{t}' "
                f"AND objek_id = {t}.id) FROM {t}"):
            assert versi == n, f"{nama}: {t} {pid} versi {versi}, {n} baris audit"


def ringkas_beda(d):
    return {t: (list(x)[:3], list(y)[:3]) for t, (x, y) in d.items()}


@dataclass
class Kasus:
    """One state-changing request: `siapkan(dunia, klien)` reads the form's page and gives
    (path, data[, berkas]) to send. `ulang`: the request is not idempotent by design (a new
    one-time password, a new print, a new upload): a repeat adds one more whole change, so
    the state after the kill is checked for being nothing or one whole change."""

    endpoint: str
    pengguna: str
    siapkan: Callable
    ulang: bool = False
    diaudit_lagi: bool = False  # a repeat that changes nothing still writes an audit row
    # Tables whose row a repeat saves again with the same content (new time and version):
    # last write wins, as with any form sent twice.
    disimpan_lagi: frozenset = frozenset()
    jawaban_ulang: tuple = (200, 303, 409)  # answers the repeat may give
    ronde: int = 1  # rounds (each kills the server once; the page is read anew)
    # Work the request leaves to the background (the export job): `latar(dunia)` waits
    # for it to end before each state is read (after the kill: resumed by the restart).
    latar: Callable | None = None


class Dunia:
    """The demo Dinas, its people's clients and the running server."""

    def __init__(self, url, server):
        self.url, self.server = url, server
        self.klien = {}
        self.potret = Potret(url)

    def k(self, username):
        if username not in self.klien:
            k = KlienHttp(self.server.url, batas_waktu=60)
            k.masuk(username, SANDI_DEMO)
            self.klien[username] = k
        return self.klien[username]

    def skp(self, username, posisi="guru"):
        """The person's SKP of the running year (the demo's last year is closed)."""
        return self.potret.satu(
            "SELECT skp.id FROM skp JOIN akun ON akun.pegawai_id = skp.pegawai_id "
            "JOIN tahun_kinerja t ON t.id = skp.tahun_id WHERE akun.username = :u "
            "AND skp.posisi = :p AND t.tahun = :t", u=username, p=posisi, t=TAHUN_INI)

    def pegawai(self, username):
        return self.potret.satu("SELECT pegawai_id FROM akun WHERE username = :u", u=username)

    def sekolah(self, nama):
        return self.potret.satu("SELECT id FROM sekolah WHERE nama = :n", n=nama)


def form_dari(d, pengguna, halaman, action=None, **ubah):
    """The form on `halaman` (posting to `action`, default the page itself) with changes."""
    r = d.k(pengguna).get(halaman)
    assert r.status == 200, (halaman, r.status, r.lokasi)
    action = action or halaman
    data = isian_formulir(r.teks, action, halaman)
    data.update(ubah)
    return action, data


def uji_kasus(d, kasus, acak, durasi, catatan):
    """One round: send, SIGKILL every server process at a random moment, restart, check."""
    hasil = kasus.siapkan(d, d.k(kasus.pengguna))
    path, data, berkas = (*hasil, None) if len(hasil) == 2 else hasil
    klien = d.k(kasus.pengguna)
    data = dict(data, csrf_token=klien.token)
    tunggu_latar = kasus.latar or (lambda d: None)
    tunggu_latar(d)
    sebelum = d.potret()
    jawaban = []
    kirim = threading.Thread(target=lambda: jawaban.append(
        _coba(klien.post, path, data, berkas)))
    kirim.start()
    time.sleep(acak.uniform(0, durasi.get(kasus.endpoint, 0.15)))
    d.server.bunuh()
    kirim.join()
    d.server.mulai()
    d.potret.sehat()
    tunggu_latar(d)
    tengah = d.potret()
    nama = f"{kasus.endpoint} {path}"
    periksa_keutuhan(d.potret, nama)
    periksa_audit(d.potret, beda(sebelum, tengah), nama)
    mulai = time.monotonic()
    r = klien.post(path, data, berkas)  # the same request again, after the restart
    durasi[kasus.endpoint] = max(durasi.get(kasus.endpoint, 0), time.monotonic() - mulai)
    assert r.status in kasus.jawaban_ulang, (kasus.endpoint, path, r.status, r.teks[:2000])
    tunggu_latar(d)
    sesudah = d.potret()
    pertama = jawaban[0]
    diakui = not isinstance(pertama, Exception)
    if diakui:
        assert pertama.status in (200, 303), (kasus.endpoint, pertama.status,
                                              pertama.teks[:2000])
    periksa_keutuhan(d.potret, nama)
    periksa_audit(d.potret, beda(tengah, sesudah), nama)
    if kasus.ulang:
        awal, kedua = beda(sebelum, tengah), beda(tengah, sesudah)
        assert kedua, f"{nama}: permintaan tidak mengubah apa pun"
        assert awal or not diakui, f"{nama}: jawaban tiba, perubahan hilang"
        assert not awal or bentuk(awal) == bentuk(kedua), \
            f"{nama}: perubahan setengah jadi {ringkas_beda(awal)} vs {ringkas_beda(kedua)}"
    else:
        assert beda(sebelum, sesudah), f"{nama}: permintaan tidak mengubah apa pun " \
            f"({r.status} {html_polos(r.teks)[:1500]})"
        if kasus.diaudit_lagi and tengah != sebelum:  # done before the kill: compare
            # without the audit row the repeat added
            lagi = beda(tengah, sesudah).get("audit", (Counter(), Counter()))
            assert not lagi[0] and sum(lagi[1].values()) <= 1, f"{nama}: {lagi}"
            sesudah = dict(sesudah, audit=sesudah["audit"] - lagi[1])
            for t in kasus.disimpan_lagi:  # the same content, saved again
                buang = [i for i, k in enumerate(d.potret.kolom[t]) if k in ("waktu", "versi")]

                def isi(rows, buang=buang):
                    return Counter(tuple(v for i, v in enumerate(b) if i not in buang)
                                   for b in rows.elements())
                assert isi(tengah[t]) == isi(sesudah[t]), f"{nama}: {t} berbeda"
                sesudah[t] = tengah[t]
        if diakui:
            assert tengah == sesudah, f"{nama}: jawaban tiba, perubahan hilang: " \
                f"{ringkas_beda(beda(tengah, sesudah))}"
        else:
            assert tengah in (sebelum, sesudah), f"{nama}: perubahan setengah jadi: " \
                f"{ringkas_beda(beda(sebelum, tengah))} / {ringkas_beda(beda(tengah, sesudah))}"
    catatan.append((kasus.endpoint, diakui, tengah != sebelum))


def _png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (next(_urut) % 256, 0, 0)).save(out, "PNG")
    return out.getvalue()


_urut = iter(range(1, 10**6))


def _pko_buka(d, k, nama):
    """The Dinas reopens the standing penetapan of the running year of a school (or of the
    Dinas' own, nama None)."""
    pid = d.potret.satu(
        "SELECT p.id FROM penetapan p JOIN tahun_kinerja t ON t.id = p.tahun_id WHERE "
        + ("p.sekolah_id = :s" if nama else "p.sekolah_id IS NULL")
        + " AND p.dibuka IS NULL AND t.tahun = :t", s=d.sekolah(nama) if nama else None,
        t=TAHUN_INI)
    halaman = f"/dinas/pko/{d.sekolah(nama)}" if nama else "/dinas/pko-dinas"
    return form_dari(d, "kadis", halaman, f"/dinas/penetapan/{pid}/buka",
                     alasan="Koreksi data predikat.")


def _ekspor_berakhir(d, batas=120):
    """The export job runs in the background: a request after the restart resumes a job
    whose worker was killed (the first request of each process); wait until none is open."""
    d.k("operator").get("/sinkro/ekspor")
    akhir = time.monotonic() + batas
    while d.potret.satu("SELECT count(*) FROM tugas_ekspor WHERE status IN "
                        "('antri', 'berjalan')"):
        assert time.monotonic() < akhir, d.potret.semua("SELECT * FROM tugas_ekspor")
        time.sleep(0.1)


def _ekspor_batal(d, k):
    """An export job running on another machine (its heartbeat fresh: nobody here takes
    it over); the Operator cancels it from its page."""
    from datetime import timedelta

    from kinerja_web.waktu import sekarang

    with d.potret.engine.begin() as conn:
        tugas_id = conn.execute(text(
            "INSERT INTO tugas_ekspor (dinas_id, akun_id, jenis, tahun, lingkup, status, tahap, "
            "diproses, total, pekerja, detak, dibuat) SELECT p.dinas_id, a.id, "
            "'penilaian_akhir', 2025, 'Seluruh Dinas', 'berjalan', 'cek', 1, 40, "
            "'mesin-lain|1|1|abcd', :detak, :detak FROM akun a JOIN pegawai p "
            "ON p.id = a.pegawai_id WHERE a.username = 'operator' RETURNING id"),
            {"detak": sekarang() + timedelta(hours=1)}).scalar()
    halaman = f"/sinkro/ekspor/tugas/{tugas_id}"
    return form_dari(d, "operator", halaman, f"{halaman}/batal")


def _praktik(pengguna, pemilik, n, **ubah):
    def siapkan(d, k):
        halaman = f"/pelaksanaan/{d.skp(pemilik)}/praktik/{n}"
        return form_dari(d, pengguna, halaman, **ubah)
    return siapkan


def _praktik_1(d, k):
    halaman = f"/pelaksanaan/{d.skp('guru16')}/praktik/1"
    path, data = form_dari(d, "guru16", halaman, aksi="kirim",
                           upaya_belajar="Membaca modul.", jadwal_usulan="2025-02-10")
    data["fokus"] = nilai_pilihan(k.get(halaman).teks, "fokus")[:2]
    return path, data


def _observasi(d, k):
    halaman = f"/pelaksanaan/{d.skp('guru8')}/praktik/2"
    path, data = form_dari(d, "kepsek1", halaman, aksi="selesai", rekomendasi="Pertahankan.")
    for i in range(2):
        data[f"hasil_{i}"], data[f"catatan_{i}"] = "efektif", "Baik."
    return path, data


def _tindak_lanjut(d, k):
    return form_dari(d, "guru9", f"/pelaksanaan/{d.skp('guru9')}/praktik/3", aksi="kirim",
                     **{b: "Diisi." for b in ("tl_tantangan", "tl_tujuan", "tl_upaya",
                                              "tl_jadwal", "tl_dukungan")})


def _tugas(d, k):
    halaman = f"/pelaksanaan/{d.skp('guru10')}/tugas"
    path, data = form_dari(d, "guru10", halaman)
    data["tugas"] = nilai_pilihan(k.get(halaman).teks, "tugas")
    return path, data


def _dokumen_ks(d, k):
    """kepsek1 confirms his own school's accountability documents (all of them)."""
    halaman = f"/pelaksanaan/{d.skp('kepsek1', 'kepala_sekolah')}/tugas"
    path, data = form_dari(d, "kepsek1", halaman)
    data["dokumen"] = nilai_pilihan(k.get(halaman).teks, "dokumen")
    return path, data


def _validasi_dokumen(d, k):
    """His atasan (the Kepala Dinas) accepts them."""
    halaman = f"/pelaksanaan/{d.skp('kepsek1', 'kepala_sekolah')}/tugas"
    return form_dari(d, "kadis", halaman, f"{halaman}/validasi-dokumen", aksi="terima")


def _upaya(d, k, hapus=False):
    """guru11 corrects his first progress note, or deletes his last one."""
    halaman = f"/pelaksanaan/{d.skp('guru11')}/praktik/4"
    r = k.get(halaman)
    assert r.status == 200, r.status
    ids = [i.removeprefix("upaya-") for i in atribut_semua(r.teks, '[id^="upaya-"]', "id")
           if i.removeprefix("upaya-").isdigit()]
    assert ids, "tidak ada catatan upaya"
    ubah = f"/pelaksanaan/{d.skp('guru11')}/upaya/{ids[-1] if hapus else ids[0]}"
    if hapus:
        return form_dari(d, "guru11", halaman, f"{ubah}/hapus")
    return form_dari(d, "guru11", ubah, **{"ubah-isi": "Diperbaiki setelah crash."})


def _hasil(pemilik):
    def siapkan(d, k):
        return form_dari(d, "kepsek1", f"/penilaian/{d.skp(pemilik)}/hasil", aksi="simpan",
                         upaya_refleksi="sesuai", upaya_mempelajari="sesuai",
                         perubahan_praktik="sesuai", umpan_balik="Lanjutkan.")
    return siapkan


def _perilaku(pemilik):
    def siapkan(d, k):
        from kinerja_web import aturan

        aspek = list(aturan.muat_aturan("2025").perilaku.kode)
        return form_dari(d, "kepsek1", f"/penilaian/{d.skp(pemilik)}/perilaku", aksi="simpan",
                         **{f"{a}__{x}": "sesuai" for a in aspek
                            for x in ("perwujudan", "dampak")})
    return siapkan


def _penetapan(d, k):
    r = k.get("/penilaian/penetapan")
    data = isian_formulir(r.teks, "/penilaian/penetapan", "/penilaian/penetapan")
    data.update(aksi="kirim", pembenaran="Sesuai hasil penilaian.")
    return "/penilaian/penetapan", data


def _pengiriman_buka(d, k):
    pid = d.potret.satu(
        "SELECT penilaian.id FROM penilaian JOIN skp ON skp.id = penilaian.skp_id "
        "JOIN tahun_kinerja t ON t.id = skp.tahun_id WHERE skp.sekolah_id = :s "
        "AND penilaian.pengiriman_id IS NOT NULL AND penilaian.penetapan_id IS NULL "
        "AND t.tahun = :t ORDER BY penilaian.id",
        s=d.sekolah("SD NEGERI 3 WONOSARI"), t=TAHUN_INI)
    return form_dari(d, "kadis", f"/dinas/pko/{d.sekolah('SD NEGERI 3 WONOSARI')}",
                     f"/dinas/penilaian/{pid}/buka", alasan="Perbaiki rating.")


def _impor_baru(d, k):
    from bantu_impor import berkas_baik

    return form_dari(d, "operator", "/impor") + ({"berkas": ("roster.xlsx", berkas_baik())},)


def _impor_terakhir(d, aksi):
    iid = d.potret.satu("SELECT max(id) FROM impor_berkas WHERE jenis = 'roster'")
    return form_dari(d, "operator", f"/impor/{iid}", f"/impor/{iid}/{aksi}")


REFERENSI = ("unor_id;nama;induk_id;aktif\nUNOR-CRASH-{n};SD NEGERI {n} CRASH;"
             "UNOR-DISDIK-KEBUMEN;Ya\n")


def _referensi_baru(d, k):
    isi = REFERENSI.format(n=next(_urut)).encode()
    return form_dari(d, "operator", "/sinkro/referensi", "/sinkro/referensi/unor") + (
        {"unor-berkas": ("unor.csv", isi)},)


def _referensi_terakhir(d, aksi):
    iid = d.potret.satu("SELECT max(id) FROM impor_berkas WHERE jenis <> 'roster'")
    return form_dari(d, "operator", f"/sinkro/referensi/impor/{iid}",
                     f"/sinkro/referensi/impor/{iid}/{aksi}")


def _periode_terakhir(d):
    return d.potret.satu("SELECT max(id) FROM periode_ekinerja")


OPERATOR_KEDUA = "operatorkedua"
PRA_GAGAL = "SMP NEGERI 1 KEBUMEN"

# Penetapan sent again once it went through: nothing is left to set, the page says so (422).
SUDAH_422 = (200, 303, 409, 422)


def kasus_semua():
    """The rounds, in order: each finds the demo world where the rounds before left it."""
    K = Kasus
    return [
        # ---------------------------------------------------------- accounts
        K("auth.ganti_sandi", "guru2", lambda d, k: form_dari(
            d, "guru2", "/akun/sandi", sandi_lama=SANDI_DEMO, sandi_baru="Sandi-baru-kuat-91",
            ulangi="Sandi-baru-kuat-91"), jawaban_ulang=(200, 303, 422)),
        K("dinas.atur_ulang_sandi", "operator", lambda d, k: form_dari(
            d, "operator", f"/dinas/pegawai/{d.pegawai('guru20')}",
            f"/dinas/pegawai/{d.pegawai('guru20')}/atur-ulang-sandi"), ulang=True, ronde=3),
        # ---------------------------------------------------------- planning
        K("perencanaan.mulai", "guru1", lambda d, k: form_dari(
            d, "guru1", "/perencanaan", "/perencanaan/mulai/guru")),
        K("perencanaan.langkah", "guru3", lambda d, k: form_dari(
            d, "guru3", f"/perencanaan/{d.skp('guru3')}/langkah/1", aksi="simpan",
            tugas_tambahan="tidak")),
        K("perencanaan.langkah", "guru3", lambda d, k: form_dari(
            d, "guru3", f"/perencanaan/{d.skp('guru3')}/langkah/5")),  # Ajukan
        K("persetujuan.langkah", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", f"/persetujuan/{d.skp('guru3')}/langkah/4", aksi="kembalikan",
            catatan="Perbaiki pilihan praktik.")),
        K("perencanaan.langkah", "guru3", lambda d, k: form_dari(
            d, "guru3", f"/perencanaan/{d.skp('guru3')}/langkah/5")),
        K("persetujuan.langkah", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", f"/persetujuan/{d.skp('guru3')}/langkah/2", aksi="simpan",
            tugas_tambahan="ya")),
        K("persetujuan.langkah", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", f"/persetujuan/{d.skp('guru3')}/langkah/4", aksi="setujui")),
        K("persetujuan.langkah", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", f"/persetujuan/{d.skp('guru4')}/langkah/4", aksi="setujui")),
        K("perencanaan.sepakati", "guru3", lambda d, k: form_dari(
            d, "guru3", f"/perencanaan/{d.skp('guru3')}/sepakati")),
        K("perencanaan.sepakati", "guru6", lambda d, k: form_dari(
            d, "guru6", f"/perencanaan/{d.skp('guru6')}/sepakati")),
        K("perencanaan.kompetensi", "guru15", lambda d, k: form_dari(
            d, "guru15", f"/perencanaan/{d.skp('guru15')}/kompetensi", kompetensi="1.1")),
        # ---------------------------------------------------------- the praktik cycle
        K("pelaksanaan.praktik", "guru16", _praktik_1),
        K("pelaksanaan.praktik", "kepsek1", _praktik("kepsek1", "guru7", 1, aksi="sepakati",
                                                      jadwal_observasi="2025-02-20")),
        K("pelaksanaan.praktik", "kepsek1", _observasi),
        K("pelaksanaan.praktik", "guru9", _tindak_lanjut),
        K("pelaksanaan.praktik", "kepsek1", _praktik("kepsek1", "guru10", 3, aksi="terima",
                                                      nilai="2")),
        K("pelaksanaan.praktik", "kepsek1", _praktik("kepsek1", "guru11", 5, aksi="kembalikan",
                                                      catatan="Lengkapi dampaknya.")),
        K("pelaksanaan.kompetensi", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", f"/pelaksanaan/{d.skp('guru11')}/kompetensi", aksi="validasi")),
        K("pelaksanaan.tugas", "guru10", _tugas),
        K("pelaksanaan.tugas", "kepsek1", _dokumen_ks),
        K("pelaksanaan.validasi_dokumen", "kadis", _validasi_dokumen),
        K("pelaksanaan.upaya", "guru11", _upaya),
        K("pelaksanaan.hapus_upaya", "guru11", lambda d, k: _upaya(d, k, hapus=True),
          jawaban_ulang=(303, 404)),  # deleted before the kill: gone
        # ---------------------------------------------------------- assessment
        K("penilaian.hasil", "kepsek1", _hasil("guru12")),
        K("penilaian.perilaku", "kepsek1", _perilaku("guru12")),
        # The "Ya, kirim" form of the confirmation page (the list's button opens it).
        K("penilaian.kirim", "kepsek1", lambda d, k: form_dari(
            d, "kepsek1", "/penilaian/kirim", "/penilaian/kirim")),
        K("dinas_penilaian.buka_pengiriman", "kadis", _pengiriman_buka),
        K("dinas_penilaian.pko_sekolah", "kadis", lambda d, k: form_dari(
            d, "kadis", f"/dinas/pko/{d.sekolah('SD NEGERI 3 WONOSARI')}", pko="baik",
            alasan="Rapor Pendidikan baik."), diaudit_lagi=True,
          disimpan_lagi=frozenset({"pko_sekolah"})),
        K("penilaian.penetapan", "kepsek5", _penetapan, jawaban_ulang=SUDAH_422),
        K("dinas_penilaian.buka_penetapan", "kadis", lambda d, k: _pko_buka(
            d, k, "SD NEGERI 3 WONOSARI")),
        K("penilaian.penetapan", "kepsek5", _penetapan, jawaban_ulang=SUDAH_422),
        K("dinas_penilaian.buka_penetapan", "kadis", lambda d, k: _pko_buka(d, k, None)),
        K("dinas_penilaian.pko_dinas", "kadis", lambda d, k: form_dari(
            d, "kadis", "/dinas/pko-dinas", pko="butuh_perbaikan", alasan="SAKIP turun."),
          diaudit_lagi=True, disimpan_lagi=frozenset({"pko_dinas"})),
        K("dinas_penilaian.tim_kerja", "operator", lambda d, k: form_dari(
            d, "operator", "/dinas/tim-kerja", ks=str(d.pegawai("kepsek1")),
            tim_kerja=str(d.pegawai(f"timkerja{next(_urut) % 2 + 1}")), aksi="simpan"),
          diaudit_lagi=True, ronde=3),
        # ---------------------------------------------------------- Dinas settings
        K("dinas.pengaturan", "operator", lambda d, k: form_dari(
            d, "operator", "/dinas/pengaturan", telepon=f"(0287) {next(_urut):06d}"),
          ronde=3),
        K("dinas.unggah_logo", "operator", lambda d, k: form_dari(
            d, "operator", "/dinas/pengaturan", "/dinas/pengaturan/logo") + (
            {"logo": ("logo.png", _png())},), diaudit_lagi=True, ronde=3),
        K("dinas.unggah_garuda", "operator", lambda d, k: form_dari(
            d, "operator", "/dinas/pengaturan", "/dinas/pengaturan/garuda",
            kop_garuda="y") + ({"garuda": ("garuda.png", _png())},), diaudit_lagi=True,
          ronde=2),
        # ---------------------------------------------------------- years, deadlines,
        # transfers, the pra-perencanaan gate. The second Dinas (`dinas_kedua`: the demo's
        # has every year with a rule file opened) opens this year, starts it, closes it.
        K("dinas.buka_tahun", OPERATOR_KEDUA, lambda d, k: form_dari(
            d, OPERATOR_KEDUA, "/dinas/tahun", "/dinas/tahun/buka", tahun=str(TAHUN_INI))),
        K("dinas.mulai_tahun", OPERATOR_KEDUA, lambda d, k: form_dari(
            d, OPERATOR_KEDUA, "/dinas/tahun", f"/dinas/tahun/{TAHUN_INI}/mulai")),
        K("dinas.tutup_tahun", OPERATOR_KEDUA, lambda d, k: form_dari(
            d, OPERATOR_KEDUA, f"/dinas/tahun/{TAHUN_INI}/tutup")),
        # Granting or opening again with the same values writes nothing (the row lock
        # serialises twins; the second finds the first's row).
        K("dinas.perpanjang_tenggat", "operator", lambda d, k: form_dari(
            d, "operator", f"/dinas/pegawai/{d.pegawai('guru17')}",
            f"/dinas/pegawai/{d.pegawai('guru17')}/perpanjangan", tahap="persetujuan_skp",
            sampai=f"{TAHUN_INI}-11-30", alasan="Sakit, surat dokter terlampir.")),
        # (The demo's one school whose checks fail is opened already: a new reason.)
        K("dinas_pra.buka", "operator", lambda d, k: form_dari(
            d, "operator", f"/dinas/pra-perencanaan/sekolah/{d.sekolah(PRA_GAGAL)}",
            f"/dinas/pra-perencanaan/sekolah/{d.sekolah(PRA_GAGAL)}/buka",
            alasan="UNOR sedang dipadankan BKD.", yakin="y")),
        # A transfer splits the SKP at its TMT; sent again: "Mutasi ini sudah dicatat" (422).
        K("dinas.catat_mutasi", "operator", lambda d, k: form_dari(
            d, "operator", f"/dinas/pegawai/{d.pegawai('guru24')}",
            f"/dinas/pegawai/{d.pegawai('guru24')}/mutasi", jenis="pindah",
            tmt=f"{TAHUN_INI}-07-16", sekolah_tujuan=str(d.sekolah("SD NEGERI SEMAMPIR")),
            nomor_sk="800/12/2026"), jawaban_ulang=(303, 422)),
        # ---------------------------------------------------------- roster import
        K("impor.index", "operator", _impor_baru),  # the same file again: its preview
        K("impor.batal", "operator", lambda d, k: _impor_terakhir(d, "batal")),
        K("impor.index", "operator", _impor_baru),  # the same file again: its preview
        K("impor.terapkan", "operator", lambda d, k: _impor_terakhir(d, "terapkan")),
        K("impor.sandi_ulang", "operator", lambda d, k: _impor_terakhir(d, "sandi-ulang"),
          ulang=True),
        # ---------------------------------------------------------- Sinkro e-Kinerja
        K("sinkro.periode_index", "operator", lambda d, k: form_dari(
            d, "operator", "/sinkro/periode", nama=f"TRIWULAN CRASH {next(_urut)}",
            tahun="2025", mulai="2025-01-01", selesai="2025-03-31", batas="2025-04-30"),
          ronde=3),
        K("sinkro.periode_ubah", "operator", lambda d, k: form_dari(
            d, "operator", f"/sinkro/periode/{_periode_terakhir(d)}",
            batas=f"2025-05-{next(_urut) % 28 + 1:02d}"), ronde=3),
        K("sinkro.periode_hapus", "operator", lambda d, k: form_dari(
            d, "operator", "/sinkro/periode", f"/sinkro/periode/{_periode_terakhir(d)}/hapus"),
          jawaban_ulang=(200, 303, 404)),  # deleted before the kill: gone
        K("sinkro.unggah_referensi", "operator", _referensi_baru),
        K("sinkro.referensi_batal", "operator", lambda d, k: _referensi_terakhir(d, "batal")),
        K("sinkro.unggah_referensi", "operator", _referensi_baru),
        K("sinkro.referensi_terapkan", "operator",
          lambda d, k: _referensi_terakhir(d, "terapkan")),
        K("sinkro.ekspor_index", "operator", lambda d, k: form_dari(
            d, "operator", "/sinkro/ekspor", jenis="perencanaan"), latar=_ekspor_berakhir),
        K("sinkro.ekspor_tugas_batal", "operator", _ekspor_batal),
        K("sinkro.sinkro_pegawai", "operator", lambda d, k: form_dari(
            d, "operator", f"/sinkro/pegawai/{d.pegawai('guru23')}",
            f"/sinkro/pegawai/{d.pegawai('guru23')}/sinkro"), ulang=True, ronde=3),
        K("sinkro.sinkro_ulang", "operator", lambda d, k: form_dari(
            d, "operator", "/sinkro/log", "/sinkro/log/{}/ulang".format(d.potret.satu(
                "SELECT max(id) FROM log_sinkro"))), ulang=True),
        # ---------------------------------------------------------- printing
        K("dokumen.cetak", "guru23", lambda d, k: form_dari(
            d, "guru23", f"/perencanaan/{d.skp('guru23')}", f"/cetak/skp/{d.skp('guru23')}"),
          ulang=True, ronde=2),
        # After the prints: from here the cumulative AK document is signed (the server of
        # this test has no certificate, so printing it would be refused).
        K("dinas.atur_tte", "operator", lambda d, k: form_dari(
            d, "operator", "/dinas/pengaturan", "/dinas/pengaturan/tte", tte_mode="p12",
            tte_dokumen="ak_kumulatif")),
    ]


# POST routes that change nothing worth a kill, or have their own crash test above.
PENGECUALIAN = {
    "dokumen.periksa_berkas": "writes nothing: checks the signature of an uploaded PDF in a "
                              "child process and stores neither the file nor a row",
    "auth.masuk": "signing in writes only a new session (and its audit row); after a kill "
                  "the person signs in again — every round above restarts the server and "
                  "goes on with the sessions it had",
    "auth.keluar": "signing out only deletes the session; a kill leaves either the session "
                   "or none, and signing out again is harmless",
    "impor.unduh_sandi": "writes nothing: the one-time passwords come in the POST body so "
                         "they stay out of URLs and logs",
    "dokumen.batch": "own crash tests: test_cetak_batch_* above (the job resumed after kill -9)",
    "beranda.profil": "one UPDATE of the person's own contact row (locked) with its audit "
                      "row in one transaction: a kill leaves the old or the new contact, and "
                      "saving again is harmless",
    "beranda.berhenti_kirim": "one UPDATE of one flag (locked) with its audit row in one "
                              "transaction: a kill leaves the person subscribed or not, and "
                              "the link can be pressed again",
    "dokumen.batch_batal": "cancels a queued batch: one UPDATE of one row with its audit row; "
                           "a batch is picked up by a worker at once, so the queued state "
                           "cannot be held for a kill — see test_cetak_batch_*",
}


def test_setiap_post_punya_uji_crash():
    """Every POST route is killed in `kasus_semua` or exempt with its reason."""
    app = buat_app("sqlite://")
    post = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    diuji = {k.endpoint for k in kasus_semua()}
    assert not (diuji & set(PENGECUALIAN))
    assert post - diuji - set(PENGECUALIAN) == set(), "rute POST tanpa uji crash"
    assert (diuji | set(PENGECUALIAN)) - post == set(), "rute yang sudah tidak ada"


@pytest.fixture(params=BACKENDS)
def basis_demo(request, tmp_path):
    """A migrated database with the demo world (`flask seed-demo`) and a second Dinas with
    only its Operator (`dinas_kedua`)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        migrasi_demo(url)
        dinas_kedua(url, OPERATOR_KEDUA, SANDI_DEMO)
        yield url
    else:
        with pg_sementara(f"crashdemo_{os.getpid()}") as url:
            migrasi_demo(url)
            dinas_kedua(url, OPERATOR_KEDUA, SANDI_DEMO)
            yield url


def test_kill_9_pada_setiap_formulir(basis_demo, tmp_path):
    """Every state-changing form of the app, each killed at a random moment: nothing
    acknowledged is lost, nothing is half done, the same request works after the restart."""
    url = basis_demo
    acak = random.Random(11)
    server = GunicornCepat(url, tmp_path / "gunicorn.log").mulai()
    d = Dunia(url, server)
    durasi, catatan, waktu = {}, [], {}
    mulai = time.monotonic()
    galat = []
    try:
        for kasus in (k for k in kasus_semua() for _ in range(k.ronde)):
            t0 = time.monotonic()
            try:
                uji_kasus(d, kasus, acak, durasi, catatan)
            except AssertionError as e:  # every form's failure at once, not the first only
                galat.append(f"{kasus.endpoint} ({kasus.pengguna}): {str(e)[:3000]}")
                if d.server.pid is None:
                    d.server.mulai()
            waktu[kasus.endpoint] = waktu.get(kasus.endpoint, 0) + time.monotonic() - t0
    finally:
        server.henti()
        d.potret.engine.dispose()
    assert not galat, "\n\n".join(galat)
    print(f"\n{len(catatan)} formulir dibunuh di tengah jalan dalam "
          f"{time.monotonic() - mulai:.0f} s: {sum(a for _, a, _ in catatan)} jawaban tiba, "
          f"{sum(b for _, _, b in catatan)} perubahan tersimpan sebelum kill; terlama: "
          + ", ".join(f"{e} {t:.1f} s" for e, t in sorted(waktu.items(), key=lambda x: -x[1])[:6]))
