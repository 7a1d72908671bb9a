"""
The drift check against the sandbox over real HTTP: counts, open invoices and balances compared side by side, the
``qbo_sync --drift`` command and the page. Invoice links are written directly, as the invoices sync will write them.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.invoicing.models import Invoice, InvoiceStatus
from apps.qbo_sandbox.entities import entity_create, entity_delete
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.drift import DifferenceKind, drift_check
from apps.quickbooks.errors import NotConnectedError
from apps.quickbooks.models import RecordLink
from apps.quickbooks.online import backend as online
from tests.factories import (
    CustomerFactory,
    DivisionFactory,
    InvoiceFactory,
    ItemFactory,
    ServiceLocationFactory,
)
from tests.quickbooks.sync.conftest import configure, remote_update

S = InvoiceStatus
SYNCED = {"customers_direction": "to_quickbooks", "inventory_direction": "to_quickbooks"}


@dataclass
class Sides:
    """Both sides of a division that agree: what each test then changes on one side."""

    company: object
    ann: SandboxEntity
    item: SandboxEntity
    open_remote: SandboxEntity
    paid_remote: SandboxEntity
    open_local: Invoice
    paid_local: Invoice


def remote_invoice(company, customer: SandboxEntity, item: SandboxEntity, amount, number: str) -> SandboxEntity:
    line = {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item.entity_id}},
    }
    payload = {"CustomerRef": {"value": customer.entity_id}, "DocNumber": number, "Line": [line]}
    return entity_create(company, "Invoice", payload)


def remote_payment(company, invoice: SandboxEntity, amount) -> SandboxEntity:
    invoice.refresh_from_db()
    line = {"Amount": amount, "LinkedTxn": [{"TxnId": invoice.entity_id, "TxnType": "Invoice"}]}
    payload = {"CustomerRef": invoice.data["CustomerRef"], "TotalAmt": amount, "Line": [line]}
    return entity_create(company, "Payment", payload)


def link(invoice: Invoice, remote: SandboxEntity) -> RecordLink:
    return RecordLink.objects.create(
        division=invoice.division,
        content_type=ContentType.objects.get_for_model(Invoice),
        object_id=invoice.pk,
        entity_type="Invoice",
        qbo_id=remote.entity_id,
    )


def local_invoice(number: str, customer, *, status=S.UNPAID, total="150.00", balance=None, **fields) -> Invoice:
    balance = total if balance is None else balance
    return InvoiceFactory(
        number=number, customer=customer, status=status, total=Decimal(total), balance=Decimal(balance), **fields
    )


@pytest.fixture
def sides(connection, division, sandbox_company) -> Sides:
    configure(division, **SYNCED, invoices_direction="to_quickbooks")
    company = sandbox_company
    income = entity_create(company, "Account", {"Name": "Service Income", "AccountType": "Income"})
    ann = entity_create(company, "Customer", {"DisplayName": "Ann's Apartments", "Taxable": False})
    entity_create(company, "Customer", {"DisplayName": "Bob's Bakery", "Taxable": False})
    entity_create(company, "Customer", {"DisplayName": "Gone Ltd", "Active": False})
    entity_create(company, "Customer", {"DisplayName": "Building A", "ParentRef": {"value": ann.entity_id}})
    item = entity_create(company, "Item", {"Name": "Service call", "IncomeAccountRef": {"value": income.entity_id}})
    entity_create(company, "Item", {"Name": "Parts", "Type": "Category"})
    old = entity_create(company, "Item", {"Name": "Old call", "IncomeAccountRef": {"value": income.entity_id}})
    remote_update(company, "Item", old, {"Active": False})
    open_remote = remote_invoice(company, ann, item, 150, "1001")
    paid_remote = remote_invoice(company, ann, item, 200, "1002")
    remote_payment(company, paid_remote, 200)

    customer = CustomerFactory(display_name="Ann's Apartments")
    CustomerFactory(display_name="Bob's Bakery")
    CustomerFactory(display_name="Gone Ltd", active=False)
    ServiceLocationFactory(customer=customer, name="Building A")
    ServiceLocationFactory(customer=customer, name="Building Z", active=False)
    ItemFactory(name="Service call")
    ItemFactory(name="Old call", active=False)
    open_local = local_invoice("1001", customer)
    paid_local = local_invoice("1002", customer, status=S.PAID, total="200.00", balance="0.00")
    link(open_local, open_remote)
    link(paid_local, paid_remote)
    # Not compared: a draft, a historical unpaid invoice, and an approved one not sent yet.
    local_invoice("1003", customer, status=S.DRAFT)
    local_invoice("H-17", customer, is_history=True)
    local_invoice("1004", customer, status=S.APPROVED)
    # Another division's records are not counted.
    other = DivisionFactory()
    stranger = CustomerFactory(division=other, display_name="Elsewhere Inc")
    ItemFactory(division=other, name="Elsewhere call")
    local_invoice("1001", stranger, division=other)
    return Sides(company, ann, item, open_remote, paid_remote, open_local, paid_local)


def _counts(report) -> dict[str, tuple[int, int]]:
    return {count.name: (count.fieldoffice, count.quickbooks) for count in report.counts}


def _only_invoice(report):
    assert len(report.invoices) == 1, report.invoices
    return report.invoices[0]


# The check.


def test_both_sides_agree_in_one_call(sides, division):
    report = drift_check(division)

    assert report.in_sync
    assert _counts(report) == {
        "customers": (2, 2),
        "service_locations": (1, 1),
        "items": (1, 1),
        "open_invoices": (1, 1),
    }
    assert (report.open_balance.fieldoffice, report.open_balance.quickbooks) == (Decimal("150.00"), Decimal("150.00"))
    assert report.invoices == []
    assert report.notes == ["1 approved or ready-for-sync invoice not sent to QuickBooks yet is not compared."]
    # Four counts and the first page of open invoices, in one batch.
    assert report.api_calls == 1
    assert report.summary == "Main: FieldOffice and QuickBooks agree."


def test_a_customer_count_difference(sides, division):
    entity_create(sides.company, "Customer", {"DisplayName": "Carl's Cafe"})

    report = drift_check(division)

    customers = report.count_by_name["customers"]
    assert (customers.fieldoffice, customers.quickbooks, customers.differs, customers.is_drift) == (2, 3, True, True)
    assert customers.message == "QuickBooks has 1 more than FieldOffice."
    assert not report.in_sync
    assert report.summary == "Main: FieldOffice and QuickBooks have drifted apart: 1 count differs."
    assert [count.name for count in report.counts if count.differs] == ["customers"]


def test_a_list_that_is_not_synced_differs_without_drift(sides, division):
    configure(
        division, customers_direction="off", inventory_direction="to_quickbooks", invoices_direction="to_quickbooks"
    )
    entity_create(sides.company, "Customer", {"DisplayName": "Carl's Cafe"})

    report = drift_check(division)

    customers = report.count_by_name["customers"]
    assert (customers.differs, customers.synced, customers.is_drift) == (True, False, False)
    assert "not synced" in customers.message
    assert report.in_sync


def test_an_invoice_paid_in_quickbooks_but_open_here(sides, division):
    remote_payment(sides.company, sides.open_remote, 150)

    report = drift_check(division)

    difference = _only_invoice(report)
    assert difference.kind == DifferenceKind.SETTLED_THERE
    assert (difference.number, difference.local_id, difference.qbo_id) == (
        "1001",
        sides.open_local.pk,
        sides.open_remote.entity_id,
    )
    assert (difference.fieldoffice_total, difference.fieldoffice_balance) == (Decimal("150.00"), Decimal("150.00"))
    assert (difference.quickbooks_total, difference.quickbooks_balance) == (Decimal("150.00"), Decimal("0.00"))
    assert difference.message == (
        "Invoice 1001 has 150.00 open in FieldOffice, but nothing is open on it in QuickBooks (paid, credited or "
        "voided there)."
    )
    assert difference.url == reverse("admin:invoicing_invoice_change", args=[sides.open_local.pk])
    assert _counts(report)["open_invoices"] == (1, 0)
    assert report.open_balance.quickbooks == Decimal("0.00") and report.open_balance.is_drift
    # The invoice no longer in QuickBooks' open list is read by id: one more call.
    assert report.api_calls == 2
    assert not report.in_sync


def test_an_invoice_paid_here_but_open_in_quickbooks(sides, division):
    Invoice.objects.filter(pk=sides.open_local.pk).update(status=S.PAID, balance=Decimal("0.00"))

    difference = _only_invoice(drift_check(division))

    assert difference.kind == DifferenceKind.SETTLED_HERE
    assert difference.message == (
        "Invoice 1001 is Paid in FieldOffice with 0.00 open, but QuickBooks still has 150.00 open on it."
    )
    assert (difference.fieldoffice_balance, difference.quickbooks_balance) == (Decimal("0.00"), Decimal("150.00"))


def test_an_invoice_total_differing(sides, division):
    Invoice.objects.filter(pk=sides.open_local.pk).update(total=Decimal("175.00"), balance=Decimal("175.00"))

    report = drift_check(division)

    difference = _only_invoice(report)
    assert difference.kind == DifferenceKind.AMOUNTS
    assert difference.message == (
        "Invoice 1001: the total is 175.00 in FieldOffice and 150.00 in QuickBooks; the balance is 175.00 in "
        "FieldOffice and 150.00 in QuickBooks."
    )
    assert (difference.fieldoffice_total, difference.quickbooks_total) == (Decimal("175.00"), Decimal("150.00"))
    assert _counts(report)["open_invoices"] == (1, 1)
    assert report.api_calls == 1


def test_the_total_open_balance_differs_after_a_payment_recorded_in_quickbooks_only(sides, division):
    remote_payment(sides.company, sides.open_remote, Decimal("49.99"))

    report = drift_check(division)

    balance = report.open_balance
    assert (balance.fieldoffice, balance.quickbooks, balance.differs) == (
        Decimal("150.00"),
        Decimal("100.01"),
        True,
    )
    assert balance.message == (
        "The open invoices add up to 150.00 in FieldOffice and 100.01 in QuickBooks (49.99 apart)."
    )
    difference = _only_invoice(report)
    assert difference.message == "Invoice 1001: the balance is 150.00 in FieldOffice and 100.01 in QuickBooks."
    assert _counts(report)["open_invoices"] == (1, 1)


def test_an_open_quickbooks_invoice_with_no_link(sides, division):
    bob = SandboxEntity.objects.get(company=sides.company, entity_type="Customer", data__DisplayName="Bob's Bakery")
    unlinked = remote_invoice(sides.company, bob, sides.item, 80, "1003")
    stranger = remote_invoice(sides.company, bob, sides.item, 20, "Q-9")

    report = drift_check(division)

    assert [(item.kind, item.number, item.qbo_id) for item in report.invoices] == [
        (DifferenceKind.NOT_LINKED, "1003", unlinked.entity_id),
        (DifferenceKind.NOT_LINKED, "Q-9", stranger.entity_id),
    ]
    namesake, alone = report.invoices
    # FieldOffice's draft 1003 has the number: the difference points to it.
    draft = Invoice.objects.get(division=division, number="1003")
    assert namesake.message == (
        f"QuickBooks invoice 1003 (Id {unlinked.entity_id}) for Bob's Bakery has 80.00 open and is not linked to a "
        "FieldOffice invoice. FieldOffice has an invoice 1003 that is not linked to it."
    )
    assert (namesake.local_id, namesake.url) == (draft.pk, reverse("admin:invoicing_invoice_change", args=[draft.pk]))
    assert (alone.local_id, alone.url, alone.fieldoffice_total, alone.quickbooks_balance) == (
        None,
        "",
        None,
        Decimal("20.00"),
    )
    assert _counts(report)["open_invoices"] == (1, 3)
    assert report.open_balance.quickbooks == Decimal("250.00")


def test_an_invoice_deleted_in_quickbooks_or_never_sent(sides, division):
    customer = sides.open_local.customer
    never_sent = local_invoice("1010", customer, total="60.00")
    lone = remote_invoice(sides.company, sides.ann, sides.item, 30, "1011")
    linked_lone = local_invoice("1011", customer, status=S.READY_FOR_SYNC, total="30.00")
    link(linked_lone, lone)
    sides.open_remote.refresh_from_db()
    entity_delete(
        sides.company, "Invoice", {"Id": sides.open_remote.entity_id, "SyncToken": str(sides.open_remote.sync_token)}
    )

    report = drift_check(division)

    assert [(item.kind, item.number) for item in report.invoices] == [
        (DifferenceKind.GONE_THERE, "1001"),
        (DifferenceKind.NOT_SENT, "1010"),
    ]
    gone, unsent = report.invoices
    assert gone.message == (
        "Invoice 1001 has 150.00 open in FieldOffice, but QuickBooks no longer has the invoice it is linked to "
        f"(Id {sides.open_remote.entity_id}): it was deleted there."
    )
    assert gone.quickbooks_total is None
    assert (
        unsent.message
        == "Invoice 1010 is Unpaid with 60.00 open in FieldOffice and is not linked to any QuickBooks invoice."
    )
    assert unsent.url == reverse("admin:invoicing_invoice_change", args=[never_sent.pk])
    # A linked invoice marked for sync again is compared like an unpaid one: here it agrees.
    assert _counts(report)["open_invoices"] == (3, 1)


def test_many_open_invoices_are_read_in_pages_thirty_to_a_batch(sides, division, monkeypatch):
    monkeypatch.setattr(online, "MAX_QUERY_RESULTS", 2)
    customer = sides.open_local.customer
    for number in ("2001", "2002", "2003", "2004"):
        link(
            local_invoice(number, customer, total="10.00"),
            remote_invoice(sides.company, sides.ann, sides.item, 10, number),
        )

    report = drift_check(division)

    assert report.in_sync, report.invoices
    assert _counts(report)["open_invoices"] == (5, 5)
    assert report.open_balance.quickbooks == Decimal("190.00")
    # The first page with the counts, the two pages left in one batch.
    assert report.api_calls == 2


def test_invoices_not_synced_are_only_counted(sides, division):
    configure(division, **SYNCED, invoices_direction="off")
    remote_payment(sides.company, sides.open_remote, 150)

    report = drift_check(division)

    assert report.in_sync and report.invoices == []
    assert report.open_balance.differs and not report.open_balance.is_drift
    assert "Invoices are not synced" in report.notes[-1]


@pytest.mark.django_db
def test_a_division_not_connected_cannot_be_checked(division):
    with pytest.raises(NotConnectedError, match="not connected"):
        drift_check(division)


# The command.


def test_the_command_prints_json_and_exits_zero_when_both_sides_agree(sides, division):
    out = StringIO()

    call_command("qbo_sync", "--division", "main", "--drift", "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["division"] == "main" and report["in_sync"] is True
    assert report["api_calls"] == 1 and report["checked_at"]
    assert report["counts"]["customers"] == {
        "label": "Active customers",
        "fieldoffice": 2,
        "quickbooks": 2,
        "differs": False,
        "synced": True,
        "compared": "FieldOffice's active customers against QuickBooks' active top-level customers.",
    }
    assert report["open_balance"] == {"fieldoffice": "150.00", "quickbooks": "150.00", "differs": False, "synced": True}
    assert report["invoices"] == []


def test_the_command_exits_one_on_drift(sides, division):
    Invoice.objects.filter(pk=sides.open_local.pk).update(total=Decimal("175.00"))
    out = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("qbo_sync", "--division", "main", "--drift", "--json", stdout=out)

    assert exited.value.code == 1
    (invoice,) = json.loads(out.getvalue())["invoices"]
    assert invoice == {
        "number": "1001",
        "local_id": sides.open_local.pk,
        "qbo_id": sides.open_remote.entity_id,
        "fieldoffice_total": "175.00",
        "quickbooks_total": "150.00",
        "fieldoffice_balance": "150.00",
        "quickbooks_balance": "150.00",
        "kind": "amounts",
        "message": "Invoice 1001: the total is 175.00 in FieldOffice and 150.00 in QuickBooks.",
        "url": reverse("admin:invoicing_invoice_change", args=[sides.open_local.pk]),
    }

    text = StringIO()
    with pytest.raises(SystemExit):
        call_command("qbo_sync", "--division", "main", "--drift", stdout=text)
    lines = text.getvalue().splitlines()
    assert lines[0] == "Main: FieldOffice and QuickBooks have drifted apart: 1 invoice differs."
    qbo_id = sides.open_remote.entity_id
    assert (
        f"- Invoice 1001: the total is 175.00 in FieldOffice and 150.00 in QuickBooks. (QuickBooks Id {qbo_id})"
        in lines
    )


@pytest.mark.django_db
def test_the_command_refuses_sync_options_and_a_division_not_connected(division):
    with pytest.raises(CommandError, match="runs no sync"):
        call_command("qbo_sync", "--division", "main", "--drift", "--full", stdout=StringIO())
    with pytest.raises(CommandError, match="not connected"):
        call_command("qbo_sync", "--division", "main", "--drift", stdout=StringIO())


# The page.


def _drift_url(division) -> str:
    return reverse("admin:quickbooks_integration_drift", args=[division.pk])


def _page(client, division) -> str:
    response = client.get(reverse("admin:quickbooks_integration_change", args=[division.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_read_only_may_not_run_the_check(sides, division, read_only_client):
    assert 'id="qbo-drift-check"' not in _page(read_only_client, division)
    assert read_only_client.post(_drift_url(division)).status_code == 403


def test_the_page_shows_the_counts_and_links_the_invoices(sides, division, office_client):
    Invoice.objects.filter(pk=sides.open_local.pk).update(total=Decimal("175.00"))
    entity_create(sides.company, "Customer", {"DisplayName": "Carl's Cafe"})
    assert 'id="qbo-drift-check"' in _page(office_client, division)
    assert office_client.get(_drift_url(division)).status_code == 405

    response = office_client.post(_drift_url(division))

    assert response.status_code == 200
    page = response.content.decode()
    assert "have drifted apart: 1 count differs, 1 invoice differs" in page
    assert 'class="qbo-drift-row qbo-drift-row--differs" id="qbo-drift-customers"' in page
    assert 'class="qbo-drift-row" id="qbo-drift-items"' in page
    assert f'<a href="{reverse("admin:invoicing_invoice_change", args=[sides.open_local.pk])}">1001</a>' in page
    assert "Invoice 1001: the total is 175.00 in FieldOffice and 150.00 in QuickBooks." in page
    assert sides.open_remote.entity_id in page


def test_the_page_says_when_both_sides_agree(sides, division, owner_client):
    page = owner_client.post(_drift_url(division)).content.decode()

    assert "Main: FieldOffice and QuickBooks agree." in page
    assert "Every open invoice has the same total and balance on both sides." in page


@pytest.mark.django_db
def test_the_page_explains_when_the_check_cannot_run(division, owner_client):
    response = owner_client.post(_drift_url(division))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:quickbooks_integration_change", args=[division.pk])
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The drift check could not run: QuickBooks is not connected for Main: connect it first."
    ]
