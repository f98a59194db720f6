"""Penilaian Kinerja: ratings, shipments to the Dinas, PKO, penetapan of the predikat."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kinerja_web.aturan.enums import PKO, Predikat, Rating
from kinerja_web.extensions import Model
from kinerja_web.models.kolom import teks_enum
from kinerja_web.models.org import Pegawai, Sekolah
from kinerja_web.models.skp import Skp
from kinerja_web.waktu import sekarang


class Penilaian(Model):
    """The atasan's end-of-year assessment of one agreed SKP, and its predikat."""

    __tablename__ = "penilaian"
    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"), unique=True)
    versi: Mapped[int] = mapped_column(default=1)

    # Rating Hasil Kerja (SPEC §4.1): the three criteria, the rating chosen, its reason.
    upaya_refleksi: Mapped[Rating | None] = mapped_column(teks_enum(Rating, 10))
    upaya_mempelajari: Mapped[Rating | None] = mapped_column(teks_enum(Rating, 10))
    perubahan_praktik: Mapped[Rating | None] = mapped_column(teks_enum(Rating, 10))
    rating_hasil: Mapped[Rating | None] = mapped_column(teks_enum(Rating, 10))
    alasan_hasil: Mapped[str | None] = mapped_column(Text)
    umpan_balik_hasil: Mapped[str | None] = mapped_column(Text)

    # Rating Perilaku Kerja (SPEC §4.2): {aspek: {"perwujudan": r, "dampak": r}}.
    perilaku: Mapped[dict | None] = mapped_column(JSON)
    umpan_balik_perilaku: Mapped[dict | None] = mapped_column(JSON)
    rating_perilaku: Mapped[Rating | None] = mapped_column(teks_enum(Rating, 10))
    alasan_perilaku: Mapped[str | None] = mapped_column(Text)

    # The predikat the matrix gives for the two ratings (kept for the Dinas' counts).
    predikat_usulan: Mapped[Predikat | None] = mapped_column(teks_enum(Predikat, 20))
    # Nothing missing for "Sudah selesai dinilai" (kept current by alur.penilaian.segarkan).
    lengkap: Mapped[bool] = mapped_column(default=False, index=True)
    # Sent to the Dinas for the PKO; then the predikat, set in one penetapan.
    pengiriman_id: Mapped[int | None] = mapped_column(ForeignKey("pengiriman.id"), index=True)
    predikat: Mapped[Predikat | None] = mapped_column(teks_enum(Predikat, 20))
    alasan_predikat: Mapped[str | None] = mapped_column(Text)
    penetapan_id: Mapped[int | None] = mapped_column(ForeignKey("penetapan.id"), index=True)
    diubah: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)

    skp: Mapped[Skp] = relationship()
    pengiriman: Mapped["Pengiriman | None"] = relationship()
    penetapan: Mapped["Penetapan | None"] = relationship()


class Pengiriman(Model):
    """One shipment "Kirim data Penilaian Kinerja ke Dinas Pendidikan" (several per year)."""

    __tablename__ = "pengiriman"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    oleh: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)
    jumlah: Mapped[int]


class PkoSekolah(Model):
    """Predikat Kinerja Organisasi of a school for a year, set by the Kepala Dinas."""

    __tablename__ = "pko_sekolah"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    sekolah_id: Mapped[int] = mapped_column(ForeignKey("sekolah.id"))
    pko: Mapped[PKO] = mapped_column(teks_enum(PKO, 20))
    alasan: Mapped[str] = mapped_column(Text)
    oleh: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)
    versi: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("tahun_id", "sekolah_id"),)

    sekolah: Mapped[Sekolah] = relationship()


class PkoDinas(Model):
    """The organisation predicate that frames the principals' distribution (the Dinas')."""

    __tablename__ = "pko_dinas"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"))
    pko: Mapped[PKO] = mapped_column(teks_enum(PKO, 20))
    alasan: Mapped[str] = mapped_column(Text)
    oleh: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang, onupdate=sekarang)
    versi: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("tahun_id", "dinas_id"),)


class Penetapan(Model):
    """One "Kirim" of the Penetapan Predikat Kinerja: the predikat sent to the pegawai.

    For a school (by its principal) or, with sekolah_id empty, for the principals (by the
    Kepala Dinas). `dibuka` marks an audited reopening by the Dinas."""

    __tablename__ = "penetapan"
    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_id: Mapped[int] = mapped_column(ForeignKey("tahun_kinerja.id"))
    dinas_id: Mapped[int] = mapped_column(ForeignKey("dinas.id"), index=True)
    sekolah_id: Mapped[int | None] = mapped_column(ForeignKey("sekolah.id"), index=True)
    pko: Mapped[PKO] = mapped_column(teks_enum(PKO, 20))
    jumlah: Mapped[dict] = mapped_column(JSON)  # {predikat: count}
    pelanggaran: Mapped[list] = mapped_column(JSON)  # the distribution rules broken
    pembenaran: Mapped[str | None] = mapped_column(Text)
    oleh: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    waktu: Mapped[datetime] = mapped_column(default=sekarang)
    dibuka: Mapped[datetime | None]
    # The lowest id of the assessments it sets while it stands (NULL once reopened): an
    # assessment is set by one standing penetapan, so two rows for the same assessments —
    # a double "Kirim" racing on PostgreSQL — cannot both commit.
    penilaian_pertama: Mapped[int | None] = mapped_column(unique=True, index=True)
    dibuka_oleh: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"))
    alasan_dibuka: Mapped[str | None] = mapped_column(Text)

    penetap: Mapped[Pegawai] = relationship(foreign_keys=[oleh])
