"""The base form: Indonesian messages, and CSRF failures that keep the user's input."""

from flask import g
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from kinerja_web.teks import bersihkan

PESAN = {
    "This field is required.": "Wajib diisi.",
    "Not a valid choice.": "Pilihan tidak tersedia.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Not a valid date value.": "Tanggal tidak valid (format HH-BB-TTTT atau TTTT-BB-HH).",
    "Not a valid datetime value.": "Waktu tidak valid.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid input.": "Isian tidak valid.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "The CSRF token is missing.": "Token keamanan formulir tidak ada.",
    "The CSRF token is invalid.": "Token keamanan formulir tidak valid.",
    "The CSRF session token is missing.": "Sesi formulir sudah berakhir.",
    "The CSRF tokens do not match.": "Token keamanan formulir tidak cocok.",
}
PESAN_CSRF = (
    "Formulir ini dibuka dari sesi yang sudah berakhir. Isian Anda masih ada di bawah; "
    "periksa lalu kirim sekali lagi."
)


class _Terjemahan:
    """WTForms translations object for the messages its fields produce themselves."""

    def gettext(self, string):
        return PESAN.get(string, string)

    def ngettext(self, singular, plural, n):
        if singular.startswith("Field must be at least"):
            return "Minimal %(min)d karakter."
        if singular.startswith("Field cannot be longer"):
            return "Maksimal %(max)d karakter."
        if singular.startswith("Field must be between"):
            return "Panjang harus %(min)d sampai %(max)d karakter."
        return singular if n == 1 else plural


def _satu_baris(nilai):
    return bersihkan(nilai)


def _banyak_baris(nilai):
    return bersihkan(nilai, banyak_baris=True)


class Formulir(FlaskForm):
    """Every form of the app; a stale CSRF token becomes a friendly form error.

    Every text field is cleaned by the one rule of `kinerja_web.teks.bersihkan` before its
    validators run: a text area (multi-line) keeps line breaks and tabs, any other text
    field is one line (line breaks and tabs become a space); other control characters are
    removed. Passwords are taken as typed (they are only hashed, never stored or shown)."""

    class Meta:
        def get_translations(self, form):
            return _Terjemahan()

        def bind_field(self, form, unbound_field, options):
            kelas = unbound_field.field_class
            if issubclass(kelas, StringField) and not issubclass(kelas, PasswordField):
                bersih = _banyak_baris if issubclass(kelas, TextAreaField) else _satu_baris
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": [bersih, *filters]}
            return unbound_field.bind(form=form, **options)

    def validate_on_submit(self, extra_validators=None):
        ok = super().validate_on_submit(extra_validators)
        if self.is_submitted() and self.meta.csrf and self.csrf_token.errors:
            self.form_errors.append(PESAN_CSRF)
            self.csrf_token.errors = []
            g.csrf_gagal = True
        elif ok and self.is_submitted() and g.get("csrf_gagal"):
            # The token was fine but the request failed another CSRF check (over HTTPS a
            # missing or foreign Referer): re-render with the input, write nothing.
            self.form_errors.append(g.get("csrf_pesan") or PESAN_CSRF)
            ok = False
        return ok
