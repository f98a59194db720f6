"""Printing: each printed document (for verification) and batch print jobs."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.extensions import Model
from kinerja_web.models.kolom import KolomTugasLatar, teks_enum
from kinerja_web.waktu import sekarang


class Cetakan(Model):
    """One printed document: its verification code and the values it showed."""

    __tablename__ = "cetakan"
    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), index=True)
    jenis: Mapped[str] = mapped_column(String(20))
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"), index=True)
    nilai: Mapped[dict] = mapped_column(JSON)
    akun_id: Mapped[int | None] = mapped_column(ForeignKey("akun.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("cetak_batch.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)


class StatusBatch(StrEnum):
    """A batch print: queued, being rendered (by `pekerja`), then done, failed or cancelled."""

    ANTRI = "antri"
    BERJALAN = "berjalan"
    SELESAI = "selesai"
    GAGAL = "gagal"
    DIBATALKAN = "dibatalkan"

    @classmethod
    def terbuka(cls) -> tuple["StatusBatch", ...]:
        """The states of a batch still to finish (it can be followed or cancelled)."""
        return cls.ANTRI, cls.BERJALAN


class CetakBatch(KolomTugasLatar, Model):
    """A batch print for the Dinas, rendered in chunks; resumable from the last chunk (the
    owner, heartbeat, error and times: KolomTugasLatar)."""

    __tablename__ = "cetak_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    akun_id: Mapped[int] = mapped_column(ForeignKey("akun.id"))
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    jenis: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(5))  # pdf or zip
    lingkup: Mapped[str] = mapped_column(String(200))  # for display: "SD NEGERI …", "Semua"
    daftar: Mapped[list] = mapped_column(JSON)  # SKP ids in print order
    ukuran_chunk: Mapped[int] = mapped_column(default=50)
    chunk_selesai: Mapped[int] = mapped_column(default=0)
    status: Mapped[StatusBatch] = mapped_column(teks_enum(StatusBatch, 12),
                                                default=StatusBatch.ANTRI)
    # The merged file's name; its bytes are a CetakBatchBerkas row (urutan -1), so every
    # web node serves it (a path under instance/cetak/ from before is still read).
    berkas: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_cetak_batch_akun_status", "akun_id", "status"),)

    @property
    def total(self):
        return len(self.daftar or [])

    @property
    def jumlah_chunk(self):
        return -(-self.total // self.ukuran_chunk) if self.total else 0

    @property
    def dokumen_selesai(self):
        return min(self.total, self.chunk_selesai * self.ukuran_chunk)

    @property
    def persen(self):
        return int(100 * self.dokumen_selesai / self.total) if self.total else 100


class DokumenTersimpan(Model):
    """A rendered document, stored under its verification code (render once, serve many).

    `sidik` is the SHA-256 of what was rendered (the HTML, which carries the code, the
    images and the print stylesheet): the code covers the printed values, the fingerprint
    also what the code does not (the school's curve, the letterhead). A print serves the
    row only when both match the current data; otherwise it renders and replaces it."""

    __tablename__ = "dokumen_tersimpan"
    id: Mapped[int] = mapped_column(primary_key=True)
    kode: Mapped[str] = mapped_column(String(16), unique=True)
    jenis: Mapped[str] = mapped_column(String(20))
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"))
    sidik: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    ukuran: Mapped[int]
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    # A signed document: the validation of its signature when stored (tte.periksa: who
    # signed, when, the certificate, intact); None for an unsigned one.
    ttd: Mapped[dict | None] = mapped_column(JSON)
    # The printed values (a Cetakan's `nilai`): a print served from here writes its
    # Cetakan from them without loading the SKP's data.
    nilai: Mapped[dict | None] = mapped_column(JSON)
    # "<generasi>-<kunci>" when the row was last found current (simpanan.stempel): while
    # no write that a document may read has been committed since (GenerasiData), the
    # same day and the same app, a print serves the row after one query.
    stempel: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (Index("ix_dokumen_tersimpan_skp_jenis", "skp_id", "jenis"),)


class GenerasiData(Model):
    """Row 1: a counter raised by every committed transaction that wrote a table a
    printed document may read (simpanan.pasang_generasi). A stored document found current
    at generation n stays current while the counter is n. Row 2: the same for the tables
    the pra-perencanaan checks read (simpanan.ROSTER)."""

    __tablename__ = "generasi_data"
    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


# A schema made from the models (tests, `flask db` on an empty database) has the rows too;
# row 2 starts at a random number (see simpanan.ROSTER).
event.listen(GenerasiData.__table__, "after_create", DDL(
    "INSERT INTO generasi_data (id, n) VALUES (1, 0), (2, abs(random() %% 9007199254740991))"
).execute_if(dialect="sqlite"))
event.listen(GenerasiData.__table__, "after_create", DDL(
    "INSERT INTO generasi_data (id, n) VALUES (1, 0), "
    "(2, floor(random() * 9007199254740991)::bigint)").execute_if(dialect="postgresql"))


class CetakBatchBerkas(Model):
    """The bytes of a batch: one row per finished chunk (urutan 0, 1, …; deleted after
    the merge) and the merged file (urutan -1). In the database, so a job resumed on
    another node continues from the chunks written here, and any node serves the file."""

    __tablename__ = "cetak_batch_berkas"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("cetak_batch.id", ondelete="CASCADE"))
    urutan: Mapped[int]
    isi: Mapped[bytes] = mapped_column(LargeBinary)
    ukuran: Mapped[int]

    __table_args__ = (UniqueConstraint("batch_id", "urutan",
                                       name="uq_cetak_batch_berkas_urutan"),)
