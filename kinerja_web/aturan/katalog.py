"""Typed catalogue items and the `Aturan` rule set of one performance year."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from .enums import (
    PKO,
    Batas,
    HasilObservasi,
    JenisASN,
    JenisJabatan,
    JenjangJabatan,
    Keikutsertaan,
    KelompokKompetensi,
    Posisi,
    Predikat,
    Rating,
    Tahap,
)

T = TypeVar("T")


class Katalog(Generic[T]):
    """Ordered, read-only catalogue: iterating yields items; `katalog[kode]` looks one up.

    `katalog[kode]` raises KeyError for an unknown kode; `katalog.get(kode)` returns None.
    """

    __slots__ = ("_items", "_by_key", "_judul")

    def __init__(self, items: tuple[T, ...], key: Callable[[T], str], judul: str) -> None:
        self._items = items
        self._by_key = {key(item): item for item in items}
        self._judul = judul

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, kode: object) -> bool:
        return kode in self._by_key

    def __getitem__(self, kode: str) -> T:
        try:
            return self._by_key[kode]
        except KeyError:
            raise KeyError(f"Kode '{kode}' tidak ada di katalog {self._judul}.") from None

    def __repr__(self) -> str:
        return f"Katalog({self._judul}, {len(self._items)} butir)"

    def get(self, kode: str, default: T | None = None) -> T | None:
        """The item with this kode, or `default`."""
        return self._by_key.get(kode, default)

    @property
    def kode(self) -> tuple[str, ...]:
        """All keys in catalogue order."""
        return tuple(self._by_key)


@dataclass(frozen=True, kw_only=True)
class TugasPokok:
    kode: str
    rhk: str
    sumber: str
    keyakinan: str
    butuh_tugas_tambahan: bool = False
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class IndikatorPraktik:
    kode: str
    aspek: str
    sub_indikator: str
    fokus_perilaku_sumber: str
    fokus_perilaku_keyakinan: str
    sumber: str
    keyakinan: str
    rhk: str = ""  # empty only for a placeholder
    fokus_perilaku: tuple[str, ...] = ()
    fokus_perilaku_lengkap: bool = False
    placeholder: bool = False
    catatan: str = ""

    @property
    def boleh_ketik_fokus(self) -> bool:
        """Whether the teacher may type an own fokus perilaku (catalogue incomplete)."""
        return not self.fokus_perilaku_lengkap


@dataclass(frozen=True, kw_only=True)
class Kompetensi:
    kode: str
    kelompok: KelompokKompetensi
    teks: str
    rhk: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class KomponenPerilaku:
    kode: str
    label: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class AspekPerilaku:
    kode: str
    nama: str
    panduan: tuple[str, ...]
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class Dokumen:
    kode: str
    nama: str
    penjelasan: str
    sumber: str
    keyakinan: str
    butuh_tugas_tambahan: bool = False
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class Golongan:
    kode: str
    jenis: JenisASN
    sumber: str
    keyakinan: str
    pangkat: str = ""  # PPPK grades have no pangkat
    catatan: str = ""

    @property
    def label(self) -> str:
        """E.g. "Penata Muda, III/a" for PNS, "Golongan IX" for PPPK."""
        if self.jenis is JenisASN.PNS:
            return f"{self.pangkat}, {self.kode}"
        return f"Golongan {self.kode}"


@dataclass(frozen=True, kw_only=True)
class Jabatan:
    nama: str
    jenis: JenisJabatan
    sumber: str
    keyakinan: str
    jenjang: JenjangJabatan | None = None
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class IsiSkp:
    """How an RHK is printed on the SKP and sent to e-Kinerja: aspek, indicator, target.

    `indikator` may hold {sub_indikator}, {teks} or {nama} (the chosen item's words)."""

    kode: str  # praktik, kompetensi, tugas_tambahan
    aspek: str
    indikator: str
    target: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class RhkOrganisasi:
    """An organisational RHK of the principal's SKP as e-Kinerja holds it (SPEC §12)."""

    kode: str
    rhk: str
    indikator: str
    target: str
    perspektif: str
    bukti: tuple[str, ...] = ()  # codes of the principal's dokumen akuntabilitas (§3.7)
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class Intervensi:
    """Which organisational RHK of the atasan a teacher RHK (by category) intervenes."""

    kode: str  # praktik, kompetensi, tugas_tambahan
    rhk_organisasi: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class BuktiDukung:
    """The confirmed dokumen akuntabilitas that stand as evidence of an individual RHK."""

    kode: str  # praktik, kompetensi, tugas_tambahan
    guru: tuple[str, ...] = ()
    kepala_sekolah: tuple[str, ...] = ()
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class LabelEkinerja:
    """A rating as e-Kinerja spells it ("DIATAS EKSPEKTASI")."""

    kode: str
    label: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class LampiranSkp:
    """One section of "LAMPIRAN SASARAN KINERJA PEGAWAI"."""

    kode: str
    judul: str
    butir: tuple[str, ...]
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class StatusTidakIkut:
    """An out-of-scope participation status and why (SPEC §1)."""

    kode: Keikutsertaan
    label: str
    penjelasan: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class CakupanIkut:
    """A participation status that takes part in this year although an earlier year left it
    out (e.g. 2026: ASN diperbantukan di sekolah swasta)."""

    kode: Keikutsertaan
    penjelasan: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class CakupanTermasuk:
    """A group of pegawai the year's scope names explicitly (e.g. Guru Pendidikan Khusus)."""

    kode: str
    uraian: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class KomponenKinerja:
    """One of the components of the year's performance management (2026: five, SPEC §11)."""

    kode: str
    nama: str
    uraian: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class TahapKalender:
    """A stage of the year's calendar: its dates and whether its end is enforced.

    `nama` is the stage as a sentence names it ("pengajuan SKP"); `ditegakkan` makes
    `selesai` a deadline the app refuses after (unless the Dinas extended it for a person).
    """

    tahap: Tahap
    nama: str
    selesai: date
    sumber: str
    keyakinan: str
    mulai: date | None = None
    komponen: str = ""
    ditegakkan: bool = False
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class PertanyaanTerbuka:
    kode: str
    teks: str
    sumber: str
    terkait: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Kriteria:
    kode: str
    label: str
    sumber: str
    keyakinan: str
    catatan: str = ""


@dataclass(frozen=True, kw_only=True)
class AturanNilaiDokumen:
    """How the atasan scores the Dokumen tindak lanjut and Dokumen refleksi, and how those
    two with the Rating observasi make one vote for the Rating Hasil Kerja (SPEC §2.5)."""

    skala: Mapping[int, str]  # {nilai: label}, ascending
    skor_observasi: Mapping[HasilObservasi, int]
    di_atas_rata_rata_paling_sedikit: Decimal
    di_bawah_rata_rata_kurang_dari: Decimal
    sumber: str
    keyakinan: str


@dataclass(frozen=True, kw_only=True)
class AturanRatingHasil:
    kriteria: tuple[Kriteria, ...]
    di_atas_paling_sedikit: int
    di_atas_di_bawah_paling_banyak: int
    di_bawah_paling_sedikit: int
    sumber: str
    keyakinan: str
    dokumen: AturanNilaiDokumen | None = None


@dataclass(frozen=True, kw_only=True)
class AturanRatingPerilaku:
    skor: Mapping[Rating, int]
    di_atas_rata_rata_paling_sedikit: Decimal
    di_bawah_rata_rata_kurang_dari: Decimal
    sumber: str
    keyakinan: str


@dataclass(frozen=True, kw_only=True)
class KaidahDistribusi:
    """One PKO distribution rule, e.g. "Sangat Baik paling banyak 70%"."""

    predikat: tuple[Predikat, ...]
    batas: Batas
    persen: Decimal | None
    jumlah: int | None
    pembulatan: str  # "bawah" | "atas"
    sumber: str
    keyakinan: str

    @property
    def nama_predikat(self) -> str:
        """The predikat names joined, e.g. "Butuh Perbaikan atau Kurang"."""
        return " atau ".join(p.label for p in self.predikat)

    @property
    def teks(self) -> str:
        """The rule as shown to the principal."""
        if self.batas is Batas.PALING_BANYAK and self.persen == 0:
            return f"Tidak boleh ada predikat {self.nama_predikat}"
        return f"Predikat {self.nama_predikat} {self.batas.label} {self._ukuran}"

    @property
    def _ukuran(self) -> str:
        if self.persen is None:
            return f"{self.jumlah} pegawai"
        return f"{_format_persen(self.persen)}%"

    def batas_jumlah(self, n: int) -> int:
        """Allowed count for n assessed employees (bound of the rule)."""
        if self.persen is None:
            return self.jumlah or 0
        exact = self.persen * n / 100
        return math.floor(exact) if self.pembulatan == "bawah" else math.ceil(exact)

    def pesan(self, n: int, aktual: int) -> str:
        """Indonesian warning for a violation with n employees and the actual count."""
        if self.batas is Batas.PALING_BANYAK and self.persen == 0:
            return f"Predikat {self.nama_predikat} tidak boleh ada, saat ini {aktual}."
        if self.persen is None:
            return f"{self.teks}, saat ini {aktual}."
        if self.batas is Batas.PALING_BANYAK and self.batas_jumlah(n) == 0:
            # Few people: the percentage rounds down to nobody; say so plainly.
            return (f"Dengan {n} pegawai, predikat {self.nama_predikat} belum boleh diberikan "
                    f"kepada siapa pun ({self._ukuran} dari {n} pegawai dibulatkan ke bawah "
                    f"menjadi 0), saat ini {aktual}.")
        return f"{self.teks} ({self.batas_jumlah(n)} dari {n} pegawai), saat ini {aktual}."


def _format_persen(persen: Decimal) -> str:
    text = format(persen.normalize(), "f")
    return text.replace(".", ",")


@dataclass(frozen=True, kw_only=True, eq=False)
class Aturan:
    """The catalogues and tunable rules of one performance year (loaded by `muat_aturan`)."""

    nama: str
    tahun: int
    judul: str
    periode_mulai: date
    periode_selesai: date
    pertanyaan_terbuka: tuple[PertanyaanTerbuka, ...]
    perilaku: Katalog[AspekPerilaku]
    komponen_perilaku: Katalog[KomponenPerilaku]
    ekspektasi_khusus_bawaan: str
    fokus_perilaku_paling_sedikit: int
    fokus_perilaku_paling_banyak: int
    dokumen_catatan: str
    daftar_golongan: Katalog[Golongan]
    daftar_jabatan: Katalog[Jabatan]
    tidak_ikut: Katalog[StatusTidakIkut]
    ikut_tahun_ini: Katalog[CakupanIkut]
    cakupan_termasuk: Katalog[CakupanTermasuk]
    komponen: Katalog[KomponenKinerja]
    kalender: Katalog[TahapKalender]
    isi_skp: Katalog[IsiSkp]
    lampiran_skp: Katalog[LampiranSkp]
    rhk_organisasi: Katalog[RhkOrganisasi]
    intervensi: Katalog[Intervensi]
    bukti_dukung: Katalog[BuktiDukung]
    label_ekinerja: Katalog[LabelEkinerja]
    aturan_periodik: str
    matriks_predikat: Mapping[tuple[Rating, Rating], Predikat]
    pko_ke_rating_hasil: Mapping[PKO, Rating]
    rating_hasil: AturanRatingHasil
    rating_perilaku: AturanRatingPerilaku
    distribusi: Mapping[PKO, tuple[KaidahDistribusi, ...]]
    persentase_angka_kredit: Mapping[Predikat, Decimal]
    koefisien_angka_kredit: Mapping[JenjangJabatan, Decimal]
    kode_bulan_pppk: frozenset[int]
    tahun_lahir_paling_awal: int
    usia_paling_muda: int
    npsn_digit: int
    nuptk_digit: int
    _tugas_pokok: Mapping[Posisi, Katalog[TugasPokok]] = field(repr=False)
    _praktik: Mapping[Posisi, Katalog[IndikatorPraktik]] = field(repr=False)
    _kompetensi: Mapping[Posisi, Katalog[Kompetensi]] = field(repr=False)
    _dokumen: Mapping[Posisi, Katalog[Dokumen]] = field(repr=False)
    dasar: str | None = None
    sama_dengan_dasar: tuple[str, ...] = ()

    def ikut(self, keikutsertaan: Keikutsertaan | str) -> bool:
        """Whether a pegawai with this participation status takes part in this year."""
        return Keikutsertaan(keikutsertaan) not in self.tidak_ikut

    @property
    def keikutsertaan_ikut(self) -> tuple[Keikutsertaan, ...]:
        """The participation statuses that take part this year (for a query's IN list)."""
        return tuple(k for k in Keikutsertaan if k not in self.tidak_ikut)

    def tenggat(self, tahap: Tahap | str) -> date | None:
        """The enforced deadline (last day allowed) of a stage, None when not enforced."""
        item = self.kalender.get(Tahap(tahap))
        return item.selesai if item is not None and item.ditegakkan else None

    def status_tidak_ikut(self, keikutsertaan: Keikutsertaan | str) -> StatusTidakIkut | None:
        """Why this status is out of scope this year, or None when it takes part."""
        return self.tidak_ikut.get(Keikutsertaan(keikutsertaan))
    # SKP in parts (a Mutasi in the year): [skp_bagian] of the data file.
    predikat_tahunan_bagian: str = "periode_terpanjang"
    bulan_angka_kredit_bagian: str = "hari_terbanyak"
    skp_bagian_sumber: str = ""
    skp_bagian_keyakinan: str = ""

    def rating_ekinerja(self, rating: Rating | str | None) -> str | None:
        """A rating as e-Kinerja spells it, e.g. "DIATAS EKSPEKTASI"."""
        if rating is None:
            return None
        kode = Rating(rating).value
        item = self.label_ekinerja.get(kode)
        return item.label if item is not None else Rating(rating).label.upper()

    def rhk_diintervensi(self, kategori: str) -> RhkOrganisasi | None:
        """The principal's organisational RHK a teacher RHK of this category intervenes."""
        i = self.intervensi.get(kategori)
        return self.rhk_organisasi.get(i.rhk_organisasi) if i is not None else None

    def tugas_pokok(self, posisi: Posisi | str) -> Katalog[TugasPokok]:
        """Tugas pokok RHK for "guru" (5M) or "kepala_sekolah"."""
        return self._tugas_pokok[_posisi(posisi)]

    def praktik(self, posisi: Posisi | str) -> Katalog[IndikatorPraktik]:
        """Praktik kinerja indicators (D.1 for guru, D.3 for kepala_sekolah), placeholders too."""
        return self._praktik[_posisi(posisi)]

    def pilihan_praktik(self, posisi: Posisi | str) -> tuple[IndikatorPraktik, ...]:
        """Praktik kinerja indicators that can be picked (no placeholders)."""
        return tuple(i for i in self.praktik(posisi) if not i.placeholder)

    def kompetensi(self, posisi: Posisi | str) -> Katalog[Kompetensi]:
        """Competency indicators of the guru or kepala_sekolah competency model."""
        return self._kompetensi[_posisi(posisi)]

    def dokumen(self, posisi: Posisi | str) -> Katalog[Dokumen]:
        """Dokumen akuntabilitas: a teacher's are confirmed by his principal, a principal's
        by himself and validated by his atasan."""
        return self._dokumen[_posisi(posisi)]

    def golongan(self, kode: str) -> Golongan:
        """Golongan by kode ("III/a", "IX"); KeyError if unknown."""
        return self.daftar_golongan[kode]

    def jabatan(self, nama: str) -> Jabatan:
        """Jabatan by name ("Guru Ahli Muda"); KeyError if unknown."""
        return self.daftar_jabatan[nama]

    def kaidah_distribusi(self, pko: PKO | str) -> tuple[KaidahDistribusi, ...]:
        """Distribution rules that apply under this PKO."""
        return self.distribusi[PKO(pko)]


def _posisi(posisi: Posisi | str) -> Posisi:
    try:
        return Posisi(posisi)
    except ValueError:
        raise ValueError(
            f"Posisi '{posisi}' tidak dikenal; gunakan 'guru' atau 'kepala_sekolah'."
        ) from None
