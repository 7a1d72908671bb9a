"""
QuickBooks Online's ``Term`` objects ↔ the engine's ``TermRecord``: standard terms (due ``DueDays`` after the
invoice date) and date-driven ones (due on ``DayOfMonthDue``), which have no day count.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from apps.quickbooks.mapping.common import text
from apps.quickbooks.online.mapping.common import identity
from apps.quickbooks.sync.records import TermRecord

NAME_MAX = 31


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def term_record(obj: dict[str, Any]) -> TermRecord:
    """A ``Term`` as the engine's record; one without a day count (``DueDays``) is date-driven."""
    return TermRecord(
        **identity(obj),
        name=text(obj.get("Name")),
        active=obj.get("Active", True) is not False,
        due_days=_int(obj.get("DueDays")),
        day_of_month_due=_int(obj.get("DayOfMonthDue")),
        due_next_month_days=_int(obj.get("DueNextMonthDays")),
        discount_percent=_decimal(obj.get("DiscountPercent")),
        discount_days=_int(obj.get("DiscountDays")),
        discount_day_of_month=_int(obj.get("DiscountDayOfMonth")),
    )


def term_payload(record: TermRecord) -> dict[str, Any]:
    """The ``Term`` written for ``record``: a standard term; with its id and version, a change of that one."""
    payload: dict[str, Any] = {"Name": record.name, "DueDays": record.due_days or 0, "Active": record.active}
    if record.remote_id:
        payload.update({"Id": record.remote_id, "SyncToken": record.version})
    return payload
