"""Who owns a background job: one runner for the batch prints (kinerja_web.jobs) and the
whole-Dinas e-Kinerja export (kinerja_web.sinkro.tugas).

A job is claimed with an atomic conditional UPDATE (so two workers never run it twice).
Its owner is recorded as the process that runs it (machine, process id and start time):
on the same machine a job whose owner process is gone is taken over at once, even though
the heartbeat it left is still fresh (a server killed and restarted within seconds); an
owner on another machine is presumed dead when its heartbeat (written every DETAK_SETIAP
seconds by a thread of its own) is older than BASI. The job's table has the columns of
models.kolom.KolomTugasLatar and a status enum with ANTRI, BERJALAN and `terbuka()`.
"""

import hashlib
import os
import secrets
import socket
import threading
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from kinerja_web.extensions import baca_saja, db
from kinerja_web.waktu import sekarang

BASI = timedelta(seconds=90)  # a heartbeat older than this means the worker died
DETAK_SETIAP = 15  # seconds between heartbeats of a running job


def _mesin():
    """This machine and process namespace: host name, boot id and pid namespace, hashed.
    Two processes with the same value can see each other's process ids."""
    bagian = [socket.gethostname()]
    for path in ("/proc/sys/kernel/random/boot_id", "/proc/self/ns/pid"):
        try:
            bagian.append(Path(path).read_text().strip() if "boot" in path
                          else str(os.stat(path).st_ino))
        except OSError:
            bagian.append("-")
    return hashlib.sha256("|".join(bagian).encode()).hexdigest()[:12]


def _mulai_proses(pid):
    """The start time of a process (clock ticks after boot), so a reused pid is not taken
    for the owner; "-" where /proc is unknown. ProcessLookupError when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            raise ProcessLookupError(pid) from None
        os.kill(pid, 0)  # no /proc: at least whether the pid exists
        return "-"
    except OSError:
        return "-"
    bidang = stat.rsplit(")", 1)[1].split()
    if bidang[0] in ("Z", "X", "x"):  # killed, not yet reaped by its parent: gone all the same
        raise ProcessLookupError(pid)
    return bidang[19]  # field 22, starttime


def identitas():
    """The owner written into a job: machine|pid|start|random (≤ 64 characters)."""
    pid = os.getpid()
    return f"{_mesin()}|{pid}|{_mulai_proses(pid)}|{secrets.token_hex(4)}"


def pemilik_mati(pekerja):
    """True when the owner is a process of this machine that no longer runs. False when
    it runs, or is elsewhere (then only its heartbeat tells), or is no identity of ours."""
    bagian = (pekerja or "").split("|")
    if len(bagian) != 4 or bagian[0] != _mesin() or not bagian[1].isdecimal():
        return False
    try:
        mulai = _mulai_proses(int(bagian[1]))
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return "-" not in (mulai, bagian[2]) and mulai != bagian[2]


class TugasLatar:
    """The owner logic of one kind of job.

    `model`: its table; `status`: its status enum; `dibaca`: further columns read with a
    row (for the audit callbacks); `sama`: further columns that must be unchanged for a
    conditional UPDATE to match (besides status and owner); `awal`: further values set when
    a worker takes the job; `catat_ambil(row, pekerja)` / `catat_kembali(row)`: the audit
    of a take and of a hand-back to the queue (`row`: as read); `tulis`: the context the
    write transactions run in (e.g. extensions.transaksi_tulis)."""

    def __init__(self, model, status, *, catat_ambil, catat_kembali, dibaca=(), sama=(),
                 awal=None, tulis=nullcontext):
        self.model, self.status = model, status
        self.catat_ambil, self.catat_kembali = catat_ambil, catat_kembali
        self.sama = ("pekerja", *sama)
        kolom = ["id", "status", "pekerja", "detak"]
        kolom += [k for k in (*sama, *dibaca) if k not in kolom]
        self.kolom = tuple(kolom)
        self.awal = dict(awal or {})
        self.tulis = tulis

    def terputus(self, b, kini=None):
        """A job nobody works on: waiting (not yet taken), or running under an owner that
        died (its process is gone, or its heartbeat is stale)."""
        kini = kini or sekarang()
        if b.status == self.status.ANTRI:
            return True
        return b.status == self.status.BERJALAN and (
            b.detak is None or b.detak < kini - BASI or pemilik_mati(b.pekerja))

    def _bersyarat(self, b):
        """WHERE: the row is still as it was read (so of two takers only one matches)."""
        m = self.model
        syarat = [m.id == b.id, m.status == b.status]
        for nama in self.sama:
            kolom, nilai = getattr(m, nama), getattr(b, nama)
            syarat.append(kolom.is_(None) if nilai is None else kolom == nilai)
        return syarat

    def _baca(self, id_):
        db.session.rollback()
        m = self.model
        with baca_saja():
            return db.session.execute(select(*(getattr(m, k) for k in self.kolom))
                                      .where(m.id == id_)).first()

    def klaim(self, id_, pekerja):
        """Take the job if it waits or its worker died; True when taken. Atomic: a
        conditional UPDATE on the row as read, so two restarters cannot both take it."""
        b = self._baca(id_)
        if b is None or not self.terputus(b):
            return False
        kini, m = sekarang(), self.model
        with self.tulis():
            hasil = db.session.execute(update(m).where(*self._bersyarat(b)).values(
                status=self.status.BERJALAN, pekerja=pekerja, detak=kini,
                mulai=func.coalesce(m.mulai, kini), **self.awal))
            if hasil.rowcount == 1:
                self.catat_ambil(b, pekerja)
            db.session.commit()
        return hasil.rowcount == 1

    def yang_terputus(self):
        """Jobs whose worker died or that wait (for the CLI and startup)."""
        kini, m = sekarang(), self.model
        return [b.id for b in db.session.execute(
            select(m.id, m.status, m.pekerja, m.detak)
            .where(m.status.in_(self.status.terbuka())).order_by(m.id))
            if self.terputus(b, kini)]

    def kembalikan_bila_terputus(self, id_):
        """From a page: a running job whose worker died, or a job waiting for longer than
        the heartbeat window (its queue was lost), goes back to the queue (the caller
        enqueues it). Atomic like `klaim`; True when this call handed it back."""
        b = self._baca(id_)
        if b is None or b.status not in self.status.terbuka():
            return False
        if b.status == self.status.ANTRI:
            if b.detak is None or b.detak >= sekarang() - BASI:
                return False  # queued recently: its worker will come
        elif not self.terputus(b):
            return False
        with self.tulis():
            hasil = db.session.execute(update(self.model).where(*self._bersyarat(b)).values(
                status=self.status.ANTRI, pekerja=None, detak=sekarang()))
            if hasil.rowcount == 1:
                self.catat_kembali(b)
            db.session.commit()
        return hasil.rowcount == 1

    def detak(self, engine, id_, pekerja):
        """The heartbeat of a job this worker runs, started; stop it with `.henti.set()`."""
        d = _Detak(engine, self.model, self.status.BERJALAN, id_, pekerja)
        d.start()
        return d


class _Detak(threading.Thread):
    """Report that the owner is alive every DETAK_SETIAP seconds while the job runs, so a
    long step is never mistaken for a dead worker by another machine."""

    def __init__(self, engine, model, berjalan, id_, pekerja):
        super().__init__(daemon=True, name=f"{model.__tablename__}-detak-{id_}")
        self.engine, self.model, self.berjalan = engine, model, berjalan
        self.id_, self.pekerja = id_, pekerja
        self.henti = threading.Event()

    def run(self):
        m = self.model
        while not self.henti.wait(DETAK_SETIAP):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(m).where(
                        m.id == self.id_, m.pekerja == self.pekerja,
                        m.status == self.berjalan).values(detak=sekarang()))
            except Exception:  # noqa: BLE001 - the next beat tries again
                continue
