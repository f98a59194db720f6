"""Cek Kesiapan Sinkro: every known e-Kinerja sync failure (SPEC §6) as a small pure function.

Each check reads plain data (the dataclasses below, filled by `sinkro.data`) and returns its
findings: the platform's own message, verbatim, with the cause and who must fix it. Nothing
here imports Flask or SQLAlchemy, so each failure is tested by building the bad data.
"""

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from kinerja_web import aturan
from kinerja_web.aturan.prarencana import StatusUnor, status_unor
from kinerja_web.models.sinkro import JenisEkspor, TipePeriodik
from kinerja_web.models.skp import PosisiSkp, StatusSkp

# The platform's messages (seed 001, SPEC §6), kept verbatim.
PESAN_UNOR_TIDAK_TERDAFTAR = "Data Unit Kerja Pegawai tidak terdaftar di Referensi Unit Kerja"
PESAN_UNOR_BELUM_PADAN = "Unor di PMM Belum Padan"
PESAN_NAMA_UNOR = "Nama Sekolah atau Nama Unor tidak sama dengan data PMM"
PESAN_ATASAN = "Atasan Pegawai tidak sama dengan data PMM, data PMM {nama}"
PESAN_SKP_ORGANISASI = "Data SKP Organisasi belum dibuat oleh atasan"
PESAN_SKP_TIDAK_ADA = "Data SKP pegawai tidak ditemukan"
PESAN_SKP_BELUM = "Pegawai belum membuat SKP di PMM"
PESAN_RHK_ATASAN = "Tidak ditemukan RHK atasan berikut '{indikator}' di RHK '{rhk}'"
PESAN_DUA_TIPE = "Terdapat 2 tipe periodik di periode"
PESAN_ANGKA_DUPLIKAT = "Terdapat angka periodik yang duplikat di periode"
PESAN_TANPA_PERIODE = "Tidak terdapat periode yang memiliki data tipe periodik/angka periodik"
# Failures the platform shows without a fixed wording (SPEC §6 prerequisites).
PESAN_NIP_TIDAK_VALID = "NIP pegawai tidak valid"
PESAN_NIP_TIDAK_DIKENAL = "NIP pegawai tidak ditemukan di SIASN"
PESAN_PENILAIAN = "Penilaian akhir pegawai belum selesai"
PESAN_TANPA_PERIODE_AKHIR = "Periode penilaian akhir (Tahunan) belum dibuat"
PESAN_PENILAIAN_PERIODIK = "Penilaian periodik pegawai belum dilakukan"

PERIODIK = (TipePeriodik.BULANAN, TipePeriodik.TRIWULANAN)
LABEL_POSISI = {"guru": "guru", "kepala_sekolah": "kepala sekolah",
                "plt_kepala_sekolah": "Plt. kepala sekolah"}


class Pemerbaiki(Enum):
    """Who must fix a finding (the grouping of the pre-check and the disparity report)."""

    OPERATOR_SEKOLAH = "operator_sekolah"
    BKD = "bkd"
    DINAS = "dinas"
    ATASAN = "atasan"
    PEGAWAI = "pegawai"

    @property
    def label(self):
        return LABEL_PEMERBAIKI[self]


LABEL_PEMERBAIKI = {
    Pemerbaiki.OPERATOR_SEKOLAH: "Operator sekolah (Dapodik)",
    Pemerbaiki.BKD: "BKD (SIASN / e-Kinerja)",
    Pemerbaiki.DINAS: "Dinas (data di aplikasi ini)",
    Pemerbaiki.ATASAN: "Atasan (Pejabat Penilai Kinerja)",
    Pemerbaiki.PEGAWAI: "Pegawai",
}


@dataclass(frozen=True)
class Temuan:
    """One failure: message as the platform words it, cause, follow-up and its owner."""

    kode: str
    pesan: str
    penyebab: str
    tindak_lanjut: str
    pemerbaiki: Pemerbaiki
    # The sync log column it goes to: "keterangan" for SKP data, "catatan" for matching.
    tempat: str = "catatan"


# ---------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Unor:
    """A row of the Referensi Unit Kerja."""

    unor_id: str
    nama: str
    induk_id: str | None = None
    aktif: bool = True


@dataclass(frozen=True)
class Asn:
    """The pegawai as SIASN knows them; `atasan_nama` resolved from the ASN list."""

    nip: str
    nama: str
    unor_id: str
    jabatan: str | None = None
    golongan: str | None = None
    atasan_nip: str | None = None
    atasan_nama: str | None = None


@dataclass(frozen=True)
class Periode:
    """A period of the instance's e-Kinerja settings."""

    nama: str
    tahun: int | None
    mulai: date
    selesai: date
    batas: date
    tipe_periodik: str | None
    angka_periodik: int | None


@dataclass(frozen=True)
class RhkAtasan:
    rhk: str
    indikator: str | None


@dataclass(frozen=True)
class Atasan:
    """The PPK this app resolves today; `nama` None when there is none (`alasan` says why)."""

    nama: str | None
    nip: str | None = None
    # The Kepala Dinas is the PPK: his own SKP lives in e-Kinerja, not in this app.
    oleh_dinas: bool = False
    skp_disepakati: bool = False
    rhk: tuple[RhkAtasan, ...] = ()
    unor_id: str | None = None
    unor_nama: str | None = None
    alasan: str = ""


@dataclass(frozen=True)
class DataSkp:
    status: str
    label_status: str
    rhk: tuple[dict, ...] = ()
    id: int | None = None
    diobservasi: bool = False  # the praktik kinerja has been observed

    @property
    def disepakati(self):
        return self.status == StatusSkp.DISEPAKATI


@dataclass(frozen=True)
class DataPenilaian:
    lengkap: bool
    predikat: str | None  # set only once the predikat is set and sent (penetapan)
    rating_hasil: str | None = None
    rating_perilaku: str | None = None
    umpan_balik_hasil: str | None = None
    umpan_balik_perilaku: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Subjek:
    """One pegawai in one position (a Plt. KS is two subjects), as this app knows them."""

    pegawai_id: int
    nip: str | None
    nama: str
    posisi: str
    sekolah_id: int | None
    sekolah_nama: str | None
    unor_id: str | None  # the school's UNOR in the roster
    atasan: Atasan
    skp: DataSkp | None = None
    penilaian: DataPenilaian | None = None
    asn: Asn | None = None
    jabatan: str | None = None
    golongan: str | None = None
    tanggal_lahir: date | None = None
    # The SKP part's period when a Mutasi split the year (None: the whole year).
    mulai: date | None = None
    selesai: date | None = None

    @property
    def tipe_skp(self):
        """As the sync log writes it: "guru" or "kepala sekolah"."""
        return "guru" if self.posisi == PosisiSkp.GURU else "kepala sekolah"


@dataclass(frozen=True)
class Referensi:
    """What every check of one run shares: reference lists and period settings."""

    unor: Mapping[str, Unor]
    tahun: int
    ada_unor: bool = True  # a Referensi Unit Kerja has been uploaded
    ada_asn: bool = True   # an ASN list has been uploaded
    periode: tuple[Periode, ...] = ()


# ---------------------------------------------------------------- names


_BUKAN_HURUF = re.compile(r"[\W_]")
_KEPANJANGAN = tuple((re.compile(rf"\b{panjang}\b"), singkat) for panjang, singkat in (
    ("SEKOLAH DASAR", "SD"), ("SEKOLAH MENENGAH PERTAMA", "SMP"),
    ("SEKOLAH MENENGAH ATAS", "SMA"), ("SEKOLAH MENENGAH KEJURUAN", "SMK"),
    ("TAMAN KANAK KANAK", "TK"), ("SEKOLAH LUAR BIASA", "SLB")))
_NEGERI = re.compile(r"\b(SD|SMP|SMA|SMK|TK|SLB) ?N(?:EGERI|EG)?(?= |\d|$)")
_KECAMATAN = re.compile(r" (?:KEC|KECAMATAN)(?: .*)?$")
_NOL_DEPAN = re.compile(r"\b0+(\d)")


@functools.lru_cache(maxsize=8192)  # a Dinas has a few thousand distinct names at most
def normalkan_nama_sekolah(nama):
    """A school or UNOR name reduced to what identifies it: case, punctuation, "SD N"/
    "SDN"/"SD NEGERI" (and SMP, SMA, SMK, TK, SLB), leading zeros and a trailing kecamatan
    suffix ("KEC. SADANG") do not count."""
    s = unicodedata.normalize("NFKC", nama or "").upper()
    s = " ".join(_BUKAN_HURUF.sub(" ", s).split())
    for pola, singkat in _KEPANJANGAN:
        s = pola.sub(singkat, s)
    s = _NEGERI.sub(r"\1 NEGERI ", s)
    s = _KECAMATAN.sub("", " " + " ".join(s.split()))
    s = _NOL_DEPAN.sub(r"\1", s)
    return " ".join(s.split())


def nama_sekolah_sama(a, b):
    return normalkan_nama_sekolah(a) == normalkan_nama_sekolah(b)


_GELAR_DEPAN = re.compile(r"^(?:(?:DRS|DRA|DR|IR|H|HJ|PROF|KH)\b\.?\s*)+")


def normalkan_nama_orang(nama):
    """A person's name without academic titles, case and punctuation ("Drs. Budi, M.Pd."
    and "BUDI" are the same person's name)."""
    s = unicodedata.normalize("NFKC", nama or "").upper().split(",")[0].strip()
    s = _GELAR_DEPAN.sub("", s)
    return " ".join(re.sub(r"[\W_]", " ", s).split())


def kode_golongan(golongan):
    """'Penata Muda, III/a' → 'III/A'; 'IX' (PPPK) → 'IX'; empty → None."""
    s = (golongan or "").upper()
    m = re.search(r"\b(IV|I{1,3})\s*/\s*([A-E])\b", s)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    m = re.search(r"\b([IVX]+)\b", s)
    return m.group(1) if m else (s.strip() or None)


def _nama_unor(ref, unor_id):
    u = ref.unor.get(unor_id or "")
    return u.nama if u is not None else "tidak ada di Referensi Unit Kerja"


# ---------------------------------------------------------------- checks per pegawai


def cek_nip(s: Subjek, ref: Referensi) -> list[Temuan]:
    """NIP malformed, or not on SIASN's ASN list (PNS ID not matched)."""
    try:
        aturan.validasi_nip(s.nip or "")
    except aturan.NIPTidakValid as e:
        return [Temuan("nip_tidak_valid", PESAN_NIP_TIDAK_VALID,
                       f"NIP '{s.nip or '-'}' di data aplikasi ini: {e}",
                       "Operator sekolah memperbaiki NIP di Dapodik; Dinas lalu mengimpor ulang "
                       "data pegawai.", Pemerbaiki.OPERATOR_SEKOLAH)]
    if not ref.ada_asn:
        return [Temuan("nip_tanpa_daftar", PESAN_NIP_TIDAK_DIKENAL,
                       "Daftar ASN dari SIASN belum diunggah, sehingga NIP belum dapat dicocokkan.",
                       "Operator Dinas mengunggah daftar ASN SIASN (dari BKD) di halaman Data "
                       "Referensi.", Pemerbaiki.DINAS)]
    if s.asn is None:
        return [Temuan("nip_tidak_dikenal", PESAN_NIP_TIDAK_DIKENAL,
                       f"NIP {s.nip} tidak ada di daftar ASN SIASN: data pegawai belum padan "
                       "antara NIP di Dapodik dan PNS ID di BKN.",
                       "Operator sekolah memeriksa NIP di Dapodik (lihat Laporan Disparitas Data); "
                       "bila NIP sudah benar, BKD memadankan data pegawai di SIASN.",
                       Pemerbaiki.OPERATOR_SEKOLAH)]
    return []


def cek_unor_terdaftar(s: Subjek, ref: Referensi) -> list[Temuan]:
    """The school's UNOR is missing, unknown to the Referensi Unit Kerja, or inactive."""
    def temuan(penyebab, tindak, siapa):
        return [Temuan("unor_tidak_terdaftar", PESAN_UNOR_TIDAK_TERDAFTAR, penyebab, tindak,
                       siapa)]

    st = status_unor(s.unor_id, ref.unor if ref.ada_unor else None)
    if st is None:
        return []
    if st == StatusUnor.TANPA_REFERENSI:
        return temuan("Referensi Unit Kerja belum diunggah.", "Operator Dinas mengunggah "
                      "Referensi Unit Kerja dari SIASN/e-Kinerja di halaman Data Referensi.",
                      Pemerbaiki.DINAS)
    if st == StatusUnor.KOSONG:
        return temuan(f"{s.sekolah_nama or 'Sekolah'} belum memiliki ID UNOR di data aplikasi "
                      "ini.", "Dinas mengisi kolom unor_id sekolah (impor data sekolah) sesuai "
                      "Referensi Unit Kerja.", Pemerbaiki.DINAS)
    unor = ref.unor[s.unor_id or ""] if st == StatusUnor.TIDAK_AKTIF else None
    if unor is None:
        return temuan(f"UNOR {s.unor_id} milik {s.sekolah_nama} tidak ada di Referensi Unit "
                      "Kerja.", "Bila ID UNOR sekolah salah, Dinas memperbaikinya lewat impor "
                      "data sekolah; bila UNOR sekolah belum ada di SIASN, BKD memadankan UNOR "
                      "satuan pendidikan dengan NPSN.", Pemerbaiki.DINAS)
    pengganti = ref.unor.get(s.asn.unor_id) if s.asn is not None else None
    if pengganti is not None and pengganti.aktif and pengganti.unor_id != unor.unor_id:
        return temuan(f"UNOR {unor.unor_id} ({unor.nama}) tidak aktif; di SIASN pegawai "
                      f"sudah tercatat di UNOR {pengganti.unor_id} ({pengganti.nama}).",
                      f"Dinas mengganti unor_id {s.sekolah_nama} menjadi "
                      f"{pengganti.unor_id} lewat impor data sekolah.", Pemerbaiki.DINAS)
    return temuan(f"UNOR {unor.unor_id} ({unor.nama}) berstatus tidak aktif di Referensi "
                  "Unit Kerja.", "BKD mengaktifkan atau memadankan UNOR sekolah di SIASN; "
                  "bila sekolah sudah memakai UNOR lain, Dinas mengganti unor_id sekolah.",
                  Pemerbaiki.BKD)


def cek_unor_padan(s: Subjek, ref: Referensi) -> list[Temuan]:
    """SIASN places the pegawai in another UNOR than their school's (e.g. after a transfer)."""
    if s.asn is None or not s.unor_id or s.asn.unor_id == s.unor_id:
        return []
    return [Temuan(
        "unor_belum_padan", PESAN_UNOR_BELUM_PADAN,
        f"Di SIASN pegawai tercatat di UNOR {s.asn.unor_id} ({_nama_unor(ref, s.asn.unor_id)}), "
        f"sedangkan {s.sekolah_nama} di aplikasi ini memakai UNOR {s.unor_id} "
        f"({_nama_unor(ref, s.unor_id)}).",
        "Bila pegawai sudah mutasi, BKD memperbarui UNOR pegawai di SIASN; bila tempat tugas "
        "di Dapodik yang salah, operator sekolah memperbaikinya lalu Dinas mengimpor ulang.",
        Pemerbaiki.BKD)]


def cek_nama_unor(s: Subjek, ref: Referensi) -> list[Temuan]:
    """The school's name and its UNOR's name differ (beyond spelling variants)."""
    unor = ref.unor.get(s.unor_id or "")
    if unor is None or s.sekolah_nama is None or nama_sekolah_sama(s.sekolah_nama, unor.nama):
        return []
    return [Temuan(
        "nama_unor", PESAN_NAMA_UNOR,
        f"Nama sekolah: '{s.sekolah_nama}'; nama UNOR: '{unor.nama}'.",
        "Operator sekolah menyamakan nama sekolah di Dapodik, atau BKD memperbaiki nama UNOR "
        "di SIASN (pemadanan UNOR). Beda tulisan seperti 'SD N'/'SDN'/'SD NEGERI' dan akhiran "
        "kecamatan sudah diabaikan.", Pemerbaiki.OPERATOR_SEKOLAH)]


def cek_atasan(s: Subjek, ref: Referensi) -> list[Temuan]:
    """The PPK here is not the atasan SIASN records (or there is none here)."""
    if s.atasan.nama is None:
        return [Temuan("atasan_tidak_ada", PESAN_ATASAN.format(nama="-"),
                       s.atasan.alasan or "Atasan pegawai belum tercatat di aplikasi ini.",
                       "Dinas mencatat Kepala Sekolah atau Plt. sekolah ini (impor data pegawai, "
                       "kolom peran).", Pemerbaiki.DINAS)]
    if s.asn is None or (s.asn.atasan_nip or None) == (s.atasan.nip or None):
        return []
    siasn = f"{s.asn.atasan_nama or 'tidak dikenal'} (NIP {s.asn.atasan_nip})" \
        if s.asn.atasan_nip else "belum tercatat"
    return [Temuan(
        "atasan_beda", PESAN_ATASAN.format(nama=s.atasan.nama),
        f"Atasan di SIASN: {siasn}; atasan di aplikasi ini: {s.atasan.nama} "
        f"(NIP {s.atasan.nip or '-'}).",
        "BKD memperbarui atasan langsung pegawai di SIASN; bila kepala sekolah di aplikasi ini "
        "yang keliru, Dinas memperbaiki penugasannya lewat impor data pegawai.", Pemerbaiki.BKD)]


def cek_skp(s: Subjek, ref: Referensi) -> list[Temuan]:
    """No SKP for the year, or an SKP that is not agreed yet."""
    posisi = LABEL_POSISI.get(s.posisi, s.posisi)
    if s.skp is None:
        return [Temuan("skp_tidak_ada", PESAN_SKP_TIDAK_ADA,
                       f"Belum ada Perencanaan Kinerja {ref.tahun} sebagai {posisi} di aplikasi "
                       "ini.", "Pegawai menyusun Perencanaan Kinerja lalu mengajukannya ke "
                       "atasan.", Pemerbaiki.PEGAWAI, "keterangan")]
    if s.skp.disepakati:
        return []
    if s.skp.status == StatusSkp.DIAJUKAN:
        tindak, siapa = "Atasan memeriksa lalu menyetujui Perencanaan Kinerja pegawai.", \
            Pemerbaiki.ATASAN
    elif s.skp.status == StatusSkp.DISETUJUI:
        tindak, siapa = "Pegawai membuka \"Cek dan sepakati\" lalu menekan Sepakati.", \
            Pemerbaiki.PEGAWAI
    else:
        tindak, siapa = "Pegawai melengkapi Perencanaan Kinerja lalu mengajukannya ke atasan.", \
            Pemerbaiki.PEGAWAI
    return [Temuan("skp_belum_disepakati", PESAN_SKP_BELUM,
                   f"Status Perencanaan Kinerja sebagai {posisi}: {s.skp.label_status}.",
                   tindak, siapa, "keterangan")]


def cek_skp_organisasi(s: Subjek, ref: Referensi) -> list[Temuan]:
    """The atasan (a school leader) has no agreed SKP of his own to intervene."""
    a = s.atasan
    if a.nama is None or a.oleh_dinas or a.skp_disepakati:
        return []
    return [Temuan("skp_organisasi", PESAN_SKP_ORGANISASI,
                   f"{a.nama} (atasan) belum memiliki Perencanaan Kinerja {ref.tahun} yang "
                   "disepakati sebagai kepala sekolah.",
                   "Atasan menyelesaikan Perencanaan Kinerjanya sampai Disepakati bersama Kepala "
                   "Dinas.", Pemerbaiki.ATASAN, "keterangan")]


def cek_rhk_atasan(s: Subjek, ref: Referensi) -> list[Temuan]:
    """An RHK of the agreed SKP intervenes an RHK the atasan's agreed SKP does not hold (the
    year's mapping names the principal's organisational RHK each teacher RHK intervenes)."""
    a = s.atasan
    if s.skp is None or not s.skp.disepakati or a.nama is None or a.oleh_dinas \
            or not a.skp_disepakati:
        return []
    milik = {(r.rhk, r.indikator) for r in a.rhk}
    rhk_saja = {r.rhk for r in a.rhk}
    out, dilihat = [], set()
    for item in s.skp.rhk:
        # Every RHK e-Kinerja receives intervenes one of the atasan's (Utama and Tambahan).
        if item.get("jenis") not in ("utama", "tambahan") or item.get("kategori") == "organisasi":
            continue
        rhk, indikator = item.get("rhk_atasan"), item.get("indikator_atasan")
        # Plans approved before the snapshot kept the indicator are matched by RHK alone.
        if rhk is not None and ((rhk, indikator) in milik
                                or (indikator is None and rhk in rhk_saja)):
            continue
        if (rhk, indikator) in dilihat:
            continue
        dilihat.add((rhk, indikator))
        if rhk is None:
            penyebab = ("SKP disetujui sebelum SKP atasan disepakati, sehingga tidak "
                        "mengintervensi RHK atasan mana pun.")
        else:
            penyebab = (f"SKP {a.nama} yang disepakati sekarang tidak memuat RHK dan indikator "
                        "itu (mis. atasan berganti atau SKP atasan berubah setelah SKP pegawai "
                        "disetujui).")
        out.append(Temuan("rhk_atasan", PESAN_RHK_ATASAN.format(indikator=indikator or "-",
                                                                rhk=rhk or "-"),
                          penyebab, "Atasan memeriksa RHK di SKP-nya; bila RHK atasan berubah, "
                          "SKP pegawai disusun ulang dan disetujui atasan yang sekarang.",
                          Pemerbaiki.ATASAN))
    return out


def cek_penilaian_akhir(s: Subjek, ref: Referensi) -> list[Temuan]:
    """The final (annual) assessment is not finished: not rated, incomplete or no predikat."""
    if s.skp is None or not s.skp.disepakati:
        return []  # the planning failure says it already
    p = s.penilaian
    if p is None:
        penyebab = "Atasan belum mulai menilai kinerja pegawai."
    elif not p.lengkap:
        penyebab = ("Penilaian belum lengkap: rating hasil kerja, rating perilaku kerja atau "
                    "kelengkapan dokumen belum diisi.")
    elif p.predikat is None:
        penyebab = "Predikat kinerja belum ditetapkan dan dikirim kepada pegawai."
    else:
        return []
    tindak = ("Kepala Dinas (atau Tim Kerja) menyelesaikan penilaian dan menetapkan predikat."
              if s.atasan.oleh_dinas else "Atasan menyelesaikan penilaian; kepala sekolah "
              "menetapkan predikat setelah Dinas menetapkan PKO sekolah.")
    return [Temuan("penilaian_akhir", PESAN_PENILAIAN, penyebab, tindak, Pemerbaiki.ATASAN,
                   "keterangan")]


def cek_penilaian_periodik(s: Subjek, ref: Referensi) -> list[Temuan]:
    """No value to send per period yet: the periodic values are derived from the annual
    ratings (rule in the year's data file), so both ratings must be given."""
    if s.skp is None or not s.skp.disepakati:
        return []  # the planning failure says it already
    p = s.penilaian
    if s.skp.diobservasi and p is not None and p.rating_hasil and p.rating_perilaku:
        return []
    penyebab = ("Observasi praktik kinerja belum dilakukan" if not s.skp.diobservasi
                else "Rating Hasil Kerja dan Rating Perilaku Kerja belum diberikan")
    return [Temuan("penilaian_periodik", PESAN_PENILAIAN_PERIODIK,
                   f"{penyebab}, sehingga belum ada nilai per periode (aturan penilaian "
                   "periodik di berkas aturan tahunan: nilai dimulai dari periode observasi).",
                   "Atasan melakukan observasi praktik kinerja dan memberi kedua rating.",
                   Pemerbaiki.ATASAN, "keterangan")]


CEK_PERENCANAAN = (cek_nip, cek_unor_terdaftar, cek_unor_padan, cek_nama_unor, cek_atasan,
                   cek_skp, cek_skp_organisasi, cek_rhk_atasan)
CEK_PENILAIAN = (cek_penilaian_akhir,)
CEK_PERIODIK = (cek_penilaian_periodik,)


# ---------------------------------------------------------------- period settings


def _berlaku(p: Periode, tahun):
    return p.tahun is None or p.tahun == tahun


def _periodik(periode, tahun):
    return [p for p in periode if _berlaku(p, tahun) and p.tipe_periodik in PERIODIK]


def _daftar(periode):
    return ", ".join(p.nama for p in periode)


def cek_tipe_periodik(periode, tahun) -> list[Temuan]:
    """Error #1: both Bulanan and Triwulanan periods in the year."""
    daftar = _periodik(periode, tahun)
    tipe = Counter(p.tipe_periodik for p in daftar)
    if len(tipe) < 2:
        return []
    sedikit = min(tipe, key=lambda t: (tipe[t], t))
    return [Temuan("dua_tipe_periodik", PESAN_DUA_TIPE,
                   "Instansi memiliki 2 macam tipe periode: bulanan dan triwulanan (" +
                   _daftar(p for p in daftar if p.tipe_periodik == sedikit) +
                   f" bertipe {sedikit}).",
                   "Admin e-Kinerja mengubah tipe periodik menjadi hanya bulanan atau hanya "
                   "triwulanan, lalu Operator Dinas menyesuaikan pengaturan periode di aplikasi "
                   "ini.", Pemerbaiki.BKD, "keterangan")]


def cek_angka_periodik(periode, tahun) -> list[Temuan]:
    """Error #2: one angka periodik used by two periods of the year."""
    daftar = [p for p in _periodik(periode, tahun) if p.angka_periodik is not None]
    hitung = Counter(p.angka_periodik for p in daftar)
    ganda = sorted(a for a, n in hitung.items() if n > 1)
    if not ganda:
        return []
    rincian = "; ".join(f"angka {a}: " + _daftar(p for p in daftar if p.angka_periodik == a)
                        for a in ganda)
    return [Temuan("angka_periodik_duplikat", PESAN_ANGKA_DUPLIKAT,
                   f"Terdapat angka periodik yang dipakai lebih dari satu periode ({rincian}).",
                   "Admin e-Kinerja mengubah angka periodik agar tidak ada duplikat, lalu "
                   "Operator Dinas menyesuaikan pengaturan periode di aplikasi ini.",
                   Pemerbaiki.BKD, "keterangan")]


def cek_ada_periode(periode, tahun) -> list[Temuan]:
    """Error #3: no period of the year with both a tipe periodik and an angka periodik."""
    if any(p.angka_periodik is not None for p in _periodik(periode, tahun)):
        return []
    return [Temuan("tanpa_periode", PESAN_TANPA_PERIODE,
                   f"Instansi belum memiliki periode {tahun} yang memiliki tipe periodik "
                   "(bulanan/triwulanan) dan angka periodik.",
                   "Admin e-Kinerja memperbarui periode agar memiliki tipe periodik dan angka "
                   "periodik yang sesuai, lalu Operator Dinas mencatatnya di aplikasi ini.",
                   Pemerbaiki.BKD, "keterangan")]


def cek_periode_akhir(periode, tahun) -> list[Temuan]:
    """The final (Tahunan) period the annual assessment is sent into does not exist."""
    if any(_berlaku(p, tahun) and p.tipe_periodik == TipePeriodik.TAHUNAN for p in periode):
        return []
    return [Temuan("tanpa_periode_akhir", PESAN_TANPA_PERIODE_AKHIR,
                   f"Belum ada periode bertipe Tahunan (periode final) untuk {tahun}.",
                   "Admin e-Kinerja membuat periode penilaian final, lalu Operator Dinas "
                   "mencatatnya di aplikasi ini.", Pemerbaiki.BKD, "keterangan")]


def cek_periode_periodik(periode, tahun) -> list[Temuan]:
    """Errors #1-#3: what blocks "Sinkro Penilaian Periodik" for the whole Dinas."""
    return (cek_tipe_periodik(periode, tahun) + cek_angka_periodik(periode, tahun)
            + cek_ada_periode(periode, tahun))


def cek_periode(periode, tahun) -> list[Temuan]:
    """Every period-settings failure that blocks the assessment sync for the whole Dinas."""
    return (cek_tipe_periodik(periode, tahun) + cek_angka_periodik(periode, tahun)
            + cek_ada_periode(periode, tahun) + cek_periode_akhir(periode, tahun))


# ---------------------------------------------------------------- one pegawai


@dataclass(frozen=True)
class Hasil:
    subjek: Subjek
    temuan: tuple[Temuan, ...]

    @property
    def siap(self):
        return not self.temuan


def periksa(s: Subjek, ref: Referensi, jenis=JenisEkspor.PERENCANAAN, temuan_periode=()) -> Hasil:
    """All findings for one subject: planning checks, and for the final assessment also the
    assessment and the (Dinas-wide) period findings."""
    temuan = [t for cek in CEK_PERENCANAAN for t in cek(s, ref)]
    if jenis == JenisEkspor.PENILAIAN_AKHIR:
        temuan += [t for cek in CEK_PENILAIAN for t in cek(s, ref)]
        temuan += list(temuan_periode)
    elif jenis == JenisEkspor.PENILAIAN_PERIODIK:
        temuan += [t for cek in CEK_PERIODIK for t in cek(s, ref)]
        temuan += list(temuan_periode)
    return Hasil(s, tuple(temuan))
