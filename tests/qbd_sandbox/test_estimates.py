"""Estimates: the Ret in schema order, pricing and tax like invoices, IsActive, line mods, edit sequences, queries."""

from datetime import UTC, datetime

import pytest
from lxml.builder import E

from apps.qbd_sandbox.errors import PARSE_HRESULT
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import QbXmlError, qbxml_process
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


def _estimate(one, customer, *lines, **header):
    """Add an estimate (``header`` in schema order) and return its EstimateRet."""
    children = [E.CustomerRef(E.FullName(customer)), *(getattr(E, name)(value) for name, value in header.items())]
    response = one(E.EstimateAddRq(E.EstimateAdd(*children, *lines)))
    assert status(response) == (0, "Info"), response.get("statusMessage")
    return response.find("EstimateRet")


def _line(item, quantity=None, **fields):
    children = [E.ItemRef(E.FullName(item))]
    if quantity is not None:
        children.append(E.Quantity(quantity))
    children += [getattr(E, name)(value) for name, value in fields.items()]
    return E.EstimateLineAdd(*children)


def _mod(ret, *children):
    return E.EstimateModRq(
        E.EstimateMod(E.TxnID(ret.findtext("TxnID")), E.EditSequence(ret.findtext("EditSequence")), *children)
    )


def _texts(ret, *names):
    return [ret.findtext(name) for name in names]


def test_estimate_add_for_a_job_returns_the_ret_in_schema_order_with_totals_and_tax(one, stock):
    ret = one(
        E.EstimateAddRq(
            E.EstimateAdd(
                E.CustomerRef(E.FullName("Carefree:Roof")),
                E.TxnDate("2015-06-01"),
                E.RefNumber("E-100"),
                E.BillAddress(E.Addr1("1 Carefree Way"), E.City("Salem")),
                E.IsActive("true"),
                E.PONumber("PO 77"),
                E.TermsRef(E.FullName("Net 15")),
                E.Memo("Replace the filters"),
                _line("Furnace Filter", "3"),
                _line("Labor", "2"),
                _line("Copper Pipe", "4", Amount="50.00"),
            )
        )
    ).find("EstimateRet")

    assert [child.tag for child in ret] == [
        "TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber", "CustomerRef", "TxnDate", "RefNumber",
        "BillAddress", "IsActive", "PONumber", "TermsRef", "Subtotal", "ItemSalesTaxRef", "SalesTaxPercentage",
        "SalesTaxTotal", "TotalAmount", "Memo", "IsToBeEmailed", "CustomerSalesTaxCodeRef",
        "EstimateLineRet", "EstimateLineRet", "EstimateLineRet",
    ]  # fmt: skip
    filters, labor, pipe = ret.findall("EstimateLineRet")
    assert [child.tag for child in filters] == [
        "TxnLineID", "ItemRef", "Desc", "Quantity", "Rate", "Amount", "SalesTaxCodeRef",
    ]  # fmt: skip
    assert _texts(filters, "Desc", "Rate", "Amount") == ["16x25 furnace filter", "24.00", "72.00"]  # sales side
    assert _texts(labor, "Amount", "SalesTaxCodeRef/FullName") == ["170.00", "NON"]
    assert _texts(pipe, "Rate", "Amount") == ["12.50", "50.00"]  # Amount given: Rate follows
    # 72.00 + 50.00 taxable at 7.25% = 8.845, half up.
    assert _texts(ret, "Subtotal", "SalesTaxPercentage", "SalesTaxTotal", "TotalAmount") == [
        "292.00",
        "7.25",
        "8.85",
        "300.85",
    ]
    assert _texts(ret, "CustomerRef/FullName", "IsActive", "CustomerSalesTaxCodeRef/FullName") == [
        "Carefree:Roof",
        "true",
        "TAX",
    ]


def test_an_estimate_leaves_balances_and_quantity_on_hand_alone(one, stock):
    _estimate(one, "Carefree", _line("Furnace Filter", "8"))

    item = one(E.ItemInventoryQueryRq(E.FullName("Furnace Filter"))).find("ItemInventoryRet")
    customer = one(E.CustomerQueryRq(E.FullName("Carefree"))).find("CustomerRet")

    assert item.findtext("QuantityOnHand") == "10"
    assert _texts(customer, "Balance", "TotalBalance") == ["0.00", "0.00"]


def test_estimates_are_numbered_on_their_own(one, stock):
    first = _estimate(one, "Carefree", _line("Labor"))
    one(E.InvoiceAddRq(E.InvoiceAdd(E.CustomerRef(E.FullName("Carefree")), E.RefNumber("5000"))))

    second = _estimate(one, "Carefree", _line("Labor"))

    assert [first.findtext("RefNumber"), second.findtext("RefNumber")] == ["1", "2"]


def test_estimate_mod_makes_it_inactive_and_changes_its_lines(one, stock):
    ret = _estimate(one, "Carefree", _line("Furnace Filter", "3"), _line("Labor", "2"))
    filters = ret.findall("EstimateLineRet")[0].findtext("TxnLineID")

    response = one(
        _mod(
            ret,
            E.IsActive("false"),
            E.Memo("Declined"),
            E.EstimateLineMod(E.TxnLineID(filters), E.Quantity("5")),
            E.EstimateLineMod(E.TxnLineID("-1"), E.ItemRef(E.FullName("Copper Pipe")), E.Quantity("2")),
        )
    )

    modded = response.find("EstimateRet")
    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert _texts(modded, "IsActive", "Memo") == ["false", "Declined"]
    assert [line.findtext("Amount") for line in modded.findall("EstimateLineRet")] == ["120.00", "25.00"]
    assert modded.findall("EstimateLineRet")[0].findtext("TxnLineID") == filters
    # 145.00 taxable at 7.25% = 10.5125.
    assert _texts(modded, "Subtotal", "SalesTaxTotal", "TotalAmount") == ["145.00", "10.51", "155.51"]
    assert int(modded.findtext("EditSequence")) > int(ret.findtext("EditSequence"))


def test_estimate_mod_refuses_a_stale_edit_sequence_and_an_unknown_id(one, stock):
    ret = _estimate(one, "Carefree", _line("Labor"))
    one(_mod(ret, E.Memo("first")))

    stale = one(_mod(ret, E.Memo("second")))
    unknown = one(E.EstimateModRq(E.EstimateMod(E.TxnID("FFFF-1"), E.EditSequence("1"), E.Memo("x"))))

    assert [status(stale), status(unknown)[0]] == [(3200, "Error"), 3000]
    assert one(E.EstimateQueryRq(E.TxnID(ret.findtext("TxnID")))).findtext("EstimateRet/Memo") == "first"


def test_an_estimate_needs_a_customer(company, session, one, stock):
    with pytest.raises(QbXmlError) as caught:
        qbxml_process(company, document(E.EstimateAddRq(E.EstimateAdd(_line("Labor")))), session_id=session)

    vendor = one(E.EstimateAddRq(E.EstimateAdd(E.CustomerRef(E.FullName("Ferguson")), _line("Labor"))))

    assert caught.value.hresult == PARSE_HRESULT
    assert status(vendor) == (3140, "Error")
    assert 'QuickBooks Customer "Ferguson" in the Estimate.' in vendor.get("statusMessage")


def test_estimate_query_filters_jobs_modified_dates_and_line_items(company, one, stock):
    one(E.CustomerAddRq(E.CustomerAdd(E.Name("Church"))))
    _estimate(one, "Carefree", _line("Labor"), RefNumber="E-1")
    _estimate(one, "Carefree:Roof", _line("Copper Pipe", "2"), RefNumber="E-2")
    _estimate(one, "Church", _line("Labor"), RefNumber="E-3")
    Record.objects.filter(company=company, kind="Estimate").update(time_modified=datetime(2015, 1, 1, tzinfo=UTC))
    Record.objects.filter(company=company, ref_number="E-2").update(time_modified=datetime(2015, 2, 1, 15, tzinfo=UTC))

    def refs(*children):
        return [ret.findtext("RefNumber") for ret in one(E.EstimateQueryRq(*children)).findall("EstimateRet")]

    assert refs(E.EntityFilter(E.FullNameWithChildren("Carefree"))) == ["E-1", "E-2"]
    assert refs(E.EntityFilter(E.FullName("Church"))) == ["E-3"]
    assert refs(E.ModifiedDateRangeFilter(E.FromModifiedDate("2015-02-01"), E.ToModifiedDate("2015-02-01"))) == ["E-2"]
    assert refs(E.RefNumberFilter(E.MatchCriterion("EndsWith"), E.RefNumber("3"))) == ["E-3"]
    bare = one(E.EstimateQueryRq(E.RefNumber("E-2"))).find("EstimateRet")
    full = one(E.EstimateQueryRq(E.RefNumber("E-2"), E.IncludeLineItems("true"))).find("EstimateRet")
    assert bare.find("EstimateLineRet") is None
    assert full.findtext("EstimateLineRet/ItemRef/FullName") == "Copper Pipe"


def test_estimate_query_iterates(company, session, one, stock):
    for number in range(3):
        _estimate(one, "Carefree", _line("Labor"), RefNumber=f"Q-{number}")

    def page(iterator: str, iterator_id: str = ""):
        attributes = {"iterator": iterator, **({"iteratorID": iterator_id} if iterator_id else {})}
        request = E.EstimateQueryRq(E.MaxReturned("2"), **attributes)
        (response,) = responses(qbxml_process(company, document(request), session_id=session))
        return response

    first = page("Start")
    second = page("Continue", first.get("iteratorID"))

    assert [ret.findtext("RefNumber") for ret in first] + [ret.findtext("RefNumber") for ret in second] == [
        "Q-0",
        "Q-1",
        "Q-2",
    ]
    assert [first.get("iteratorRemainingCount"), second.get("iteratorRemainingCount")] == ["1", "0"]
