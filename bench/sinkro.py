"""Sinkro e-Kinerja: Cek Kesiapan Sinkro over 20,000 teachers and 1,500 principals (goal ≤ 20 s,
bounded memory), one school's pre-check page (≤ 8 queries), the export and the disparity report.

Prints wall time, peak Python memory (tracemalloc) and query counts on SQLite and on
PostgreSQL when a server answers.
"""

import time
import tracemalloc
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event, func, insert, select, update

from bench._volume import SANDI, backends, buat_app, isi, klien_masuk, ukur

RHK = [
    {"jenis": "utama", "kategori": "praktik", "kode": "D1-1",
     "rhk": "Guru melakukan peningkatan praktik manajemen kelas yang berfokus pada "
            "keteraturan suasana kelas",
     "rhk_atasan": "Kepala Sekolah melakukan peningkatan praktik kepemimpinan instruksional "
                   "yang berfokus pada presentasi visi-misi satuan pendidikan",
     "indikator_atasan": "Terlaksananya siklus peningkatan praktik presentasi visi-misi",
     "aspek": "Kualitas", "indikator": "Terlaksananya siklus peningkatan praktik keteraturan "
     "suasana kelas (observasi, tindak lanjut, refleksi)", "target": "1 siklus"},
    {"jenis": "utama", "kategori": "kompetensi", "kode": "1.2",
     "rhk": "Guru melakukan kegiatan pengembangan kompetensi berdasarkan indikator "
            "Pembelajaran efektif yang berpusat pada peserta didik",
     "rhk_atasan": "Kepala Sekolah melakukan peningkatan praktik kepemimpinan instruksional "
                   "yang berfokus pada presentasi visi-misi satuan pendidikan",
     "indikator_atasan": "Terlaksananya siklus peningkatan praktik presentasi visi-misi",
     "aspek": "Kualitas", "indikator": "Tersusunnya refleksi kegiatan pengembangan kompetensi",
     "target": "1 dokumen refleksi"},
    *[{"jenis": "tugas_pokok", "kategori": "tugas_pokok", "kode": f"5M-{i}",
       "rhk": f"Guru melaksanakan tugas pokok {i} dalam mendukung pembelajaran yang bermutu",
       "rhk_atasan": None, "aspek": "", "indikator": "", "target": ""} for i in range(1, 5)],
]
RHK_KS = [{**RHK[0], "rhk": RHK[0]["rhk_atasan"], "indikator": RHK[0]["indikator_atasan"],
           "rhk_atasan": None, "indikator_atasan": None}]


def main():
    for nama, url in backends():
        _satu(nama, url)


@contextmanager
def hitung_query(engine):
    n = [0]

    def catat(*_):
        n[0] += 1

    event.listen(engine, "before_cursor_execute", catat)
    try:
        yield n
    finally:
        event.remove(engine, "before_cursor_execute", catat)


def _referensi(app):
    """SIASN lists for the generated volume (a few disparities), periods and an operator."""
    from werkzeug.security import generate_password_hash

    from kinerja_web.extensions import db
    from kinerja_web.models import (
        Akun,
        AsnSiasn,
        Dinas,
        Pegawai,
        Penugasan,
        PeriodeEkinerja,
        Sekolah,
        Skp,
        UnitKerja,
    )

    with app.app_context():
        conn = db.session.connection()
        dinas_id = conn.execute(select(Dinas.id)).scalar_one()
        conn.execute(update(Skp).where(Skp.posisi == "guru").values(rhk=RHK))
        conn.execute(update(Skp).where(Skp.posisi != "guru").values(rhk=RHK_KS))
        sekolah = conn.execute(select(Sekolah.id, Sekolah.unor_id, Sekolah.nama)).all()
        conn.execute(insert(UnitKerja), [{"dinas_id": dinas_id, "unor_id": u, "nama": n,
                                          "aktif": sid % 50 != 0} for sid, u, n in sekolah])
        unor = {sid: u for sid, u, _ in sekolah}
        ks = dict(conn.execute(select(Penugasan.sekolah_id, Pegawai.nip).join(
            Pegawai, Penugasan.pegawai_id == Pegawai.id)
            .where(Penugasan.peran == "kepala_sekolah")).all())
        rows = conn.execute(select(Pegawai.id, Pegawai.nip, Pegawai.nama, Pegawai.sekolah_id,
                                   Pegawai.jabatan, Pegawai.golongan)).all()
        asn = [{"dinas_id": dinas_id, "nip": nip, "nama": nama.upper(),
                "unor_id": unor.get(sid, "DINAS"), "jabatan": jab, "golongan": gol,
                "atasan_nip": ks.get(sid) if i % 97 else None}
               for i, (_, nip, nama, sid, jab, gol) in enumerate(rows) if i % 250]
        for awal in range(0, len(asn), 5000):
            conn.execute(insert(AsnSiasn), asn[awal:awal + 5000])
        conn.execute(insert(PeriodeEkinerja), [
            {"dinas_id": dinas_id, "nama": f"TRIWULAN {i}", "tahun": 2025, "versi": 1,
             "mulai": date(2025, 3 * i - 2, 1), "selesai": date(2025, 3 * i, 28),
             "batas": date(2025, 3 * i, 28), "tipe_periodik": "Triwulanan", "angka_periodik": i}
            for i in range(1, 5)] + [
            {"dinas_id": dinas_id, "nama": "TAHUN 2025", "tahun": 2025, "versi": 1,
             "mulai": date(2025, 1, 1), "selesai": date(2025, 12, 31),
             "batas": date(2026, 1, 31), "tipe_periodik": "Tahunan", "angka_periodik": 1}])
        pid = conn.execute(insert(Pegawai).values(
            nama="Operator Bench", status_kepegawaian="NON_ASN", dinas_id=dinas_id,
            keikutsertaan="ikut").returning(Pegawai.id)).scalar_one()
        conn.execute(insert(Penugasan).values(pegawai_id=pid, peran="operator_dinas",
                                              dinas_id=dinas_id, mulai=date(2024, 1, 1)))
        conn.execute(insert(Akun).values(
            username="operator", pegawai_id=pid, harus_ganti_sandi=False, aktif=True,
            gagal_masuk=0, sandi_hash=generate_password_hash(SANDI, "scrypt:1024:8:1")))
        db.session.commit()
        return dinas_id, len(asn)


def _ukur_cek(app, dinas_id, jenis):
    """(seconds, peak MiB, subjects, not ready, queries) of one bulk pre-check."""
    from kinerja_web.extensions import db
    from kinerja_web.sinkro import data

    with app.test_request_context():
        t = time.perf_counter()
        with hitung_query(db.engine) as q:
            n = belum = 0
            for h in data.hasil(data.Muatan(dinas_id, 2025), jenis):
                n += 1
                belum += not h.siap
        detik = time.perf_counter() - t
        db.session.remove()
    with app.test_request_context():
        tracemalloc.start()
        for _ in data.hasil(data.Muatan(dinas_id, 2025), jenis):
            pass
        puncak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        db.session.remove()
    return detik, puncak, n, belum, q[0]


def _satu(nama, url):
    app = buat_app(url)
    isi(app)
    t = time.perf_counter()
    dinas_id, n_asn = _referensi(app)
    print(f"  referensi: {n_asn} ASN, 1500 UNOR dalam {time.perf_counter() - t:.1f} s")
    print(f"\n  {nama} — Cek Kesiapan Sinkro seluruh Dinas (target ≤ 20 s)")
    print(f"  {'Jenis':<18} {'detik':>7} {'puncak MiB':>11} {'subjek':>7} {'belum':>7} "
          f"{'query':>6}")
    for jenis in ("perencanaan", "penilaian_akhir"):
        d, m, n, b, q = _ukur_cek(app, dinas_id, jenis)
        print(f"  {jenis:<18} {d:>7.2f} {m:>11.1f} {n:>7} {b:>7} {q:>6}")

    from kinerja_web.extensions import db
    from kinerja_web.models import Sekolah
    from kinerja_web.sinkro.disparitas import disparitas
    from kinerja_web.sinkro.ekspor import ekspor

    with app.test_request_context():
        for jenis in ("perencanaan", "penilaian_akhir"):
            t = time.perf_counter()
            tracemalloc.start()
            e = ekspor(dinas_id, jenis, 2025, lingkup="bench")
            puncak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            db.session.commit()
            print(f"  ekspor {jenis:<17} {time.perf_counter() - t:>6.2f} s (dengan tracemalloc), "
                  f"puncak {puncak:.1f} MiB; {e.jumlah_diekspor} diekspor, {e.jumlah_gagal} gagal,"
                  f" JSONL {len(e.jsonl) / 2**20:.1f} MiB, XLSX {len(e.xlsx) / 2**20:.1f} MiB")
        t = time.perf_counter()
        n = len(disparitas(dinas_id, 2025))
        print(f"  laporan disparitas: {n} baris dalam {time.perf_counter() - t:.2f} s")
        db.session.remove()
    with app.app_context():
        besar = db.session.scalar(select(Sekolah.id).order_by(Sekolah.id))
        n_besar = db.session.scalar(select(func.count()).select_from(Sekolah))
        engine = db.engine
    with klien_masuk(app, "operator") as c:
        for judul, u in ((f"cek satu sekolah (60 guru), {n_besar} sekolah",
                          f"/sinkro?sekolah={besar}"),
                         ("cek satu sekolah, penilaian akhir",
                          f"/sinkro?sekolah={besar}&jenis=penilaian_akhir"),
                         ("log sinkronisasi (hal. 1)", "/sinkro/log"),
                         ("log, status Gagal, hal. 10", "/sinkro/log?status=Gagal&halaman=10")):
            with hitung_query(engine) as q:
                c.get(u)
            p50, p95 = ukur(lambda u=u: c.get(u), kali=10)
            print(f"  {judul:<52} p50 {p50:>7.1f} ms  p95 {p95:>7.1f} ms  {q[0]} query")
        for judul, u in (("cek seluruh Dinas (hal. 1)", "/sinkro"),
                         ("Beranda operator (hitungan siap/belum)", "/"),
                         ("Beranda operator lagi (hitungan ≤ 5 menit)", "/")):
            t = time.perf_counter()
            r = c.get(u)
            assert r.status_code == 200, r.status_code
            print(f"  {judul:<52} {(time.perf_counter() - t) * 1000:>9.0f} ms (sekali)")
    with app.app_context():
        db.engine.dispose()
