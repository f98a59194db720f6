"""Laporan Disparitas Data (/sinkro/disparitas): the roster beside SIASN."""

from collections import Counter

from flask import request
from sqlalchemy import func, select

from kinerja_web.daftar import PER_HALAMAN, nomor_halaman, pilihan_arg
from kinerja_web.extensions import db
from kinerja_web.htmx import render
from kinerja_web.lembar import tulis_xlsx
from kinerja_web.models import AsnSiasn
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro.disparitas import KATEGORI, URUT_PEMERBAIKI, disparitas
from kinerja_web.sinkro.views.bersama import OPERATOR, bp, dinas_pengguna, tahun_sinkro
from kinerja_web.unduhan import kirim_berkas


def _disparitas_tersaring():
    pihak = pilihan_arg("pihak", [("semua", "")] + [(p.value, "") for p in URUT_PEMERBAIKI],
                        "semua")
    kategori = pilihan_arg("kategori", [("", "")] + [(k, "") for k in KATEGORI], "")
    q = request.args.get("q", "").strip()[:100]
    semua = disparitas(dinas_pengguna(), tahun_sinkro())
    if kategori:
        semua = [d for d in semua if d.kategori == kategori]
    if q:
        kecil = q.lower()
        semua = [d for d in semua if kecil in d.nama.lower() or kecil in (d.nip or "")]
    hitung = Counter(d.pemerbaiki.value for d in semua)
    hitung["semua"] = len(semua)
    if pihak != "semua":
        semua = [d for d in semua if d.pemerbaiki.value == pihak]
    return semua, hitung, pihak, kategori, q


@bp.get("/disparitas")
@perlu_peran(OPERATOR)
def disparitas_index():
    """Laporan Disparitas Data: the roster beside SIASN, grouped by who must fix it."""
    semua, hitung, pihak, kategori, q = _disparitas_tersaring()
    halaman = nomor_halaman()
    rows = semua[(halaman - 1) * PER_HALAMAN:halaman * PER_HALAMAN]
    ada_asn = db.session.scalar(select(func.count()).where(AsnSiasn.dinas_id == dinas_pengguna()))
    tabs = [("semua", "Semua")] + [(p.value, p.label) for p in URUT_PEMERBAIKI]
    return render("sinkro/disparitas.html", block="hasil", rows=rows, hitung=hitung, tab=pihak,
                  tabs=tabs, kategori=kategori, daftar_kategori=KATEGORI, q=q,
                  halaman=halaman, per_halaman=PER_HALAMAN, total=len(semua), ada_asn=ada_asn)


@bp.get("/disparitas.xlsx")
@perlu_peran(OPERATOR)
def disparitas_unduh():
    semua, _, _, _, _ = _disparitas_tersaring()
    lembar = {}
    for p in URUT_PEMERBAIKI:
        rows = [[d.label, d.nip, d.nama, d.sekolah, d.di_sini, d.di_siasn, d.tindak_lanjut]
                for d in semua if d.pemerbaiki is p]
        if rows:
            lembar[p.label[:31].replace("/", "-")] = (
                ["Kategori", "NIP", "Nama", "Satuan Pendidikan", "Data aplikasi ini",
                 "Data SIASN", "Tindak lanjut"], rows)
    if not lembar:
        lembar["Disparitas"] = (["Keterangan"], [["Tidak ada disparitas data."]])
    return kirim_berkas(tulis_xlsx(lembar), "laporan-disparitas-data.xlsx")
