"""Rules that compute: ratings, predikat, PKO distribution and angka kredit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

from .enums import PKO, Batas, HasilObservasi, JenjangJabatan, Predikat, Rating, Tahap
from .katalog import Aturan, KaidahDistribusi
from .muat import muat_aturan


def predikat_kinerja(
    rating_hasil: Rating | str, rating_perilaku: Rating | str, *, aturan: Aturan | None = None
) -> Predikat:
    """Predikat Kinerja Pegawai from the matrix (rows: hasil kerja, columns: perilaku kerja)."""
    a = aturan or muat_aturan()
    return a.matriks_predikat[Rating(rating_hasil), Rating(rating_perilaku)]


def rating_dokumen(
    hasil_observasi: Iterable[HasilObservasi | str],
    nilai_tindak_lanjut: int | None,
    nilai_refleksi: int | None,
    *,
    aturan: Aturan | None = None,
) -> Rating | None:
    """The vote of the three praktik documents (Rating observasi, Nilai Dokumen Tindak
    Lanjut, Nilai Dokumen Refleksi Tindak Lanjut), or None while a score is missing or the
    year has no document rule (then the criteria decide alone, as before)."""
    kaidah = (aturan or muat_aturan()).rating_hasil.dokumen
    hasil = [HasilObservasi(h) for h in hasil_observasi]
    if kaidah is None or nilai_tindak_lanjut is None or nilai_refleksi is None or not hasil:
        return None
    for n in (nilai_tindak_lanjut, nilai_refleksi):
        if n not in kaidah.skala:
            raise ValueError(f"Nilai dokumen {n!r} di luar skala {min(kaidah.skala)}-"
                             f"{max(kaidah.skala)}.")
    observasi = Fraction(sum(kaidah.skor_observasi[h] for h in hasil), len(hasil))
    rata = (observasi + nilai_tindak_lanjut + nilai_refleksi) / 3
    # Exact fractions: no rounding decides a borderline mean.
    if rata >= Fraction(kaidah.di_atas_rata_rata_paling_sedikit):
        return Rating.DI_ATAS
    if rata < Fraction(kaidah.di_bawah_rata_rata_kurang_dari):
        return Rating.DI_BAWAH
    return Rating.SESUAI


def rekomendasi_rating_hasil(
    upaya_refleksi: Rating | str,
    upaya_mempelajari: Rating | str,
    perubahan_praktik: Rating | str,
    *,
    dokumen: Rating | str | None = None,
    aturan: Aturan | None = None,
) -> Rating:
    """Recommended Rating Hasil Kerja from the three praktik kinerja criteria, and the
    documents' vote (`rating_dokumen`) as a fourth vote when there is one."""
    kaidah = (aturan or muat_aturan()).rating_hasil
    nilai = [Rating(x) for x in (upaya_refleksi, upaya_mempelajari, perubahan_praktik)]
    if dokumen is not None:
        nilai.append(Rating(dokumen))
    di_atas = nilai.count(Rating.DI_ATAS)
    di_bawah = nilai.count(Rating.DI_BAWAH)
    # Checked in the order the rule is written; the 2025 thresholds make the cases disjoint.
    if (
        di_atas >= kaidah.di_atas_paling_sedikit
        and di_bawah <= kaidah.di_atas_di_bawah_paling_banyak
    ):
        return Rating.DI_ATAS
    if di_bawah >= kaidah.di_bawah_paling_sedikit:
        return Rating.DI_BAWAH
    return Rating.SESUAI


def rekomendasi_rating_perilaku(
    nilai: Iterable[Rating | str], *, aturan: Aturan | None = None
) -> Rating:
    """Recommended Rating Perilaku Kerja from all aspect × component ratings (14 in 2025).

    Raises ValueError unless exactly one rating per aspect and component is given.
    """
    a = aturan or muat_aturan()
    daftar = [Rating(x) for x in nilai]
    harus = len(a.perilaku) * len(a.komponen_perilaku)
    if len(daftar) != harus:
        komponen = " dan ".join(k.label for k in a.komponen_perilaku)
        raise ValueError(
            f"Rating Perilaku Kerja butuh {harus} nilai ({len(a.perilaku)} aspek × {komponen}),"
            f" yang diberikan {len(daftar)}."
        )
    kaidah = a.rating_perilaku
    total = sum(kaidah.skor[r] for r in daftar)
    # Compare totals instead of means so no division or rounding is involved.
    if total >= kaidah.di_atas_rata_rata_paling_sedikit * len(daftar):
        return Rating.DI_ATAS
    if total < kaidah.di_bawah_rata_rata_kurang_dari * len(daftar):
        return Rating.DI_BAWAH
    return Rating.SESUAI


def rating_hasil_dari_pko(pko: PKO | str, *, aturan: Aturan | None = None) -> Rating:
    """A principal's Rating Hasil Kerja derived from the school's PKO."""
    return (aturan or muat_aturan()).pko_ke_rating_hasil[PKO(pko)]


@dataclass(frozen=True)
class Pelanggaran:
    """A breached PKO distribution rule: bound and actual are head counts."""

    kaidah: KaidahDistribusi
    batas: int
    jumlah: int
    total: int
    pesan: str


def cek_distribusi(
    pko: PKO | str,
    jumlah_per_predikat: Mapping[Predikat | str, int],
    *,
    aturan: Aturan | None = None,
) -> list[Pelanggaran]:
    """Rules of the PKO that the school's predikat counts breach (empty list = compliant)."""
    a = aturan or muat_aturan()
    jumlah: dict[Predikat, int] = {}
    for predikat, banyak in jumlah_per_predikat.items():
        if isinstance(banyak, bool) or not isinstance(banyak, int) or banyak < 0:
            raise ValueError(f"Jumlah pegawai untuk {predikat} harus bilangan bulat >= 0.")
        jumlah[Predikat(predikat)] = banyak
    total = sum(jumlah.values())
    if total == 0:
        return []
    hasil = []
    for kaidah in a.kaidah_distribusi(pko):
        aktual = sum(jumlah.get(p, 0) for p in kaidah.predikat)
        batas = kaidah.batas_jumlah(total)
        if kaidah.batas is Batas.PALING_BANYAK:
            melanggar = aktual > batas
        else:
            melanggar = aktual < batas
        if melanggar:
            hasil.append(Pelanggaran(kaidah, batas, aktual, total, kaidah.pesan(total, aktual)))
    return hasil


def angka_kredit(
    predikat: Predikat | str,
    jenjang: JenjangJabatan | str,
    bulan: int = 12,
    *,
    aturan: Aturan | None = None,
) -> Decimal:
    """Angka kredit earned, unrounded: bulan/12 × persentase × koefisien."""
    if isinstance(bulan, bool) or not isinstance(bulan, int) or not 1 <= bulan <= 12:
        raise ValueError(f"Jumlah bulan harus 1 sampai 12, bukan {bulan!r}.")
    a = aturan or muat_aturan()
    persen = a.persentase_angka_kredit[Predikat(predikat)]
    koefisien = a.koefisien_angka_kredit[JenjangJabatan(jenjang)]
    # One division at the end keeps full precision; a fixed context ignores global changes.
    with localcontext(Context(prec=28)):
        return Decimal(bulan) * persen * koefisien / Decimal(1200)


def format_angka(d: Decimal | int | str, desimal: int = 2) -> str:
    """Indonesian number text, ROUND_HALF_UP: Decimal("2.0833") -> "2,08", 1234.5 -> "1.234,50"."""
    if desimal < 0:
        raise ValueError("Jumlah desimal tidak boleh negatif.")
    angka = Decimal(str(d)) if isinstance(d, float) else Decimal(d)
    angka = angka.quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
    if angka == 0:
        angka = abs(angka)
    teks = f"{angka:,.{desimal}f}"
    return teks.replace(",", "_").replace(".", ",").replace("_", ".")


def tenggat(atr: Aturan, tahap: Tahap | str) -> date | None:
    """The last day a stage of the year's calendar allows (its enforced deadline), or None
    when the year enforces none for it (2025: no stage is enforced). A person's extension
    granted by the Dinas is applied on top of this by `alur.tenggat.tenggat_pegawai`."""
    return atr.tenggat(tahap)


# ------------------------------------------------------------------ SKP in parts (a Mutasi)


@dataclass(frozen=True)
class BagianSkp:
    """One part of a year's SKP: its period and the predikat set for it (None: not yet)."""

    mulai: date
    selesai: date
    predikat: Predikat | None = None

    @property
    def hari(self) -> int:
        return (self.selesai - self.mulai).days + 1


def predikat_tahunan(bagian: Iterable[BagianSkp], *, aturan: Aturan | None = None
                     ) -> Predikat | None:
    """The yearly predikat from the parts, by the year's [skp_bagian] rule: the part with the
    longest period (a tie: the later one) or the last part. None while that part has no
    predikat yet or there is no part."""
    a = aturan or muat_aturan()
    urut = sorted(bagian, key=lambda b: b.mulai)
    if not urut:
        return None
    if a.predikat_tahunan_bagian == "bagian_terakhir":
        pilih = urut[-1]
    else:
        pilih = max(reversed(urut), key=lambda b: b.hari)
    return Predikat(pilih.predikat) if pilih.predikat is not None else None


def bulan_per_bagian(bagian: Iterable[BagianSkp], *, aturan: Aturan | None = None
                     ) -> list[int]:
    """Angka-kredit months of each part (in the given order): a calendar month belongs to
    the part that holds most of its days (a tie: the later part); a month no part touches
    counts for none. The months add up to the months worked."""
    a = aturan or muat_aturan()
    if a.bulan_angka_kredit_bagian != "hari_terbanyak":  # pragma: no cover (checked on load)
        raise ValueError(a.bulan_angka_kredit_bagian)
    daftar = list(bagian)
    hasil = [0] * len(daftar)
    if not daftar:
        return hasil
    awal = min(b.mulai for b in daftar)
    akhir = max(b.selesai for b in daftar)
    bulan = date(awal.year, awal.month, 1)
    while bulan <= akhir:
        berikut = date(bulan.year + bulan.month // 12, bulan.month % 12 + 1, 1)
        ujung = berikut - timedelta(days=1)
        terbaik, hari_terbaik = None, 0
        for i, b in sorted(enumerate(daftar), key=lambda x: x[1].mulai):
            hari = (min(ujung, b.selesai) - max(bulan, b.mulai)).days + 1
            if hari > 0 and hari >= hari_terbaik:
                terbaik, hari_terbaik = i, hari
        if terbaik is not None:
            hasil[terbaik] += 1
        bulan = berikut
    return hasil


def angka_kredit_bagian(
    bagian: Iterable[BagianSkp],
    jenjang: JenjangJabatan | str,
    *,
    aturan: Aturan | None = None,
) -> tuple[Decimal | None, list[int]]:
    """Angka kredit of the year from its parts: Σ bulan_i/12 × persentase(predikat_i) ×
    koefisien, and the months of each part. None while a part with months has no predikat."""
    a = aturan or muat_aturan()
    daftar = list(bagian)
    bulan = bulan_per_bagian(daftar, aturan=a)
    total = Decimal(0)
    for b, n in zip(daftar, bulan, strict=True):
        if n == 0:
            continue
        if b.predikat is None:
            return None, bulan
        total += angka_kredit(b.predikat, jenjang, n, aturan=a)
    return total, bulan
