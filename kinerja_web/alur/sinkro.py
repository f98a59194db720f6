"""The whole-Dinas e-Kinerja export job: Antri → Berjalan → Selesai (or Dibatalkan, Gagal),
and its audit rows.

The Operator's page (or `flask ekspor-ekinerja`) starts a job, or joins the one already
open for the same Dinas, kind and year (a partial unique index keeps one open job; two
starts at once make one). The worker (`kinerja_web.sinkro.tugas`) takes it, reports its
progress and finishes it with conditional UPDATEs of its own (so of two workers only one
moves it); the rows it audits are written here. A worker runs with no signed-in user: its
rows name the account that started the job, with no address.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kinerja_web.alur import Ditolak, catat
from kinerja_web.extensions import db
from kinerja_web.models import Audit
from kinerja_web.models.sinkro import StatusTugas, TugasEkspor
from kinerja_web.waktu import sekarang

PESAN_GAGAL_UMUM = ("Ekspor berhenti karena kesalahan di server ({rincian}). Tidak ada yang "
                    "tersimpan dari ekspor ini; coba lagi, dan bila terulang hubungi admin.")


def _boleh(akun, dinas_id, cli):
    """Only an Operator of this Dinas (the command line may act for no account)."""
    if akun is None:
        if cli:
            return
        raise Ditolak("Ekspor hanya dapat dijalankan oleh Operator Dinas.")
    peran = getattr(akun, "peran", None)
    if peran is None or not peran.operator_dinas or peran.dinas_id != dinas_id:
        raise Ditolak("Ekspor hanya dapat dijalankan oleh Operator Dinas ini.")


def terbuka(dinas_id, jenis, tahun):
    """The open (queued or running) job of this Dinas, kind and year, or None."""
    return db.session.scalar(select(TugasEkspor).where(
        TugasEkspor.dinas_id == dinas_id, TugasEkspor.jenis == jenis,
        TugasEkspor.tahun == tahun, TugasEkspor.status.in_(StatusTugas.terbuka())))


def mulai(akun, dinas_id, jenis, tahun, lingkup, *, cli=False):
    """Queue the export of the whole Dinas, or join the open one of the same kind and year.
    (job, True) when queued now (the caller commits, then hands it to a worker), (job,
    False) when joined. Race-safe: the second of two concurrent inserts fails on the unique
    index (PostgreSQL waits for the first to commit) and joins the first's job."""
    _boleh(akun, dinas_id, cli)
    for _ in range(3):
        ada = terbuka(dinas_id, jenis, tahun)
        if ada is not None:
            return ada, False
        t = TugasEkspor(dinas_id=dinas_id, akun_id=akun.id if akun is not None else None,
                        jenis=jenis, tahun=tahun, lingkup=lingkup[:200],
                        status=StatusTugas.ANTRI, detak=sekarang())
        try:
            with db.session.begin_nested():
                db.session.add(t)
        except IntegrityError:
            continue  # started at the same moment by someone else: follow theirs
        catat("tugas_ekspor", t, ke=StatusTugas.ANTRI, akun=akun, catatan=t.lingkup,
              data={"jenis": jenis, "tahun": tahun, **({"cli": True} if cli else {})})
        return t, True
    raise Ditolak("Ekspor tidak dapat dimulai sekarang; coba lagi sebentar lagi.")


def batalkan(t, akun):
    """Cancel a waiting or running job (locked and read afresh by the caller); False when
    it has ended already. Nothing of the export is stored."""
    _boleh(akun, t.dinas_id, False)
    if t.status not in StatusTugas.terbuka():
        return False
    dari = t.status
    t.status = StatusTugas.DIBATALKAN
    t.selesai = sekarang()
    catat("tugas_ekspor_dibatalkan", t, dari=dari, ke=StatusTugas.DIBATALKAN, akun=akun,
          data={"diproses": t.diproses, "total": t.total})
    return True


def _audit_pekerja(aksi, tugas_id, akun_id, dari, ke, data=None):
    db.session.add(Audit(akun_id=akun_id, aksi=aksi, objek_tipe=TugasEkspor.__tablename__,
                         objek_id=tugas_id, dari=dari, ke=ke, data=data))


def catat_ambil(b, pekerja):
    """A worker took the job (`b`: the row as read): from the queue, or over from a dead
    owner (which leaves its own trace)."""
    if b.status == StatusTugas.BERJALAN:
        _audit_pekerja("tugas_ekspor_dilanjutkan", b.id, b.akun_id, b.status,
                       StatusTugas.BERJALAN, {"pekerja_lama": b.pekerja,
                                              "diproses": b.diproses})
    else:
        _audit_pekerja("tugas_ekspor_berjalan", b.id, b.akun_id, b.status,
                       StatusTugas.BERJALAN, {"pekerja": pekerja})


def catat_kembali_antri(b):
    """A page or restart hands a job whose owner died back to the queue."""
    _audit_pekerja("tugas_ekspor_dilanjutkan", b.id, b.akun_id, b.status, StatusTugas.ANTRI,
                   {"pekerja_lama": b.pekerja, "diproses": b.diproses})


def catat_selesai(t, ekspor):
    _audit_pekerja("tugas_ekspor_selesai", t.id, t.akun_id, StatusTugas.BERJALAN,
                   StatusTugas.SELESAI, {"ekspor": ekspor.id,
                                         "diekspor": ekspor.jumlah_diekspor,
                                         "gagal": ekspor.jumlah_gagal})


def catat_gagal(tugas_id, akun_id, pesan):
    _audit_pekerja("tugas_ekspor_gagal", tugas_id, akun_id, StatusTugas.BERJALAN,
                   StatusTugas.GAGAL, {"galat": pesan})


def pesan_gagal(galat):
    """Why the job failed, in Indonesian, for the Operator: a refusal says its own reason;
    anything else is a server error, named so that the admin can find it in the log."""
    if isinstance(galat, Ditolak):
        return str(galat)[:500]
    rincian = f"{type(galat).__name__}: {galat}"[:300]
    return PESAN_GAGAL_UMUM.format(rincian=rincian)
