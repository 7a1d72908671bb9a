"""Intuit's throttles: 500 calls a minute per company, 40 batch calls per company and app, 10 at once per app."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.companies import company_create, company_update_settings
from apps.qbo_sandbox.faults.counters import counter_get
from apps.qbo_sandbox.faults.guard import counter_base, request_kind
from apps.qbo_sandbox.faults.limiter import Window, inflight_acquire, inflight_release, windows_admit
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.oauth.services import ACCOUNTING_SCOPE, app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions

THROTTLE_FAULT = {
    "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
    "Detail": "The request limit was reached.  Try again later",
    "code": "3001",
}


def _token(company: SandboxCompany, name: str = "FieldOffice") -> str:
    app, _ = app_create(name=name, redirect_uris=["http://localhost/cb"])
    return grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE).access_token


@pytest.fixture
def company(db) -> SandboxCompany:
    return company_create(name="Limits Co", options=SeedOptions(seed="empty"))


@pytest.fixture
def token(company) -> str:
    return _token(company)


def _path(company: SandboxCompany) -> str:
    return f"/qbo-sandbox/v3/company/{company.realm_id}/companyinfo/{company.realm_id}"


def _get(client: Client, company: SandboxCompany, token: str) -> HttpResponse:
    return client.get(_path(company), {"minorversion": 75}, HTTP_AUTHORIZATION=f"Bearer {token}")


class FakeClock:
    """Stands in for ``timefmt.now`` so that windows can be crossed without waiting."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 22, 18, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("apps.qbo_sandbox.timefmt.now", fake)
    return fake


# The limiter itself.


@pytest.mark.uses_cache
def test_a_window_admits_exactly_its_limit_from_many_threads():
    base = f"test:{uuid.uuid4()}"
    window = Window("minute", 50, 60)
    admitted: list[bool] = []
    start = threading.Barrier(20)

    def worker() -> None:
        start.wait()
        admitted.extend(windows_admit(base, [window], 1000.0) is None for _ in range(10))

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert admitted.count(True) == 50 and admitted.count(False) == 150


@pytest.mark.uses_cache
def test_a_window_rolls_off_slice_by_slice():
    base = f"test:{uuid.uuid4()}"
    window = Window("minute", 3, 60)  # 12 slices of 5 s
    assert [windows_admit(base, [window], 1000.0 + i) is None for i in range(4)] == [True, True, True, False]

    assert windows_admit(base, [window], 1055.0) is window  # the slice of 1000-1004 s still counts
    assert windows_admit(base, [window], 1060.0) is None  # a minute after: it has rolled off


@pytest.mark.uses_cache
def test_refused_requests_use_no_budget():
    base = f"test:{uuid.uuid4()}"
    wide, narrow = Window("wide", 10, 60), Window("narrow", 1, 60)

    assert windows_admit(base, [wide, narrow], 1000.0) is None
    assert windows_admit(base, [wide, narrow], 1000.0) is narrow
    assert windows_admit(base, [wide, narrow], 1000.0) is narrow

    current, _ = wide.keys(base, 1000.0)
    assert counter_get(current) == 1


@pytest.mark.uses_cache
def test_the_in_flight_gauge_counts_places_across_threads():
    key = f"test:{uuid.uuid4()}:inflight"
    results: list[bool] = []
    start = threading.Barrier(12)

    def worker() -> None:
        start.wait()
        results.append(inflight_acquire(key, 10))

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 10 and counter_get(key) == 10
    for _ in range(10):
        inflight_release(key)
    assert counter_get(key) == 0


# Over HTTP.


def test_the_call_over_the_limit_gets_intuits_throttle_fault(live_server, company, token):
    company_update_settings(company, {"rate_limit_per_minute": 3})
    url = live_server.url + _path(company)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    statuses = [requests.get(url, headers=headers, timeout=10).status_code for _ in range(3)]
    throttled = requests.get(url, headers=headers, timeout=10)

    assert statuses == [200, 200, 200]
    assert throttled.status_code == 429
    assert throttled.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert throttled.headers["intuit_tid"]
    body = throttled.json()
    assert set(body) == {"Fault", "time"}
    assert body["Fault"] == {"Error": [THROTTLE_FAULT], "type": "SERVICE"}
    assert body["time"].endswith(("-08:00", "-07:00"))


def test_the_window_resets_a_scaled_minute_later(company, token, clock):
    # Time scale 10: the minute is 6 s of real time.
    company_update_settings(company, {"rate_limit_per_minute": 2, "time_scale": 10})
    client = Client()

    assert [_get(client, company, token).status_code for _ in range(3)] == [200, 200, 429]
    clock.advance(3)
    assert _get(client, company, token).status_code == 429
    clock.advance(3.1)
    assert [_get(client, company, token).status_code for _ in range(3)] == [200, 200, 429]


def test_the_minute_limit_is_per_company_whatever_the_app(company, token):
    company_update_settings(company, {"rate_limit_per_minute": 2})
    other_app_token = _token(company, name="Another app")
    other_company = company_create(name="Other Co", options=SeedOptions(seed="empty"))
    client = Client()

    assert _get(client, company, token).status_code == 200
    assert _get(client, company, other_app_token).status_code == 200
    assert _get(client, company, token).status_code == 429
    assert _get(client, other_company, _token(other_company)).status_code == 200


def test_anonymous_calls_are_refused_before_they_count(company, token):
    company_update_settings(company, {"rate_limit_per_minute": 1})
    client = Client()

    assert [_get(client, company, "").status_code for _ in range(3)] == [401, 401, 401]
    assert _get(client, company, token).status_code == 200


def test_more_than_the_concurrent_limit_get_429_until_places_free_up(live_server, company, token):
    company_update_settings(company, {"rate_limit_concurrent": 2, "latency_ms": 600})
    url = live_server.url + _path(company)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    start = threading.Barrier(5)
    statuses: list[int] = []

    def call() -> None:
        start.wait()
        statuses.append(requests.get(url, headers=headers, timeout=10).status_code)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 429, 429, 429]
    company.refresh_from_db()
    app_id = company.grants.get().app_id
    assert counter_get(f"{counter_base(company)}:inflight:{app_id}") == 0
    assert requests.get(url, headers=headers, timeout=10).status_code == 200


def _batch_view():
    @qbo_api(kind="batch")
    def batch(request, caller) -> HttpResponse:
        return HttpResponse("{}", content_type="application/json")

    return batch


def test_batch_calls_have_their_own_limit_per_app(company, token):
    company_update_settings(company, {"batch_rate_limit_per_minute": 2})
    batch = _batch_view()
    factory = RequestFactory()

    def call(view, path: str) -> int:
        request = factory.post(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        return view(request, realm_id=company.realm_id).status_code

    batch_path = f"/qbo-sandbox/v3/company/{company.realm_id}/batch"
    assert [call(batch, batch_path) for _ in range(3)] == [200, 200, 429]
    # Other calls still pass: only the minute limit (500) counts them.
    assert _get(Client(), company, token).status_code == 200


def test_a_bare_qbo_api_knows_batch_calls_by_url_name_or_path(company):
    factory = RequestFactory()
    named = factory.post(f"/qbo-sandbox/v3/company/{company.realm_id}/batch")
    named.resolver_match = resolve(named.path)
    by_path = factory.post("/somewhere/v3/company/1/batch/")
    other = factory.get(f"/qbo-sandbox/v3/company/{company.realm_id}/query")

    assert named.resolver_match.url_name == "batch"
    assert request_kind(named) == request_kind(by_path) == "batch"
    assert request_kind(other) == ""


def test_new_knobs_start_fresh_counters(company, token):
    company_update_settings(company, {"rate_limit_per_minute": 1})
    client = Client()
    assert [_get(client, company, token).status_code for _ in range(2)] == [200, 429]

    company_update_settings(company, {"latency_ms": 0})

    assert _get(client, company, token).status_code == 200
