"""Issue #15 items 3 and 4 on the demo: honest states (what a button, a list, a title or a
warning says matches what can be done) and quick use (links open where the person is)."""

import re

import bantu
import pytest
from bantu import atribut_semua, dom, nilai, pesan, tautan, teks, teks_css, teks_dari, versi_di
from bantu import masuk as masuk_dunia
from bantu_penilaian import Alat, isian_penetapan, jumlah, penilaian, pilihan_di

from kinerja_web.demo import SANDI_DEMO
from kinerja_web.models.penilaian import Penetapan, Pengiriman


@pytest.fixture
def masuk(demo, buat_klien):
    def masuk(username):
        k = buat_klien()
        k.masuk(username, SANDI_DEMO)
        return k
    return masuk


@pytest.fixture
def alat(dunia, make_sekolah, make_pegawai, tugaskan):
    """Walks people through the workflow functions (test_penilaian.Alat)."""
    return Alat(dunia, make_sekolah, make_pegawai, tugaskan)


# ------------------------------------------------------------ "Cek" opens the current step

def test_cek_di_daftar_membuka_langkah_yang_sedang_berjalan(masuk):
    k = masuk("kepsek1")
    halaman = dom(k.get("/penilaian"))
    label = ("Diskusi persiapan", "Rating observasi", "Nilai tindak lanjut",
             "Nilai refleksi tindak lanjut", "Sudah selesai")
    baris = []
    for tr in halaman.css_first("tbody").css("tr"):
        status = [x for x in label if x in [teks_dari(el) for el in tr.css("*")]]
        cek = [a.attributes["href"] for a in tr.css("a[href]") if teks_dari(a) == "Cek"
               and re.fullmatch(r"/pelaksanaan/\d+/praktik/\d", a.attributes["href"])]
        baris.append((status[0], int(cek[0][-1])))
    langkah = dict(baris)
    assert langkah == {"Diskusi persiapan": 1, "Rating observasi": 2, "Nilai tindak lanjut": 3,
                       "Nilai refleksi tindak lanjut": 5, "Sudah selesai": 5}
    assert len(baris) == 6


@pytest.mark.parametrize(("username", "n"), [("guru7", 1), ("guru8", 2), ("guru9", 3),
                                             ("guru11", 5), ("guru12", 5)])
def test_cek_praktik_kinerja_guru_membuka_langkahnya(masuk, username, n):
    k = masuk(username)
    cek = [h for h in tautan(k.get("/pelaksanaan"), "Cek Praktik Kinerja")
           if re.fullmatch(r"/pelaksanaan/\d+/praktik/\d", h)]
    assert cek and int(cek[0][-1]) == n
    assert k.get(cek[0]).status_code == 200


# ------------------------------------------------------------ confirmations before sending

def _bentuk(html, aksi=None):
    """The name/value pairs a browser sends from the page's form (hidden inputs)."""
    data = {el.attributes["name"]: el.attributes.get("value") or ""
            for el in dom(html).css('input[type="hidden"][name]')}
    data.pop("csrf_token", None)
    if aksi:
        data["aksi"] = aksi
    return data


def test_kirim_data_ke_dinas_minta_konfirmasi_dulu(alat, buat_klien):
    s = alat.sekolah(["baik", "sangat_baik"], kepsek="ks_k", tambahan=1, kirim=False)
    k = masuk_dunia(buat_klien, "ks_k")
    r = k.get("/penilaian")
    # The list's button opens the confirmation (a page of its own, a GET that writes nothing).
    tombol = dom(r).css('form[method="get"][action="/penilaian/kirim"] button')
    assert [(teks_dari(b), "disabled" in b.attributes) for b in tombol] == [
        ("Kirim data (2)", False)]
    r = k.get("/penilaian/kirim")
    assert r.status_code == 200
    t = teks(r)
    assert "Kirim data Penilaian Kinerja ke Dinas Pendidikan?" in t
    assert "Data penilaian 2 guru berikut akan dikirim." in t
    assert "Guru ks_k 01" in t and "Guru ks_k 02" in t and "Guru ks_k 03" not in t
    # Each person with the predikat proposed from the ratings, beside name and NIP.
    orang = [bantu.teks_dari(li) for li in bantu.dom(r).css("ul.dikirim > li")]
    assert [o.split(" NIP ")[0] for o in orang] == ["Guru ks_k 01", "Guru ks_k 02"]
    assert [o.rsplit(": ", 1)[1] for o in orang] == ["Baik", "Sangat Baik"]
    assert all("Predikat (usulan):" in o for o in orang)
    assert "1 penilaian belum selesai dinilai dan tidak ikut dikirim" in t
    assert jumlah(Pengiriman) == 0
    assert dom(r).css_first('form[method="post"][action="/penilaian/kirim"]') is not None
    assert 'name="csrf_token"' in r.text and "Ya, kirim (2)</button>" in r.text
    r = k.post("/penilaian/kirim", {})
    assert r.status_code == 303
    assert pesan(k.get(r.headers["Location"]))[0].startswith("2 penilaian dikirim")
    assert [penilaian(x).pengiriman_id is not None for x in s.skp[:2]] == [True, True]
    # Nothing left: the list's button is disabled and says why; the page says so too.
    r = k.get("/penilaian")
    assert teks_css(r, 'button[disabled][aria-describedby="kirim-kenapa"]').startswith(
        "Kirim data (0)")
    assert "Belum bisa dikirim: belum ada penilaian yang selesai dinilai" in teks(r)
    r = k.get("/penilaian/kirim")
    assert "Ya, kirim" not in r.text
    assert "Belum ada penilaian yang selesai dinilai dan belum dikirim." in teks(r)
    assert "2 penilaian sudah dikirim sebelumnya." in teks(r)


def test_penetapan_minta_konfirmasi_dulu_tanpa_javascript(alat, buat_klien):
    s = alat.sekolah(["baik", "sangat_baik"], pko="istimewa")
    k = masuk_dunia(buat_klien, "kepsek")
    r = k.get("/penilaian/penetapan")
    assert '<button name="aksi" value="konfirmasi">Kirim…</button>' in r.text
    data = isian_penetapan(s.pen, ["sangat_baik", "sangat_baik"], aksi="konfirmasi",
                           kiriman=nilai(r, "kiriman"))
    # A check the Kirim would refuse is answered on the form itself, nothing written.
    r = k.post("/penilaian/penetapan", data)
    assert r.status_code == 422
    assert "Predikat Guru Satu berbeda dari rekomendasi: tuliskan alasannya." in teks(r)
    data[f"alasan_{s.pen[0]}"] = "Menjadi guru penggerak."
    r = k.post("/penilaian/penetapan", data)
    assert r.status_code == 422
    assert "Distribusi predikat tidak sesuai ketentuan PKO: tuliskan pembenaran" in teks(r)
    data["pembenaran"] = "Keduanya unggul."
    r = k.post("/penilaian/penetapan", data)
    assert r.status_code == 200 and jumlah(Penetapan) == 0
    t = teks(r)
    assert "Pembenaran: Keduanya unggul." in t
    assert "Predikat Sangat Baik paling banyak 70% (1 dari 2 pegawai), saat ini 2." in t
    assert "Tetapkan dan kirim Predikat Kinerja 2 pegawai?" in t
    assert "Sangat Baik (rekomendasi Baik) Menjadi guru penggerak." in t
    assert "Ya, kirim" in t and 'name="csrf_token"' in r.text
    # "Ubah dulu" goes back to the form with the choices kept.
    kembali = k.post("/penilaian/penetapan", _bentuk(r.text, "periksa"))
    assert kembali.status_code == 200
    assert pilihan_di(kembali) == {s.pen[0]: "sangat_baik", s.pen[1]: "sangat_baik"}
    assert jumlah(Penetapan) == 0
    # "Ya, kirim" sends exactly what the confirmation showed.
    r = k.post("/penilaian/penetapan", _bentuk(r.text, "kirim"))
    assert r.status_code == 303
    assert "Predikat Kinerja 2 pegawai ditetapkan dan dikirim." in pesan(
        k.get(r.headers["Location"]))
    assert jumlah(Penetapan) == 1


# ------------------------------------------------------------ titles and recommendations

HX = {"HX-Request": "true"}


def test_langkah_yang_ditukar_htmx_membawa_judulnya(masuk):
    """The fragment of a step ends with its <title> (htmx sets document.title from it); the
    full page has it in <head> only. The browser side: tests/e2e/test_jujur.py."""
    k = masuk("kepsek1")
    r = k.get("/penilaian?tab=tindak_lanjut")
    url = next(a.attributes["href"][:-1] for a in dom(r).css("a[href]")
               if re.fullmatch(r"/pelaksanaan/\d+/praktik/3", a.attributes["href"])
               and teks_dari(a).startswith("Cek"))
    judul = teks_css(k.get(f"{url}3"), "h1")
    assert judul.startswith("Praktik Kinerja: ")
    nama = judul.removeprefix("Praktik Kinerja: ")
    for n, judul in ((2, "Observasi"), (3, "Diskusi tindak lanjut")):
        frag = k.get(f"{url}{n}", headers=HX)
        assert frag.text.lstrip().startswith('<section id="langkah"')
        # The atasan's title names the person (it starts with the page's heading).
        judul_penuh = f"<title>Praktik Kinerja: {nama} — {judul} · Kinerja Guru</title>"
        assert frag.text.rstrip().endswith(judul_penuh)
        penuh = k.get(f"{url}{n}")
        assert penuh.text.count("<title>") == 1
        assert judul_penuh in penuh.text
    k = masuk("guru3")  # a draft plan: the teacher's wizard
    skp = next(h for h in tautan(k.get("/perencanaan")) if re.fullmatch(r"/perencanaan/\d+", h))
    url = next(h[:-1] for h in tautan(k.get(skp))
               if re.fullmatch(r"/perencanaan/\d+/langkah/\d", h))
    frag = k.get(f"{url}2", headers=HX)
    assert "<title>Perencanaan Kinerja — Praktik Kinerja · Kinerja Guru</title>" in frag.text


def test_hitung_rekomendasi_memilihkan_rating(alat, buat_klien):
    from bantu_penilaian import KRITERIA, isian_perilaku

    A, S, B = "di_atas", "sesuai", "di_bawah"

    def tercentang(r, nama):
        return next(iter(bantu.tercentang(r, nama)), None)

    skp_id = alat.skp("guru")
    k = masuk_dunia(buat_klien, "kepsek")
    isi = dict(zip(KRITERIA, (A, A, S), strict=True))
    # Without JavaScript: the page comes back with the recommended rating chosen, even
    # over the rating the form carried before.
    r = k.post(f"/penilaian/{skp_id}/hasil", {**isi, "rating": B, "aksi": "hitung",
                                              "versi": "0"})
    assert "Rekomendasi: <strong>Di Atas Ekspektasi</strong>" in r.text
    assert tercentang(r, "rating") == A
    # With htmx: the swapped block carries the rating chosen the same way.
    frag = k.post(f"/penilaian/{skp_id}/hasil", {**isi, "aksi": "hitung", "versi": "0"},
                  headers=HX)
    assert frag.text.lstrip().startswith('<div id="rekomendasi"')
    assert tercentang(frag, "rating") == A
    frag = k.post(f"/penilaian/{skp_id}/perilaku", {**isian_perilaku([B] * 14),
                                                    "aksi": "hitung", "versi": "0"}, headers=HX)
    assert "Rekomendasi: <strong>Di Bawah Ekspektasi</strong>" in frag.text
    assert tercentang(frag, "rating") == B


def test_penghitung_karakter_siap_dihitung_di_perangkat(masuk):
    """What the small script needs: each reflection field stops at the limit (maxlength)
    and names its counter, which knows the limit. Typing: tests/e2e/test_jujur.py."""
    k = masuk("guru7")
    r = k.get("/pelaksanaan")
    url = next(h for h in tautan(r) if re.fullmatch(r"/pelaksanaan/\d+/kompetensi", h))
    html = k.get(url).text
    for nama in ("inspirasi_0", "penerapan_2"):
        area = dom(html).css_first(f'textarea[name="{nama}"]').attributes
        assert area.get("maxlength") == "250" and area.get("aria-describedby") == f"hitung-{nama}"
        hitung = dom(html).css_first(f"small#hitung-{nama}")
        assert hitung is not None and hitung.attributes.get("class") == "penghitung"
        assert hitung.attributes.get("data-maks") == "250"
    # The server check stays: 251 characters are refused with a message.
    r = k.post(url, {"inspirasi_0": "x" * 251, "penerapan_0": "Saya menerapkannya.",
                     "aksi": "simpan", "versi": versi_di(html)})
    assert r.status_code == 422


# ------------------------------------------------------------ PKO with part of the data

def pko_sekolah(r, nama):
    """The link to the PKO page in the first row of the list naming school `nama`."""
    tr = next(tr for tr in dom(r).css("tr") if nama in teks_dari(tr))
    return next(h for h in atribut_semua(tr.html, "a[href]", "href")
                if re.fullmatch(r"/dinas/pko/\d+", h))


def test_pko_dengan_sebagian_data_memperingatkan_dengan_angka(masuk):
    k = masuk("kadis")
    r = k.get("/dinas/pko")
    url = pko_sekolah(r, "SMP NEGERI 2 KARANGGAYAM")
    r = k.get(url)
    t = teks(r)
    assert "Penilaian diterima: 6 dari 7 guru" in t
    pesan = ("Baru 6 dari 7 guru yang data penilaiannya diterima Dinas; 1 guru belum. PKO ini "
             "menjadi dasar penetapan predikat semua guru sekolah ini, termasuk yang datanya "
             "menyusul.")
    assert pesan in t
    # A school whose every teacher's data arrived has no warning ...
    r = k.get("/dinas/pko")
    url = pko_sekolah(r, "SD NEGERI 3 WONOSARI")
    r = k.get(url)
    assert "Penilaian diterima: 6 dari 6 guru" in teks(r) and "Baru " not in teks(r)
    # ... until the Dinas returns one teacher's data to the principal: set now, the PKO
    # says with the numbers what it is based on, before and after.
    buka = next(a for a in atribut_semua(r, "form[action]", "action")
                if re.fullmatch(r"/dinas/penilaian/\d+/buka", a))
    assert k.post(buka, {"alasan": "Nilai perlu diperiksa ulang."}).status_code == 303
    r = k.get(url)
    pesan = pesan.replace("6 dari 7", "5 dari 6")
    assert "Penilaian diterima: 5 dari 6 guru" in teks(r) and pesan in teks(r)
    versi = nilai(r, "versi")
    assert versi is not None and (versi == "" or versi.isdigit())
    r = k.post(url, {"pko": "baik", "alasan": "Rapor Pendidikan 2025.", "versi": versi})
    assert r.status_code == 303
    t = teks(k.get(r.headers["Location"]))
    assert "PKO SD NEGERI 3 WONOSARI ditetapkan" in t and t.count(pesan) == 2

