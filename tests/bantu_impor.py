"""Helpers shared by test_impor.py and
test_lintas_dinas.py, test_nilai_buruk.py: a helper module, no tests here."""

import io
from datetime import date

from bantu import dom, galat_per_baris, teks_dari
from conftest import nip_valid
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import (
    Akun,
    Pegawai,
    Penugasan,
    Sekolah,
)

KOLOM_S = ["npsn", "nama", "jenjang", "status", "alamat", "kecamatan"]


KOLOM_P = ["nip", "nama", "tanggal_lahir", "jenis_kelamin", "status_kepegawaian", "golongan",
           "jabatan", "npsn", "peran", "username"]


ROSTER = (Sekolah, Pegawai, Akun, Penugasan)


LAHIR = date(1990, 5, 1)  # the `dunia` fixture's people are born in 1985: no NIP clashes


def nip(urut, lahir=LAHIR, tmt="201503", jk=1):
    return nip_valid(lahir=lahir, tmt=tmt, jk=jk, serial=urut)


def sekolah(npsn, nama, jenjang="SD", **over):
    return {"npsn": npsn, "nama": nama, "jenjang": jenjang, "status": "Negeri",
            "alamat": "Jl. Pemuda 1", "kecamatan": "Kebumen", **over}


def pegawai(nip_, nama, npsn, **over):
    return {"nip": nip_, "nama": nama, "status_kepegawaian": "PNS", "golongan": "III/a",
            "jabatan": "Guru Ahli Pertama", "npsn": npsn, "peran": "", **over}


def xlsx(daftar_sekolah=(), daftar_pegawai=()):
    lembar = {}
    if daftar_sekolah is not None:
        lembar["Sekolah"] = (KOLOM_S, [[s.get(k) for k in KOLOM_S] for s in daftar_sekolah])
    if daftar_pegawai is not None:
        lembar["Pegawai"] = (KOLOM_P, [[p.get(k) for k in KOLOM_P] for p in daftar_pegawai])
    return tulis_xlsx(lembar)


def unggah(k, isi, nama="roster.xlsx"):
    return k.post("/impor", {"berkas": (io.BytesIO(isi), nama)},
                  content_type="multipart/form-data")


def pratinjau(k, isi, nama="roster.xlsx"):
    """Upload and follow to the preview; returns (import id, preview HTML)."""
    r = unggah(k, isi, nama)
    assert r.status_code == 303, r.text
    impor_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    halaman = k.get(r.headers["Location"])
    assert halaman.status_code == 200
    return impor_id, halaman.text


def simpan(k, impor_id):
    return k.post(f"/impor/{impor_id}/terapkan")


def galat_di(halaman):
    """The rows of the "Kesalahan per baris" table: (sheet, line, column, message)."""
    baris = galat_per_baris(halaman)
    assert baris is not None, "tidak ada tabel Kesalahan per baris"
    return [(a, int(b), c, d) for a, b, c, d in baris]


def ringkasan_di(halaman):
    """{"Sekolah": "2 baru, 0 diubah, 0 tetap", "Pegawai": ..., "Akun baru": "4", ...}"""
    return {teks_dari(th): teks_dari(th.next) for th in dom(halaman).css('th[scope="row"]')
            if th.next is not None and th.next.tag == "td"}


def potret(app):
    """Every column of every roster row, to prove that nothing changed at all."""
    with app.app_context():
        return {m.__tablename__: [tuple(r) for r in db.session.execute(
            select(m.__table__).order_by(m.__table__.c.id))] for m in ROSTER}


# The file every "happy path" test starts from: two new schools, a principal, a Plt., a
# PNS teacher and a PPPK teacher.
NPSN_1, NPSN_2 = "60100001", "60100002"


KS, GURU, PLT, PPPK = nip(1), nip(2, jk=2), nip(3), nip(4, tmt="202121", jk=2)


def sekolah_baik():
    return [sekolah(NPSN_1, "SD NEGERI 1 KARANGSARI"),
            sekolah(NPSN_2, "SMP NEGERI 2 KARANGSARI", jenjang="SMP")]


def pegawai_baik():
    return [
        pegawai(KS, "Drs. Bambang Riyadi, M.Pd.", NPSN_1, jabatan="Guru Ahli Madya",
                golongan="IV/a", peran="Kepala Sekolah"),
        pegawai(GURU, "Siti Aminah, S.Pd.", NPSN_1, jenis_kelamin="P",
                tanggal_lahir=LAHIR.isoformat()),
        pegawai(PLT, "Agus Salim, S.Pd.", NPSN_2, peran="Plt. Kepala Sekolah"),
        pegawai(PPPK, "Dewi Lestari, S.Pd.", NPSN_2, status_kepegawaian="PPPK", golongan="IX"),
    ]


def berkas_baik():
    return xlsx(sekolah_baik(), pegawai_baik())


def sandi_di(halaman):
    """The one-time password table of the result page: [(nip, nama, username, sandi)]."""
    out = []
    for tr in dom(halaman).css("tr"):
        sel = tr.css("td")
        if len(sel) == 4 and sel[3].css_first("code") is not None and (
                sel[0].text().isdigit() or sel[0].text() == ""):
            out.append((sel[0].text(), sel[1].text(), sel[2].text(),
                        sel[3].css_first("code").text()))
    return out
