"""The store of rendered documents and batch files: the database, nothing on local disk.

Documents (render once, serve many):
    sidik(html, logo, static) -> str       fingerprint of what a render would produce
    ambil(kode, sidik) -> bytes | None     the stored PDF when it is that of the current data
    ambil_banyak({kode: sidik}) -> {kode: bytes}   the same for many, in one query
    simpan(kode, isi, jenis=, skp_id=, sidik=, ttd=)  store (replacing an older render of the
                                           same document); joins the caller's transaction
    hapus(kode)

A document is stored under its verification code, which covers the printed values; the
fingerprint also covers what the code does not (a school's curve, the letterhead, the
template and stylesheet). Stale means "the current data gives another code or another
fingerprint": such a row is never served, and the next render of that document replaces it.

Batch files (one row per finished chunk, and the merged file as urutan -1):
    tulis_bagian(batch_id, urutan, isi), baca_bagian(batch_id, urutan) -> bytes | None,
    alirkan(batch_id, urutan) -> iterator of bytes (the download, read in slices),
    hapus_bagian(batch_id, urutan=None).
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as insert_pg
from sqlalchemy.dialects.sqlite import insert as insert_sqlite

from kinerja_web.extensions import db
from kinerja_web.models.cetak import CetakBatchBerkas, DokumenTersimpan
from kinerja_web.waktu import sekarang

IRISAN = 1024 * 1024  # bytes read per query when a file is streamed from the database
HASIL = -1  # urutan of a batch's merged file


@lru_cache(maxsize=8)
def _sidik_gaya(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sidik(html, logo=None, static=None):
    """SHA-256 over the HTML of a document (it carries the code and the QR), the images
    it may draw and the print stylesheets (print.css, print-ua.css)."""
    h = hashlib.sha256(html.encode())
    for kunci in sorted(logo or {}):
        isi, mime = logo[kunci]
        h.update(f"|{kunci}|{mime}|".encode())
        h.update(hashlib.sha256(isi).digest())
    for nama in ("print.css", "print-ua.css") if static is not None else ():
        gaya = Path(static) / "css" / nama
        try:
            h.update(_sidik_gaya(str(gaya), gaya.stat().st_mtime_ns).encode())
        except OSError:
            pass
    return h.hexdigest()


def ambil(kode, sidik_):
    """The stored PDF of this code, when rendered from the same data; else None."""
    return ambil_banyak({kode: sidik_}).get(kode)


def ambil_banyak(kode_sidik):
    """{kode: PDF} for the codes stored with the given fingerprints (one query)."""
    if not kode_sidik:
        return {}
    baris = db.session.execute(select(DokumenTersimpan.kode, DokumenTersimpan.sidik,
                                      DokumenTersimpan.pdf)
                               .where(DokumenTersimpan.kode.in_(list(kode_sidik))))
    return {k: bytes(p) for k, s, p in baris if kode_sidik.get(k) == s}


def ada(kode_sidik):
    """The codes among these stored with the given fingerprints (no bytes read)."""
    if not kode_sidik:
        return set()
    baris = db.session.execute(select(DokumenTersimpan.kode, DokumenTersimpan.sidik)
                               .where(DokumenTersimpan.kode.in_(list(kode_sidik))))
    return {k for k, s in baris if kode_sidik.get(k) == s}


def _insert():
    return insert_pg if db.session.get_bind().dialect.name == "postgresql" else insert_sqlite


def simpan(kode, isi, *, jenis, skp_id, sidik, ttd=None):
    """Store a rendered document in the caller's transaction (the caller commits).
    Idempotent and safe against a concurrent store of the same code (an upsert); older
    renders of the same document and SKP (other codes) are removed: they can never be
    served again, since the current data gives this code."""
    db.session.execute(delete(DokumenTersimpan).where(
        DokumenTersimpan.skp_id == skp_id, DokumenTersimpan.jenis == jenis,
        DokumenTersimpan.kode != kode))
    nilai = dict(kode=kode, jenis=jenis, skp_id=skp_id, sidik=sidik, pdf=isi,
                 ukuran=len(isi), dibuat=sekarang(), ttd=ttd)
    stmt = _insert()(DokumenTersimpan).values(**nilai)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[DokumenTersimpan.kode],
        set_={k: stmt.excluded[k] for k in ("jenis", "skp_id", "sidik", "pdf", "ukuran",
                                            "dibuat", "ttd")}))


def hapus(kode):
    db.session.execute(delete(DokumenTersimpan).where(DokumenTersimpan.kode == kode))


# ---------------------------------------------------------------- batch files


def tulis_bagian(batch_id, urutan, isi):
    """Write a chunk (or the merged file) of a batch in the caller's transaction; a chunk
    written again (a worker that resumed) replaces the earlier bytes."""
    db.session.execute(delete(CetakBatchBerkas).where(
        CetakBatchBerkas.batch_id == batch_id, CetakBatchBerkas.urutan == urutan))
    db.session.add(CetakBatchBerkas(batch_id=batch_id, urutan=urutan, isi=isi,
                                    ukuran=len(isi)))


def baca_bagian(batch_id, urutan):
    isi = db.session.scalar(select(CetakBatchBerkas.isi).where(
        CetakBatchBerkas.batch_id == batch_id, CetakBatchBerkas.urutan == urutan))
    return None if isi is None else bytes(isi)


def ukuran_bagian(batch_id, urutan):
    return db.session.scalar(select(CetakBatchBerkas.ukuran).where(
        CetakBatchBerkas.batch_id == batch_id, CetakBatchBerkas.urutan == urutan))


def alirkan(batch_id, urutan, ukuran):
    """The bytes of a stored file in slices of IRISAN, each read in a short query of its
    own and an app context of its own (so the response needs no request context while
    the client downloads, and no transaction stays open between slices)."""
    app = current_app._get_current_object()

    def irisan():
        for mulai in range(0, ukuran, IRISAN):
            with app.app_context():
                isi = db.session.scalar(
                    select(func.substr(CetakBatchBerkas.isi, mulai + 1, IRISAN))
                    .where(CetakBatchBerkas.batch_id == batch_id,
                           CetakBatchBerkas.urutan == urutan))
                db.session.remove()
            if isi is None:
                return
            yield bytes(isi)

    return irisan()


def hapus_bagian(batch_id, urutan=None):
    """Remove a batch's chunks (urutan None: every chunk, not the merged file)."""
    q = delete(CetakBatchBerkas).where(CetakBatchBerkas.batch_id == batch_id)
    q = q.where(CetakBatchBerkas.urutan == urutan) if urutan is not None \
        else q.where(CetakBatchBerkas.urutan != HASIL)
    db.session.execute(q)
