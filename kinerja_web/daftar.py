"""What the list pages share: the active year, search, tabs with counts, page numbers, and
the rows an atasan's lists start from (Persetujuan, Penilaian, the Dinas' progress and
penetapan lists, the home page's counters).

Every list is a constant number of queries: counts per tab in one grouped query, the page
of rows in another.
"""

from dataclasses import dataclass
from functools import cache

from flask import abort, g, request, session
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from kinerja_web import aturan
from kinerja_web.alur import tahun as alur_tahun
from kinerja_web.alur.syarat import VALIDASI_DOKUMEN, dokumen_oleh_pegawai, kode_konfirmasi
from kinerja_web.atasan import PERAN_KS
from kinerja_web.extensions import db
from kinerja_web.models import (
    Pegawai,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.org import Peran
from kinerja_web.models.pelaksanaan import (
    JenisKonfirmasi,
    Konfirmasi,
    Praktik,
    RefleksiKompetensi,
    StatusLangkah,
)
from kinerja_web.models.penilaian import Penilaian
from kinerja_web.models.skp import PosisiSkp, Skp, StatusSkp
from kinerja_web.waktu import hari_ini

PER_HALAMAN = 50


def tahun_dinas_saya():
    """The years the signed-in person may look at, newest first, as [(TahunKinerja,
    TahunDinas)]: his Dinas' running and closed years, and for its staff also those in
    preparation. Cached for the request (a read has them from the user loader's query)."""
    peran = current_user.peran  # loads the user first (and in a read with him the years)
    if "tahun_pilihan" in g:
        return g.tahun_pilihan
    # One query for the page: the Dinas' years, each with whether the person has an SKP
    # in it; in a write request also the closed-year guard's lock and answer (see
    # alur.tahun.ingat_status).
    punya = select(Skp.id).where(Skp.tahun_id == TahunKinerja.id,
                                 Skp.pegawai_id == current_user.pegawai_id).exists()
    q = (select(TahunKinerja, TahunDinas, punya)
         .join(TahunDinas, TahunDinas.tahun_id == TahunKinerja.id)
         .where(TahunDinas.dinas_id == peran.dinas_id))
    tulis = request.method not in ("GET", "HEAD", "OPTIONS")
    if tulis and db.session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(read=True, of=TahunDinas)
    semua = db.session.execute(q).all()
    if tulis:
        alur_tahun.ingat_status(td for _, td, _ in semua)
    return ingat_tahun_dinas(peran, semua)


def ingat_tahun_dinas(peran, semua):
    """Keep for the request the years of the person's Dinas read with `peran`: [(TahunKinerja,
    TahunDinas, whether the person has an SKP in it)], in any order. What
    `tahun_dinas_saya` answers."""
    boleh = {StatusTahun.BERJALAN, StatusTahun.DITUTUP}
    if peran.staf_dinas:
        boleh.add(StatusTahun.PERSIAPAN)
    semua = sorted(semua, key=lambda baris: baris[0].tahun, reverse=True)
    g.tahun_punya_skp = {t.id for t, _, ada in semua if ada}
    g.tahun_pilihan = [(t, td) for t, td, _ in semua if td.status in boleh]
    return g.tahun_pilihan


def _tahun_baku(pilihan):
    """The newest running year the person has an SKP in, else his Dinas' newest running
    year, else the newest he may see."""
    berjalan = [t for t, td in pilihan if td.status == StatusTahun.BERJALAN]
    if berjalan:
        return next((t for t in berjalan if t.id in g.tahun_punya_skp), berjalan[0])
    return pilihan[0][0]


def tahun_aktif(wajib=True):
    """The performance year the page shows: `?tahun=2025` (remembered in the session),
    else the one remembered, else `_tahun_baku`. 404 with a message while the person's
    Dinas has none (None when not `wajib`)."""
    if "tahun_aktif" in g:
        return g.tahun_aktif
    pilihan = tahun_dinas_saya()
    if not pilihan:
        if not wajib:
            return None
        abort(404, "!Tahun kinerja belum disiapkan. Hubungi Operator Dinas.")
    per_tahun = {t.tahun: t for t, _ in pilihan}
    minta = request.args.get("tahun", type=int)
    if minta in per_tahun:
        session["tahun"] = minta
    elif session.get("tahun") not in per_tahun:
        session.pop("tahun", None)
    tahun = per_tahun.get(session.get("tahun")) or _tahun_baku(pilihan)
    g.tahun_aktif = tahun
    return tahun


def tahun_pilihan():
    """The year a list shows: `?tahun=` among the Dinas' years the person may see, else the
    shown year (tahun_aktif). (year row, those years newest first for the select, the
    unknown year asked or None)."""
    tahun = tahun_aktif()
    semua = [t for t, _ in tahun_dinas_saya()]
    diminta = request.args.get("tahun", "").strip()[:10]
    salah = diminta if diminta and diminta not in {str(t.tahun) for t in semua} else None
    return tahun, semua, salah


def status_tahun_aktif():
    """The shown year's state in the person's Dinas."""
    tahun = tahun_aktif()
    return next(td for t, td in tahun_dinas_saya() if t.id == tahun.id)


def aturan_aktif():
    """The rule set of the shown year (the bundled default while the person's Dinas has no
    year yet: nothing of a year to show then)."""
    tahun = tahun_aktif(wajib=False)
    return aturan.muat_aturan(tahun.aturan) if tahun is not None else aturan.muat_aturan()


def cari_teks(q):
    """Escape LIKE wildcards so a search for '50%' finds that text."""
    q = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{q}%"


def lingkup_atasan(peran):
    """Which atasan's list a person sees: True for the Dinas' (principals, for the Kepala
    Dinas and Tim Kerja, or a principal asking `?lingkup=dinas`), False for his school's
    teachers; 403 for anyone who assesses no one."""
    dinas = bool(peran.kepala_dinas or peran.tim_kerja)
    if not (peran.atasan_sekolah or dinas):
        abort(403)
    return dinas and not (peran.atasan_sekolah and request.args.get("lingkup") != "dinas")


def teks_cari():
    """The name searched for: `?q=`, trimmed, at most 100 characters ("" for none)."""
    return request.args.get("q", "").strip()[:100]


def nama_cocok(pola):
    """SQL: the person's name matches the LIKE pattern `pola` (from `cari_teks`)."""
    return Pegawai.nama.ilike(pola, escape="\\")


def cari_nama(stmt):
    """The list narrowed to the names matching `?q=` (at most 100 characters); (stmt, q)."""
    q = teks_cari()
    if q:
        stmt = stmt.where(nama_cocok(cari_teks(q)))
    return stmt, q


def nomor_halaman():
    """The page number asked for (1 when absent or invalid)."""
    return max(1, request.args.get("halaman", 1, type=int))


class _HalamanBaris(SelectPagination):
    """`db.paginate` for a list of rows of several columns (db.paginate's own page holds
    only each row's first column)."""

    def _query_items(self):
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return self._query_args["session"].execute(stmt).all()


def halaman_dari(stmt, total=None, *, skalar=False):
    """The asked page (`nomor_halaman`, PER_HALAMAN rows) of an ordered list query, as
    Flask-SQLAlchemy's Pagination (`items`, `page`, `per_page`, `total`; a page past the
    end is empty, not 404). `total`: the rows, when the page counted them already (e.g.
    `hitung_status`), so no count query runs; else one does. `skalar`: each row's first
    column only (a list of model rows)."""
    arg = {"page": nomor_halaman(), "per_page": PER_HALAMAN, "error_out": False,
           "count": total is None}
    if skalar:
        h = db.paginate(stmt, **arg)
    else:
        h = _HalamanBaris(select=stmt, session=db.session, **arg)
    if total is not None:
        h.total = total
    return h


def pilihan_arg(nama, pilihan, bawaan):
    """A query argument limited to `pilihan` (its keys), else `bawaan`."""
    nilai = request.args.get(nama, bawaan)
    return nilai if nilai in dict(pilihan) else bawaan


def hitung_status(stmt, siap_kirim=False):
    """{status (column `st`): rows} of a list query, plus "semua" (one query). With
    `siap_kirim`, also "siap_kirim": rows complete and not yet sent (columns `lengkap` and
    `pengiriman_id` of the statement), in the same query."""
    return baca_hitung(statement_hitung(stmt, siap_kirim), siap_kirim)


def statement_hitung(stmt, siap_kirim=False):
    """The grouped count query of `hitung_status`, for `baca_hitung`.

    Counted over a subquery of only the columns needed: a subquery of the whole list
    (every column of Pegawai and Skp) cost more CPU to build than the query took to run."""
    kolom = stmt.selected_columns
    pilih = [kolom.st] + ([kolom.lengkap, kolom.pengiriman_id] if siap_kirim else [])
    sub = stmt.with_only_columns(*pilih, maintain_column_froms=True).subquery()
    hitungan = [sub.c.st, func.count()]
    if siap_kirim:
        hitungan.append(func.sum(case(
            (and_(sub.c.lengkap.is_(True), sub.c.pengiriman_id.is_(None)), 1), else_=0)))
    return select(*hitungan).group_by(sub.c.st)


def baca_hitung(stmt, siap_kirim=False, ikatan=None):
    """`hitung_status`'s answer from its count query (`statement_hitung`), run with the
    values `ikatan` of its bound parameters."""
    hitung, siap = {}, 0
    for st, n, *kirim in db.session.execute(stmt, ikatan or {}):
        hitung[st] = n
        siap += (kirim[0] or 0) if kirim else 0
    hitung["semua"] = sum(hitung.values())
    if siap_kirim:
        hitung["siap_kirim"] = siap
    return hitung


# ---------------------------------------------------------------- the atasan's rows

# The expressions below hold no value of a request: built once (a list page built them
# on every request, a sixth of its CPU), shared like any prebuilt SQLAlchemy statement.
@cache
def status_daftar():
    """The Persetujuan list's status of a row: the plan's status, "belum" (membuat) without
    a plan. A draft is "draf": the teacher has started, the atasan cannot open it yet."""
    return case((Skp.id.is_(None), "belum"), else_=Skp.status)


# The type of a plan's position: read back as PosisiSkp members.
POSISI = Skp.__table__.c.posisi.type


def _sekolah_atasan(peran):
    """The schools a principal leads, as a list, or the bound parameter standing for them
    in a statement built once (`_PeranTerikat`)."""
    s = peran.atasan_sekolah
    return s if isinstance(s, BindParameter) else list(s)


def baris_sekolah(peran, tahun, st=None, tambahan=(), hari=None):
    """Teachers of the schools this principal leads (not himself, not a definitive KS),
    each with the part of his SKP in progress; and the parts a Mutasi closed at these
    schools that this principal assesses (the teacher may have moved on: issue #14 §5).

    Rows: (Pegawai, posisi, Skp or None, school name, Tim Kerja name, *tambahan, st) where
    `st` is the planning status unless another status expression is given; `hari`: the
    day roles are read on (today)."""
    today = hari_ini() if hari is None else hari
    ks = select(Penugasan.pegawai_id).where(Penugasan.peran == Peran.KEPALA_SEKOLAH,
                                            Penugasan.aktif_pada(today))
    sekolah_saya = _sekolah_atasan(peran)
    ditutup_saya = and_(Skp.ditutup.is_not(None), Skp.atasan_id == peran.pegawai_id,
                        Skp.sekolah_id.in_(sekolah_saya))
    return (
        select(Pegawai, literal(PosisiSkp.GURU, POSISI).label("posisi"), Skp, Sekolah.nama,
               literal(None).label("tim"), *tambahan,
               (status_daftar() if st is None else st).label("st"))
        .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id, Skp.tahun_id == tahun.id,
                             Skp.posisi == PosisiSkp.GURU,
                             or_(Skp.ditutup.is_(None), ditutup_saya)))
        .join(Sekolah, Sekolah.id == func.coalesce(Skp.sekolah_id, Pegawai.sekolah_id))
        .where(Pegawai.syarat_ikut(aturan.muat_aturan(tahun.aturan)),
               Pegawai.id != peran.pegawai_id,
               or_(and_(Pegawai.sekolah_id.in_(sekolah_saya), Skp.ditutup.is_(None),
                        Pegawai.jabatan.like("Guru%"), Pegawai.id.not_in(ks)),
                   Skp.ditutup.is_not(None)))
    )


def baris_dinas(peran, tahun, st=None, tambahan=(), hari=None):
    """Every principal's plan (and a Plt.'s own Guru plan) in the Dinas, or those plotted
    to this Tim Kerja member; with the principals' parts a Mutasi closed (still assessed
    by the Dinas). Rows and `hari` as in `baris_sekolah`."""
    today = hari_ini() if hari is None else hari
    aktif = and_(Penugasan.dinas_id == peran.dinas_id, Penugasan.aktif_pada(today))
    sebagai_ks = select(
        Penugasan.pegawai_id.label("pid"),
        # A principal's role names his plan's position (kepala_sekolah, plt_kepala_sekolah).
        type_coerce(Penugasan.peran, POSISI).label("posisi"),
        Penugasan.sekolah_id.label("sid"), literal(None, Integer).label("skp_id"),
    ).where(aktif, Penugasan.peran.in_(PERAN_KS))
    plt_sebagai_guru = (
        select(Penugasan.pegawai_id, literal(PosisiSkp.GURU, POSISI), Penugasan.sekolah_id,
               literal(None, Integer))
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(aktif, Penugasan.peran == Peran.PLT_KEPALA_SEKOLAH,
               Pegawai.sekolah_id == Penugasan.sekolah_id)
    )
    ditutup = (
        select(Skp.pegawai_id, Skp.posisi, Skp.sekolah_id, Skp.id)
        .join(Pegawai, Skp.pegawai_id == Pegawai.id)
        .where(Pegawai.dinas_id == peran.dinas_id, Skp.tahun_id == tahun.id,
               Skp.posisi.in_(PERAN_KS), Skp.ditutup.is_not(None))
    )
    u = union_all(sebagai_ks, plt_sebagai_guru, ditutup).subquery()
    tim = aliased(Pegawai)
    stmt = (
        select(Pegawai, u.c.posisi, Skp, Sekolah.nama, tim.nama.label("tim"), *tambahan,
               (status_daftar() if st is None else st).label("st"))
        .join(u, Pegawai.id == u.c.pid)
        .join(Sekolah, Sekolah.id == u.c.sid)
        .outerjoin(Skp, or_(Skp.id == u.c.skp_id, and_(
            u.c.skp_id.is_(None), Skp.pegawai_id == u.c.pid, Skp.tahun_id == tahun.id,
            Skp.posisi == u.c.posisi, Skp.ditutup.is_(None))))
        .outerjoin(PlotTimKerja, and_(PlotTimKerja.kepala_sekolah_id == Pegawai.id,
                                      PlotTimKerja.tahun_id == tahun.id))
        .outerjoin(tim, tim.id == PlotTimKerja.tim_kerja_id)
        .where(Pegawai.syarat_ikut(aturan.muat_aturan(tahun.aturan)))
    )
    if not peran.kepala_dinas:
        stmt = stmt.where(PlotTimKerja.tim_kerja_id == peran.pegawai_id)
    return stmt


# ---------------------------------------------------------------- where a cycle stands

TAB_PRAKTIK = (("semua", "Semua"), ("persiapan", "Diskusi persiapan"),
               ("observasi", "Rating observasi"), ("tindak_lanjut", "Nilai tindak lanjut"),
               ("refleksi", "Nilai refleksi tindak lanjut"), ("selesai", "Sudah selesai"))
LABEL_STATUS = dict(TAB_PRAKTIK)
# The step "Cek" opens: where the cycle waits (SPEC §2.3), the reflection once finished.
LANGKAH_STATUS = {"persiapan": 1, "observasi": 2, "tindak_lanjut": 3, "refleksi": 5,
                  "selesai": 5}


@cache
def status_praktik_beranda():
    """`status_praktik` with a sent Diskusi persiapan apart ("persiapan_diajukan"): it waits
    for the atasan to agree on the date, the other "persiapan" rows wait for the pegawai."""
    return case((Praktik.status_persiapan == StatusLangkah.DIAJUKAN, "persiapan_diajukan"),
                else_=status_praktik())


@cache
def status_praktik():
    """Where the cycle stands, as the atasan's list names it (SPEC §2.3)."""
    return case(
        (or_(Praktik.id.is_(None), Praktik.status_persiapan != StatusLangkah.DISEPAKATI),
         "persiapan"),
        (Praktik.status_observasi != StatusLangkah.SELESAI, "observasi"),
        # "Nilai tindak lanjut" / "Nilai refleksi tindak lanjut": until the atasan accepted
        # the document and scored it (a document accepted before scores existed waits for
        # its score here).
        (or_(Praktik.status_tindak_lanjut != StatusLangkah.DITERIMA,
             Praktik.nilai_tindak_lanjut.is_(None)), "tindak_lanjut"),
        (or_(Praktik.status_refleksi != StatusLangkah.DITERIMA,
             Praktik.nilai_refleksi.is_(None)),
         "refleksi"),
        else_="selesai",
    )


@dataclass
class BarisPenilaian:
    pegawai: object
    posisi: str
    skp: Skp
    sekolah: str
    tim_kerja: str | None
    jadwal: object
    status: str
    dinilai_perilaku: bool
    lengkap: bool
    dikirim: bool
    # What waits, in the platform's words: for the atasan (the one reading the list), and
    # for the pegawai.
    menunggu_atasan: tuple = ()
    menunggu_pegawai: tuple = ()


def daftar_penilaian(peran, tahun, dinas, st=None, hari=None):
    """The Penilaian list's statement: agreed plans in scope with the cycle's status (or
    the expression `st`) as column `st`."""
    sp = status_praktik()
    buat = baris_dinas if dinas else baris_sekolah
    stmt = buat(peran, tahun, st=sp if st is None else st, hari=hari, tambahan=(
        Praktik.jadwal_observasi, Penilaian.rating_perilaku, Penilaian.lengkap,
        Penilaian.pengiriman_id))
    return (stmt.where(Skp.status == StatusSkp.DISEPAKATI)
            .outerjoin(Praktik, Praktik.skp_id == Skp.id)
            .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)), sp


# ---------------------------------------------------------------- statements built once

class _PeranTerikat:
    """An atasan's roles as bound parameters, for a list statement built once per shape of
    request and run with the values of `ikatan_atasan`."""

    pegawai_id = bindparam("pegawai_id")
    dinas_id = bindparam("dinas_id")
    atasan_sekolah = bindparam("sekolah_saya", expanding=True)

    def __init__(self, kepala_dinas):
        self.kepala_dinas = kepala_dinas


class _TahunTerikat:
    """A year as a bound parameter, with its rule set (which shapes the statement)."""

    id = bindparam("tahun_id")

    def __init__(self, kode_aturan):
        self.aturan = kode_aturan


def ikatan_atasan(peran, tahun, q=""):
    """The values of a statement built with `_PeranTerikat` and `_TahunTerikat` for this
    atasan, year, today and search text."""
    return {"pegawai_id": peran.pegawai_id, "dinas_id": peran.dinas_id,
            "sekolah_saya": sorted(peran.atasan_sekolah), "tahun_id": tahun.id,
            "hari": hari_ini(), "q": cari_teks(q) if q else ""}


def urutan_atasan(dinas):
    """The order of an atasan's list: by school then name for the Dinas', by name else."""
    return (Sekolah.nama, Pegawai.nama, Pegawai.id) if dinas else (Pegawai.nama, Pegawai.id)


@cache
def penilaian_siap(dinas, kepala_dinas, kode_aturan, tab, cari):
    """The Penilaian list's two statements, (counts per status and ready to send, one
    page), built once per shape of request: the Dinas' list or a school's, the whole Dinas
    or a Tim Kerja member's plot, the year's rule set, the tab, whether a name is searched.
    Run with `ikatan_atasan` (and `batas`, `mulai`: the page). Building them on every
    request took a fifth of the page's CPU; a statement built once also keeps its cache key."""
    stmt, sp = daftar_penilaian(_PeranTerikat(kepala_dinas), _TahunTerikat(kode_aturan),
                                dinas, hari=bindparam("hari"))
    if cari:
        stmt = stmt.where(nama_cocok(bindparam("q")))
    hitung = statement_hitung(stmt, siap_kirim=True)
    if tab != "semua":
        stmt = stmt.where(sp == tab)
    halaman = (kolom_menunggu()(stmt).order_by(*urutan_atasan(dinas))
               .limit(bindparam("batas")).offset(bindparam("mulai")))
    return hitung, halaman


# ---------------------------------------------------------------- what is waiting, per row

_SIAP_ISI = (StatusLangkah.BELUM, StatusLangkah.DIKEMBALIKAN)


@cache
def kolom_menunggu():
    """Columns (and the grouped join they need) for `menunggu`, added to the Penilaian
    list's own page query: the cycle, the competency reflection, the assessment's ratings
    and the confirmations counted per kind — no query per row."""
    def jumlah(jenis):
        return func.sum(case((Konfirmasi.jenis == jenis, 1), else_=0)).label(jenis)

    k = (select(Konfirmasi.skp_id, jumlah(JenisKonfirmasi.TUGAS_PEGAWAI),
                jumlah(JenisKonfirmasi.TUGAS_ATASAN),
                jumlah(JenisKonfirmasi.DOKUMEN), jumlah(JenisKonfirmasi.KELENGKAPAN),
                func.max(case((Konfirmasi.jenis == VALIDASI_DOKUMEN, Konfirmasi.kode)))
                .label("validasi"))
         .group_by(Konfirmasi.skp_id).subquery())
    kolom = (Praktik, RefleksiKompetensi.penerapan, RefleksiKompetensi.divalidasi,
             Penilaian.rating_hasil, k.c.tugas_pegawai, k.c.tugas_atasan, k.c.dokumen,
             k.c.kelengkapan, k.c.validasi)

    def gabung(stmt):
        return (stmt.add_columns(*kolom)
                .outerjoin(RefleksiKompetensi, RefleksiKompetensi.skp_id == Skp.id)
                .outerjoin(k, k.c.skp_id == Skp.id))
    return gabung


def menunggu(skp, pen, praktik, penerapan, divalidasi, rating_hasil, tugas_pegawai,
             tugas_atasan, dokumen, kelengkapan, validasi):
    """(for the atasan, for the pegawai): what each still has to do on this row, in the
    order the cycle asks for it. Nothing once the assessment went to the Dinas."""
    if pen.dikirim:
        return (), ()
    atasan, pegawai = [], []
    p = praktik
    if p is None or p.status_persiapan in _SIAP_ISI:
        pegawai.append("Diskusi persiapan")
    elif p.status_persiapan == StatusLangkah.DIAJUKAN:
        atasan.append("Diskusi persiapan")
    elif p.status_observasi != StatusLangkah.SELESAI:
        atasan.append("Rating observasi")
    elif p.status_tindak_lanjut in _SIAP_ISI:
        pegawai.append("Dokumen tindak lanjut")
    elif p.status_tindak_lanjut == StatusLangkah.DIAJUKAN or p.nilai_tindak_lanjut is None:
        atasan.append("Nilai tindak lanjut")
    elif p.status_refleksi in _SIAP_ISI:
        pegawai.append("Refleksi tindak lanjut")
    elif p.status_refleksi == StatusLangkah.DIAJUKAN or p.nilai_refleksi is None:
        atasan.append("Nilai refleksi")
    selesai = p is not None and p.status_refleksi == StatusLangkah.DITERIMA
    if not penerapan:
        pegawai.append("Refleksi kompetensi")
    elif not divalidasi:
        atasan.append("Validasi kompetensi")
    perlu = {j: len(kode_konfirmasi(skp, j))
             for j in ("tugas_pegawai", "dokumen", "kelengkapan")}
    if (tugas_pegawai or 0) < perlu["tugas_pegawai"]:
        pegawai.append("Konfirmasi tugas")
    if (tugas_atasan or 0) < (tugas_pegawai or 0):
        atasan.append("Konfirmasi tugas")
    if dokumen_oleh_pegawai(skp):
        if (dokumen or 0) < perlu["dokumen"] or validasi == StatusLangkah.DIKEMBALIKAN:
            pegawai.append("Konfirmasi dokumen")
        elif validasi != StatusLangkah.DITERIMA:
            atasan.append("Validasi dokumen")
        elif selesai and (kelengkapan or 0) < perlu["kelengkapan"]:
            atasan.append("Kelengkapan dokumen")
    elif selesai and ((dokumen or 0) < perlu["dokumen"]
                      or (kelengkapan or 0) < perlu["kelengkapan"]):
        atasan.append("Konfirmasi dokumen")
    if selesai and not rating_hasil and skp.posisi == PosisiSkp.GURU:
        atasan.append("Rating hasil kerja")
    if selesai and not pen.dinilai_perilaku:
        atasan.append("Rating perilaku")
    return tuple(atasan), tuple(pegawai)
