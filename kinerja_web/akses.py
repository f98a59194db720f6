"""Object-level access: load a row only if the signed-in person may see it, else 404."""

from flask import abort
from flask_login import current_user

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai


def boleh_lihat_pegawai(peran, pegawai):
    """Self, the principal of the person's school, or staff of the same Dinas."""
    return (
        pegawai.id == peran.pegawai_id
        or (pegawai.sekolah_id is not None and pegawai.sekolah_id in peran.atasan_sekolah)
        or (peran.staf_dinas and pegawai.dinas_id == peran.dinas_id)
    )


def get_pegawai_or_404(pegawai_id):
    pegawai = db.session.get(Pegawai, pegawai_id)
    if pegawai is None or not boleh_lihat_pegawai(current_user.peran, pegawai):
        abort(404)
    return pegawai
