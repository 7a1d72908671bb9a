"""Pieces of the client that need no server: fault bodies, JSON numbers, the per-realm limiter."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import pytest
from django.core.cache.backends.locmem import LocMemCache

from apps.quickbooks.errors import (
    AuthenticationError,
    DuplicateDocumentNumberError,
    FaultError,
    StaleObjectError,
    ThrottledError,
    UnavailableError,
)
from apps.quickbooks.online.client.faults import api_error
from apps.quickbooks.online.client.limiter import RealmLimiter
from apps.quickbooks.online.client.payloads import json_dumps, json_loads

JSON = "application/json;charset=UTF-8"
XML = "application/xml;charset=UTF-8"


def test_a_validation_fault():
    body = (
        '{"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"You and Sam were working on this at the same '
        'time.","code":"5010","element":""}],"type":"ValidationFault"},"time":"2015-01-01T10:00:00.000-08:00"}'
    )

    error = api_error(400, JSON, body, "1-abc")

    assert isinstance(error, StaleObjectError)
    assert (error.code, error.fault_type, error.intuit_tid) == ("5010", "ValidationFault", "1-abc")
    assert error.message == (
        "QuickBooks refused the request (5010): Stale Object Error: You and Sam were working on this at the same time."
    )


def test_a_fault_in_a_200_and_an_unknown_code():
    body = '{"Fault":{"Error":[{"Message":"Duplicate Document Number Error","code":"6140"}],"type":"ValidationFault"}}'
    assert isinstance(api_error(200, JSON, body), DuplicateDocumentNumberError)
    body = '{"Fault":{"Error":[{"Message":"A business validation error","Detail":"Why","code":"6000"}]}}'
    error = api_error(400, JSON, body)
    assert type(error) is FaultError and error.detail == "Why"


def test_the_lowercase_401_shape():
    body = (
        '{"warnings":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; '
        'statusCode=401","detail":"Token expired: eyJlbmMiOiJBMTI4Q0JD...","code":"3200","element":null}],'
        '"type":"AUTHENTICATION"},"time":1767225600000}'
    )

    error = api_error(401, JSON, body, "1-def")

    assert isinstance(error, AuthenticationError)
    assert (error.code, error.fault_type, error.element) == ("3200", "AUTHENTICATION", "")
    assert "reconnect" in error.message


def test_an_xml_throttle_fault():
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<IntuitResponse time="2015-01-01T10:00:00.000-08:00" xmlns="http://schema.intuit.com/finance/v3">\n'
        '  <Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; '
        "statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault>\n"
        "</IntuitResponse>"
    )

    error = api_error(429, XML, body)

    assert isinstance(error, ThrottledError) and error.transient
    assert (error.code, error.fault_type) == ("3001", "SERVICE")
    assert error.detail == "The request limit was reached.  Try again later"


def test_an_html_gateway_page():
    error = api_error(503, "text/html", "<html><head><title>503 Service Unavailable</title></head></html>")

    assert isinstance(error, UnavailableError) and error.errors == () and error.transient


def test_money_goes_out_as_numbers_and_comes_back_as_decimal():
    text = json_dumps({"Amount": Decimal("1102.07"), "Qty": Decimal("2"), "Line": [{"Rate": Decimal("0.1")}]})

    assert text == '{"Amount":1102.07,"Qty":2.0,"Line":[{"Rate":0.1}]}'
    assert json_loads(text)["Amount"] == Decimal("1102.07")
    with pytest.raises(ValueError):
        json_dumps({"Amount": Decimal("1234567890.1234567")})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def store():
    return LocMemCache("quickbooks-limiter-tests", {})


def test_the_limiter_admits_its_limit_from_many_threads_and_makes_the_rest_wait(store):
    clock = FakeClock()
    limiter = RealmLimiter(
        "1", per_minute=30, batch_per_minute=0, concurrent=0, slot_seconds=60, store=store, clock=clock
    )
    waited = []
    limiter.sleep = waited.append  # a request that must wait records it and tries again at once
    admitted = []
    start = threading.Barrier(10)

    def worker() -> None:
        start.wait()
        for _ in range(3):
            with limiter.slot():
                admitted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(admitted) == 30 and not waited
    limiter.sleep = clock.sleep
    with limiter.slot():  # the 31st waits for the minute to roll on
        pass
    assert clock.now - 1_000_000.0 >= 60


def test_batches_have_their_own_limit(store):
    clock = FakeClock()
    limiter = RealmLimiter(
        "2", per_minute=100, batch_per_minute=2, concurrent=0, slot_seconds=60, store=store, clock=clock
    )
    limiter.sleep = clock.sleep
    for _ in range(2):
        with limiter.slot(batch=True):
            pass
    with limiter.slot():
        pass
    assert clock.now == 1_000_000.0
    with limiter.slot(batch=True):
        pass
    assert clock.now > 1_000_000.0


def test_concurrency_places_are_shared_and_given_back(store):
    limiter = RealmLimiter("3", per_minute=0, batch_per_minute=0, concurrent=2, slot_seconds=60, store=store)
    inside = threading.Semaphore(0)
    leave = threading.Event()
    most = []
    count = [0]
    lock = threading.Lock()

    def worker() -> None:
        with limiter.slot():
            with lock:
                count[0] += 1
                most.append(count[0])
            inside.release()
            leave.wait(5)
            with lock:
                count[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    inside.acquire(timeout=5)
    inside.acquire(timeout=5)
    assert not inside.acquire(timeout=0.3)  # two are in, the others wait
    leave.set()
    for thread in threads:
        thread.join()
    assert max(most) == 2 and len(most) == 4


def test_a_pause_holds_every_worker_back(store):
    clock = FakeClock()
    limiter = RealmLimiter(
        "4", per_minute=0, batch_per_minute=0, concurrent=0, slot_seconds=60, store=store, clock=clock
    )
    limiter.sleep = clock.sleep

    RealmLimiter("4", per_minute=0, batch_per_minute=0, concurrent=0, slot_seconds=60, store=store, clock=clock).pause(
        30
    )
    with limiter.slot():
        pass

    assert clock.now == pytest.approx(1_000_030.0)


class _Answer:
    def __init__(self, **headers: str) -> None:
        self.headers = headers


def test_retry_after_in_seconds_or_as_a_date_and_capped():
    from apps.quickbooks.online.client.client import MAX_RETRY_AFTER_SECONDS, _retry_after

    assert _retry_after(_Answer()) is None
    assert _retry_after(_Answer(**{"Retry-After": "7"})) == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= _retry_after(_Answer(**{"Retry-After": later})) <= 30
    assert _retry_after(_Answer(**{"Retry-After": "86400"})) == MAX_RETRY_AFTER_SECONDS
    assert _retry_after(_Answer(**{"Retry-After": "soon"})) is None
