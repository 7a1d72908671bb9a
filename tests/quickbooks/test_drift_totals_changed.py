"""
The drift check lists the invoices whose tax and total QuickBooks changed when they were sent: both sides agree on
what was billed, so it is not drift, but nobody can miss that it is not what FieldOffice computed.
"""

import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from apps.invoicing.models import Invoice
from apps.quickbooks.drift import DifferenceKind, drift_check
from tests.quickbooks import test_drift

# The drift tests' fixture: a division and its QuickBooks company that agree, with invoices 1001 (open) and 1002 (paid).
sides = test_drift.sides

REASON = "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own."


def _changed_by_quickbooks(invoice: Invoice) -> None:
    """QuickBooks charged no tax on invoice 1001 (150.00) where FieldOffice computed 12.04 (162.04)."""
    Invoice.objects.filter(pk=invoice.pk).update(
        computed_tax=Decimal("12.04"),
        computed_total=Decimal("162.04"),
        totals_changed_by="QuickBooks",
        tax_difference_reason=REASON,
    )


def test_invoices_whose_total_quickbooks_changed_are_listed_without_being_drift(sides, division):
    _changed_by_quickbooks(sides.open_local)

    report = drift_check(division)

    assert report.in_sync and report.drifted_invoices == []
    (changed,) = report.totals_changed
    assert (changed.kind, changed.number, changed.qbo_id) == (
        DifferenceKind.CHANGED_BY_QUICKBOOKS,
        "1001",
        sides.open_remote.entity_id,
    )
    assert (changed.fieldoffice_total, changed.quickbooks_total) == (Decimal("150.00"), Decimal("150.00"))
    assert changed.message == (
        "Invoice 1001: QuickBooks charged 0.00 tax where FieldOffice computed 12.04, so it is billed 150.00, not "
        "162.04: the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own."
    )
    assert report.summary == (
        "Main: FieldOffice and QuickBooks agree. 1 invoice total was changed by QuickBooks, which charged its own tax "
        "(listed below)."
    )


def test_a_paid_invoice_whose_total_quickbooks_changed_is_listed_too(sides, division):
    _changed_by_quickbooks(sides.paid_local)

    (changed,) = drift_check(division).totals_changed

    assert (changed.number, changed.qbo_id) == ("1002", sides.paid_remote.entity_id)


def test_the_command_and_the_page_list_them(sides, division, office_client):
    _changed_by_quickbooks(sides.open_local)
    out = StringIO()

    call_command("qbo_sync", "--division", "main", "--drift", "--json", stdout=out)  # exits 0: not drift
    page = office_client.post(test_drift._drift_url(division)).content.decode()

    (listed,) = json.loads(out.getvalue())["invoices"]
    assert listed["kind"] == "total_changed_by_quickbooks" and listed["quickbooks_total"] == "150.00"
    assert "1 invoice total was changed by QuickBooks, which charged its own tax (listed below)." in page
    assert "Invoice 1001: QuickBooks charged 0.00 tax where FieldOffice computed 12.04" in page
    assert f'<a href="{reverse("admin:invoicing_invoice_change", args=[sides.open_local.pk])}">1001</a>' in page
