"""Configuration from KINERJA_* variables, the generated secret, and production refusals."""

import os
import stat

import pytest
from flask import Flask

from kinerja_web import config
from kinerja_web.config import KonfigurasiTidakAman

KUNCI_KUAT = "q7Vb3kX9pL2mN8rT4wY6zA1cE5gH0jK_sU-dF"


@pytest.fixture(autouse=True)
def lingkungan_bersih(monkeypatch):
    """The tests set exactly the variables they mean; none leak in from the shell."""
    for nama in list(os.environ):
        if nama.startswith("KINERJA_") or nama in ("FLASK_DEBUG", "FLASK_ENV"):
            monkeypatch.delenv(nama)


@pytest.fixture
def muat(tmp_path):
    """config.load on a bare Flask app whose instance folder is a temporary directory."""

    def muat(test_config=None, instance=None):
        app = Flask("kinerja_uji", instance_path=str(instance or tmp_path / "instance"))
        config.load(app, test_config)
        return app.config

    return muat


def test_variabel_kinerja_dibaca(muat, monkeypatch, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'lain.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", db_url)
    monkeypatch.setenv("KINERJA_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("KINERJA_MASUK_MAKS_GAGAL", "3")
    cfg = muat()
    assert cfg["DATABASE_URL"] == db_url
    assert cfg["SQLALCHEMY_DATABASE_URI"] == db_url
    assert cfg["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert cfg["MASUK_MAKS_GAGAL"] == 3  # JSON-parsed, not the string "3"


def test_bawaan_sqlite_di_folder_instance_tanpa_redis(muat, tmp_path):
    cfg = muat()
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'kinerja.db'}"
    assert cfg["REDIS_URL"] is None
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"
    assert cfg["PRODUKSI"] is False


def test_test_config_menang_atas_lingkungan(muat, monkeypatch):
    monkeypatch.setenv("KINERJA_SESI_MAKS_HARI", "90")
    assert muat({"SESI_MAKS_HARI": 7})["SESI_MAKS_HARI"] == 7


@pytest.mark.parametrize(
    ("url", "hasil"),
    [
        ("postgres://u:p@db.local:5432/kinerja", "postgresql+psycopg://u:p@db.local:5432/kinerja"),
        ("postgresql://u:p@db.local/kinerja", "postgresql+psycopg://u:p@db.local/kinerja"),
        ("postgresql+psycopg://u@h/k", "postgresql+psycopg://u@h/k"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_url_postgresql_dinormalkan(url, hasil):
    assert config.normalise_database_url(url) == hasil


def test_url_postgres_dari_lingkungan(muat, monkeypatch):
    monkeypatch.setenv("KINERJA_DATABASE_URL", "postgres://kinerja@127.0.0.1/kinerja")
    cfg = muat()
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://kinerja@127.0.0.1/kinerja"
    # PostgreSQL's pool (its checkout check: tests/test_jalur.py), not SQLite's options.
    opsi = cfg["SQLALCHEMY_ENGINE_OPTIONS"]
    assert opsi["pool_use_lifo"] is True and "connect_args" not in opsi


def test_kunci_rahasia_dibuat_sekali_dan_dipakai_lagi(muat, tmp_path):
    instance = tmp_path / "instance"
    pertama = muat()["SECRET_KEY"]
    berkas = instance / "secret_key"
    assert berkas.read_text().strip() == pertama
    assert len(pertama) >= config.PANJANG_KUNCI_MIN
    assert stat.S_IMODE(berkas.stat().st_mode) == 0o600
    assert muat(instance=instance)["SECRET_KEY"] == pertama  # a restart keeps sessions valid
    assert muat(instance=tmp_path / "lain")["SECRET_KEY"] != pertama


def test_instance_secret_langsung(tmp_path):
    a = config.instance_secret(tmp_path)
    b = config.instance_secret(tmp_path)
    assert a == b
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_kunci_dari_lingkungan_tidak_menulis_berkas(muat, monkeypatch, tmp_path):
    monkeypatch.setenv("KINERJA_SECRET_KEY", KUNCI_KUAT)
    assert muat()["SECRET_KEY"] == KUNCI_KUAT
    assert not (tmp_path / "instance" / "secret_key").exists()


# ------------------------------------------------------------------ production


def test_produksi_tanpa_kunci_ditolak(muat, monkeypatch, tmp_path):
    monkeypatch.setenv("KINERJA_ENV", "production")
    with pytest.raises(KonfigurasiTidakAman, match="KINERJA_SECRET_KEY"):
        muat()
    assert not (tmp_path / "instance" / "secret_key").exists()  # no silent fallback


@pytest.mark.parametrize("kunci", ["dev", "changeme", "rahasia", "x" * 31, "Secret"])
def test_produksi_kunci_lemah_ditolak(muat, monkeypatch, kunci):
    monkeypatch.setenv("KINERJA_ENV", "production")
    monkeypatch.setenv("KINERJA_SECRET_KEY", kunci)
    with pytest.raises(KonfigurasiTidakAman, match="terlalu lemah"):
        muat()


@pytest.mark.parametrize(
    ("nama", "nilai"),
    [("KINERJA_DEBUG", "true"), ("FLASK_DEBUG", "1"), ("KINERJA_TESTING", "true")],
)
def test_produksi_dengan_debug_ditolak(muat, monkeypatch, nama, nilai):
    monkeypatch.setenv("KINERJA_ENV", "production")
    monkeypatch.setenv("KINERJA_SECRET_KEY", KUNCI_KUAT)
    monkeypatch.setenv(nama, nilai)
    with pytest.raises(KonfigurasiTidakAman, match="DEBUG"):
        muat()


def test_produksi_debug_lewat_test_config_ditolak(muat):
    with pytest.raises(KonfigurasiTidakAman):
        muat({"ENV": "production", "SECRET_KEY": KUNCI_KUAT, "DEBUG": True})


def test_produksi_dengan_kunci_kuat_jalan(muat, monkeypatch, tmp_path):
    monkeypatch.setenv("KINERJA_ENV", "production")
    monkeypatch.setenv("KINERJA_SECRET_KEY", KUNCI_KUAT)
    monkeypatch.setenv("KINERJA_URL_PUBLIK", "https://kinerja.contoh.go.id")
    cfg = muat()
    assert cfg["PRODUKSI"] is True
    assert cfg["SECRET_KEY"] == KUNCI_KUAT
    assert cfg["PREFERRED_URL_SCHEME"] == "https"
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize("url", [None, "", "kinerja.contoh.go.id"])
def test_produksi_tanpa_url_publik_ditolak(muat, monkeypatch, url):
    """Production prints the verification address it is told, never one guessed from a
    request's Host header."""
    monkeypatch.setenv("KINERJA_ENV", "production")
    monkeypatch.setenv("KINERJA_SECRET_KEY", KUNCI_KUAT)
    if url is not None:
        monkeypatch.setenv("KINERJA_URL_PUBLIK", url)
    with pytest.raises(KonfigurasiTidakAman, match="KINERJA_URL_PUBLIK"):
        muat()


def test_pengembangan_tanpa_url_publik(muat):
    assert muat()["URL_PUBLIK"] is None  # derived from each request (test_verifikasi.py)


# ------------------------------------------------------------------ cookies


def test_flag_cookie_pengembangan(muat):
    cfg = muat()
    assert cfg["SESSION_COOKIE_HTTPONLY"] is True
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["SESSION_COOKIE_SECURE"] is False
    assert cfg["REMEMBER_COOKIE_SECURE"] is False
    assert cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert cfg["REMEMBER_COOKIE_DURATION"].days <= 30


def test_flag_cookie_produksi(muat):
    cfg = muat({"ENV": "production", "SECRET_KEY": KUNCI_KUAT,
                "URL_PUBLIK": "https://kinerja.contoh.go.id"})
    assert cfg["SESSION_COOKIE_HTTPONLY"] is True
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["REMEMBER_COOKIE_SECURE"] is True
