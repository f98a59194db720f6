"""The import layers are enforced: `lint-imports` (run by `make lint` and `make test`) passes
on the real tree and fails on a copy with one broken rule — a route module importing
another feature's, an import cycle, alur out of order, the rules importing the app, the
CLI importing a page. The contracts live in pyproject.toml under [tool.importlinter]."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    """(exit code, output) of lint-imports on a tree holding kinerja_web/ and pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    r = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config",
                        str(tree / "pyproject.toml")], cwd=tree, env=env,
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


@pytest.fixture
def salinan(tmp_path):
    """A copy of the package and its contracts, to break one rule in."""
    shutil.copytree(ROOT / "kinerja_web", tmp_path / "kinerja_web",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def tambah(tree, modul, baris):
    path = tree / "kinerja_web" / modul
    path.write_text(path.read_text() + "\n" + baris + "\n")


def test_pohon_asli_memenuhi_semua_kontrak():
    kode, keluaran = lint_imports(ROOT)
    assert kode == 0, keluaran
    assert "0 broken" in keluaran


@pytest.mark.parametrize("ubah, kontrak", [
    # A page borrowing another feature's page (as persetujuan once did with cari_teks).
    ([("penilaian/views.py", "from kinerja_web.dinas.views import bp as _dinas  # noqa")],
     "Fitur: no route module imports another"),
    # ... also through a module of its own in between.
    ([("dinas/penilaian.py", "from kinerja_web.pelaksanaan import forms as _f  # noqa"),
      ("pelaksanaan/forms.py", "from kinerja_web.pelaksanaan.views import bp as _p  # noqa")],
     "Fitur: no route module imports another"),
    # Two helpers of one layer importing each other: a cycle.
    ([("formulir.py", "import kinerja_web.htmx  # noqa"),
      ("htmx.py", "import kinerja_web.formulir  # noqa")],
     "No import cycles between sibling modules anywhere in the package"),
    # The circle alur.skp -> alur.penilaian -> alur.skp (as predikat_ditetapkan once made).
    ([("alur/skp.py", "from kinerja_web.alur.penilaian import penilaian_untuk  # noqa")],
     "alur: skp < penilaian < pelaksanaan, on syarat (no cycle)"),
    # The rules reaching for the database.
    ([("aturan/nilai.py", "from kinerja_web.models import Skp  # noqa")],
     "aturan: pure rules, imports nothing of the app"),
    ([("aturan/nilai.py", "import flask  # noqa")],
     "aturan: pure rules, imports nothing of the app"),
    # A model calling a workflow function (a lower layer importing a higher one).
    ([("models/skp.py", "from kinerja_web import alur  # noqa")],
     "Lapisan: CLI > fitur"),
    # alur calling up into a feature package (as alur.impor once did for the roster's
    # apply step, and alur.akun for auth's session store).
    ([("alur/impor.py", "from kinerja_web.impor import roster as _r  # noqa")],
     "Lapisan: CLI > fitur"),
    ([("alur/akun.py", "from kinerja_web.auth import sesi as _s  # noqa")],
     "Lapisan: CLI > fitur"),
    # The CLI borrowing a page's query (as cetak-batch once did with dokumen.views).
    ([("commands.py", "from kinerja_web.dokumen.views import bp as _d  # noqa")],
     "CLI and demo data never import a route module"),
])
def test_kontrak_yang_dilanggar_gagal(salinan, ubah, kontrak):
    for modul, baris in ubah:
        tambah(salinan, modul, baris)
    kode, keluaran = lint_imports(salinan)
    assert kode != 0, keluaran
    rusak = keluaran[keluaran.index("Broken contracts"):]
    assert kontrak in " ".join(rusak.split()), keluaran


def test_modul_baru_harus_punya_lapisan(salinan):
    """A new top-level module must be placed in a layer (the contract is exhaustive)."""
    (salinan / "kinerja_web" / "baru.py").write_text('"""A module nobody placed."""\n')
    kode, keluaran = lint_imports(salinan)
    assert kode != 0
    assert "kinerja_web.baru" in keluaran
