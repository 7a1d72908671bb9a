"""The invoice screens say when QuickBooks charged another tax: a banner on the invoice, a flag and filter in a list."""

import pytest
from django.urls import reverse

from tests.invoicing.test_total_changed import _charged_by_quickbooks, _sent

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:invoicing_invoice_changelist")


def test_the_change_page_says_what_quickbooks_charged_and_why(admin_client):
    invoice = _charged_by_quickbooks(_sent())
    plain = _sent(number="1018")

    page = admin_client.get(reverse("admin:invoicing_invoice_change", args=[invoice.pk])).content.decode()
    other = admin_client.get(reverse("admin:invoicing_invoice_change", args=[plain.pk])).content.decode()

    assert (
        "QuickBooks charged $13.70 tax where FieldOffice computed $15.17: the tax rate Minneapolis (8.025 %) is not a "
        "tax code in QuickBooks, so QuickBooks applies its own. The invoice shows QuickBooks&#x27; figures, as billed: "
        "total $521.70 (FieldOffice computed $523.17)."
    ) in page
    assert 'data-invoice-total="tax">$13.70<' in page and 'data-invoice-total="total">$521.70<' in page
    assert "invoice-total-changed-notice" not in other


def test_the_list_flags_and_filters_invoices_whose_total_quickbooks_changed(admin_client):
    changed = _charged_by_quickbooks(_sent())
    unchanged = _sent(number="1018")

    response = admin_client.get(CHANGELIST)
    changed_only = admin_client.get(CHANGELIST, {"total_changed": "yes"})
    unchanged_only = admin_client.get(CHANGELIST, {"total_changed": "no"})

    html = response.content.decode()
    assert html.count('class="invoice-total-changed"') == 1 and ">By QuickBooks</span>" in html
    assert "QuickBooks charged $13.70 tax; FieldOffice computed $15.17 (total $523.17)." in html
    assert [invoice.pk for invoice in changed_only.context["cl"].result_list] == [changed.pk]
    assert [invoice.pk for invoice in unchanged_only.context["cl"].result_list] == [unchanged.pk]
    assert "Total changed by QuickBooks" in html
