"""Helpers for the pra-perencanaan gate (2026 on): a helper module, no tests here."""

from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Pegawai, Penugasan, PlotTimKerja, Sekolah, UnitKerja


def lulus_pra(dinas_id, tahun_id):
    """Make every school of the Dinas pass the pra-perencanaan checks of the year: each
    school gets a UNOR on the uploaded Referensi Unit Kerja, each principal and Plt. a plot
    to the Dinas' Tim Kerja member. (The roster's NIP and jabatan are valid already.)"""
    ada = set(db.session.scalars(select(UnitKerja.unor_id).where(
        UnitKerja.dinas_id == dinas_id)))
    for s in db.session.scalars(select(Sekolah).where(Sekolah.dinas_id == dinas_id)):
        s.unor_id = s.unor_id or f"UNOR-{s.npsn}"
        if s.unor_id not in ada:
            db.session.add(UnitKerja(dinas_id=dinas_id, unor_id=s.unor_id, nama=s.nama))
            ada.add(s.unor_id)
    tim = db.session.scalar(select(Penugasan.pegawai_id).where(
        Penugasan.dinas_id == dinas_id, Penugasan.peran == "tim_kerja"))
    diplot = set(db.session.scalars(select(PlotTimKerja.kepala_sekolah_id).where(
        PlotTimKerja.tahun_id == tahun_id)))
    for pid in db.session.scalars(
            select(Penugasan.pegawai_id).join(Pegawai, Pegawai.id == Penugasan.pegawai_id)
            .where(Penugasan.dinas_id == dinas_id,
                   Penugasan.peran.in_(("kepala_sekolah", "plt_kepala_sekolah")))).all():
        if pid not in diplot and tim is not None:  # a Dinas without Tim Kerja: unplotted
            db.session.add(PlotTimKerja(tahun_id=tahun_id, tim_kerja_id=tim,
                                        kepala_sekolah_id=pid))
            diplot.add(pid)
    db.session.commit()
