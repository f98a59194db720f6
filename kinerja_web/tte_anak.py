"""Child process of the "Periksa berkas" upload (dokumen.views): validates the signature of
one PDF someone received (stdin) and prints what tte.periksa says as JSON (stdout). It
limits its own CPU time and address space before reading anything, so a hostile PDF
(deep object nesting, huge streams) gets this process killed, not the web worker.
Run with `python -I tte_anak.py CPU_S MEMORY_B MAX_BYTES` (isolated: no PYTHONPATH, no
user site)."""

import importlib.util
import json
import resource
import sys
from pathlib import Path


def main():
    detik, memori, maks = (int(a) for a in sys.argv[1:4])
    resource.setrlimit(resource.RLIMIT_CPU, (detik, detik))
    resource.setrlimit(resource.RLIMIT_AS, (memori, memori))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Everything below is loaded after the limits, so nothing escapes them.
    import warnings

    warnings.simplefilter("ignore")
    import logging  # after the limits too

    logging.disable(logging.CRITICAL)
    # After the limits: nothing escapes them. tte.py needs nothing of the app, so it is
    # loaded from beside this file (not the package, whose __init__ loads Flask).
    spec = importlib.util.spec_from_file_location("tte", Path(__file__).with_name("tte.py"))
    tte = importlib.util.module_from_spec(spec)
    sys.modules["tte"] = tte  # dataclasses look their module up while it loads
    spec.loader.exec_module(tte)

    isi = sys.stdin.buffer.read(maks + 1)
    if len(isi) > maks:
        sys.exit(2)
    sys.stdout.write(json.dumps(tte.periksa(isi)))


if __name__ == "__main__":
    main()
