from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kinerja_web.formulir import Formulir
from kinerja_web.models import Dinas
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
