"""House rules the linters do not check, read from the source with `ast` (issue #13): no test
module imports another, tests read pages with the HTML parser rather than regular
expressions, only `kinerja_web/alur/` writes audit rows, and an import inside a function
says which cycle it avoids. Each rule is also shown to catch a made-up offender."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PAKET = TESTS.parent / "kinerja_web"

# ------------------------------------------------------------------ test modules


def modul_uji():
    """Every Python file under tests/ (the browser tests too), by path."""
    return sorted(p for p in TESTS.rglob("*.py") if "vendor" not in p.parts)


def _nama_uji(p):
    return p.name.startswith("test_") and p.suffix == ".py"


NAMA_UJI = {p.stem for p in modul_uji() if _nama_uji(p)}


def impor_modul_uji(sumber):
    """The test modules (`test_*`) the source imports, however it names them:
    `import test_x`, `from test_x import …`, `from tests.e2e.test_x import …`,
    `from tests import test_x`."""
    out = []
    for n in ast.walk(ast.parse(sumber)):
        if isinstance(n, ast.Import):
            nama = [a.name for a in n.names]
        elif isinstance(n, ast.ImportFrom) and n.module:
            nama = [n.module] + [f"{n.module}.{a.name}" for a in n.names]
        else:
            continue
        out += [x for x in nama if x.rsplit(".", 1)[-1] in NAMA_UJI]
    return out


def test_tidak_ada_modul_uji_yang_mengimpor_modul_uji_lain():
    # Shared helpers live in tests/bantu*.py, conftest.py and the dunia*/matriks*/fuzz_dunia
    # helper modules (tests/e2e/bantu_e2e.py for the browser tests).
    salah = {str(p.relative_to(TESTS)): impor for p in modul_uji()
             if (impor := impor_modul_uji(p.read_text(encoding="utf-8")))}
    assert salah == {}


@pytest.mark.parametrize("baris", [
    "from tests.test_pelaksanaan import kirim",
    "from tests import test_perencanaan as _bersama",
    "import test_auth",
    "from tests.e2e.test_masuk import masuk",
])
def test_impor_modul_uji_lain_tertangkap(baris):
    assert impor_modul_uji(baris)
    assert not impor_modul_uji("from bantu import masuk\nfrom tests.conftest import Klien\n"
                               "import dunia_akses\nfrom tests.e2e.bantu_e2e import masuk")


# ------------------------------------------------------------------ pages and regexes

FUNGSI_RE = {"search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}


def _isi_halaman(n, nama):
    """Whether the expression is a page's body: `r.text`, `r.data`, `r.teks` (the HTTP
    client of the server tests), `r.get_data(…)`, `badan(r)`, their `.decode()`, or a name
    bound to one in the same function."""
    if isinstance(n, ast.Attribute) and n.attr in ("text", "data", "teks"):
        return True
    if isinstance(n, ast.Call):
        f = n.func
        if isinstance(f, ast.Attribute) and f.attr == "get_data":
            return True
        if isinstance(f, ast.Attribute) and f.attr == "decode":
            return _isi_halaman(f.value, nama)
        if isinstance(f, ast.Name) and f.id == "badan":
            return True
    return isinstance(n, ast.Name) and n.id in nama


def regex_pada_halaman(sumber):
    """(line, code) of every regular expression run over a page's HTML: `re.search(…, r.text)`
    and friends, a compiled pattern's `.search(r.text)`, directly or through a variable."""
    out = []
    pohon = ast.parse(sumber)
    lingkup = [n for n in ast.walk(pohon) if isinstance(n, (ast.FunctionDef,
                                                             ast.AsyncFunctionDef))]
    for fungsi in [pohon, *lingkup]:
        badan_ = fungsi.body
        simpul = [x for s in badan_ for x in ast.walk(s)] if fungsi is not pohon else [
            x for s in badan_ if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                    ast.ClassDef)) for x in ast.walk(s)]
        nama = {t.id for x in simpul if isinstance(x, ast.Assign) and _isi_halaman(x.value, set())
                for t in x.targets if isinstance(t, ast.Name)}
        for x in simpul:
            if not (isinstance(x, ast.Call) and isinstance(x.func, ast.Attribute)
                    and x.func.attr in FUNGSI_RE):
                continue
            pakai_re = isinstance(x.func.value, ast.Name) and x.func.value.id == "re"
            argumen = x.args[1:] if pakai_re else x.args[:1]
            if any(_isi_halaman(a, nama) for a in argumen):
                out.append((x.lineno, ast.unparse(x)[:120]))
    return sorted(set(out))


def test_halaman_dibaca_dengan_pengurai_html_bukan_regex():
    # Regexes on text that is not HTML (PDF text, CSV, JSON, mail, CLI output, the text
    # bantu.teks reads off a page) stay; tests/bantu.py has the readers for pages.
    salah = {str(p.relative_to(TESTS)): x for p in modul_uji()
             if (x := regex_pada_halaman(p.read_text(encoding="utf-8")))}
    assert salah == {}


@pytest.mark.parametrize("kode", [
    "def f(r):\n    return re.search(r'name=\"versi\" value=\"(\\d+)\"', r.text)",
    "def f(k):\n    return re.findall('x', k.get('/').get_data(as_text=True))",
    "def f(r):\n    html = r.get_data(as_text=True)\n    return re.search('x', html)",
    "def f(r):\n    return re.findall(rb'id=\"upaya-(\\d+)\"', r.data)",
    "POLA = re.compile('x')\ndef f(r):\n    return POLA.search(r.teks)",
    "def f(r):\n    return re.sub('<[^>]+>', ' ', badan(r))",
])
def test_regex_pada_halaman_tertangkap(kode):
    assert regex_pada_halaman(kode)


def test_regex_pada_teks_bukan_html_boleh():
    assert not regex_pada_halaman(
        "def f(r, data):\n"
        "    teks = ' '.join(p.extract_text() for p in PdfReader(data).pages)\n"
        "    re.findall('Kode verifikasi: (\\\\w+)', teks)\n"
        "    re.search('Impor #(\\\\d+)', r.output)\n"
        "    return re.search('Kirim data', bantu.teks(r))")


# ------------------------------------------------------------------ audit rows

# Not moved yet, with the reason; the test below fails once an entry is no longer needed.
AUDIT_DI_LUAR_ALUR = {
    # The e-Kinerja export's `simpan` is being moved into a background job (another
    # branch); its audit row moves into alur with it.
    "sinkro/ekspor.py": "simpan",
}


def penulis_audit(sumber):
    """(function, line) of every audit row the module builds: `Audit(…)`, `insert(Audit)`,
    or `catat(…)` / `alur.catat(…)` (`catat_bacaan`, the audited read, is alur's own)."""
    pohon = ast.parse(sumber)
    catat_diimpor = any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith(
        "kinerja_web.alur") and any(a.name == "catat" for a in n.names) for n in ast.walk(pohon))
    out = []
    fungsi = [n for n in ast.walk(pohon) if isinstance(n, (ast.FunctionDef,
                                                            ast.AsyncFunctionDef))]
    for f in [pohon, *fungsi]:
        for n in ast.walk(f):
            if not isinstance(n, ast.Call):
                continue
            fn = n.func
            nama = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(
                fn, ast.Attribute) else None
            if nama == "Audit" or (
                    nama == "insert" and any(isinstance(a, ast.Name) and a.id == "Audit"
                                             for a in n.args)) or (
                    nama == "catat" and (catat_diimpor if isinstance(fn, ast.Name) else (
                        isinstance(fn.value, ast.Name) and fn.value.id == "alur"))):
                out.append((getattr(f, "name", "<modul>"), n.lineno))
    # A call inside a function is seen from the module too: keep the innermost.
    baris = {b for nama, b in out if nama != "<modul>"}
    return sorted({(nama, b) for nama, b in out if nama != "<modul>" or b not in baris})


def test_hanya_alur_yang_menulis_baris_audit():
    salah, sisa = {}, dict(AUDIT_DI_LUAR_ALUR)
    for p in sorted(PAKET.rglob("*.py")):
        rel = p.relative_to(PAKET).as_posix()
        if rel.startswith("alur/") or rel == "models/audit.py":
            continue
        tulis = penulis_audit(p.read_text(encoding="utf-8"))
        if rel in sisa and {f for f, _ in tulis} == {sisa.pop(rel)}:
            continue
        if tulis:
            salah[rel] = tulis
    assert salah == {}
    assert sisa == {}, "sudah pindah ke alur: hapus dari AUDIT_DI_LUAR_ALUR"


@pytest.mark.parametrize("kode", [
    "from kinerja_web import alur\ndef f(p):\n    alur.catat('x', p)",
    "from kinerja_web.alur import catat\ndef f(p):\n    catat('x', p)",
    "from kinerja_web.models import Audit\ndef f():\n    db.session.add(Audit(aksi='x'))",
    "def f():\n    db.session.execute(insert(Audit).values(aksi='x'))",
])
def test_penulis_audit_di_luar_alur_tertangkap(kode):
    assert penulis_audit(kode)
    assert not penulis_audit("from kinerja_web import alur\ndef f(p):\n"
                             "    alur.catat_bacaan('x', p)\n    select(Audit)")


# ------------------------------------------------------------------ imports in functions


def impor_tanpa_alasan(sumber):
    """(line, import) of every import inside a function without a comment saying why: on
    its own line, or on the line just above its block of imports."""
    baris = sumber.splitlines()
    out = []
    for f in ast.walk(ast.parse(sumber)):
        if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for n in ast.walk(f):
            if not isinstance(n, (ast.Import, ast.ImportFrom)):
                continue
            i = n.lineno - 1
            if "#" in baris[i]:
                continue
            j = i - 1
            while j >= 0 and baris[j].strip().startswith(("from ", "import ")):
                j -= 1  # up through the block of imports
            if j < 0 or not baris[j].strip().startswith("#"):
                out.append((n.lineno, baris[i].strip()))
    return out


def test_impor_di_dalam_fungsi_menyebut_siklusnya():
    salah = {p.relative_to(PAKET).as_posix(): x for p in sorted(PAKET.rglob("*.py"))
             if (x := impor_tanpa_alasan(p.read_text(encoding="utf-8")))}
    assert salah == {}


def test_impor_di_dalam_fungsi_tanpa_alasan_tertangkap():
    assert impor_tanpa_alasan("def f():\n    from kinerja_web import demo\n    return demo")
    assert not impor_tanpa_alasan(
        "def f():\n    # cycle: demo imports this module\n    from kinerja_web import demo\n"
        "    from kinerja_web import jobs\n    return demo, jobs\n"
        "def g():\n    from redis import Redis  # optional: only with REDIS_URL\n")
