"""Invoices, estimates, payments, purchase orders and stock: totals, tax, numbers and their effects on each other."""

from decimal import Decimal

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import (
    QboFault,
    balances,
    entity_create,
    entity_delete,
    entity_read,
    entity_update,
    entity_void,
)
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return company_create(name="Sales Co", options=SeedOptions(seed="demo"))


def _fault(call, *args, **kwargs) -> QboFault:
    with pytest.raises(QboFault) as raised:
        call(*args, **kwargs)
    return raised.value


def _id(company, entity_type: str, name: str) -> str:
    return store.entity_list(company, entity_type).get(name_key=name.lower()).entity_id


def _line(company, item: str, amount, qty=None, unit_price=None, tax_code=None) -> dict:
    detail = {"ItemRef": {"value": _id(company, "Item", item)}}
    if qty is not None:
        detail.update(Qty=qty, UnitPrice=unit_price)
    if tax_code:
        detail["TaxCodeRef"] = {"value": tax_code}
    return {"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}


def _invoice(company, *lines, customer="Amy's Bird Sanctuary", **fields):
    payload = {"CustomerRef": {"value": _id(company, "Customer", customer)}, "Line": list(lines), **fields}
    return entity_create(company, "Invoice", payload)


def _payment(company, total, *applied, customer="Amy's Bird Sanctuary"):
    lines = [
        {"Amount": amount, "LinkedTxn": [{"TxnId": invoice.entity_id, "TxnType": "Invoice"}]}
        for invoice, amount in applied
    ]
    payload = {"CustomerRef": {"value": _id(company, "Customer", customer)}, "TotalAmt": total, "Line": lines}
    return entity_create(company, "Payment", payload)


def _reread(entity):
    return entity_read(entity.company, entity.entity_type, entity.entity_id)


def test_intuits_sample_invoice_is_completed_as_quickbooks_does(company):
    invoice = _invoice(
        company,
        {
            "DetailType": "SalesItemLineDetail",
            "Amount": 100.0,
            "SalesItemLineDetail": {"ItemRef": {"name": "Services", "value": _id(company, "Item", "Labor")}},
        },
    )

    data = invoice.data
    assert data["Line"][0] == {
        "Id": "1",
        "LineNum": 1,
        "Amount": 100,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {
            "ItemRef": {"value": _id(company, "Item", "Labor"), "name": "Labor"},
            "ItemAccountRef": data["Line"][0]["SalesItemLineDetail"]["ItemAccountRef"],
            "TaxCodeRef": {"value": "NON"},
        },
    }
    assert data["Line"][1] == {"Amount": 100, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    assert (data["TotalAmt"], data["Balance"], data["Deposit"], data["TxnTaxDetail"]) == (100, 100, 0, {"TotalTax": 0})
    assert data["TxnDate"] == local_today(company.time_zone).isoformat()
    assert (data["DocNumber"], data["PrintStatus"], data["EmailStatus"], data["LinkedTxn"]) == (
        "1001",
        "NeedToPrint",
        "NotSet",
        [],
    )
    assert data["CustomerRef"]["name"] == "Amy's Bird Sanctuary" and data["BillEmail"] == {
        "Address": "birds@intuit.com"
    }
    customer = entity_read(company, "Customer", _id(company, "Customer", "Amy's Bird Sanctuary"))
    # The customer's address, with its Id (the seed's addresses have none, so one is given here).
    assert {key: value for key, value in data["BillAddr"].items() if key != "Id"} == customer.data["BillAddr"]
    assert data["SalesTermRef"]["name"] == "Net 30"


def test_amount_must_be_quantity_times_price(company):
    fault = _fault(_invoice, company, _line(company, "Labor", "1000", qty=7, unit_price=225))
    rounded = _invoice(company, _line(company, "Copper Fittings", "1861.08", qty="148.8864", unit_price="12.5"))

    assert (fault.code, fault.detail) == ("6070", "Amount is not equal to UnitPrice * Qty. Supplied value:1,000")
    assert rounded.data["TotalAmt"] > 0


def test_us_lines_take_tax_or_non(company):
    fault = _fault(_invoice, company, _line(company, "Labor", 95, tax_code="7"))
    defaults = _invoice(company, _line(company, "Labor", 95), _line(company, "Copper Fittings", 25, 2, "12.50"))

    assert (fault.code, fault.detail) == ("6100", "Valid Line TaxCodes for US should be TAX or NON. Supplied value:7")
    codes = [line["SalesItemLineDetail"]["TaxCodeRef"]["value"] for line in defaults.data["Line"][:2]]
    assert codes == ["NON", "TAX"]


def test_tax_follows_the_code_and_an_explicit_total_is_honoured(company):
    code = {"value": _id(company, "TaxCode", "California")}
    computed = _invoice(
        company, _line(company, "Copper Fittings", "37.50", 3, "12.50"), TxnTaxDetail={"TxnTaxCodeRef": code}
    )
    explicit = _invoice(
        company,
        _line(company, "Copper Fittings", "37.50", 3, "12.50"),
        TxnTaxDetail={"TxnTaxCodeRef": code, "TotalTax": "3.00"},
    )

    tax = computed.data["TxnTaxDetail"]
    assert (tax["TotalTax"], computed.data["TotalAmt"]) == (2.72, 40.22)
    assert tax["TaxLine"][0]["TaxLineDetail"] == {
        "TaxRateRef": {"value": _id(company, "TaxRate", "California")},
        "PercentBased": True,
        "TaxPercent": 7.25,
        "NetAmountTaxable": 37.5,
    }
    assert explicit.data["TxnTaxDetail"]["TotalTax"] == 3 and explicit.data["TxnTaxDetail"]["TaxLine"][0]["Amount"] == 3
    assert explicit.data["TotalAmt"] == 40.5


def test_no_tax_for_exempt_customers_or_without_sales_tax(company):
    exempt = _invoice(company, _line(company, "Copper Fittings", 25, 2, "12.50", "TAX"), customer="Diego Rodriguez")
    untaxed_company = company_create(name="No Tax Co", options=SeedOptions(seed="demo", sales_tax=False))
    untaxed = _invoice(untaxed_company, _line(untaxed_company, "Copper Fittings", 25, 2, "12.50", "TAX"))

    assert exempt.data["TxnTaxDetail"] == {"TotalTax": 0} and exempt.data["TotalAmt"] == 25
    assert untaxed.data["TxnTaxDetail"] == {"TotalTax": 0}


def test_discounts_follow_the_subtotal_and_deposits_lower_the_balance(company):
    invoice = _invoice(
        company,
        _line(company, "Labor", 50),
        {"DetailType": "DiscountLineDetail", "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10}},
        Deposit=12,
    )

    lines = invoice.data["Line"]
    assert [line["DetailType"] for line in lines] == ["SalesItemLineDetail", "SubTotalLineDetail", "DiscountLineDetail"]
    assert lines[2]["Amount"] == 5 and invoice.data["TotalAmt"] == 45 and invoice.data["Balance"] == 33


def test_lines_are_required_and_a_line_without_item_is_documentation(company):
    no_lines = _fault(_invoice, company)
    documentation = _invoice(
        company,
        _line(company, "Labor", 95),
        {"Amount": 500, "DetailType": "SalesItemLineDetail", "Description": "Note"},
    )

    assert (no_lines.code, no_lines.element) == ("2020", "Line")
    assert documentation.data["TotalAmt"] == 95 and documentation.data["Line"][1]["Amount"] == 0


def test_doc_numbers_are_assigned_unless_custom_and_duplicates_are_6140(company):
    first = _invoice(company, _line(company, "Labor", 95))
    second = _invoice(company, _line(company, "Labor", 95))
    given = _invoice(company, _line(company, "Labor", 95), DocNumber="INV-7")
    duplicate = _fault(_invoice, company, _line(company, "Labor", 95), DocNumber="INV-7")
    allowed = entity_create(
        company,
        "Invoice",
        {"CustomerRef": first.data["CustomerRef"], "Line": [_line(company, "Labor", 95)], "DocNumber": "INV-7"},
        include=frozenset({"allowduplicatedocnum"}),
    )
    custom = company_create(name="Custom Numbers", options=SeedOptions(seed="demo", custom_txn_numbers=True))
    unnumbered = _invoice(custom, _line(custom, "Labor", 95))

    assert (first.data["DocNumber"], second.data["DocNumber"], given.data["DocNumber"]) == ("1001", "1002", "INV-7")
    assert (duplicate.code, duplicate.message) == ("6140", "Duplicate Document Number Error")
    assert duplicate.detail.endswith(f"DocNumber=INV-7 is assigned to TxnType=Invoice with TxnId={given.entity_id}")
    assert allowed.data["DocNumber"] == "INV-7" and "DocNumber" not in unnumbered.data
    # A full update that leaves the number out keeps the one QuickBooks gave.
    updated = entity_update(
        company,
        "Invoice",
        {
            "Id": first.entity_id,
            "SyncToken": "0",
            "CustomerRef": first.data["CustomerRef"],
            "Line": [_line(company, "Labor", 50)],
        },
    )
    assert updated.data["DocNumber"] == "1001" and updated.data["TotalAmt"] == 50


def test_due_date_follows_the_terms(company):
    term = entity_create(company, "Term", {"Name": "Net 10", "DueDays": 10})

    invoice = _invoice(
        company, _line(company, "Labor", 95), TxnDate="2015-03-05", SalesTermRef={"value": term.entity_id}
    )
    kept = _invoice(company, _line(company, "Labor", 95), TxnDate="2015-03-05", DueDate="2015-03-06")

    assert invoice.data["DueDate"] == "2015-03-15" and invoice.data["SalesTermRef"]["name"] == "Net 10"
    assert kept.data["DueDate"] == "2015-03-06"


def test_payments_lower_invoice_balances_and_give_them_new_versions(company):
    invoice = _invoice(company, _line(company, "Labor", "190.00"))

    payment = _payment(company, "150.00", (invoice, "100.00"))
    paid = _reread(invoice)
    customer = entity_read(company, "Customer", _id(company, "Customer", "Amy's Bird Sanctuary"))

    assert (payment.data["TotalAmt"], payment.data["UnappliedAmt"]) == (150, 50)
    assert (paid.data["Balance"], paid.data["SyncToken"]) == (90, "1")
    assert paid.data["LinkedTxn"] == [{"TxnId": payment.entity_id, "TxnType": "Payment"}]
    assert customer.data["Balance"] == 40 and customer.data["SyncToken"] == "0"
    line_ex = {item["value"]["Name"]: item["value"]["Value"] for item in payment.data["Line"][0]["LineEx"]["any"]}
    assert line_ex == {"txnId": invoice.entity_id, "txnOpenBalance": "190.00", "txnReferenceNumber": "1001"}


def test_changing_deleting_and_voiding_a_payment_moves_the_balance(company):
    invoice = _invoice(company, _line(company, "Labor", 200))
    payment = _payment(company, 100, (invoice, 100))

    changed = entity_update(
        company,
        "Payment",
        {**payment.data, "Line": [{"Amount": 60, "LinkedTxn": [{"TxnId": invoice.entity_id, "TxnType": "Invoice"}]}]},
    )
    assert _reread(invoice).data["Balance"] == 140 and changed.data["UnappliedAmt"] == 40

    voided = entity_void(
        company, "Payment", {"Id": payment.entity_id, "SyncToken": changed.data["SyncToken"], "sparse": True}
    )
    assert (voided.data["TotalAmt"], voided.data["Line"], voided.data["PrivateNote"]) == (0, [], "Voided")
    assert _reread(invoice).data["Balance"] == 200 and _reread(invoice).data["LinkedTxn"] == []

    second = _payment(company, 30, (invoice, 30))
    entity_delete(company, "Payment", {"Id": second.entity_id, "SyncToken": "0"})
    assert _reread(invoice).data["Balance"] == 200


def test_payments_are_checked_against_their_invoices(company):
    invoice = _invoice(company, _line(company, "Labor", 95))

    over = _fault(_payment, company, 500, (invoice, 200))
    exceeds = _fault(_payment, company, 50, (invoice, 60))
    other_customer = _fault(_payment, company, 10, (invoice, 10), customer="Cool Cars")
    missing_total = _fault(entity_create, company, "Payment", {"CustomerRef": invoice.data["CustomerRef"]})

    assert over.code == exceeds.code == other_customer.code == "6000"
    assert missing_total.detail == "Required parameter TotalAmt is missing in the request"


def test_an_invoice_with_payments_must_be_unlinked_before_it_is_deleted(company):
    invoice = _invoice(company, _line(company, "Labor", 95))
    _payment(company, 95, (invoice, 95))

    fault = _fault(entity_delete, company, "Invoice", {"Id": invoice.entity_id, "SyncToken": "1"})

    assert fault.code == "6000" and _reread(invoice).deleted_at is None


def test_voiding_an_invoice_zeroes_it_and_frees_its_payments(company):
    invoice = _invoice(
        company,
        _line(company, "Copper Fittings", "37.50", 3, "12.50"),
        PrivateNote="Rush job",
        TxnTaxDetail={"TxnTaxCodeRef": {"value": _id(company, "TaxCode", "California")}},
    )
    payment = _payment(company, 20, (invoice, 20))

    voided = entity_void(company, "Invoice", {"Id": invoice.entity_id, "SyncToken": "1"})

    data = voided.data
    assert (data["TotalAmt"], data["Balance"], data["TxnTaxDetail"], data["PrivateNote"]) == (
        0,
        0,
        {"TotalTax": 0},
        "Voided Rush job",
    )
    assert data["Line"][0]["Amount"] == 0 and data["Line"][0]["SalesItemLineDetail"]["Qty"] == 0
    assert "UnitPrice" not in data["Line"][0]["SalesItemLineDetail"]
    freed = _reread(payment)
    assert (freed.data["Line"], freed.data["UnappliedAmt"], freed.data["SyncToken"]) == ([], 20, "1")


def test_invoiced_inventory_leaves_stock_and_comes_back(company):
    item_id = _id(company, "Item", "Air Filter 16x25")

    invoice = _invoice(company, _line(company, "Air Filter 16x25", 72, 3, 24))
    after_sale = entity_read(company, "Item", item_id)
    entity_update(company, "Invoice", {**invoice.data, "Line": [_line(company, "Air Filter 16x25", 24, 1, 24)]})
    after_change = entity_read(company, "Item", item_id)
    entity_delete(company, "Invoice", {"Id": invoice.entity_id, "SyncToken": "1"})
    after_delete = entity_read(company, "Item", item_id)

    assert [e.data["QtyOnHand"] for e in (after_sale, after_change, after_delete)] == [37, 39, 40]
    assert after_delete.data["SyncToken"] == "3"


def test_inventory_adjustments_move_stock(company):
    item_id = _id(company, "Item", "Air Filter 16x25")
    adjustment = entity_create(
        company,
        "InventoryAdjustment",
        {
            "AdjustAccountRef": {"value": _id(company, "Account", "Cost of Goods Sold")},
            "Line": [
                {
                    "DetailType": "ItemAdjustmentLineDetail",
                    "ItemAdjustmentLineDetail": {"ItemRef": {"value": item_id}, "QtyDiff": -4},
                }
            ],
        },
    )
    service = _fault(
        entity_create,
        company,
        "InventoryAdjustment",
        {
            "AdjustAccountRef": {"value": _id(company, "Account", "Cost of Goods Sold")},
            "Line": [{"ItemAdjustmentLineDetail": {"ItemRef": {"value": _id(company, "Item", "Labor")}, "QtyDiff": 1}}],
        },
    )

    assert entity_read(company, "Item", item_id).data["QtyOnHand"] == 36
    entity_delete(company, "InventoryAdjustment", {"Id": adjustment.entity_id, "SyncToken": "0"})
    assert entity_read(company, "Item", item_id).data["QtyOnHand"] == 40
    assert service.code == "6000"


def test_estimates_and_purchase_orders(company):
    estimate = entity_create(
        company,
        "Estimate",
        {
            "CustomerRef": {"value": _id(company, "Customer", "Cool Cars")},
            "Line": [_line(company, "Maintenance Visit", 149)],
        },
    )
    vendor = entity_create(company, "Vendor", {"DisplayName": "Hicks Hardware"})
    order = entity_create(
        company,
        "PurchaseOrder",
        {
            "VendorRef": {"value": vendor.entity_id},
            "APAccountRef": {"value": _id(company, "Account", "Accounts Payable (A/P)")},
            "Line": [
                {
                    "Amount": 25.0,
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": {"value": _id(company, "Item", "Copper Fittings")},
                        "Qty": 1,
                        "UnitPrice": 25,
                    },
                }
            ],
        },
    )
    no_account = _fault(entity_create, company, "PurchaseOrder", {"VendorRef": {"value": vendor.entity_id}, "Line": []})

    assert (estimate.data["TxnStatus"], estimate.data["TotalAmt"], estimate.data["DocNumber"]) == (
        "Pending",
        149,
        "1001",
    )
    assert "Balance" not in estimate.data
    assert (order.data["POStatus"], order.data["TotalAmt"], order.data["DocNumber"]) == ("Open", 25, "1001")
    assert no_account.detail == "Required parameter APAccountRef is missing in the request"
    assert Decimal(str(order.data["Line"][0]["Amount"])) == Decimal("25")


def test_a_sparse_line_change_recomputes_the_tax_a_sent_total_overrides_it(company):
    code = {"value": _id(company, "TaxCode", "California")}
    invoice = _invoice(
        company, _line(company, "Copper Fittings", "37.50", 3, "12.50"), TxnTaxDetail={"TxnTaxCodeRef": code}
    )

    bigger = entity_update(
        company,
        "Invoice",
        {
            "Id": invoice.entity_id,
            "SyncToken": "0",
            "sparse": True,
            "Line": [_line(company, "Copper Fittings", 100, 8, "12.50")],
        },
    )
    overridden = entity_update(
        company,
        "Invoice",
        {
            "Id": invoice.entity_id,
            "SyncToken": "1",
            "sparse": True,
            "TxnTaxDetail": {"TxnTaxCodeRef": code, "TotalTax": 1},
        },
    )

    assert (bigger.data["TxnTaxDetail"]["TotalTax"], bigger.data["TotalAmt"]) == (7.25, 107.25)
    assert (overridden.data["TxnTaxDetail"]["TotalTax"], overridden.data["TotalAmt"]) == (1, 101)


def test_customer_balances_follow_every_invoice_write_and_match_a_recount(company):
    parent = entity_create(company, "Customer", {"DisplayName": "Balance Parent"})
    job = entity_create(
        company, "Customer", {"DisplayName": "Balance Job", "Job": True, "ParentRef": {"value": parent.entity_id}}
    )
    other = entity_create(company, "Customer", {"DisplayName": "Balance Other"})

    def stored() -> dict[str, tuple]:
        found = {}
        for customer in (parent, job, other):
            data = entity_read(company, "Customer", customer.entity_id).data
            # The running sums are what a recount of the customer's transactions gives.
            assert data["Balance"] == balances.own_balance(company, customer.entity_id)
            assert data["BalanceWithJobs"] == balances.subtree_balance(company, customer.entity_id)
            found[data["DisplayName"]] = (data["Balance"], data["BalanceWithJobs"])
        return found

    first = _invoice(company, _line(company, "Labor", 100), customer="Balance Job")
    second = _invoice(company, _line(company, "Labor", 40), customer="Balance Parent")
    assert stored() == {"Balance Parent": (40, 140), "Balance Job": (100, 100), "Balance Other": (0, 0)}

    first = entity_update(
        company,
        "Invoice",
        {"Id": first.entity_id, "SyncToken": "0", "sparse": True, "Line": [_line(company, "Labor", 70)]},
    )
    assert stored() == {"Balance Parent": (40, 110), "Balance Job": (70, 70), "Balance Other": (0, 0)}

    first = entity_update(
        company,
        "Invoice",
        {"Id": first.entity_id, "SyncToken": "1", "sparse": True, "CustomerRef": {"value": other.entity_id}},
    )
    _payment(company, 20, (first, 20), customer="Balance Other")
    assert stored() == {"Balance Parent": (40, 40), "Balance Job": (0, 0), "Balance Other": (50, 50)}

    entity_void(company, "Invoice", {"Id": second.entity_id, "SyncToken": "0"})
    third = _invoice(company, _line(company, "Labor", 10), customer="Balance Job")
    entity_delete(company, "Invoice", {"Id": third.entity_id, "SyncToken": "0"})
    assert stored() == {"Balance Parent": (0, 0), "Balance Job": (0, 0), "Balance Other": (50, 50)}
