"""Performance years per Dinas: open (persiapan), start (berjalan), close (ditutup), and
the one guard that keeps a closed year read-only.

The guard is a `before_flush` hook of every session: whatever alur function (or anything
else) adds, changes or deletes a row that belongs to a year — an SKP and what hangs off it,
an assessment, a shipment, a PKO, a penetapan, a Tim Kerja plot — is refused with `Ditolak`
("Tahun kinerja 2025 sudah ditutup …") when that year is closed in the row's Dinas. It reads
the year's state row with FOR SHARE (PostgreSQL), so closing a year (a conditional UPDATE
of that row) waits for writes already under way, and a write after the close sees it.
Printing, verification and export write rows of their own (prints, audit, export logs) and
are not held back.
"""

from sqlalchemy import and_, event, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from kinerja_web import aturan
from kinerja_web.alur import Ditolak, Konflik, catat
from kinerja_web.extensions import db
from kinerja_web.models import (
    CatatanUpaya,
    Konfirmasi,
    Pegawai,
    Penetapan,
    Pengiriman,
    Penilaian,
    PkoDinas,
    PkoSekolah,
    PlotTimKerja,
    Praktik,
    RefleksiKompetensi,
    Sekolah,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.waktu import sekarang


def pesan_ditutup(tahun):
    return (f"Tahun kinerja {tahun} sudah ditutup; datanya hanya dapat dilihat, dicetak, "
            "diverifikasi dan diekspor.")


# ------------------------------------------------------------------ reading


def tahun_dinas(dinas_id, tahun):
    """The Dinas' row for a year (a number), or None."""
    return db.session.scalar(
        select(TahunDinas).join(TahunKinerja, TahunKinerja.id == TahunDinas.tahun_id)
        .where(TahunDinas.dinas_id == dinas_id, TahunKinerja.tahun == tahun))


def tahun_berjalan(dinas_id):
    """The Dinas' newest running year (TahunKinerja), or None."""
    return db.session.scalar(
        select(TahunKinerja).join(TahunDinas, TahunDinas.tahun_id == TahunKinerja.id)
        .where(TahunDinas.dinas_id == dinas_id, TahunDinas.status == StatusTahun.BERJALAN)
        .order_by(TahunKinerja.tahun.desc()).limit(1))


def aturan_tersedia():
    """The years a rule file exists for (aturan/data/<year>.toml), as numbers."""
    return sorted(int(n) for n in aturan.daftar_aturan() if n.isdecimal())


def aturan_tahun(tahun):
    """The rule set of a TahunKinerja row."""
    return aturan.muat_aturan(tahun.aturan)


# ------------------------------------------------------------------ transitions


def buka(dinas_id, tahun, aktor):
    """Open a year for the Dinas (persiapan) when its rule file exists; the year row is
    made when no Dinas has opened it yet. A second click (or another Operator at the same
    moment) finds the row there: Konflik."""
    if tahun not in aturan_tersedia():
        raise Ditolak(f"Aturan tahun {tahun} (aturan/data/{tahun}.toml) belum tersedia; "
                      "tahun ini belum dapat dibuka.")
    baris = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tahun))
    if baris is None:
        baris = TahunKinerja(tahun=tahun, aturan=str(tahun), aktif=True)
        try:
            with db.session.begin_nested():
                db.session.add(baris)
        except IntegrityError as e:
            ada = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tahun))
            if ada is None:
                raise Konflik(baris) from e
            baris = ada
    if tahun_dinas(dinas_id, tahun) is not None:
        raise Konflik(baris)
    td = TahunDinas(dinas_id=dinas_id, tahun_id=baris.id, status=StatusTahun.PERSIAPAN,
                    dibuka=sekarang(), dibuka_oleh=getattr(aktor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(td)
    except IntegrityError as e:
        raise Konflik(baris) from e
    catat("tahun_dibuka", td, ke=StatusTahun.PERSIAPAN, data={"tahun": tahun},
          akun=aktor)
    return td


def _pindah(td, dari, ke, aktor, kolom, versi=None):
    """Move the row from `dari` to `ke` with one conditional UPDATE (a concurrent move or
    an out-of-date page: Konflik)."""
    if versi is not None and str(versi) != str(td.versi):
        raise Konflik(td)
    if td.status != dari:
        raise Ditolak(f"Tahun kinerja {td.tahun.tahun} berstatus {td.label_status}; "
                      f"tidak dapat diubah menjadi {ke.label}.")
    waktu = sekarang()
    hasil = db.session.execute(
        update(TahunDinas).where(TahunDinas.id == td.id, TahunDinas.status == dari,
                                 TahunDinas.versi == td.versi)
        .values(status=ke, versi=TahunDinas.versi + 1,
                **{kolom: waktu, f"{kolom}_oleh": getattr(aktor, "id", None)})
        .execution_options(synchronize_session=False))
    if getattr(hasil, "rowcount", 0) != 1:  # a CursorResult for an UPDATE
        db.session.rollback()
        raise Konflik(td)
    db.session.refresh(td)
    catat("tahun_" + {"dimulai": "dimulai", "ditutup": "ditutup"}[kolom], td,
          dari=dari, ke=ke, data={"tahun": td.tahun.tahun}, akun=aktor)


def mulai(td, aktor, versi=None):
    """persiapan → berjalan: planning opens for the Dinas' pegawai."""
    _pindah(td, StatusTahun.PERSIAPAN, StatusTahun.BERJALAN, aktor, "dimulai", versi)


def penghalang_tutup(td):
    """What keeps the year from closing (the decision: a year closes only when no
    assessment is left half way to its predikat). Lists of (what, [(nama, nip, sekolah)]):
    assessments started and not yet sent to the Dinas; sent but without a standing
    penetapan (the predikat not set, or reopened and not set again). Plans that never
    reached an assessment do not hold it back (counted by `ringkasan`)."""
    dasar = (select(Pegawai.nama, Pegawai.nip, Sekolah.nama)
             .select_from(Penilaian).join(Skp, Skp.id == Penilaian.skp_id)
             .join(Pegawai, Pegawai.id == Skp.pegawai_id)
             .outerjoin(Sekolah, Sekolah.id == Skp.sekolah_id)
             .outerjoin(Penetapan, Penetapan.id == Penilaian.penetapan_id)
             .where(Skp.tahun_id == td.tahun_id, Pegawai.dinas_id == td.dinas_id)
             .order_by(Sekolah.nama, Pegawai.nama))
    belum_kirim = db.session.execute(dasar.where(Penilaian.pengiriman_id.is_(None))).all()
    belum_tetap = db.session.execute(dasar.where(
        Penilaian.pengiriman_id.is_not(None),
        (Penilaian.penetapan_id.is_(None)) | (Penetapan.dibuka.is_not(None)))).all()
    out = []
    if belum_kirim:
        out.append(("Penilaian belum dikirim ke Dinas Pendidikan", belum_kirim))
    if belum_tetap:
        out.append(("Penilaian sudah dikirim, predikat belum ditetapkan", belum_tetap))
    return out


def tutup(td, aktor, versi=None):
    """berjalan → ditutup, refused while `penghalang_tutup` lists anything."""
    if td.status == StatusTahun.BERJALAN:
        halangan = penghalang_tutup(td)
        if halangan:
            jumlah = sum(len(d) for _, d in halangan)
            raise Ditolak(f"Tahun kinerja {td.tahun.tahun} belum dapat ditutup: {jumlah} "
                          "penilaian belum sampai penetapan predikat.")
    _pindah(td, StatusTahun.BERJALAN, StatusTahun.DITUTUP, aktor, "ditutup", versi)


# ------------------------------------------------------------------ the guard


def _kunci_objek(objek):
    """(kind, id, tahun_id): how to find the Dinas and year of a row of a year."""
    if isinstance(objek, Skp):
        return "pegawai", objek.pegawai_id, objek.tahun_id
    if isinstance(objek, (Praktik, RefleksiKompetensi, Konfirmasi, Penilaian)):
        return "skp", objek.skp_id, None
    if isinstance(objek, CatatanUpaya):
        return "praktik", objek.praktik_id, None
    if isinstance(objek, (Pengiriman, Penetapan, PkoDinas)):
        return "dinas", objek.dinas_id, objek.tahun_id
    if isinstance(objek, PkoSekolah):
        return "sekolah", objek.sekolah_id, objek.tahun_id
    if isinstance(objek, PlotTimKerja):
        return "pegawai", objek.kepala_sekolah_id, objek.tahun_id
    return None


BERTAHUN = (Skp, Praktik, RefleksiKompetensi, Konfirmasi, Penilaian, CatatanUpaya, Pengiriman,
            Penetapan, PkoDinas, PkoSekolah, PlotTimKerja)


def _syarat(kunci):
    """One SQL condition on TahunDinas matching the Dinas and year of every collected row
    (so the guard is one query, whatever the flush holds)."""
    per: dict[str, set[tuple[int, int | None]]] = {}
    for jenis, i, t in kunci:
        if i is not None:
            per.setdefault(jenis, set()).add((i, t))
    syarat: list[ColumnElement[bool]] = []
    pasang = tuple_(TahunDinas.dinas_id, TahunDinas.tahun_id)
    if "skp" in per:
        syarat.append(pasang.in_(
            select(Pegawai.dinas_id, Skp.tahun_id).join(Skp, Skp.pegawai_id == Pegawai.id)
            .where(Skp.id.in_(sorted({i for i, _ in per["skp"]})))))
    if "praktik" in per:
        syarat.append(pasang.in_(
            select(Pegawai.dinas_id, Skp.tahun_id).join(Skp, Skp.pegawai_id == Pegawai.id)
            .join(Praktik, Praktik.skp_id == Skp.id)
            .where(Praktik.id.in_(sorted({i for i, _ in per["praktik"]})))))
    for jenis, model in (("pegawai", Pegawai), ("sekolah", Sekolah)):
        per_tahun: dict[int, set[int]] = {}
        for i, t in per.get(jenis, ()):
            if t is not None:
                per_tahun.setdefault(t, set()).add(i)
        syarat += [and_(TahunDinas.tahun_id == t, TahunDinas.dinas_id.in_(
            select(model.dinas_id).where(model.id.in_(sorted(ids)))))
            for t, ids in sorted(per_tahun.items())]
    dinas = sorted((d, t) for d, t in per.get("dinas", ()) if t is not None)
    if dinas:
        syarat.append(pasang.in_(dinas))
    return or_(*syarat) if syarat else None


TAHU = "tahun_dinas_terbaca"  # session.info: {(dinas_id, tahun_id): (status, tahun)}
DIPERIKSA = "tahun_diperiksa"  # session.info: the guard's keys found open in this transaction


def ingat_status(baris):
    """Rows of TahunDinas read in this write transaction (and, on PostgreSQL, locked FOR
    SHARE by the reader): the guard answers from them without a query of its own for rows
    whose Dinas and year it can tell from the session. Forgotten at commit or rollback."""
    peta = db.session.info.setdefault(TAHU, {})
    for td in baris:
        peta[(td.dinas_id, td.tahun_id)] = (td.status, td.tahun.tahun)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _lupakan(sesi):
    sesi.info.pop(TAHU, None)
    sesi.info.pop(DIPERIKSA, None)


def _dari_peta(sesi, objek):
    """(dinas_id, tahun_id) of a row from what the session already holds, or None."""
    def ambil(model, i):
        return sesi.identity_map.get(sesi.identity_key(model, i)) if i is not None else None

    if isinstance(objek, CatatanUpaya):
        objek = ambil(Praktik, objek.praktik_id)
    if isinstance(objek, (Praktik, RefleksiKompetensi, Konfirmasi, Penilaian)):
        objek = ambil(Skp, objek.skp_id)
    if objek is None:
        return None
    if isinstance(objek, (Pengiriman, Penetapan, PkoDinas)):
        return objek.dinas_id, objek.tahun_id
    if isinstance(objek, PkoSekolah):
        s = ambil(Sekolah, objek.sekolah_id)
        return (s.dinas_id, objek.tahun_id) if s is not None else None
    pegawai_id = objek.pegawai_id if isinstance(objek, Skp) else objek.kepala_sekolah_id
    p = ambil(Pegawai, pegawai_id)
    return (p.dinas_id, objek.tahun_id) if p is not None else None


@event.listens_for(Session, "before_flush")
def _jaga_tahun_ditutup(sesi, _konteks, _instances):
    """Refuse any change to a row of a year that is closed in its Dinas."""
    objek = [o for o in sesi.new if isinstance(o, BERTAHUN)]
    objek += [o for o in sesi.dirty if isinstance(o, BERTAHUN)
              and sesi.is_modified(o, include_collections=False)]
    objek += [o for o in sesi.deleted if isinstance(o, BERTAHUN)]
    if not objek:
        return
    peta = sesi.info.get(TAHU)
    if peta:
        pasang = {_dari_peta(sesi, o) for o in objek}
        if None not in pasang and pasang <= peta.keys():
            for p in pasang:
                if peta[p][0] == StatusTahun.DITUTUP:
                    raise Ditolak(pesan_ditutup(peta[p][1]))
            return
    # A key found open earlier in this transaction stays open (its state row is locked
    # FOR SHARE on PostgreSQL; SQLite runs one write transaction at a time).
    diperiksa = sesi.info.setdefault(DIPERIKSA, set())
    kunci = {k for o in objek if (k := _kunci_objek(o)) is not None} - diperiksa
    if not kunci:
        return
    with sesi.no_autoflush:
        syarat = _syarat(kunci)
        if syarat is None:
            return
        q = (select(TahunDinas.status, TahunKinerja.tahun)
             .join(TahunKinerja, TahunKinerja.id == TahunDinas.tahun_id).where(syarat))
        if sesi.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(read=True, of=TahunDinas)
        for status, tahun in sesi.execute(q):
            if status == StatusTahun.DITUTUP:
                raise Ditolak(pesan_ditutup(tahun))
    diperiksa |= kunci
