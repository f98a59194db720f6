"""Riwayat Kinerja: a pegawai's years (SKP, predikat, angka kredit and its running total)
with the links to print each year's documents. The pegawai himself, his atasan (the
principal of his school) and the staff of his Dinas (akses.boleh_lihat_pegawai); anyone
else gets 404. A constant number of queries, whatever the number of years."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kinerja_web import aturan
from kinerja_web.akses import boleh_lihat_pegawai
from kinerja_web.extensions import db
from kinerja_web.models import Pegawai
from kinerja_web.riwayat import data

bp = Blueprint("riwayat", __name__)


def _halaman(pegawai, sendiri):
    tahun = data.muat([pegawai])[pegawai.id]
    return render_template("riwayat/index.html", p=pegawai, tahun=tahun, sendiri=sendiri,
                           jumlah=tahun[-1].kumulatif if tahun else None,
                           fmt=aturan.format_angka)


def _muat(pegawai_id):
    return db.session.scalar(select(Pegawai).options(joinedload(Pegawai.sekolah))
                             .where(Pegawai.id == pegawai_id))


@bp.get("/riwayat")
@login_required
def sendiri():
    """The signed-in person's own history (menu "Riwayat Kinerja")."""
    return _halaman(_muat(current_user.peran.pegawai_id), True)


@bp.get("/pegawai/<int:pegawai_id>/riwayat")
@login_required
def pegawai(pegawai_id):
    """Someone's history, for his atasan and his Dinas (404 for anyone else)."""
    p = _muat(pegawai_id)
    if p is None or not boleh_lihat_pegawai(current_user.peran, p):
        abort(404)
    return _halaman(p, p.id == current_user.peran.pegawai_id)
