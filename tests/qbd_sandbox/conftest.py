"""A company file, an open session, and qbXML documents built and read with lxml, as they travel on the wire."""

from collections.abc import Callable

import pytest
from lxml import etree
from lxml.builder import E

from apps.qbd_sandbox.models import CompanyFile
from apps.qbd_sandbox.services import company_file_create, qbxml_process, session_open


def document(*requests: etree._Element, on_error: str = "stopOnError", version: str = "13.0") -> bytes:
    root = E.QBXML(E.QBXMLMsgsRq(*requests, onError=on_error))
    body = etree.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="' + version.encode() + b'"?>\n' + body


def responses(answer: str) -> list[etree._Element]:
    """The XxxRs elements of a response document."""
    assert answer.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = etree.fromstring(answer.encode("utf-8"))
    assert root.tag == "QBXML"
    return list(root.find("QBXMLMsgsRs"))


def status(response: etree._Element) -> tuple[int, str]:
    return int(response.get("statusCode")), response.get("statusSeverity")


@pytest.fixture
def company(db) -> CompanyFile:
    return company_file_create(name="Pine Ridge Services")


@pytest.fixture
def session(company) -> str:
    return session_open(company)


@pytest.fixture
def send(company, session) -> Callable[..., list[etree._Element]]:
    """Run requests in the open session; returns their responses."""

    def run(*requests: etree._Element, on_error: str = "stopOnError") -> list[etree._Element]:
        return responses(qbxml_process(company, document(*requests, on_error=on_error), session_id=session))

    return run


@pytest.fixture
def one(send) -> Callable[[etree._Element], etree._Element]:
    """Run one request and return its single response."""

    def run(request: etree._Element) -> etree._Element:
        (response,) = send(request)
        return response

    return run


@pytest.fixture
def add_customer(one) -> Callable[..., etree._Element]:
    """Add a customer (``parent``: a job of that customer) and return its CustomerRet."""

    def add(name: str, *children: etree._Element, parent: str = "") -> etree._Element:
        fields = [E.Name(name)]
        if parent:
            fields.append(E.ParentRef(E.FullName(parent)))
        response = one(E.CustomerAddRq(E.CustomerAdd(*fields, *children)))
        assert status(response) == (0, "Info"), response.get("statusMessage")
        return response.find("CustomerRet")

    return add


@pytest.fixture
def stock(one, add_customer) -> None:
    """
    A vendor with an address and terms; an inventory item (10 on hand at 6.25), a non-inventory item bought and sold,
    and a service; a taxable customer with a job.
    """
    response = one(
        E.VendorAddRq(
            E.VendorAdd(
                E.Name("Ferguson"),
                E.CompanyName("Ferguson Enterprises"),
                E.VendorAddress(E.Addr1("12 Dock St"), E.City("Boston"), E.State("MA"), E.PostalCode("02110")),
                E.TermsRef(E.FullName("Net 30")),
            )
        )
    )
    assert status(response) == (0, "Info"), response.get("statusMessage")
    items = [
        E.ItemInventoryAddRq(
            E.ItemInventoryAdd(
                E.Name("Furnace Filter"),
                E.ManufacturerPartNumber("FF-1625"),
                E.SalesTaxCodeRef(E.FullName("TAX")),
                E.SalesDesc("16x25 furnace filter"),
                E.SalesPrice("24"),
                E.IncomeAccountRef(E.FullName("Materials Income")),
                E.PurchaseDesc("Filter 16x25, case"),
                E.PurchaseCost("6.25"),
                E.COGSAccountRef(E.FullName("Cost of Goods Sold")),
                E.AssetAccountRef(E.FullName("Inventory Asset")),
                E.QuantityOnHand("10"),
                E.InventoryDate("2015-01-01"),
            )
        ),
        E.ItemNonInventoryAddRq(
            E.ItemNonInventoryAdd(
                E.Name("Copper Pipe"),
                E.SalesTaxCodeRef(E.FullName("TAX")),
                E.SalesAndPurchase(
                    E.SalesDesc("1/2in copper pipe"),
                    E.SalesPrice("12.5"),
                    E.IncomeAccountRef(E.FullName("Materials Income")),
                    E.PurchaseDesc("Copper, 10ft"),
                    E.PurchaseCost("4.10"),
                    E.ExpenseAccountRef(E.FullName("Job Materials")),
                ),
            )
        ),
        E.ItemServiceAddRq(
            E.ItemServiceAdd(E.Name("Labor"), E.SalesTaxCodeRef(E.FullName("NON")), E.SalesOrPurchase(E.Price("85")))
        ),
    ]
    for request in items:
        response = one(request)
        assert status(response) == (0, "Info"), response.get("statusMessage")
    add_customer("Carefree", E.TermsRef(E.FullName("Net 15")), E.SalesTaxCodeRef(E.FullName("TAX")))
    add_customer("Roof", E.SalesTaxCodeRef(E.FullName("TAX")), parent="Carefree")
