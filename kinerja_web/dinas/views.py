"""Dinas pages of the foundation: employee and school lists, password reset."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select

from kinerja_web import aturan
from kinerja_web.akses import get_pegawai_or_404
from kinerja_web.alur import akun as alur_akun
from kinerja_web.alur import dinas as alur_dinas
from kinerja_web.auth.sesi import hash_sandi, sandi_acak
from kinerja_web.daftar import cari_teks, halaman_dari
from kinerja_web.dinas.forms import FormGaruda, FormLogo, FormPengaturanDinas
from kinerja_web.dinas.logo import LogoDitolak, periksa_logo
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import render
from kinerja_web.models import Akun, Dinas, Pegawai, Penugasan, Sekolah
from kinerja_web.peran import perlu_peran
from kinerja_web.teks import arg_id
from kinerja_web.waktu import hari_ini

bp = Blueprint("dinas", __name__, url_prefix="/dinas")


@bp.get("/pegawai")
@perlu_peran("operator_dinas")
def daftar_pegawai():
    peran = current_user.peran
    q = request.args.get("q", "").strip()[:100]
    sekolah_id = arg_id("sekolah")
    akun = request.args.get("akun", "")
    ikut = request.args.get("ikut", "")
    stmt = (
        select(Pegawai, Sekolah.nama, Akun.username)
        .outerjoin(Sekolah, Pegawai.sekolah_id == Sekolah.id)
        .outerjoin(Akun, Akun.pegawai_id == Pegawai.id)
        .where(Pegawai.dinas_id == peran.dinas_id)
    )
    if q:
        pola = cari_teks(q)
        stmt = stmt.where(or_(Pegawai.nama.ilike(pola, escape="\\"),
                              Pegawai.nip.like(pola, escape="\\")))
    if sekolah_id:
        stmt = stmt.where(Pegawai.sekolah_id == sekolah_id)
    if akun == "tanpa":
        stmt = stmt.where(Akun.id.is_(None))
    if ikut == "tidak":
        stmt = stmt.where(Pegawai.keikutsertaan != aturan.Keikutsertaan.IKUT)
    h = halaman_dari(stmt.order_by(Pegawai.nama, Pegawai.id))
    sekolah = db.session.execute(
        select(Sekolah.id, Sekolah.nama).where(Sekolah.dinas_id == peran.dinas_id)
        .order_by(Sekolah.nama)
    ).all()
    return render(
        "dinas/pegawai.html", block="hasil", rows=h.items, total=h.total, halaman=h.page,
        per_halaman=h.per_page, q=q, sekolah=sekolah, sekolah_id=sekolah_id,
        akun=akun, ikut=ikut,
    )


@bp.get("/pegawai/<int:pegawai_id>")
@perlu_peran("operator_dinas")
def detail_pegawai(pegawai_id):
    pegawai = get_pegawai_or_404(pegawai_id)
    akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
    tugas = db.session.scalars(
        select(Penugasan).where(Penugasan.pegawai_id == pegawai.id).order_by(Penugasan.mulai)
    ).all()
    return render_template(
        "dinas/pegawai_detail.html", p=pegawai, akun=akun, tugas=tugas, form=Formulir(),
        atr=aturan.muat_aturan(), hari_ini=hari_ini(),
    )


@bp.post("/pegawai/<int:pegawai_id>/atur-ulang-sandi")
@perlu_peran("operator_dinas")
def atur_ulang_sandi(pegawai_id):
    pegawai = get_pegawai_or_404(pegawai_id)
    akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
    if akun is None:
        abort(404)
    form = Formulir()
    if not form.validate_on_submit():
        return detail_pegawai(pegawai_id), 422
    # Hash (slow by design) with no transaction open: a POST's holds SQLite's write lock;
    # the rows are read again in the short write transaction after.
    db.session.rollback()
    sandi = sandi_acak()
    sandi_hash = hash_sandi(sandi)
    alur_akun.atur_ulang_sandi(akun, pegawai, sandi_hash)
    db.session.commit()
    # Shown once, in this response only: the password is stored nowhere in plain text.
    return make_response(render_template("dinas/sandi_baru.html", p=pegawai, akun=akun,
                                         sandi=sandi))


@bp.get("/sekolah")
@perlu_peran("operator_dinas", "kepala_dinas", "tim_kerja")
def daftar_sekolah():
    peran = current_user.peran
    q = request.args.get("q", "").strip()[:100]
    jenjang = request.args.get("jenjang", "")
    today = hari_ini()
    guru = (
        select(Pegawai.sekolah_id, func.count().label("n"))
        .where(Pegawai.dinas_id == peran.dinas_id,
               Pegawai.keikutsertaan == aturan.Keikutsertaan.IKUT)
        .group_by(Pegawai.sekolah_id).subquery()
    )
    kepala = (
        select(Penugasan.sekolah_id, func.min(Pegawai.nama).label("nama"),
               func.min(Penugasan.peran).label("peran"))
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.dinas_id == peran.dinas_id,
               Penugasan.peran.in_(("kepala_sekolah", "plt_kepala_sekolah")),
               Penugasan.aktif_pada(today))
        .group_by(Penugasan.sekolah_id).subquery()
    )
    stmt = (
        select(Sekolah, func.coalesce(guru.c.n, 0), kepala.c.nama, kepala.c.peran)
        .outerjoin(guru, guru.c.sekolah_id == Sekolah.id)
        .outerjoin(kepala, kepala.c.sekolah_id == Sekolah.id)
        .where(Sekolah.dinas_id == peran.dinas_id)
    )
    if q:
        pola = cari_teks(q)
        stmt = stmt.where(or_(Sekolah.nama.ilike(pola, escape="\\"),
                              Sekolah.npsn.like(pola, escape="\\")))
    if jenjang:
        stmt = stmt.where(Sekolah.jenjang == jenjang)
    h = halaman_dari(stmt.order_by(Sekolah.nama))
    return render(
        "dinas/sekolah.html", block="hasil", rows=h.items, total=h.total, halaman=h.page,
        per_halaman=h.per_page, q=q, jenjang=jenjang,
    )


@bp.route("/pengaturan", methods=["GET", "POST"])
@perlu_peran("operator_dinas")
def pengaturan():
    """Header details of the Dinas for printed documents (kop surat, signatures)."""
    # A save compares under the row's lock with what is stored now: the twin of a double
    # submit finds nothing to change (one audit row), and a concurrent save is not undone.
    kunci = request.method == "POST"
    dinas = db.session.get(Dinas, current_user.peran.dinas_id, with_for_update=kunci or None,
                           populate_existing=kunci)
    form = FormPengaturanDinas(obj=dinas)
    if form.validate_on_submit():
        ubah = alur_dinas.atur(dinas, {f.name: f.data for f in form if f.name != "csrf_token"})
        db.session.commit()
        flash("Pengaturan Dinas tersimpan." if ubah else "Tidak ada yang berubah.", "sukses")
        return redirect(url_for("dinas.pengaturan"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("dinas/pengaturan.html", form=form, dinas=dinas,
                           form_logo=FormLogo(formdata=None),
                           form_garuda=FormGaruda(formdata=None, obj=dinas)), status


@bp.post("/pengaturan/logo")
@perlu_peran("operator_dinas")
def unggah_logo():
    """Upload (or remove) the letterhead logo; anything unsafe is refused with the reason."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    form = FormLogo()
    if form.validate_on_submit():
        # Locked and read afresh: the twin of a double submit finds the logo stored (or
        # removed) already and changes and audits nothing.
        db.session.refresh(dinas, with_for_update=True)
        if form.hapus.data:
            if dinas.logo is None:
                flash("Logo sudah dihapus.", "info")
                return redirect(url_for("dinas.pengaturan"), 303)
            alur_dinas.hapus_logo(dinas)
            db.session.commit()
            flash("Logo dihapus.", "sukses")
            return redirect(url_for("dinas.pengaturan"), 303)
        berkas = form.logo.data
        if berkas:
            maks = current_app.config["LOGO_MAKS_BYTE"]
            try:
                isi, mime = periksa_logo(berkas.read(maks + 1), maks)
            except LogoDitolak as e:
                form.logo.errors.append(str(e))
            else:
                if (dinas.logo, dinas.logo_mime) == (isi, mime):
                    flash("Logo ini sudah tersimpan.", "info")
                    return redirect(url_for("dinas.pengaturan"), 303)
                alur_dinas.simpan_logo(dinas, isi, mime)
                db.session.commit()
                flash("Logo tersimpan; dipakai di kop semua dokumen cetak.", "sukses")
                return redirect(url_for("dinas.pengaturan"), 303)
        else:
            form.logo.errors.append("Pilih berkas logo.")
    return render_template("dinas/pengaturan.html", form=FormPengaturanDinas(obj=dinas),
                           dinas=dinas, form_logo=form,
                           form_garuda=FormGaruda(formdata=None, obj=dinas)), 422


@bp.post("/pengaturan/garuda")
@perlu_peran("operator_dinas")
def unggah_garuda():
    """The Garuda emblem for the header: uploaded by the Dinas and checked like the logo
    (never fetched); printed instead of the Dinas letterhead when chosen."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    form = FormGaruda()
    if form.validate_on_submit():
        # Locked and read afresh: the twin of a double submit finds nothing to change.
        db.session.refresh(dinas, with_for_update=True)
        lama = dinas.kop_garuda
        if form.hapus.data:
            if dinas.garuda is None and not lama:
                flash("Lambang Garuda sudah dihapus.", "info")
                return redirect(url_for("dinas.pengaturan"), 303)
            alur_dinas.hapus_garuda(dinas)
            db.session.commit()
            flash("Lambang Garuda dihapus; kop dicetak dengan kop Dinas.", "sukses")
            return redirect(url_for("dinas.pengaturan"), 303)
        berkas = form.garuda.data
        isi = mime = None
        if berkas:
            maks = current_app.config["LOGO_MAKS_BYTE"]
            try:
                isi, mime = periksa_logo(berkas.read(maks + 1), maks)
            except LogoDitolak as e:
                form.garuda.errors.append(str(e).replace("logo", "lambang").replace(
                    "Logo", "Lambang"))
        elif form.kop_garuda.data and not dinas.garuda:
            form.garuda.errors.append("Unggah berkas lambang Garuda dahulu.")
        if not form.garuda.errors:
            if isi is not None and (isi, mime) == (dinas.garuda, dinas.garuda_mime):
                isi = None  # this emblem is stored already
            if isi is None and bool(form.kop_garuda.data) == lama:
                flash("Tidak ada yang berubah.", "sukses")
                return redirect(url_for("dinas.pengaturan"), 303)
            alur_dinas.atur_garuda(dinas, isi, mime, bool(form.kop_garuda.data))
            db.session.commit()
            flash("Kop dengan lambang Garuda dipakai di semua dokumen cetak." if dinas.kop_garuda
                  else "Kop dicetak dengan kop Dinas.", "sukses")
            return redirect(url_for("dinas.pengaturan"), 303)
    return render_template("dinas/pengaturan.html", form=FormPengaturanDinas(obj=dinas),
                           dinas=dinas, form_logo=FormLogo(formdata=None),
                           form_garuda=form), 422


def _gambar_tersimpan(isi, mime):
    """A stored image of the Dinas (preview), under a sandboxing CSP; 404 when none."""
    if not isi:
        abort(404)
    response = make_response(isi)
    response.mimetype = mime
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/garuda")
@perlu_peran("operator_dinas", "kepala_dinas", "tim_kerja")
def garuda():
    """The stored Garuda emblem (the PNG raster made at upload)."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    return _gambar_tersimpan(dinas.garuda, dinas.garuda_mime)


@bp.get("/logo")
@perlu_peran("operator_dinas", "kepala_dinas", "tim_kerja")
def logo():
    """The stored logo (the PNG raster made at upload)."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    return _gambar_tersimpan(dinas.logo, dinas.logo_mime)
