"""The query endpoint over HTTP: Intuit's envelopes, paging, counts, faults, the active-only default."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from tests.qbo_sandbox.api_helpers import SandboxApi, sandbox_api

RESPONSE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="Query Co", options=SeedOptions(seed="empty"))


@pytest.fixture
def api(live_server, company) -> Iterator[SandboxApi]:
    client = sandbox_api(live_server.url, company)
    yield client
    client.close()


def _customer(company: SandboxCompany, name: str, *, active: bool = True, at: datetime | None = None) -> str:
    data = {"DisplayName": name, "Active": active, "Balance": 0}
    return store.entity_create(company, "Customer", data, at=at).entity_id


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [record["Id"] for record in response.json()["QueryResponse"].get("Customer", [])]


def test_a_query_answers_in_intuits_envelope(api, company):
    ids = [_customer(company, name) for name in ("Basement Bar", "Cool Cars", "Dukes Basketball")]

    response = api.query("SELECT * FROM Customer")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.headers["intuit_tid"]
    body = response.json()
    assert set(body) == {"QueryResponse", "time"}
    assert RESPONSE_TIME.match(body["time"]), body["time"]
    page = body["QueryResponse"]
    assert (page["startPosition"], page["maxResults"]) == (1, 3)
    assert [customer["Id"] for customer in page["Customer"]] == ids
    assert page["Customer"][0]["DisplayName"] == "Basement Bar"
    assert page["Customer"][0]["MetaData"]["LastUpdatedTime"]


def test_a_query_can_be_posted_as_application_text(api, company):
    ids = [_customer(company, name) for name in ("Amy's Bird Sanctuary", "Bill's Windsurf Shop")]

    response = api.query_by_post(r"select * from customer where DisplayName = 'Amy\'s Bird Sanctuary'")

    assert _ids(response) == ids[:1]


def test_pages_follow_startposition_and_maxresults(api, company):
    ids = [_customer(company, f"Customer {number}") for number in range(1, 6)]

    second = api.query("SELECT * FROM Customer STARTPOSITION 3 MAXRESULTS 2").json()["QueryResponse"]
    last = api.query("SELECT * FROM Customer STARTPOSITION 5 MAXRESULTS 2").json()["QueryResponse"]
    beyond = api.query("SELECT * FROM Customer STARTPOSITION 6 MAXRESULTS 2").json()["QueryResponse"]

    assert [c["Id"] for c in second["Customer"]] == ids[2:4]
    assert (second["startPosition"], second["maxResults"]) == (3, 2)
    assert ([c["Id"] for c in last["Customer"]], last["maxResults"]) == (ids[4:], 1)
    assert beyond == {}


def test_orderby_and_a_field_list(api, company):
    for name in ("b-side", "Alpha", "charlie"):
        _customer(company, name)

    response = api.query("SELECT Id, DisplayName FROM Customer ORDERBY DisplayName DESC")

    customers = response.json()["QueryResponse"]["Customer"]
    assert [c["DisplayName"] for c in customers] == ["charlie", "b-side", "Alpha"]
    assert set(customers[0]) == {"Id", "DisplayName", "domain", "sparse"}
    assert customers[0]["sparse"] is True


def test_count_answers_total_count_only(api, company):
    for number in range(4):
        _customer(company, f"Customer {number}", active=number != 0)

    everyone = api.query("SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)").json()
    active = api.query("select count(*) from Customer").json()

    assert everyone["QueryResponse"] == {"totalCount": 4}
    assert active["QueryResponse"] == {"totalCount": 3}
    assert RESPONSE_TIME.match(active["time"])


def test_no_match_is_an_empty_query_response(api, company):
    _customer(company, "Someone")

    body = api.query("SELECT * FROM Customer WHERE DisplayName = 'Nobody'").json()
    invoices = api.query("SELECT * FROM Invoice").json()

    assert body["QueryResponse"] == {}
    assert invoices["QueryResponse"] == {}


@pytest.mark.parametrize(
    ("text", "code", "message", "detail"),
    [
        ("SELECT * FORM Customer", "4000", "Error parsing query", "QueryParserError: Encountered "),
        ("SELECT * FROM Customr", "4001", "Invalid query", "QueryValidationError: Metadata not found for Entity"),
        ("SELECT * FROM Customer MAXRESULTS 1001", "4001", "Invalid query", "QueryValidationError: value 1001 is "),
        ("", "4000", "Error parsing query", "QueryParserError: "),
    ],
)
def test_a_refused_query_is_a_400_validation_fault(api, text, code, message, detail):
    response = api.query(text)

    assert response.status_code == 400
    body = response.json()
    error = body["Fault"]["Error"][0]
    assert body["Fault"]["type"] == "ValidationFault"
    assert (error["code"], error["Message"]) == (code, message)
    assert error["Detail"].startswith(detail), error["Detail"]
    assert RESPONSE_TIME.match(body["time"])


def test_name_lists_answer_active_records_unless_the_query_says_otherwise(api, company):
    active = _customer(company, "Still Here")
    inactive = _customer(company, "Gone Away", active=False)

    assert _ids(api.query("SELECT * FROM Customer")) == [active]
    assert _ids(api.query("SELECT * FROM Customer WHERE Active IN (true, false)")) == [active, inactive]
    assert _ids(api.query("SELECT * FROM Customer WHERE Active = false")) == [inactive]
    assert _ids(api.query(f"SELECT * FROM Customer WHERE Id = '{inactive}'")) == []


def test_last_updated_time_selects_what_changed_since_a_moment(api, company):
    old = _customer(company, "Old", at=datetime(2015, 3, 1, 17, 0, 0, 400_000, tzinfo=UTC))
    boundary = _customer(company, "Boundary", at=datetime(2015, 3, 2, 17, 0, 0, 900_000, tzinfo=UTC))
    new = _customer(company, "New", at=datetime(2015, 3, 3, 17, 0, 0, tzinfo=UTC))

    # Times compare at the second QuickBooks writes: 09:00:00.9 Pacific is not after 09:00:00.
    after = api.query("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2015-03-02T09:00:00-08:00'")
    from_ = api.query("SELECT * FROM Customer WHERE Metadata.LastUpdatedTime >= '2015-03-02T17:00:00Z'")
    before = api.query("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime < '2015-03-02T09:00:00.5-08:00'")
    # Without an offset a time is read in the company's zone (Pacific).
    local = api.query("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime <= '2015-03-01T09:00:00'")
    day = api.query("SELECT * FROM Customer WHERE MetaData.LastUpdatedTime > '2015-03-03'")

    assert _ids(after) == [new]
    assert _ids(from_) == [boundary, new]
    assert _ids(before) == [old, boundary]
    assert _ids(local) == [old]
    assert _ids(day) == [new]


def test_deleted_transactions_are_not_found(api, company):
    kept = store.entity_create(company, "Invoice", {"DocNumber": "1001", "TotalAmt": 10})
    deleted = store.entity_create(company, "Invoice", {"DocNumber": "1002", "TotalAmt": 20})
    store.entity_tombstone(deleted)

    body = api.query("SELECT * FROM Invoice WHERE DocNumber IN ('1001', '1002')").json()

    assert [invoice["Id"] for invoice in body["QueryResponse"]["Invoice"]] == [kept.entity_id]


def test_another_companys_records_stay_out_of_sight(api, company):
    other = company_create(name="Other Co", options=SeedOptions(seed="empty"))
    _customer(other, "Not Yours")
    mine = _customer(company, "Mine")

    assert _ids(api.query("SELECT * FROM Customer")) == [mine]


def test_company_info_and_preferences_can_be_queried(api, company):
    info = api.query("SELECT * FROM CompanyInfo").json()["QueryResponse"]
    preferences = api.query("select * from preferences").json()["QueryResponse"]

    assert info["CompanyInfo"][0]["CompanyName"] == "Query Co"
    assert preferences["Preferences"][0]["Id"] == "1"
