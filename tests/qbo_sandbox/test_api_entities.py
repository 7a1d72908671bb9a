"""The entity endpoints over HTTP: envelopes, faults, operations, requestid replay and number rendering."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from apps.qbo_sandbox import store
from apps.qbo_sandbox.api.idempotency import with_request_id
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany, SandboxRequestLog
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE, app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


@dataclass
class Api:
    base: str
    company: SandboxCompany
    http: requests.Session

    def post(self, entity: str, body, **params) -> requests.Response:
        return self.http.post(f"{self.base}/{entity}", json=body, params={"minorversion": 75, **params})

    def get(self, entity: str, entity_id: str, **params) -> requests.Response:
        return self.http.get(f"{self.base}/{entity}/{entity_id}", params={"minorversion": 75, **params})

    def id_of(self, entity_type: str, name: str) -> str:
        return store.entity_list(self.company, entity_type).get(name_key=name.lower()).entity_id


@pytest.fixture
def api(live_server) -> Iterator[Api]:
    company = company_create(name="Api Co", options=SeedOptions(seed="demo"))
    app, _ = app_create(name="Api tests", redirect_uris=["http://localhost/callback"])
    token = grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE).access_token
    with requests.Session() as http:
        http.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        yield Api(f"{live_server.url}/qbo-sandbox/v3/company/{company.realm_id}", company, http)


def _error(response: requests.Response) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["Fault"]["type"] == "ValidationFault" and TIME.match(body["time"])
    (error,) = body["Fault"]["Error"]
    assert set(error) == {"Message", "Detail", "code", "element"}
    return error


def _invoice_body(api: Api, *amounts: str) -> dict:
    lines = [
        {
            "Amount": amount,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": api.id_of("Item", "Labor")}},
        }
        for amount in amounts
    ]
    return {"CustomerRef": {"value": api.id_of("Customer", "Amy's Bird Sanctuary")}, "Line": lines}


def test_create_read_and_update_answer_intuits_envelope(api):
    created = api.post("customer", {"DisplayName": "Envelope Co"})
    customer = created.json()["Customer"]
    read = api.get("customer", customer["Id"], minorversion=4)
    sparse = api.post("customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "hi"})
    full = api.post("customer", {"Id": customer["Id"], "SyncToken": "1", "DisplayName": "Envelope Co"})

    assert created.status_code == 200 and created.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert created.headers["intuit_tid"].startswith("1-")
    assert set(created.json()) == {"Customer", "time"} and TIME.match(created.json()["time"])
    assert (customer["domain"], customer["sparse"], customer["SyncToken"]) == ("QBO", False, "0")
    assert read.json()["Customer"] == customer
    assert sparse.json()["Customer"]["Notes"] == "hi" and sparse.json()["Customer"]["SyncToken"] == "1"
    assert "Notes" not in full.json()["Customer"] and full.json()["Customer"]["SyncToken"] == "2"


def test_faults_use_intuits_envelope(api):
    duplicate = _error(api.post("customer", {"DisplayName": "Amy's Bird Sanctuary"}))
    unknown = _error(api.post("customer", {"DisplayName": "X", "Nickname": "y"}))
    not_json = _error(
        api.http.post(f"{api.base}/customer", data=b"{not json", headers={"Content-Type": "application/json"})
    )
    missing = _error(api.get("customer", "424242"))

    assert (duplicate["code"], duplicate["Message"]) == ("6240", "Duplicate Name Exists Error")
    assert unknown["code"] == not_json["code"] == "2010"
    assert (missing["code"], missing["Message"]) == ("610", "Object Not Found")


def test_operations_delete_and_void(api):
    first = api.post("invoice", _invoice_body(api, "95")).json()["Invoice"]
    second = api.post("invoice", _invoice_body(api, "190")).json()["Invoice"]
    customer = api.id_of("Customer", "Amy's Bird Sanctuary")

    deleted = api.post("invoice", {"Id": first["Id"], "SyncToken": "0"}, operation="delete")
    voided = api.post("invoice", {"Id": second["Id"], "SyncToken": "0"}, operation="void")
    payment = api.post("payment", {"CustomerRef": {"value": customer}, "TotalAmt": 5}).json()["Payment"]
    payment_void = api.post(
        "payment", {"Id": payment["Id"], "SyncToken": "0", "sparse": True}, operation="update", include="void"
    )
    no_delete = _error(api.post("customer", {"Id": customer, "SyncToken": "0"}, operation="delete"))
    no_such = _error(api.post("invoice", {"Id": second["Id"], "SyncToken": "1"}, operation="merge"))
    gone = _error(api.get("invoice", first["Id"]))

    assert deleted.status_code == 200
    assert deleted.json()["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": first["Id"]}
    assert voided.json()["Invoice"]["PrivateNote"] == "Voided" and voided.json()["Invoice"]["Balance"] == 0
    assert payment_void.json()["Payment"]["TotalAmt"] == 0
    assert (no_delete["code"], no_delete["Detail"]) == ("500", "Operation Delete is not supported.")
    assert no_such["Detail"] == "Operation merge is not supported."
    assert gone["Detail"] == "Object Not Found : Another user has deleted this transaction."


def test_amounts_render_as_exact_json_numbers(api):
    response = api.post("invoice", _invoice_body(api, "1000", "0.1", "101.97"))

    assert '"TotalAmt": 1102.07' in response.text and '"Amount": 0.1' in response.text
    assert '"Amount": 1000,' in response.text


def test_a_repeated_requestid_replays_the_first_answer(api):
    first = api.post("customer", {"DisplayName": "Replayed"}, requestid="req-0001")
    second = api.post("customer", {"DisplayName": "Replayed"}, requestid="req-0001")
    other_body = api.post("customer", {"DisplayName": "Something Else"}, requestid="req-0001")

    assert first.status_code == second.status_code == other_body.status_code == 200
    assert first.text == second.text == other_body.text
    assert store.entity_list(api.company, "Customer").filter(name_key="replayed").count() == 1
    assert not store.entity_list(api.company, "Customer").filter(name_key="something else").exists()
    assert SandboxRequestLog.objects.get(request_id="req-0001").endpoint.startswith("/qbo-sandbox/v3/company/")


def test_a_refused_write_is_replayed_too_and_long_request_ids_are_refused(api):
    refused = api.post("customer", {"DisplayName": "Amy's Bird Sanctuary"}, requestid="req-0002")
    retried = api.post("customer", {"DisplayName": "Amy's Bird Sanctuary 2"}, requestid="req-0002")
    too_long = _error(api.post("customer", {"DisplayName": "Long Id"}, requestid="x" * 51))
    longest = api.post("customer", {"DisplayName": "Long Id"}, requestid="x" * 50)

    assert refused.status_code == retried.status_code == 400 and refused.text == retried.text
    assert too_long["code"] == "2130" and longest.status_code == 200


def test_tax_codes_are_read_only_and_made_by_the_tax_service(api):
    agency = api.post("taxagency", {"DisplayName": "Fresno County"}).json()["TaxAgency"]
    created = api.http.post(
        f"{api.base}/taxservice/taxcode",
        json={
            "TaxCode": "Fresno",
            "TaxRateDetails": [{"TaxRateName": "Fresno City", "RateValue": "0.75", "TaxAgencyId": agency["Id"]}],
        },
        params={"minorversion": 75},
    )
    code = api.get("taxcode", created.json()["TaxCodeId"])
    refused = _error(api.post("taxcode", {"Name": "Direct"}))

    assert created.status_code == 200 and set(created.json()) == {"TaxCode", "TaxCodeId", "TaxRateDetails"}
    assert code.json()["TaxCode"]["Name"] == "Fresno"
    assert refused["Detail"] == "Operation Create is not supported."


def test_duplicate_numbers_can_be_allowed_per_request(api):
    body = {**_invoice_body(api, "95"), "DocNumber": "A-1"}
    api.post("invoice", body)

    refused = _error(api.post("invoice", body))
    allowed = api.post("invoice", body, include="allowduplicatedocnum")

    assert refused["code"] == "6140" and allowed.status_code == 200


def test_entity_routes_need_a_token_and_leave_other_endpoints_alone(api):
    anonymous = requests.post(f"{api.base}/customer", json={"DisplayName": "Nobody"})

    assert anonymous.status_code == 401
    assert resolve(f"/qbo-sandbox/v3/company/{api.company.realm_id}/query").url_name == "query"
    assert resolve(f"/qbo-sandbox/v3/company/{api.company.realm_id}/batch").url_name == "batch"
    assert resolve(f"/qbo-sandbox/v3/company/{api.company.realm_id}/customer").url_name == "customer-write"
    assert resolve(f"/qbo-sandbox/v3/company/{api.company.realm_id}/customer/5").url_name == "customer-read"


@pytest.mark.django_db
def test_answers_that_say_nothing_was_done_are_not_replayed():
    company = company_create(name="Retry Co", options=SeedOptions(seed="empty"))
    request = RequestFactory().post("/qbo-sandbox/v3/company/1/customer?requestid=retry-1")
    answers = iter([HttpResponse("busy", status=503), HttpResponse("throttled", status=429), HttpResponse("ok")])

    statuses = [with_request_id(company, request, lambda: next(answers)).status_code for _ in range(4)]

    assert statuses == [503, 429, 200, 200]
    assert SandboxRequestLog.objects.get(request_id="retry-1").response_body == "ok"
