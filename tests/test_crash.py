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
Select with `-m server`.
"""

import http.client
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

import pytest
from proses_uji import (
    ROOT,
    GunicornCepat,
    KlienHttp,
    buat_app,
    env_app,
    flask,
    hitung_baris,
    isi_guru,
    migrasi,
    nilai_hidden,
    pg_sementara,
)

pytestmark = pytest.mark.server

RONDE = 25
RONDE_PG = 8  # PostgreSQL's own crash safety is not what is tested: fewer rounds
PENULIS = 3
PUTUS = (OSError, http.client.HTTPException)  # what a client sees when the server dies


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
LAIN = {"TAHUN_KINERJA": 2024, "CETAK_UKURAN_CHUNK": 1}  # last year's SKPs, 1 per chunk


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
    from kinerja_web.jobs import BASI
    from kinerja_web.models import Cetakan, CetakBatch
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
    from pypdf import PdfReader
    from sqlalchemy import select

    from kinerja_web.extensions import db
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
        pdf = PdfReader(b.berkas)
        judul = [o.title for o in pdf.outline]
        db.session.remove()
        db.engine.dispose()
    assert len(judul) == len(set(judul)) == len(daftar)  # one bookmark per person
    assert sorted(p.name for p in folder.iterdir()) == [f"cetak-{batch_id}.pdf"]


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

    from sqlalchemy import select
    from test_impor import berkas_baik, sandi_di

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
