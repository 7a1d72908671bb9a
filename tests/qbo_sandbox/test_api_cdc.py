"""Change data capture over HTTP: changed and deleted objects, the 30-day window, refused entities, the cap."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import now, qbo_datetime
from tests.qbo_sandbox.api_helpers import SandboxApi, sandbox_api


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="CDC Co", options=SeedOptions(seed="empty"))


@pytest.fixture
def api(live_server, company) -> Iterator[SandboxApi]:
    client = sandbox_api(live_server.url, company)
    yield client
    client.close()


def _since(moment) -> str:
    return moment.isoformat(timespec="seconds")


def test_changes_since_a_moment_in_full_and_deletions_as_tombstones(api, company):
    hours_ago = now() - timedelta(hours=3)
    watermark = now() - timedelta(hours=2)
    unchanged = store.entity_create(company, "Customer", {"DisplayName": "Unchanged"}, at=hours_ago)
    renamed = store.entity_create(company, "Customer", {"DisplayName": "Before"}, at=hours_ago)
    store.entity_update(renamed, {"DisplayName": "After", "Active": False})
    created = store.entity_create(company, "Invoice", {"DocNumber": "1001", "TotalAmt": 12.5})
    deleted = store.entity_create(company, "Invoice", {"DocNumber": "1002"}, at=hours_ago)
    store.entity_tombstone(deleted)

    response = api.get("cdc", entities="Customer,Invoice", changedSince=_since(watermark))

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"CDCResponse", "time"}
    customers, invoices = body["CDCResponse"][0]["QueryResponse"]
    assert customers == {
        "Customer": [renamed.data],
        "startPosition": 1,
        "maxResults": 1,
        "totalCount": 1,
    }
    assert customers["Customer"][0]["DisplayName"] == "After"
    assert customers["Customer"][0]["Active"] is False
    assert unchanged.entity_id not in {c["Id"] for c in customers["Customer"]}
    deleted.refresh_from_db()
    assert invoices["Invoice"] == [
        created.data,
        {
            "domain": "QBO",
            "status": "Deleted",
            "Id": deleted.entity_id,
            "MetaData": {"LastUpdatedTime": qbo_datetime(deleted.deleted_at, company.time_zone)},
        },
    ]


def test_entities_are_read_case_insensitively_and_answered_in_the_order_asked(api, company):
    store.entity_create(company, "Customer", {"DisplayName": "Someone"})

    body = api.get("cdc", entities="invoice, customer,Item", changedSince=_since(now() - timedelta(days=1))).json()

    entries = body["CDCResponse"][0]["QueryResponse"]
    assert entries[0] == {}
    assert [c["DisplayName"] for c in entries[1]["Customer"]] == ["Someone"]
    assert entries[2] == {}


def test_a_date_alone_reaches_back_to_the_start_of_that_day(api, company):
    store.entity_create(company, "Customer", {"DisplayName": "Today"})

    body = api.get("cdc", entities="Customer", changedSince=(now() - timedelta(days=29)).date().isoformat()).json()

    assert [c["DisplayName"] for c in body["CDCResponse"][0]["QueryResponse"][0]["Customer"]] == ["Today"]


def _error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["Fault"]["type"] == "ValidationFault"
    return body["Fault"]["Error"][0]


def test_more_than_30_days_back_is_refused(api):
    since = _since(now() - timedelta(days=30, minutes=5))

    error = _error(api.get("cdc", entities="Customer", changedSince=since))

    assert (error["code"], error["Message"]) == ("500", "Unsupported Operation")
    detail = f"Operation cdc with changedSince date {since} which is older than fixed days is not supported."
    assert error["Detail"] == detail


@pytest.mark.parametrize("entity", ["TaxCode", "TaxRate", "TaxAgency", "TimeActivity", "Nonsense"])
def test_entities_change_data_capture_does_not_cover_are_refused(api, entity):
    error = _error(api.get("cdc", entities=f"Customer,{entity}", changedSince=_since(now() - timedelta(hours=1))))

    assert (error["code"], error["Message"]) == ("500", "Unsupported Operation")
    assert entity in error["Detail"]


@pytest.mark.parametrize(
    ("params", "code", "detail"),
    [
        ({"entities": "Customer"}, "2020", "Required parameter changedSince is missing in the request"),
        ({"changedSince": "2015-01-01"}, "2020", "Required parameter entities is missing in the request"),
        ({"entities": "Customer", "changedSince": "yesterday"}, "2010", "Property Name:changedSince=yesterday"),
    ],
)
def test_missing_or_unreadable_parameters_are_refused(api, params, code, detail):
    error = _error(api.get("cdc", **params))

    assert error["code"] == code
    assert error["Detail"].startswith(detail)


def test_an_entity_reports_at_most_1000_objects_oldest_changes_first(api, company):
    store.entities_bulk_create(company, "Customer", [{"DisplayName": f"Bulk {n}"} for n in range(1000)])
    latest = store.entity_create(company, "Customer", {"DisplayName": "Latest"}, at=now() + timedelta(seconds=1))

    body = api.get("cdc", entities="Customer", changedSince=_since(now() - timedelta(hours=1))).json()

    entry = body["CDCResponse"][0]["QueryResponse"][0]
    assert (len(entry["Customer"]), entry["maxResults"]) == (1000, 1000)
    assert latest.entity_id not in {c["Id"] for c in entry["Customer"]}
