"""
Items with QuickBooks Online only, against the sandbox over real HTTP: what both backends do with items and the chart
of accounts is a shared scenario (``tests/quickbooks/scenarios/test_items.py``, ``test_accounts.py``).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounting.models import Account
from apps.catalog.models import Item
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncRunStatus
from tests.quickbooks.scenarios.common import ONLINE_CHART
from tests.quickbooks.sync.conftest import configure, remote_create, remote_update, sync


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


@pytest.fixture
def chart(company) -> dict[str, SandboxEntity]:
    return {name: remote_create(company, "Account", {"Name": name, **fields}) for name, fields in ONLINE_CHART.items()}


def ref(entity: SandboxEntity) -> dict[str, str]:
    return {"value": entity.entity_id}


def remote_item(company, name: str) -> SandboxEntity:
    return SandboxEntity.objects.get(company=company, entity_type="Item", data__Name=name)


def local_account(division, name: str) -> Account:
    return Account.objects.get(division=division, name=name)


# QuickBooks → FieldOffice.


def test_a_category_is_skipped_and_noted_once(division, connection, company, chart):
    category = remote_create(company, "Item", {"Name": "Filters", "Type": "Category"})
    remote_create(
        company,
        "Item",
        {
            "Name": "Filter 20x20",
            "Type": "Service",
            "ParentRef": ref(category),
            "IncomeAccountRef": ref(chart["Services"]),
        },
    )
    configure(division, inventory_direction="to_local")

    first = sync(division)

    assert_clean(first)
    (note,) = first.entries.filter(entity="item", action="skipped")
    assert note.record_label == "Filters" and "category" in note.message and "not an item to sell" in note.message
    assert list(Item.objects.filter(division=division).values_list("name", flat=True)) == ["Filter 20x20"]

    remote_update(company, "Item", category, {"Name": "Air Filters"})
    again = sync(division)
    full = sync(division, full=True)
    assert not again.entries.filter(action="skipped").exists()
    assert not full.entries.filter(action="skipped").exists()


def test_items_are_listed_once_when_inventory_is_switched_on_after_other_syncs(division, connection, company, chart):
    labor = remote_create(
        company, "Item", {"Name": "Labor", "Type": "Service", "IncomeAccountRef": ref(chart["Services"])}
    )
    # Made long before the cursor of the syncs that ran while inventory was off: change data capture would miss it.
    SandboxEntity.objects.filter(pk=labor.pk).update(updated_at=timezone.now() - timedelta(days=2))
    configure(division, customers_direction="to_local")
    sync(division)

    configure(division, customers_direction="to_local", inventory_direction="to_local")
    run = sync(division)

    assert_clean(run)
    assert Item.objects.filter(division=division, name="Labor").exists()


@pytest.mark.preview_unpredictable("a preview saves nothing here, so it never learns that FieldOffice refuses one")
def test_an_item_that_cannot_be_saved_here_fails_alone_and_is_read_again_at_the_next_run(
    division, connection, company, chart
):
    for name in ("Labor", "Filter"):
        remote_create(company, "Item", {"Name": name, "Type": "Service", "IncomeAccountRef": ref(chart["Services"])})
    # A price FieldOffice refuses, as a QuickBooks item written by another app might carry.
    refused = remote_create(
        company,
        "Item",
        {"Name": "Refund", "Type": "Service", "UnitPrice": -5, "IncomeAccountRef": ref(chart["Services"])},
    )
    configure(division, inventory_direction="to_local")

    first = sync(division)

    assert first.status == SyncRunStatus.PARTIAL
    (failed,) = first.entries.filter(entity="item", action="failed")
    assert failed.message == "Refund could not be saved here: Ensure this value is greater than or equal to 0."
    assert sorted(Item.objects.filter(division=division).values_list("name", flat=True)) == ["Filter", "Labor"]
    assert first.entries.filter(entity="item", action="created").count() == 2

    # Unchanged there, so change data capture does not report it: it is read again by its id all the same.
    second = sync(division)

    assert [(entry.record_label, entry.action) for entry in second.entries.all()] == [("Refund", "failed")]

    remote_update(company, "Item", refused, {"UnitPrice": 5})
    again = sync(division)

    assert_clean(again)
    assert Item.objects.get(division=division, name="Refund").sales_price == 5
