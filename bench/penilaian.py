"""Penilaian and predikat: the Dinas dashboards with 1,500 schools, 1,500 principals and
20,000 teachers, the principal's penetapan and list. Goal: p95 ≤ 150 ms.

Prints p50/p95 server time on SQLite and on PostgreSQL when a server answers.
"""

from bench._volume import backends, buat_app, cetak_tabel, isi, klien_masuk, ukur


def main():
    for nama, url in backends():
        _satu(nama, url)


def _satu(nama, url):
    app = buat_app(url)
    isi(app)
    hasil = []
    with klien_masuk(app, "kadis") as c:
        for judul, u in (("Rekap PKO (hal. 1)", "/dinas/pko"),
                         ("Rekap PKO, tab siap dikirim", "/dinas/pko?tab=siap"),
                         ("Rekap PKO, hal. 20", "/dinas/pko?halaman=20"),
                         ("Progres KS oleh Tim Kerja", "/dinas/progres"),
                         ("Daftar Penetapan Predikat (KS)", "/dinas/penetapan"),
                         ("Rekap Penetapan Tahunan (hal. 1)", "/dinas/rekap"),
                         ("Rekap Penetapan, tab sudah dikirim", "/dinas/rekap?tab=sudah_dikirim"),
                         ("Rekap Penetapan, cari nama", "/dinas/rekap?q=Bench+123"),
                         ("PKO satu sekolah", "/dinas/pko/3")):
            hasil.append((f"kepala dinas: {judul}", ukur(lambda u=u: c.get(u), kali=20)))
    with klien_masuk(app, "ks3") as c:
        hasil.append(("kepala sekolah: penetapan predikat", ukur(lambda: c.get(
            "/penilaian/penetapan"), kali=20)))
        hasil.append(("kepala sekolah: daftar penilaian", ukur(lambda: c.get(
            "/penilaian"), kali=20)))
    cetak_tabel(f"{nama} — 1.500 sekolah, 1.500 kepala sekolah, 20.000 guru", hasil)
    from kinerja_web.extensions import db

    with app.app_context():
        db.engine.dispose()
