"""Injected faults as a client meets them over HTTP: latency, 500, 503, slow answers, dropped connections, XML."""

import time
import xml.etree.ElementTree as ElementTree

import pytest
import requests
from django.test import Client

from apps.qbo_sandbox.companies import company_create, company_update_settings
from apps.qbo_sandbox.faults.counters import counter_get
from apps.qbo_sandbox.faults.guard import counter_base
from apps.qbo_sandbox.faults.knobs import FaultKnobs
from apps.qbo_sandbox.faults.plan import fault_plan_draw
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE, app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions

XML_NAMESPACE = {"qbo": "http://schema.intuit.com/finance/v3"}


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="Faults Co", options=SeedOptions(seed="empty"))


@pytest.fixture
def token(company) -> str:
    app, _ = app_create(name="FieldOffice", redirect_uris=["http://localhost/cb"])
    return grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE).access_token


class Api:
    """GET the company's CompanyInfo over a live server, as a program would."""

    def __init__(self, base_url: str, company: SandboxCompany, token: str) -> None:
        self.url = f"{base_url}/qbo-sandbox/v3/company/{company.realm_id}/companyinfo/{company.realm_id}"
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def __call__(self, *, timeout: float = 10, session: requests.Session | None = None) -> requests.Response:
        return (session or requests).get(self.url, headers=self.headers, params={"minorversion": 75}, timeout=timeout)


@pytest.fixture
def api(live_server, company, token) -> Api:
    return Api(live_server.url, company, token)


def _in_flight(company: SandboxCompany) -> int:
    company.refresh_from_db()
    return counter_get(f"{counter_base(company)}:inflight:{company.grants.get().app_id}")


def test_latency_is_added_to_every_call(api, company):
    company_update_settings(company, {"latency_ms": 200})

    started = time.monotonic()
    response = api()

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_an_injected_500_is_the_gateways_internal_server_error(api, company):
    company_update_settings(company, {"error_rates": {"500": 1.0}})

    response = api()

    assert response.status_code == 500
    assert response.headers["intuit_tid"]
    error = response.json()["fault"]["error"][0]
    assert error["message"] == "message=InternalServerError; errorCode=003100; statusCode=500"
    assert error["code"] == "3100"
    assert response.json()["fault"]["type"] == "SERVICE"


def test_an_injected_503_is_the_load_balancers_html_page(api, company):
    company_update_settings(company, {"error_rates": {"503": 1.0}})

    response = api()

    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>503 Service Unavailable</title>" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_a_slow_answer_outlasts_the_clients_timeout(api, company):
    company_update_settings(company, {"slow_rate": 1.0, "slow_seconds": 0.6})

    with pytest.raises(requests.exceptions.ReadTimeout):
        api(timeout=0.15)

    # The call still holds its place until the sandbox has answered into the void.
    assert _in_flight(company) == 1
    deadline = time.monotonic() + 5
    while _in_flight(company) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _in_flight(company) == 0


def test_a_dropped_connection_is_closed_without_an_answer(api, company):
    company_update_settings(company, {"drop_rate": 1.0})

    with pytest.raises(requests.exceptions.ConnectionError):
        api()
    with requests.Session() as session:
        company_update_settings(company, {"drop_rate": 0})
        assert api(session=session).status_code == 200
        # A kept-alive connection is closed just the same, without waiting for a timeout.
        company_update_settings(company, {"drop_rate": 1.0})
        with pytest.raises(requests.exceptions.ConnectionError):
            api(session=session, timeout=5)

    company_update_settings(company, {"drop_rate": 0})
    assert api().status_code == 200


def test_a_dropped_connection_under_the_test_client_raises(company, token):
    company_update_settings(company, {"drop_rate": 1.0})
    response = Client().get(
        f"/qbo-sandbox/v3/company/{company.realm_id}/companyinfo/1", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    with pytest.raises(ConnectionResetError):
        b"".join(response.streaming_content)


def test_a_throttle_fault_can_come_as_xml_whatever_the_accept_header(api, company):
    company_update_settings(company, {"rate_limit_per_minute": 1, "xml_fault_rate": 1.0})

    assert api().status_code == 200
    response = api()

    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://schema.intuit.com/finance/v3}IntuitResponse" and root.get("time")
    fault = root.find("qbo:Fault", XML_NAMESPACE)
    error = fault.find("qbo:Error", XML_NAMESPACE)
    assert fault.get("type") == "SERVICE" and error.get("code") == "3001"
    assert error.findtext("qbo:Message", namespaces=XML_NAMESPACE) == (
        "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    )
    assert error.findtext("qbo:Detail", namespaces=XML_NAMESPACE) == "The request limit was reached.  Try again later"


def test_an_injected_500_can_come_as_xml(api, company):
    company_update_settings(company, {"error_rates": {"500": 1.0}, "xml_fault_rate": 1.0})

    response = api()

    assert response.status_code == 500 and response.headers["Content-Type"].startswith("application/xml")
    error = ElementTree.fromstring(response.content).find("qbo:Fault/qbo:Error", XML_NAMESPACE)
    assert error.get("code") == "3100"


def _statuses(company: SandboxCompany, token: str, count: int) -> list[int]:
    client = Client()
    path = f"/qbo-sandbox/v3/company/{company.realm_id}/companyinfo/1"
    return [client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(count)]


def test_a_seed_makes_the_faults_reproducible(company, token):
    knobs = {"random_seed": 7, "error_rates": {"500": 0.3, "503": 0.2}}
    company_update_settings(company, knobs)
    first = _statuses(company, token, 30)

    company_update_settings(company, knobs)  # saving the knobs restarts the sequence
    second = _statuses(company, token, 30)
    company_update_settings(company, {"random_seed": 8})
    other_seed = _statuses(company, token, 30)

    assert first == second
    assert {200, 500, 503} <= set(first)
    assert other_seed != first


def test_one_rate_does_not_shift_the_draws_of_another():
    quiet = FaultKnobs(seed=3, error_rates=((500, 0.5),))
    dropping = FaultKnobs(seed=3, error_rates=((500, 0.5),), drop_rate=0.5, slow_rate=0.2)

    errors = [fault_plan_draw(quiet, n).error_status for n in range(1, 50)]

    assert errors == [fault_plan_draw(dropping, n).error_status for n in range(1, 50)]
    assert fault_plan_draw(dropping, 1) == fault_plan_draw(dropping, 1)
    assert any(fault_plan_draw(dropping, n).drop for n in range(1, 50))
