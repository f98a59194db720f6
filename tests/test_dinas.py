"""Dinas lists and the operator's password reset: scope, search, pagination, audit."""


from bantu import teks_css
from sqlalchemy import func, select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, Audit, SesiLogin


def test_daftar_pegawai_hanya_dinas_sendiri(klien, dunia):
    klien.masuk("operator")
    r = klien.get("/dinas/pegawai")
    assert r.status_code == 200
    assert "Guru Satu" in r.text
    assert "Guru Lain" not in r.text  # other Dinas


def test_cari_pegawai_dan_fragmen(klien, dunia):
    klien.masuk("operator")
    r = klien.get("/dinas/pegawai?q=dua")
    assert "Guru Dua" in r.text and "Guru Satu" not in r.text
    frag = klien.get("/dinas/pegawai?q=dua", headers={"HX-Request": "true"})
    assert "<html" not in frag.text and "Guru Dua" in frag.text
    assert "HX-Request" in frag.headers["Vary"]


def test_cari_dengan_karakter_wildcard(klien, dunia):
    klien.masuk("operator")
    r = klien.get("/dinas/pegawai?q=%25")
    assert "1 pegawai" not in r.text
    assert "0 pegawai." in r.text


def test_bukan_operator_ditolak(klien, dunia):
    klien.masuk("guru")
    assert klien.get("/dinas/pegawai").status_code == 403
    assert klien.get(f"/dinas/pegawai/{dunia.guru2.id}").status_code == 403


def test_detail_pegawai_dinas_lain_404(klien, dunia):
    klien.masuk("operator_lain")
    assert klien.get(f"/dinas/pegawai/{dunia.guru.id}").status_code == 404
    assert klien.get(f"/dinas/pegawai/{dunia.guru_lain.id}").status_code == 200


def test_atur_ulang_sandi_sekali_tampil(klien, buat_klien, dunia, app):
    korban = buat_klien()
    korban.masuk("guru")
    klien.masuk("operator")
    klien.get(f"/dinas/pegawai/{dunia.guru.id}")
    r = klien.post(f"/dinas/pegawai/{dunia.guru.id}/atur-ulang-sandi")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    sandi = teks_css(r, "p.sandi")
    assert sandi
    # the old session of the teacher has ended
    assert korban.get("/").status_code == 302
    with app.app_context():
        akun = db.session.scalar(select(Akun).where(Akun.username == "guru"))
        assert akun.harus_ganti_sandi
        assert sandi not in akun.sandi_hash
        assert db.session.scalar(select(func.count()).select_from(Audit).where(
            Audit.aksi == "atur_ulang_sandi", Audit.objek_id == akun.id)) == 1
        assert db.session.scalar(select(func.count()).select_from(SesiLogin).where(
            SesiLogin.akun_id == akun.id, SesiLogin.dicabut.is_(None))) == 0
    baru = buat_klien()
    baru.get("/masuk")
    r = baru.post("/masuk", {"identitas": "guru", "sandi": sandi})
    assert r.headers["Location"] == "/akun/sandi"
    # The page that showed it is not available again.
    assert sandi not in klien.get(f"/dinas/pegawai/{dunia.guru.id}").text


def test_atur_ulang_sandi_dinas_lain_404(klien, dunia):
    klien.masuk("operator_lain")
    r = klien.post(f"/dinas/pegawai/{dunia.guru.id}/atur-ulang-sandi")
    assert r.status_code == 404


def test_daftar_sekolah_untuk_staf_dinas(klien, buat_klien, dunia):
    klien.masuk("kadis")
    r = klien.get("/dinas/sekolah")
    assert "SD NEGERI 1 SATU" in r.text and "SMP NEGERI 2 DUA" in r.text
    assert "SD NEGERI 3 TIGA" not in r.text
    assert "(Plt.)" in r.text
    g = buat_klien()
    g.masuk("guru")
    assert g.get("/dinas/sekolah").status_code == 403


def test_paginasi_pegawai(klien, dunia, make_pegawai, app):
    with app.app_context():
        from kinerja_web.models import Sekolah
        s = db.session.get(Sekolah, dunia.sekolah.id)
        for i in range(55):
            make_pegawai(sekolah=s, akun=False, nama=f"Zulfa {i:02d}")
        db.session.commit()
    klien.masuk("operator")
    r1 = klien.get("/dinas/pegawai?q=zulfa")
    assert "55 pegawai" in r1.text and "Halaman 1 dari 2" in r1.text
    r2 = klien.get("/dinas/pegawai?q=zulfa&halaman=2")
    assert r2.text.count("Zulfa ") == 5


def test_pengaturan_dinas_tersimpan_dan_diaudit(klien, dunia, app):
    klien.masuk("operator")
    r = klien.get("/dinas/pengaturan")
    assert r.status_code == 200 and "Nama instansi" in r.text
    r = klien.post("/dinas/pengaturan", {
        "nama": "Dinas Pendidikan Kabupaten Uji", "alamat": "Jl. Baru 1",
        "atasan_kadis_nip": "12345"})
    assert r.status_code == 422
    assert "NIP harus 18 digit." in r.text
    assert 'value="Jl. Baru 1"' in r.text  # typed input kept
    r = klien.post("/dinas/pengaturan", {
        "nama": "Dinas Pendidikan Kabupaten Uji", "alamat": "Jl. Baru 1",
        "kota_ttd": "Uji"})
    assert r.status_code == 303
    with app.app_context():
        from kinerja_web.models import Dinas
        d = db.session.get(Dinas, dunia.dinas.id)
        assert d.alamat == "Jl. Baru 1" and d.nama_pemda is None
        audit = db.session.scalar(select(Audit).where(Audit.aksi == "pengaturan_dinas"))
        assert audit.data["alamat"] == [None, "Jl. Baru 1"]


def test_pengaturan_hanya_operator(klien, dunia):
    klien.masuk("kadis")
    assert klien.get("/dinas/pengaturan").status_code == 403
