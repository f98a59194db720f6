"""Perencanaan Kinerja: wizard steps and approval lists with 1,500 schools, 20,000 teachers.

Prints p50/p95 server time (in-process, Flask test client) on SQLite and on PostgreSQL
when a server answers. Figures only; nothing is asserted here.
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
    from kinerja_web.models import Akun, Skp

    with app.app_context():
        draf = db.session.execute(
            select(Skp.id, Akun.username).join(Akun, Akun.pegawai_id == Skp.pegawai_id)
            .where(Skp.status == "draf", Skp.posisi == "guru").limit(1)).one()
        diajukan = db.session.execute(
            select(Skp.id, Skp.sekolah_id).where(Skp.status == "diajukan",
                                                 Skp.posisi == "guru").limit(1)).one()
    hasil = []
    with klien_masuk(app, draf.username) as c:
        for n in range(1, 6):
            url_langkah = f"/perencanaan/{draf.id}/langkah/{n}"
            hasil.append((f"guru: langkah {n} (halaman penuh)",
                          ukur(lambda u=url_langkah: c.get(u))))
        url_langkah = f"/perencanaan/{draf.id}/langkah/2"
        hasil.append(("guru: langkah 2 (fragmen htmx)",
                      ukur(lambda: c.get(url_langkah, headers={"HX-Request": "true"}))))
        versi = [3]

        def simpan():
            with app.app_context():
                versi[0] = db.session.get(Skp, draf.id).versi
            return c.post(f"/perencanaan/{draf.id}/langkah/2",
                   data={"csrf_token": c.token, "versi": versi[0], "aksi": "otomatis",
                         "praktik": "D1-1" if versi[0] % 2 else "D1-2"},
                   headers={"HX-Request": "true"})
        hasil.append(("guru: simpan otomatis langkah 2 (POST)", ukur(simpan, kali=20)))
    with klien_masuk(app, f"ks{diajukan.sekolah_id}") as c:
        hasil.append(("kepala sekolah: daftar persetujuan",
                      ukur(lambda: c.get("/persetujuan"))))
        hasil.append(("kepala sekolah: daftar, tab menunggu",
                      ukur(lambda: c.get("/persetujuan?tab=diajukan"))))
        for n in (1, 3, 4):
            u = f"/persetujuan/{diajukan.id}/langkah/{n}"
            hasil.append((f"kepala sekolah: persetujuan langkah {n}",
                          ukur(lambda u=u: c.get(u))))
    with klien_masuk(app, "kadis") as c:
        hasil.append(("kepala dinas: daftar 1.500 kepala sekolah (hal. 1)",
                      ukur(lambda: c.get("/persetujuan"), kali=20)))
        hasil.append(("kepala dinas: daftar, hal. 20",
                      ukur(lambda: c.get("/persetujuan?halaman=20"), kali=20)))
        hasil.append(("kepala dinas: cari nama",
                      ukur(lambda: c.get("/persetujuan?q=Bench+15",
                                         headers={"HX-Request": "true"}), kali=20)))
    with klien_masuk(app, "tim0") as c:
        hasil.append(("tim kerja: daftar kepala sekolah plotnya",
                      ukur(lambda: c.get("/persetujuan"), kali=20)))
    cetak_tabel(f"{nama} — 1.500 sekolah, 20.000 guru", hasil)
    with app.app_context():
        db.engine.dispose()
