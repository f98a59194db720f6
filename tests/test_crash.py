"""Crash safety (issue 8, point 5): kill -9 during writes loses nothing acknowledged.

25 rounds on one SQLite file: gunicorn (two workers) serves three teachers who add
progress notes and save their competency reflection as fast as they can; at a random
moment after the round's first acknowledged write every server process gets SIGKILL. After
each restart `PRAGMA integrity_check` says ok and every write whose answer (303) arrived
before the kill is in the database. And a batch print whose `flask cetak-batch` process
is killed half-way is finished by `flask cetak-lanjut` with every document exactly once.
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
from datetime import timedelta

import pytest
from proses_uji import (
    ROOT,
    GunicornCepat,
    KlienHttp,
    buat_app,
    env_app,
    flask,
    isi_guru,
    migrasi,
    nilai_hidden,
)

pytestmark = pytest.mark.server

RONDE = 25
PENULIS = 3
PUTUS = (OSError, http.client.HTTPException)  # what a client sees when the server dies


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


def periksa(berkas, tulisan, pemilik):
    """After a restart: the file is sound and holds every acknowledged write."""
    with sqlite3.connect(berkas) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tersimpan = {k for (k,) in conn.execute("SELECT kunci FROM catatan_upaya")}
        refleksi = {pemilik[skp]: json.loads(insp)[0] for skp, insp in conn.execute(
            "SELECT skp_id, inspirasi FROM refleksi_kompetensi")}
    conn.close()
    hilang = tulisan.catatan_diakui - tersimpan
    assert not hilang, f"{len(hilang)} catatan upaya yang diakui hilang"
    assert tersimpan <= tulisan.catatan_dikirim, "catatan yang tidak pernah dikirim muncul"
    for username, isi in tulisan.refleksi_diakui.items():
        # The last acknowledged save, or one sent after it (cut off by a kill).
        assert refleksi.get(username) in tulisan.refleksi_dikirim[username] | {isi}, username
    return len(tersimpan - tulisan.catatan_diakui)


def test_kill_9_berulang_tidak_merusak_dan_tidak_kehilangan_tulisan(tmp_path):
    berkas = tmp_path / "crash.db"
    url = f"sqlite:///{berkas}"
    migrasi(url)
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
        for ronde in range(RONDE):
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
            tanpa_jawaban = periksa(berkas, tulisan, pemilik)
        assert tulisan.galat == []
        print(f"\n{RONDE} kali kill -9: {len(tulisan.catatan_diakui)} catatan dan "
              f"{tulisan.refleksi_disimpan} simpanan refleksi diakui, semuanya ada; "
              f"{tulisan.terputus} permintaan terputus oleh kill ({tanpa_jawaban} catatan "
              "tersimpan tanpa sempat dijawab)")
    finally:
        server.henti()


# ------------------------------------------------------------------ batch print


def test_cetak_batch_dibunuh_di_tengah_dilanjutkan_tanpa_duplikat(tmp_path):
    from pypdf import PdfReader
    from sqlalchemy import select, update

    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, Audit, Cetakan, CetakBatch, Dinas
    from kinerja_web.waktu import sekarang

    berkas = tmp_path / "cetak.db"
    url = f"sqlite:///{berkas}"
    migrasi(url)
    guru = isi_guru(url, 10)  # last year's 10 agreed SKPs: the batch prints them
    # Batch output lives in instance/cetak/<id>: start this database's ids far away from
    # any other run's (a placeholder row; SQLite numbers the next one after it).
    app = buat_app(url)
    with app.app_context():
        op = db.session.scalar(select(Akun).where(Akun.username == "goperator"))
        id_awal = random.randrange(10**8, 9 * 10**8)
        db.session.add(CetakBatch(id=id_awal, akun_id=op.id, dinas_id=db.session.scalar(
            select(Dinas.id)), jenis="skp", format="pdf", lingkup="penanda", daftar=[],
            status="dibatalkan"))
        db.session.commit()
    folder = ROOT / "instance" / "cetak" / str(id_awal + 1)
    lain = {"TAHUN_KINERJA": 2024, "CETAK_UKURAN_CHUNK": 2}
    try:
        proses = subprocess.Popen(
            [sys.executable, "-m", "flask", "cetak-batch", "--jenis", "skp", "--operator",
             "goperator", "--keluar", str(tmp_path / "batch.pdf")],
            cwd=ROOT, env=env_app(url, **lain), start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        batas = time.monotonic() + 180
        keadaan = None
        while time.monotonic() < batas and proses.poll() is None:
            with sqlite3.connect(berkas) as conn:
                keadaan = conn.execute("SELECT chunk_selesai, status FROM cetak_batch "
                                       "WHERE id = ?", (id_awal + 1,)).fetchone()
            conn.close()
            if keadaan and keadaan[0] >= 1:
                break
            time.sleep(0.02)
        assert proses.poll() is None, "cetak-batch selesai sebelum dibunuh:\n" + \
            proses.stdout.read().decode()
        os.killpg(proses.pid, signal.SIGKILL)  # the worker and its render processes
        proses.wait()
        proses.stdout.close()

        with app.app_context():
            b = db.session.get(CetakBatch, id_awal + 1)
            assert b.status == "berjalan" and 1 <= b.chunk_selesai < b.jumlah_chunk == 5
            daftar = list(b.daftar)
            assert sorted(daftar) == sorted(g.skp_lalu for g in guru)
            dicetak = db.session.scalars(select(Cetakan.skp_id)
                                         .where(Cetakan.batch_id == b.id)).all()
            assert len(dicetak) == 2 * b.chunk_selesai  # only committed chunks count
            # The worker stopped reporting: its heartbeat goes stale.
            db.session.execute(update(CetakBatch).where(CetakBatch.id == b.id).values(
                detak=sekarang() - timedelta(minutes=5)))
            db.session.commit()
            db.session.remove()

        keluaran = flask(url, "cetak-lanjut", **lain)
        assert f"Melanjutkan cetak batch {id_awal + 1}" in keluaran

        with app.app_context():
            b = db.session.get(CetakBatch, id_awal + 1)
            assert b.status == "selesai"
            dicetak = db.session.scalars(select(Cetakan.skp_id)
                                         .where(Cetakan.batch_id == b.id)).all()
            assert sorted(dicetak) == sorted(daftar)  # each document exactly once
            audit = db.session.scalars(select(Audit.data).where(Audit.aksi == "cetak")).all()
            assert sorted(a["kode"] for a in audit if a["batch"] == b.id) == sorted(
                db.session.scalars(select(Cetakan.kode).where(Cetakan.batch_id == b.id)))
            pdf = PdfReader(b.berkas)
            judul = [o.title for o in pdf.outline]
            db.session.remove()
            db.engine.dispose()
        assert len(judul) == len(set(judul)) == len(daftar)  # one bookmark per person
        assert sorted(p.name for p in folder.iterdir()) == [f"cetak-{id_awal + 1}.pdf"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
