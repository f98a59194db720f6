"""Sign-in, throttling, server-side sessions, password change and redirects (issue 2, item 6)."""

import time
from datetime import timedelta

import pytest
from bantu import galat, nilai
from conftest import SANDI
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.models import Akun, SesiLogin
from kinerja_web.waktu import hari_ini, sekarang

PESAN_GAGAL = "Gagal masuk. Periksa NIP/nama pengguna dan kata sandi."
SANDI_BARU = "Baru-sekali-456"
COOKIE = "kinerja_sesi"


def akun(username):
    """The account row as it is in the database now (not a stale copy)."""
    db.session.expire_all()
    return db.session.scalar(select(Akun).where(Akun.username == username))


def ubah_akun(username, **nilai):
    a = akun(username)
    for k, v in nilai.items():
        setattr(a, k, v)
    db.session.commit()


def galat_form(r):
    return galat(r) or None


def ke_masuk(r):
    return r.status_code in (302, 303) and r.headers["Location"].startswith("/masuk")


def cookie_sesi(k):
    c = k.c.get_cookie(COOKIE)
    return c.value if c else None


def klien_dengan_cookie(buat_klien, nilai):
    k = buat_klien()
    k.c.set_cookie(COOKIE, nilai)
    return k


def coba_masuk(k, identitas, sandi, url="/masuk"):
    return k.post(url, {"identitas": identitas, "sandi": sandi})


# ------------------------------------------------------------------ login


def test_masuk_dengan_username(klien, dunia):
    r = coba_masuk(klien, "guru", SANDI)
    assert r.status_code == 303
    assert r.headers["Location"] == "/"
    assert klien.get("/profil").status_code == 200


def test_username_tidak_peka_huruf_besar_dan_spasi(klien, dunia):
    assert coba_masuk(klien, "  GURU ", SANDI).status_code == 303


def test_masuk_dengan_nip(klien, dunia):
    assert coba_masuk(klien, dunia.guru.nip, SANDI).status_code == 303
    r = klien.get("/profil")
    assert r.status_code == 200
    assert "Guru Satu" in r.text


def test_masuk_dengan_nip_berspasi(klien, dunia):
    nip = dunia.guru.nip
    berspasi = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert coba_masuk(klien, berspasi, SANDI).status_code == 303
    assert "Guru Satu" in klien.get("/profil").text


def test_sandi_salah_dan_pengguna_tak_dikenal_sama_samar(klien, dunia):
    salah = coba_masuk(klien, "guru", "Salah-sekali-999")
    asing = coba_masuk(klien, "tidak_ada", "Salah-sekali-999")
    assert salah.status_code == asing.status_code == 422
    assert PESAN_GAGAL in galat_form(salah)
    assert galat_form(salah) == galat_form(asing)
    # The typed identity stays in the field, the password never comes back.
    assert nilai(salah, "identitas") == "guru"
    assert nilai(asing, "identitas") == "tidak_ada"
    for r in (salah, asing):
        assert "Salah-sekali-999" not in r.text
        assert not nilai(r, "sandi")
    assert ke_masuk(klien.get("/profil"))


def test_formulir_kosong_422_dalam_bahasa_indonesia(klien, dunia):
    r = klien.post("/masuk", {"identitas": "", "sandi": ""})
    assert r.status_code == 422
    assert "Wajib diisi." in r.text


# ------------------------------------------------------------------ throttling


def test_akun_terkunci_setelah_lima_gagal_walau_sandi_benar(klien, buat_klien, dunia):
    for _ in range(5):
        assert coba_masuk(klien, "guru", "Salah-sekali-999").status_code == 422
    assert akun("guru").terkunci_sampai > sekarang()
    r = coba_masuk(klien, "guru", SANDI)
    assert r.status_code == 422
    assert PESAN_GAGAL in galat_form(r)  # no hint that the account exists or is locked
    assert ke_masuk(klien.get("/profil"))
    # Another account behind the same (school) IP is not affected.
    lain = buat_klien()
    assert coba_masuk(lain, "guru2", SANDI).status_code == 303


def test_empat_gagal_belum_mengunci_dan_sukses_mengosongkan_hitungan(klien, dunia):
    for _ in range(4):
        coba_masuk(klien, "guru", "Salah-sekali-999")
    assert akun("guru").gagal_masuk == 4
    assert coba_masuk(klien, "guru", SANDI).status_code == 303
    assert akun("guru").gagal_masuk == 0


def test_kunci_akun_berakhir(klien, dunia):
    for _ in range(5):
        coba_masuk(klien, "guru", "Salah-sekali-999")
    assert coba_masuk(klien, "guru", SANDI).status_code == 422
    ubah_akun("guru", terkunci_sampai=sekarang() - timedelta(minutes=1))
    assert coba_masuk(klien, "guru", SANDI).status_code == 303


def test_batas_per_ip_429_dengan_formulir_dan_isian(app, buat_klien, dunia):
    app.config["MASUK_BATAS_IP"] = "3 per minute"
    # Successful logins (a whole school behind one IP) do not count.
    for username in ("guru", "guru2", "kepsek", "plt"):
        assert coba_masuk(buat_klien(), username, SANDI).status_code == 303
    k = buat_klien()
    for username in ("guru", "guru2", "kepsek"):
        assert coba_masuk(k, username, "Salah-sekali-999").status_code == 422
    r = coba_masuk(k, "kadis", "Salah-sekali-999")
    assert r.status_code == 429
    assert "Terlalu banyak percobaan" in r.text
    assert nilai(r, "identitas") == "kadis"
    assert "Salah-sekali-999" not in r.text
    assert 'name="csrf_token"' in r.text
    # The IP stays blocked, even for a correct password...
    assert coba_masuk(buat_klien(), "tim", SANDI).status_code == 429
    # ...and a stale form token while blocked still answers the form, not an error page.
    r = buat_klien().post("/masuk", {"identitas": "tim", "sandi": SANDI}, csrf=False)
    assert r.status_code == 429
    assert nilai(r, "identitas") == "tim"


def test_batas_ip_hanya_untuk_post(app, klien, dunia):
    app.config["MASUK_BATAS_IP"] = "1 per minute"
    coba_masuk(klien, "guru", "Salah-sekali-999")
    for _ in range(3):
        assert klien.get("/masuk").status_code == 200


# ------------------------------------------------------------------ sessions


def test_sesi_dirotasi_saat_masuk(klien, buat_klien, dunia):
    klien.get("/masuk")
    sebelum = cookie_sesi(klien)
    assert sebelum
    assert coba_masuk(klien, "guru", SANDI).status_code == 303
    sesudah = cookie_sesi(klien)
    assert sesudah and sesudah != sebelum
    assert klien.get("/profil").status_code == 200
    # The cookie from before login does not carry the sign-in.
    lama = klien_dengan_cookie(buat_klien, sebelum)
    assert ke_masuk(lama.get("/profil"))


def test_sesi_baru_tiap_masuk(klien, buat_klien, dunia):
    klien.masuk("guru")
    lain = buat_klien()
    lain.masuk("guru")
    assert cookie_sesi(klien) != cookie_sesi(lain)
    assert klien.get("/profil").status_code == 200
    assert lain.get("/profil").status_code == 200


def test_keluar_mengakhiri_sesi_di_server(klien, buat_klien, dunia):
    klien.masuk("guru")
    cookie = cookie_sesi(klien)
    r = klien.keluar()
    assert r.status_code == 303
    assert r.headers["Location"] == "/masuk"
    assert ke_masuk(klien.get("/profil"))
    # Replaying the signed cookie from before logout does not bring the session back.
    curian = klien_dengan_cookie(buat_klien, cookie)
    assert ke_masuk(curian.get("/profil"))
    db.session.expire_all()
    sesi = db.session.scalars(select(SesiLogin)).all()
    assert len(sesi) == 1 and sesi[0].dicabut is not None


def test_keluar_tanpa_token_tidak_keluar(klien, dunia):
    klien.masuk("guru")
    r = klien.post("/keluar", csrf=False)
    assert r.status_code == 303
    assert klien.get("/profil").status_code == 200


def test_ganti_sandi_mengakhiri_sesi_lain_tapi_bukan_sesi_ini(klien, buat_klien, dunia):
    klien.masuk("guru")
    lain = buat_klien()
    lain.masuk("guru")
    klien.get("/akun/sandi")
    r = klien.post("/akun/sandi", {"sandi_lama": SANDI, "sandi_baru": SANDI_BARU,
                                   "ulangi": SANDI_BARU})
    assert r.status_code == 303
    assert klien.get("/profil").status_code == 200
    assert ke_masuk(lain.get("/profil"))
    # The new password works, the old one does not.
    assert coba_masuk(buat_klien(), "guru", SANDI).status_code == 422
    assert coba_masuk(buat_klien(), "guru", SANDI_BARU).status_code == 303


def test_ganti_sandi_perlu_sandi_lama_yang_benar(klien, dunia):
    klien.masuk("guru")
    hash_lama = akun("guru").sandi_hash
    klien.get("/akun/sandi")
    r = klien.post("/akun/sandi", {"sandi_lama": "Bukan-sandi-ini", "sandi_baru": SANDI_BARU,
                                   "ulangi": SANDI_BARU})
    assert r.status_code == 422
    assert "Kata sandi sekarang salah." in r.text
    assert akun("guru").sandi_hash == hash_lama


def test_wajib_ganti_sandi_sebelum_halaman_lain(klien, buat_klien, dunia):
    ubah_akun("guru", harus_ganti_sandi=True)
    r = coba_masuk(klien, "guru", SANDI)
    assert r.status_code == 303
    assert r.headers["Location"] == "/akun/sandi"
    for url in ("/", "/profil", "/dinas/pegawai", "/tidak-ada"):
        r = klien.get(url)
        assert r.status_code in (302, 303), url
        assert r.headers["Location"] == "/akun/sandi"
    r = klien.get("/profil", headers={"HX-Request": "true"})
    assert r.status_code == 204
    assert r.headers["HX-Redirect"] == "/akun/sandi"
    r = klien.get("/akun/sandi")
    assert r.status_code == 200
    assert "kata sandi sekali pakai" in r.text
    assert 'name="sandi_lama"' not in r.text  # the one-time password was just typed
    r = klien.post("/akun/sandi", {"sandi_baru": SANDI_BARU, "ulangi": SANDI_BARU})
    assert r.status_code == 303
    assert akun("guru").harus_ganti_sandi is False
    assert klien.get("/profil").status_code == 200


def test_wajib_ganti_sandi_tetap_bisa_keluar(klien, dunia):
    ubah_akun("guru", harus_ganti_sandi=True)
    coba_masuk(klien, "guru", SANDI)
    klien.get("/akun/sandi")
    r = klien.keluar()
    assert r.status_code == 303
    assert r.headers["Location"] == "/masuk"


@pytest.mark.parametrize(
    ("baru", "pesan"),
    [
        ("Ab-1", "Minimal 8 karakter."),
        ("password", "terlalu mudah ditebak"),
        ("12345678", "terlalu mudah ditebak"),
        ("guru-rahasia-1", "tidak boleh memuat NIP atau nama pengguna"),
        ("GURU-rahasia-1", "tidak boleh memuat NIP atau nama pengguna"),
        ("{nip}", "terlalu mudah ditebak"),
        ("x{nip}", "tidak boleh memuat NIP atau nama pengguna"),
        ("{lahir}", "tidak boleh memuat NIP atau nama pengguna"),  # birth date from the NIP
    ],
)
def test_aturan_sandi_baru(klien, dunia, baru, pesan):
    baru = baru.format(nip=dunia.guru.nip, lahir=dunia.guru.nip[:8])
    klien.masuk("guru")
    hash_lama = akun("guru").sandi_hash
    klien.get("/akun/sandi")
    r = klien.post("/akun/sandi", {"sandi_lama": SANDI, "sandi_baru": baru, "ulangi": baru})
    assert r.status_code == 422
    assert pesan in r.text
    assert akun("guru").sandi_hash == hash_lama


def test_ulangi_sandi_harus_sama(klien, dunia):
    klien.masuk("guru")
    klien.get("/akun/sandi")
    r = klien.post("/akun/sandi", {"sandi_lama": SANDI, "sandi_baru": SANDI_BARU,
                                   "ulangi": SANDI_BARU + "x"})
    assert r.status_code == 422
    assert "Tidak sama dengan sandi baru." in r.text


# ------------------------------------------------------------------ redirects after login


@pytest.mark.parametrize(
    "tujuan",
    ["//evil.example", "https://evil.example", "/\\evil", "\\\\evil.example",
     "/\t/evil.example", "javascript:alert(1)", "%2F%2Fevil.example"],
)
def test_next_luar_situs_diabaikan(klien, dunia, tujuan):
    klien.get("/masuk")
    r = klien.c.post("/masuk", query_string={"next": tujuan},
                     data={"identitas": "guru", "sandi": SANDI, "csrf_token": klien.token})
    assert r.status_code == 303
    assert r.headers["Location"] == "/"


def test_next_dalam_situs_dihormati(klien, dunia):
    r = klien.get("/profil")
    assert r.status_code == 302
    assert r.headers["Location"] == "/masuk?next=/profil"
    klien.get(r.headers["Location"])
    r = coba_masuk(klien, "guru", SANDI, url="/masuk?next=/profil")
    assert r.status_code == 303
    assert r.headers["Location"] == "/profil"


# ------------------------------------------------------------------ disabled accounts


def test_akun_nonaktif_tidak_bisa_masuk_dan_sesinya_berakhir(klien, buat_klien, dunia):
    klien.masuk("guru")
    ubah_akun("guru", aktif=False)
    assert ke_masuk(klien.get("/profil"))
    r = coba_masuk(buat_klien(), "guru", SANDI)
    assert r.status_code == 422
    assert PESAN_GAGAL in galat_form(r)


# ------------------------------------------------------------------ htmx without a session


def test_fragmen_htmx_tanpa_sesi_401_dengan_hx_redirect(klien, dunia):
    r = klien.get("/dinas/pegawai?q=guru", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert r.headers["HX-Redirect"].startswith("/masuk")
    assert "Location" not in r.headers


def test_permintaan_boosted_tanpa_sesi_dialihkan_biasa(klien, dunia):
    r = klien.get("/profil", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/masuk?next=/profil"
    assert "HX-Redirect" not in r.headers


def test_sesi_dicabut_saat_htmx_juga_hx_redirect(klien, dunia):
    klien.masuk("guru")
    ubah_akun("guru", aktif=False)
    r = klien.get("/profil", headers={"HX-Request": "true"})
    assert r.status_code == 401
    assert r.headers["HX-Redirect"].startswith("/masuk")


def test_fragmen_htmx_tanpa_sesi_kembali_ke_halaman_semula(klien, dunia):
    r = klien.get("/dinas/pegawai?q=dua", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/dinas/pegawai?q=dua"})
    assert r.status_code == 401
    assert r.headers["HX-Redirect"] == "/masuk?next=/dinas/pegawai?q%3Ddua"
    r = klien.get("/dinas/pegawai", headers={
        "HX-Request": "true", "HX-Current-URL": "https://evil.example/dinas/pegawai"})
    assert r.headers["HX-Redirect"] == "/masuk"


# ------------------------------------------------------------------ session cookie refresh


def cookie_berumur(app, k, detik, monkeypatch):
    """Replace the client's session cookie by the same content signed `detik` seconds ago
    (as if the browser had been idle that long)."""
    from itsdangerous import TimestampSigner

    s = app.session_interface.get_signing_serializer(app)
    data = s.loads(cookie_sesi(k))
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - detik)
        k.c.set_cookie(COOKIE, s.dumps(data))


def diset_ulang(r):
    return any(h.startswith(f"{COOKIE}=") for h in r.headers.getlist("Set-Cookie"))


def test_cookie_sesi_tidak_ditandatangani_ulang_tiap_halaman(app, klien, dunia, monkeypatch):
    klien.masuk("guru")
    cookie_berumur(app, klien, 30, monkeypatch)
    r = klien.get("/")
    assert r.status_code == 200 and not diset_ulang(r)


def test_cookie_sesi_disegarkan_setelah_semenit(app, klien, dunia, monkeypatch):
    klien.masuk("guru")
    cookie_berumur(app, klien, app.config["SESI_SEGARKAN_DETIK"] + 5, monkeypatch)
    r = klien.get("/")
    assert r.status_code == 200 and diset_ulang(r)
    s = app.session_interface.get_signing_serializer(app)
    _, waktu = s.loads(cookie_sesi(klien), return_timestamp=True)
    assert time.time() - waktu.timestamp() < 60


def test_batas_menganggur_12_jam_tetap_berlaku(app, klien, dunia, monkeypatch):
    """Idle for just under 12 hours: still signed in (and the cookie renewed); idle a bit
    longer than 12 hours: signed out, the page asks to sign in."""
    batas = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    klien.masuk("guru")
    cookie_berumur(app, klien, batas - 120, monkeypatch)
    r = klien.get("/")
    assert r.status_code == 200 and diset_ulang(r)
    assert klien.get("/profil").status_code == 200
    cookie_berumur(app, klien, batas + 5, monkeypatch)
    assert ke_masuk(klien.get("/profil"))


def test_peran_dicabut_berlaku_pada_permintaan_berikut(klien, dunia):
    """Roles are read with the session on every request: an assignment ended today takes
    effect at once for a signed-in principal (no stale role from the cookie)."""
    from kinerja_web.models import Penugasan

    klien.masuk("kepsek")
    assert klien.get("/penilaian").status_code == 200
    for t in db.session.scalars(select(Penugasan).where(
            Penugasan.pegawai_id == dunia.kepsek.id, Penugasan.peran == "kepala_sekolah")):
        t.selesai = hari_ini() - timedelta(days=1)
    db.session.commit()
    assert klien.get("/penilaian").status_code == 403
