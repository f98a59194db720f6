"""Pra-perencanaan (2026: Kepmendikdasmen 271/O/2025, first component): the checks that must
pass before a school's teachers may plan, as pure functions over plain data.

Each school: its UNOR matched (filled, on the Referensi Unit Kerja and active), a principal
or Plt. in place at the year's start, each of them plotted to a Tim Kerja member for the
year. Each ASN of a school: a valid NIP (`validasi_nip`, the check the sync pre-check uses)
and a jabatan the year's rule set knows. `status_unor` is shared with the sync pre-check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from .identitas import NIPTidakValid, validasi_nip
from .katalog import Aturan


class Cek(StrEnum):
    """The checks, in the order the page shows them."""

    UNOR = "unor"
    PIMPINAN = "pimpinan"
    PLOT = "plot"
    NIP = "nip"
    JABATAN = "jabatan"

    @property
    def label(self) -> str:
        return LABEL_CEK[self]


LABEL_CEK = {
    Cek.UNOR: "UNOR sekolah sudah padan",
    Cek.PIMPINAN: "Kepala Sekolah atau Plt. sudah ada",
    Cek.PLOT: "Kepala Sekolah sudah diplot ke Tim Kerja",
    Cek.NIP: "NIP pegawai ASN valid",
    Cek.JABATAN: "Jabatan pegawai ASN dikenal",
}
# What one item of the check is (the count's unit).
SATUAN_CEK = {Cek.UNOR: "sekolah", Cek.PIMPINAN: "sekolah", Cek.PLOT: "kepala sekolah",
              Cek.NIP: "pegawai", Cek.JABATAN: "pegawai"}


class Pemerbaiki(StrEnum):
    """Who fixes a fault."""

    OPERATOR_SEKOLAH = "operator_sekolah"
    OPERATOR_DINAS = "operator_dinas"
    BKD = "bkd"

    @property
    def label(self) -> str:
        return LABEL_PEMERBAIKI[self]


LABEL_PEMERBAIKI = {
    Pemerbaiki.OPERATOR_SEKOLAH: "Operator Sekolah (Dapodik)",
    Pemerbaiki.OPERATOR_DINAS: "Operator Dinas",
    Pemerbaiki.BKD: "BKD (SIASN)",
}


class StatusUnor(StrEnum):
    """Why a school's UNOR is not matched (None from `status_unor` when it is)."""

    KOSONG = "kosong"
    TANPA_REFERENSI = "tanpa_referensi"
    TIDAK_TERDAFTAR = "tidak_terdaftar"
    TIDAK_AKTIF = "tidak_aktif"


def status_unor(unor_id: str | None, referensi: Mapping[str, Any] | None) -> StatusUnor | None:
    """A school's UNOR against the Referensi Unit Kerja (`unor_id` → whether it is active, as
    a bool or a row with `aktif`; None when none was uploaded): None when matched, else why
    not. The sync pre-check words the same outcomes for the export."""
    if referensi is None:
        return StatusUnor.TANPA_REFERENSI
    if not unor_id:
        return StatusUnor.KOSONG
    baris = referensi.get(unor_id)
    if baris is None:
        return StatusUnor.TIDAK_TERDAFTAR
    if not getattr(baris, "aktif", baris):
        return StatusUnor.TIDAK_AKTIF
    return None


@dataclass(frozen=True)
class Pimpinan:
    pegawai_id: int
    nama: str
    nip: str | None
    plt: bool
    tim_kerja: str | None  # the Tim Kerja member he is plotted to this year, None if not


@dataclass(frozen=True)
class SekolahPra:
    id: int
    nama: str
    npsn: str
    unor_id: str | None
    pimpinan: tuple[Pimpinan, ...] = ()


@dataclass(frozen=True)
class PegawaiPra:
    id: int
    nama: str
    nip: str | None
    jabatan: str | None
    sekolah_id: int


@dataclass(frozen=True)
class Kesalahan:
    """One failing item of one check."""

    cek: Cek
    sekolah_id: int
    sekolah_nama: str
    uraian: str
    pemerbaiki: Pemerbaiki
    pegawai_id: int | None = None
    nama: str | None = None
    nip: str | None = None
    unor: StatusUnor | None = None  # why the UNOR check failed (where it is fixed)


@dataclass(frozen=True)
class HasilPra:
    """Every check of a Dinas (or one school): items checked and faults per check."""

    diperiksa: Mapping[Cek, int]
    kesalahan: tuple[Kesalahan, ...]
    per_cek: Mapping[Cek, tuple[Kesalahan, ...]] = field(default_factory=dict)

    def gagal(self, cek: Cek) -> int:
        """Items failing the check (a school or a person counted once)."""
        return len({(k.sekolah_id, k.pegawai_id) for k in self.per_cek.get(cek, ())})

    def lulus(self, cek: Cek) -> int:
        return self.diperiksa[cek] - self.gagal(cek)

    def sekolah(self, sekolah_id: int) -> tuple[Kesalahan, ...]:
        return tuple(k for k in self.kesalahan if k.sekolah_id == sekolah_id)

    @property
    def sekolah_gagal(self) -> frozenset[int]:
        return frozenset(k.sekolah_id for k in self.kesalahan)


def _uraian_unor(s: SekolahPra, st: StatusUnor) -> tuple[str, Pemerbaiki]:
    if st == StatusUnor.TANPA_REFERENSI:
        return ("Referensi Unit Kerja dari SIASN belum diunggah, sehingga UNOR sekolah belum "
                "dapat dicocokkan.", Pemerbaiki.OPERATOR_DINAS)
    if st == StatusUnor.KOSONG:
        return ("Sekolah belum memiliki ID UNOR (isi kolom unor_id pada impor data sekolah).",
                Pemerbaiki.OPERATOR_DINAS)
    if st == StatusUnor.TIDAK_TERDAFTAR:
        return (f"UNOR {s.unor_id} tidak ada di Referensi Unit Kerja: perbaiki ID UNOR "
                "sekolah, atau BKD memadankan UNOR sekolah di SIASN.", Pemerbaiki.OPERATOR_DINAS)
    return (f"UNOR {s.unor_id} berstatus tidak aktif di Referensi Unit Kerja; BKD mengaktifkan "
            "atau memadankan UNOR sekolah di SIASN.", Pemerbaiki.BKD)


def periksa(sekolah: Sequence[SekolahPra], pegawai: Sequence[PegawaiPra],
            referensi: Mapping[str, bool] | None, atr: Aturan, hari_ini: date) -> HasilPra:
    """All pra-perencanaan checks over a Dinas' schools and their ASN (already in scope)."""
    nama = {s.id: s.nama for s in sekolah}
    out: list[Kesalahan] = []
    jumlah_pimpinan = 0
    for s in sekolah:
        st = status_unor(s.unor_id, referensi)
        if st is not None:
            uraian, siapa = _uraian_unor(s, st)
            out.append(Kesalahan(Cek.UNOR, s.id, s.nama, uraian, siapa, unor=st))
        if not s.pimpinan:
            out.append(Kesalahan(
                Cek.PIMPINAN, s.id, s.nama, "Belum ada Kepala Sekolah atau Plt. yang bertugas "
                "pada awal tahun kinerja (impor data pegawai, kolom peran).",
                Pemerbaiki.OPERATOR_DINAS))
        for p in s.pimpinan:
            jumlah_pimpinan += 1
            if p.tim_kerja is None:
                jabatan = "Plt. Kepala Sekolah" if p.plt else "Kepala Sekolah"
                out.append(Kesalahan(Cek.PLOT, s.id, s.nama, f"{jabatan} belum diplot ke "
                                     "anggota Tim Kerja untuk tahun ini.",
                                     Pemerbaiki.OPERATOR_DINAS, p.pegawai_id, p.nama, p.nip))
    for g in pegawai:
        try:
            validasi_nip(g.nip or "", hari_ini=hari_ini, aturan=atr)
        except NIPTidakValid as e:
            out.append(Kesalahan(Cek.NIP, g.sekolah_id, nama.get(g.sekolah_id, ""),
                                 f"NIP '{g.nip or '-'}' tidak valid: {e}",
                                 Pemerbaiki.OPERATOR_SEKOLAH, g.id, g.nama, g.nip))
        if not g.jabatan or g.jabatan not in atr.daftar_jabatan:
            uraian = (f"Jabatan '{g.jabatan}' tidak dikenal di aturan tahun {atr.tahun}."
                      if g.jabatan else "Jabatan belum diisi.")
            out.append(Kesalahan(Cek.JABATAN, g.sekolah_id, nama.get(g.sekolah_id, ""),
                                 uraian + " Jabatan dicatat sesuai SK di SIASN, lalu data "
                                 "pegawai diimpor ulang.", Pemerbaiki.BKD, g.id, g.nama, g.nip))
    diperiksa = {Cek.UNOR: len(sekolah), Cek.PIMPINAN: len(sekolah), Cek.PLOT: jumlah_pimpinan,
                 Cek.NIP: len(pegawai), Cek.JABATAN: len(pegawai)}
    urut = {c: i for i, c in enumerate(Cek)}
    out.sort(key=lambda k: (urut[k.cek], k.sekolah_nama, k.nama or ""))
    per_cek = {c: tuple(k for k in out if k.cek == c) for c in Cek}
    return HasilPra(diperiksa, tuple(out), per_cek)


def ringkas(kesalahan: Sequence[Kesalahan]) -> str:
    """One sentence naming what is missing and who fixes it (a teacher's refusal)."""
    bagian = []
    for c in Cek:
        ini = [k for k in kesalahan if k.cek == c]
        if not ini:
            continue
        siapa = ", ".join(sorted({k.pemerbaiki.label for k in ini}))
        jumlah = f" ({len(ini)} pegawai)" if c in (Cek.NIP, Cek.JABATAN) else ""
        bagian.append(f"{LABEL_BELUM[c]}{jumlah} — diperbaiki oleh {siapa}")
    return "; ".join(bagian)


LABEL_BELUM = {
    Cek.UNOR: "UNOR sekolah belum padan",
    Cek.PIMPINAN: "Kepala Sekolah atau Plt. belum ada",
    Cek.PLOT: "Kepala Sekolah belum diplot ke Tim Kerja",
    Cek.NIP: "NIP pegawai tidak valid",
    Cek.JABATAN: "jabatan pegawai tidak dikenal",
}
