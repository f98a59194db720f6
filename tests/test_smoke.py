from tests.proses_uji import flask, migrasi


def test_login_and_beranda(klien, dunia):
    klien.masuk("guru")
    r = klien.get("/")
    assert r.status_code == 200
    assert "Beranda" in r.text


def test_seed_demo_seperti_make_run_tanpa_traceback(tmp_path):
    """`make run` seeds with pre-rendering on (the default): the command must finish
    without a background render failing as the process exits."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrasi(url)
    keluaran = flask(url, "seed-demo", PRACETAK="1")
    assert "Data demo dimuat." in keluaran
