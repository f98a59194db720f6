"""Concurrency: no lost and no doubled writes (issue 8, point 4).

Real gunicorn, two workers (the README's production command), on a migrated SQLite file
and — when TEST_DATABASE_URL is set — on a PostgreSQL database of its own. 50 teachers sign
in at once and each submits 20 forms; every form is sent twice at the same moment (two
threads released by a barrier, the same cookies and CSRF token: a double click). The mix:

- "Mulai Perencanaan Kinerja" — creates the SKP; idempotent through the submission key
  (kunci kiriman, UNIQUE, written in the SKP's transaction);
- wizard steps 1–4 and "Ajukan" — versioned: the twin gets 409 (or, for Ajukan, the page
  the first one reached);
- the competency reflection of last year's agreed SKP — created by its first save,
  versioned afterwards;
- 13 progress notes (catatan upaya) — keyed by the note's own UNIQUE `kunci`.

Afterwards exactly the expected rows exist, no answer was a 5xx, nothing is doubled and
every transition has exactly one audit row. Select with `-m server`.
"""

import json
import os
import re
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from bantu import ada, atribut, atribut_semua, dom, nilai, nilai_semua, teks_css
from proses_uji import (
    SANDI,
    Gunicorn,
    KlienHttp,
    dinas_kedua,
    engine_untuk,
    hitung_baris,
    isi_guru,
    kirim_ganda,
    migrasi,
    migrasi_demo,
    nilai_hidden,
    pg_sementara,
)
from sqlalchemy import text

from kinerja_web.demo import TAHUN_INI
from kinerja_web.waktu import sekarang

pytestmark = pytest.mark.server

KLIEN = 50
UPAYA = 13  # 1 Mulai + 4 steps + Ajukan + reflection + 13 notes = 20 forms per client
ISI = {1: {"tugas_tambahan": "tidak"}, 2: {"praktik": "D1-1"}, 3: {"kompetensi": "1.2"},
       4: {"aspek": ["kompeten", "kolaboratif"]}}
# The answers a pair of twins may get: the first one's, and the twin's.
BOLEH = {
    "mulai": [(303, 303)],  # the twin follows the first to the same step
    "langkah": [(303, 409)],  # the twin's version is stale
    "ajukan": [(303, 303)],  # the twin sees it already submitted and goes to the plan
    "kompetensi": [(303, 409)],
    "upaya": [(303, 303)],  # the twin finds its note stored and answers like the first
}
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def basis(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'serentak.db'}"
    else:
        with pg_sementara(f"serentak_{os.getpid()}") as url:
            yield url


class Catatan:
    """Every pair of answers, by kind of form, shared by the client threads."""

    def __init__(self):
        self.kunci = threading.Lock()
        self.pasangan = []  # (username, jenis, (status, status), (lokasi, lokasi))
        self.galat = []  # (username, what failed)
        self.upaya = []  # (username, note key) of every note sent
        self.detik = None  # how long the load took

    def pasang(self, username, jenis, jawaban):
        with self.kunci:
            gagal = [j for j in jawaban if isinstance(j, Exception)]
            if gagal:
                self.galat.append((username, f"{jenis}: {gagal[0]!r}"))
                return None
            self.pasangan.append((username, jenis, tuple(j.status for j in jawaban),
                                  tuple(j.lokasi for j in jawaban)))
        return jawaban

    def status(self):
        return Counter(s for _, _, pasang, _ in self.pasangan for s in pasang)

    def menyimpang(self):
        """Pairs whose answers are not what that form may answer (order ignored)."""
        return [p for p in self.pasangan
                if tuple(sorted(p[2])) not in BOLEH[p[1]]
                or (p[1] in ("mulai", "ajukan", "upaya") and p[3][0] != p[3][1])]


def satu_klien(url, guru, catatan, dengan_kunci=True):
    """One teacher: sign in, then the 20 forms, each sent twice at the same moment. A page
    that does not load ends this client (the failure is recorded). `dengan_kunci=False`
    leaves the submission key out of "Mulai" (bench/serentak.py: what it is for)."""
    k = KlienHttp(url)
    try:
        k.masuk(guru.username)
        # Both years run: the teacher switches to this year's plan (remembered after).
        r = k.get("/perencanaan?tahun=2025")
        assert r.status == 200, f"/perencanaan {r.status}"
        kunci = {"kiriman": nilai_hidden(r.teks, "kiriman")} if dengan_kunci else {}
        j = catatan.pasang(guru.username, "mulai", kirim_ganda(
            k, "/perencanaan/mulai/guru", kunci))
        m = [re.fullmatch(r"/perencanaan/(\d+)/langkah/1", x.lokasi or "") for x in j or []]
        m = next((x for x in m if x), None)
        assert m, f"mulai: {j and [x.status for x in j]}"
        skp_id = int(m.group(1))
        for n in (1, 2, 3, 4):
            url_n = f"/perencanaan/{skp_id}/langkah/{n}"
            r = k.get(url_n)
            assert r.status == 200, f"{url_n} {r.status}"
            catatan.pasang(guru.username, "langkah", kirim_ganda(
                k, url_n, {**ISI[n], "aksi": "lanjut", "versi": nilai_hidden(r.teks, "versi")}))
        r = k.get(f"/perencanaan/{skp_id}/langkah/5")
        catatan.pasang(guru.username, "ajukan", kirim_ganda(
            k, f"/perencanaan/{skp_id}/langkah/5",
            {"aksi": "ajukan", "versi": nilai_hidden(r.teks, "versi")}))

        url_k = f"/pelaksanaan/{guru.skp_lalu}/kompetensi"
        r = k.get(url_k)
        assert r.status == 200, f"{url_k} {r.status}"
        catatan.pasang(guru.username, "kompetensi", kirim_ganda(k, url_k, {
            "inspirasi_0": f"Belajar dari rekan, {guru.username}.", "inspirasi_1": "",
            "inspirasi_2": "", "penerapan_0": "Diterapkan di kelas.", "penerapan_1": "",
            "penerapan_2": "", "aksi": "simpan", "versi": nilai_hidden(r.teks, "versi")}))

        url_u = f"/pelaksanaan/{guru.skp_lalu}/praktik/4"
        for i in range(UPAYA):
            r = k.get(url_u)
            assert r.status == 200, f"{url_u} {r.status}"
            kunci = nilai_hidden(r.teks, "kunci")
            with catatan.kunci:
                catatan.upaya.append((guru.username, kunci))
            catatan.pasang(guru.username, "upaya", kirim_ganda(k, url_u, {
                "tanggal": f"2024-03-{i + 1:02d}", "isi": f"Catatan {i + 1} {guru.username}",
                "kunci": kunci, "versi": nilai_hidden(r.teks, "versi"), "aksi": "tambah"}))
    except Exception as e:  # noqa: BLE001 (recorded; the test reports every client's)
        with catatan.kunci:
            catatan.galat.append((guru.username, repr(e)))


def jalankan(url, guru, dengan_kunci=True):
    catatan = Catatan()
    benang = [threading.Thread(target=satu_klien, args=(url, g, catatan, dengan_kunci))
              for g in guru]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    return catatan


def periksa_database(db_url, guru, catatan, audit_awal):
    """What is wrong in the database after the run (empty: nothing)."""
    salah = []

    def satu(sql, **p):
        return hitung_baris(db_url, sql, **p)[0][0]

    n = len(guru)
    harap = {
        "SKP tahun ini": (satu("SELECT count(*) FROM skp s JOIN tahun_kinerja t "
                               "ON t.id = s.tahun_id WHERE t.tahun = 2025"), n),
        "SKP diajukan": (satu("SELECT count(*) FROM skp WHERE status = 'diajukan'"), n),
        "kunci kiriman": (satu("SELECT count(*) FROM kunci_kiriman"), n),
        "refleksi kompetensi": (satu("SELECT count(*) FROM refleksi_kompetensi"), n),
        "catatan upaya": (satu("SELECT count(*) FROM catatan_upaya"), n * UPAYA),
    }
    salah += [f"{nama}: {ada} baris, seharusnya {mau}"
              for nama, (ada, mau) in harap.items() if ada != mau]
    # Every note sent is stored exactly once, under the praktik of its sender.
    tersimpan = Counter(k for (k,) in hitung_baris(db_url, "SELECT kunci FROM catatan_upaya"))
    hilang = [k for _, k in catatan.upaya if tersimpan[k] != 1]
    if hilang:
        salah.append(f"{len(hilang)} catatan upaya tidak tersimpan tepat sekali")
    per_praktik = hitung_baris(db_url, "SELECT praktik_id, count(*) FROM catatan_upaya "
                                       "GROUP BY praktik_id HAVING count(*) <> :n", n=UPAYA)
    if per_praktik:
        salah.append(f"praktik dengan jumlah catatan bukan {UPAYA}: {per_praktik[:5]}")
    # One audit row per transition, per object.
    audit = Counter(dict(hitung_baris(
        db_url, "SELECT aksi, count(*) FROM audit WHERE id > :awal GROUP BY aksi",
        awal=audit_awal)))
    harap_audit = {"masuk": n, "skp_dibuat": n, "skp_draf_disimpan": 4 * n, "skp_diajukan": n,
                   "kompetensi_disimpan": n, "praktik_4_upaya": n * UPAYA}
    if audit != Counter(harap_audit):
        salah.append(f"baris audit {dict(audit)}, seharusnya {harap_audit}")
    ganda = hitung_baris(db_url, """
        SELECT objek_id, aksi, count(*) FROM audit
        WHERE id > :awal AND aksi IN ('skp_dibuat', 'skp_diajukan', 'kompetensi_disimpan')
        GROUP BY objek_id, aksi HAVING count(*) > 1""", awal=audit_awal)
    if ganda:
        salah.append(f"transisi dengan lebih dari satu baris audit: {ganda[:5]}")
    return salah


def uji_beban(db_url, tmp_path, jumlah, dengan_kunci=True, **lain):
    """Migrate, generate `jumlah` teachers, serve, run the load; (answers, what is wrong
    in the database, seconds the load took)."""
    migrasi(db_url)
    guru = isi_guru(db_url, jumlah, ini_berjalan=True)
    audit_awal = hitung_baris(db_url, "SELECT coalesce(max(id), 0) FROM audit")[0][0]
    with Gunicorn(db_url, tmp_path / "gunicorn.log", **lain) as server:
        mulai = time.perf_counter()
        catatan = jalankan(server.url, guru, dengan_kunci)
        catatan.detik = time.perf_counter() - mulai
    return catatan, periksa_database(db_url, guru, catatan, audit_awal)


def test_50_klien_kirim_ganda_tidak_ada_yang_hilang_atau_ganda(basis, tmp_path):
    catatan, salah_db = uji_beban(basis, tmp_path, KLIEN)
    status = catatan.status()
    print(f"\n{len(catatan.pasangan)} pasang kiriman; jawaban {dict(sorted(status.items()))}")
    assert catatan.galat == []
    assert len(catatan.pasangan) == KLIEN * 20
    assert sum(n for s, n in status.items() if s >= 500) == 0
    assert catatan.menyimpang() == []
    assert salah_db == []


def test_regresi_begin_deferred_sqlite_kehilangan_tulisan(tmp_path):
    """Why every SQLite write transaction starts with BEGIN IMMEDIATE — kept as a
    regression test so that nobody "simplifies" it away.

    With Python's default deferred BEGIN a request's transaction starts as a reader (the
    session and user lookup) and upgrades to a writer at its first write. When the other
    worker committed in between, SQLite cannot upgrade that reader's snapshot and answers
    "database is locked" at once (busy_timeout does not help: waiting cannot fix a stale
    snapshot). The same load that passes above must therefore fail here: 5xx answers (and,
    depending on timing, forms whose content never reaches the database, which is only
    printed: a client may retry its way to the right rows). If this test starts
    to pass, the deferred entry (tests/wsgi_begin_deferred.py) no longer does what it says,
    and the test above proves nothing about BEGIN IMMEDIATE.
    """
    catatan, salah_db = uji_beban(f"sqlite:///{tmp_path / 'deferred.db'}", tmp_path, 10,
                                  aplikasi="tests.wsgi_begin_deferred:app")
    status = catatan.status()
    galat_5xx = sum(n for s, n in status.items() if s >= 500)
    print(f"\nBEGIN deferred: {len(catatan.pasangan)} pasang; jawaban "
          f"{dict(sorted(status.items()))}; {len(catatan.galat)} klien terhenti; "
          f"{len(salah_db)} selisih di database")
    assert galat_5xx > 0


# ------------------------------------------------------------------ a wave of wrong passwords

GELOMBANG = 30
GTHREAD = ("-k", "gthread", "--threads", "4")  # the README's production workers


def test_gelombang_sandi_salah_paling_banyak_lima_diperiksa(basis, tmp_path):
    """30 wrong passwords for one account at the same moment (2 gthread workers × 4
    threads: 8 in flight), then — once 5 answers are back — the right one. At most
    MASUK_MAKS_GAGAL (5) passwords are compared (one "masuk_gagal" audit row each; the
    counter is claimed with UPDATE … RETURNING before the hash), the account is locked
    (one "akun_dikunci"), and the right password arriving after the 5th failure does not
    sign in. Before the claim, PostgreSQL compared about 24 and let the right one in."""
    migrasi(basis)
    guru = isi_guru(basis, 1)[0]
    audit_awal = hitung_baris(basis, "SELECT coalesce(max(id), 0) FROM audit")[0][0]
    jawaban, kunci = [], threading.Lock()
    lima = threading.Event()
    with Gunicorn(basis, tmp_path / "gunicorn.log", argumen=GTHREAD) as server:
        gerbang = threading.Barrier(GELOMBANG)

        def salah(i):
            k = KlienHttp(server.url)
            k.get("/masuk")
            gerbang.wait(timeout=60)
            r = k.post("/masuk", {"identitas": guru.username, "sandi": f"Salah-{i:02d}-xyz"})
            with kunci:
                jawaban.append(r.status)
                if len(jawaban) >= 5:
                    lima.set()

        benang = [threading.Thread(target=salah, args=(i,)) for i in range(GELOMBANG)]
        for b in benang:
            b.start()
        benar = KlienHttp(server.url)
        benar.get("/masuk")
        assert lima.wait(120), "jawaban gelombang tidak datang"
        r_benar = benar.post("/masuk", {"identitas": guru.username, "sandi": SANDI})
        for b in benang:
            b.join()
    audit = Counter(dict(hitung_baris(
        basis, "SELECT aksi, count(*) FROM audit WHERE id > :awal GROUP BY aksi",
        awal=audit_awal)))
    terkunci = hitung_baris(basis, "SELECT terkunci_sampai FROM akun WHERE username = :u",
                            u=guru.username)[0][0]
    print(f"\njawaban {Counter(jawaban)}; benar {r_benar.status}; audit {dict(audit)}")
    assert sorted(jawaban) == [422] * GELOMBANG
    assert r_benar.status == 422  # locked: the right password is refused too
    assert audit["masuk_gagal"] == 5  # exactly five passwords were compared
    assert audit["akun_dikunci"] == 1
    assert audit["masuk"] == 0
    assert terkunci is not None


# ------------------------------------------------------------------ every other form, twice

SANDI_DEMO = "kinerja-demo"
# The answers a pair of twins may get (order ignored), per form of the demo walk below.
BOLEH_DEMO = {
    "pko_baru": {(303, 409)},  # the twin's "no PKO yet" (version 0) is stale
    "pko_dinas": {(303, 409)},
    "buka_penetapan": {(303, 303)},  # the twin is told it is reopened already
    "penetapan": {(303, 303)},  # the twin is sent where the first went ("sudah tersimpan")
    "buka_pengiriman": {(303, 303)},
    "kirim": {(303, 303)},  # the twin finds nothing left to send
    "plot": {(303, 303)},  # "set to": both land on the same plot
    "periode_baru": {(303, 303)},
    "periode_ubah": {(303, 409)},
    "periode_hapus": {(303, 404), (303, 409)},
    "ekspor": {(303, 303)},
    "ganti_sandi": {(303, 422)},  # the twin's "current password" is no longer current
    "keluar": {(302, 303), (303, 303)},
    "setujui": {(303, 303)},  # the twin sees it approved already and goes to the list
    "sepakati": {(303, 303)},
    "hasil": {(303, 409)},  # the first save creates the assessment; the twin is stale
    "perilaku": {(303, 409)},
    "batal": {(303, 303)},  # the twin finds it cancelled already
    "pengaturan": {(303, 303)},  # the twin finds nothing left to change
    "draf": {(303, 409)},  # the approver's "Simpan draf": the twin's version is stale
    "logo": {(303, 303)},  # the twin finds this logo stored already ("sudah tersimpan")
    "garuda": {(303, 303)},
    "tte": {(303, 303)},  # the twin finds nothing left to change
    "impor_unggah": {(303, 303)},  # the twin is sent to the first one's preview
    "terapkan": {(200, 303)},  # the first shows the result, the twin "sudah diproses"
    "sandi_ulang": {(200, 200)},  # two regenerations; the last committed one counts
    "referensi_unggah": {(303, 303)},
    "referensi_terapkan": {(303, 303)},  # the twin is told "sudah diproses"
    "atur_ulang_sandi": {(200, 200)},  # two resets; the last committed one counts
    "tugas": {(303, 409)},
    "validasi_dokumen": {(303, 409)},  # accepted once; the twin's version is stale
    "kompetensi_skp": {(303, 409)},
    "batch": {(303, 303)},  # one job; the twin follows the first to its status page
    "batch_batal": {(303, 303)},
    "ekspor_batal": {(303, 303)},  # cancelled once; the twin finds it ended
    "upaya_ubah": {(303, 409)},  # corrected once; the twin's version is stale
    "upaya_hapus": {(303, 404)},  # deleted once; the twin finds no such note
    "profil": {(303, 303)},  # saved once; the twin finds nothing left to change
    "buka_tahun": {(303, 409)},  # opened once; the twin finds the year there ("sudah dibuka")
    "mulai_tahun": {(303, 409)},  # the year's version: the twin's is stale
    "tutup_tahun": {(303, 409)},
    # Granting or opening again replaces the same values: the twin finds them stored, or
    # (both read "none yet") loses the UNIQUE race and is told the row changed.
    "perpanjangan": {(303, 303), (303, 409)},
    "buka_perencanaan": {(303, 303), (303, 409)},
    "mutasi": {(303, 422)},  # recorded once; the twin: "Mutasi ini sudah dicatat."
}
# Each act once: its audit rows after the walk (the stale-PKO check adds one pko_ditetapkan).
AUDIT_DEMO = {"kontak_diubah": 1,
              "pko_ditetapkan": 2, "pko_dinas_ditetapkan": 1, "penetapan_dibuka": 2,
              "predikat_ditetapkan": 1, "pengiriman_dibuka": 1, "penilaian_dikirim": 1,
              "periode_ekinerja_dibuat": 1, "periode_ekinerja_diubah": 1,
              "periode_ekinerja_dihapus": 1, "ekspor_ekinerja": 1, "tugas_ekspor": 1,
              "tugas_ekspor_selesai": 1, "tugas_ekspor_dibatalkan": 1, "ganti_sandi": 1,
              "keluar": 1, "skp_disetujui": 1, "skp_disepakati": 1, "rating_hasil": 1,
              "rating_perilaku": 1, "impor_dibatalkan": 1, "referensi_dibatalkan": 1,
              "pengaturan_dinas": 1, "skp_catatan_draf": 1, "logo_diunggah": 1,
              "garuda_diunggah": 1, "impor_diunggah": 1, "impor_diterapkan": 1,
              "impor_sandi_dibuat_ulang": 2, "referensi_diunggah": 1,
              "referensi_diterapkan": 1, "atur_ulang_sandi": 2, "konfirmasi_tugas_pegawai": 2,
              "skp_kompetensi_diubah": 1, "cetak_batch": 1, "cetak_batch_dibatalkan": 1,
              "konfirmasi_dokumen_diterima": 1, "praktik_4_upaya_diubah": 1,
              "praktik_4_upaya_dihapus": 1, "pengaturan_tte": 1, "tahun_dibuka": 1,
              "tahun_dimulai": 1, "tahun_ditutup": 1, "tenggat_diperpanjang": 1,
              "perencanaan_dibuka": 1, "mutasi_dicatat": 1, "skp_ditutup_mutasi": 1}
# (konfirmasi_tugas_pegawai: 2 = guru7's twin once, plus kepsek1 confirming his documents.)
# Every POST route is sent twice at once by a test of this module (the 50 clients, the
# wave, the demo walk: jalan_demo, jalan_lain), or is listed in DIKECUALIKAN with the
# reason — only for routes that write nothing or append by design. A new form: add a
# `j.ganda("<kind>", user, path, data[, berkas=…])` to jalan_lain, its pair of answers to
# BOLEH_DEMO, its audit rows to AUDIT_DEMO, what it must leave (one row, …) to the
# asserts of test_kirim_ganda_formulir_dunia_demo, and its endpoint here.
DIUJI_GANDA = {
    "perencanaan.mulai", "perencanaan.langkah", "pelaksanaan.kompetensi",
    "pelaksanaan.praktik", "auth.masuk",
    "dinas_penilaian.pko_sekolah", "dinas_penilaian.pko_dinas",
    "dinas_penilaian.buka_penetapan", "penilaian.penetapan",
    "dinas_penilaian.buka_pengiriman", "penilaian.kirim", "dinas_penilaian.tim_kerja",
    "sinkro.periode_index", "sinkro.periode_ubah", "sinkro.periode_hapus",
    "sinkro.ekspor_index", "auth.ganti_sandi", "auth.keluar", "persetujuan.langkah",
    "perencanaan.sepakati", "penilaian.hasil", "penilaian.perilaku", "impor.batal",
    "sinkro.referensi_batal", "dinas.pengaturan", "pelaksanaan.validasi_dokumen",
    # jalan_lain
    "dinas.unggah_logo", "dinas.unggah_garuda", "impor.index", "impor.terapkan",
    "impor.sandi_ulang", "sinkro.unggah_referensi", "sinkro.referensi_terapkan",
    "dinas.atur_ulang_sandi", "pelaksanaan.tugas", "perencanaan.kompetensi",
    "dokumen.batch", "dokumen.batch_batal", "pelaksanaan.upaya", "pelaksanaan.hapus_upaya",
    "sinkro.ekspor_tugas_batal", "beranda.profil", "dinas.atur_tte", "dinas.buka_tahun",
    "dinas.mulai_tahun", "dinas.tutup_tahun", "dinas.perpanjang_tenggat", "dinas.catat_mutasi",
    "dinas_pra.buka",
}
DIKECUALIKAN = {
    "beranda.berhenti_kirim": "the signed unsubscribe link sets one flag under a row lock; "
    "the twin finds it set and writes nothing (test_pengingat.py: "
    "test_berhenti_ganda_sekali_diaudit)",
    "dokumen.periksa_berkas": "writes nothing: checks the signature of an uploaded PDF and "
    "stores neither the file nor a row",
    "dokumen.cetak": "every print is its own document with its own verification code and "
    "audit row by design (two prints are two printed papers)",
    "impor.unduh_sandi": "writes nothing: turns the one-time passwords posted back from "
    "the result page into a spreadsheet",
    "sinkro.sinkro_pegawai": "each press re-runs the pre-check and appends its result to "
    "the append-only Log Sinkronisasi by design; a twin appends the same result again",
    "sinkro.sinkro_ulang": "each press re-runs the pre-check and appends its result to "
    "the append-only Log Sinkronisasi by design; a twin appends the same result again",
}


SKP_DARI = ("SELECT s.id FROM skp s JOIN akun a ON a.pegawai_id = s.pegawai_id "
            "JOIN tahun_kinerja t ON t.id = s.tahun_id WHERE a.username = :u "
            f"AND t.tahun = {TAHUN_INI}")
# The running year's rows only (the demo also has last year's, closed).
DI_TAHUN_INI = f"tahun_id = (SELECT id FROM tahun_kinerja WHERE tahun = {TAHUN_INI})"


def _satu(db_url, sql, **p):
    return hitung_baris(db_url, sql, **p)[0][0]


class Jalan:
    """The demo walk: one browser per role, each form sent twice at once."""

    def __init__(self, url):
        self.url, self.klien, self.pasangan = url, {}, []

    def k(self, username):
        if username not in self.klien:
            k = KlienHttp(self.url)
            k.masuk(username, SANDI_DEMO)
            self.klien[username] = k
        return self.klien[username]

    def ganda(self, jenis, username, path, data, halaman=None, berkas=None):
        k = self.k(username)
        if halaman:
            r = k.get(halaman)
            assert r.status == 200, f"{halaman} {r.status}"
        j = kirim_ganda(k, path, data, berkas)
        gagal = [x for x in j if isinstance(x, Exception)]
        assert not gagal, f"{jenis}: {gagal[0]!r}"
        self.pasangan.append((jenis, tuple(sorted(x.status for x in j)),
                              tuple(x.lokasi for x in j)))
        return j


def _versi(teks):
    versi = nilai(teks, "versi")
    assert versi is not None, "tidak ada isian versi"
    return versi


def jalan_demo(url, db_url, ids):
    j = Jalan(url)
    w = ids["wonosari"]
    # PKO of a school that has none yet: two first settings race on the UNIQUE key.
    r = j.k("kadis").get(f"/dinas/pko/{w}")
    j.ganda("pko_baru", "kadis", f"/dinas/pko/{w}", {
        "pko": "baik", "alasan": "Rapor Pendidikan 2025.", "versi": _versi(r.teks)})
    # A stale PKO form answers 409, keeps what the user chose, and changes nothing.
    r = j.k("kadis").get(f"/dinas/pko/{w}")
    versi = _versi(r.teks)
    a = j.k("kadis").post(f"/dinas/pko/{w}", {"pko": "baik", "alasan": "Ditinjau ulang.",
                                              "versi": versi})
    basi = j.k("kadis").post(f"/dinas/pko/{w}", {"pko": "kurang", "alasan": "Dari tab lama.",
                                                 "versi": versi})
    hasil_basi = (a.status, basi.status, "PKO ini baru saja diubah" in basi.teks,
                  ada(basi.teks, 'option[selected][value="kurang"]'),
                  "Dari tab lama." in basi.teks,
                  _satu(db_url, "SELECT pko FROM pko_sekolah WHERE sekolah_id = :w", w=w))
    # The principals' penetapan of the demo is reopened, then the Dinas PKO changed.
    j.ganda("buka_penetapan", "kadis", f"/dinas/penetapan/{ids['penetapan_dinas']}/buka",
            {"alasan": "Uji kirim ganda."}, halaman="/dinas/pko-dinas")
    r = j.k("kadis").get("/dinas/pko-dinas")
    j.ganda("pko_dinas", "kadis", "/dinas/pko-dinas", {
        "pko": "baik", "alasan": "SAKIP ditinjau.", "versi": _versi(r.teks)})
    # The principal sets his teachers' predikat: one Penetapan.
    r = j.k("kepsek5").get("/penilaian/penetapan")
    assert r.status == 200, r.status
    j.ganda("penetapan", "kepsek5", "/penilaian/penetapan", {
        "aksi": "kirim", "kiriman": nilai_hidden(r.teks, "kiriman"),
        "pembenaran": "Uji kirim ganda: distribusi dibenarkan."})
    penetapan_w = hitung_baris(db_url, f"SELECT id FROM penetapan WHERE sekolah_id = :w AND "
                                       f"{DI_TAHUN_INI}", w=w)
    # Reopened, one assessment returned to its atasan, sent again.
    if len(penetapan_w) == 1:
        j.ganda("buka_penetapan", "kadis", f"/dinas/penetapan/{penetapan_w[0][0]}/buka",
                {"alasan": "Uji kirim ganda."}, halaman=f"/dinas/pko/{w}")
    pen = _satu(db_url, "SELECT min(p.id) FROM penilaian p JOIN skp s ON s.id = p.skp_id "
                        "WHERE s.sekolah_id = :w AND p.pengiriman_id IS NOT NULL AND "
                        f"s.{DI_TAHUN_INI}", w=w)
    j.ganda("buka_pengiriman", "kadis", f"/dinas/penilaian/{pen}/buka",
            {"alasan": "Perbaiki rating."}, halaman=f"/dinas/pko/{w}")
    j.ganda("kirim", "kepsek5", "/penilaian/kirim", {}, halaman="/pelaksanaan")
    # Plotting a principal who has no Tim Kerja yet: two inserts race on the UNIQUE key.
    j.ganda("plot", "operator", "/dinas/tim-kerja", {
        "ks": [str(ids["ks_tanpa_plot"])], "tim_kerja": str(ids["tim2"]), "npsn": "",
        "aksi": "plot"}, halaman="/dinas/tim-kerja")
    # Sinkro: a new period (submission key), a change and a removal (versions), an export.
    r = j.k("operator").get("/sinkro/periode")
    periode = {"nama": "SEMESTER UJI", "tahun": "2025", "mulai": "2025-01-01",
               "selesai": "2025-06-30", "batas": "2025-07-31", "tipe_periodik": "",
               "angka_periodik": ""}
    j.ganda("periode_baru", "operator", "/sinkro/periode",
            {**periode, "kiriman": nilai_hidden(r.teks, "kiriman")})
    p = ids["periode"]
    r = j.k("operator").get(f"/sinkro/periode/{p}")
    j.ganda("periode_ubah", "operator", f"/sinkro/periode/{p}", {
        "nama": "TRIWULAN III", "tahun": "2025", "mulai": "2025-07-01", "selesai": "2025-09-30",
        "batas": "2025-10-25", "tipe_periodik": "Triwulanan", "angka_periodik": "3",
        "versi": _versi(r.teks)})
    versi = _satu(db_url, "SELECT versi FROM periode_ekinerja WHERE id = :p", p=p)
    j.ganda("periode_hapus", "operator", f"/sinkro/periode/{p}/hapus", {"versi": str(versi)},
            halaman="/sinkro/periode")
    r = j.k("operator").get("/sinkro/ekspor")
    j.ganda("ekspor", "operator", "/sinkro/ekspor",
            {"jenis": "perencanaan", "kiriman": nilai_hidden(r.teks, "kiriman")})
    # Cancelling a running export job (of another machine): cancelled (and audited) once.
    j.ganda("ekspor_batal", "operator", f"/sinkro/ekspor/tugas/{ids['ekspor_berjalan']}/batal",
            {}, halaman=f"/sinkro/ekspor/tugas/{ids['ekspor_berjalan']}")
    # Planning and assessment transitions (versioned under the SKP's row lock).
    skp = ids["skp_diajukan"]
    r = j.k("kepsek1").get(f"/persetujuan/{skp}/langkah/4")
    assert r.status == 200, r.status
    j.ganda("draf", "kepsek1", f"/persetujuan/{skp}/langkah/4", {
        "aksi": "simpan", "catatan": "Draf uji kirim ganda.", "versi": _versi(r.teks)})
    r = j.k("kepsek1").get(f"/persetujuan/{skp}/langkah/4")
    j.ganda("setujui", "kepsek1", f"/persetujuan/{skp}/langkah/4", {
        "aksi": "setujui", "catatan": "", "versi": _versi(r.teks)})
    skp = ids["skp_disetujui"]
    r = j.k("guru6").get(f"/perencanaan/{skp}/sepakati")
    j.ganda("sepakati", "guru6", f"/perencanaan/{skp}/sepakati",
            {"versi": _versi(r.teks)})
    skp = ids["skp_dinilai"]
    r = j.k("kepsek1").get(f"/penilaian/{skp}/hasil")
    assert r.status == 200, r.status
    j.ganda("hasil", "kepsek1", f"/penilaian/{skp}/hasil", {
        **dict.fromkeys(("upaya_refleksi", "upaya_mempelajari", "perubahan_praktik"),
                        "sesuai"), "rating": "", "alasan": "", "umpan_balik": "Baik.",
        "aksi": "simpan", "versi": _versi(r.teks)})
    r = j.k("kepsek1").get(f"/penilaian/{skp}/perilaku")
    aspek = sorted({n.removesuffix("__perwujudan") for n in atribut_semua(
        r.teks, '[name$="__perwujudan"]', "name")})
    assert aspek, "tidak ada aspek perilaku"
    j.ganda("perilaku", "kepsek1", f"/penilaian/{skp}/perilaku", {
        **{f"{a}__{k}": "sesuai" for a in aspek for k in ("perwujudan", "dampak")},
        "rating": "", "alasan": "", "aksi": "simpan", "versi": _versi(r.teks)})
    # Cancelling an uploaded preview (roster, reference list); the letterhead settings.
    j.ganda("batal", "operator", f"/impor/{ids['impor_roster']}/batal", {},
            halaman="/impor")
    j.ganda("batal", "operator", f"/sinkro/referensi/impor/{ids['impor_unor']}/batal", {},
            halaman="/sinkro/referensi")
    j.ganda("pengaturan", "operator", "/dinas/pengaturan",
            {"alamat": "Jl. Uji Serentak No. 1"}, halaman="/dinas/pengaturan")
    # A teacher changes his password, then signs out.
    j.ganda("ganti_sandi", "guru1", "/akun/sandi", {
        "sandi_lama": SANDI_DEMO, "sandi_baru": "Sandi-baru-uji-789",
        "ulangi": "Sandi-baru-uji-789"}, halaman="/akun/sandi")
    j.ganda("keluar", "guru1", "/keluar", {}, halaman="/")
    return j, hasil_basi


# ------------------------------------------------------------------ uploads, one-time
# passwords, batch prints, confirmations: the rest of the forms, in the same server

NPSN_UJI = "69900001"
OPERATOR_KEDUA = "operatorkedua"


def _png(warna):
    """A small valid PNG (what a Dinas uploads as its logo or Garuda emblem)."""
    import io

    from PIL import Image

    keluar = io.BytesIO()
    Image.new("RGB", (40, 40), warna).save(keluar, "PNG")
    return keluar.getvalue()


def _roster():
    """A roster with one new school and one new teacher (who gets an account)."""
    from conftest import nip_valid

    from kinerja_web.lembar import tulis_xlsx

    kolom_s = ["npsn", "nama", "jenjang", "status", "alamat", "kecamatan"]
    kolom_p = ["nip", "nama", "tanggal_lahir", "jenis_kelamin", "status_kepegawaian",
               "golongan", "jabatan", "npsn", "peran", "username"]
    return tulis_xlsx({
        "Sekolah": (kolom_s, [[NPSN_UJI, "SD NEGERI 9 UJI SERENTAK", "SD", "Negeri",
                               "Jl. Uji 9", "Uji"]]),
        "Pegawai": (kolom_p, [[nip_valid(lahir=date(1991, 2, 3), tmt="201603", serial=7),
                               "Guru Impor Serentak, S.Pd.", None, None, "PNS", "III/a",
                               "Guru Ahli Pertama", NPSN_UJI, "", "guruimporserentak"]]),
    })


def _isian_sandi(teks):
    """The one-time passwords a result page carries (the hidden `isian` JSON):
    {username: password}."""
    isian = atribut(teks, 'input[type="hidden"][name="isian"]', "value")
    assert isian is not None, "tidak ada daftar sandi di halaman"
    return {baris[2]: baris[3] for baris in json.loads(isian)}


def _bisa_masuk(url, username, sandi):
    k = KlienHttp(url)
    k.get("/masuk")
    return k.post("/masuk", {"identitas": username, "sandi": sandi}).status == 303


def jalan_lain(j, db_url, ids):
    """The remaining state-changing forms, each sent twice at once. Returns what the
    twins left behind that the test checks beyond statuses and audit rows."""
    satu = lambda sql, **p: _satu(db_url, sql, **p)  # noqa: E731
    hasil = {}
    # Letterhead logo and Garuda emblem (multipart): stored and audited once.
    j.ganda("logo", "operator", "/dinas/pengaturan/logo", {},
            halaman="/dinas/pengaturan", berkas={"logo": ("logo.png", _png("navy"))})
    j.ganda("garuda", "operator", "/dinas/pengaturan/garuda", {"kop_garuda": "y"},
            halaman="/dinas/pengaturan", berkas={"garuda": ("garuda.png", _png("gold"))})
    # A roster upload: one preview; the twin finds the same file waiting and is sent to
    # that preview ...
    a, b = j.ganda("impor_unggah", "operator", "/impor", {}, halaman="/impor",
                   berkas={"berkas": ("roster.xlsx", _roster())})
    hasil["pratinjau_roster"] = {a.lokasi, b.lokasi}
    impor = int(a.lokasi.rsplit("/", 1)[1])
    # ... Terapkan applies once: the first shows the one-time passwords, the twin is told
    # "sudah diproses" and sent to the preview (the flash itself is not checked: the two
    # answers' session cookies race in this shared cookie jar).
    r_a, r_b = j.ganda("terapkan", "operator", f"/impor/{impor}/terapkan", {},
                       halaman=f"/impor/{impor}")
    pertama = r_a if r_a.status == 200 else r_b
    hasil["sandi_impor"] = _isian_sandi(pertama.teks)
    hasil["kembaran_terapkan"] = (r_b if pertama is r_a else r_a).lokasi
    # "Buat ulang kata sandi sekali pakai", twice at once: each press is a regeneration of
    # its own (audited); the password shown by the answer committed last is the one
    # that works, the other one no longer does.
    r_a, r_b = j.ganda("sandi_ulang", "operator", f"/impor/{impor}/sandi-ulang", {},
                       halaman=f"/impor/{impor}")
    hasil["sandi_ulang"] = [_isian_sandi(x.teks) for x in (r_a, r_b)]
    # A reference list: one preview, applied once.
    from kinerja_web.lembar import tulis_csv

    isi = tulis_csv(["unor_id", "nama", "aktif"], [["U-UJI-SERENTAK", "SD NEGERI UJI", "Ya"]])
    a, b = j.ganda("referensi_unggah", "operator", "/sinkro/referensi/unor",
                   {}, halaman="/sinkro/referensi",
                   berkas={"unor-berkas": ("unor.csv", isi)})
    hasil["pratinjau_referensi"] = {a.lokasi, b.lokasi}
    ref = int(a.lokasi.rsplit("/", 1)[1])
    j.ganda("referensi_terapkan", "operator", f"/sinkro/referensi/impor/{ref}/terapkan",
            {}, halaman=f"/sinkro/referensi/impor/{ref}")
    hasil["unit_kerja"] = satu("SELECT count(*) FROM referensi_unor WHERE unor_id = "
                               "'U-UJI-SERENTAK'")
    # A teacher's own contact (issue #17): changed and audited once under the row lock; the
    # twin finds nothing left to change.
    j.ganda("profil", "guru2", "/profil", {"email": "guru2@serentak.example",
                                           "telepon": "0812 3456 7890", "pengingat": "y"},
            halaman="/profil")
    hasil["kontak"] = satu("SELECT p.email || ' ' || p.telepon FROM pegawai p JOIN akun a "
                           "ON a.pegawai_id = p.id WHERE a.username = 'guru2'")
    # The Operator resets a teacher's password twice at once: two resets, the last
    # committed one's password works.
    guru3 = satu("SELECT pegawai_id FROM akun WHERE username = 'guru3'")
    r_a, r_b = j.ganda("atur_ulang_sandi", "operator", f"/dinas/pegawai/{guru3}/atur-ulang-sandi",
                       {}, halaman=f"/dinas/pegawai/{guru3}")
    hasil["atur_ulang"] = [teks_css(x.teks, "p.sandi") for x in (r_a, r_b)]
    # The teacher's task confirmation and the agreed plan's competency indicator
    # (versioned under the SKP's row lock): the twin's version is stale.
    skp = satu(SKP_DARI, u="guru7")
    r = j.k("guru7").get(f"/pelaksanaan/{skp}/tugas")
    assert r.status == 200, r.status
    tugas = nilai_semua(r.teks, "tugas")
    j.ganda("tugas", "guru7", f"/pelaksanaan/{skp}/tugas",
            {"tugas": tugas[:1], "versi": _versi(r.teks), "aksi": "simpan"})
    r = j.k("guru7").get(f"/perencanaan/{skp}/kompetensi")
    assert r.status == 200, r.status
    kode = [el.attributes["value"] for el in dom(r.teks).css('input[name="kompetensi"]')
            if "checked" not in el.attributes]  # not the chosen one
    j.ganda("kompetensi_skp", "guru7", f"/perencanaan/{skp}/kompetensi",
            {"kompetensi": kode[0], "versi": _versi(r.teks)})
    # A batch print of ONE document (chunk size 1): one job, the twin follows the first.
    skp = satu(SKP_DARI, u="guru8")
    r = j.k("operator").get(f"/cetak/batch?skp={skp}")
    assert r.status == 200, r.status
    j.ganda("batch", "operator", f"/cetak/batch?skp={skp}", {
        "jenis": "skp", "sekolah": "", "jenjang": "", "format": "pdf",
        "kiriman": nilai_hidden(r.teks, "kiriman")})
    # Cancelling a running batch: cancelled (and audited) once.
    j.ganda("batch_batal", "kadis", f"/cetak/batch/{ids['batch_berjalan']}/batal", {},
            halaman="/")
    # A principal confirms his own school's accountability documents; his atasan (the
    # Kepala Dinas) validates them twice at once: accepted once, the twin's version stale.
    halaman = f"/pelaksanaan/{satu(SKP_DARI, u='kepsek1')}/tugas"
    r = j.k("kepsek1").get(halaman)
    assert r.status == 200, r.status
    dokumen = nilai_semua(r.teks, "dokumen")
    assert len(dokumen) == 4, dokumen
    r = j.k("kepsek1").post(halaman, {"dokumen": dokumen, "versi": _versi(r.teks),
                                      "aksi": "simpan"})
    assert r.status == 303, r.status
    r = j.k("kadis").get(halaman)
    assert r.status == 200, r.status
    j.ganda("validasi_dokumen", "kadis", f"{halaman}/validasi-dokumen",
            {"aksi": "terima", "versi": _versi(r.teks)}, halaman=halaman)
    # guru11 (reflection sent, not accepted) corrects one progress note and deletes the
    # other: each once (the twin's version is stale; the deleted note is gone).
    halaman = f"/pelaksanaan/{satu(SKP_DARI, u='guru11')}/praktik/4"
    r = j.k("guru11").get(halaman)
    assert r.status == 200, r.status
    pertama, kedua = [i.removeprefix("upaya-") for i in atribut_semua(
        r.teks, '[id^="upaya-"]', "id") if i.removeprefix("upaya-").isdigit()][:2]
    dasar = f"/pelaksanaan/{satu(SKP_DARI, u='guru11')}/upaya"
    ubah = f"{dasar}/{pertama}"
    j.ganda("upaya_ubah", "guru11", ubah, {"ubah-tanggal": "2025-03-18",
                                            "ubah-isi": "Diubah dua kali serentak.",
                                            "ubah-versi": "1"}, halaman=ubah)
    j.ganda("upaya_hapus", "guru11", f"{dasar}/{kedua}/hapus", {"versi": "1"},
            halaman=halaman)
    # Electronic signatures switched on (this server has no certificate: documents stay
    # unsigned): changed and audited once, the twin finds nothing to change.
    j.ganda("tte", "operator", "/dinas/pengaturan/tte",
            {"tte_mode": "p12", "tte_dokumen": "skp"}, halaman="/dinas/pengaturan")
    hasil["upaya"] = hitung_baris(
        db_url, "SELECT isi FROM catatan_upaya c JOIN praktik p ON p.id = c.praktik_id "
        "WHERE p.skp_id = :s ORDER BY c.tanggal", s=satu(SKP_DARI, u="guru11"))
    jalan_tahun(j)
    # A deadline extension (one row per person, year and stage), a transfer (splits the
    # SKP at its TMT) and planning opened for a school despite its checks: each once.
    halaman = f"/dinas/pegawai/{ids['guru_tenggat']}"
    j.ganda("perpanjangan", "operator", f"{halaman}/perpanjangan", {
        "tahap": "persetujuan_skp", "sampai": f"{TAHUN_INI}-11-30",
        "alasan": "Uji kirim ganda: sakit."}, halaman=halaman)
    halaman = f"/dinas/pegawai/{ids['guru_mutasi']}"
    j.ganda("mutasi", "operator", f"{halaman}/mutasi", {
        "jenis": "pindah", "tmt": f"{TAHUN_INI}-07-16",
        "sekolah_tujuan": str(ids["sekolah_tujuan"]), "nomor_sk": "800/1/UJI"},
        halaman=halaman)
    halaman = f"/dinas/pra-perencanaan/sekolah/{ids['sekolah_pra']}"
    j.ganda("buka_perencanaan", "operator", f"{halaman}/buka", {
        "alasan": "Uji kirim ganda: UNOR dipadankan.", "yakin": "y"}, halaman=halaman)
    return hasil


def jalan_tahun(j):
    """The second Dinas' Operator opens this year, starts it and closes it, each form
    twice at once (the demo's Dinas has every year with a rule file opened already)."""
    j.ganda("buka_tahun", OPERATOR_KEDUA, "/dinas/tahun/buka", {"tahun": str(TAHUN_INI)},
            halaman="/dinas/tahun")
    r = j.k(OPERATOR_KEDUA).get("/dinas/tahun")
    assert r.status == 200, r.status
    j.ganda("mulai_tahun", OPERATOR_KEDUA, f"/dinas/tahun/{TAHUN_INI}/mulai",
            {"versi": _versi(r.teks)})
    r = j.k(OPERATOR_KEDUA).get(f"/dinas/tahun/{TAHUN_INI}/tutup")
    assert r.status == 200, r.status
    j.ganda("tutup_tahun", OPERATOR_KEDUA, f"/dinas/tahun/{TAHUN_INI}/tutup",
            {"versi": _versi(r.teks)})


def test_kirim_ganda_formulir_dunia_demo(basis, tmp_path):
    """The demo Dinas (and a second Dinas whose Operator opens, starts and closes a year),
    each remaining form that creates or transitions sent twice at the same moment against
    gunicorn (2 gthread workers × 4 threads): no 5xx, each pair answers as its form may,
    each act has one audit row, the penetapan is one row, and a stale PKO form answers 409
    with the user's choice kept and the newer PKO unchanged."""
    migrasi_demo(basis)
    satu = lambda sql, **p: _satu(basis, sql, **p)  # noqa: E731
    ids = {
        "wonosari": satu("SELECT id FROM sekolah WHERE npsn = '20301103'"),
        "dinas": satu("SELECT dinas_id FROM sekolah WHERE npsn = '20301103'"),
        # The running year's (the demo's last year is closed: nothing there changes).
        "penetapan_dinas": satu("SELECT p.id FROM penetapan p JOIN tahun_kinerja t ON "
                                "t.id = p.tahun_id WHERE p.sekolah_id IS NULL AND "
                                "p.dibuka IS NULL AND t.tahun = :t", t=TAHUN_INI),
        "tim2": satu("SELECT pegawai_id FROM akun WHERE username = 'timkerja2'"),
        "ks_tanpa_plot": satu("SELECT pegawai_id FROM akun WHERE username = 'kepsek1'"),
        "periode": satu("SELECT id FROM periode_ekinerja WHERE nama = 'TRIWULAN III 2025'"),
    }
    ids["skp_diajukan"] = satu(SKP_DARI, u="guru4")
    ids["skp_disetujui"] = satu(SKP_DARI, u="guru6")
    ids["skp_dinilai"] = satu(SKP_DARI, u="guru12")
    # Years, deadlines, transfers and the pra-perencanaan gate (jalan_lain): people and
    # schools no other form of the walk touches.
    ids["guru_tenggat"] = satu("SELECT pegawai_id FROM akun WHERE username = 'guru17'")
    ids["guru_mutasi"] = satu("SELECT pegawai_id FROM akun WHERE username = 'guru24'")
    ids["sekolah_tujuan"] = satu("SELECT id FROM sekolah WHERE nama = 'SD NEGERI SEMAMPIR'")
    ids["sekolah_pra"] = satu("SELECT id FROM sekolah WHERE nama = 'SD NEGERI 2 SEBORO'")
    ids["dinas_kedua"] = dinas_kedua(basis, OPERATOR_KEDUA, SANDI_DEMO)
    engine = engine_untuk(basis)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM plot_tim_kerja WHERE kepala_sekolah_id = :k"),
                     {"k": ids["ks_tanpa_plot"]})
        # A school whose pra-perencanaan check fails (its UNOR is not in the reference
        # list) and whose planning is not opened yet: the form opens it for the first time.
        conn.execute(text("UPDATE sekolah SET unor_id = 'UNOR-UJI-BELUM-PADAN' WHERE id = :s"),
                     {"s": ids["sekolah_pra"]})
        # Two uploaded previews waiting for Terapkan or Batalkan (uploads are multipart).
        for jenis in ("roster", "unor"):
            ids[f"impor_{jenis}"] = conn.execute(text(
                "INSERT INTO impor_berkas (akun_id, dinas_id, jenis, nama_berkas, isi, sha256, "
                "status, ringkasan, dibuat) SELECT id, :d, :j, 'uji.csv', :isi, :h, "
                "'pratinjau', '{}', :t FROM akun WHERE username = 'operator' RETURNING id"),
                {"d": ids["dinas"], "j": jenis, "isi": b"npsn;nama\n", "h": "0" * 64,
                 "t": datetime(2025, 6, 1)}).scalar()
        # A batch print running on another machine (its heartbeat is fresh: no worker
        # here takes it over, at startup or from a page): only "Batalkan" touches it.
        ids["batch_berjalan"] = conn.execute(text(
            "INSERT INTO cetak_batch (akun_id, dinas_id, jenis, format, lingkup, daftar, "
            "ukuran_chunk, chunk_selesai, status, pekerja, detak, dibuat) SELECT id, :d, "
            "'skp', 'pdf', 'Uji', '[1, 2]', 1, 0, 'berjalan', 'mesin-lain|1|1|abcd', :detak, "
            ":t FROM akun WHERE username = 'kadis' RETURNING id"),
            {"d": ids["dinas"], "t": datetime(2025, 6, 1),
             "detak": sekarang() + timedelta(hours=1)}).scalar()
        # Likewise an export job of the final assessment, running elsewhere.
        ids["ekspor_berjalan"] = conn.execute(text(
            "INSERT INTO tugas_ekspor (dinas_id, akun_id, jenis, tahun, lingkup, status, "
            "tahap, diproses, total, pekerja, detak, dibuat) SELECT :d, id, "
            "'penilaian_akhir', 2025, 'Seluruh Dinas', 'berjalan', 'cek', 3, 40, "
            "'mesin-lain|1|1|abcd', :detak, :t FROM akun WHERE username = 'operator' "
            "RETURNING id"), {"d": ids["dinas"], "t": datetime(2025, 6, 1),
                              "detak": sekarang() + timedelta(hours=1)}).scalar()
    engine.dispose()
    audit_awal = satu("SELECT coalesce(max(id), 0) FROM audit")
    # A batch print renders in a thread of the worker, in chunks of one document.
    with Gunicorn(basis, tmp_path / "gunicorn.log", argumen=GTHREAD, CETAK_UKURAN_CHUNK=1,
                  CETAK_PROSES="false") as server:
        jalan, basi = jalan_demo(server.url, basis, ids)
        lain = jalan_lain(jalan, basis, ids)
        sandi_ulang = [(s, _bisa_masuk(server.url, u, s)) for x in lain["sandi_ulang"]
                       for u, s in x.items()]
        atur_ulang = [(s, _bisa_masuk(server.url, "guru3", s)) for s in lain["atur_ulang"]]
        # The export runs in the background of a worker: it ends before the server stops.
        batas = time.monotonic() + 120
        while satu("SELECT count(*) FROM tugas_ekspor WHERE jenis = 'perencanaan' AND "
                   "status IN ('antri', 'berjalan')") and time.monotonic() < batas:
            time.sleep(0.1)
    print(f"\n{lain}\n{sandi_ulang}\n{atur_ulang}")
    print(f"\n{jalan.pasangan}")
    salah = [(jenis, st) for jenis, st, _ in jalan.pasangan if st not in BOLEH_DEMO[jenis]]
    assert salah == []
    assert not [p for p in jalan.pasangan if any(s >= 500 for s in p[1])]
    for jenis, _, lokasi in jalan.pasangan:
        if jenis in ("penetapan", "periode_baru", "ekspor"):  # the twin goes where the first went
            assert lokasi[0] == lokasi[1], jenis
    assert basi == (303, 409, True, True, True, "baik")
    audit = Counter(dict(hitung_baris(
        basis, "SELECT aksi, count(*) FROM audit WHERE id > :awal GROUP BY aksi",
        awal=audit_awal)))
    assert {a: audit[a] for a in AUDIT_DEMO} == AUDIT_DEMO
    w = ids["wonosari"]
    assert satu(f"SELECT count(*) FROM pko_sekolah WHERE sekolah_id = :w AND {DI_TAHUN_INI}",
                w=w) == 1
    assert satu(f"SELECT count(*) FROM penetapan WHERE sekolah_id = :w AND {DI_TAHUN_INI}",
                w=w) == 1
    assert satu("SELECT count(*) FROM plot_tim_kerja WHERE kepala_sekolah_id = :k",
                k=ids["ks_tanpa_plot"]) == 1
    assert satu("SELECT count(*) FROM periode_ekinerja WHERE nama = 'SEMESTER UJI'") == 1
    assert satu("SELECT count(*) FROM periode_ekinerja WHERE id = :p", p=ids["periode"]) == 0
    assert satu("SELECT count(*) FROM ekspor_ekinerja") == 1
    assert satu("SELECT count(*) FROM tugas_ekspor WHERE jenis = 'perencanaan' AND "
                "status = 'selesai'") == 1
    assert satu("SELECT status FROM tugas_ekspor WHERE id = :t",
                t=ids["ekspor_berjalan"]) == "dibatalkan"
    assert satu(f"SELECT count(*) FROM pengiriman WHERE sekolah_id = :w AND {DI_TAHUN_INI}",
                w=w) == 2
    # The uploads: one preview each (the twin was sent to it), applied once.
    assert len(lain["pratinjau_roster"]) == 1 and len(lain["pratinjau_referensi"]) == 1
    assert lain["kembaran_terapkan"] == lain["pratinjau_roster"].pop()  # "sudah diproses"
    assert satu("SELECT count(*) FROM impor_berkas WHERE jenis = 'roster' AND id <> :i",
                i=ids["impor_roster"]) == 1
    assert satu("SELECT count(*) FROM sekolah WHERE npsn = :n", n=NPSN_UJI) == 1
    assert satu("SELECT count(*) FROM akun WHERE username = 'guruimporserentak'") == 1
    assert list(lain["sandi_impor"]) == ["guruimporserentak"]
    assert lain["unit_kerja"] == 1
    assert lain["kontak"] == "guru2@serentak.example 6281234567890"
    assert [tuple(b) for b in lain["upaya"]] == [("Diubah dua kali serentak.",)]
    # Two regenerations, two resets: of the two passwords shown, exactly one — the one
    # committed last — signs in; the other was overwritten.
    assert sorted(ok for _, ok in sandi_ulang) == [False, True]
    assert sorted(ok for _, ok in atur_ulang) == [False, True]
    # Logo and emblem stored; one batch job for the operator; the running one cancelled.
    assert satu("SELECT count(*) FROM dinas WHERE id = :d AND logo IS NOT NULL "
                "AND garuda IS NOT NULL AND kop_garuda = :y", d=ids["dinas"], y=True) == 1
    assert satu("SELECT count(*) FROM cetak_batch c JOIN akun a ON a.id = c.akun_id "
                "WHERE a.username = 'operator'") == 1
    assert satu("SELECT status FROM cetak_batch WHERE id = :b",
                b=ids["batch_berjalan"]) == "dibatalkan"
    # The second Dinas' year: one row, opened, started and closed once (version 3).
    assert hitung_baris(basis, "SELECT td.status, td.versi FROM tahun_dinas td JOIN "
                        "tahun_kinerja t ON t.id = td.tahun_id WHERE td.dinas_id = :d",
                        d=ids["dinas_kedua"]) == [("ditutup", 3)]
    assert satu("SELECT count(*) FROM tahun_kinerja WHERE tahun = :t", t=TAHUN_INI) == 1
    # One extension, one transfer (the SKP split once: two parts), one opening.
    assert [(str(s), a) for s, a in hitung_baris(
        basis, "SELECT sampai, alasan FROM perpanjangan_tenggat WHERE pegawai_id = :p AND "
        "tahap = 'persetujuan_skp'", p=ids["guru_tenggat"])] == [
        (f"{TAHUN_INI}-11-30", "Uji kirim ganda: sakit.")]
    assert satu("SELECT count(*) FROM mutasi WHERE pegawai_id = :p",
                p=ids["guru_mutasi"]) == 1
    assert satu("SELECT count(*) FROM skp s JOIN tahun_kinerja t ON t.id = s.tahun_id "
                "WHERE s.pegawai_id = :p AND t.tahun = :t", p=ids["guru_mutasi"],
                t=TAHUN_INI) == 2
    assert hitung_baris(basis, "SELECT b.alasan FROM buka_perencanaan b JOIN tahun_kinerja "
                        "t ON t.id = b.tahun_id WHERE b.sekolah_id = :s AND t.tahun = :t",
                        s=ids["sekolah_pra"], t=TAHUN_INI) == [
        ("Uji kirim ganda: UNOR dipadankan.",)]


def test_setiap_rute_post_dikirim_ganda_atau_dikecualikan():
    """A new form that changes something must be added to a double-submit test above, or
    to DIKECUALIKAN with the reason."""
    from proses_uji import buat_app

    app = buat_app("sqlite://")
    post = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert sorted(post - DIUJI_GANDA - set(DIKECUALIKAN)) == []
    assert sorted((DIUJI_GANDA | set(DIKECUALIKAN)) - post) == []  # no stale entries
    assert not DIUJI_GANDA & set(DIKECUALIKAN)
    assert all(len(alasan) > 40 for alasan in DIKECUALIKAN.values())
