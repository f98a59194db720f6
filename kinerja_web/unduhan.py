"""Downloads: a file body with a safe name and no caching of personal data."""

from flask import current_app

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}


def kirim_berkas(isi: bytes, nama: str):
    """Send bytes as an attachment named `nama` (ASCII-safe)."""
    ext = nama.rsplit(".", 1)[-1].lower()
    aman = "".join(c if c.isalnum() or c in "-_." else "_" for c in nama)
    response = current_app.response_class(isi, mimetype=MIME.get(ext, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{aman}"'
    response.headers["Cache-Control"] = "no-store"
    return response
