"""Reference lists from SIASN/e-Kinerja: the Referensi Unit Kerja ("unor") and the ASN list
("asn"), uploaded as CSV/XLSX like the roster: check every row, preview, then apply.

A file is the whole list: applying it (`alur.impor.terapkan_referensi`) adds, updates and
removes rows so the Dinas' list equals the file; the same file again changes nothing.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from kinerja_web import aturan
from kinerja_web.alur.impor import (
    BIDANG_REFERENSI,
    JENIS_REFERENSI,
    KUNCI_REFERENSI,
    MODEL_REFERENSI,
    lama_referensi,
)
from kinerja_web.extensions import db
from kinerja_web.impor.roster import Galat
from kinerja_web.lembar import Tabel
from kinerja_web.teks import terlalu_panjang

JENIS = JENIS_REFERENSI
# Columns as documented in the README and the template: (name, required, help).
KOLOM = {
    "unor": (
        ("unor_id", True, "ID UNOR di SIASN/e-Kinerja"),
        ("nama", True, "Nama unit kerja, mis. SD NEGERI 1 SADANGKULON KEC. SADANG"),
        ("induk_id", False, "ID UNOR induk, mis. Dinas Pendidikan"),
        ("aktif", False, "Ya atau Tidak; kosong berarti Ya"),
    ),
    "asn": (
        ("nip", True, "18 digit, ketik sebagai teks"),
        ("nama", True, "Nama seperti di SIASN"),
        ("unor_id", True, "ID UNOR tempat pegawai tercatat di SIASN"),
        ("jabatan", False, "mis. Guru Ahli Pertama"),
        ("golongan", False, "mis. III/a atau Penata Muda, III/a; PPPK: IX"),
        ("atasan_nip", False, "NIP atasan langsung di SIASN (18 digit)"),
    ),
}
ALIAS = {
    "unor": {"id_unor": "unor_id", "id": "unor_id", "nama_unor": "nama",
             "nama_unit_kerja": "nama", "unit_kerja": "nama", "induk": "induk_id",
             "id_induk": "induk_id", "unor_induk_id": "induk_id", "status": "aktif",
             "status_aktif": "aktif"},
    "asn": {"nip_baru": "nip", "nama_pegawai": "nama", "nama_lengkap": "nama",
            "id_unor": "unor_id", "unor": "unor_id", "nama_jabatan": "jabatan",
            "gol": "golongan", "pangkat_golongan": "golongan", "golongan_ruang": "golongan",
            "nip_atasan": "atasan_nip", "atasan": "atasan_nip"},
}
BIDANG, MODEL, KUNCI = BIDANG_REFERENSI, MODEL_REFERENSI, KUNCI_REFERENSI
AKTIF = {"": True, "ya": True, "y": True, "aktif": True, "1": True, "true": True,
         "tidak": False, "t": False, "tidak aktif": False, "nonaktif": False,
         "non aktif": False, "0": False, "false": False}


@dataclass
class Rencana:
    """The checked rows of a reference file and what applying it would change."""

    jenis: str
    baris: list[dict] = field(default_factory=list)
    galat: list[Galat] = field(default_factory=list)
    jumlah: dict[str, int] = field(default_factory=dict)
    perubahan: list[str] = field(default_factory=list)

    @property
    def bersih(self):
        return not self.galat

    def ringkasan(self, maks_galat=500, maks_perubahan=300):
        return {"jenis": self.jenis, "jumlah": self.jumlah, "jumlah_galat": len(self.galat),
                "galat": [g.__dict__ for g in self.galat[:maks_galat]],
                "perubahan": self.perubahan[:maks_perubahan],
                "jumlah_perubahan": len(self.perubahan)}


def _teks(v):
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = " ".join(str(v).split())
    return s or None


def _nip(v, kolom, salah):
    if isinstance(v, float):
        salah(kolom, "NIP tertulis sebagai angka sehingga dibulatkan Excel; format kolom sebagai "
              "Teks lalu ketik ulang.")
        return None
    s = re.sub(r"[\s.\-]", "", _teks(v) or "")
    if not s:
        return None
    try:
        aturan.validasi_nip(s)
    except aturan.NIPTidakValid as e:
        salah(kolom, str(e))
        return None
    return s


def _cocok(jenis, kolom):
    if jenis == "asn":
        return "nip" in kolom
    return "unor_id" in kolom and "nip" not in kolom


def periksa(jenis, daftar_tabel: list[Tabel], dinas_id) -> Rencana:
    """Check every row and compare with the Dinas' current list; writes nothing."""
    r = Rencana(jenis)
    alias = ALIAS[jenis]
    dipakai = False
    for tabel in daftar_tabel:
        if tabel.nama.lower().startswith("petunjuk"):
            continue
        kolom = [alias.get(k, k) for k in tabel.kolom]
        if not _cocok(jenis, kolom):
            continue
        dipakai = True
        hilang = [k for k, perlu, _ in KOLOM[jenis] if perlu and k not in kolom]
        if hilang:
            r.galat.append(Galat(tabel.nama, 1, ", ".join(hilang),
                                 "Kolom wajib tidak ada: " + ", ".join(hilang)))
            continue
        for nomor, mentah in tabel.baris:
            _baca(r, tabel.nama, nomor, {alias.get(k, k): v for k, v in mentah.items()})
    if not dipakai:
        wajib = ", ".join(k for k, perlu, _ in KOLOM[jenis] if perlu)
        r.galat.append(Galat("", 1, "", f"Berkas ini bukan {JENIS[jenis]}: kolom kepala harus "
                             f"memuat {wajib}. Gunakan templat."))
    elif not r.galat and not r.baris:
        r.galat.append(Galat("", 1, "", f"Berkas tidak berisi baris {JENIS[jenis]}."))
    _ganda(r)
    _hitung(r, dinas_id)
    return r


def _baca(r, lembar, nomor, d):
    def salah(kolom, pesan):
        r.galat.append(Galat(lembar, nomor, kolom, pesan))

    out = {"_lembar": lembar, "_baris": nomor}
    if r.jenis == "asn":
        out["nip"] = _nip(d.get("nip"), "nip", salah) if _teks(d.get("nip")) else None
        if not _teks(d.get("nip")):
            salah("nip", "NIP wajib diisi.")
        out["atasan_nip"] = _nip(d.get("atasan_nip"), "atasan_nip", salah)
        for k in ("nama", "unor_id", "jabatan", "golongan"):
            out[k] = _teks(d.get(k))
    else:
        for k in ("unor_id", "nama", "induk_id"):
            out[k] = _teks(d.get(k))
        aktif = (_teks(d.get("aktif")) or "").lower()
        out["aktif"] = AKTIF.get(aktif)
        if out["aktif"] is None:
            salah("aktif", f"Nilai aktif '{aktif}' tidak dikenal; isi Ya atau Tidak.")
    for k, perlu, _ in KOLOM[r.jenis]:
        if perlu and k != "nip" and not out.get(k):
            salah(k, f"Kolom {k} wajib diisi.")
    # Every value fits its column (read from the model: PostgreSQL refuses a longer one).
    for k, pesan in terlalu_panjang(
            {k: v for k, v in out.items() if not k.startswith("_")}, MODEL[r.jenis]):
        salah(k, pesan)
    r.baris.append(out)


def _ganda(r):
    kunci = KUNCI[r.jenis]
    pertama = {}
    for b in r.baris:
        k = b.get(kunci)
        if not k:
            continue
        if k in pertama:
            r.galat.append(Galat(b["_lembar"], b["_baris"], kunci,
                                 f"{kunci} {k} ganda (juga di baris {pertama[k]['_baris']})."))
        else:
            pertama[k] = b
    r.galat.sort(key=lambda g: (g.lembar, g.baris))


def _label(jenis, b):
    return f"{b['nama']} ({b[KUNCI[jenis]]})"


def _hitung(r, dinas_id):
    lama = lama_referensi(r.jenis, dinas_id)
    j = dict.fromkeys(("baru", "diubah", "tetap", "dihapus"), 0)
    ada = set()
    for b in r.baris:
        k = b.get(KUNCI[r.jenis])
        ada.add(k)
        x = lama.get(k)
        if x is None:
            j["baru"] += 1
            r.perubahan.append(f"Baru: {_label(r.jenis, b)}")
            continue
        beda = [f"{f}: {getattr(x, f) if getattr(x, f) is not None else '–'} → "
                f"{b[f] if b[f] is not None else '–'}"
                for f in BIDANG[r.jenis] if getattr(x, f) != b[f]]
        j["diubah" if beda else "tetap"] += 1
        if beda:
            r.perubahan.append(f"{_label(r.jenis, b)}: " + "; ".join(beda))
    for k, x in lama.items():
        if k not in ada:
            j["dihapus"] += 1
            r.perubahan.append(f"Dihapus (tidak ada di berkas): {x.nama} ({k})")
    r.jumlah = j


def lembar_templat(jenis, baris=()):
    """The downloadable template (or the current list, `baris`) with an instruction sheet."""
    kolom = KOLOM[jenis]
    nama = "Unit Kerja" if jenis == "unor" else "ASN"
    petunjuk = [[nama, k, "ya" if wajib else "", ket] for k, wajib, ket in kolom]
    return {nama: ([k for k, _, _ in kolom], list(baris)),
            "Petunjuk": (["Lembar", "Kolom", "Wajib", "Keterangan"], petunjuk)}


def baris_sekarang(jenis, dinas_id):
    """The Dinas' current list in the template's columns (to edit and upload again)."""
    model, kunci = MODEL[jenis], KUNCI[jenis]
    rows = db.session.scalars(select(model).where(model.dinas_id == dinas_id)
                              .order_by(getattr(model, kunci))).all()
    if jenis == "unor":
        return [[x.unor_id, x.nama, x.induk_id, "Ya" if x.aktif else "Tidak"] for x in rows]
    return [[x.nip, x.nama, x.unor_id, x.jabatan, x.golongan, x.atasan_nip] for x in rows]
