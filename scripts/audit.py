"""Known vulnerabilities of the installed Python packages (`make audit`, run by CI).

pip-audit asks PyPI for each package's version (`/pypi/<name>/<version>/json`). Some
package indexes and proxies serve only the project document (`/pypi/<name>/json`), and
pip-audit then skips every package as "not found". For each package skipped so, this
script reads the project document instead: when the installed version is the latest
release, the document's `vulnerabilities` are this version's. Any known vulnerability
fails. A package that neither source can answer for is named; when no package at all
could be checked the audit fails, since an audit that checked nothing proves nothing.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from importlib import metadata

PYPI = "https://pypi.org/pypi/{}/json"


def pip_audit():
    """pip-audit's JSON report: {name: (version, vulns, skip_reason)}."""
    hasil = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off",
         "-f", "json"], capture_output=True, text=True, check=False)
    try:
        laporan = json.loads(hasil.stdout)
    except json.JSONDecodeError:
        sys.exit(f"pip-audit tidak berjalan:\n{hasil.stderr}")
    return {d["name"]: (d.get("version"), d.get("vulns", []), d.get("skip_reason"))
            for d in laporan["dependencies"]}


def dari_dokumen_proyek(nama, versi):
    """Vulnerability ids of `versi` from the project document, or None when unknown."""
    try:
        with urllib.request.urlopen(PYPI.format(nama), timeout=30) as r:
            dok = json.load(r)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None
    if dok["info"]["version"] != versi:
        return None  # the document's vulnerabilities are those of another release
    return [v["id"] for v in dok.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main():
    rentan, tak_diperiksa, diperiksa = {}, [], 0
    for nama, (versi, vulns, alasan) in sorted(pip_audit().items()):
        if alasan is not None and "editable" in alasan:
            continue  # this project itself
        if alasan is None:
            diperiksa += 1
            if vulns:
                rentan[f"{nama} {versi}"] = [v["id"] for v in vulns]
            continue
        try:
            versi = versi or metadata.version(nama)
        except metadata.PackageNotFoundError:
            tak_diperiksa.append(nama)
            continue
        ids = dari_dokumen_proyek(nama, versi)
        if ids is None:
            tak_diperiksa.append(f"{nama} {versi}")
            continue
        diperiksa += 1
        if ids:
            rentan[f"{nama} {versi}"] = ids
    print(f"Audit: {diperiksa} paket diperiksa.")
    if tak_diperiksa:
        print("Tidak dapat diperiksa (data kerentanan versi ini tidak tersedia): "
              + ", ".join(tak_diperiksa))
    if rentan:
        for paket, ids in rentan.items():
            print(f"RENTAN: {paket}: {', '.join(ids)}")
        print("Perbarui pinnya di pyproject.toml lalu jalankan make lock.")
        return 1
    if diperiksa == 0:
        print("GAGAL: tidak ada paket yang dapat diperiksa (periksa akses ke "
              "https://pypi.org/pypi/<paket>/json).")
        return 1
    print("Tidak ada kerentanan yang diketahui.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
