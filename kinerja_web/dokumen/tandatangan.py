"""Electronically signed documents (issue 17; the signing itself is kinerja_web/tte.py):
which documents of a Dinas are signed and by whom (a picklable plan, so render processes
sign), what the verification page says of a stored signed file, and of a PDF uploaded to
"Periksa berkas"."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from kinerja_web import tte
from kinerja_web.extensions import db
from kinerja_web.models.cetak import DokumenTersimpan


@dataclass(frozen=True)
class RencanaTte:
    """How one document is signed, picklable (render processes sign with it): the mode,
    the signer's id at a remote service (None: the Dinas' own), the place, the timestamp
    server, the signer's certificate fingerprint (tte.identitas, printed into the HTML)
    and the KINERJA_TTE_* settings where the plan was made, so that a render process
    started earlier signs with the same signer."""

    mode: str
    id_: str | None
    lokasi: str | None
    tsa_url: str | None
    identitas: str
    env: dict = field(repr=False, compare=False)

    @property
    def penanda(self):
        return tte.penanda(self.mode, env=self.env, id_=self.id_)


def rencana_tte(dinas, jenis, skp=None):
    """The signing plan of this document (type) for the Dinas, or None (not signed, or the
    server's signer is missing or expired: then the document is printed unsigned, and
    rendered and signed again once the signer works, since the signer's identity is part
    of the HTML and so of the stored document's fingerprint). Where the Dinas lets
    principals sign as PPK (remote service only), a teacher's document is signed by the
    principal's own certificate there (his NIP as the signer id)."""
    if not dinas.tte_mode or jenis not in (dinas.tte_dokumen or ()):
        return None
    id_ = None
    if (dinas.tte_kepsek and dinas.tte_mode == "remote" and skp is not None
            and skp.posisi == "guru" and skp.atasan is not None and skp.atasan.nip):
        id_ = skp.atasan.nip
    env = tte.konfigurasi()
    try:
        p = tte.penanda(dinas.tte_mode, env=env, id_=id_)
    except tte.TteGagal as e:
        current_app.logger.warning("TTE Dinas %s tidak tersedia: %s", dinas.id, e)
        return None
    if tte.kedaluwarsa(p):
        current_app.logger.warning("Sertifikat TTE Dinas %s kedaluwarsa", dinas.id)
        return None
    return RencanaTte(dinas.tte_mode, id_, dinas.kota_ttd, current_app.config.get("TTE_TSA_URL"),
                      tte.identitas(p), env)


def tandatangani(rencana, isi):
    """(PDF, ttd) of a rendered document: signed, and its signature checked (tte.periksa,
    kept with the stored document), when there is a plan; else (PDF, None). Needs no app
    (render processes sign)."""
    if rencana is None:
        return isi, None
    p = rencana.penanda
    if tte.identitas(p) != rencana.identitas:  # the HTML names another signer
        raise tte.TteGagal("Sertifikat penanda tangan berganti saat dokumen dicetak; "
                           "cetak ulang dokumen ini.")
    ditandatangani = tte.tandatangani(isi, p, tsa_url=rencana.tsa_url, lokasi=rencana.lokasi)
    return ditandatangani, tte.periksa(ditandatangani)


def jenis_bertanda(dinas):
    """The document types this Dinas signs now (a set; empty when it signs nothing)."""
    return set(dinas.tte_dokumen or ()) if dinas.tte_mode else set()


# A signature covers the bytes of its own file: pages copied into one merged PDF lose it.
# So a batch of signed documents is a ZIP of the stored signed files, copied as they are.
PESAN_ZIP = ("Dokumen ini ditandatangani secara elektronik, jadi hasilnya ZIP berisi PDF per "
             "orang: menggabungkan PDF bertanda tangan menjadi satu berkas membatalkan tanda "
             "tangannya.")


def tersimpan(kode):
    """The electronic signature of the stored file of this code: who signed, when, with
    which certificate (as checked when it was stored), and whether the stored file's
    signature is intact now (checked again here); None for an unsigned document."""
    baris = db.session.execute(select(DokumenTersimpan.ttd, DokumenTersimpan.pdf).where(
        DokumenTersimpan.kode == kode)).first()
    if baris is None or not baris.ttd:
        return None
    sekarang = tte.periksa(bytes(baris.pdf))
    return {**baris.ttd, "utuh": bool(baris.ttd.get("utuh") and sekarang.get("utuh")
                                      and sekarang.get("menyeluruh")),
            "waktu": _waktu(baris.ttd.get("waktu")),
            "sertifikat": _masa(baris.ttd.get("sertifikat") or {})}


def _waktu(iso):
    return datetime.fromisoformat(iso) if iso else None


def _masa(s):
    return {**s, "berlaku_dari": _waktu(s.get("berlaku_dari")),
            "berlaku_sampai": _waktu(s.get("berlaku_sampai"))}


def nilai_berkas(p):
    """What "Periksa berkas" says of an uploaded PDF (tte.periksa's result): "utuh" (signed
    by this server's certificate, not changed since), "diubah" (a signature that no longer
    matches, or changes added after signing), "bukan" (no signature, or another signer's),
    "rusak" (not readable)."""
    if not p.get("terbaca", True):
        return {"status": "rusak"}
    if not p.get("ada"):
        return {"status": "bukan"}
    if not p.get("utuh") or not p.get("menyeluruh"):
        return {"status": "diubah"}
    s = p.get("sertifikat") or {}
    if (s.get("penerbit"), s.get("nomor_seri")) not in tte.sertifikat_kita():
        return {"status": "bukan", "sertifikat": _masa(s)}
    return {"status": "utuh", "sertifikat": _masa(s), "waktu": _waktu(p.get("waktu"))}
