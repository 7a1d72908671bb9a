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
    ],
)
def test_every_property_python_quickbooks_sends_is_known(entity_type, factory):
    """A fresh python-quickbooks object, with its lines and references, passes the sandbox's property check."""
    obj = factory()
    if entity_type in ("Invoice", "Estimate"):
        obj.Line = [_sales_line(Ref(), "1", "1", "1")]
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
