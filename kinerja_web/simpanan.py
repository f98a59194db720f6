"""The store of rendered documents and batch files: the database, nothing on local disk.

Documents (render once, serve many):
    sidik(html, logo, static) -> str       fingerprint of what a render would produce
    ambil(kode, sidik) -> bytes | None     the stored PDF when it is that of the current data
    ambil_banyak({kode: sidik}) -> {kode: bytes}   the same for many, in one query
    simpan(kode, isi, jenis=, skp_id=, sidik=, ttd=, nilai=, stempel=)  store (replacing an
                                           older render of the
                                           same document); joins the caller's transaction
    hapus(kode)
    stempel(url) -> "<generasi>-<kunci>"  read BEFORE the data a render or check reads
    kini(jenis, skp_id, url) -> (kode, pdf, nilai, owner) when stored and found current at
                                           the current stamp; one query, no data loaded
    kini_banyak(jenis, skp_ids, stempel) -> the same for many, in one query
    tandai_kini(kode, sidik, stempel, nilai)  stamp a row the long check found current
    naikkan_generasi()                     every stored file to be checked again

A document is stored under its verification code, which covers the printed values; the
fingerprint also covers what the code does not (a school's curve, the letterhead, the
template and stylesheet). Stale means "the current data gives another code or another
fingerprint": such a row is never served, and the next render of that document replaces it.

One query instead of the data: every committed transaction that wrote a table a document
may read (any table but those in TANPA_DOKUMEN, and any statement not recognised) raises
the one counter of `generasi_data` just before it commits (pasang_generasi: engine events,
so also bulk UPDATEs, the CLI and RQ workers). A row found current (same code and
fingerprint) at generation n, on the same day (the Kepala Dinas printed is the one in
office today) and by the same app (code, templates, stylesheets, rule files, key, public
address: `kunci`), is stamped "n-kunci"; while the stamp is unchanged, nothing it was made
from can have changed. The stamp is read before the data: data newer than its stamp only
costs a check later, never serves an old file. Data written outside the app (psql) does
not raise the counter: `flask cetak-segarkan` (or any write through the app) does.

Batch files (one row per finished chunk, and the merged file as urutan -1):
    tulis_bagian(batch_id, urutan, isi), baca_bagian(batch_id, urutan) -> bytes | None,
    alirkan(batch_id, urutan) -> iterator of bytes (the download, read in slices),
    hapus_bagian(batch_id, urutan=None).
"""

import hashlib
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, delete, event, func, select, update
from sqlalchemy.dialects.postgresql import insert as insert_pg
from sqlalchemy.dialects.sqlite import insert as insert_sqlite
from sqlalchemy.orm import Session

from kinerja_web.extensions import db
from kinerja_web.models.cetak import CetakBatchBerkas, DokumenTersimpan, GenerasiData
from kinerja_web.models.org import Pegawai
from kinerja_web.models.skp import Skp
from kinerja_web.waktu import hari_ini, sekarang

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


# ---------------------------------------------------------------- the data generation

# Tables no printed document reads (a write to any other table, or a statement this does
# not recognise, raises the generation): prints, stores, jobs, logins and logs.
TANPA_DOKUMEN = frozenset({
    "audit", "cetakan", "dokumen_tersimpan", "cetak_batch", "cetak_batch_berkas",
    "generasi_data", "kunci_kiriman", "akun", "sesi_login", "tugas_ekspor", "log_sinkro",
    "impor_berkas", "alembic_version",
})
_DML = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.I)
_BACA = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW",
         "SET ", "EXPLAIN", "DECLARE", "FETCH", "CLOSE")
_UBAH = "kinerja_generasi_ubah"  # connection info: this transaction wrote a read table
# The second counter (row 2): raised only by a write to what the pra-perencanaan checks
# read (the roster, the Dinas' overrides and years), so a teacher's autosave leaves the
# checks' stored answers current (alur.prarencana.hasil_pra_kini).
ROSTER = frozenset({
    "sekolah", "referensi_unor", "penugasan", "pegawai", "plot_tim_kerja", "buka_perencanaan",
    "tahun_kinerja", "tahun_dinas",
})
_UBAH_ROSTER = "kinerja_generasi_ubah_roster"
DATA, ROSTER_ID = 1, 2  # the rows of generasi_data
# Row 1 counts up. Row 2 takes a fresh random number at each raise instead: a number is
# then never reused for other data, not even after a database is restored to an earlier
# copy (a backup, a test's snapshot) while processes keep what they read under it.
_NAIK = {"sqlite": "UPDATE generasi_data SET n = n + 1 WHERE id = 1",
         # A database migrated up to before the table has none: then nothing to raise.
         "postgresql": "DO $$ BEGIN IF to_regclass('generasi_data') IS NOT NULL THEN "
                       "UPDATE generasi_data SET n = n + 1 WHERE id = 1; END IF; END $$"}
_NAIK_ROSTER = {
    "sqlite": "UPDATE generasi_data SET n = CASE id WHEN 1 THEN n + 1 ELSE {acak} END "
              "WHERE id IN (1, 2)",
    "postgresql": "DO $$ BEGIN IF to_regclass('generasi_data') IS NOT NULL THEN "
                  "UPDATE generasi_data SET n = CASE id WHEN 1 THEN n + 1 ELSE {acak} END "
                  "WHERE id IN (1, 2); END IF; END $$"}


def baris_awal():
    """The rows of a new schema's generasi_data (what a test's emptied tables get back)."""
    return [{"id": DATA, "n": 0}, {"id": ROSTER_ID, "n": secrets.randbits(62)}]


def _sql_naik(dialek, roster):
    if not roster:
        return _NAIK.get(dialek, _NAIK["sqlite"])
    # An integer made here (no bound parameter: PostgreSQL's DO block takes none).
    return _NAIK_ROSTER.get(dialek, _NAIK_ROSTER["sqlite"]).format(acak=secrets.randbits(62))


def init_app(app):
    with app.app_context():
        pasang_generasi(db.engine)


def pasang_generasi(engine):
    """Engine events: note a write to a table a document may read; raise the counter in
    the same transaction, just before it commits (the row is locked only from there to
    the commit, so writers never wait on each other for long)."""
    if event.contains(engine, "before_cursor_execute", _perhatikan):
        return
    event.listen(engine, "before_cursor_execute", _perhatikan)
    event.listen(engine, "commit", _naikkan)
    event.listen(engine, "rollback", _lupakan)


def _perhatikan(conn, cursor, statement, parameters, context, executemany):
    info = conn.info
    if info.get(_UBAH_ROSTER):
        return  # both counters are raised at commit already
    m = _DML.match(statement)
    if m is not None:
        tabel = m.group(1).lower()
        if tabel in TANPA_DOKUMEN:
            return
        info[_UBAH] = True
        if tabel in ROSTER:
            info[_UBAH_ROSTER] = True
        return
    if not statement.strip() or statement.lstrip()[:8].upper().startswith(_BACA):
        return  # (an empty statement: the driver's ping)
    info[_UBAH] = info[_UBAH_ROSTER] = True  # not recognised: both, to be safe


def _naikkan(conn):
    roster = conn.info.pop(_UBAH_ROSTER, False)
    if not conn.info.pop(_UBAH, False):
        return
    # Through the connection (the transaction is still open here), so whatever watches
    # its statements sees this write too.
    try:
        conn.exec_driver_sql(_sql_naik(conn.dialect.name, roster))
        # The raise itself is no write to data (PostgreSQL's DO block is not recognised
        # as the counter's UPDATE): without this the connection's next transaction, a
        # read only, would raise the counter again, and so on for ever.
        conn.info.pop(_UBAH, None)
        conn.info.pop(_UBAH_ROSTER, None)
    except Exception as e:
        # Only a database without the table yet (a migration running) goes without; any
        # other failure fails the commit rather than leave a stale file current.
        if conn.dialect.name == "postgresql" or "no such table" not in str(e):
            raise


def _lupakan(conn):
    conn.info.pop(_UBAH, None)
    conn.info.pop(_UBAH_ROSTER, None)


def tanpa_naik(conn):
    """Call last in a transaction that only puts rows back as they were at an earlier
    moment, the counter's row included (a test restoring its snapshot): its commit raises
    nothing, so the database is exactly as it was."""
    conn.info.pop(_UBAH, None)


def naikkan_generasi():
    """Mark every stored document as to be checked again (data changed outside the app);
    the caller commits."""
    db.session.execute(update(GenerasiData).where(GenerasiData.id == DATA)
                       .values(n=GenerasiData.n + 1))
    db.session.execute(update(GenerasiData).where(GenerasiData.id == ROSTER_ID)
                       .values(n=secrets.randbits(62)))


_AKAR = Path(__file__).resolve().parent


@lru_cache(maxsize=4)
def _kunci_app(rahasia, static, templates):
    """What a document is made from besides the data: the app's code (the values and how
    they print), the print templates and stylesheets, the rule files and the key of the
    code; read once per process (a deploy restarts it)."""
    h = hashlib.sha256(str(rahasia).encode())
    berkas = sorted(_AKAR.rglob("*.py")) + sorted(_AKAR.rglob("*.toml")) \
        + sorted((Path(templates) / "pdf").glob("*.html")) \
        + [Path(static) / "css" / n for n in ("print.css", "print-ua.css")]
    for p in berkas:
        try:
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        except OSError:
            pass
    return h.hexdigest()


# The signer's settings outside the database (kinerja_web/tte.py): another certificate
# file or service signs differently. The passphrase itself is never part of a stamp.
_TTE = ("KINERJA_TTE_P12", "KINERJA_TTE_SANDI_FILE", "KINERJA_TTE_URL", "KINERJA_TTE_ID",
        "KINERJA_TTE_TSA_URL")


def _kunci_tte():
    nilai = [os.environ.get(k, "") for k in _TTE]
    try:  # the certificate file replaced in place
        nilai.append(str(os.stat(nilai[0]).st_mtime_ns) if nilai[0] else "")
    except OSError:
        nilai.append("?")
    return "|".join(nilai)


def kunci(url):
    """The app part of a stamp: code and files, the signer's settings, the address
    printed, today's date."""
    app = current_app
    dasar = _kunci_app(app.config["SECRET_KEY"], app.static_folder,
                       str(Path(app.root_path, app.template_folder or "templates")))
    isi = f"{dasar}|{_kunci_tte()}|{app.config.get('TTE_TSA_URL')}|{url}|{hari_ini().isoformat()}"
    return hashlib.sha256(isi.encode()).hexdigest()[:32]


def generasi():
    return db.session.scalar(select(GenerasiData.n).where(GenerasiData.id == DATA))


# The roster's number as the user loader read it with the signed-in person (one query
# less for a page that asks it); forgotten at the transaction's end.
_ROSTER_DIBACA = "kinerja_generasi_roster"
KOLOM_ROSTER = (select(GenerasiData.n).where(GenerasiData.id == ROSTER_ID)
                .scalar_subquery().label("generasi_roster"))


def ingat_roster(n):
    """Keep for this transaction the roster's number read with other data (KOLOM_ROSTER).
    A number read before the data it keeps is safe: what is kept under it is never older
    than it."""
    db.session.info[_ROSTER_DIBACA] = n


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _lupakan_roster(sesi):
    sesi.info.pop(_ROSTER_DIBACA, None)


def generasi_roster():
    """The roster's number (see ROSTER), or None: no counter yet, or this transaction has
    written the roster and not committed (nothing read now may be kept under a number).
    Read first (its autoflush writes what the session holds), then the flag."""
    if _ROSTER_DIBACA in db.session.info:
        n = db.session.info[_ROSTER_DIBACA]
        db.session.flush()
    else:
        n = db.session.scalar(select(GenerasiData.n).where(GenerasiData.id == ROSTER_ID))
    return None if db.session.connection().info.get(_UBAH_ROSTER) else n


def stempel(url):
    """The current stamp ("<generasi>-<kunci>"), None when the database has no counter.
    Read it before the data that is checked or rendered with it."""
    n = generasi()
    return None if n is None else f"{n}-{kunci(url)}"


# Built once (a stored print's only query; building it cost about as much as running it).
_KINI = (
    select(DokumenTersimpan.kode, DokumenTersimpan.pdf, DokumenTersimpan.nilai,
           DokumenTersimpan.stempel, GenerasiData.n, Pegawai.id, Pegawai.dinas_id,
           Pegawai.nama, Pegawai.nip)
    .join(Skp, Skp.id == DokumenTersimpan.skp_id)
    .join(Pegawai, Pegawai.id == Skp.pegawai_id)
    .join(GenerasiData, GenerasiData.id == 1)
    .where(DokumenTersimpan.skp_id == bindparam("skp_id"),
           DokumenTersimpan.jenis == bindparam("jenis")))


def kini(jenis, skp_id, url):
    """(kode, pdf, nilai, owner) of the stored document of this SKP when it was found
    current at the current stamp, else None: one query of plain columns, no other data
    read. `owner`: pegawai_id, dinas_id, nama, nip of the SKP's pegawai."""
    k = kunci(url)
    baris = db.session.execute(_KINI, {"skp_id": skp_id, "jenis": jenis}).first()
    if baris is None or baris.nilai is None or baris.stempel != f"{baris.n}-{k}":
        return None
    return baris.kode, bytes(baris.pdf), baris.nilai, tuple(baris[5:])


def kini_banyak(jenis, skp_ids, stempel_):
    """{skp_id: (kode, pdf, nilai, (pegawai id, nama, NIP))} of the documents of these SKPs
    stored and found current at the stamp `stempel_` (read before): one query for many."""
    if not skp_ids or stempel_ is None:
        return {}
    baris = db.session.execute(
        select(DokumenTersimpan.skp_id, DokumenTersimpan.kode, DokumenTersimpan.pdf,
               DokumenTersimpan.nilai, Pegawai.id, Pegawai.nama, Pegawai.nip)
        .join(Skp, Skp.id == DokumenTersimpan.skp_id)
        .join(Pegawai, Pegawai.id == Skp.pegawai_id)
        .where(DokumenTersimpan.skp_id.in_(list(skp_ids)), DokumenTersimpan.jenis == jenis,
               DokumenTersimpan.stempel == stempel_, DokumenTersimpan.nilai.is_not(None)))
    return {b[0]: (b[1], bytes(b[2]), b[3], tuple(b[4:])) for b in baris}


def tandai_kini(kode, sidik_, stempel_, nilai):
    """Stamp a stored row found current by the long check (the caller commits)."""
    db.session.execute(update(DokumenTersimpan).where(
        DokumenTersimpan.kode == kode, DokumenTersimpan.sidik == sidik_)
        .values(stempel=stempel_, nilai=nilai))


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


def simpan(kode, isi, *, jenis, skp_id, sidik, ttd=None, nilai=None, stempel=None):
    """Store a rendered document in the caller's transaction (the caller commits).
    Idempotent and safe against a concurrent store of the same code (an upsert); older
    renders of the same document and SKP (other codes) are removed: they can never be
    served again, since the current data gives this code."""
    db.session.execute(delete(DokumenTersimpan).where(
        DokumenTersimpan.skp_id == skp_id, DokumenTersimpan.jenis == jenis,
        DokumenTersimpan.kode != kode))
    baris = dict(kode=kode, jenis=jenis, skp_id=skp_id, sidik=sidik, pdf=isi,
                 ukuran=len(isi), dibuat=sekarang(), ttd=ttd, nilai=nilai, stempel=stempel)
    stmt = _insert()(DokumenTersimpan).values(**baris)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[DokumenTersimpan.kode],
        set_={k: stmt.excluded[k] for k in ("jenis", "skp_id", "sidik", "pdf", "ukuran",
                                            "dibuat", "ttd", "nilai", "stempel")}))


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
