"""
The engine's plan for invoices, which FieldOffice only sends, as a table of (the record sent, QuickBooks' copy, the
link, whether the invoice is marked ready, whether the run is a resend) → decision: a pure function, no database, no
QuickBooks.
"""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.quickbooks.models import RecordLink
from apps.quickbooks.sync.plan import LOST_THERE, NOTHING, Decision, Kind
from apps.quickbooks.sync.records import InvoiceLine, InvoiceRecord
from apps.quickbooks.sync.specs.invoices import invoice_plan

SENT = InvoiceRecord(
    number="1017",
    customer_id="58",
    invoice_date=date(2015, 11, 2),
    due_date=date(2015, 12, 2),
    lines=(InvoiceLine(item_id="9", description="Filter", quantity=Decimal(2), unit_price=Decimal("12.50")),),
)
# QuickBooks' copy of what was sent: its id and version, and what it worked out (tax, total) besides.
HELD = replace(SENT, remote_id="130", version="4", tax=Decimal("2.06"), total=Decimal("27.06"))
CHANGED_THERE = replace(HELD, lines=(replace(SENT.lines[0], quantity=Decimal(3)),))
CREATE, UPDATE = Decision(Kind.CREATE_THERE), Decision(Kind.UPDATE_THERE)


def sent_link() -> RecordLink:
    return RecordLink(division_id=1, object_id=1, qbo_id="130", sync_token="4", content_hash="")


def pending_link() -> RecordLink:
    """A create an interrupted run sent without learning what QuickBooks did."""
    sent_at = datetime(2015, 11, 2, 9, 30, tzinfo=UTC)
    return RecordLink(division_id=1, object_id=1, qbo_id="", pending_since=sent_at, pending_name="1017")


CASES = [
    # (why, link, ready, resend, QuickBooks' copy, decision)
    ("marked ready, never sent", None, True, False, None, CREATE),
    ("marked ready, its create interrupted: the writer finds what it made", pending_link(), True, False, None, CREATE),
    ("marked ready again after it was sent: an update", sent_link(), True, False, None, UPDATE),
    ("resend, QuickBooks holds what is sent", sent_link(), False, True, HELD, NOTHING),
    ("resend, QuickBooks' copy was changed there", sent_link(), False, True, CHANGED_THERE, UPDATE),
    ("resend, QuickBooks lost it", sent_link(), False, True, None, Decision(Kind.CREATE_THERE, LOST_THERE)),
    ("resend of an invoice marked ready: sent whatever QuickBooks holds", sent_link(), True, True, HELD, UPDATE),
    ("resend of an invoice never sent", None, True, True, None, CREATE),
]


@pytest.mark.parametrize(("why", "link", "ready", "resend", "held", "decision"), CASES, ids=[case[0] for case in CASES])
def test_invoice_plan(why, link, ready, resend, held, decision):
    assert invoice_plan(SENT, link, ready=ready, resend=resend, held=held) == decision
