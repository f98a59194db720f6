"""Submission keys ("kunci kiriman"): a form that creates something is stored once, however
often it arrives (a double click, a resend after a timeout on a slow link).

A version check cannot catch a repeated *create*: there is no row yet to carry a version.
So such a form carries a random key, fresh each time the form is shown. The handler claims
the key first, in its own write transaction: the key's row sits under a UNIQUE constraint
and commits together with the change, or not at all. A repeat waits for the first (SQLite:
`BEGIN IMMEDIATE`; PostgreSQL: the unique index), then finds the key and is sent where the
first one went, with "sudah tersimpan", instead of making a second row or an error.

    form = FormKiriman()
    if form.validate_on_submit():
        if (ulang := kiriman.klaim(form)) is not None:
            return ulang
        ...create the row...
        kiriman.tujuan(url)
        db.session.commit()
"""

import re
import secrets

from flask import abort, flash, g, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.htmx import hx_redirect
from kinerja_web.models.kiriman import KunciKiriman

POLA = re.compile(r"[A-Za-z0-9_-]{16,64}")
PESAN_ULANG = "Formulir ini sudah terkirim sebelumnya; datanya tersimpan satu kali."


def kunci_baru():
    return secrets.token_urlsafe(16)


class DenganKiriman:
    """Mixin for a form that creates something: the hidden submission key."""

    kiriman = HiddenField(default=kunci_baru)


class FormKiriman(DenganKiriman, Formulir):
    """A button that creates something: only the CSRF token and the submission key."""


def _kunci(form):
    kunci = form.kiriman.raw_data[0] if form.kiriman.raw_data else None  # not the default
    return kunci if kunci and POLA.fullmatch(kunci) else None


def _ulang(pertama):
    if pertama.akun_id != current_user.id:
        abort(409)
    flash(PESAN_ULANG, "info")
    return hx_redirect(pertama.tujuan or url_for("beranda.index"))


def klaim(form):
    """Take the form's key in this transaction. None: it is new, go on (and call `tujuan`).
    Otherwise the answer for a repeat: to where the first submission led."""
    kunci = _kunci(form)
    if kunci is None:
        return None  # a page from before keys existed: no protection, but no error either
    baris = KunciKiriman(kunci=kunci, akun_id=current_user.id)
    try:
        with db.session.begin_nested():
            db.session.add(baris)
    except IntegrityError:
        # Committed by the first submission (a concurrent one waited for it to finish).
        return _ulang(db.session.execute(select(KunciKiriman.akun_id, KunciKiriman.tujuan)
                                         .where(KunciKiriman.kunci == kunci)).one())
    g.kunci_kiriman = baris
    return None


def tujuan(url):
    """Record where this submission led (before the commit that stores the change)."""
    baris = g.pop("kunci_kiriman", None)
    if baris is not None:
        baris.tujuan = url
