"""Run every benchmark module's main() (or only those named on the command line)."""

import importlib
import pkgutil
import sys
import time
import traceback

import bench


def modul_bench():
    """Names of the benchmark modules, in alphabetical order."""
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                  if not m.name.startswith("_"))


def run(nama_dipilih):
    semua = modul_bench()
    tidak_ada = [n for n in nama_dipilih if n not in semua]
    if tidak_ada:
        print(f"Unknown benchmark(s): {', '.join(tidak_ada)}. Available: {', '.join(semua)}")
        return 2
    gagal = []
    for nama in nama_dipilih or semua:
        modul = importlib.import_module(f"bench.{nama}")
        if not callable(getattr(modul, "main", None)):
            continue
        judul = f"bench.{nama}"
        ringkas = (modul.__doc__ or "").strip().splitlines()
        if ringkas:
            judul += f" — {ringkas[0]}"
        print(f"\n{'=' * len(judul)}\n{judul}\n{'=' * len(judul)}", flush=True)
        mulai = time.perf_counter()
        try:
            modul.main()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            gagal.append(nama)
        print(f"({nama}: {time.perf_counter() - mulai:.1f} s in total)", flush=True)
    if gagal:
        print(f"\nFailed: {', '.join(gagal)}")
        return 1
    return 0


if __name__ == "__main__":
    # Options (starting with "-") are left in sys.argv for the benchmarks themselves.
    sys.exit(run([a for a in sys.argv[1:] if not a.startswith("-")]))
