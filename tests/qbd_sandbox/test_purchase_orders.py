"""Purchase orders: the Ret in schema order, purchase-side pricing, closing, line mods, edit sequences and queries."""

from datetime import UTC, datetime

import pytest
from lxml.builder import E

from apps.qbd_sandbox.errors import PARSE_HRESULT
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import QbXmlError, qbxml_process, record_lock
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


def _po(one, *lines, vendor="Ferguson", **header):
    """Add a purchase order (``header`` in schema order) and return its PurchaseOrderRet."""
    children = [E.VendorRef(E.FullName(vendor)), *(getattr(E, name)(value) for name, value in header.items())]
    response = one(E.PurchaseOrderAddRq(E.PurchaseOrderAdd(*children, *lines)))
    assert status(response) == (0, "Info"), response.get("statusMessage")
    return response.find("PurchaseOrderRet")


def _line(item=None, quantity=None, **fields):
    children = [E.ItemRef(E.FullName(item))] if item else []
    if quantity is not None:
        children.append(E.Quantity(quantity))
    children += [getattr(E, name)(value) for name, value in fields.items()]
    return E.PurchaseOrderLineAdd(*children)


def _mod(ret, *children):
    return E.PurchaseOrderModRq(
        E.PurchaseOrderMod(E.TxnID(ret.findtext("TxnID")), E.EditSequence(ret.findtext("EditSequence")), *children)
    )


def _line_ids(ret) -> list[str]:
    return [line.findtext("TxnLineID") for line in ret.findall("PurchaseOrderLineRet")]


def test_purchase_order_add_returns_the_ret_in_schema_order_priced_from_the_purchase_side(one, stock):
    ret = one(
        E.PurchaseOrderAddRq(
            E.PurchaseOrderAdd(
                E.VendorRef(E.FullName("Ferguson")),
                E.ShipToEntityRef(E.FullName("Carefree:Roof")),
                E.TxnDate("2015-05-01"),
                E.RefNumber("PO-7"),
                E.ShipAddress(E.Addr1("40 Roof Ln"), E.City("Salem")),
                E.DueDate("2015-05-31"),
                E.ExpectedDate("2015-05-08"),
                E.FOB("Boston"),
                E.Memo("Spring stock"),
                E.VendorMsg("Deliver to the back door"),
                E.Other1("Truck 3"),
                _line("Furnace Filter", "12", CustomerRef=E.FullName("Carefree:Roof"), ServiceDate="2015-05-09"),
                _line("Copper Pipe", "3", Rate="4.50"),
                _line(Desc="Freight", Amount="15"),
            )
        )
    ).find("PurchaseOrderRet")

    assert [child.tag for child in ret] == [
        "TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber", "VendorRef", "ShipToEntityRef", "TxnDate",
        "RefNumber", "VendorAddress", "ShipAddress", "TermsRef", "DueDate", "ExpectedDate", "FOB", "TotalAmount",
        "IsManuallyClosed", "IsFullyReceived", "Memo", "VendorMsg", "IsToBePrinted", "IsToBeEmailed", "Other1",
        "PurchaseOrderLineRet", "PurchaseOrderLineRet", "PurchaseOrderLineRet",
    ]  # fmt: skip
    filters, pipe, freight = ret.findall("PurchaseOrderLineRet")
    assert [child.tag for child in filters] == [
        "TxnLineID", "ItemRef", "ManufacturerPartNumber", "Desc", "Quantity", "Rate", "Amount", "CustomerRef",
        "ServiceDate", "ReceivedQuantity", "UnbilledQuantity", "IsBilled", "IsManuallyClosed",
    ]  # fmt: skip
    # The purchase side of each item: its purchase description and cost, and the part number.
    assert [filters.findtext(name) for name in ("ManufacturerPartNumber", "Desc", "Rate", "Amount")] == [
        "FF-1625",
        "Filter 16x25, case",
        "6.25",
        "75.00",
    ]
    assert [pipe.findtext(name) for name in ("Desc", "Rate", "Amount")] == ["Copper, 10ft", "4.50", "13.50"]
    assert (freight.findtext("Amount"), freight.find("ItemRef")) == ("15.00", None)
    assert ret.findtext("TotalAmount") == "103.50"
    # From the vendor: its address and terms.
    assert (ret.findtext("VendorAddress/Addr1"), ret.findtext("TermsRef/FullName")) == ("12 Dock St", "Net 30")
    assert ret.findtext("ShipToEntityRef/FullName") == filters.findtext("CustomerRef/FullName") == "Carefree:Roof"
    assert [ret.findtext(name) for name in ("IsManuallyClosed", "IsFullyReceived")] == ["false", "false"]
    assert {line.findtext("ReceivedQuantity") for line in ret.findall("PurchaseOrderLineRet")} == {"0"}


def test_a_purchase_order_leaves_quantity_on_hand_and_the_item_alone(one, stock):
    before = one(E.ItemInventoryQueryRq(E.FullName("Furnace Filter"))).find("ItemInventoryRet")

    _po(one, _line("Furnace Filter", "40"))
    after = one(E.ItemInventoryQueryRq(E.FullName("Furnace Filter"))).find("ItemInventoryRet")

    assert (before.findtext("QuantityOnHand"), after.findtext("QuantityOnHand")) == ("10", "10")
    assert after.findtext("EditSequence") == before.findtext("EditSequence")


def test_a_purchase_order_needs_a_vendor(company, session, one, stock):
    no_vendor = document(E.PurchaseOrderAddRq(E.PurchaseOrderAdd(E.Memo("Nobody"), _line("Labor"))))
    # IsManuallyClosed is for Mods only: a purchase order is added open.
    closed_add = document(
        E.PurchaseOrderAddRq(E.PurchaseOrderAdd(E.VendorRef(E.FullName("Ferguson")), E.IsManuallyClosed("true")))
    )
    for body in (no_vendor, closed_add):
        with pytest.raises(QbXmlError) as caught:
            qbxml_process(company, body, session_id=session)
        assert caught.value.hresult == PARSE_HRESULT

    customer = one(E.PurchaseOrderAddRq(E.PurchaseOrderAdd(E.VendorRef(E.FullName("Carefree")))))

    assert status(customer) == (3140, "Error")
    assert customer.get("statusMessage").startswith(
        'There is an invalid reference to QuickBooks Vendor "Carefree" in the Purchase Order.'
    )
    assert not Record.objects.filter(company=company, kind="PurchaseOrder").exists()


def test_purchase_orders_are_numbered_after_the_last_one(one, stock):
    first = _po(one, _line("Labor"))
    _po(one, _line("Labor"), RefNumber="PO-0099")

    after = _po(one, _line("Labor"))

    assert (first.findtext("RefNumber"), after.findtext("RefNumber")) == ("1", "PO-0100")


def test_purchase_order_mod_keeps_named_lines_adds_minus_one_and_deletes_the_rest(one, stock):
    ret = _po(one, _line("Furnace Filter", "12"), _line("Copper Pipe", "3"), _line("Labor", "1"))
    kept = _line_ids(ret)[1]

    response = one(
        _mod(
            ret,
            E.ExpectedDate("2015-06-01"),
            E.Memo("Revised"),
            E.PurchaseOrderLineMod(E.TxnLineID(kept), E.Quantity("10")),
            E.PurchaseOrderLineMod(E.TxnLineID("-1"), E.ItemRef(E.FullName("Furnace Filter")), E.Quantity("2")),
        )
    )

    modded = response.find("PurchaseOrderRet")
    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert [line_id == kept for line_id in _line_ids(modded)] == [True, False]
    assert [line.findtext("Amount") for line in modded.findall("PurchaseOrderLineRet")] == ["41.00", "12.50"]
    assert [modded.findtext(name) for name in ("ExpectedDate", "Memo", "TotalAmount")] == [
        "2015-06-01",
        "Revised",
        "53.50",
    ]
    assert int(modded.findtext("EditSequence")) > int(ret.findtext("EditSequence"))


def test_closing_a_purchase_order_closes_its_lines_and_reopening_a_line_reopens_it(one, stock):
    ret = _po(one, _line("Furnace Filter", "12"), _line("Copper Pipe", "3"))
    first, second = _line_ids(ret)

    closed = one(_mod(ret, E.IsManuallyClosed("true"))).find("PurchaseOrderRet")
    reopened = one(
        _mod(
            closed,
            E.PurchaseOrderLineMod(E.TxnLineID(first), E.IsManuallyClosed("false")),
            E.PurchaseOrderLineMod(E.TxnLineID(second)),
        )
    ).find("PurchaseOrderRet")
    line_closed = one(
        _mod(
            reopened,
            E.PurchaseOrderLineMod(E.TxnLineID(first), E.IsManuallyClosed("true")),
            E.PurchaseOrderLineMod(E.TxnLineID(second)),
        )
    ).find("PurchaseOrderRet")

    def flags(order):
        lines = order.findall("PurchaseOrderLineRet")
        return order.findtext("IsManuallyClosed"), [line.findtext("IsManuallyClosed") for line in lines]

    assert flags(closed) == ("true", ["true", "true"])
    assert flags(reopened) == ("false", ["false", "true"])
    assert flags(line_closed) == ("true", ["true", "true"])  # Every line closed: the purchase order is closed.
    assert line_closed.findtext("IsFullyReceived") == "false"


def test_purchase_order_mod_refuses_a_stale_edit_sequence_an_unknown_id_and_a_lock(company, one, stock):
    ret = _po(one, _line("Labor"))
    one(_mod(ret, E.Memo("1")))

    stale = one(_mod(ret, E.Memo("2")))
    unknown = one(E.PurchaseOrderModRq(E.PurchaseOrderMod(E.TxnID("FFFF-1"), E.EditSequence("1"))))
    current = one(E.PurchaseOrderQueryRq(E.TxnID(ret.findtext("TxnID")))).find("PurchaseOrderRet")
    record_lock(company, list_id_or_txn_id=ret.findtext("TxnID"), code=3175)
    locked = one(_mod(current, E.Memo("3")))

    assert [status(stale), status(unknown)[0], status(locked)[0]] == [(3200, "Error"), 3000, 3175]
    assert "a PurchaseOrder," in locked.get("statusMessage")
    assert one(E.PurchaseOrderQueryRq(E.TxnID(ret.findtext("TxnID")))).findtext("PurchaseOrderRet/Memo") == "1"


def test_purchase_order_query_selectors_filters_and_line_items(company, one, stock):
    one(E.VendorAddRq(E.VendorAdd(E.Name("Grainger"))))
    early = _po(one, _line("Labor"), TxnDate="2015-03-01", RefNumber="A-1")
    _po(one, _line("Labor"), vendor="Grainger", TxnDate="2015-04-01", RefNumber="A-2")
    _po(one, _line("Copper Pipe", "2"), TxnDate="2015-05-01", RefNumber="A-3")
    Record.objects.filter(company=company, kind="PurchaseOrder").update(time_modified=datetime(2015, 1, 1, tzinfo=UTC))
    Record.objects.filter(company=company, ref_number="A-3").update(time_modified=datetime(2015, 5, 1, 15, tzinfo=UTC))

    def refs(*children):
        return [ret.findtext("RefNumber") for ret in one(E.PurchaseOrderQueryRq(*children)).findall("PurchaseOrderRet")]

    assert refs() == ["A-1", "A-2", "A-3"]
    assert refs(E.TxnID(early.findtext("TxnID"))) == ["A-1"]
    assert refs(E.RefNumber("a-2")) == ["A-2"]
    assert refs(E.ModifiedDateRangeFilter(E.FromModifiedDate("2015-05-01"))) == ["A-3"]
    assert refs(E.TxnDateRangeFilter(E.FromTxnDate("2015-03-15"), E.ToTxnDate("2015-04-30"))) == ["A-2"]
    assert refs(E.EntityFilter(E.FullName("Ferguson"))) == ["A-1", "A-3"]
    assert refs(E.MaxReturned("2")) == ["A-1", "A-2"]
    bare = one(E.PurchaseOrderQueryRq(E.RefNumber("A-3"))).find("PurchaseOrderRet")
    full = one(E.PurchaseOrderQueryRq(E.RefNumber("A-3"), E.IncludeLineItems("true"))).find("PurchaseOrderRet")
    assert bare.find("PurchaseOrderLineRet") is None
    assert full.findtext("PurchaseOrderLineRet/ItemRef/FullName") == "Copper Pipe"


def test_purchase_order_query_iterates(company, session, one, stock):
    for number in range(5):
        _po(one, _line("Labor"), RefNumber=f"B-{number}")

    def page(iterator: str, iterator_id: str = ""):
        attributes = {"iterator": iterator, **({"iteratorID": iterator_id} if iterator_id else {})}
        request = E.PurchaseOrderQueryRq(E.MaxReturned("2"), E.IncludeLineItems("true"), **attributes)
        (response,) = responses(qbxml_process(company, document(request), session_id=session))
        return response

    first = page("Start")
    second = page("Continue", first.get("iteratorID"))
    third = page("Continue", first.get("iteratorID"))

    pages = [
        [ret.findtext("RefNumber") for ret in response.findall("PurchaseOrderRet")]
        for response in (first, second, third)
    ]
    assert pages == [["B-0", "B-1"], ["B-2", "B-3"], ["B-4"]]
    assert [response.get("iteratorRemainingCount") for response in (first, second, third)] == ["3", "1", "0"]
    assert third.find("PurchaseOrderRet/PurchaseOrderLineRet") is not None


def test_a_deleted_purchase_order_is_listed_by_txn_deleted_query(one, send, stock):
    ret = _po(one, _line("Labor"), RefNumber="PO-9")

    deleted = one(E.TxnDelRq(E.TxnDelType("PurchaseOrder"), E.TxnID(ret.findtext("TxnID"))))
    (listed,) = send(E.TxnDeletedQueryRq(E.TxnDelType("PurchaseOrder")))

    assert status(deleted) == (0, "Info") and deleted.findtext("RefNumber") == "PO-9"
    assert [(row.findtext("TxnDelType"), row.findtext("TxnID")) for row in listed] == [
        ("PurchaseOrder", ret.findtext("TxnID"))
    ]
    assert status(one(E.PurchaseOrderQueryRq()))[0] == 1


@pytest.mark.parametrize(
    "children",
    [
        # IsManuallyClosed comes after FOB and before Memo.
        (E.Memo("Closed out"), E.IsManuallyClosed("true")),
        # ExpectedDate comes after DueDate; lines come last.
        (E.ExpectedDate("2015-05-08"), E.DueDate("2015-05-31")),
        (E.PurchaseOrderLineMod(E.TxnLineID("-1"), E.Desc("Freight")), E.Memo("Late")),
    ],
)
def test_a_purchase_order_mod_out_of_schema_order_runs_nothing(company, session, one, stock, children):
    ret = _po(one, _line("Labor"))

    with pytest.raises(QbXmlError) as caught:
        qbxml_process(company, document(_mod(ret, *children)), session_id=session)

    assert caught.value.hresult == PARSE_HRESULT
    assert one(E.PurchaseOrderQueryRq()).findtext("PurchaseOrderRet/EditSequence") == ret.findtext("EditSequence")
