"""One-time passwords of a roster import, once more: for an import whose result page never
arrived (the connection dropped, the server died right after the commit), the Operator who
confirmed it makes new one-time passwords, in one step, for exactly the accounts that this
import created and that have not signed in yet. The first ones are stored nowhere in plain
text, so they cannot be shown again; accounts already used keep their password."""

from dataclasses import dataclass

from sqlalchemy import select, update

from kinerja_web.extensions import baca_saja, db
from kinerja_web.impor import roster
from kinerja_web.models import Akun, ImporAkun, ImporBerkas, Pegawai

KOLOM = ["NIP", "Nama", "Nama pengguna", "Sandi sekali pakai"]


@dataclass
class SandiUlang:
    baru: list  # (nip, nama, username, sandi) with a new one-time password
    tetap: list  # (nip, nama, username, alasan): already signed in, or deactivated


def catat_akun(impor, akun):
    """Record the accounts an import created (in the import's own transaction)."""
    db.session.flush()
    for a in akun:
        db.session.add(ImporAkun(impor_id=impor.id, akun_id=a.id))


def _daftar(impor_id):
    return db.session.execute(
        select(Akun.id, Akun.username, Akun.aktif, Akun.terakhir_masuk, Pegawai.nip,
               Pegawai.nama)
        .join(ImporAkun, ImporAkun.akun_id == Akun.id)
        .join(Pegawai, Pegawai.id == Akun.pegawai_id)
        .where(ImporAkun.impor_id == impor_id).order_by(Pegawai.nama, Akun.id)).all()


def jumlah_belum_masuk(impor_id):
    return sum(1 for a in _daftar(impor_id) if a.aktif and a.terakhir_masuk is None)


def buat_ulang(impor_id, metode):
    """New one-time passwords for the import's accounts that never signed in. The caller
    checks who may, writes the audit row and commits. Hashing happens before the write
    transaction; each account changes only if it still has not signed in by then."""
    with baca_saja():
        daftar = _daftar(impor_id)
        calon = [a.id for a in daftar if a.aktif and a.terakhir_masuk is None]
        sandi = roster.siapkan_sandi(calon, metode)
    # One regeneration at a time per import (a double click waits for the first).
    db.session.scalar(select(ImporBerkas.id).where(ImporBerkas.id == impor_id)
                      .with_for_update())
    baru, tetap = [], []
    for a in daftar:
        if a.id in sandi:
            polos, hashed = sandi[a.id]
            diubah = db.session.execute(
                update(Akun).where(Akun.id == a.id, Akun.terakhir_masuk.is_(None),
                                   Akun.aktif.is_(True))
                .values(sandi_hash=hashed, harus_ganti_sandi=True, gagal_masuk=0,
                        terkunci_sampai=None)).rowcount == 1
            if diubah:
                baru.append((a.nip or "", a.nama, a.username, polos))
                continue
        alasan = "akun nonaktif" if not a.aktif else "sudah masuk; sandinya tetap"
        tetap.append((a.nip or "", a.nama, a.username, alasan))
    return SandiUlang(baru, tetap)
