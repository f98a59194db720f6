"""The daily reminder job (`flask kirim-pengingat`) over 20,000 teachers and 1,500 schools
(issue #17 budget: ≤ 60 s, ≤ 10 queries per school).

Every pegawai of the generated Dinas gets an e-mail address; the digests are built and
serialised as they would be sent, into a counting sender (no SMTP server: the budget is
the job's own work, not the mail relay's). A second run the same day shows the cost of
finding nothing left to send. Prints wall time and query counts on SQLite and, when a
server answers, PostgreSQL.
"""

import time
from contextlib import contextmanager
from datetime import date

from sqlalchemy import String, cast, event, func, literal, select, update

from bench._volume import backends, buat_app, isi


class _Penghitung:
    """A sender that only serialises each message (what smtplib would put on the wire)."""

    def __init__(self):
        self.n = 0
        self.byte = 0

    def kirim(self, dari, ke, data):
        self.n += 1
        self.byte += len(data)

    def tutup(self):
        pass


@contextmanager
def hitung_query(engine):
    n = [0]

    def catat(*_):
        n[0] += 1

    event.listen(engine, "before_cursor_execute", catat)
    try:
        yield n
    finally:
        event.remove(engine, "before_cursor_execute", catat)


def _siapkan(app):
    from kinerja_web.extensions import db
    from kinerja_web.models import (
        Dinas,
        Pegawai,
        Sekolah,
        StatusTahun,
        TahunDinas,
        TahunKinerja,
    )

    with app.app_context():
        dinas_id = db.session.scalar(select(Dinas.id))
        tahun_id = db.session.scalar(select(TahunKinerja.id).where(TahunKinerja.tahun == 2025))
        if db.session.scalar(select(func.count()).select_from(TahunDinas)) == 0:
            db.session.add(TahunDinas(dinas_id=dinas_id, tahun_id=tahun_id,
                                      status=StatusTahun.BERJALAN))
        db.session.execute(update(Pegawai).values(
            email=literal("p") + cast(Pegawai.id, String) + "@bench.example"))
        # A few schools without their UNOR: the Operator's digest has something to say.
        db.session.execute(update(Sekolah).where(Sekolah.id % 50 == 0).values(unor_id=None))
        db.session.commit()
        return dinas_id


def _satu(nama, url):
    from kinerja_web.extensions import db
    from kinerja_web.pengingat import kirim_pengingat
    from kinerja_web.waktu import pada

    app = buat_app(url)
    app.config["URL_PUBLIK"] = "https://kinerja.bench.example"
    isi(app)
    _siapkan(app)
    print(f"\n  {nama} — kirim-pengingat, 20.000 guru di 1.500 sekolah "
          "(target ≤ 60 s, ≤ 10 query per sekolah)")
    print(f"  {'Jalan':<10} {'detik':>7} {'terkirim':>9} {'dilewati':>9} {'sekolah':>8} "
          f"{'query':>7} {'query/sekolah':>14}")
    with app.app_context():
        engine = db.engine
        for jalan in ("pertama", "kedua"):
            pengirim = _Penghitung()
            t = time.perf_counter()
            with hitung_query(engine) as q, pada(date(2025, 11, 15)):
                h = kirim_pengingat(pengirim=pengirim)
            d = time.perf_counter() - t
            print(f"  {jalan:<10} {d:>7.1f} {h.terkirim:>9} {h.dilewati:>9} {h.sekolah:>8} "
                  f"{q[0]:>7} {q[0] / max(h.sekolah, 1):>14.2f}")
            db.session.remove()
        print(f"  (pesan rata-rata {pengirim.byte // max(pengirim.n, 1) if pengirim.n else 0} "
              "byte pada jalan kedua: 0 berarti tidak ada yang dikirim ulang)")


def main():
    for nama, url in backends():
        _satu(nama, url)


if __name__ == "__main__":
    main()
