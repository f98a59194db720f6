"""What the upload pages share (roster import, Sinkro reference lists): the size limit as
people read it, and a repeated upload of a preview that still waits."""

from flask import flash, url_for
from sqlalchemy import select

from kinerja_web.extensions import db
from kinerja_web.htmx import hx_redirect
from kinerja_web.models import Akun, ImporBerkas
from kinerja_web.models.impor import StatusImpor


def ukuran_berkas(n):
    """A size limit as people read it: '5 MB', '1,5 MB', '200 KB' (not '0 MB')."""
    for satuan, besar in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= besar:
            return f"{n / besar:.1f}".removesuffix(".0").replace(".", ",") + f" {satuan}"
    return f"{n} byte"


def pratinjau_sama(akun, jenis, sha256):
    """The same file uploaded again while its preview still waits (a double click on
    "Unggah", or a second tab): the uploader is sent to that preview instead of a second
    one — no new row, no audit row. Under the uploader's row lock, so of two twins the
    second sees the first's preview (the write transaction starts here). None: store it."""
    db.session.execute(select(Akun.id).where(Akun.id == akun.id).with_for_update())
    ada = db.session.scalar(
        select(ImporBerkas).where(ImporBerkas.akun_id == akun.id,
                                  ImporBerkas.dinas_id == akun.peran.dinas_id,
                                  ImporBerkas.jenis == jenis, ImporBerkas.sha256 == sha256,
                                  ImporBerkas.status == StatusImpor.PRATINJAU)
        .order_by(ImporBerkas.id.desc()).limit(1))
    if ada is None:
        return None
    db.session.rollback()
    flash("Berkas yang sama sudah diunggah dan menunggu konfirmasi; ini pratinjaunya.",
          "info")
    tujuan = "impor.pratinjau" if jenis == "roster" else "sinkro.referensi_pratinjau"
    return hx_redirect(url_for(tujuan, impor_id=ada.id))
