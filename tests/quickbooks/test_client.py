"""The API client against the sandbox: retries, requestid, faults, paging, batch, CDC and Decimal amounts."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.qbo_sandbox.companies import company_update_settings
from apps.qbo_sandbox.faults.knobs import FaultKnobs
from apps.qbo_sandbox.faults.plan import FaultPlan, fault_plan_draw
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.quickbooks.errors import DuplicateNameError, FaultError, ObjectNotFoundError, UnavailableError
from apps.quickbooks.online.connection import client_for


def _outcome(plan: FaultPlan) -> tuple[int, bool]:
    return plan.error_status, plan.drop


def _seed_for(company: SandboxCompany, wanted: list[FaultPlan], knobs: dict) -> int:
    """A fault seed under which the next requests meet ``wanted`` errors and drops, one plan per request."""
    company_update_settings(company, knobs)
    base = FaultKnobs.of(company)
    for seed in range(10_000):
        seeded = dataclasses.replace(base, seed=seed)
        plans = [fault_plan_draw(seeded, number) for number in range(1, len(wanted) + 1)]
        if [_outcome(plan) for plan in plans] == [_outcome(plan) for plan in wanted]:
            return seed
    raise AssertionError("no seed gives that sequence")


def _inject(company: SandboxCompany, wanted: list[FaultPlan], **knobs) -> None:
    seed = _seed_for(company, wanted, knobs)
    # Saving the knobs restarts the company's request numbering: the next request is number 1.
    company_update_settings(company, {"random_seed": seed})


def _customers(company: SandboxCompany, name: str) -> int:
    return SandboxEntity.objects.filter(company=company, entity_type="Customer", data__DisplayName=name).count()


@pytest.fixture
def client(connection):
    with client_for(connection) as api:
        yield api


@pytest.fixture
def service_item(client) -> dict:
    income = client.create("Account", {"Name": "Service Income", "AccountType": "Income"})
    return client.create(
        "Item",
        {
            "Name": "Drain cleaning",
            "Type": "Service",
            "UnitPrice": Decimal("189.95"),
            "IncomeAccountRef": {"value": income["Id"]},
        },
    )


def test_injected_503_500_and_429_are_retried(client, sandbox_company):
    _inject(
        sandbox_company,
        [FaultPlan(error_status=503), FaultPlan(error_status=500), FaultPlan(error_status=429), FaultPlan()],
        error_rates={"429": 0.3, "500": 0.3, "503": 0.3},
        # 429 and 500 come as XML, 503 as the load balancer's HTML page.
        xml_fault_rate=1.0,
    )

    assert client.company_info()["CompanyName"] == "Fieldwork Plumbing"
    assert client.api_calls == 4


def test_retries_end_with_a_transient_error(connection, sandbox_company, settings):
    settings.QBO_MAX_ATTEMPTS = 2
    company_update_settings(sandbox_company, {"error_rates": {"503": 1.0}})

    with client_for(connection) as client, pytest.raises(UnavailableError) as failed:
        client.company_info()

    assert client.api_calls == 2
    assert failed.value.status == 503 and failed.value.transient and failed.value.intuit_tid


def test_a_write_after_a_dropped_connection_is_made_once(client, sandbox_company):
    _inject(sandbox_company, [FaultPlan(drop=True), FaultPlan()], drop_rate=0.5)

    customer = client.create("Customer", {"DisplayName": "Dropped Once Plumbing"})

    assert client.api_calls == 2
    assert customer["DisplayName"] == "Dropped Once Plumbing" and "Id" in customer
    assert _customers(sandbox_company, "Dropped Once Plumbing") == 1


def test_the_same_requestid_is_answered_once(client, sandbox_company):
    first = client.create("Customer", {"DisplayName": "Idempotent Inc"}, request_id="fo-customer-17-v1")
    again = client.create("Customer", {"DisplayName": "Idempotent Inc"}, request_id="fo-customer-17-v1")

    assert first["Id"] == again["Id"]
    assert _customers(sandbox_company, "Idempotent Inc") == 1


def test_a_duplicate_name_is_a_typed_fault(client):
    client.create("Customer", {"DisplayName": "Acme Heating"})

    with pytest.raises(DuplicateNameError) as duplicate:
        client.create("Customer", {"DisplayName": "Acme Heating"})

    fault = duplicate.value
    assert isinstance(fault, FaultError) and not fault.transient
    assert (fault.status, fault.code, fault.fault_type) == (400, "6240", "ValidationFault")
    assert fault.errors[0].message == "Duplicate Name Exists Error"
    assert "The name supplied already exists" in fault.detail
    assert fault.intuit_tid.startswith("1-")
    assert fault.message.startswith("QuickBooks refused the request (6240): Duplicate Name Exists Error")
    with pytest.raises(ObjectNotFoundError) as missing:
        client.get("Customer", "99999")
    assert missing.value.code == "610"


def test_updates_are_sparse_and_amounts_stay_decimal(client, service_item):
    item = service_item
    assert item["UnitPrice"] == Decimal("189.95") and isinstance(item["UnitPrice"], Decimal)

    updated = client.update("Item", {"Id": item["Id"], "SyncToken": item["SyncToken"], "UnitPrice": Decimal("0.1")})

    assert updated["UnitPrice"] == Decimal("0.1") and updated["Name"] == "Drain cleaning"
    assert client.get("Item", item["Id"])["SyncToken"] == updated["SyncToken"] != item["SyncToken"]


def test_query_all_pages_through_the_results_and_quotes_are_escaped(client):
    names = [f"Paging Customer {number}" for number in range(4)] + ["Paging O'Brien Electric"]
    for name in names:
        client.create("Customer", {"DisplayName": name})
    calls = client.api_calls

    found = list(client.query_all("Customer", "DisplayName LIKE 'Paging%'", page_size=2))

    assert sorted(row["DisplayName"] for row in found) == sorted(names)
    assert client.api_calls - calls == 3
    quoted = client.quote("Paging O'Brien Electric")
    rows = client.query(f"SELECT * FROM Customer WHERE DisplayName = {quoted}")
    assert [row["DisplayName"] for row in rows["Customer"]] == ["Paging O'Brien Electric"]


def test_batch_answers_each_item_and_keeps_to_thirty(client):
    answers = client.batch(
        [
            {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Batch One"}},
            {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Batch One"}},
        ]
    )

    assert answers[0]["Customer"]["DisplayName"] == "Batch One"
    assert answers[1]["Fault"]["Error"][0]["code"] == "6240"
    with pytest.raises(ValueError):
        client.batch([{"bId": str(n), "Query": "SELECT * FROM Customer"} for n in range(31)])


def test_cdc_returns_what_changed(client):
    since = timezone.now() - timedelta(minutes=1)
    client.create("Customer", {"DisplayName": "Changed Lately"})

    changed = client.cdc(["Customer"], since)

    assert [row["DisplayName"] for response in changed for row in response.get("Customer", [])] == ["Changed Lately"]


def test_void_and_delete_of_transactions(client, service_item):
    customer = client.create("Customer", {"DisplayName": "Void Test Co"})
    detail = {"ItemRef": {"value": service_item["Id"]}, "Qty": 1, "UnitPrice": Decimal("10.00")}
    lines = [{"DetailType": "SalesItemLineDetail", "Amount": Decimal("10.00"), "SalesItemLineDetail": detail}]
    first = client.create("Invoice", {"CustomerRef": {"value": customer["Id"]}, "Line": lines})
    second = client.create("Invoice", {"CustomerRef": {"value": customer["Id"]}, "Line": lines})

    voided = client.void("Invoice", first["Id"], first["SyncToken"])
    deleted = client.delete("Invoice", second["Id"], second["SyncToken"])

    assert voided["Balance"] == 0
    assert deleted["status"] == "Deleted"
