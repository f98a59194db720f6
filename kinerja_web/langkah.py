"""Declarative wizards (django-formtools' WizardView as the model): a wizard is a list of
step descriptions, and one generic piece reads it. Each feature keeps its list in its own
`langkah.py`; the views, templates and the final check take the steps, their number and
their order from the list, never from literal numbers.

Adding a step: one `Langkah(...)` in the feature's list, its form class, its partial
template, and (when it stores something new) the alur function's field. Steps are numbered
from 1 in list order (the URLs carry the number).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Langkah:
    """One step: its title, form (a class or a function of the object and the form's
    keyword arguments), partial template, and the fields it requires before "Lanjut" and
    again, all together, at the end ((field, message) pairs)."""

    judul: str
    form: Callable[..., Any]
    templat: str
    wajib: tuple = ()
    isi: Callable[[Any], dict] = field(default=lambda objek: {})  # the form's data from the row
    # What the step saves: a function of the form and the row.
    nilai: Callable[[Any, Any], dict] = field(default=lambda form, objek: {})
    # The final re-validation against the stored row: the message of what is missing, or
    # None (by default: a required field still empty in the form filled from the row).
    lengkap: Callable[[Any], str | None] | None = None


class Wizard:
    """A list of steps, numbered from 1."""

    def __init__(self, langkah):
        self.langkah = list(langkah)

    def __len__(self):
        return len(self.langkah)

    def __contains__(self, n):
        return isinstance(n, int) and 1 <= n <= len(self.langkah)

    def __getitem__(self, n):
        if n not in self:
            raise KeyError(n)
        return self.langkah[n - 1]

    @property
    def terakhir(self):
        return len(self.langkah)

    @property
    def judul(self):
        """{number: title}, as the step indicator and the page titles show them."""
        return {n: s.judul for n, s in enumerate(self.langkah, 1)}

    def form(self, n, objek, formdata=True):
        """Step n's form: filled from the row (on GET, or `formdata=False`), else from the
        request."""
        kwargs = {} if formdata else {"formdata": None}
        return self[n].form(**self[n].isi(objek), **kwargs)

    def nilai(self, n, form, objek):
        return self[n].nilai(form, objek)

    def periksa_wajib(self, n, form):
        """The step's required fields are filled; each empty one gets its message."""
        ok = True
        for nama, pesan in self[n].wajib:
            if not form[nama].data:
                form[nama].errors.append(pesan)
                ok = False
        return ok

    def tujuan(self, n, aksi):
        """The step a button leads to: "lanjut" the next one, "kembali" the previous one,
        anything else (a draft save) stays."""
        if aksi == "lanjut":
            return min(n + 1, self.terakhir)
        if aksi == "kembali":
            return max(1, n - 1)
        return n

    def belum_lengkap(self, objek):
        """All steps re-validated at the end: {number: what is missing}."""
        kurang = {}
        for n, s in enumerate(self.langkah, 1):
            if s.lengkap is not None:
                pesan = s.lengkap(objek)
            elif not s.wajib:
                continue
            else:
                form = self.form(n, objek, formdata=False)
                pesan = next((p for nama, p in s.wajib if not form[nama].data), None)
            if pesan:
                kurang[n] = pesan
        return kurang
