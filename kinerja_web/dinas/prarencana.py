"""Pra-perencanaan (2026 cycle, first component): the checks that must pass before a
school's teachers plan, with counts, the failing items per check, who fixes each and where,
a download of every fault, and the Operator Dinas' override per school (with a reason).

Every page is a constant number of queries (`alur.prarencana.hasil_pra` reads the Dinas in
four); the lists are filtered and paged in memory from that one reading.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kinerja_web import alur
from kinerja_web.alur import IsianSalah
from kinerja_web.alur import prarencana as alur_pra
from kinerja_web.aturan.prarencana import LABEL_CEK, SATUAN_CEK, Cek, StatusUnor
from kinerja_web.daftar import PER_HALAMAN, nomor_halaman, tahun_pilihan
from kinerja_web.dinas.forms import FormBukaPerencanaan
from kinerja_web.extensions import db
from kinerja_web.lembar import tulis_csv, tulis_xlsx
from kinerja_web.models import Sekolah
from kinerja_web.peran import perlu_peran
from kinerja_web.tolakan import tangkap
from kinerja_web.unduhan import kirim_berkas

bp = Blueprint("dinas_pra", __name__, url_prefix="/dinas")

# Where each check's fault is fixed in this app (the fix itself may be in Dapodik or SIASN:
# the roster is then imported again).
TEMPAT = {
    Cek.UNOR: ("impor.index", "Impor data sekolah (kolom unor_id)"),
    Cek.PIMPINAN: ("impor.index", "Impor data pegawai (kolom peran)"),
    Cek.PLOT: ("dinas_penilaian.tim_kerja", "Plotting Tim Kerja"),
    Cek.NIP: ("dinas.detail_pegawai", "Data pegawai (perbaiki di Dapodik, lalu impor ulang)"),
    Cek.JABATAN: ("dinas.detail_pegawai", "Data pegawai (perbaiki di SIASN, lalu impor ulang)"),
}


def tautan(k):
    """(url, label) of the place the fault is fixed."""
    if k.unor == StatusUnor.TANPA_REFERENSI:
        return url_for("sinkro.referensi_index"), "Data Referensi (unggah Referensi Unit Kerja)"
    endpoint, label = TEMPAT[k.cek]
    if endpoint == "dinas.detail_pegawai":
        return url_for(endpoint, pegawai_id=k.pegawai_id), label
    return url_for(endpoint), label


def _cocok(k, q):
    q = q.casefold()
    return any(q in (v or "").casefold() for v in (k.nama, k.nip, k.sekolah_nama))


def _sekolah_boleh(sekolah_id):
    """The school, if the signed-in person may see its checks (the Operator Dinas of its
    Dinas, or its own principal or Plt.); else 404."""
    s = db.session.get(Sekolah, sekolah_id)
    peran = current_user.peran
    if s is None or s.dinas_id != peran.dinas_id or not (
            peran.operator_dinas or s.id in peran.atasan_sekolah):
        abort(404)
    return s


@bp.get("/pra-perencanaan")
@perlu_peran("operator_dinas")
def index():
    """Every check of the shown year (`?tahun=`), the failing items of one (`?cek=`)."""
    tahun, daftar_tahun, tahun_salah = tahun_pilihan()
    dinas_id = current_user.peran.dinas_id
    hasil = alur_pra.hasil_pra(dinas_id, tahun)
    dibuka = alur_pra.dibuka(tahun)
    nama_sekolah = {k.sekolah_id: k.sekolah_nama for k in hasil.kesalahan}
    tertutup = sorted((sid for sid in hasil.sekolah_gagal if sid not in dibuka),
                      key=lambda sid: nama_sekolah[sid])
    bawaan = next((c for c in Cek if hasil.gagal(c)), Cek.UNOR)
    cek = request.args.get("cek", bawaan)
    cek = Cek(cek) if cek in Cek._value2member_map_ else bawaan
    q = request.args.get("q", "").strip()[:100]
    daftar = [k for k in hasil.per_cek[cek] if not q or _cocok(k, q)]
    halaman = nomor_halaman()
    isi = [(k, *tautan(k)) for k in
           daftar[(halaman - 1) * PER_HALAMAN:halaman * PER_HALAMAN]]
    return render_template(
        "dinas/pra_perencanaan.html", hasil=hasil, cek=cek, semua_cek=list(Cek),
        label_cek=LABEL_CEK, satuan=SATUAN_CEK, isi=isi, total=len(daftar), halaman=halaman,
        per_halaman=PER_HALAMAN, q=q, tahun=tahun, daftar_tahun=daftar_tahun,
        tahun_salah=tahun_salah, berlaku=alur_pra.berlaku(tahun), dibuka=dibuka,
        tertutup=[(sid, nama_sekolah[sid], len(hasil.sekolah(sid))) for sid in tertutup],
        jumlah_sekolah=hasil.diperiksa[Cek.UNOR])


@bp.get("/pra-perencanaan.<any(csv, xlsx):format>")
@perlu_peran("operator_dinas")
def unduh(format):
    """Every fault of the shown year, as CSV or XLSX (formula injection neutralised)."""
    tahun, _, _ = tahun_pilihan()
    hasil = alur_pra.hasil_pra(current_user.peran.dinas_id, tahun)
    kepala = ["Pemeriksaan", "Satuan Pendidikan", "Nama", "NIP", "Uraian", "Diperbaiki oleh",
              "Tempat perbaikan"]
    isi = [[LABEL_CEK[k.cek], k.sekolah_nama, k.nama or "", k.nip or "", k.uraian,
            k.pemerbaiki.label, tautan(k)[1]] for k in hasil.kesalahan]
    berkas = tulis_csv(kepala, isi) if format == "csv" else \
        tulis_xlsx({f"Pra-perencanaan {tahun.tahun}": (kepala, isi)})
    if not alur.catat_bacaan("unduh_pra_perencanaan", data={"format": format,
                                                           "baris": len(isi),
                                                           "tahun": tahun.tahun}):
        abort(503)
    return kirim_berkas(berkas, f"pra-perencanaan-{tahun.tahun}.{format}")


def _halaman_sekolah(s, tahun, form, status=200):
    hasil = alur_pra.hasil_pra(s.dinas_id, tahun, s.id)
    return render_template(
        "dinas/pra_sekolah.html", s=s, tahun=tahun, hasil=hasil, label_cek=LABEL_CEK,
        isi=[(k, *tautan(k)) for k in hasil.kesalahan], berlaku=alur_pra.berlaku(tahun),
        buka=alur_pra.dibuka(tahun, [s.id]).get(s.id), form=form,
        operator=current_user.peran.operator_dinas), status


@bp.get("/pra-perencanaan/sekolah/<int:sekolah_id>")
@perlu_peran("operator_dinas", "kepala_sekolah", "plt_kepala_sekolah")
def sekolah(sekolah_id):
    """One school's checks; the Operator Dinas' form opening its planning."""
    s = _sekolah_boleh(sekolah_id)
    tahun, _, _ = tahun_pilihan()
    return _halaman_sekolah(s, tahun, FormBukaPerencanaan(formdata=None))


@bp.post("/pra-perencanaan/sekolah/<int:sekolah_id>/buka")
@perlu_peran("operator_dinas")
def buka(sekolah_id):
    """Open planning for this school of the shown year despite failing checks (audited)."""
    s = _sekolah_boleh(sekolah_id)
    tahun, _, _ = tahun_pilihan()
    form = FormBukaPerencanaan()
    if form.validate_on_submit():
        with tangkap(form) as gagal:
            try:
                alur_pra.buka(current_user, s, tahun, form.alasan.data, form.yakin.data)
            except IsianSalah as e:
                getattr(form, getattr(e, "bidang", "alasan")).errors.append(str(e))
                raise
            db.session.commit()
        if not gagal:
            flash(f"Perencanaan Kinerja {tahun.tahun} dibuka untuk {s.nama}.", "sukses")
            return redirect(url_for(".sekolah", sekolah_id=s.id, tahun=tahun.tahun), 303)
    return _halaman_sekolah(s, tahun, form, 422)



