"""One-time passwords of a roster import, once more: for an import whose result page never
arrived (the connection dropped, the server died right after the commit), the Operator who
confirmed it makes new one-time passwords, in one step, for exactly the accounts that this
import created and that have not signed in yet. The first ones are stored nowhere in plain
text, so they cannot be shown again; accounts already used keep their password."""

from sqlalchemy import select

from kinerja_web.extensions import baca_saja, db
from kinerja_web.impor import roster
from kinerja_web.models import Akun, ImporAkun, Pegawai

KOLOM = ["NIP", "Nama", "Nama pengguna", "Sandi sekali pakai"]


def _daftar(impor_id):
    return db.session.execute(
        select(Akun.id, Akun.username, Akun.aktif, Akun.terakhir_masuk, Pegawai.nip,
               Pegawai.nama)
        .join(ImporAkun, ImporAkun.akun_id == Akun.id)
        .join(Pegawai, Pegawai.id == Akun.pegawai_id)
        .where(ImporAkun.impor_id == impor_id).order_by(Pegawai.nama, Akun.id)).all()


def jumlah_belum_masuk(impor_id):
    return sum(1 for a in _daftar(impor_id) if a.aktif and a.terakhir_masuk is None)


def siapkan_ulang(impor_id, metode):
    """The import's accounts and new one-time passwords for those that never signed in
    ({account id: (password, hash)}), read and hashed with no write transaction open;
    `alur.impor.buat_ulang_sandi` then writes them (the caller checks who may)."""
    with baca_saja():
        daftar = _daftar(impor_id)
        calon = [a.id for a in daftar if a.aktif and a.terakhir_masuk is None]
        sandi = roster.siapkan_sandi(calon, metode)
    return daftar, sandi
