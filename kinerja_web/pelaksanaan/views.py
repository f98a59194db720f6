"""Pelaksanaan Kinerja: the praktik-kinerja cycle (one URL per step, shared by pegawai and
atasan, each seeing their own form), the competency reflection and the confirmations. The
atasan's "Daftar Penilaian Kinerja" is in the penilaian package (/penilaian)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased, joinedload

from kinerja_web.alur import Ditolak, Konflik, cek_versi
from kinerja_web.alur import pelaksanaan as alur_p
from kinerja_web.alur.skp import aturan_skp
from kinerja_web.alur.syarat import KELENGKAPAN, syarat_predikat_ditetapkan
from kinerja_web.atasan import (
    PERAN_KS,
    boleh_menilai,
    diplot_ke,
    pimpinan_dari,
    pimpinan_satu_sekolah,
)
from kinerja_web.daftar import tahun_aktif
from kinerja_web.extensions import db, simpan_transaksi
from kinerja_web.htmx import is_partial, pindah, render
from kinerja_web.models import Pegawai, Penugasan, PlotTimKerja
from kinerja_web.models.pelaksanaan import (
    JenisKonfirmasi,
    Praktik,
    RefleksiKompetensi,
    StatusLangkah,
)
from kinerja_web.models.skp import Skp, StatusSkp
from kinerja_web.pelaksanaan import forms as f
from kinerja_web.pelaksanaan import langkah as langkah_praktik
from kinerja_web.tolakan import tangkap
from kinerja_web.waktu import format_waktu, hari_ini, sekarang

bp = Blueprint("pelaksanaan", __name__, url_prefix="/pelaksanaan")
WIZARD = langkah_praktik.PRAKTIK
LANGKAH = WIZARD.judul


def get_skp_pelaksanaan_or_404(skp_id, kunci=False):
    """An agreed SKP the signed-in person works on: as its pegawai or as its atasan.

    One query, locking the SKP for a write (every write of its implementation locks it
    first): the SKP with its person, year and school, the school's leaders and the
    signed-in person's Tim Kerja plot (what the atasan check asks), and whether the
    predikat is set. The checks in alur reuse these answers for the rest of the request.
    """
    saya = current_user.peran.pegawai_id
    tugas_ks, ks = aliased(Penugasan), aliased(Pegawai)
    diplot = exists().where(PlotTimKerja.tahun_id == Skp.tahun_id,
                            PlotTimKerja.tim_kerja_id == saya,
                            PlotTimKerja.kepala_sekolah_id == Skp.pegawai_id)
    q = (select(Skp, tugas_ks.peran, ks, syarat_predikat_ditetapkan(Skp.id), diplot)
         .outerjoin(tugas_ks, and_(tugas_ks.sekolah_id == Skp.sekolah_id,
                                   tugas_ks.peran.in_(PERAN_KS),
                                   tugas_ks.aktif_pada(hari_ini())))
         .outerjoin(ks, ks.id == tugas_ks.pegawai_id)
         .options(joinedload(Skp.pegawai), joinedload(Skp.tahun), joinedload(Skp.sekolah))
         .where(Skp.id == skp_id)
         .order_by(tugas_ks.mulai))
    if kunci:
        q = q.with_for_update(of=Skp).execution_options(populate_existing=True)
    rows = db.session.execute(q).all()
    if not rows or rows[0][0].status != StatusSkp.DISEPAKATI:
        abort(404)
    skp, _, _, ditetapkan, diplot = rows[0]
    if skp.sekolah_id is not None:
        pimpinan_satu_sekolah.ingat(skp.sekolah_id, nilai=pimpinan_dari(
            (peran, orang) for _, peran, orang, _, _ in rows if peran is not None))
    diplot_ke.ingat(saya, skp.pegawai_id, skp.tahun_id, nilai=bool(diplot))
    alur_p.ingat_predikat(skp.id, ditetapkan)
    if skp.pegawai_id == saya:
        return skp, "pegawai"
    if boleh_menilai(current_user.peran, skp):
        return skp, "atasan"
    abort(404)


def praktik_kosong(skp):
    """A not-yet-saved cycle for display (a GET never writes)."""
    belum = StatusLangkah.BELUM
    p = Praktik(skp_id=skp.id, versi=0, fokus_perilaku=[], rubrik=[], status_persiapan=belum,
                status_observasi=belum, status_tindak_lanjut=belum, status_refleksi=belum)
    p.skp = skp
    return p


# ---------------------------------------------------------------- the pegawai's overview

@bp.get("")
@login_required
def index():
    tahun = tahun_aktif()
    rows = db.session.execute(
        select(Skp, Praktik).outerjoin(Praktik, Praktik.skp_id == Skp.id)
        .where(Skp.pegawai_id == current_user.pegawai_id, Skp.tahun_id == tahun.id)
        .order_by(Skp.mulai, Skp.posisi)).all()
    return render_template("pelaksanaan/index.html", daftar=[s for s, _ in rows], tahun=tahun,
                           langkah={s.id: alur_p.langkah_sekarang(p) for s, p in rows})


# ---------------------------------------------------------------- the praktik cycle

def status_langkah(p):
    """{step: label} for the step indicator."""
    return {n: s.label_status(p) for n, s in enumerate(WIZARD.langkah, 1)}


def _form(n, sebagai, p, formdata=True):
    kwargs = {} if formdata else {"formdata": None}
    form = WIZARD[n].sisi(sebagai).form(p, **kwargs)
    if not formdata or not form.is_submitted():
        form.versi.data = str(p.versi)
    return form


def _tampil(skp, sebagai, p, n, form, status=200, pesan=None, konflik=False, **upaya):
    """The step's section (htmx) or page. `upaya`: the progress note being corrected
    (`ubah_upaya`) and its form (`form_ubah`), on step 4."""
    s = WIZARD[n].alur
    response = render(
        "pelaksanaan/praktik.html", block="langkah", status=status, skp=skp, sebagai=sebagai,
        p=p, n=n, form=form, langkah=LANGKAH, templat=WIZARD[n].templat,
        status_langkah=status_langkah(p),
        kurang_langkah=alur_p.belum_selesai(p), terkunci=alur_p.langkah_terbuka(p, n),
        indikator=langkah_praktik.indikator(skp), pesan=pesan, konflik=konflik,
        hasil_observasi=HASIL_OBSERVASI, final=alur_p.predikat_ditetapkan(skp),
        # The atasan is offered only what the workflow allows now.
        boleh_kembalikan=s.dokumen and not alur_p.alasan_tidak_dikembalikan(p, n),
        dokumen_kurang=s.dokumen and bool(alur_p.dokumen_kurang(p, n)),
        skala_nilai=alur_p.skala_nilai_dokumen(skp) if s.kolom_nilai else {},
        nama_nilai=s.nama_nilai,
        nilai_dok=getattr(p, s.kolom_nilai) if s.kolom_nilai else None,
        url_langkah=lambda nomor: url_for(".praktik", skp_id=skp.id, n=nomor),
        upaya_terkunci=(alur_p.alasan_upaya_terkunci(p)
                        if n == alur_p.NOMOR["upaya"] and p.id else None),
        **upaya,
    )
    return _alihkan_simpan_otomatis(response, form, status, "#langkah")


def _alihkan_simpan_otomatis(response, form, status, sasaran):
    """An autosave targets the status line; a form to correct (409, 422) replaces the
    form's section instead, with what was typed."""
    if status != 200 and is_partial() and form.aksi.data == "otomatis":
        response.headers["HX-Retarget"] = sasaran
        response.headers["HX-Reswap"] = "outerHTML"
    return response


HASIL_OBSERVASI = (("belum", "Belum dilakukan"), ("belum_efektif", "Dilakukan tapi belum efektif"),
                   ("efektif", "Dilakukan dan efektif"))


@bp.route("/<int:skp_id>/praktik/<int:n>", methods=["GET", "POST"])
@login_required
def praktik(skp_id, n):
    if n not in WIZARD:
        abort(404)
    tulis = request.method == "POST"
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=tulis)
    berkas = alur_p.muat_berkas(skp, upaya=True,
                                kunci=request.form.get("kunci") if tulis else None)
    ada = berkas.praktik
    p = ada or praktik_kosong(skp)
    form = _form(n, sebagai, p)
    if not tulis:
        return _tampil(skp, sebagai, p, n, form)
    if not form.validate_on_submit():
        return _tampil(skp, sebagai, p, n, form, 422)
    aksi = form.aksi.data or "simpan"
    tujuan = n
    # A refused step leaves nothing behind (its savepoint), and the rows not touched stay
    # loaded.
    with tangkap(form, batal=False) as gagal, db.session.begin_nested():
        sisi = WIZARD[n].sisi(sebagai)
        if aksi not in sisi.aksi or sisi.simpan is None:
            raise Ditolak("Tindakan ini tidak tersedia pada langkah ini.")
        if ada is None:
            p = berkas.praktik = alur_p.praktik_baru(skp)
        elif sisi.cek_versi:
            cek_versi(p, form.versi.data)
        pesan, tujuan = sisi.simpan(langkah_praktik.Konteks(p, n, aksi, form, berkas,
                                                            current_user))
    if gagal.konflik:
        form.versi.data = str(p.versi)
        return _tampil(skp, sebagai, p, n, form, 409, konflik=True)
    if gagal:
        berkas.praktik = ada
        p = ada or praktik_kosong(skp)
        return _tampil(skp, sebagai, p, n, form, 422)
    simpan_transaksi()
    if aksi == "otomatis":
        return render_template("pelaksanaan/_tersimpan.html", versi=p.versi,
                               waktu=format_waktu(sekarang()))
    if not is_partial():
        flash(pesan, "sukses")
    url = url_for(".praktik", skp_id=skp.id, n=tujuan)
    return pindah(url, lambda: _tampil(skp, sebagai, p, tujuan,
                                       _form(tujuan, sebagai, p, formdata=False), pesan=pesan))


# ---------------------------------------------------------------- competency reflection

def _catatan_or_404(berkas, catatan_id):
    """One of this cycle's progress notes (loaded with it), for its own pegawai only: the
    atasan reads the notes but does not change them (403); another cycle's note is 404."""
    p = berkas.praktik
    catatan = next((u for u in (p.upaya if p is not None else []) if u.id == catatan_id),
                   None)
    if catatan is None:
        abort(404)
    return catatan


def _form_ubah_upaya(catatan, formdata=True):
    kwargs = {} if formdata else {"formdata": None}
    form = f.FormUbahUpaya(prefix="ubah", tanggal=catatan.tanggal, isi=catatan.isi, **kwargs)
    if not formdata or not form.is_submitted():
        form.versi.data = str(catatan.versi)
    return form


def _tampil_upaya(skp, sebagai, p, catatan, form_ubah, status=200, pesan=None):
    """The note alone (htmx swaps it in place: in edit mode while `form_ubah`), or the
    step page with it."""
    boleh = not alur_p.alasan_upaya_terkunci(p)
    if is_partial():
        return render_template(
            "pelaksanaan/_upaya_satu.html", skp=skp, u=catatan, pesan=pesan, boleh=boleh,
            form_ubah=form_ubah if boleh or status != 200 else None), status
    form = _form(alur_p.NOMOR["upaya"], sebagai, p, formdata=False)
    if not boleh and form_ubah is not None:  # no note form to show it on: above the step
        form.form_errors.extend(form_ubah.form_errors)
    return _tampil(skp, sebagai, p, alur_p.NOMOR["upaya"], form, status,
                   ubah_upaya=catatan.id if form_ubah is not None else None,
                   form_ubah=form_ubah)


@bp.route("/<int:skp_id>/upaya/<int:catatan_id>", methods=["GET", "POST"])
@login_required
def upaya(skp_id, catatan_id):
    """Correct a progress note (step 4), until the reflection is accepted."""
    tulis = request.method == "POST"
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=tulis)
    berkas = alur_p.muat_berkas(skp, upaya=True)
    catatan = _catatan_or_404(berkas, catatan_id)
    if sebagai != "pegawai":
        abort(403)
    p = berkas.praktik
    form = _form_ubah_upaya(catatan)
    if not tulis:
        return _tampil_upaya(skp, sebagai, p, catatan, form)
    if not form.validate_on_submit():
        return _tampil_upaya(skp, sebagai, p, catatan, form, 422)
    with tangkap(form, batal=False, pesan_konflik=(
            "Catatan ini baru saja diubah di tab atau perangkat lain. Isian Anda di bawah "
            "belum tersimpan; periksa lalu simpan lagi.")) as gagal, db.session.begin_nested():
        cek_versi(catatan, form.versi.data)
        berubah = alur_p.ubah_upaya(catatan, current_user, form.tanggal.data, form.isi.data)
    if gagal:
        if gagal.konflik:
            form.versi.data = str(catatan.versi)
        return _tampil_upaya(skp, sebagai, p, catatan, form, gagal.status)
    simpan_transaksi()
    pesan = "Catatan upaya diubah." if berubah else "Tidak ada yang berubah."
    if is_partial():
        return _tampil_upaya(skp, sebagai, p, catatan, None, pesan=pesan)
    flash(pesan, "sukses")
    return redirect(url_for(".praktik", skp_id=skp.id, n=alur_p.NOMOR["upaya"])
                    + f"#upaya-{catatan.id}", 303)


@bp.post("/<int:skp_id>/upaya/<int:catatan_id>/hapus")
@login_required
def hapus_upaya(skp_id, catatan_id):
    """Delete a progress note (step 4), until the reflection is accepted. A second press
    (the note is gone) is a 404 like any id that does not exist."""
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=True)
    berkas = alur_p.muat_berkas(skp, upaya=True)
    catatan = _catatan_or_404(berkas, catatan_id)
    if sebagai != "pegawai":
        abort(403)
    p = berkas.praktik
    form_h = f.FormAksi()
    gagal = None
    if form_h.validate_on_submit():
        with tangkap(form_h, batal=False, pesan_konflik=(
                "Catatan ini baru saja diubah di tab atau perangkat lain; periksa isinya "
                "lalu hapus lagi bila perlu.")) as gagal, db.session.begin_nested():
            cek_versi(catatan, form_h.versi.data)
            alur_p.hapus_upaya(catatan, current_user)
    if gagal is None or gagal:
        form = _form(alur_p.NOMOR["upaya"], sebagai, p, formdata=False)
        form.form_errors.extend(form_h.form_errors)
        return _tampil(skp, sebagai, p, alur_p.NOMOR["upaya"], form,
                       gagal.status if gagal else 422)
    simpan_transaksi()
    pesan = "Catatan upaya dihapus."
    url = url_for(".praktik", skp_id=skp.id, n=alur_p.NOMOR["upaya"])
    return _berhasil(url, pesan, lambda: _tampil(
        skp, sebagai, p, alur_p.NOMOR["upaya"],
        _form(alur_p.NOMOR["upaya"], sebagai, p, formdata=False), pesan=pesan))


# ---------------------------------------------------------------- competency reflection

def refleksi_kosong(skp):
    r = RefleksiKompetensi(skp_id=skp.id, versi=0, inspirasi=[], penerapan=[])
    r.skp = skp
    return r


def _hitung(form):
    """{field name: character count} for the live counters."""
    return {fld.name: len((fld.data or "").replace("\r\n", "\n"))
            for fld in form if fld.name.startswith(("inspirasi_", "penerapan_"))}


def _form_kompetensi(sebagai, ref, formdata=True):
    isi = {f"{nama}_{i}": (getattr(ref, nama) or [])[i]
           if i < len(getattr(ref, nama) or []) else ""
           for nama in ("inspirasi", "penerapan") for i in range(3)}
    kelas = f.FormKompetensi if sebagai == "pegawai" else f.FormValidasi
    form = kelas(**isi) if formdata else kelas(formdata=None, **isi)
    if not formdata or not form.is_submitted():
        form.versi.data = str(ref.versi)
    return form


@bp.route("/<int:skp_id>/kompetensi", methods=["GET", "POST"])
@login_required
def kompetensi(skp_id):
    tulis = request.method == "POST"
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=tulis)
    berkas = alur_p.muat_berkas(skp)
    ada = berkas.ref
    ref = ada or refleksi_kosong(skp)
    form = _form_kompetensi(sebagai, ref)
    if not tulis:
        return _tampil_kompetensi(skp, sebagai, ref, form, {})
    if not form.validate_on_submit():
        return _tampil_kompetensi(skp, sebagai, ref, form, {}, 422)
    aksi = form.aksi.data or "simpan"
    galat = {}
    with tangkap(form, batal=False, pesan_konflik=(
            "Refleksi ini baru saja diubah di tab atau perangkat lain. Isian Anda di bawah "
            "belum tersimpan; periksa lalu simpan lagi.")) as gagal, db.session.begin_nested():
        if aksi not in ({"simpan", "otomatis"} if sebagai == "pegawai"
                        else {"validasi", "batal"}):
            raise Ditolak("Tindakan ini tidak tersedia di halaman ini.")
        if ada is None:
            ref = berkas.ref = alur_p.refleksi_baru(skp)
        else:
            cek_versi(ref, form.versi.data)
        if sebagai == "pegawai":
            inspirasi, penerapan = form.daftar("inspirasi"), form.daftar("penerapan")
            galat = alur_p.periksa_isian_kompetensi(
                inspirasi, penerapan, lengkap=aksi != "otomatis")
            if galat:
                raise Ditolak("Periksa isian yang ditandai.")
            alur_p.simpan_refleksi_kompetensi(ref, current_user, inspirasi, penerapan,
                                              otomatis=aksi == "otomatis")
            pesan = "Refleksi tersimpan."
        else:
            alur_p.validasi_kompetensi(ref, current_user, ya=aksi != "batal",
                                       dimuat=berkas.kelengkapan())
            pesan = "Validasi tersimpan."
    if gagal.konflik:
        form.versi.data = str(ref.versi)
        return _tampil_kompetensi(skp, sebagai, ref, form, galat, 409)
    if gagal:
        berkas.ref = ada
        ref = ada or refleksi_kosong(skp)
        if aksi == "otomatis":
            return render_template("pelaksanaan/_hitung.html", hitung=_hitung(form),
                                   maks=alur_p.MAKS_KARAKTER,
                                   galat=galat, versi=ref.versi, pesan=gagal.pesan), 422
        return _tampil_kompetensi(skp, sebagai, ref, form, galat, 422)
    simpan_transaksi()
    if aksi == "otomatis":
        return render_template("pelaksanaan/_hitung.html", hitung=_hitung(form),
                                   maks=alur_p.MAKS_KARAKTER, galat={},
                               versi=ref.versi,
                               pesan=f"Draf tersimpan otomatis {format_waktu(sekarang())}.")
    return _berhasil(url_for(".kompetensi", skp_id=skp.id), pesan, lambda: _tampil_kompetensi(
        skp, sebagai, ref, _form_kompetensi(sebagai, ref, formdata=False), {}, pesan=pesan))


def _berhasil(url, pesan, tampilkan):
    """After a save on a page that stays where it is: for htmx the page's section with the
    message, in the same response (one request); without JavaScript Post/Redirect/Get."""
    if is_partial():
        return tampilkan()
    flash(pesan, "sukses")
    return redirect(url, 303)


def _tampil_kompetensi(skp, sebagai, ref, form, galat, status=200, pesan=None):
    komp = aturan_skp(skp).kompetensi(skp.katalog_posisi).get(skp.kompetensi_berlaku)
    response = render(
        "pelaksanaan/kompetensi.html", block="isi", status=status, skp=skp, sebagai=sebagai,
        ref=ref, form=form, galat=galat, hitung=_hitung(form), maks=alur_p.MAKS_KARAKTER,
        kompetensi=komp, terkunci=alur_p.predikat_ditetapkan(skp), pesan=pesan)
    return _alihkan_simpan_otomatis(response, form, status, "#isi")


# ---------------------------------------------------------------- confirmations

def _form_tugas(sebagai, berkas, formdata=True):
    ada = berkas.konfirmasi
    jenis_tugas = "tugas_pegawai" if sebagai == "pegawai" else "tugas_atasan"
    kwargs = {} if formdata else {"formdata": None}
    form = f.FormKonfirmasi(tugas=[k for (j, k) in ada if j == jenis_tugas],
                            dokumen=[k for (j, k) in ada if j == JenisKonfirmasi.DOKUMEN],
                            kelengkapan=[k for (j, k) in ada
                                         if j == JenisKonfirmasi.KELENGKAPAN], **kwargs)
    if not formdata or not form.is_submitted():
        form.versi.data = str(berkas.versi_konfirmasi)
    return form


@bp.route("/<int:skp_id>/tugas", methods=["GET", "POST"])
@login_required
def tugas(skp_id):
    tulis = request.method == "POST"
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=tulis)
    berkas = alur_p.muat_berkas(skp)
    form = _form_tugas(sebagai, berkas)
    if not tulis:
        return _tampil_tugas(skp, sebagai, berkas, form)
    if not form.validate_on_submit():
        return _tampil_tugas(skp, sebagai, berkas, form, 422)
    pilihan = {("tugas_pegawai" if sebagai == "pegawai" else "tugas_atasan"):
               list(form.tugas.data or [])}
    dokumen = list(form.dokumen.data or [])
    if alur_p.dokumen_oleh_pegawai(skp):
        # A principal's documents: he confirms them; his atasan only validates them.
        if sebagai == "pegawai":
            pilihan["dokumen"] = dokumen
        elif dokumen:
            abort(403)
    if sebagai == "atasan":
        if not alur_p.dokumen_oleh_pegawai(skp):
            pilihan["dokumen"] = dokumen
        pilihan["kelengkapan"] = list(form.kelengkapan.data or [])
    with tangkap(form, batal=False, pesan_konflik=(
            "Konfirmasi ini baru saja diubah di tab atau perangkat lain. Centang Anda di "
            "bawah belum tersimpan; periksa keterangan tiap butir lalu simpan lagi.")
    ) as gagal, db.session.begin_nested():
        # The page's version: how many confirmation saves (each audited) it saw.
        if form.versi.data is None or int(form.versi.data) != berkas.versi_konfirmasi:
            raise Konflik(skp)
        alur_p.konfirmasi_banyak(skp, current_user, pilihan, berkas)
    if gagal.konflik:
        form.versi.data = str(berkas.versi_konfirmasi)
    if gagal:
        return _tampil_tugas(skp, sebagai, berkas, form, gagal.status)
    simpan_transaksi()
    pesan = "Konfirmasi tersimpan."
    return _berhasil(url_for(".tugas", skp_id=skp.id), pesan, lambda: _tampil_tugas(
        skp, sebagai, berkas, _form_tugas(sebagai, berkas, formdata=False), pesan=pesan))


@bp.post("/<int:skp_id>/tugas/validasi-dokumen")
@login_required
def validasi_dokumen(skp_id):
    """The atasan of a principal (Tim Kerja plotted to him, or the Kepala Dinas) accepts
    the documents he confirmed, or returns them with a note."""
    skp, sebagai = get_skp_pelaksanaan_or_404(skp_id, kunci=True)
    if sebagai != "atasan" or not alur_p.dokumen_oleh_pegawai(skp):
        abort(403)
    berkas = alur_p.muat_berkas(skp)
    form_v = f.FormValidasiDokumen()
    form = _form_tugas(sebagai, berkas, formdata=False)
    if not form_v.validate_on_submit():
        return _tampil_tugas(skp, sebagai, berkas, form, 422, form_v=form_v)
    aksi = form_v.aksi.data
    with tangkap(form_v, batal=False, pesan_konflik=(
            "Konfirmasi dokumen baru saja diubah di tab atau perangkat lain. Periksa lalu "
            "simpan lagi.")) as gagal, db.session.begin_nested():
        if aksi not in ("terima", "kembalikan"):
            raise Ditolak("Tindakan ini tidak tersedia di halaman ini.")
        if form_v.versi.data is None or int(form_v.versi.data) != berkas.versi_konfirmasi:
            raise Konflik(skp)
        alur_p.validasi_dokumen(skp, current_user, aksi == "terima", form_v.catatan.data,
                                berkas)
    if gagal:
        berkas = alur_p.muat_berkas(skp)
        if gagal.konflik:
            form_v.versi.data = str(berkas.versi_konfirmasi)
        return _tampil_tugas(skp, sebagai, berkas, _form_tugas(sebagai, berkas, False),
                             gagal.status, form_v=form_v)
    simpan_transaksi()
    pesan = ("Dokumen akuntabilitas divalidasi." if aksi == "terima" else
             "Dokumen akuntabilitas dikembalikan ke kepala sekolah dengan catatan.")
    return _berhasil(url_for(".tugas", skp_id=skp.id), pesan, lambda: _tampil_tugas(
        skp, sebagai, berkas, _form_tugas(sebagai, berkas, formdata=False), pesan=pesan))


def _tampil_tugas(skp, sebagai, berkas, form, status=200, pesan=None, form_v=None):
    atr = aturan_skp(skp)
    posisi = skp.katalog_posisi
    oleh_ks = alur_p.dokumen_oleh_pegawai(skp)
    if oleh_ks and sebagai == "atasan" and form_v is None:
        form_v = f.FormValidasiDokumen(formdata=None)
    if form_v is not None and form_v.versi.data is None:
        form_v.versi.data = str(berkas.versi_konfirmasi)
    validasi = next((k for j, k in berkas.konfirmasi if j == alur_p.VALIDASI_DOKUMEN), None)
    return render(
        "pelaksanaan/tugas.html", block="isi", status=status, skp=skp, sebagai=sebagai,
        form=form, ada=berkas.konfirmasi, pesan=pesan, dokumen_oleh_ks=oleh_ks,
        form_v=form_v, validasi=validasi, catatan_validasi=berkas.catatan_validasi,
        terkunci=alur_p.predikat_ditetapkan(skp),
        tugas=[t for t in atr.tugas_pokok(posisi)
               if t.kode in alur_p.kode_konfirmasi(skp, JenisKonfirmasi.TUGAS_PEGAWAI)],
        dokumen=[d for d in atr.dokumen(posisi)
                 if d.kode in alur_p.kode_konfirmasi(skp, JenisKonfirmasi.DOKUMEN)],
        kelengkapan=[(k, KELENGKAPAN[k])
                     for k in alur_p.kode_konfirmasi(skp, JenisKonfirmasi.KELENGKAPAN)],
    )


# ---------------------------------------------------------------- the old list address

@bp.get("/daftar")
@login_required
def daftar():
    """The atasan's list moved to /penilaian (the menu's "Penilaian"); old links land there."""
    tujuan = url_for("penilaian.daftar")
    if request.query_string:
        tujuan += "?" + request.query_string.decode()
    return redirect(tujuan, 301)
