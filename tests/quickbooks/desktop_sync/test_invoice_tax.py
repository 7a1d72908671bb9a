"""
QuickBooks Desktop charges another tax than FieldOffice computed (its sales tax item's rate): the invoice keeps both
figures and why, and the run's summary counts it, through the same invoices step as Online.
"""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.accounting.models import TaxRate
from apps.quickbooks.models import RecordLink, SyncRunStatus
from tests.factories import CustomerFactory, TaxRateFactory
from tests.quickbooks.desktop_sync import test_invoices
from tests.quickbooks.desktop_sync.conftest import qbxml

pytestmark = pytest.mark.django_db

# The Desktop invoice tests' fixtures: the company file's "Services" item, and invoices set to go to Desktop.
services_item = test_invoices.services_item
desktop_invoices = test_invoices.desktop_invoices


def test_desktop_tax_at_another_rate_is_kept_with_fieldoffices_and_explained(
    desktop_invoices, desktop_sync, company, division
):
    desktop_invoices()
    state_tax = qbxml(company, "<ItemSalesTaxQueryRq><FullName>State Tax</FullName></ItemSalesTaxQueryRq>")
    rate = TaxRateFactory(division=division, name="State 7%", percent=Decimal("7.0000"))
    RecordLink.objects.create(
        division=division,
        content_type=ContentType.objects.get_for_model(TaxRate),
        object_id=rate.pk,
        entity_type="TaxCode",
        qbo_id=state_tax.findtext(".//ItemSalesTaxRet/ListID"),
    )
    customer = CustomerFactory(division=division, display_name="Maple Market", taxable=True, tax_rate=rate)
    invoice = test_invoices.ready(customer, ("Parts", "1", "100", True), ("Labor", "1", "50", False), tax_rate=rate)

    run = desktop_sync()

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total) == (Decimal("7.25"), Decimal("157.25"))
    assert (invoice.computed_tax, invoice.computed_total) == (Decimal("7.00"), Decimal("157.00"))
    assert invoice.totals_changed_by == "QuickBooks"
    assert invoice.tax_difference_reason == (
        "QuickBooks' tax code State Tax charges 7.25 % where the tax rate here says 7 %."
    )
    assert (
        f"1 invoice total changed by QuickBooks, which applied its own tax: {invoice.number} (tax 7.25, not 7.00)"
        in (run.summary)
    )
