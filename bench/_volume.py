"""Generated volume for benchmarks: one Dinas with 1,500 schools and 20,000 teachers.

Bulk inserts through SQLAlchemy Core (seconds, not minutes). Used by the feature
benchmarks; not a benchmark itself (the leading underscore keeps it out of `python -m
bench`). Every account's password is SANDI.
"""

import os
import random
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

SANDI = "Bench-sandi-2025"
STATUS_GURU = (("draf", 10), ("diajukan", 15), ("dikembalikan", 3), ("disetujui", 12),
               ("disepakati", 60))


def url_postgres():
    """A dedicated PostgreSQL database for benchmarks, or None when no server answers."""
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or \
        "postgresql://postgres@127.0.0.1:5432/test"
    url = make_url(base).set(drivername="postgresql+psycopg")
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "bench_kinerja" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "bench_kinerja"'))
        admin.dispose()
    except Exception as e:  # no server: benchmarks print SQLite figures only
        print(f"PostgreSQL tidak tersedia ({type(e).__name__}); hanya SQLite.")
        return None
    return url.set(database="bench_kinerja").render_as_string(hide_password=False)


def backends():
    """(name, database URL) for each backend that is available here."""
    tmp = tempfile.mkdtemp(prefix="kinerja-bench-")
    out = [("SQLite", f"sqlite:///{tmp}/bench.db")]
    pg = url_postgres()
    if pg:
        out.append(("PostgreSQL", pg))
    return out


def buat_app(database_url):
    """An app on an empty schema (benchmarks may create tables directly)."""
    from kinerja_web import create_app
    from kinerja_web.extensions import db

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-" + "x" * 40,
                      "SANDI_METODE": "scrypt:1024:8:1"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _nip(lahir, i, pppk=False):
    tmt = f"{2021 + i % 4}21" if pppk else f"{min(lahir.year + 25, 2019)}{1 + i % 12:02d}"
    return f"{lahir:%Y%m%d}{tmt}{1 + i % 2}{i // 10_000:03d}"


def isi(app, jumlah_sekolah=1500, jumlah_guru=20_000, seed=2025, sekolah_besar=60, awalan=""):
    """Fill the database (kadis, tim0-9, ks<N> for school N, g<N> teachers; each username
    prefixed with `awalan`). The first school gets `sekolah_besar` teachers in all; the rest
    are spread evenly. On a database that already holds data (e.g. the demo) the generated
    Dinas is added next to it: ids continue after the largest ones and the 2025 year is
    shared; pass an `awalan` so the usernames do not clash."""
    from kinerja_web.extensions import db
    from kinerja_web.models import (
        Akun,
        Dinas,
        Pegawai,
        Penugasan,
        PlotTimKerja,
        Praktik,
        Sekolah,
        Skp,
        StatusTahun,
        TahunDinas,
        TahunKinerja,
    )

    rng = random.Random(seed)
    sandi = generate_password_hash(SANDI, method="scrypt:1024:8:1")
    mulai = time.perf_counter()
    with app.app_context():
        conn = db.session.connection()
        dinas_id = conn.execute(insert(Dinas).values(
            nama="Dinas Pendidikan Kabupaten Bench", tingkat="kabupaten",
            wilayah="Kabupaten Bench", kota_ttd="Bench").returning(Dinas.id)).scalar_one()
        setahun = {"mulai": date(2025, 1, 1), "selesai": date(2025, 12, 31)}  # one part
        tahun_id = conn.scalar(select(TahunKinerja.id).where(TahunKinerja.tahun == 2025)) or \
            conn.execute(insert(TahunKinerja).values(
                tahun=2025, aturan="2025", aktif=True).returning(TahunKinerja.id)).scalar_one()
        # The Dinas runs that year (years are per Dinas).
        conn.execute(insert(TahunDinas).values(dinas_id=dinas_id, tahun_id=tahun_id,
                                               status=StatusTahun.BERJALAN))
        s0 = conn.scalar(select(func.coalesce(func.max(Sekolah.id), 0)))  # id offsets
        p0 = max(conn.scalar(select(func.coalesce(func.max(Pegawai.id), 0))),
                 conn.scalar(select(func.coalesce(func.max(Akun.id), 0))))
        conn.execute(insert(Sekolah), [
            {"id": s0 + i + 1, "npsn": f"{30000001 + i:08d}", "nama": f"SD NEGERI {i + 1} BENCH",
             "jenjang": "sd" if i % 5 else "smp", "status": "negeri", "dinas_id": dinas_id,
             "unor_id": f"U{i + 1}", "unor_nama": f"SD NEGERI {i + 1} BENCH"}
            for i in range(jumlah_sekolah)])
        pegawai, akun, tugas, skp = [], [], [], []
        n = 0

        def orang(sekolah_id, jabatan, golongan, username, pppk=False):
            nonlocal n
            n += 1
            lahir = date(1966, 1, 1) + timedelta(days=n % 10_000)  # with the serial: unique
            pegawai.append({"id": p0 + n, "nip": _nip(lahir, n, pppk), "nama": f"Pegawai Bench {n}",
                            "status_kepegawaian": "PPPK" if pppk else "PNS",
                            "golongan": golongan, "jabatan": jabatan, "tanggal_lahir": lahir,
                            "jenis_kelamin": "L" if n % 2 else "P", "sekolah_id": sekolah_id,
                            "dinas_id": dinas_id, "keikutsertaan": "ikut"})
            akun.append({"id": p0 + n, "username": awalan + username, "pegawai_id": p0 + n,
                         "sandi_hash": sandi, "harus_ganti_sandi": False, "aktif": True,
                         "gagal_masuk": 0})
            return p0 + n

        kadis = orang(None, "Kepala Dinas", "IV/c", "kadis")
        tugas.append({"pegawai_id": kadis, "peran": "kepala_dinas", "dinas_id": dinas_id,
                      "sekolah_id": None, "mulai": date(2024, 1, 1)})
        tim = [orang(None, "Pengawas Sekolah Ahli Madya", "IV/b", f"tim{i}") for i in range(10)]
        for t in tim:
            tugas.append({"pegawai_id": t, "peran": "tim_kerja", "dinas_id": dinas_id,
                          "sekolah_id": None, "mulai": date(2024, 1, 1)})
        ks = []
        for s in range(s0 + 1, s0 + jumlah_sekolah + 1):
            k = orang(s, "Guru Ahli Madya", "IV/a", f"ks{s}")
            ks.append(k)
            tugas.append({"pegawai_id": k, "peran": "kepala_sekolah", "sekolah_id": s,
                          "dinas_id": dinas_id, "mulai": date(2024, 1, 1)})
        status = [s for s, bobot in STATUS_GURU for _ in range(bobot)]
        praktik = [f"D1-{i}" for i in range(1, 9)]
        kompetensi = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "4.1"]
        aspek = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal",
                 "adaptif", "kolaboratif"]
        for i in range(jumlah_guru):
            sekolah_id = s0 + (1 if i < sekolah_besar else 2 + i % (jumlah_sekolah - 1))
            g = orang(sekolah_id, "Guru Ahli Pertama", "III/a", f"g{i + 1}", pppk=i % 4 == 0)
            if i % 10 == 9:
                continue  # one in ten has not started
            st = rng.choice(status)
            skp.append({"pegawai_id": g, "tahun_id": tahun_id, "posisi": "guru", **setahun,
                        "sekolah_id": sekolah_id, "atasan_id": ks[sekolah_id - s0 - 1],
                        "status": st, "versi": 3, "tugas_tambahan": False,
                        "praktik_kode": rng.choice(praktik),
                        "kompetensi_kode": rng.choice(kompetensi),
                        "aspek_fokus": rng.sample(aspek, 2), "rhk": []})
        for k in ks:
            skp.append({"pegawai_id": k, "tahun_id": tahun_id, "posisi": "kepala_sekolah",
                        **setahun,
                        "sekolah_id": pegawai[k - p0 - 1]["sekolah_id"], "atasan_id": kadis,
                        "status": rng.choice(status), "versi": 3, "tugas_tambahan": False,
                        "praktik_kode": "KS-1", "kompetensi_kode": "1.2",
                        "aspek_fokus": ["adaptif"], "rhk": []})
        for tabel, rows in ((Pegawai, pegawai), (Akun, akun), (Penugasan, tugas), (Skp, skp)):
            for awal in range(0, len(rows), 5000):
                conn.execute(insert(tabel), rows[awal:awal + 5000])
        # The praktik-kinerja cycle of every agreed plan, at a random stage.
        skp_ids = conn.execute(select(Skp.id).where(
            Skp.status == "disepakati", Skp.sekolah_id > s0)).scalars().all()
        tahap = ("belum", "diajukan", "disepakati")
        praktik = []
        for sid in skp_ids:
            t = rng.randrange(6)
            praktik.append({
                "skp_id": sid, "versi": 2, "fokus_perilaku": ["Fokus A", "Fokus B"],
                "upaya_belajar": "Membaca modul.", "status_persiapan": tahap[min(t, 2)],
                "jadwal_observasi": date(2025, 2, 1 + t) if t >= 2 else None,
                "status_observasi": "selesai" if t >= 3 else "belum",
                "status_tindak_lanjut": "diterima" if t >= 4 else "belum",
                "status_refleksi": "diterima" if t >= 5 else "belum", "rubrik": []})
        for awal in range(0, len(praktik), 5000):
            conn.execute(insert(Praktik), praktik[awal:awal + 5000])
        _isi_penilaian(conn, rng, tahun_id, dinas_id, kadis, s0, jumlah_sekolah)
        conn.execute(insert(PlotTimKerja), [
            {"tahun_id": tahun_id, "tim_kerja_id": tim[i % len(tim)], "kepala_sekolah_id": k}
            for i, k in enumerate(ks)])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for seq, nilai in (("pegawai_id_seq", p0 + n), ("akun_id_seq", p0 + n),
                               ("sekolah_id_seq", s0 + jumlah_sekolah)):
                db.session.execute(text(f"SELECT setval('{seq}', {nilai})"))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    print(f"  data: {jumlah_sekolah} sekolah, {jumlah_guru} guru, {len(skp)} SKP dibuat dalam "
          f"{time.perf_counter() - mulai:.1f} s")
    return len(skp)


def _isi_penilaian(conn, rng, tahun_id, dinas_id, kadis, s0, jumlah_sekolah):
    """Assessments for finished cycles: most sent, a PKO and a penetapan for a third of the
    schools (one shipment and one penetapan per school)."""
    from kinerja_web.models import (
        Penetapan,
        Pengiriman,
        Penilaian,
        PkoSekolah,
        Praktik,
        Skp,
    )

    selesai = conn.execute(select(Skp.id, Skp.sekolah_id, Skp.posisi).join(
        Praktik, Praktik.skp_id == Skp.id).where(Praktik.status_refleksi == "diterima",
                                                 Skp.sekolah_id > s0)).all()
    rating = ("di_atas", "sesuai", "sesuai", "sesuai", "di_bawah")
    matriks = {("di_atas", "di_atas"): "sangat_baik",
               ("di_bawah", "sesuai"): "butuh_perbaikan",
               ("di_bawah", "di_atas"): "butuh_perbaikan",
               ("di_bawah", "di_bawah"): "sangat_kurang"}
    kirim, tetap = {}, {}
    for s in range(s0 + 1, s0 + jumlah_sekolah + 1):
        if s % 4:
            kirim[s] = conn.execute(insert(Pengiriman).values(
                tahun_id=tahun_id, sekolah_id=s, dinas_id=dinas_id, oleh=kadis, jumlah=0)
                .returning(Pengiriman.id)).scalar_one()
        if s % 3 == 0:
            conn.execute(insert(PkoSekolah).values(tahun_id=tahun_id, sekolah_id=s,
                                                   pko="baik", alasan="Bench", oleh=kadis))
            tetap[s] = conn.execute(insert(Penetapan).values(
                tahun_id=tahun_id, dinas_id=dinas_id, sekolah_id=s, pko="baik", jumlah={},
                pelanggaran=[], oleh=kadis).returning(Penetapan.id)).scalar_one()
    baris = []
    for skp_id, sekolah_id, posisi in selesai:
        h, p = rng.choice(rating), rng.choice(rating)
        usulan = matriks.get((h, p), "kurang" if p == "di_bawah" else "baik")
        dikirim = kirim.get(sekolah_id) if posisi == "guru" else None
        ditetapkan = tetap.get(sekolah_id) if dikirim else None
        baris.append({"skp_id": skp_id, "versi": 3, "rating_hasil": h, "rating_perilaku": p,
                      "predikat_usulan": usulan, "lengkap": True, "pengiriman_id": dikirim,
                      "predikat": usulan if ditetapkan else None, "penetapan_id": ditetapkan,
                      "perilaku": {}, "umpan_balik_perilaku": {}})
    for awal in range(0, len(baris), 5000):
        conn.execute(insert(Penilaian), baris[awal:awal + 5000])


@contextmanager
def klien_masuk(app, username):
    """A test client signed in as `username` (CSRF token available as .token)."""
    import re

    c = app.test_client()
    r = c.get("/masuk")
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', r.text).group(1)
    r = c.post("/masuk", data={"identitas": username, "sandi": SANDI, "csrf_token": token})
    assert r.status_code == 303, r.status_code
    r = c.get("/")
    c.token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', r.text).group(1)
    yield c


def ukur(fungsi, kali=40, pemanasan=3):
    """p50 and p95 in milliseconds of calling `fungsi` (after a warm-up). A response that
    is not a success stops the benchmark: timing an error page measures nothing."""
    for _ in range(pemanasan):
        r = fungsi()
        if getattr(r, "status_code", 200) >= 300:
            raise RuntimeError(f"respons {r.status_code}: {r.text[:300]}")
    waktu = []
    for _ in range(kali):
        t = time.perf_counter()
        fungsi()
        waktu.append((time.perf_counter() - t) * 1000)
    waktu.sort()
    return statistics.median(waktu), waktu[int(len(waktu) * 0.95) - 1]


def cetak_tabel(judul, baris):
    print(f"\n  {judul}")
    print(f"  {'Permintaan':<52} {'p50 ms':>8} {'p95 ms':>8}")
    for nama, (p50, p95) in baris:
        print(f"  {nama:<52} {p50:>8.1f} {p95:>8.1f}")
