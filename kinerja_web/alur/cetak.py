"""Cetak batch: Antri → Berjalan → Selesai (or Dibatalkan, Gagal), and its audit rows.

The page queues and cancels a job; the worker (`kinerja_web.jobs`) takes it, stores its
printed documents chunk by chunk and finishes it with conditional UPDATEs of its own (so
of two workers only one moves it); the rows it audits are written here. A worker runs with
no signed-in user: its rows name the account that queued the job, with no address.
"""

from sqlalchemy import insert

from kinerja_web.alur import catat, tulis_sekarang, tulis_singkat
from kinerja_web.extensions import db
from kinerja_web.models import Audit
from kinerja_web.models.cetak import Cetakan, CetakBatch, StatusBatch
from kinerja_web.waktu import sekarang


def antrikan(akun, dinas_id, jenis, format, daftar, ukuran_chunk, lingkup, *, cli=False):
    """Queue a batch of `daftar` (SKP ids) for the account; the caller commits, then hands
    it to a worker."""
    b = CetakBatch(akun_id=akun.id, dinas_id=dinas_id, jenis=jenis, format=format,
                   daftar=daftar, ukuran_chunk=ukuran_chunk, detak=sekarang(), lingkup=lingkup)
    db.session.add(b)
    data = ({"dokumen": len(daftar), "cli": True} if cli else
            {"jenis": jenis, "dokumen": len(daftar), "format": format})
    catat("cetak_batch", b, ke=StatusBatch.ANTRI, akun=akun, data=data)
    return b


def batalkan(b):
    """Cancel a waiting or running job (locked and read afresh by the caller); False when
    it has ended already."""
    if b.status not in StatusBatch.terbuka():
        return False
    dari = b.status
    b.status = StatusBatch.DIBATALKAN
    catat("cetak_batch_dibatalkan", b, dari=dari, ke=StatusBatch.DIBATALKAN)
    return True


def catat_ambil_alih(b, ke):
    """A job taken over from a dead worker (`b`: the row as read) leaves a trace."""
    if b.status == StatusBatch.BERJALAN:
        db.session.add(Audit(aksi="cetak_batch_dilanjutkan", objek_tipe="cetak_batch",
                             objek_id=b.id, dari=b.status, ke=ke,
                             data={"chunk_selesai": b.chunk_selesai,
                                   "pekerja_lama": b.pekerja}))


_CETAKAN = insert(Cetakan)
_AUDIT_CETAK = insert(Audit).values(aksi="cetak", objek_tipe="skp")


def catat_cetak(skp_id, jenis, kode, nilai, akun_id, alamat_ip, *, sekarang_juga=False):
    """One print's Cetakan (for verification) and audit rows, written after the PDF is
    ready in a short write of their own (alur.tulis_singkat; two INSERTs), or with
    `sekarang_juga` in the request's open transaction (alur.tulis_sekarang: a stored print,
    whose reads were one query); the caller sends the file only when this returns True
    (no row, no print)."""
    def tambah():
        waktu = sekarang()
        # Core INSERTs built once, on the session's connection (the ORM's bulk path and
        # building the statements cost more than the two rows).
        conn = db.session.connection()
        conn.execute(_CETAKAN, {"kode": kode, "jenis": jenis, "skp_id": skp_id,
                                "nilai": nilai, "akun_id": akun_id, "waktu": waktu})
        conn.execute(_AUDIT_CETAK, {"waktu": waktu, "akun_id": akun_id, "objek_id": skp_id,
                                    "data": {"jenis": jenis, "kode": kode},
                                    "alamat_ip": alamat_ip})

    return tulis_sekarang(tambah) if sekarang_juga else tulis_singkat(tambah)


def simpan_bagian(batch, cetakan):
    """One finished chunk: its prints (Cetakan rows), each audited as a print by the
    account that queued the job; two multi-row INSERTs (a chunk is 50 of each)."""
    if not cetakan:
        return
    waktu = sekarang()
    db.session.execute(insert(Cetakan), [
        {"kode": c.kode, "jenis": c.jenis, "skp_id": c.skp_id, "nilai": c.nilai,
         "akun_id": c.akun_id, "batch_id": batch.id, "waktu": waktu} for c in cetakan])
    db.session.execute(insert(Audit), [
        {"waktu": waktu, "akun_id": batch.akun_id, "aksi": "cetak", "objek_tipe": "skp",
         "objek_id": c.skp_id, "data": {"jenis": c.jenis, "kode": c.kode, "batch": batch.id}}
        for c in cetakan])


def catat_selesai(batch):
    db.session.add(Audit(akun_id=batch.akun_id, aksi="cetak_batch_selesai",
                         objek_tipe="cetak_batch", objek_id=batch.id,
                         data={"dokumen": batch.total}))
