"""
The items step plans with the account mapping, without QuickBooks: a backend that records what it is asked to send
stands in for it, and links stand for QuickBooks' chart as a sync leaves it.
"""

from dataclasses import replace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounting.models import Account, AccountType, ItemType
from apps.catalog.models import Item
from apps.quickbooks.models import RecordLink, SyncRun, SyncSettings, SyncTrigger
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.services.account_mapping import account_mapping_set
from apps.quickbooks.sync.backend import Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.journal import RunJournal
from apps.quickbooks.sync.lock import sync_state_get
from apps.quickbooks.sync.one_way import spec_sync
from apps.quickbooks.sync.specs import ITEMS
from tests.factories import AccountFactory, ItemFactory


class RecordingBackend:
    """Accepts every write and remembers it; has no record of any name (what a preview looks up before creates)."""

    api_calls = 0
    capabilities = OnlineBackend.capabilities

    def __init__(self) -> None:
        self.sent: list[Write] = []

    def write(self, writes: list[Write]) -> list[WriteResult]:
        self.sent.extend(writes)
        return [
            WriteResult(write, record=replace(write.payload, remote_id=f"9{index}", version="0"))
            for index, write in enumerate(writes)
        ]

    def find_by_names(self, entity: str, names: list[str], *, within=()) -> list:
        return []

    def close(self) -> None:
        pass


def _in_quickbooks(account: Account, qbo_id: str) -> Account:
    RecordLink.objects.create(
        division=account.division,
        content_type=ContentType.objects.get_for_model(Account),
        object_id=account.pk,
        entity_type="Account",
        qbo_id=qbo_id,
    )
    return account


def _items_step(division, backend, *, preview: bool = False) -> RunContext:
    trigger = SyncTrigger.PREVIEW if preview else SyncTrigger.MANUAL
    run = SyncRun.objects.create(division=division, trigger=trigger, status="running")
    ctx = RunContext(
        division=division,
        settings=SyncSettings(division=division, inventory_direction="to_quickbooks"),
        state=sync_state_get(division),
        run=run,
        backend=backend,
        journal=RunJournal(run),
        lock_owner="test",
        started_at=timezone.now(),
        preview=preview,
    )
    spec_sync(ctx, ITEMS)
    ctx.journal.flush()
    return ctx


@pytest.fixture
def labor(division):
    """An item whose income account QuickBooks lacks, mapped to QuickBooks' "Services"; its expense account it has."""
    services = _in_quickbooks(AccountFactory(division=division, name="Services", account_type="income"), "11")
    materials = _in_quickbooks(AccountFactory(division=division, name="Job Materials", account_type="expense"), "12")
    ours = AccountFactory(division=division, name="Service Income", account_type=AccountType.INCOME)
    account_mapping_set(division=division, account=ours, quickbooks_account=services)
    return ItemFactory(
        division=division, name="Labor hour", item_type=ItemType.SERVICE, income_account=ours, expense_account=materials
    )


def test_an_item_is_sent_with_the_account_its_own_is_mapped_to(division, labor):
    backend = RecordingBackend()

    ctx = _items_step(division, backend)

    (write,) = backend.sent
    assert write.payload.income_account_id == "11"
    assert write.payload.expense_account_id == "12"
    assert ctx.journal.entity_counts() == {"item": {"created": 1}}


def test_a_preview_plans_the_same_and_sends_nothing(division, labor):
    backend = RecordingBackend()

    ctx = _items_step(division, backend, preview=True)

    assert backend.sent == []
    assert ctx.journal.entity_counts() == {"item": {"created": 1}}
    assert not RecordLink.objects.filter(content_type=ContentType.objects.get_for_model(Item)).exists()


def test_without_a_mapping_the_item_fails_before_anything_is_sent(division, labor):
    labor.income_account.quickbooks_mapping.delete()
    backend = RecordingBackend()

    ctx = _items_step(division, backend)

    assert backend.sent == []
    (entry,) = ctx.run.entries.all()
    assert entry.action == "failed" and "Map accounts on the QuickBooks page" in entry.message
