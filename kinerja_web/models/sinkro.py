"""Sinkro e-Kinerja: SIASN reference lists, e-Kinerja period settings, exports and the log.

The reference lists mirror what BKD/SIASN holds, per Dinas; they are replaced by an upload,
never edited by hand. The sync log is append-only: a row is written once per pegawai and
export attempt and never updated or deleted.
"""

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
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.extensions import Model
from kinerja_web.models.kolom import KolomTugasLatar, isi_enum, teks_enum
from kinerja_web.models.skp import PosisiSkp
from kinerja_web.waktu import sekarang


class TipePeriodik(StrEnum):
    BULANAN = "Bulanan"
    TRIWULANAN = "Triwulanan"
    TAHUNAN = "Tahunan"


TIPE_PERIODIK = tuple(TipePeriodik)


class JenisEkspor(StrEnum):
    """What an export sends (Ekspor.jenis, LogSinkro.jenis)."""

    PERENCANAAN = "perencanaan"
    PENILAIAN_AKHIR = "penilaian_akhir"
    PENILAIAN_PERIODIK = "penilaian_periodik"


class TipeSkp(StrEnum):
    """The SKP type as the sync log words it (LogSinkro.tipe_skp)."""

    GURU = "guru"
    KEPALA_SEKOLAH = "kepala sekolah"


class StatusLog(StrEnum):
    """The outcome of one row of the sync log, worded as e-Kinerja's Log Sinkronisasi."""

    BERHASIL = "Berhasil"
    GAGAL = "Gagal"


class UnitKerja(Model):
    """One row of SIASN's "Referensi Unit Kerja" (UNOR) as uploaded by the Operator."""

    __tablename__ = "referensi_unor"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    unor_id: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str] = mapped_column(String(250))
    induk_id: Mapped[str | None] = mapped_column(String(64))
    aktif: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("dinas_id", "unor_id"),)


class AsnSiasn(Model):
    """One ASN as SIASN knows them (the Dinas' ASN list from BKD)."""

    __tablename__ = "asn_siasn"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    nip: Mapped[str] = mapped_column(String(18))
    nama: Mapped[str] = mapped_column(String(150))
    unor_id: Mapped[str] = mapped_column(String(64))
    jabatan: Mapped[str | None] = mapped_column(String(150))
    golongan: Mapped[str | None] = mapped_column(String(40))
    atasan_nip: Mapped[str | None] = mapped_column(String(18))

    __table_args__ = (UniqueConstraint("dinas_id", "nip"),)


class PeriodeEkinerja(Model):
    """A period of the instance's e-Kinerja settings ("List periode yang ada di e-Kinerja")."""

    __tablename__ = "periode_ekinerja"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    nama: Mapped[str] = mapped_column(String(80))
    # Empty: the period applies to every year (as in e-Kinerja's own form).
    tahun: Mapped[int | None]
    mulai: Mapped[date] = mapped_column(Date)
    selesai: Mapped[date] = mapped_column(Date)
    batas: Mapped[date] = mapped_column(Date)
    tipe_periodik: Mapped[TipePeriodik | None] = mapped_column(teks_enum(TipePeriodik, 12))
    angka_periodik: Mapped[int | None]
    versi: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        CheckConstraint("tipe_periodik IS NULL OR tipe_periodik IN "
                        "('Bulanan', 'Triwulanan', 'Tahunan')", name="tipe"),
    )


class Ekspor(Model):
    """One export attempt (bulk, command line or one "Sinkro ulang"): what was sent and how."""

    __tablename__ = "ekspor_ekinerja"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    jenis: Mapped[JenisEkspor] = mapped_column(teks_enum(JenisEkspor, 20))
    lingkup: Mapped[str] = mapped_column(String(200))
    pengirim: Mapped[str] = mapped_column(String(30), default="berkas")
    versi_format: Mapped[str] = mapped_column(String(10))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)
    jumlah_diekspor: Mapped[int] = mapped_column(default=0)
    jumlah_gagal: Mapped[int] = mapped_column(default=0)
    jumlah_rhk: Mapped[int] = mapped_column(default=0)
    jumlah_indikator: Mapped[int] = mapped_column(default=0)
    # sha256 of the JSON Lines file; the manifest lists every file's checksum.
    sha256: Mapped[str] = mapped_column(String(64))
    manifes: Mapped[dict] = mapped_column(JSON)
    # Kept in the database (not under instance/) so the files, the manifest and the log
    # rows commit together and every worker can serve them.
    jsonl: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        CheckConstraint(isi_enum("jenis", JenisEkspor), name="jenis"),
    )


class LogSinkro(Model):
    """Log Sinkronisasi: one row per pegawai (and SKP) per export attempt; append-only."""

    __tablename__ = "log_sinkro"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    ekspor_id: Mapped[int] = mapped_column(ForeignKey("ekspor_ekinerja.id"), index=True)
    pegawai_id: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"))
    posisi: Mapped[PosisiSkp] = mapped_column(teks_enum(PosisiSkp, 20))
    jenis: Mapped[JenisEkspor] = mapped_column(teks_enum(JenisEkspor, 20))
    nip: Mapped[str | None] = mapped_column(String(18))
    nama: Mapped[str] = mapped_column(String(150))
    tipe_skp: Mapped[TipeSkp] = mapped_column(teks_enum(TipeSkp, 20))
    status: Mapped[StatusLog] = mapped_column(teks_enum(StatusLog, 10))
    keterangan: Mapped[str | None] = mapped_column(Text)
    catatan: Mapped[str | None] = mapped_column(Text)
    rhk_masuk: Mapped[int | None]
    rhk_indikator_masuk: Mapped[int | None]
    # What the final sync counts: {"individu"|"organisasi": {"rhk", "indikator", "eviden",
    # "realisasi", "feedback"}} (format version 2; None before it and on failed rows).
    rincian: Mapped[dict | None] = mapped_column(JSON)
    waktu: Mapped[datetime] = mapped_column(default=sekarang)

    @property
    def jumlah_masuk(self) -> list[str]:
        """The success line's counts as the platform's sync result words them (seed 001)."""
        r = self.rincian or {}
        if "periode" in r:
            return [f"Periode Masuk : {r['periode']}"]
        if not r:
            return [f"RHK Masuk : {self.rhk_masuk}",
                    f"RHK Indikator Masuk : {self.rhk_indikator_masuk}"]
        out = []
        for kunci, judul in (("individu", "RHK Individu"), ("organisasi", "RHK Organisasi")):
            j = r.get(kunci) or {}
            out += [f"- {judul}", f"RHK Masuk : {j.get('rhk', 0)}",
                    f"RHK Indikator Masuk : {j.get('indikator', 0)}"]
            if self.jenis == JenisEkspor.PENILAIAN_AKHIR:
                out += [f"Eviden Masuk : {j.get('eviden', 0)}",
                        f"Realisasi Masuk : {j.get('realisasi', 0)}",
                        f"Feedback Masuk : {j.get('feedback', 0)}"]
        return out

    __table_args__ = (
        CheckConstraint(isi_enum("status", StatusLog), name="status"),
        CheckConstraint(isi_enum("tipe_skp", TipeSkp), name="tipe_skp"),
        Index("ix_log_sinkro_dinas_status", "dinas_id", "status"),
        Index("ix_log_sinkro_dinas_nip", "dinas_id", "nip"),
    )


class LogHanyaDitambah(RuntimeError):
    """An attempt to change or delete a row of the append-only sync log."""


@event.listens_for(LogSinkro, "before_update")
@event.listens_for(LogSinkro, "before_delete")
def _tolak_ubah_log(mapper, connection, target):
    # The log is evidence of what was sent; a correction is a new attempt, never an edit.
    raise LogHanyaDitambah("Log Sinkronisasi hanya dapat ditambah, tidak diubah atau dihapus.")


class StatusTugas(StrEnum):
    """A whole-Dinas export job: queued, running (by `pekerja`), then done, failed or
    cancelled (the same states as a batch print)."""

    ANTRI = "antri"
    BERJALAN = "berjalan"
    SELESAI = "selesai"
    GAGAL = "gagal"
    DIBATALKAN = "dibatalkan"

    @classmethod
    def terbuka(cls) -> tuple["StatusTugas", ...]:
        """The states of a job still to finish (it can be followed, joined or cancelled)."""
        return cls.ANTRI, cls.BERJALAN


class TahapEkspor(StrEnum):
    """Where a running export is: the pre-check (with the records of who passes), the
    files put together, the export and its log rows stored."""

    CEK = "cek"
    SUSUN = "susun"
    SIMPAN = "simpan"

    @property
    def label(self) -> str:
        return {"cek": "Cek kesiapan", "susun": "Menyusun berkas",
                "simpan": "Menyimpan hasil"}[self.value]


# At most one open job per Dinas, kind and year: the partial unique index (SQLite and
# PostgreSQL) makes a second start, however concurrent, fail and join the first.
TERBUKA_SQL = "status IN ('antri', 'berjalan')"


class TugasEkspor(KolomTugasLatar, Model):
    """The e-Kinerja export of a whole Dinas as a background job with its progress.

    Progress rows live here (no state outside the database and Redis): the phase, how many
    pegawai of the total are checked, the owner (machine|pid|start|random, as a batch
    print's) and its heartbeat. The export itself (files and log rows) is written in one
    transaction at the end, with `ekspor_id`; a job taken over from a dead owner runs again
    from the start (it is one consistent reading of the Dinas, nothing half is kept)."""

    __tablename__ = "tugas_ekspor"
    id: Mapped[int] = mapped_column(primary_key=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    jenis: Mapped[str] = mapped_column(String(20))
    tahun: Mapped[int]
    lingkup: Mapped[str] = mapped_column(String(200))
    status: Mapped[StatusTugas] = mapped_column(teks_enum(StatusTugas, 12),
                                                default=StatusTugas.ANTRI)
    tahap: Mapped[TahapEkspor | None] = mapped_column(teks_enum(TahapEkspor, 10))
    diproses: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    ekspor_id: Mapped[int | None] = mapped_column(ForeignKey("ekspor_ekinerja.id"))

    __table_args__ = (
        Index("uq_tugas_ekspor_terbuka", "dinas_id", "jenis", "tahun", unique=True,
              sqlite_where=text(TERBUKA_SQL), postgresql_where=text(TERBUKA_SQL)),
        Index("ix_tugas_ekspor_dinas_id", "dinas_id", "id"),
    )

    @property
    def persen(self):
        if self.status == StatusTugas.SELESAI:
            return 100
        return int(100 * self.diproses / self.total) if self.total else 0
