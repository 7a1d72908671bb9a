"""
Names QuickBooks already uses, the scenarios both backends share, each run once per backend (``side``): a one-way
sync never merges a record with its namesake there, and a name QuickBooks refuses is said in plain words with
nothing lost: the record stays here, unlinked, and the rest of the run goes on.

A name a vendor holds is in ``test_customers``; items' namesakes are in ``test_items``.
"""

import pytest

from apps.customers.models import Customer
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunStatus
from apps.quickbooks.sync.backend import CREATE
from tests.factories import CustomerFactory
from tests.quickbooks.scenarios.faults import EditedMeanwhile

pytestmark = pytest.mark.usefixtures("live_server")


def linked_customers(division) -> set[str]:
    links = RecordLink.objects.filter(division=division, entity_type="Customer").exclude(qbo_id="")
    return set(Customer.objects.filter(pk__in=links.values("object_id")).values_list("display_name", flat=True))


def test_one_way_push_skips_a_customer_name_quickbooks_already_has(side, division):
    side.customer_add("Fir Farms")
    CustomerFactory(division=division, display_name="Fir Farms")
    side.configure("to_quickbooks", lists=False)

    run = side.sync()

    assert side.customers_there() == 1
    (entry,) = run.entries.filter(action=SyncAction.SKIPPED)
    assert "QuickBooks already has a customer named Fir Farms" in entry.message
    assert not linked_customers(division)


def test_a_name_taken_in_quickbooks_while_it_is_sent_is_said_plainly_and_nothing_is_lost(side, division):
    CustomerFactory(division=division, display_name="Fir Farms", phone="555-0101")
    CustomerFactory(division=division, display_name="Oak Orchard")
    side.configure("to_quickbooks", lists=False)

    run = side.sync_through(
        lambda backend: EditedMeanwhile(backend, "Customer", lambda: side.customer_add("Fir Farms"), action=CREATE)
    )

    assert run.status == SyncRunStatus.SUCCEEDED
    assert sorted(run.entries.values_list("action", "record_label")) == [
        (SyncAction.CREATED, "Oak Orchard"),
        (SyncAction.SKIPPED, "Fir Farms"),
    ]
    message = run.entries.get(record_label="Fir Farms").message
    assert message == (
        "QuickBooks already has a customer named Fir Farms that is not linked to this record. One-way sync never "
        "merges records: rename one of them, or use two-way sync to link them."
    )
    # Nothing lost: the customer stays here as it was, unlinked; QuickBooks' own one is left alone.
    assert Customer.objects.get(division=division, display_name="Fir Farms").phone == "555-0101"
    assert linked_customers(division) == {"Oak Orchard"}
    assert side.customers_there() == 2 and side.customer_there("Fir Farms")["phone"] == ""

    again = side.sync()

    assert again.status == SyncRunStatus.SUCCEEDED
    assert list(again.entries.values_list("action", "record_label", "message")) == [
        (SyncAction.SKIPPED, "Fir Farms", message)
    ]
    assert side.customers_there() == 2 and linked_customers(division) == {"Oak Orchard"}
