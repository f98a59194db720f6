"""One pegawai as e-Kinerja would receive them (/sinkro/pegawai/<id>), and Sinkro ulang
of one pegawai."""

from flask import abort, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.validators import InputRequired

from kinerja_web.akses import get_pegawai_or_404
from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.models import LogSinkro
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import cek, data
from kinerja_web.sinkro.ekspor import JENIS, ekspor
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna, tahun_sinkro
from kinerja_web.teks import gabung


class FormSinkro(Formulir):
    posisi = HiddenField(validators=[InputRequired()])
    jenis = HiddenField(validators=[InputRequired()])


@bp.get("/pegawai/<int:pegawai_id>")
@perlu_peran(OPERATOR)
def pegawai(pegawai_id):
    """One pegawai as e-Kinerja would receive them: both sides and every finding."""
    p = get_pegawai_or_404(pegawai_id)
    muatan = data.Muatan(dinas_pengguna(), tahun_sinkro(), pegawai_id=p.id)
    subjek = list(muatan)
    ref = muatan.referensi
    temuan_periode = cek.cek_periode(muatan.periode, tahun_sinkro())
    temuan_periodik = cek.cek_periode_periodik(muatan.periode, tahun_sinkro())
    hasil = [(s, cek.periksa(s, ref), cek.periksa(s, ref, "penilaian_periodik", temuan_periodik),
              cek.periksa(s, ref, "penilaian_akhir", temuan_periode)) for s in subjek]
    riwayat = db.session.scalars(select(LogSinkro).where(LogSinkro.pegawai_id == p.id)
                                 .order_by(LogSinkro.id.desc()).limit(10)).all()
    return render_template("sinkro/pegawai.html", p=p, hasil=hasil, ref=ref,
                           riwayat=riwayat, form=FormSinkro(formdata=None), jenis=JENIS)


def sinkro_satu(pegawai_id, posisi, jenis, nama):
    """One export attempt for one pegawai and SKP; the flash message says how it went."""
    e = ekspor(dinas_pengguna(), jenis, tahun_sinkro(), current_user,
               lingkup=f"Sinkro ulang: {nama}", pegawai_id=pegawai_id, posisi=posisi)
    db.session.commit()
    baris = db.session.scalar(select(LogSinkro).where(LogSinkro.ekspor_id == e.id))
    if baris.status == "Berhasil":
        kelompok = []
        for x in baris.jumlah_masuk:
            if x.startswith("- ") or not kelompok:
                kelompok.append([x[2:] + ":"] if x.startswith("- ") else [x])
            else:
                kelompok[-1].append(x)
        flash(f"Sinkro {nama} berhasil. " + "; ".join(
            k[0] + " " + ", ".join(k[1:]) if k[0].endswith(":") else ", ".join(k)
            for k in kelompok) + ".", "sukses")
    else:
        flash(f"Sinkro {nama} gagal: " + gabung((baris.keterangan, baris.catatan)), "galat")
    return baris


@bp.post("/pegawai/<int:pegawai_id>/sinkro")
@perlu_peran(OPERATOR)
def sinkro_pegawai(pegawai_id):
    p = get_pegawai_or_404(pegawai_id)
    form = FormSinkro()
    if not form.validate_on_submit() or form.jenis.data not in JENIS or \
            form.posisi.data not in cek.LABEL_POSISI:
        abort(400)
    sinkro_satu(p.id, form.posisi.data, form.jenis.data, p.nama)
    return hx_redirect(url_for(".pegawai", pegawai_id=p.id))
