"""Inventory: QuantityOnHand in the ItemInventoryRet, adjustments that change it, their refusals and queries."""

from datetime import UTC, datetime

import pytest
from lxml.builder import E

from apps.qbd_sandbox.errors import PARSE_HRESULT
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import QbXmlError, qbxml_process, record_lock
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


def _inventory_item(one, name: str, *stocking, cost: str = ""):
    """Add an inventory item; ``stocking`` are its elements after the accounts (ReorderPoint, Max, QuantityOnHand)."""
    response = one(
        E.ItemInventoryAddRq(
            E.ItemInventoryAdd(
                E.Name(name),
                E.IncomeAccountRef(E.FullName("Materials Income")),
                *([E.PurchaseCost(cost)] if cost else []),
                E.COGSAccountRef(E.FullName("Cost of Goods Sold")),
                E.AssetAccountRef(E.FullName("Inventory Asset")),
                *stocking,
            )
        )
    )
    assert status(response) == (0, "Info"), response.get("statusMessage")
    return response.find("ItemInventoryRet")


def _quantity(item: str, *, difference=None, new=None):
    change = E.QuantityDifference(difference) if difference is not None else E.NewQuantity(new)
    return E.InventoryAdjustmentLineAdd(E.ItemRef(E.FullName(item)), E.QuantityAdjustment(change))


def _adjust(one, *lines, account="Job Materials", **header):
    children = [E.AccountRef(E.FullName(account)), *(getattr(E, name)(value) for name, value in header.items())]
    return one(E.InventoryAdjustmentAddRq(E.InventoryAdjustmentAdd(*children, *lines)))


def _item(one, name: str):
    return one(E.ItemInventoryQueryRq(E.FullName(name))).find("ItemInventoryRet")


def test_item_inventory_ret_has_quantity_on_hand_after_max_and_zero_when_none_was_given(one):
    stocked = _inventory_item(one, "Boiler Valve", E.ReorderPoint("2"), E.Max("20"), E.QuantityOnHand("6"))
    new = _inventory_item(one, "Gasket", cost="1.10")

    queried = one(E.ItemInventoryQueryRq(E.FullName("Boiler Valve"), E.FullName("Gasket")))

    tags = [child.tag for child in stocked]
    assert tags[tags.index("AssetAccountRef") :] == ["AssetAccountRef", "ReorderPoint", "Max", "QuantityOnHand"]
    assert [ret.findtext("QuantityOnHand") for ret in queried] == ["6", "0"]
    assert [child.tag for child in new][-2:] == ["AssetAccountRef", "QuantityOnHand"]


def test_an_adjustment_changes_quantity_on_hand_and_modifies_the_items(company, one, stock):
    _inventory_item(one, "Thermostat", cost="40")
    _inventory_item(one, "Humidifier Pad", E.QuantityOnHand("3"))
    Record.objects.filter(company=company, kind="ItemInventory").update(time_modified=datetime(2015, 1, 1, tzinfo=UTC))
    before = _item(one, "Furnace Filter")

    response = _adjust(
        one,
        _quantity("Furnace Filter", difference="5"),
        _quantity("Thermostat", new="4"),
        TxnDate="2015-07-01",
        RefNumber="ADJ-1",
        CustomerRef=E.FullName("Carefree:Roof"),
        Memo="Cycle count",
    )

    ret = response.find("InventoryAdjustmentRet")
    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert [child.tag for child in ret] == [
        "TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber", "AccountRef", "TxnDate", "RefNumber",
        "CustomerRef", "Memo", "InventoryAdjustmentLineRet", "InventoryAdjustmentLineRet",
    ]  # fmt: skip
    filters, thermostat = ret.findall("InventoryAdjustmentLineRet")
    assert [child.tag for child in filters] == ["TxnLineID", "ItemRef", "QuantityDifference", "ValueDifference"]
    # At the average cost: 10 filters worth 62.50; no thermostat yet, so its purchase cost.
    assert [filters.findtext("QuantityDifference"), filters.findtext("ValueDifference")] == ["5", "31.25"]
    assert [thermostat.findtext("QuantityDifference"), thermostat.findtext("ValueDifference")] == ["4", "160.00"]
    after = _item(one, "Furnace Filter")
    assert (after.findtext("QuantityOnHand"), _item(one, "Thermostat").findtext("QuantityOnHand")) == ("15", "4")
    assert int(after.findtext("EditSequence")) > int(before.findtext("EditSequence"))
    changed = one(E.ItemInventoryQueryRq(E.FromModifiedDate("2016-01-01")))
    assert [item.findtext("Name") for item in changed] == ["Furnace Filter", "Thermostat"]
    in_use = one(E.ListDelRq(E.ListDelType("ItemInventory"), E.ListID(after.findtext("ListID"))))
    assert status(in_use)[0] == 3171


def test_a_later_adjustment_is_valued_at_the_new_average_cost(one, stock):
    value_line = E.InventoryAdjustmentLineAdd(
        E.ItemRef(E.FullName("Furnace Filter")),
        E.ValueAdjustment(E.QuantityDifference("2"), E.ValueDifference("20")),
    )
    valued = _adjust(one, value_line).find("InventoryAdjustmentRet/InventoryAdjustmentLineRet")

    counted = _adjust(one, _quantity("Furnace Filter", difference="-4"))

    assert [valued.findtext("QuantityDifference"), valued.findtext("ValueDifference")] == ["2", "20.00"]
    # 12 on hand worth 82.50: 6.875 each.
    line = counted.find("InventoryAdjustmentRet/InventoryAdjustmentLineRet")
    assert [line.findtext("QuantityDifference"), line.findtext("ValueDifference")] == ["-4", "-27.50"]
    assert _item(one, "Furnace Filter").findtext("QuantityOnHand") == "8"


@pytest.mark.parametrize("other", ["Labor", "Copper Pipe", "No Such Item"])
def test_adjusting_anything_but_an_inventory_item_refuses_the_whole_request(company, one, stock, other):
    before = _item(one, "Furnace Filter")

    response = _adjust(one, _quantity("Furnace Filter", difference="5"), _quantity(other, difference="1"))

    assert status(response) == (3140, "Error")
    assert response.get("statusMessage").startswith(
        f'There is an invalid reference to QuickBooks Item "{other}" in the Inventory Adjustment.'
    )
    after = _item(one, "Furnace Filter")
    assert [after.findtext("QuantityOnHand"), after.findtext("EditSequence")] == ["10", before.findtext("EditSequence")]
    assert status(one(E.InventoryAdjustmentQueryRq()))[0] == 1
    assert not Record.objects.filter(company=company, kind="InventoryAdjustment").exists()


def test_an_adjustment_refused_later_in_a_document_leaves_the_stock_alone(company, session, one, stock):
    body = document(
        E.InventoryAdjustmentAddRq(
            E.InventoryAdjustmentAdd(E.AccountRef(E.FullName("Job Materials")), _quantity("Furnace Filter", new="30"))
        ),
        E.InventoryAdjustmentAddRq(
            E.InventoryAdjustmentAdd(E.AccountRef(E.FullName("No Such Account")), _quantity("Furnace Filter", new="1"))
        ),
        on_error="rollbackOnError",
    )

    answers = responses(qbxml_process(company, body, session_id=session))

    assert [status(answer)[0] for answer in answers] == [0, 3140]
    assert _item(one, "Furnace Filter").findtext("QuantityOnHand") == "10"


@pytest.mark.parametrize(
    "adjustment",
    [
        # AccountRef is required.
        E.InventoryAdjustmentAdd(E.Memo("No account"), _quantity("Furnace Filter", difference="1")),
        # One quantity: NewQuantity or QuantityDifference.
        E.InventoryAdjustmentAdd(
            E.AccountRef(E.FullName("Job Materials")),
            E.InventoryAdjustmentLineAdd(
                E.ItemRef(E.FullName("Furnace Filter")),
                E.QuantityAdjustment(E.NewQuantity("4"), E.QuantityDifference("1")),
            ),
        ),
        # One way of adjusting per line.
        E.InventoryAdjustmentAdd(
            E.AccountRef(E.FullName("Job Materials")),
            E.InventoryAdjustmentLineAdd(E.ItemRef(E.FullName("Furnace Filter"))),
        ),
        E.InventoryAdjustmentAdd(
            E.AccountRef(E.FullName("Job Materials")),
            E.InventoryAdjustmentLineAdd(
                E.ItemRef(E.FullName("Furnace Filter")),
                E.QuantityAdjustment(E.QuantityDifference("1")),
                E.ValueAdjustment(E.QuantityDifference("1"), E.NewValue("10")),
            ),
        ),
        # The QuantityAdjustment aggregate of qbXML 13: no bare QuantityDifference in the line.
        E.InventoryAdjustmentAdd(
            E.AccountRef(E.FullName("Job Materials")),
            E.InventoryAdjustmentLineAdd(E.ItemRef(E.FullName("Furnace Filter")), E.QuantityDifference("1")),
        ),
    ],
)
def test_adjustments_the_schema_does_not_allow_fail_to_parse(company, session, stock, adjustment):
    with pytest.raises(QbXmlError) as caught:
        qbxml_process(company, document(E.InventoryAdjustmentAddRq(adjustment)), session_id=session)

    assert caught.value.hresult == PARSE_HRESULT


def test_an_unknown_account_a_lock_and_serial_numbers_are_refused(company, one, stock):
    item_id = _item(one, "Furnace Filter").findtext("ListID")

    account = _adjust(one, _quantity("Furnace Filter", difference="1"), account="Nowhere")
    serial = _adjust(
        one,
        E.InventoryAdjustmentLineAdd(
            E.ItemRef(E.FullName("Furnace Filter")), E.SerialNumberAdjustment(E.AddSerialNumber("SN-1"))
        ),
    )
    record_lock(company, list_id_or_txn_id=item_id, code=3175)
    locked = _adjust(one, _quantity("Furnace Filter", difference="1"))

    assert [status(account)[0], status(serial)[0], status(locked)[0]] == [3140, 3250, 3175]
    assert 'QuickBooks Account "Nowhere" in the Inventory Adjustment.' in account.get("statusMessage")
    assert serial.get("statusMessage") == "This feature is not enabled or not available in this version of QuickBooks."


def test_inventory_adjustment_query_by_item_customer_and_id(one, stock):
    _inventory_item(one, "Thermostat", cost="40")
    first = _adjust(one, _quantity("Furnace Filter", difference="-1"), RefNumber="A-1").find("InventoryAdjustmentRet")
    _adjust(one, _quantity("Thermostat", new="2"), RefNumber="A-2", CustomerRef=E.FullName("Carefree"))
    _adjust(one, _quantity("Thermostat", difference="1"), _quantity("Furnace Filter", difference="1"), RefNumber="A-3")

    def refs(*children):
        found = one(E.InventoryAdjustmentQueryRq(*children)).findall("InventoryAdjustmentRet")
        return [ret.findtext("RefNumber") for ret in found]

    assert refs() == ["A-1", "A-2", "A-3"]
    assert refs(E.ItemFilter(E.FullName("Furnace Filter"))) == ["A-1", "A-3"]
    assert refs(E.EntityFilter(E.FullName("Carefree"))) == ["A-2"]
    assert refs(E.MaxReturned("1"), E.ItemFilter(E.FullName("Thermostat"))) == ["A-2"]
    assert refs(E.TxnID(first.findtext("TxnID"))) == ["A-1"]
    bare = one(E.InventoryAdjustmentQueryRq(E.RefNumber("A-3"))).find("InventoryAdjustmentRet")
    full = one(E.InventoryAdjustmentQueryRq(E.RefNumber("A-3"), E.IncludeLineItems("true")))
    assert bare.find("InventoryAdjustmentLineRet") is None
    lines = full.findall("InventoryAdjustmentRet/InventoryAdjustmentLineRet")
    assert [line.findtext("ItemRef/FullName") for line in lines] == ["Thermostat", "Furnace Filter"]
    assert (
        _item(one, "Furnace Filter").findtext("QuantityOnHand"),
        _item(one, "Thermostat").findtext("QuantityOnHand"),
    ) == (
        "10",
        "3",
    )
