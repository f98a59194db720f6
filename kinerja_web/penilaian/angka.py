"""Angka kredit of one person for the year (SPEC §4.5), from the predikat set."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models import Skp
from kinerja_web.models.skp import PosisiSkp

# Seed 001, transition table row 1: the predikat that flows to e-Kinerja and becomes angka
# kredit is the annual predikat of the definitive position, never a Plt.'s acting post.
ALASAN_PLT = ("Predikat jabatan Plt. Kepala Sekolah tidak dikonversi menjadi angka kredit; "
              "yang dikonversi hanya predikat kinerja pada jabatan definitif (SKP sebagai guru).")


@dataclass(frozen=True)
class AngkaKredit:
    nilai: Decimal | None
    bulan: int
    jenjang: aturan.JenjangJabatan | None
    persen: Decimal | None
    koefisien: Decimal | None
    alasan: str | None = None  # why there is none, where a reader must be told

    @property
    def teks(self):
        return aturan.format_angka(self.nilai) if self.nilai is not None else "–"


def periode(atr, tahun=None):
    """The period of a performance year: the rule set's, moved to `tahun` when a year runs
    on an earlier year's rules (a 2026 row with aturan "2025" covers 2026, not 2025)."""
    mulai, selesai = atr.periode_mulai, atr.periode_selesai
    if tahun is not None and tahun != mulai.year:
        geser = tahun - mulai.year
        mulai = mulai.replace(year=mulai.year + geser)
        selesai = selesai.replace(year=selesai.year + geser)
    return mulai, selesai


def bulan_dalam_periode(pegawai, atr, tahun=None):
    """Months in this jabatan during the period: from the TMT month if it falls inside."""
    mulai, selesai = periode(atr, tahun)
    tmt = pegawai.tmt_jabatan
    if tmt is None or tmt <= mulai:
        return 12
    if tmt > selesai:
        return 0
    return selesai.month - date(tmt.year, tmt.month, 1).month + 1


def bulan_bagian(pegawai_ids, tahun, atr):
    """{skp_id: angka-kredit months} of the definitive-position parts of pegawai whose year
    has several parts (a Mutasi), by the year's [skp_bagian] rule; one query (also for an
    empty page: the count of queries does not depend on the rows)."""
    per_pegawai = {}
    for sid, pid, mulai, selesai in db.session.execute(
            select(Skp.id, Skp.pegawai_id, Skp.mulai, Skp.selesai)
            .where(Skp.pegawai_id.in_(sorted(pegawai_ids)), Skp.tahun_id == tahun.id,
                   Skp.posisi != "plt_kepala_sekolah").order_by(Skp.mulai)):
        per_pegawai.setdefault(pid, []).append((sid, aturan.BagianSkp(mulai, selesai)))
    out = {}
    for daftar in per_pegawai.values():
        if len(daftar) < 2:
            continue
        bulan = aturan.bulan_per_bagian([b for _, b in daftar], aturan=atr)
        out.update({sid: n for (sid, _), n in zip(daftar, bulan, strict=True)})
    return out


def angka_kredit(pegawai, predikat, atr, posisi=None, bulan=None, tahun=None):
    """None where it does not apply (no predikat, not a jabatan fungsional with a jenjang,
    or the SKP of a Plt.'s acting post: `posisi` is the SKP's). `bulan`: the months of
    this SKP part when the year has several (`bulan_bagian`). `tahun`: the performance
    year (TahunKinerja.tahun) when it may differ from the rule set's own year."""
    jabatan = atr.daftar_jabatan.get(pegawai.jabatan or "")
    jenjang = jabatan.jenjang if jabatan else None
    if bulan is None:
        bulan = bulan_dalam_periode(pegawai, atr, tahun)
    if posisi == PosisiSkp.PLT_KEPALA_SEKOLAH:
        return AngkaKredit(None, bulan, jenjang, None, None, ALASAN_PLT)
    if predikat is None or jenjang is None or bulan == 0:
        return AngkaKredit(None, bulan, jenjang, None, None)
    nilai = aturan.angka_kredit(predikat, jenjang, bulan, aturan=atr)
    return AngkaKredit(nilai, bulan, jenjang, atr.persentase_angka_kredit[aturan.Predikat(
        predikat)], atr.koefisien_angka_kredit[jenjang])


def bulan_skp(skp, atr):
    """The angka-kredit months of one SKP part, or None when its year has one part."""
    return bulan_bagian({skp.pegawai_id}, skp.tahun, atr).get(skp.id)
