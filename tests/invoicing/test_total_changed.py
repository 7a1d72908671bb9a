"""
An invoice whose tax the accounting system charged differently: what was billed and what FieldOffice computed are
both kept, with who and why, and a later recalculation never changes them silently.
"""

from decimal import Decimal as D

import pytest

from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import invoice_recalculate, invoice_sent_apply, invoice_update, payment_record
from tests.factories import CustomerFactory, InvoiceFactory, InvoiceLineFactory, TaxRateFactory

pytestmark = pytest.mark.django_db

REASON = "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own."


def _sent(number: str = "1017"):
    """A ready invoice of 189.00 taxable at 8.025 % (15.17) and 319.00 not taxable: 523.17."""
    rate = TaxRateFactory(name=f"Minneapolis {number}", percent=D("8.025"))
    customer = CustomerFactory(tax_rate=rate, taxable=True)
    invoice = InvoiceFactory(number=number, customer=customer, tax_rate=rate, status=InvoiceStatus.READY_FOR_SYNC)
    InvoiceLineFactory(invoice=invoice, description="Service call and labour", unit_price=D("319.00"), taxable=False)
    InvoiceLineFactory(invoice=invoice, description="Thermostat", unit_price=D("189.00"), taxable=True)
    return invoice_recalculate(invoice=invoice)


def _charged_by_quickbooks(invoice, tax="13.70", total="521.70"):
    return invoice_sent_apply(
        invoice=invoice,
        tax=D(tax),
        total=D(total),
        balance=D(total),
        source="QuickBooks sync",
        charged_by="QuickBooks",
        tax_reason=REASON,
    )


def test_the_invoice_keeps_what_was_billed_and_what_fieldoffice_computed():
    invoice = _sent()
    assert (invoice.tax, invoice.total) == (D("15.17"), D("523.17"))

    _charged_by_quickbooks(invoice)

    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total, invoice.balance) == (D("13.70"), D("521.70"), D("521.70"))
    assert (invoice.computed_tax, invoice.computed_total) == (D("15.17"), D("523.17"))
    assert (invoice.totals_changed_by, invoice.tax_difference_reason) == ("QuickBooks", REASON)
    note = invoice.notes.get()
    assert note.text == (
        "QuickBooks charged 13.70 tax (total 521.70); FieldOffice had computed 15.17 (total 523.17). The tax rate "
        "Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own. The invoice now shows "
        "QuickBooks' figures."
    )


def test_sent_again_with_the_same_figures_it_keeps_both_and_notes_once_and_agreeing_clears_them():
    invoice = _charged_by_quickbooks(_sent())

    _charged_by_quickbooks(invoice)
    invoice.refresh_from_db()
    assert invoice.total_changed_externally and invoice.notes.count() == 1
    assert invoice.computed_tax == D("15.17")  # FieldOffice's own figure, not QuickBooks' first answer

    _charged_by_quickbooks(invoice, tax="15.17", total="523.17")  # the customer's tax was fixed in QuickBooks
    invoice.refresh_from_db()
    assert not invoice.total_changed_externally
    assert (invoice.tax, invoice.computed_tax, invoice.totals_changed_by, invoice.tax_difference_reason) == (
        D("15.17"),
        None,
        "",
        "",
    )


def test_a_recalculation_never_undoes_quickbooks_tax_silently_but_an_edit_does():
    invoice = _charged_by_quickbooks(_sent())

    payment_record(invoice=invoice, amount=D("100.00"))  # recomputes the invoice
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total, invoice.balance) == (D("13.70"), D("521.70"), D("421.70"))

    lines = [
        {
            "item": line.item,
            "description": line.description,
            "quantity": D("2"),
            "unit_price": line.unit_price,
            "taxable": line.taxable,
        }
        for line in invoice.lines.all()
    ]
    invoice_update(invoice=invoice, lines=lines)
    invoice.refresh_from_db()
    # 378.00 taxable at 8.025 % = 30.3345: FieldOffice's figures until QuickBooks charges again.
    assert (invoice.tax, invoice.total, invoice.balance) == (D("30.33"), D("1046.33"), D("946.33"))
    assert not invoice.total_changed_externally and invoice.tax_difference_reason == ""
