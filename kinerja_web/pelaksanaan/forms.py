"""Forms of the implementation pages; alur checks order, catalogue codes and limits."""

import secrets

from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from kinerja_web.formulir import Formulir
from kinerja_web.models.pelaksanaan import CatatanUpaya
from kinerja_web.perencanaan.forms import PilihanBanyak, RadioBebas, versi_bersih
from kinerja_web.teks import panjang

PANJANG = [Optional(), Length(max=5000)]


def _versi(nilai):
    """A tampered version counts as stale (409) instead of failing in int(); forms built
    from a row (`obj=`) bring it as a number."""
    return None if nilai is None else versi_bersih(str(nilai))


class FormAksi(Formulir):
    versi = HiddenField(filters=[_versi])
    aksi = StringField()


class FormPersiapan(FormAksi):
    fokus = PilihanBanyak("Fokus perilaku yang ingin Anda tingkatkan", validators=[Optional()])
    fokus_lain = TextAreaField(
        "Fokus perilaku lain (satu per baris)", validators=PANJANG,
        description="Katalog belum memuat fokus perilaku untuk indikator ini; tulis sendiri.")
    upaya_belajar = TextAreaField("Upaya yang akan Anda lakukan untuk mempelajarinya",
                                  validators=PANJANG)
    jadwal_usulan = DateField("Usulan jadwal observasi", validators=[Optional()])


class FormJadwal(FormAksi):
    jadwal_observasi = DateField("Jadwal observasi yang disepakati", validators=[Optional()])
    catatan = TextAreaField("Catatan untuk pegawai (wajib bila dikembalikan)",
                            validators=[Optional(), Length(max=2000)])


class FormTindakLanjut(FormAksi):
    tl_tantangan = TextAreaField("Tantangan/kendala", validators=PANJANG)
    tl_tujuan = TextAreaField("Tujuan", validators=PANJANG)
    tl_upaya = TextAreaField("Upaya", validators=PANJANG)
    tl_jadwal = TextAreaField("Jadwal aksi", validators=PANJANG)
    tl_dukungan = TextAreaField("Dukungan yang dibutuhkan", validators=PANJANG)


class FormRefleksi(FormAksi):
    refleksi_praktik = TextAreaField(
        "Bagaimana refleksi Anda tentang Praktik Kinerja Anda selama Observasi Praktik Kinerja?",
        validators=PANJANG)
    refleksi_perubahan = TextAreaField("Apa yang berubah dalam praktik Anda?",
                                       validators=PANJANG)
    refleksi_dampak = TextAreaField("Apa dampaknya pada murid?", validators=PANJANG)


class FormTinjau(FormAksi):
    catatan = TextAreaField("Catatan untuk pegawai (wajib bila dikembalikan)",
                            validators=[Optional(), Length(max=2000)])
    # The document's score: alur checks it against the year's scale (a 422 names the scale).
    nilai = StringField(validators=[Optional(), Length(max=10)])


def _kunci(nilai):
    return nilai if nilai and len(nilai) <= panjang(CatatanUpaya.kunci) else None


class FormUpaya(FormAksi):
    tanggal = DateField("Tanggal", validators=[Optional()])
    isi = TextAreaField("Apa yang sudah Anda lakukan?", validators=PANJANG)
    # The submission key: one that does not fit its column (tampered) counts as none.
    kunci = HiddenField(default=lambda: secrets.token_urlsafe(16), filters=[_kunci])


class FormUbahUpaya(FormAksi):
    """One progress note being corrected (shown with the prefix "ubah", beside the form
    that adds a note)."""

    tanggal = DateField("Tanggal", validators=[Optional()])
    isi = TextAreaField("Apa yang sudah Anda lakukan?", validators=PANJANG)


def form_observasi(fokus, **kwargs):
    """The rubric: per fokus perilaku one of three results and a note."""
    isian = {}
    for i, _ in enumerate(fokus):
        isian[f"hasil_{i}"] = RadioBebas(validators=[Optional()])
        isian[f"catatan_{i}"] = TextAreaField("Catatan", validators=PANJANG)
    isian["rekomendasi"] = TextAreaField("Rekomendasi tindak lanjut", validators=PANJANG)
    return type("FormObservasiIsi", (FormAksi,), isian)(**kwargs)


class FormKompetensi(FormAksi):
    inspirasi_0 = TextAreaField("Inspirasi 1", validators=[Optional()])
    inspirasi_1 = TextAreaField("Inspirasi 2", validators=[Optional()])
    inspirasi_2 = TextAreaField("Inspirasi 3", validators=[Optional()])
    penerapan_0 = TextAreaField("Penerapan 1", validators=[Optional()])
    penerapan_1 = TextAreaField("Penerapan 2", validators=[Optional()])
    penerapan_2 = TextAreaField("Penerapan 3", validators=[Optional()])

    def daftar(self, nama):
        # Browsers send line breaks as CRLF; count them as one character, as the counter does.
        return [(self[f"{nama}_{i}"].data or "").replace("\r\n", "\n") for i in range(3)]


class FormValidasi(FormAksi):
    pass


class FormValidasiDokumen(FormAksi):
    catatan = TextAreaField("Catatan untuk kepala sekolah (wajib bila dikembalikan)",
                            validators=[Optional(), Length(max=2000)])


class FormKonfirmasi(FormAksi):
    tugas = PilihanBanyak("Tugas pokok", validators=[Optional()])
    dokumen = PilihanBanyak("Dokumen akuntabilitas", validators=[Optional()])
    kelengkapan = PilihanBanyak("Kelengkapan dokumen", validators=[Optional()])
