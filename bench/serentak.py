"""Double submits: 50 teachers × 20 forms, each form sent twice at the same moment.

Gunicorn with 2 workers (the README's command) on SQLite as the app runs it (WAL,
BEGIN IMMEDIATE), on SQLite with a plain deferred BEGIN (the pitfall), and — when
PostgreSQL answers — on PostgreSQL, with and without the submission key on "Mulai".
Prints the answers by status, the 5xx share, what is wrong in the database afterwards
and requests per second. The same load is asserted in tests/test_serentak.py (with the
key, 0 5xx and exact rows; deferred must fail); here it only prints.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the load and its helpers live with the test

import proses_uji  # noqa: E402
import test_serentak as beban  # noqa: E402


def main():
    pg = _pg_tersedia()
    konfigurasi = [
        ("SQLite, BEGIN IMMEDIATE (aplikasi)", "sqlite", {}, True),
        ("SQLite, BEGIN deferred (jebakan)", "sqlite",
         {"aplikasi": "tests.wsgi_begin_deferred:app"}, True),
    ]
    if pg:
        konfigurasi += [("PostgreSQL (aplikasi)", "pg", {}, True),
                        ("PostgreSQL, Mulai tanpa kunci kiriman", "pg", {}, False)]
    print(f"  {beban.KLIEN} klien × 20 formulir × 2 kiriman serentak; gunicorn -w 2\n")
    print(f"  {'Konfigurasi':<40} {'pasang':>6} {'2xx/3xx':>8} {'409':>5} {'5xx':>5} "
          f"{'5xx %':>6} {'selisih DB':>10} {'req/s':>7}")
    for nama, basis, lain, kunci in konfigurasi:
        tmp = Path(tempfile.mkdtemp(prefix="kinerja-bench-serentak-"))
        if basis == "sqlite":
            _satu(nama, f"sqlite:///{tmp / 'serentak.db'}", tmp, lain, kunci)
        else:
            with proses_uji.pg_sementara("bench_serentak", base=pg) as url:
                _satu(nama, url, tmp, lain, kunci)


def _satu(nama, url, tmp, lain, kunci):
    awal = proses_uji.KlienHttp.permintaan
    catatan, salah = beban.uji_beban(url, tmp, beban.KLIEN, dengan_kunci=kunci, **lain)
    status = catatan.status()
    jumlah = sum(status.values())
    sukses = sum(n for s, n in status.items() if s < 400)
    galat = sum(n for s, n in status.items() if s >= 500)
    rps = (proses_uji.KlienHttp.permintaan - awal) / catatan.detik
    print(f"  {nama:<40} {len(catatan.pasangan):>6} {sukses:>8} {status[409]:>5} {galat:>5} "
          f"{100 * galat / max(jumlah, 1):>5.1f}% {len(salah):>10} {rps:>7.0f}", flush=True)
    for s in salah[:3]:
        print(f"      {s[:150]}")
    if catatan.galat:
        print(f"      {len(catatan.galat)} klien terhenti sebelum 20 formulir")


def _pg_tersedia():
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or \
        "postgresql://postgres@127.0.0.1:5432/test"
    try:
        with proses_uji.pg_sementara("bench_serentak_cek", base=base):
            return base
    except Exception as e:  # no server: SQLite figures only
        print(f"  PostgreSQL tidak tersedia ({type(e).__name__}); hanya SQLite.")
        return None


if __name__ == "__main__":
    main()
