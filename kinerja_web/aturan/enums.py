"""Enumerations of the performance cycle; values are stored, labels are shown."""

from enum import StrEnum
from typing import TYPE_CHECKING, Self


class Berlabel(StrEnum):
    """StrEnum whose members carry an Indonesian UI label: `NAMA = "nilai", "Label"`."""

    _value_: str
    _label: str

    if TYPE_CHECKING:
        # Once the class is made, calling it looks a member up by its value: X("nilai").
        def __new__(cls, value: str) -> Self: ...
    else:
        def __new__(cls, value, label):
            obj = str.__new__(cls, value)
            obj._value_ = value
            obj._label = label
            return obj

    @property
    def label(self) -> str:
        """Indonesian label for the UI."""
        return self._label


class Rating(Berlabel):
    DI_ATAS = "di_atas", "Di Atas Ekspektasi"
    SESUAI = "sesuai", "Sesuai Ekspektasi"
    DI_BAWAH = "di_bawah", "Di Bawah Ekspektasi"


class Predikat(Berlabel):
    SANGAT_BAIK = "sangat_baik", "Sangat Baik"
    BAIK = "baik", "Baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan", "Butuh Perbaikan"
    KURANG = "kurang", "Kurang"
    SANGAT_KURANG = "sangat_kurang", "Sangat Kurang"

    @property
    def label_matriks(self) -> str:
        """Label as written in the PermenPANRB 6/2022 matrix."""
        return "Kurang/Misconduct" if self is Predikat.KURANG else self.label

    @property
    def label_cetak(self) -> str:
        """Label for printed documents, e.g. "SANGAT BAIK"."""
        return self.label.upper()

    @property
    def peringkat(self) -> int:
        """Position in the order best first (0 = Sangat Baik)."""
        return list(Predikat).index(self)

    @classmethod
    def urut(cls) -> tuple["Predikat", ...]:
        """All predikat, best first."""
        return tuple(cls)


class PKO(Berlabel):
    """Predikat Kinerja Organisasi of a school, set by the Dinas."""

    ISTIMEWA = "istimewa", "Istimewa"
    BAIK = "baik", "Baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan", "Butuh Perbaikan"
    KURANG = "kurang", "Kurang"
    SANGAT_KURANG = "sangat_kurang", "Sangat Kurang"


class JenjangJabatan(Berlabel):
    AHLI_PERTAMA = "ahli_pertama", "Ahli Pertama"
    AHLI_MUDA = "ahli_muda", "Ahli Muda"
    AHLI_MADYA = "ahli_madya", "Ahli Madya"
    AHLI_UTAMA = "ahli_utama", "Ahli Utama"


class JenjangSekolah(Berlabel):
    TK = "tk", "TK"
    SD = "sd", "SD"
    SMP = "smp", "SMP"
    SMA = "sma", "SMA"
    SMK = "smk", "SMK"
    SLB = "slb", "SLB"


class HasilObservasi(Berlabel):
    BELUM = "belum", "Belum dilakukan"
    BELUM_EFEKTIF = "belum_efektif", "Dilakukan tapi belum efektif"
    EFEKTIF = "efektif", "Dilakukan dan efektif"


class Keikutsertaan(Berlabel):
    """Whether an employee takes part in performance management in this app."""

    IKUT = "ikut", "Mengikuti pengelolaan kinerja"
    CLTN = "cltn", "Cuti di Luar Tanggungan Negara (CLTN)"
    SILN = "siln", "Bertugas di Sekolah Indonesia Luar Negeri (SILN)"
    KEMENAG = "kemenag", "ASN di satuan pendidikan Kemenag (PNS Depag)"
    DIPERBANTUKAN_SWASTA = "diperbantukan_swasta", "Diperbantukan di sekolah swasta"
    TUGAS_BELAJAR_DINAS = "tugas_belajar_dinas", "Tugas belajar dengan biaya instansi"


class Tahap(Berlabel):
    """A stage of the year's calendar (`[[kalender]]` of a rule set); a deadline is per stage."""

    PRA_PERENCANAAN = "pra_perencanaan", "Pra-perencanaan"
    PENGAJUAN_SKP = "pengajuan_skp", "Pengajuan SKP"
    PERSETUJUAN_SKP = "persetujuan_skp", "Persetujuan SKP"
    OBSERVASI = "observasi", "Observasi"
    REFLEKSI = "refleksi", "Refleksi"
    PENILAIAN = "penilaian", "Penilaian"
    PENETAPAN = "penetapan", "Penetapan"


class Posisi(Berlabel):
    """Whose SKP a catalogue belongs to."""

    GURU = "guru", "Guru"
    KEPALA_SEKOLAH = "kepala_sekolah", "Kepala Sekolah"


class JenisASN(Berlabel):
    PNS = "pns", "PNS"
    PPPK = "pppk", "PPPK"


class JenisJabatan(Berlabel):
    FUNGSIONAL = "fungsional", "Jabatan Fungsional"
    STRUKTURAL = "struktural", "Jabatan Struktural"
    PELAKSANA = "pelaksana", "Jabatan Pelaksana"


class KelompokKompetensi(Berlabel):
    PEDAGOGIK = "pedagogik", "Pedagogik"
    KEPRIBADIAN = "kepribadian", "Kepribadian"
    SOSIAL = "sosial", "Sosial"
    PROFESIONAL = "profesional", "Profesional"


class Batas(Berlabel):
    """Direction of a PKO distribution rule."""

    PALING_BANYAK = "paling_banyak", "paling banyak"
    PALING_SEDIKIT = "paling_sedikit", "paling sedikit"
