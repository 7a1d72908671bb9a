"""
Times as QuickBooks Online writes them.

Stored times are UTC; Intuit renders them in the company's time zone with a numeric offset and no fraction
(``MetaData``: ``2026-11-22T10:11:12-08:00``), and stamps each response with milliseconds
(``"time": "2026-11-22T10:11:12.345-08:00"``). Every "now" of the sandbox comes from ``now()`` so that a later
time-scale knob has a single place to act.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    """The sandbox's current time, tz-aware UTC."""
    return timezone.now()


def _local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(time_zone))


def _offset(moment: datetime) -> str:
    # isoformat() gives "+00:00" for UTC as Intuit does; only the fraction needs care.
    return moment.isoformat()[-6:]


def qbo_datetime(moment: datetime, time_zone: str) -> str:
    """``MetaData`` style: ``2026-11-22T10:11:12-08:00``."""
    local = _local(moment, time_zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + _offset(local)


def qbo_response_time(time_zone: str, moment: datetime | None = None) -> str:
    """The ``time`` of a response envelope: ``2026-11-22T10:11:12.345-08:00``."""
    local = _local(moment or now(), time_zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + _offset(local)


def qbo_date(moment: datetime, time_zone: str) -> str:
    """A date field (``TxnDate``, ``DueDate``): ``2026-11-22`` in the company's time zone."""
    return _local(moment, time_zone).date().isoformat()


def local_today(time_zone: str) -> date:
    return _local(now(), time_zone).date()


def epoch_millis(moment: datetime | None = None) -> int:
    """The ``time`` of Intuit's lowercase authentication faults: milliseconds since the epoch."""
    return int((moment or now()).timestamp() * 1000)
