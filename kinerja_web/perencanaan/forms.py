"""One form per wizard step (django-formtools style): the step validates only its fields;
the summary re-validates everything through alur.skp.langkah_belum_lengkap."""

import re

from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from kinerja_web.formulir import Formulir
from kinerja_web.models.skp import Skp
from kinerja_web.teks import panjang

YA_TIDAK = [SelectChoice("ya", "Ya"), SelectChoice("tidak", "Tidak")]


def versi_bersih(nilai):
    """A tampered version ("", "abc") counts as no version: the write is refused as stale
    (409 with the current version) instead of failing in int()."""
    return nilai if nilai and re.fullmatch(r"[0-9]{1,9}", nilai) else None


class PilihanBanyak(SelectMultipleField):
    """Checkboxes; a tampered value is reported by alur, not silently dropped."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        pass


class RadioBebas(RadioField):
    """Radio list whose allowed codes alur checks against the year's catalogue (the
    templates render the catalogue; `choices` is only needed for fixed lists)."""

    def pre_validate(self, form):
        pass


class FormWizard(Formulir):
    versi = HiddenField(filters=[versi_bersih])
    aksi = StringField()  # the pressed button: lanjut, kembali, simpan, or otomatis


class FormTugasPokok(FormWizard):
    tugas_tambahan = RadioBebas("Apakah Anda memiliki tugas tambahan?", choices=YA_TIDAK,
                                validators=[Optional()])
    nama_tugas_tambahan = StringField(
        "Nama tugas tambahan (boleh dikosongkan)", validators=[Optional(),
                                                    Length(max=panjang(Skp.nama_tugas_tambahan))],
        description="Mis. Wali kelas, Pembina OSIS, Bendahara BOS.")


class FormPraktik(FormWizard):
    praktik = RadioBebas("Indikator praktik kinerja", validators=[Optional()])


class FormKompetensi(FormWizard):
    kompetensi = RadioBebas("Indikator kompetensi", validators=[Optional()])


class FormPerilaku(FormWizard):
    aspek = PilihanBanyak("Aspek perilaku kerja yang menjadi fokus", validators=[Optional()])


class FormAjukan(Formulir):
    versi = HiddenField(filters=[versi_bersih])


class FormKompetensiSetelahSepakat(FormKompetensi):
    pass


# The atasan's approval wizard (1 Hasil Kerja Utama, 2 Tambahan, 3 Perilaku, 4 Persetujuan).

class FormUtamaAtasan(FormWizard):
    praktik = RadioBebas("Indikator praktik kinerja", validators=[Optional()])
    kompetensi = RadioBebas("Indikator kompetensi", validators=[Optional()])


class FormTambahanAtasan(FormWizard):
    tugas_tambahan = RadioBebas("Hasil kerja tambahan (tugas tambahan)", choices=YA_TIDAK,
                                validators=[Optional()])


class FormPerilakuAtasan(FormWizard):
    aspek = PilihanBanyak("Aspek perilaku kerja yang menjadi fokus", validators=[Optional()])


def form_perilaku_atasan(daftar_aspek, **kwargs):
    """The behaviour step with one "Ekspektasi Khusus Pimpinan" field per aspect."""
    kelas = type("FormPerilakuAtasanIsi", (FormPerilakuAtasan,), {
        f"ekspektasi_{a.kode}": TextAreaField(
            f"Ekspektasi Khusus Pimpinan — {a.nama}", validators=[Optional(), Length(max=1000)])
        for a in daftar_aspek
    })
    return kelas(**kwargs)


class FormPersetujuan(Formulir):
    versi = HiddenField(filters=[versi_bersih])
    aksi = StringField()
    catatan = TextAreaField("Catatan untuk pegawai (wajib bila dikembalikan)",
                            validators=[Optional(), Length(max=2000)])
