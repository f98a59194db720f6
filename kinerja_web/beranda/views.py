"""Beranda: each role's next steps in the 2025 cycle, with counts."""

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from kinerja_web import aturan
from kinerja_web.extensions import db
from kinerja_web.models import Akun, Pegawai, Penugasan, PlotTimKerja, Sekolah, TahunKinerja
from kinerja_web.waktu import hari_ini

bp = Blueprint("beranda", __name__)


@dataclass
class Tugas:
    """One line on the Beranda: what to do next, how many, and where."""

    judul: str
    keterangan: str
    jumlah: int | None = None
    url: str | None = None
    tombol: str | None = None


@dataclass
class Bagian:
    judul: str
    tugas: list[Tugas]


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.masuk"))
    peran = current_user.peran
    bagian = []
    if peran.guru or peran.ks_sekolah:
        bagian.append(bagian_pegawai(current_user.pegawai))
    if peran.atasan_sekolah:
        bagian.append(bagian_atasan(peran))
    if peran.tim_kerja:
        bagian.append(bagian_tim_kerja(peran))
    if peran.kepala_dinas:
        bagian.append(bagian_kepala_dinas(peran))
    if peran.operator_dinas:
        bagian.append(bagian_operator(peran))
    return render_template("beranda/index.html", bagian=bagian, alur=ALUR)


# The recommended calendar of the single 2025 cycle (SPEC §2).
ALUR = (
    ("Januari", "Perencanaan Kinerja dan persetujuan atasan"),
    ("Februari", "Diskusi persiapan, observasi praktik kinerja, umpan balik"),
    ("Maret–September", "Upaya tindak lanjut dan pengembangan kompetensi"),
    ("Juli–Oktober", "Refleksi tindak lanjut dan refleksi kompetensi"),
    ("November–Desember", "Penilaian, Predikat Kinerja Organisasi, penetapan predikat"),
)


def bagian_pegawai(pegawai):
    judul = "Sebagai Kepala Sekolah" if current_user.peran.ks_sekolah else "Sebagai Guru"
    if not pegawai.ikut_siklus:
        status = aturan.muat_aturan().tidak_ikut[pegawai.keikutsertaan]
        return Bagian(judul, [Tugas(
            "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini",
            f"{status.label}. {pegawai.keikutsertaan_alasan or status.penjelasan}",
        )])
    return Bagian(judul, [Tugas(
        "Perencanaan Kinerja",
        f"Langkah berikutnya: susun Perencanaan Kinerja (SKP) {current_app.config['TAHUN_KINERJA']}"
        " dan ajukan ke atasan Anda.",
    )])


def bagian_atasan(peran):
    today = hari_ini()
    sekolah = db.session.scalars(
        select(Sekolah).where(Sekolah.id.in_(peran.atasan_sekolah)).order_by(Sekolah.nama)
    ).all()
    jumlah = dict(db.session.execute(
        select(Pegawai.sekolah_id, func.count())
        .where(
            Pegawai.sekolah_id.in_(peran.atasan_sekolah),
            Pegawai.keikutsertaan == "ikut",
            Pegawai.id.not_in(
                select(Penugasan.pegawai_id).where(
                    Penugasan.peran == "kepala_sekolah", Penugasan.aktif_pada(today)
                )
            ),
        )
        .group_by(Pegawai.sekolah_id)
    ).all())
    tugas = [
        Tugas(
            s.nama,
            "Guru yang Anda nilai tahun ini. Persetujuan Perencanaan Kinerja mereka "
            "akan muncul di sini setelah mereka mengajukan.",
            jumlah.get(s.id, 0),
        )
        for s in sekolah
    ]
    judul = "Sebagai Plt. Kepala Sekolah" if peran.plt_sekolah else "Sebagai Atasan Guru"
    return Bagian(judul, tugas)


def bagian_tim_kerja(peran):
    n = db.session.scalar(
        select(func.count()).select_from(PlotTimKerja)
        .join(TahunKinerja, PlotTimKerja.tahun_id == TahunKinerja.id)
        .where(
            PlotTimKerja.tim_kerja_id == peran.pegawai_id,
            TahunKinerja.tahun == current_app.config["TAHUN_KINERJA"],
        )
    )
    return Bagian("Sebagai Tim Kerja", [Tugas(
        "Kepala sekolah yang diplot kepada Anda",
        "Anda mendampingi, mengobservasi dan menilai mereka atas nama Kepala Dinas.",
        n,
    )])


def hitung_dinas(dinas_id):
    """Counts of schools, principals and teachers in one Dinas (one query each)."""
    today = hari_ini()
    sekolah = db.session.scalar(
        select(func.count()).select_from(Sekolah).where(Sekolah.dinas_id == dinas_id)
    )
    ks = db.session.scalar(
        select(func.count()).select_from(Penugasan).where(
            Penugasan.dinas_id == dinas_id,
            Penugasan.peran.in_(("kepala_sekolah", "plt_kepala_sekolah")),
            Penugasan.aktif_pada(today),
        )
    )
    guru = db.session.scalar(
        select(func.count()).select_from(Pegawai).where(
            Pegawai.dinas_id == dinas_id,
            Pegawai.sekolah_id.is_not(None),
            Pegawai.keikutsertaan == "ikut",
        )
    )
    return sekolah, ks, guru


def bagian_kepala_dinas(peran):
    sekolah, ks, guru = hitung_dinas(peran.dinas_id)
    return Bagian("Sebagai Kepala Dinas", [
        Tugas("Satuan pendidikan", "Sekolah di wilayah Anda.", sekolah,
              url_for("dinas.daftar_sekolah"), "Lihat"),
        Tugas("Kepala sekolah", "Definitif dan Plt. yang Anda nilai sebagai Pejabat Penilai "
              "Kinerja.", ks),
        Tugas("Pegawai di sekolah", "Guru dan kepala sekolah yang mengikuti pengelolaan "
              "kinerja.", guru),
    ])


def bagian_operator(peran):
    dinas_id = peran.dinas_id
    sekolah, _, _ = hitung_dinas(dinas_id)
    tanpa_akun = db.session.scalar(
        select(func.count()).select_from(Pegawai)
        .outerjoin(Akun, Akun.pegawai_id == Pegawai.id)
        .where(Pegawai.dinas_id == dinas_id, Akun.id.is_(None))
    )
    tidak_ikut = db.session.scalar(
        select(func.count()).select_from(Pegawai)
        .where(Pegawai.dinas_id == dinas_id, Pegawai.keikutsertaan != "ikut")
    )
    return Bagian("Sebagai Operator Dinas", [
        Tugas("Impor data sekolah dan pegawai", "Unggah berkas CSV/XLSX dari Dapodik atau "
              "SIASN; periksa pratinjau sebelum menyimpan.", None, url_for("impor.index"),
              "Impor"),
        Tugas("Satuan pendidikan", "Sekolah yang terdaftar.", sekolah,
              url_for("dinas.daftar_sekolah"), "Lihat"),
        Tugas("Pegawai tanpa akun", "Impor ulang untuk membuatkan akun dan sandi sekali pakai.",
              tanpa_akun, url_for("dinas.daftar_pegawai", akun="tanpa"), "Lihat"),
        Tugas("Tidak mengikuti pengelolaan kinerja", "CLTN, SILN, Kemenag, diperbantukan di "
              "swasta, tugas belajar.", tidak_ikut,
              url_for("dinas.daftar_pegawai", ikut="tidak"), "Lihat"),
    ])


@bp.get("/profil")
@login_required
def profil():
    pegawai = current_user.pegawai
    return render_template("beranda/profil.html", p=pegawai, atr=aturan.muat_aturan())
