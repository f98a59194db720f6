"""Roster import: read schools and employees, check every row, then apply in one go.

`periksa()` turns the uploaded tables into a plan with row errors and change counts,
reading the database but writing nothing; `alur.impor.terapkan_roster()` writes a clean
plan inside the caller's transaction. Re-importing the same file changes nothing; an
updated file updates rows in place by NPSN and NIP.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kinerja_web import aturan
from kinerja_web.alur.impor import (
    BIDANG_PEGAWAI,
    BIDANG_SEKOLAH,
    SUMBER_BIDANG,
    berlaku,
    bidang_pegawai,
    kunci_pegawai,
    muat_lama,
)
from kinerja_web.aturan.identitas import KontakTidakValid, nomor_seluler, validasi_email
from kinerja_web.auth.sesi import sandi_acak
from kinerja_web.extensions import db
from kinerja_web.lembar import Tabel
from kinerja_web.models import Akun, Pegawai, Penugasan, Sekolah
from kinerja_web.models.org import (
    ASN,
    PERAN_LABEL,
    STATUS_KEPEGAWAIAN,
    STATUS_SEKOLAH,
    Peran,
    StatusKepegawaian,
    StatusSekolah,
)
from kinerja_web.teks import bersihkan, terlalu_panjang
from kinerja_web.waktu import hari_ini

# Columns as documented in the README and the downloadable template: (name, required, help).
KOLOM_SEKOLAH = (
    ("npsn", True, "8 digit"),
    ("nama", True, "Nama satuan pendidikan, mis. SD NEGERI 1 SADANGKULON"),
    ("jenjang", True, "TK, SD, SMP, SMA, SMK atau SLB"),
    ("status", True, "Negeri atau Swasta"),
    ("alamat", False, ""),
    ("kecamatan", False, ""),
    ("unor_id", False, "ID UNOR di SIASN/e-Kinerja, bila diketahui"),
    ("unor_nama", False, "Nama UNOR di SIASN/e-Kinerja, bila diketahui"),
)
KOLOM_PEGAWAI = (
    ("nip", True, "18 digit, ketik sebagai teks; kosong hanya untuk NON_ASN"),
    ("nuptk", False, "16 digit, ketik sebagai teks"),
    ("nama", True, "Nama lengkap dengan gelar"),
    ("tempat_lahir", False, ""),
    ("tanggal_lahir", False, "TTTT-BB-HH atau HH-BB-TTTT; harus sesuai NIP"),
    ("jenis_kelamin", False, "L atau P; harus sesuai NIP"),
    ("status_kepegawaian", True, "PNS, PPPK atau NON_ASN"),
    ("golongan", False, "PNS: III/a … IV/e; PPPK: I … XVII"),
    ("tmt_golongan", False, "tanggal"),
    ("jabatan", False, "mis. Guru Ahli Pertama; wajib untuk PNS/PPPK"),
    ("tmt_jabatan", False, "tanggal"),
    ("pendidikan", False, "mis. S1 PGSD"),
    ("karpeg", False, "Nomor seri kartu pegawai"),
    ("email", False, "alamat surel untuk pengingat harian, mis. nama@contoh.id"),
    ("telepon", False, "nomor seluler (WhatsApp), mis. 0812 3456 7890"),
    ("npsn", False, "NPSN sekolah tempat bertugas; kosong untuk pegawai Dinas"),
    ("peran", False, "Kepala Sekolah, Plt. Kepala Sekolah, Tim Kerja, Kepala Dinas, "
                     "Operator Dinas (pisahkan dengan koma); kosong untuk guru"),
    ("tmt_peran", False, "tanggal mulai peran"),
    ("keikutsertaan", False, "kosong bila ikut; atau CLTN, SILN, Kemenag, "
                             "Diperbantukan swasta, Tugas belajar dinas"),
    ("keterangan_keikutsertaan", False, "mis. nomor dan tanggal SK CLTN"),
    ("tanggal_keikutsertaan", False, "tanggal mulai (mis. tanggal SK)"),
    ("username", False, "nama pengguna; bawaan NIP; wajib untuk NON_ASN"),
    ("tmt_mutasi", False, "TMT pindah sekolah, menjadi Plt./Kepala Sekolah, pensiun atau "
                          "berhenti di tengah tahun: SKP yang berjalan ditutup sehari sebelumnya "
                          "dan SKP baru mulai TMT"),
    ("jenis_mutasi", False, "kosong (dibaca dari NPSN/peran yang berubah), atau Pindah, Plt. "
                            "Kepala Sekolah, Kepala Sekolah, Pensiun, Berhenti"),
)
MUTASI_TEKS = {
    "pindah": "pindah", "mutasi": "pindah", "plt": "plt", "plt kepala sekolah": "plt",
    "kepala sekolah": "kepala_sekolah", "pensiun": "pensiun", "berhenti": "berhenti",
    "mengundurkan diri": "berhenti", "resign": "berhenti",
}
ALIAS = {
    "nama_sekolah": "nama", "nama_satuan_pendidikan": "nama", "bentuk_pendidikan": "jenjang",
    "status_sekolah": "status", "nama_lengkap": "nama", "nama_pegawai": "nama",
    "tgl_lahir": "tanggal_lahir", "jk": "jenis_kelamin", "status_pegawai": "status_kepegawaian",
    "gol": "golongan", "pangkat_golongan": "golongan", "npsn_sekolah": "npsn",
    "tugas": "peran", "tugas_tambahan": "peran",
}
PERAN_TEKS = {
    "guru": None, "kepala sekolah": "kepala_sekolah", "kepala sekolah definitif": "kepala_sekolah",
    "ks": "kepala_sekolah", "plt kepala sekolah": "plt_kepala_sekolah",
    "plt ks": "plt_kepala_sekolah", "plt": "plt_kepala_sekolah", "tim kerja": "tim_kerja",
    "tim kinerja": "tim_kerja", "kepala dinas": "kepala_dinas", "kadis": "kepala_dinas",
    "operator dinas": "operator_dinas", "operator": "operator_dinas",
}
KEIKUTSERTAAN_TEKS = {
    "": "ikut", "ikut": "ikut", "ya": "ikut", "tugas belajar mandiri": "ikut",
    "cltn": "cltn", "cuti di luar tanggungan negara": "cltn", "siln": "siln",
    "kemenag": "kemenag", "pns depag": "kemenag", "diperbantukan swasta": "diperbantukan_swasta",
    "diperbantukan": "diperbantukan_swasta", "dpk swasta": "diperbantukan_swasta",
    "tugas belajar": "tugas_belajar_dinas", "tugas belajar dinas": "tugas_belajar_dinas",
}
JENJANG = {"tk": "tk", "paud": "tk", "sd": "sd", "smp": "smp", "sma": "sma", "smk": "smk",
           "slb": "slb"}


@dataclass
class Galat:
    lembar: str
    baris: int
    kolom: str
    pesan: str


@dataclass
class Rencana:
    """The checked content of a roster file and what applying it would change."""

    sekolah: list[dict] = field(default_factory=list)
    pegawai: list[dict] = field(default_factory=list)
    kolom_sekolah: set[str] = field(default_factory=set)
    kolom_pegawai: set[str] = field(default_factory=set)
    galat: list[Galat] = field(default_factory=list)
    jumlah: dict[str, int] = field(default_factory=dict)
    perubahan: list[str] = field(default_factory=list)
    lembar: list[str] = field(default_factory=list)  # sheet order, for sorting errors

    @property
    def bersih(self):
        return not self.galat

    def ringkasan(self, maks_galat=500, maks_perubahan=300):
        """A JSON-ready summary for the preview page."""
        return {
            "jumlah": self.jumlah,
            "jumlah_galat": len(self.galat),
            "galat": [g.__dict__ for g in self.galat[:maks_galat]],
            "perubahan": self.perubahan[:maks_perubahan],
            "jumlah_perubahan": len(self.perubahan),
        }


# ---------------------------------------------------------------- reading values

class _Salah(ValueError):
    pass


def _teks(v):
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = bersihkan(str(v)).strip()  # every roster column is one line (kinerja_web.teks)
    return s or None


def _digit(v, nama, panjang):
    """A number kept as text; Excel silently rounds numbers with more than 15 digits."""
    if isinstance(v, float) and panjang > 15:
        raise _Salah(f"{nama} tertulis sebagai angka sehingga dibulatkan Excel; "
                     "format kolom sebagai Teks lalu ketik ulang.")
    s = _teks(v)
    if s is None:
        return None
    return re.sub(r"[\s.\-]", "", s)


def _tanggal(v):
    if v in (None, ""):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise _Salah(f"tanggal '{s}' tidak dikenali; gunakan TTTT-BB-HH, mis. 2025-01-02")


def _cari(katalog, teks):
    """Catalogue lookup that forgives case and spacing ("guru ahli  muda", "iii/A")."""
    kunci = " ".join(teks.split()).lower()
    return next((x for k, x in zip(katalog.kode, katalog, strict=True) if k.lower() == kunci),
                None)


def _kolom_asli(tabel: Tabel):
    return [ALIAS.get(k, k) for k in tabel.kolom]


def _jenis_tabel(kolom):
    if "nip" in kolom or "status_kepegawaian" in kolom:
        return "pegawai"
    if "npsn" in kolom and "jenjang" in kolom:
        return "sekolah"
    return None


# ---------------------------------------------------------------- checking

def periksa(daftar_tabel: list[Tabel], dinas_id: int, pelaku_id: int | None = None,
            atr=None) -> Rencana:
    """Check every row and compare with the database; writes nothing.

    `pelaku_id` is the importing Operator: a file may not take away their own role. `atr`:
    the rule set of the year the import is for (identity, golongan and jabatan lists).
    """
    r = Rencana()
    atr = atr or aturan.muat_aturan()
    for tabel in daftar_tabel:
        if tabel.nama.lower().startswith("petunjuk"):
            continue
        r.lembar.append(tabel.nama)
        kolom = _kolom_asli(tabel)
        jenis = _jenis_tabel(kolom)
        if jenis is None:
            r.galat.append(Galat(tabel.nama, 1, "", "Lembar tidak dikenali: kolom kepala harus "
                                 "memuat npsn+jenjang (sekolah) atau nip+status_kepegawaian "
                                 "(pegawai). Gunakan templat."))
            continue
        wajib = KOLOM_SEKOLAH if jenis == "sekolah" else KOLOM_PEGAWAI
        hilang = [k for k, perlu, _ in wajib if perlu and k not in kolom]
        if hilang:
            r.galat.append(Galat(tabel.nama, 1, ", ".join(hilang),
                                 "Kolom wajib tidak ada: " + ", ".join(hilang)))
            continue
        if jenis == "sekolah":
            r.kolom_sekolah |= set(kolom)
        else:
            r.kolom_pegawai |= set(kolom)
        for nomor, mentah in tabel.baris:
            data = {ALIAS.get(k, k): v for k, v in mentah.items()}
            if jenis == "sekolah":
                _baca_sekolah(r, tabel.nama, nomor, data)
                _cek_panjang(r, tabel.nama, nomor, r.sekolah[-1], Sekolah)
            else:
                _baca_pegawai(r, tabel.nama, nomor, data, atr)
                _cek_panjang(r, tabel.nama, nomor, r.pegawai[-1], Pegawai)
    if not r.galat and not r.sekolah and not r.pegawai:
        # Also an unfilled template: recognised sheets but not a single row.
        r.galat.append(Galat("", 1, "", "Berkas tidak berisi data sekolah atau pegawai."))
    _periksa_silang(r, dinas_id)
    if pelaku_id is not None and "peran" in r.kolom_pegawai:
        _jaga_operator(r, pelaku_id)
    urutan = {nama: i for i, nama in enumerate(r.lembar)}
    r.galat.sort(key=lambda g: (urutan.get(g.lembar, -1), g.baris))
    _hitung_perubahan(r, dinas_id)
    return r


def _cek_panjang(r, lembar, nomor, out, model):
    """Every value fits its column (PostgreSQL refuses a longer one at the confirm; SQLite
    would keep it): checked in the preview, with the row and the file's column named."""
    for kolom, pesan in (terlalu_panjang(out, model, SUMBER_BIDANG)
                         + terlalu_panjang({"username": out.get("username")}, Akun)):
        r.galat.append(Galat(lembar, nomor, kolom, pesan))


def _jaga_operator(r, pelaku_id):
    """The Operator must not lock themselves out by importing their own row without the role."""
    pelaku = db.session.get(Pegawai, pelaku_id)
    if pelaku is None:
        return
    # A NIP-less Operator (the first one, `flask buat-operator`) is matched by username.
    kunci = ("nip", pelaku.nip) if pelaku.nip else ("username", db.session.scalar(
        select(Akun.username).where(Akun.pegawai_id == pelaku.id)))
    for p in r.pegawai:
        if (p.get("nip") or p.get("username")) and kunci_pegawai(p) == kunci \
                and "operator_dinas" not in p["peran"]:
            r.galat.append(Galat(p["_lembar"], p["_baris"], "peran",
                                 "Baris ini mencabut peran Operator Dinas Anda sendiri; tambahkan "
                                 "'Operator Dinas' di kolom peran."))


def _baca_sekolah(r, lembar, nomor, d):
    def salah(kolom, pesan):
        r.galat.append(Galat(lembar, nomor, kolom, pesan))

    out = {"_baris": nomor, "_lembar": lembar}
    try:
        npsn = _digit(d.get("npsn"), "NPSN", 8)
        aturan.validasi_npsn(npsn or "")
        out["npsn"] = npsn
    except (ValueError, _Salah) as e:
        salah("npsn", str(e))
    out["nama"] = _teks(d.get("nama"))
    if not out["nama"]:
        salah("nama", "Nama sekolah wajib diisi.")
    jenjang = (_teks(d.get("jenjang")) or "").lower()
    out["jenjang"] = JENJANG.get(jenjang)
    if out["jenjang"] is None:
        salah("jenjang", f"Jenjang '{jenjang}' tidak dikenal; isi TK, SD, SMP, SMA, SMK atau SLB.")
    status = (_teks(d.get("status")) or "").lower()
    out["status"] = StatusSekolah(status) if status in STATUS_SEKOLAH else None
    if out["status"] is None:
        salah("status", f"Status '{status}' tidak dikenal; isi Negeri atau Swasta.")
    for k in ("alamat", "kecamatan", "unor_id", "unor_nama"):
        out[k] = _teks(d.get(k))
    r.sekolah.append(out)


def _baca_pegawai(r, lembar, nomor, d, atr):
    def salah(kolom, pesan):
        r.galat.append(Galat(lembar, nomor, kolom, pesan))

    out = {"_baris": nomor, "_lembar": lembar}
    status = (_teks(d.get("status_kepegawaian")) or "").upper().replace("-", "_")
    status = {"NON ASN": "NON_ASN", "NONASN": "NON_ASN", "HONORER": "NON_ASN"}.get(status, status)
    out["status_kepegawaian"] = status
    if status not in STATUS_KEPEGAWAIAN:
        salah("status_kepegawaian", f"Status kepegawaian '{status}' tidak dikenal; "
              "isi PNS, PPPK atau NON_ASN.")
    out["nama"] = _teks(d.get("nama"))
    if not out["nama"]:
        salah("nama", "Nama wajib diisi.")
    info = None
    nip_diisi = _teks(d.get("nip")) is not None
    try:
        nip = _digit(d.get("nip"), "NIP", 18)
        out["nip"] = nip
        if nip:
            info = aturan.validasi_nip(nip)
        elif status in ASN:
            salah("nip", f"NIP wajib diisi untuk {status}.")
    except (ValueError, _Salah) as e:
        out["nip"] = None
        salah("nip", str(e))
    if info is not None and status in ASN and info.pppk != (status == StatusKepegawaian.PPPK):
        salah("nip", f"NIP ini berpola {'PPPK' if info.pppk else 'PNS'}, "
              f"tetapi status kepegawaian {status}.")
    try:
        out["nuptk"] = _digit(d.get("nuptk"), "NUPTK", 16)
        if out["nuptk"]:
            aturan.validasi_nuptk(out["nuptk"])
    except (ValueError, _Salah) as e:
        salah("nuptk", str(e))
    out["tempat_lahir"] = _teks(d.get("tempat_lahir"))
    for k in ("tanggal_lahir", "tmt_golongan", "tmt_jabatan", "tmt_peran",
              "tanggal_keikutsertaan"):
        try:
            out[k] = _tanggal(d.get(k))
        except _Salah as e:
            out[k] = None
            salah(k, str(e).capitalize())
    if info is not None:
        if out["tanggal_lahir"] is None:
            out["tanggal_lahir"] = info.tanggal_lahir
        elif out["tanggal_lahir"] != info.tanggal_lahir:
            salah("tanggal_lahir", "Tanggal lahir tidak sesuai dengan NIP "
                  f"({info.tanggal_lahir:%Y-%m-%d}).")
    jk = (_teks(d.get("jenis_kelamin")) or "").upper()[:1] or None
    jk = {"W": "P"}.get(jk, jk)
    if jk not in (None, "L", "P"):
        salah("jenis_kelamin", "Jenis kelamin harus L atau P.")
    elif info is not None:
        if jk and jk != info.jenis_kelamin:
            salah("jenis_kelamin", f"Jenis kelamin tidak sesuai dengan NIP ({info.jenis_kelamin}).")
        jk = info.jenis_kelamin
    out["jenis_kelamin"] = jk
    gol = _teks(d.get("golongan"))
    out["golongan"] = gol
    if gol:
        g = _cari(atr.daftar_golongan, gol)
        if g is None:
            salah("golongan", f"Golongan '{gol}' tidak dikenal (contoh: III/a, IX).")
        else:
            out["golongan"] = g.kode
            if status in ASN and g.jenis.value != status.lower():
                salah("golongan", f"Golongan {g.kode} bukan golongan {status}.")
    jab = _teks(d.get("jabatan"))
    out["jabatan"] = jab
    if jab:
        j = _cari(atr.daftar_jabatan, jab)
        if j is None:
            salah("jabatan", f"Jabatan '{jab}' tidak dikenal. Lihat daftar jabatan di templat.")
        else:
            out["jabatan"] = j.nama
    elif status in ASN:
        salah("jabatan", "Jabatan wajib diisi untuk PNS/PPPK.")
    out["pendidikan"] = _teks(d.get("pendidikan"))
    out["karpeg"] = _teks(d.get("karpeg"))
    for kolom, periksa in (("email", validasi_email), ("telepon", nomor_seluler)):
        try:
            out[kolom] = periksa(_teks(d.get(kolom)))
        except KontakTidakValid as e:
            out[kolom] = None
            salah(kolom, str(e))
    try:
        out["npsn"] = _digit(d.get("npsn"), "NPSN", 8)
    except _Salah as e:
        out["npsn"] = None
        salah("npsn", str(e))
    peran = set()
    for bagian in re.split(r"[,;]", _teks(d.get("peran")) or ""):
        kunci = " ".join(bagian.lower().replace(".", " ").split())
        if not kunci:
            continue
        if kunci not in PERAN_TEKS:
            salah("peran", f"Peran '{bagian.strip()}' tidak dikenal.")
        elif PERAN_TEKS[kunci]:
            peran.add(PERAN_TEKS[kunci])
    out["peran"] = peran
    if peran & {"kepala_sekolah", "plt_kepala_sekolah"} and not out["npsn"]:
        salah("npsn", "Kepala sekolah tanpa sekolah: isi NPSN sekolah yang dipimpin.")
    if {"kepala_sekolah", "plt_kepala_sekolah"} <= peran:
        salah("peran", "Satu orang tidak bisa sekaligus Kepala Sekolah definitif dan Plt.")
    ikut = " ".join((_teks(d.get("keikutsertaan")) or "").lower().split())
    out["keikutsertaan"] = KEIKUTSERTAAN_TEKS.get(ikut)
    if out["keikutsertaan"] is None:
        salah("keikutsertaan", f"Keikutsertaan '{ikut}' tidak dikenal.")
    out["keikutsertaan_alasan"] = _teks(d.get("keterangan_keikutsertaan"))
    out["keikutsertaan_mulai"] = out.pop("tanggal_keikutsertaan")
    username = (_teks(d.get("username")) or "").lower() or None
    if username and not re.fullmatch(r"[a-z0-9._-]{3,60}", username):
        salah("username", "Nama pengguna 3–60 karakter: huruf kecil, angka, titik, - atau _.")
    if status == StatusKepegawaian.NON_ASN and out.get("nip"):
        salah("nip", "Pegawai NON_ASN tidak memiliki NIP; kosongkan kolom NIP.")
    if not nip_diisi and not username:
        salah("username", "Pegawai tanpa NIP wajib memiliki nama pengguna.")
    out["username"] = username
    try:
        out["tmt_mutasi"] = _tanggal(d.get("tmt_mutasi"))
    except _Salah as e:
        out["tmt_mutasi"] = None
        salah("tmt_mutasi", str(e).capitalize())
    jenis = " ".join((_teks(d.get("jenis_mutasi")) or "").lower().replace(".", " ").split())
    out["jenis_mutasi"] = MUTASI_TEKS.get(jenis) if jenis else None
    if jenis and out["jenis_mutasi"] is None:
        salah("jenis_mutasi", f"Jenis mutasi '{jenis}' tidak dikenal; isi Pindah, Plt. Kepala "
              "Sekolah, Kepala Sekolah, Pensiun atau Berhenti.")
    if out["jenis_mutasi"] and out["tmt_mutasi"] is None and "tmt_mutasi" not in r_galat_kolom(
            r, lembar, nomor):
        salah("tmt_mutasi", "Isi TMT mutasi (tanggal mulai berlaku).")
    if out["tmt_mutasi"] is not None and out["tmt_mutasi"] > hari_ini():
        salah("tmt_mutasi", "TMT mutasi belum tiba; impor baris ini pada atau sesudah TMT.")
    r.pegawai.append(out)


def r_galat_kolom(r, lembar, nomor):
    """The columns of one row that already have an error."""
    return {g.kolom for g in r.galat if g.lembar == lembar and g.baris == nomor}


def _periksa_silang(r, dinas_id):
    """Rules across rows and against the database."""
    def salah(baris, kolom, pesan):
        r.galat.append(Galat(baris["_lembar"], baris["_baris"], kolom, pesan))

    npsn_file = {}
    for s in r.sekolah:
        if s.get("npsn"):
            if s["npsn"] in npsn_file:
                salah(s, "npsn", f"NPSN {s['npsn']} ganda (juga di baris "
                      f"{npsn_file[s['npsn']]['_baris']}).")
            npsn_file.setdefault(s["npsn"], s)
    semua_npsn = set(npsn_file) | {p["npsn"] for p in r.pegawai if p.get("npsn")}
    sekolah_db = {s.npsn: s for s in db.session.scalars(
        select(Sekolah).where(Sekolah.npsn.in_(semua_npsn)))} if semua_npsn else {}
    for npsn, s in npsn_file.items():
        lama = sekolah_db.get(npsn)
        if lama is not None and lama.dinas_id != dinas_id:
            salah(s, "npsn", f"NPSN {npsn} terdaftar di Dinas lain.")

    nip_file, user_file, ks_file = {}, {}, {}
    for p in r.pegawai:
        if p.get("nip"):
            if p["nip"] in nip_file:
                salah(p, "nip", f"NIP {p['nip']} ganda (juga di baris "
                      f"{nip_file[p['nip']]['_baris']}).")
            nip_file.setdefault(p["nip"], p)
        if p.get("username"):
            if p["username"] in user_file:
                salah(p, "username", f"Nama pengguna {p['username']} ganda.")
            user_file.setdefault(p["username"], p)
        if p.get("npsn") and p["npsn"] not in npsn_file:
            lama = sekolah_db.get(p["npsn"])
            if lama is None:
                salah(p, "npsn", f"NPSN {p['npsn']} tidak dikenal: tambahkan sekolahnya di "
                      "lembar Sekolah atau impor sekolah terlebih dahulu.")
            elif lama.dinas_id != dinas_id:
                salah(p, "npsn", f"NPSN {p['npsn']} terdaftar di Dinas lain.")
        if "kepala_sekolah" in p["peran"] and p.get("npsn"):
            if p["npsn"] in ks_file:
                salah(p, "peran", f"Sekolah {p['npsn']} memiliki dua Kepala Sekolah definitif "
                      f"(juga baris {ks_file[p['npsn']]['_baris']}).")
            ks_file.setdefault(p["npsn"], p)
    pegawai_db = {x.nip: x for x in db.session.scalars(
        select(Pegawai).where(Pegawai.nip.in_(list(nip_file))))} if nip_file else {}
    for nip, p in nip_file.items():
        lama = pegawai_db.get(nip)
        if lama is not None and lama.dinas_id != dinas_id:
            salah(p, "nip", f"NIP {nip} terdaftar di Dinas lain; mutasi antar-Dinas diproses "
                  "oleh Dinas asal.")
    _periksa_username(r, dinas_id, user_file, pegawai_db, salah)


def _periksa_username(r, dinas_id, user_file, pegawai_db, salah):
    """Usernames are one namespace for every Dinas (one login page), so a row may only name
    an account that is this very person's in this Dinas. Anything else is refused with a
    message that says nothing about the holder (no name, NIP, school or Dinas).

    A row without a NIP is matched by its username; a username of another Dinas's account
    must never resolve to that person (a missing NIP equals a missing NIP). A row with a NIP
    and no username gets the NIP as its username: that must be free too, or held by the
    same person.
    """
    punya_akun = set(db.session.scalars(select(Akun.pegawai_id).where(
        Akun.pegawai_id.in_([x.id for x in pegawai_db.values()])))) if pegawai_db else set()
    baris = []  # (username the row names or would create, row, explicitly named)
    for u, p in user_file.items():
        baris.append((u, p, True))
    for p in r.pegawai:
        lama = pegawai_db.get(p.get("nip"))
        if p.get("nip") and not p.get("username") and (lama is None or lama.id not in punya_akun):
            if p["nip"] in user_file:
                salah(p, "username", f"Nama pengguna {p['nip']} ganda (juga di baris "
                      f"{user_file[p['nip']]['_baris']}).")
            baris.append((p["nip"], p, False))
    if not baris:
        return
    akun_db = {u: (nip, d) for u, nip, d in db.session.execute(
        select(Akun.username, Pegawai.nip, Pegawai.dinas_id).join(Akun.pegawai)
        .where(Akun.username.in_({u for u, _, _ in baris})))}
    # One may sign in with a NIP too: a username equal to someone else's NIP would make
    # that person's NIP sign-in ambiguous.
    nip_orang = set(db.session.scalars(select(Pegawai.nip).where(
        Pegawai.nip.in_({u for u, _, _ in baris if u.isdecimal()}))))
    nip_orang |= {p["nip"] for p in r.pegawai if p.get("nip")}  # the file's people too
    for u, p, disebut in baris:
        if u in nip_orang and u != p.get("nip"):
            salah(p, "username", f"Nama pengguna {u} sudah dipakai; pilih nama pengguna lain.")
            continue
        if u not in akun_db:
            continue
        nip_lama, dinas_lama = akun_db[u]
        if dinas_lama == dinas_id and nip_lama == p.get("nip"):
            continue  # this person's own account
        if disebut:
            salah(p, "username", f"Nama pengguna {u} sudah dipakai; pilih nama pengguna lain.")
        else:
            salah(p, "username", f"Nama pengguna {u} (NIP, bawaan bila kolom username kosong) "
                  "sudah dipakai; isi nama pengguna lain di kolom username.")


def _hitung_perubahan(r, dinas_id):
    """Count what applying would create or change, and list the changes for the preview."""
    sekolah, pegawai, akun = muat_lama(r, dinas_id)
    j = dict.fromkeys(("sekolah_baru", "sekolah_diubah", "sekolah_tetap", "pegawai_baru",
                       "pegawai_diubah", "pegawai_tetap", "akun_baru"), 0)
    for s in r.sekolah:
        lama = sekolah.get(s.get("npsn"))
        if lama is None:
            j["sekolah_baru"] += 1
            r.perubahan.append(f"Sekolah baru: {s['nama']} ({s.get('npsn') or '–'})")
            continue
        beda = _beda(lama, s, BIDANG_SEKOLAH, r.kolom_sekolah)
        j["sekolah_diubah" if beda else "sekolah_tetap"] += 1
        if beda:
            r.perubahan.append(f"Sekolah {lama.nama}: " + "; ".join(beda))
    # Roles are changes too: applying makes each listed person's active roles equal the file.
    peran_lama = _peran_aktif(pegawai.values()) if "peran" in r.kolom_pegawai else None
    for p in r.pegawai:
        lama = pegawai.get(kunci_pegawai(p))
        if lama is None:
            j["pegawai_baru"] += 1
            j["akun_baru"] += 1
            kenal = p.get("nip") or p["username"] or "–"
            r.perubahan.append(f"Pegawai baru: {p['nama']} ({kenal})")
            continue
        beda = _beda(lama, bidang_pegawai(p, sekolah), BIDANG_PEGAWAI + ("sekolah_id",),
                     r.kolom_pegawai | {"sekolah_id"} if "npsn" in r.kolom_pegawai
                     else r.kolom_pegawai)
        if peran_lama is not None:
            beda += _beda_peran(p, peran_lama.get(lama.id, set()), sekolah)
        j["pegawai_diubah" if beda else "pegawai_tetap"] += 1
        if beda:
            r.perubahan.append(f"Pegawai {_dengan_nip(lama.nama, lama.nip)}: " + "; ".join(beda))
        if lama.id not in akun:
            j["akun_baru"] += 1
    if peran_lama is not None:
        r.perubahan += _ks_diganti(r, pegawai, sekolah)
    r.jumlah = j


def _peran_aktif(daftar_pegawai):
    """Today's roles of existing people: {pegawai_id: {(peran, sekolah_id)}}."""
    ids = [x.id for x in daftar_pegawai]
    out = {}
    if ids:
        for pid, peran, sid in db.session.execute(
            select(Penugasan.pegawai_id, Penugasan.peran, Penugasan.sekolah_id)
            .where(Penugasan.pegawai_id.in_(ids), Penugasan.aktif_pada(hari_ini()))
        ):
            out.setdefault(pid, set()).add((peran, sid))
    return out


def _beda_peran(p, ada, sekolah):
    """The role change of one person as a preview line (empty when the roles stay)."""
    ingin = set()
    for kode in p["peran"]:
        sid = None
        if kode in ("kepala_sekolah", "plt_kepala_sekolah"):
            s = sekolah.get(p.get("npsn"))
            sid = s.id if s is not None else -1  # a school the file creates
        ingin.add((kode, sid))
    if ingin == ada:
        return []

    def label(peran):
        return ", ".join(sorted(PERAN_LABEL[k] for k, _ in peran)) or "–"

    if {k for k, _ in ingin} == {k for k, _ in ada}:
        return [f"peran {label(ingin)}: pindah sekolah"]
    return [f"peran: {label(ada)} → {label(ingin)}"]


def _ks_diganti(r, pegawai, sekolah):
    """Principals not in the file whose school gets a (Plt.) principal from the file."""
    sid = {sekolah[p["npsn"]].id for p in r.pegawai
           if p["peran"] & {"kepala_sekolah", "plt_kepala_sekolah"} and p.get("npsn") in sekolah}
    if not sid:
        return []
    rows = db.session.execute(
        select(Pegawai.nama, Pegawai.nip, Penugasan.peran, Sekolah.nama)
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .join(Sekolah, Penugasan.sekolah_id == Sekolah.id)
        .where(Penugasan.sekolah_id.in_(sid),
               Penugasan.peran.in_((Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)),
               Penugasan.aktif_pada(hari_ini()),
               Penugasan.pegawai_id.not_in([x.id for x in pegawai.values()]))
        .order_by(Sekolah.nama)
    ).all()
    return [f"Penugasan {PERAN_LABEL[peran]} {_dengan_nip(nama, nip)} di {nama_sekolah} "
            "diakhiri (diganti)" for nama, nip, peran, nama_sekolah in rows]


def _dengan_nip(nama, nip):
    """A person in the preview's list of changes: two of the same name are told apart."""
    return f"{nama} (NIP {nip})" if nip else nama


def _beda(lama, baru, bidang, kolom_file):
    out = []
    for b in bidang:
        if not berlaku(b, kolom_file):
            continue
        a, z = getattr(lama, b), baru.get(b)
        if a != z:
            if b == "sekolah_id":
                out.append("pindah sekolah")
            else:
                out.append(f"{b.replace('_', ' ')}: {a if a is not None else '–'} → "
                           f"{z if z is not None else '–'}")
    return out


# ---------------------------------------------------------------- before applying

def perlu_akun(r: Rencana, dinas_id: int):
    """Rows that will get a new account (keys), so passwords can be hashed beforehand."""
    _, pegawai, akun = muat_lama(r, dinas_id)
    out = []
    for p in r.pegawai:
        lama = pegawai.get(kunci_pegawai(p))
        if lama is None or lama.id not in akun:
            out.append(kunci_pegawai(p))
    return out


def siapkan_sandi(kunci, metode):
    """One-time passwords and their hashes, computed before any write lock is taken.

    One-time passwords carry about 48 random bits and die at first login, so a lighter
    scrypt setting keeps a 2,000-account import fast without making them guessable.
    """
    def satu(_):
        polos = sandi_acak()
        return polos, generate_password_hash(polos, method=metode)

    # hashlib.scrypt releases the GIL: threads use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(kunci, pool.map(satu, kunci), strict=True))


def lembar_templat(atr=None):
    """The downloadable template: empty Sekolah and Pegawai sheets plus instructions."""
    atr = atr or aturan.muat_aturan()
    petunjuk = [["Lembar", "Kolom", "Wajib", "Keterangan"]]
    for lembar, kolom in (("Sekolah", KOLOM_SEKOLAH), ("Pegawai", KOLOM_PEGAWAI)):
        petunjuk += [[lembar, k, "ya" if wajib else "", ket] for k, wajib, ket in kolom]
    jabatan = [[j.nama] for j in atr.daftar_jabatan]
    golongan = [[g.kode, g.pangkat or "", g.jenis] for g in atr.daftar_golongan]
    return {
        "Sekolah": ([k for k, _, _ in KOLOM_SEKOLAH], []),
        "Pegawai": ([k for k, _, _ in KOLOM_PEGAWAI], []),
        "Petunjuk": (petunjuk[0], petunjuk[1:]),
        "Petunjuk Jabatan": (["jabatan"], jabatan),
        "Petunjuk Golongan": (["golongan", "pangkat", "jenis"], golongan),
    }
