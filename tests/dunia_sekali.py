"""A world built once per database and restored for each test (helper module, no tests).

Building the demo Dinas walks every plan through the real transitions (seconds); putting
its ~1,500 rows back from memory takes milliseconds. `sekali(app, kunci, bangun)` runs
`bangun()` the first time a worker needs world `kunci` on this database, keeps every
table's rows and what `bangun` returned, and afterwards only inserts the rows again (with
their ids; PostgreSQL's id sequences are moved past them) into the empty tables the `app`
fixture leaves. Used by the `demo` fixture (conftest.py), the fuzz world (fuzz_dunia.py)
and the module world of the access matrix (dunia_akses.py).

`Cermin` is the same snapshot taken in the middle of a test, with a diff of what changed
since and a restore of just the rows that differ (the fuzz tests, after every example).
"""

import copy

from sqlalchemy import select, text

from kinerja_web import simpanan
from kinerja_web.extensions import db

_SIMPANAN = {}  # (database URL, kunci) -> (rows per table, what bangun returned)


def sekali(app, kunci, bangun):
    """World `kunci` in the (empty) database: built by `bangun()` the first time (which
    must commit it), restored from the saved rows afterwards; a copy of what `bangun`
    returned (a test may change its copy)."""
    simpan = (app.config["SQLALCHEMY_DATABASE_URI"], kunci)
    if simpan in _SIMPANAN:
        baris, hasil = _SIMPANAN[simpan]
        isi(baris)
        return copy.deepcopy(hasil)
    hasil = bangun()
    db.session.rollback()  # end the read transaction before the snapshot
    _SIMPANAN[simpan] = (baca_semua(), hasil)
    return copy.deepcopy(hasil)


def baca(conn, tabel, di_atas=None):
    q = select(tabel) if di_atas is None else select(tabel).where(tabel.c.id > di_atas)
    return {r.id: r for r in conn.execute(q)}


def baca_semua(nama=None, di_atas=None):
    """Rows of the given tables (all when `nama` is None), {table: {id: row}}; for a table
    in `di_atas` only the rows with a higher id (a table that only had inserts)."""
    di_atas = di_atas or {}
    with db.engine.connect() as conn:
        out = {t.name: baca(conn, t, di_atas.get(t.name))
               for t in db.metadata.sorted_tables if nama is None or t.name in nama}
        conn.rollback()
    return out


def isi(baris):
    """Insert saved rows (ids included) into empty tables, parents first; the data
    generation counter (simpanan) is one of them, so it is not raised again."""
    with db.engine.begin() as conn:
        for t in db.metadata.sorted_tables:
            if t.name == "generasi_data":
                # Exactly its rows: the saved ones, or a new schema's when the world was
                # built in tables a test had emptied.
                conn.execute(t.delete())
                conn.execute(t.insert(), [r._asdict() for r in baris.get(t.name, {}).values()]
                             or simpanan.baris_awal())
            elif baris.get(t.name):
                conn.execute(t.insert(), [r._asdict() for r in baris[t.name].values()])
        setel_urutan(conn)
        simpanan.tanpa_naik(conn)


def setel_urutan(conn):
    """PostgreSQL: move each id sequence past the rows inserted with explicit ids (one
    statement for every table)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SELECT " + ", ".join(
        f"setval(pg_get_serial_sequence('{t.name}', 'id'), "
        f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {t.name}), 1))"
        for t in db.metadata.sorted_tables)))


class Cermin:
    """Every table's rows at one moment; which tables differ now; restore the difference."""

    def __init__(self):
        self.baris = baca_semua()
        self.id_maks = {t: max(isi, default=0) for t, isi in self.baris.items()}

    def beda(self, ditulis=None):
        """{table: (added ids, removed ids, changed ids, rows now)} for the tables that
        differ. `ditulis`: {table: statements seen} from the tracker (None: every table);
        a table that only had INSERTs is compared by its new rows alone."""
        hanya_tambah = {t: self.id_maks[t] for t, ops in (ditulis or {}).items()
                        if ops == {"INSERT"} and t in self.id_maks}
        sekarang = baca_semua(None if ditulis is None else set(ditulis), hanya_tambah)
        out = {}
        for t, isi_ in sekarang.items():
            if t in hanya_tambah:
                if isi_:
                    out[t] = (set(isi_), set(), set(), isi_)
                continue
            lama = self.baris[t]
            tambah = set(isi_) - set(lama)
            hapus = set(lama) - set(isi_)
            ubah = {i for i in set(isi_) & set(lama) if tuple(isi_[i]) != tuple(lama[i])}
            if tambah or hapus or ubah:
                out[t] = (tambah, hapus, ubah, isi_)
        return out

    def pulihkan(self, beda):
        """Put the differing rows back as they were (foreign keys checked at commit)."""
        if not beda:
            return
        urut = [t for t in db.metadata.sorted_tables if t.name in beda]
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            else:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for t in reversed(urut):
                tambah, _, _, _ = beda[t.name]
                if tambah:
                    conn.execute(t.delete().where(t.c.id.in_(sorted(tambah))))
            for t in urut:
                _, hapus, ubah, _ = beda[t.name]
                lama = self.baris[t.name]
                for i in sorted(ubah):
                    conn.execute(t.update().where(t.c.id == i).values(lama[i]._asdict()))
                if hapus:
                    conn.execute(t.insert(), [lama[i]._asdict() for i in sorted(hapus)])
            simpanan.tanpa_naik(conn)  # the counter is put back with the rest
