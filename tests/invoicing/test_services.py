from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.html import strip_tags

from apps.invoicing.admin.invoices import invoice_status_badge
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.invoicing.services import (
    InvoiceStatusError,
    invoice_approve,
    invoice_fill_defaults,
    invoice_mark_for_sync,
    invoice_next_number,
    invoice_recalculate,
    invoice_transition,
    invoice_void,
    invoices_approve,
    invoices_mark_for_sync,
    payment_record,
)
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
    UserFactory,
)

S = InvoiceStatus
D = Decimal
pytestmark = pytest.mark.django_db


def _invoice_with_lines(*amounts: str, status: str = S.DRAFT, percent: str = "10", taxable: bool = True) -> Invoice:
    invoice = InvoiceFactory(status=status, tax_rate=TaxRateFactory(percent=D(percent)), customer__taxable=taxable)
    for amount in amounts:
        InvoiceLineFactory(invoice=invoice, quantity=D("1"), unit_price=D(amount))
    return invoice_recalculate(invoice=invoice)


def test_recalculate_stores_line_amounts_totals_and_balance():
    invoice = InvoiceFactory(tax_rate=TaxRateFactory(percent=D("7.875")))
    InvoiceLineFactory(invoice=invoice, quantity=D("3"), unit_price=D("33.333"))
    InvoiceLineFactory(invoice=invoice, quantity=D("1"), unit_price=D("20"), taxable=False)
    invoice_recalculate(invoice=invoice)
    invoice.refresh_from_db()
    assert [line.amount for line in invoice.lines.all()] == [D("100.00"), D("20.00")]
    assert (invoice.subtotal, invoice.tax, invoice.total, invoice.balance) == (
        D("120.00"),
        D("7.88"),
        D("127.88"),
        D("127.88"),
    )


def test_tax_exempt_customer_pays_no_tax():
    invoice = _invoice_with_lines("100", taxable=False)
    assert invoice.tax == D("0.00")
    assert invoice.total == D("100.00")


def test_zero_dollar_invoice_is_valid_and_flows():
    invoice = _invoice_with_lines("0")
    assert invoice.total == D("0.00")
    invoice_approve(invoice=invoice)
    invoice_mark_for_sync(invoice=invoice)
    assert invoice.status == S.READY_FOR_SYNC


def test_fill_defaults_takes_term_tax_rate_and_number_from_customer():
    term = PaymentTermFactory(due_days=15)
    rate = TaxRateFactory()
    customer = CustomerFactory(payment_term=term, tax_rate=rate)
    InvoiceFactory(number="1041", customer=customer)
    invoice = Invoice(customer=customer, invoice_date=date(2015, 3, 1))
    invoice_fill_defaults(invoice=invoice)
    assert invoice.number == "1042"
    assert invoice.payment_term == term
    assert invoice.tax_rate == rate
    assert invoice.due_date == date(2015, 3, 16)
    assert invoice.division_id == customer.division_id


def test_next_number_ignores_non_numeric_numbers_and_starts_at_1001():
    customer = CustomerFactory()
    assert invoice_next_number(division_id=customer.division_id) == "1001"
    InvoiceFactory(number="INV-99999", customer=customer)
    InvoiceFactory(number="7", customer=customer)
    assert invoice_next_number(division_id=customer.division_id) == "1001"
    InvoiceFactory(number="2000", customer=customer)
    assert invoice_next_number(division_id=customer.division_id) == "2001"


def test_fill_defaults_leaves_tax_rate_empty_for_exempt_customer():
    customer = CustomerFactory(taxable=False, tax_rate=TaxRateFactory())
    invoice = invoice_fill_defaults(invoice=Invoice(customer=customer))
    assert invoice.tax_rate is None


def test_approve_only_drafts():
    user = UserFactory()
    invoice = InvoiceFactory()
    invoice_approve(invoice=invoice, user=user)
    invoice.refresh_from_db()
    assert invoice.status == S.APPROVED
    assert invoice.approved_by == user
    assert invoice.approved_at is not None
    with pytest.raises(InvoiceStatusError, match="only drafts can be approved"):
        invoice_approve(invoice=invoice)


@pytest.mark.parametrize("status", [S.APPROVED, S.UNPAID])
def test_mark_for_sync_accepts_approved_and_unpaid(status):
    invoice = InvoiceFactory(status=status)
    invoice_mark_for_sync(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == S.READY_FOR_SYNC
    assert invoice.marked_for_sync_at is not None


@pytest.mark.parametrize("status", [S.DRAFT, S.READY_FOR_SYNC, S.PAID, S.VOID])
def test_mark_for_sync_refuses_other_statuses(status):
    invoice = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStatusError, match="only approved or unpaid invoices"):
        invoice_mark_for_sync(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == status


def test_history_invoices_are_never_marked_for_sync():
    invoice = InvoiceFactory(status=S.UNPAID, is_history=True)
    with pytest.raises(InvoiceStatusError, match="historical"):
        invoice_mark_for_sync(invoice=invoice)


def test_bulk_actions_change_qualifying_invoices_and_report_the_others():
    draft, approved, paid = InvoiceFactory(), InvoiceFactory(status=S.APPROVED), InvoiceFactory(status=S.PAID)
    result = invoices_approve(invoices=[draft, approved, paid])
    assert result.changed == [draft]
    assert [invoice for invoice, _ in result.skipped] == [approved, paid]
    assert "Approved" in result.skipped[0][1]

    result = invoices_mark_for_sync(invoices=Invoice.objects.filter(pk__in=[draft.pk, approved.pk, paid.pk]))
    assert {invoice.pk for invoice in result.changed} == {draft.pk, approved.pk}
    assert [(invoice.pk, reason) for invoice, reason in result.skipped] == [
        (paid.pk, f"Invoice {paid.number} is Paid; only approved or unpaid invoices can be marked for sync.")
    ]
    paid.refresh_from_db()
    assert paid.status == S.PAID


def test_transition_table_refuses_leaving_void():
    invoice = InvoiceFactory(status=S.VOID)
    with pytest.raises(InvoiceStatusError, match="cannot become Unpaid"):
        invoice_transition(invoice=invoice, to=S.UNPAID)


def test_payments_lower_the_balance_and_settle_the_invoice():
    invoice = _invoice_with_lines("100", status=S.UNPAID)  # 110.00 with 10 % tax
    payment_record(invoice=invoice, amount=D("10.00"), reference="1001")
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("100.00"), S.UNPAID)
    payment_record(invoice=invoice, amount=D("100.00"))
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status, invoice.amount_paid) == (D("0.00"), S.PAID, D("110.00"))


def test_removing_a_payment_reopens_a_paid_invoice():
    invoice = _invoice_with_lines("50", status=S.UNPAID)
    payment = payment_record(invoice=invoice, amount=D("55.00"))
    assert invoice.status == S.PAID
    payment.delete()
    invoice_recalculate(invoice=invoice)
    assert (invoice.status, invoice.balance) == (S.UNPAID, D("55.00"))


@pytest.mark.parametrize("status", [S.DRAFT, S.VOID])
def test_drafts_and_void_invoices_take_no_payments(status):
    invoice = InvoiceFactory(status=status)
    with pytest.raises(InvoiceStatusError):
        payment_record(invoice=invoice, amount=D("1.00"))


def test_payment_must_be_positive():
    invoice = _invoice_with_lines("50", status=S.UNPAID)
    with pytest.raises(ValidationError):
        payment_record(invoice=invoice, amount=D("0.00"))


def test_void_clears_balance_but_not_with_payments():
    invoice = _invoice_with_lines("50", status=S.UNPAID)
    invoice_void(invoice=invoice)
    assert (invoice.status, invoice.balance) == (S.VOID, D("0.00"))
    paid = _invoice_with_lines("50", status=S.UNPAID)
    payment_record(invoice=paid, amount=D("5.00"))
    with pytest.raises(InvoiceStatusError, match="has payments"):
        invoice_void(invoice=paid)


def test_overdue_is_derived_from_due_date_and_balance():
    today = timezone.localdate()
    late = _invoice_with_lines("10", status=S.UNPAID)
    late.due_date = today - timedelta(days=1)
    late.save()
    on_time = _invoice_with_lines("10", status=S.UNPAID)
    on_time.due_date = today
    on_time.save()
    zero = _invoice_with_lines("0", status=S.UNPAID)
    zero.due_date = today - timedelta(days=30)
    zero.save()
    assert list(Invoice.objects.overdue()) == [late]
    assert late.is_overdue() and late.display_status == "Overdue"
    assert not on_time.is_overdue() and on_time.display_status == "Unpaid"
    assert not zero.is_overdue()


@pytest.mark.parametrize(
    ("status", "parts"),
    [
        (S.APPROVED, ["Approved", "Overdue"]),
        (S.READY_FOR_SYNC, ["Ready for Sync", "Overdue"]),
        (S.UNPAID, ["Overdue"]),
    ],
)
def test_a_late_invoice_not_sent_yet_keeps_its_status_beside_overdue(status, parts):
    late = _invoice_with_lines("10", status=status)
    late.due_date = timezone.localdate() - timedelta(days=1)

    assert late.status_parts == parts
    assert late.display_status == " · ".join(parts)
    assert strip_tags(invoice_status_badge(late)) == late.display_status  # the admin's badge reads the same


def test_invoice_numbers_are_unique_per_division():
    InvoiceFactory(number="1001")
    with pytest.raises(IntegrityError):
        InvoiceFactory(number="1001")


def test_service_location_must_belong_to_the_customer():
    invoice = InvoiceFactory.build(customer=CustomerFactory(), service_location=ServiceLocationFactory())
    with pytest.raises(ValidationError, match="another customer"):
        invoice.clean()
