"""Fuzzing every form handler (issue 8, item 3): Hypothesis sends each POST endpoint of
`app.url_map` random and boundary input — hostile text (Unicode, RTL override, NUL bytes,
up to 100 KB, HTML/JS), boundary numbers, broken dates, missing, repeated and unexpected
fields, wrong choices, stale or garbage versions — as a signed-in person entitled to it,
with an object in the state the handler works on, so the input reaches its validation.

For every example: no 5xx; a 4xx leaves every table as it was; a success changes only the
tables the handler is about, and every changed row has its audit row (a state change has
exactly one). Between examples the database returns to its snapshot (only what changed is
written back), so one app and one database serve a whole test function.

A table below lists the handlers; `test_setiap_post_difuzz` fails when a POST route has no
entry, so a new handler is fuzzed from the day it is added.
"""

import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple
from urllib.parse import quote

import berkas_jahat
import fuzz_dunia
import pytest
from bantu import atribut_semua, nilai
from fuzz_dunia import (
    PAYLOAD,
    SANDI,
    Berkas,
    angka_jahat,
    campur,
    isian,
    jahat,
    tanggal_jahat,
    teks_jahat,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select

from kinerja_web import aturan, demo
from kinerja_web.alur import penilaian as alur_n
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    CetakBatch,
    ImporBerkas,
    LogSinkro,
    Penetapan,
    Penilaian,
    PeriodeEkinerja,
    Praktik,
    Sekolah,
    Skp,
    TahunKinerja,
    TugasEkspor,
)
from kinerja_web.pengingat import token_berhenti as token_pengingat
from kinerja_web.peran import muat_peran

ATR = aturan.muat_aturan("2025")
PRAKTIK_GURU = [i.kode for i in ATR.pilihan_praktik("guru")]
KOMPETENSI_GURU = list(ATR.kompetensi("guru").kode)
ASPEK = list(ATR.perilaku.kode)
RATING = [r.value for r in aturan.Rating]
PREDIKAT = [p.value for p in aturan.Predikat]
PKO = [p.value for p in aturan.PKO]
HASIL_OBS = [h.value for h in aturan.HasilObservasi]
TUGAS = [t.kode for t in ATR.tugas_pokok("guru")]
DOKUMEN = [d.kode for d in ATR.dokumen("guru")]
HEADER = st.sampled_from(({}, {}, {}, {"HX-Request": "true"},
                          {"HX-Request": "true", "HX-Boosted": "true"},
                          {"HX-Request": "true", "HX-Current-URL": "http://localhost/beranda"}))
LIHAT = frozenset()  # a handler that writes nothing
STATUS_TRANSISI = {"skp": ("status",),
                   "praktik": ("status_persiapan", "status_observasi", "status_tindak_lanjut",
                               "status_refleksi"),
                   "impor_berkas": ("status",), "cetak_batch": ("status",),
                   "tugas_ekspor": ("status",)}


class Minta(NamedTuple):
    url: str
    data: list
    header: dict


@dataclass
class Sasaran:
    """One handler, fuzzed as `pengguna` with the object `siapkan` put in shape."""

    nama: str
    endpoint: str
    pengguna: str | None
    minta: Callable  # (Dunia, konteks) -> strategy of Minta
    halaman: Callable  # (Dunia, konteks) -> URL of the page the form is on
    ubah: frozenset = LIHAT  # tables a success may change (audit always may)
    ubah_4xx: frozenset = frozenset()  # tables a refusal may change (failed logins)
    siapkan: Callable | None = None  # (Lingkungan) -> konteks, before the snapshot
    harus_sukses: bool = True  # with the full profile, some example must get through


def pilih(*nilai):
    return st.sampled_from(list(nilai))


def id_jalur(baik, lain=()):
    """A path id: mostly the object set up for the test, else foreign or absurd ones."""
    return campur(st.sampled_from(list(baik)), st.one_of(
        st.integers(-3, 2**80), st.sampled_from(list(lain) or [0])))


def teks_jalur(baik):
    return campur(st.sampled_from(list(baik)), teks_jahat.map(lambda s: quote(s, safe="")))


def form(url, bidang, liar=True):
    return st.builds(Minta, url, isian(bidang, liar), HEADER)


def versi(k, kunci="versi"):
    return campur(st.just(k[kunci]), st.one_of(angka_jahat, teks_jahat, st.just("1")))


def akun(username):
    a = db.session.scalar(select(Akun).where(Akun.username == username))
    a.peran = muat_peran(a.pegawai)
    return a


def versi_di(html):
    return nilai(html, "versi") or ""


def tahun():
    return db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == demo.TAHUN_INI))


def skp_lain(w):
    """SKP ids nobody in the demo Dinas may touch, and some of the demo's own."""
    return [w.skp_id("guru_lain"), w.skp_id("kepsek_lain", "kepala_sekolah"),
            w.skp_id("guru23"), w.skp_id("kepsek1", "kepala_sekolah")]


# ------------------------------------------------------------------ setups

def baca_versi(L, username, url):
    return {"versi": versi_di(L.peramban(username).get(url).data)}


def fokus_untuk(skp_id):
    skp = db.session.get(Skp, skp_id)
    ind = aturan_skp(skp).praktik(skp.katalog_posisi).get(skp.praktik_berlaku)
    return list(ind.fokus_perilaku) if ind else []


def nilai_penuh(L, username_pegawai, atasan):
    """Rate one teacher's finished cycle completely (so it can be sent)."""
    skp = db.session.get(Skp, L.dunia.skp_id(username_pegawai))
    a = akun(atasan)
    pen, _ = alur_n.penilaian_untuk(skp)
    alur_n.simpan_rating_hasil(pen, a, dict.fromkeys(alur_n.KRITERIA, "sesuai"), None, None,
                               "Baik.", None)
    alur_n.simpan_rating_perilaku(pen, a, {x: {"perwujudan": "sesuai", "dampak": "sesuai"}
                                           for x in ASPEK}, None, None, {})
    db.session.commit()
    return pen.id


def siap_kirim(L):
    nilai_penuh(L, "guru12", "kepsek1")
    return {}


def pen_sekolah(sekolah_id, dikirim=True):
    q = select(Penilaian.id).join(Skp, Skp.id == Penilaian.skp_id).where(
        Skp.sekolah_id == sekolah_id, Skp.posisi == "guru")
    if dikirim:
        q = q.where(Penilaian.pengiriman_id.is_not(None))
    return list(db.session.scalars(q.order_by(Penilaian.id)))


def siap_penetapan(L):
    """The Kepala Dinas sets SD NEGERI 3 WONOSARI's PKO: its principal can set predikat."""
    sid = L.dunia.sekolah["SD NEGERI 3 WONOSARI"]
    pen = db.session.scalars(select(Penilaian).where(Penilaian.id.in_(pen_sekolah(sid)))).all()
    alur_n.tetapkan_pko(akun("kadis"), db.session.get(Sekolah, sid), tahun(), "baik",
                        "Rapor Pendidikan baik.", pen)
    db.session.commit()
    return {"pen": [p.id for p in pen]}


def buka_penetapan_dinas(L):
    """Reopen the principals' penetapan so the Dinas' own PKO can be set again."""
    p = db.session.scalar(select(Penetapan).where(Penetapan.sekolah_id.is_(None),
                                                  Penetapan.tahun_id == tahun().id))
    alur_n.buka_penetapan(akun("kadis"), p, "Koreksi data.")
    db.session.commit()
    return {}


def penetapan_ids(L):
    return {"ids": list(db.session.scalars(select(Penetapan.id).order_by(Penetapan.id)))}


def pengiriman_ids(L):
    sid = L.dunia.sekolah["SD NEGERI 3 WONOSARI"]
    return {"ids": pen_sekolah(sid), "lain": pen_sekolah(L.dunia.sekolah[
        "SMP NEGERI 1 KEBUMEN"])}


def batch_antri(L):
    b = CetakBatch(akun_id=L.dunia.akun["kadis"], dinas_id=L.dunia.dinas, jenis="skp",
                   format="pdf", daftar=[L.dunia.skp_id("guru23")], lingkup="Uji",
                   status="antri")
    lain = CetakBatch(akun_id=L.dunia.akun["kadis_lain"], dinas_id=L.dunia.dinas_lain,
                      jenis="skp", format="pdf", daftar=[], lingkup="Uji", status="antri")
    db.session.add_all([b, lain])
    db.session.commit()
    return {"ids": [b.id], "lain": [lain.id]}


def ekspor_antri(L):
    """An export job waiting in each Dinas (the operator's, and one of the other Dinas)."""
    t = TugasEkspor(akun_id=L.dunia.akun["operator"], dinas_id=L.dunia.dinas,
                    jenis="perencanaan", tahun=demo.TAHUN_INI, lingkup="Uji", status="antri")
    lain = TugasEkspor(dinas_id=L.dunia.dinas_lain, jenis="perencanaan", tahun=demo.TAHUN_INI,
                       lingkup="Uji", status="antri")
    db.session.add_all([t, lain])
    db.session.commit()
    return {"ids": [t.id], "lain": [lain.id]}


ROSTER_SEKOLAH = ("npsn;nama;jenjang;status\n20309999;SD NEGERI 99 FUZZ;sd;negeri\n")
REFERENSI_UNOR = ("unor_id;nama;induk_id;aktif\nUNOR-FUZZ-1;SD NEGERI 99 FUZZ;"
                  "UNOR-DISDIK-KEBUMEN;Ya\n")


def unggah(L, url, nama, isi, medan="berkas"):
    p = L.peramban("operator")
    p.get("/impor")
    r = p.post(url, {medan: Berkas(isi.encode(), nama)})
    assert r.status_code in (204, 303), r.status_code
    db.session.remove()
    return db.session.scalar(select(func.max(ImporBerkas.id)))


def impor_pratinjau(L):
    return {"ids": [unggah(L, "/impor", "sekolah.csv", ROSTER_SEKOLAH)]}


def impor_diterapkan(L):
    """A roster import saved by the operator (the one who may make its passwords again)."""
    ids = impor_pratinjau(L)["ids"]
    p = L.peramban("operator")
    p.get(f"/impor/{ids[0]}")
    assert p.post(f"/impor/{ids[0]}/terapkan", {}).status_code == 200
    db.session.remove()
    return {"ids": ids}


def referensi_pratinjau(L):
    return {"ids": [unggah(L, "/sinkro/referensi/unor", "unor.csv", REFERENSI_UNOR,
                           "unor-berkas")]}


def log_sinkro(L):
    p = L.peramban("operator")
    p.get(f"/sinkro/pegawai/{L.dunia.pegawai['guru23']}")
    r = p.post(f"/sinkro/pegawai/{L.dunia.pegawai['guru23']}/sinkro",
               {"posisi": "guru", "jenis": "perencanaan"})
    assert r.status_code in (204, 303), r.status_code
    db.session.remove()
    return {"ids": list(db.session.scalars(select(LogSinkro.id)))}


def token_berhenti(L):
    return {"token": [token_pengingat(L.dunia.pegawai["guru3"])]}


def periode(L):
    ids = list(db.session.scalars(select(PeriodeEkinerja.id).order_by(PeriodeEkinerja.id)))
    return {"ids": ids, "versi": "1"}


# ------------------------------------------------------------------ field strategies

# Hostile files from tests/berkas_jahat.py (the cheap ones to build): entity expansion in any
# encoding, external references, a decompression bomb, zip tricks, endless empty rows.
LOGO_JAHAT = [berkas_jahat.svg_utf16_doctype(), berkas_jahat.svg_utf32_tanpa_bom_laughs(),
              berkas_jahat.svg_billion_laughs(), berkas_jahat.svg_entitas_luar(),
              berkas_jahat.svg_xlink("file:///etc/passwd"), berkas_jahat.png_bom(4000)]
TABEL_JAHAT = [berkas_jahat.xlsx_entitas_teks_bersama(), berkas_jahat.xlsx_entitas_lembar("utf-16"),
               berkas_jahat.xlsx_celah_kosong(), berkas_jahat.xlsx_terenkripsi(),
               berkas_jahat.xlsx_rasio(2), berkas_jahat.csv_satu_baris(300_000),
               b"nip" + b";" * 5000 + b"\n1\n"]

# Upload file names as a browser or a script may send them: a NUL, other controls, path
# parts of either kind, far longer than the column (ImporBerkas.nama_berkas).
NAMA_BERKAS = ["", "x" * 300 + ".csv", "r" * 5000 + ".csv", "\u202evsc.csv", "ros\x00ter.csv",
               "\x00", "a\x0bb\x1f\x85.csv", "..\\..\\C:\\roster.csv", "/etc/roster.csv",
               "../", "\u2028.xlsx"]


def berkas_logo():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, "PNG")
    png = out.getvalue()
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
           b'<rect width="4" height="4" fill="red"/></svg>')
    isi = st.one_of(
        st.sampled_from([png, svg, png + b"<script>", b"<svg onload=alert(1)/>",
                         b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
                         b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><svg/>",
                         b"\x89PNG\r\n\x1a\nrusak", b"\xff\xd8\xff\xe0rusak", b"", b"GIF89a"]),
        st.sampled_from(LOGO_JAHAT),
        st.binary(max_size=300),
        st.builds(lambda n: png + b"\0" * n, st.sampled_from([10, 210 * 1024])))
    nama = st.sampled_from(NAMA_BERKAS + ["logo.png", "logo.svg", "../../logo.png"])
    return st.builds(Berkas, isi, nama)


def sel_csv():
    return st.one_of(st.sampled_from(["20309999", "SD NEGERI 99 FUZZ", "sd", "negeri", "", "=1+1",
                                      "198001012005011901", "PNS", "Guru Ahli Pertama",
                                      "III/a", "L", "1990-02-30"]), teks_jahat)


def berkas_pdf():
    """Mostly files refused before any parsing (not a PDF), sometimes a broken or hostile
    PDF (each parsed in a child process: slow, so fewer)."""
    isi = campur(st.one_of(st.binary(max_size=300), st.sampled_from([b"", b"GIF89a"])),
                 st.one_of(st.builds(lambda b: b"%PDF-1.7\n" + b, st.binary(max_size=300)),
                           st.sampled_from([berkas_jahat.pdf_bersarang(2000)])), 9)
    return st.builds(Berkas, isi, st.sampled_from(NAMA_BERKAS + ["dokumen.pdf"]))


def berkas_tabel(kolom):
    """A CSV of the expected columns (plus junk) with mostly plausible cells, or bytes."""
    def csv_dari(kepala, baris, pemisah):
        teks = [pemisah.join(kepala)] + [pemisah.join(b) for b in baris]
        return "\n".join(teks)

    kepala = st.lists(st.one_of(st.sampled_from(kolom), teks_jahat), min_size=1,
                      max_size=len(kolom) + 2)
    csv_teks = st.builds(csv_dari, kepala, st.lists(st.lists(sel_csv(), max_size=8),
                                                    max_size=5),
                         st.sampled_from([";", ",", "\t"]))
    csv_teks = csv_teks.map(lambda s: s[:100_000])  # big enough; keeps examples quick
    isi = st.one_of(csv_teks.map(lambda s: s.encode("utf-8")),
                    csv_teks.map(lambda s: s.encode("utf-8", "replace").replace(b"a", b"\xe9")),
                    st.binary(max_size=200),
                    st.sampled_from([b"PK\x03\x04rusak", b"", b'"tidak ditutup;\n1;2']),
                    st.sampled_from(TABEL_JAHAT))
    nama = st.sampled_from(NAMA_BERKAS + ["roster.csv", "sekolah.csv", "roster.xlsx",
                                          "lama.xls"])
    return st.builds(Berkas, isi, nama)


def json_isian():
    daun = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                     st.sampled_from(PAYLOAD))
    nilai = st.recursive(daun, lambda anak: st.lists(anak, max_size=4)
                         | st.dictionaries(st.text(max_size=5), anak, max_size=3), max_leaves=12)
    return st.one_of(
        nilai.map(json.dumps),
        st.lists(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(PAYLOAD)),
                          max_size=5), max_size=4).map(json.dumps),
        st.builds(lambda n: "[" * n + "]" * n, st.sampled_from([10, 1000, 100_000])),
        st.builds(lambda n: "[" * n, st.sampled_from([5, 100_000])),
        teks_jahat)


# ------------------------------------------------------------------ the handlers

def _praktik(nama, pengguna, pemilik, n, bidang, ubah, siapkan=None):
    def minta(w, k):
        url = st.builds(lambda s, m: f"/pelaksanaan/{s}/praktik/{m}",
                        id_jalur([w.skp_id(pemilik)], skp_lain(w)),
                        campur(st.just(n), st.integers(-1, 2**70), 9))
        return form(url, bidang(w, k))

    def siap(L):
        k = dict(siapkan(L) if siapkan else {})
        k.update(baca_versi(L, pengguna, f"/pelaksanaan/{L.dunia.skp_id(pemilik)}/praktik/{n}"))
        k["fokus"] = fokus_untuk(L.dunia.skp_id(pemilik))
        db.session.remove()
        praktik = db.session.scalar(select(Praktik).where(
            Praktik.skp_id == L.dunia.skp_id(pemilik)))
        k["fokus_dipilih"] = list(praktik.fokus_perilaku) if praktik else []
        return k

    return Sasaran(nama, "pelaksanaan.praktik", pengguna, minta,
                   lambda w, k: f"/pelaksanaan/{w.skp_id(pemilik)}/praktik/{n}",
                   frozenset(ubah), siapkan=siap)


def _aksi(*nilai):
    return campur(st.sampled_from(nilai), st.one_of(teks_jahat, pilih(
        "simpan", "kirim", "otomatis", "terima", "kembalikan", "sepakati", "selesai", "tambah",
        "lanjut", "kembali", "setujui", "validasi", "batal", "hitung", "panel")))


def _catatan():
    return campur(pilih("Perbaiki jadwalnya.", "Lengkapi tujuan."), teks_jahat, 6)


def _teks_isi():
    return campur(pilih("Berdiskusi di komunitas belajar.", "Maret–Mei 2025."), teks_jahat, 6)


def _tanggal():
    return campur(st.dates(date(2025, 1, 1), date(2025, 12, 31)).map(date.isoformat),
                  tanggal_jahat, 7)


def _perencanaan_langkah(w, k):
    url = st.builds(lambda s, n: f"/perencanaan/{s}/langkah/{n}",
                    id_jalur([w.skp_id(k["pemilik"])], skp_lain(w)),
                    campur(pilih(1, 2, 3, 4, 5), st.integers(-1, 2**70), 9))
    return form(url, {
        "versi": versi(k), "aksi": _aksi("lanjut", "kembali", "simpan", "otomatis"),
        "tugas_tambahan": campur(pilih("ya", "tidak")),
        "nama_tugas_tambahan": campur(pilih("Wali kelas", ""), teks_jahat, 6),
        "praktik": campur(st.sampled_from(PRAKTIK_GURU + ["KS-1"])),
        "kompetensi": campur(st.sampled_from(KOMPETENSI_GURU)),
        "aspek": campur(st.sampled_from(ASPEK)),
    })


def _siap_wizard(pemilik):
    def siap(L):
        return {"pemilik": pemilik, **baca_versi(
            L, pemilik, f"/perencanaan/{L.dunia.skp_id(pemilik)}/langkah/1")}
    return siap


def _persetujuan(w, k):
    url = st.builds(lambda s, n: f"/persetujuan/{s}/langkah/{n}",
                    id_jalur([w.skp_id(k["pemilik"], k["posisi"])], skp_lain(w)),
                    campur(pilih(1, 2, 3, 4), st.integers(-1, 2**70), 9))
    bidang = {
        "versi": versi(k), "aksi": _aksi("lanjut", "kembali", "simpan", "setujui",
                                         "kembalikan"),
        "praktik": campur(st.sampled_from(PRAKTIK_GURU + ["KS-1", "KS-3"])),
        "kompetensi": campur(st.sampled_from(KOMPETENSI_GURU)),
        "tugas_tambahan": campur(pilih("ya", "tidak")),
        "aspek": campur(st.sampled_from(ASPEK)), "catatan": _catatan(),
    }
    for a in ASPEK[:3]:
        bidang[f"ekspektasi_{a}"] = campur(pilih("-", "Aktif di KKG."), teks_jahat, 6)
    return form(url, bidang)


def _siap_persetujuan(atasan, pemilik, posisi="guru"):
    def siap(L):
        return {"pemilik": pemilik, "posisi": posisi, **baca_versi(
            L, atasan, f"/persetujuan/{L.dunia.skp_id(pemilik, posisi)}/langkah/1")}
    return siap


def _hasil(w, k):
    url = st.builds(lambda s: f"/penilaian/{s}/hasil",
                    id_jalur([w.skp_id(k["pemilik"])], skp_lain(w)))
    rating = campur(st.sampled_from(RATING))
    return form(url, {"versi": versi(k), "aksi": _aksi("simpan", "simpan", "hitung"),
                      "upaya_refleksi": rating, "upaya_mempelajari": rating,
                      "perubahan_praktik": rating,
                      "rating": campur(st.sampled_from(RATING), peluang_baik=5),
                      "alasan": _catatan(), "umpan_balik": _catatan()})


def _perilaku(w, k):
    url = st.builds(lambda s: f"/penilaian/{s}/perilaku",
                    id_jalur([w.skp_id(k["pemilik"])], skp_lain(w)))
    rating = campur(st.sampled_from(RATING), peluang_baik=9)
    bidang = {"versi": versi(k), "aksi": _aksi("simpan", "simpan", "hitung"),
              "rating": campur(st.sampled_from(RATING), peluang_baik=5), "alasan": _catatan()}
    for a in ASPEK:
        bidang[f"{a}__perwujudan"] = rating
        bidang[f"{a}__dampak"] = rating
    bidang[f"umpan_{ASPEK[0]}"] = _catatan()
    # Fourteen ratings rarely all arrive intact by chance: half the examples send every
    # one of them (valid), so the save itself is fuzzed too.
    lengkap = st.builds(
        lambda nilai, versi_, lain: [("versi", versi_), ("aksi", "simpan")] + [
            (f"{a}__{kom}", v) for a, pasangan in zip(ASPEK, nilai, strict=True)
            for kom, v in zip(("perwujudan", "dampak"), pasangan, strict=True)] + lain,
        st.lists(st.tuples(st.sampled_from(RATING), st.sampled_from(RATING)),
                 min_size=len(ASPEK), max_size=len(ASPEK)),
        versi(k), isian({"rating": campur(st.sampled_from(RATING), peluang_baik=3),
                         "alasan": _catatan()}))
    return st.one_of(form(url, bidang), st.builds(Minta, url, lengkap, HEADER))


def _siap_nilai(atasan, pemilik):
    def siap(L):
        return {"pemilik": pemilik, **baca_versi(
            L, atasan, f"/penilaian/{L.dunia.skp_id(pemilik)}/hasil")}
    return siap


def _penetapan(w, k):
    bidang = {"aksi": _aksi("kirim", "kirim", "panel"), "pembenaran": _catatan()}
    for i in k["pen"]:
        bidang[f"predikat_{i}"] = campur(st.sampled_from(PREDIKAT))
        # Mostly a usable reason: six teachers in one form must all pass for a Kirim to
        # store (hostile texts, incl. controls that clean to nothing, are the rest).
        bidang[f"alasan_{i}"] = campur(pilih("Perubahan praktik nyata.", ""), teks_jahat, 9)
    url = campur(st.just("/penilaian/penetapan"), pilih("/penilaian/penetapan?lingkup=dinas"))
    return form(url, bidang)


def _periode_bidang(k):
    # Dates mostly inside the year (a period must lie in it), hostile ones the rest.
    return {"nama": campur(pilih("TRIWULAN FUZZ", "JANUARI")), "tahun": campur(pilih(
        "2025", "")), "mulai": campur(pilih("2025-01-01", "2025-04-01"), tanggal_jahat),
            "selesai": campur(pilih("2025-03-31", "2025-06-30"), tanggal_jahat),
            "batas": campur(pilih("2026-01-31"), tanggal_jahat),
            "tipe_periodik": campur(pilih("", "Bulanan", "Triwulanan", "Tahunan")),
            "angka_periodik": campur(pilih("", "1", "2", "4", "12")), "versi": versi(k)}


def _sasaran():
    s = []
    tambah = s.append

    # -------------------------------------------------------------- auth
    tambah(Sasaran(
        "masuk", "auth.masuk", None,
        lambda w, k: form(
            campur(st.just("/masuk"), st.one_of(teks_jahat, pilih(
                "//evil.example", "https://evil.example/", "/\\evil", "/beranda", "javascript:x"))
                .map(lambda n: "/masuk?next=" + quote(n, safe=""))),
            {"identitas": campur(pilih("guru2", " GURU2 ", w.nip[w.pegawai["guru2"]],
                                       "tidak-ada")),
             "sandi": campur(pilih(SANDI, "salah-sekali"))}),
        lambda w, k: "/masuk", frozenset({"sesi_login", "akun"}),
        ubah_4xx=frozenset({"akun"})))
    tambah(Sasaran("keluar", "auth.keluar", "guru2",
                   lambda w, k: form(st.just("/keluar"), {}), lambda w, k: "/",
                   frozenset({"sesi_login"})))
    baru = campur(pilih("Sandi-baru-yang-kuat-9", "12345678", "guru2"), teks_jahat, 7)
    tambah(Sasaran(
        "ganti_sandi", "auth.ganti_sandi", "guru2",
        lambda w, k: st.builds(Minta, st.just("/akun/sandi"), st.tuples(
            campur(pilih(SANDI, "salah")), baru, st.booleans(), isian({}, True)).map(
                lambda x: [("sandi_lama", x[0]), ("sandi_baru", x[1]),
                           ("ulangi", x[1] if x[2] else x[1] + "x")] + x[3]), HEADER),
        lambda w, k: "/akun/sandi", frozenset({"akun", "sesi_login"})))

    # -------------------------------------------------------------- perencanaan
    tambah(Sasaran(
        "perencanaan_mulai", "perencanaan.mulai", "guru1",
        lambda w, k: form(teks_jalur(["guru", "guru", "kepala_sekolah", "plt_kepala_sekolah"])
                          .map(lambda p: f"/perencanaan/mulai/{p}"), {"versi": jahat}),
        lambda w, k: "/perencanaan", frozenset({"skp"})))
    tambah(Sasaran("perencanaan_langkah_draf", "perencanaan.langkah", "guru3",
                   _perencanaan_langkah, lambda w, k: f"/perencanaan/{w.skp_id('guru3')}/langkah/1",
                   frozenset({"skp"}), siapkan=_siap_wizard("guru3")))
    tambah(Sasaran("perencanaan_langkah_dikembalikan", "perencanaan.langkah", "guru5",
                   _perencanaan_langkah, lambda w, k: f"/perencanaan/{w.skp_id('guru5')}/langkah/1",
                   frozenset({"skp"}), siapkan=_siap_wizard("guru5")))
    tambah(Sasaran(
        "perencanaan_sepakati", "perencanaan.sepakati", "guru6",
        lambda w, k: form(st.builds(lambda s: f"/perencanaan/{s}/sepakati",
                                    id_jalur([w.skp_id("guru6")], skp_lain(w))),
                          {"versi": versi(k)}),
        lambda w, k: f"/perencanaan/{w.skp_id('guru6')}/sepakati", frozenset({"skp"}),
        siapkan=lambda L: baca_versi(L, "guru6",
                                     f"/perencanaan/{L.dunia.skp_id('guru6')}/sepakati")))
    tambah(Sasaran(
        "perencanaan_kompetensi", "perencanaan.kompetensi", "guru15",
        lambda w, k: form(st.builds(lambda s: f"/perencanaan/{s}/kompetensi",
                                    id_jalur([w.skp_id("guru15")], skp_lain(w))),
                          {"versi": versi(k),
                           "kompetensi": campur(st.sampled_from(KOMPETENSI_GURU))}),
        lambda w, k: f"/perencanaan/{w.skp_id('guru15')}/kompetensi", frozenset({"skp"}),
        siapkan=lambda L: baca_versi(L, "guru15",
                                     f"/perencanaan/{L.dunia.skp_id('guru15')}/kompetensi")))
    tambah(Sasaran("persetujuan_guru", "persetujuan.langkah", "kepsek1", _persetujuan,
                   lambda w, k: f"/persetujuan/{w.skp_id('guru4')}/langkah/1",
                   frozenset({"skp"}), siapkan=_siap_persetujuan("kepsek1", "guru4")))
    tambah(Sasaran("persetujuan_kepala_sekolah", "persetujuan.langkah", "kadis", _persetujuan,
                   lambda w, k: f"/persetujuan/{w.skp_id('kepsek2', 'kepala_sekolah')}/langkah/1",
                   frozenset({"skp"}),
                   siapkan=_siap_persetujuan("kadis", "kepsek2", "kepala_sekolah")))

    # -------------------------------------------------------------- pelaksanaan
    tambah(_praktik("praktik_1_pegawai", "guru15", "guru15", 1, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("simpan", "kirim", "otomatis"),
        "fokus": campur(st.sampled_from(k["fokus"] or ["-"])),
        "fokus_lain": campur(pilih("", "Memberi umpan balik spesifik"), teks_jahat, 6),
        "upaya_belajar": _teks_isi(), "jadwal_usulan": _tanggal()}, {"praktik"}))
    tambah(_praktik("praktik_1_atasan", "kepsek1", "guru7", 1, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("sepakati", "kembalikan"),
        "jadwal_observasi": _tanggal(), "catatan": _catatan()}, {"praktik"}))

    def _observasi(w, k):
        b = {"versi": versi(k), "aksi": _aksi("simpan", "selesai", "otomatis"),
             "rekomendasi": _teks_isi()}
        for i, _ in enumerate(k["fokus_dipilih"] + ["lebih"]):
            b[f"hasil_{i}"] = campur(st.sampled_from(HASIL_OBS), peluang_baik=9)
            b[f"catatan_{i}"] = _teks_isi()
        return b

    tambah(_praktik("praktik_2_atasan", "kepsek1", "guru8", 2, _observasi, {"praktik"}))
    tambah(_praktik("praktik_3_pegawai", "guru9", "guru9", 3, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("simpan", "kirim", "otomatis"),
        **{b: _teks_isi() for b in ("tl_tantangan", "tl_tujuan", "tl_upaya", "tl_jadwal",
                                    "tl_dukungan")}}, {"praktik"}))
    tambah(_praktik("praktik_3_atasan", "kepsek1", "guru10", 3, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("terima", "kembalikan"), "catatan": _catatan()},
        {"praktik", "penilaian"}))
    tambah(_praktik("praktik_4_pegawai", "guru11", "guru11", 4, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("tambah"), "tanggal": _tanggal(),
        "isi": _teks_isi(), "kunci": campur(pilih("kunci-fuzz-1", "kunci-fuzz-2"), teks_jahat)},
        {"praktik", "catatan_upaya"}))
    tambah(_praktik("praktik_5_pegawai", "guru11", "guru11", 5, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("simpan", "kirim", "otomatis"),
        **{b: _teks_isi() for b in ("refleksi_praktik", "refleksi_perubahan",
                                    "refleksi_dampak")}}, {"praktik"}))
    tambah(_praktik("praktik_5_atasan", "kepsek1", "guru11", 5, lambda w, k: {
        "versi": versi(k), "aksi": _aksi("terima", "kembalikan"), "catatan": _catatan()},
        {"praktik", "penilaian"}))

    def _upaya(nama, endpoint, akhiran, bidang):
        """guru11's progress notes (his reflection is sent, not accepted): corrected or
        deleted; the ids of his notes, another cycle's, absurd ones."""
        def minta(w, k):
            url = st.builds(lambda s, c: f"/pelaksanaan/{s}/upaya/{c}{akhiran}",
                            id_jalur([w.skp_id("guru11")], skp_lain(w)),
                            id_jalur(k["catatan"], k["catatan_lain"]))
            return form(url, bidang(k))

        def siap(L):
            def upaya(u):
                r = L.peramban(u).get(f"/pelaksanaan/{L.dunia.skp_id(u)}/praktik/4")
                return [int(i.removeprefix("upaya-")) for i in atribut_semua(
                    r, '[id^="upaya-"]', "id") if i.removeprefix("upaya-").isdigit()]

            ids, lain = upaya("guru11"), upaya("guru12")
            assert ids and lain, (ids, lain)
            return {"catatan": ids, "catatan_lain": lain, "versi": "1"}

        return Sasaran(nama, endpoint, "guru11", minta,
                       lambda w, k: f"/pelaksanaan/{w.skp_id('guru11')}/praktik/4",
                       frozenset({"catatan_upaya"}), siapkan=siap)

    tambah(_upaya("upaya_ubah", "pelaksanaan.upaya", "", lambda k: {
        "ubah-versi": versi(k), "ubah-tanggal": _tanggal(), "ubah-isi": _teks_isi()}))
    tambah(_upaya("upaya_hapus", "pelaksanaan.hapus_upaya", "/hapus", lambda k: {
        "versi": versi(k)}))

    def _kompetensi(pengguna, pemilik, aksi, ubah):
        def minta(w, k):
            teks = campur(st.one_of(pilih("Belajar dari rekan sejawat.", ""),
                                    st.text(max_size=250)), teks_jahat, 7)
            b = {"versi": versi(k), "aksi": _aksi(*aksi)}
            b.update({f"{n}_{i}": teks for n in ("inspirasi", "penerapan") for i in range(3)})
            return form(st.builds(lambda s: f"/pelaksanaan/{s}/kompetensi",
                                  id_jalur([w.skp_id(pemilik)], skp_lain(w))), b)
        return Sasaran(
            f"kompetensi_{pengguna}", "pelaksanaan.kompetensi", pengguna, minta,
            lambda w, k: f"/pelaksanaan/{w.skp_id(pemilik)}/kompetensi", frozenset(ubah),
            siapkan=lambda L: baca_versi(
                L, pengguna, f"/pelaksanaan/{L.dunia.skp_id(pemilik)}/kompetensi"))

    tambah(_kompetensi("guru15", "guru15", ("simpan", "otomatis"), {"refleksi_kompetensi"}))
    tambah(_kompetensi("kepsek1", "guru11", ("validasi", "batal"),
                       {"refleksi_kompetensi", "penilaian"}))

    def _tugas(pengguna, pemilik, ubah):
        def minta(w, k):
            return form(st.builds(lambda s: f"/pelaksanaan/{s}/tugas",
                                  id_jalur([w.skp_id(pemilik)], skp_lain(w))), {
                "versi": versi(k), "tugas": campur(st.sampled_from(TUGAS), peluang_baik=9),
                "dokumen": campur(st.sampled_from(DOKUMEN), peluang_baik=9),
                "kelengkapan": campur(pilih("kompetensi", "tugas_tambahan"), peluang_baik=9)})
        return Sasaran(
            f"tugas_{pengguna}", "pelaksanaan.tugas", pengguna, minta,
            lambda w, k: f"/pelaksanaan/{w.skp_id(pemilik)}/tugas", frozenset(ubah),
            siapkan=lambda L: baca_versi(
                L, pengguna, f"/pelaksanaan/{L.dunia.skp_id(pemilik)}/tugas"))

    tambah(_tugas("guru15", "guru15", {"konfirmasi"}))
    tambah(_tugas("kepsek1", "guru12", {"konfirmasi", "penilaian"}))

    def _validasi_dokumen(pengguna, pemilik, ubah):
        def minta(w, k):
            return form(st.builds(lambda s: f"/pelaksanaan/{s}/tugas/validasi-dokumen",
                                  id_jalur([w.skp_id(pemilik)], skp_lain(w))), {
                "versi": versi(k), "aksi": campur(pilih("terima", "kembalikan"), peluang_baik=9),
                "catatan": _catatan()})
        return Sasaran(
            f"validasi_dokumen_{pengguna}", "pelaksanaan.validasi_dokumen", pengguna, minta,
            lambda w, k: f"/pelaksanaan/{w.skp_id(pemilik)}/tugas", frozenset(ubah),
            siapkan=lambda L: baca_versi(
                L, pengguna, f"/pelaksanaan/{L.dunia.skp_id(pemilik)}/tugas"))

    # A teacher's documents are not validated (the principal ticks them): always refused.
    tambah(_validasi_dokumen("kepsek1", "guru12", set()))

    # -------------------------------------------------------------- penilaian
    tambah(Sasaran("hasil_baru", "penilaian.hasil", "kepsek1", _hasil,
                   lambda w, k: f"/penilaian/{w.skp_id('guru12')}/hasil",
                   frozenset({"penilaian"}), siapkan=_siap_nilai("kepsek1", "guru12")))
    tambah(Sasaran("hasil_terkirim", "penilaian.hasil", "kepsek5", _hasil,
                   lambda w, k: f"/penilaian/{w.skp_id('guru52')}/hasil",
                   frozenset({"penilaian"}), siapkan=_siap_nilai("kepsek5", "guru52"),
                   harus_sukses=False))
    tambah(Sasaran("perilaku_baru", "penilaian.perilaku", "kepsek1", _perilaku,
                   lambda w, k: f"/penilaian/{w.skp_id('guru12')}/perilaku",
                   frozenset({"penilaian"}), siapkan=_siap_nilai("kepsek1", "guru12")))
    tambah(Sasaran("perilaku_terkirim", "penilaian.perilaku", "kepsek5", _perilaku,
                   lambda w, k: f"/penilaian/{w.skp_id('guru52')}/perilaku",
                   frozenset({"penilaian"}), siapkan=_siap_nilai("kepsek5", "guru52"),
                   harus_sukses=False))
    tambah(Sasaran(
        "kirim", "penilaian.kirim", "kepsek1",
        lambda w, k: form(campur(st.just("/penilaian/kirim"),
                                 pilih("/penilaian/kirim?lingkup=dinas")),
                          {"lingkup": campur(st.just("sekolah"), pilih("dinas"))}),
        lambda w, k: "/penilaian", frozenset({"pengiriman", "penilaian"}),
        siapkan=siap_kirim))
    tambah(Sasaran("penetapan", "penilaian.penetapan", "kepsek5", _penetapan,
                   lambda w, k: "/penilaian/penetapan", frozenset({"penetapan", "penilaian"}),
                   siapkan=siap_penetapan))

    # -------------------------------------------------------------- Dinas: penilaian
    tambah(Sasaran(
        "pko_sekolah", "dinas_penilaian.pko_sekolah", "kadis",
        lambda w, k: form(st.builds(lambda s: f"/dinas/pko/{s}", id_jalur(
            [w.sekolah["SD NEGERI 3 WONOSARI"]], [w.sekolah["SD NEGERI 9 SEBERANG"],
                                                  w.sekolah["SMP NEGERI 1 KEBUMEN"]])),
            {"pko": campur(st.sampled_from(PKO + [""])), "alasan": _catatan()}),
        lambda w, k: f"/dinas/pko/{w.sekolah['SD NEGERI 3 WONOSARI']}",
        frozenset({"pko_sekolah"})))
    tambah(Sasaran(
        "pko_dinas", "dinas_penilaian.pko_dinas", "kadis",
        lambda w, k: form(st.just("/dinas/pko-dinas"),
                          {"pko": campur(st.sampled_from(PKO + [""])), "alasan": _catatan()}),
        lambda w, k: "/dinas/pko-dinas", frozenset({"pko_dinas"}),
        siapkan=buka_penetapan_dinas))
    tambah(Sasaran(
        "buka_penetapan", "dinas_penilaian.buka_penetapan", "kadis",
        lambda w, k: form(st.builds(lambda s: f"/dinas/penetapan/{s}/buka", id_jalur(k["ids"])),
                          {"alasan": _catatan()}),
        lambda w, k: f"/dinas/pko/{w.sekolah['SMP NEGERI 1 KEBUMEN']}",
        frozenset({"penetapan", "penilaian"}), siapkan=penetapan_ids))
    tambah(Sasaran(
        "buka_pengiriman", "dinas_penilaian.buka_pengiriman", "kadis",
        lambda w, k: form(st.builds(lambda s: f"/dinas/penilaian/{s}/buka",
                                    id_jalur(k["ids"], k["lain"])), {"alasan": _catatan()}),
        lambda w, k: f"/dinas/pko/{w.sekolah['SD NEGERI 3 WONOSARI']}",
        frozenset({"penilaian"}), siapkan=pengiriman_ids))
    tambah(Sasaran(
        "tim_kerja", "dinas_penilaian.tim_kerja", "operator",
        lambda w, k: form(
            campur(st.just("/dinas/tim-kerja"), teks_jahat.map(
                lambda q: "/dinas/tim-kerja?q=" + quote(q, safe=""))),
            {"ks": campur(st.sampled_from([str(w.pegawai[u]) for u in (
                "kepsek1", "kepsek2", "plt1", "guru1", "kepsek_lain")]), angka_jahat),
             "tim_kerja": campur(st.sampled_from(
                 [str(w.pegawai["timkerja1"]), str(w.pegawai["timkerja2"]), "lepas",
                  str(w.pegawai["guru1"]), ""]), angka_jahat),
             "npsn": campur(pilih("20301101", "20301101\n20301202", "60709901", ""), teks_jahat),
             "aksi": _aksi("simpan")}),
        lambda w, k: "/dinas/tim-kerja", frozenset({"plot_tim_kerja"})))

    # -------------------------------------------------------------- Dinas: data
    tambah(Sasaran(
        "pengaturan", "dinas.pengaturan", "operator",
        lambda w, k: form(st.just("/dinas/pengaturan"), {
            "nama": campur(pilih("Dinas Pendidikan Kabupaten Kebumen")),
            "nama_pemda": campur(pilih("PEMERINTAH KABUPATEN KEBUMEN", "")),
            "alamat": campur(pilih("Jl. Pahlawan 105", "")),
            "telepon": campur(pilih("(0287) 381000", "")),
            "email": campur(pilih("disdik@kebumenkab.example", "", "bukan email")),
            "laman": campur(pilih("", "disdik.example")),
            "kota_ttd": campur(pilih("Kebumen", "")),
            "atasan_kadis_nama": campur(pilih("Drs. Hadi", "")),
            "atasan_kadis_nip": campur(pilih("196805121994031006", "", "1968")),
            "atasan_kadis_pangkat": campur(pilih("IV/d", "")),
            "atasan_kadis_jabatan": campur(pilih("Sekretaris Daerah", ""))}),
        lambda w, k: "/dinas/pengaturan", frozenset({"dinas"})))
    tambah(Sasaran(
        "logo", "dinas.unggah_logo", "operator",
        lambda w, k: form(st.just("/dinas/pengaturan/logo"), {
            "logo": berkas_logo(), "hapus": campur(pilih("y", ""), teks_jahat, 3)}),
        lambda w, k: "/dinas/pengaturan", frozenset({"dinas"})))
    tambah(Sasaran(
        "garuda", "dinas.unggah_garuda", "operator",
        lambda w, k: form(st.just("/dinas/pengaturan/garuda"), {
            "garuda": berkas_logo(), "kop_garuda": campur(pilih("y", ""), teks_jahat, 3),
            "hapus": campur(pilih("y", ""), teks_jahat, 3)}),
        lambda w, k: "/dinas/pengaturan", frozenset({"dinas"})))
    tambah(Sasaran(
        "tte", "dinas.atur_tte", "operator",
        lambda w, k: form(st.just("/dinas/pengaturan/tte"), {
            "tte_mode": campur(pilih("", "p12", "remote")),
            "tte_dokumen": campur(pilih("dokumen_evaluasi", "skp", "ak_kumulatif")),
            "tte_kepsek": campur(pilih("y", ""), teks_jahat, 3)}),
        lambda w, k: "/dinas/pengaturan", frozenset({"dinas"})))
    tambah(Sasaran(
        "atur_ulang_sandi", "dinas.atur_ulang_sandi", "operator",
        lambda w, k: form(st.builds(lambda s: f"/dinas/pegawai/{s}/atur-ulang-sandi", id_jalur(
            [w.pegawai[u] for u in ("guru1", "kepsek1", "kadis")],
            [w.pegawai["guru_lain"], w.pegawai["operator_lain"]])), {}),
        lambda w, k: f"/dinas/pegawai/{w.pegawai['guru1']}", frozenset({"akun",
                                                                         "sesi_login"})))
    # Years, deadlines, transfers and the pra-perencanaan gate (issue #14). Opening,
    # starting and closing rarely succeed on the demo (2025 closed, 2026 running with
    # assessments under way, no 2027 rule file): they must refuse cleanly.
    tambah(Sasaran(
        "perpanjangan_tenggat", "dinas.perpanjang_tenggat", "operator",
        lambda w, k: form(st.builds(lambda s: f"/dinas/pegawai/{s}/perpanjangan", id_jalur(
            [w.pegawai[u] for u in ("guru3", "guru5")], [w.pegawai["guru_lain"]])), {
            "tahap": campur(pilih("pengajuan_skp", "persetujuan_skp", "observasi", "")),
            "sampai": campur(pilih("2026-03-31", "2026-12-31", "2026-01-10", "2027-01-05"),
                             tanggal_jahat),
            "alasan": campur(pilih("Sakit, surat dokter terlampir.", ""), teks_jahat)}),
        lambda w, k: f"/dinas/pegawai/{w.pegawai['guru3']}",
        frozenset({"perpanjangan_tenggat"})))
    tambah(Sasaran(
        "mutasi", "dinas.catat_mutasi", "operator",
        lambda w, k: form(st.builds(lambda s: f"/dinas/pegawai/{s}/mutasi", id_jalur(
            [w.pegawai[u] for u in ("guru3", "guru16")], [w.pegawai["guru_lain"]])), {
            "jenis": campur(pilih("pindah", "plt", "kepala_sekolah", "pensiun", "berhenti", "")),
            "tmt": campur(pilih("2026-07-16", "2026-02-01", "2025-07-16"), tanggal_jahat),
            "sekolah_tujuan": campur(pilih(str(w.sekolah["SD NEGERI 3 WONOSARI"]),
                                           str(w.sekolah["SD NEGERI 9 SEBERANG"]), "")),
            "nomor_sk": campur(pilih("800/12/2026", ""), teks_jahat)}),
        lambda w, k: f"/dinas/pegawai/{w.pegawai['guru3']}",
        frozenset({"mutasi", "skp", "pegawai", "penugasan"}), harus_sukses=False))
    tambah(Sasaran(
        "buka_tahun", "dinas.buka_tahun", "operator",
        lambda w, k: form(st.just("/dinas/tahun/buka"), {
            "tahun": campur(pilih("2027", "2026", "2025", ""), teks_jahat)}),
        lambda w, k: "/dinas/tahun", frozenset({"tahun_kinerja", "tahun_dinas"}),
        harus_sukses=False))
    tambah(Sasaran(
        "mulai_tahun", "dinas.mulai_tahun", "operator",
        lambda w, k: form(st.builds(lambda t: f"/dinas/tahun/{t}/mulai",
                                    pilih(2025, 2026, 2031)), {
            "versi": campur(pilih("1", "2", ""), teks_jahat)}),
        lambda w, k: "/dinas/tahun", frozenset({"tahun_dinas"}), harus_sukses=False))
    tambah(Sasaran(
        "tutup_tahun", "dinas.tutup_tahun", "operator",
        lambda w, k: form(st.builds(lambda t: f"/dinas/tahun/{t}/tutup",
                                    pilih(2025, 2026, 2031)), {
            "versi": campur(pilih("1", "2", ""), teks_jahat)}),
        lambda w, k: "/dinas/tahun", frozenset({"tahun_dinas"}), harus_sukses=False))
    tambah(Sasaran(
        "buka_perencanaan", "dinas_pra.buka", "operator",
        lambda w, k: form(st.builds(lambda s: f"/dinas/pra-perencanaan/sekolah/{s}/buka",
                                    id_jalur([w.sekolah["SMP NEGERI 1 KEBUMEN"],
                                              w.sekolah["SD NEGERI 3 WONOSARI"]],
                                             [w.sekolah["SD NEGERI 9 SEBERANG"]])), {
            "alasan": campur(pilih("UNOR sedang dipadankan BKD.", ""), teks_jahat),
            "yakin": campur(pilih("y", ""), teks_jahat, 3)}),
        lambda w, k: "/dinas/pra-perencanaan", frozenset({"buka_perencanaan"})))

    # -------------------------------------------------------------- impor
    tambah(Sasaran(
        "impor_unggah", "impor.index", "operator",
        lambda w, k: form(st.just("/impor"), {"berkas": berkas_tabel(
            ["npsn", "nama", "jenjang", "status", "nip", "status_kepegawaian", "peran",
             "tanggal_lahir", "jenis_kelamin", "golongan", "jabatan", "username"])}),
        lambda w, k: "/impor", frozenset({"impor_berkas"})))
    tambah(Sasaran(
        "impor_terapkan", "impor.terapkan", "operator",
        lambda w, k: form(st.builds(lambda s: f"/impor/{s}/terapkan", id_jalur(k["ids"])), {}),
        lambda w, k: f"/impor/{k['ids'][0]}",
        frozenset({"impor_berkas", "sekolah", "pegawai", "akun", "penugasan", "sesi_login",
                   "plot_tim_kerja", "impor_akun"}), siapkan=impor_pratinjau))
    tambah(Sasaran(
        "impor_sandi_ulang", "impor.sandi_ulang", "operator",
        lambda w, k: form(st.builds(lambda s: f"/impor/{s}/sandi-ulang", id_jalur(k["ids"])),
                          {}),
        lambda w, k: f"/impor/{k['ids'][0]}", frozenset({"akun"}), siapkan=impor_diterapkan,
        # The fuzz world's import is a schools-only file: no account to make a password for
        # again, so no example stores (the stored path: test_impor, test_serentak, test_crash).
        harus_sukses=False))
    tambah(Sasaran(
        "impor_batal", "impor.batal", "operator",
        lambda w, k: form(st.builds(lambda s: f"/impor/{s}/batal", id_jalur(k["ids"])), {}),
        lambda w, k: f"/impor/{k['ids'][0]}", frozenset({"impor_berkas"}),
        siapkan=impor_pratinjau))
    tambah(Sasaran(
        "impor_unduh_sandi", "impor.unduh_sandi", "operator",
        lambda w, k: form(st.just("/impor/sandi-awal.xlsx"), {"isian": json_isian()}),
        lambda w, k: "/impor", LIHAT))

    # -------------------------------------------------------------- cetak
    tambah(Sasaran(
        "cetak", "dokumen.cetak", "kepsek3",
        lambda w, k: form(st.builds(
            lambda j, s: f"/cetak/{j}/{s}",
            campur(pilih("skp", "evaluasi", "dokumen_evaluasi", "angka_kredit"),
                   teks_jahat.map(lambda x: quote(x, safe=""))),
            id_jalur([w.skp_id(u) for u in ("guru23", "guru24", "guru33")]
                     + [w.skp_id("kepsek3", "kepala_sekolah")], skp_lain(w))), {}),
        # A print is recorded (cetakan) and the rendered file stored (render once).
        lambda w, k: "/penilaian", frozenset({"cetakan", "dokumen_tersimpan"})))
    tambah(Sasaran(
        "cetak_batch", "dokumen.batch", "kadis",
        lambda w, k: form(
            campur(st.just("/cetak/batch"), st.lists(st.one_of(
                st.sampled_from([str(w.skp_id("guru23")), str(w.skp_id("guru_lain"))]),
                angka_jahat), max_size=4).map(lambda xs: "/cetak/batch?skp=" + quote(
                    ",".join(xs), safe=","))),
            {"jenis": campur(pilih("skp", "evaluasi", "dokumen_evaluasi", "angka_kredit")),
             "sekolah": campur(st.sampled_from(["", *map(str, w.sekolah.values())]), angka_jahat),
             "jenjang": campur(pilih("", "sd", "smp", "tk")),
             "format": campur(pilih("pdf", "zip"))}),
        lambda w, k: "/cetak/batch", frozenset({"cetak_batch"})))
    tambah(Sasaran(
        "cetak_batch_batal", "dokumen.batch_batal", "kadis",
        lambda w, k: form(st.builds(lambda s: f"/cetak/batch/{s}/batal",
                                    id_jalur(k["ids"], k["lain"])), {}),
        lambda w, k: f"/cetak/batch/{k['ids'][0]}", frozenset({"cetak_batch"}),
        siapkan=batch_antri))

    tambah(Sasaran(
        # Public: a PDF someone received, checked in a child process and never stored.
        "periksa_berkas", "dokumen.periksa_berkas", None,
        lambda w, k: form(st.just("/verifikasi/periksa"), {"berkas": berkas_pdf()}),
        lambda w, k: "/verifikasi"))

    # -------------------------------------------------------------- sinkro e-Kinerja
    tambah(Sasaran(
        "sinkro_ekspor", "sinkro.ekspor_index", "operator",
        lambda w, k: form(st.just("/sinkro/ekspor"),
                          {"jenis": campur(pilih("perencanaan", "penilaian_akhir"))}),
        lambda w, k: "/sinkro/ekspor", frozenset({"tugas_ekspor"})))  # the job runs later
    tambah(Sasaran(
        "sinkro_ekspor_batal", "sinkro.ekspor_tugas_batal", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/ekspor/tugas/{s}/batal",
                                    id_jalur(k["ids"], k["lain"])), {}),
        lambda w, k: f"/sinkro/ekspor/tugas/{k['ids'][0]}", frozenset({"tugas_ekspor"}),
        siapkan=ekspor_antri))
    tambah(Sasaran(
        "sinkro_pegawai", "sinkro.sinkro_pegawai", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/pegawai/{s}/sinkro", id_jalur(
            [w.pegawai[u] for u in ("guru23", "kepsek3", "guru3")], [w.pegawai["guru_lain"]])),
            {"posisi": campur(pilih("guru", "kepala_sekolah", "plt_kepala_sekolah")),
             "jenis": campur(pilih("perencanaan", "penilaian_akhir"))}),
        lambda w, k: f"/sinkro/pegawai/{w.pegawai['guru23']}",
        frozenset({"ekspor_ekinerja", "log_sinkro"})))
    tambah(Sasaran(
        "sinkro_ulang", "sinkro.sinkro_ulang", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/log/{s}/ulang", id_jalur(k["ids"])),
                          {}),
        lambda w, k: "/sinkro/log", frozenset({"ekspor_ekinerja", "log_sinkro"}),
        siapkan=log_sinkro))
    tambah(Sasaran(
        "periode_tambah", "sinkro.periode_index", "operator",
        lambda w, k: form(st.just("/sinkro/periode"), _periode_bidang(k)),
        lambda w, k: "/sinkro/periode", frozenset({"periode_ekinerja"}), siapkan=periode))
    tambah(Sasaran(
        "periode_ubah", "sinkro.periode_ubah", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/periode/{s}", id_jalur(k["ids"])),
                          _periode_bidang(k)),
        lambda w, k: f"/sinkro/periode/{k['ids'][0]}", frozenset({"periode_ekinerja"}),
        siapkan=periode))
    tambah(Sasaran(
        "periode_hapus", "sinkro.periode_hapus", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/periode/{s}/hapus", id_jalur(k["ids"])),
                          {"versi": versi(k)}),
        lambda w, k: "/sinkro/periode", frozenset({"periode_ekinerja"}), siapkan=periode))
    tambah(Sasaran(
        "referensi_unggah", "sinkro.unggah_referensi", "operator",
        lambda w, k: st.builds(
            lambda j, b, h: Minta(f"/sinkro/referensi/{j}", [(f"{j}-berkas", b[0])] + b[1], h),
            teks_jalur(["unor", "asn"]),
            st.tuples(berkas_tabel(["unor_id", "nama", "induk_id", "aktif", "nip", "jabatan",
                                    "golongan", "atasan_nip"]), isian({})), HEADER),
        lambda w, k: "/sinkro/referensi", frozenset({"impor_berkas"})))
    tambah(Sasaran(
        "referensi_terapkan", "sinkro.referensi_terapkan", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/referensi/impor/{s}/terapkan",
                                    id_jalur(k["ids"])), {}),
        lambda w, k: f"/sinkro/referensi/impor/{k['ids'][0]}",
        frozenset({"impor_berkas", "referensi_unor", "asn_siasn"}),
        siapkan=referensi_pratinjau))
    tambah(Sasaran(
        "referensi_batal", "sinkro.referensi_batal", "operator",
        lambda w, k: form(st.builds(lambda s: f"/sinkro/referensi/impor/{s}/batal",
                                    id_jalur(k["ids"])), {}),
        lambda w, k: f"/sinkro/referensi/impor/{k['ids'][0]}", frozenset({"impor_berkas"}),
        siapkan=referensi_pratinjau))

    # -------------------------------------------------------------- reminders (issue #17)
    tambah(Sasaran(
        "profil_kontak", "beranda.profil", "guru2",
        lambda w, k: form(st.just("/profil"), {
            "email": campur(pilih("guru2@contoh.id", "", "Guru.Dua@Contoh.ID", "bukan surel")),
            "telepon": campur(pilih("0812 3456 7890", "+62 812-3456-7891", "", "12ab")),
            "pengingat": campur(pilih("y", ""))}),
        lambda w, k: "/profil", frozenset({"pegawai"})))
    # The signed link's confirmation button (CSRF-protected). The mail client's one-click
    # body ("List-Unsubscribe=One-Click", no session, no CSRF token by RFC 8058) is never
    # generated here: tests/test_pengingat.py covers it.
    tambah(Sasaran(
        "berhenti_pengingat", "beranda.berhenti_kirim", None,
        lambda w, k: form(st.builds(lambda t: f"/pengingat/berhenti/{t}", teks_jalur(k["token"])),
                          {"List-Unsubscribe": campur(pilih("", "one-click", "ya"))}),
        lambda w, k: f"/pengingat/berhenti/{k['token'][0]}", frozenset({"pegawai"}),
        siapkan=token_berhenti))
    return s


SASARAN = _sasaran()
dunia_fuzz = fuzz_dunia.dunia_fuzz
# A failing example may hold a 100 KB string: its repr must not hide the failure itself.
pytestmark = [pytest.mark.lambat, pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")]


# ------------------------------------------------------------------ the checks

def kunci_objek(tabel, baris):
    """The audit objects that may stand for a change of this row."""
    out = {(tabel, baris.id)}
    induk = {"konfirmasi": [("skp", "skp_id")], "catatan_upaya": [("praktik", "praktik_id")],
             "cetakan": [("skp", "skp_id")], "sesi_login": [("akun", "akun_id")],
             # The stored file of a print (render once) and a batch's files: covered by
             # the print's and the batch's audit rows.
             "dokumen_tersimpan": [("skp", "skp_id")],
             "cetak_batch_berkas": [("cetak_batch", "batch_id")],
             "log_sinkro": [("ekspor_ekinerja", "ekspor_id")],
             "penilaian": [("pengiriman", "pengiriman_id"), ("penetapan", "penetapan_id")]}
    for t, kolom in induk.get(tabel, ()):
        out.add((t, getattr(baris, kolom)))
    return out


# Bookkeeping, not a state change: the failed-login counter and lock (the lock itself is
# audited as "akun_dikunci"), the last sign-in time.
PEMBUKUAN = {"akun": {"gagal_masuk", "terkunci_sampai", "terakhir_masuk"},
             # The data generation (simpanan): raised by the commit of any write to a
             # table a printed document may read, so stored prints are checked again.
             "generasi_data": {"n"}}
# Changed along with what a request changes, never a state of its own.
IKUTAN = {"audit", "generasi_data"}
# A page's record created by a save that changed nothing (versi still 1) holds nothing:
# no state change, no audit row (see the report: the empty row could be left out).
KOSONG_AWAL = {"praktik", "refleksi_kompetensi", "penilaian"}
# Changes audited without an object of their own: the act names them.
AUDIT_TANPA_OBJEK = {"plot_tim_kerja": {"plot_tim_kerja"},
                     # A transfer moves the person and ends or starts his assignments:
                     # the Mutasi's audit row names the person and both schools.
                     "pegawai": {"mutasi_dicatat"}, "penugasan": {"mutasi_dicatat"}}
# Rows written by an applied import are covered by the import's audit row.
AUDIT_IMPOR = {"sekolah", "pegawai", "akun", "penugasan", "plot_tim_kerja", "referensi_unor",
               "asn_siasn", "sesi_login"}


def periksa_audit(beda, cermin, pelaku):
    """Every changed row has an audit row of this request; every state transition exactly
    one, with the right from/to."""
    audit = [r for i, r in beda.get("audit", (set(), set(), set(), {}))[3].items()
             if i in beda.get("audit", (set(),))[0]]
    assert not (beda.get("audit", (set(), set(), set()))[1]
                or beda.get("audit", (set(), set(), set()))[2]), "baris audit diubah/dihapus"
    objek = {(a.objek_tipe, a.objek_id) for a in audit}
    aksi = {a.aksi for a in audit}
    impor = any(a.objek_tipe == "impor_berkas" and a.aksi.endswith("_diterapkan")
                for a in audit)
    for a in audit:
        assert a.akun_id in (pelaku, None) or a.aksi == "masuk", \
            f"audit {a.aksi} atas nama akun lain ({a.akun_id})"
    for tabel, (tambah, hapus, ubah, isi) in beda.items():
        if tabel == "audit":
            continue
        lama = cermin.baris[tabel]
        for i in tambah | hapus | ubah:
            if i in ubah and {k for k, v in isi[i]._asdict().items()
                              if v != getattr(lama[i], k)} <= PEMBUKUAN.get(tabel, set()):
                continue
            if i in tambah and tabel in KOSONG_AWAL and isi[i].versi == 1:
                continue
            baris = [b for b in (isi.get(i), lama.get(i)) if b is not None]
            kunci = set().union(*(kunci_objek(tabel, b) for b in baris))
            tertutup = bool(kunci & objek) or bool(AUDIT_TANPA_OBJEK.get(tabel, set()) & aksi) \
                or (impor and tabel in AUDIT_IMPOR)
            assert tertutup, f"perubahan {tabel}#{i} tanpa baris audit ({sorted(aksi)})"
        for kolom in STATUS_TRANSISI.get(tabel, ()):
            for i in ubah:
                dari, ke = getattr(lama[i], kolom), getattr(isi[i], kolom)
                if dari == ke:
                    continue
                cocok = [a for a in audit if (a.objek_tipe, a.objek_id) == (tabel, i)
                         and a.dari == dari and a.ke == ke]
                assert len(cocok) == 1, \
                    f"{tabel}#{i}.{kolom} {dari}→{ke}: {len(cocok)} baris audit transisi"


def periksa_respons(s, m, r, beda, cermin, pelaku, statistik):
    statistik[r.status_code] += 1
    assert r.status_code < 500, f"{m.url}: {r.status_code}"
    berubah = set(beda) - IKUTAN
    if 400 <= r.status_code < 500:
        assert set(beda) <= set(s.ubah_4xx) | (IKUTAN if s.ubah_4xx else set()), \
            f"{r.status_code} tetapi tabel berubah: {sorted(beda)}"
    else:
        assert berubah <= set(s.ubah), f"tabel di luar dugaan berubah: {sorted(berubah)}"
        if berubah:
            statistik["tersimpan"] += 1
    if beda:
        periksa_audit(beda, cermin, pelaku)
    if r.mimetype == "text/html":
        assert b"<script>alert('fuzz')" not in r.data
    lokasi = r.headers.get("Location") or r.headers.get("HX-Redirect")
    if lokasi:
        assert lokasi.startswith("/") and not lokasi.startswith(("//", "/\\")), lokasi


def persiapan(s, L):
    k = s.siapkan(L) if s.siapkan else {}
    db.session.remove()
    p = L.peramban(s.pengguna)
    r = p.get(s.halaman(L.dunia, k))
    assert r.status_code == 200, f"halaman formulir {s.halaman(L.dunia, k)}: {r.status_code}"
    assert p.token
    L.potret()
    pelaku = L.dunia.akun.get(s.pengguna)
    return k, p, pelaku


def kirim(L, p, m, **kw):
    cookie = p.cookie()
    try:
        return p.post(m.url, m.data, headers=m.header, **kw)
    finally:
        p.kembalikan_cookie(cookie)


def contoh_per_sasaran(s):
    """The profile's examples per handler (200 in CI), shared by its variants (each at
    least a quarter of them): a handler fuzzed as pegawai and as atasan gets 100 + 100."""
    n = sum(x.endpoint == s.endpoint for x in SASARAN)
    dasar = settings.default.max_examples
    return max(-(-dasar // n), dasar // 4)


SEHAT = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
         HealthCheck.data_too_large, HealthCheck.large_base_example]


@pytest.mark.parametrize("s", SASARAN, ids=lambda s: s.nama)
def test_fuzz_formulir(s, dunia_fuzz):
    L = dunia_fuzz
    k, p, pelaku = persiapan(s, L)
    statistik = Counter()

    @settings(max_examples=contoh_per_sasaran(s), suppress_health_check=SEHAT)
    @given(m=s.minta(L.dunia, k))
    def contoh(m):
        try:
            r = kirim(L, p, m)
        finally:
            beda = L.periksa_dan_pulihkan()
        periksa_respons(s, m, r, beda, L.cermin, pelaku, statistik)

    contoh()
    L.pastikan_utuh()
    jumlah = sum(v for c, v in statistik.items() if isinstance(c, int))
    print(f"{s.nama}: {jumlah} contoh, {dict(statistik)}")
    # The setup puts the object where the handler works on it: most examples reach it
    # (not a 404), and with the full profile some get all the way through.
    assert statistik[404] < jumlah * 0.6, f"terlalu banyak 404: {dict(statistik)}"
    if s.harus_sukses and s.ubah and jumlah >= 50:
        assert statistik["tersimpan"], f"tidak ada contoh yang tersimpan: {dict(statistik)}"


TOKEN_BURUK = [None, "", "bukan-token", "IjEyMyI.ZmFrZQ.c2lnbmF0dXJl", "x" * 5000]


@pytest.mark.parametrize("s", SASARAN, ids=lambda s: s.nama)
def test_fuzz_token_salah(s, dunia_fuzz):
    """The same inputs with a missing, empty, forged or foreign token: never a 5xx, nothing
    written."""
    L = dunia_fuzz
    k, p, pelaku = persiapan(s, L)
    asing = L.peramban("guru40").token  # a valid token of another person's session
    L.potret()

    @settings(max_examples=5, suppress_health_check=SEHAT)
    @given(m=s.minta(L.dunia, k))
    def contoh(m):
        for token in [*TOKEN_BURUK, asing]:
            data = [(n, v) for n, v in m.data if n != "csrf_token"]
            if token is not None:
                data.append(("csrf_token", token))
            try:
                r = kirim(L, p, m._replace(data=data), token=False)
            finally:
                beda = L.periksa_dan_pulihkan()
            assert r.status_code < 500
            assert not beda, f"token {token!r:.20}: tabel berubah {sorted(beda)}"

    contoh()
    L.pastikan_utuh()


def test_setiap_post_difuzz(app):
    """Every POST route of the app has an entry in the fuzz table."""
    post = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    tercakup = {s.endpoint for s in SASARAN}
    assert post - tercakup == set(), f"handler POST tanpa fuzz: {sorted(post - tercakup)}"
    assert tercakup - post == set(), f"entri fuzz tanpa route: {sorted(tercakup - post)}"


def test_pelacak_melihat_tulisan_yang_tersimpan(dunia_fuzz):
    """The write tracker sees a committed change (else the checks above would be blind)
    and the restore puts it back."""
    L = dunia_fuzz
    p = L.peramban("guru2")
    L.potret()
    r = p.post("/keluar")
    assert r.status_code in (204, 303)
    beda = L.periksa_dan_pulihkan()
    assert "sesi_login" in beda and "audit" in beda
    L.pastikan_utuh()
    assert L.periksa_dan_pulihkan() == {}


# ------------------------------------------------------------------ regressions
# Inputs the fuzz found answering 500, kept as plain tests (the fixes are named in each).

@pytest.mark.parametrize("url", ["/perencanaan/18446744073709551616/langkah/1",
                                 "/pelaksanaan/2147483648/praktik/1",
                                 "/persetujuan/1/langkah/99999999999999999999"])
def test_regresi_id_raksasa_di_alamat_404(dunia_fuzz, url):
    """keamanan.IdConverter: an id beyond INTEGER overflowed the driver (500)."""
    p = dunia_fuzz.peramban("guru3")
    assert p.get(url).status_code == 404
    assert p.post(url, {"versi": "1"}).status_code == 404


def test_regresi_versi_bukan_angka_409(dunia_fuzz):
    """alur.cek_versi: a versi that is no number (penilaian's form has no filter) was
    int()-ed into a 500; it is stale like any old version."""
    L = dunia_fuzz
    p = L.peramban("kepsek5")
    url = f"/penilaian/{L.dunia.skp_id('guru52')}/hasil"
    p.get(url)
    L.potret()
    for versi in ("abc", "", "1.5", "²"):
        r = p.post(url, {"versi": versi, "upaya_refleksi": "sesuai", "upaya_mempelajari":
                         "sesuai", "perubahan_praktik": "sesuai"})
        assert r.status_code == 409
        assert "baru saja diubah" in r.get_data(as_text=True)
    assert L.periksa_dan_pulihkan() == {}


def test_regresi_periode_tipe_tak_dikenal_422(dunia_fuzz):
    """sinkro.periode.FormPeriode: an unknown tipe periodik with an angka raised KeyError."""
    L = dunia_fuzz
    p = L.peramban("operator")
    pid = min(periode(L)["ids"])
    p.get(f"/sinkro/periode/{pid}")
    L.potret()
    r = p.post(f"/sinkro/periode/{pid}", {
        "nama": "TRIWULAN I", "mulai": "2025-01-01", "selesai": "2025-03-31",
        "batas": "2025-04-25", "tipe_periodik": "Mingguan", "angka_periodik": "3",
        "versi": "1"})
    assert r.status_code == 422
    assert L.periksa_dan_pulihkan() == {}


def test_regresi_pengaturan_dengan_email_tersimpan(dunia_fuzz):
    """dinas.forms: Email() needs the email_validator package (not installed): every save
    of the Pengaturan Dinas with an address was a 500. A plain pattern checks it now."""
    L = dunia_fuzz
    p = L.peramban("operator")
    p.get("/dinas/pengaturan")
    isian = {"nama": "Dinas Pendidikan Kabupaten Kebumen", "email": "disdik@kebumen.example"}
    r = p.post("/dinas/pengaturan", isian)
    assert r.status_code == 303
    r = p.post("/dinas/pengaturan", {**isian, "email": "bukan email"})
    assert r.status_code == 422
    assert "Alamat email tidak valid." in r.get_data(as_text=True)


def test_regresi_sandi_awal_dengan_karakter_kendali(dunia_fuzz):
    """lembar.tulis_xlsx: a control character in a cell (here the one-time password sheet)
    made openpyxl refuse the workbook (500); it is left out."""
    p = dunia_fuzz.peramban("operator")
    p.get("/impor")
    r = p.post("/impor/sandi-awal.xlsx", {"isian": json.dumps(
        [["198001012005011901", "Nama\x01Rusak\x1b", "u1", "abcd-2345-efgh"]])})
    assert r.status_code == 200
    assert r.mimetype.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize("isian", ["[" * 100_000 + "]" * 100_000, "[" * 100_000])
def test_regresi_json_bersarang_dalam_400(dunia_fuzz, isian):
    """impor.unduh_sandi: deeply nested JSON raised RecursionError (500); it is refused as
    tampered (400)."""
    p = dunia_fuzz.peramban("operator")
    p.get("/impor")
    assert p.post("/impor/sandi-awal.xlsx", {"isian": isian}).status_code == 400
