"""Reminder digests: claiming a person's day before the e-mail leaves, recording the
outcome, and the person's subscription. Audited; set-based so a school costs a fixed
number of statements whatever its size.

A day is claimed by inserting (pegawai, tanggal) under a unique constraint with
ON CONFLICT DO NOTHING: of two concurrent runs only one gets the row back, so nobody is
sent the same day twice. A failed send stays `gagal` and is claimed again by the next run;
a row left `proses` by a run that died mid-send is never re-sent (never twice beats once).
"""

from sqlalchemy import insert as sa_insert
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from kinerja_web.alur import Ditolak, catat
from kinerja_web.extensions import db
from kinerja_web.models.audit import Audit
from kinerja_web.models.org import Pegawai
from kinerja_web.models.pengingat import KirimanPengingat, StatusPengingat
from kinerja_web.waktu import sekarang

_TABEL = KirimanPengingat.__table__
# The audit table itself (Core): one executemany for a batch of digests, no ORM bulk path.
_AUDIT = Audit.metadata.tables[Audit.__tablename__]


def _insert_abaikan_bentrok():
    """INSERT … ON CONFLICT (pegawai, tanggal) DO NOTHING RETURNING pegawai_id, on the
    table (Core): executed with many rows it is sent as a few multi-row statements
    (insertmanyvalues) without building one huge ORM statement."""
    dialek = {"postgresql": postgresql, "sqlite": sqlite}[db.engine.dialect.name]
    return (dialek.insert(_TABEL).on_conflict_do_nothing(
        index_elements=["pegawai_id", "tanggal"]).returning(_TABEL.c.pegawai_id))


def klaim(penerima, tanggal):
    """Claim today's digest for each of `penerima` ({pegawai_id: email}); returns the ids
    this run may send to (new today, or failed before). Committed at once so a concurrent
    run sees the claim."""
    if not penerima:
        return set()
    waktu = sekarang()
    baru = db.session.execute(_insert_abaikan_bentrok(), [
        {"pegawai_id": pid, "tanggal": tanggal, "email": email,
         "status": StatusPengingat.PROSES.value, "jumlah_item": 0, "percobaan": 1,
         "dibuat": waktu} for pid, email in penerima.items()]).scalars().all()
    ulang = db.session.scalars(
        update(KirimanPengingat)
        .where(KirimanPengingat.tanggal == tanggal,
               KirimanPengingat.pegawai_id.in_(list(penerima)),
               KirimanPengingat.status == StatusPengingat.GAGAL)
        .values(status=StatusPengingat.PROSES, percobaan=KirimanPengingat.percobaan + 1)
        .returning(KirimanPengingat.pegawai_id)).all()
    db.session.commit()
    return set(baru) | set(ulang)


def catat_hasil(tanggal, terkirim, gagal):
    """Record one batch's outcome: `terkirim` {pegawai_id: jumlah_item}, `gagal`
    {pegawai_id: pesan galat}; with one audit row per person (bulk). Committed."""
    waktu = sekarang()
    if terkirim:
        db.session.execute(
            update(KirimanPengingat)
            .where(KirimanPengingat.tanggal == tanggal,
                   KirimanPengingat.pegawai_id.in_(list(terkirim)))
            .values(status=StatusPengingat.TERKIRIM, dikirim=waktu, galat=None))
    if gagal:
        pesan = "; ".join(sorted(set(gagal.values())))[:1000]
        db.session.execute(
            update(KirimanPengingat)
            .where(KirimanPengingat.tanggal == tanggal,
                   KirimanPengingat.pegawai_id.in_(list(gagal)))
            .values(status=StatusPengingat.GAGAL, galat=pesan))
    baris = [{"akun_id": None, "aksi": "pengingat_terkirim", "objek_tipe": "pegawai",
              "objek_id": pid, "ke": tanggal.isoformat(), "catatan": None,
              "data": {"item": n}, "waktu": waktu} for pid, n in terkirim.items()]
    baris += [{"akun_id": None, "aksi": "pengingat_gagal", "objek_tipe": "pegawai",
               "objek_id": pid, "ke": tanggal.isoformat(), "catatan": g[:500],
               "data": None, "waktu": waktu} for pid, g in gagal.items()]
    if baris:
        db.session.execute(sa_insert(_AUDIT), baris)
    db.session.commit()


def _kunci(pegawai):
    """The pegawai's row locked and read afresh: of two identical submits at once the
    second sees the first's change and writes (and audits) nothing."""
    return db.session.scalar(select(Pegawai).where(Pegawai.id == pegawai.id)
                             .with_for_update()
                             .execution_options(populate_existing=True))


def atur_langganan(pegawai, aktif, *, akun=None, lewat="profil"):
    """Subscribe or unsubscribe a person from the daily digest (audited when it changes).
    Committed by the caller."""
    pegawai = _kunci(pegawai)
    lama = pegawai.pengingat_email
    pegawai.pengingat_email = bool(aktif)
    if lama != pegawai.pengingat_email:
        catat("pengingat_langganan" if aktif else "pengingat_berhenti", pegawai,
              dari=str(lama), ke=str(bool(aktif)), catatan=lewat, akun=akun)
    return pegawai


def ubah_kontak(pegawai, email, telepon, aktif, akun):
    """The person's own e-mail, phone and digest subscription (already validated), audited.
    Only the account holder changes his own contact here. Committed by the caller."""
    if akun is None or akun.pegawai_id != pegawai.id:
        raise Ditolak("Hanya pemilik akun yang dapat mengubah kontaknya di sini.")
    pegawai = _kunci(pegawai)
    lama = {"email": pegawai.email, "telepon": pegawai.telepon}
    pegawai.email, pegawai.telepon = email, telepon
    if lama != {"email": email, "telepon": telepon}:
        catat("kontak_diubah", pegawai, akun=akun,
              data={"sebelumnya": lama, "sesudahnya": {"email": email, "telepon": telepon}})
    atur_langganan(pegawai, aktif, akun=akun, lewat="profil")
    return pegawai
