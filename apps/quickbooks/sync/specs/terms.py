"""
Payment terms: a short list, read in full from QuickBooks at every run while they are synced.

QuickBooks master (customers from QuickBooks, two-way, or not synced): pulled; a term renamed or changed there updates
the one linked here (never a second one), and one deleted or made inactive there is made inactive here. FieldOffice
master (customers to QuickBooks): pushed, each compared with what QuickBooks holds now, so that an unchanged term
costs nothing and a stale version cannot happen; where QuickBooks does not let apps change a term (Desktop), a local
change is reported once instead.
"""

from typing import Any

from apps.accounting import services as accounting
from apps.accounting.models import PaymentTerm
from apps.quickbooks.mapping.common import name_for_quickbooks
from apps.quickbooks.sync.records import TERM, TermRecord
from apps.quickbooks.sync.spec import EntitySpec, Refs

# QuickBooks (Online and Desktop) keeps a term's name to 31 characters.
NAME_MAX = 31
# A date-driven term (due on a day of the month) has no day count; FieldOffice keeps the month's length.
DATE_DRIVEN_DAYS = 30
# The most days a term here may have (``PaymentTerm.due_days``).
DUE_DAYS_MAX = 32767


def due_days(record: TermRecord) -> int:
    return max(record.due_days, 0) if record.due_days is not None else DATE_DRIVEN_DAYS


def term_fields(record: TermRecord) -> dict[str, Any]:
    return {"name": record.name[:100], "due_days": min(due_days(record), DUE_DAYS_MAX), "active": record.active}


def term_comparable(record: TermRecord) -> dict[str, Any]:
    # The keys the links' hashes were first computed with: links made before keep agreeing.
    return {"Name": record.name, "DueDays": due_days(record), "Active": record.active}


def term_record(term: PaymentTerm, refs: Refs | None = None, action: str = "") -> TermRecord:
    """The term QuickBooks holds for ``term``: a standard one, its name as QuickBooks keeps it."""
    return TermRecord(name=_name(term), due_days=term.due_days, active=term.active)


def _name(term: PaymentTerm) -> str:
    return name_for_quickbooks(term.name, NAME_MAX)


def lists_master(ctx: Any) -> str:
    return ctx.lists_master


PAYMENT_TERMS = EntitySpec(
    name="payment terms",
    label="payment term",
    stage="Payment terms",
    model=PaymentTerm,
    entity=TERM,
    record_type=TermRecord,
    create=accounting.payment_term_create,
    update=accounting.payment_term_update,
    deactivate=accounting.payment_term_deactivate,
    instance_argument="payment_term",
    master=lists_master,
    fields=term_fields,
    remote_comparable=term_comparable,
    local_comparable=lambda term: term_comparable(term_record(term)),
    to_record=term_record,
    local_name=_name,
    reads=(TERM,),
    push_compares_remote=True,
)
