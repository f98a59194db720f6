"""All models, importable from one place (and complete for Alembic)."""

from kinerja_web.models.akun import Akun, SesiLogin
from kinerja_web.models.audit import Audit
from kinerja_web.models.cetak import (
    Cetakan,
    CetakBatch,
    CetakBatchBerkas,
    DokumenTersimpan,
    GenerasiData,
)
from kinerja_web.models.impor import ImporAkun, ImporBerkas
from kinerja_web.models.kiriman import KunciKiriman
from kinerja_web.models.mutasi import JenisMutasi, Mutasi
from kinerja_web.models.org import (
    Dinas,
    Pegawai,
    Penugasan,
    PlotTimKerja,
    Sekolah,
    StatusTahun,
    TahunDinas,
    TahunKinerja,
)
from kinerja_web.models.pelaksanaan import (
    CatatanUpaya,
    Konfirmasi,
    Praktik,
    RefleksiKompetensi,
)
from kinerja_web.models.pengingat import KirimanPengingat, StatusPengingat
from kinerja_web.models.penilaian import (
    Penetapan,
    Pengiriman,
    Penilaian,
    PkoDinas,
    PkoSekolah,
)
from kinerja_web.models.prarencana import BukaPerencanaan
from kinerja_web.models.sinkro import (
    AsnSiasn,
    Ekspor,
    LogSinkro,
    PeriodeEkinerja,
    TugasEkspor,
    UnitKerja,
)
from kinerja_web.models.skp import Skp
from kinerja_web.models.tenggat import PerpanjanganTenggat

__all__ = [
    "Akun",
    "AsnSiasn",
    "Audit",
    "BukaPerencanaan",
    "CatatanUpaya",
    "CetakBatch",
    "CetakBatchBerkas",
    "Cetakan",
    "Dinas",
    "DokumenTersimpan",
    "GenerasiData",
    "ImporAkun",
    "JenisMutasi",
    "Ekspor",
    "ImporBerkas",
    "KirimanPengingat",
    "Konfirmasi",
    "KunciKiriman",
    "LogSinkro",
    "Mutasi",
    "Pegawai",
    "StatusPengingat",
    "Penetapan",
    "PeriodeEkinerja",
    "Penilaian",
    "Pengiriman",
    "PkoDinas",
    "PkoSekolah",
    "Penugasan",
    "PerpanjanganTenggat",
    "PlotTimKerja",
    "Praktik",
    "RefleksiKompetensi",
    "Sekolah",
    "SesiLogin",
    "Skp",
    "StatusTahun",
    "TahunDinas",
    "TahunKinerja",
    "TugasEkspor",
    "UnitKerja",
]
