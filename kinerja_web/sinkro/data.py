"""Plain data for the pre-check, from the database in a constant number of queries.

`Muatan` loads the shared part once (period settings, school leaders with their agreed
plans, the reference list) and then the pegawai: one school, one pegawai or a search in one
query; the whole Dinas streamed in batches of UKURAN_BATCH pegawai (one query per batch),
so 20,000 pegawai never sit in memory at once. Subjects come out in display order (school
name, pegawai name).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from kinerja_web import aturan
from kinerja_web.atasan import PERAN_KS
from kinerja_web.daftar import cari_teks
from kinerja_web.extensions import db
from kinerja_web.models import (
    AsnSiasn,
    Pegawai,
    Penetapan,
    Penilaian,
    Penugasan,
    PeriodeEkinerja,
    Praktik,
    Sekolah,
    Skp,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.models.org import ASN, Peran
from kinerja_web.models.sinkro import JenisEkspor
from kinerja_web.models.skp import PosisiSkp, StatusSkp
from kinerja_web.sinkro import cek
from kinerja_web.waktu import hari_ini, sekarang

UKURAN_BATCH = 1000
# The Beranda counts: exact up to this many pegawai; above it (seconds of work) a count at
# most UMUR_RINGKASAN old is shown with the time it was made.
BATAS_HITUNG_LANGSUNG = 2000
UMUR_RINGKASAN = timedelta(minutes=5)
_ringkasan = {}
URUT_POSISI = {"guru": 0, "kepala_sekolah": 1, "plt_kepala_sekolah": 2}


@dataclass
class Pimpinan:
    """A school leader or the Kepala Dinas, with what his subordinates' checks need."""

    id: int
    nama: str
    nip: str | None
    sekolah_id: int | None
    sekolah_nama: str | None
    unor_id: str | None
    unor_nama: str | None
    skp_disepakati: bool = False
    rhk: tuple = ()


def periode_dinas(dinas_id):
    """The Dinas' e-Kinerja period settings as plain data, in their list order."""
    rows = db.session.scalars(select(PeriodeEkinerja).where(PeriodeEkinerja.dinas_id == dinas_id)
                              .order_by(PeriodeEkinerja.mulai, PeriodeEkinerja.id)).all()
    return tuple(cek.Periode(p.nama, p.tahun, p.mulai, p.selesai, p.batas, p.tipe_periodik,
                             p.angka_periodik) for p in rows)


def _tahun_id(tahun):
    return select(TahunKinerja.id).where(TahunKinerja.tahun == tahun).scalar_subquery()


def _rhk_atasan(rhk):
    return tuple(cek.RhkAtasan(r["rhk"], r.get("indikator") or None) for r in rhk or ()
                 if r.get("jenis") == "utama")


def aturan_tahun(tahun):
    """The rule set of a performance year given by its number (the bundled set of that
    name, else the default one)."""
    try:
        return aturan.muat_aturan(str(tahun))
    except aturan.AturanTidakDitemukan:
        return aturan.muat_aturan()


def dalam_lingkup(stmt, dinas_id, tahun):
    """Only the pegawai the sync is about: ASN at a school of the Dinas, in the year's scope
    (2026 takes in ASN seconded to private schools)."""
    return stmt.where(Pegawai.dinas_id == dinas_id, Pegawai.syarat_ikut(aturan_tahun(tahun)),
                      Pegawai.status_kepegawaian.in_(ASN),
                      Pegawai.sekolah_id.is_not(None))


class Muatan:
    """The subjects of one pre-check run and the reference data they are checked against."""

    def __init__(self, dinas_id, tahun, *, sekolah_id=None, pegawai_id=None, q=None,
                 ukuran=UKURAN_BATCH):
        self.dinas_id, self.tahun, self.ukuran = dinas_id, tahun, ukuran
        self.sekolah_id, self.pegawai_id, self.q = sekolah_id, pegawai_id, q
        self.tanggal = hari_ini()
        self.periode = periode_dinas(dinas_id)
        self._muat_pimpinan()
        # One school or one pegawai: one query for everything; otherwise batches.
        self.satu_kali = sekolah_id is not None or pegawai_id is not None
        self.unor = {}
        self.ada_unor = self.ada_asn = False
        # Progress of a run: pegawai in scope (known once the iteration starts) and read.
        self.jumlah = None
        self.diperiksa = 0
        if not self.satu_kali:
            self._muat_unor(None)

    # ------------------------------------------------------------ shared data

    def _lingkup(self, stmt):
        return dalam_lingkup(stmt, self.dinas_id, self.tahun)

    def _muat_pimpinan(self):
        """Today's principals, Plt. and Kepala Dinas with their agreed plans: one query."""
        kondisi = Penugasan.peran.in_(PERAN_KS)
        if self.sekolah_id is not None:
            kondisi &= or_(Penugasan.sekolah_id == self.sekolah_id, Penugasan.pegawai_id.in_(
                select(Pegawai.id).where(Pegawai.sekolah_id == self.sekolah_id)))
        elif self.pegawai_id is not None:
            kondisi &= or_(Penugasan.pegawai_id == self.pegawai_id, Penugasan.sekolah_id.in_(
                select(Pegawai.sekolah_id).where(Pegawai.id == self.pegawai_id)))
        rows = db.session.execute(
            select(Penugasan.peran, Penugasan.sekolah_id, Pegawai.id, Pegawai.nama, Pegawai.nip,
                   Sekolah.nama, Sekolah.unor_id, Sekolah.unor_nama, AsnSiasn.unor_id, Skp.rhk)
            .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
            .outerjoin(Sekolah, Penugasan.sekolah_id == Sekolah.id)
            .outerjoin(AsnSiasn, and_(AsnSiasn.dinas_id == Penugasan.dinas_id,
                                      AsnSiasn.nip == Pegawai.nip))
            # posisi IN PERAN_KS (see there): 30 s for 1,500 schools with != "guru".
            .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id,
                                 Skp.tahun_id == _tahun_id(self.tahun),
                                 Skp.posisi.in_(PERAN_KS), Skp.ditutup.is_(None),
                                 Skp.status == StatusSkp.DISEPAKATI))
            .where(Penugasan.dinas_id == self.dinas_id, Penugasan.aktif_pada(self.tanggal),
                   or_(kondisi, Penugasan.peran == Peran.KEPALA_DINAS))
            .order_by(Penugasan.mulai, Penugasan.id)
        ).all()
        # As atasan.pimpinan_sekolah: the assignment that started last wins.
        self.pimpinan, self.kepala_dinas = {}, None
        self.peran = {}  # pegawai_id -> {posisi: sekolah_id led}
        for peran, sid, pid, nama, nip, s_nama, unor_id, unor_nama, unor_asn, rhk in rows:
            p = Pimpinan(pid, nama, nip, sid, s_nama,
                         unor_asn if peran == Peran.KEPALA_DINAS else unor_id,
                         None if peran == Peran.KEPALA_DINAS else unor_nama, rhk is not None,
                         _rhk_atasan(rhk))
            if peran == Peran.KEPALA_DINAS:
                self.kepala_dinas = p
                continue
            ks, plt = self.pimpinan.get(sid, (None, None))
            lama = ks if peran == Peran.KEPALA_SEKOLAH else plt
            if lama is not None and lama.id == pid and lama.skp_disepakati:
                p = lama  # one row per agreed plan: keep the one that is agreed
            self.pimpinan[sid] = (p, plt) if peran == Peran.KEPALA_SEKOLAH else (ks, p)
            self.peran.setdefault(pid, {})[peran] = sid

    def _muat_unor(self, ids):
        """The reference list: all of it for a batch run, only the needed rows otherwise."""
        stmt = select(UnitKerja).where(UnitKerja.dinas_id == self.dinas_id)
        if ids is not None:
            stmt = stmt.where(UnitKerja.unor_id.in_(sorted(ids)))
        for u in db.session.scalars(stmt):
            self.unor[u.unor_id] = cek.Unor(u.unor_id, u.nama, u.induk_id, u.aktif)
        if ids is None:
            self.ada_unor = bool(self.unor)
            self.ada_asn = db.session.scalar(select(exists().where(
                AsnSiasn.dinas_id == self.dinas_id)))

    @property
    def referensi(self):
        return cek.Referensi(self.unor, self.tahun, self.ada_unor, self.ada_asn, self.periode)

    # ------------------------------------------------------------ pegawai

    def _pernyataan(self):
        atasan_asn = aliased(AsnSiasn)
        atasan_roster = aliased(Pegawai)
        sekolah_skp = aliased(Sekolah)
        atasan_skp = aliased(Pegawai)
        stmt = (
            select(Pegawai.id, Pegawai.nip, Pegawai.nama, Pegawai.jabatan, Pegawai.golongan,
                   Pegawai.tanggal_lahir, Pegawai.sekolah_id, Sekolah.nama, Sekolah.unor_id,
                   Skp.posisi, Skp.status, Skp.rhk, Penilaian.lengkap, Penilaian.rating_hasil,
                   Penilaian.rating_perilaku, Penilaian.umpan_balik_hasil,
                   Penilaian.umpan_balik_perilaku, Penilaian.predikat, Penetapan.id,
                   AsnSiasn.nip, AsnSiasn.nama, AsnSiasn.unor_id, AsnSiasn.jabatan,
                   AsnSiasn.golongan, AsnSiasn.atasan_nip, atasan_asn.nama, atasan_roster.nama,
                   Skp.id, Praktik.diobservasi,
                   # 29..: the part (a Mutasi splits the year): period, school, atasan.
                   Skp.mulai, Skp.selesai, Skp.ditutup, Skp.sekolah_id, sekolah_skp.nama,
                   sekolah_skp.unor_id, Skp.atasan_id, atasan_skp.nama, atasan_skp.nip)
            .join(Sekolah, Pegawai.sekolah_id == Sekolah.id)
            .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id,
                                 Skp.tahun_id == _tahun_id(self.tahun)))
            .outerjoin(sekolah_skp, sekolah_skp.id == Skp.sekolah_id)
            .outerjoin(atasan_skp, and_(atasan_skp.id == Skp.atasan_id, Skp.ditutup.is_not(None)))
            .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
            .outerjoin(Praktik, Praktik.skp_id == Skp.id)
            .outerjoin(Penetapan, and_(Penetapan.id == Penilaian.penetapan_id,
                                       Penetapan.dibuka.is_(None)))
            .outerjoin(AsnSiasn, and_(AsnSiasn.dinas_id == Pegawai.dinas_id,
                                      AsnSiasn.nip == Pegawai.nip))
            .outerjoin(atasan_asn, and_(atasan_asn.dinas_id == AsnSiasn.dinas_id,
                                        atasan_asn.nip == AsnSiasn.atasan_nip))
            # The atasan's name from this Dinas's roster only: a NIP typed into the uploaded
            # list must not turn into the name of someone of another Dinas.
            .outerjoin(atasan_roster, and_(atasan_roster.dinas_id == Pegawai.dinas_id,
                                           atasan_roster.nip == AsnSiasn.atasan_nip))
        )
        if self.satu_kali:
            # The flags ride along: no extra round trip for "is a list uploaded at all".
            stmt = stmt.add_columns(
                exists().where(UnitKerja.dinas_id == self.dinas_id).label("ada_unor"),
                exists().where(AsnSiasn.dinas_id == self.dinas_id).label("ada_asn"))
        return stmt

    def _saring(self, stmt):
        stmt = self._lingkup(stmt)
        if self.pegawai_id is not None:
            stmt = stmt.where(Pegawai.id == self.pegawai_id)
        if self.sekolah_id is not None:
            pimpinan = [pid for pid, per in self.peran.items() if self.sekolah_id in per.values()]
            stmt = stmt.where(or_(Pegawai.sekolah_id == self.sekolah_id,
                                  Pegawai.id.in_(pimpinan)))
        if self.q:
            pola = cari_teks(self.q)
            stmt = stmt.where(or_(Pegawai.nama.ilike(pola, escape="\\"),
                                  Pegawai.nip.like(pola, escape="\\")))
        return stmt

    def __iter__(self) -> Iterator[cek.Subjek]:
        if self.satu_kali:
            rows = db.session.execute(self._saring(self._pernyataan())
                                      .order_by(Pegawai.nama, Pegawai.id)).all()
            if rows:
                self.ada_unor, self.ada_asn = rows[0].ada_unor, rows[0].ada_asn
            self.jumlah = len({r[0] for r in rows})
            ids = {r[8] for r in rows} | {r[21] for r in rows} | {r[34] for r in rows}
            ids |= {p.unor_id for pair in self.pimpinan.values() for p in pair if p}
            if self.kepala_dinas is not None:
                ids.add(self.kepala_dinas.unor_id)
            self._muat_unor({i for i in ids if i})
            yield from self._subjek(rows)
            return
        ids = db.session.scalars(self._saring(
            select(Pegawai.id).join(Sekolah, Pegawai.sekolah_id == Sekolah.id))
            .order_by(Sekolah.nama, Pegawai.nama, Pegawai.id)).all()
        self.jumlah = len(ids)
        for awal in range(0, len(ids), self.ukuran):
            bagian = ids[awal:awal + self.ukuran]
            urut = {pid: i for i, pid in enumerate(bagian)}
            rows = db.session.execute(self._pernyataan().where(Pegawai.id.in_(bagian))).all()
            rows.sort(key=lambda r: urut[r[0]])
            yield from self._subjek(rows)

    def _subjek(self, rows):
        """Group the (pegawai, SKP) rows per pegawai and make one subject per position."""
        i = 0
        while i < len(rows):
            j = i
            while j < len(rows) and rows[j][0] == rows[i][0]:
                j += 1
            yield from self._per_pegawai(rows[i:j])
            i = j

    def _per_pegawai(self, rows):
        self.diperiksa += 1
        r = rows[0]
        pid, nip, nama, jabatan, golongan, lahir, sekolah_id, sekolah_nama, unor_id = r[:9]
        # {posisi: its parts in period order}; one part for a year without a Mutasi.
        skp = {}
        for x in sorted((x for x in rows if x[9] is not None), key=lambda x: x[29]):
            skp.setdefault(x[9], []).append(x)
        peran = self.peran.get(pid, {})
        posisi = set(skp)
        # As peran.muat_peran: a definitive principal is not assessed as a teacher.
        if (jabatan or "").startswith("Guru") and "kepala_sekolah" not in peran:
            posisi.add("guru")
        posisi |= set(peran)
        asn = None
        if r[19] is not None:
            asn = cek.Asn(r[19], r[20], r[21], r[22], r[23], r[24], r[25] or r[26])
        for pos in sorted(posisi, key=URUT_POSISI.get):
            bagian = skp.get(pos) or [None]
            banyak = len(bagian) > 1
            for x in bagian:
                sid = peran.get(pos, sekolah_id) if pos != PosisiSkp.GURU else sekolah_id
                s_nama, s_unor = sekolah_nama, unor_id
                if x is not None and x[32] is not None and x[32] != sid:
                    # A part of another school (closed by a Mutasi): its own UNOR.
                    sid, s_nama, s_unor = x[32], x[33], x[34]
                elif sid != sekolah_id:  # leads another school than the one he teaches at
                    p = next((p for p in self.pimpinan.get(sid, ()) if p and p.id == pid),
                             None)
                    s_nama, s_unor = (p.sekolah_nama, p.unor_id) if p else (None, None)
                data_skp = data_pen = None
                if x is not None:
                    data_skp = cek.DataSkp(x[10], StatusSkp(x[10]).label, tuple(x[11] or ()),
                                           x[27], x[28] is not None)
                    if x[12] is not None:
                        data_pen = cek.DataPenilaian(
                            bool(x[12]), x[17] if x[18] is not None else None, x[13], x[14],
                            x[15], x[16] or {})
                atasan = self.atasan(pid, pos, sid)
                if x is not None and x[31] is not None and x[36] is not None:
                    atasan = self._atasan_bagian(x, sid, s_unor)
                yield cek.Subjek(pid, nip, nama, pos, sid, s_nama, s_unor, atasan, data_skp,
                                 data_pen, asn, jabatan, golongan, lahir,
                                 x[29] if x is not None and banyak else None,
                                 x[30] if x is not None and banyak else None)

    def _atasan_bagian(self, x, sekolah_id, unor_id):
        """The atasan of a part a Mutasi closed: the one of its period (kept on the part)."""
        for p in self.pimpinan.get(sekolah_id, ()):
            if p is not None and p.id == x[35]:
                return self._atasan_dari(p)
        if self.kepala_dinas is not None and self.kepala_dinas.id == x[35]:
            return self.atasan(x[0], "kepala_sekolah", sekolah_id)
        unor = self.unor.get(unor_id or "")
        return cek.Atasan(x[36], x[37], False, False, (), unor_id,
                          unor.nama if unor else x[33])

    def atasan(self, pegawai_id, posisi, sekolah_id):
        """The PPK of one subject, resolved as atasan.atasan_untuk does (SPEC §1)."""
        if posisi == PosisiSkp.GURU:
            ks, plt = self.pimpinan.get(sekolah_id, (None, None))
            if ks is not None and ks.id != pegawai_id:
                return self._atasan_dari(ks)
            plt_di_sekolah_sendiri = ks is None and plt is not None and plt.id == pegawai_id
            if not plt_di_sekolah_sendiri:
                if plt is not None:
                    return self._atasan_dari(plt)
                return cek.Atasan(None, alasan="Sekolah belum memiliki Kepala Sekolah atau Plt. "
                                               "di aplikasi ini.")
        kadis = self.kepala_dinas
        if kadis is None:
            return cek.Atasan(None, oleh_dinas=True,
                              alasan="Kepala Dinas belum tercatat di aplikasi ini.")
        unor = self.unor.get(kadis.unor_id or "")
        return cek.Atasan(kadis.nama, kadis.nip, True, False, (), kadis.unor_id,
                          unor.nama if unor else None)

    def _atasan_dari(self, p):
        unor = self.unor.get(p.unor_id or "")
        return cek.Atasan(p.nama, p.nip, False, p.skp_disepakati, p.rhk, p.unor_id,
                          unor.nama if unor else p.unor_nama)


def hasil(muatan: Muatan, jenis=JenisEkspor.PERENCANAAN) -> Iterator[cek.Hasil]:
    """Run the pre-check over every subject of a run, lazily (bounded memory)."""
    temuan_periode = ()
    if jenis == JenisEkspor.PENILAIAN_AKHIR:
        temuan_periode = tuple(cek.cek_periode(muatan.periode, muatan.tahun))
    elif jenis == JenisEkspor.PENILAIAN_PERIODIK:
        temuan_periode = tuple(cek.cek_periode_periodik(muatan.periode, muatan.tahun))
    for s in muatan:
        # Only the definitive position's predikat goes to e-Kinerja (seed 003, row 1).
        if jenis != JenisEkspor.PERENCANAAN and s.posisi == PosisiSkp.PLT_KEPALA_SEKOLAH:
            continue
        yield cek.periksa(s, muatan.referensi, jenis, temuan_periode)



def ringkasan_kesiapan(dinas_id, tahun):
    """(not ready, ready, when it was counted or None if just now) for the planning sync."""
    n = db.session.scalar(dalam_lingkup(select(func.count()).select_from(Pegawai), dinas_id,
                                        tahun))
    kunci = (dinas_id, tahun)
    if n > BATAS_HITUNG_LANGSUNG:
        lama = _ringkasan.get(kunci)
        if lama is not None and sekarang() - lama[0] < UMUR_RINGKASAN:
            return lama[1], lama[2], lama[0]
    siap = Counter(h.siap for h in hasil(Muatan(dinas_id, tahun)))
    if n <= BATAS_HITUNG_LANGSUNG:
        return siap[False], siap[True], None
    _ringkasan[kunci] = (sekarang(), siap[False], siap[True])
    return siap[False], siap[True], _ringkasan[kunci][0]
