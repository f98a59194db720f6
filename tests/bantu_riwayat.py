"""Helpers of test_riwayat.py (a helper module, no tests here): a teacher's assessments in
several performance years, written as rows (an agreed SKP, its Penilaian with the
predikat, sent to the Dinas and set by a standing Penetapan), so a test builds two years
quickly without walking each year's whole cycle."""

from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Dinas, StatusTahun, TahunDinas, TahunKinerja
from kinerja_web.models.penilaian import Penetapan, Pengiriman, Penilaian
from kinerja_web.models.skp import Skp, StatusSkp
from kinerja_web.waktu import sekarang

# (Rating Hasil Kerja, Rating Perilaku Kerja) that give each predikat (SPEC §4.3).
RATING = {"sangat_baik": ("di_atas", "di_atas"), "baik": ("sesuai", "sesuai"),
          "butuh_perbaikan": ("di_bawah", "sesuai"), "kurang": ("sesuai", "di_bawah"),
          "sangat_kurang": ("di_bawah", "di_bawah")}


def tahun_kinerja(tahun, aturan="2025"):
    """The year's row, made when missing and then running in every Dinas (so two years
    run side by side, as in January; 2026 runs on the 2025 rules here)."""
    t = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tahun))
    if t is None:
        t = TahunKinerja(tahun=tahun, aturan=aturan, aktif=True)
        db.session.add(t)
        db.session.flush()
        db.session.add_all(TahunDinas(dinas_id=d, tahun_id=t.id, status=StatusTahun.BERJALAN)
                           for d in db.session.scalars(select(Dinas.id)))
        db.session.flush()
    return t


def dinilai(pegawai, atasan, tahun, predikat=None, posisi="guru", kirim=True):
    """An agreed SKP of `pegawai` (plain values or a row) in `tahun`, rated by `atasan`;
    with a predikat, sent to the Dinas and set. Commits; returns the SKP id."""
    t = tahun_kinerja(tahun)
    skp = Skp(pegawai_id=pegawai.id, tahun_id=t.id, posisi=posisi,
              sekolah_id=pegawai.sekolah_id, atasan_id=atasan.id,
              status=StatusSkp.DISEPAKATI, tugas_tambahan=False, praktik_kode="D1-1",
              kompetensi_kode="1.2", aspek_fokus=["kompeten"],
              rhk=[{"jenis": "utama", "kategori": "praktik", "rhk": f"RHK praktik {tahun}",
                    "aspek": "Kualitas", "indikator": "Indikator", "target": "1 dokumen"}],
              diajukan=sekarang(), disetujui=sekarang(), disepakati=sekarang())
    db.session.add(skp)
    db.session.flush()
    if predikat is not None:
        hasil, perilaku = RATING[predikat]
        pen = Penilaian(skp_id=skp.id, rating_hasil=hasil, rating_perilaku=perilaku,
                        predikat_usulan=predikat, lengkap=True)
        if kirim:
            kiriman = Pengiriman(tahun_id=t.id, sekolah_id=pegawai.sekolah_id,
                                 dinas_id=pegawai.dinas_id, oleh=atasan.id, jumlah=1)
            db.session.add(kiriman)
            db.session.flush()
            pen.pengiriman_id = kiriman.id
        db.session.add(pen)
        db.session.flush()
        if kirim:
            tetap = Penetapan(tahun_id=t.id, dinas_id=pegawai.dinas_id,
                              sekolah_id=pegawai.sekolah_id, pko="baik",
                              jumlah={predikat: 1}, pelanggaran=[], oleh=atasan.id,
                              penilaian_pertama=pen.id)
            db.session.add(tetap)
            db.session.flush()
            pen.predikat, pen.penetapan_id = predikat, tetap.id
    db.session.commit()
    skp_id = skp.id
    db.session.rollback()  # end the read transaction: requests need the write lock
    return skp_id
