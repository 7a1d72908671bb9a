"""
Chaos: with the sandbox injecting 10% 5xx, 5% throttles (429), 2% timeouts and dropped connections, one access-token
expiry mid-run and a run killed mid-way, repeated runs converge to equal records on both sides with zero duplicates.

Every case runs under each of three fixed fault seeds, with the faults drawn per request in a reproducible order.
The client gets two attempts per call (not the product's default) and writes go in smaller batches, so that injected
faults reach the engine as failed calls instead of being absorbed by the client's retries.
"""

import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_update, service_location_create, service_location_update
from apps.qbo_sandbox.companies import company_update_settings
from apps.qbo_sandbox.faults.counters import counters_sum
from apps.qbo_sandbox.faults.guard import counter_base
from apps.qbo_sandbox.models import SandboxEntity, SandboxGrant, SandboxToken
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.mapping.customers import location_name
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunStatus, SyncState, SyncTrigger
from apps.quickbooks.online import backend as online
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.online.mapping.customers import customer_record
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import CREATE
from tests.factories import CustomerFactory, PaymentTermFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure, remote_by_name, remote_create, remote_update

SEEDS = [7, 1234, 98765]
CUSTOMERS = 40
RUNS_UNDER_FAULTS = 6
# Writes go 10 to a batch here instead of 30, so that the faults spread over more requests; the batch limits of
# both sides are raised to match (throttling is injected instead).
CHAOS_BATCH_ITEMS = 10
CHAOS_BATCHES_PER_MINUTE = 1000
MAX_RUNS_UNDER_FAULTS = 8
KILL_POINTS = ["customers", "locations"]
RUNS_TO_SETTLE = 5


def faults_on(company, seed: int) -> None:
    company_update_settings(
        company,
        {
            "error_rates": {"500": 0.05, "503": 0.05, "429": 0.05},
            "drop_rate": 0.01,
            "slow_rate": 0.01,
            "slow_seconds": 3.0,
            "random_seed": seed,
            "batch_rate_limit_per_minute": CHAOS_BATCHES_PER_MINUTE,
        },
    )


def faults_off(company) -> None:
    company_update_settings(
        company, {"error_rates": None, "drop_rate": None, "slow_rate": None, "slow_seconds": None, "random_seed": None}
    )


@pytest.fixture
def chaos_settings(settings, qbo, monkeypatch):
    monkeypatch.setattr(online, "MAX_BATCH_ITEMS", CHAOS_BATCH_ITEMS)
    settings.QBO_MAX_ATTEMPTS = 2
    settings.QBO_BATCH_LIMIT_PER_MINUTE = CHAOS_BATCHES_PER_MINUTE
    # A slowed answer (3 s) times out; an ordinary one never comes near, even on a loaded machine (at 1 s, a batch
    # answered slowly under load timed out now and then, a fault no seed drew).
    settings.QBO_TIMEOUT_SECONDS = 2.0
    return settings


class Killed(BaseException):
    """The worker running the sync was killed (not an error the engine could catch)."""


class Chaos:
    """
    Wraps each run's Online backend: expires the sandbox's access tokens before the first write of the first run
    that writes, and kills the first run that sends customers (``kill_at="customers"``) or service locations
    (``"locations"``) right after QuickBooks answered, so that QuickBooks has them while FieldOffice never learned
    their ids.
    """

    def __init__(self, company, kill_at: str) -> None:
        self.company = company
        self.kill_at = kill_at
        self.token_expired = False
        self.killed = False

    def backend(self, connection) -> "ChaosBackend":
        return ChaosBackend(self, OnlineBackend(client_for(connection)))

    def expire_access_tokens(self) -> None:
        SandboxToken.objects.filter(grant__company=self.company, kind=SandboxToken.Kind.ACCESS).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        self.token_expired = True

    def kills(self, writes) -> bool:
        jobs = self.kill_at == "locations"
        return not self.killed and any(
            write.entity == "Customer" and write.action == CREATE and write.payload.job == jobs
            for write in writes
        )


class ChaosBackend:
    def __init__(self, chaos: Chaos, inner: OnlineBackend) -> None:
        self.chaos = chaos
        self.inner = inner

    @property
    def api_calls(self) -> int:
        return self.inner.api_calls

    @property
    def capabilities(self):
        return self.inner.capabilities

    def pull(self, **kwargs):
        return self.inner.pull(**kwargs)

    def find_by_names(self, entity, names, *, within=()):
        return self.inner.find_by_names(entity, names, within=within)

    def read_by_ids(self, entity, ids):
        return self.inner.read_by_ids(entity, ids)

    def write(self, writes):
        if not self.chaos.token_expired:
            self.chaos.expire_access_tokens()
        results = self.inner.write(writes)
        if self.chaos.kills(writes):
            self.chaos.killed = True
            raise Killed
        return results

    def close(self) -> None:
        self.inner.close()


def run_with(chaos: Chaos, division, connection) -> None:
    """One sync through the chaos backend; a killed one leaves its lock behind, to expire as time passes."""
    try:
        run_division_sync(division.pk, SyncTrigger.MANUAL, backend=chaos.backend(connection))
        return
    except Killed:
        pass
    SyncState.objects.filter(division=division).update(
        lock_owner="killed-worker", lock_expires_at=timezone.now() + timedelta(minutes=5)
    )
    refused = run_division_sync(division.pk, SyncTrigger.MANUAL)
    assert refused.status == SyncRunStatus.FAILED and "Another sync" in refused.error_summary
    SyncState.objects.filter(division=division).update(lock_expires_at=timezone.now() - timedelta(seconds=1))


def run_chaos(division, connection, company, seed: int, *, kill_at: str, churn) -> None:
    """
    Runs under faults, with ``churn(round)`` editing records before each run after the first, until the kill and
    the token expiry both happened and at least ``RUNS_UNDER_FAULTS`` runs were made.
    """
    chaos = Chaos(company, kill_at)
    tokens_before = SandboxToken.objects.filter(grant__company=company, kind=SandboxToken.Kind.ACCESS).count()
    faults_on(company, seed)
    for round_number in range(MAX_RUNS_UNDER_FAULTS):
        if round_number:
            churn(round_number)
        run_with(chaos, division, connection)
        if chaos.killed and round_number + 1 >= RUNS_UNDER_FAULTS:
            break
    assert chaos.killed and chaos.token_expired, "the chaos never reached the writes"
    tokens_after = SandboxToken.objects.filter(grant__company=company, kind=SandboxToken.Kind.ACCESS).count()
    assert tokens_after > tokens_before, "the expired access token was refreshed"
    # The killed run is closed by the next one that took the division.
    assert not SyncRun.objects.filter(division=division, status=SyncRunStatus.RUNNING).exists()
    stragglers_wait(company)
    faults_off(company)


def stragglers_wait(company, *, seconds: float = 5.0) -> None:
    """Let requests the client gave up on (slowed past its timeout) finish in the sandbox before the test goes on."""
    company.refresh_from_db()
    apps = SandboxGrant.objects.filter(company=company).values_list("app_id", flat=True)
    keys = [f"{counter_base(company)}:inflight:{app_id}" for app_id in apps]
    deadline = time.monotonic() + seconds
    while counters_sum(keys) > 0 and time.monotonic() < deadline:
        time.sleep(0.05)


def settle(division) -> SyncRun:
    """Runs with the faults off until one has nothing left to do; returns that last run."""
    for _ in range(RUNS_TO_SETTLE):
        run = run_division_sync(division.pk, SyncTrigger.MANUAL)
        if run.status == SyncRunStatus.SUCCEEDED and not run.entries.exists():
            return run
    failures = list(run.entries.filter(action="failed").values_list("record_label", "message"))
    raise AssertionError(f"No quiet run after {RUNS_TO_SETTLE} runs without faults: {run.status}, {failures}")


def remote_customers(company) -> dict[str, SandboxEntity]:
    found = SandboxEntity.objects.filter(company=company, entity_type="Customer", deleted_at__isnull=True)
    return {entity.entity_id: entity for entity in found}


def links_by_local(division, model) -> dict[int, str]:
    content_type = ContentType.objects.get_for_model(model)
    links = RecordLink.objects.filter(division=division, content_type=content_type).exclude(qbo_id="")
    return dict(links.values_list("object_id", "qbo_id"))


def assert_no_duplicates(division, company) -> None:
    remote = remote_customers(company)
    names = Counter(name_key(entity.data["DisplayName"]) for entity in remote.values())
    assert [name for name, count in names.items() if count > 1] == [], "a display name appears twice in QuickBooks"
    for entity_type in ("Term", "TaxCode", "TaxAgency"):
        named = SandboxEntity.objects.filter(company=company, entity_type=entity_type, deleted_at__isnull=True)
        names = Counter(name_key(entity.data.get("Name") or entity.data.get("DisplayName") or "") for entity in named)
        assert [name for name, count in names.items() if count > 1] == [], f"a {entity_type} appears twice"
    targets = Counter(
        RecordLink.objects.filter(division=division).exclude(qbo_id="").values_list("entity_type", "qbo_id")
    )
    assert [target for target, count in targets.items() if count > 1] == [], "two links point to one record"
    assert not RecordLink.objects.filter(division=division, qbo_id="").exists(), "a create is still pending"


def top_level_of(remote: dict[str, SandboxEntity], data: dict) -> str:
    """The id of a sub-customer's top-level customer (a job of a job belongs to its top-level customer too)."""
    while (parent := (data.get("ParentRef") or {}).get("value")) and remote[parent].data.get("ParentRef"):
        data = remote[parent].data
    return parent


def assert_equal_on_both_sides(division, company) -> None:
    """Every local customer and location has exactly one twin with the same values, and QuickBooks has no other."""
    remote = remote_customers(company)
    customer_twins = links_by_local(division, Customer)
    location_twins = links_by_local(division, ServiceLocation)
    customers = list(Customer.objects.filter(division=division))
    locations = list(ServiceLocation.objects.filter(customer__division=division))
    for customer in customers:
        twin = remote[customer_twins[customer.pk]].data
        assert twin.get("Job") is not True
        assert twin["DisplayName"] == customer.display_name
        assert (twin.get("PrimaryPhone") or {}).get("FreeFormNumber", "") == customer.phone
        address = twin.get("BillAddr") or {}
        assert (address.get("Line1", ""), address.get("City", ""), address.get("PostalCode", "")) == (
            customer.billing_street,
            customer.billing_city,
            customer.billing_postal_code,
        ), customer.display_name
        assert twin.get("Active", True) == customer.active
    by_id = {customer.pk: customer for customer in customers}
    for location in locations:
        twin = remote[location_twins[location.pk]].data
        customer = by_id[location.customer_id]
        assert twin["Job"] is True
        assert top_level_of(remote, twin) == customer_twins[customer.pk]
        assert location_name(customer_record(twin), customer.display_name) == location.name
        address = twin.get("ShipAddr") or {}
        assert (address.get("Line1", ""), address.get("City", "")) == (location.street, location.city), location.name
    assert len(set(customer_twins.values()) | set(location_twins.values())) == len(customers) + len(locations)
    assert set(remote) == set(customer_twins.values()) | set(location_twins.values()), "QuickBooks has extra records"


# FieldOffice → QuickBooks.


def _local_book(division) -> None:
    terms = [PaymentTermFactory(division=division, name=f"Net {days}", due_days=days) for days in (15, 30)]
    rates = [
        TaxRateFactory(division=division, name="Duluth 8.875%", percent=Decimal("8.8750"), agency="MN Revenue"),
        TaxRateFactory(division=division, name="Ely 7.375%", percent=Decimal("7.3750"), agency="MN Revenue"),
    ]
    for index in range(CUSTOMERS):
        customer = CustomerFactory(
            division=division,
            display_name=f"Chaos Customer {index:02d}",
            phone=f"612-555-{index:04d}",
            billing_street=f"{index} Main St",
            payment_term=terms[index % 2],
            tax_rate=rates[index % 2],
        )
        # A few customers share a common location name: QuickBooks gets "Customer - Main Office" for all but one.
        name = "Main Office" if index % 8 == 0 else f"Site {index:02d}"
        ServiceLocationFactory(customer=customer, name=name, street=f"{index} Site Rd", city="Mesa")
        if index % 5 == 0:
            ServiceLocationFactory(customer=customer, name=f"Depot {index:02d}", street=f"{index} Depot Rd")


def _local_churn(division):
    """Between runs, the office keeps working: phones change, addresses move, customers are added."""

    def churn(round_number: int) -> None:
        customers = list(Customer.objects.filter(division=division).order_by("pk"))
        for customer in customers[round_number::6]:
            customer_update(customer=customer, phone=f"651-555-{round_number:02d}{customer.pk % 100:02d}")
        locations = list(ServiceLocation.objects.filter(customer__division=division).order_by("pk"))
        for location in locations[round_number::9]:
            service_location_update(location=location, street=f"{round_number} Moved Ave")
        late = CustomerFactory(division=division, display_name=f"Late Customer {round_number}")
        ServiceLocationFactory(customer=late, name="Main Office", street=f"{round_number} Late St", city="Mesa")

    return churn


@pytest.mark.parametrize("kill_at", KILL_POINTS)
@pytest.mark.parametrize("seed", SEEDS)
def test_pushing_under_faults_converges_without_duplicates(
    chaos_settings, division, connection, company, seed, kill_at
):
    _local_book(division)
    configure(division, customers_direction="to_quickbooks")

    run_chaos(division, connection, company, seed, kill_at=kill_at, churn=_local_churn(division))
    final = settle(division)

    assert final.status == SyncRunStatus.SUCCEEDED
    assert not final.entries.filter(action__in=["failed", "created"]).exists()
    assert_no_duplicates(division, company)
    assert_equal_on_both_sides(division, company)
    assert Customer.objects.filter(division=division, display_name__startswith="Late Customer").count() >= 3
    assert SandboxEntity.objects.filter(company=company, entity_type="Term").count() == 2
    assert SandboxEntity.objects.filter(company=company, entity_type="TaxCode").count() == 2


# Both ways.


def _two_sided_book(division, company) -> None:
    for index in range(20):
        customer = CustomerFactory(
            division=division,
            display_name=f"Local Customer {index:02d}",
            phone=f"612-555-{index:04d}",
            billing_street=f"{index} Local St",
        )
        ServiceLocationFactory(
            customer=customer, name=f"Local Site {index:02d}", street=f"{index} Site Rd", city="Mesa"
        )
    for index in range(20):
        parent = remote_create(
            company,
            "Customer",
            {
                "DisplayName": f"Remote Customer {index:02d}",
                "PrimaryPhone": {"FreeFormNumber": f"218-555-{index:04d}"},
                "BillAddr": {"Line1": f"{index} Remote Ave", "City": "Duluth"},
            },
        )
        job = remote_create(
            company,
            "Customer",
            {
                "DisplayName": f"Remote Site {index:02d}",
                "Job": True,
                "ParentRef": {"value": parent.entity_id},
                "ShipAddr": {"Line1": f"{index} Job Rd", "City": "Duluth"},
            },
        )
        if index % 5 == 0:
            remote_create(
                company,
                "Customer",
                {"DisplayName": f"Remote Shed {index:02d}", "Job": True, "ParentRef": {"value": job.entity_id}},
            )
    # The same customers on both sides, named a little differently.
    for index in range(5):
        CustomerFactory(division=division, display_name=f"Shared Customer {index:02d}", phone="612-555-9999")
        remote_create(company, "Customer", {"DisplayName": f"shared customer {index:02d}"})
    remote_create(company, "Term", {"Name": "Net 45", "DueDays": 45})


def _two_sided_churn(division, company):
    """Between runs, both offices keep working, each on its own customers."""

    def churn(round_number: int) -> None:
        for customer in Customer.objects.filter(division=division, display_name__startswith="Local Customer")[
            round_number::5
        ]:
            customer_update(customer=customer, phone=f"651-555-{round_number:02d}{customer.pk % 100:02d}")
        for index in range(round_number, 20, 6):
            remote_update(
                company,
                "Customer",
                remote_by_name(company, f"Remote Customer {index:02d}"),
                {"PrimaryPhone": {"FreeFormNumber": f"218-555-{round_number:02d}{index:02d}"}},
            )
        parent = remote_create(company, "Customer", {"DisplayName": f"Remote Newcomer {round_number}"})
        remote_create(
            company,
            "Customer",
            {"DisplayName": f"Newcomer Site {round_number}", "Job": True, "ParentRef": {"value": parent.entity_id}},
        )
        customer = Customer.objects.get(division=division, display_name=f"Local Customer {round_number:02d}")
        service_location_create(customer=customer, name=f"Annex {round_number}", street="1 Annex Rd", city="Mesa")

    return churn


@pytest.mark.parametrize("kill_at", KILL_POINTS)
@pytest.mark.parametrize("seed", SEEDS)
def test_two_way_under_faults_converges_without_duplicates(
    chaos_settings, division, connection, company, seed, kill_at
):
    _two_sided_book(division, company)
    configure(division, customers_direction="two_way", customers_primary="local")

    run_chaos(division, connection, company, seed, kill_at=kill_at, churn=_two_sided_churn(division, company))
    final = settle(division)

    assert final.status == SyncRunStatus.SUCCEEDED
    assert not final.entries.filter(action__in=["failed", "created"]).exists()
    assert_no_duplicates(division, company)
    assert_equal_on_both_sides(division, company)
    newcomers = Customer.objects.filter(division=division, display_name__startswith="Remote Newcomer")
    assert newcomers.count() >= 3
    assert all(customer.service_locations.count() == 1 for customer in newcomers)
    shared = Customer.objects.get(division=division, display_name="Shared Customer 03")
    assert shared.phone == "612-555-9999", "FieldOffice is primary: its values won"
    assert remote_by_name(company, "Shared Customer 03").data["PrimaryPhone"]["FreeFormNumber"] == "612-555-9999"
    assert Customer.objects.get(division=division, display_name="Remote Customer 00").phone == "218-555-0000"


# The kill alone, without faults: what the next run makes of creates QuickBooks carried out unbeknown to FieldOffice.


@pytest.mark.parametrize("kill_at", KILL_POINTS)
@pytest.mark.parametrize("direction", ["to_quickbooks", "two_way"])
def test_the_run_after_a_kill_links_what_quickbooks_created_and_duplicates_nothing(
    division, connection, company, direction, kill_at
):
    for index in range(3):
        customer = CustomerFactory(division=division, display_name=f"Killed Customer {index}")
        ServiceLocationFactory(customer=customer, name=f"Killed Site {index}", street=f"{index} Kill St")
    configure(division, customers_direction=direction, customers_primary="local" if direction == "two_way" else "")
    chaos = Chaos(company, kill_at)
    chaos.token_expired = True  # no token games here

    run_with(chaos, division, connection)
    assert chaos.killed
    after = run_division_sync(division.pk, SyncTrigger.MANUAL)

    assert after.status == SyncRunStatus.SUCCEEDED, list(after.entries.values_list("record_label", "message"))
    linked = after.entries.filter(action="linked")
    assert linked.count() == 3
    assert all("interrupted" in entry.message for entry in linked)
    assert Customer.objects.filter(division=division).count() == 3
    assert ServiceLocation.objects.filter(customer__division=division).count() == 3
    assert_no_duplicates(division, company)
    assert_equal_on_both_sides(division, company)
    assert not run_division_sync(division.pk, SyncTrigger.MANUAL).entries.filter(action="created").exists()


@pytest.mark.parametrize("direction", ["to_quickbooks", "two_way"])
def test_a_customer_renamed_after_a_kill_keeps_one_twin(division, connection, company, direction):
    for index in range(2):
        CustomerFactory(division=division, display_name=f"Killed Customer {index}")
    configure(division, customers_direction=direction, customers_primary="local" if direction == "two_way" else "")
    chaos = Chaos(company, "customers")
    chaos.token_expired = True
    run_with(chaos, division, connection)
    assert chaos.killed
    # QuickBooks created both; before the next run, the office renames one of them.
    customer_update(customer=Customer.objects.get(display_name="Killed Customer 0"), display_name="Renamed Customer 0")

    settle(division)

    assert Customer.objects.filter(division=division).count() == 2
    assert_no_duplicates(division, company)
    assert_equal_on_both_sides(division, company)
