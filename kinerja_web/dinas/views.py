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
from wtforms.fields.choices import SelectChoice

from kinerja_web import aturan, tte
from kinerja_web.akses import get_pegawai_or_404
from kinerja_web.alur import Ditolak, IsianSalah
from kinerja_web.alur import akun as alur_akun
from kinerja_web.alur import dinas as alur_dinas
from kinerja_web.alur import mutasi as alur_mutasi
from kinerja_web.alur import tahun as alur_tahun
from kinerja_web.alur import tenggat as alur_tenggat
from kinerja_web.auth.sesi import hash_sandi, sandi_acak
from kinerja_web.daftar import cari_teks, halaman_dari, tahun_aktif
from kinerja_web.dinas.forms import (
    FormGaruda,
    FormLogo,
    FormMutasi,
    FormPengaturanDinas,
    FormPerpanjangan,
    FormTte,
)
from kinerja_web.dinas.logo import LogoDitolak, periksa_logo
from kinerja_web.extensions import db, simpan_transaksi
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import render
from kinerja_web.models import (
    Akun,
    Dinas,
    Mutasi,
    Pegawai,
    Penilaian,
    Penugasan,
    Sekolah,
    Skp,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.org import Peran
from kinerja_web.peran import perlu_peran
from kinerja_web.teks import arg_id
from kinerja_web.tolakan import tangkap
from kinerja_web.waktu import format_tanggal, hari_ini

bp = Blueprint("dinas", __name__, url_prefix="/dinas")


@bp.get("/pegawai")
@perlu_peran(Peran.OPERATOR_DINAS)
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
    atr = aturan.muat_aturan(tahun_aktif().aturan)
    if ikut == "tidak":
        stmt = stmt.where(~Pegawai.syarat_ikut(atr))
    h = halaman_dari(stmt.order_by(Pegawai.nama, Pegawai.id))
    sekolah = db.session.execute(
        select(Sekolah.id, Sekolah.nama).where(Sekolah.dinas_id == peran.dinas_id)
        .order_by(Sekolah.nama)
    ).all()
    return render(
        "dinas/pegawai.html", block="hasil", rows=h.items, total=h.total, halaman=h.page,
        per_halaman=h.per_page, q=q, sekolah=sekolah, sekolah_id=sekolah_id,
        akun=akun, ikut=ikut, atr=atr,
    )


def _form_mutasi(pegawai, formdata=None):
    form = FormMutasi(formdata=formdata) if formdata is not None else FormMutasi(formdata=None)
    form.sekolah_tujuan.choices = [SelectChoice("", "— pilih —")] + [
        SelectChoice(str(i), nama) for i, nama in db.session.execute(
            select(Sekolah.id, Sekolah.nama).where(Sekolah.dinas_id == pegawai.dinas_id)
            .order_by(Sekolah.nama))]
    return form


@bp.get("/pegawai/<int:pegawai_id>")
@perlu_peran(Peran.OPERATOR_DINAS)
def detail_pegawai(pegawai_id):
    return _detail_pegawai(get_pegawai_or_404(pegawai_id))


def _form_perpanjangan(tahun, formdata=True):
    """The extension form; its stages are those the year enforces a deadline for."""
    form = FormPerpanjangan() if formdata else FormPerpanjangan(formdata=None)
    form.tahap.choices = [(t.value, f"{t.label} (batas {format_tanggal(batas)})")
                          for t, _, batas in alur_tenggat.tahap_bertenggat(tahun)]
    return form


def _detail_pegawai(pegawai, form=None, form_perpanjangan=None, form_mutasi=None):
    akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
    tugas = db.session.scalars(
        select(Penugasan).where(Penugasan.pegawai_id == pegawai.id).order_by(Penugasan.mulai)
    ).all()
    tahun = tahun_aktif()
    mutasi = db.session.scalars(select(Mutasi).where(Mutasi.pegawai_id == pegawai.id)
                               .order_by(Mutasi.tmt, Mutasi.id)).all()
    bagian = db.session.scalars(select(Skp).where(Skp.pegawai_id == pegawai.id)
                                .order_by(Skp.tahun_id, Skp.mulai, Skp.posisi)).all()
    return render_template(
        "dinas/pegawai_detail.html", p=pegawai, akun=akun, tugas=tugas,
        form=form or Formulir(), atr=aturan.muat_aturan(tahun.aturan), hari_ini=hari_ini(),
        tahun=tahun, perpanjangan=alur_tenggat.daftar_perpanjangan(pegawai),
        form_perpanjangan=form_perpanjangan or _form_perpanjangan(tahun, formdata=False),
        mutasi=mutasi, bagian=bagian, form_mutasi=form_mutasi or _form_mutasi(pegawai),
    )


@bp.post("/pegawai/<int:pegawai_id>/perpanjangan")
@perlu_peran("operator_dinas")
def perpanjang_tenggat(pegawai_id):
    """Extend one stage's deadline of the active year for this pegawai (audited)."""
    pegawai = get_pegawai_or_404(pegawai_id)
    tahun = tahun_aktif()
    form = _form_perpanjangan(tahun)
    if form.validate_on_submit():
        with tangkap(form) as gagal:
            try:
                alur_tenggat.beri_perpanjangan(pegawai, tahun, form.tahap.data, form.sampai.data,
                                               form.alasan.data, current_user)
            except IsianSalah as e:
                getattr(form, getattr(e, "bidang", "alasan")).errors.append(str(e))
                raise
            db.session.commit()
        if not gagal:
            flash(f"Tenggat {pegawai.nama} diperpanjang sampai "
                  f"{format_tanggal(form.sampai.data)}.", "sukses")
            return redirect(url_for(".detail_pegawai", pegawai_id=pegawai.id), 303)
    return _detail_pegawai(pegawai, form_perpanjangan=form), 422


@bp.post("/pegawai/<int:pegawai_id>/mutasi")
@perlu_peran("operator_dinas")
def catat_mutasi(pegawai_id):
    """Record a transfer, a new role or the end of service; the SKP parts split at TMT."""
    pegawai = get_pegawai_or_404(pegawai_id)
    form = _form_mutasi(pegawai, request.form)
    sah = form.validate_on_submit()
    tujuan = (form.sekolah_tujuan.data or "").strip()
    if tujuan and tujuan not in {c.value for c in form.sekolah_tujuan.choices}:
        form.form_errors.append("Satuan pendidikan tujuan tidak ditemukan di Dinas ini.")
        sah = False
    if not sah:
        return _detail_pegawai(pegawai, form_mutasi=form), 422
    with tangkap(form) as gagal:
        m = alur_mutasi.catat(pegawai.id, form.jenis.data, form.tmt.data, current_user,
                              sekolah_tujuan_id=int(tujuan) if tujuan else None,
                              nomor_sk=form.nomor_sk.data)
        db.session.commit()
    if gagal:
        if gagal.galat is not None and str(gagal.galat) not in form.form_errors:
            form.form_errors.append(str(gagal.galat))
        return _detail_pegawai(pegawai, form_mutasi=form), gagal.status
    flash(f"Mutasi dicatat: {m.jenis.label}, TMT {format_tanggal(m.tmt)}.", "sukses")
    return redirect(url_for(".detail_pegawai", pegawai_id=pegawai_id), 303)


@bp.post("/pegawai/<int:pegawai_id>/atur-ulang-sandi")
@perlu_peran(Peran.OPERATOR_DINAS)
def atur_ulang_sandi(pegawai_id):
    pegawai = get_pegawai_or_404(pegawai_id)
    akun = db.session.scalar(select(Akun).where(Akun.pegawai_id == pegawai.id))
    if akun is None:
        abort(404)
    form = Formulir()
    if not form.validate_on_submit():
        return _detail_pegawai(pegawai, form=form), 422
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
@perlu_peran(Peran.OPERATOR_DINAS, Peran.KEPALA_DINAS, Peran.TIM_KERJA)
def daftar_sekolah():
    peran = current_user.peran
    q = request.args.get("q", "").strip()[:100]
    jenjang = request.args.get("jenjang", "")
    today = hari_ini()
    guru = (
        select(Pegawai.sekolah_id, func.count().label("n"))
        .where(Pegawai.dinas_id == peran.dinas_id,
               Pegawai.syarat_ikut(aturan.muat_aturan(tahun_aktif().aturan)))
        .group_by(Pegawai.sekolah_id).subquery()
    )
    kepala = (
        select(Penugasan.sekolah_id, func.min(Pegawai.nama).label("nama"),
               func.min(Penugasan.peran).label("peran"))
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(Penugasan.dinas_id == peran.dinas_id,
               Penugasan.peran.in_((Peran.KEPALA_SEKOLAH, Peran.PLT_KEPALA_SEKOLAH)),
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
@perlu_peran(Peran.OPERATOR_DINAS)
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
    return _halaman(dinas, form=form), status


def _halaman(dinas, **form):
    """The settings page with its four forms (the one submitted keeps its input)."""
    isi = {"form": FormPengaturanDinas(formdata=None, obj=dinas),
           "form_logo": FormLogo(formdata=None),
           "form_garuda": FormGaruda(formdata=None, obj=dinas),
           "form_tte": FormTte(formdata=None, obj=dinas), **form}
    return render_template("dinas/pengaturan.html", dinas=dinas,
                           sertifikat=tte.status_sertifikat(isi["form_tte"].tte_mode.data
                                                            or dinas.tte_mode), **isi)


@bp.post("/pengaturan/tte")
@perlu_peran(Peran.OPERATOR_DINAS)
def atur_tte():
    """Tanda tangan elektronik: mode and documents; the certificate lives on the server."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    form = FormTte()
    if form.validate_on_submit():
        # Locked and read afresh: the twin of a double submit finds nothing to change.
        db.session.refresh(dinas, with_for_update=True)
        try:
            ubah = alur_dinas.atur_tte(dinas, form.tte_mode.data, form.tte_dokumen.data,
                                       form.tte_kepsek.data)
        except Ditolak as e:
            form.form_errors.append(str(e))
        else:
            db.session.commit()
            flash("Pengaturan tanda tangan elektronik tersimpan." if ubah
                  else "Tidak ada yang berubah.", "sukses")
            return redirect(url_for("dinas.pengaturan"), 303)
    return _halaman(dinas, form_tte=form), 422


@bp.post("/pengaturan/logo")
@perlu_peran(Peran.OPERATOR_DINAS)
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
    return _halaman(dinas, form_logo=form), 422


@bp.post("/pengaturan/garuda")
@perlu_peran(Peran.OPERATOR_DINAS)
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
    return _halaman(dinas, form_garuda=form), 422


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
@perlu_peran(Peran.OPERATOR_DINAS, Peran.KEPALA_DINAS, Peran.TIM_KERJA)
def garuda():
    """The stored Garuda emblem (the PNG raster made at upload)."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    return _gambar_tersimpan(dinas.garuda, dinas.garuda_mime)


@bp.get("/logo")
@perlu_peran(Peran.OPERATOR_DINAS, Peran.KEPALA_DINAS, Peran.TIM_KERJA)
def logo():
    """The stored logo (the PNG raster made at upload)."""
    dinas = db.session.get(Dinas, current_user.peran.dinas_id)
    return _gambar_tersimpan(dinas.logo, dinas.logo_mime)


# ------------------------------------------------------------------ Tahun Kinerja


def _baris_tahun(dinas_id):
    """[(TahunKinerja, TahunDinas, SKP count, predikat set)] of the Dinas, newest first."""
    skp = (select(Skp.tahun_id, func.count(Skp.id).label("n"),
                  func.count(Penilaian.penetapan_id).label("tetap"))
           .join(Pegawai, Pegawai.id == Skp.pegawai_id)
           .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
           .where(Pegawai.dinas_id == dinas_id).group_by(Skp.tahun_id).subquery())
    return db.session.execute(
        select(TahunKinerja, TahunDinas, func.coalesce(skp.c.n, 0),
               func.coalesce(skp.c.tetap, 0))
        .join(TahunDinas, TahunDinas.tahun_id == TahunKinerja.id)
        .outerjoin(skp, skp.c.tahun_id == TahunKinerja.id)
        .where(TahunDinas.dinas_id == dinas_id).order_by(TahunKinerja.tahun.desc())).all()


def _tahun_dinas_atau_404(tahun):
    td = alur_tahun.tahun_dinas(current_user.peran.dinas_id, tahun)
    if td is None:
        abort(404)
    return td


def _ubah_tahun(ubah, sukses, pesan_konflik, form=None):
    """Change a year's state (`ubah`: the alur call) and commit it. Done: `sukses` flashed,
    (the redirect to the year list, None). Refused: the message flashed, or on `form` when
    given, (None, 409 or 422)."""
    with tangkap(form, kilat=None if form else "galat", pesan_konflik=pesan_konflik) as gagal:
        ubah()
        simpan_transaksi()
    if gagal:
        return None, gagal.status
    flash(sukses, "sukses")
    return redirect(url_for(".tahun_kinerja"), 303), None


@bp.get("/tahun")
@perlu_peran("operator_dinas")
def tahun_kinerja(status=200):
    baris = _baris_tahun(current_user.peran.dinas_id)
    ada = {t.tahun for t, *_ in baris}
    return render("dinas/tahun.html", baris=baris, form=Formulir(),
                  bisa_dibuka=[t for t in alur_tahun.aturan_tersedia() if t not in ada],
                  berkas=set(aturan.daftar_aturan())), status


@bp.post("/tahun/buka")
@perlu_peran("operator_dinas")
def buka_tahun():
    form = Formulir()
    tahun = request.form.get("tahun", type=int)
    if not form.validate_on_submit() or tahun is None:
        flash("Pilih tahun yang akan dibuka.", "galat")
        return tahun_kinerja(422)
    selesai, status = _ubah_tahun(
        lambda: alur_tahun.buka(current_user.peran.dinas_id, tahun, current_user),
        f"Tahun kinerja {tahun} dibuka (persiapan). Mulai tahun ini setelah data siap.",
        f"Tahun kinerja {tahun} sudah dibuka.")
    return selesai or tahun_kinerja(status)


@bp.post("/tahun/<int:tahun>/mulai")
@perlu_peran("operator_dinas")
def mulai_tahun(tahun):
    td = _tahun_dinas_atau_404(tahun)
    form = Formulir()
    if not form.validate_on_submit():
        return tahun_kinerja(422)
    selesai, status = _ubah_tahun(
        lambda: alur_tahun.mulai(td, current_user, request.form.get("versi")),
        f"Tahun kinerja {tahun} berjalan: perencanaan kinerja dibuka untuk pegawai.",
        "Status tahun sudah diubah orang lain; periksa daftar di bawah.")
    return selesai or tahun_kinerja(status)


@bp.route("/tahun/<int:tahun>/tutup", methods=["GET", "POST"])
@perlu_peran("operator_dinas")
def tutup_tahun(tahun):
    """The confirmation page (what still blocks, what closing means) and the close."""
    td = _tahun_dinas_atau_404(tahun)
    form = Formulir()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            selesai, status = _ubah_tahun(
                lambda: alur_tahun.tutup(td, current_user, request.form.get("versi")),
                f"Tahun kinerja {tahun} ditutup. Datanya tetap dapat dilihat, dicetak, "
                "diverifikasi dan diekspor.",
                "Status tahun sudah diubah orang lain; periksa lagi sebelum menutup.", form)
            if selesai:
                return selesai
            td = _tahun_dinas_atau_404(tahun)
        else:
            status = 422
    tanpa_nilai = db.session.scalar(
        select(func.count(Skp.id)).join(Pegawai, Pegawai.id == Skp.pegawai_id)
        .outerjoin(Penilaian, Penilaian.skp_id == Skp.id)
        .where(Skp.tahun_id == td.tahun_id, Pegawai.dinas_id == td.dinas_id,
               Penilaian.id.is_(None)))
    return render("dinas/tahun_tutup.html", td=td, form=form, tanpa_nilai=tanpa_nilai,
                  halangan=alur_tahun.penghalang_tutup(td)
                  if td.status == StatusTahun.BERJALAN else []), status
