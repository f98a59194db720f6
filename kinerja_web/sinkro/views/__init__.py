"""The Sinkro e-Kinerja pages for the Operator Dinas (SPEC §6), one module per sub-page:
cek (Cek Kesiapan Sinkro), pegawai, log (Log Sinkronisasi), ekspor (Ekspor e-Kinerja),
referensi (Data Referensi), periode (Periode e-Kinerja), disparitas (Laporan Disparitas
Data). They hang on one blueprint (`bersama.bp`, endpoints `sinkro.*`); importing them
here registers their routes."""

from kinerja_web.sinkro.views import (  # noqa: F401  (the routes register on import)
    cek,
    disparitas,
    ekspor,
    log,
    pegawai,
    periode,
    referensi,
)
from kinerja_web.sinkro.views.bersama import bp

__all__ = ["bp"]
