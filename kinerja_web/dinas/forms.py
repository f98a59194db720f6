from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from kinerja_web import tte
from kinerja_web.dokumen import isi as isi_dokumen
from kinerja_web.formulir import Formulir
from kinerja_web.models import Dinas, JenisMutasi
from kinerja_web.perencanaan.forms import PilihanBanyak
from kinerja_web.teks import panjang


def _maks(kolom):
    return Length(max=panjang(kolom))


class FormPengaturanDinas(Formulir):
    """The letterhead and signature block; every length is its column's (models.Dinas)."""

    nama = StringField("Nama instansi", validators=[DataRequired(), _maks(Dinas.nama)],
                       description="Seperti pada kop surat, mis. Dinas Pendidikan Kabupaten "
                                   "Kebumen.")
    nama_pemda = StringField("Nama pemerintah daerah",
                             validators=[Optional(), _maks(Dinas.nama_pemda)],
                             description="Baris atas kop surat, mis. PEMERINTAH KABUPATEN "
                                         "KEBUMEN.")
    alamat = StringField("Alamat", validators=[Optional(), _maks(Dinas.alamat)])
    telepon = StringField("Telepon", validators=[Optional(), _maks(Dinas.telepon)])
    # A plain pattern: WTForms' Email() needs the email_validator package, which is not a
    # dependency (every save with an address failed with a 500).
    email = StringField("Email", validators=[Optional(), _maks(Dinas.email), Regexp(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", message="Alamat email tidak valid.")])
    laman = StringField("Laman", validators=[Optional(), _maks(Dinas.laman)])
    kota_ttd = StringField("Tempat penandatanganan", validators=[Optional(), _maks(Dinas.kota_ttd)],
                           description="Kota yang dicetak di atas tanda tangan.")
    atasan_kadis_nama = StringField("Nama atasan Kepala Dinas",
                                    validators=[Optional(), _maks(Dinas.atasan_kadis_nama)],
                                    description="Atasan Pejabat Penilai Kinerja pada dokumen "
                                                "kepala sekolah.")
    atasan_kadis_nip = StringField("NIP atasan Kepala Dinas", validators=[
        Optional(), Regexp(r"^\d{18}$", message="NIP harus 18 digit.")])
    atasan_kadis_pangkat = StringField("Pangkat/golongan atasan Kepala Dinas",
                                       validators=[Optional(), _maks(Dinas.atasan_kadis_pangkat)])
    atasan_kadis_jabatan = StringField("Jabatan atasan Kepala Dinas",
                                       validators=[Optional(), _maks(Dinas.atasan_kadis_jabatan)])


class FormLogo(Formulir):
    logo = FileField("Logo untuk kop surat (PNG, JPEG atau SVG, maks. 200 KB)")
    hapus = BooleanField("Hapus logo")


class FormGaruda(Formulir):
    garuda = FileField("Lambang Garuda (PNG, JPEG atau SVG, maks. 200 KB)",
                       description="Berkas lambang dari Dinas sendiri; aplikasi tidak pernah "
                                   "mengambilnya dari internet.")
    kop_garuda = BooleanField("Cetak lambang Garuda di kop dokumen (menggantikan kop Dinas)")
    hapus = BooleanField("Hapus lambang Garuda")


class FormPerpanjangan(Formulir):
    """An extension of one stage's deadline for one pegawai (choices: the year's enforced
    stages, set by the view)."""

    tahap = SelectField("Tahap", validators=[InputRequired("Pilih tahap yang diperpanjang.")])
    sampai = DateField("Diperpanjang sampai", validators=[InputRequired(
        "Isi tanggal akhir perpanjangan (format tanggal, mis. 2026-02-06).")])
    alasan = TextAreaField("Alasan", validators=[
        InputRequired("Tulis alasan perpanjangan (mis. sakit, tugas dinas, kendala data)."),
        Length(max=500, message="Alasan paling banyak 500 karakter.")],
        description="Tercatat di jejak audit dan terlihat di halaman pegawai ini.")


class FormMutasi(Formulir):
    """A transfer, a new role or the end of service of one pegawai, with its TMT."""

    jenis = SelectField("Jenis mutasi", validators=[DataRequired(message="Pilih jenis mutasi.")],
                        choices=[SelectChoice("", "— pilih —")]
                        + [SelectChoice(j.value, j.label) for j in JenisMutasi])
    tmt = DateField("TMT (terhitung mulai tanggal)",
                    validators=[DataRequired(message="Isi TMT dengan tanggal yang benar.")],
                    description="SKP yang berjalan ditutup sehari sebelum TMT.")
    sekolah_tujuan = SelectField("Satuan pendidikan tujuan", choices=[], validate_choice=False,
                                 description="Untuk pindah, Plt. (kosong: sekolahnya sendiri) "
                                             "dan Kepala Sekolah.")
    nomor_sk = StringField("Nomor SK", validators=[Optional(), Length(max=80)])


class FormBukaPerencanaan(Formulir):
    """The Operator Dinas opens planning for one school whose pra-perencanaan checks fail."""

    alasan = TextAreaField("Alasan membuka perencanaan", validators=[
        InputRequired("Tulis alasan membuka perencanaan walau pemeriksaan belum lulus (mis. "
                      "UNOR sedang dipadankan BKD)."),
        Length(max=500, message="Alasan paling banyak 500 karakter.")],
        description="Tercatat di jejak audit dan terlihat di halaman Pra-perencanaan.")
    yakin = BooleanField("Saya memahami bahwa guru sekolah ini dapat menyusun Perencanaan "
                         "Kinerja walau data pra-perencanaan belum lengkap.")


class FormTte(Formulir):
    """Tanda tangan elektronik: the mode and the documents signed (the certificate and its
    secrets are configured on the server only, KINERJA_TTE_*)."""

    tte_mode = SelectField("Cara penandatanganan", choices=[
        SelectChoice(k, v) for k, v in tte.MODE.items()], default="")
    tte_dokumen = PilihanBanyak("Dokumen yang ditandatangani", choices=[
        SelectChoice(j, isi_dokumen.JENIS[j]) for j in tte.DOKUMEN])
    tte_kepsek = BooleanField(
        "Kepala sekolah menandatangani sebagai Pejabat Penilai Kinerja",
        description="Hanya dengan layanan jarak jauh: dokumen guru ditandatangani dengan "
                    "sertifikat kepala sekolahnya (NIP sebagai ID penanda tangan).")

    def validate_tte_dokumen(self, field):
        if self.tte_mode.data and not field.data:
            raise ValidationError("Pilih paling sedikit satu dokumen yang ditandatangani.")

    def validate_tte_kepsek(self, field):
        if field.data and self.tte_mode.data != "remote":
            raise ValidationError("Tanda tangan kepala sekolah hanya dapat lewat layanan "
                                  "jarak jauh.")
