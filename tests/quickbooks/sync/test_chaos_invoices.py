"""
Chaos, extended to invoices: with the sandbox injecting 5xx answers, throttles (429), timeouts and dropped
connections, one access-token expiry and a run killed right after QuickBooks answered a batch of invoice creates,
repeated runs leave every invoice sent exactly once: one QuickBooks invoice per FieldOffice invoice, never two with
the same "FieldOffice invoice <pk>" marker, the same totals and balances on both sides.

Both numbering modes (QuickBooks numbers the invoices, or FieldOffice's numbers are sent) run under each of the
three fixed fault seeds of ``test_chaos``, whose harness (fault knobs, the killing backend, lease expiry, settling
runs) is reused here.
"""

from collections import Counter
from decimal import Decimal

import pytest

from apps.invoicing.models import Invoice, InvoiceStatus, Payment
from apps.invoicing.services import invoice_mark_for_sync, invoice_update
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.models import SandboxEntity, SandboxToken
from apps.quickbooks.errors import UnavailableError
from apps.quickbooks.mapping.invoices import marked_invoice_id
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunEntry, SyncRunStatus, SyncTrigger
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import CREATE, UPDATE, WriteResult
from apps.quickbooks.sync.records import InvoiceRecord
from tests.factories import CustomerFactory, ItemFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure
from tests.quickbooks.sync.test_chaos import (
    MAX_RUNS_UNDER_FAULTS,
    RUNS_UNDER_FAULTS,
    SEEDS,
    Chaos,
    ChaosBackend,
    Killed,
    assert_no_duplicates,
    chaos_settings,  # noqa: F401  (fixture)
    faults_off,
    faults_on,
    links_by_local,
    run_with,
    settle,
    stragglers_wait,
)
from tests.quickbooks.sync.test_invoices import books, ready  # noqa: F401  (books: fixture)

pytestmark = pytest.mark.usefixtures("chaos_settings", "books")

INVOICES = 30
CUSTOMERS = 12
NUMBERING = ["quickbooks", "fieldoffice"]
ZERO = Decimal("0.00")


class InvoiceChaos(Chaos):
    """
    ``test_chaos``'s chaos, killing instead the first run whose write QuickBooks answered with at least one invoice
    created: QuickBooks has those invoices (``orphans``) while FieldOffice never learned their ids.
    """

    def __init__(self, company) -> None:
        super().__init__(company, kill_at="invoices")
        self.orphans: list[InvoiceRecord] = []

    def backend(self, connection) -> "InvoiceChaosBackend":
        return InvoiceChaosBackend(self, OnlineBackend(client_for(connection)))


class InvoiceChaosBackend(ChaosBackend):
    """The chaos backend with what the invoices step asks of a backend besides (look-ups after a kill, numbering)."""

    chaos: InvoiceChaos

    def find_by_names(self, entity, names, *, within=()):
        return self.inner.find_by_names(entity, names, within=within)

    def find_created_since(self, entity, since):
        return self.inner.find_created_since(entity, since)

    def preferences(self):
        return self.inner.preferences()

    def write(self, writes):
        if not self.chaos.token_expired:
            self.chaos.expire_access_tokens()
        results = self.inner.write(writes)
        created = [
            result.record
            for result in results
            if result.ok and result.write.entity == "Invoice" and result.write.action == CREATE
        ]
        if created and not self.chaos.killed:
            self.chaos.killed = True
            self.chaos.orphans = created
            raise Killed
        return results


def run_invoice_chaos(division, connection, company, seed: int, *, churn) -> InvoiceChaos:
    """As ``test_chaos.run_chaos``: runs under faults, ``churn(round)`` before each after the first, until the kill."""
    chaos = InvoiceChaos(company)
    tokens_before = SandboxToken.objects.filter(grant__company=company, kind=SandboxToken.Kind.ACCESS).count()
    faults_on(company, seed)
    for round_number in range(MAX_RUNS_UNDER_FAULTS):
        if round_number:
            churn(round_number)
        run_with(chaos, division, connection)
        if chaos.killed and round_number + 1 >= RUNS_UNDER_FAULTS:
            break
    assert chaos.killed and chaos.orphans, "no run got as far as QuickBooks creating invoices"
    assert chaos.token_expired
    tokens_after = SandboxToken.objects.filter(grant__company=company, kind=SandboxToken.Kind.ACCESS).count()
    assert tokens_after > tokens_before, "the expired access token was refreshed"
    assert not SyncRun.objects.filter(division=division, status=SyncRunStatus.RUNNING).exists()
    stragglers_wait(company)
    faults_off(company)
    return chaos


def _book(division) -> list[Invoice]:
    """Customers (some taxable, some with service locations) and their invoices, all marked for sync."""
    rate = TaxRateFactory(division=division, name="Duluth 8.875%", percent=Decimal("8.8750"), agency="MN Revenue")
    services = ItemFactory(division=division, name="Services")  # QuickBooks has an item of that name
    filters = ItemFactory(division=division, name="Filter kit")  # QuickBooks has not: its default service item
    customers = []
    for index in range(CUSTOMERS):
        taxable = index % 4 == 0
        customer = CustomerFactory(
            division=division,
            display_name=f"Invoice Customer {index:02d}",
            taxable=taxable,
            tax_rate=rate if taxable else None,
        )
        locations = [
            ServiceLocationFactory(customer=customer, name=f"Site {index:02d}-{n}", street=f"{index}{n} Site Rd")
            for n in range(index % 3)
        ]
        customers.append((customer, locations))
    invoices = []
    for index in range(INVOICES):
        customer, locations = customers[index % CUSTOMERS]
        location = locations[index % len(locations)] if locations and index % 2 == 0 else None
        if index == INVOICES - 1:
            lines = [(None, "Warranty visit", "1", "0", False)]
        else:
            lines = [(services, f"Service call {index}", "1", f"{80 + index}.50", customer.taxable)]
            if index % 3 == 0:
                lines.append((filters, "", "2", "12.345", customer.taxable))
            if index % 5 == 0:
                lines.append((None, "Trip charge", "1", "25", False))
        invoices.append(ready(customer, *lines, location=location, number=f"FO-{index + 1:04d}"))
    return invoices


def _remote_invoices(company) -> list[SandboxEntity]:
    return list(SandboxEntity.objects.filter(company=company, entity_type="Invoice", deleted_at__isnull=True))


def _pay(company, remote: SandboxEntity, amount: Decimal) -> None:
    entity_create(
        company,
        "Payment",
        {
            "CustomerRef": remote.data["CustomerRef"],
            "TotalAmt": amount,
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": remote.entity_id, "TxnType": "Invoice"}]}],
        },
    )


def _churn(division, company):
    """
    Between runs, both offices keep working: QuickBooks records payments (a whole one, a part of one) against
    invoices it has; FieldOffice edits an unpaid invoice and sends it again, and marks a new invoice for sync.
    """
    paid_in_quickbooks: set[int] = set()

    def churn(round_number: int) -> None:
        linked = links_by_local(division, Invoice)
        by_id = {entity.entity_id: entity for entity in _remote_invoices(company)}
        candidates = [
            (pk, by_id[qbo_id])
            for pk, qbo_id in sorted(linked.items())
            if pk not in paid_in_quickbooks
            and qbo_id in by_id
            and Decimal(str(by_id[qbo_id].data.get("Balance", 0))) > 0
            and Invoice.objects.filter(pk=pk, status=InvoiceStatus.UNPAID).exists()
        ]
        for (pk, remote), part in zip(candidates[:2], (Decimal(1), Decimal("0.4")), strict=False):
            balance = Decimal(str(remote.data["Balance"]))
            _pay(company, remote, (balance * part).quantize(Decimal("0.01")))
            paid_in_quickbooks.add(pk)
        for pk, _remote in candidates[2:3]:
            invoice = Invoice.objects.get(pk=pk)
            rows = [
                {
                    "item": line.item,
                    "description": line.description,
                    "quantity": line.quantity + 1,
                    "unit_price": line.unit_price,
                    "taxable": line.taxable,
                }
                for line in invoice.lines.order_by("position", "pk")
            ]
            invoice_mark_for_sync(invoice=invoice_update(invoice=invoice, lines=rows))
        customer = CustomerFactory(division=division, display_name=f"Late Customer {round_number}", taxable=False)
        location = (
            ServiceLocationFactory(customer=customer, name=f"Late Site {round_number}") if round_number % 2 else None
        )
        ready(
            customer,
            (None, "Emergency call", "1", f"{150 + round_number}", False),
            location=location,
            number=f"FO-{9000 + round_number}",
        )

    return churn


def assert_each_invoice_sent_once(division, company, *, quickbooks_numbers: bool) -> None:
    invoices = list(Invoice.objects.filter(division=division).order_by("pk"))
    remote = {entity.entity_id: entity for entity in _remote_invoices(company)}
    twins = links_by_local(division, Invoice)

    assert {invoice.status for invoice in invoices} <= {InvoiceStatus.UNPAID, InvoiceStatus.PAID}
    markers = Counter(marked_invoice_id(entity.data.get("PrivateNote")) for entity in remote.values())
    assert [pk for pk, count in markers.items() if count > 1] == [], "two QuickBooks invoices of one invoice"
    assert set(markers) == {invoice.pk for invoice in invoices}, "a QuickBooks invoice of no invoice here"
    assert len(remote) == len(invoices)
    assert set(twins) == {invoice.pk for invoice in invoices}, "an invoice is not linked"
    assert set(twins.values()) == set(remote), "an invoice is linked to no or another QuickBooks invoice"
    pending = RecordLink.objects.filter(division=division, entity_type="Invoice", qbo_id="")
    assert not pending.exists(), "an invoice create is still pending"
    doc_numbers = Counter(entity.data.get("DocNumber") for entity in remote.values())
    assert [number for number, count in doc_numbers.items() if count > 1] == [], "two QuickBooks invoices, one number"
    for invoice in invoices:
        twin = remote[twins[invoice.pk]].data
        assert marked_invoice_id(twin.get("PrivateNote")) == invoice.pk
        assert Decimal(str(twin["TotalAmt"])) == invoice.total, invoice.number
        assert Decimal(str(twin["Balance"])) == invoice.balance, invoice.number
        assert invoice.amount_paid == invoice.total - invoice.balance, invoice.number
        assert invoice.status == (InvoiceStatus.PAID if invoice.balance == 0 else InvoiceStatus.UNPAID)
        assert twin.get("DocNumber") == invoice.number
        # QuickBooks' numbers when it numbers invoices (kept through kills and failed updates), else FieldOffice's.
        assert invoice.number.startswith("FO-") != quickbooks_numbers, invoice.number
    assert sum(Decimal(str(entity.data["TotalAmt"])) for entity in remote.values()) == sum(
        invoice.total for invoice in invoices
    )


@pytest.mark.parametrize("numbering", NUMBERING)
@pytest.mark.parametrize("seed", SEEDS)
def test_invoices_under_faults_are_sent_once(division, connection, company, seed, numbering):
    invoices = _book(division)
    configure(
        division,
        customers_direction="to_quickbooks",
        invoices_direction="to_quickbooks",
        quickbooks_controls_invoice_numbers=numbering == "quickbooks",
    )

    chaos = run_invoice_chaos(division, connection, company, seed, churn=_churn(division, company))
    final = settle(division)

    assert final.status == SyncRunStatus.SUCCEEDED
    assert not final.entries.exists()
    assert_no_duplicates(division, company)
    assert_each_invoice_sent_once(division, company, quickbooks_numbers=numbering == "quickbooks")
    # What the killed run created is what its invoices are linked to: found by the marker, not sent again.
    twins = links_by_local(division, Invoice)
    for orphan in chaos.orphans:
        assert twins[orphan.origin_id] == orphan.remote_id
    assert SyncRunEntry.objects.filter(run__division=division, entity="invoice", action="linked").exists()
    zero = Invoice.objects.get(pk=invoices[-1].pk)
    assert (zero.total, zero.status) == (ZERO, InvoiceStatus.PAID)
    # Every payment recorded in QuickBooks meanwhile came back once.
    remote_payments = SandboxEntity.objects.filter(company=company, entity_type="Payment", deleted_at__isnull=True)
    payments = Payment.objects.filter(invoice__division=division)
    assert payments.count() == remote_payments.count()
    assert sum(payment.amount for payment in payments) == sum(
        Decimal(str(entity.data["TotalAmt"])) for entity in remote_payments
    )
    assert Invoice.objects.filter(division=division).count() >= INVOICES + RUNS_UNDER_FAULTS - 1
    # And one more run has nothing to create.
    again = run_division_sync(division.pk, SyncTrigger.MANUAL)
    assert again.status == SyncRunStatus.SUCCEEDED
    assert not again.entries.filter(action="created").exists()
    assert len(_remote_invoices(company)) == Invoice.objects.filter(division=division).count()


# The kill alone, without faults, and what becomes of QuickBooks' numbers.


def _killed_book(division, company, numbering: str) -> list[Invoice]:
    customer = CustomerFactory(division=division, display_name="Killed Invoices Co", taxable=False)
    branch = ServiceLocationFactory(customer=customer, name="Killed Branch")
    invoices = [
        ready(
            customer,
            (None, f"Repair {index}", "1", f"{100 + index}", False),
            number=f"FO-{index + 1:04d}",
            location=branch if index == 1 else None,
        )
        for index in range(3)
    ]
    configure(
        division,
        customers_direction="to_quickbooks",
        invoices_direction="to_quickbooks",
        quickbooks_controls_invoice_numbers=numbering == "quickbooks",
    )
    return invoices


def _kill_after_invoice_creates(division, connection, company) -> InvoiceChaos:
    chaos = InvoiceChaos(company)
    chaos.token_expired = True  # no token games here
    run_with(chaos, division, connection)
    assert chaos.killed and len(chaos.orphans) == 3
    assert not RecordLink.objects.filter(division=division, entity_type="Invoice").exclude(qbo_id="").exists()
    return chaos


@pytest.mark.parametrize("numbering", NUMBERING)
def test_the_run_after_an_invoice_kill_links_what_quickbooks_created(division, connection, company, numbering):
    invoices = _killed_book(division, company, numbering)
    chaos = _kill_after_invoice_creates(division, connection, company)
    numbers = {orphan.origin_id: orphan.number for orphan in chaos.orphans}

    after = run_division_sync(division.pk, SyncTrigger.MANUAL)

    assert after.status == SyncRunStatus.SUCCEEDED, list(after.entries.values_list("record_label", "message"))
    linked = after.entries.filter(entity="invoice", action="linked")
    assert linked.count() == 3 and all("interrupted" in entry.message for entry in linked)
    assert not after.entries.filter(entity="invoice", action="created").exists()
    assert_each_invoice_sent_once(division, company, quickbooks_numbers=numbering == "quickbooks")
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.number == numbers[invoice.pk]
        assert invoice.number.startswith("FO-") == (numbering == "fieldoffice")
    assert not run_division_sync(division.pk, SyncTrigger.MANUAL).entries.exists()


class UnansweredInvoiceUpdates(InvoiceChaosBackend):
    """QuickBooks answers every invoice update of this run with a 500, after every attempt."""

    def write(self, writes):
        refused = [write.entity == "Invoice" and write.action == UPDATE for write in writes]
        answered = iter(self.inner.write([write for write, no in zip(writes, refused, strict=True) if not no]))
        error = UnavailableError("QuickBooks is not answering properly (HTTP 500).", status=500)
        return [
            WriteResult(write, error=error) if no else next(answered) for write, no in zip(writes, refused, strict=True)
        ]


def test_quickbooks_keeps_its_number_when_the_update_after_a_kill_fails(division, connection, company):
    """
    The invoice QuickBooks created and numbered before the kill is linked by the next run, whose update of it then
    fails: the run after must not send FieldOffice's number over QuickBooks' one ("QuickBooks numbers invoices").
    """
    (invoice, *_others) = _killed_book(division, company, "quickbooks")
    chaos = _kill_after_invoice_creates(division, connection, company)
    (orphan,) = [orphan for orphan in chaos.orphans if orphan.origin_id == invoice.pk]
    quickbooks_number = orphan.number
    assert quickbooks_number and not quickbooks_number.startswith("FO-")

    failed = run_division_sync(
        division.pk, SyncTrigger.MANUAL, backend=UnansweredInvoiceUpdates(chaos, OnlineBackend(client_for(connection)))
    )
    assert failed.entries.filter(entity="invoice", action="linked").count() == 3
    assert failed.entries.filter(entity="invoice", action="failed").count() == 3
    settle(division)

    remote = SandboxEntity.objects.get(company=company, entity_type="Invoice", entity_id=orphan.remote_id)
    invoice.refresh_from_db()
    assert len(_remote_invoices(company)) == 3
    assert remote.data["DocNumber"] == quickbooks_number, "QuickBooks' number was replaced by FieldOffice's"
    assert invoice.number == quickbooks_number
