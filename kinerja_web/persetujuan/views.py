"""Persetujuan Perencanaan Kinerja: the atasan's list and four-step approval wizard.

A principal sees the teachers of the school he leads; the Kepala Dinas sees every
principal (definitive, Plt., and a Plt.'s own plan as Guru), a Tim Kerja member the
principals plotted to him, grouped by school.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kinerja_web.alur import Ditolak, IsianSalah, cek_versi
from kinerja_web.alur import skp as alur_skp
from kinerja_web.atasan import boleh_menilai
from kinerja_web.daftar import (
    baris_dinas,
    baris_sekolah,
    cari_nama,
    halaman_dari,
    hitung_status,
    lingkup_atasan,
    status_daftar,
    tahun_aktif,
)
from kinerja_web.extensions import db, simpan_transaksi
from kinerja_web.htmx import hx_redirect, is_partial, pindah, render
from kinerja_web.models import Pegawai, Sekolah
from kinerja_web.models.skp import Skp, StatusSkp
from kinerja_web.perencanaan import langkah as langkah_wizard
from kinerja_web.perencanaan.ringkasan import ringkas
from kinerja_web.tolakan import tangkap

bp = Blueprint("persetujuan", __name__, url_prefix="/persetujuan")

WIZARD = langkah_wizard.ATASAN
LANGKAH = WIZARD.judul
TAB = (("semua", "Semua"), (StatusSkp.DIAJUKAN, "Menunggu persetujuan"),
       (StatusSkp.DIKEMBALIKAN, "Dikembalikan"), (StatusSkp.DISETUJUI, "Disetujui"),
       (StatusSkp.DISEPAKATI, "Disepakati"), (StatusSkp.DRAF, "Draf"), ("belum", "Belum membuat"))


@dataclass
class Baris:
    pegawai: Pegawai
    posisi: str
    skp: Skp | None
    sekolah: str
    tim_kerja: str | None
    status: str


@bp.get("")
@login_required
def daftar():
    peran = current_user.peran
    dinas = lingkup_atasan(peran)
    tahun = tahun_aktif()
    stmt = baris_dinas(peran, tahun) if dinas else baris_sekolah(peran, tahun)
    stmt, q = cari_nama(stmt)
    tab = request.args.get("tab", "semua")
    if tab not in dict(TAB):
        tab = "semua"
    hitung = hitung_status(stmt)
    if tab != "semua":
        stmt = stmt.where(status_daftar() == tab)
    urut = (Sekolah.nama, Pegawai.nama, Pegawai.id) if dinas else (Pegawai.nama, Pegawai.id)
    h = halaman_dari(stmt.order_by(*urut), hitung.get(tab, 0))
    baris = [Baris(p, posisi, skp, sekolah, tim, st)
             for p, posisi, skp, sekolah, tim, st in h.items]
    return render("persetujuan/daftar.html", block="hasil", baris=baris, tab=tab, tabs=TAB,
                  hitung=hitung, q=q, halaman=h.page, per_halaman=h.per_page, dinas=dinas,
                  total=h.total)


def get_skp_atasan_or_404(skp_id, kunci=False):
    """An SKP this person acts on as atasan (PPK, or Tim Kerja on the Kadis' behalf)."""
    q = (select(Skp).options(joinedload(Skp.pegawai), joinedload(Skp.tahun),
                             joinedload(Skp.sekolah))
         .where(Skp.id == skp_id))
    if kunci:
        q = q.with_for_update(of=Skp).execution_options(populate_existing=True)
    skp = db.session.scalar(q)
    if skp is None or skp.status == StatusSkp.DRAF or not boleh_menilai(current_user.peran, skp):
        abort(404)
    return skp


def _form(n, skp, formdata=True):
    form = WIZARD.form(n, skp, formdata)
    if not formdata or not form.is_submitted():
        form.versi.data = str(skp.versi)
    return form


def _tampil(skp, n, form, status=200, pesan=None, konflik=None):
    return render(
        "persetujuan/langkah.html", block="wizard", status=status, skp=skp, n=n, form=form,
        langkah=LANGKAH, templat=WIZARD[n].templat, terakhir=WIZARD.terakhir,
        atr=alur_skp.aturan_skp(skp), posisi=skp.katalog_posisi,
        r=ringkas(skp), pesan=pesan, konflik=konflik, kurang_langkah={},
        url_langkah=lambda nomor: url_for(".langkah", skp_id=skp.id, n=nomor),
        bisa_ubah=skp.status == StatusSkp.DIAJUKAN, tenggat=alur_skp.tenggat_skp(skp),
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
    if skp.status != StatusSkp.DIAJUKAN:
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
        alur_skp.simpan_penyesuaian(skp, current_user, WIZARD.nilai(n, form, skp))
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
        selesai = {"setujui": StatusSkp.DISETUJUI, "kembalikan": StatusSkp.DIKEMBALIKAN}.get(aksi)
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
                            n=1 if skp.status == StatusSkp.DIAJUKAN else WIZARD.terakhir))

