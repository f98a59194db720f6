"""Time: naive UTC in the database, Indonesian dates on screen and paper."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def sekarang():
    """The current instant as naive UTC, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def zona():
    return ZoneInfo(current_app.config["ZONA_WAKTU"])


# A date the current block runs "on" (see `pada`); None: the real date.
_tanggal_tetap: ContextVar[date | None] = ContextVar("tanggal_tetap", default=None)


@contextmanager
def pada(tanggal):
    """Run a block as if today were `tanggal`: the demo plans its running year in January,
    when the year's planning deadlines allow it. Only the date moves; timestamps stay real."""
    token = _tanggal_tetap.set(tanggal)
    try:
        yield
    finally:
        _tanggal_tetap.reset(token)


def hari_ini():
    """Today's date in the Dinas' time zone (or the date of an enclosing `pada`)."""
    tetap = _tanggal_tetap.get()
    if tetap is not None:
        return tetap
    return datetime.now(zona()).date()


def lokal(waktu_utc):
    """A stored naive-UTC timestamp in the Dinas' time zone."""
    return waktu_utc.replace(tzinfo=UTC).astimezone(zona())


def format_tanggal(nilai):
    """'22 November 2026' for a date or a stored timestamp; '' for None."""
    if nilai is None:
        return ""
    if isinstance(nilai, datetime):
        nilai = lokal(nilai).date()
    return f"{nilai.day} {BULAN[nilai.month - 1]} {nilai.year}"


def format_hari_tanggal(nilai: date | None):
    """'Senin, 1 Maret 2024'."""
    if nilai is None:
        return ""
    return f"{HARI[nilai.weekday()]}, {format_tanggal(nilai)}"


def format_waktu(nilai: datetime | None):
    """'22 November 2026 08.15' (Indonesian time notation) for a stored timestamp."""
    if nilai is None:
        return ""
    t = lokal(nilai)
    return f"{format_tanggal(t.date())} {t:%H.%M}"
