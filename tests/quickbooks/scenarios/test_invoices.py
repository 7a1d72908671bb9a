"""
Invoices to QuickBooks and the payments QuickBooks receives for them, the scenarios both backends share, each run
once per backend (``side``): an invoice goes once with its lines and totals, a change or a void follows it to the
same QuickBooks invoice (read again when QuickBooks changed it meanwhile), a create whose answer was lost is found
and linked, and payments come back.

What only one backend does (numbering, tax, how a location is billed, chaos) has its own tests
(``tests/quickbooks/sync/test_invoices.py``, ``tests/quickbooks/desktop_sync/test_invoices.py``).
"""

from decimal import Decimal

import pytest

from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import invoice_approve, invoice_mark_for_sync, invoice_update, invoice_void
from apps.invoicing.services.writes import invoice_create
from apps.quickbooks.models import SyncAction, SyncRunStatus
from tests.factories import CustomerFactory, ItemFactory
from tests.quickbooks.scenarios.faults import EditedMeanwhile, LostAnswers
from tests.quickbooks.scenarios.helpers import link_of

pytestmark = pytest.mark.usefixtures("live_server")


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def ready(customer, *lines, number=None, **fields):
    """An approved invoice marked for sync; each line is (item, description, quantity, unit price, taxable)."""
    rows = [
        {
            "item": item,
            "description": description,
            "quantity": Decimal(quantity),
            "unit_price": Decimal(price),
            "taxable": taxable,
        }
        for item, description, quantity, price, taxable in lines
    ]
    extra = {"number": number} if number else {}
    invoice = invoice_create(division=customer.division, customer=customer, lines=rows, **extra, **fields)
    invoice_approve(invoice=invoice)
    return invoice_mark_for_sync(invoice=invoice)


def sending(side, *, numbers: bool = False) -> None:
    side.invoices_ready(numbers=numbers)
    side.configure("to_quickbooks", lists=False, invoices="to_quickbooks", numbers=numbers)


def test_an_invoice_goes_once_with_its_lines_and_totals_and_comes_back_unpaid(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    services = ItemFactory(division=division, name="Services")  # QuickBooks has an item of that name.
    invoice = ready(
        customer,
        (services, "Furnace tune-up", "2", "80.00", False),
        (None, "Trip charge", "1", "25", False),
        memo="Gate 4",
    )

    run = side.sync()

    assert_clean(run)
    there = side.invoice_there(link_of(invoice).qbo_id)
    assert there["customer"] == side.customer_id("Aspen Apartments")
    assert there["number"] == invoice.number and side.numbers_sent() == [invoice.number]
    if side.memo_carries_marker:  # QuickBooks Desktop: one memo, the marker first.
        assert there["memo"] == f"FieldOffice invoice {invoice.pk}: Gate 4"
    else:  # QuickBooks Online: the marker in the private note, the memo for the customer.
        assert (there["note"], there["memo"]) == (f"FieldOffice invoice {invoice.pk}", "Gate 4")
    assert there["lines"] == [
        # Sent with the default service item: the line's own item named in its description.
        (side.services_item, "Services: Furnace tune-up", 2, 80, Decimal("160.00"), "NON"),
        (side.services_item, "Trip charge", 1, 25, Decimal("25.00"), "NON"),
    ]
    assert (there["total"], there["balance"]) == (Decimal("185.00"), Decimal("185.00"))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert (invoice.total, invoice.balance) == (Decimal("185.00"), Decimal("185.00"))
    assert "QuickBooks invoice" in run.entries.get(entity="invoice").message
    assert "custom transaction numbers" not in run.summary

    again = side.sync()

    assert_clean(again)
    assert again.counts == {} and not again.entries.exists() and not side.written  # Sent once.
    assert side.invoices_there() == 1


def test_quickbooks_numbers_the_invoice_when_asked(side, division):
    sending(side, numbers=True)
    customer = CustomerFactory(division=division, display_name="Dune Diner", taxable=False)
    invoice = ready(customer, (None, "Hood cleaning", "1", "300", False), number="FO-77")

    run = side.sync()

    assert_clean(run)
    assert side.numbers_sent() == []
    there = side.invoice_there(link_of(invoice).qbo_id)
    invoice.refresh_from_db()
    assert there["number"] == invoice.number == side.first_invoice_number != "FO-77"
    assert "custom transaction numbers" not in run.summary


def test_a_zero_dollar_invoice_goes_and_is_paid(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Cedar Church", taxable=False)
    invoice = ready(customer, (None, "Warranty visit", "1", "0", False))

    assert_clean(side.sync())

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.total == 0
    assert side.invoices_there() == 1
    assert side.invoice_there(link_of(invoice).qbo_id)["balance"] == 0


def test_a_changed_invoice_updates_the_same_quickbooks_invoice_read_again_when_changed_there_meanwhile(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Grove Gym", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False), (None, "Filter", "2", "10", False))
    assert_clean(side.sync())
    remote_id = link_of(invoice).qbo_id
    first_line = side.invoice_there(remote_id)["line_ids"][0]
    invoice.refresh_from_db()
    invoice_update(
        invoice=invoice,
        lines=[{"description": "Repair, parts included", "quantity": 1, "unit_price": Decimal(75), "taxable": False}],
    )
    invoice_mark_for_sync(invoice=invoice)
    backend = None

    def edited(inner):
        nonlocal backend
        backend = EditedMeanwhile(inner, "Invoice", lambda: side.invoice_change(remote_id))
        return backend

    run = side.sync_through(edited)

    assert_clean(run)
    assert backend.sent == 2  # Refused as stale, read again, sent again.
    assert run.entries.get(entity="invoice").action == SyncAction.UPDATED
    assert side.invoices_there() == 1
    there = side.invoice_there(remote_id)
    assert [(line_id, line[1]) for line_id, line in zip(there["line_ids"], there["lines"], strict=True)] == [
        (first_line, "Repair, parts included")
    ]
    assert (there["total"], there["kept"]) == (Decimal("75.00"), "PO-9")  # QuickBooks' own change is kept.
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total) == (InvoiceStatus.UNPAID, Decimal("75.00"))
    assert link_of(invoice).sync_token == there["version"]


def test_voided_here_is_voided_there(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Hazel Hall", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False))
    assert_clean(side.sync())
    invoice.refresh_from_db()
    invoice_void(invoice=invoice)

    run = side.sync()

    there = side.invoice_there(link_of(invoice).qbo_id)
    assert there["note"] == side.voided_note(invoice)
    assert there["total"] == there["balance"] == 0
    assert run.entries.get(entity="invoice").action == SyncAction.DEACTIVATED
    assert link_of(invoice).sync_token == there["version"]
    assert side.sync().entries.count() == 0


def test_an_invoice_deleted_or_voided_in_quickbooks_is_noted_not_changed(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Juniper Jazz Club", taxable=False)
    deleted = ready(customer, (None, "Repair", "1", "50", False))
    voided = ready(customer, (None, "Tune-up", "1", "80", False))
    assert_clean(side.sync())

    side.invoice_gone(link_of(deleted).qbo_id, "deleted")
    side.invoice_gone(link_of(voided).qbo_id, "voided")
    run = side.sync()

    deleted.refresh_from_db()
    voided.refresh_from_db()
    assert deleted.status == voided.status == InvoiceStatus.UNPAID
    assert "deleted in QuickBooks" in deleted.notes.get().text
    assert "voided in QuickBooks" in voided.notes.get().text
    assert sorted(run.entries.values_list("entity", "action")) == [
        ("invoice", SyncAction.SKIPPED),
        ("invoice", SyncAction.SKIPPED),
    ]
    assert side.sync().entries.count() == 0


def test_an_invoice_waits_while_its_customer_is_not_in_quickbooks(side, division):
    side.invoices_ready()
    side.configure("off", lists=False, invoices="to_quickbooks")
    customer = CustomerFactory(division=division, display_name="Kiwi Kitchens", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False))

    run = side.sync()

    entry = run.entries.get(entity="invoice")
    assert entry.action == SyncAction.SKIPPED and "Kiwi Kitchens is not in QuickBooks yet" in entry.message
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.READY_FOR_SYNC
    assert side.invoices_there() == 0


@pytest.mark.parametrize("numbers", [True, False], ids=["quickbooks-numbers", "fieldoffice-numbers"])
def test_an_interrupted_create_is_found_by_its_marker_and_not_sent_twice(side, division, numbers):
    sending(side, numbers=numbers)
    customer = CustomerFactory(division=division, display_name="Kiwi Kitchens", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False))

    failed = side.sync_through(lambda backend: LostAnswers(backend, "Invoice"))

    assert failed.status == SyncRunStatus.FAILED
    assert link_of(invoice).pending_since is not None and link_of(invoice).qbo_id == ""
    assert side.invoices_there() == 1

    run = side.sync()

    assert_clean(run)
    assert side.invoices_there() == 1 and not side.created.get("invoice")
    link = link_of(invoice)
    assert link.pending_since is None and link.qbo_id
    linked = run.entries.get(entity="invoice", action=SyncAction.LINKED)
    assert "interrupted" in linked.message
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.number == side.invoice_there(link.qbo_id)["number"]
    assert not side.sync().entries.exists()


def test_payments_in_quickbooks_come_back_partly_then_fully_and_a_removed_one_is_removed(side, division):
    sending(side)
    customer = CustomerFactory(division=division, display_name="Ivy Inn", taxable=False)
    invoice = ready(customer, (None, "Boiler service", "1", "200", False))
    assert_clean(side.sync())
    remote_id = link_of(invoice).qbo_id

    side.pay(remote_id, "50.00")
    assert_clean(side.sync())

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.UNPAID, Decimal("150.00"))
    payment = invoice.payments.get()
    assert (payment.amount, payment.reference, payment.method) == (Decimal("50.00"), "CHK 42", "check")

    second = side.pay(remote_id, "150.00", method="Visa")
    run = side.sync()

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, Decimal("0.00"))
    assert invoice.payments.count() == 2
    assert run.entries.get(entity="payment").action == SyncAction.CREATED
    assert not side.written  # Payments come from QuickBooks; nothing goes back.

    side.payment_delete(second)
    removed = side.sync()

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.UNPAID, Decimal("150.00"))
    assert invoice.payments.count() == 1
    assert removed.entries.get(entity="payment").action == SyncAction.DEACTIVATED
    assert side.sync().counts == {}


@pytest.mark.preview_unpredictable("QuickBooks refuses a number another invoice has only when the invoice arrives")
def test_a_number_another_quickbooks_invoice_has_is_refused_in_plain_words_where_quickbooks_refuses_it(side, division):
    sending(side)
    side.invoice_add("Someone else", "9001")
    customer = CustomerFactory(division=division, display_name="Fir Fitness", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False), number="9001")

    run = side.sync()

    invoice.refresh_from_db()
    entry = run.entries.get(entity="invoice")
    if side.refuses_duplicate_numbers:  # QuickBooks Online: in plain words, and the invoice waits here.
        assert run.status == SyncRunStatus.PARTIAL
        assert entry.action == SyncAction.FAILED and "already has the number" in entry.message
        assert invoice.status == InvoiceStatus.READY_FOR_SYNC
        assert side.invoices_there() == 1
    else:  # QuickBooks Desktop takes a number another invoice has (its screens only warn).
        assert_clean(run)
        assert entry.action == SyncAction.CREATED
        assert invoice.status == InvoiceStatus.UNPAID
        assert side.invoice_there(link_of(invoice).qbo_id)["number"] == "9001"
        assert side.invoices_there() == 2
