"""Who is whose atasan (Pejabat Penilai Kinerja), per SPEC §1 and seed 001 row 1.

- Guru: the definitive principal of the school; the Plt. KS where there is none.
- A Plt. KS's own SKP as Guru at the school he leads: the Kepala Dinas (or Tim Kerja).
- Kepala Sekolah and Plt. KS (as principal): the Kepala Dinas; the Tim Kerja member the
  principal is plotted to may review on his behalf.
"""

from dataclasses import dataclass
from functools import wraps

from flask import g, has_request_context
from sqlalchemy import and_, select

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Penugasan, PlotTimKerja, Skp
from kinerja_web.models.org import Peran
from kinerja_web.models.skp import PosisiSkp, StatusSkp
from kinerja_web.waktu import hari_ini

# Also the positions of a leader's own SKP. Queries say `posisi IN PERAN_KS`, not
# `posisi != PosisiSkp.GURU`: SQLite then uses the unique (pegawai, tahun, posisi) index instead of
# scanning every agreed plan of the year.
PERAN_KS = (Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)


def sekali_per_permintaan(fungsi):
    """Look a school's leaders or a plot up once per request: the wizard checks the atasan
    in the view and again in alur (budget: ≤ 6 queries per wizard request)."""

    @wraps(fungsi)
    def bungkus(*args):
        if args and args[-1] is None:  # f(x) and f(x, None) are the same lookup
            args = args[:-1]
        if not has_request_context():
            return fungsi(*args)
        simpanan = g.setdefault("_atasan", {})
        kunci = (fungsi.__name__, *args)
        if kunci not in simpanan:
            simpanan[kunci] = fungsi(*args)
        return simpanan[kunci]

    def ingat(*args, nilai):
        """Keep the answer a page already loaded in its own query (no lookup of its own)."""
        if args and args[-1] is None:
            args = args[:-1]
        if has_request_context():
            g.setdefault("_atasan", {})[(fungsi.__name__, *args)] = nilai

    bungkus.ingat = ingat
    return bungkus


@dataclass(frozen=True)
class Atasan:
    """The resolved PPK, or why there is none."""

    pegawai: Pegawai | None
    oleh_dinas: bool  # the Kepala Dinas (with Tim Kerja) is the PPK
    alasan: str = ""


def pimpinan_sekolah(sekolah_ids, tanggal=None):
    """{sekolah_id: (definitive principal or None, Plt. or None)} in one query."""
    tanggal = tanggal or hari_ini()
    out = {sid: [None, None] for sid in sekolah_ids}
    if not out:
        return {}
    rows = db.session.execute(
        select(Penugasan.sekolah_id, Penugasan.peran, Pegawai)
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.sekolah_id.in_(list(out)), Penugasan.peran.in_(PERAN_KS),
               Penugasan.aktif_pada(tanggal))
        .order_by(Penugasan.mulai)
    ).all()
    for sid, peran, p in rows:
        out[sid][0 if peran == Peran.KEPALA_SEKOLAH else 1] = p
    return {sid: tuple(v) for sid, v in out.items()}


def pimpinan_dari(baris):
    """(definitive principal or None, Plt. or None) from (peran, Pegawai) rows of one
    school's active assignments ordered by start, as `pimpinan_sekolah` reads them."""
    out = [None, None]
    for peran, p in baris:
        out[0 if peran == Peran.KEPALA_SEKOLAH else 1] = p
    return tuple(out)


@sekali_per_permintaan
def pimpinan_satu_sekolah(sekolah_id, tanggal=None):
    """(definitive principal or None, Plt. or None) of one school."""
    return pimpinan_sekolah([sekolah_id], tanggal)[sekolah_id]


@sekali_per_permintaan
def kepala_dinas(dinas_id, tanggal=None):
    tanggal = tanggal or hari_ini()
    return db.session.scalar(
        select(Pegawai).join(Penugasan, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.dinas_id == dinas_id, Penugasan.peran == Peran.KEPALA_DINAS,
               Penugasan.aktif_pada(tanggal))
        .order_by(Penugasan.mulai.desc())
    )


@sekali_per_permintaan
def rencana_disepakati(pegawai_id, tahun_id):
    """A leader's own agreed plan (as principal or Kadis) of the year, or None; of several
    parts (a Mutasi) the latest agreed one."""
    return db.session.scalars(select(Skp).where(
        Skp.pegawai_id == pegawai_id, Skp.tahun_id == tahun_id,
        Skp.posisi.in_(PERAN_KS), Skp.status == StatusSkp.DISEPAKATI)
        .order_by(Skp.mulai.desc()).limit(1)).first()


def kepala_dinas_dan_rencana(dinas_id, tahun_id):
    """The Kepala Dinas and his agreed plan in one query; both stay cached for the request
    (approving a principal needs the PPK and the RHK the plan intervenes)."""
    if has_request_context():
        simpanan = g.setdefault("_atasan", {})
        if ("kepala_dinas", dinas_id) in simpanan:
            kadis = simpanan[("kepala_dinas", dinas_id)]
            return kadis, rencana_disepakati(kadis.id, tahun_id) if kadis else None
    baris = db.session.execute(
        select(Pegawai, Skp).join(Penugasan, Penugasan.pegawai_id == Pegawai.id)
        .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id, Skp.tahun_id == tahun_id,
                             Skp.posisi.in_(PERAN_KS), Skp.status == StatusSkp.DISEPAKATI))
        .where(Penugasan.dinas_id == dinas_id, Penugasan.peran == Peran.KEPALA_DINAS,
               Penugasan.aktif_pada(hari_ini()))
        .order_by(Penugasan.mulai.desc(), Skp.mulai.desc())
    ).first()
    kadis, rencana = baris if baris is not None else (None, None)
    if has_request_context():
        simpanan["kepala_dinas", dinas_id] = kadis
        if kadis is not None:
            simpanan["rencana_disepakati", kadis.id, tahun_id] = rencana
    return kadis, rencana


def dinilai_dinas(pegawai, posisi, pimpinan):
    """Whether the Kepala Dinas is the PPK for this SKP (principals; Plt. as Guru)."""
    if posisi != PosisiSkp.GURU:
        return True
    ks, plt = pimpinan
    return ks is None and plt is not None and plt.id == pegawai.id


def atasan_untuk(pegawai, posisi, tanggal=None) -> Atasan:
    """Resolve the PPK of one person's SKP in one position."""
    if posisi == PosisiSkp.GURU:
        if pegawai.sekolah_id is None:
            return Atasan(None, False, "Anda tidak tercatat bertugas di satuan pendidikan.")
        pimpinan = pimpinan_satu_sekolah(pegawai.sekolah_id, tanggal)
        ks, plt = pimpinan
        if ks is not None and ks.id != pegawai.id:
            return Atasan(ks, False)
        if not dinilai_dinas(pegawai, posisi, pimpinan):
            if plt is not None:
                return Atasan(plt, False)
            return Atasan(None, False, "Sekolah Anda belum memiliki Kepala Sekolah atau Plt. "
                                       "Hubungi Operator Dinas.")
    kadis = kepala_dinas(pegawai.dinas_id, tanggal)
    if kadis is None:
        return Atasan(None, True, "Kepala Dinas belum tercatat. Hubungi Operator Dinas.")
    return Atasan(kadis, True)


def atasan_skp(skp) -> Atasan:
    """The PPK of one SKP part: for a part a Mutasi closed, the atasan of its period (kept
    on the part, issue #14 §5); otherwise `atasan_untuk` the person and position today."""
    if skp.ditutup is not None and skp.atasan_id is not None:
        atasan = db.session.get(Pegawai, skp.atasan_id)
        kadis = kepala_dinas(skp.pegawai.dinas_id)
        return Atasan(atasan, kadis is not None and kadis.id == skp.atasan_id)
    return atasan_untuk(skp.pegawai, skp.posisi)


@sekali_per_permintaan
def diplot_ke(tim_kerja_id, pegawai_id, tahun_id):
    return db.session.scalar(
        select(PlotTimKerja.id).where(PlotTimKerja.tahun_id == tahun_id,
                                      PlotTimKerja.tim_kerja_id == tim_kerja_id,
                                      PlotTimKerja.kepala_sekolah_id == pegawai_id)
    ) is not None


def boleh_menilai(peran, skp, pimpinan=None):
    """Whether this person acts as atasan on this SKP today (approve, observe, rate).

    `pimpinan` is the school's (principal, Plt.) when the caller already has it.
    """
    pegawai = skp.pegawai
    if pegawai.id == peran.pegawai_id or pegawai.dinas_id != peran.dinas_id:
        return False
    if skp.ditutup is not None and skp.posisi == PosisiSkp.GURU and skp.atasan_id is not None:
        # A part a Mutasi closed stays with the atasan of its period (issue #14 §5): the
        # principal of the old school assesses it, whoever leads that school later.
        if skp.atasan_id == peran.pegawai_id:
            return True
        kadis = kepala_dinas(pegawai.dinas_id)
        if kadis is None or kadis.id != skp.atasan_id:
            return False
        return peran.kepala_dinas or (
            peran.tim_kerja and diplot_ke(peran.pegawai_id, pegawai.id, skp.tahun_id))
    if skp.posisi == PosisiSkp.GURU:
        if pimpinan is None:
            pimpinan = pimpinan_satu_sekolah(skp.sekolah_id) if skp.sekolah_id \
                else (None, None)
        if not dinilai_dinas(pegawai, skp.posisi, pimpinan):
            ks, plt = pimpinan
            kepala = ks if ks is not None else plt
            return kepala is not None and kepala.id == peran.pegawai_id
    return peran.kepala_dinas or (
        peran.tim_kerja and diplot_ke(peran.pegawai_id, pegawai.id, skp.tahun_id)
    )
