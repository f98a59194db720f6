"""Reminders: what each person must do next and by when ("Perlu tindakan"), the daily
e-mail digest, and the "Kirim lewat WhatsApp" list of who is late.

Everything comes from the data: the Dinas' running years (`tahun_dinas`; a year in
persiapan or closed reminds nobody), each year's calendar (`[[kalender]]` of its rule set)
with the extensions the Dinas granted per person (`PerpanjanganTenggat`), and, from 2026,
the pra-perencanaan checks (a school whose checks fail cannot plan: its teachers are not
told to submit, its principal and the Operator Dinas are told what to fix). A stage the year
does not enforce shows its calendar date as "dianjurkan".

The daily job reads a Dinas once (years, extensions, roles, pra-perencanaan) and then its
schools in chunks: each chunk costs a fixed number of statements whatever its size, so the
queries per school fall with the chunk (the Beranda asks the same functions for one person).
"""

import base64
import hashlib
import hmac
import logging
import secrets
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from email.header import Header
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import quote

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import escape
from sqlalchemy import and_, bindparam, exists, func, select

from kinerja_web import aturan
from kinerja_web.alur import pengingat as alur_pengingat
from kinerja_web.alur import prarencana as alur_pra
from kinerja_web.aturan import prarencana as pra
from kinerja_web.aturan.identitas import KontakTidakValid, nomor_seluler
from kinerja_web.extensions import db, transaksi_tulis
from kinerja_web.models import (
    Akun,
    KirimanPengingat,
    Pegawai,
    Penilaian,
    Penugasan,
    PerpanjanganTenggat,
    PlotTimKerja,
    Sekolah,
    Skp,
    StatusPengingat,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.skp import StatusSkp
from kinerja_web.waktu import format_tanggal, hari_ini

log = logging.getLogger(__name__)

PERAN_KS = ("kepala_sekolah", "plt_kepala_sekolah")
BELUM_AJU = (None, StatusSkp.DRAF, StatusSkp.DIKEMBALIKAN)
# Schools read together by the daily job: one chunk costs the same few statements as one
# school (bench/pengingat.py; tests/test_pengingat.py counts them).
UKURAN_KELOMPOK = 100
# Failing schools named in the Operator's item (the rest are counted).
SEKOLAH_DISEBUT = 10


@dataclass
class Item:
    """One thing to do: what, how many, by when, where."""

    judul: str
    keterangan: str
    endpoint: str
    args: dict = field(default_factory=dict)
    jumlah: int | None = None
    batas: date | None = None
    # True: the deadline is enforced (the SKP locks after it); False: only recommended.
    ditegakkan: bool = False

    @property
    def lewat(self):
        return self.batas is not None and hari_ini() > self.batas

    @property
    def kalimat_batas(self):
        t = self.teks_batas
        return t[:1].upper() + t[1:]

    @property
    def teks_batas(self):
        if self.batas is None:
            return ""
        tgl = format_tanggal(self.batas)
        if self.ditegakkan:
            return f"batas {tgl} (sudah lewat)" if self.lewat else f"paling lambat {tgl}"
        return f"dianjurkan sampai {tgl}"

    def url(self, **kw):
        return url_for(self.endpoint, **self.args, **kw)


# ---------------------------------------------------------------------------------------
# The running years and their calendars


@dataclass(frozen=True)
class Tahun:
    """A running year as plain values: the daily job commits each chunk's claims, and an
    ORM row would be reloaded (one query) after every commit."""

    id: int
    tahun: int
    aturan: str


def tahun_berjalan_per_dinas(dinas_ids):
    """{dinas_id: [running Tahun, newest first]} (one query; `alur.tahun.tahun_berjalan`
    is the newest one of one Dinas)."""
    out = defaultdict(list)
    for dinas_id, *nilai in db.session.execute(
            select(TahunDinas.dinas_id, TahunKinerja.id, TahunKinerja.tahun,
                   TahunKinerja.aturan)
            .join(TahunKinerja, TahunKinerja.id == TahunDinas.tahun_id)
            .where(TahunDinas.dinas_id.in_(list(dinas_ids)),
                   TahunDinas.status == StatusTahun.BERJALAN)
            .order_by(TahunDinas.dinas_id, TahunKinerja.tahun.desc())):
        out[dinas_id].append(Tahun(*nilai))
    return out


class Kalender:
    """One running year of a Dinas: its calendar with the Dinas' extensions read at once
    (`alur.tenggat.tenggat_pegawai` is the same rule for one person, one query each) and
    the schools pra-perencanaan keeps from planning (`alur.prarencana.hasil_pra`, from the
    year its rule set has that component; `sekolah_id` narrows it to one school)."""

    def __init__(self, tahun, dinas_id, pegawai_id=None, *, sekolah_id=None, pra_=True,
                 beberapa=False, perpanjangan=None):
        self.tahun = tahun
        self.dinas_id = dinas_id
        self.atr = aturan.muat_aturan(tahun.aturan)
        self.hari = hari_ini()
        # With two running years side by side, every item says which year it is about.
        self.akhiran = f" ({tahun.tahun})" if beberapa else ""
        if perpanjangan is not None:
            # The person's extensions of the year, known already ({Tahap: last day}).
            self.perpanjangan = {(pegawai_id, aturan.Tahap(t)): s
                                 for t, s in perpanjangan.items()}
        else:
            q = select(PerpanjanganTenggat.pegawai_id, PerpanjanganTenggat.tahap,
                       PerpanjanganTenggat.sampai).where(
                PerpanjanganTenggat.tahun_id == tahun.id)
            if pegawai_id is not None:
                q = q.where(PerpanjanganTenggat.pegawai_id == pegawai_id)
            else:
                q = q.join(Pegawai, Pegawai.id == PerpanjanganTenggat.pegawai_id).where(
                    Pegawai.dinas_id == dinas_id)
            self.perpanjangan = {(pid, aturan.Tahap(t)): s
                                 for pid, t, s in db.session.execute(q)}
        self._pra = pra_ and alur_pra.berlaku(tahun)
        self._sekolah_id = sekolah_id
        self._tertutup: dict | None = None

    @property
    def tertutup(self):
        """{sekolah_id: [Kesalahan]} of the schools that cannot plan yet: read when first
        asked (most people's items never ask), from the checks' kept answer."""
        if self._tertutup is None:
            self._tertutup = {}
            if self._pra:
                hasil, terbuka = alur_pra.hasil_pra_kini(self.dinas_id, self.tahun,
                                                         self._sekolah_id)
                gagal = defaultdict(list)
                for k in hasil.kesalahan:
                    gagal[k.sekolah_id].append(k)
                self._tertutup = {sid: ks for sid, ks in gagal.items() if sid not in terbuka}
        return self._tertutup

    def tahap(self, tahap):
        return self.atr.kalender.get(aturan.Tahap(tahap))

    def batas(self, tahap, pegawai_id=None):
        """(the person's last day or the recommended date, enforced?) or (None, False)."""
        t = self.tahap(tahap)
        if t is None:
            return None, False
        if not t.ditegakkan:
            return t.selesai, False
        p = self.perpanjangan.get((pegawai_id, aturan.Tahap(tahap)))
        return (max(t.selesai, p) if p else t.selesai), True

    def sudah_mulai(self, tahap):
        """The stage has begun (a stage the calendar lacks never reminds by itself)."""
        t = self.tahap(tahap)
        return t is not None and (t.mulai or t.selesai) <= self.hari

    def item(self, judul, keterangan, endpoint, args=None, jumlah=None, tahap=None,
             pegawai_id=None):
        batas, tegak = self.batas(tahap, pegawai_id) if tahap else (None, False)
        if tegak and batas is not None and self.hari > batas:
            keterangan += " Batasnya sudah lewat: minta perpanjangan ke Operator Dinas."
        return Item(judul + self.akhiran, keterangan, endpoint,
                    {**(args or {}), "tahun": self.tahun.tahun}, jumlah, batas, tegak)


# ---------------------------------------------------------------------------------------
# Who must do what


def _peran_dinas(dinas_id, hari, pegawai_id=None):
    """{pegawai_id: set of role codes and ("atasan", sekolah_id)} (one query). A school's
    teachers are led by its definitive principal, by the Plt. where there is none."""
    q = select(Penugasan.pegawai_id, Penugasan.peran, Penugasan.sekolah_id).where(
        Penugasan.dinas_id == dinas_id, Penugasan.aktif_pada(hari))
    if pegawai_id is not None:
        q = q.where(Penugasan.pegawai_id == pegawai_id)
    peran, pimpinan = defaultdict(set), defaultdict(dict)
    for pid, kode, sid in db.session.execute(q):
        peran[pid].add(kode)
        if kode in PERAN_KS:
            pimpinan[sid].setdefault(kode, []).append(pid)
    for sid, per in pimpinan.items():
        for pid in per.get("kepala_sekolah") or per.get("plt_kepala_sekolah", ()):
            peran[pid].add(("atasan", sid))
    return peran


def _kolom_skp():
    return (Skp.id, Skp.pegawai_id, Skp.posisi, Skp.sekolah_id, Skp.status, Penilaian.lengkap,
            Penilaian.pengiriman_id, Penilaian.penetapan_id)


# Built once (a Beranda asks it on every visit; building cost more than running it).
_SKP_SEKOLAH = (
    select(*_kolom_skp()).outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
    .where(Skp.tahun_id == bindparam("tahun_id"),
           Skp.sekolah_id.in_(bindparam("sekolah_ids", expanding=True)),
           Skp.ditutup.is_(None)))


def _skp_sekolah(tahun, sekolah_ids):
    """Each open SKP of the year at these schools with its assessment's state (one query)."""
    return db.session.execute(_SKP_SEKOLAH, {"tahun_id": tahun.id,
                                             "sekolah_ids": list(sekolah_ids)}).all()


def _item_pribadi(kal, pid, sekolah_id, rencana):
    """A pegawai's own steps for his SKP(s) of the year: submit, agree, carry out."""
    out = []
    for posisi, s in rencana:
        judul_pos = "" if posisi == "guru" else " sebagai kepala sekolah"
        status = s.status if s is not None else None
        if status in BELUM_AJU:
            if sekolah_id in kal.tertutup:
                continue  # planning is not open: the principal and the Operator are told
            teks = {None: "Anda belum membuat SKP.", StatusSkp.DRAF: "SKP Anda masih draf.",
                    StatusSkp.DIKEMBALIKAN: "SKP Anda dikembalikan atasan; perbaiki lalu "
                    "ajukan lagi."}[status]
            out.append(kal.item(f"Ajukan Perencanaan Kinerja (SKP){judul_pos}", teks,
                                "perencanaan.lihat" if s else "perencanaan.index",
                                {"skp_id": s.id} if s else {}, tahap="pengajuan_skp",
                                pegawai_id=pid))
        elif status == StatusSkp.DISETUJUI:
            out.append(kal.item(f"Sepakati Perencanaan Kinerja{judul_pos}",
                                "Atasan sudah menyetujui SKP Anda; cek lalu sepakati.",
                                "perencanaan.sepakati", {"skp_id": s.id},
                                tahap="persetujuan_skp", pegawai_id=pid))
        elif status == StatusSkp.DISEPAKATI and not s.lengkap:
            for tahap, judul in (("observasi", "Diskusi persiapan dan observasi praktik "
                                  "kinerja"), ("refleksi", "Refleksi tindak lanjut dan "
                                  "kompetensi")):
                if kal.sudah_mulai(tahap):
                    out.append(kal.item(judul + judul_pos, "Lengkapi langkah Pelaksanaan "
                                        "Kinerja bersama atasan Anda.", "pelaksanaan.index",
                                        tahap=tahap, pegawai_id=pid))
    return out


def _item_atasan(kal, skp_dipimpin, siapa="guru"):
    """An atasan's steps over the plans of the people he leads."""
    n = defaultdict(int)
    for s in skp_dipimpin:
        if s.status == StatusSkp.DIAJUKAN:
            n["aju"] += 1
        if s.status == StatusSkp.DISEPAKATI and not s.lengkap:
            n["nilai"] += 1
        if s.lengkap and s.pengiriman_id is None:
            n["kirim"] += 1
        if s.lengkap and s.pengiriman_id is not None and s.penetapan_id is None:
            n["tetap"] += 1
    out = []
    if n["aju"]:
        out.append(kal.item(f"Setujui Perencanaan Kinerja {siapa}",
                            f"{n['aju']} Perencanaan Kinerja menunggu persetujuan Anda.",
                            "persetujuan.daftar", {"tab": StatusSkp.DIAJUKAN.value}, n["aju"],
                            tahap="persetujuan_skp"))
    if n["nilai"] and kal.sudah_mulai("penilaian"):
        out.append(kal.item(f"Beri rating kinerja {siapa}",
                            f"{n['nilai']} {siapa} belum selesai dinilai.", "penilaian.daftar",
                            jumlah=n["nilai"], tahap="penilaian"))
    if n["kirim"] and siapa == "guru":
        out.append(kal.item("Kirim data Penilaian Kinerja ke Dinas",
                            f"{n['kirim']} penilaian sudah lengkap dan belum dikirim.",
                            "penilaian.kirim", jumlah=n["kirim"], tahap="penilaian"))
    if n["tetap"]:
        out.append(kal.item("Lakukan Penetapan Predikat Kinerja",
                            f"{n['tetap']} penilaian {siapa} siap ditetapkan.",
                            "penilaian.penetapan", jumlah=n["tetap"], tahap="penetapan"))
    return out


def _item_pra_sekolah(kal, sekolah_id):
    """A principal whose school cannot plan yet: what is missing and who fixes it."""
    kesalahan = kal.tertutup.get(sekolah_id)
    if not kesalahan:
        return []
    return [kal.item("Pra-perencanaan sekolah belum lulus",
                     f"Guru belum dapat menyusun SKP: {pra.ringkas(kesalahan)}.",
                     "dinas_pra.sekolah", {"sekolah_id": sekolah_id}, tahap="pra_perencanaan")]


def _item_operator(kal):
    """The Operator Dinas: the schools failing pra-perencanaan, named."""
    if not kal.tertutup:
        return []
    nama = sorted(ks[0].sekolah_nama for ks in kal.tertutup.values())
    disebut = ", ".join(nama[:SEKOLAH_DISEBUT])
    if len(nama) > SEKOLAH_DISEBUT:
        disebut += f", dan {len(nama) - SEKOLAH_DISEBUT} sekolah lain"
    return [kal.item("Perbaiki data pra-perencanaan",
                     f"{len(nama)} sekolah belum lulus pemeriksaan pra-perencanaan sehingga "
                     f"gurunya belum dapat menyusun SKP: {disebut}.", "dinas_pra.index",
                     jumlah=len(nama), tahap="pra_perencanaan")]


def perlu_tindakan_sekolah(kal, sekolah_ids, peran, pegawai):
    """{pegawai_id: [Item]} of one year for the people of these schools (`pegawai`: rows
    with id, sekolah_id, keikutsertaan): one query for the SKPs."""
    sekolah_ids = set(sekolah_ids) | {k[1] for p in pegawai for k in peran.get(p.id, ())
                                      if isinstance(k, tuple)}
    skp = _skp_sekolah(kal.tahun, sorted(sekolah_ids)) if sekolah_ids else []
    milik = defaultdict(list)
    guru_sekolah = defaultdict(list)
    for s in skp:
        milik[s.pegawai_id].append(s)
        if s.posisi == "guru":
            guru_sekolah[s.sekolah_id].append(s)
    out = {}
    for p in pegawai:
        kode = peran.get(p.id, set())
        rencana = [(s.posisi, s) for s in milik.get(p.id, ())]
        posisi_ada = {po for po, _ in rencana}
        if p.sekolah_id is not None and "guru" not in posisi_ada and kal.atr.ikut(
                p.keikutsertaan) and "kepala_sekolah" not in kode:
            rencana.append(("guru", None))
        for kd in PERAN_KS:
            if kd in kode and kd not in posisi_ada:
                rencana.append((kd, None))
        item = _item_pribadi(kal, p.id, p.sekolah_id, rencana)
        for k in kode:
            if isinstance(k, tuple):
                item += _item_pra_sekolah(kal, k[1])
                item += _item_atasan(kal, guru_sekolah.get(k[1], ()))
        if item:
            out[p.id] = item
    return out


def _skp_ks_dinas(kal):
    """The principals' own SKPs of the year in the Dinas, with the Tim Kerja member each
    principal is plotted to (one query)."""
    return db.session.execute(
        select(*_kolom_skp(), PlotTimKerja.tim_kerja_id)
        .join(Sekolah, Sekolah.id == Skp.sekolah_id)
        .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
        .outerjoin(PlotTimKerja, (PlotTimKerja.kepala_sekolah_id == Skp.pegawai_id)
                   & (PlotTimKerja.tahun_id == kal.tahun.id))
        .where(Skp.tahun_id == kal.tahun.id, Sekolah.dinas_id == kal.dinas_id,
               Skp.posisi.in_(PERAN_KS), Skp.ditutup.is_(None))).all()


def perlu_tindakan_dinas(kal, peran, pegawai_id=None):
    """{pegawai_id: [Item]} of one year for the Dinas staff: the Kepala Dinas (every
    principal's plan), a Tim Kerja member (the principals plotted to him), the Operator
    Dinas (pra-perencanaan)."""
    staf = {pid: k for pid, k in peran.items()
            if k & {"kepala_dinas", "tim_kerja", "operator_dinas"}
            and (pegawai_id is None or pid == pegawai_id)}
    if not staf:
        return {}
    skp_ks = None
    out = {}
    for pid, kode in staf.items():
        item = []
        if kode & {"kepala_dinas", "tim_kerja"}:
            if skp_ks is None:
                skp_ks = _skp_ks_dinas(kal)
            dipimpin = skp_ks if "kepala_dinas" in kode else [
                s for s in skp_ks if s.tim_kerja_id == pid]
            item += _item_atasan(kal, dipimpin, "kepala sekolah")
        if "operator_dinas" in kode:
            item += _item_operator(kal)
        if item:
            out[pid] = item
    return out


def _kode_peran(peran_saya):
    """The role codes `_peran_dinas` gives one person, from his loaded roles (peran.Peran):
    his assignments' codes and ("atasan", school) for each school he leads."""
    kode: set = {k for k, ada in (("kepala_sekolah", peran_saya.ks_sekolah),
                                  ("plt_kepala_sekolah", peran_saya.plt_sekolah),
                                  ("tim_kerja", peran_saya.tim_kerja),
                                  ("kepala_dinas", peran_saya.kepala_dinas),
                                  ("operator_dinas", peran_saya.operator_dinas)) if ada}
    return kode | {("atasan", sid) for sid in peran_saya.atasan_sekolah}


def perlu_tindakan(pegawai, peran_saya=None, tahun_saya=None, perpanjangan=None):
    """The Beranda's "Perlu tindakan" for one signed-in person over his Dinas' running
    years: [Item] (a constant number of queries whatever the role). What the page has
    read already is not asked again: `peran_saya` (his roles today, peran.Peran),
    `tahun_saya` ([(TahunKinerja, TahunDinas)] of his Dinas, newest first) and
    `perpanjangan(tahun_id)` ({Tahap: last day} of his extensions, or None if unknown)."""
    if tahun_saya is not None:
        daftar = [Tahun(t.id, t.tahun, t.aturan) for t, td in tahun_saya
                  if td.status == StatusTahun.BERJALAN]
    else:
        daftar = tahun_berjalan_per_dinas([pegawai.dinas_id]).get(pegawai.dinas_id, [])
    if not daftar:
        return []
    if peran_saya is not None:
        peran = {pegawai.id: _kode_peran(peran_saya)}
    else:
        peran = _peran_dinas(pegawai.dinas_id, hari_ini(), pegawai.id)
    kode = peran.get(pegawai.id, set())
    sekolah_ids = {pegawai.sekolah_id} if pegawai.sekolah_id else set()
    sekolah_ids |= {k[1] for k in kode if isinstance(k, tuple)}
    # The Operator reads the whole Dinas' checks; anyone else only his school's.
    satu = None if "operator_dinas" in kode or len(sekolah_ids) != 1 else next(
        iter(sekolah_ids))
    item = []
    for tahun in daftar:
        kal = Kalender(tahun, pegawai.dinas_id, pegawai.id, sekolah_id=satu,
                       pra_=bool(sekolah_ids) or "operator_dinas" in kode,
                       beberapa=len(daftar) > 1,
                       perpanjangan=perpanjangan(tahun.id) if perpanjangan else None)
        item += perlu_tindakan_sekolah(kal, sorted(sekolah_ids), peran, [pegawai]).get(
            pegawai.id, [])
        item += perlu_tindakan_dinas(kal, peran, pegawai.id).get(pegawai.id, [])
    return item


# ---------------------------------------------------------------------------------------
# WhatsApp


def nomor_wa(telepon):
    """(628… digits, None) for a valid Indonesian mobile number, else (None, why)."""
    if not (telepon or "").strip():
        return None, "nomor telepon belum diisi di data pegawai"
    try:
        return nomor_seluler(telepon), None
    except KontakTidakValid as e:
        return None, str(e)


def tautan_wa(telepon, pesan):
    nomor, alasan = nomor_wa(telepon)
    if nomor is None:
        return None, alasan
    return f"https://wa.me/{nomor}?text={quote(pesan, safe='')}", None


@dataclass
class Terlambat:
    nama: str
    sekolah: str | None
    apa: str
    batas: date | None
    tautan: str | None
    alasan: str | None


def daftar_terlambat(peran_saya, pegawai_saya):
    """Who is late with an enforced deadline, for a principal (his teachers) or an Operator
    (the principals of schools with late teachers): (the years looked at, [Terlambat] with
    a wa.me link each). A school pra-perencanaan keeps from planning has nobody late."""
    dinas_id = pegawai_saya.dinas_id
    daftar = tahun_berjalan_per_dinas([dinas_id]).get(dinas_id, [])
    out = []
    operator = peran_saya.operator_dinas
    sekolah_ids = None if operator else sorted(peran_saya.atasan_sekolah)
    for tahun in daftar:
        kal = Kalender(tahun, dinas_id, sekolah_id=sekolah_ids[0] if sekolah_ids and len(
            sekolah_ids) == 1 else None)
        out += _terlambat_tahun(kal, dinas_id, sekolah_ids)
    return daftar, out


def _terlambat_tahun(kal, dinas_id, sekolah_ids):
    tahun = kal.tahun
    tahap = kal.tahap("pengajuan_skp")
    if tahap is None or not tahap.ditegakkan or kal.hari <= tahap.selesai:
        return []
    q = (select(Pegawai.id, Pegawai.nama, Pegawai.telepon, Pegawai.sekolah_id,
                Sekolah.nama.label("sekolah"), Skp.status)
         .join(Sekolah, Sekolah.id == Pegawai.sekolah_id)
         .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id, Skp.tahun_id == tahun.id,
                              Skp.posisi == "guru", Skp.ditutup.is_(None)))
         .where(Pegawai.dinas_id == dinas_id, Pegawai.syarat_ikut(kal.atr))
         .order_by(Sekolah.nama, Pegawai.nama))
    if sekolah_ids is not None:
        q = q.where(Pegawai.sekolah_id.in_(sekolah_ids or [-1]))
    peran = _peran_dinas(dinas_id, kal.hari)
    pimpinan = {pid for pid, k in peran.items() if k & set(PERAN_KS)}
    rows = db.session.execute(q).all()
    out = []
    telat_sekolah = defaultdict(int)
    nama_sekolah = {}
    for r in rows:
        if r.id in pimpinan or r.sekolah_id in kal.tertutup:
            continue
        batas, _ = kal.batas("pengajuan_skp", r.id)
        if kal.hari <= batas or r.status not in BELUM_AJU:
            continue
        telat_sekolah[r.sekolah_id] += 1
        nama_sekolah[r.sekolah_id] = r.sekolah
        if sekolah_ids is not None:
            pesan = (f"Yth. {r.nama}, Perencanaan Kinerja (SKP) {tahun.tahun} Anda belum "
                     f"diajukan; batasnya {format_tanggal(batas)}. Mohon segera ajukan di "
                     f"aplikasi Pengelolaan Kinerja. Terima kasih.")
            link, alasan = tautan_wa(r.telepon, pesan)
            out.append(Terlambat(r.nama, r.sekolah, f"SKP {tahun.tahun} belum diajukan",
                                 batas, link, alasan))
    if sekolah_ids is not None or not telat_sekolah:
        return out
    atasan = {k[1]: pid for pid, ks in peran.items() for k in ks if isinstance(k, tuple)}
    kontak = {p.id: p for p in db.session.execute(
        select(Pegawai.id, Pegawai.nama, Pegawai.telepon).where(
            Pegawai.id.in_([atasan[s] for s in telat_sekolah if s in atasan] or [-1])))}
    batas = tahap.selesai
    for sid in sorted(telat_sekolah, key=lambda s: nama_sekolah[s]):
        snama, n = nama_sekolah[sid], telat_sekolah[sid]
        apa = f"{n} guru belum mengajukan SKP {tahun.tahun}"
        p = kontak.get(atasan.get(sid))
        if p is None:
            out.append(Terlambat("(kepala sekolah belum ditugaskan)", snama, apa, batas, None,
                                 "sekolah ini belum punya kepala sekolah di data"))
            continue
        pesan = (f"Yth. {p.nama}, di {snama} ada {n} guru yang belum mengajukan Perencanaan "
                 f"Kinerja (SKP) {tahun.tahun} (batas {format_tanggal(batas)}). Mohon "
                 "dibantu. Terima kasih.")
        link, alasan = tautan_wa(p.telepon, pesan)
        out.append(Terlambat(p.nama, snama, apa, batas, link, alasan))
    return out


# ---------------------------------------------------------------------------------------
# The e-mail digest


def _serial():
    """The unsubscribe token's signer: its key is derived from SECRET_KEY and the purpose
    once here (itsdangerous would derive it again for every token: a fifth of the job's
    time at 20,000 digests)."""
    kunci = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"pengingat-berhenti",
                     hashlib.sha256).digest()
    return URLSafeSerializer(kunci, salt=None, signer_kwargs={"key_derivation": "none"})


def token_berhenti(pegawai_id):
    return _serial().dumps(pegawai_id)


def baca_token(token):
    """The pegawai id a one-click unsubscribe token names, or None if it is not ours."""
    try:
        nilai = _serial().loads(token)
    except BadSignature:
        return None
    return nilai if isinstance(nilai, int) else None


def _kepala(nilai):
    """A header value: as it is when ASCII, else RFC 2047 encoded."""
    return nilai if nilai.isascii() else Header(nilai, "utf-8").encode()


# Stand-ins rendered into a digest's body once per distinct list of items, replaced per
# person by his name and his unsubscribe link (both escaped for the HTML part).
_NAMA, _BERHENTI = "\x01nama\x01", "\x01berhenti\x01"


class Penyusun:
    """Builds one run's digests cheaply: the templates are rendered once per distinct list
    of items (the teachers of a school mostly share theirs) with stand-ins for the person,
    each link is built once, the unsubscribe token signed with one serializer."""

    def __init__(self, app, dari):
        self.dari = dari
        env = app.jinja_env
        self.templat = (env.get_template("pengingat/surel.txt"),
                        env.get_template("pengingat/surel.html"))
        self.serial = _serial()
        awal = url_for("beranda.berhenti", token="TOKEN", _external=True)
        self.awal_berhenti = awal[:-len("TOKEN")]
        self.url = {}
        self.badan = {}

    def _url(self, i):
        kunci = (i.endpoint, tuple(sorted(i.args.items())))
        if kunci not in self.url:
            self.url[kunci] = url_for(i.endpoint, _external=True, **i.args)
        return self.url[kunci]

    def _badan(self, item):
        baris = [(i, self._url(i)) for i in item]
        kunci = tuple((i.judul, i.keterangan, i.teks_batas, u) for i, u in baris)
        if kunci not in self.badan:
            orang = {"nama": _NAMA}
            self.badan[kunci] = tuple(t.render(p=orang, baris=baris, berhenti=_BERHENTI)
                                      for t in self.templat)
        return self.badan[kunci]

    def surel(self, pegawai, item):
        """The digest for one person as the bytes put on the wire: multipart/alternative
        (plain text and HTML, base64 UTF-8), with List-Unsubscribe and
        List-Unsubscribe-Post. Written directly rather than through `email.message`, whose
        header folding costs milliseconds per message (a minute at 20,000 a day)."""
        berhenti = self.awal_berhenti + self.serial.dumps(pegawai.id)
        teks, html = self._badan(item)
        teks = teks.replace(_NAMA, pegawai.nama).replace(_BERHENTI, berhenti)
        html = html.replace(_NAMA, str(escape(pegawai.nama))).replace(
            _BERHENTI, str(escape(berhenti)))
        batas = "=_kinerja_" + secrets.token_hex(12)
        nama = pegawai.nama.replace('"', "'")
        kepala = [
            f"From: {self.dari}",
            f"To: {_kepala(nama) if not nama.isascii() else chr(34) + nama + chr(34)} "
            f"<{pegawai.email}>",
            f"Subject: Perlu tindakan: {len(item)} hal di Pengelolaan Kinerja",
            f"Date: {formatdate(localtime=False)}",
            f"Message-ID: {make_msgid(domain='kinerja')}",
            "MIME-Version: 1.0",
            f"List-Unsubscribe: <{berhenti}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Auto-Submitted: auto-generated",
            f'Content-Type: multipart/alternative; boundary="{batas}"',
        ]
        bagian = []
        for jenis, isi in (("plain", teks), ("html", html)):
            bagian += [f"--{batas}", f"Content-Type: text/{jenis}; charset=utf-8",
                       "Content-Transfer-Encoding: base64", "",
                       base64.encodebytes(isi.encode()).decode().rstrip("\n")]
        return "\r\n".join([*kepala, "", *bagian, f"--{batas}--", ""]).replace(
            "\n", "\r\n").replace("\r\r\n", "\r\n").encode("ascii")


class Pengirim:
    """One SMTP connection for a run (opened on first use, STARTTLS or SSL as configured)."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.smtp = None

    def buka(self):
        c = self.cfg
        host, port = c.get("SMTP_HOST"), int(c.get("SMTP_PORT") or 25)
        tls = str(c.get("SMTP_TLS") or "").lower()
        if tls == "ssl":
            self.smtp = smtplib.SMTP_SSL(host, port, timeout=30,
                                         context=ssl.create_default_context())
        else:
            self.smtp = smtplib.SMTP(host, port, timeout=30)
            if tls in ("starttls", "1", "true", "ya"):
                self.smtp.starttls(context=ssl.create_default_context())
        if c.get("SMTP_USER"):
            self.smtp.login(c["SMTP_USER"], c.get("SMTP_SANDI") or "")

    def kirim(self, dari, ke, data):
        if self.smtp is None:
            self.buka()
        self.smtp.sendmail(parseaddr(dari)[1] or dari, [ke], data)

    def tutup(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _penerima(dinas_id, tanggal, sekolah_ids=None, staf_ids=None):
    """People who may get a digest today (an e-mail, subscribed, an active account, not
    sent or being sent today already), as plain rows (they outlive the commits of the
    claims); one query. The claim, not this filter, is what keeps two runs apart."""
    q = (select(Pegawai.id, Pegawai.nama, Pegawai.email, Pegawai.sekolah_id,
                Pegawai.keikutsertaan, Pegawai.dinas_id)
         .join(Akun, Akun.pegawai_id == Pegawai.id)
         .where(Pegawai.dinas_id == dinas_id, Akun.aktif.is_(True),
                Pegawai.email.is_not(None), Pegawai.email != "",
                Pegawai.pengingat_email.is_(True),
                ~exists().where(KirimanPengingat.pegawai_id == Pegawai.id,
                                KirimanPengingat.tanggal == tanggal,
                                KirimanPengingat.status != StatusPengingat.GAGAL)))
    if sekolah_ids is not None:
        q = q.where(Pegawai.sekolah_id.in_(sekolah_ids))
    if staf_ids is not None:
        q = q.where(Pegawai.id.in_(staf_ids or [-1]), Pegawai.sekolah_id.is_(None))
    return db.session.execute(q.order_by(Pegawai.id)).all()


def _sudah_hari_ini(dinas_id, tanggal):
    """How many of the Dinas' people were sent (or are being sent) today's digest."""
    return db.session.scalar(
        select(func.count()).select_from(KirimanPengingat)
        .join(Pegawai, Pegawai.id == KirimanPengingat.pegawai_id)
        .where(Pegawai.dinas_id == dinas_id, KirimanPengingat.tanggal == tanggal,
               KirimanPengingat.status != StatusPengingat.GAGAL))


@dataclass
class Hasil:
    dari: str
    terkirim: int = 0
    gagal: int = 0
    dilewati: int = 0
    sekolah: int = 0


def _kirim_kelompok(item_per, orang, pengirim, penyusun, tanggal, hasil):
    """Claim, send and record one group's digests (a fixed number of statements)."""
    penerima = {p.id: p.email for p in orang if item_per.get(p.id)}
    # The reads end here; the claim takes the write lock at BEGIN (SQLite: IMMEDIATE, so two
    # runs at once wait for each other instead of failing on a stale snapshot).
    db.session.rollback()
    with transaksi_tulis():
        boleh = alur_pengingat.klaim(penerima, tanggal)
    terkirim, gagal = {}, {}
    for p in orang:
        if p.id not in boleh:
            continue
        try:
            pengirim.kirim(hasil.dari, p.email, penyusun.surel(p, item_per[p.id]))
            terkirim[p.id] = len(item_per[p.id])
        except (OSError, smtplib.SMTPException) as e:
            log.warning("pengingat ke pegawai %s gagal: %s", p.id, e)
            gagal[p.id] = f"{type(e).__name__}: {e}"[:300]
            pengirim.tutup()
    with transaksi_tulis():
        alur_pengingat.catat_hasil(tanggal, terkirim, gagal)
    hasil.terkirim += len(terkirim)
    hasil.gagal += len(gagal)
    hasil.dilewati += len(penerima) - len(boleh)


def kirim_pengingat(dinas_ids=None, tanggal=None, pengirim=None):
    """The daily job: one digest per person with something to do, at most one a day.
    Returns a Hasil with the counts. Links in the e-mail use KINERJA_URL_PUBLIK."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config.get("URL_PUBLIK") or "http://localhost"):
        return _kirim_pengingat(app, dinas_ids, tanggal, pengirim)


def _gabung(*kamus):
    out = defaultdict(list)
    for k in kamus:
        for pid, item in k.items():
            out[pid].extend(item)
    return out


def _kirim_pengingat(app, dinas_ids, tanggal, pengirim):
    tanggal = tanggal or hari_ini()
    hasil = Hasil(app.config.get("SMTP_PENGIRIM") or "kinerja@localhost")
    pengirim = pengirim or Pengirim(app.config)
    penyusun = Penyusun(app, hasil.dari)
    if dinas_ids is None:
        dinas_ids = db.session.scalars(
            select(TahunDinas.dinas_id).where(TahunDinas.status == StatusTahun.BERJALAN)
            .distinct().order_by(TahunDinas.dinas_id)).all()
    berjalan = tahun_berjalan_per_dinas(dinas_ids)
    try:
        for dinas_id in dinas_ids:
            daftar = berjalan.get(dinas_id)
            if not daftar:
                continue  # no running year (in persiapan or closed): nothing is sent
            hari = hari_ini()
            hasil.dilewati += _sudah_hari_ini(dinas_id, tanggal)
            kalender = [Kalender(t, dinas_id, beberapa=len(daftar) > 1) for t in daftar]
            peran = _peran_dinas(dinas_id, hari)
            staf = _gabung(*(perlu_tindakan_dinas(k, peran) for k in kalender))
            if staf:
                _kirim_kelompok(staf, _penerima(dinas_id, tanggal, staf_ids=list(staf)), pengirim,
                                penyusun, tanggal, hasil)
            sekolah = db.session.scalars(select(Sekolah.id).where(
                Sekolah.dinas_id == dinas_id).order_by(Sekolah.id)).all()
            hasil.sekolah += len(sekolah)
            for i in range(0, len(sekolah), UKURAN_KELOMPOK):
                bagian = sekolah[i:i + UKURAN_KELOMPOK]
                orang = _penerima(dinas_id, tanggal, sekolah_ids=bagian)
                if not orang:
                    continue
                # Staff placed at a school get one digest with both parts.
                item = _gabung(*(perlu_tindakan_sekolah(k, bagian, peran, orang)
                                 for k in kalender), {p.id: staf[p.id] for p in orang
                                                      if p.id in staf})
                _kirim_kelompok(item, orang, pengirim, penyusun, tanggal, hasil)
            db.session.rollback()
    finally:
        pengirim.tutup()
    return hasil
