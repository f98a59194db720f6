"""The blueprint of the Sinkro pages (endpoints `sinkro.*`) and the filters they share."""

from flask import Blueprint, current_app
from flask_login import current_user
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Sekolah

bp = Blueprint("sinkro", __name__, url_prefix="/sinkro")
OPERATOR = "operator_dinas"


def dinas_pengguna():
    """The signed-in operator's Dinas."""
    return current_user.peran.dinas_id


def tahun_sinkro():
    """The performance year the instance syncs."""
    return current_app.config["TAHUN_KINERJA"]


def sekolah_dinas():
    """[(id, nama)] of the Dinas' schools, for the filter (and to check the one asked for)."""
    return db.session.execute(select(Sekolah.id, Sekolah.nama).where(
        Sekolah.dinas_id == dinas_pengguna()).order_by(Sekolah.nama)).all()
