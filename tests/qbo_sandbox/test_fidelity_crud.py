"""
Fidelity: python-quickbooks, unmodified, does its CRUD against the sandbox as against QuickBooks Online.

The client is pointed at the sandbox by its base URL only; intuit-oauth reads the sandbox's discovery document.
Amounts are read with ``use_decimal=True``, so every check below is exact.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.exceptions import ObjectNotFoundException, QuickbooksException, ValidationException
from quickbooks.objects.account import Account
from quickbooks.objects.base import Address, EmailAddress, LinkedTxn, PhoneNumber, Ref
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import (
    AccountBasedExpenseLine,
    AccountBasedExpenseLineDetail,
    ItemBasedExpenseLine,
    ItemBasedExpenseLineDetail,
    SalesItemLine,
    SalesItemLineDetail,
)
from quickbooks.objects.employee import Employee
from quickbooks.objects.estimate import Estimate
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.payment import Payment, PaymentLine
from quickbooks.objects.purchaseorder import PurchaseOrder
from quickbooks.objects.tax import TxnTaxDetail
from quickbooks.objects.taxagency import TaxAgency
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.taxrate import TaxRate
from quickbooks.objects.taxservice import TaxRateDetails, TaxService
from quickbooks.objects.term import Term
from quickbooks.objects.vendor import Vendor

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import ENTITY_TYPES
from apps.qbo_sandbox.entities.schema import clean
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE, app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import local_today
from tests.qbo_sandbox.qb_inventory import InventoryAdjustment, adjustment

REDIRECT_URI = "http://localhost/callback"


@dataclass
class Connected:
    qb: QuickBooks
    company: SandboxCompany

    def by_name(self, entity_type: str, name: str) -> str:
        """The Id of a seeded object of the demo company."""
        for entity in store.entity_list(self.company, entity_type):
            if name in (entity.data.get("Name"), entity.data.get("DisplayName")):
                return entity.entity_id
        raise LookupError(name)

    def ref(self, entity_type: str, name: str) -> Ref:
        ref = Ref()
        ref.value = self.by_name(entity_type, name)
        return ref


@pytest.fixture
def connected(live_server, monkeypatch) -> Iterator[Connected]:
    # requests-oauthlib, under python-quickbooks, insists on https unless told the transport is local.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    company = company_create(name="Fidelity Co", options=SeedOptions(seed="demo"))
    app, secret = app_create(name="Fidelity", redirect_uris=[REDIRECT_URI])
    tokens = grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE)
    sandbox = f"{live_server.url}/qbo-sandbox"
    auth_client = AuthClient(
        app.client_id,
        secret,
        REDIRECT_URI,
        environment=f"{sandbox}/.well-known/openid_configuration/",
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
    )
    qb = QuickBooks(auth_client=auth_client, company_id=company.realm_id, minorversion=75, use_decimal=True)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = f"{sandbox}/v3"
    try:
        yield Connected(qb=qb, company=company)
    finally:
        qb.session.close()
        auth_client.close()
        qb._drop()


def _customer(name: str, **fields) -> Customer:
    customer = Customer()
    customer.DisplayName = name
    for key, value in fields.items():
        setattr(customer, key, value)
    return customer


def _sales_line(item: Ref, amount: str, qty: str | None = None, unit_price: str | None = None) -> SalesItemLine:
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = item
    if qty is not None:
        line.SalesItemLineDetail.Qty = Decimal(qty)
        line.SalesItemLineDetail.UnitPrice = Decimal(unit_price)
    return line


def test_customer_create_read_update_and_deactivate(connected):
    qb = connected.qb
    customer = _customer("Bayview Dental", CompanyName="Bayview Dental LLC", Notes="Side door")
    customer.PrimaryEmailAddr = EmailAddress()
    customer.PrimaryEmailAddr.Address = "office@bayview.example"
    customer.PrimaryPhone = PhoneNumber()
    customer.PrimaryPhone.FreeFormNumber = "(650) 555-0100"
    customer.BillAddr = Address()
    customer.BillAddr.Line1, customer.BillAddr.City = "12 Bay St", "Oakland"

    created = customer.save(qb=qb)
    read = Customer.get(created.Id, qb=qb)

    assert isinstance(created.Id, str) and created.SyncToken == "0"
    assert read.DisplayName == "Bayview Dental" and read.FullyQualifiedName == "Bayview Dental"
    assert read.PrintOnCheckName == "Bayview Dental LLC" and read.Balance == 0
    assert read.BillAddr.City == "Oakland" and read.BillAddr.Id

    # Sparse: only what is sent changes.
    read.sparse = True
    read.Notes = "Front door"
    sparse = read.save(qb=qb)
    assert (sparse.SyncToken, sparse.Notes, sparse.PrimaryPhone.FreeFormNumber) == ("1", "Front door", "(650) 555-0100")

    # Full: what the object leaves out is gone.
    full = Customer.get(created.Id, qb=qb)
    full.PrimaryPhone = None
    full.Notes = ""
    full = full.save(qb=qb)
    assert full.SyncToken == "2"
    assert not getattr(full, "Notes", "") and full.PrimaryPhone is None
    assert full.PrimaryEmailAddr.Address == "office@bayview.example"

    full.Active = False
    inactive = full.save(qb=qb)
    assert inactive.Active is False
    assert Customer.get(created.Id, qb=qb).Active is False


def test_sub_customers_nest_and_follow_a_rename(connected):
    qb = connected.qb
    parent = _customer("Harbor Hotels").save(qb=qb)
    job = _customer("Lobby HVAC", Job=True, BillWithParent=True)
    job.ParentRef = parent.to_ref()

    job = job.save(qb=qb)
    parent.DisplayName = "Harbor Hotel Group"
    parent.save(qb=qb)

    assert (job.Job, job.Level, job.FullyQualifiedName) == (True, 1, "Harbor Hotels:Lobby HVAC")
    assert Customer.get(job.Id, qb=qb).FullyQualifiedName == "Harbor Hotel Group:Lobby HVAC"
    orphan = _customer("Orphan Job", Job=True)
    with pytest.raises(QuickbooksException) as refused:
        orphan.save(qb=qb)
    assert refused.value.error_code == 6150


def test_items_of_each_type(connected):
    qb, income = connected.qb, connected.ref("Account", "Services")
    service = Item()
    service.Name, service.Type, service.UnitPrice = "Boiler Flush", "Service", Decimal("180")
    service.IncomeAccountRef = income
    non_inventory = Item()
    non_inventory.Name, non_inventory.Type = "PEX Pipe", "NonInventory"
    non_inventory.ExpenseAccountRef = connected.ref("Account", "Job Materials")
    inventory = Item()
    inventory.Name, inventory.Type, inventory.TrackQtyOnHand = "Thermostat T6", "Inventory", True
    inventory.QtyOnHand, inventory.InvStartDate = Decimal("12"), "2015-01-01"
    inventory.IncomeAccountRef = connected.ref("Account", "Sales of Product Income")
    inventory.ExpenseAccountRef = connected.ref("Account", "Cost of Goods Sold")
    inventory.AssetAccountRef = connected.ref("Account", "Inventory Asset")

    saved = [item.save(qb=qb) for item in (service, non_inventory, inventory)]

    assert [item.Type for item in saved] == ["Service", "NonInventory", "Inventory"]
    assert saved[2].QtyOnHand == 12 and saved[0].UnitPrice == 180
    no_account = Item()
    no_account.Name, no_account.Type = "Mystery", "Service"
    with pytest.raises(ValidationException) as refused:
        no_account.save(qb=qb)
    assert refused.value.error_code == 2020
    assert "ExpenseAccountRef or IncomeAccountRef" in refused.value.detail


def test_invoice_with_tax_then_payment_void_and_delete(connected):
    qb = connected.qb
    customer = connected.ref("Customer", "Amy's Bird Sanctuary")
    invoice = Invoice()
    invoice.CustomerRef = customer
    invoice.Line = [
        _sales_line(connected.ref("Item", "Labor"), "285.00", "3", "95"),
        _sales_line(connected.ref("Item", "Copper Fittings"), "37.50", "3", "12.50"),
    ]
    invoice.TxnTaxDetail = TxnTaxDetail()
    invoice.TxnTaxDetail.TxnTaxCodeRef = connected.ref("TaxCode", "California")
    invoice.TxnTaxDetail.TotalTax = None

    invoice = invoice.save(qb=qb)

    # 37.50 taxable at 7.25% is 2.72 (2.71875 rounded half up).
    assert invoice.TxnTaxDetail.TotalTax == Decimal("2.72")
    assert invoice.TotalAmt == Decimal("325.22") and invoice.Balance == Decimal("325.22")
    assert invoice.DocNumber and invoice.DueDate
    assert invoice.Line[-1].DetailType == "SubTotalLineDetail" and invoice.Line[-1].Amount == Decimal("322.5")

    payment = Payment()
    payment.CustomerRef = customer
    payment.TotalAmt = Decimal("125.22")
    line = PaymentLine()
    line.Amount = Decimal("100.00")
    line.LinkedTxn = [invoice.to_linked_txn()]
    payment.Line = [line]
    payment = payment.save(qb=qb)
    paid = Invoice.get(invoice.Id, qb=qb)

    assert payment.UnappliedAmt == Decimal("25.22")
    assert paid.Balance == Decimal("225.22") and paid.SyncToken == "1"
    assert [(link.TxnId, link.TxnType) for link in paid.LinkedTxn] == [(payment.Id, "Payment")]

    # A full update of the invoice as python-quickbooks read it keeps its numbers and its payment.
    paid.PrivateNote = "Call before delivery"
    resaved = paid.save(qb=qb)
    assert (resaved.SyncToken, resaved.Balance, resaved.TotalAmt) == ("2", Decimal("225.22"), Decimal("325.22"))
    assert resaved.DocNumber == invoice.DocNumber and len(resaved.LinkedTxn) == 1

    payment.void(qb=qb)
    assert Invoice.get(invoice.Id, qb=qb).Balance == Decimal("325.22")
    assert Payment.get(payment.Id, qb=qb).PrivateNote == "Voided"

    voided = Invoice.get(invoice.Id, qb=qb)
    voided.void(qb=qb)
    voided = Invoice.get(invoice.Id, qb=qb)
    assert (voided.TotalAmt, voided.Balance, voided.PrivateNote) == (0, 0, "Voided Call before delivery")

    second = Invoice()
    second.CustomerRef = customer
    second.Line = [_sales_line(connected.ref("Item", "Labor"), "95")]
    second = second.save(qb=qb)
    answer = second.delete(qb=qb)
    assert answer["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": second.Id}
    with pytest.raises(ObjectNotFoundException):
        Invoice.get(second.Id, qb=qb)


def test_duplicate_names_stale_tokens_and_name_lists_that_cannot_be_deleted(connected):
    qb = connected.qb
    customer = _customer("Pinecrest Apartments").save(qb=qb)
    vendor = Vendor()
    vendor.DisplayName = "pinecrest apartments"

    with pytest.raises(QuickbooksException) as duplicate:
        vendor.save(qb=qb)
    stale = Customer.get(customer.Id, qb=qb)
    current = Customer.get(customer.Id, qb=qb)
    current.Notes = "first"
    current.save(qb=qb)
    stale.Notes = "second"
    with pytest.raises(QuickbooksException) as conflict:
        stale.save(qb=qb)

    assert duplicate.value.error_code == 6240
    assert duplicate.value.message == "Duplicate Name Exists Error"
    assert conflict.value.error_code == 5010
    assert conflict.value.message == "Stale Object Error"
    with pytest.raises(QuickbooksException) as refused:
        qb.delete_object("Customer", json.dumps({"Id": customer.Id, "SyncToken": "1"}))
    assert (refused.value.error_code, refused.value.detail) == (500, "Operation Delete is not supported.")


def test_a_repeated_requestid_creates_one_customer(connected):
    qb = connected.qb

    first = _customer("Replay Diner").save(qb=qb, request_id="create-replay-diner-1")
    second = _customer("Replay Diner").save(qb=qb, request_id="create-replay-diner-1")

    assert first.Id == second.Id and first.MetaData["CreateTime"] == second.MetaData["CreateTime"]
    assert store.entity_list(connected.company, "Customer").filter(name_key="replay diner").count() == 1


def test_lists_and_purchasing_objects(connected):
    qb = connected.qb
    term = Term()
    term.Name, term.DueDays = "Net 45", 45
    account = Account()
    account.Name, account.AccountType = "Fuel", "Expense"
    vendor = Vendor()
    vendor.DisplayName, vendor.CompanyName = "Valley Supply", "Valley Supply Co"
    employee = Employee()
    employee.GivenName, employee.FamilyName = "Rosa", "Diaz"
    agency = TaxAgency()
    agency.DisplayName = "City of Fresno"

    term, account, vendor, employee, agency = (obj.save(qb=qb) for obj in (term, account, vendor, employee, agency))

    assert (term.Type, term.DueDays) == ("STANDARD", 45)
    assert (account.Classification, account.AccountSubType) == ("Expense", "OtherMiscellaneousServiceCost")
    assert employee.DisplayName == "Rosa Diaz"

    service = TaxService()
    service.TaxCode = "Fresno Combined"
    detail = TaxRateDetails()
    detail.TaxRateName, detail.RateValue, detail.TaxAgencyId = "Fresno City", Decimal("0.75"), agency.Id
    service.TaxRateDetails = [detail]
    created = service.save(qb=qb)
    code = TaxCode.get(created.TaxCodeId, qb=qb)
    rate = TaxRate.get(code.SalesTaxRateList.TaxRateDetail[0].TaxRateRef.value, qb=qb)
    assert (code.Name, rate.Name, rate.RateValue) == ("Fresno Combined", "Fresno City", Decimal("0.75"))

    estimate = Estimate()
    estimate.CustomerRef = connected.ref("Customer", "Cool Cars")
    estimate.Line = [_sales_line(connected.ref("Item", "Maintenance Visit"), "149")]
    estimate = estimate.save(qb=qb)
    assert (estimate.TxnStatus, estimate.TotalAmt) == ("Pending", 149)

    order = PurchaseOrder()
    order.VendorRef = vendor.to_ref()
    order.APAccountRef = connected.ref("Account", "Accounts Payable (A/P)")
    line = AccountBasedExpenseLine()
    line.Amount = Decimal("42.10")
    line.AccountBasedExpenseLineDetail = AccountBasedExpenseLineDetail()
    line.AccountBasedExpenseLineDetail.AccountRef = account.to_ref()
    order.Line = [line]
    order = order.save(qb=qb)
    assert (order.POStatus, order.TotalAmt) == ("Open", Decimal("42.1"))
    order.delete(qb=qb)


# Vendors, purchase orders, estimates and inventory adjustments, as the product is about to sync them.


def _vendor(name: str, **fields) -> Vendor:
    vendor = Vendor()
    vendor.DisplayName = name
    for key, value in fields.items():
        setattr(vendor, key, value)
    return vendor


def _address(*lines: str, city: str, state: str, postal_code: str, country: str) -> Address:
    address = Address()
    for number, line in enumerate(lines, start=1):
        setattr(address, f"Line{number}", line)
    address.City, address.CountrySubDivisionCode, address.PostalCode, address.Country = (
        city,
        state,
        postal_code,
        country,
    )
    return address


def _sparse(qb: QuickBooks, entity_type: str, entity_id: str, sync_token: str, **changes) -> dict:
    """A sparse update carrying only ``changes``, as a client sending just what it changed does."""
    body = {"Id": entity_id, "SyncToken": sync_token, "sparse": True, **changes}
    return qb.update_object(entity_type, json.dumps(body))[entity_type]


def test_a_vendor_round_trips_its_contact_fields_and_a_sparse_update_keeps_the_rest(connected):
    qb = connected.qb
    vendor = _vendor("Valley Supply", CompanyName="Valley Supply Co", GivenName="Ana", FamilyName="Ortiz")
    vendor.PrimaryEmailAddr = EmailAddress()
    vendor.PrimaryEmailAddr.Address = "orders@valley.example"
    vendor.PrimaryPhone = PhoneNumber()
    vendor.PrimaryPhone.FreeFormNumber = "(559) 555-0142"
    lines = ("Valley Supply Co", "Attn: Receiving", "Dock 4", "1200 Industrial Way", "Building B")
    vendor.BillAddr = _address(*lines, city="Fresno", state="CA", postal_code="93706", country="USA")

    created = vendor.save(qb=qb)
    read = Vendor.get(created.Id, qb=qb)

    assert (read.SyncToken, read.Active, read.PrintOnCheckName) == ("0", True, "Valley Supply Co")
    assert (read.DisplayName, read.CompanyName, read.GivenName, read.FamilyName) == (
        "Valley Supply",
        "Valley Supply Co",
        "Ana",
        "Ortiz",
    )
    assert (read.PrimaryEmailAddr.Address, read.PrimaryPhone.FreeFormNumber) == (
        "orders@valley.example",
        "(559) 555-0142",
    )
    address = read.BillAddr
    assert [address.Line1, address.Line2, address.Line3, address.Line4, address.Line5] == list(lines)
    assert (address.City, address.CountrySubDivisionCode, address.PostalCode, address.Country) == (
        "Fresno",
        "CA",
        "93706",
        "USA",
    )
    assert address.Id

    sparse = _sparse(qb, "Vendor", read.Id, "0", AcctNum="V-1042", PrimaryPhone={"FreeFormNumber": "(559) 555-0199"})

    assert (sparse["SyncToken"], sparse["AcctNum"], sparse["PrimaryPhone"]) == (
        "1",
        "V-1042",
        {"FreeFormNumber": "(559) 555-0199"},
    )
    assert (sparse["CompanyName"], sparse["GivenName"], sparse["FamilyName"]) == ("Valley Supply Co", "Ana", "Ortiz")
    assert sparse["PrimaryEmailAddr"]["Address"] == "orders@valley.example"
    assert (sparse["BillAddr"]["Id"], sparse["BillAddr"]["Line5"], sparse["BillAddr"]["PostalCode"]) == (
        address.Id,
        "Building B",
        "93706",
    )


def test_a_vendor_name_is_unique_among_customers_vendors_and_employees_inactive_ones_too(connected):
    qb = connected.qb
    employee = Employee()
    employee.GivenName, employee.FamilyName = "Rosa", "Diaz"
    employee.save(qb=qb)
    retired = _vendor("Hicks Hardware").save(qb=qb)
    _sparse(qb, "Vendor", retired.Id, "0", Active=False)
    other = _vendor("Bay Plumbing Supply").save(qb=qb)

    refused = []
    for taken in ("amy's bird sanctuary", "ROSA DIAZ", "Hicks Hardware"):
        with pytest.raises(QuickbooksException) as duplicate:
            _vendor(taken).save(qb=qb)
        refused.append(duplicate.value)
    with pytest.raises(QuickbooksException) as customer:
        _customer("hicks hardware").save(qb=qb)
    with pytest.raises(QuickbooksException) as rename:
        _sparse(qb, "Vendor", other.Id, "0", DisplayName="Rosa Diaz")

    for fault in (*refused, customer.value, rename.value):
        assert (fault.error_code, fault.message) == (6240, "Duplicate Name Exists Error")
    assert "customer, vendor or employee" in refused[0].detail
    assert Vendor.get(other.Id, qb=qb).DisplayName == "Bay Plumbing Supply"


def test_an_inactive_vendor_is_left_out_of_default_queries(connected):
    qb = connected.qb
    _vendor("Bay Plumbing Supply").save(qb=qb)
    retired = _vendor("Old Mill Lumber").save(qb=qb)

    inactive = _sparse(qb, "Vendor", retired.Id, "0", Active=False)

    assert (inactive["Active"], inactive["DisplayName"]) == (False, "Old Mill Lumber")
    assert [vendor.DisplayName for vendor in Vendor.all(qb=qb)] == ["Bay Plumbing Supply"]
    assert [vendor.DisplayName for vendor in Vendor.where("Active = false", qb=qb)] == ["Old Mill Lumber"]
    assert (Vendor.count(qb=qb), Vendor.count("Active IN (true, false)", qb=qb)) == (1, 2)
    assert Vendor.get(retired.Id, qb=qb).Active is False


def _item_line(item: Ref, qty: str, unit_price: str, amount: str | None) -> ItemBasedExpenseLine:
    line = ItemBasedExpenseLine()
    # None leaves Amount out of the request (python-quickbooks drops None values).
    line.Amount = None if amount is None else Decimal(amount)
    line.ItemBasedExpenseLineDetail = ItemBasedExpenseLineDetail()
    detail = line.ItemBasedExpenseLineDetail
    detail.ItemRef, detail.Qty, detail.UnitPrice = item, Decimal(qty), Decimal(unit_price)
    return line


def _purchase_order(connected: Connected, vendor: Vendor, *lines: ItemBasedExpenseLine) -> PurchaseOrder:
    order = PurchaseOrder()
    order.VendorRef = vendor.to_ref()
    order.APAccountRef = connected.ref("Account", "Accounts Payable (A/P)")
    order.Line = list(lines)
    return order


def _stock(connected: Connected, name: str) -> tuple[Decimal, str]:
    item = Item.get(connected.by_name("Item", name), qb=connected.qb)
    return item.QtyOnHand, item.SyncToken


def test_a_purchase_order_computes_its_amounts_and_is_closed_by_a_sparse_update(connected):
    qb = connected.qb
    vendor = _vendor("Hicks Hardware").save(qb=qb)
    filters, fittings = connected.ref("Item", "Air Filter 16x25"), connected.ref("Item", "Copper Fittings")
    order = _purchase_order(
        connected, vendor, _item_line(filters, "12", "9.50", "114.00"), _item_line(fittings, "8", "6.125", None)
    )
    order.DocNumber, order.TxnDate, order.DueDate = "PO-2041", "2015-03-02", "2015-03-16"
    order.Memo = "Leave at the side gate"

    order = order.save(qb=qb)

    assert (order.DocNumber, order.TxnDate, order.DueDate, order.Memo) == (
        "PO-2041",
        "2015-03-02",
        "2015-03-16",
        "Leave at the side gate",
    )
    assert (order.POStatus, order.SyncToken, order.VendorRef.name) == ("Open", "0", "Hicks Hardware")
    # The amount left out is Qty x UnitPrice; the total is the lines' sum.
    assert [line.Amount for line in order.Line] == [Decimal("114"), Decimal("49")]
    assert order.TotalAmt == Decimal("163")
    detail = order.Line[1].ItemBasedExpenseLineDetail
    assert (detail.ItemRef.name, detail.Qty, detail.UnitPrice) == ("Copper Fittings", 8, Decimal("6.125"))
    # Ordering is not receiving: the item's stock and version stay as they were.
    assert _stock(connected, "Air Filter 16x25") == (40, "0")

    closed = _sparse(qb, "PurchaseOrder", order.Id, "0", POStatus="Closed")
    assert (closed["POStatus"], closed["SyncToken"], closed["TotalAmt"], closed["DocNumber"]) == (
        "Closed",
        "1",
        163,
        "PO-2041",
    )
    assert [line["Amount"] for line in closed["Line"]] == [114, 49] and closed["DueDate"] == "2015-03-16"
    with pytest.raises(QuickbooksException) as stale:
        _sparse(qb, "PurchaseOrder", order.Id, "0", Memo="Too late")
    assert (stale.value.error_code, stale.value.message) == (5010, "Stale Object Error")

    # A full update of the order as python-quickbooks read it keeps what QuickBooks assigned.
    reopened = PurchaseOrder.get(order.Id, qb=qb)
    reopened.POStatus = "Open"
    reopened = reopened.save(qb=qb)
    assert (reopened.POStatus, reopened.SyncToken, reopened.DocNumber, reopened.TotalAmt) == (
        "Open",
        "2",
        "PO-2041",
        163,
    )

    answer = reopened.delete(qb=qb)
    assert answer["PurchaseOrder"] == {"status": "Deleted", "domain": "QBO", "Id": order.Id}
    with pytest.raises(ObjectNotFoundException):
        PurchaseOrder.get(order.Id, qb=qb)
    assert _stock(connected, "Air Filter 16x25") == (40, "0")


def test_a_purchase_order_needs_a_vendor_and_amounts_that_match(connected):
    qb = connected.qb
    vendor = _vendor("Hicks Hardware").save(qb=qb)
    filters = connected.ref("Item", "Air Filter 16x25")
    no_vendor = _purchase_order(connected, vendor, _item_line(filters, "2", "9.50", "19"))
    no_vendor.VendorRef = None
    mismatch = _purchase_order(connected, vendor, _item_line(filters, "2", "9.50", "20"))

    with pytest.raises(ValidationException) as missing:
        no_vendor.save(qb=qb)
    with pytest.raises(QuickbooksException) as wrong:
        mismatch.save(qb=qb)

    assert (missing.value.error_code, missing.value.detail) == (
        2020,
        "Required parameter VendorRef is missing in the request",
    )
    assert (wrong.value.error_code, wrong.value.detail) == (
        6070,
        "Amount is not equal to UnitPrice * Qty. Supplied value:20",
    )
    assert PurchaseOrder.count(qb=qb) == 0


def test_an_estimate_for_a_job_moves_through_its_statuses_without_touching_stock(connected):
    qb = connected.qb
    non_taxable = Ref()
    non_taxable.value = "NON"
    filters = _sales_line(connected.ref("Item", "Air Filter 16x25"), "72", "3", "24")
    filters.SalesItemLineDetail.TaxCodeRef = non_taxable
    estimate = Estimate()
    estimate.CustomerRef = connected.ref("Customer", "Showroom HVAC")
    estimate.Line = [_sales_line(connected.ref("Item", "Labor"), "190", "2", "95"), filters]
    estimate.DocNumber, estimate.TxnDate, estimate.ExpirationDate = "E-3001", "2015-03-02", "2015-04-01"

    estimate = estimate.save(qb=qb)

    assert estimate.CustomerRef.name == "Cool Cars:Showroom HVAC"
    assert (estimate.DocNumber, estimate.TxnDate, estimate.TxnStatus, estimate.TotalAmt) == (
        "E-3001",
        "2015-03-02",
        "Pending",
        262,
    )
    assert [line.DetailType for line in estimate.Line] == ["SalesItemLineDetail"] * 2 + ["SubTotalLineDetail"]
    assert _stock(connected, "Air Filter 16x25") == (40, "0")

    accepted = _sparse(
        qb, "Estimate", estimate.Id, "0", TxnStatus="Accepted", AcceptedBy="Grace Pariente", AcceptedDate="2015-03-05"
    )
    assert (accepted["TxnStatus"], accepted["AcceptedBy"], accepted["SyncToken"], accepted["TotalAmt"]) == (
        "Accepted",
        "Grace Pariente",
        "1",
        262,
    )
    statuses = [
        _sparse(qb, "Estimate", estimate.Id, token, TxnStatus=status)
        for token, status in (("1", "Rejected"), ("2", "Closed"))
    ]
    assert [(answer["TxnStatus"], answer["SyncToken"]) for answer in statuses] == [("Rejected", "2"), ("Closed", "3")]
    with pytest.raises(QuickbooksException) as stale:
        _sparse(qb, "Estimate", estimate.Id, "2", TxnStatus="Pending")
    assert stale.value.error_code == 5010

    answer = Estimate.get(estimate.Id, qb=qb).delete(qb=qb)
    assert answer["Estimate"]["status"] == "Deleted"
    with pytest.raises(ObjectNotFoundException):
        Estimate.get(estimate.Id, qb=qb)
    assert _stock(connected, "Air Filter 16x25") == (40, "0")
    missing = Estimate()
    missing.Line = [_sales_line(connected.ref("Item", "Labor"), "95")]
    with pytest.raises(ValidationException) as no_customer:
        missing.save(qb=qb)
    assert no_customer.value.detail == "Required parameter CustomerRef is missing in the request"


def test_inventory_adjustments_move_stock_and_refuse_items_without_stock(connected):
    qb = connected.qb
    filters = Item.get(connected.by_name("Item", "Air Filter 16x25"), qb=qb)
    account = connected.ref("Account", "Cost of Goods Sold")
    assert (filters.Type, filters.TrackQtyOnHand, filters.QtyOnHand, filters.InvStartDate) == (
        "Inventory",
        True,
        40,
        local_today(connected.company.time_zone).isoformat(),
    )

    shrinkage = adjustment(account, (filters.to_ref(), Decimal("-3"))).save(qb=qb)
    after_shrinkage = _stock(connected, "Air Filter 16x25")
    # QuickBooks lets an adjustment take stock below zero.
    oversold = adjustment(account, (filters.to_ref(), Decimal("-50"))).save(qb=qb)
    after_oversold = _stock(connected, "Air Filter 16x25")

    assert after_shrinkage == (37, "1") and after_oversold == (-13, "2")
    line = shrinkage.Line[0]
    assert (line.DetailType, line.ItemAdjustmentLineDetail.ItemRef.name, line.ItemAdjustmentLineDetail.QtyDiff) == (
        "ItemAdjustmentLineDetail",
        "Air Filter 16x25",
        -3,
    )
    assert (shrinkage.AdjustAccountRef.name, shrinkage.SyncToken) == ("Cost of Goods Sold", "0") and shrinkage.TxnDate
    assert InventoryAdjustment.get(shrinkage.Id, qb=qb).Line[0].ItemAdjustmentLineDetail.QtyDiff == -3

    refused = {}
    for name in ("Copper Fittings", "Labor"):
        with pytest.raises(QuickbooksException) as fault:
            adjustment(account, (filters.to_ref(), 1), (connected.ref("Item", name), 1)).save(qb=qb)
        refused[name] = fault.value
    with pytest.raises(ValidationException) as no_account:
        adjustment(None, (filters.to_ref(), 1)).save(qb=qb)

    for name, fault in refused.items():
        assert fault.error_code == 6000 and f'"{name}"' in fault.detail, fault.detail
    assert no_account.value.detail == "Required parameter AdjustAccountRef is missing in the request"

    # Intuit: an adjustment's TxnDate cannot be edited; its other fields can.
    noted = _sparse(qb, "InventoryAdjustment", shrinkage.Id, "0", PrivateNote="Water damage")
    with pytest.raises(QuickbooksException) as redated:
        _sparse(qb, "InventoryAdjustment", shrinkage.Id, "1", TxnDate="2000-01-03")
    assert (noted["SyncToken"], noted["PrivateNote"], redated.value.error_code) == ("1", "Water damage", 6000)
    # Neither a refused adjustment (not even its valid lines) nor an edit of another field moves stock.
    assert _stock(connected, "Air Filter 16x25") == (-13, "2")

    oversold.delete(qb=qb)
    answer = InventoryAdjustment.get(shrinkage.Id, qb=qb).delete(qb=qb)
    assert answer["InventoryAdjustment"] == {"status": "Deleted", "domain": "QBO", "Id": shrinkage.Id}
    assert _stock(connected, "Air Filter 16x25") == (40, "4")
    with pytest.raises(ObjectNotFoundException):
        InventoryAdjustment.get(shrinkage.Id, qb=qb)


@pytest.mark.parametrize(
    ("entity_type", "factory"),
    [
        ("Customer", Customer),
        ("Vendor", Vendor),
        ("Employee", Employee),
        ("Item", Item),
        ("Account", Account),
        ("Term", Term),
        ("TaxAgency", TaxAgency),
        ("Invoice", Invoice),
        ("Estimate", Estimate),
        ("Payment", Payment),
        ("PurchaseOrder", PurchaseOrder),
        ("InventoryAdjustment", lambda: adjustment(Ref(), (Ref(), 1))),
    ],
)
def test_every_property_python_quickbooks_sends_is_known(entity_type, factory):
    """A fresh python-quickbooks object, with its lines and references, passes the sandbox's property check."""
    obj = factory()
    if entity_type in ("Invoice", "Estimate"):
        obj.Line = [_sales_line(Ref(), "1", "1", "1")]
        obj.LinkedTxn = [LinkedTxn()]
    if entity_type == "PurchaseOrder":
        obj.Line = [_item_line(Ref(), "1", "1", "1")]
        obj.LinkedTxn = [LinkedTxn()]
    payload = json.loads(obj.to_json())

    clean(ENTITY_TYPES[entity_type].rules.schema, payload)


# Intuit's request and response samples (fixtures/qbo_samples/README.md).

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "qbo_samples").glob("*.json"))
# The entity each reference of the samples points at: Intuit's Ids are unique per entity, not per company.
REF_TYPES = {
    "CustomerRef": "Customer",
    "ItemRef": "Item",
    "SalesTermRef": "Term",
    "IncomeAccountRef": "Account",
    "ExpenseAccountRef": "Account",
    "AssetAccountRef": "Account",
    "DepositToAccountRef": "Account",
}


def _remap(value, ids: dict[tuple[str, str], str], entity: str):
    """A sample body with the Ids of setup objects replaced by the ones the sandbox gave them."""
    if isinstance(value, list):
        return [_remap(item, ids, entity) for item in value]
    if not isinstance(value, dict):
        return value
    mapped = {}
    for key, item in value.items():
        if key in REF_TYPES and isinstance(item, dict):
            mapped[key] = {**item, "value": ids.get((REF_TYPES[key], item.get("value")), item.get("value"))}
        elif key == "Id" and isinstance(item, str):
            mapped[key] = ids.get((entity, item), item)
        elif key == "TxnId":
            mapped[key] = ids.get((value.get("TxnType"), item), item)
        else:
            mapped[key] = _remap(item, ids, "")
    return mapped


def _kind(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}[type(value)]


def shape_differences(sample, ours, path: str, skip: set[str]) -> list[str]:
    """Where ``ours`` lacks a key of ``sample`` or holds a value of another JSON type."""
    if path in skip:
        return []
    if _kind(sample) != _kind(ours):
        return [f"{path}: {_kind(sample)} expected, got {_kind(ours)}"]
    if isinstance(sample, dict):
        found = []
        for key, value in sample.items():
            sub = f"{path}.{key}" if path else key
            if sub in skip:
                continue
            found += [f"{sub}: missing"] if key not in ours else shape_differences(value, ours[key], sub, skip)
        return found
    if isinstance(sample, list):
        return [
            problem
            for sample_item, our_item in zip(sample, ours, strict=False)
            for problem in shape_differences(sample_item, our_item, path, skip)
        ]
    return []


def test_shape_differences_reports_missing_keys_and_other_types():
    sample = {"A": {"B": 1, "C": [{"D": "x"}]}, "E": True}
    ours = {"A": {"B": "1", "C": [{}]}, "E": True, "Extra": 1}

    assert shape_differences(sample, ours, "", set()) == ["A.B: number expected, got string", "A.C.D: missing"]
    assert shape_differences(sample, ours, "", {"A.B", "A.C.D"}) == []


@pytest.mark.parametrize("sample_path", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_intuits_samples_get_answers_of_the_same_shape(sample_path, live_server):
    sample = json.loads(sample_path.read_text())
    company = company_create(name="Samples Co", options=SeedOptions(seed="empty"))
    app, _ = app_create(name="Samples", redirect_uris=[REDIRECT_URI])
    token = grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE).access_token
    base = f"{live_server.url}/qbo-sandbox/v3/company/{company.realm_id}"
    ids: dict[tuple[str, str], str] = {}
    with requests.Session() as http:
        http.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

        def post(entity: str, body, **params):
            answer = http.post(f"{base}/{entity.lower()}", json=body, params={"minorversion": 75, **params})
            assert answer.status_code == 200, answer.text
            return answer.json()

        for setup in sample["setup"]:
            created = post(setup["entity"], _remap(setup["body"], ids, setup["entity"]))
            ids[(setup["entity"], setup["id"])] = created[setup["entity"]]["Id"]
        params = {
            "delete": {"operation": "delete"},
            "void": {"operation": "void"}
            if sample["entity"] != "Payment"
            else {"operation": "update", "include": "void"},
        }.get(sample["operation"], {})
        answer = post(sample["entity"], _remap(sample["request"], ids, sample["entity"]), **params)

    assert shape_differences(sample["response"], answer, "", set(sample["not_produced"])) == []
