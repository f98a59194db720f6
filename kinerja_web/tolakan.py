"""One view helper for the two answers of a refused transition: `Ditolak` (422, the
reason in Indonesian) and `Konflik` (409, a stale version).

    with tangkap(form) as gagal:
        cek_versi(skp, form.versi.data)
        alur_skp.simpan_pilihan(skp, current_user, nilai)
        simpan_transaksi()
    if gagal:
        return tampil(..., gagal.status, konflik=gagal.konflik)

The block's transaction is rolled back (unless it ran in a savepoint of its own:
`batal=False`), and the message goes where the page shows it: above the form
(`form.form_errors`), or as a flash message (`kilat=` its category) for a button that
redirects. A `Konflik` says the page's own sentence (`pesan_konflik`) or nothing (the page
shows the current row instead).
"""

from contextlib import contextmanager

from flask import flash

from kinerja_web.alur import Ditolak, IsianSalah, Konflik
from kinerja_web.extensions import db


class Gagal:
    """What a refused block left: falsy when it went through."""

    galat = None
    status = None

    def __bool__(self):
        return self.galat is not None

    @property
    def konflik(self):
        return self.status == 409

    @property
    def ditolak(self):
        return self.status == 422

    @property
    def pesan(self):
        return str(self.galat) if self.galat is not None else None


@contextmanager
def tangkap(form=None, *, kilat=None, pesan_konflik=None, batal=True, konflik_juga=()):
    """Catch the alur refusals of the block (and `konflik_juga`, e.g. an IntegrityError of
    a double submit, answered as a stale version); see the module's docstring."""
    gagal = Gagal()
    try:
        yield gagal
    except (Konflik, *konflik_juga) as e:
        if batal:
            db.session.rollback()
        gagal.galat, gagal.status = e, 409
        if pesan_konflik:
            _sampaikan(form, kilat, pesan_konflik)
    except Ditolak as e:
        if batal:
            db.session.rollback()
        gagal.galat, gagal.status = e, 422
        if not isinstance(e, IsianSalah):
            _sampaikan(form, kilat, str(e))


def _sampaikan(form, kilat, pesan):
    if kilat:
        flash(pesan, kilat)
    elif form is not None:
        form.form_errors.append(pesan)
