"""The instance's e-Kinerja period settings, recorded here so the pre-check can see errors
#1–#3 of the assessment sync before anything is sent: the forms and the list here; every
change (audited) is `alur.periode`."""

from sqlalchemy import select
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from kinerja_web.extensions import db
from kinerja_web.formulir import Formulir
from kinerja_web.kiriman import DenganKiriman
from kinerja_web.models import PeriodeEkinerja
from kinerja_web.models.sinkro import TIPE_PERIODIK, TipePeriodik
from kinerja_web.teks import panjang

ANGKA_MAKS = {TipePeriodik.BULANAN: 12, TipePeriodik.TRIWULANAN: 4, TipePeriodik.TAHUNAN: 1}


class FormPeriode(Formulir):
    nama = StringField("Nama", validators=[InputRequired("Nama periode wajib diisi."),
                                           Length(max=panjang(PeriodeEkinerja.nama))],
                       description="mis. TRIWULAN I atau JANUARI")
    tahun = IntegerField("Tahun (opsional)", validators=[Optional(), NumberRange(
        2000, 2100, "Tahun harus antara 2000 dan 2100.")],
        description="Kosongkan jika periode ini berlaku untuk semua tahun.")
    mulai = DateField("Periode awal", validators=[InputRequired("Periode awal wajib diisi.")])
    selesai = DateField("Periode akhir", validators=[InputRequired(
        "Periode akhir wajib diisi.")])
    batas = DateField("Batas pengisian", validators=[InputRequired(
        "Batas pengisian wajib diisi.")])
    tipe_periodik = SelectField("Tipe periodik", choices=[SelectChoice("", "— belum ada —")] + [
        SelectChoice(t, t) for t in TIPE_PERIODIK], validators=[Optional()])
    angka_periodik = IntegerField("Angka periodik", validators=[Optional(), NumberRange(
        1, 12, "Angka periodik antara 1 dan 12.")],
        description="Bulanan 1–12, Triwulanan 1–4, Tahunan 1.")
    versi = HiddenField()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.mulai.data and self.selesai.data and self.selesai.data < self.mulai.data:
            self.selesai.errors.append("Periode akhir tidak boleh sebelum periode awal.")
            ok = False
        if self.selesai.data and self.batas.data and self.batas.data < self.selesai.data:
            self.batas.errors.append("Batas pengisian tidak boleh sebelum periode akhir.")
            ok = False
        if self.tahun.data and self.mulai.data and self.mulai.data.year != self.tahun.data:
            self.mulai.errors.append(f"Periode awal harus di tahun {self.tahun.data}.")
            ok = False
        tipe, angka = (self.tipe_periodik.data or "").strip() or None, self.angka_periodik.data
        if angka is not None and tipe is None:
            self.angka_periodik.errors.append("Pilih tipe periodik bila angka periodik diisi.")
            ok = False
        elif angka is not None and tipe in ANGKA_MAKS and angka > ANGKA_MAKS[tipe]:
            self.angka_periodik.errors.append(
                f"Angka periodik {tipe.lower()} paling besar {ANGKA_MAKS[tipe]}.")
            ok = False
        return ok

    def nilai(self):
        return {"nama": self.nama.data.strip(), "tahun": self.tahun.data,
                "mulai": self.mulai.data, "selesai": self.selesai.data,
                "batas": self.batas.data,
                # A hostile value cleaned to blanks is "none" (the CHECK allows no other).
                "tipe_periodik": (self.tipe_periodik.data or "").strip() or None,
                "angka_periodik": self.angka_periodik.data}


class FormPeriodeBaru(DenganKiriman, FormPeriode):
    """Adding a period: a double click adds it once (the submission key)."""


def daftar(dinas_id):
    return db.session.scalars(select(PeriodeEkinerja).where(PeriodeEkinerja.dinas_id == dinas_id)
                              .order_by(PeriodeEkinerja.mulai, PeriodeEkinerja.id)).all()
