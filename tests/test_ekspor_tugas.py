"""The whole-Dinas e-Kinerja export as a background job (issue #16, part 4): the POST queues
one job (or joins the open one), the page shows its progress and phase, a dead owner's job
is taken over, the Operator cancels it, a failure says why in Indonesian, another Dinas
sees nothing of it, and the files equal those of the synchronous export."""

import os
import subprocess
import threading

import pytest
from bantu import dom, masuk, masuk_demo, teks
from bantu_sinkro import (
    id_tugas,
    operator_demo,
    pekerja_ekspor_diam,
    tugas_ekspor,
    tunggu_ekspor,
)
from sqlalchemy import func, select, update

from kinerja_web import jobs, tugas_latar
from kinerja_web.alur import sinkro as alur_sinkro
from kinerja_web.extensions import baca_saja, db
from kinerja_web.models import Akun, Audit, Dinas, Ekspor, LogSinkro, TugasEkspor
from kinerja_web.peran import muat_peran
from kinerja_web.sinkro import berkas, cek, tugas
from kinerja_web.sinkro import ekspor as modul_ekspor
from kinerja_web.waktu import sekarang

BATAS = 60  # seconds any wait for the job thread may take before the test fails
ANTRIKAN = tugas.antrikan  # the real one (the background thread of this process)


@pytest.fixture
def antre(monkeypatch):
    """Jobs stay queued: the test runs them itself (tugas.jalankan)."""
    daftar = []
    monkeypatch.setattr(tugas, "antrikan", lambda app, tugas_id: daftar.append(tugas_id))
    return daftar


def baca(fungsi, *args):
    db.session.rollback()
    with baca_saja():
        return fungsi(*args)


def jumlah(model, *where):
    return baca(lambda: db.session.scalar(select(func.count()).select_from(model).where(*where)))


def audit(aksi):
    return jumlah(Audit, Audit.aksi == aksi)


def pemilik_mati():
    """The identity of a process of this machine that has exited (its heartbeat, written
    a moment ago, still looks fresh)."""
    proses = subprocess.Popen(["true"])
    proses.wait()
    return f"{tugas_latar._mesin()}|{proses.pid}|1|dead"


def jadikan_berjalan(tugas_id, pekerja, **nilai):
    db.session.rollback()
    db.session.execute(update(TugasEkspor).where(TugasEkspor.id == tugas_id).values(
        status="berjalan", pekerja=pekerja, detak=sekarang(), **nilai))
    db.session.commit()


def jalankan(tugas_id):
    db.session.rollback()
    hasil = tugas.jalankan(tugas_id)
    db.session.rollback()
    return hasil


class Rem:
    """Holds the job thread inside the pre-check of the `ke`-th subject until released."""

    def __init__(self, monkeypatch, ke=5):
        self.sampai, self.lepas, self.n = threading.Event(), threading.Event(), 0
        asli = cek.periksa

        def periksa(*a, **kw):
            self.n += 1
            if self.n == ke:
                self.sampai.set()
                self.lepas.wait(BATAS)
            return asli(*a, **kw)

        monkeypatch.setattr(cek, "periksa", periksa)

    def tunggu(self):
        assert self.sampai.wait(BATAS), "pekerjaan ekspor tidak mulai"


def bagian_progres(r):
    return dom(r).css_first("#progres")


# ------------------------------------------------------------------ progress


def test_progres_terlihat_di_tengah_pekerjaan_lalu_tautan_hasil(app, demo, buat_klien,
                                                               monkeypatch):
    k = operator_demo(buat_klien)
    rem = Rem(monkeypatch)
    try:
        r = k.post("/sinkro/ekspor", {"jenis": "perencanaan"})
        tugas_id = id_tugas(r)
        rem.tunggu()
        t = tugas_ekspor(tugas_id)
        assert t.status == "berjalan" and t.tahap == "cek"
        assert 0 < t.diproses < t.total
        halaman = k.get(f"/sinkro/ekspor/tugas/{tugas_id}")
        assert halaman.status_code == 200
        isi = teks(halaman)
        assert f"{t.diproses} dari {t.total} pegawai diperiksa" in isi
        assert "Cek kesiapan (sedang berjalan)" in isi
        progres = bagian_progres(halaman)
        # htmx polls every few seconds; without JavaScript a link reloads (no meta refresh).
        assert progres.attributes["hx-get"] == f"/sinkro/ekspor/tugas/{tugas_id}"
        assert "every 3s" in progres.attributes["hx-trigger"]
        assert not dom(halaman).css('meta[http-equiv="refresh"]')
        muat = [a for a in progres.css("a") if a.text(strip=True) == "Muat ulang"]
        assert muat and muat[0].attributes["href"] == f"/sinkro/ekspor/tugas/{tugas_id}"
        # The index lists the open job with its count.
        assert f"{t.diproses} dari {t.total} pegawai diperiksa" in teks(k.get("/sinkro/ekspor"))
        # A poll answers the fragment only, and keeps polling while it runs.
        r = k.get(f"/sinkro/ekspor/tugas/{tugas_id}", headers={"HX-Request": "true"})
        assert r.status_code == 200 and dom(r).css_first("#progres") is not None
        assert "<html" not in r.get_data(as_text=True)
    finally:
        rem.lepas.set()
    pekerja_ekspor_diam(BATAS)
    t = tunggu_ekspor(tugas_id, BATAS)
    assert t.status == "selesai", t.galat
    assert t.diproses == t.total and t.ekspor_id
    r = k.get(f"/sinkro/ekspor/tugas/{tugas_id}", headers={"HX-Request": "true"})
    assert r.status_code == 286  # htmx stops polling
    halaman = k.get(f"/sinkro/ekspor/tugas/{tugas_id}")
    tautan = {a.text(strip=True): a.attributes["href"] for a in bagian_progres(halaman).css("a")}
    assert tautan[f"Lihat hasil ekspor #{t.ekspor_id}"] == f"/sinkro/ekspor/{t.ekspor_id}"
    assert tautan["Unduh JSON Lines"] == f"/sinkro/ekspor/{t.ekspor_id}/{berkas.NAMA_JSONL}"
    assert "Muat ulang" not in tautan and not bagian_progres(halaman).css("form")
    diekspor, gagal = baca(lambda: db.session.execute(select(
        Ekspor.jumlah_diekspor, Ekspor.jumlah_gagal).where(Ekspor.id == t.ekspor_id)).one())
    assert "Ekspor selesai" in teks(halaman)
    assert f": {diekspor} pegawai diekspor, {gagal} gagal" in teks(halaman)
    assert k.get(tautan["Unduh XLSX"]).status_code == 200
    # Every transition audited: queued by the Operator, taken, finished, the export itself.
    assert [audit(a) for a in ("tugas_ekspor", "tugas_ekspor_berjalan", "tugas_ekspor_selesai",
                               "ekspor_ekinerja")] == [1, 1, 1, 1]
    akun_op = baca(lambda: db.session.scalar(select(Akun.id).where(Akun.username == "operator")))
    assert set(baca(lambda: db.session.scalars(select(Audit.akun_id).where(
        Audit.objek_tipe == "tugas_ekspor")).all())) == {akun_op}


# ------------------------------------------------------------------ one job


def test_kirim_lagi_saat_berjalan_mengikuti_tugas_yang_sama(app, demo, buat_klien, antre):
    k, k2 = operator_demo(buat_klien), operator_demo(buat_klien)  # two tabs: two keys
    pertama = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    r = k2.post("/sinkro/ekspor", {"jenis": "perencanaan"})
    assert id_tugas(r) == pertama and antre == [pertama]
    assert "sudah berjalan" in teks(k2.get(r.headers["Location"]))
    # Another kind is another job.
    lain = id_tugas(k.post("/sinkro/ekspor", {"jenis": "penilaian_akhir"}))
    assert lain != pertama and antre == [pertama, lain]
    assert jumlah(TugasEkspor) == 2 and audit("tugas_ekspor") == 2
    # Once it has ended, the form starts a new one.
    assert jalankan(pertama) is True
    baru = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    assert baru not in (pertama, lain)


def test_dua_post_sekaligus_satu_tugas(app, demo, buat_klien, antre, monkeypatch):
    """Two Operators (or tabs) send the form at the same moment: one job. On PostgreSQL
    both pass the look-up before either inserts; the unique index turns the second insert
    into a join of the first (on SQLite the write lock orders them)."""
    klien = [operator_demo(buat_klien) for _ in range(2)]
    if db.engine.dialect.name == "postgresql":
        bersama = threading.Barrier(2)
        asli = alur_sinkro.terbuka
        sudah = set()

        def terbuka(*a):
            hasil = asli(*a)
            if threading.get_ident() not in sudah:
                sudah.add(threading.get_ident())
                bersama.wait(BATAS)  # both found nothing open
            return hasil

        monkeypatch.setattr(alur_sinkro, "terbuka", terbuka)
    jawaban = [None, None]

    def kirim(i):
        jawaban[i] = klien[i].post("/sinkro/ekspor", {"jenis": "perencanaan"})

    benang = [threading.Thread(target=kirim, args=(i,)) for i in range(2)]
    for b in benang:
        b.start()
    for b in benang:
        b.join(BATAS)
    assert [j.status_code for j in jawaban] == [303, 303], [teks(j) for j in jawaban]
    assert jawaban[0].headers["Location"] == jawaban[1].headers["Location"]
    assert jumlah(TugasEkspor) == 1 and audit("tugas_ekspor") == 1
    assert antre == [id_tugas(jawaban[0])]


def test_indeks_unik_satu_tugas_terbuka(app, demo):
    dinas_id = baca(lambda: db.session.scalar(select(Dinas.id)))
    db.session.add(TugasEkspor(dinas_id=dinas_id, jenis="perencanaan", tahun=2025,
                               lingkup="A", status="berjalan"))
    db.session.commit()
    from sqlalchemy.exc import IntegrityError

    db.session.add(TugasEkspor(dinas_id=dinas_id, jenis="perencanaan", tahun=2025,
                               lingkup="B", status="antri"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Ended jobs are not in the running set: any number of them.
    for status in ("selesai", "gagal", "dibatalkan", "selesai"):
        db.session.add(TugasEkspor(dinas_id=dinas_id, jenis="perencanaan", tahun=2025,
                                   lingkup="C", status=status))
    db.session.commit()
    assert jumlah(TugasEkspor) == 5


# ------------------------------------------------------------------ cancel, failure


def test_batal_saat_antri_dan_saat_berjalan(app, demo, buat_klien, antre, monkeypatch):
    k = operator_demo(buat_klien)
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    r = k.post(f"/sinkro/ekspor/tugas/{tugas_id}/batal")
    assert r.status_code == 303
    assert "Ekspor dibatalkan" in teks(k.get(r.headers["Location"]))
    assert tugas_ekspor(tugas_id).status == "dibatalkan"
    assert jalankan(tugas_id) is False  # a worker arriving later does nothing
    assert k.post(f"/sinkro/ekspor/tugas/{tugas_id}/batal").status_code == 303
    assert audit("tugas_ekspor_dibatalkan") == 1  # a second cancel changes nothing

    # Cancelled while it runs: it stops at its next progress report, storing nothing.
    monkeypatch.setattr(tugas, "antrikan", ANTRIKAN)
    rem = Rem(monkeypatch)
    try:
        tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
        rem.tunggu()
        assert k.post(f"/sinkro/ekspor/tugas/{tugas_id}/batal").status_code == 303
    finally:
        rem.lepas.set()
    pekerja_ekspor_diam(BATAS)
    t = tugas_ekspor(tugas_id)
    assert t.status == "dibatalkan" and t.ekspor_id is None
    assert jumlah(Ekspor) == 0 and jumlah(LogSinkro) == 0
    assert audit("tugas_ekspor_dibatalkan") == 2 and audit("tugas_ekspor_selesai") == 0
    assert "tidak ada yang tersimpan" in teks(k.get(f"/sinkro/ekspor/tugas/{tugas_id}"))


def test_gagal_menampilkan_alasan_dalam_bahasa_indonesia(app, demo, buat_klien, antre,
                                                        monkeypatch):
    k = operator_demo(buat_klien)
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))

    def rusak(*a, **kw):
        raise RuntimeError("kolom rhk tidak terbaca")

    monkeypatch.setattr(modul_ekspor, "catatan", rusak)
    with pytest.raises(RuntimeError):
        jalankan(tugas_id)
    t = tugas_ekspor(tugas_id)
    assert t.status == "gagal"
    assert t.galat.startswith("Ekspor berhenti karena kesalahan di server (RuntimeError: kolom "
                              "rhk tidak terbaca).")
    halaman = teks(k.get(f"/sinkro/ekspor/tugas/{tugas_id}"))
    assert "Ekspor gagal: Ekspor berhenti karena kesalahan di server" in halaman
    assert "coba lagi" in halaman
    assert jumlah(Ekspor) == 0 and jumlah(LogSinkro) == 0
    assert audit("tugas_ekspor_gagal") == 1
    # The index keeps it visible; the form starts a new job (the failed one is not open).
    butir = [li for li in dom(k.get("/sinkro/ekspor")).css("li")
             if li.css_first(f'a[href="/sinkro/ekspor/tugas/{tugas_id}"]')]
    assert len(butir) == 1 and butir[0].text(strip=True).endswith(": Gagal")
    baru = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    assert baru != tugas_id and antre == [tugas_id, baru]


# ------------------------------------------------------------------ takeover


def test_pemilik_mati_diambil_alih_dari_halaman_dan_cli(app, demo, buat_klien, antre,
                                                       monkeypatch):
    k = operator_demo(buat_klien)
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    assert antre == [tugas_id]

    # A live owner (this very process) keeps its job, whatever polls the page.
    jadikan_berjalan(tugas_id, tugas_latar.identitas(), diproses=7, total=40, tahap="cek")
    assert k.get(f"/sinkro/ekspor/tugas/{tugas_id}").status_code == 200
    assert antre == [tugas_id] and tugas.yang_terputus() == []
    # Elsewhere with a fresh heartbeat: presumed alive too.
    jadikan_berjalan(tugas_id, "mesin-lain|1|1|abcd")
    k.get(f"/sinkro/ekspor/tugas/{tugas_id}")
    assert antre == [tugas_id]

    # Its owner dies (the heartbeat still fresh): the next visit hands it on, once.
    jadikan_berjalan(tugas_id, pemilik_mati())
    assert tugas.yang_terputus() == [tugas_id]
    r = k.get(f"/sinkro/ekspor/tugas/{tugas_id}", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Menunggu giliran" in teks(r)
    assert antre == [tugas_id, tugas_id] and tugas_ekspor(tugas_id).status == "antri"
    k.get(f"/sinkro/ekspor/tugas/{tugas_id}")  # queued a moment ago: not queued twice
    assert antre == [tugas_id, tugas_id]
    assert audit("tugas_ekspor_dilanjutkan") == 1

    # A restart (the first request of a new process) hands it on as well.
    jadikan_berjalan(tugas_id, pemilik_mati())
    monkeypatch.setattr(jobs, "antrikan", lambda app, batch_id: None)
    jobs._pulihkan(app)
    assert antre == [tugas_id, tugas_id, tugas_id]

    # Taken over directly by `flask ekspor-lanjut`, run again from the start, finished.
    jadikan_berjalan(tugas_id, pemilik_mati(), diproses=30, total=40, tahap="susun")
    hasil = app.test_cli_runner().invoke(args=["ekspor-lanjut"])
    assert hasil.exit_code == 0, hasil.output
    assert f"Melanjutkan ekspor (tugas {tugas_id})" in hasil.output
    t = tugas_ekspor(tugas_id)
    assert t.status == "selesai" and t.diproses == t.total and t.total != 40
    assert audit("tugas_ekspor_dilanjutkan") == 2
    assert jumlah(Ekspor) == 1 and audit("ekspor_ekinerja") == 1


def test_pekerja_yang_kehilangan_tugas_tidak_menyimpan(app, demo, buat_klien, antre,
                                                       monkeypatch):
    """A worker thought dead whose job was taken over meanwhile stores nothing at its end
    (only the owner finishes the job)."""
    k = operator_demo(buat_klien)
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    asli = modul_ekspor.simpan

    def simpan(siap, akun=None):
        raise AssertionError("simpan dipanggil oleh pekerja yang bukan pemilik")

    # The owner changes right after the pre-check (another node took it over).
    asli_siapkan = modul_ekspor.siapkan

    def siapkan(*a, **kw):
        hasil = asli_siapkan(*a, **kw)
        with db.engine.begin() as conn:
            conn.execute(update(TugasEkspor).where(TugasEkspor.id == tugas_id)
                         .values(pekerja="mesin-lain|1|1|baru"))
        return hasil

    monkeypatch.setattr(modul_ekspor, "siapkan", siapkan)
    monkeypatch.setattr(modul_ekspor, "simpan", simpan)
    assert jalankan(tugas_id) is False
    t = tugas_ekspor(tugas_id)
    assert t.status == "berjalan" and t.pekerja == "mesin-lain|1|1|baru"
    assert jumlah(Ekspor) == 0
    monkeypatch.setattr(modul_ekspor, "simpan", asli)


# ------------------------------------------------------------------ access


def test_operator_dinas_lain_mendapat_404(app, dunia, buat_klien, antre):
    k = masuk(buat_klien, "operator")
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
    lain = masuk(buat_klien, "operator_lain")  # the second Dinas' Operator
    assert lain.get(f"/sinkro/ekspor/tugas/{tugas_id}").status_code == 404
    assert lain.post(f"/sinkro/ekspor/tugas/{tugas_id}/batal").status_code == 404
    assert tugas_ekspor(tugas_id).status == "antri"
    # Their own form starts their own Dinas' job, not a join of this one.
    assert id_tugas(lain.post("/sinkro/ekspor", {"jenis": "perencanaan"})) != tugas_id


def test_alur_menolak_yang_bukan_operator_dinas_ini(app, demo):
    kadis = baca(lambda: db.session.scalar(select(Akun).where(Akun.username == "kadis")))
    kadis.peran = muat_peran(kadis.pegawai)
    from kinerja_web.alur import Ditolak

    with pytest.raises(Ditolak, match="Operator Dinas"):
        alur_sinkro.mulai(kadis, kadis.peran.dinas_id, "perencanaan", 2025, "Seluruh Dinas")
    op = db.session.scalar(select(Akun).where(Akun.username == "operator"))
    op.peran = muat_peran(op.pegawai)
    with pytest.raises(Ditolak, match="Operator Dinas ini"):
        alur_sinkro.mulai(op, op.peran.dinas_id + 1000, "perencanaan", 2025, "Seluruh Dinas")
    db.session.rollback()
    assert jumlah(TugasEkspor) == 0


# ------------------------------------------------------------------ same files


@pytest.mark.parametrize("jenis", ["perencanaan", "penilaian_akhir"])
def test_berkas_sama_dengan_ekspor_sinkron(app, demo, buat_klien, antre, jenis):
    k = operator_demo(buat_klien)
    tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": jenis}))
    assert jalankan(tugas_id) is True
    t = tugas_ekspor(tugas_id)
    dinas_id = t.dinas_id
    sinkron = modul_ekspor.ekspor(dinas_id, jenis, t.tahun)
    db.session.commit()
    latar = db.session.get(Ekspor, t.ekspor_id)
    assert latar.jumlah_diekspor > 0 or jenis == "penilaian_akhir"
    assert latar.jsonl == sinkron.jsonl and latar.sha256 == sinkron.sha256
    assert berkas.baca_xlsx(latar.xlsx) == berkas.baca_xlsx(sinkron.xlsx)
    assert (latar.jumlah_diekspor, latar.jumlah_gagal, latar.jumlah_rhk,
            latar.jumlah_indikator) == (sinkron.jumlah_diekspor, sinkron.jumlah_gagal,
                                        sinkron.jumlah_rhk, sinkron.jumlah_indikator)
    # The manifest differs only in the export's id and time, and the XLSX's checksum
    # (the workbook records when it was written; its content is compared above).
    buang = ("ekspor_id", "dibuat", "waktu", "berkas")
    assert {x: v for x, v in latar.manifes.items() if x not in buang} == \
        {x: v for x, v in sinkron.manifes.items() if x not in buang}
    assert latar.manifes["berkas"][berkas.NAMA_JSONL] == \
        sinkron.manifes["berkas"][berkas.NAMA_JSONL]

    def log(e):
        return sorted((b.pegawai_id, b.posisi, b.status, b.catatan, b.rhk_masuk)
                      for b in db.session.scalars(select(LogSinkro).where(
                          LogSinkro.ekspor_id == e.id)))

    assert log(latar) == log(sinkron)
    ekspor_id, jsonl = latar.id, sinkron.jsonl
    db.session.rollback()  # no transaction of the test open across the request
    # The job's files download as the synchronous export's would.
    assert k.get(f"/sinkro/ekspor/{ekspor_id}/{berkas.NAMA_JSONL}").data == jsonl


def test_cli_menjalankan_tugas_yang_sama_dan_menolak_saat_berjalan(app, demo, tmp_path):
    hasil = app.test_cli_runner().invoke(args=["ekspor-ekinerja", "--keluar",
                                               str(tmp_path / "a"), "--operator", "operator"])
    assert hasil.exit_code == 0, hasil.output
    t = baca(lambda: db.session.scalar(select(TugasEkspor)))
    assert t.status == "selesai" and t.lingkup == "Seluruh Dinas (CLI)" and t.ekspor_id
    assert (tmp_path / "a" / berkas.NAMA_JSONL).read_bytes() == \
        baca(lambda: db.session.get(Ekspor, t.ekspor_id).jsonl)
    # One open at a time, from the page or the shell.
    jadikan_berjalan(t.id, "mesin-lain|1|1|abcd")
    db.session.execute(update(TugasEkspor).where(TugasEkspor.id == t.id).values(ekspor_id=None))
    db.session.commit()
    hasil = app.test_cli_runner().invoke(args=["ekspor-ekinerja", "--keluar",
                                               str(tmp_path / "b")])
    assert hasil.exit_code != 0 and f"sudah berjalan (tugas #{t.id})" in hasil.output
    assert not (tmp_path / "b").exists()


# ------------------------------------------------------------------ RQ


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"),
                    reason="TEST_REDIS_URL tidak diatur; uji antrean RQ dilewati")
def test_ekspor_lewat_rq_dan_redis(demo, buat_klien, app, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ["TEST_REDIS_URL"]
    redis = Redis.from_url(url)
    app.config["REDIS_URL"] = url
    monkeypatch.setenv("KINERJA_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("KINERJA_SECRET_KEY", app.config["SECRET_KEY"])
    try:
        with redis.lock("kinerja-uji-rq", timeout=300, blocking_timeout=300):
            q = Queue(tugas.ANTREAN, connection=redis)
            q.empty()
            k = masuk_demo(buat_klien, "operator")
            tugas_id = id_tugas(k.post("/sinkro/ekspor", {"jenis": "perencanaan"}))
            assert tugas_ekspor(tugas_id).status == "antri"
            assert q.count == 1
            job = q.jobs[0]
            assert (job.func_name, job.args) == ("kinerja_web.jobs.kerja_rq_ekspor", (tugas_id,))
            assert SimpleWorker([q], connection=redis).work(burst=True)
            assert q.count == 0
    finally:
        redis.close()
    t = tunggu_ekspor(tugas_id, BATAS)
    assert t.status == "selesai", t.galat
    assert "Ekspor selesai" in teks(k.get(f"/sinkro/ekspor/tugas/{tugas_id}"))
    assert audit("tugas_ekspor_selesai") == 1
