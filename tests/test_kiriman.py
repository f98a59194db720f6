"""Submission keys (kunci kiriman): a form that creates something, sent twice, creates it
once and answers the repeat like the first. The concurrent version of this (two requests
at the same moment against real gunicorn workers) is in test_serentak.py."""

import re

import pytest
from bantu import dom, masuk, nilai
from bantu_sinkro import id_tugas, tunggu_ekspor
from sqlalchemy import func, select

from kinerja_web import jobs
from kinerja_web.extensions import db
from kinerja_web.kiriman import PESAN_ULANG
from kinerja_web.models import Audit, CetakBatch, KunciKiriman, Skp

HX = {"HX-Request": "true"}


def kunci_di(r, aksi):
    """The submission key of the form posting to `aksi` on the page."""
    form = next((f for f in dom(r).css('form[method="post"]')
                 if f.attributes.get("action") == aksi), None)
    assert form is not None, f"tidak ada formulir ke {aksi}"
    k = form.css_first('input[name="kiriman"][type="hidden"]')
    assert k is not None and k.attributes.get("value"), "formulir tanpa kunci kiriman"
    return k.attributes["value"]


def hitung(model, *syarat):
    db.session.rollback()
    n = db.session.scalar(select(func.count()).select_from(model).where(*syarat))
    db.session.rollback()
    return n


def test_mulai_dikirim_dua_kali_satu_skp_dan_yang_kedua_diarahkan_ke_tempat_yang_sama(
        buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    kunci = kunci_di(k.get("/perencanaan"), "/perencanaan/mulai/guru")
    pertama = k.post("/perencanaan/mulai/guru", {"kiriman": kunci})
    kedua = k.post("/perencanaan/mulai/guru", {"kiriman": kunci})
    assert pertama.status_code == kedua.status_code == 303
    assert kedua.headers["Location"] == pertama.headers["Location"]
    assert re.fullmatch(r"/perencanaan/\d+/langkah/1", pertama.headers["Location"])
    assert PESAN_ULANG in k.get(kedua.headers["Location"]).get_data(as_text=True)
    assert hitung(Skp, Skp.pegawai_id == dunia.guru.id) == 1
    assert hitung(Audit, Audit.aksi == "skp_dibuat") == 1
    assert hitung(KunciKiriman, KunciKiriman.kunci == kunci) == 1


def test_ulangan_lewat_htmx_dapat_hx_redirect(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    kunci = kunci_di(k.get("/perencanaan"), "/perencanaan/mulai/guru")
    pertama = k.post("/perencanaan/mulai/guru", {"kiriman": kunci}, headers=HX)
    kedua = k.post("/perencanaan/mulai/guru", {"kiriman": kunci}, headers=HX)
    assert pertama.status_code == kedua.status_code == 204
    assert kedua.headers["HX-Redirect"] == pertama.headers["HX-Redirect"]
    assert hitung(Skp, Skp.pegawai_id == dunia.guru.id) == 1


def test_setiap_halaman_membawa_kunci_baru(buat_klien, dunia):
    k = masuk(buat_klien, "plt")  # a Plt. has two forms on the page: as guru and as Plt.
    r = k.get("/perencanaan")
    kunci = {kunci_di(r, "/perencanaan/mulai/guru"),
             kunci_di(r, "/perencanaan/mulai/plt_kepala_sekolah"),
             kunci_di(k.get("/perencanaan"), "/perencanaan/mulai/guru")}
    assert len(kunci) == 3
    # Both positions can be started from the same page: each form has its own key.
    a = k.post("/perencanaan/mulai/guru", {"kiriman": kunci_di(r, "/perencanaan/mulai/guru")})
    b = k.post("/perencanaan/mulai/plt_kepala_sekolah",
               {"kiriman": kunci_di(r, "/perencanaan/mulai/plt_kepala_sekolah")})
    assert a.headers["Location"] != b.headers["Location"]
    assert hitung(Skp, Skp.pegawai_id == dunia.plt.id) == 2


def test_pembuatan_yang_ditolak_tidak_menyimpan_kunci(buat_klien, dunia):
    k = masuk(buat_klien, "guru")
    # A principal's position the teacher does not hold: refused, nothing stored.
    r = k.post("/perencanaan/mulai/kepala_sekolah", {"kiriman": "k" * 22})
    assert r.status_code == 303 and r.headers["Location"] == "/perencanaan"
    assert hitung(KunciKiriman) == 0 and hitung(Skp) == 0
    # The same key still works for a form that succeeds.
    r = k.post("/perencanaan/mulai/guru", {"kiriman": "k" * 22})
    assert re.fullmatch(r"/perencanaan/\d+/langkah/1", r.headers["Location"])
    assert hitung(KunciKiriman) == 1 and hitung(Skp) == 1


def test_kunci_milik_orang_lain_ditolak(buat_klien, dunia):
    a = masuk(buat_klien, "guru")
    a.post("/perencanaan/mulai/guru", {"kiriman": "kunci-rahasia-guru-satu"})
    b = masuk(buat_klien, "guru2")
    r = b.post("/perencanaan/mulai/guru", {"kiriman": "kunci-rahasia-guru-satu"})
    assert r.status_code == 409
    assert hitung(Skp, Skp.pegawai_id == dunia.guru2.id) == 0


@pytest.mark.parametrize("kunci", ["", "pendek", "x" * 65, "bukan kunci; DROP TABLE", None])
def test_tanpa_kunci_yang_sah_tetap_berjalan_seperti_dulu(buat_klien, dunia, kunci):
    """Pages from before keys existed (or a tampered key) are served, without the record."""
    k = masuk(buat_klien, "guru")
    data = {} if kunci is None else {"kiriman": kunci}
    pertama = k.post("/perencanaan/mulai/guru", data)
    kedua = k.post("/perencanaan/mulai/guru", data)
    assert pertama.headers["Location"] == kedua.headers["Location"]
    assert hitung(Skp) == 1 and hitung(KunciKiriman) == 0


def test_cetak_batch_dikirim_dua_kali_satu_pekerjaan(buat_klien, dunia, monkeypatch):
    antre = []
    monkeypatch.setattr(jobs, "antrikan", lambda app, batch_id: antre.append(batch_id))
    k = masuk(buat_klien, "guru")
    k.post("/perencanaan/mulai/guru")
    op = masuk(buat_klien, "operator")
    r = op.get("/cetak/batch")
    kunci = nilai(r, "kiriman")
    assert kunci
    data = {"jenis": "skp", "sekolah": "", "jenjang": "", "format": "pdf", "kiriman": kunci}
    # The draft SKP cannot be printed yet: refused, and the key is not used up.
    assert op.post("/cetak/batch", data).status_code == 422
    assert hitung(KunciKiriman) == 0
    _sepakati(dunia)
    pertama = op.post("/cetak/batch", data)
    kedua = op.post("/cetak/batch", data)
    assert pertama.status_code == kedua.status_code == 303
    assert kedua.headers["Location"] == pertama.headers["Location"]
    assert hitung(CetakBatch) == 1 and len(antre) == 1
    assert hitung(Audit, Audit.aksi == "cetak_batch") == 1
    assert PESAN_ULANG in op.get(kedua.headers["Location"]).get_data(as_text=True)


def _sepakati(dunia):
    """Walk the teacher's draft to agreed through the workflow functions."""
    from kinerja_web.alur import skp as alur_skp
    from kinerja_web.models import Akun
    from kinerja_web.peran import muat_peran

    def aktor(pegawai_id):
        a = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai_id))
        a.peran = muat_peran(a.pegawai)
        return a

    db.session.rollback()
    skp = db.session.scalar(select(Skp).where(Skp.pegawai_id == dunia.guru.id))
    guru, kepsek = aktor(dunia.guru.id), aktor(dunia.kepsek.id)
    alur_skp.simpan_pilihan(skp, guru, {"tugas_tambahan": False, "praktik_kode": "D1-1",
                                        "kompetensi_kode": "1.2", "aspek_fokus": ["kompeten"]})
    alur_skp.ajukan(skp, guru)
    alur_skp.setujui(skp, kepsek)
    alur_skp.sepakati(skp, guru)
    db.session.commit()
    db.session.rollback()


def test_periode_e_kinerja_dikirim_dua_kali_satu_periode(buat_klien, dunia):
    from kinerja_web.models import PeriodeEkinerja

    k = masuk(buat_klien, "operator")
    kunci = kunci_di(k.get("/sinkro/periode"), "/sinkro/periode")
    isian = {"kiriman": kunci, "nama": "TRIWULAN I", "tipe_periodik": "Triwulanan",
             "angka_periodik": "1", "tahun": "2025", "mulai": "2025-01-01",
             "selesai": "2025-03-31", "batas": "2025-04-25"}
    pertama, kedua = k.post("/sinkro/periode", isian), k.post("/sinkro/periode", isian)
    assert pertama.status_code == kedua.status_code == 303, pertama.get_data(as_text=True)
    assert kedua.headers["Location"] == pertama.headers["Location"] == "/sinkro/periode"
    assert PESAN_ULANG in k.get("/sinkro/periode").get_data(as_text=True)
    assert hitung(PeriodeEkinerja) == 1
    assert hitung(Audit, Audit.aksi == "periode_ekinerja_dibuat") == 1


def test_ekspor_e_kinerja_dikirim_dua_kali_satu_ekspor(buat_klien, dunia):
    from kinerja_web.models import Ekspor, TugasEkspor

    k = masuk(buat_klien, "operator")
    kunci = kunci_di(k.get("/sinkro/ekspor"), "/sinkro/ekspor")
    isian = {"kiriman": kunci, "jenis": "perencanaan"}
    pertama, kedua = k.post("/sinkro/ekspor", isian), k.post("/sinkro/ekspor", isian)
    assert pertama.status_code == kedua.status_code == 303, pertama.get_data(as_text=True)
    assert re.fullmatch(r"/sinkro/ekspor/tugas/\d+", pertama.headers["Location"])
    assert kedua.headers["Location"] == pertama.headers["Location"]
    assert tunggu_ekspor(id_tugas(pertama)).status == "selesai"
    assert hitung(TugasEkspor) == 1
    assert hitung(Ekspor) == 1
