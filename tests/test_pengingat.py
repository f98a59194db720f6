"""Reminders (issue #17 part 3): "Perlu tindakan" on the Beranda, the daily e-mail digest
through a real SMTP server (aiosmtpd), at most once a day, unsubscribe, wa.me links."""

import os
import threading
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from kinerja_web import aturan
from kinerja_web.aturan.identitas import KontakTidakValid, nomor_seluler, validasi_email
from kinerja_web.extensions import db
from kinerja_web.jobs import ANTREAN_PENGINGAT, jadwal_pengingat_berikut, jadwalkan_pengingat
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import (
    Audit,
    KirimanPengingat,
    Pegawai,
    PerpanjanganTenggat,
    PlotTimKerja,
    Sekolah,
    StatusPengingat,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.pengingat import (
    UKURAN_KELOMPOK,
    kirim_pengingat,
    perlu_tindakan,
    token_berhenti,
)
from kinerja_web.waktu import format_tanggal, pada
from tests.bantu import dom, masuk, teks, teks_dari
from tests.bantu_impor import KOLOM_P, galat_di, nip, pegawai, pratinjau, simpan
from tests.bantu_pengingat import dunia_2026, isi_teks, port_bebas, server_smtp, skp, untuk

# The 2026 calendar of the rule set (aturan/data/2026.toml), not dates written here.
KALENDER = aturan.muat_aturan("2026").kalender
AJU = KALENDER[aturan.Tahap.PENGAJUAN_SKP].selesai
SETUJU = KALENDER[aturan.Tahap.PERSETUJUAN_SKP].selesai
JANUARI = AJU - timedelta(days=6)  # a week before the submission deadline
SESUDAH_AJU = AJU + timedelta(days=4)  # submission closed, approval still open


@pytest.fixture
def w(make_dinas, make_sekolah, make_pegawai, tugaskan):
    w = dunia_2026(make_dinas, make_sekolah, make_pegawai, tugaskan)
    w.did = w.dinas.id
    w.gid = [g.id for g in w.guru]
    w.sid2 = w.sekolah2.id
    db.session.commit()
    return w


def kirim(**kw):
    with pada(JANUARI):
        hasil = kirim_pengingat(**kw)
    db.session.rollback()
    return hasil


def jumlah_kiriman(status=None):
    q = select(func.count()).select_from(KirimanPengingat)
    if status is not None:
        q = q.where(KirimanPengingat.status == status)
    return db.session.scalar(q)


# ------------------------------------------------------------------ the digest through SMTP


def test_guru_sebelum_tenggat_dapat_ringkasan_dengan_batas(app, w):
    skp(w.guru[1], w.tahun, "disetujui")
    db.session.commit()
    with server_smtp(app) as surat:
        hasil = kirim()
    (m,) = untuk(surat, "guru0@contoh.id")
    isi = isi_teks(m)
    assert "Ajukan Perencanaan Kinerja (SKP)" in isi
    assert f"paling lambat {format_tanggal(AJU)}" in isi
    assert "https://kinerja.example/perencanaan?tahun=2026" in isi
    (m1,) = untuk(surat, "guru1@contoh.id")
    assert "Sepakati Perencanaan Kinerja" in isi_teks(m1)
    assert f"paling lambat {format_tanggal(SETUJU)}" in isi_teks(m1)
    assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(m["List-Unsubscribe"]).strip().startswith("<https://kinerja.example/pengingat/berhenti/")
    assert hasil.gagal == 0 and hasil.terkirim == len(surat)


def test_kepala_sekolah_dengan_tiga_rencana_menunggu(app, w):
    for g in w.guru:
        skp(g, w.tahun, "diajukan")
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    (m,) = untuk(surat, "kepsek@contoh.id")
    isi = isi_teks(m)
    assert "Setujui Perencanaan Kinerja guru" in isi
    assert "3 Perencanaan Kinerja menunggu persetujuan Anda" in isi
    assert f"paling lambat {format_tanggal(SETUJU)}" in isi
    assert "https://kinerja.example/persetujuan?tab=diajukan&tahun=2026" in isi
    # The teachers, waiting for their principal, have nothing to do: no e-mail.
    assert not untuk(surat, "guru0@contoh.id")


def test_operator_dengan_sekolah_gagal_pra_perencanaan(app, w, make_sekolah):
    make_sekolah(w.dinas, nama="SD NEGERI 3 INGAT")
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    (m,) = untuk(surat, "operator@contoh.id")
    isi = isi_teks(m)
    assert "Perbaiki data pra-perencanaan" in isi
    assert ("2 sekolah belum lulus pemeriksaan pra-perencanaan sehingga gurunya belum dapat "
            "menyusun SKP: SD NEGERI 2 INGAT, SD NEGERI 3 INGAT.") in isi
    assert "https://kinerja.example/dinas/pra-perencanaan?tahun=2026" in isi
    # The school that passes is not named; the Kepala Dinas has nothing waiting.
    assert "SD NEGERI 1 INGAT" not in isi
    assert not untuk(surat, "kadis@contoh.id")


def test_sekolah_gagal_pra_perencanaan_tidak_disuruh_mengajukan(app, w, make_pegawai,
                                                                  buat_klien):
    """A teacher at a school that cannot plan yet gets no "Ajukan" (he could not); once the
    Operator opens the school with a reason, he does."""
    gid = make_pegawai(sekolah=w.sekolah2, nama="Guru Sekolah Dua", email="dua@contoh.id").id
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    assert not untuk(surat, "dua@contoh.id")
    r = masuk(buat_klien, f"op{w.did}").post(
        f"/dinas/pra-perencanaan/sekolah/{w.sid2}/buka?tahun=2026",
        {"alasan": "UNOR sedang dipadankan BKD", "yakin": "y"})
    assert r.status_code == 303
    with server_smtp(app) as surat:
        with pada(JANUARI):
            kirim_pengingat(tanggal=JANUARI + timedelta(days=1))
    db.session.rollback()
    (m,) = untuk(surat, "dua@contoh.id")
    assert "Ajukan Perencanaan Kinerja (SKP)" in isi_teks(m)
    assert db.session.get(Pegawai, gid).pengingat_email is True


def test_perpanjangan_menggeser_batas_di_ringkasan(app, w):
    """An extension the Dinas granted moves that teacher's deadline in his digest only."""
    sampai = AJU + timedelta(days=7)
    db.session.add(PerpanjanganTenggat(pegawai_id=w.gid[0], tahun_id=w.tahun.id,
                                       tahap=aturan.Tahap.PENGAJUAN_SKP, sampai=sampai,
                                       alasan="sakit"))
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    assert f"paling lambat {format_tanggal(sampai)}" in isi_teks(untuk(surat, "guru0@contoh.id")[0])
    assert f"paling lambat {format_tanggal(AJU)}" in isi_teks(untuk(surat, "guru1@contoh.id")[0])


@pytest.mark.parametrize("status", [StatusTahun.PERSIAPAN, StatusTahun.DITUTUP])
def test_tahun_tidak_berjalan_tidak_mengirim(app, w, status):
    w.td = db.session.merge(w.td)
    w.td.status = status
    db.session.commit()
    with server_smtp(app) as surat:
        hasil = kirim()
    assert surat == [] and hasil.terkirim == 0
    assert jumlah_kiriman() == 0


def test_dua_tahun_berjalan_berdampingan(app, w):
    """2025 still finishing its assessments while 2026 plans: one digest with both years'
    items, each naming its year; once 2025 is closed only 2026 reminds."""
    t25 = TahunKinerja(tahun=2025, aturan="2025")
    db.session.add(t25)
    db.session.flush()
    td25 = TahunDinas(dinas_id=w.did, tahun_id=t25.id, status=StatusTahun.BERJALAN)
    db.session.add(td25)
    skp(w.guru[0], t25, "disepakati")
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    (m,) = untuk(surat, "kepsek@contoh.id")
    assert "Beri rating kinerja guru (2025)" in isi_teks(m)
    assert "1 guru belum selesai dinilai" in isi_teks(m)
    assert "tahun=2025" in isi_teks(m)
    assert "Ajukan Perencanaan Kinerja (SKP) (2026)" in isi_teks(untuk(surat, "guru1@contoh.id")[0])
    db.session.get(TahunDinas, td25.id).status = StatusTahun.DITUTUP
    db.session.commit()
    with server_smtp(app) as surat:
        with pada(JANUARI):
            kirim_pengingat(tanggal=JANUARI + timedelta(days=1))
    db.session.rollback()
    isi = isi_teks(untuk(surat, "guru1@contoh.id")[0])
    assert "Ajukan Perencanaan Kinerja (SKP)" in isi and "(2026)" not in isi
    (m,) = untuk(surat, "kepsek@contoh.id")  # his own 2026 plan, nothing of 2025
    assert "Beri rating" not in isi_teks(m) and "2025" not in isi_teks(m)
    assert "Ajukan Perencanaan Kinerja (SKP) sebagai kepala sekolah" in isi_teks(m)


def test_tim_kerja_menyetujui_rencana_kepala_sekolah(app, w):
    skp(w.kepsek, w.tahun, "diajukan", posisi="kepala_sekolah")
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    for email in ("tim@contoh.id", "kadis@contoh.id"):
        (m,) = untuk(surat, email)
        assert "1 Perencanaan Kinerja menunggu persetujuan Anda" in isi_teks(m)
        assert "Setujui Perencanaan Kinerja kepala sekolah" in isi_teks(m)


def test_dijalankan_dua_kali_tidak_mengirim_ulang(app, w):
    with server_smtp(app) as surat:
        pertama = kirim()
        n = len(surat)
        kedua = kirim()
    assert n == pertama.terkirim > 0
    assert len(surat) == n
    assert kedua.terkirim == 0 and kedua.dilewati == n
    assert jumlah_kiriman(StatusPengingat.TERKIRIM) == n
    assert db.session.scalar(select(func.count()).select_from(Audit).where(
        Audit.aksi == "pengingat_terkirim")) == n


def test_dua_jalan_bersamaan_tidak_mengirim_ganda(app, w):
    """Two runs at once (two nodes' timers): on PostgreSQL truly concurrent writers, on
    SQLite serialised by BEGIN IMMEDIATE; each person gets one digest either way."""
    hasil, galat = [], []

    def jalan():
        try:
            with app.app_context(), pada(JANUARI):
                hasil.append(kirim_pengingat())
                db.session.remove()
        except Exception as e:  # surfaced below
            galat.append(e)

    with server_smtp(app) as surat:
        t = [threading.Thread(target=jalan) for _ in range(2)]
        for x in t:
            x.start()
        for x in t:
            x.join(120)
    assert not galat, galat
    penerima = [m["To"] for m in surat]
    assert len(penerima) == len(set(penerima)) == sum(h.terkirim for h in hasil) > 0
    assert jumlah_kiriman(StatusPengingat.TERKIRIM) == len(penerima)


def test_tanpa_email_tidak_dikirim(app, w):
    p = db.session.get(Pegawai, w.gid[0])
    p.email = None
    db.session.commit()
    with server_smtp(app) as surat:
        kirim()
    assert not [m for m in surat if "Guru Ingat 0" in m["To"]]
    assert untuk(surat, "guru1@contoh.id")


def test_smtp_mati_dicoba_lagi_jalan_berikutnya(app, w):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port_bebas(), SMTP_TLS="")
    gagal = kirim()
    assert gagal.terkirim == 0 and gagal.gagal > 0
    assert jumlah_kiriman(StatusPengingat.GAGAL) == gagal.gagal
    with server_smtp(app) as surat:
        lagi = kirim()
        lagi2 = kirim()
    assert lagi.terkirim == gagal.gagal == len(surat)
    assert lagi2.terkirim == 0
    assert jumlah_kiriman(StatusPengingat.TERKIRIM) == len(surat)
    k = db.session.scalar(select(KirimanPengingat).limit(1))
    assert k.percobaan == 2


def test_berhenti_berlangganan_menghentikan_pengiriman(app, w, buat_klien):
    with server_smtp(app) as surat:
        kirim()
        (m,) = untuk(surat, "guru0@contoh.id")
    url = str(m["List-Unsubscribe"]).strip().strip("<>")
    jalur = urlparse(url).path
    k = buat_klien()
    r = k.get(jalur)
    assert r.status_code == 200 and "Hentikan pengingat harian" in teks(r)
    assert db.session.get(Pegawai, w.gid[0]).pengingat_email is True  # GET changes nothing
    db.session.rollback()
    # A form POST without its CSRF token (not the one-click body) changes nothing.
    r = k.post(jalur, {}, csrf=False)
    assert r.status_code in (400, 422) and r.status_code < 500
    assert db.session.get(Pegawai, w.gid[0]).pengingat_email is True
    db.session.rollback()
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    r = k.post(jalur, {"List-Unsubscribe": "One-Click"}, csrf=False)
    assert r.status_code == 200 and "sudah dihentikan" in teks(r)
    assert db.session.get(Pegawai, w.gid[0]).pengingat_email is False
    db.session.rollback()
    assert k.get(jalur[:-3] + "xyz").status_code == 404
    with server_smtp(app) as surat:
        with pada(JANUARI + timedelta(days=1)):
            kirim_pengingat()
    db.session.rollback()
    assert not untuk(surat, "guru0@contoh.id") and untuk(surat, "guru1@contoh.id")
    # Re-subscribing on the profile.
    k2 = masuk(buat_klien, f"g{w.did}_0")
    r = k2.post("/profil", {"email": "guru0@contoh.id", "telepon": "0812-0000-0100",
                            "pengingat": "y"})
    assert r.status_code == 303
    p = db.session.get(Pegawai, w.gid[0])
    assert p.pengingat_email is True and p.telepon == "6281200000100"
    assert db.session.scalar(select(func.count()).select_from(Audit).where(
        Audit.aksi.in_(("pengingat_berhenti", "pengingat_langganan")))) == 2


def test_berhenti_ganda_sekali_diaudit(app, w, buat_klien):
    """The one-click unsubscribe sent twice at once (a mail provider retrying): the flag is
    set once and audited once; both answers say it is done."""
    with app.test_request_context():
        jalur = f"/pengingat/berhenti/{token_berhenti(w.gid[1])}"
    jawaban, galat = [], []
    mulai = threading.Barrier(2)

    def tekan():
        try:
            k = buat_klien()
            mulai.wait(10)
            jawaban.append(k.post(jalur, {"List-Unsubscribe": "One-Click"}, csrf=False))
        except Exception as e:  # surfaced below
            galat.append(e)

    t = [threading.Thread(target=tekan) for _ in range(2)]
    for x in t:
        x.start()
    for x in t:
        x.join(60)
    assert not galat, galat
    assert sorted(r.status_code for r in jawaban) == [200, 200]
    assert all("sudah dihentikan" in teks(r) for r in jawaban)
    db.session.rollback()
    assert db.session.get(Pegawai, w.gid[1]).pengingat_email is False
    assert db.session.scalar(select(func.count()).select_from(Audit).where(
        Audit.aksi == "pengingat_berhenti")) == 1


def test_profil_menolak_kontak_salah_dan_menyimpan_isian(app, w, buat_klien):
    k = masuk(buat_klien, f"g{w.did}_0")
    r = k.post("/profil", {"email": "bukan surel", "telepon": "12ab", "pengingat": "y"})
    assert r.status_code == 422
    halaman = dom(r)
    assert "tidak valid" in teks_dari(halaman.css_first("#email-galat"))
    assert "hanya boleh berisi angka" in teks_dari(halaman.css_first("#telepon-galat"))
    assert halaman.css_first("input#email").attributes["value"] == "bukan surel"
    assert db.session.get(Pegawai, w.gid[0]).email == "guru0@contoh.id"


# ------------------------------------------------------------------ Perlu tindakan (Beranda)


def test_beranda_perlu_tindakan_per_peran(app, w, buat_klien):
    for g in w.guru[:2]:
        skp(g, w.tahun, "diajukan")
    skp(w.kepsek, w.tahun, "diajukan", posisi="kepala_sekolah")
    db.session.commit()

    def bagian(username):
        return teks_dari(dom(masuk(buat_klien, username).get("/")).css_first(
            "#perlu-tindakan"))

    with pada(JANUARI):
        ks = bagian(f"ks{w.did}")
        guru = dom(masuk(buat_klien, f"g{w.did}_2").get("/"))
        op = bagian(f"op{w.did}")
        tim, kadis = bagian(f"tk{w.did}"), bagian(f"kd{w.did}")
    for staf in (tim, kadis):  # the principal's own plan waits for the Dinas
        assert "Setujui Perencanaan Kinerja kepala sekolah" in staf
        assert "1 Perencanaan Kinerja menunggu persetujuan Anda" in staf
        assert "Kirim lewat WhatsApp" not in staf
    assert "Setujui Perencanaan Kinerja guru" in ks and "2 Perencanaan Kinerja" in ks
    assert f"Paling lambat {format_tanggal(SETUJU)}" in ks
    assert "Kirim lewat WhatsApp" in ks
    bagian = guru.css_first("#perlu-tindakan")
    assert "Ajukan Perencanaan Kinerja (SKP)" in teks_dari(bagian)
    assert bagian.css_first("a.tombol").attributes["href"] == "/perencanaan?tahun=2026"
    assert "Kirim lewat WhatsApp" not in teks_dari(bagian)
    assert "Perbaiki data pra-perencanaan" in op and "SD NEGERI 2 INGAT" in op


def test_beranda_menyimpan_hasil_pra_sampai_roster_berubah(app, w, make_pegawai, tugaskan,
                                                         buat_klien, hitung_query):
    """A teacher at a school that cannot plan yet: his Beranda keeps the pra-perencanaan
    answer while only plans change (one query instead of six), and says "Ajukan" on the
    next visit once the Operator's data makes the school pass."""
    gid = make_pegawai(sekolah=w.sekolah2, nama="Guru Sekolah Dua", username=f"gd{w.did}").id
    tahun_id, tim_id = w.tahun.id, w.tim.id
    db.session.commit()
    k = masuk(buat_klien, f"gd{w.did}")

    def kunjungi():
        with pada(JANUARI), hitung_query() as q:
            isi = teks_dari(dom(k.get("/")).css_first("#perlu-tindakan"))
        return "Ajukan Perencanaan Kinerja (SKP)" in isi, len(q)

    ajukan, dingin = kunjungi()
    assert not ajukan
    # His plan is written: not what the checks read.
    skp(db.session.get(Pegawai, gid), db.session.get(TahunKinerja, tahun_id), "draf")
    db.session.commit()
    ajukan, hangat = kunjungi()
    assert not ajukan and hangat <= dingin - 5
    # The Operator fixes the school: its UNOR on the reference, a principal plotted.
    s2 = db.session.get(Sekolah, w.sid2)
    s2.unor_id = f"UNOR-DUA-{w.did}"
    db.session.add(UnitKerja(dinas_id=w.did, unor_id=s2.unor_id, nama=s2.nama))
    ks = make_pegawai(sekolah=s2, nama="Kepala Dua")
    tugaskan(ks, "kepala_sekolah", s2)
    db.session.add(PlotTimKerja(tahun_id=tahun_id, tim_kerja_id=tim_id,
                                kepala_sekolah_id=ks.id))
    db.session.commit()
    assert kunjungi()[0]


def test_perlu_tindakan_jumlah_query_tetap(app, make_dinas, make_sekolah, make_pegawai,
                                           tugaskan, hitung_query):
    kecil = dunia_2026(make_dinas, make_sekolah, make_pegawai, tugaskan, guru=2)
    besar = dunia_2026(make_dinas, make_sekolah, make_pegawai, tugaskan, guru=8)
    for w in (kecil, besar):
        for g in w.guru:
            skp(g, w.tahun, "diajukan")
    db.session.commit()
    hitungan = {}
    with pada(JANUARI):
        for nama, w in (("kecil", kecil), ("besar", besar)):
            for peran, p in (("ks", w.kepsek), ("guru", w.guru[0]), ("op", w.operator),
                             ("kadis", w.kadis)):
                orang = db.session.get(Pegawai, p.id)
                with hitung_query() as q:
                    item = perlu_tindakan(orang)
                hitungan[nama, peran] = len(q)
                if peran == "ks":
                    assert [i.jumlah for i in item if i.jumlah] == [len(w.guru)]
                db.session.rollback()
    for peran in ("ks", "guru", "op", "kadis"):
        assert hitungan["kecil", peran] == hitungan["besar", peran], peran
        # years, roles, extensions, the school's pra-perencanaan (five), the SKPs
        assert hitungan["besar", peran] <= 10


def test_query_per_sekolah_dalam_anggaran(app, make_dinas, make_sekolah, make_pegawai,
                                          tugaskan, hitung_query):
    """The budget of issue #17: ≤ 10 queries per school for the daily job, and a Dinas
    three times as large costs no more statements while its schools fit one chunk (the
    figure for 20,000 pegawai is bench/pengingat.py's)."""
    hitungan = {}
    for n in (6, 18):
        w = dunia_2026(make_dinas, make_sekolah, make_pegawai, tugaskan, guru=2)
        for i in range(n):
            s = make_sekolah(w.dinas, nama=f"SD TAMBAHAN {n}-{i}")
            ks = make_pegawai(sekolah=s, email=f"ks{n}_{i}@contoh.id")
            tugaskan(ks, "kepala_sekolah", s)
            for j in range(3):
                g = make_pegawai(sekolah=s, email=f"g{n}_{i}_{j}@contoh.id")
                skp(g, w.tahun, "diajukan" if j else "draf")
        db.session.commit()
        with server_smtp(app) as surat:
            with hitung_query() as q:
                hasil = kirim(dinas_ids=[w.dinas.id])
        assert hasil.sekolah == n + 2 <= UKURAN_KELOMPOK
        assert len(surat) == hasil.terkirim >= n  # every principal at least
        hitungan[n] = len(q)
        assert len(q) / hasil.sekolah <= 10, len(q)
    assert hitungan[18] == hitungan[6], hitungan


# ------------------------------------------------------------------ WhatsApp


def test_kirim_lewat_whatsapp_untuk_kepala_sekolah_dan_operator(app, w, buat_klien):
    p = db.session.get(Pegawai, w.gid[2])
    p.telepon = None
    skp(w.guru[1], w.tahun, "diajukan")
    db.session.commit()
    with pada(SESUDAH_AJU):
        r = masuk(buat_klien, f"ks{w.did}").get("/pengingat/terlambat")
        r_op = masuk(buat_klien, f"op{w.did}").get("/pengingat/terlambat")
        r_guru = masuk(buat_klien, f"g{w.did}_0").get("/pengingat/terlambat")
    assert r_guru.status_code == 403
    baris = dom(r).css("#terlambat li")
    assert [teks_dari(b.css_first("strong")) for b in baris] == ["Guru Ingat 0",
                                                                 "Guru Ingat 2"]
    tautan = baris[0].css_first("a").attributes["href"]
    u = urlparse(tautan)
    assert (u.scheme, u.netloc, u.path) == ("https", "wa.me", "/6281200000100")
    pesan = parse_qs(u.query)["text"][0]
    assert "Guru Ingat 0" in pesan and format_tanggal(AJU) in pesan
    assert baris[1].css_first("a") is None
    assert "nomor telepon belum diisi" in teks_dari(baris[1])
    op = dom(r_op).css("#terlambat li")
    assert len(op) == 1 and "Kepala Ingat" in teks_dari(op[0])
    assert "2 guru belum mengajukan SKP 2026" in teks_dari(op[0])
    assert op[0].css_first("a").attributes["href"].startswith("https://wa.me/6281200000001?")
    assert "SD NEGERI 1 INGAT" in unquote(op[0].css_first("a").attributes["href"])


@pytest.mark.parametrize("masuk_, keluar", [
    ("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890"),
    ("812345678", "62812345678"), ("", None), (None, None)])
def test_nomor_seluler_dinormalkan(masuk_, keluar):
    assert nomor_seluler(masuk_) == keluar


@pytest.mark.parametrize("salah", ["021-555-1234", "08ab", "0812"])
def test_nomor_seluler_salah(salah):
    with pytest.raises(KontakTidakValid):
        nomor_seluler(salah)


def test_validasi_email():
    assert validasi_email(" Nama@Contoh.ID ") == "Nama@contoh.id"
    assert validasi_email("") is None
    with pytest.raises(KontakTidakValid):
        validasi_email("nama@contoh")


# ------------------------------------------------------------------ roster import columns


def test_impor_roster_membawa_email_dan_telepon(app, dunia, buat_klien):
    k = masuk(buat_klien, dunia.operator.username)
    kolom = KOLOM_P + ["email", "telepon"]

    def berkas(email, telepon):
        p = pegawai(nip(41), "Rina Wati, S.Pd.", dunia.sekolah.npsn, email=email,
                    telepon=telepon, username="rina41")
        return tulis_xlsx({"Pegawai": (kolom, [[p.get(c) for c in kolom]])})

    _, halaman = pratinjau(k, berkas("rina@", "0812-ab"))
    salah = {(c, m) for _, _, c, m in galat_di(halaman)}
    assert ("email", "Alamat surel 'rina@' tidak valid (contoh: nama@contoh.id).") in salah
    assert any(c == "telepon" and "hanya boleh berisi angka" in m for c, m in salah)
    impor_id, halaman = pratinjau(k, berkas("Rina@Contoh.ID", "0812 3456 7890"))
    assert simpan(k, impor_id).status_code == 200
    p = db.session.scalar(select(Pegawai).where(Pegawai.nama == "Rina Wati, S.Pd."))
    assert (p.email, p.telepon, p.pengingat_email) == ("Rina@contoh.id", "6281234567890", True)


# ------------------------------------------------------------------ the RQ schedule


def test_jadwal_rq_berikutnya_jam_pengingat(app, ctx):
    wib = ZoneInfo("Asia/Jakarta")
    app.config["PENGINGAT_JAM"] = 6
    assert jadwal_pengingat_berikut(app, datetime(2026, 1, 15, 5, 0, tzinfo=wib)) == \
        datetime(2026, 1, 15, 6, 0, tzinfo=wib)
    assert jadwal_pengingat_berikut(app, datetime(2026, 1, 15, 6, 0, tzinfo=wib)) == \
        datetime(2026, 1, 16, 6, 0, tzinfo=wib)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL tidak diatur")
def test_jadwalkan_rq_dua_kali_satu_job(app, ctx):
    app.config["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    r = Redis.from_url(app.config["REDIS_URL"])
    antre = Queue(ANTREAN_PENGINGAT, connection=r)
    saat = datetime(2030, 3, 1, 7, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    try:
        a = jadwalkan_pengingat(app, saat)
        b = jadwalkan_pengingat(app, saat)
        assert a == b
        reg = ScheduledJobRegistry(queue=antre)
        assert reg.get_job_ids().count("kinerja-pengingat-20300302") == 1
        job = antre.fetch_job("kinerja-pengingat-20300302")
        assert job.func_name == "kinerja_web.jobs.pengingat_rq"
    finally:
        job = antre.fetch_job("kinerja-pengingat-20300302")
        if job is not None:
            job.delete()


def test_perintah_kirim_pengingat(app, w):
    with server_smtp(app) as surat:
        with pada(JANUARI):
            r = app.test_cli_runner().invoke(args=["kirim-pengingat"])
            lagi = app.test_cli_runner().invoke(args=["kirim-pengingat"])
    assert r.exit_code == 0, r.output
    assert f"Pengingat: {len(surat)} terkirim, 0 gagal" in r.output and surat
    assert "Pengingat: 0 terkirim, 0 gagal" in lagi.output
    assert f"{len(surat)} sudah dikirim hari ini" in lagi.output
