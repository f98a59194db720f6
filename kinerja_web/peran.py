"""Who the signed-in person is today: their roles, derived from dated assignments."""

from dataclasses import dataclass, field
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Penugasan
from kinerja_web.models.org import PERAN_LABEL
from kinerja_web.models.skp import PosisiSkp
from kinerja_web.waktu import hari_ini


@dataclass(frozen=True)
class Peran:
    """The roles one person holds today, and the scope each of them opens."""

    pegawai_id: int
    dinas_id: int
    sekolah_id: int | None
    guru: bool
    ks_sekolah: frozenset[int] = field(default_factory=frozenset)
    plt_sekolah: frozenset[int] = field(default_factory=frozenset)
    tim_kerja: bool = False
    kepala_dinas: bool = False
    operator_dinas: bool = False

    @property
    def atasan_sekolah(self):
        """Schools whose teachers this person leads (definitive or Plt.)."""
        return self.ks_sekolah | self.plt_sekolah

    @property
    def staf_dinas(self):
        return self.kepala_dinas or self.tim_kerja or self.operator_dinas

    @property
    def kode(self):
        """Role codes held, in display order."""
        out = []
        if self.guru:
            out.append(PosisiSkp.GURU)
        if self.ks_sekolah:
            out.append(PosisiSkp.KEPALA_SEKOLAH)
        if self.plt_sekolah:
            out.append(PosisiSkp.PLT_KEPALA_SEKOLAH)
        for kode in ("tim_kerja", "kepala_dinas", "operator_dinas"):
            if getattr(self, kode):
                out.append(kode)
        return out

    @property
    def label(self):
        return [PERAN_LABEL[k] for k in self.kode]

    def punya(self, kode):
        return kode in self.kode


def muat_peran(pegawai: Pegawai, tanggal=None) -> Peran:
    """Roles of a person on a date (today by default): one query for the assignments."""
    tanggal = tanggal or hari_ini()
    tugas = db.session.scalars(
        select(Penugasan).where(
            Penugasan.pegawai_id == pegawai.id, Penugasan.aktif_pada(tanggal)
        )
    ).all()
    return peran_dari(pegawai, tugas)


def peran_dari(pegawai: Pegawai, tugas) -> Peran:
    """Roles from the assignments already loaded (active on the day that matters)."""
    per = {kode: frozenset(t.sekolah_id for t in tugas if t.peran == kode)
           for kode in ("kepala_sekolah", "plt_kepala_sekolah")}
    ada = {t.peran for t in tugas}
    return Peran(
        pegawai_id=pegawai.id,
        dinas_id=pegawai.dinas_id,
        sekolah_id=pegawai.sekolah_id,
        # A definitive principal is assessed as a principal; a Plt. KS keeps his Guru SKP.
        guru=pegawai.sekolah_id is not None
        and (pegawai.jabatan or "").startswith("Guru")
        and "kepala_sekolah" not in ada,
        ks_sekolah=per["kepala_sekolah"],
        plt_sekolah=per["plt_kepala_sekolah"],
        tim_kerja="tim_kerja" in ada,
        kepala_dinas="kepala_dinas" in ada,
        operator_dinas="operator_dinas" in ada,
    )


def perlu_peran(*kode):
    """View decorator: signed in and holding at least one of the given roles (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.peran.punya(k) for k in kode):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
