"""Pra-perencanaan: the roster checks before a school's teachers plan, and the Dinas'
override that opens planning for one school whose checks fail.

`hasil_pra` reads a Dinas (or one school) in a constant number of queries and hands plain
data to the pure checks (`aturan.prarencana`). `pastikan_terbuka` is what the SKP
transitions call (only for a year whose rule set has the pra-perencanaan component: 2026
on); `buka` is the Operator Dinas' act, audited.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from kinerja_web import aturan, simpanan
from kinerja_web.alur import Ditolak, IsianSalah, catat
from kinerja_web.aturan import prarencana as pra
from kinerja_web.extensions import db
from kinerja_web.models import (
    BukaPerencanaan,
    Pegawai,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    UnitKerja,
)
from kinerja_web.waktu import hari_ini

ALASAN_MAKS = 500
KOMPONEN = "pra_perencanaan"


def berlaku(tahun) -> bool:
    """Whether the year's rule set has the pra-perencanaan component (2026 on; 2025 not)."""
    return KOMPONEN in aturan.muat_aturan(tahun.aturan).komponen


def awal_tahun(tahun) -> date:
    return date(tahun.tahun, 1, 1)


def hasil_pra(dinas_id, tahun, sekolah_id=None) -> pra.HasilPra:
    """Every check over the Dinas' schools (or one school) for the year: five queries."""
    atr = aturan.muat_aturan(tahun.aturan)
    q = select(Sekolah.id, Sekolah.nama, Sekolah.npsn, Sekolah.unor_id).where(
        Sekolah.dinas_id == dinas_id)
    if sekolah_id is not None:
        q = q.where(Sekolah.id == sekolah_id)
    sekolah = db.session.execute(q.order_by(Sekolah.nama)).all()

    def di_sekolah(kolom):
        return kolom == sekolah_id if sekolah_id is not None else kolom.isnot(None)

    unor = dict(db.session.execute(select(UnitKerja.unor_id, UnitKerja.aktif).where(
        UnitKerja.dinas_id == dinas_id)).all())
    tim = aliased(Pegawai)
    pimpinan = db.session.execute(
        select(Penugasan.sekolah_id, Penugasan.peran, Pegawai.id, Pegawai.nama, Pegawai.nip,
               tim.nama)
        .join(Pegawai, Pegawai.id == Penugasan.pegawai_id)
        .outerjoin(PlotTimKerja, (PlotTimKerja.kepala_sekolah_id == Pegawai.id)
                   & (PlotTimKerja.tahun_id == tahun.id))
        .outerjoin(tim, tim.id == PlotTimKerja.tim_kerja_id)
        .where(Penugasan.dinas_id == dinas_id, di_sekolah(Penugasan.sekolah_id),
               Penugasan.peran.in_(("kepala_sekolah", "plt_kepala_sekolah")),
               Penugasan.aktif_pada(awal_tahun(tahun)))
        .order_by(Pegawai.nama)).all()
    per_sekolah: dict[int, list[pra.Pimpinan]] = {}
    for sid, peran, pid, nama, nip, nama_tim in pimpinan:
        if sid is None:  # excluded by the query; for the type checker
            continue
        per_sekolah.setdefault(sid, []).append(
            pra.Pimpinan(pid, nama, nip, peran == "plt_kepala_sekolah", nama_tim))
    pegawai = db.session.execute(
        select(Pegawai.id, Pegawai.nama, Pegawai.nip, Pegawai.jabatan, Pegawai.sekolah_id)
        .where(Pegawai.dinas_id == dinas_id, di_sekolah(Pegawai.sekolah_id),
               Pegawai.status_kepegawaian.in_(("PNS", "PPPK")), Pegawai.syarat_ikut(atr))
        .order_by(Pegawai.nama)).all()
    return pra.periksa(
        [pra.SekolahPra(s.id, s.nama, s.npsn, s.unor_id, tuple(per_sekolah.get(s.id, ())))
         for s in sekolah],
        [pra.PegawaiPra(p.id, p.nama, p.nip, p.jabatan, p.sekolah_id) for p in pegawai],
        unor or None, atr, hari_ini())


# hasil_pra_kini's answers in this process: {(dinas, year, school or None, day, roster
# generation): (HasilPra, ids of the failing schools the Dinas opened)}. Every node keeps
# its own; the generation in the key, read from the database, makes them agree.
_KINI: dict[tuple, tuple[pra.HasilPra, frozenset[int]]] = {}
_KINI_MAKS = 512


def hasil_pra_kini(dinas_id, tahun, sekolah_id=None) -> tuple[pra.HasilPra, frozenset[int]]:
    """`hasil_pra` and the failing schools opened anyway (`dibuka`), for pages and
    reminders: kept in this process while no write to what the checks read has been
    committed (simpanan.generasi_roster), so a Beranda asks one query instead of six. A
    guard before a write (`pastikan_terbuka`) reads afresh."""
    n = simpanan.generasi_roster()
    kunci = (dinas_id, tahun.id, sekolah_id, hari_ini(), n)
    if n is not None and (ada := _KINI.get(kunci)) is not None:
        return ada
    hasil = hasil_pra(dinas_id, tahun, sekolah_id)
    gagal = {k.sekolah_id for k in hasil.kesalahan}
    terbuka = frozenset(dibuka(tahun, sorted(gagal) if sekolah_id is not None else None)
                        if gagal else ()) & gagal
    if n is not None:
        if len(_KINI) >= _KINI_MAKS:
            _KINI.clear()
        _KINI[kunci] = (hasil, terbuka)
    return hasil, terbuka


def dibuka(tahun, sekolah_ids=None, *, segar=False) -> dict[int, BukaPerencanaan]:
    """The Dinas' overrides of the year, by school (`segar`: read afresh from the
    database, not from the session's copies)."""
    q = select(BukaPerencanaan).where(BukaPerencanaan.tahun_id == tahun.id)
    if sekolah_ids is not None:
        q = q.where(BukaPerencanaan.sekolah_id.in_(list(sekolah_ids)))
    return {b.sekolah_id: b for b in
            db.session.scalars(q.execution_options(populate_existing=segar))}


def alasan_tertutup(sekolah_id, tahun) -> str | None:
    """Why planning is not open yet for this school in this year, or None when it is."""
    if sekolah_id is None or not berlaku(tahun):
        return None
    if dibuka(tahun, [sekolah_id]):
        return None
    dinas_id = db.session.scalar(select(Sekolah.dinas_id).where(Sekolah.id == sekolah_id))
    if dinas_id is None:
        return None
    kesalahan = hasil_pra(dinas_id, tahun, sekolah_id).kesalahan
    if not kesalahan:
        return None
    return (f"Perencanaan Kinerja {tahun.tahun} belum dibuka untuk sekolah Anda karena "
            f"pemeriksaan pra-perencanaan belum lulus: {pra.ringkas(kesalahan)}. Setelah data "
            "diperbaiki, perencanaan terbuka dengan sendirinya; hubungi Operator Dinas.")


def pastikan_terbuka(sekolah_id, tahun):
    """Refuse (Ditolak) an SKP act at a school whose pra-perencanaan checks fail."""
    if alasan := alasan_tertutup(sekolah_id, tahun):
        raise Ditolak(alasan)


def _isian(bidang, pesan):
    e = IsianSalah(pesan)
    e.bidang = bidang  # type: ignore[attr-defined]
    return e


def buka(aktor, sekolah, tahun, alasan, yakin):
    """The Operator Dinas opens planning for one school of his Dinas whose checks fail, for
    the reason given (confirmed). Opening again replaces the reason; the audit keeps both."""
    peran = aktor.peran
    if not peran.operator_dinas or sekolah.dinas_id != peran.dinas_id:
        raise Ditolak("Hanya Operator Dinas dari Dinas sekolah ini yang dapat membuka "
                      "perencanaan.")
    alasan = (alasan or "").strip()
    if not alasan:
        raise _isian("alasan", "Tulis alasan membuka perencanaan walau pemeriksaan belum "
                               "lulus (mis. UNOR sedang dipadankan BKD).")
    if len(alasan) > ALASAN_MAKS:
        raise _isian("alasan", f"Alasan paling banyak {ALASAN_MAKS} karakter.")
    if not yakin:
        raise _isian("yakin", "Centang konfirmasi bahwa perencanaan dibuka walau data belum "
                              "lengkap.")
    # The school's row locked first: of two identical openings at once the second waits,
    # then reads the first's row (afresh) and, the reason being the same, writes and
    # audits nothing (without it both inserted: a UNIQUE race, 500 on PostgreSQL).
    db.session.execute(select(Sekolah.id).where(Sekolah.id == sekolah.id).with_for_update())
    baris = dibuka(tahun, [sekolah.id], segar=True).get(sekolah.id)
    if baris is not None and baris.alasan == alasan:
        return baris
    kesalahan = hasil_pra(sekolah.dinas_id, tahun, sekolah.id).kesalahan
    lama = baris.alasan if baris is not None else None
    if baris is None:
        baris = BukaPerencanaan(sekolah_id=sekolah.id, tahun_id=tahun.id, alasan=alasan,
                                akun_id=aktor.id)
        db.session.add(baris)
    else:
        baris.alasan, baris.akun_id = alasan, aktor.id
    # from/to are states (40 characters); the reason replaced goes into the data.
    catat("perencanaan_dibuka", baris, dari="dibuka" if lama is not None else None,
          ke="dibuka", catatan=alasan, akun=aktor,
          data={"sekolah_id": sekolah.id, "tahun": tahun.tahun, "alasan_lama": lama,
                "kesalahan": [f"{k.cek.value}: {k.nama or k.sekolah_nama}" for k in kesalahan]})
    return baris
