"""Pelaksanaan Kinerja: the atasan's Daftar Penilaian Kinerja for a school of 60 teachers
and for the Dinas list of 1,500 principals; the cycle's step pages.

Prints p50/p95 server time on SQLite and on PostgreSQL when a server answers.
"""

from sqlalchemy import select

from bench._volume import backends, buat_app, cetak_tabel, isi, klien_masuk, ukur


def main():
    for nama, url in backends():
        _satu(nama, url)


def _satu(nama, url):
    app = buat_app(url)
    isi(app)
    from kinerja_web.extensions import db
    from kinerja_web.models import Skp

    with app.app_context():
        skp_id = db.session.scalar(select(Skp.id).where(
            Skp.sekolah_id == 1, Skp.posisi == "guru", Skp.status == "disepakati").limit(1))
    hasil = []
    with klien_masuk(app, "ks1") as c:
        hasil.append(("kepala sekolah (60 guru): daftar penilaian",
                      ukur(lambda: c.get("/penilaian"))))
        hasil.append(("kepala sekolah (60 guru): tab rating observasi",
                      ukur(lambda: c.get("/penilaian?tab=observasi"))))
        hasil.append(("kepala sekolah (60 guru): cari (fragmen htmx)",
                      ukur(lambda: c.get("/penilaian?q=Bench+1",
                                         headers={"HX-Request": "true"}))))
        for n in (1, 2, 3, 5):
            u = f"/pelaksanaan/{skp_id}/praktik/{n}"
            hasil.append((f"kepala sekolah: praktik langkah {n}", ukur(lambda u=u: c.get(u))))
        u = f"/pelaksanaan/{skp_id}/kompetensi"
        hasil.append(("kepala sekolah: pengembangan kompetensi", ukur(lambda: c.get(u))))
    with klien_masuk(app, "kadis") as c:
        hasil.append(("kepala dinas: daftar 1.500 kepala sekolah (hal. 1)",
                      ukur(lambda: c.get("/penilaian"), kali=20)))
        hasil.append(("kepala dinas: tab sudah selesai",
                      ukur(lambda: c.get("/penilaian?tab=selesai"), kali=20)))
    cetak_tabel(f"{nama} — 1.500 sekolah, 20.000 guru", hasil)
    with app.app_context():
        db.engine.dispose()
