"""
Helpers for sync scenarios: configure a division, run a sync, look at both sides.

Every scenario runs twice: as written, and with a preview before each sync it runs, which must count what that sync
then does per entity and action (``tests.quickbooks.previews``). A scenario whose sync meets what only QuickBooks'
answer can tell (a fault, a record changed there meanwhile) is marked ``preview_unpredictable`` with the reason.
"""

import pytest

from apps.qbo_sandbox.entities import entity_create, entity_update
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncRun, SyncTrigger
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync import run_division_sync
from tests.quickbooks.conftest import connect  # noqa: F401  (fixtures of the package are shared)
from tests.quickbooks.previews import PREVIEWED_TRIGGERS, preview_then_run, previewing_first


@pytest.fixture(autouse=True)
def _previewed(preview_first):
    """Every scenario here also runs with a preview before each sync (see ``tests.quickbooks.previews``)."""


def configure(division, **options):
    values = {"customers_direction": "off", "customers_primary": "", "sync_tax_rates_and_terms": True}
    values.update(options)
    return sync_settings_update(division=division, user=None, **values)


def sync(division, trigger: str = SyncTrigger.MANUAL, **kwargs) -> SyncRun:
    if previewing_first() and trigger in PREVIEWED_TRIGGERS and "backend" not in kwargs:
        return preview_then_run(division, trigger, **kwargs)[1]
    return run_division_sync(division.pk, trigger, **kwargs)


def remote_customers(company, **filters) -> list[SandboxEntity]:
    return list(SandboxEntity.objects.filter(company=company, entity_type="Customer", **filters).order_by("id"))


def remote_by_name(company, name: str) -> SandboxEntity:
    return SandboxEntity.objects.get(company=company, entity_type="Customer", data__DisplayName=name)


def remote_create(company, entity: str, payload: dict) -> SandboxEntity:
    return entity_create(company, entity, payload)


def remote_update(company, entity: str, record: SandboxEntity, changes: dict) -> SandboxEntity:
    record.refresh_from_db()
    payload = {"Id": record.entity_id, "SyncToken": str(record.sync_token), "sparse": True, **changes}
    return entity_update(company, entity, payload)


def entries(run: SyncRun, **filters) -> list[tuple[str, str, str]]:
    return list(run.entries.filter(**filters).values_list("entity", "action", "record_label"))


@pytest.fixture
def company(sandbox_company):
    return sandbox_company
