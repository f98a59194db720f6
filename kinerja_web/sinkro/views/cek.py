"""Cek Kesiapan Sinkro (/sinkro): every pegawai's failures before anything is sent,
and the findings as a sheet."""

from collections import Counter

from flask import abort, request

from kinerja_web.daftar import PER_HALAMAN, nomor_halaman, pilihan_arg
from kinerja_web.htmx import render
from kinerja_web.models.sinkro import JenisEkspor
from kinerja_web.peran import perlu_peran
from kinerja_web.sinkro import berkas, cek, data
from kinerja_web.sinkro.ekspor import JENIS
from kinerja_web.sinkro.views.bersama import (
    OPERATOR,
    bp,
    dinas_pengguna,
    sekolah_dinas,
    tahun_sinkro,
)
from kinerja_web.teks import arg_id
from kinerja_web.unduhan import kirim_berkas

TAB_CEK = (("semua", "Semua"), ("belum", "Belum siap"), ("siap", "Siap"))
KODE_PERIODE = {"dua_tipe_periodik", "angka_periodik_duplikat", "tanpa_periode",
                "tanpa_periode_akhir"}


def _saringan_cek():
    sekolah = sekolah_dinas()
    sekolah_id = arg_id("sekolah")
    if sekolah_id is not None and sekolah_id not in dict(sekolah):
        abort(404)
    return sekolah, sekolah_id, pilihan_arg("jenis", JENIS.items(), "perencanaan"), \
        request.args.get("q", "").strip()[:100]


@bp.get("")
@perlu_peran(OPERATOR)
def cek_kesiapan():
    """Cek Kesiapan Sinkro: every pegawai's failures before anything is sent."""
    sekolah, sekolah_id, jenis, q = _saringan_cek()
    tab = pilihan_arg("status", TAB_CEK, "semua")
    halaman = nomor_halaman()
    muatan = data.Muatan(dinas_pengguna(), tahun_sinkro(), sekolah_id=sekolah_id, q=q or None)
    hitung, per_pihak, rows = Counter(semua=0, belum=0, siap=0), Counter(), []
    awal = (halaman - 1) * PER_HALAMAN
    # Streamed: counts for every tab, rows kept only for the page shown.
    for h in data.hasil(muatan, jenis):
        st = "siap" if h.siap else "belum"
        hitung["semua"] += 1
        hitung[st] += 1
        per_pihak.update({t.pemerbaiki for t in h.temuan if t.kode not in KODE_PERIODE})
        if tab in ("semua", st) and awal <= hitung[tab] - 1 < awal + PER_HALAMAN:
            rows.append((h.subjek, [t for t in h.temuan if t.kode not in KODE_PERIODE],
                         h.siap))
    tahun = tahun_sinkro()
    if jenis == JenisEkspor.PENILAIAN_AKHIR:
        temuan_dinas = cek.cek_periode(muatan.periode, tahun)
    elif jenis == JenisEkspor.PENILAIAN_PERIODIK:
        temuan_dinas = cek.cek_periode_periodik(muatan.periode, tahun)
    else:
        temuan_dinas = []
    return render("sinkro/cek.html", block="hasil", rows=rows, hitung=hitung, tab=tab,
                  tabs=TAB_CEK, per_pihak=[(p, per_pihak[p]) for p in cek.Pemerbaiki
                                           if per_pihak[p]],
                  temuan_dinas=temuan_dinas, sekolah=sekolah, sekolah_id=sekolah_id,
                  jenis=jenis, daftar_jenis=JENIS, q=q, halaman=halaman,
                  per_halaman=PER_HALAMAN, total=hitung[tab], ada_unor=muatan.ada_unor,
                  ada_asn=muatan.ada_asn)


@bp.get("/temuan.xlsx")
@perlu_peran(OPERATOR)
def unduh_temuan():
    """Every finding of the filtered pre-check as a sheet (to forward to who fixes it)."""
    _, sekolah_id, jenis, q = _saringan_cek()
    muatan = data.Muatan(dinas_pengguna(), tahun_sinkro(), sekolah_id=sekolah_id, q=q or None)

    def baris():
        for h in data.hasil(muatan, jenis):
            s = h.subjek
            for t in h.temuan or [None]:
                yield [s.nama, s.nip, s.sekolah_nama, s.tipe_skp,
                       "Siap" if h.siap else "Belum siap", t and t.pesan, t and t.penyebab,
                       t and t.tindak_lanjut, t and t.pemerbaiki.label]

    isi = berkas.tulis_xlsx_aliran({"Cek Kesiapan Sinkro": (
        ["Nama", "NIP", "Satuan Pendidikan", "Tipe SKP", "Status", "Keterangan", "Penyebab",
         "Tindak lanjut", "Siapa yang memperbaiki"], baris())})
    return kirim_berkas(isi, f"cek-kesiapan-sinkro-{jenis}.xlsx")
