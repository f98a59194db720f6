"""Organisation: Dinas, Sekolah, Pegawai, role assignments and the performance year."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import Berlabel, JenjangSekolah, Keikutsertaan
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.waktu import sekarang

JENJANG_SEKOLAH = tuple(JenjangSekolah)


class StatusSekolah(StrEnum):
    NEGERI = "negeri"
    SWASTA = "swasta"


STATUS_SEKOLAH = tuple(StatusSekolah)


class StatusKepegawaian(StrEnum):
    PNS = "PNS"
    PPPK = "PPPK"
    NON_ASN = "NON_ASN"


STATUS_KEPEGAWAIAN = tuple(StatusKepegawaian)
ASN = (StatusKepegawaian.PNS, StatusKepegawaian.PPPK)


class TingkatDinas(StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    PROVINSI = "provinsi"


class JenisKelamin(StrEnum):
    L = "L"
    P = "P"


def _in(column, values):
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Dinas(Model):
    """A Dinas Pendidikan: the organisation that hosts this instance."""

    __tablename__ = "dinas"
    id: Mapped[int] = mapped_column(primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    tingkat: Mapped[TingkatDinas] = mapped_column(teks_enum(TingkatDinas, 20))
    wilayah: Mapped[str] = mapped_column(String(120))
    nama_pemda: Mapped[str | None] = mapped_column(String(200))
    alamat: Mapped[str | None] = mapped_column(String(300))
    telepon: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))
    laman: Mapped[str | None] = mapped_column(String(120))
    kota_ttd: Mapped[str | None] = mapped_column(String(80))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(40))
    # The Garuda emblem, uploaded by the Dinas like the logo (never fetched, never shipped),
    # printed at the top of every document instead of the Dinas letterhead when chosen.
    garuda: Mapped[bytes | None] = mapped_column(LargeBinary)
    garuda_mime: Mapped[str | None] = mapped_column(String(40))
    kop_garuda: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The official above the Kepala Dinas (atasan PPK on a principal's documents).
    atasan_kadis_nama: Mapped[str | None] = mapped_column(String(150))
    atasan_kadis_nip: Mapped[str | None] = mapped_column(String(18))
    atasan_kadis_pangkat: Mapped[str | None] = mapped_column(String(80))
    atasan_kadis_jabatan: Mapped[str | None] = mapped_column(String(150))
    # Electronic signatures (kinerja_web/tte.py): the mode ("" none, "p12", "remote"),
    # the documents signed, and whether principals sign as PPK where the Dinas allows.
    # The certificate and its secrets are never stored here (KINERJA_TTE_* only).
    tte_mode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    tte_dokumen: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    tte_kepsek: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        CheckConstraint(_in("tingkat", tuple(TingkatDinas)), name="tingkat"),
    )

    sekolah: Mapped[list["Sekolah"]] = relationship(back_populates="dinas")


class Sekolah(Model):
    """A satuan pendidikan under a Dinas."""

    __tablename__ = "sekolah"
    id: Mapped[int] = mapped_column(primary_key=True)
    npsn: Mapped[str] = mapped_column(String(8), unique=True)
    nama: Mapped[str] = mapped_column(String(200))
    jenjang: Mapped[JenjangSekolah] = mapped_column(teks_enum(JenjangSekolah, 5))
    status: Mapped[StatusSekolah] = mapped_column(teks_enum(StatusSekolah, 10),
                                                  default=StatusSekolah.NEGERI)
    alamat: Mapped[str | None] = mapped_column(String(300))
    kecamatan: Mapped[str | None] = mapped_column(String(80))
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    # The school as SIASN / e-Kinerja knows it (Referensi Unit Kerja).
    unor_id: Mapped[str | None] = mapped_column(String(64))
    unor_nama: Mapped[str | None] = mapped_column(String(250))
    diubah: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)

    __table_args__ = (
        CheckConstraint(_in("jenjang", JENJANG_SEKOLAH), name="jenjang"),
        CheckConstraint(_in("status", STATUS_SEKOLAH), name="status"),
    )

    dinas: Mapped[Dinas] = relationship(back_populates="sekolah")


class Pegawai(Model):
    """A person on the roster: teacher, principal, Dinas official or staff."""

    __tablename__ = "pegawai"
    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    nuptk: Mapped[str | None] = mapped_column(String(16))
    nama: Mapped[str] = mapped_column(String(150))
    tempat_lahir: Mapped[str | None] = mapped_column(String(80))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[JenisKelamin | None] = mapped_column(teks_enum(JenisKelamin, 1))
    status_kepegawaian: Mapped[StatusKepegawaian] = mapped_column(
        teks_enum(StatusKepegawaian, 10))
    golongan: Mapped[str | None] = mapped_column(String(10))
    tmt_golongan: Mapped[date | None] = mapped_column(Date)
    jabatan: Mapped[str | None] = mapped_column(String(120))
    tmt_jabatan: Mapped[date | None] = mapped_column(Date)
    pendidikan: Mapped[str | None] = mapped_column(String(150))
    karpeg: Mapped[str | None] = mapped_column(String(30))
    masa_kerja_tahun: Mapped[int | None]
    masa_kerja_bulan: Mapped[int | None]
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    # Out-of-scope cases of SPEC §1 keep the person on the roster but outside the cycle.
    keikutsertaan: Mapped[Keikutsertaan] = mapped_column(teks_enum(Keikutsertaan, 30),
                                                         default=Keikutsertaan.IKUT)
    keikutsertaan_alasan: Mapped[str | None] = mapped_column(Text)
    keikutsertaan_mulai: Mapped[date | None] = mapped_column(Date)
    keikutsertaan_selesai: Mapped[date | None] = mapped_column(Date)
    # Contact from the roster (import columns `email`, `telepon`) or the profile: the daily
    # reminder digest goes to the e-mail, the "Kirim lewat WhatsApp" link to the phone.
    email: Mapped[str | None] = mapped_column(String(120))
    telepon: Mapped[str | None] = mapped_column(String(20))
    # False once the person unsubscribed from the digest (one-click link or profile).
    pengingat_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    diubah: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)

    __table_args__ = (
        CheckConstraint(_in("status_kepegawaian", STATUS_KEPEGAWAIAN), name="status"),
        CheckConstraint(_in("keikutsertaan", [k.value for k in Keikutsertaan]),
                        name="keikutsertaan"),
        CheckConstraint("jenis_kelamin IS NULL OR jenis_kelamin IN ('L', 'P')", name="jk"),
        Index("ix_pegawai_dinas_nama", "dinas_id", "nama"),
    )

    sekolah: Mapped[Sekolah | None] = relationship()
    dinas: Mapped[Dinas] = relationship()

    @property
    def ikut_siklus(self):
        """Whether this person's status is plain "ikut". Scope is per year: a status out of
        scope in 2025 may take part in 2026 (`ikut(atr)`, `syarat_ikut(atr)`)."""
        return self.keikutsertaan == Keikutsertaan.IKUT

    def ikut(self, atr):
        """Whether this person takes part in the year whose rule set is `atr` (SPEC §1, §11)."""
        return atr.ikut(self.keikutsertaan)

    @classmethod
    def syarat_ikut(cls, atr):
        """SQL: the pegawai takes part in the year whose rule set is `atr`."""
        return cls.keikutsertaan.in_([k.value for k in atr.keikutsertaan_ikut])


class Peran(StrEnum):
    """A dated role (Penugasan.peran); being a Guru is no assignment but the default."""

    KEPALA_SEKOLAH = "kepala_sekolah"
    PLT_KEPALA_SEKOLAH = "plt_kepala_sekolah"
    TIM_KERJA = "tim_kerja"
    KEPALA_DINAS = "kepala_dinas"
    OPERATOR_DINAS = "operator_dinas"


PERAN = tuple(Peran)
PERAN_LABEL = {
    "guru": "Guru",
    "kepala_sekolah": "Kepala Sekolah",
    "plt_kepala_sekolah": "Plt. Kepala Sekolah",
    "tim_kerja": "Tim Kerja",
    "kepala_dinas": "Kepala Dinas",
    "operator_dinas": "Operator Dinas",
}


class Penugasan(Model):
    """A dated role assignment; a person may hold several (a Plt. KS is also a Guru)."""

    __tablename__ = "penugasan"
    id: Mapped[int] = mapped_column(primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), index=True)
    peran: Mapped[Peran] = mapped_column(teks_enum(Peran, 30))
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    mulai: Mapped[date] = mapped_column(Date)
    selesai: Mapped[date | None] = mapped_column(Date)
    nomor_sk: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (
        CheckConstraint(_in("peran", PERAN), name="peran"),
        CheckConstraint(
            "sekolah_id IS NOT NULL OR peran NOT IN ('kepala_sekolah', 'plt_kepala_sekolah')",
            name="sekolah_ks",
        ),
    )

    pegawai: Mapped[Pegawai] = relationship()
    sekolah: Mapped[Sekolah | None] = relationship()

    @classmethod
    def aktif_pada(cls, tanggal):
        """SQL condition: the assignment is in force on the given date."""
        return (cls.mulai <= tanggal) & or_(cls.selesai.is_(None), cls.selesai >= tanggal)

    @property
    def label(self):
        return PERAN_LABEL[self.peran]


class TahunKinerja(Model):
    """A performance year and the rule set (aturan/data/<name>.toml) it follows."""

    __tablename__ = "tahun_kinerja"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun: Mapped[int] = mapped_column(unique=True)
    aturan: Mapped[str] = mapped_column(String(20))
    aktif: Mapped[bool] = mapped_column(default=True)


class StatusTahun(Berlabel):
    """A performance year's state in one Dinas: prepared (rules and roster checked, only
    the Dinas staff see it), running (planning to penetapan, printing, export), closed
    (read-only: printing, verification and export only)."""

    PERSIAPAN = "persiapan", "Persiapan"
    BERJALAN = "berjalan", "Berjalan"
    DITUTUP = "ditutup", "Ditutup"


class TahunDinas(Model):
    """A performance year as one Dinas runs it (several Dinas may share an instance)."""

    __tablename__ = "tahun_dinas"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    status: Mapped[StatusTahun] = mapped_column(teks_enum(StatusTahun, 10),
                                                default=StatusTahun.PERSIAPAN)
    versi: Mapped[int] = mapped_column(default=1)
    dibuka: Mapped[datetime] = mapped_column(default=sekarang)
    dibuka_oleh: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    dimulai: Mapped[datetime | None]
    dimulai_oleh: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    ditutup: Mapped[datetime | None]
    ditutup_oleh: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))

    __table_args__ = (
        UniqueConstraint("dinas_id", "tahun_id"),
        CheckConstraint(isi_enum("status", StatusTahun), name="status"),
    )

    tahun: Mapped[TahunKinerja] = relationship()

    @property
    def label_status(self) -> str:
        return StatusTahun(self.status).label


class PlotTimKerja(Model):
    """A principal assigned to a Tim Kerja member for one performance year."""

    __tablename__ = "plot_tim_kerja"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    tim_kerja_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), index=True)
    kepala_sekolah_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))

    __table_args__ = (UniqueConstraint("tahun_id", "kepala_sekolah_id"),)

    tahun: Mapped[TahunKinerja] = relationship()
    tim_kerja: Mapped[Pegawai] = relationship(foreign_keys=[tim_kerja_id])
    kepala_sekolah: Mapped[Pegawai] = relationship(foreign_keys=[kepala_sekolah_id])
