"""What each printed document says (SPEC §5), gathered for many SKPs in a few queries,
and the verification code over the printed values."""

import base64
import hashlib
import hmac
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kinerja_web import aturan
from kinerja_web.alur.penilaian import hasil_dari_pko
from kinerja_web.atasan import PERAN_KS, kepala_dinas
from kinerja_web.extensions import db
from kinerja_web.models import Dinas, Pegawai, Sekolah
from kinerja_web.models.org import StatusKepegawaian
from kinerja_web.models.penilaian import Penetapan, Penilaian, PkoDinas, PkoSekolah
from kinerja_web.models.skp import PosisiSkp, Skp, StatusSkp
from kinerja_web.penilaian.angka import ALASAN_PLT, angka_kredit, bulan_skp
from kinerja_web.riwayat import data as riwayat
from kinerja_web.sinkro import capaian
from kinerja_web.waktu import format_tanggal

JENIS = {
    "skp": "Sasaran Kinerja Pegawai",
    "evaluasi": "Evaluasi Kinerja Pegawai",
    "dokumen_evaluasi": "Dokumen Evaluasi Kinerja Pegawai",
    "angka_kredit": "Konversi Predikat Kinerja ke Angka Kredit",
    # The same document with the cumulative table of every year up to the SKP's.
    "ak_kumulatif": "Konversi Angka Kredit dengan Akumulasi",
}
ANGKA_KREDIT = ("angka_kredit", "ak_kumulatif")


@dataclass
class Orang:
    """An identity block; None prints as a blank line to fill by hand."""

    nama: str | None = None
    nip: str | None = None
    pangkat: str | None = None
    jabatan: str | None = None
    unit_kerja: str | None = None


def orang(pegawai, atr, unit=None, hanya_pns=False):
    """`hanya_pns`: NIP and pangkat print blank for non-PNS (the Dokumen Evaluasi format,
    SPEC §5c); elsewhere a PPPK prints his NIP and "Golongan IX (PPPK)"."""
    if pegawai is None:
        return Orang()
    pns = pegawai.status_kepegawaian == StatusKepegawaian.PNS
    gol = atr.daftar_golongan.get(pegawai.golongan or "")
    pangkat = gol.label if gol is not None and pns else None
    if gol is not None and pegawai.status_kepegawaian == StatusKepegawaian.PPPK and not hanya_pns:
        pangkat = f"Golongan {gol.kode} (PPPK)"
    nip = pegawai.nip if pns or not hanya_pns else None
    return Orang(pegawai.nama, nip, pangkat, pegawai.jabatan,
                 unit or (pegawai.sekolah.nama if pegawai.sekolah else pegawai.dinas.nama))


@dataclass
class Bersama:
    """Rows shared by the documents of one print (loaded once for many SKPs)."""

    dinas: Dinas
    kadis: Pegawai | None
    penilaian: dict = field(default_factory=dict)   # skp_id -> Penilaian (ditetapkan)
    pko: dict = field(default_factory=dict)         # sekolah_id -> PKO code
    distribusi: dict = field(default_factory=dict)  # sekolah_id -> Counter of predikat
    pko_dinas: str | None = None                    # frames the principals' distribution
    distribusi_ks: Counter = field(default_factory=Counter)  # the Dinas' principals
    pegawai: list = field(default_factory=list)     # the SKPs' Pegawai rows
    tahunan: dict | None = None                     # pegawai_id -> years, loaded when needed

    def riwayat_dari(self, pegawai_id):
        """The years of a person (riwayat.data), for every person of the print at once."""
        if self.tahunan is None:
            self.tahunan = riwayat.muat(self.pegawai)
        return self.tahunan.get(pegawai_id, [])


def muat(skp_ids):
    """SKPs (in the given order) and what their documents need, in eight queries at most."""
    skps = db.session.scalars(
        select(Skp).options(
            joinedload(Skp.pegawai).joinedload(Pegawai.sekolah),
            joinedload(Skp.pegawai).joinedload(Pegawai.dinas),
            joinedload(Skp.atasan), joinedload(Skp.tahun),
            joinedload(Skp.sekolah).joinedload(Sekolah.dinas))
        .where(Skp.id.in_(skp_ids))).unique().all()
    urut = {sid: i for i, sid in enumerate(skp_ids)}
    skps.sort(key=lambda s: urut[s.id])
    if not skps:
        return [], None
    dinas = skps[0].pegawai.dinas
    penilaian = {p.skp_id: p for p in db.session.scalars(
        select(Penilaian).options(joinedload(Penilaian.penetapan))
        .join(Penetapan, Penilaian.penetapan_id == Penetapan.id)
        .where(Penilaian.skp_id.in_(skp_ids), Penetapan.dibuka.is_(None)))}
    sekolah_ids = {s.sekolah_id for s in skps if s.sekolah_id}
    tahun_id = skps[0].tahun_id
    pko = dict(db.session.execute(select(PkoSekolah.sekolah_id, PkoSekolah.pko).where(
        PkoSekolah.sekolah_id.in_(sekolah_ids), PkoSekolah.tahun_id == tahun_id)).all())
    distribusi = {}
    for sid, predikat in db.session.execute(
            select(Skp.sekolah_id, Penilaian.predikat)
            .join(Penilaian, Penilaian.skp_id == Skp.id)
            .join(Penetapan, Penilaian.penetapan_id == Penetapan.id)
            .where(Skp.sekolah_id.in_(sekolah_ids), Skp.tahun_id == tahun_id,
                   Skp.posisi == PosisiSkp.GURU, Penetapan.dibuka.is_(None))):
        distribusi.setdefault(sid, Counter())[predikat] += 1
    bersama = Bersama(dinas, kepala_dinas(dinas.id), penilaian, pko, distribusi,
                      pegawai=list({s.pegawai_id: s.pegawai for s in skps}.values()))
    if any(hasil_dari_pko(s) for s in skps):
        # A principal's curve is that of the Dinas' principals, framed by the Dinas' PKO
        # (the Kepala Dinas sets their predikat under it), not his teachers'.
        bersama.pko_dinas = db.session.scalar(select(PkoDinas.pko).where(
            PkoDinas.dinas_id == dinas.id, PkoDinas.tahun_id == tahun_id))
        bersama.distribusi_ks = Counter(dict(db.session.execute(
            select(Penilaian.predikat, func.count())
            .join(Skp, Penilaian.skp_id == Skp.id)
            .join(Pegawai, Skp.pegawai_id == Pegawai.id)
            .join(Penetapan, Penilaian.penetapan_id == Penetapan.id)
            .where(Pegawai.dinas_id == dinas.id, Skp.tahun_id == tahun_id,
                   Skp.posisi.in_(PERAN_KS), Penetapan.dibuka.is_(None))
            .group_by(Penilaian.predikat)).all()))
    return skps, bersama


def alasan_tolak(jenis, skp, bersama):
    """Why this document cannot be printed for this SKP now, or None."""
    if jenis == "skp":
        if skp.status not in (StatusSkp.DISETUJUI, StatusSkp.DISEPAKATI):
            return "SKP dapat dicetak setelah Perencanaan Kinerja disetujui atasan."
        return None
    pen = bersama.penilaian.get(skp.id)
    if pen is None:
        return "Dokumen ini dicetak setelah Predikat Kinerja ditetapkan dan dikirim."
    if jenis in ANGKA_KREDIT:
        atr = aturan.muat_aturan(skp.tahun.aturan)
        ak = angka_kredit(skp.pegawai, pen.predikat, atr, skp.posisi, bulan_skp(skp, atr),
                          tahun=skp.tahun.tahun)
        if ak.alasan:
            return ak.alasan
        if ak.nilai is None:
            return "Angka kredit hanya untuk jabatan fungsional dengan jenjang (mis. Guru Ahli " \
                   "Pertama)."
    return None


def tanpa_angka_kredit(skp_ids):
    """The SKPs among these whose post never becomes angka kredit (a Plt.'s acting post),
    with the reason: a batch skips them and says why."""
    ids = set(db.session.scalars(select(Skp.id).where(
        Skp.id.in_(list(skp_ids)), Skp.posisi == PosisiSkp.PLT_KEPALA_SEKOLAH))) \
        if skp_ids else set()
    return ids, ALASAN_PLT


def _atasan_ppk(skp, bersama, atr):
    """The PPK's own superior (SPEC §5c): the Kepala Dinas for a teacher; for a principal
    the official set in the Dinas' settings."""
    if skp.posisi == PosisiSkp.GURU and \
            skp.atasan_id != (bersama.kadis.id if bersama.kadis else None):
        return orang(bersama.kadis, atr, hanya_pns=True)
    d = bersama.dinas
    return Orang(d.atasan_kadis_nama, d.atasan_kadis_nip, d.atasan_kadis_pangkat,
                 d.atasan_kadis_jabatan, None)


def isi(jenis, skp, bersama):
    """(template context, the printed values that the verification code covers)."""
    atr = aturan.muat_aturan(skp.tahun.aturan)
    pegawai = orang(skp.pegawai, atr, skp.sekolah.nama if skp.sekolah else None)
    ppk = orang(skp.atasan, atr)
    pen = bersama.penilaian.get(skp.id)
    konteks = {"jenis": jenis, "judul": JENIS[jenis], "skp": skp, "dinas": bersama.dinas,
               "atr": atr, "pegawai": pegawai, "ppk": ppk, "pen": pen, "tahun": skp.tahun.tahun,
               "kota": bersama.dinas.kota_ttd, "fmt": aturan.format_angka,
               # The batch PDF's bookmark names the person by NIP and name even where the
               # format prints the NIP blank (non-PNS on the Dokumen Evaluasi).
               "penanda": f"{pegawai.nip or ''} {pegawai.nama or ''}"}
    nilai = {"nama": pegawai.nama, "nip": pegawai.nip, "tahun": skp.tahun.tahun}
    if jenis == "skp":
        konteks.update(
            utama=[r for r in skp.rhk or [] if r["jenis"] == "utama"],
            tambahan=[r for r in skp.rhk or [] if r["jenis"] == "tambahan"],
            aspek=[(a, (skp.ekspektasi or {}).get(a.kode) or atr.ekspektasi_khusus_bawaan,
                    a.kode in skp.aspek_berlaku) for a in atr.perilaku],
            tanggal=format_tanggal(skp.disepakati or skp.disetujui),
            lampiran=list(atr.lampiran_skp))
        nilai.update(rhk=[r["rhk"] for r in skp.rhk or []], status=skp.status,
                     ppk=ppk.nama)
        return konteks, nilai
    # The school's PKO: a teacher's organisation result, and the value that becomes a
    # principal's (definitive or Plt.) Rating Hasil Kerja (SPEC §4.3, alur.penilaian).
    pko = bersama.pko.get(skp.sekolah_id)
    if jenis == "dokumen_evaluasi":
        # SPEC §5c: NIP and pangkat are left blank for non-PNS.
        pegawai = orang(skp.pegawai, atr, skp.sekolah.nama if skp.sekolah else None,
                        hanya_pns=True)
        ppk = orang(skp.atasan, atr, hanya_pns=True)
        konteks.update(pegawai=pegawai, ppk=ppk)
    konteks.update(
        atasan_ppk=_atasan_ppk(skp, bersama, atr),
        pko=aturan.PKO(pko).label if pko else None,
        predikat=aturan.Predikat(pen.predikat),
        rating_hasil=aturan.Rating(pen.rating_hasil), tanggal=format_tanggal(
            pen.penetapan.waktu if pen.penetapan else None),
        rating_perilaku=aturan.Rating(pen.rating_perilaku))
    nilai.update(predikat=pen.predikat, hasil=pen.rating_hasil, perilaku=pen.rating_perilaku,
                 pko=pko, ppk=ppk.nama)
    if jenis == "evaluasi":
        if hasil_dari_pko(skp):
            jumlah = bersama.distribusi_ks
            pko_kurva = bersama.pko_dinas
            kelompok = f"Kepala sekolah {bersama.dinas.nama}"
        else:
            jumlah = bersama.distribusi.get(skp.sekolah_id, Counter())
            pko_kurva = pko
            kelompok = f"Guru {skp.sekolah.nama}" if skp.sekolah else "Guru"
        # REALISASI from the cycle's own rows, worded as the e-Kinerja export words it
        # (sinkro.capaian), so the printed evaluation and what BKN receives agree.
        posisi = "guru" if skp.posisi == PosisiSkp.GURU else "kepala_sekolah"
        pel = capaian.muat([(skp.id, skp.sekolah_id if posisi != PosisiSkp.GURU else None)],
                           skp.tahun.tahun).get(skp.id) or capaian.Pelaksanaan()
        rhk = [dict(r, umpan_balik=umpan_balik_rhk(r, pen),
                    realisasi=capaian.realisasi(atr, posisi, r, pel, pen.rating_hasil))
               for r in skp.rhk or []]
        konteks.update(utama=[r for r in rhk if r["jenis"] == "utama"],
                       tambahan=[r for r in rhk if r["jenis"] == "tambahan"],
                       aspek=[(a, (skp.ekspektasi or {}).get(a.kode)
                               or atr.ekspektasi_khusus_bawaan) for a in atr.perilaku],
                       kurva=kurva_svg(jumlah), jumlah=jumlah,
                       kurva_kelompok=kelompok,
                       kurva_pko=aturan.PKO(pko_kurva).label if pko_kurva else None)
    elif jenis in ANGKA_KREDIT:
        ak = angka_kredit(skp.pegawai, pen.predikat, atr, None, bulan_skp(skp, atr),
                          tahun=skp.tahun.tahun)
        konteks.update(ak=ak, pegawai_db=skp.pegawai)
        nilai.update(angka_kredit=str(ak.nilai), bulan=ak.bulan)
        if jenis == "ak_kumulatif":
            konteks["akumulasi"] = akumulasi = akumulasi_sampai(
                bersama.riwayat_dari(skp.pegawai_id), skp.tahun.tahun)
            # The code covers every printed row of the table and its total.
            nilai.update(akumulasi=[[b.tahun, b.predikat.value, b.bulan, str(b.nilai)]
                                    for b in akumulasi.baris],
                         jumlah=str(akumulasi.jumlah))
    return konteks, nilai


@dataclass
class BarisAkumulasi:
    tahun: int
    predikat: aturan.Predikat
    bulan: int
    persen: object
    koefisien: object
    nilai: object  # as set: 2 decimals


@dataclass
class Akumulasi:
    baris: list
    jumlah: object


def akumulasi_sampai(daftar_tahun, tahun):
    """The cumulative table up to and including `tahun`: one row per SKP that gave angka
    kredit, and the total (riwayat.data: each year's value as set, added)."""
    baris = []
    for t in daftar_tahun:
        if t.tahun > tahun:
            break
        for b in t.konversi:
            baris.append(BarisAkumulasi(
                t.tahun, b.predikat, b.ak.bulan, b.ak.persen, b.ak.koefisien,
                b.ak.nilai.quantize(riwayat.SEN, ROUND_HALF_UP)))
    return Akumulasi(baris, sum((b.nilai for b in baris), Decimal(0)))


def kode_verifikasi(jenis, skp_id, tahun, nilai):
    """A short code: an HMAC of document type, SKP, year and printed values."""
    pesan = json.dumps({"jenis": jenis, "skp": skp_id, "tahun": tahun, "nilai": nilai},
                       sort_keys=True, ensure_ascii=False, default=str).encode()
    mac = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), pesan, hashlib.sha256)
    teks = base64.b32encode(mac.digest()).decode()[:10]
    return f"{teks[:5]}-{teks[5:]}"


def umpan_balik_rhk(r, pen):
    """The feedback printed on one RHK row. The atasan's written feedback on the praktik
    kinerja (given with the Rating Hasil Kerja) belongs to the praktik RHK only; an RHK
    without feedback of its own prints "-" rather than the same text again."""
    if r.get("kategori") == "praktik" and pen is not None and pen.umpan_balik_hasil:
        return pen.umpan_balik_hasil
    return None


def kurva_svg(jumlah):
    """A predikat distribution as e-Kinerja's "Kurva Distribusi": bars with a curve, the
    number of pegawai per predikat, axes titled "Jumlah Pegawai" and "Predikat Kinerja"."""
    urut = list(aturan.Predikat.urut())
    n = [jumlah.get(p.value, 0) for p in urut]
    maks = max(n) or 1
    lebar, tinggi, kiri, bawah = 380, 132, 22, 42
    langkah = (lebar - 2 * kiri) / len(urut)
    batang, titik, label = [], [], []
    for i, (p, nilai) in enumerate(zip(urut, n, strict=True)):
        x = kiri + i * langkah
        h = (tinggi - bawah - 10) * nilai / maks
        y = tinggi - bawah - h
        batang.append(f'<rect x="{x + 8:.1f}" y="{y:.1f}" width="{langkah - 16:.1f}" '
                      f'height="{h:.1f}" fill="#c9d7e6"/>')
        titik.append(f"{x + langkah / 2:.1f},{y:.1f}")
        label.append(f'<text x="{x + langkah / 2:.1f}" y="{tinggi - bawah + 12}" '
                     f'font-size="8" text-anchor="middle">{p.label}</text>'
                     f'<text x="{x + langkah / 2:.1f}" y="{y - 3:.1f}" font-size="8" '
                     f'text-anchor="middle">{nilai}</text>')
    sumbu = (f'<line x1="{kiri}" y1="{tinggi - bawah}" x2="{lebar - 4}" y2="{tinggi - bawah}" '
             'stroke="#444" stroke-width="0.6"/>'
             f'<line x1="{kiri}" y1="4" x2="{kiri}" y2="{tinggi - bawah}" stroke="#444" '
             'stroke-width="0.6"/>'
             f'<text x="8" y="{(tinggi - bawah) / 2:.1f}" font-size="7" text-anchor="middle" '
             f'transform="rotate(-90 8 {(tinggi - bawah) / 2:.1f})">Jumlah Pegawai</text>'
             f'<text x="{lebar / 2:.1f}" y="{tinggi - 6}" font-size="7" '
             'text-anchor="middle">Predikat Kinerja</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{lebar}" height="{tinggi}" '
            f'viewBox="0 0 {lebar} {tinggi}" role="img" '
            'aria-label="Kurva Distribusi Predikat Kinerja Pegawai">'
            + "".join(batang) + f'<polyline points="{" ".join(titik)}" fill="none" '
            'stroke="#0b5394" stroke-width="1.5"/>' + "".join(label) + sumbu + "</svg>")
