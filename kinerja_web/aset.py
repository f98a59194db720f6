"""Static assets under content-hashed names, cached by browsers for a year."""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, url_for

bp = Blueprint("aset", __name__)
_cache: dict[str, tuple[float, str]] = {}
# Files served as one, so a cold page load stays at three requests (HTML, CSS, JS).
BUNDEL = {"js/app.js": ("vendor/htmx.min.js", "js/kinerja.js")}


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(aset_url, "aset")


def _sidik(path: Path) -> str:
    mtime = path.stat().st_mtime
    known = _cache.get(str(path))
    if known and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    _cache[str(path)] = (mtime, digest)
    return digest


def _berkas(nama: str) -> Path:
    root = Path(current_app.static_folder).resolve()
    path = (root / nama).resolve()
    if root not in path.parents or not path.is_file():
        abort(404)
    return path


def _isi(nama):
    """(bytes, hash) of a static file or a bundle of them."""
    bagian = BUNDEL.get(nama, (nama,))
    paths = []
    for b in bagian:
        path = Path(current_app.static_folder) / b
        if not path.is_file():
            raise RuntimeError(f"static/{b} tidak ada: jalankan `make run` atau `make test` "
                               "(mengambil htmx dari registri npm).")
        paths.append(path)
    sidik = "".join(_sidik(p) for p in paths)
    if len(paths) > 1:
        sidik = hashlib.sha256(sidik.encode()).hexdigest()[:12]
    return paths, sidik


def aset_url(nama):
    """URL of a static file with its content hash in the name: css/app.3f2a9c.css."""
    _, sidik = _isi(nama)
    stem, dot, ext = nama.rpartition(".")
    return url_for("aset.berkas", nama=f"{stem}.{sidik}{dot}{ext}")


@bp.get("/aset/<path:nama>")
def berkas(nama):
    stem, _, ext = nama.rpartition(".")
    asli, _, sidik = stem.rpartition(".")
    asli = f"{asli}.{ext}"
    if asli not in BUNDEL:
        _berkas(asli)  # 404 outside static/ or for a missing file
    paths, benar = _isi(asli)
    if sidik != benar:
        abort(404)
    mimetype = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(ext)
    # A plain body (not a file wrapper) so Flask-Compress can compress it.
    isi = b"\n".join(p.read_bytes() for p in paths)
    response = current_app.response_class(isi, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
