"""The storage layer: Ids, SyncTokens, MetaData times in Intuit's format, tombstones and name look-ups."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.timefmt import qbo_datetime, qbo_response_time

pytestmark = pytest.mark.django_db

QBO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture
def company():
    return company_create(name="Store Co", options=SeedOptions(seed="empty"))


def test_times_are_rendered_in_the_company_zone_with_an_offset():
    winter = datetime(2015, 11, 22, 18, 11, 12, 345678, tzinfo=UTC)
    summer = datetime(2015, 7, 1, 18, 0, 0, tzinfo=UTC)

    assert qbo_datetime(winter, "America/Los_Angeles") == "2015-11-22T10:11:12-08:00"
    assert qbo_datetime(summer, "America/Los_Angeles") == "2015-07-01T11:00:00-07:00"
    assert qbo_datetime(winter, "UTC") == "2015-11-22T18:11:12+00:00"
    assert qbo_response_time("America/Los_Angeles", winter) == "2015-11-22T10:11:12.345-08:00"


def test_create_stamps_id_sync_token_and_metadata(company):
    entity = store.entity_create(company, "Customer", {"DisplayName": "Amy's Bird Sanctuary", "Active": True})
    invoice = store.entity_create(company, "Invoice", {"DocNumber": "1001", "Line": []})

    data = entity.data
    assert data["Id"] == entity.entity_id and data["Id"].isdigit()
    assert data["SyncToken"] == "0" and entity.sync_token == 0
    assert data["domain"] == "QBO" and data["sparse"] is False
    assert QBO_DATETIME.match(data["MetaData"]["CreateTime"])
    assert data["MetaData"]["CreateTime"] == data["MetaData"]["LastUpdatedTime"]
    assert entity.name_key == "amy's bird sanctuary"
    assert entity.created_at.tzinfo is not None
    assert invoice.doc_number == "1001" and invoice.active is True and invoice.name_key == ""


def test_update_bumps_sync_token_and_last_updated_time_only(company):
    entity = store.entity_create(company, "Customer", {"DisplayName": "Cool Cars", "Active": True})
    created = entity.data["MetaData"]["CreateTime"]
    later = entity.updated_at + timedelta(minutes=5)

    store.entity_update(entity, {**entity.data, "DisplayName": "Cool Cars Inc", "Active": False}, at=later)

    entity.refresh_from_db()
    assert entity.data["SyncToken"] == "1" and entity.sync_token == 1
    assert entity.data["MetaData"]["CreateTime"] == created
    assert entity.data["MetaData"]["LastUpdatedTime"] == qbo_datetime(later, company.time_zone)
    assert entity.active is False and entity.name_key == "cool cars inc"
    assert entity.updated_at == later


def test_ids_are_allocated_once(company):
    first = store.allocate_ids(company, 3)
    second = store.allocate_ids(company, 2)

    assert len(set(first + second)) == 5
    assert [int(number) for number in first + second] == sorted(int(number) for number in first + second)


def test_tombstones_leave_reads_but_stay_for_change_data_capture(company):
    invoice = store.entity_create(company, "Invoice", {"DocNumber": "1001", "Line": []})
    before = invoice.updated_at - timedelta(seconds=1)

    store.entity_tombstone(invoice)

    assert store.entity_get(company, "Invoice", invoice.entity_id) is None
    assert not store.entity_list(company, "Invoice").exists()
    changed = store.entity_list(company, "Invoice", include_deleted=True, changed_since=before)
    assert [entity.deleted_at is not None for entity in changed] == [True]


def test_list_filters_on_active(company):
    store.entity_create(company, "Item", {"Name": "Labor", "Active": True})
    store.entity_create(company, "Item", {"Name": "Old", "Active": False})

    assert [e.data["Name"] for e in store.entity_list(company, "Item", active=True)] == ["Labor"]
    assert len(store.entity_payloads(store.entity_list(company, "Item"))) == 2


def test_name_conflicts_span_people_and_inactive_records(company):
    vendor = store.entity_create(company, "Vendor", {"DisplayName": "Bob's Plumbing", "Active": False})

    assert store.name_conflict_find(company, store.NAME_POOL_PEOPLE, "  BOB'S plumbing ") == vendor
    assert store.name_conflict_find(company, ["Item"], "Bob's Plumbing") is None
    assert store.name_conflict_find(company, store.NAME_POOL_PEOPLE, "Bob's Plumbing", exclude=vendor) is None


def test_bulk_create_uses_one_id_block(company):
    entities = store.entities_bulk_create(company, "Term", [{"Name": f"Net {days}"} for days in (10, 20, 30)])

    assert [entity.data["Id"] for entity in entities] == [entity.entity_id for entity in entities]
    assert store.entity_counts(company)["Term"] == 3
