"""Beranda: each role's next steps in the 2025 cycle, with counts."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, bindparam, func, select

from kinerja_web import aturan, pengingat
from kinerja_web.alur import pengingat as alur_pengingat
from kinerja_web.alur import tenggat
from kinerja_web.alur.penilaian import pko_sekolah
from kinerja_web.beranda.forms import FormBerhenti, FormKontak
from kinerja_web.daftar import (
    aturan_aktif,
    baris_dinas,
    baris_sekolah,
    daftar_penilaian,
    hitung_status,
    status_praktik_beranda,
    tahun_aktif,
    tahun_dinas_saya,
)
from kinerja_web.extensions import csrf, db
from kinerja_web.models import (
    Akun,
    Pegawai,
    Penetapan,
    Penilaian,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    Skp,
)
from kinerja_web.models.org import Peran
from kinerja_web.models.skp import PosisiSkp, StatusSkp
from kinerja_web.sinkro.data import ringkasan_kesiapan
from kinerja_web.tolakan import tangkap
from kinerja_web.waktu import format_waktu, hari_ini

bp = Blueprint("beranda", __name__)


@dataclass
class Tugas:
    """One line on the Beranda: what to do next, how many, and where."""

    judul: str
    keterangan: str
    jumlah: int | None = None
    url: str | None = None
    tombol: str | None = None
    # A count of things to act on: no badge once it is 0 (the line itself stays).
    tindakan: bool = False
    # A warning: the whole line goes once its count is 0 (nothing left to act on).
    peringatan: bool = False

    @property
    def tampil(self):
        return not (self.peringatan and self.jumlah == 0)

    @property
    def lencana(self):
        return self.jumlah is not None and (self.jumlah > 0 or not self.tindakan)


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
    if peran.guru or peran.ks_sekolah or peran.plt_sekolah:
        bagian.extend(bagian_pegawai(current_user.pegawai, peran))
    if peran.atasan_sekolah:
        bagian.append(bagian_atasan(peran))
    if peran.tim_kerja:
        bagian.append(bagian_tim_kerja(peran))
    if peran.kepala_dinas:
        bagian.append(bagian_kepala_dinas(peran))
    if peran.operator_dinas:
        bagian.append(bagian_operator(peran))
    # What the user loader read already (roles, the Dinas' years, his extensions) is
    # handed over, not asked again.
    pid = current_user.pegawai_id
    tindakan = pengingat.perlu_tindakan(
        current_user.pegawai, peran, tahun_dinas_saya(),
        lambda tahun_id: tenggat.perpanjangan_diketahui(pid, tahun_id))
    return render_template("beranda/index.html", bagian=bagian, alur=ALUR, tindakan=tindakan,
                           wa=bool(peran.atasan_sekolah or peran.operator_dinas))


# The recommended calendar of the single 2025 cycle (SPEC §2).
ALUR = (
    ("Januari", "Perencanaan Kinerja dan persetujuan atasan"),
    ("Februari", "Diskusi persiapan, observasi praktik kinerja, umpan balik"),
    ("Maret–September", "Upaya tindak lanjut dan pengembangan kompetensi"),
    ("Juli–Oktober", "Refleksi tindak lanjut dan refleksi kompetensi"),
    ("November–Desember", "Penilaian, Predikat Kinerja Organisasi, penetapan predikat"),
)


# What the pegawai reads about their plan, in the platform's words (SPEC §8).
PESAN_SKP = {
    None: ("Perencanaan Kinerja", "Langkah berikutnya: susun Perencanaan Kinerja (SKP) {tahun}"
           " dan ajukan ke atasan Anda.", "Buat"),
    StatusSkp.DRAF: (
        "Perencanaan Kinerja (draf)",
        "Lanjutkan menyusun Perencanaan Kinerja {tahun} lalu ajukan ke atasan.", "Lanjutkan"),
    StatusSkp.DIKEMBALIKAN: (
        "Perencanaan Kinerja dikembalikan atasan",
        "Catatan atasan: {catatan} Perbaiki lalu ajukan lagi.", "Perbaiki"),
    StatusSkp.DIAJUKAN: (
        "Menunggu persetujuan atasan",
        "Perencanaan Kinerja Anda sudah diajukan dan sedang diperiksa atasan. Cek lagi nanti, "
        "ya.", "Cek Perencanaan Kinerja"),
    StatusSkp.DISETUJUI: (
        "Perencanaan Kinerja Anda sudah disetujui atasan",
        "Mari cek jika ada penyesuaian dan sepakati untuk lanjut ke Pelaksanaan Kinerja.",
        "Cek dan sepakati"),
    StatusSkp.DISEPAKATI: (
        "Pelaksanaan Kinerja",
        "Perencanaan Kinerja sudah disepakati. Laksanakan Praktik Kinerja, refleksi "
        "kompetensi, dan konfirmasi tugas pokok.", "Lakukan"),
}
JUDUL_POSISI = {"guru": "Sebagai Guru", "kepala_sekolah": "Sebagai Kepala Sekolah",
                "plt_kepala_sekolah": "Sebagai Plt. Kepala Sekolah"}


# Built once: a person's SKPs of a year with their assessment and whether its predikat is
# set (a Penetapan not reopened).
_SKP_SAYA = (
    select(Skp, Penilaian).outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
    .outerjoin(Penetapan, and_(Penetapan.id == Penilaian.penetapan_id,
                               Penetapan.dibuka.is_(None)))
    .where(Skp.pegawai_id == bindparam("pegawai_id"), Skp.tahun_id == bindparam("tahun_id"))
    .add_columns(Penetapan.id).order_by(Skp.mulai))


def bagian_pegawai(pegawai, peran):
    """One section per position the person plans an SKP for, with its next step."""
    posisi = [p for p, ada in (("guru", peran.guru), ("kepala_sekolah", peran.ks_sekolah),
                               ("plt_kepala_sekolah", peran.plt_sekolah)) if ada]
    status = aturan_aktif().status_tidak_ikut(pegawai.keikutsertaan)
    if status is not None:
        return [Bagian(JUDUL_POSISI[posisi[0]], [Tugas(
            "Anda tidak mengikuti pengelolaan kinerja di aplikasi ini",
            f"{status.label}. {pegawai.keikutsertaan_alasan or status.penjelasan}",
        )])]
    tahun_ = tahun_aktif()
    tahun = tahun_.tahun
    rows = db.session.execute(_SKP_SAYA, {"pegawai_id": pegawai.id,
                                          "tahun_id": tahun_.id}).all()
    # Several parts of a position (a Mutasi): the part in progress is the one to act on;
    # the yearly predikat follows from every part by the year's rule once all are set.
    skp = {s.posisi: s for s, _, _ in rows}
    bagian: dict[str, list] = {}
    for s, pen, ditetapkan in rows:
        bagian.setdefault(s.posisi, []).append(aturan.BagianSkp(
            s.mulai, s.selesai, pen.predikat if pen is not None and ditetapkan else None))
    hasil = {s.posisi: pen for s, pen, ditetapkan in rows if ditetapkan}
    out = []
    for p in posisi:
        s = skp.get(p)
        tahunan = aturan.predikat_tahunan(bagian.get(p, ()))
        if p in hasil and (len(bagian[p]) == 1 or (
                tahunan is not None and all(b.predikat for b in bagian[p]))):
            pen = hasil[p]
            predikat = aturan.Predikat(pen.predikat if len(bagian[p]) == 1 else tahunan)
            out.append(Bagian(JUDUL_POSISI[p], [Tugas(
                f"Predikat Kinerja {tahun}: {predikat.label}",
                f"Rating Hasil Kerja {aturan.Rating(pen.rating_hasil).label}; Rating Perilaku "
                f"Kerja {aturan.Rating(pen.rating_perilaku).label}. Lihat umpan balik atasan "
                "dan angka kredit Anda.", None, url_for("penilaian.ringkasan", skp_id=s.id),
                "Lihat")]))
            continue
        judul, teks, tombol = PESAN_SKP[s.status if s else None]
        url = url_for("perencanaan.lihat", skp_id=s.id) if s else url_for("perencanaan.index")
        if s and s.status == StatusSkp.DISETUJUI:
            url = url_for("perencanaan.sepakati", skp_id=s.id)
        elif s and s.status == StatusSkp.DISEPAKATI:
            url = url_for("pelaksanaan.index")
        out.append(Bagian(JUDUL_POSISI[p], [Tugas(
            judul, teks.format(tahun=tahun, catatan=(s.catatan_atasan if s else "") or "-"),
            None, url, tombol)]))
    return out


def tugas_persetujuan(stmt, siapa):
    """The approval task with its counts (one query)."""
    n = hitung_status(stmt)
    # Every status is named, so the parts add up to the whole.
    return Tugas(
        "Persetujuan Perencanaan Kinerja",
        f"{n.get('diajukan', 0)} menunggu persetujuan dari {n['semua']} {siapa}; "
        f"{n.get(StatusSkp.DIKEMBALIKAN, 0)} dikembalikan, "
        f"{n.get(StatusSkp.DISETUJUI, 0)} disetujui, "
        f"{n.get(StatusSkp.DISEPAKATI, 0)} sudah disepakati, {n.get(StatusSkp.DRAF, 0)} draf, "
        f"{n.get('belum', 0)} belum membuat.",
        n.get(StatusSkp.DIAJUKAN, 0), url_for("persetujuan.daftar", tab=StatusSkp.DIAJUKAN),
        "Cek", tindakan=True,
    )


def tugas_penilaian(peran, tahun, dinas, siapa):
    """The implementation list with the number waiting for the atasan (one query)."""
    stmt, _ = daftar_penilaian(peran, tahun, dinas, st=status_praktik_beranda())
    n = hitung_status(stmt)
    # A sent Diskusi persiapan waits for the atasan to agree on the date: counted (issue #15).
    diajukan = n.get("persiapan_diajukan", 0)
    menunggu = diajukan + n.get("observasi", 0) + n.get("tindak_lanjut", 0) + \
        n.get("refleksi", 0)
    return Tugas(
        "Daftar Penilaian Kinerja",
        f"Praktik Kinerja {n['semua']} {siapa}: {n.get('persiapan', 0) + diajukan} diskusi "
        f"persiapan, {n.get('observasi', 0)} menunggu rating observasi, "
        f"{n.get('tindak_lanjut', 0)} nilai tindak lanjut, {n.get('refleksi', 0)} nilai refleksi; "
        f"{n.get('selesai', 0)} sudah selesai."
        + (f" {diajukan} diskusi persiapan menunggu Anda menyepakati jadwal observasi."
           if diajukan else ""),
        menunggu, url_for("penilaian.daftar"), "Cek", tindakan=True,
    )


def tugas_penetapan(peran, tahun):
    """The principal's penetapan: waiting for the PKO, or ready with a count."""
    pko = pko_sekolah(min(peran.atasan_sekolah), tahun.id)
    if pko is None:
        return Tugas("Penetapan Predikat Kinerja", "Menunggu Dinas menetapkan Predikat Kinerja "
                     "Organisasi sekolah Anda setelah data penilaian dikirim.")
    siap = db.session.scalar(
        select(func.count()).select_from(Penilaian).join(Skp, Skp.id == Penilaian.skp_id)
        .where(Skp.sekolah_id == pko.sekolah_id, Skp.posisi == PosisiSkp.GURU,
               Skp.tahun_id == tahun.id, Penilaian.lengkap.is_(True),
               Penilaian.pengiriman_id.is_not(None), Penilaian.penetapan_id.is_(None)))
    return Tugas("Lakukan Penetapan Predikat Kinerja", f"PKO sekolah: "
                 f"{aturan.PKO(pko.pko).label}. Tetapkan Predikat Kinerja Pegawai dan kirim ke "
                 "guru.", siap, url_for("penilaian.penetapan"), "Lakukan Penetapan",
                 tindakan=True)


def tahun_ini():
    return tahun_aktif(wajib=False)


def bagian_atasan(peran):
    tahun = tahun_ini()
    nama = db.session.scalars(select(Sekolah.nama).where(Sekolah.id.in_(peran.atasan_sekolah))
                              .order_by(Sekolah.nama)).all()
    judul = ("Sebagai Plt. Kepala Sekolah" if peran.plt_sekolah else "Sebagai Atasan Guru") + \
        " — " + ", ".join(nama)
    if tahun is None:
        return Bagian(judul, [])
    return Bagian(judul, [tugas_persetujuan(baris_sekolah(peran, tahun), "guru"),
                          tugas_penilaian(peran, tahun, False, "guru"),
                          tugas_penetapan(peran, tahun)])


def bagian_tim_kerja(peran):
    n = db.session.scalar(
        select(func.count()).select_from(PlotTimKerja)
        .where(
            PlotTimKerja.tim_kerja_id == peran.pegawai_id,
            PlotTimKerja.tahun_id == getattr(tahun_ini(), "id", None),
        )
    )
    tugas = [Tugas(
        "Kepala sekolah yang diplot kepada Anda",
        "Anda mendampingi, mengobservasi dan menilai mereka atas nama Kepala Dinas.",
        n,
    )]
    tahun = tahun_ini()
    if tahun is not None and not peran.kepala_dinas:
        tugas[:0] = [tugas_persetujuan(baris_dinas(peran, tahun), "kepala sekolah"),
                     tugas_penilaian(peran, tahun, True, "kepala sekolah")]
    return Bagian("Sebagai Tim Kerja", tugas)


def hitung_dinas(dinas_id):
    """Counts of schools, principals and teachers in one Dinas (one query each)."""
    today = hari_ini()
    sekolah = db.session.scalar(
        select(func.count()).select_from(Sekolah).where(Sekolah.dinas_id == dinas_id)
    )
    ks = db.session.scalar(
        select(func.count()).select_from(Penugasan).where(
            Penugasan.dinas_id == dinas_id,
            Penugasan.peran.in_((Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)),
            Penugasan.aktif_pada(today),
        )
    )
    guru = db.session.scalar(
        select(func.count()).select_from(Pegawai).where(
            Pegawai.dinas_id == dinas_id,
            Pegawai.sekolah_id.is_not(None),
            Pegawai.syarat_ikut(aturan_aktif()),
        )
    )
    return sekolah, ks, guru


def bagian_kepala_dinas(peran):
    sekolah, ks, guru = hitung_dinas(peran.dinas_id)
    tahun = tahun_ini()
    persetujuan = [tugas_persetujuan(baris_dinas(peran, tahun), "kepala sekolah"),
                   tugas_penilaian(peran, tahun, True, "kepala sekolah")] if tahun else []
    return Bagian("Sebagai Kepala Dinas", persetujuan + [
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
    atr = aturan_aktif()
    tidak_ikut = db.session.scalar(
        select(func.count()).select_from(Pegawai)
        .where(Pegawai.dinas_id == dinas_id, ~Pegawai.syarat_ikut(atr))
    )
    return Bagian("Sebagai Operator Dinas", [
        Tugas("Impor data sekolah dan pegawai", "Unggah berkas CSV/XLSX dari Dapodik atau "
              "SIASN; periksa pratinjau sebelum menyimpan.", None, url_for("impor.index"),
              "Impor"),
        Tugas("Satuan pendidikan", "Sekolah yang terdaftar.", sekolah,
              url_for("dinas.daftar_sekolah"), "Lihat"),
        Tugas("Pegawai tanpa akun", "Impor ulang untuk membuatkan akun dan sandi sekali pakai.",
              tanpa_akun, url_for("dinas.daftar_pegawai", akun="tanpa"), "Lihat",
              peringatan=True),
        Tugas(f"Tidak mengikuti pengelolaan kinerja tahun {atr.tahun}",
              "; ".join(s.label for s in atr.tidak_ikut) + ".", tidak_ikut,
              url_for("dinas.daftar_pegawai", ikut="tidak"), "Lihat"),
        *tugas_sinkro(dinas_id),
    ])


def tugas_sinkro(dinas_id):
    """Sinkro e-Kinerja: how many SKPs would fail the sync now, and how many are ready."""
    tahun = tahun_ini()
    if tahun is None:
        return []
    belum, siap, waktu = ringkasan_kesiapan(dinas_id, tahun.tahun)
    kapan = f" Dihitung {format_waktu(waktu)}." if waktu else ""
    return [
        Tugas("Belum siap sinkro e-Kinerja", "SKP pegawai yang akan Gagal Sinkro: lihat "
              "penyebab dan siapa yang memperbaiki." + kapan, belum,
              url_for("sinkro.cek_kesiapan", status="belum"), "Cek", peringatan=True),
        Tugas("Siap sinkro e-Kinerja", "SKP yang lolos Cek Kesiapan Sinkro dan dapat diekspor."
              + kapan, siap, url_for("sinkro.ekspor_index"), "Ekspor"),
    ]


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profil():
    """The person's data, and the contact he keeps himself: e-mail, phone, digest on/off."""
    pegawai = current_user.pegawai
    form = FormKontak(data={"email": pegawai.email, "telepon": pegawai.telepon,
                            "pengingat": pegawai.pengingat_email})
    if form.validate_on_submit():
        with tangkap(form) as gagal:
            alur_pengingat.ubah_kontak(pegawai, form.email_bersih, form.telepon_bersih,
                                       form.pengingat.data, current_user)
            db.session.commit()
        if not gagal:
            flash("Kontak dan pengaturan pengingat disimpan.", "sukses")
            return redirect(url_for("beranda.profil"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("beranda/profil.html", p=pegawai, atr=aturan_aktif(),
                           form=form), status


def _pegawai_token(token):
    pid = pengingat.baca_token(token)
    p = db.session.get(Pegawai, pid) if pid is not None else None
    if p is None:
        abort(404, "!Tautan berhenti berlangganan ini tidak dikenal. Atur pengingat dari "
                   "halaman Profil setelah masuk.")
    return p


@bp.get("/pengingat/berhenti/<token>")
def berhenti(token):
    """One click from the digest: a confirmation page (a GET never changes anything, so a
    mail scanner opening the link unsubscribes nobody)."""
    p = _pegawai_token(token)
    return render_template("beranda/berhenti.html", p=p, form=FormBerhenti(), selesai=False)


# The one-click unsubscribe POST (RFC 8058, body "List-Unsubscribe=One-Click") comes from
# the mail provider's server without a session or a CSRF token: only that exact body skips
# the CSRF check (the signed token in the URL, known only to the recipient, is then the
# authorisation, and it can only unsubscribe the one person it names). The confirmation
# page's button posts with its CSRF token like every other form.
@bp.post("/pengingat/berhenti/<token>")
@csrf.exempt
def berhenti_kirim(token):
    if request.form.get("List-Unsubscribe") != "One-Click":
        csrf.protect()
    p = _pegawai_token(token)
    alur_pengingat.atur_langganan(p, False, lewat="tautan surel")
    db.session.commit()
    return render_template("beranda/berhenti.html", p=p, form=None, selesai=True)


@bp.get("/pengingat/terlambat")
@login_required
def terlambat():
    """"Kirim lewat WhatsApp": who is late, each with a wa.me link with the message filled
    in (principals: their teachers; Operator Dinas: the principals of late schools)."""
    peran = current_user.peran
    if not (peran.atasan_sekolah or peran.operator_dinas):
        abort(403)
    daftar_tahun, orang = pengingat.daftar_terlambat(peran, current_user.pegawai)
    return render_template("beranda/terlambat.html", daftar_tahun=daftar_tahun, orang=orang,
                           operator=peran.operator_dinas)
