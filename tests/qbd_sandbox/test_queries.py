"""Queries: selectors, filters, modified dates in local time, MaxReturned, iterators and their sessions."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml.builder import E

from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.services import qbxml_process, session_close, session_open
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


# The page, its jobs, ship-tos and references: 11 queries for 500 customers, not one a record.
PAGE_QUERIES = 15


@pytest.fixture
def customers(add_customer):
    for name in ("Alder", "Birch", "Cedar", "Dogwood", "Elm"):
        add_customer(name)
    return ["Alder", "Birch", "Cedar", "Dogwood", "Elm"]


def _names(response) -> list[str]:
    return [ret.find("FullName").text for ret in response.findall("CustomerRet")]


def test_nothing_found_is_status_1_info(one):
    response = one(E.CustomerQueryRq(E.NameFilter(E.MatchCriterion("StartsWith"), E.Name("Zz"))))

    assert status(response) == (1, "Info")
    assert response.get("statusMessage") == "A query request did not find a matching object in QuickBooks"


def test_list_id_and_full_name_queries_report_the_ids_not_found(one, customers):
    alder = one(E.CustomerQueryRq(E.FullName("alder"))).find("CustomerRet/ListID").text

    response = one(E.CustomerQueryRq(E.ListID(alder), E.ListID("80009999-1")))

    assert status(response) == (500, "Warn")
    assert '("80009999-1")' in response.get("statusMessage")
    assert _names(response) == ["Alder"]


def test_active_status_defaults_to_active_only(company, one, customers):
    Record.objects.filter(company=company, name="Birch").update(is_active=False)

    active = one(E.CustomerQueryRq())
    inactive = one(E.CustomerQueryRq(E.ActiveStatus("InactiveOnly")))
    everyone = one(E.CustomerQueryRq(E.ActiveStatus("All")))
    by_name = one(E.CustomerQueryRq(E.FullName("Birch")))

    assert _names(active) == ["Alder", "Cedar", "Dogwood", "Elm"]
    assert _names(inactive) == ["Birch"]
    assert len(_names(everyone)) == 5
    assert _names(by_name) == ["Birch"]


@pytest.mark.parametrize(
    ("criterion", "name", "expected"),
    [("StartsWith", "ce", ["Cedar"]), ("Contains", "D", ["Alder", "Cedar", "Dogwood"]), ("EndsWith", "M", ["Elm"])],
)
def test_name_filter(one, customers, criterion, name, expected):
    response = one(E.CustomerQueryRq(E.NameFilter(E.MatchCriterion(criterion), E.Name(name))))

    assert _names(response) == expected


def test_name_range_filter_and_max_returned(one, customers):
    ranged = one(E.CustomerQueryRq(E.NameRangeFilter(E.FromName("B"), E.ToName("Dog"))))
    limited = one(E.CustomerQueryRq(E.MaxReturned("2")))

    assert _names(ranged) == ["Birch", "Cedar", "Dogwood"]
    assert _names(limited) == ["Alder", "Birch"]


def test_modified_dates_are_read_in_the_company_time_zone(company, one, customers):
    # 2015-03-10 02:30 UTC is 2015-03-09 22:30 in New York (EDT, UTC-4).
    Record.objects.filter(company=company, name="Alder").update(time_modified=datetime(2015, 3, 10, 2, 30, tzinfo=UTC))
    Record.objects.filter(company=company, name="Birch").update(time_modified=datetime(2015, 3, 10, 5, 0, tzinfo=UTC))
    Record.objects.filter(company=company, kind="Customer").exclude(name__in=["Alder", "Birch"]).update(
        time_modified=datetime(2015, 4, 2, tzinfo=UTC)
    )

    on_the_ninth = one(E.CustomerQueryRq(E.FromModifiedDate("2015-03-09"), E.ToModifiedDate("2015-03-09")))
    from_local_time = one(E.CustomerQueryRq(E.FromModifiedDate("2015-03-09T22:30:00"), E.ToModifiedDate("2015-03-10")))
    with_offset = one(
        E.CustomerQueryRq(E.FromModifiedDate("2015-03-10T04:00:00+00:00"), E.ToModifiedDate("2015-03-31"))
    )

    assert _names(on_the_ninth) == ["Alder"]
    assert _names(from_local_time) == ["Alder", "Birch"]
    assert _names(with_offset) == ["Birch"]


def test_times_are_shown_with_the_company_offset(company, one, customers):
    Record.objects.filter(company=company, name="Alder").update(time_modified=datetime(2015, 1, 15, 15, 15, tzinfo=UTC))

    response = one(E.CustomerQueryRq(E.FullName("Alder")))

    assert response.find("CustomerRet/TimeModified").text == "2015-01-15T10:15:00-05:00"


def test_include_ret_element_keeps_only_what_was_asked(one, customers):
    response = one(E.CustomerQueryRq(E.MaxReturned("1"), E.IncludeRetElement("ListID"), E.IncludeRetElement("Name")))

    assert [child.tag for child in response.find("CustomerRet")] == ["ListID", "Name"]


def _iterate(company, session, iterator, iterator_id="", size="2"):
    attrs = {"iterator": iterator, "requestID": "it"}
    if iterator_id:
        attrs["iteratorID"] = iterator_id
    request = E.CustomerQueryRq(E.MaxReturned(size), E.ActiveStatus("All"), **attrs)
    (response,) = responses(qbxml_process(company, document(request), session_id=session))
    return response


def test_an_iterator_walks_the_matches_in_chunks(company, session, customers):
    first = _iterate(company, session, "Start")
    iterator_id = first.get("iteratorID")
    second = _iterate(company, session, "Continue", iterator_id)
    third = _iterate(company, session, "Continue", iterator_id)
    exhausted = _iterate(company, session, "Continue", iterator_id)

    assert (first.get("iteratorRemainingCount"), _names(first)) == ("3", ["Alder", "Birch"])
    assert (second.get("iteratorRemainingCount"), _names(second)) == ("1", ["Cedar", "Dogwood"])
    assert (third.get("iteratorRemainingCount"), _names(third)) == ("0", ["Elm"])
    assert third.get("iteratorID") == iterator_id
    assert status(exhausted) == (3120, "Error")


def test_an_iterator_is_unknown_in_another_session_and_after_close(company, session, customers):
    iterator_id = _iterate(company, session, "Start").get("iteratorID")
    other = session_open(company)

    elsewhere = _iterate(company, other, "Continue", iterator_id)
    session_close(company, session)
    reopened = session_open(company)
    after_close = _iterate(company, reopened, "Continue", iterator_id)

    assert status(elsewhere)[0] == 3120 and iterator_id in elsewhere.get("statusMessage")
    assert status(after_close)[0] == 3120


def test_a_continue_must_repeat_the_criteria(company, session, customers):
    iterator_id = _iterate(company, session, "Start").get("iteratorID")
    request = E.CustomerQueryRq(
        E.MaxReturned("2"), E.ActiveStatus("ActiveOnly"), iterator="Continue", iteratorID=iterator_id
    )

    (response,) = responses(qbxml_process(company, document(request), session_id=session))

    assert status(response) == (3210, "Error")


def test_an_iterator_can_be_stopped(company, session, customers):
    iterator_id = _iterate(company, session, "Start").get("iteratorID")

    stopped = _iterate(company, session, "Stop", iterator_id)
    after = _iterate(company, session, "Continue", iterator_id)

    assert status(stopped)[0] == 0
    assert status(after)[0] == 3120


def test_metadata_only_counts(one, customers):
    response = one(E.CustomerQueryRq(metaData="MetaDataOnly"))

    assert response.get("retCount") == "5"
    assert response.find("CustomerRet") is None


def test_item_query_returns_every_item_type_and_terms_query_both_terms(one):
    one(E.ItemServiceAddRq(E.ItemServiceAdd(E.Name("Labor"))))
    one(E.ItemNonInventoryAddRq(E.ItemNonInventoryAdd(E.Name("Pipe"))))

    items = one(E.ItemQueryRq())
    terms = one(E.TermsQueryRq())

    assert {ret.tag for ret in items} == {"ItemServiceRet", "ItemNonInventoryRet", "ItemSalesTaxRet"}
    assert {ret.tag for ret in terms} == {"StandardTermsRet", "DateDrivenTermsRet"}


def test_account_query_filters_by_account_type(one):
    response = one(E.AccountQueryRq(E.AccountType("Income")))

    assert [ret.find("Name").text for ret in response] == ["Construction Income", "Materials Income"]


def test_the_accounts_quickbooks_makes_itself_carry_their_special_account_type_after_the_account_type(one):
    response = one(
        E.AccountQueryRq(E.FullName("Inventory Asset"), E.FullName("Undeposited Funds"), E.FullName("Job Materials"))
    )
    rets = {ret.findtext("Name"): ret for ret in response}
    tags = [child.tag for child in rets["Inventory Asset"]]

    assert {name: ret.findtext("SpecialAccountType") for name, ret in rets.items()} == {
        "Inventory Asset": "InventoryAssets",
        "Undeposited Funds": "UndepositedFunds",
        "Job Materials": None,
    }
    assert tags[tags.index("AccountType") :][:3] == ["AccountType", "SpecialAccountType", "AccountNumber"]


def test_five_hundred_records_come_back_in_a_few_queries(company, session):
    """A page of customers with their jobs' and ship-tos' data is read in a fixed number of queries."""
    from apps.qbd_sandbox.services import company_seed

    company_seed(company, customers=600, jobs_per_customer=1, ship_tos=2, invoices=300, items=20)
    with CaptureQueriesContext(connection) as queries:
        (response,) = responses(
            qbxml_process(company, document(E.CustomerQueryRq(E.MaxReturned("500"))), session_id=session)
        )

    assert len(response.findall("CustomerRet")) == 500
    assert len(queries) <= PAGE_QUERIES
