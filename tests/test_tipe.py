"""Type checking: mypy passes on the packages `make lint` checks, and fails on a type error.

The packages come from MYPY_PATHS in the Makefile and the settings from pyproject.toml, so
this is the check `make lint` and `make test` run.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _paket():
    teks = (ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^MYPY_PATHS := (.+)$", teks, re.M).group(1).split()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("mypy_cache")


def _mypy(cache, *jalur, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(cache), "--no-color-output", "--no-error-summary", *jalur],
        cwd=cwd, capture_output=True, text=True, timeout=300)


def test_paket_yang_diperiksa_lolos(cache):
    paket = _paket()
    assert {"kinerja_web/aturan", "kinerja_web/models", "kinerja_web/alur"} <= set(paket)
    hasil = _mypy(cache, *paket)
    assert hasil.returncode == 0, hasil.stdout + hasil.stderr


def test_galat_tipe_di_aturan_menggagalkan(cache, tmp_path):
    # aturan/ imports only itself: a copy is checked as it is, with one mistake added, a
    # rule that returns the predikat's label where its rank (an int) is declared.
    salinan = tmp_path / "aturan"
    shutil.copytree(ROOT / "kinerja_web" / "aturan", salinan,
                    ignore=shutil.ignore_patterns("__pycache__"))
    nilai = salinan / "nilai.py"
    asli = nilai.read_text(encoding="utf-8")
    nilai.write_text(asli + "\n\ndef peringkat_salah(p: Predikat) -> int:\n"
                     "    return p.label\n", encoding="utf-8")
    baris = asli.count("\n") + 4

    hasil = _mypy(cache, "aturan", cwd=tmp_path)
    assert hasil.returncode == 1, hasil.stdout + hasil.stderr
    galat = [g for g in hasil.stdout.splitlines() if ": error:" in g]
    assert galat == [f"aturan/nilai.py:{baris}: error: Incompatible return value type "
                     '(got "str", expected "int")  [return-value]'], hasil.stdout

    # The same copy without the mistake passes: the failure is the mistake's alone.
    nilai.write_text(asli, encoding="utf-8")
    hasil = _mypy(cache, "aturan", cwd=tmp_path)
    assert hasil.returncode == 0, hasil.stdout + hasil.stderr
