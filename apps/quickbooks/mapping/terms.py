"""Payment terms ↔ QuickBooks terms (standard: due a number of days after the invoice date)."""

from typing import Any

from apps.accounting.models import PaymentTerm
from apps.quickbooks.mapping.common import name_for_quickbooks, text

ENTITY = "Term"
NAME_MAX = 31
# A date-driven term (due on a day of the month) has no day count; FieldOffice keeps the month's length.
DATE_DRIVEN_DAYS = 30


def term_payload(term: PaymentTerm) -> dict[str, Any]:
    return {"Name": name_for_quickbooks(term.name, NAME_MAX), "DueDays": term.due_days, "Active": term.active}


def term_comparable(obj: dict[str, Any]) -> dict[str, Any]:
    return {"Name": text(obj.get("Name")), "DueDays": _due_days(obj), "Active": obj.get("Active", True) is not False}


def _due_days(obj: dict[str, Any]) -> int:
    try:
        return max(int(obj["DueDays"]), 0)
    except (KeyError, TypeError, ValueError):
        return DATE_DRIVEN_DAYS


def term_fields(obj: dict[str, Any]) -> dict[str, Any]:
    return {"name": text(obj.get("Name"), 100), "due_days": min(_due_days(obj), 32767), "active": _active(obj)}


def _active(obj: dict[str, Any]) -> bool:
    return obj.get("Active", True) is not False
