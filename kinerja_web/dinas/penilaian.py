"""The Dinas' side of the assessment (SPEC §2.7): Rekap Predikat Kinerja Organisasi and the
PKO, Progres Penilaian Kepala Sekolah oleh Tim Kerja, Daftar Penetapan Predikat Kinerja
Pegawai, Rekap Penetapan (Tahunan) with angka kredit, reopening, and Tim Kerja plotting.

Every list is a constant number of queries: counts per tab in one grouped query, the page
of rows in another.
"""

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from kinerja_web import alur, aturan
from kinerja_web.alur import dinas as alur_dinas
from kinerja_web.alur import penilaian as alur_n
from kinerja_web.daftar import (
    LABEL_STATUS,
    baris_dinas,
    cari_teks,
    halaman_dari,
    hitung_status,
    pilihan_arg,
    status_praktik,
    tahun_aktif,
    tahun_pilihan,
)
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect, render
from kinerja_web.lembar import tulis_csv, tulis_xlsx
from kinerja_web.models import Pegawai, Penugasan, PlotTimKerja, Sekolah
from kinerja_web.models.org import Peran
from kinerja_web.models.pelaksanaan import Praktik
from kinerja_web.models.penilaian import Penetapan, Penilaian, PkoSekolah
from kinerja_web.models.skp import PosisiSkp, Skp, StatusSkp
from kinerja_web.penilaian.angka import angka_kredit, bulan_bagian
from kinerja_web.peran import perlu_peran
from kinerja_web.perencanaan.forms import PilihanBanyak
from kinerja_web.teks import arg_id
from kinerja_web.tolakan import tangkap
from kinerja_web.unduhan import kirim_berkas
from kinerja_web.waktu import format_tanggal, hari_ini

bp = Blueprint("dinas_penilaian", __name__, url_prefix="/dinas")
PKO_PILIHAN = [SelectChoice("", "— pilih —")] + [SelectChoice(p.value, p.label)
                                                 for p in aturan.PKO]
DINAS = (Peran.KEPALA_DINAS, Peran.TIM_KERJA, Peran.OPERATOR_DINAS)


# ---------------------------------------------------------------- Rekap PKO

TAB_PKO = (("semua", "Semua"), ("belum", "Belum selesai dinilai oleh Kepala Sekolah"),
           ("siap", "Siap dikirim"), ("sudah", "Sudah dikirim"))


def _agregat_sekolah(tahun):
    """Per school: agreed teacher plans, assessments received, and received by predikat."""
    dikirim = Penilaian.pengiriman_id.is_not(None)
    kolom = [Skp.sekolah_id.label("sid"), func.count(Skp.id).label("n"),
             func.count(case((dikirim, 1))).label("diterima")]
    for p in aturan.Predikat:
        kolom.append(func.count(case((and_(dikirim, Penilaian.predikat_usulan == p.value), 1)))
                     .label(p.value))
    return (select(*kolom).select_from(Skp)
            .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
            .where(Skp.tahun_id == tahun.id, Skp.posisi == PosisiSkp.GURU,
                   Skp.status == StatusSkp.DISEPAKATI)
            .group_by(Skp.sekolah_id).subquery())


@bp.get("/pko")
@perlu_peran(*DINAS)
def rekap_pko():
    """Rekap Predikat Kinerja Organisasi: schools, what arrived, and their PKO."""
    peran = current_user.peran
    tahun = tahun_aktif()
    agg = _agregat_sekolah(tahun)
    n, diterima = func.coalesce(agg.c.n, 0), func.coalesce(agg.c.diterima, 0)
    status = case((PkoSekolah.id.is_not(None), "sudah"),
                  (and_(diterima > 0, diterima >= n), "siap"), else_="belum")
    stmt = (select(Sekolah, n.label("n"), diterima.label("diterima"),
                   *[func.coalesce(agg.c[p.value], 0) for p in aturan.Predikat],
                   PkoSekolah.pko, status.label("st"))
            .outerjoin(agg, agg.c.sid == Sekolah.id)
            .outerjoin(PkoSekolah, and_(PkoSekolah.sekolah_id == Sekolah.id,
                                        PkoSekolah.tahun_id == tahun.id))
            .where(Sekolah.dinas_id == peran.dinas_id))
    stmt = _saring_sekolah(stmt)
    hitung = hitung_status(stmt)
    tab = pilihan_arg("tab", TAB_PKO, "semua")
    if tab != "semua":
        stmt = stmt.where(status == tab)
    h = halaman_dari(stmt.order_by(Sekolah.nama), hitung.get(tab, 0))
    return render("dinas/pko.html", block="hasil", rows=h.items, tab=tab, tabs=TAB_PKO,
                  hitung=hitung, halaman=h.page, per_halaman=h.per_page, total=h.total,
                  predikat=list(aturan.Predikat),
                  q=request.args.get("q", ""), jenjang=request.args.get("jenjang", ""))


def _saring_sekolah(stmt):
    q = request.args.get("q", "").strip()[:100]
    if q:
        stmt = stmt.where(Sekolah.nama.ilike(cari_teks(q), escape="\\"))
    jenjang = request.args.get("jenjang", "")
    if jenjang:
        stmt = stmt.where(Sekolah.jenjang == jenjang)
    return stmt


class FormPko(Formulir):
    # The version of the PKO the page showed (0: none yet); a stale one answers 409.
    versi = HiddenField(default="0")
    pko = SelectField("Predikat Kinerja Organisasi", choices=PKO_PILIHAN,
                      validators=[Optional()])
    alasan = TextAreaField("Dasar penetapan (mis. capaian Rapor Pendidikan, evaluasi RKAS)",
                           validators=[Optional(), Length(max=3000)])


class FormBuka(Formulir):
    alasan = TextAreaField("Alasan membuka kembali", validators=[Optional(), Length(max=2000)])


def get_sekolah_dinas_or_404(sekolah_id):
    s = db.session.get(Sekolah, sekolah_id)
    if s is None or s.dinas_id != current_user.peran.dinas_id:
        abort(404)
    return s


@bp.route("/pko/<int:sekolah_id>", methods=["GET", "POST"])
@perlu_peran(*DINAS)
def pko_sekolah(sekolah_id):
    """One school: the assessments received and the PKO (set by the Kepala Dinas)."""
    sekolah = get_sekolah_dinas_or_404(sekolah_id)
    tahun = tahun_aktif()
    baris = db.session.execute(
        select(Pegawai, Skp, Penilaian)
        .join(Skp, Skp.pegawai_id == Pegawai.id)
        .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
        .where(Skp.sekolah_id == sekolah.id, Skp.tahun_id == tahun.id, Skp.posisi == PosisiSkp.GURU,
               Skp.status == StatusSkp.DISEPAKATI)
        .order_by(Pegawai.nama)).all()
    pko = alur_n.pko_sekolah(sekolah.id, tahun.id)
    form = FormPko(obj=pko)
    diterima = [b for b in baris if b.Penilaian and b.Penilaian.pengiriman_id]
    konflik = False
    if form.validate_on_submit():
        with tangkap(form, pesan_konflik=PESAN_KONFLIK,
                     konflik_juga=(IntegrityError,)) as gagal:
            alur_n.tetapkan_pko(current_user, sekolah, tahun, form.pko.data, form.alasan.data,
                                diterima, versi=form.versi.data)
            db.session.commit()
        if not gagal:
            flash(f"PKO {sekolah.nama} ditetapkan; kepala sekolah dapat menetapkan predikat "
                  "guru.", "sukses")
            if len(diterima) < len(baris):
                flash(peringatan_sebagian(len(diterima), len(baris)), "peringatan")
            return hx_redirect(url_for(".pko_sekolah", sekolah_id=sekolah.id))
        if gagal.konflik:
            pko = _konflik_pko(form, lambda: alur_n.pko_sekolah(sekolah.id, tahun.id))
            konflik = True
    penetapan = _penetapan_terkirim(tahun, Penetapan.sekolah_id == sekolah.id)
    jumlah = alur_n.hitung_predikat([b.Penilaian.predikat_usulan for b in diterima])
    return render_template(
        "dinas/pko_sekolah.html", sekolah=sekolah, baris=baris, pko=pko, form=form,
        diterima=diterima, jumlah=jumlah, predikat=list(aturan.Predikat.urut()),
        penetapan=penetapan, form_buka=FormBuka(formdata=None),
        sebagian=peringatan_sebagian(len(diterima), len(baris))
        if len(diterima) < len(baris) else None,
    ), 409 if konflik else 422 if form.form_errors or (form.is_submitted() and form.errors) \
        else 200


def peringatan_sebagian(diterima, semua):
    """A PKO set while only part of the school's data has arrived, said with the numbers."""
    return (f"Baru {diterima} dari {semua} guru yang data penilaiannya diterima Dinas; "
            f"{semua - diterima} guru belum. PKO ini menjadi dasar penetapan predikat semua "
            "guru sekolah ini, termasuk yang datanya menyusul.")


PESAN_KONFLIK = ("PKO ini baru saja diubah orang lain (atau formulir terkirim dua kali). "
                 "Isian Anda di bawah belum tersimpan; periksa PKO saat ini lalu simpan lagi.")


def _konflik_pko(form, muat):
    """A stale form (or the twin of a double submit): nothing is written; the page shows
    the PKO as it is now, the user's input, and the current version to overwrite it."""
    pko = muat()
    form.versi.data = str(pko.versi if pko is not None else 0)
    return pko


def _penetapan_terkirim(tahun, *syarat):
    """The penetapan of a school's teachers or of the Dinas' principals, oldest first, as
    listed (with the Kepala Dinas' reopen form) under its PKO."""
    return db.session.scalars(select(Penetapan).where(Penetapan.tahun_id == tahun.id, *syarat)
                              .order_by(Penetapan.id)).all()


@bp.route("/pko-dinas", methods=["GET", "POST"])
@perlu_peran(Peran.KEPALA_DINAS)
def pko_dinas():
    """The Dinas' own organisation predicate, framing the principals' distribution."""
    tahun = tahun_aktif()
    pko = alur_n.pko_dinas(current_user.peran.dinas_id, tahun.id)
    form = FormPko(obj=pko)
    konflik = False
    if form.validate_on_submit():
        with tangkap(form, pesan_konflik=PESAN_KONFLIK,
                     konflik_juga=(IntegrityError,)) as gagal:
            alur_n.tetapkan_pko_dinas(current_user, tahun, form.pko.data, form.alasan.data,
                                      versi=form.versi.data)
            db.session.commit()
        if not gagal:
            flash("PKO Dinas tersimpan.", "sukses")
            return hx_redirect(url_for("penilaian.penetapan", lingkup="dinas"))
        if gagal.konflik:
            pko = _konflik_pko(form, lambda: alur_n.pko_dinas(current_user.peran.dinas_id,
                                                              tahun.id))
            konflik = True
    penetapan = _penetapan_terkirim(tahun, Penetapan.dinas_id == current_user.peran.dinas_id,
                                    Penetapan.sekolah_id.is_(None))
    return render_template("dinas/pko_dinas.html", form=form, pko=pko, penetapan=penetapan,
                           form_buka=FormBuka(formdata=None)), \
        409 if konflik else 422 if form.is_submitted() else 200


@bp.post("/penetapan/<int:penetapan_id>/buka")
@perlu_peran(Peran.KEPALA_DINAS)
def buka_penetapan(penetapan_id):
    # Locked and read afresh: a double "Buka kembali" reopens once (the twin is refused).
    p = db.session.get(Penetapan, penetapan_id, with_for_update=True, populate_existing=True)
    if p is None or p.dinas_id != current_user.peran.dinas_id:
        abort(404)
    form = FormBuka()
    if form.validate_on_submit():
        with tangkap(kilat="galat") as gagal:
            alur_n.buka_penetapan(current_user, p, form.alasan.data)
            db.session.commit()
        if not gagal:
            flash("Penetapan dibuka kembali; predikat dapat ditetapkan ulang.", "sukses")
    tujuan = url_for(".pko_sekolah", sekolah_id=p.sekolah_id) if p.sekolah_id \
        else url_for(".pko_dinas")
    return hx_redirect(tujuan)


@bp.post("/penilaian/<int:penilaian_id>/buka")
@perlu_peran(Peran.KEPALA_DINAS)
def buka_pengiriman(penilaian_id):
    # Locked and read afresh: a double "Kembalikan" returns it once (the twin is refused).
    pen = db.session.get(Penilaian, penilaian_id, with_for_update=True,
                         populate_existing=True)
    if pen is None or pen.skp.pegawai.dinas_id != current_user.peran.dinas_id:
        abort(404)
    form = FormBuka()
    if form.validate_on_submit():
        with tangkap(kilat="galat") as gagal:
            alur_n.buka_pengiriman(current_user, pen, form.alasan.data)
            db.session.commit()
        if not gagal:
            flash(f"Penilaian {pen.skp.pegawai.nama} dikembalikan ke atasannya.", "sukses")
    return hx_redirect(url_for(".pko_sekolah", sekolah_id=pen.skp.sekolah_id)
                       if pen.skp.sekolah_id else url_for(".penetapan"))


# ---------------------------------------------------------------- Progres KS oleh Tim Kerja

JENIS_KS = (("kepala_sekolah", "Kepala Sekolah Definitif",
             "PROGRES PENILAIAN KS DEFINITIF YANG BELUM SELESAI"),
            ("plt_kepala_sekolah", "Plt. Kepala Sekolah",
             "PROGRES PENILAIAN PLT. KS YANG BELUM SELESAI"),
            ("guru", "Guru", "PROGRES PENILAIAN PLT. KS DARI GURU YANG BELUM SELESAI"))


@bp.get("/progres")
@perlu_peran(Peran.KEPALA_DINAS, Peran.TIM_KERJA)
def progres():
    """Progres Penilaian Kepala Sekolah oleh Tim Kerja: the unfinished ones, per kind."""
    peran = current_user.peran
    tahun = tahun_aktif()
    stmt = (baris_dinas(peran, tahun, st=Skp.posisi,
                        tambahan=(status_praktik().label("sp"), Penilaian.rating_perilaku))
            .outerjoin(Praktik, Praktik.skp_id == Skp.id)
            .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
            .where(or_(Penilaian.id.is_(None), Penilaian.lengkap.is_(False))))
    q = request.args.get("q", "").strip()[:100]
    if q:
        stmt = stmt.where(Pegawai.nama.ilike(cari_teks(q), escape="\\"))
    # The kind comes from the assignment, not the plan: a principal who has not started
    # his plan yet is unfinished too.
    posisi = stmt.selected_columns.posisi
    sub = stmt.subquery()
    hitung = dict(db.session.execute(select(sub.c.posisi, func.count())
                                     .group_by(sub.c.posisi)).all())
    jenis = request.args.get("jenis", "kepala_sekolah")
    if jenis not in {j for j, _, _ in JENIS_KS}:
        jenis = "kepala_sekolah"
    h = halaman_dari(stmt.where(posisi == jenis).order_by(Sekolah.nama, Pegawai.nama),
                     hitung.get(jenis, 0))
    return render("dinas/progres.html", block="hasil", rows=h.items, jenis=jenis,
                  jenis_ks=JENIS_KS, hitung=hitung, halaman=h.page, per_halaman=h.per_page,
                  total=h.total, label_status=LABEL_STATUS, q=q)


# ---------------------------------------------------------------- Daftar Penetapan (Kadis)

TAB_PENETAPAN = (("semua", "Semua"), ("belum_dikirim", "Belum dikirim"),
                 ("sudah_dikirim", "Sudah dikirim"), ("belum_dinilai", "Belum selesai dinilai"))


def status_penetapan():
    terkirim = and_(Penilaian.penetapan_id.is_not(None), Penetapan.dibuka.is_(None))
    return case((terkirim, "sudah_dikirim"),
                (and_(Penilaian.lengkap.is_(True), Penilaian.pengiriman_id.is_not(None)),
                 "belum_dikirim"), else_="belum_dinilai")


@bp.get("/penetapan")
@perlu_peran(Peran.KEPALA_DINAS, Peran.TIM_KERJA)
def penetapan():
    """Daftar Penetapan Predikat Kinerja Pegawai (principals, and a Plt.'s Guru plan)."""
    peran = current_user.peran
    tahun = tahun_aktif()
    st = status_penetapan()
    stmt = (baris_dinas(peran, tahun, st=st, tambahan=(Penilaian.predikat_usulan,
                                                        Penilaian.predikat))
            .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
            .outerjoin(Penetapan, Penetapan.id == Penilaian.penetapan_id)
            .where(Skp.status == StatusSkp.DISEPAKATI))
    stmt = _saring_sekolah(stmt)
    hitung = hitung_status(stmt)
    sub = stmt.where(st == "belum_dikirim").subquery()
    per_predikat = dict(db.session.execute(
        select(sub.c.predikat_usulan, func.count()).group_by(sub.c.predikat_usulan)).all())
    per_jenis = {"guru": 0, "kepala_sekolah": 0}
    for posisi, n in db.session.execute(select(sub.c.posisi, func.count())
                                        .group_by(sub.c.posisi)):
        per_jenis["guru" if posisi == PosisiSkp.GURU else "kepala_sekolah"] += n
    tab = pilihan_arg("tab", TAB_PENETAPAN, "semua")
    if tab != "semua":
        stmt = stmt.where(st == tab)
    h = halaman_dari(stmt.order_by(Sekolah.nama, Pegawai.nama), hitung.get(tab, 0))
    return render("dinas/penetapan.html", block="hasil", rows=h.items, tab=tab,
                  tabs=TAB_PENETAPAN, hitung=hitung, halaman=h.page, per_halaman=h.per_page,
                  total=h.total, per_predikat=per_predikat, per_jenis=per_jenis,
                  predikat=list(aturan.Predikat.urut()), q=request.args.get("q", ""),
                  jenjang=request.args.get("jenjang", ""))


# ---------------------------------------------------------------- Rekap Penetapan (Tahunan)

TANPA_AK_PLT = "Tidak dikonversi (jabatan Plt.)"
TAB_REKAP = (("semua", "Semua"), ("belum_dikirim", "Belum dikirim"),
             ("sudah_dikirim", "Sudah dikirim"))


def _rekap_stmt(tahun):
    st = case((and_(Penilaian.penetapan_id.is_not(None), Penetapan.dibuka.is_(None)),
               "sudah_dikirim"), else_="belum_dikirim")
    sekolah = aliased(Sekolah)
    stmt = (select(Pegawai, Skp.posisi, sekolah.nama, Penilaian.predikat, st.label("st"),
                   Skp.id, Skp.mulai, Skp.selesai)
            .join(Skp, Skp.pegawai_id == Pegawai.id)
            .join(Penilaian, Penilaian.skp_id == Skp.id)
            .outerjoin(Penetapan, Penetapan.id == Penilaian.penetapan_id)
            .outerjoin(sekolah, sekolah.id == Skp.sekolah_id)
            .where(Skp.tahun_id == tahun.id, Pegawai.dinas_id == current_user.peran.dinas_id,
                   Penilaian.pengiriman_id.is_not(None)))
    q = request.args.get("q", "").strip()[:100]
    if q:
        stmt = stmt.where(or_(Pegawai.nama.ilike(cari_teks(q), escape="\\"),
                              Pegawai.nip.like(cari_teks(q), escape="\\")))
    if arg_id("sekolah"):
        stmt = stmt.where(Skp.sekolah_id == arg_id("sekolah"))
    if request.args.get("jenjang"):
        stmt = stmt.where(sekolah.jenjang == request.args["jenjang"])
    return stmt, st, sekolah


@bp.get("/rekap")
@perlu_peran(*DINAS)
def rekap():
    """Rekap Penetapan Predikat Kinerja Pegawai (Tahunan), with angka kredit; of the year
    chosen (`?tahun=`, the shown year by default)."""
    tahun, daftar_tahun, tahun_salah = tahun_pilihan()
    stmt, st, sekolah = _rekap_stmt(tahun)
    hitung = hitung_status(stmt)
    tab = pilihan_arg("tab", TAB_REKAP, "semua")
    if tab != "semua":
        stmt = stmt.where(st == tab)
    h = halaman_dari(stmt.order_by(sekolah.nama, Pegawai.nama), hitung.get(tab, 0))
    atr = aturan.muat_aturan(tahun.aturan)
    bulan = bulan_bagian({r[0].id for r in h.items}, tahun, atr)
    baris = [(p, posisi, nama_s, predikat, s,
              angka_kredit(p, predikat, atr, posisi, bulan.get(skp_id), tahun.tahun)
              if s == "sudah_dikirim" else None,
              f"{format_tanggal(mulai)} – {format_tanggal(selesai)}" if skp_id in bulan
              else None)
             for p, posisi, nama_s, predikat, s, skp_id, mulai, selesai in h.items]
    daftar_sekolah = db.session.execute(select(Sekolah.id, Sekolah.nama).where(
        Sekolah.dinas_id == current_user.peran.dinas_id).order_by(Sekolah.nama)).all()
    return render("dinas/rekap.html", block="hasil", baris=baris, tab=tab, tabs=TAB_REKAP,
                  tanpa_ak_plt=TANPA_AK_PLT,
                  hitung=hitung, halaman=h.page, per_halaman=h.per_page, total=h.total,
                  q=request.args.get("q", ""),
                  sekolah_id=arg_id("sekolah"),
                  jenjang=request.args.get("jenjang", ""), daftar_sekolah=daftar_sekolah,
                  tahun=tahun, daftar_tahun=daftar_tahun, tahun_salah=tahun_salah)


@bp.get("/rekap.<any(csv, xlsx):format>")
@perlu_peran(*DINAS)
def rekap_unduh(format):
    """The recap with angka kredit as CSV or XLSX (formula injection neutralised)."""
    tahun, _, _ = tahun_pilihan()
    stmt, st, sekolah = _rekap_stmt(tahun)
    if request.args.get("tab") in ("belum_dikirim", "sudah_dikirim"):
        stmt = stmt.where(st == request.args["tab"])
    atr = aturan.muat_aturan(tahun.aturan)
    kepala = ["NIP", "Nama", "Satuan Pendidikan", "Periode SKP", "Jabatan", "Predikat Kinerja",
              "Status", "Bulan", "Persentase", "Koefisien", "Angka Kredit"]
    isi = []
    rows = db.session.execute(stmt.order_by(sekolah.nama, Pegawai.nama)).all()
    bulan = bulan_bagian({r[0].id for r in rows}, tahun, atr)
    for p, posisi, nama_s, predikat, s, skp_id, mulai, selesai in rows:
        ak = angka_kredit(p, predikat, atr, posisi, bulan.get(skp_id), tahun.tahun) \
            if s == "sudah_dikirim" else None
        isi.append([p.nip or "", p.nama, nama_s or "",
                    f"{format_tanggal(mulai)} – {format_tanggal(selesai)}", p.jabatan or "",
                    aturan.Predikat(predikat).label_cetak if predikat and ak else "",
                    "Sudah dikirim" if s == "sudah_dikirim" else "Belum dikirim",
                    ak.bulan if ak and not ak.alasan else "",
                    f"{ak.persen}%" if ak and ak.persen else "",
                    aturan.format_angka(ak.koefisien, 1) if ak and ak.koefisien else "",
                    ak.teks if ak and ak.nilai is not None
                    else TANPA_AK_PLT if ak and ak.alasan else ""])
    nama = f"rekap-predikat-{tahun.tahun}.{format}"
    berkas = tulis_csv(kepala, isi) if format == "csv" else \
        tulis_xlsx({f"Rekap {tahun.tahun}": (kepala, isi)})
    # The audit row after the file is built, in a short write of its own.
    if not alur.catat_bacaan("ekspor_rekap", data={"format": format, "baris": len(isi),
                                                   "tahun": tahun.tahun}):
        abort(503)
    return kirim_berkas(berkas, nama)


# ---------------------------------------------------------------- Tim Kerja plotting

class FormPlot(Formulir):
    ks = PilihanBanyak("Kepala sekolah", validators=[Optional()])
    tim_kerja = SelectField("Tim Kerja", validators=[Optional()])
    npsn = TextAreaField("Atau daftar NPSN sekolah (satu per baris)",
                         validators=[Optional(), Length(max=20000)])
    aksi = StringField()


@bp.route("/tim-kerja", methods=["GET", "POST"])
@perlu_peran(Peran.OPERATOR_DINAS)
def tim_kerja():
    """Plotting: assign principals to Tim Kerja members (ticked, or by a list of NPSN)."""
    peran = current_user.peran
    tahun = tahun_aktif()
    today = hari_ini()
    anggota = db.session.execute(
        select(Pegawai.id, Pegawai.nama).join(Penugasan, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.dinas_id == peran.dinas_id, Penugasan.peran == Peran.TIM_KERJA,
               Penugasan.aktif_pada(today)).order_by(Pegawai.nama)).all()
    form = FormPlot()
    form.tim_kerja.choices = [SelectChoice("", "— pilih —"),
                              SelectChoice("lepas", "Lepaskan dari Tim Kerja")] + \
        [SelectChoice(str(i), n) for i, n in anggota]
    tim = aliased(Pegawai)
    stmt = (select(Pegawai, Sekolah.nama, Penugasan.peran, tim.nama)
            .join(Penugasan, Penugasan.pegawai_id == Pegawai.id)
            .join(Sekolah, Sekolah.id == Penugasan.sekolah_id)
            .outerjoin(PlotTimKerja, and_(PlotTimKerja.kepala_sekolah_id == Pegawai.id,
                                          PlotTimKerja.tahun_id == tahun.id))
            .outerjoin(tim, tim.id == PlotTimKerja.tim_kerja_id)
            .where(Penugasan.dinas_id == peran.dinas_id,
                   Penugasan.peran.in_((Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)),
                   Penugasan.aktif_pada(today)))
    stmt = _saring_sekolah(stmt)
    if form.validate_on_submit():
        # isdecimal, not isdigit: int("²") fails; ids longer than 9 digits exist nowhere.
        pilihan = [int(x) for x in form.ks.data or [] if x.isdecimal() and len(x) < 10]
        npsn = {x.strip() for x in (form.npsn.data or "").split() if x.strip()}
        with tangkap(form) as gagal:
            try:
                jumlah = alur_dinas.plot_tim_kerja(peran, tahun, form.tim_kerja.data, pilihan,
                                                   npsn, {i for i, _ in anggota})
                db.session.commit()
            except IntegrityError:
                # Another save plotted one of them first (UNIQUE tahun, kepala sekolah:
                # both saw no plot yet on PostgreSQL). Plotting is "set to": again, now
                # updating the rows that one committed.
                db.session.rollback()
                jumlah = alur_dinas.plot_tim_kerja(peran, tahun, form.tim_kerja.data, pilihan,
                                                   npsn, {i for i, _ in anggota})
                db.session.commit()
        if not gagal:
            flash(f"{jumlah} kepala sekolah diplot ulang.", "sukses")
            return hx_redirect(request.full_path)
    h = halaman_dari(stmt.order_by(Sekolah.nama))
    return render_template("dinas/tim_kerja.html", form=form, rows=h.items, total=h.total,
                           halaman=h.page, per_halaman=h.per_page,
                           q=request.args.get("q", ""), jenjang=request.args.get("jenjang", "")
                           ), 422 if form.form_errors or (form.is_submitted() and form.errors) \
        else 200
