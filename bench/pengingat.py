"""The daily reminder job (`flask kirim-pengingat`) over 20,000 teachers and 1,500 schools
(issue #17 budget: ≤ 60 s, ≤ 10 queries per school).

The generated Dinas runs 2025 (finishing its assessments) and 2026 (a week before the
submission deadline of its calendar, the busiest day: nearly everyone has a plan to submit);
every pegawai has an e-mail; one school in fifty fails pra-perencanaan, the others are
opened by the Dinas. The digests are built and serialised as they would be sent, into a
counting sender (no SMTP server: the budget is the job's own work, not the mail relay's).

Beside it, in the same run on the same data, a bare baseline: one query for the
recipients and one fixed plain-text message per person built with str.format and base64,
into the same sender — the least any such job does. Read the ratio: the machine is shared.
A second run the same day shows the cost of finding nothing left to send.
"""

import base64
import time
from datetime import timedelta

from sqlalchemy import String, cast, insert, literal, select, update

from bench._volume import backends, buat_app, isi
from bench.sinkro import hitung_query


class _Penghitung:
    """A sender that only counts what smtplib would put on the wire."""

    def __init__(self):
        self.n = 0
        self.byte = 0

    def kirim(self, dari, ke, data):
        self.n += 1
        self.byte += len(data)

    def tutup(self):
        pass


def _siapkan(app):
    """2026 running beside 2025, e-mails, pra-perencanaan opened for 49 schools in 50."""
    from kinerja_web.extensions import db
    from kinerja_web.models import (
        BukaPerencanaan,
        Dinas,
        Pegawai,
        Sekolah,
        StatusTahun,
        TahunDinas,
        TahunKinerja,
    )

    with app.app_context():
        dinas_id = db.session.scalar(select(Dinas.id))
        t26 = db.session.scalar(insert(TahunKinerja).values(
            tahun=2026, aturan="2026", aktif=True).returning(TahunKinerja.id))
        db.session.execute(insert(TahunDinas).values(dinas_id=dinas_id, tahun_id=t26,
                                                     status=StatusTahun.BERJALAN))
        db.session.execute(update(Pegawai).values(
            email=literal("p") + cast(Pegawai.id, String) + "@bench.example"))
        sekolah = db.session.scalars(select(Sekolah.id).where(Sekolah.id % 50 != 0)).all()
        db.session.execute(insert(BukaPerencanaan), [
            {"sekolah_id": s, "tahun_id": t26, "alasan": "bench"} for s in sekolah])
        db.session.commit()


def _dasar(app, pengirim, batas):
    """The bare baseline: recipients in one query, one fixed message each."""
    from kinerja_web.extensions import db
    from kinerja_web.models import Pegawai

    isi_teks = ("Yth. {nama},\r\n\r\nAjukan Perencanaan Kinerja (SKP) paling lambat "
                f"{batas:%d-%m-%Y}.\r\nhttps://kinerja.bench.example/perencanaan\r\n")
    with app.app_context():
        for nama, email in db.session.execute(
                select(Pegawai.nama, Pegawai.email)
                .where(Pegawai.email.is_not(None))):
            badan = base64.encodebytes(isi_teks.format(nama=nama).encode()).decode()
            pengirim.kirim("kinerja@bench.example", email, (
                f"From: kinerja@bench.example\r\nTo: <{email}>\r\nSubject: Perlu tindakan\r\n"
                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{badan}").encode("ascii"))
        db.session.remove()


def _satu(nama, url):
    from kinerja_web import aturan
    from kinerja_web.extensions import db
    from kinerja_web.pengingat import kirim_pengingat
    from kinerja_web.waktu import pada

    app = buat_app(url)
    app.config["URL_PUBLIK"] = "https://kinerja.bench.example"
    isi(app)
    _siapkan(app)
    batas = aturan.muat_aturan("2026").kalender[aturan.Tahap.PENGAJUAN_SKP].selesai
    hari = batas - timedelta(days=6)
    print(f"\n  {nama} — kirim-pengingat, 20.000 guru di 1.500 sekolah, {hari:%d-%m-%Y} "
          "(target ≤ 60 s, ≤ 10 query per sekolah)")
    print(f"  {'Jalan':<16} {'detik':>7} {'× dasar':>8} {'terkirim':>9} {'dilewati':>9} "
          f"{'query':>7} {'query/sekolah':>14}")
    dasar = _Penghitung()
    t = time.perf_counter()
    _dasar(app, dasar, batas)
    d0 = time.perf_counter() - t
    print(f"  {'dasar (polos)':<16} {d0:>7.1f} {1:>8.1f} {dasar.n:>9} {0:>9} {1:>7} {'':>14}")
    with app.app_context():
        engine = db.engine
        for jalan in ("pertama", "kedua"):
            pengirim = _Penghitung()
            t = time.perf_counter()
            with hitung_query(engine) as q, pada(hari):
                h = kirim_pengingat(pengirim=pengirim)
            d = time.perf_counter() - t
            print(f"  {jalan:<16} {d:>7.1f} {d / d0:>8.1f} {h.terkirim:>9} {h.dilewati:>9} "
                  f"{q[0]:>7} {q[0] / max(h.sekolah, 1):>14.2f}")
            if jalan == "pertama":
                print(f"  (pesan rata-rata {pengirim.byte // max(pengirim.n, 1)} byte; dasar "
                      f"{dasar.byte // max(dasar.n, 1)} byte)")
            db.session.remove()


def main():
    for nama, url in backends():
        _satu(nama, url)


if __name__ == "__main__":
    main()
