"""
QuickBooks → FieldOffice, saved a batch at a time: each record is decided and logged as if saved alone (a record
refused here fails alone, in its place in the log; a job sees the locations saved before it), and the cost of a pull
in queries hardly grows with the number of records.
"""

import pytest

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.models import RecordLink, SyncRunStatus
from apps.quickbooks.sync.measure import sql_queries_counted
from tests.quickbooks.sync.conftest import configure, entries, remote_create, sync


@pytest.mark.preview_unpredictable("A preview saves nothing here, so it cannot know what FieldOffice would refuse.")
def test_a_customer_refused_here_fails_alone_in_its_place_in_the_log(division, connection, company):
    for name in ("Alder Electric", "Birch Bakery", "Cedar Cafe"):
        email = "office@@example.com" if name == "Birch Bakery" else "office@example.com"
        remote_create(company, "Customer", {"DisplayName": name, "PrimaryEmailAddr": {"Address": email}})
    configure(division, customers_direction="to_local")

    run = sync(division)

    assert run.status != SyncRunStatus.FAILED, run.error_summary
    assert entries(run) == [
        ("customer", "created", "Alder Electric"),
        ("customer", "failed", "Birch Bakery"),
        ("customer", "created", "Cedar Cafe"),
    ]
    failed = run.entries.get(action="failed")
    assert failed.message == "Birch Bakery could not be saved here: Enter a valid email address."
    assert sorted(Customer.objects.filter(division=division).values_list("display_name", flat=True)) == [
        "Alder Electric",
        "Cedar Cafe",
    ]
    linked = RecordLink.objects.filter(division=division, entity_type="Customer").exclude(qbo_id="")
    assert linked.count() == 2
    assert all(entry.object_id for entry in run.entries.filter(action="created"))


def test_two_jobs_named_alike_in_one_batch_get_two_locations(division, connection, company):
    parent = remote_create(company, "Customer", {"DisplayName": "Acme"})
    for name in ("Shop", "Acme - Shop"):
        remote_create(company, "Customer", {"DisplayName": name, "Job": True, "ParentRef": {"value": parent.entity_id}})
    configure(division, customers_direction="to_local")

    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    names = sorted(ServiceLocation.objects.filter(customer__division=division).values_list("name", flat=True))
    assert names[0] == "Shop" and names[1].startswith("Shop (")
    assert [action for _, action, _ in entries(run, entity="service location")] == ["created", "created"]


def test_the_queries_of_a_pull_hardly_grow_with_its_records(division, connection, company):
    configure(division, customers_direction="to_local")

    def pulled(count: int, prefix: str) -> int:
        for number in range(count):
            parent = remote_create(company, "Customer", {"DisplayName": f"{prefix} {number}"})
            remote_create(
                company,
                "Customer",
                {"DisplayName": f"{prefix} {number} site", "ParentRef": {"value": parent.entity_id}},
            )
        with sql_queries_counted() as queries:
            run = sync(division)
        assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
        return queries.count

    few = pulled(5, "Few")
    many = pulled(65, "Many")
    # 120 records more (60 customers, 60 locations) cost a few queries more, not several a record.
    assert many - few <= 30
