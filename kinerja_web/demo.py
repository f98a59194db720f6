"""Demo data: one Kabupaten Dinas with schools, teachers, principals and Dinas staff, across
two performance years: 2025 closed (TK NEGERI PEMBINA KEBUMEN went through the whole cycle:
plans, practice, ratings, PKO, predikat set; printable and exportable) and 2026 running, in its
assessment phase (every planning, implementation and assessment state has people in it).

Usernames are stable (README lists them): operator, kadis, timkerja1-2, kepsek1-6, plt1,
guru1… (the teachers of kepsek1's school first), and one teacher per out-of-scope status.
"""

import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from kinerja_web import aturan, waktu
from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.alur import penilaian as alur_n
from kinerja_web.alur import prarencana as alur_pra
from kinerja_web.alur import skp as alur_skp
from kinerja_web.alur import tahun as alur_tahun
from kinerja_web.alur import tenggat as alur_tenggat
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.atasan import atasan_untuk
from kinerja_web.aturan import daftar_aturan
from kinerja_web.aturan.prarencana import ringkas
from kinerja_web.extensions import db
from kinerja_web.models import (
    Akun,
    AsnSiasn,
    Dinas,
    Pegawai,
    Penilaian,
    Penugasan,
    PeriodeEkinerja,
    PlotTimKerja,
    Sekolah,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
    UnitKerja,
)
from kinerja_web.models.org import Peran
from kinerja_web.models.pelaksanaan import JenisKonfirmasi
from kinerja_web.models.skp import PosisiSkp, StatusSkp
from kinerja_web.peran import muat_peran
from kinerja_web.waktu import sekarang

SANDI_DEMO = "kinerja-demo"
MULAI = date(2024, 7, 1)
TAHUN_LALU, TAHUN_INI = 2025, 2026

SEKOLAH = (
    # npsn, nama, jenjang, kecamatan, jumlah guru, pemimpin
    ("20301101", "SD NEGERI 1 SADANGKULON", "sd", "Sadang", 12, "kepsek1"),
    ("20301102", "SD NEGERI 2 SEBORO", "sd", "Sadang", 10, "kepsek2"),
    ("20301201", "SMP NEGERI 1 KEBUMEN", "smp", "Kebumen", 13, "kepsek3"),
    ("20301202", "SMP NEGERI 2 KARANGGAYAM", "smp", "Karanggayam", 9, "plt1"),
    ("20301301", "TK NEGERI PEMBINA KEBUMEN", "tk", "Kebumen", 5, "kepsek4"),
    ("20301103", "SD NEGERI 3 WONOSARI", "sd", "Kebumen", 8, "kepsek5"),
    ("20301104", "SD NEGERI SEMAMPIR", "sd", "Sadang", 6, "kepsek6"),
)
TIDAK_IKUT = (
    # username, status, alasan, index sekolah
    ("cltn1", "cltn", "Cuti di Luar Tanggungan Negara sejak SK 800/112/2025 tanggal 3 Maret "
     "2025", 0),
    ("siln1", "siln", "Bertugas di Sekolah Indonesia Kuala Lumpur", 2),
    ("kemenag1", "kemenag", "Tercatat di Dapodik sebagai PNS Depag", 1),
    ("swasta1", "diperbantukan_swasta", "Diperbantukan di SD Muhammadiyah Kebumen", 5),
    ("tubel1", "tugas_belajar_dinas", "Tugas belajar S2 dengan biaya instansi", 2),
)
NAMA_DEPAN_P = ("Sri", "Siti", "Dwi", "Rina", "Endang", "Nur", "Tri", "Eni", "Yuli", "Ani",
                "Wahyu", "Retno", "Dewi", "Lestari", "Puji", "Rahayu", "Kurnia", "Nining")
NAMA_DEPAN_L = ("Agus", "Budi", "Joko", "Slamet", "Teguh", "Bambang", "Hartono", "Eko",
                "Sugeng", "Heri", "Rudi", "Wawan", "Darmo", "Imam", "Yusuf", "Arif")
NAMA_BELAKANG = ("Hariyati", "Indrawati", "Priyanto", "Wibowo", "Setiawan", "Susanti",
                 "Rahmawati", "Kurniawan", "Wahyuni", "Purnomo", "Handayani", "Santoso",
                 "Lestari", "Utomo", "Maryani", "Saputra", "Hidayat", "Astuti", "Nugroho")
GELAR = ("S.Pd.", "S.Pd.SD", "S.Pd.", "M.Pd.", "S.Pd.", "S.Si.")
# (jabatan, golongan PNS, golongan PPPK) per jenjang jabatan
JENJANG = (
    ("Guru Ahli Pertama", ("III/a", "III/b"), "IX"),
    ("Guru Ahli Muda", ("III/c", "III/d"), "XI"),
    ("Guru Ahli Madya", ("IV/a", "IV/b", "IV/c"), "XIII"),
    ("Guru Ahli Utama", ("IV/d", "IV/e"), None),
)
PENDIDIKAN = {"sd": "S1 PGSD", "smp": "S1 Pendidikan Matematika", "tk": "S1 PG-PAUD"}


@dataclass
class Login:
    peran: str
    nama: str
    username: str


class DemoDiProduksi(RuntimeError):
    pass


def sudah_ada():
    return db.session.scalar(select(func.count()).select_from(Dinas)) > 0


def buat(app):
    """Fill an empty database with the demo Dinas; returns the login table."""
    if app.config["PRODUKSI"]:
        raise DemoDiProduksi("Data demo tidak boleh dimuat dalam mode produksi.")
    rng = random.Random(2025)
    sandi_hash = generate_password_hash(SANDI_DEMO, method=app.config["SANDI_METODE"])
    lalu, tahun = (_tahun_kinerja(t) for t in (TAHUN_LALU, TAHUN_INI))
    dinas = Dinas(
        nama="Dinas Pendidikan Kabupaten Kebumen", tingkat="kabupaten",
        wilayah="Kabupaten Kebumen", nama_pemda="PEMERINTAH KABUPATEN KEBUMEN",
        alamat="Jl. Pahlawan No. 105, Kebumen 54311", telepon="(0287) 381000",
        email="disdik@kebumenkab.example", laman="disdik.kebumenkab.example",
        kota_ttd="Kebumen", atasan_kadis_nama="Drs. Hadi Prasetyo, M.Si.",
        atasan_kadis_nip="196805121994031006", atasan_kadis_pangkat="Pembina Utama Madya, IV/d",
        atasan_kadis_jabatan="Sekretaris Daerah Kabupaten Kebumen",
    )
    db.session.add(dinas)
    db.session.flush()
    td_lalu, td_ini = (TahunDinas(dinas_id=dinas.id, tahun_id=t.id, status=StatusTahun.BERJALAN,
                                  dimulai=sekarang()) for t in (lalu, tahun))
    db.session.add_all([td_lalu, td_ini])
    buat_pegawai = _Pembuat(rng, dinas, sandi_hash)
    logins = []

    def staf(username, peran, jabatan, golongan, label):
        p = buat_pegawai(username, jabatan=jabatan, golongan=golongan, sekolah=None,
                         pendidikan="S2 Manajemen Pendidikan")
        db.session.add(Penugasan(pegawai=p, peran=peran, dinas_id=dinas.id, mulai=MULAI))
        logins.append(Login(label, p.nama, username))
        return p

    staf("kadis", "kepala_dinas", "Kepala Dinas", "IV/c", "Kepala Dinas")
    staf("operator", "operator_dinas", "Pelaksana", "III/b", "Operator Dinas")
    tim = [staf(f"timkerja{i}", "tim_kerja", "Pengawas Sekolah Ahli Madya", "IV/b", "Tim Kerja")
           for i in (1, 2)]

    nomor_guru = 0
    pemimpin = []
    for npsn, nama, jenjang, kecamatan, jumlah, kepala in SEKOLAH:
        s = Sekolah(npsn=npsn, nama=nama, jenjang=jenjang, status="negeri",
                    kecamatan=kecamatan, alamat=f"Kecamatan {kecamatan}, Kebumen",
                    dinas_id=dinas.id, unor_id=f"UNOR-{npsn}", unor_nama=nama)
        db.session.add(s)
        db.session.flush()
        guru_sekolah = []
        for _ in range(jumlah):
            nomor_guru += 1
            g = buat_pegawai(f"guru{nomor_guru}", sekolah=s, pendidikan=PENDIDIKAN.get(jenjang))
            guru_sekolah.append(g)
            logins.append(Login("Guru", g.nama, f"guru{nomor_guru}"))
        if kepala.startswith("plt"):
            p = buat_pegawai(kepala, sekolah=s, jenjang_idx=1, pendidikan=PENDIDIKAN.get(jenjang))
            db.session.add(Penugasan(pegawai=p, peran=Peran.PLT_KEPALA_SEKOLAH, sekolah_id=s.id,
                                     dinas_id=dinas.id, mulai=MULAI, nomor_sk="800/45/2024"))
            logins.append(Login("Plt. Kepala Sekolah", p.nama, kepala))
        else:
            p = buat_pegawai(kepala, sekolah=s, jenjang_idx=2, pendidikan=PENDIDIKAN.get(jenjang))
            db.session.add(Penugasan(pegawai=p, peran=Peran.KEPALA_SEKOLAH, sekolah_id=s.id,
                                     dinas_id=dinas.id, mulai=MULAI))
            logins.append(Login("Kepala Sekolah", p.nama, kepala))
        pemimpin.append(p)
    for t in (lalu, tahun):
        for i, p in enumerate(pemimpin):
            db.session.add(PlotTimKerja(tahun=t, tim_kerja_id=tim[i % 2].id,
                                        kepala_sekolah_id=p.id))
    sekolah = db.session.scalars(select(Sekolah).order_by(Sekolah.id)).all()
    for username, status, alasan, idx in TIDAK_IKUT:
        p = buat_pegawai(username, sekolah=sekolah[idx])
        p.keikutsertaan = status
        p.keikutsertaan_alasan = alasan
        p.keikutsertaan_mulai = date(2025, 3, 3)
        logins.append(Login("Guru (tidak ikut)", p.nama, username))
    db.session.flush()
    # Reference lists first: pra-perencanaan checks the schools' UNOR against them.
    isi_sinkro(dinas)
    isi_tahun_lalu(lalu, td_lalu)
    buka_perencanaan_demo(dinas, tahun)
    isi_perencanaan(tahun)
    return _urut(logins)


def _tahun_kinerja(tahun):
    """The year's row (made when missing), on its own rule set when one exists."""
    baris = db.session.scalar(select(TahunKinerja).where(TahunKinerja.tahun == tahun))
    if baris is None:
        nama = str(tahun) if str(tahun) in daftar_aturan() else "2025"
        baris = TahunKinerja(tahun=tahun, aturan=nama, aktif=True)
        db.session.add(baris)
        db.session.flush()
    return baris


# 2025, closed: one school's whole cycle, so a newcomer sees a finished year (history,
# predikat, prints and export) next to the running one. {username: (hasil, perilaku)}.
LALU_DEMO = {"guru45": ("di_atas", "di_atas"), "guru46": ("sesuai", "sesuai"),
             "guru47": ("sesuai", "sesuai"), "guru48": ("di_bawah", "sesuai"),
             "guru49": ("sesuai", "sesuai")}
LALU_KS = "kepsek4"


def isi_tahun_lalu(tahun, td):
    """Walk TK NEGERI PEMBINA KEBUMEN's 2025 through every transition to the predikat, then
    close 2025 for the Dinas."""
    urutan = [LALU_KS, *LALU_DEMO]
    rencana = {u: (StatusSkp.DISEPAKATI, False) for u in urutan}
    isi_perencanaan(tahun, rencana, dict.fromkeys(urutan, 6), lanjut=False)
    kadis = _akun("kadis")
    ks = _akun(LALU_KS)
    daftar = [_nilai(_skp_dari(u, tahun), ks, h, p) for u, (h, p) in LALU_DEMO.items()]
    sekolah_id = min(ks.peran.atasan_sekolah)
    alur_n.kirim_ke_dinas(ks, daftar, sekolah_id, tahun)
    db.session.flush()
    sekolah = db.session.get(Sekolah, sekolah_id)
    alur_n.tetapkan_pko(kadis, sekolah, tahun, "baik", "Rapor Pendidikan 2025: mutu "
                        "pembelajaran baik.", daftar)
    alur_n.tetapkan_predikat(ks, tahun, "baik", daftar, {}, None, sekolah_id=sekolah.id)
    tim = _akun("timkerja1")
    pen = _nilai(_skp_dari(LALU_KS, tahun), tim, None, "sesuai", pko="baik")
    alur_n.kirim_ke_dinas(tim, [pen], None, tahun)
    alur_n.tetapkan_pko_dinas(kadis, tahun, "baik", f"Evaluasi SAKIP Dinas {tahun.tahun}: Baik.")
    alur_n.tetapkan_predikat(kadis, tahun, "baik", [pen], {}, "Penetapan bertahap: kepala "
                             "sekolah lain menilai di aplikasi mulai 2026.")
    db.session.flush()
    operator = _akun("operator")
    alur_tahun.tutup(td, operator)
    db.session.flush()


def _akun(username=None, pegawai=None):
    a = db.session.scalar(select(Akun).where(
        Akun.username == username if username else Akun.pegawai_id == pegawai.id))
    a.peran = muat_peran(a.pegawai, MULAI)
    return a


def _skp_dari(username, tahun, posisi=None):
    a = _akun(username)
    q = select(Skp).where(Skp.pegawai_id == a.pegawai_id, Skp.tahun_id == tahun.id,
                          Skp.status == StatusSkp.DISEPAKATI)
    return db.session.scalar(q.where(Skp.posisi == posisi) if posisi else q)


def _nilai(skp, atasan, hasil, perilaku, pko=None):
    """Rate both halves through alur (hasil None: the PKO's recommendation)."""
    pen, _ = alur_n.penilaian_untuk(skp)
    kriteria = dict.fromkeys(alur_n.KRITERIA, hasil)
    alur_n.simpan_rating_hasil(pen, atasan, kriteria, None, None,
                               "Praktik kelas berubah nyata; lanjutkan berbagi di KKG.", pko)
    aspek = list(aturan_skp(skp).perilaku.kode)
    alur_n.simpan_rating_perilaku(pen, atasan, {a: {"perwujudan": perilaku,
                                                    "dampak": perilaku} for a in aspek},
                                  None, None, {aspek[0]: "Konsisten dan dapat diandalkan."})
    return pen


def buka_perencanaan_demo(dinas, tahun):
    """In a year with the pra-perencanaan gate (2026 on), the Operator opens planning for
    each demo school whose checks fail — only SMP NEGERI 1 KEBUMEN, whose replaced UNOR is
    the sync pre-check's example — so every demo teacher can plan. 2025: nothing to do."""
    if not alur_pra.berlaku(tahun):
        return
    hasil = alur_pra.hasil_pra(dinas.id, tahun)
    if not hasil.sekolah_gagal:
        return
    operator = db.session.scalar(
        select(Akun).join(Penugasan, Penugasan.pegawai_id == Akun.pegawai_id)
        .where(Penugasan.dinas_id == dinas.id, Penugasan.peran == "operator_dinas"))
    operator.peran = muat_peran(operator.pegawai, MULAI)
    for sekolah_id in sorted(hasil.sekolah_gagal):
        alasan = (f"Data sedang diperbaiki ({ringkas(hasil.sekolah(sekolah_id))}); guru tetap "
                  "menyusun Perencanaan Kinerja.")[:alur_pra.ALASAN_MAKS]
        alur_pra.buka(operator, db.session.get(Sekolah, sekolah_id), tahun, alasan, True)


# Planning states of the demo, by username: (final state, atasan adjusts?). People not
# listed have not started (guru1, guru2, kepsek4 … are left for walking through the app).
# Principals come first: a teacher's plan intervenes the RHK of his principal's own plan.
RENCANA_DEMO = {
    "kepsek1": (StatusSkp.DISEPAKATI, True), "kepsek2": (StatusSkp.DIAJUKAN, False),
    "kepsek3": (StatusSkp.DISEPAKATI, False), "kepsek5": (StatusSkp.DISEPAKATI, True),
    "kepsek6": (StatusSkp.DIKEMBALIKAN, False),
    "plt1": (StatusSkp.DISEPAKATI, False), "plt1:plt_kepala_sekolah": (StatusSkp.DIAJUKAN, False),
    "guru3": (StatusSkp.DRAF, False), "guru4": (StatusSkp.DIAJUKAN, False),
    "guru5": (StatusSkp.DIKEMBALIKAN, False),
    "guru6": (StatusSkp.DISETUJUI, True), "guru7": (StatusSkp.DISEPAKATI, True),
    **{f"guru{i}": (StatusSkp.DISEPAKATI, False) for i in range(8, 13)},
    "guru13": (StatusSkp.DIAJUKAN, False), "guru14": (StatusSkp.DISETUJUI, False),
    **{f"guru{i}": (StatusSkp.DISEPAKATI, False) for i in range(15, 20)},
    **{f"guru{i}": (StatusSkp.DISEPAKATI, i % 3 == 0) for i in range(23, 34)},
    **{f"guru{i}": (StatusSkp.DISEPAKATI, False) for i in range(37, 43)},
    "guru47": (StatusSkp.DIAJUKAN, False), "guru48": (StatusSkp.DISEPAKATI, False),
    **{f"guru{i}": (StatusSkp.DISEPAKATI, False) for i in range(52, 58)},
}


def isi_perencanaan(tahun, rencana=None, pelaksanaan=None, lanjut=True):
    """Walk the demo plans through the real transitions, so each state has people in it
    (`rencana`, `pelaksanaan`: another year's plans and cycles; `lanjut`: go on to the
    running year's assessments)."""
    def akun_dari(pegawai):
        a = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
        a.peran = muat_peran(pegawai, MULAI)
        return a

    rng = random.Random(7 + tahun.tahun - TAHUN_INI)
    # Plans are made when the year's calendar allows: on its submission deadline (a year
    # without enforced deadlines plans today).
    batas = aturan.tenggat(aturan.muat_aturan(tahun.aturan), aturan.Tahap.PENGAJUAN_SKP)
    with waktu.pada(batas) if batas else nullcontext():
        _isi_rencana(tahun, rencana or RENCANA_DEMO, rng, akun_dari)
    if batas:
        _perpanjang_yang_belum_sepakat(tahun)
    db.session.flush()
    isi_pelaksanaan(tahun, pelaksanaan or PELAKSANAAN_DEMO)
    if lanjut:
        isi_penilaian(tahun)


def _perpanjang_yang_belum_sepakat(tahun):
    """The Dinas extends the planning deadlines of everyone in the year's scope whose plan
    is not agreed yet (as an Operator would for the demo's late plans), so a newcomer can
    still walk planning and approval in a year that enforces its calendar."""
    atr = aturan.muat_aturan(tahun.aturan)
    operator = db.session.scalar(select(Akun).where(Akun.username == "operator"))
    operator.peran = muat_peran(operator.pegawai, MULAI)
    sepakat = select(Skp.pegawai_id).where(Skp.tahun_id == tahun.id,
                                           Skp.status == StatusSkp.DISEPAKATI)
    for p in db.session.scalars(select(Pegawai).where(
            Pegawai.sekolah_id.is_not(None), Pegawai.syarat_ikut(atr),
            Pegawai.id.not_in(sepakat)).order_by(Pegawai.id)):
        for tahap in (aturan.Tahap.PENGAJUAN_SKP, aturan.Tahap.PERSETUJUAN_SKP):
            alur_tenggat.beri_perpanjangan(
                p, tahun, tahap, atr.periode_selesai,
                "Data demo: SKP belum disepakati; tenggat diperpanjang agar alur perencanaan "
                "dan persetujuan dapat dicoba.", operator)


def _isi_rencana(tahun, rencana, rng, akun_dari):
    for kunci, (akhir, sesuaikan) in rencana.items():
        username, _, posisi = kunci.partition(":")
        akun = db.session.scalar(select(Akun).where(Akun.username == username))
        akun.peran = muat_peran(akun.pegawai, MULAI)
        posisi = posisi or ("guru" if akun.peran.guru else "kepala_sekolah")
        skp = alur_skp.buat(akun.pegawai, posisi, tahun, akun)
        atr = alur_skp.aturan_skp(skp)
        kat = skp.katalog_posisi
        praktik = [i.kode for i in atr.pilihan_praktik(kat)]
        kompetensi = list(atr.kompetensi(kat).kode)
        aspek = list(atr.perilaku.kode)
        alur_skp.simpan_pilihan(skp, akun, {
            "tugas_tambahan": posisi == PosisiSkp.GURU and rng.random() < 0.3,
            "nama_tugas_tambahan": "Wali kelas" if posisi == PosisiSkp.GURU else None,
            "praktik_kode": rng.choice(praktik), "kompetensi_kode": rng.choice(kompetensi),
            "aspek_fokus": rng.sample(aspek, rng.randint(1, 3)),
        })
        if akhir == StatusSkp.DRAF:
            continue
        alur_skp.ajukan(skp, akun)
        if akhir == StatusSkp.DIAJUKAN:
            continue
        atasan = akun_dari(atasan_untuk(skp.pegawai, skp.posisi, MULAI).pegawai)
        if akhir == StatusSkp.DIKEMBALIKAN:
            alur_skp.kembalikan(skp, atasan, "Pilih indikator praktik yang sesuai hasil Rapor "
                                             "Pendidikan sekolah kita.")
            continue
        if sesuaikan:
            lain = [k for k in praktik if k != skp.praktik_kode]
            alur_skp.simpan_penyesuaian(skp, atasan, {
                "atasan_praktik_kode": rng.choice(lain),
                "ekspektasi": {skp.aspek_fokus[0]: "Aktif berbagi praktik baik di KKG/MGMP."},
            })
        alur_skp.setujui(skp, atasan)
        if akhir == StatusSkp.DISEPAKATI:
            alur_skp.sepakati(skp, akun)


# How far each demo person's praktik-kinerja cycle has gone (SPEC §2.3). People with an
# agreed plan not listed here have not started (guru15, guru16 … are left for walking
# through the cycle).
PELAKSANAAN_DEMO = {
    "guru7": 1, "guru8": 2, "guru9": 3, "guru10": 4, "guru11": 5, "guru12": 6,
    **{f"guru{i}": 6 for i in range(23, 34)}, **{f"guru{i}": 6 for i in range(37, 43)},
    **{f"guru{i}": 6 for i in range(52, 58)},
    "kepsek1": 4, "plt1": 2, "kepsek3": 6, "kepsek5": 6,
}


def isi_pelaksanaan(tahun, tahapan):
    """Walk the demo cycles through the real transitions: 1 persiapan sent, 2 agreed,
    3 observed, 4 tindak lanjut sent, 5 accepted with progress notes and reflection sent,
    6 everything done (reflection accepted, competency validated, confirmations)."""
    def akun_dari(pegawai):
        a = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
        a.peran = muat_peran(pegawai, MULAI)
        return a

    th = tahun.tahun
    for username, tahap in tahapan.items():
        akun = db.session.scalar(select(Akun).where(Akun.username == username))
        akun.peran = muat_peran(akun.pegawai, MULAI)
        skp = db.session.scalar(select(Skp).where(Skp.pegawai_id == akun.pegawai_id,
                                                  Skp.tahun_id == tahun.id,
                                                  Skp.status == StatusSkp.DISEPAKATI))
        atasan = akun_dari(atasan_untuk(skp.pegawai, skp.posisi, MULAI).pegawai)
        p, _ = alur_p.praktik_untuk(skp)
        indikator = aturan_skp(skp).praktik(skp.katalog_posisi).get(skp.praktik_berlaku)
        fokus = list(indikator.fokus_perilaku[:2]) if indikator and indikator.fokus_perilaku \
            else ["Memberi umpan balik yang spesifik kepada setiap murid"]
        alur_p.simpan_dokumen(p, akun, 1, {
            "fokus_perilaku": fokus,
            "upaya_belajar": "Mempelajari modul di Platform Merdeka Mengajar dan berdiskusi "
                             "di komunitas belajar sekolah.",
            "jadwal_usulan": date(th, 2, 10)}, ajukan=True)
        if tahap < 2:
            continue
        alur_p.sepakati_persiapan(p, atasan, date(th, 2, 12))
        if tahap < 3:
            continue
        alur_p.simpan_observasi(p, atasan, [
            {"fokus": f, "hasil": ("belum_efektif", "efektif")[i % 2],
             "catatan": "Sudah dicoba di awal pelajaran; perlu konsisten sampai akhir."}
            for i, f in enumerate(fokus)],
            "Latih langkah ini setiap pertemuan dan minta umpan balik teman sejawat.",
            selesai=True)
        if tahap < 4:
            continue
        alur_p.simpan_dokumen(p, akun, 3, {
            "tl_tantangan": "Kelas besar (32 murid) dan waktu terbatas.",
            "tl_tujuan": "Semua murid terlibat aktif dalam diskusi kelompok.",
            "tl_upaya": "Menyusun kesepakatan kelas bersama murid; rotasi peran kelompok.",
            "tl_jadwal": f"Maret–Mei {th}, setiap pertemuan.",
            "tl_dukungan": "Observasi ulang oleh kepala sekolah pada bulan Mei."}, ajukan=True)
        if tahap < 5:
            continue
        # The atasan scores the documents (SPEC §2.5): the demo's ratings to come keep the
        # recommendation they had before documents were scored (see PENILAIAN_DEMO).
        nilai = 3 if {**PENILAIAN_DEMO, **LALU_DEMO}.get(username) == SB else 2
        alur_p.terima_dokumen(p, atasan, 3, nilai)
        alur_p.tambah_upaya(p, akun, date(th, 3, 17), "Kesepakatan kelas disusun dan "
                            "ditempel di dinding kelas.")
        alur_p.tambah_upaya(p, akun, date(th, 4, 21), "Rotasi peran kelompok berjalan; "
                            "murid pendiam mulai berbicara.")
        alur_p.simpan_dokumen(p, akun, 5, {
            "refleksi_praktik": "Observasi membantu saya melihat kebiasaan yang tidak saya "
                                "sadari.",
            "refleksi_perubahan": "Saya memulai pelajaran dengan mengingatkan kesepakatan.",
            "refleksi_dampak": "Murid lebih tertib dan lebih berani bertanya."}, ajukan=True)
        ref, _ = alur_p.refleksi_untuk(skp)
        alur_p.simpan_refleksi_kompetensi(
            ref, akun, ["Saya jadi lebih tahu langkah memprioritaskan peserta didik."],
            ["Saya mempraktikkan langkah-langkahnya di ruang kelas."])
        if tahap < 6:
            continue
        alur_p.terima_dokumen(p, atasan, 5, nilai)
        alur_p.validasi_kompetensi(ref, atasan)
        tugas = alur_p.kode_konfirmasi(skp, JenisKonfirmasi.TUGAS_PEGAWAI)
        alur_p.konfirmasi(skp, akun, "tugas_pegawai", tugas)
        alur_p.konfirmasi(skp, atasan, "tugas_atasan", tugas)
        dokumen = alur_p.kode_konfirmasi(skp, JenisKonfirmasi.DOKUMEN)
        if alur_p.dokumen_oleh_pegawai(skp):
            # A principal confirms his school's documents; his atasan validates them.
            alur_p.konfirmasi(skp, akun, "dokumen", dokumen)
            alur_p.validasi_dokumen(skp, atasan, True)
        else:
            alur_p.konfirmasi(skp, atasan, "dokumen", dokumen)
        alur_p.konfirmasi(skp, atasan, "kelengkapan", alur_p.kode_konfirmasi(skp,
                                                                              "kelengkapan"))
    db.session.flush()


# Assessment demo (SPEC §2.5): ratings per username as (hasil, perilaku). SMP NEGERI 1
# KEBUMEN is assessed, sent, has its PKO and its predikat set within the rule; SMP NEGERI 2
# KARANGGAYAM breaks the rule of its PKO with a written justification; SD NEGERI 3 WONOSARI
# is assessed and sent and waits for its PKO; SD NEGERI 1 SADANGKULON is still assessing.
SB, B, BP = ("di_atas", "di_atas"), ("sesuai", "sesuai"), ("di_bawah", "sesuai")
PENILAIAN_DEMO = {
    **dict.fromkeys(("guru23", "guru24", "guru25"), SB),
    **dict.fromkeys((f"guru{i}" for i in range(26, 33)), B), "guru33": BP,
    **dict.fromkeys((f"guru{i}" for i in range(37, 43)), SB),
    **dict.fromkeys((f"guru{i}" for i in range(52, 55)), B),
    **dict.fromkeys((f"guru{i}" for i in range(55, 58)), SB),
}


def isi_penilaian(tahun):
    """Rate, send, set PKOs and predikat through the real transitions."""
    akun = _akun

    def skp_dari(username, posisi=None):
        return _skp_dari(username, tahun, posisi)

    nilai = _nilai
    per_atasan = {}
    for username, (hasil, perilaku) in PENILAIAN_DEMO.items():
        skp = skp_dari(username)
        atasan = akun(pegawai=atasan_untuk(skp.pegawai, skp.posisi, MULAI).pegawai)
        per_atasan.setdefault(atasan.username, (atasan, []))[1].append(
            nilai(skp, atasan, hasil, perilaku))
    kadis = akun("kadis")
    for atasan, daftar in per_atasan.values():
        sekolah_id = min(atasan.peran.atasan_sekolah)
        alur_n.kirim_ke_dinas(atasan, daftar, sekolah_id, tahun)
    db.session.flush()
    pko = {"kepsek3": ("baik", f"Rapor Pendidikan {tahun.tahun}: mutu pembelajaran baik."),
           "plt1": ("butuh_perbaikan", f"Rapor Pendidikan {tahun.tahun}: literasi dan numerasi "
                    "turun.")}
    pembenaran = {"plt1": "Seluruh guru menuntaskan siklus praktik kinerja dengan perubahan "
                          "praktik yang terdokumentasi; penurunan Rapor Pendidikan terjadi "
                          "karena perpindahan murid, bukan kinerja guru."}

    for username, (kode, alasan) in pko.items():
        atasan, daftar = per_atasan[username]
        sekolah = db.session.get(Sekolah, min(atasan.peran.atasan_sekolah))
        alur_n.tetapkan_pko(kadis, sekolah, tahun, kode, alasan, daftar)
        alur_n.tetapkan_predikat(atasan, tahun, kode, daftar, {}, pembenaran.get(username),
                                 sekolah_id=sekolah.id)
    # The principal of the school with a PKO is assessed by his Tim Kerja member and the
    # Kepala Dinas sets his predikat (with a justification: one principal cannot meet the
    # rule of a Baik PKO on his own).
    skp_ks = skp_dari("kepsek3")
    tim = akun("timkerja1")
    pen = nilai(skp_ks, tim, None, "sesuai", pko="baik")
    alur_n.kirim_ke_dinas(tim, [pen], None, tahun)
    alur_n.tetapkan_pko_dinas(kadis, tahun, "baik", "Evaluasi SAKIP Dinas 2025: Baik.")
    alur_n.tetapkan_predikat(kadis, tahun, "baik", [pen], {}, "Penetapan bertahap: kepala "
                             "sekolah lain menyusul setelah penilaiannya selesai.")
    # A second principal is fully through his cycle, waiting for his school's PKO.
    db.session.flush()
    assert db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp_ks.id)).lengkap


# Sinkro e-Kinerja demo: the Referensi Unit Kerja and ASN list as BKD would hand them over,
# with the disparities that make syncs fail in practice (SPEC §6, seed 003).
UNOR_DEMO = {
    # npsn: (name in the reference list, active); SD NEGERI 2 SEBORO differs only in form,
    # SD NEGERI SEMAMPIR really differs, SMP NEGERI 1 KEBUMEN's UNOR was replaced in SIASN.
    "20301101": ("SD NEGERI 1 SADANGKULON KEC. SADANG", True),
    "20301102": ("SDN 2 SEBORO KEC. SADANG", True),
    "20301201": ("SMP NEGERI 1 KEBUMEN", False),
    "20301202": ("SMPN 2 KARANGGAYAM KEC. KARANGGAYAM", True),
    "20301301": ("TK NEGERI PEMBINA KEBUMEN", True),
    "20301103": ("SD NEGERI 3 WONOSARI KEC. KEBUMEN", True),
    "20301104": ("SD NEGERI 1 SEMAMPIR KEC. SADANG", True),
}
UNOR_DINAS = "UNOR-DISDIK-KEBUMEN"
UNOR_PENGGANTI = {"20301201": ("UNOR-20301201-2025", "SMP NEGERI 1 KEBUMEN KEC. KEBUMEN")}
MANTAN_KS = ("196502101990031004", "DRS. SUTRISNO HADI, M.PD.", "Pengawas Sekolah Ahli Madya",
             "IV/b")
HANYA_SIASN = ("199104122019032011", "WAHYU HIDAYATI, S.PD.", "Guru Ahli Pertama", "III/b")
PERIODE_DEMO = (
    # nama, mulai, selesai, batas, tipe periodik, angka periodik: one Bulanan among the
    # Triwulanan periods and angka 3 twice (errors #1 and #2 of seed 001), for the running
    # year 2026
    ("TRIWULAN I", date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 25), "Triwulanan", 1),
    ("TRIWULAN II", date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 25), "Triwulanan", 2),
    ("TRIWULAN III 2026", date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 25), "Bulanan", 3),
    ("TRIWULAN IV", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 25), "Triwulanan", 3),
    ("TAHUN 2026", date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 31), "Tahunan", 1),
)
# The closed year's list, as the admin e-Kinerja left it (clean).
PERIODE_LALU = (
    ("TRIWULAN I 2025", date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 25), "Triwulanan", 1),
    ("TRIWULAN II 2025", date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 25), "Triwulanan",
     2),
    ("TRIWULAN III 2025", date(2025, 7, 1), date(2025, 9, 30), date(2025, 10, 25), "Triwulanan",
     3),
    ("TRIWULAN IV 2025", date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 25), "Triwulanan",
     4),
    ("TAHUN 2025", date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 31), "Tahunan", 1),
)
# The same list as an admin e-Kinerja leaves it after fixing errors #1 and #2: four
def isi_sinkro(dinas):
    """Reference lists and e-Kinerja periods: most pegawai match, a few do not (a teacher
    whose SIASN atasan is the former principal, one missing, one with another NIP, another
    jabatan, golongan or spelling, a replaced UNOR, a school name that really differs)."""
    unor = [UnitKerja(dinas_id=dinas.id, unor_id=UNOR_DINAS, nama=dinas.nama.upper())]
    sekolah = db.session.scalars(select(Sekolah).where(Sekolah.dinas_id == dinas.id)
                                 .order_by(Sekolah.id)).all()
    unor_siasn = {}
    for s in sekolah:
        nama, aktif = UNOR_DEMO[s.npsn]
        unor.append(UnitKerja(dinas_id=dinas.id, unor_id=s.unor_id, nama=nama, aktif=aktif,
                              induk_id=UNOR_DINAS))
        unor_siasn[s.id] = s.unor_id
        if s.npsn in UNOR_PENGGANTI:
            baru, nama_baru = UNOR_PENGGANTI[s.npsn]
            unor.append(UnitKerja(dinas_id=dinas.id, unor_id=baru, nama=nama_baru,
                                  induk_id=UNOR_DINAS))
            unor_siasn[s.id] = baru
    db.session.add_all(unor)
    akun = dict(db.session.execute(select(Akun.pegawai_id, Akun.username)).all())
    atr_jabatan = [j for j, _, _ in JENJANG]
    asn = []
    for p in db.session.scalars(select(Pegawai).where(Pegawai.dinas_id == dinas.id,
                                                      Pegawai.nip.is_not(None))
                                .order_by(Pegawai.id)):
        username = akun.get(p.id)
        if username == "guru21":
            continue  # on the roster only: not (yet) on SIASN's list
        if p.sekolah_id is None:
            atasan_nip = dinas.atasan_kadis_nip if username == "kadis" else None
        else:
            posisi = "guru" if p.jabatan.startswith("Guru") else "kepala_sekolah"
            atasan = atasan_untuk(p, posisi)
            if username and username.startswith("kepsek"):
                atasan = atasan_untuk(p, "kepala_sekolah")
            atasan_nip = atasan.pegawai.nip if atasan.pegawai else None
        baris = AsnSiasn(dinas_id=dinas.id, nip=p.nip, nama=p.nama.upper(),
                         unor_id=unor_siasn.get(p.sekolah_id, UNOR_DINAS), jabatan=p.jabatan,
                         golongan=p.golongan, atasan_nip=atasan_nip)
        if username == "guru8":
            baris.atasan_nip = MANTAN_KS[0]  # SIASN still names the former principal
        elif username == "guru9":
            baris.jabatan = atr_jabatan[(atr_jabatan.index(p.jabatan) + 1) % 3]
        elif username == "guru10":
            baris.golongan = "III/d" if p.golongan != "III/d" else "III/c"
        elif username == "guru11":
            depan, _, sisa = baris.nama.partition(" ")
            baris.nama = f"{depan[:-1]}Y {sisa}" if depan.endswith("I") else f"{depan}H {sisa}"
        elif username == "guru44":
            baris.nip = p.nip[:-3] + f"{(int(p.nip[-3:]) + 500) % 1000:03d}"
        asn.append(baris)
    for nip, nama, jabatan, golongan in (MANTAN_KS, HANYA_SIASN):
        asn.append(AsnSiasn(dinas_id=dinas.id, nip=nip, nama=nama, jabatan=jabatan,
                            golongan=golongan, unor_id=UNOR_DINAS if nip == MANTAN_KS[0]
                            else sekolah[0].unor_id, atasan_nip=None))
    db.session.add_all(asn)
    db.session.add_all(PeriodeEkinerja(dinas_id=dinas.id, nama=nama, tahun=mulai.year,
                                       mulai=mulai, selesai=selesai, batas=batas,
                                       tipe_periodik=tipe, angka_periodik=angka)
                       for nama, mulai, selesai, batas, tipe, angka in PERIODE_LALU + PERIODE_DEMO)
    db.session.flush()


def _urut(logins):
    urutan = ["Operator Dinas", "Kepala Dinas", "Tim Kerja", "Kepala Sekolah",
              "Plt. Kepala Sekolah", "Guru", "Guru (tidak ikut)"]
    return sorted(logins, key=lambda x: (urutan.index(x.peran), _angka(x.username)))


def _angka(username):
    digits = "".join(c for c in username if c.isdigit())
    return (username.rstrip("0123456789"), int(digits or 0))


class _Pembuat:
    """Makes plausible people with valid NIPs, deterministically."""

    def __init__(self, rng, dinas, sandi_hash):
        self.rng, self.dinas, self.sandi_hash = rng, dinas, sandi_hash
        self.serial = 0

    def __call__(self, username, *, sekolah, jabatan=None, golongan=None, jenjang_idx=None,
                 pendidikan=None):
        rng = self.rng
        perempuan = rng.random() < 0.6
        nama = f"{rng.choice(NAMA_DEPAN_P if perempuan else NAMA_DEPAN_L)} " \
               f"{rng.choice(NAMA_BELAKANG)}, {rng.choice(GELAR)}"
        pppk = jabatan is None and jenjang_idx is None and rng.random() < 0.25
        if jabatan is None:
            idx = jenjang_idx if jenjang_idx is not None else rng.choices(
                range(4), weights=(4, 3, 3, 1) if not pppk else (5, 3, 2, 0))[0]
            jabatan, gol_pns, gol_pppk = JENJANG[idx]
            golongan = gol_pppk if pppk else rng.choice(gol_pns)
        lahir = date(rng.randint(1966, 1996), rng.randint(1, 12), rng.randint(1, 28))
        self.serial += 1
        tmt_tahun = rng.randint(2021, 2024) if pppk else min(2019, lahir.year + rng.randint(23, 30))
        tengah = f"{tmt_tahun}21" if pppk else f"{tmt_tahun}{rng.randint(1, 12):02d}"
        nip = f"{lahir:%Y%m%d}{tengah}{2 if perempuan else 1}{self.serial:03d}"
        p = Pegawai(
            nip=nip, nama=nama, tempat_lahir="Kebumen", tanggal_lahir=lahir,
            jenis_kelamin="P" if perempuan else "L",
            status_kepegawaian="PPPK" if pppk else "PNS", golongan=golongan,
            tmt_golongan=date(max(tmt_tahun, 2020), 4, 1), jabatan=jabatan,
            tmt_jabatan=date(max(tmt_tahun, 2020), 4, 1), pendidikan=pendidikan or "S1",
            nuptk=f"{rng.randint(10**15, 10**16 - 1)}" if sekolah is not None else None,
            sekolah_id=sekolah.id if sekolah is not None else None, dinas_id=self.dinas.id,
        )
        db.session.add(p)
        db.session.flush()
        db.session.add(Akun(username=username, pegawai_id=p.id, sandi_hash=self.sandi_hash,
                            harus_ganti_sandi=False))
        return p


def daftar_login():
    """The demo logins as they stand in the database (for `make run` after the first time)."""
    rows = db.session.execute(
        select(Akun.username, Pegawai.nama).join(Akun.pegawai).order_by(Akun.id)
    ).all()

    out = []
    for username, nama in rows:
        akun = db.session.scalar(select(Akun).where(Akun.username == username))
        peran = muat_peran(akun.pegawai)
        label = peran.label[-1] if peran.label else "Guru"
        if not akun.pegawai.ikut_siklus:
            label = "Guru (tidak ikut)"
        out.append(Login(label, nama, username))
    return _urut(out)


def cetak_login(logins, echo):
    echo(f"{'Peran':<22} {'Nama':<34} {'Nama pengguna':<14} Kata sandi")
    echo("-" * 84)
    for x in logins:
        echo(f"{x.peran:<22} {x.nama[:34]:<34} {x.username:<14} {SANDI_DEMO}")
