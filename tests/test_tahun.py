"""Performance years as rows per Dinas (issue 14, parts 1 and 6): the Operator's "Tahun
Kinerja" page (open, start, close with its check), the year each page shows and the
switch, the closed year refusing every change while it still prints, verifies and exports,
and the demo across 2025 (closed) and 2026 (running)."""

import dunia_akses
import pytest
from bantu import dom, galat, masuk, masuk_demo, pesan, teks, teks_dari
from bantu_perencanaan import ajukan, baris, isi, kirim_langkah, mulai
from bantu_sinkro import id_tugas, tunggu_ekspor
from dunia_akses import PERAN, catat_tulisan, tanpa_commit
from matriks_akses import MATRIKS, POST, TOLAK, harap
from sqlalchemy import select, update

from kinerja_web import demo as demo_data
from kinerja_web import pdf
from kinerja_web.alur.tahun import BERTAHUN
from kinerja_web.extensions import db
from kinerja_web.models import (
    Audit,
    Cetakan,
    Ekspor,
    LogSinkro,
    Pegawai,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.akun import Akun
from kinerja_web.models.sinkro import StatusLog

TABEL_BERTAHUN = {m.__tablename__ for m in BERTAHUN}


def tabel_dari(pernyataan):
    """The table an INSERT INTO / UPDATE / DELETE FROM statement writes."""
    kata = pernyataan.replace("(", " ").split()
    return (kata[1] if kata[0].upper() == "UPDATE" else kata[2]).strip('"')


def status_tahun(dinas_id, tahun):
    db.session.expire_all()
    st = db.session.scalar(
        select(TahunDinas.status).join(TahunKinerja, TahunKinerja.id == TahunDinas.tahun_id)
        .where(TahunDinas.dinas_id == dinas_id, TahunKinerja.tahun == tahun))
    db.session.rollback()
    return st


def pilihan_tahun(r):
    """The header's year switch: ([(value, label)], the selected value) or the fixed year."""
    d = dom(r)
    sel = d.css_first("form.pilih-tahun select[name=tahun]")
    if sel is None:
        return teks_dari(d.css_first("form.pilih-tahun strong"))
    opsi = [(o.attributes["value"], teks_dari(o)) for o in sel.css("option")]
    dipilih = [o.attributes["value"] for o in sel.css("option") if "selected" in o.attributes]
    return opsi, dipilih


# ------------------------------------------------------------------ open, start, close


def test_operator_membuka_memulai_dan_menutup_tahun(buat_klien, dunia):
    op = masuk(buat_klien, "operator")
    r = op.get("/dinas/tahun")
    assert r.status_code == 200
    baris_tabel = [teks_dari(tr) for tr in dom(r).css("tbody tr")]
    assert len(baris_tabel) == 1 and baris_tabel[0].startswith("2025 aturan/data/2025.toml")
    assert "Berjalan" in baris_tabel[0]
    # 2026's rule file exists: it can be opened; 2027's does not.
    tombol = [teks_dari(b) for b in dom(r).css("button")]
    assert "Buka tahun 2026" in tombol and "Buka tahun 2027" not in tombol
    r = op.post("/dinas/tahun/buka", {"tahun": "2027"})
    assert r.status_code == 422
    assert "Aturan tahun 2027 (aturan/data/2027.toml) belum tersedia" in " ".join(pesan(r))

    r = op.post("/dinas/tahun/buka", {"tahun": "2026"})
    assert r.status_code == 303
    assert status_tahun(dunia.dinas.id, 2026) == StatusTahun.PERSIAPAN
    assert status_tahun(dunia.dinas_lain.id, 2026) is None  # the other Dinas is untouched
    r = op.post("/dinas/tahun/buka", {"tahun": "2026"})  # a second click
    assert r.status_code == 409

    # In preparation only the Dinas staff see it; a teacher still sees 2025 only.
    g = masuk(buat_klien, "guru")
    assert pilihan_tahun(g.get("/")) == "2025 (Berjalan)"
    assert pilihan_tahun(op.get("/"))[0] == [("2026", "2026 (Persiapan)"),
                                             ("2025", "2025 (Berjalan)")]
    # Planning in a year in preparation is refused even when asked for directly.
    r = g.get("/perencanaan?tahun=2026")
    assert "2026" not in pilihan_tahun(r)

    r = op.get("/dinas/tahun")
    versi = dom(r).css_first('form[action="/dinas/tahun/2026/mulai"] input[name=versi]')
    r = op.post("/dinas/tahun/2026/mulai", {"versi": versi.attributes["value"]})
    assert r.status_code == 303
    assert status_tahun(dunia.dinas.id, 2026) == StatusTahun.BERJALAN
    r = op.post("/dinas/tahun/2026/mulai", {"versi": versi.attributes["value"]})
    assert r.status_code == 409  # the page was out of date

    # Audited: who opened and started it.
    db.session.expire_all()
    aksi = db.session.execute(select(Audit.aksi, Audit.dari, Audit.ke).where(
        Audit.aksi.like("tahun_%")).order_by(Audit.id)).all()
    db.session.rollback()
    assert [tuple(a) for a in aksi] == [("tahun_dibuka", None, "persiapan"),
                                        ("tahun_dimulai", "persiapan", "berjalan")]


def test_tahun_ditutup_menolak_perubahan_dan_tetap_dapat_dibaca(buat_klien, dunia):
    g = masuk(buat_klien, "guru")
    skp_id = mulai(g)
    isi(g, skp_id)
    op = masuk(buat_klien, "operator")
    r = op.get("/dinas/tahun/2025/tutup")
    assert r.status_code == 200
    assert "1 SKP tidak sampai penilaian" in teks(r)
    r = op.post("/dinas/tahun/2025/tutup", {"versi": "1"})
    assert r.status_code == 303, galat(r)
    assert status_tahun(dunia.dinas.id, 2025) == StatusTahun.DITUTUP
    assert status_tahun(dunia.dinas_lain.id, 2025) == StatusTahun.BERJALAN

    sebelum = baris(skp_id)
    r = kirim_langkah(g, skp_id, 3, {"kompetensi": "2.1"})
    assert r.status_code == 422
    assert "Tahun kinerja 2025 sudah ditutup" in teks(r)
    r = ajukan(g, skp_id)
    assert r.status_code == 422
    assert "Tahun kinerja 2025 sudah ditutup" in teks(r)
    assert baris(skp_id) == sebelum
    # Reading goes on, and the header says the year is read-only.
    r = g.get(f"/perencanaan/{skp_id}/langkah/5")
    assert r.status_code == 200
    assert pilihan_tahun(r) == "2025 (Ditutup)"
    assert teks_dari(dom(r).css_first("form.pilih-tahun .lencana")) == "Hanya baca"
    # A new plan cannot be started in a closed year either.
    r = g.post("/perencanaan/mulai/guru")
    assert baris(skp_id) == sebelum
    # The other Dinas, sharing the instance, still works in 2025.
    assert status_tahun(dunia.dinas_lain.id, 2025) == StatusTahun.BERJALAN


def test_tahun_tidak_dapat_ditutup_selama_penilaian_belum_sampai_predikat(buat_klien, demo):
    op = masuk_demo(buat_klien, "operator")
    dinas_id = db.session.scalar(select(Pegawai.dinas_id).join(Akun, Akun.pegawai_id == Pegawai.id)
                                 .where(Akun.username == "operator"))
    db.session.rollback()
    r = op.get("/dinas/tahun/2026/tutup")
    assert r.status_code == 200
    judul = [teks_dari(h) for h in dom(r).css("h3")]
    assert any(j.startswith("Penilaian sudah dikirim, predikat belum ditetapkan") for j in judul)
    # SD NEGERI 3 WONOSARI was sent and waits for its PKO: its teachers are named.
    assert "SD NEGERI 3 WONOSARI" in teks(r)
    assert not dom(r).css("main form[method=post] button")  # no close button while blocked
    r = op.post("/dinas/tahun/2026/tutup", {"versi": "1"})
    assert r.status_code == 422
    assert "belum dapat ditutup" in galat(r)
    assert status_tahun(dinas_id, 2026) == StatusTahun.BERJALAN


# ------------------------------------------------------------------ the shown year


def test_tahun_yang_ditampilkan_dan_pilihannya(buat_klien, demo):
    # A teacher with an SKP in both years: 2026 (running) by default, 2025 on request,
    # remembered for the next pages, each showing its own SKP.
    g = masuk_demo(buat_klien, "guru45")
    r = g.get("/")
    assert pilihan_tahun(r) == ([("2026", "2026 (Berjalan)"), ("2025", "2025 (Ditutup)")],
                                ["2026"])
    assert "Periode Januari–Desember 2026" in teks(r)
    r = g.get("/?tahun=2025")
    assert pilihan_tahun(r)[1] == ["2025"]
    assert "Predikat Kinerja 2025" in teks(r)
    r = g.get("/perencanaan")
    assert r.status_code == 302  # his one 2025 plan opens directly
    tahun_skp = db.session.scalar(
        select(TahunKinerja.tahun).join(Skp, Skp.tahun_id == TahunKinerja.id)
        .where(Skp.id == int(r.headers["Location"].split("/")[2])))
    db.session.rollback()
    assert tahun_skp == 2025
    r = g.get("/?tahun=1999")  # a year he cannot see is ignored
    assert pilihan_tahun(r)[1] == ["2025"]
    assert pilihan_tahun(g.get("/?tahun=2026"))[1] == ["2026"]
    # Someone who has no SKP yet sees his Dinas' newest running year.
    assert pilihan_tahun(masuk_demo(buat_klien, "guru1").get("/"))[1] == ["2026"]


def test_tahun_ditutup_tetap_dicetak_diverifikasi_dan_diekspor(buat_klien, demo, monkeypatch):
    monkeypatch.setattr(pdf, "render", lambda *a, **k: b"%PDF-1.4 tahun ditutup")
    skp_id = db.session.scalar(
        select(Skp.id).join(Akun, Akun.pegawai_id == Skp.pegawai_id)
        .join(TahunKinerja, TahunKinerja.id == Skp.tahun_id)
        .where(Akun.username == "guru45", TahunKinerja.tahun == 2025))
    db.session.rollback()
    op = masuk_demo(buat_klien, "operator")
    op.get("/?tahun=2025")
    r = op.post(f"/cetak/skp/{skp_id}")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    kode = db.session.scalar(select(Cetakan.kode).where(Cetakan.skp_id == skp_id))
    db.session.rollback()
    r = buat_klien().get(f"/verifikasi/{kode}")
    assert r.status_code == 200 and "2025" in teks(r)
    # The export runs as a background job (this process's export thread): wait for it.
    t = tunggu_ekspor(id_tugas(op.post("/sinkro/ekspor", {"jenis": "penilaian_akhir"})))
    assert t.status == "selesai", t.galat
    # The export is the closed year's: those exported are the people with a 2025 SKP.
    ekspor_id = db.session.scalar(select(Ekspor.id).order_by(Ekspor.id.desc()))
    dicatat = set(db.session.scalars(select(LogSinkro.pegawai_id).where(
        LogSinkro.ekspor_id == ekspor_id, LogSinkro.status == StatusLog.BERHASIL)))
    punya_2025 = set(db.session.scalars(
        select(Skp.pegawai_id).join(TahunKinerja, TahunKinerja.id == Skp.tahun_id)
        .where(TahunKinerja.tahun == 2025)))
    guru45 = db.session.scalar(select(Akun.pegawai_id).where(Akun.username == "guru45"))
    db.session.rollback()
    assert guru45 in dicatat and dicatat <= punya_2025


def test_demo_dua_tahun(demo):
    rows = db.session.execute(
        select(TahunKinerja.tahun, TahunKinerja.aturan, TahunDinas.status)
        .join(TahunDinas, TahunDinas.tahun_id == TahunKinerja.id)
        .order_by(TahunKinerja.tahun)).all()
    db.session.rollback()
    assert [tuple(r) for r in rows] == [(2025, "2025", "ditutup"), (2026, "2026", "berjalan")]
    assert demo_data.TAHUN_INI == 2026


# ------------------------------------------------------------------ every route, closed


@pytest.fixture(scope="module")
def dunia_m(_app, tmp_path_factory):
    yield from dunia_akses.dunia_modul(_app, tmp_path_factory)


def test_tahun_ditutup_setiap_rute_tulis_tidak_mengubah_data_tahun(_app, dunia_m, monkeypatch):
    """Every state-changing route of the matrix, by every role it lets through, on the
    objects of a closed year: no INSERT, UPDATE or DELETE reaches a table of the year."""
    monkeypatch.setattr(pdf, "render", lambda *a, **k: b"%PDF-1.4 matriks")
    with _app.app_context():
        db.session.execute(update(TahunDinas).values(status=StatusTahun.DITUTUP))
        db.session.commit()
    salah, dicoba = [], 0
    try:
        for (endpoint, method), rute in sorted(MATRIKS.items()):
            if method != POST:
                continue
            for peran in PERAN:
                for objek in rute.objek:
                    if harap(rute.aturan, peran, objek) in TOLAK:
                        continue
                    url = rute.url(dunia_m, objek)
                    with tanpa_commit(), catat_tulisan(_app) as tulisan:
                        r = dunia_m.sesi[peran].minta(_app, method, url)
                    dicoba += 1
                    kena = [t for t in tulisan if tabel_dari(t) in TABEL_BERTAHUN]
                    if kena or r.status_code >= 500:
                        salah.append(f"{peran} {endpoint} {url}: {r.status_code} {kena}")
    finally:
        with _app.app_context():
            db.session.execute(update(TahunDinas).values(status=StatusTahun.BERJALAN)
                               .where(TahunDinas.tahun_id == select(TahunKinerja.id).where(
                                   TahunKinerja.tahun == demo_data.TAHUN_INI)
                                   .scalar_subquery()))
            db.session.commit()
    assert dicoba > 50
    assert not salah, "\n".join(salah)
