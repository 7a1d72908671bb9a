"""Writes that come from QuickBooks: its totals after a send, its payments, and notes on the invoice."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import (
    invoice_sent_apply,
    payment_external_delete,
    payment_external_save,
)
from tests.factories import InvoiceFactory, InvoiceLineFactory

pytestmark = pytest.mark.django_db


def _ready(total: str = "100.00"):
    line = InvoiceLineFactory(unit_price=D(total), invoice__status=InvoiceStatus.READY_FOR_SYNC)
    invoice = line.invoice
    invoice.total = invoice.balance = invoice.subtotal = D(total)
    invoice.save()
    return invoice


def test_the_sent_invoice_takes_quickbooks_figures_and_notes_a_tax_difference():
    invoice = _ready()

    invoice_sent_apply(invoice=invoice, tax=D("8.00"), total=D("108.00"), balance=D("108.00"), number="1044",
                       source="QuickBooks sync")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.tax, invoice.total, invoice.number) == (InvoiceStatus.UNPAID, D("8.00"),
                                                                            D("108.00"), "1044")
    (note,) = invoice.notes.all()
    assert note.source == "QuickBooks sync" and "charged 8.00 tax (total 108.00)" in note.text


def test_same_figures_leave_no_note_and_nothing_owed_is_paid():
    invoice = _ready("0.00")

    invoice_sent_apply(invoice=invoice, tax=D("0.00"), total=D("0.00"), balance=D("0.00"))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and not invoice.notes.exists()


def test_a_number_taken_here_is_kept_and_said():
    InvoiceFactory(number="1044")
    invoice = _ready()

    invoice_sent_apply(invoice=invoice, tax=D("0"), total=invoice.total, balance=invoice.total, number="1044")

    invoice.refresh_from_db()
    assert invoice.number != "1044" and "another invoice here has that number" in invoice.notes.get().text


def test_payments_from_quickbooks_settle_without_recomputing_tax():
    invoice = _ready()
    invoice_sent_apply(invoice=invoice, tax=D("8.00"), total=D("108.00"), balance=D("108.00"))

    payment = payment_external_save(invoice=invoice, amount=D("108.00"), paid_on=date(2015, 11, 20), method="check")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.tax) == (InvoiceStatus.PAID, D("0.00"), D("8.00"))

    payment_external_delete(payment=payment)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.UNPAID, D("108.00"))


def test_the_invoice_form_shows_its_notes(admin_client):
    invoice = _ready()
    invoice_sent_apply(invoice=invoice, tax=D("8.00"), total=D("108.00"), balance=D("108.00"), source="QuickBooks sync")

    page = admin_client.get(reverse("admin:invoicing_invoice_change", args=[invoice.pk])).content.decode()

    assert "charged 8.00 tax" in page and "QuickBooks sync" in page
