"""The daily reminder digest: one row per person and day, claimed before the e-mail leaves."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kinerja_web.aturan.enums import Berlabel
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import isi_enum, teks_enum
from kinerja_web.waktu import sekarang


class StatusPengingat(Berlabel):
    """Where one day's digest for one person stands: claimed by a run (being sent), sent,
    or failed (the next run tries again; a sent digest is never sent again)."""

    PROSES = "proses", "Sedang dikirim"
    TERKIRIM = "terkirim", "Terkirim"
    GAGAL = "gagal", "Gagal, dicoba lagi"


class KirimanPengingat(Model):
    """The digest of one day for one pegawai. The unique (pegawai, tanggal) makes two runs
    of the job, even concurrent ones on PostgreSQL, claim a person's day only once."""

    __tablename__ = "kiriman_pengingat"
    id: Mapped[int] = mapped_column(primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    tanggal: Mapped[date] = mapped_column(Date)
    status: Mapped[StatusPengingat] = mapped_column(teks_enum(StatusPengingat, 10),
                                                    default=StatusPengingat.PROSES)
    email: Mapped[str] = mapped_column(String(120))
    jumlah_item: Mapped[int] = mapped_column(default=0)
    percobaan: Mapped[int] = mapped_column(default=1)
    galat: Mapped[str | None] = mapped_column(Text)
    dibuat: Mapped[datetime] = mapped_column(default=sekarang)
    dikirim: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("pegawai_id", "tanggal"),
        CheckConstraint(isi_enum("status", StatusPengingat), name="status"),
    )
