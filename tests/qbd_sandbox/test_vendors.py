"""Vendors: the VendorRet in schema order, the name space they share, Mods and edit sequences, and VendorQuery."""

from datetime import UTC, datetime

import pytest
from lxml.builder import E

from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import qbxml_process
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db

# Every company file has the sales tax agency its State Tax item is paid to.
TAX_AGENCY = "State Board of Equalization"
ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country")


def _add(one, name: str, *children):
    response = one(E.VendorAddRq(E.VendorAdd(E.Name(name), *children)))
    assert status(response) == (0, "Info"), response.get("statusMessage")
    return response.find("VendorRet")


def _mod(ret, *children):
    return E.VendorModRq(
        E.VendorMod(E.ListID(ret.findtext("ListID")), E.EditSequence(ret.findtext("EditSequence")), *children)
    )


@pytest.fixture
def vendors(one):
    for name in ("Ferguson", "Grainger", "Home Depot", "Winsupply"):
        _add(one, name)
    return sorted(["Ferguson", "Grainger", "Home Depot", "Winsupply", TAX_AGENCY])


def _names(response) -> list[str]:
    return [ret.findtext("Name") for ret in response.findall("VendorRet")]


def test_vendor_add_returns_the_vendor_ret_in_schema_order(one):
    ret = _add(
        one,
        "Ferguson",
        E.IsActive("true"),
        E.CompanyName("Ferguson Enterprises"),
        E.FirstName("Dana"),
        E.LastName("Whitfield"),
        E.VendorAddress(*(getattr(E, name)(f"{name} value"[:13]) for name in ADDRESS)),
        E.Phone("(617) 555-0142"),
        E.Email("orders@ferguson.example"),
        E.TermsRef(E.FullName("Net 30")),
    )

    assert [child.tag for child in ret] == [
        "ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "IsActive", "CompanyName", "FirstName",
        "LastName", "VendorAddress", "Phone", "Email", "TermsRef", "Balance",
    ]  # fmt: skip
    assert [child.tag for child in ret.find("VendorAddress")] == list(ADDRESS)
    assert ret.findtext("VendorAddress/PostalCode") == "PostalCode va"
    assert (ret.findtext("IsActive"), ret.findtext("Balance")) == ("true", "0.00")
    assert ret.find("FullName") is None  # Vendors are not hierarchical: no FullName, no Sublevel.


@pytest.mark.parametrize(
    "existing",
    [
        E.CustomerAddRq(E.CustomerAdd(E.Name("Acme Supply"))),
        E.EmployeeAddRq(E.EmployeeAdd(E.FirstName("Acme"), E.LastName("Supply"))),
        E.OtherNameAddRq(E.OtherNameAdd(E.Name("ACME SUPPLY"))),
    ],
)
def test_a_vendor_cannot_take_a_name_another_name_list_has(one, existing):
    assert status(one(existing))[0] == 0

    response = one(E.VendorAddRq(E.VendorAdd(E.Name("acme supply"))))

    assert status(response) == (3100, "Error")
    assert response.get("statusMessage") == 'The name "acme supply" of the list element is already in use.'


def test_a_vendor_name_is_refused_to_the_other_name_lists_and_to_another_vendor(one, add_customer):
    _add(one, "Acme Supply")

    customer = one(E.CustomerAddRq(E.CustomerAdd(E.Name("Acme Supply"))))
    other = one(E.OtherNameAddRq(E.OtherNameAdd(E.Name("Acme supply"))))
    vendor = one(E.VendorAddRq(E.VendorAdd(E.Name("ACME SUPPLY"))))
    item = one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Acme Supply"))))

    assert [status(customer)[0], status(other)[0], status(vendor)[0], status(item)[0]] == [3100, 3100, 3100, 0]


def test_vendor_mod_changes_fields_and_the_edit_sequence(one):
    ret = _add(one, "Ferguson", E.CompanyName("Ferguson"), E.VendorAddress(E.City("Boston")), E.Phone("555-0100"))

    response = one(
        _mod(
            ret,
            E.Name("Ferguson Plumbing"),
            E.IsActive("false"),
            E.VendorAddress(E.Addr1("12 Dock St"), E.State("MA")),
            E.Phone(""),
            E.Email("po@ferguson.example"),
        )
    )

    modded = response.find("VendorRet")
    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert (modded.findtext("Name"), modded.findtext("IsActive"), modded.findtext("CompanyName")) == (
        "Ferguson Plumbing",
        "false",
        "Ferguson",
    )
    assert [(child.tag, child.text) for child in modded.find("VendorAddress")] == [
        ("Addr1", "12 Dock St"),
        ("City", "Boston"),
        ("State", "MA"),
    ]
    assert modded.find("Phone") is None and modded.findtext("Email") == "po@ferguson.example"
    assert int(modded.findtext("EditSequence")) > int(ret.findtext("EditSequence"))


def test_vendor_mod_refuses_a_stale_edit_sequence_and_a_name_in_use(one, add_customer):
    add_customer("Carefree Homes")
    ret = _add(one, "Ferguson")
    one(_mod(ret, E.Phone("1")))

    stale = one(_mod(ret, E.Phone("2")))
    current = one(E.VendorQueryRq(E.FullName("Ferguson"))).find("VendorRet")
    taken = one(_mod(current, E.Name("Carefree Homes")))

    assert status(stale) == (3200, "Error")
    assert stale.get("statusMessage").startswith(f'The provided edit sequence "{ret.findtext("EditSequence")}"')
    assert status(taken) == (3100, "Error")


def test_vendor_query_by_name_and_active_status(company, one, vendors):
    Record.objects.filter(company=company, kind="Vendor", name="Grainger").update(is_active=False)

    active = one(E.VendorQueryRq())
    inactive = one(E.VendorQueryRq(E.ActiveStatus("InactiveOnly")))
    everyone = one(E.VendorQueryRq(E.ActiveStatus("All")))
    by_name = one(E.VendorQueryRq(E.FullName("grainger"), E.FullName("Nobody")))
    starting = one(E.VendorQueryRq(E.NameFilter(E.MatchCriterion("StartsWith"), E.Name("h"))))

    assert _names(active) == [name for name in vendors if name != "Grainger"]
    assert _names(inactive) == ["Grainger"]
    assert _names(everyone) == vendors
    assert status(by_name)[0] == 500 and _names(by_name) == ["Grainger"]
    assert _names(starting) == ["Home Depot"]


def test_vendor_query_from_modified_date_is_local_time(company, one, vendors):
    # 2015-06-02 03:00 UTC is 2015-06-01 23:00 in New York.
    Record.objects.filter(company=company, kind="Vendor").update(time_modified=datetime(2015, 1, 1, tzinfo=UTC))
    Record.objects.filter(company=company, name="Winsupply").update(time_modified=datetime(2015, 6, 2, 3, tzinfo=UTC))

    first_of_june = one(E.VendorQueryRq(E.FromModifiedDate("2015-06-01"), E.ToModifiedDate("2015-06-01")))
    later = one(E.VendorQueryRq(E.FromModifiedDate("2015-06-02")))

    assert _names(first_of_june) == ["Winsupply"]
    assert status(later) == (1, "Info")


def test_vendor_query_max_returned_and_an_iterator(company, session, one, vendors):
    def page(iterator: str, iterator_id: str = ""):
        attributes = {"iterator": iterator, **({"iteratorID": iterator_id} if iterator_id else {})}
        request = E.VendorQueryRq(E.MaxReturned("2"), E.ActiveStatus("All"), **attributes)
        (response,) = responses(qbxml_process(company, document(request), session_id=session))
        return response

    limited = one(E.VendorQueryRq(E.MaxReturned("3")))
    first = page("Start")
    second = page("Continue", first.get("iteratorID"))
    third = page("Continue", first.get("iteratorID"))

    assert _names(limited) == vendors[:3]
    assert [first.get("iteratorRemainingCount"), second.get("iteratorRemainingCount")] == ["3", "1"]
    assert third.get("iteratorRemainingCount") == "0"
    assert _names(first) + _names(second) + _names(third) == vendors


def test_a_vendor_on_a_purchase_order_cannot_be_deleted(one):
    ret = _add(one, "Ferguson")
    one(E.PurchaseOrderAddRq(E.PurchaseOrderAdd(E.VendorRef(E.FullName("Ferguson")))))

    response = one(E.ListDelRq(E.ListDelType("Vendor"), E.ListID(ret.findtext("ListID"))))

    assert status(response)[0] == 3171
