def test_login_and_beranda(klien, dunia):
    klien.masuk("guru")
    r = klien.get("/")
    assert r.status_code == 200
    assert "Beranda" in r.text
