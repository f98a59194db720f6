"""Declarative wizards (issue #13 item 3) for the Praktik Kinerja cycle: the cycle is its
step list (the workflow's half in alur.pelaksanaan.PRAKTIK, the pages' half in
pelaksanaan/langkah.py). A cycle built from the real lists plus one step, inserted before
the reflection, shows the step in the indicator with its own status line, keeps it shut by
the order rule until the tindak lanjut is accepted, saves through its own form and
action, refuses the buttons it does not have, and the renumbered reflection still goes
through both sides (its audit actions keep their names)."""

import bantu_pelaksanaan
import jinja2
import pytest
from bantu import langkah_kini, masuk, teks
from bantu_pelaksanaan import REFLEKSI, aksi_audit_sejak, jumlah_audit, kirim, praktik, url
from sqlalchemy import func, select

from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.extensions import db
from kinerja_web.langkah import Wizard
from kinerja_web.models.pelaksanaan import CatatanUpaya
from kinerja_web.pelaksanaan import langkah as daftar
from kinerja_web.pelaksanaan import views as v
from kinerja_web.pelaksanaan.forms import FormUpaya

# The shared fixtures (pytest finds them by name in this module).
rencana = bantu_pelaksanaan.rencana
majukan = bantu_pelaksanaan.majukan


class FormBelajar(FormUpaya):
    """The new step's form: a dated note of what was learnt."""


# The four edits: the workflow's step, the pages' step, its form, its template.
BELAJAR = alur_p.LangkahPraktik(
    "belajar", "Catatan belajar", "praktik_belajar", "status_tindak_lanjut",
    alur_p.StatusLangkah.DITERIMA, opsional=True,
    syarat="Catatan belajar dimulai setelah Dokumen tindak lanjut diterima atasan.")
LANGKAH_BELAJAR = daftar._langkah(
    BELAJAR, "uji/_praktik_belajar.html",
    pegawai=daftar.Sisi(lambda p, **kw: FormBelajar(**kw), frozenset({"simpan"}),
                        daftar._upaya, cek_versi=False),
    status=lambda p: f"{len(p.upaya) if p.id else 0} catatan belajar")
TEMPLAT = (
    '{% if sebagai == "pegawai" %}<form method="post" action="{{ url_langkah(n) }}">'
    '{{ form.csrf_token }}{{ form.versi }}{{ form.kunci }}'
    '<label for="isi">{{ form.isi.label.text }}</label>{{ form.isi() }}{{ form.tanggal() }}'
    '<button name="aksi" value="simpan">Simpan catatan belajar</button></form>{% endif %}')


@pytest.fixture
def tambah_langkah(app, monkeypatch):
    """Insert the step before the reflection, in both halves (returns its number)."""
    def tambah():
        alur = [*alur_p.PRAKTIK[:-1], BELAJAR, alur_p.PRAKTIK[-1]]
        monkeypatch.setattr(alur_p, "PRAKTIK", tuple(alur))
        monkeypatch.setattr(alur_p, "NOMOR", {s.kode: n for n, s in enumerate(alur, 1)})
        asli = daftar.PRAKTIK.langkah
        w = Wizard([*asli[:-1], LANGKAH_BELAJAR, asli[-1]])
        monkeypatch.setattr(v, "WIZARD", w)
        monkeypatch.setattr(v, "LANGKAH", w.judul)
        loader = jinja2.ChoiceLoader([jinja2.DictLoader({"uji/_praktik_belajar.html": TEMPLAT}),
                                      app.jinja_env.loader])
        monkeypatch.setattr(app.jinja_env, "loader", loader)
        return len(asli)
    return tambah


def test_daftar_langkah_dua_paruh_satu_urutan():
    w = daftar.PRAKTIK
    assert [s.alur for s in w.langkah] == list(alur_p.PRAKTIK)
    assert w.judul == {n: s.judul for n, s in enumerate(alur_p.PRAKTIK, 1)}
    assert len(w) == 5 and 0 not in w and 6 not in w
    # The documents and their scores come from the steps, not from numbers.
    assert [n for n, s in enumerate(alur_p.PRAKTIK, 1) if s.dokumen] == [1, 3, 5]
    assert [n for n, s in enumerate(alur_p.PRAKTIK, 1) if s.kolom_nilai] == [3, 5]


def test_siklus_dengan_langkah_tambahan(buat_klien, rencana, majukan, tambah_langkah):
    skp_id = rencana("guru")
    majukan(skp_id, 4)  # persiapan agreed, observed, tindak lanjut sent (not accepted)
    baru = tambah_langkah()
    refleksi = baru + 1
    guru, kepsek = masuk(buat_klien, "guru"), masuk(buat_klien, "kepsek")

    # The indicator lists the new step with its status line; the reflection moved on.
    r = guru.get(url(skp_id, baru))
    assert r.status_code == 200
    assert f"{baru} Catatan belajar 0 catatan belajar" in teks(r)
    assert f"{refleksi} Refleksi tindak lanjut" in teks(r)
    # The order rule of the new step: shut until the tindak lanjut is accepted.
    assert "Catatan belajar dimulai setelah Dokumen tindak lanjut diterima atasan." in teks(r)
    assert 'name="isi"' not in r.text
    assert guru.get(url(skp_id, refleksi + 1)).status_code == 404

    r = kirim(kepsek, skp_id, 3, {"nilai": "2"}, aksi="terima")
    assert r.status_code == 303, teks(r)

    # Open now: its form renders, its action saves, a button it has not is refused.
    r = guru.get(url(skp_id, baru))
    assert 'name="isi"' in r.text and "Simpan catatan belajar" in r.text
    sebelum = jumlah_audit()
    r = kirim(guru, skp_id, baru, {"isi": "Membaca buku disiplin positif.",
                                   "tanggal": "2025-04-01"})
    assert r.status_code == 303 and r.headers["Location"].endswith(url(skp_id, baru))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CatatanUpaya)) == 1
    assert aksi_audit_sejak(sebelum) == ["praktik_4_upaya"]
    r = kirim(guru, skp_id, baru, {"isi": "Lagi."}, aksi="kirim")
    assert r.status_code == 422 and "Tindakan ini tidak tersedia pada langkah ini." in teks(r)
    r = kirim(kepsek, skp_id, baru, {"isi": "Atasan menulis."})
    assert r.status_code == 422 and "Tindakan ini tidak tersedia pada langkah ini." in teks(r)
    assert f"{baru} Catatan belajar 1 catatan belajar" in teks(guru.get(url(skp_id, baru)))

    # The reflection, one step further, through both sides; audit names unchanged.
    sebelum = jumlah_audit()
    r = kirim(guru, skp_id, refleksi, dict(REFLEKSI), aksi="kirim")
    assert r.status_code == 303, teks(r)
    r = kirim(kepsek, skp_id, refleksi, {"nilai": "2"}, aksi="terima")
    assert r.status_code == 303, teks(r)
    assert aksi_audit_sejak(sebelum)[:1] == ["praktik_5_diajukan"]
    assert "praktik_5_diterima" in aksi_audit_sejak(sebelum)
    p = praktik(skp_id)
    assert p.status_refleksi == "diterima" and p.nilai_refleksi == 2
    # Everything done: the person is at the last step (the optional one is never "now").
    assert alur_p.langkah_sekarang(p) == refleksi
    assert langkah_kini(guru.get(url(skp_id, refleksi))) == str(refleksi)
