"""Accounts: sign-in and sign-out, password changes and resets, operator accounts.

Hashing (slow by design) happens before, with no transaction open; these change the rows
and write the audit row; the caller commits.
"""

from datetime import timedelta

from sqlalchemy import case, or_, update

from kinerja_web.alur import catat
from kinerja_web.extensions import db
from kinerja_web.models import Akun, Pegawai, Penugasan, SesiLogin
from kinerja_web.models.org import Peran
from kinerja_web.waktu import sekarang


def cabut_sesi(akun_id, kecuali=None):
    """End every session of an account, optionally keeping the current one."""
    q = update(SesiLogin).where(SesiLogin.akun_id == akun_id, SesiLogin.dicabut.is_(None))
    if kecuali is not None:
        q = q.where(SesiLogin.id != kecuali.id)
    db.session.execute(q.values(dicabut=sekarang()))


def masuk(akun):
    akun.terakhir_masuk = sekarang()
    catat("masuk", akun)


def klaim_percobaan(akun_id, maks, kunci_menit):
    """Take one of the account's password checks, atomically and before the hash is
    compared: (attempts counted, whether this claim locked the account), or None when the
    account is locked and no password may be checked now.

    One `UPDATE … RETURNING`, committed at once (the hash check must not hold the row or
    SQLite's write lock): parallel requests queue on the row, so however many arrive at
    the same moment at most `maks` (MASUK_MAKS_GAGAL) passwords are compared before the
    lock of `kunci_menit` minutes. The claim that reaches the limit sets the lock itself
    (and empties the counter), so a request that dies while checking cannot leave a
    counter that never locks. The one function here that commits (see above)."""
    now = sekarang()
    sampai = now + timedelta(minutes=kunci_menit)
    baru = Akun.gagal_masuk + 1
    baris = db.session.execute(
        update(Akun)
        .where(Akun.id == akun_id,
               or_(Akun.terkunci_sampai.is_(None), Akun.terkunci_sampai <= now))
        .values(gagal_masuk=case((baru >= maks, 0), else_=baru),
                terkunci_sampai=case((baru >= maks, sampai), else_=None))
        .returning(Akun.gagal_masuk, Akun.terkunci_sampai)
        .execution_options(synchronize_session=False)).one_or_none()
    db.session.commit()
    if baris is None:
        return None
    return baris.gagal_masuk, baris.terkunci_sampai is not None


def percobaan_berhasil(akun, akun_id, mengunci):
    """The right password of an active account: its failed-attempt counter emptied, and
    the lock lifted when this very claim (`mengunci`, the last one allowed) set it.
    `akun_id` read before the claim's commit (`akun` is expired by it)."""
    nilai: dict[str, int | None] = {"gagal_masuk": 0}
    if mengunci:
        nilai["terkunci_sampai"] = None
    db.session.execute(update(Akun).where(Akun.id == akun_id).values(**nilai)
                       .execution_options(synchronize_session=False))
    db.session.refresh(akun)


def masuk_gagal(akun, mengunci):
    """A password compared and found wrong; `mengunci`: this attempt locked the account."""
    catat("masuk_gagal", akun)
    if mengunci:
        catat("akun_dikunci", akun, catatan="Terlalu banyak percobaan masuk gagal")


def keluar(akun):
    """End the signed-in session once, however often it is sent: only the request that
    ends it writes the row. True when this one did."""
    akhir = db.session.execute(
        update(SesiLogin).where(SesiLogin.id == akun.sesi.id, SesiLogin.dicabut.is_(None))
        .values(dicabut=sekarang()).execution_options(synchronize_session=False))
    selesai = getattr(akhir, "rowcount", 0) == 1  # a CursorResult for an UPDATE
    if selesai:
        catat("keluar", akun)
    return selesai


def ganti_sandi(akun, sandi_hash):
    """The owner's new password (hashed); other sessions end."""
    akun.sandi_hash = sandi_hash
    akun.harus_ganti_sandi = False
    cabut_sesi(akun.id, kecuali=akun.sesi)
    catat("ganti_sandi", akun)


def atur_ulang_sandi(akun, pegawai, sandi_hash):
    """An operator resets someone's password to a one-time one (hashed): it must be
    changed at the next sign-in, the lock and the count of failures are cleared and every
    session of the account ends."""
    akun.sandi_hash = sandi_hash
    akun.harus_ganti_sandi = True
    akun.gagal_masuk = 0
    akun.terkunci_sampai = None
    cabut_sesi(akun.id)
    catat("atur_ulang_sandi", akun, catatan=f"oleh operator untuk {pegawai.nama}")


def buat_operator(dinas, username, nama, nip, status, sandi_hash, tanggal, *, catatan):
    """An Operator Dinas with its own person row and a one-time password (hashed)."""
    p = Pegawai(nip=nip, nama=nama, status_kepegawaian=status, dinas_id=dinas.id,
                jabatan="Pelaksana")
    db.session.add(p)
    db.session.flush()
    db.session.add(Penugasan(pegawai_id=p.id, peran=Peran.OPERATOR_DINAS, dinas_id=dinas.id,
                             mulai=tanggal))
    akun = Akun(username=username, pegawai_id=p.id, harus_ganti_sandi=True,
                sandi_hash=sandi_hash)
    db.session.add(akun)
    catat("operator_dibuat", akun, catatan=catatan)
    return akun
