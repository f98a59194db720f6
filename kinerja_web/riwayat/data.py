"""A pegawai's history across performance years: each year's SKPs, predikat and angka
kredit, and the running total (riwayat kinerja; the Angka Kredit document's cumulative
table). Many people in one query, whatever the number of years.

The running total follows PermenPANRB 1/2023 and Peraturan BKN 3/2023 (BKN, Direktorat
Jabatan ASN, "Perhitungan Konversi Predikat Kinerja dalam Angka Kredit", 2023: the
"Tabel Akumulasi Angka Kredit" adds the angka kredit of each period — e.g. 2023 Sangat
Baik 18,75 + 2024 (2 months) Baik 2,08 = 20,83). Each year's value is added as it is
set and printed (2 decimals, half up), so the printed rows add up to the printed total.
Not held by this app, so not added: the AK integrasi (the conventional AK carried over
in 2023) and a reset of the total after a promotion to the next jenjang (no history of
jabatan is kept; every year is converted with the roster's current jabatan and TMT).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models import TahunKinerja
from kinerja_web.models.penilaian import Penetapan, Penilaian
from kinerja_web.models.skp import Skp, StatusSkp
from kinerja_web.penilaian.angka import angka_kredit

SEN = Decimal("0.01")
URUT_POSISI = {"guru": 0, "kepala_sekolah": 1, "plt_kepala_sekolah": 2}


@dataclass
class Bagian:
    """One SKP of the year (a Plt. holds two) and what may be printed from it."""

    skp: Skp
    predikat: aturan.Predikat | None  # set and sent (a standing penetapan), else None
    ak: object  # penilaian.angka.AngkaKredit, or None without a predikat

    @property
    def dokumen(self):
        """The documents printable now: (jenis, label)."""
        out = []
        if self.skp.status in (StatusSkp.DISETUJUI, StatusSkp.DISEPAKATI):
            out.append(("skp", "SKP"))
        if self.predikat is not None:
            out += [("evaluasi", "Evaluasi Kinerja"), ("dokumen_evaluasi", "Dokumen Evaluasi")]
            if self.ak is not None and self.ak.nilai is not None:
                out += [("angka_kredit", "Konversi Angka Kredit"),
                        ("ak_kumulatif", "Akumulasi Angka Kredit")]
        return out


@dataclass
class Tahun:
    """One performance year of one pegawai."""

    tahun: int
    aturan: str
    bagian: list[Bagian] = field(default_factory=list)
    kumulatif: Decimal = Decimal(0)  # the running total up to and including this year

    @property
    def angka_kredit(self):
        """The year's angka kredit as set (2 decimals), None when there is none: the parts'
        sum (a Plt.'s acting post gives none; see penilaian.angka)."""
        nilai = [b.ak.nilai for b in self.bagian if b.ak is not None and b.ak.nilai is not None]
        if not nilai:
            return None
        return sum((n.quantize(SEN, ROUND_HALF_UP) for n in nilai), Decimal(0))

    @property
    def konversi(self):
        """The parts that give angka kredit (rows of the cumulative table)."""
        return [b for b in self.bagian if b.ak is not None and b.ak.nilai is not None]


def _bulan_bagian(skps):
    """{skp_id: angka-kredit months} of the definitive-position parts of a year split by a
    Mutasi (the year's [skp_bagian] rule, as penilaian.angka.bulan_bagian), from rows
    already loaded: no query."""
    per = {}
    for s in sorted(skps, key=lambda s: s.mulai):
        if s.posisi != "plt_kepala_sekolah":
            per.setdefault((s.pegawai_id, s.tahun_id), []).append(s)
    out = {}
    for daftar in per.values():
        if len(daftar) < 2:
            continue
        atr = aturan.muat_aturan(daftar[0].tahun.aturan)
        n = aturan.bulan_per_bagian([aturan.BagianSkp(s.mulai, s.selesai) for s in daftar],
                                    aturan=atr)
        out.update({s.id: b for s, b in zip(daftar, n, strict=True)})
    return out


def muat(pegawai_list, sampai=None):
    """{pegawai_id: [Tahun, …] oldest first} for these (loaded) Pegawai rows: every year
    with an SKP, up to the year `sampai` when given. One query."""
    ids = [p.id for p in pegawai_list]
    if not ids:
        return {}
    q = (select(Skp, Penilaian.predikat, Penetapan.id)
         .join(TahunKinerja, TahunKinerja.id == Skp.tahun_id)
         .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
         .outerjoin(Penetapan, and_(Penetapan.id == Penilaian.penetapan_id,
                                    Penetapan.dibuka.is_(None)))
         .options(contains_eager(Skp.tahun))
         .where(Skp.pegawai_id.in_(ids)))
    if sampai is not None:
        q = q.where(TahunKinerja.tahun <= sampai)
    baris = db.session.execute(q).all()
    pegawai = {p.id: p for p in pegawai_list}
    baris.sort(key=lambda b: (b[0].tahun.tahun, URUT_POSISI.get(b[0].posisi, 9), b[0].id))
    hasil = {i: {} for i in ids}
    bulan = _bulan_bagian([b[0] for b in baris])
    for skp, predikat, penetapan_id in baris:
        th = skp.tahun
        atr = aturan.muat_aturan(th.aturan)
        ditetapkan = aturan.Predikat(predikat) if predikat and penetapan_id else None
        ak = angka_kredit(pegawai[skp.pegawai_id], ditetapkan, atr, skp.posisi,
                          bulan.get(skp.id), tahun=th.tahun) \
            if ditetapkan is not None else None
        per_tahun = hasil[skp.pegawai_id]
        if th.tahun not in per_tahun:
            per_tahun[th.tahun] = Tahun(th.tahun, th.aturan)
        per_tahun[th.tahun].bagian.append(Bagian(skp, ditetapkan, ak))
    out = {}
    for pid, per_tahun in hasil.items():
        jumlah = Decimal(0)
        daftar = [per_tahun[t] for t in sorted(per_tahun)]
        for t in daftar:
            jumlah += t.angka_kredit or 0
            t.kumulatif = jumlah
        out[pid] = daftar
    return out
