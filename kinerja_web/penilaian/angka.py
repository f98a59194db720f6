"""Angka kredit of one person for the year (SPEC §4.5), from the predikat set."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kinerja_web import aturan

# Seed 001, transition table row 1: the predikat that flows to e-Kinerja and becomes angka
# kredit is the annual predikat of the definitive position, never a Plt.'s acting post.
ALASAN_PLT = ("Predikat jabatan Plt. Kepala Sekolah tidak dikonversi menjadi angka kredit; "
              "yang dikonversi hanya predikat kinerja pada jabatan definitif (SKP sebagai guru).")


@dataclass(frozen=True)
class AngkaKredit:
    nilai: Decimal | None
    bulan: int
    jenjang: aturan.JenjangJabatan | None
    persen: Decimal | None
    koefisien: Decimal | None
    alasan: str | None = None  # why there is none, where a reader must be told

    @property
    def teks(self):
        return aturan.format_angka(self.nilai) if self.nilai is not None else "–"


def bulan_dalam_periode(pegawai, atr):
    """Months in this jabatan during the period: from the TMT month if it falls inside."""
    mulai, selesai = atr.periode_mulai, atr.periode_selesai
    tmt = pegawai.tmt_jabatan
    if tmt is None or tmt <= mulai:
        return 12
    if tmt > selesai:
        return 0
    return selesai.month - date(tmt.year, tmt.month, 1).month + 1


def angka_kredit(pegawai, predikat, atr, posisi=None):
    """None where it does not apply (no predikat, not a jabatan fungsional with a jenjang,
    or the SKP of a Plt.'s acting post: `posisi` is the SKP's)."""
    jabatan = atr.daftar_jabatan.get(pegawai.jabatan or "")
    jenjang = jabatan.jenjang if jabatan else None
    bulan = bulan_dalam_periode(pegawai, atr)
    if posisi == "plt_kepala_sekolah":
        return AngkaKredit(None, bulan, jenjang, None, None, ALASAN_PLT)
    if predikat is None or jenjang is None or bulan == 0:
        return AngkaKredit(None, bulan, jenjang, None, None)
    nilai = aturan.angka_kredit(predikat, jenjang, bulan, aturan=atr)
    return AngkaKredit(nilai, bulan, jenjang, atr.persentase_angka_kredit[aturan.Predikat(
        predikat)], atr.koefisien_angka_kredit[jenjang])
