"""Static assets under content-hashed names, cached by browsers for a year."""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, url_for

bp = Blueprint("aset", __name__)
_cache: dict[str, tuple[float, str]] = {}


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


def aset_url(nama):
    """URL of a static file with its content hash in the name: css/app.3f2a9c.css."""
    path = Path(current_app.static_folder) / nama
    if not path.is_file():
        raise RuntimeError(f"static/{nama} tidak ada: jalankan `make vendor` (atau make run).")
    stem, dot, ext = nama.rpartition(".")
    return url_for("aset.berkas", nama=f"{stem}.{_sidik(path)}{dot}{ext}")


@bp.get("/aset/<path:nama>")
def berkas(nama):
    stem, _, ext = nama.rpartition(".")
    asli, _, sidik = stem.rpartition(".")
    path = _berkas(f"{asli}.{ext}")
    if sidik != _sidik(path):
        abort(404)
    mimetype = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(ext)
    # A plain body (not a file wrapper) so Flask-Compress can compress it.
    response = current_app.response_class(path.read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
