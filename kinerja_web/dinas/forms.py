from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kinerja_web.formulir import Formulir


class FormPengaturanDinas(Formulir):
    nama = StringField("Nama instansi", validators=[DataRequired(), Length(max=200)],
                       description="Seperti pada kop surat, mis. Dinas Pendidikan Kabupaten "
                                   "Kebumen.")
    nama_pemda = StringField("Nama pemerintah daerah", validators=[Optional(), Length(max=200)],
                             description="Baris atas kop surat, mis. PEMERINTAH KABUPATEN "
                                         "KEBUMEN.")
    alamat = StringField("Alamat", validators=[Optional(), Length(max=300)])
    telepon = StringField("Telepon", validators=[Optional(), Length(max=40)])
    # A plain pattern: WTForms' Email() needs the email_validator package, which is not a
    # dependency (every save with an address failed with a 500).
    email = StringField("Email", validators=[Optional(), Length(max=120), Regexp(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", message="Alamat email tidak valid.")])
    laman = StringField("Laman", validators=[Optional(), Length(max=120)])
    kota_ttd = StringField("Tempat penandatanganan", validators=[Optional(), Length(max=80)],
                           description="Kota yang dicetak di atas tanda tangan.")
    atasan_kadis_nama = StringField("Nama atasan Kepala Dinas",
                                    validators=[Optional(), Length(max=150)],
                                    description="Atasan Pejabat Penilai Kinerja pada dokumen "
                                                "kepala sekolah.")
    atasan_kadis_nip = StringField("NIP atasan Kepala Dinas", validators=[
        Optional(), Regexp(r"^\d{18}$", message="NIP harus 18 digit.")])
    atasan_kadis_pangkat = StringField("Pangkat/golongan atasan Kepala Dinas",
                                       validators=[Optional(), Length(max=80)])
    atasan_kadis_jabatan = StringField("Jabatan atasan Kepala Dinas",
                                       validators=[Optional(), Length(max=150)])


class FormLogo(Formulir):
    logo = FileField("Logo untuk kop surat (PNG, JPEG atau SVG, maks. 200 KB)")
    hapus = BooleanField("Hapus logo")


class FormGaruda(Formulir):
    garuda = FileField("Lambang Garuda (PNG, JPEG atau SVG, maks. 200 KB)",
                       description="Berkas lambang dari Dinas sendiri; aplikasi tidak pernah "
                                   "mengambilnya dari internet.")
    kop_garuda = BooleanField("Cetak lambang Garuda di kop dokumen (menggantikan kop Dinas)")
    hapus = BooleanField("Hapus lambang Garuda")
