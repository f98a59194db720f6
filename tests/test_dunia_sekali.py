"""The demo world restored from its saved rows is the world `demo.buat` built: the same
rows with the same ids, the demo accounts sign in, and new rows get fresh ids (on
PostgreSQL the id sequences are moved past the restored rows)."""

import dunia_sekali
from bantu import masuk_demo, teks

from kinerja_web import demo as demo_data
from kinerja_web.extensions import db
from kinerja_web.models import Dinas, Sekolah


def _kosongkan():
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def test_dipulihkan_sama_dengan_yang_dibangun(app, demo):
    awal = dunia_sekali.baca_semua()
    assert sum(map(len, awal.values())) > 1000  # the demo, not an empty database
    _kosongkan()
    assert not any(dunia_sekali.baca_semua().values())

    def tidak_boleh_membangun():
        raise AssertionError("dunia demo dibangun lagi, bukan dipulihkan")

    logins = dunia_sekali.sekali(app, "demo", tidak_boleh_membangun)
    assert logins == demo
    sekarang = dunia_sekali.baca_semua()
    # The data generation counters: their rows are there; their values count writes since
    # the schema was made, which the world's rows do not depend on.
    assert list(sekarang.pop("generasi_data")) == [1, 2] and \
        list(awal.pop("generasi_data")) == [1, 2]
    assert {t: {i: tuple(r) for i, r in isi.items()} for t, isi in sekarang.items()} == \
        {t: {i: tuple(r) for i, r in isi.items()} for t, isi in awal.items()}


def test_baris_baru_mendapat_id_baru_setelah_dipulihkan(app, demo):
    maks = max(awal.id for awal in db.session.scalars(db.select(Sekolah)))
    dinas = db.session.scalar(db.select(Dinas))
    s = Sekolah(npsn="20399999", nama="SD NEGERI BARU", jenjang="sd", status="negeri",
                dinas_id=dinas.id)
    db.session.add(s)
    db.session.commit()
    assert s.id > maks
    db.session.rollback()


def test_akun_demo_bisa_masuk_setelah_dipulihkan(demo, buat_klien):
    guru = next(x for x in demo if x.peran == "Guru")
    k = masuk_demo(buat_klien, guru.username, demo_data.SANDI_DEMO)
    assert guru.nama in teks(k.get("/profil"))
