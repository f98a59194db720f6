"""Declarative wizards (issue #13 item 3): the pegawai's wizard is its step list. A wizard
built from the real list plus one step renders the new step, navigates through it, refuses
"Lanjut" without its required field, and the final re-validation of "Ajukan" names it."""

import jinja2
import pytest
from bantu import galat, masuk, nilai, teks, versi_di
from bantu_perencanaan import ISI_GURU, isi, kirim_langkah, mulai, url_langkah
from wtforms import StringField
from wtforms.validators import Length, Optional

from kinerja_web.langkah import Langkah, Wizard
from kinerja_web.perencanaan import langkah as daftar
from kinerja_web.perencanaan import views as v
from kinerja_web.perencanaan.forms import FormWizard


class FormWaliKelas(FormWizard):
    nama_tugas_tambahan = StringField("Kelas yang Anda walikan",
                                      validators=[Optional(), Length(max=200)])


TAMBAHAN = Langkah(
    "Kelas perwalian", FormWaliKelas, "uji/_langkah_wali.html",
    wajib=(("nama_tugas_tambahan", "Tulis kelas yang Anda walikan."),),
    isi=lambda skp: {"nama_tugas_tambahan": skp.nama_tugas_tambahan},
    nilai=lambda form, skp: {"nama_tugas_tambahan": form.nama_tugas_tambahan.data or None})


@pytest.fixture
def wizard_plus(app, monkeypatch):
    """The real steps with the new one before the summary (four edits: this step, its
    form, its template, and the list)."""
    asli = daftar.PEGAWAI.langkah
    w = Wizard([*asli[:-1], TAMBAHAN, asli[-1]])
    monkeypatch.setattr(v, "WIZARD", w)
    monkeypatch.setattr(v, "LANGKAH", w.judul)
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"uji/_langkah_wali.html": (
        '<label for="nama_tugas_tambahan">{{ form.nama_tugas_tambahan.label.text }}</label>'
        '{{ form.nama_tugas_tambahan() }}'
        '{% for e in form.nama_tugas_tambahan.errors %}<p class="galat-isian">{{ e }}</p>'
        '{% endfor %}')}), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    return w


def test_daftar_langkah_menentukan_jumlah_dan_urutan():
    w = daftar.PEGAWAI
    assert len(w) == w.terakhir == len(w.judul) and list(w.judul) == list(range(1, len(w) + 1))
    assert 0 not in w and len(w) + 1 not in w
    assert w.tujuan(1, "lanjut") == 2 and w.tujuan(1, "kembali") == 1
    assert w.tujuan(w.terakhir, "lanjut") == w.terakhir and w.tujuan(3, "simpan") == 3
    assert len(daftar.ATASAN) == 4 and daftar.ATASAN.judul[len(daftar.ATASAN)] == "Persetujuan"


def test_wizard_dengan_langkah_tambahan(buat_klien, dunia, wizard_plus):
    w = wizard_plus
    baru, akhir = w.terakhir - 1, w.terakhir
    k = masuk(buat_klien, "guru")
    skp_id = mulai(k)
    # Steps 1–4 as before; step 1 leaves the new step's field empty.
    isi(k, skp_id, {**ISI_GURU, 1: {"tugas_tambahan": "ya"}})
    # The new step renders with its title, number and form, and the indicator lists it.
    r = k.get(url_langkah(skp_id, baru))
    assert r.status_code == 200
    assert f"{baru}. Kelas perwalian" in teks(r) and 'name="nama_tugas_tambahan"' in r.text
    # The summary is one step further: its old number is now the new step.
    assert k.get(url_langkah(skp_id, akhir)).status_code == 200
    assert k.get(url_langkah(skp_id, akhir + 1)).status_code == 404
    # "Ajukan" re-validates every step and names the new one's missing field.
    r = k.post(url_langkah(skp_id, akhir),
               {"versi": versi_di(k.get(url_langkah(skp_id, akhir))), "aksi": "ajukan"})
    assert r.status_code == 422
    assert f"Langkah {baru} (Kelas perwalian): Tulis kelas yang Anda walikan." in galat(r)
    # "Lanjut" without it: 422 with the message on the field; nothing moves.
    r = kirim_langkah(k, skp_id, baru, {"nama_tugas_tambahan": ""})
    assert r.status_code == 422 and "Tulis kelas yang Anda walikan." in r.text
    # "Kembali" goes to step 4; filled and "Lanjut" goes to the summary and is stored.
    r = kirim_langkah(k, skp_id, baru, {"nama_tugas_tambahan": ""}, aksi="kembali")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/langkah/{baru - 1}")
    r = kirim_langkah(k, skp_id, baru, {"nama_tugas_tambahan": "Kelas 4B"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/langkah/{akhir}")
    r = k.get(url_langkah(skp_id, baru))
    assert nilai(r, "nama_tugas_tambahan") == "Kelas 4B"
    # Now complete: "Ajukan" goes through.
    r = k.post(url_langkah(skp_id, akhir),
               {"versi": versi_di(k.get(url_langkah(skp_id, akhir))), "aksi": "ajukan"})
    assert r.status_code == 303, galat(r)
