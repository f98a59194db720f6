"""Penilaian Kinerja for the atasan (ratings, sending to the Dinas, penetapan of the
predikat within the PKO's distribution rule), the atasan's "Daftar Penilaian Kinerja" (the
menu's "Penilaian") and the pegawai's result."""


from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from kinerja_web import aturan, kiriman
from kinerja_web.alur import cek_versi
from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.alur import penilaian as alur_n
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.atasan import boleh_menilai
from kinerja_web.daftar import (
    LABEL_STATUS,
    LANGKAH_STATUS,
    PER_HALAMAN,
    TAB_PRAKTIK,
    BarisPenilaian,
    aturan_aktif,
    baca_hitung,
    baris_dinas,
    baris_sekolah,
    ikatan_atasan,
    lingkup_atasan,
    menunggu,
    nomor_halaman,
    penilaian_siap,
    tahun_aktif,
    teks_cari,
)
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, render
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.models.pelaksanaan import Praktik
from kinerja_web.models.penilaian import Penetapan, Penilaian
from kinerja_web.models.skp import Skp, StatusSkp
from kinerja_web.penilaian.angka import angka_kredit, bulan_skp
from kinerja_web.perencanaan.forms import RadioBebas
from kinerja_web.tolakan import tangkap

bp = Blueprint("penilaian", __name__, url_prefix="/penilaian")
SKALA = [(r.value, r.label) for r in (aturan.Rating.DI_BAWAH, aturan.Rating.SESUAI,
                                       aturan.Rating.DI_ATAS)]
LABEL_KRITERIA = {"upaya_refleksi": "Upaya Refleksi", "upaya_mempelajari": "Upaya Mempelajari",
                  "perubahan_praktik": "Perubahan Praktik"}


def get_skp_nilai_or_404(skp_id, kunci=False):
    """An agreed SKP: for its atasan (to assess) or its pegawai (to read the result)."""
    q = (select(Skp).options(joinedload(Skp.pegawai), joinedload(Skp.tahun),
                             joinedload(Skp.sekolah)).where(Skp.id == skp_id))
    if kunci:
        q = q.with_for_update(of=Skp).execution_options(populate_existing=True)
    skp = db.session.scalar(q)
    if skp is None or skp.status != StatusSkp.DISEPAKATI:
        abort(404)
    if skp.pegawai_id == current_user.pegawai_id:
        return skp, "pegawai"
    if boleh_menilai(current_user.peran, skp):
        return skp, "atasan"
    abort(404)


def _pko(skp):
    if not alur_n.hasil_dari_pko(skp):
        return None
    baris = alur_n.pko_sekolah(skp.sekolah_id, skp.tahun_id)
    return baris.pko if baris else None


def penilaian_kosong(skp):
    p = Penilaian(skp_id=skp.id, versi=0, perilaku={}, umpan_balik_perilaku={}, lengkap=False)
    p.skp = skp
    return p


@bp.get("/<int:skp_id>")
@login_required
def ringkasan(skp_id):
    """The atasan's overview (recommended predikat and what is missing) or the pegawai's
    result once the predikat is sent."""
    skp, sebagai = get_skp_nilai_or_404(skp_id)
    praktik, ref, konfirmasi, pen = alur_n.muat_kelengkapan(skp)
    pen = pen or penilaian_kosong(skp)
    pko = _pko(skp)
    atr = aturan_skp(skp)
    ditetapkan = pen.penetapan_id is not None and db.session.scalar(
        select(Penetapan.dibuka).where(Penetapan.id == pen.penetapan_id)) is None
    if sebagai == "pegawai" and not ditetapkan:
        return render_template("penilaian/belum.html", skp=skp)
    predikat = alur_n.predikat_rekomendasi(skp, pen)
    return render_template(
        "penilaian/ringkasan.html", skp=skp, sebagai=sebagai, pen=pen, atr=atr,
        kurang=alur_n.kekurangan(skp, pen, praktik, ref, konfirmasi, pko),
        predikat=predikat, ditetapkan=ditetapkan, pko=pko, label=_label,
        ak=angka_kredit(skp.pegawai, pen.predikat, atr, skp.posisi, bulan_skp(skp, atr),
                        tahun=skp.tahun.tahun)
        if ditetapkan else None)


def _label(kode, jenis="rating"):
    if not kode:
        return "–"
    return (aturan.Rating if jenis == "rating" else aturan.Predikat)(kode).label


class FormHasil(Formulir):
    versi = StringField()
    aksi = StringField()
    upaya_refleksi = RadioBebas("Upaya Refleksi", validators=[Optional()])
    upaya_mempelajari = RadioBebas("Upaya Mempelajari", validators=[Optional()])
    perubahan_praktik = RadioBebas("Perubahan Praktik", validators=[Optional()])
    rating = RadioBebas("Rating Hasil Kerja", validators=[Optional()])
    alasan = TextAreaField("Alasan (wajib bila berbeda dari rekomendasi)",
                           validators=[Optional(), Length(max=2000)])
    umpan_balik = TextAreaField("Umpan balik berkelanjutan berdasarkan bukti dukung",
                                validators=[Optional(), Length(max=5000)])


PESAN_KONFLIK = ("Penilaian ini baru saja diubah. Periksa lalu simpan lagi; isian Anda masih "
                 "di bawah.")


@bp.route("/<int:skp_id>/hasil", methods=["GET", "POST"])
@login_required
def hasil(skp_id):
    """Rating Hasil Kerja, with the three documents of the cycle beside the form."""
    tulis = request.method == "POST"
    skp, sebagai = get_skp_nilai_or_404(skp_id, kunci=tulis)
    if sebagai != "atasan":
        abort(404)
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id)) or \
        penilaian_kosong(skp)
    praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id))
    pko = _pko(skp)
    form = FormHasil(upaya_refleksi=pen.upaya_refleksi, upaya_mempelajari=pen.upaya_mempelajari,
                     perubahan_praktik=pen.perubahan_praktik, rating=pen.rating_hasil,
                     alasan=pen.alasan_hasil, umpan_balik=pen.umpan_balik_hasil)
    if not form.is_submitted():
        form.versi.data = str(pen.versi)
    status = 200
    if tulis and form.validate_on_submit():
        kriteria = {k: form[k].data or None for k in alur_n.KRITERIA}
        if form.aksi.data != "hitung":
            with tangkap(form, pesan_konflik=PESAN_KONFLIK) as gagal:
                pen, baru = alur_n.penilaian_untuk(skp)
                if not baru:
                    cek_versi(pen, form.versi.data)
                alur_n.simpan_rating_hasil(pen, current_user, kriteria, form.rating.data,
                                           form.alasan.data, form.umpan_balik.data, pko)
                db.session.commit()
            if not gagal:
                flash("Rating Hasil Kerja tersimpan.", "sukses")
                return hx_redirect(url_for(".ringkasan", skp_id=skp.id))
            status = gagal.status
            skp, _ = get_skp_nilai_or_404(skp_id)
            pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id)) or \
                penilaian_kosong(skp)
            praktik = db.session.scalar(select(Praktik).where(Praktik.skp_id == skp.id))
            form.versi.data = str(pen.versi)
    elif tulis:
        status = 422
    # The recommendation for what the form shows now (a preview object, never saved).
    pratinjau = penilaian_kosong(skp)
    for k in alur_n.KRITERIA:
        setattr(pratinjau, k, form[k].data or None)
    rekomendasi, alasan_rek = alur_n.rekomendasi_hasil(skp, pratinjau, pko, praktik)
    if form.aksi.data == "hitung" and rekomendasi:
        form.rating.data = rekomendasi.value  # pre-selected; the atasan may choose another
    return render("penilaian/hasil.html", block="rekomendasi" if form.aksi.data == "hitung"
                  else None, status=status, skp=skp, pen=pen, praktik=praktik, form=form,
                  skala=SKALA, kriteria=LABEL_KRITERIA, rekomendasi=rekomendasi,
                  alasan_rekomendasi=alasan_rek, pko=pko, dari_pko=alur_n.hasil_dari_pko(skp),
                  label_hasil=dict(HASIL_OBSERVASI),
                  skala_dokumen=alur_p.skala_nilai_dokumen(skp),
                  rating_dokumen=alur_n.rating_dokumen(skp, praktik))


HASIL_OBSERVASI = (("belum", "Belum dilakukan"), ("belum_efektif", "Dilakukan tapi belum efektif"),
                   ("efektif", "Dilakukan dan efektif"))


def form_perilaku(atr, pen, **kwargs):
    isian = {"versi": StringField(), "aksi": StringField(),
             "rating": RadioBebas("Rating Perilaku Kerja", validators=[Optional()]),
             "alasan": TextAreaField("Alasan (wajib bila berbeda dari rekomendasi)",
                                     validators=[Optional(), Length(max=2000)])}
    for a in atr.perilaku:
        for k in alur_n.KOMPONEN:
            isian[f"{a.kode}__{k}"] = RadioBebas(validators=[Optional()])
        isian[f"umpan_{a.kode}"] = TextAreaField(f"Umpan balik — {a.nama}",
                                                 validators=[Optional(), Length(max=2000)])
    kelas = type("FormPerilakuIsi", (Formulir,), isian)
    nilai = {}
    for a in atr.perilaku:
        for k in alur_n.KOMPONEN:
            nilai[f"{a.kode}__{k}"] = (pen.perilaku or {}).get(a.kode, {}).get(k)
        nilai[f"umpan_{a.kode}"] = (pen.umpan_balik_perilaku or {}).get(a.kode)
    return kelas(rating=pen.rating_perilaku, alasan=pen.alasan_perilaku, **nilai, **kwargs)


@bp.route("/<int:skp_id>/perilaku", methods=["GET", "POST"])
@login_required
def perilaku(skp_id):
    """Rating Perilaku Kerja: Perwujudan and Dampak for each BerAKHLAK aspect."""
    tulis = request.method == "POST"
    skp, sebagai = get_skp_nilai_or_404(skp_id, kunci=tulis)
    if sebagai != "atasan":
        abort(404)
    atr = aturan_skp(skp)
    pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id)) or \
        penilaian_kosong(skp)
    form = form_perilaku(atr, pen)
    if not form.is_submitted():
        form.versi.data = str(pen.versi)
    status = 200
    if tulis and form.validate_on_submit():
        nilai = {a.kode: {k: form[f"{a.kode}__{k}"].data for k in alur_n.KOMPONEN}
                 for a in atr.perilaku}
        umpan = {a.kode: form[f"umpan_{a.kode}"].data or "" for a in atr.perilaku}
        if form.aksi.data != "hitung":
            with tangkap(form, pesan_konflik=PESAN_KONFLIK) as gagal:
                pen, baru = alur_n.penilaian_untuk(skp)
                if not baru:
                    cek_versi(pen, form.versi.data)
                alur_n.simpan_rating_perilaku(pen, current_user, nilai, form.rating.data,
                                              form.alasan.data, umpan)
                db.session.commit()
            if not gagal:
                flash("Rating Perilaku Kerja tersimpan.", "sukses")
                return hx_redirect(url_for(".ringkasan", skp_id=skp.id))
            status = gagal.status
            skp, _ = get_skp_nilai_or_404(skp_id)
            pen = db.session.scalar(select(Penilaian).where(Penilaian.skp_id == skp.id)) or \
                penilaian_kosong(skp)
            form.versi.data = str(pen.versi)
    elif tulis:
        status = 422
    pratinjau = penilaian_kosong(skp)
    pratinjau.perilaku = {a.kode: {k: form[f"{a.kode}__{k}"].data for k in alur_n.KOMPONEN}
                          for a in atr.perilaku}
    rekomendasi, alasan_rek = alur_n.rekomendasi_perilaku(skp, pratinjau)
    if form.aksi.data == "hitung" and rekomendasi:
        form.rating.data = rekomendasi.value
    return render("penilaian/perilaku.html", block="rekomendasi" if form.aksi.data == "hitung"
                  else None, status=status, skp=skp, pen=pen, form=form, atr=atr, skala=SKALA,
                  rekomendasi=rekomendasi, alasan_rekomendasi=alasan_rek,
                  fokus=set(skp.aspek_berlaku), ekspektasi=skp.ekspektasi or {})


# ---------------------------------------------------------------- the atasan's list
# Daftar Penilaian Kinerja: where each person's implementation stands.

@bp.get("")
@login_required
def daftar():
    """Daftar Penilaian Kinerja: where each person's implementation stands."""
    peran = current_user.peran
    dinas = lingkup_atasan(peran)
    tahun = tahun_aktif()
    q = teks_cari()
    tab = request.args.get("tab", "semua")
    if tab not in LABEL_STATUS:
        tab = "semua"
    # Statements built once per shape of request, run with this request's values.
    st_hitung, st_halaman = penilaian_siap(dinas, bool(peran.kepala_dinas), tahun.aturan,
                                           tab, bool(q))
    ikatan = ikatan_atasan(peran, tahun, q)
    hitung = baca_hitung(st_hitung, True, ikatan)
    siap_kirim = hitung.pop("siap_kirim")
    nomor = nomor_halaman()
    rows = db.session.execute(st_halaman, {**ikatan, "batas": PER_HALAMAN,
                                           "mulai": (nomor - 1) * PER_HALAMAN}).all()
    baris = []
    for p, posisi, skp, sekolah, tim, jadwal, perilaku, lengkap, kirim, st, *lain in rows:
        b = BarisPenilaian(p, posisi, skp, sekolah, tim, jadwal, st, bool(perilaku),
                           bool(lengkap), kirim is not None)
        b.menunggu_atasan, b.menunggu_pegawai = menunggu(skp, b, *lain)
        baris.append(b)
    return render("penilaian/daftar.html", block="hasil", baris=baris, tab=tab, tabs=TAB_PRAKTIK,
                  hitung=hitung, q=q, halaman=nomor, per_halaman=PER_HALAMAN, dinas=dinas,
                  total=hitung.get(tab, 0), label_status=LABEL_STATUS, siap_kirim=siap_kirim,
                  langkah_status=LANGKAH_STATUS,
                  lingkup="dinas" if dinas and peran.atasan_sekolah else None)


# ---------------------------------------------------------------- sending to the Dinas

def lingkup_penilaian():
    """('sekolah', school ids) for a principal, ('dinas', None) for Kadis / Tim Kerja."""
    peran = current_user.peran
    dinas = peran.kepala_dinas or peran.tim_kerja
    if peran.atasan_sekolah and request.values.get("lingkup") != "dinas":
        return "sekolah"
    if dinas:
        return "dinas"
    abort(403)


def penilaian_dalam_lingkup(lingkup, tahun, kunci=False):
    """The assessments this atasan handles (school's teachers, or the Dinas' principals)."""
    peran = current_user.peran
    buat = baris_dinas if lingkup == "dinas" else baris_sekolah
    sub = buat(peran, tahun).where(Skp.status == StatusSkp.DISEPAKATI).with_only_columns(Skp.id)
    q = (select(Penilaian).options(joinedload(Penilaian.skp).joinedload(Skp.pegawai))
         .where(Penilaian.skp_id.in_(sub)))
    if kunci:
        q = q.with_for_update(of=Penilaian).execution_options(populate_existing=True)
    return db.session.scalars(q).unique().all()


def jumlah_dalam_lingkup(lingkup, tahun):
    """How many agreed plans this atasan assesses (with or without an assessment row)."""
    buat = baris_dinas if lingkup == "dinas" else baris_sekolah
    sub = buat(current_user.peran, tahun).where(Skp.status == "disepakati").subquery()
    return db.session.scalar(select(func.count()).select_from(sub))


@bp.route("/kirim", methods=["GET", "POST"])
@login_required
def kirim():
    """Kirim data Penilaian Kinerja ke Dinas Pendidikan (the finished ones). GET is the
    confirmation: who is sent, who is not yet, and the "Ya, kirim" form that POSTs here."""
    lingkup = lingkup_penilaian()
    form = Formulir()
    tujuan = url_for("penilaian.daftar", **({"lingkup": "dinas"} if lingkup == "dinas"
                                              and current_user.peran.atasan_sekolah else {}))
    if request.method == "GET":
        daftar = penilaian_dalam_lingkup(lingkup, tahun_aktif())
        urut = sorted(daftar, key=lambda p: (p.skp.pegawai.nama, p.skp.pegawai.nip or ""))
        return render_template(
            "penilaian/kirim.html", form=form, tujuan=tujuan, lingkup=lingkup,
            dinas=lingkup == "dinas", kembali=tujuan,
            siap=[p for p in urut if p.lengkap and p.pengiriman_id is None],
            belum=jumlah_dalam_lingkup(lingkup, tahun_aktif()) - sum(1 for p in daftar
                                                                     if p.lengkap),
            terkirim=sum(1 for p in daftar if p.pengiriman_id is not None))
    if not form.validate_on_submit():
        flash("Sesi formulir berakhir. Tekan Kirim data sekali lagi.", "peringatan")
        return hx_redirect(tujuan)
    tahun = tahun_aktif()
    daftar = penilaian_dalam_lingkup(lingkup, tahun, kunci=True)
    sekolah_id = min(current_user.peran.atasan_sekolah) if lingkup == "sekolah" else None
    with tangkap(kilat="peringatan") as gagal:
        k = alur_n.kirim_ke_dinas(current_user, daftar, sekolah_id, tahun)
        db.session.commit()
    if not gagal:
        flash(f"{k.jumlah} penilaian dikirim ke Dinas Pendidikan. Yang belum selesai dinilai "
              "dapat dikirim di pengiriman berikutnya.", "sukses")
    return hx_redirect(tujuan)


# ---------------------------------------------------------------- penetapan

PER_HALAMAN_PENETAPAN = 100
DAFTAR_MAKS = 60  # longer "sudah"/"belum" lists are summarised (the Rekap has them all)


def form_penetapan(baris, **kwargs):
    isian = {"aksi": StringField(),
             "pembenaran": TextAreaField("Pembenaran (wajib bila distribusi tidak sesuai)",
                                         validators=[Optional(), Length(max=3000)])}
    for b in baris:
        isian[f"predikat_{b.pen.id}"] = RadioBebas(validators=[Optional()])
        isian[f"alasan_{b.pen.id}"] = StringField(validators=[Optional(), Length(max=1000)])
    return type("FormPenetapanIsi", (DenganKiriman, Formulir), isian)(
        **{f"predikat_{b.pen.id}": b.rekomendasi.value for b in baris}, **kwargs)


class BarisPenetapan:
    def __init__(self, pen):
        self.pen = pen
        self.skp = pen.skp
        self.rekomendasi = alur_n.predikat_rekomendasi(pen.skp, pen)


def _data_penetapan(lingkup, tahun):
    daftar = penilaian_dalam_lingkup(lingkup, tahun)
    peran = current_user.peran
    if lingkup == "sekolah":
        sekolah_id = min(peran.atasan_sekolah)
        daftar = [p for p in daftar if p.skp.sekolah_id == sekolah_id]
        pko_baris = alur_n.pko_sekolah(sekolah_id, tahun.id)
    else:
        sekolah_id = None
        pko_baris = alur_n.pko_dinas(peran.dinas_id, tahun.id)
    terbuka = {p.penetapan_id for p in daftar if p.penetapan_id}
    dibuka = set(db.session.scalars(select(Penetapan.id).where(
        Penetapan.id.in_(terbuka), Penetapan.dibuka.is_not(None)))) if terbuka else set()
    sudah = [p for p in daftar if p.penetapan_id and p.penetapan_id not in dibuka]
    siap = [BarisPenetapan(p) for p in daftar if p.penetapan_id is None and p.lengkap
            and p.pengiriman_id is not None]
    belum = [p for p in daftar if not p.lengkap or p.pengiriman_id is None]
    return sekolah_id, pko_baris, sudah, sorted(siap, key=lambda b: b.skp.pegawai.nama), belum


def panel_distribusi(pko, pilihan, sudah, atr):
    """Counts and shares per predikat against the PKO's rule, and what is violated."""
    jumlah = alur_n.hitung_predikat(list(pilihan) + [p.predikat for p in sudah])
    n = sum(jumlah.values())
    baris = [(p, jumlah.get(p, 0), (jumlah.get(p, 0) * 100 / n) if n else 0)
             for p in aturan.Predikat.urut()]
    return {"pko": aturan.PKO(pko) if pko else None, "baris": baris, "n": n,
            "kaidah": atr.kaidah_distribusi(pko) if pko else (),
            "pelanggaran": aturan.cek_distribusi(pko, jumlah) if pko else []}


def _halaman_penetapan(semua_siap):
    """A Dinas sets up to 1,500 principals: one page of them at a time. The distribution
    counts everyone; those on other pages count with their recommendation."""
    halaman = min(max(1, request.args.get("halaman", 1, type=int)),
                  max(1, -(-len(semua_siap) // PER_HALAMAN_PENETAPAN)))
    awal = (halaman - 1) * PER_HALAMAN_PENETAPAN
    akhir = awal + PER_HALAMAN_PENETAPAN
    return (halaman, semua_siap[awal:akhir],
            [b.rekomendasi.value for b in semua_siap[:awal] + semua_siap[akhir:]])


class _Percobaan(Exception):
    """Ends a dry run of the penetapan: its savepoint is rolled back."""


@bp.route("/penetapan", methods=["GET", "POST"])
@login_required
def penetapan():
    """Penetapan Predikat Kinerja: pre-filled from the recommendations, changeable with a
    reason, with the PKO's distribution panel; "Kirim" sends the predikat."""
    lingkup = lingkup_penilaian()
    tahun = tahun_aktif()
    sekolah_id, pko_baris, sudah, semua_siap, belum = _data_penetapan(lingkup, tahun)
    pko = pko_baris.pko if pko_baris else None
    halaman, siap, proyeksi = _halaman_penetapan(semua_siap)
    form = form_penetapan(siap)
    status = 200
    # What the panel counts; an unknown value (not from the page) counts as recommended,
    # and "Kirim" refuses it with a message.
    sah = {p.value for p in aturan.Predikat}
    pilihan = [v if (v := form[f"predikat_{b.pen.id}"].data) in sah else b.rekomendasi.value
               for b in siap]
    if form.is_submitted():
        if not form.validate_on_submit():
            status = 422
        elif form.aksi.data == "panel":
            return render("penilaian/_panel.html",
                          panel=panel_distribusi(pko, pilihan + proyeksi, sudah, aturan_aktif()))
        elif form.aksi.data == "konfirmasi":
            # "Kirim…": every check of the Kirim, nothing written; then the second page
            # that says what will be sent, with "Ya, kirim" (aksi=kirim).
            # The savepoint is rolled back either way; a refusal is answered on the form.
            with tangkap(form, batal=False) as gagal:
                try:
                    with db.session.begin_nested():
                        alur_n.tetapkan_predikat(
                            current_user, tahun, pko, [b.pen for b in siap],
                            {b.pen.id: (form[f"predikat_{b.pen.id}"].data,
                                        form[f"alasan_{b.pen.id}"].data) for b in siap},
                            form.pembenaran.data, sekolah_id=sekolah_id,
                            sudah=[x.predikat for x in sudah], proyeksi=proyeksi)
                        raise _Percobaan
                except _Percobaan:
                    label = {p.value: p.label for p in aturan.Predikat}
                    return render_template(
                        "penilaian/penetapan_konfirmasi.html", form=form, lingkup=lingkup,
                        panel=panel_distribusi(pko, pilihan + proyeksi, sudah, aturan_aktif()),
                        baris=[(b, label[v], form[f"alasan_{b.pen.id}"].data)
                               for b, v in zip(siap, pilihan, strict=True)])
            status = gagal.status
        elif form.aksi.data == "kirim":
            # A double "Kirim" creates one Penetapan: the twin waits for the first one's
            # submission key and is sent where it went ("sudah tersimpan").
            if (ulang := kiriman.klaim(form)) is not None:
                return ulang
            tujuan = url_for(".penetapan", **({"lingkup": "dinas"} if lingkup == "dinas"
                                              else {}))
            try:
                with tangkap(form) as gagal:
                    daftar = {b.pen.id: b.pen for b in siap}
                    # Lock what is being set and read it afresh (the copies loaded above
                    # may predate another Kirim that committed meanwhile), then check again.
                    db.session.scalars(select(Penilaian).where(
                        Penilaian.id.in_(list(daftar))).with_for_update()
                        .execution_options(populate_existing=True)).all()
                    pilih = {b.pen.id: (form[f"predikat_{b.pen.id}"].data,
                                        form[f"alasan_{b.pen.id}"].data) for b in siap}
                    alur_n.tetapkan_predikat(
                        current_user, tahun, pko, [b.pen for b in siap], pilih,
                        form.pembenaran.data, sekolah_id=sekolah_id,
                        sudah=[x.predikat for x in sudah], proyeksi=proyeksi)
                    kiriman.tujuan(tujuan)
                    db.session.commit()
            except IntegrityError:
                # The same assessments were set by a Kirim without a key (an old page)
                # that committed first: the UNIQUE standing penetapan refused this one.
                db.session.rollback()
                flash(kiriman.PESAN_ULANG, "info")
                return hx_redirect(tujuan)
            if not gagal:
                flash(f"Predikat Kinerja {len(siap)} pegawai ditetapkan dan "
                      "dikirim.", "sukses")
                return hx_redirect(tujuan)
            status = gagal.status
            sekolah_id, pko_baris, sudah, semua_siap, belum = _data_penetapan(lingkup, tahun)
            halaman, siap, proyeksi = _halaman_penetapan(semua_siap)
    panel = panel_distribusi(pko, pilihan + proyeksi, sudah, aturan_aktif())
    return render_template(
        "penilaian/penetapan.html", lingkup=lingkup, pko=pko_baris, sudah=sudah, siap=siap,
        belum=belum, form=form, panel=panel, predikat=list(aturan.Predikat.urut()),
        total_siap=len(semua_siap), halaman=halaman, per_halaman=PER_HALAMAN_PENETAPAN,
        daftar_maks=DAFTAR_MAKS), status

