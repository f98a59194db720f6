from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from kinerja_web.aturan.identitas import KontakTidakValid, nomor_seluler, validasi_email
from kinerja_web.formulir import Formulir


class FormKontak(Formulir):
    email = StringField("Alamat surel", validators=[Length(max=120)],
                        description="Untuk pengingat harian. Kosongkan bila tidak ingin.")
    telepon = StringField("Nomor seluler (WhatsApp)", validators=[Length(max=30)],
                          description="Mis. 0812 3456 7890. Dipakai atasan untuk mengingatkan "
                                      "lewat WhatsApp.")
    pengingat = BooleanField("Kirimi saya pengingat harian lewat surel")

    def validate_email(self, field):
        try:
            self.email_bersih = validasi_email(field.data)
        except KontakTidakValid as e:
            raise ValidationError(str(e)) from None

    def validate_telepon(self, field):
        try:
            self.telepon_bersih = nomor_seluler(field.data)
        except KontakTidakValid as e:
            raise ValidationError(str(e)) from None


class FormBerhenti(Formulir):
    pass
