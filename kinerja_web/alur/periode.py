"""The instance's e-Kinerja periods (/sinkro/periode): add, change, remove; each audited."""

from datetime import date
from typing import Any

from kinerja_web.alur import catat, cek_versi
from kinerja_web.extensions import db
from kinerja_web.models import PeriodeEkinerja

BIDANG = ("nama", "tahun", "mulai", "selesai", "batas", "tipe_periodik", "angka_periodik")


def _teks(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def tambah(dinas_id: int, nilai: dict[str, Any], akun: Any = None) -> PeriodeEkinerja:
    """A new period; audited."""
    p = PeriodeEkinerja(dinas_id=dinas_id, versi=1, **nilai)
    db.session.add(p)
    db.session.flush()
    catat("periode_ekinerja_dibuat", p, akun=akun,
          data={k: _teks(v) for k, v in nilai.items()})
    return p


def ubah(p: PeriodeEkinerja, nilai: dict[str, Any], versi: Any,
         akun: Any = None) -> dict[str, list[Any]]:
    """Change a period seen at `versi` (409 when someone changed it since); audited."""
    cek_versi(p, versi)
    beda = {k: [_teks(getattr(p, k)), _teks(v)] for k, v in nilai.items()
            if getattr(p, k) != v}
    if beda:
        for k, v in nilai.items():
            setattr(p, k, v)
        p.versi += 1
        catat("periode_ekinerja_diubah", p, akun=akun, data=beda)
    return beda


def hapus(p: PeriodeEkinerja, versi: Any, akun: Any = None) -> None:
    """Remove a period (e.g. "HAPUS PERIODE DUPLIKAT"); the audit row keeps its values."""
    cek_versi(p, versi)
    catat("periode_ekinerja_dihapus", p, akun=akun,
          data={k: _teks(getattr(p, k)) for k in BIDANG})
    db.session.delete(p)
