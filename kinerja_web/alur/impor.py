"""Uploaded lists: the roster import (Operator Dinas) and the SIASN reference lists of
Sinkro e-Kinerja. Pratinjau → Diterapkan, or Pratinjau → Dibatalkan; and the one-time
passwords of an applied roster made again.

The slow reading and checking of a file happens before (in `baca_saja`, by the caller);
these functions change the rows and write the audit row; the caller commits.
"""

from kinerja_web.alur import catat
from kinerja_web.extensions import db
from kinerja_web.impor import roster
from kinerja_web.impor import sandi as sandi_impor
from kinerja_web.models import ImporBerkas
from kinerja_web.models.impor import StatusImpor
from kinerja_web.sinkro import referensi
from kinerja_web.waktu import sekarang


def _roster(impor_atau_jenis):
    jenis = getattr(impor_atau_jenis, "jenis", impor_atau_jenis)
    return jenis == "roster"


def unggah(akun, jenis, nama, isi, sha256, rencana):
    """Store an uploaded list for its preview (`rencana`: the check of its rows)."""
    impor = ImporBerkas(akun_id=akun.id, dinas_id=akun.peran.dinas_id, jenis=jenis,
                        nama_berkas=nama, isi=isi, sha256=sha256,
                        ringkasan=rencana.ringkasan())
    db.session.add(impor)
    if _roster(jenis):
        catat("impor_diunggah", impor, catatan=nama, data={"galat": len(rencana.galat)})
    else:
        catat("referensi_diunggah", impor, ke=jenis, catatan=nama,
              data={"galat": len(rencana.galat)})
    return impor


def perbarui_pratinjau(impor, rencana):
    """The data changed since the preview and the list now has errors: the preview shows
    them (the import stays a preview; no audit row, nothing else changes)."""
    impor.ringkasan = rencana.ringkasan()


def terapkan_roster(impor, akun, rencana, sandi, tanggal, tahun):
    """Apply a checked roster (the caller holds the import row's lock and checked it is a
    preview). `sandi`: the new accounts' one-time passwords, hashed beforehand."""
    hasil = roster.terapkan(rencana, impor.dinas_id, sandi, tanggal, tahun)
    impor.status = StatusImpor.DITERAPKAN
    impor.diterapkan = sekarang()
    impor.diterapkan_oleh = akun.id
    sandi_impor.catat_akun(impor, hasil.akun)
    impor.ringkasan = {**rencana.ringkasan(), "ks_diakhiri": hasil.ks_diakhiri,
                       "akun_dibuat": len(hasil.akun_baru)}
    catat("impor_diterapkan", impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DITERAPKAN,
          catatan=impor.nama_berkas, data={**hasil.jumlah, "sha256": impor.sha256},
          akun=akun)
    return hasil


def terapkan_roster_cli(dinas, nama, isi, sha256, rencana, sandi, tanggal, tahun):
    """`flask impor-roster --terapkan`: recorded like an upload without an uploader, with
    the accounts it created (so their one-time passwords can be made again)."""
    hasil = roster.terapkan(rencana, dinas.id, sandi, tanggal, tahun)
    impor = ImporBerkas(akun_id=None, dinas_id=dinas.id, nama_berkas=nama, isi=isi,
                        sha256=sha256, status=StatusImpor.DITERAPKAN, diterapkan=sekarang(),
                        ringkasan={**rencana.ringkasan(), "ks_diakhiri": hasil.ks_diakhiri,
                                   "akun_dibuat": len(hasil.akun_baru)})
    db.session.add(impor)
    sandi_impor.catat_akun(impor, hasil.akun)
    catat("impor_diterapkan", impor, catatan=f"CLI: {nama}", data=hasil.jumlah)
    return impor, hasil


def terapkan_referensi(impor, rencana):
    """Apply a checked reference list (row locked, a preview); {baru, diubah, …}."""
    jumlah = referensi.terapkan(rencana, impor.dinas_id)
    impor.status, impor.diterapkan = StatusImpor.DITERAPKAN, sekarang()
    impor.ringkasan = rencana.ringkasan()
    catat("referensi_diterapkan", impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DITERAPKAN,
          catatan=f"{referensi.JENIS[impor.jenis]}: {impor.nama_berkas}",
          data={**jumlah, "sha256": impor.sha256})
    return jumlah


def batalkan(impor):
    """Cancel a preview (the caller locked and re-read it); False when it is none now."""
    if impor.status != StatusImpor.PRATINJAU:
        return False
    impor.status = StatusImpor.DIBATALKAN
    aksi = "impor_dibatalkan" if _roster(impor) else "referensi_dibatalkan"
    catat(aksi, impor, dari=StatusImpor.PRATINJAU, ke=StatusImpor.DIBATALKAN)
    return True


def buat_ulang_sandi(impor_id, metode, *, cli=False):
    """New one-time passwords for the accounts an applied roster created that never
    signed in (the caller checked who may). (import, SandiUlang)."""
    hasil = sandi_impor.buat_ulang(impor_id, metode)
    impor = db.session.get_one(ImporBerkas, impor_id)
    catat("impor_sandi_dibuat_ulang", impor,
          catatan=f"CLI: {impor.nama_berkas}" if cli else impor.nama_berkas,
          data={"jumlah": len(hasil.baru), "sudah_masuk": len(hasil.tetap)})
    return impor, hasil
