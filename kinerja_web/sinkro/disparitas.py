"""Laporan Disparitas Data: the roster (Dapodik, through this app) beside SIASN's ASN list,
each difference with the party that must fix it (seed 003, "Penyelesaian Disparitas Data").

`bandingkan` and `padankan` are pure; `disparitas` streams the pre-check's subjects (bounded
memory) and adds the ASN rows nobody here carries.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import AsnSiasn, Pegawai
from kinerja_web.sinkro import cek
from kinerja_web.sinkro.cek import Pemerbaiki
from kinerja_web.sinkro.data import Muatan

# kode: (label, who fixes it, follow-up)
KATEGORI = {
    "hanya_di_sini": ("Hanya di aplikasi ini", Pemerbaiki.OPERATOR_SEKOLAH,
                      "Periksa NIP di Dapodik; bila sudah benar, BKD memeriksa mengapa pegawai "
                      "tidak ada di SIASN."),
    "nip": ("NIP berbeda", Pemerbaiki.OPERATOR_SEKOLAH,
            "Nama dan tanggal lahir sama: samakan NIP di Dapodik dengan SIASN, lalu impor ulang."),
    "nama": ("Nama berbeda", Pemerbaiki.OPERATOR_SEKOLAH,
             "Samakan penulisan nama di Dapodik dengan SK/SIASN, lalu impor ulang."),
    "golongan": ("Golongan berbeda", Pemerbaiki.OPERATOR_SEKOLAH,
                 "Perbarui pangkat/golongan di Dapodik sesuai SK terakhir, lalu impor ulang."),
    "unor": ("UNOR berbeda", Pemerbaiki.BKD,
             "BKD memperbarui UNOR pegawai di SIASN sesuai tempat tugas (mutasi); bila "
             "Dapodik yang salah, operator sekolah memperbaikinya."),
    "jabatan": ("Jabatan berbeda", Pemerbaiki.BKD,
                "BKD memperbarui riwayat jabatan di SIASN sesuai SK terakhir."),
    "atasan": ("Atasan berbeda", Pemerbaiki.BKD,
               "BKD memperbarui atasan langsung di SIASN; bila kepala sekolah di aplikasi ini "
               "keliru, Dinas memperbaiki penugasannya."),
    "unor_sekolah": ("UNOR sekolah lama", Pemerbaiki.DINAS,
                     "UNOR sekolah di aplikasi ini tidak aktif atau tidak ada di Referensi Unit "
                     "Kerja, sedangkan SIASN memakai UNOR yang aktif: ganti unor_id sekolah lewat "
                     "impor data sekolah."),
    "hanya_di_siasn": ("Hanya di SIASN", Pemerbaiki.DINAS,
                       "Bila pegawai bertugas di sekolah Dinas ini, catat di Dapodik lalu impor "
                       "ulang data pegawai; bila sudah pindah, BKD memperbarui SIASN."),
}
URUT_PEMERBAIKI = (Pemerbaiki.OPERATOR_SEKOLAH, Pemerbaiki.BKD, Pemerbaiki.DINAS)


@dataclass(frozen=True)
class Disparitas:
    kategori: str
    nip: str | None
    nama: str
    sekolah: str | None
    di_sini: str | None
    di_siasn: str | None
    pegawai_id: int | None = None

    @property
    def label(self):
        return KATEGORI[self.kategori][0]

    @property
    def pemerbaiki(self):
        return KATEGORI[self.kategori][1]

    @property
    def tindak_lanjut(self):
        return KATEGORI[self.kategori][2]


def _unor(unor_id, nama):
    return f"{unor_id} — {nama}" if nama else unor_id


def bandingkan(s: cek.Subjek, ref: cek.Referensi, atasan=True) -> list[Disparitas]:
    """Field by field differences of one pegawai found on both sides by NIP."""
    a = s.asn
    if a is None:
        return []
    out = []

    def beda(kategori, di_sini, di_siasn):
        out.append(Disparitas(kategori, s.nip, s.nama, s.sekolah_nama, di_sini, di_siasn,
                              s.pegawai_id))

    if cek.normalkan_nama_orang(s.nama) != cek.normalkan_nama_orang(a.nama):
        beda("nama", s.nama, a.nama)
    if s.unor_id != a.unor_id:
        u, lama = ref.unor.get(a.unor_id), ref.unor.get(s.unor_id or "")
        # SIASN moved on to an active UNOR the roster does not use yet: the roster is behind.
        kategori = "unor_sekolah" if u is not None and u.aktif and (
            lama is None or not lama.aktif) else "unor"
        beda(kategori, _unor(s.unor_id or "–", s.sekolah_nama),
             _unor(a.unor_id, u.nama if u else None))
    if " ".join((s.jabatan or "").upper().split()) != " ".join((a.jabatan or "").upper().split()):
        beda("jabatan", s.jabatan, a.jabatan)
    if cek.kode_golongan(s.golongan) != cek.kode_golongan(a.golongan):
        beda("golongan", s.golongan, a.golongan)
    if atasan and s.atasan.nama is not None and (a.atasan_nip or None) != (s.atasan.nip or None):
        beda("atasan", f"{s.atasan.nama} ({s.atasan.nip or '–'})",
             f"{a.atasan_nama or 'tidak dikenal'} ({a.atasan_nip})" if a.atasan_nip else None)
    return out


def tanggal_dari_nip(nip):
    try:
        return date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except (TypeError, ValueError):
        return None


def padankan(hanya_sini: list[cek.Subjek], hanya_siasn: list[cek.Asn],
             ref: cek.Referensi) -> list[Disparitas]:
    """Pair the two one-sided lists by name and birth date (a different NIP); the rest stays
    one-sided."""
    kunci = {}
    for a in hanya_siasn:
        kunci.setdefault((cek.normalkan_nama_orang(a.nama), tanggal_dari_nip(a.nip)), []).append(a)
    out, terpakai = [], set()
    for s in hanya_sini:
        lahir = s.tanggal_lahir or tanggal_dari_nip(s.nip)
        calon = [a for a in kunci.get((cek.normalkan_nama_orang(s.nama), lahir), ())
                 if a.nip not in terpakai]
        if calon:
            terpakai.add(calon[0].nip)
            out.append(Disparitas("nip", s.nip, s.nama, s.sekolah_nama, s.nip, calon[0].nip,
                                  s.pegawai_id))
        else:
            out.append(Disparitas("hanya_di_sini", s.nip, s.nama, s.sekolah_nama, s.nip, None,
                                  s.pegawai_id))
    for a in hanya_siasn:
        if a.nip not in terpakai:
            u = ref.unor.get(a.unor_id)
            out.append(Disparitas("hanya_di_siasn", a.nip, a.nama, None, None,
                                  f"{a.nip}, UNOR {_unor(a.unor_id, u.nama if u else None)}"))
    return out


def _hanya_siasn(dinas_id):
    """ASN rows of the Dinas's list whose NIP no pegawai of this Dinas carries.

    Only this Dinas's roster counts: whether a NIP belongs to someone of another Dinas is
    not this Operator's to learn (the row dropping out of the report would tell), and such
    a person is indeed only on SIASN as far as this Dinas is concerned.
    """
    rows = db.session.execute(
        select(AsnSiasn.nip, AsnSiasn.nama, AsnSiasn.unor_id)
        .where(AsnSiasn.dinas_id == dinas_id,
               AsnSiasn.nip.not_in(select(Pegawai.nip).where(Pegawai.nip.is_not(None),
                                                             Pegawai.dinas_id == dinas_id)))
        .order_by(AsnSiasn.nama)).all()
    return [cek.Asn(nip, nama, unor_id) for nip, nama, unor_id in rows]


def disparitas(dinas_id, tahun) -> list[Disparitas]:
    """Every difference for the Dinas, sorted by who fixes it, kind and name."""
    muatan = Muatan(dinas_id, tahun)
    if not muatan.ada_asn:
        return []  # nothing to compare with: the page asks for the ASN list first
    out, hanya_sini, dilihat = [], [], set()
    for s in muatan:
        if s.pegawai_id in dilihat:  # a Plt. is two subjects: compare the person once
            continue
        dilihat.add(s.pegawai_id)
        if s.asn is None:
            # Keep only what the pairing and the row show, not the plan.
            hanya_sini.append(replace(s, skp=None, penilaian=None))
        else:
            out.extend(bandingkan(s, muatan.referensi))
    out.extend(padankan(hanya_sini, _hanya_siasn(dinas_id), muatan.referensi))
    urut = {p: i for i, p in enumerate(URUT_PEMERBAIKI)}
    kat = {k: i for i, k in enumerate(KATEGORI)}
    out.sort(key=lambda d: (urut[d.pemerbaiki], kat[d.kategori], d.sekolah or "", d.nama))
    return out
