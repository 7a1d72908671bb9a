"""
Payment terms: ``STANDARD`` (due ``DueDays`` after the transaction) or ``DATE_DRIVEN`` (due on ``DayOfMonthDue``).

``Type`` is derived from which of the two is sent; ``Name`` holds at most 31 characters and is unique.
"""

import calendar
from datetime import date, timedelta

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.people import checked_name
from apps.qbo_sandbox.entities.schema import BOOL, DECIMAL, INT, read_only, text
from apps.qbo_sandbox.entities.shapes import entity_schema
from apps.qbo_sandbox.models import SandboxEntity

DUPLICATE_DETAIL = "Another term is already using this name. Please use a different name."


class TermRules(EntityRules):
    entity_type = "Term"
    schema = entity_schema(
        {
            "Name": text(31),
            "Active": BOOL,
            "DiscountPercent": DECIMAL,
            "DueDays": INT,
            "DiscountDays": INT,
            "DayOfMonthDue": INT,
            "DueNextMonthDays": INT,
            "DiscountDayOfMonth": INT,
            "Type": read_only(text()),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("Name"):
            raise faults.required_missing("Name")
        data["Name"] = checked_name(data["Name"], "Name")
        if store.name_conflict_find(ctx.company, ["Term"], data["Name"], exclude=existing) is not None:
            raise faults.duplicate_name(DUPLICATE_DETAIL)
        if data.get("DayOfMonthDue") is not None:
            data["Type"] = "DATE_DRIVEN"
            data.pop("DueDays", None)
        elif data.get("DueDays") is not None:
            data["Type"] = "STANDARD"
        else:
            raise faults.required_missing("DueDays")
        data.setdefault("DiscountPercent", 0)
        data.setdefault("Active", True)
        return data


def due_date(term: Data, txn_date: date) -> date:
    """When a transaction dated ``txn_date`` under ``term`` falls due."""
    if term.get("Type") == "DATE_DRIVEN" or term.get("DayOfMonthDue") is not None:
        day = int(term.get("DayOfMonthDue") or 1)
        within = int(term.get("DueNextMonthDays") or 0)
        year, month = txn_date.year, txn_date.month
        for _ in range(3):
            due = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            # A transaction dated within DueNextMonthDays of the due day is due the month after.
            if due >= txn_date and (due - txn_date).days >= within:
                return due
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return due
    return txn_date + timedelta(days=int(term.get("DueDays") or 0))
