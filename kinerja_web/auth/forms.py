from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from kinerja_web.formulir import Formulir

SANDI_UMUM = {"12345678", "123456789", "password", "sandi123", "qwertyui", "11111111",
              "guru1234", "kinerja2025", "00000000", "abcdefgh"}


class FormMasuk(Formulir):
    identitas = StringField("NIP atau nama pengguna", validators=[DataRequired(), Length(max=60)])
    sandi = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=200)])


class FormKeluar(Formulir):
    pass


class FormGantiSandi(Formulir):
    sandi_lama = PasswordField("Kata sandi sekarang", validators=[Length(max=200)])
    sandi_baru = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired(), Length(min=8, max=200)],
        description="Minimal 8 karakter. Jangan gunakan NIP, tanggal lahir, atau kata umum.",
    )
    ulangi = PasswordField(
        "Ulangi kata sandi baru",
        validators=[DataRequired(), EqualTo("sandi_baru", message="Tidak sama dengan sandi baru.")],
    )

    def __init__(self, *args, larangan=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.larangan = {s.lower() for s in larangan if s}

    def validate_sandi_baru(self, field):
        sandi = field.data or ""
        if sandi.lower() in SANDI_UMUM or sandi.lower() in self.larangan:
            raise ValidationError("Kata sandi ini terlalu mudah ditebak. Pilih yang lain.")
        # Neither containing the NIP/username nor a piece of it (e.g. the birth date).
        if any(b and (b in sandi.lower() or (len(sandi) >= 6 and sandi.lower() in b))
               for b in self.larangan):
            raise ValidationError("Kata sandi tidak boleh memuat NIP atau nama pengguna Anda.")
