"""Validators for NIP, NPSN and NUPTK; messages are shown to users as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .katalog import Aturan
from .muat import muat_aturan

_SPASI = re.compile(r"\s+")
_ANGKA = frozenset("0123456789")  # str.isdigit() would also accept "²" or Arabic-Indic digits


class NIPTidakValid(ValueError):
    """The NIP is malformed; the message says what is wrong, in Indonesian."""


class NPSNTidakValid(ValueError):
    """The NPSN is malformed; the message says what is wrong, in Indonesian."""


class NUPTKTidakValid(ValueError):
    """The NUPTK is malformed; the message says what is wrong, in Indonesian."""


@dataclass(frozen=True)
class InfoNIP:
    """What an 18-digit NIP encodes. For PPPK the TMT month is None (the field holds 21)."""

    nip: str
    tanggal_lahir: date
    tmt: tuple[int, int | None]
    jenis_kelamin: str  # "L" or "P"
    pppk: bool
    nomor_urut: str


def validasi_nip(
    nip: str, *, hari_ini: date | None = None, aturan: Aturan | None = None
) -> InfoNIP:
    """Check a NIP (whitespace removed, e.g. "19840910 202321 2 026") and decode it.

    Layout: birth date YYYYMMDD, TMT YYYYMM, sex digit 1/2, 3-digit serial. A TMT "month" in
    the rule set's `kode_bulan_pppk` (21 in 2025) marks a PPPK NIP. Raises NIPTidakValid.
    """
    a = aturan or muat_aturan()
    hari_ini = hari_ini or date.today()
    teks = _bersihkan(nip, "NIP", 18, NIPTidakValid)

    lahir = teks[:8]
    try:
        tanggal_lahir = date(int(lahir[:4]), int(lahir[4:6]), int(lahir[6:]))
    except ValueError:
        raise NIPTidakValid(
            f"Tanggal lahir pada NIP (digit 1-8: {lahir}) bukan tanggal yang valid."
        ) from None
    tahun_lahir_akhir = hari_ini.year - a.usia_paling_muda
    if not a.tahun_lahir_paling_awal <= tanggal_lahir.year <= tahun_lahir_akhir:
        raise NIPTidakValid(
            f"Tahun lahir pada NIP ({tanggal_lahir.year}) tidak wajar; seharusnya antara "
            f"{a.tahun_lahir_paling_awal} dan {tahun_lahir_akhir}."
        )

    tmt_tahun, kode_bulan = int(teks[8:12]), int(teks[12:14])
    pppk = kode_bulan in a.kode_bulan_pppk
    if not pppk and not 1 <= kode_bulan <= 12:
        kode_pppk = " atau ".join(str(k) for k in sorted(a.kode_bulan_pppk))
        raise NIPTidakValid(
            f"Bulan TMT pada NIP (digit 13-14: {teks[12:14]}) harus 01 sampai 12"
            + (f", atau {kode_pppk} untuk PPPK." if kode_pppk else ".")
        )
    tmt_paling_awal = tanggal_lahir.year + a.usia_paling_muda
    # One year ahead: a NIP can be issued before its TMT takes effect.
    if not tmt_paling_awal <= tmt_tahun <= hari_ini.year + 1:
        raise NIPTidakValid(
            f"Tahun TMT pada NIP (digit 9-12: {tmt_tahun}) tidak wajar; seharusnya antara "
            f"{tmt_paling_awal} ({a.usia_paling_muda} tahun setelah tahun lahir) "
            f"dan {hari_ini.year + 1}."
        )

    kelamin = teks[14]
    if kelamin not in "12":
        raise NIPTidakValid(
            f"Digit ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan), "
            f"bukan {kelamin}."
        )
    return InfoNIP(
        nip=teks,
        tanggal_lahir=tanggal_lahir,
        tmt=(tmt_tahun, None if pppk else kode_bulan),
        jenis_kelamin="L" if kelamin == "1" else "P",
        pppk=pppk,
        nomor_urut=teks[15:],
    )


def validasi_npsn(npsn: str, *, aturan: Aturan | None = None) -> str:
    """The NPSN without whitespace if it has exactly 8 digits; raises NPSNTidakValid."""
    digit = (aturan or muat_aturan()).npsn_digit
    return _bersihkan(npsn, "NPSN", digit, NPSNTidakValid)


def validasi_nuptk(nuptk: str | None, *, aturan: Aturan | None = None) -> str:
    """The NUPTK without whitespace ("" when not filled in, it is optional); 16 digits."""
    if not _SPASI.sub("", nuptk or ""):
        return ""
    digit = (aturan or muat_aturan()).nuptk_digit
    return _bersihkan(nuptk, "NUPTK", digit, NUPTKTidakValid)


def _bersihkan(nilai: str | None, nama: str, digit: int, galat: type[ValueError]) -> str:
    teks = _SPASI.sub("", nilai or "")
    if not teks:
        raise galat(f"{nama} belum diisi.")
    asing = next((c for c in teks if c not in _ANGKA), None)
    if asing is not None:
        raise galat(f"{nama} hanya boleh berisi angka; ada karakter '{asing}'.")
    if len(teks) != digit:
        raise galat(f"{nama} harus {digit} digit; yang diisi {len(teks)} digit.")
    return teks


class KontakTidakValid(ValueError):
    """An e-mail address or phone number is malformed; the message says why, in Indonesian."""


_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def validasi_email(nilai: str | None) -> str | None:
    """An e-mail address as stored (trimmed, lower-case domain), None when empty."""
    nilai = (nilai or "").strip()
    if not nilai:
        return None
    if len(nilai) > 120 or not _EMAIL.match(nilai) or ".." in nilai:
        raise KontakTidakValid(f"Alamat surel '{nilai}' tidak valid (contoh: nama@contoh.id).")
    lokal, domain = nilai.rsplit("@", 1)
    return f"{lokal}@{domain.lower()}"


def nomor_seluler(nilai: str | None) -> str | None:
    """An Indonesian mobile number as WhatsApp takes it (628…), None when empty:
    08… and +628… and 8… are accepted, spaces, dashes and brackets ignored."""
    asli = (nilai or "").strip()
    if not asli:
        return None
    d = re.sub(r"[\s\-().]", "", asli)
    if d.startswith("+"):
        d = d[1:]
    if not d or not set(d) <= _ANGKA:
        raise KontakTidakValid(f"Nomor telepon '{asli}' hanya boleh berisi angka "
                               "(contoh: 0812 3456 7890).")
    if d.startswith("0"):
        d = "62" + d[1:]
    elif d.startswith("8"):
        d = "62" + d
    if not d.startswith("628") or not 10 <= len(d) <= 15:
        raise KontakTidakValid(f"Nomor '{asli}' bukan nomor seluler Indonesia "
                               "(08… atau +628…, 10–13 angka).")
    return d
