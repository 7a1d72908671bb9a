"""The batch endpoint over HTTP: items answered one by one, and requests refused as a whole."""

from collections.abc import Iterator

import pytest

from apps.qbo_sandbox import entities, store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from tests.qbo_sandbox.api_helpers import SandboxApi, sandbox_api


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="Batch Co", options=SeedOptions(seed="empty"))


@pytest.fixture
def api(live_server, company) -> Iterator[SandboxApi]:
    client = sandbox_api(live_server.url, company)
    yield client
    client.close()


def _batch(api: SandboxApi, items: list[dict]) -> list[dict]:
    response = api.post_json("batch", {"BatchItemRequest": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"BatchItemResponse", "time"}
    return body["BatchItemResponse"]


def _refusal(api: SandboxApi, body: object) -> dict:
    response = api.post_json("batch", body)
    assert response.status_code == 400, response.text
    fault = response.json()["Fault"]
    assert fault["type"] == "ValidationFault"
    return fault["Error"][0]


def test_query_items_are_answered_in_request_order_with_their_own_faults(api, company):
    customer = store.entity_create(company, "Customer", {"DisplayName": "Basement Bar"})

    answers = _batch(
        api,
        [
            {"bId": "q1", "Query": "SELECT * FROM Customer"},
            {"bId": "bad", "Query": "SELECT * FROM Customr"},
            {"bId": "q2", "Query": "SELECT COUNT(*) FROM Customer"},
            {"bId": "q3", "Query": "SELECT * FROM Invoice"},
        ],
    )

    assert [answer["bId"] for answer in answers] == ["q1", "bad", "q2", "q3"]
    assert answers[0]["QueryResponse"] == {"Customer": [customer.data], "startPosition": 1, "maxResults": 1}
    assert answers[1]["Fault"] == {
        "Error": [
            {
                "element": "",
                "Message": "Invalid query",
                "Detail": "QueryValidationError: Metadata not found for Entity: Customr",
                "code": "4001",
            }
        ],
        "type": "ValidationFault",
    }
    assert answers[2]["QueryResponse"] == {"totalCount": 1}
    assert answers[3]["QueryResponse"] == {}


def test_thirty_items_are_accepted_and_thirty_one_refused_with_1040(api):
    items = [{"bId": str(number), "Query": "SELECT COUNT(*) FROM Customer"} for number in range(31)]

    assert len(_batch(api, items[:30])) == 30
    error = _refusal(api, {"BatchItemRequest": items})

    assert (error["code"], error["Message"]) == ("1040", "Batch size exceeds allowed limit")


@pytest.mark.parametrize(
    ("items", "code", "detail"),
    [
        ([{"Query": "SELECT * FROM Item"}], "2020", "Required parameter bId is missing in the request"),
        (
            [{"bId": "1", "Query": "SELECT * FROM Item"}, {"bId": "1", "Query": "SELECT * FROM Term"}],
            "2010",
            "Property Name:bId 1",
        ),
        ([{"bId": "1", "Custmer": {"DisplayName": "x"}, "operation": "create"}], "2010", "Property Name:Custmer "),
        ([{"bId": "1", "operation": "merge", "Customer": {}}], "2010", "Property Name:operation merge"),
        ([], "2020", "Required parameter BatchItemRequest is missing"),
    ],
)
def test_a_malformed_batch_is_refused_as_a_whole(api, items, code, detail):
    error = _refusal(api, {"BatchItemRequest": items})

    assert error["code"] == code
    assert error["Detail"].startswith(detail), error["Detail"]


def test_a_body_that_is_not_json_is_refused(api):
    response = api.session.post(api.url("batch"), data=b"<xml/>", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "2010"


def test_an_item_with_two_payloads_fails_alone(api):
    answers = _batch(
        api,
        [
            {"bId": "1", "Query": "SELECT * FROM Item", "Customer": {"DisplayName": "x"}, "operation": "create"},
            {"bId": "2", "Query": "SELECT COUNT(*) FROM Item"},
        ],
    )

    assert answers[0]["Fault"]["Error"][0]["code"] == "2010"
    assert answers[1]["QueryResponse"] == {"totalCount": 0}


# Writes, delegated to the entity services: each item succeeds or fails alone.


@pytest.fixture
def demo(db) -> SandboxCompany:
    return company_create(name="Batch Demo Co", options=SeedOptions(seed="demo"))


@pytest.fixture
def demo_api(live_server, demo) -> Iterator[SandboxApi]:
    client = sandbox_api(live_server.url, demo)
    yield client
    client.close()


def _named(company: SandboxCompany, entity_type: str, name: str):
    return store.entity_list(company, entity_type, active=None).get(name_key=name.lower())


def _invoice(company: SandboxCompany, amount: int = 100):
    customer, item = _named(company, "Customer", "Amy's Bird Sanctuary"), _named(company, "Item", "Labor")
    line = {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item.entity_id}},
    }
    return entities.entity_create(company, "Invoice", {"CustomerRef": {"value": customer.entity_id}, "Line": [line]})


def test_writes_and_queries_mixed_with_partial_success(demo_api, demo):
    amy = _named(demo, "Customer", "Amy's Bird Sanctuary")
    invoice = _invoice(demo)

    answers = _batch(
        demo_api,
        [
            {"bId": "new", "operation": "create", "Customer": {"DisplayName": "Batch Customer"}},
            {"bId": "dup", "operation": "create", "Customer": {"DisplayName": "Amy's Bird Sanctuary"}},
            {
                "bId": "upd",
                "operation": "update",
                "Customer": {"Id": amy.entity_id, "SyncToken": "0", "sparse": True, "Notes": "Pays early"},
            },
            {"bId": "del", "operation": "delete", "Invoice": {"Id": invoice.entity_id, "SyncToken": "0"}},
            {"bId": "nodel", "operation": "delete", "Customer": {"Id": amy.entity_id, "SyncToken": "1"}},
            {"bId": "count", "Query": "SELECT COUNT(*) FROM Customer WHERE DisplayName = 'Batch Customer'"},
        ],
    )

    by_bid = {answer["bId"]: answer for answer in answers}
    assert [answer["bId"] for answer in answers] == ["new", "dup", "upd", "del", "nodel", "count"]
    created = by_bid["new"]["Customer"]
    assert (created["DisplayName"], created["SyncToken"]) == ("Batch Customer", "0")
    assert _named(demo, "Customer", "Batch Customer").entity_id == created["Id"]
    assert by_bid["dup"]["Fault"]["type"] == "ValidationFault"
    assert by_bid["dup"]["Fault"]["Error"][0]["code"] == "6240"
    assert (by_bid["upd"]["Customer"]["Notes"], by_bid["upd"]["Customer"]["SyncToken"]) == ("Pays early", "1")
    assert by_bid["del"]["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": invoice.entity_id}
    assert by_bid["nodel"]["Fault"]["Error"][0] == {
        "Message": "Unsupported Operation",
        "Detail": "Operation Delete is not supported.",
        "code": "500",
        "element": "",
    }
    # Queries answer from the state before the batch: the customer it creates is not counted.
    assert by_bid["count"]["QueryResponse"] == {"totalCount": 0}


def test_a_failed_write_leaves_nothing_behind(demo_api, demo):
    customer = _named(demo, "Customer", "Amy's Bird Sanctuary")
    line = {"Amount": 10, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": "9999"}}}
    invoices_before = store.entity_list(demo, "Invoice").count()

    answers = _batch(
        demo_api,
        [
            {
                "bId": "1",
                "operation": "create",
                "Invoice": {"CustomerRef": {"value": customer.entity_id}, "Line": [line]},
            },
            {"bId": "2", "operation": "create", "Term": {"Name": "Net 45", "DueDays": 45}},
        ],
    )

    assert "Fault" in answers[0]
    assert answers[1]["Term"]["Name"] == "Net 45"
    assert store.entity_list(demo, "Invoice").count() == invoices_before


def test_an_invoice_is_voided_in_a_batch(demo_api, demo):
    invoice = _invoice(demo, amount=250)

    (answer,) = _batch(
        demo_api, [{"bId": "v", "operation": "void", "Invoice": {"Id": invoice.entity_id, "SyncToken": "0"}}]
    )

    assert answer["Invoice"]["TotalAmt"] == 0
    assert answer["Invoice"]["SyncToken"] == "1"


def test_a_repeated_requestid_replays_the_batch_without_writing_again(demo_api, demo):
    body = {"BatchItemRequest": [{"bId": "1", "operation": "create", "Customer": {"DisplayName": "Once Only"}}]}

    first = demo_api.post_json("batch", body, requestid="batch-0001")
    second = demo_api.post_json("batch", body, requestid="batch-0001")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert store.entity_list(demo, "Customer").filter(name_key="once only").count() == 1
