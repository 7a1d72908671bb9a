"""
python-quickbooks, unmodified, reads the sandbox as it reads QuickBooks Online: queries, counts, paging, CDC, batch.

The client is pointed at the sandbox by its base URL alone; intuit-oauth reads the sandbox's discovery document.
"""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.batch import batch_create, batch_delete, batch_update
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import ValidationException
from quickbooks.objects.base import Ref
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import (
    ItemBasedExpenseLine,
    ItemBasedExpenseLineDetail,
    SalesItemLine,
    SalesItemLineDetail,
)
from quickbooks.objects.estimate import Estimate
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.purchaseorder import PurchaseOrder
from quickbooks.objects.vendor import Vendor

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany, SandboxWebhookEvent
from apps.qbo_sandbox.oauth.services import app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import now, qbo_datetime
from apps.qbo_sandbox.webhooks.payloads import cloudevents_payload
from tests.qbo_sandbox.api_helpers import ACCOUNTING_SCOPE
from tests.qbo_sandbox.qb_inventory import InventoryAdjustment, adjustment

NAMES = ["Amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars", "Diego Rodriguez", "Dukes Basketball Camp"]


@pytest.fixture
def company(db) -> SandboxCompany:
    company = company_create(name="Fidelity Co", options=SeedOptions(seed="empty"))
    an_hour_ago = now() - timedelta(hours=1)
    for number, name in enumerate(NAMES):
        data = {"DisplayName": name, "Active": number != 3, "Balance": number}
        store.entity_create(company, "Customer", data, at=an_hour_ago)
    item = {"Name": "Labor", "Sku": "LAB-1", "Active": True, "Type": "Service"}
    store.entity_create(company, "Item", item, at=an_hour_ago)
    return company


@pytest.fixture
def qb(live_server, company, monkeypatch) -> Iterator[QuickBooks]:
    yield from _client(live_server, company, monkeypatch)


def _client(live_server, company: SandboxCompany, monkeypatch) -> Iterator[QuickBooks]:
    # requests-oauthlib, under python-quickbooks, insists on https unless told the transport is local.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    app, secret = app_create(name="python-quickbooks", redirect_uris=["http://localhost/callback"])
    tokens = grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE)
    auth_client = AuthClient(
        app.client_id,
        secret,
        "http://localhost/callback",
        environment=f"{live_server.url}/qbo-sandbox/.well-known/openid_configuration/",
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
    )
    client = QuickBooks(auth_client=auth_client, company_id=company.realm_id, minorversion=75)
    client.api_url_v3 = client.sandbox_api_url_v3 = f"{live_server.url}/qbo-sandbox/v3"
    yield client
    client.session.close()
    auth_client.close()
    client._drop()


def _names(customers: list[Customer]) -> list[str]:
    return [customer.DisplayName for customer in customers]


def test_all_returns_active_customers_in_id_order(qb):
    customers = Customer.all(qb=qb)

    assert _names(customers) == [name for number, name in enumerate(NAMES) if number != 3]
    assert all(isinstance(customer, Customer) for customer in customers)
    assert customers[0].Id == "1" and customers[0].SyncToken == "0"


def test_all_pages_with_start_position_and_max_results(qb):
    pages = [Customer.all(start_position=start, max_results=2, qb=qb) for start in (1, 3, 5)]

    assert [_names(page) for page in pages] == [NAMES[:2], [NAMES[2], NAMES[4]], []]


def test_all_with_order_by(qb):
    assert _names(Customer.all(order_by="DisplayName DESC", qb=qb))[:2] == ["Dukes Basketball Camp", "Cool Cars"]


def test_filter_escapes_quotes_and_matches(qb):
    assert _names(Customer.filter(DisplayName="Amy's Bird Sanctuary", qb=qb)) == ["Amy's Bird Sanctuary"]
    assert _names(Customer.filter(Active=False, qb=qb)) == ["Diego Rodriguez"]


def test_where_and_query(qb):
    where = Customer.where("Active IN (true, false) AND DisplayName LIKE 'D%'", order_by="Id DESC", qb=qb)
    queried = Customer.query("SELECT * FROM Customer WHERE Balance > '1' MAXRESULTS 2", qb=qb)

    assert _names(where) == ["Dukes Basketball Camp", "Diego Rodriguez"]
    assert _names(queried) == ["Cool Cars", "Dukes Basketball Camp"]


def test_choose_by_id(qb):
    assert _names(Customer.choose(["1", "3"], qb=qb)) == [NAMES[0], NAMES[2]]


def test_count(qb):
    assert Customer.count(qb=qb) == 4
    assert Customer.count("Active IN (true, false)", qb=qb) == 5
    assert Invoice.count(qb=qb) == 0


def test_items_are_read_with_their_sku(qb):
    (item,) = Item.all(qb=qb)

    assert (item.Name, item.Sku) == ("Labor", "LAB-1")


def test_a_refused_query_raises_the_validation_exception(qb):
    with pytest.raises(ValidationException) as raised:
        Customer.where("DisplayName == 'x'", qb=qb)

    assert raised.value.error_code == 4000
    assert raised.value.detail.startswith("QueryParserError: Encountered ")


def test_change_data_capture_reads_changes_and_deletions(qb, company):
    since = now() - timedelta(minutes=5)
    renamed = store.entity_get(company, "Customer", "2")
    store.entity_update(renamed, {**renamed.data, "DisplayName": "Bill's Surf Shop"})
    kept = store.entity_create(company, "Invoice", {"DocNumber": "1001", "TotalAmt": 10})
    deleted = store.entity_create(company, "Invoice", {"DocNumber": "1002", "TotalAmt": 20})
    store.entity_tombstone(deleted)
    # python-quickbooks sends a datetime without an offset: the sandbox reads it in the company's zone.
    local_since = since.astimezone(ZoneInfo(company.time_zone)).replace(tzinfo=None)

    changes = change_data_capture([Customer, Invoice], local_since, qb=qb)

    assert [customer.DisplayName for customer in changes.Customer] == ["Bill's Surf Shop"]
    invoices = changes.Invoice
    assert [invoice.Id for invoice in invoices] == [kept.entity_id, deleted.entity_id]
    assert invoices[0].DocNumber == "1001"
    assert invoices[1].status == "Deleted"


def test_change_data_capture_without_changes(qb):
    changes = change_data_capture([Customer, Invoice], (now() + timedelta(minutes=1)).isoformat(), qb=qb)

    assert not hasattr(changes, "Customer")
    assert not hasattr(changes, "Invoice")


# Batch writes through python-quickbooks' BatchManager (bIds are UUIDs, 30 items a request).


@pytest.fixture
def demo(db) -> SandboxCompany:
    return company_create(name="Fidelity Demo Co", options=SeedOptions(seed="demo"))


@pytest.fixture
def demo_qb(live_server, demo, monkeypatch) -> Iterator[QuickBooks]:
    yield from _client(live_server, demo, monkeypatch)


def test_batch_create_reports_successes_and_faults(demo_qb):
    fresh, taken = Customer(), Customer()
    fresh.DisplayName = "Batch Fresh"
    taken.DisplayName = "Amy's Bird Sanctuary"

    result = batch_create([fresh, taken], qb=demo_qb)

    assert [customer.DisplayName for customer in result.successes] == ["Batch Fresh"]
    assert result.successes[0].Id
    (fault,) = result.faults
    assert fault.original_object is taken
    assert fault.Error[0].code == "6240"


def _invoice(customer: Customer, item: Item, amount: int) -> Invoice:
    line = SalesItemLine()
    line.Amount = amount
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = item.to_ref()
    invoice = Invoice()
    invoice.CustomerRef = customer.to_ref()
    invoice.Line.append(line)
    return invoice


def test_batch_update_and_batch_delete(demo_qb):
    (customer,) = Customer.filter(DisplayName="Cool Cars", qb=demo_qb)
    (labor,) = Item.filter(Name="Labor", qb=demo_qb)
    created = batch_create([_invoice(customer, labor, 100), _invoice(customer, labor, 40)], qb=demo_qb)
    customer.Notes = "Updated in a batch"

    updated = batch_update([customer], qb=demo_qb)
    deleted = batch_delete(created.successes[:1], qb=demo_qb)

    assert [invoice.TotalAmt for invoice in created.successes] == [100, 40]
    assert [(c.Notes, c.SyncToken) for c in updated.successes] == [("Updated in a batch", "1")]
    assert not deleted.faults
    assert deleted.successes[0].Id == created.successes[0].Id
    assert [invoice.Id for invoice in Invoice.all(qb=demo_qb)] == [created.successes[1].Id]


# Vendors, purchase orders, estimates and inventory adjustments: paging, CDC, webhooks and batch.


def _ref(company: SandboxCompany, entity_type: str, name: str) -> Ref:
    """A reference to a seeded object of the demo company, by its name."""
    (entity_id,) = [
        entity.entity_id
        for entity in store.entity_list(company, entity_type)
        if name in (entity.data.get("Name"), entity.data.get("DisplayName"))
    ]
    ref = Ref()
    ref.value = entity_id
    return ref


def _vendor(name: str) -> Vendor:
    vendor = Vendor()
    vendor.DisplayName = name
    return vendor


def _purchase_order(company: SandboxCompany, vendor: Vendor, qty: int) -> PurchaseOrder:
    line = ItemBasedExpenseLine()
    line.Amount = qty * Decimal("9.50")
    line.ItemBasedExpenseLineDetail = ItemBasedExpenseLineDetail()
    line.ItemBasedExpenseLineDetail.ItemRef = _ref(company, "Item", "Air Filter 16x25")
    line.ItemBasedExpenseLineDetail.Qty, line.ItemBasedExpenseLineDetail.UnitPrice = qty, Decimal("9.50")
    order = PurchaseOrder()
    order.VendorRef = vendor.to_ref()
    order.APAccountRef = _ref(company, "Account", "Accounts Payable (A/P)")
    order.Line.append(line)
    return order


def _estimate(company: SandboxCompany, hours: int) -> Estimate:
    line = SalesItemLine()
    line.Amount = hours * 95
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = _ref(company, "Item", "Labor")
    line.SalesItemLineDetail.Qty, line.SalesItemLineDetail.UnitPrice = hours, 95
    estimate = Estimate()
    estimate.CustomerRef = _ref(company, "Customer", "Showroom HVAC")
    estimate.Line.append(line)
    return estimate


def _filters_adjustment(
    company: SandboxCompany, qty_diff: int, *, item: str = "Air Filter 16x25"
) -> InventoryAdjustment:
    return adjustment(_ref(company, "Account", "Cost of Goods Sold"), (_ref(company, "Item", item), qty_diff))


def test_purchase_orders_and_estimates_changed_since_a_moment_come_in_pages(demo_qb, demo):
    an_hour_ago = now() - timedelta(hours=1)
    for number in (1, 2):
        store.entity_create(demo, "PurchaseOrder", {"DocNumber": f"OLD-{number}", "TotalAmt": 1}, at=an_hour_ago)
        store.entity_create(demo, "Estimate", {"DocNumber": f"OLD-{number}", "TotalAmt": 1}, at=an_hour_ago)
    vendor = _vendor("Hicks Hardware").save(qb=demo_qb)
    created = {
        PurchaseOrder: [_purchase_order(demo, vendor, qty).save(qb=demo_qb).Id for qty in (1, 2, 3)],
        Estimate: [_estimate(demo, hours).save(qb=demo_qb).Id for hours in (1, 2, 3)],
    }
    # Intuit's spelling in its own examples; property names are read case-insensitively.
    changed = f"Metadata.LastUpdatedTime > '{qbo_datetime(an_hour_ago + timedelta(minutes=30), demo.time_zone)}'"

    for entity, ids in created.items():
        pages = [entity.where(changed, start_position=start, max_results=2, qb=demo_qb) for start in (1, 3, 5)]

        assert [[record.Id for record in page] for page in pages] == [ids[:2], ids[2:], []]
        assert (entity.count(changed, qb=demo_qb), entity.count(qb=demo_qb)) == (3, 5)


def test_change_data_capture_reports_vendors_orders_estimates_adjustments_and_the_stock_they_move(demo_qb, demo):
    since = now()
    vendor = _vendor("Hicks Hardware").save(qb=demo_qb)
    order = _purchase_order(demo, vendor, 4).save(qb=demo_qb)
    kept, dropped = (_estimate(demo, hours).save(qb=demo_qb) for hours in (1, 2))
    dropped.delete(qb=demo_qb)
    adjusted = _filters_adjustment(demo, -2).save(qb=demo_qb)

    changes = change_data_capture(
        [Vendor, PurchaseOrder, Estimate, InventoryAdjustment, Item], since.isoformat(), qb=demo_qb
    )

    assert [record.DisplayName for record in changes.Vendor] == ["Hicks Hardware"]
    assert [(record.Id, record.TotalAmt) for record in changes.PurchaseOrder] == [(order.Id, 38)]
    assert [(record.Id, getattr(record, "status", "")) for record in changes.Estimate] == [
        (kept.Id, ""),
        (dropped.Id, "Deleted"),
    ]
    (reported,) = changes.InventoryAdjustment
    assert reported.Id == adjusted.Id and reported.Line[0].ItemAdjustmentLineDetail.QtyDiff == -2
    # The adjustment gave the item a new version; the purchase order and the estimates did not touch it.
    assert [(record.Name, record.QtyOnHand, record.SyncToken) for record in changes.Item] == [
        ("Air Filter 16x25", 38, "1")
    ]


def test_webhooks_report_vendors_orders_and_estimates_and_an_adjustment_through_its_item(demo_qb, demo):
    app, _ = app_create(
        name="FieldOffice", redirect_uris=["http://localhost/callback"], webhook_url="http://127.0.0.1:9/hooks"
    )
    grant_create(app=app, company=demo, scope=ACCOUNTING_SCOPE)
    vendor = _vendor("Hicks Hardware").save(qb=demo_qb)
    order = _purchase_order(demo, vendor, 1).save(qb=demo_qb)
    estimate = _estimate(demo, 1).save(qb=demo_qb)
    estimate.delete(qb=demo_qb)
    _filters_adjustment(demo, 5).save(qb=demo_qb)

    events = list(SandboxWebhookEvent.objects.filter(company=demo).order_by("id"))

    # Intuit's webhooks cover Vendor, PurchaseOrder and Estimate; InventoryAdjustment is not among its entities.
    assert [(event.entity_type, event.entity_id, event.operation) for event in events] == [
        ("Vendor", vendor.Id, "Create"),
        ("PurchaseOrder", order.Id, "Create"),
        ("Estimate", estimate.Id, "Create"),
        ("Estimate", estimate.Id, "Delete"),
        ("Item", _ref(demo, "Item", "Air Filter 16x25").value, "Update"),
    ]
    assert [event["type"] for event in cloudevents_payload(demo, app, events)] == [
        "qbo.vendor.created.v1",
        "qbo.purchaseorder.created.v1",
        "qbo.estimate.created.v1",
        "qbo.estimate.deleted.v1",
        "qbo.item.updated.v1",
    ]


def test_batch_creates_orders_estimates_and_adjustments_and_a_bad_adjustment_fails_alone(demo_qb, demo):
    vendor = _vendor("Hicks Hardware").save(qb=demo_qb)
    refused = _filters_adjustment(demo, 3, item="Copper Fittings")
    requested = [
        _purchase_order(demo, vendor, 6),
        _estimate(demo, 2),
        _filters_adjustment(demo, -4),
        refused,
        _filters_adjustment(demo, 10),
    ]

    result = batch_create(requested, qb=demo_qb)

    assert [(type(record).__name__, bool(record.Id)) for record in result.successes] == [
        ("PurchaseOrder", True),
        ("Estimate", True),
        ("InventoryAdjustment", True),
        ("InventoryAdjustment", True),
    ]
    assert [record.TotalAmt for record in result.successes[:2]] == [57, 190]
    (fault,) = result.faults
    assert fault.original_object is refused
    assert (fault.Error[0].code, fault.Error[0].element) == ("6000", "ItemRef")
    assert '"Copper Fittings"' in fault.Error[0].Detail
    (filters,) = Item.filter(Name="Air Filter 16x25", qb=demo_qb)
    assert (filters.QtyOnHand, filters.SyncToken) == (46, "2")
    assert InventoryAdjustment.count(qb=demo_qb) == 2
