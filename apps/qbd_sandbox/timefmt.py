"""
Times as QuickBooks Desktop writes and reads them.

Stored times are UTC with whole seconds (QuickBooks keeps no fractions). QuickBooks shows them in the time zone of
the machine it runs on, with that zone's offset (``2026-11-22T10:15:00-05:00``), and reads dates and times without an
offset in that zone too: ``FromModifiedDate`` 2026-11-22 is local midnight.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone


def now() -> datetime:
    """The current time, tz-aware UTC, to the second."""
    return timezone.now().replace(microsecond=0)


def qb_datetime(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def local_bound(value: date | datetime, zone: ZoneInfo, *, end: bool) -> datetime:
    """
    A filter bound as a UTC instant: a date means the start (or, for an upper bound, the end) of that local day;
    a time without an offset is local.
    """
    if not isinstance(value, datetime):
        day_start = datetime.combine(value, time.min, tzinfo=zone)
        return (day_start + timedelta(days=1, seconds=-1) if end else day_start).astimezone(ZoneInfo("UTC"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(ZoneInfo("UTC"))


def _month_start(day: date, months: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: date, quarters: int = 0) -> date:
    first = _month_start(day, -((day.month - 1) % 3))
    return _month_start(first, 3 * quarters)


def macro_range(macro: str, today: date) -> tuple[date | None, date | None]:
    """The dates a ``DateMacro`` names (weeks start on Sunday, quarters and years are calendar ones)."""
    week = today - timedelta(days=(today.weekday() + 1) % 7)
    month, quarter, year = _month_start(today), _quarter_start(today), date(today.year, 1, 1)
    day = timedelta(days=1)
    ranges: dict[str, tuple[date | None, date | None]] = {
        "All": (None, None),
        "Today": (today, today),
        "Yesterday": (today - day, today - day),
        "ThisWeek": (week, week + timedelta(days=6)),
        "ThisWeekToDate": (week, today),
        "LastWeek": (week - timedelta(days=7), week - day),
        "LastWeekToDate": (week - timedelta(days=7), today - timedelta(days=7)),
        "NextWeek": (week + timedelta(days=7), week + timedelta(days=13)),
        "NextFourWeeks": (week + timedelta(days=7), week + timedelta(days=34)),
        "ThisMonth": (month, _month_start(today, 1) - day),
        "ThisMonthToDate": (month, today),
        "LastMonth": (_month_start(today, -1), month - day),
        "LastMonthToDate": (_month_start(today, -1), _month_start(today, -1) + (today - month)),
        "NextMonth": (_month_start(today, 1), _month_start(today, 2) - day),
        "ThisQuarter": (quarter, _quarter_start(today, 1) - day),
        "ThisQuarterToDate": (quarter, today),
        "LastQuarter": (_quarter_start(today, -1), quarter - day),
        "LastQuarterToDate": (_quarter_start(today, -1), _quarter_start(today, -1) + (today - quarter)),
        "NextQuarter": (_quarter_start(today, 1), _quarter_start(today, 2) - day),
        "ThisYear": (year, date(today.year, 12, 31)),
        "ThisYearToDate": (year, today),
        "LastYear": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "LastYearToDate": (date(today.year - 1, 1, 1), date(today.year - 1, 1, 1) + (today - year)),
        "NextYear": (date(today.year + 1, 1, 1), date(today.year + 1, 12, 31)),
    }
    return ranges[macro]
