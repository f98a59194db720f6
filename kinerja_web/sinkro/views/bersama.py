"""The blueprint of the Sinkro pages (endpoints `sinkro.*`) and the filters they share."""

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select

from kinerja_web.daftar import tahun_aktif
from kinerja_web.extensions import db
from kinerja_web.models import Sekolah
from kinerja_web.models.org import Peran

bp = Blueprint("sinkro", __name__, url_prefix="/sinkro")
OPERATOR = Peran.OPERATOR_DINAS


def dinas_pengguna():
    """The signed-in operator's Dinas."""
    return current_user.peran.dinas_id


def tahun_sinkro():
    """The performance year the page shows (the one synced)."""
    return tahun_aktif().tahun


def sekolah_dinas():
    """[(id, nama)] of the Dinas' schools, for the filter (and to check the one asked for)."""
    return db.session.execute(select(Sekolah.id, Sekolah.nama).where(
        Sekolah.dinas_id == dinas_pengguna()).order_by(Sekolah.nama)).all()
