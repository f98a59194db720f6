"""No state outside the database (issue #16, items 3 and 4), with real processes:

- two web nodes (gunicorn) with separate instance folders on one database: a batch started
  on one downloads from the other, a document stored by one is served by the other;
- an RQ worker stopped hard (SIGKILL) in the middle of a batch leaves no work horse and no
  render process behind.
Select with `-m server`.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proses_uji import (
    ROOT,
    Gunicorn,
    KlienHttp,
    buat_app,
    env_app,
    hitung_baris,
    isi_guru,
    migrasi,
    nilai_hidden,
    pg_sementara,
)
from pypdf import PdfReader
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.server

# Last year's SKPs, 1 per chunk; nodes behind one address share their public URL (as
# production requires), so both print the same verification link.
LAIN = {"CETAK_UKURAN_CHUNK": 1, "URL_PUBLIK": "https://kinerja.contoh.id"}
BACKEND = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKEND)
def basis(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'node.db'}"
        migrasi(url)
        yield url
    else:
        with pg_sementara(f"simpan_{os.getpid()}") as url:
            migrasi(url)
            yield url


def tunggu_batch(url, batch_id, batas=240):
    akhir = time.monotonic() + batas
    while time.monotonic() < akhir:
        baris = hitung_baris(url, "SELECT status FROM cetak_batch WHERE id = :i", i=batch_id)
        if baris and baris[0][0] not in ("antri", "berjalan"):
            return baris[0][0]
        time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} belum selesai setelah {batas} s")


def jalankan_sql(url, sql, **param):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), param)
    finally:
        engine.dispose()


def test_dua_node_dengan_instance_berbeda_melayani_semua_unduhan(basis, tmp_path):
    guru = isi_guru(basis, 4, per_sekolah=4)
    folder_a, folder_b = tmp_path / "node-a", tmp_path / "node-b"
    a = Gunicorn(basis, tmp_path / "a.log", workers=1, INSTANCE_PATH=str(folder_a),
                 **LAIN)
    b = Gunicorn(basis, tmp_path / "b.log", workers=1, INSTANCE_PATH=str(folder_b),
                 **LAIN)
    with a, b:
        ka, kb = KlienHttp(a.url), KlienHttp(b.url)
        ka.masuk("goperator")
        kb.masuk("goperator")
        # A batch started on node A (its in-process worker renders it) …
        r = ka.get("/cetak/batch")
        r = ka.post("/cetak/batch", {"jenis": "skp", "sekolah": "", "jenjang": "",
                                     "format": "pdf", "kiriman": nilai_hidden(r.teks,
                                                                              "kiriman")})
        assert r.status == 303, r.teks[r.teks.find("role=\"alert\""):][:400]
        batch_id = int(r.lokasi.rstrip("/").rsplit("/", 1)[1])
        assert tunggu_batch(basis, batch_id) == "selesai"
        # … is downloaded from node B.
        r = kb.get(f"/cetak/batch/{batch_id}")
        assert r.status == 200 and f"{len(guru)} dari {len(guru)} dokumen" in r.teks
        r = kb.minta("GET", f"/cetak/batch/{batch_id}/unduh")
        assert r.status == 200 and len(PdfReader(io.BytesIO(r.isi)).outline) == len(guru)

        # A document printed (and stored) on node B …
        k1b = KlienHttp(b.url)
        k1b.masuk(guru[0].username)
        r = k1b.post(f"/cetak/skp/{guru[0].skp_lalu}")
        assert r.status == 200 and r.isi.startswith(b"%PDF-")
        # The stored copy is marked, so a print served from the store can be told apart
        # from a fresh render of the same document.
        jalankan_sql(basis, "UPDATE dokumen_tersimpan SET pdf = :p WHERE skp_id = :s",
                     p=r.isi + b"\n%tersimpan-node-b\n", s=guru[0].skp_lalu)
        # … is served by node A from the database.
        k1a = KlienHttp(a.url)
        k1a.masuk(guru[0].username)
        r = k1a.post(f"/cetak/skp/{guru[0].skp_lalu}")
        assert r.status == 200 and r.isi.endswith(b"%tersimpan-node-b\n")
    # Neither node wrote a batch file into its instance folder.
    for folder in (folder_a, folder_b):
        assert not (folder / "cetak").exists() or not any((folder / "cetak").iterdir())


def _anak_dari(pid):
    """Every descendant of pid (from /proc), as {pid: start time}."""
    anak = {}
    induk_dari = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdecimal():
            continue
        try:
            stat = (p / "stat").read_text()
        except OSError:
            continue
        bidang = stat.rsplit(")", 1)[1].split()
        induk_dari[int(p.name)] = (int(bidang[1]), bidang[0], bidang[19])
    cari = [pid]
    while cari:
        x = cari.pop()
        for c, (ppid, _, mulai) in induk_dari.items():
            if ppid == x and c not in anak:
                anak[c] = mulai
                cari.append(c)
    return anak


def _masih_hidup(pid, mulai):
    try:
        bidang = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return bidang[0] not in ("Z", "X", "x") and bidang[19] == mulai


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL tidak diatur")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="butuh /proc (Linux)")
def test_rq_worker_dibunuh_tidak_meninggalkan_proses_render(basis, tmp_path):
    """`rq worker` renders a batch in a work horse with render processes; SIGKILL to the
    worker alone (not its process group): the horse and every render process die too."""
    from redis import Redis
    from rq import Queue

    from kinerja_web import jobs

    guru = isi_guru(basis, 8, per_sekolah=8)
    app = buat_app(basis)
    from kinerja_web.extensions import db
    from kinerja_web.models import Akun, CetakBatch

    with app.app_context():
        op = db.session.scalar(db.select(Akun).where(Akun.username == "goperator"))
        batch = CetakBatch(akun_id=op.id, dinas_id=op.pegawai.dinas_id, jenis="skp",
                           format="pdf", daftar=[g.skp_lalu for g in guru], ukuran_chunk=1,
                           lingkup="uji yatim")
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
        db.session.remove()
        db.engine.dispose()
    url = os.environ["TEST_REDIS_URL"]
    redis = Redis.from_url(url)
    antrean = f"kinerja-cetak-uji-{os.getpid()}"
    q = Queue(antrean, connection=redis)
    q.empty()
    q.enqueue("kinerja_web.jobs.kerja_rq", batch_id, job_timeout=600)
    anak = {}
    with open(tmp_path / "rq.log", "w") as log:
        pekerja = subprocess.Popen(
            [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", url, antrean],
            cwd=ROOT, env=env_app(basis, **LAIN), start_new_session=True, stdout=log,
            stderr=subprocess.STDOUT)
    try:
        # Wait until the horse has rendered a chunk: it and its render processes run.
        akhir = time.monotonic() + 240
        while time.monotonic() < akhir and pekerja.poll() is None:
            k = hitung_baris(basis, "SELECT chunk_selesai FROM cetak_batch WHERE id = :i",
                             i=batch_id)
            anak = _anak_dari(pekerja.pid)
            if k and k[0][0] >= 1 and len(anak) >= 2:
                break
            time.sleep(0.05)
        assert pekerja.poll() is None, (tmp_path / "rq.log").read_text()
        assert len(anak) >= 2, anak  # the work horse and at least one render process
        os.kill(pekerja.pid, signal.SIGKILL)  # the worker only, as the OOM killer would
        pekerja.wait()
        akhir = time.monotonic() + 60
        while time.monotonic() < akhir and any(_masih_hidup(p, m) for p, m in anak.items()):
            time.sleep(0.05)
        assert not [p for p, m in anak.items() if _masih_hidup(p, m)]
        assert jobs.ANTREAN != antrean
    finally:
        try:
            os.killpg(pekerja.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for p, m in anak.items():  # only if the test failed: leave nothing running
            if _masih_hidup(p, m):
                os.kill(p, signal.SIGKILL)
        q.empty()
        q.delete()
        redis.close()
