"""Persetujuan Perencanaan Kinerja: the atasan's list and four-step approval wizard.

A principal sees the teachers of the school he leads; the Kepala Dinas sees every
principal (definitive, Plt., and a Plt.'s own plan as Guru), a Tim Kerja member the
principals plotted to him, grouped by school.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased, joinedload

from kinerja_web.alur import Ditolak, IsianSalah, cek_versi
from kinerja_web.alur import skp as alur_skp
from kinerja_web.atasan import PERAN_KS, boleh_menilai
from kinerja_web.dinas.views import PER_HALAMAN, cari_teks
from kinerja_web.extensions import db
from kinerja_web.htmx import hx_redirect, is_partial, pindah, render
from kinerja_web.models import Pegawai, Penugasan, PlotTimKerja, Sekolah
from kinerja_web.models.skp import Skp
from kinerja_web.perencanaan import langkah as langkah_wizard
from kinerja_web.perencanaan.ringkasan import ringkas
from kinerja_web.perencanaan.views import simpan_transaksi, tahun_aktif
from kinerja_web.tolakan import tangkap
from kinerja_web.waktu import hari_ini

bp = Blueprint("persetujuan", __name__, url_prefix="/persetujuan")

WIZARD = langkah_wizard.ATASAN
LANGKAH = WIZARD.judul
TAB = (("semua", "Semua"), ("diajukan", "Menunggu persetujuan"),
       ("dikembalikan", "Dikembalikan"), ("disetujui", "Disetujui"),
       ("disepakati", "Disepakati"), ("belum", "Belum membuat"))


@dataclass
class Baris:
    pegawai: Pegawai
    posisi: str
    skp: Skp | None
    sekolah: str
    tim_kerja: str | None
    status: str


def status_daftar():
    """The list's status of a row: no plan or a draft counts as "belum membuat"."""
    return case((Skp.id.is_(None), "belum"), (Skp.status == "draf", "belum"),
                else_=Skp.status)


def baris_sekolah(peran, tahun, st=None, tambahan=()):
    """Teachers of the schools this principal leads (not himself, not a definitive KS).

    Rows: (Pegawai, posisi, Skp or None, school name, Tim Kerja name, *tambahan, st) where
    `st` is the planning status unless another status expression is given."""
    today = hari_ini()
    ks = select(Penugasan.pegawai_id).where(Penugasan.peran == "kepala_sekolah",
                                            Penugasan.aktif_pada(today))
    return (
        select(Pegawai, literal("guru").label("posisi"), Skp, Sekolah.nama,
               literal(None).label("tim"), *tambahan,
               (status_daftar() if st is None else st).label("st"))
        .join(Sekolah, Pegawai.sekolah_id == Sekolah.id)
        .outerjoin(Skp, and_(Skp.pegawai_id == Pegawai.id, Skp.tahun_id == tahun.id,
                             Skp.posisi == "guru"))
        .where(Pegawai.sekolah_id.in_(peran.atasan_sekolah), Pegawai.keikutsertaan == "ikut",
               Pegawai.jabatan.like("Guru%"), Pegawai.id != peran.pegawai_id,
               Pegawai.id.not_in(ks))
    )


def baris_dinas(peran, tahun, st=None, tambahan=()):
    """Every principal's plan (and a Plt.'s own Guru plan) in the Dinas, or those plotted
    to this Tim Kerja member. Rows as in `baris_sekolah`."""
    today = hari_ini()
    aktif = and_(Penugasan.dinas_id == peran.dinas_id, Penugasan.aktif_pada(today))
    sebagai_ks = select(
        Penugasan.pegawai_id.label("pid"), Penugasan.peran.label("posisi"),
        Penugasan.sekolah_id.label("sid"),
    ).where(aktif, Penugasan.peran.in_(PERAN_KS))
    plt_sebagai_guru = (
        select(Penugasan.pegawai_id, literal("guru"), Penugasan.sekolah_id)
        .join(Pegawai, Penugasan.pegawai_id == Pegawai.id)
        .where(aktif, Penugasan.peran == "plt_kepala_sekolah",
               Pegawai.sekolah_id == Penugasan.sekolah_id)
    )
    u = union_all(sebagai_ks, plt_sebagai_guru).subquery()
    tim = aliased(Pegawai)
    stmt = (
        select(Pegawai, u.c.posisi, Skp, Sekolah.nama, tim.nama.label("tim"), *tambahan,
               (status_daftar() if st is None else st).label("st"))
        .join(u, Pegawai.id == u.c.pid)
        .join(Sekolah, Sekolah.id == u.c.sid)
        .outerjoin(Skp, and_(Skp.pegawai_id == u.c.pid, Skp.tahun_id == tahun.id,
                             Skp.posisi == u.c.posisi))
        .outerjoin(PlotTimKerja, and_(PlotTimKerja.kepala_sekolah_id == Pegawai.id,
                                      PlotTimKerja.tahun_id == tahun.id))
        .outerjoin(tim, tim.id == PlotTimKerja.tim_kerja_id)
        .where(Pegawai.keikutsertaan == "ikut")
    )
    if not peran.kepala_dinas:
        stmt = stmt.where(PlotTimKerja.tim_kerja_id == peran.pegawai_id)
    return stmt


def hitung_status(stmt):
    """{status (column `st`): rows} of a list query, plus "semua" (one query)."""
    sub = stmt.subquery()
    hitung = dict(db.session.execute(select(sub.c.st, func.count()).group_by(sub.c.st)).all())
    hitung["semua"] = sum(hitung.values())
    return hitung


@bp.get("")
@login_required
def daftar():
    peran = current_user.peran
    dinas = peran.kepala_dinas or peran.tim_kerja
    if not (peran.atasan_sekolah or dinas):
        abort(403)
    if peran.atasan_sekolah and request.args.get("lingkup") != "dinas":
        dinas = False
    tahun = tahun_aktif()
    stmt = baris_dinas(peran, tahun) if dinas else baris_sekolah(peran, tahun)
    q = request.args.get("q", "").strip()[:100]
    if q:
        stmt = stmt.where(Pegawai.nama.ilike(cari_teks(q), escape="\\"))
    tab = request.args.get("tab", "semua")
    if tab not in dict(TAB):
        tab = "semua"
    hitung = hitung_status(stmt)
    if tab != "semua":
        stmt = stmt.where(status_daftar() == tab)
    halaman = max(1, request.args.get("halaman", 1, type=int))
    urut = (Sekolah.nama, Pegawai.nama, Pegawai.id) if dinas else (Pegawai.nama, Pegawai.id)
    rows = db.session.execute(
        stmt.order_by(*urut).limit(PER_HALAMAN).offset((halaman - 1) * PER_HALAMAN)
    ).all()
    baris = [Baris(p, posisi, skp, sekolah, tim, st) for p, posisi, skp, sekolah, tim, st in rows]
    return render("persetujuan/daftar.html", block="hasil", baris=baris, tab=tab, tabs=TAB,
                  hitung=hitung, q=q, halaman=halaman, per_halaman=PER_HALAMAN, dinas=dinas,
                  total=hitung.get(tab, 0))


def get_skp_atasan_or_404(skp_id, kunci=False):
    """An SKP this person acts on as atasan (PPK, or Tim Kerja on the Kadis' behalf)."""
    q = (select(Skp).options(joinedload(Skp.pegawai), joinedload(Skp.tahun),
                             joinedload(Skp.sekolah))
         .where(Skp.id == skp_id))
    if kunci:
        q = q.with_for_update(of=Skp).execution_options(populate_existing=True)
    skp = db.session.scalar(q)
    if skp is None or skp.status == "draf" or not boleh_menilai(current_user.peran, skp):
        abort(404)
    return skp


def _form(n, skp, formdata=True):
    form = WIZARD.form(n, skp, formdata)
    if not formdata or not form.is_submitted():
        form.versi.data = str(skp.versi)
    return form


def _nilai(n, form, skp):
    if n == 1:
        return {"atasan_praktik_kode": form.praktik.data or skp.praktik_berlaku,
                "atasan_kompetensi_kode": form.kompetensi.data or skp.kompetensi_berlaku}
    if n == 2:
        return {"atasan_tugas_tambahan": form.tugas_tambahan.data == "ya"}
    atr = alur_skp.aturan_skp(skp)
    ekspektasi = {}
    for a in atr.perilaku:
        teks = (form[f"ekspektasi_{a.kode}"].data or "").strip()
        if teks and teks != atr.ekspektasi_khusus_bawaan:
            ekspektasi[a.kode] = teks
    return {"atasan_aspek_fokus": list(form.aspek.data or []), "ekspektasi": ekspektasi or None}


def _tampil(skp, n, form, status=200, pesan=None, konflik=None):
    return render(
        "persetujuan/langkah.html", block="wizard", status=status, skp=skp, n=n, form=form,
        langkah=LANGKAH, templat=WIZARD[n].templat, terakhir=WIZARD.terakhir,
        atr=alur_skp.aturan_skp(skp), posisi=skp.katalog_posisi,
        r=ringkas(skp), pesan=pesan, konflik=konflik, kurang_langkah={},
        url_langkah=lambda nomor: url_for(".langkah", skp_id=skp.id, n=nomor),
        bisa_ubah=skp.status == "diajukan",
    )


@bp.route("/<int:skp_id>/langkah/<int:n>", methods=["GET", "POST"])
@login_required
def langkah(skp_id, n):
    if n not in WIZARD:
        abort(404)
    skp = get_skp_atasan_or_404(skp_id, kunci=request.method == "POST")
    form = _form(n, skp)
    if not form.is_submitted():
        return _tampil(skp, n, form)
    if skp.status != "diajukan":
        flash("Perencanaan Kinerja ini tidak sedang menunggu persetujuan.", "info")
        return hx_redirect(url_for(".langkah", skp_id=skp.id, n=WIZARD.terakhir))
    if not form.validate_on_submit():
        return _tampil(skp, n, form, 422)
    if n == WIZARD.terakhir:
        return _putuskan(skp, form)
    aksi = form.aksi.data or "simpan"
    if aksi == "lanjut" and not WIZARD.periksa_wajib(n, form):
        return _tampil(skp, n, form, 422)
    with tangkap(form) as gagal:
        cek_versi(skp, form.versi.data)
        alur_skp.simpan_penyesuaian(skp, current_user, _nilai(n, form, skp))
        simpan_transaksi()
    if gagal.konflik:
        skp = get_skp_atasan_or_404(skp_id)
        form.versi.data = str(skp.versi)
        return _tampil(skp, n, form, 409, konflik=skp)
    if gagal:
        return _tampil(skp, n, form, 422)
    tujuan = WIZARD.tujuan(n, aksi)
    pesan = "Draf penyesuaian tersimpan." if aksi == "simpan" else None
    if pesan and not is_partial():
        flash(pesan, "sukses")
    url = url_for(".langkah", skp_id=skp.id, n=tujuan)
    return pindah(url, lambda: _tampil(skp, tujuan, _form(tujuan, skp, formdata=False),
                                       pesan=pesan))


def _putuskan(skp, form):
    """The last step: Setujui, or Kembalikan with a required note."""
    n = WIZARD.terakhir
    aksi = form.aksi.data
    with tangkap(form) as gagal:
        cek_versi(skp, form.versi.data)
        if aksi == "kembalikan":
            if not (form.catatan.data or "").strip():
                form.catatan.errors.append("Tulis catatan: apa yang perlu diperbaiki pegawai.")
                raise IsianSalah()
            alur_skp.kembalikan(skp, current_user, form.catatan.data)
            pesan = f"Perencanaan Kinerja {skp.pegawai.nama} dikembalikan dengan catatan."
        elif aksi == "setujui":
            alur_skp.setujui(skp, current_user, form.catatan.data)
            pesan = f"Perencanaan Kinerja {skp.pegawai.nama} disetujui."
        elif aksi == "simpan":
            alur_skp.simpan_catatan_draf(skp, current_user, form.catatan.data)
            pesan = "Draf tersimpan; Perencanaan Kinerja masih menunggu persetujuan Anda."
        else:
            raise Ditolak("Pilih Setujui atau Kembalikan.")
        simpan_transaksi()
    if gagal.konflik:
        skp = get_skp_atasan_or_404(skp.id)
        selesai = {"setujui": "disetujui", "kembalikan": "dikembalikan"}.get(aksi)
        if skp.status == selesai:  # a double click: the first one already did it
            return hx_redirect(url_for(".daftar"))
        form.versi.data = str(skp.versi)
        return _tampil(skp, n, form, 409, konflik=skp)
    if gagal:
        return _tampil(skp, n, form, 422)
    if aksi == "simpan":
        if not is_partial():
            flash(pesan, "sukses")
        url = url_for(".langkah", skp_id=skp.id, n=n)
        return pindah(url, lambda: _tampil(skp, n, _form(n, skp, formdata=False), pesan=pesan))
    flash(pesan, "sukses")
    return hx_redirect(url_for(".daftar"))


@bp.get("/<int:skp_id>")
@login_required
def lihat(skp_id):
    skp = get_skp_atasan_or_404(skp_id)
    return redirect(url_for(".langkah", skp_id=skp.id,
                            n=1 if skp.status == "diajukan" else WIZARD.terakhir))

