"""Tersimpan: a single print served from storage beside the same print rendered, 8
concurrent clients through gunicorn, in the same run.

Set-up (not timed): bench/jalur.py's database (PostgreSQL `bench_jalur`, or SQLite when no
server answers) with `flask db upgrade` and `flask seed-demo`; gunicorn 2 workers × 4
threads (gthread, production mode, background pre-rendering off) on a free loopback port;
8 keep-alive clients signed in as the Kepala Dinas, each POSTing (with its CSRF token)
/cetak/dokumen_evaluasi/<id> over the demo's documents with a predikat, in turn, as soon
as the previous answer arrives; 1 s of warm-up, then `--detik` measured.
"tersimpan": every document printed once before the clock starts (so it is stored);
"dirender": the same server with KINERJA_CETAK_SIMPAN=false (every print rendered, none
stored). Each request also checks access and writes its Cetakan and audit rows, as a
user's print does; a stored one reads its file in one query (the stamp, simpanan.kini),
the rendered one loads the data and computes the verification code.

Goal (issue 16): stored p95 ≤ 50 ms and ≤ 0.2 × the rendered p95, same run; beside both,
a bare Flask + Jinja page of the PDF's size (bench/_polos.py) served and asked the same
way, so a loaded machine's share is visible (CPU of gunicorn per request too).
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time

from bench.beban import Klien, _cpu_detik, _tersembunyi
from bench.jalur import KLIEN, ROOT, Server, _basis_data, _masuk, _siapkan_demo, _ukur


def _opsi():
    p = argparse.ArgumentParser(prog="bench.tersimpan", add_help=False)
    p.add_argument("--detik", type=float, default=8)
    return p.parse_known_args(sys.argv[1:])[0]


async def _ukur_async(port, ids, detik, pemanasan_semua, pid):
    from kinerja_web.demo import SANDI_DEMO

    klien = [Klien(port) for _ in range(KLIEN)]
    token = []
    for k in klien:
        await _masuk(k, "kadis", SANDI_DEMO)
        _, _, html = await k.minta("GET", "/")
        token.append(_tersembunyi(html)["csrf_token"])
    if pemanasan_semua:  # store every document (the first print renders and stores it)
        for i in ids:
            s, _, _ = await klien[0].minta("POST", f"/cetak/dokumen_evaluasi/{i}",
                                           {"csrf_token": token[0]})
            assert s == 200, s
    waktu, status, aktif, ukuran = [], {}, [False], []

    async def satu(n, sampai):
        j = n
        while time.perf_counter() < sampai:
            t = time.perf_counter()
            s, _, body = await klien[n].minta(
                "POST", f"/cetak/dokumen_evaluasi/{ids[j % len(ids)]}",
                {"csrf_token": token[n]})
            j += 1
            if aktif[0]:
                waktu.append((time.perf_counter() - t) * 1000)
                status[s] = status.get(s, 0) + 1
                ukuran.append(len(body))

    await asyncio.gather(*(satu(n, time.perf_counter() + 1) for n in range(KLIEN)))
    aktif[0] = True
    cpu0, mulai = _cpu_detik(pid), time.perf_counter()
    await asyncio.gather(*(satu(n, mulai + detik) for n in range(KLIEN)))
    lama = time.perf_counter() - mulai
    cpu = _cpu_detik(pid) - cpu0
    for k in klien:
        await k.tutup()
    waktu.sort()
    n = len(waktu)
    return {"n": n, "rps": n / lama, "p50": statistics.median(waktu),
            "p95": waktu[max(0, round(0.95 * n) - 1)], "status": status,
            "kb": statistics.mean(ukuran) / 1024, "cpu": cpu / n * 1000}


def main():
    opsi = _opsi()
    nama_db, url, hapus = _basis_data()
    tmp = tempfile.mkdtemp(prefix="kinerja-tersimpan-")
    server = []
    try:
        _, ids = _siapkan_demo(url, "SELECT skp_id FROM penilaian "
                                 "WHERE penetapan_id IS NOT NULL ORDER BY skp_id")
        print(f"  {nama_db}, data demo ({len(ids)} Dokumen Evaluasi); gunicorn 2 pekerja × 4 "
              f"utas; {KLIEN} klien tanpa jeda; {opsi.detik:.0f} s per baris; "
              f"{os.cpu_count()} inti (dipakai bersama)")
        print(f"\n  {'Cetak satu dokumen':<44} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'CPU ms':>7} {'KB':>6}", flush=True)
        hasil = {}
        for label, lain, simpan in (
                ("dirender (KINERJA_CETAK_SIMPAN=false)", {"KINERJA_CETAK_SIMPAN": "false"},
                 False),
                ("dari simpanan (dirender sekali, disimpan)", {}, True)):
            s = Server(ROOT, url, tmp, KINERJA_PRACETAK="false", **lain)
            server.append(s)
            h = hasil[simpan] = asyncio.run(_ukur_async(s.port, ids, opsi.detik, simpan,
                                                        s.proc.pid))
            _baris(label, h)
            s.tutup()
            server.remove(s)
        # The yardstick: a bare Flask + Jinja page of the PDF's size, same server set-up,
        # same clients, same machine load.
        s = Server(ROOT, url, tmp, aplikasi="bench._polos:app",
                   BENCH_POLOS_BYTE=str(int(hasil[True]["kb"] * 1024)))
        server.append(s)
        polos = _ukur(s, url, None, "/", None, opsi.detik)
        polos["kb"] = polos["byte"] / 1024
        _baris("halaman Flask + Jinja polos (ukuran sama)", polos)
        s.tutup()
        server.remove(s)
        r = hasil[True]["p95"] / hasil[False]["p95"]
        print(f"\n  p95 dari simpanan / p95 dirender: {r:.3f} (target ≤ 0,2) "
              f"{'TERCAPAI' if r <= 0.2 else 'TIDAK'}")
        print(f"  p95 dari simpanan: {hasil[True]['p95']:.1f} ms (target ≤ 50 ms) "
              f"{'TERCAPAI' if hasil[True]['p95'] <= 50 else 'TIDAK'}; halaman polos "
              f"{polos['p95']:.1f} ms pada beban yang sama ({hasil[True]['p95'] / polos['p95']:.2f}"
              f" ×), CPU {hasil[True]['cpu'] / polos['cpu']:.2f} × (beban mesin "
              f"{os.getloadavg()[0]:.1f})")
    finally:
        for s in server:
            s.tutup()
        hapus()
        shutil.rmtree(tmp, ignore_errors=True)


def _baris(label, h):
    st = " ".join(f"{k}×{v}" for k, v in sorted(h["status"].items()))
    print(f"  {label:<44} {h['rps']:7.1f} {h['p50']:7.1f} {h['p95']:7.1f} {h['cpu']:7.2f} "
          f"{h['kb']:6.1f}  [{st}]", flush=True)


if __name__ == "__main__":
    main()
