"""Everything one run carries from step to step, and the direction rules it follows."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.models import (
    CustomersDirection,
    InventoryDirection,
    InvoicesDirection,
    PrimarySystem,
    SyncRun,
    SyncSettings,
    SyncState,
    VendorsDirection,
)
from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.sync.backend import Backend, Snapshot
from apps.quickbooks.sync.journal import RunJournal
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.lock import RENEW_EVERY, lock_renew
from apps.quickbooks.sync.preview import PlannedLinks, PreviewBackend, PreviewLinkSet, linked_ids

RENEW_EVERY_SECONDS = RENEW_EVERY.total_seconds()
LOCAL_CURSOR_MARGIN = timedelta(seconds=5)


class LockLostError(Exception):
    """Another run took the division over (this one was too slow to renew its lease): stop without writing."""


class SyncRules:
    """
    What a division's sync settings exchange, and in which direction: a run's context follows them, and the page
    asks them which lists a person may synchronize on their own.
    """

    settings: SyncSettings

    def __init__(self, settings: SyncSettings) -> None:
        self.settings = settings

    @property
    def customers_pull(self) -> bool:
        return self.settings.customers_direction in (CustomersDirection.TO_LOCAL, CustomersDirection.TWO_WAY)

    @property
    def customers_push(self) -> bool:
        return self.settings.customers_direction in (CustomersDirection.TO_QUICKBOOKS, CustomersDirection.TWO_WAY)

    @property
    def two_way(self) -> bool:
        return self.settings.customers_direction == CustomersDirection.TWO_WAY

    @property
    def quickbooks_primary(self) -> bool:
        return self.settings.customers_primary == PrimarySystem.QUICKBOOKS

    @property
    def inventory_pull(self) -> bool:
        return self.settings.inventory_direction == InventoryDirection.TO_LOCAL

    @property
    def inventory_push(self) -> bool:
        return self.settings.inventory_direction == InventoryDirection.TO_QUICKBOOKS

    @property
    def vendors_pull(self) -> bool:
        return self.settings.vendors_direction == VendorsDirection.TO_LOCAL

    @property
    def inventory_import(self) -> bool:
        return self.settings.import_inventory

    @property
    def adjustments_export(self) -> bool:
        return self.settings.export_inventory_adjustments

    @property
    def invoices_push(self) -> bool:
        return self.settings.invoices_direction == InvoicesDirection.TO_QUICKBOOKS

    @property
    def anything_synced(self) -> bool:
        directions = (self.customers_pull, self.customers_push, self.inventory_pull, self.inventory_push)
        exchanged = (self.invoices_push, self.vendors_pull, self.inventory_import, self.adjustments_export)
        return any(directions) or any(exchanged) or bool(self.lists_master)

    @property
    def lists_master(self) -> str:
        """Who keeps tax rates and terms: "quickbooks", "local", or "" when they are not synced."""
        if not self.settings.sync_tax_rates_and_terms:
            return ""
        if self.settings.customers_direction == CustomersDirection.TO_QUICKBOOKS:
            return PrimarySystem.LOCAL
        return PrimarySystem.QUICKBOOKS

    @property
    def chart_of_accounts_read(self) -> bool:
        """QuickBooks' chart of accounts is kept here while items (either way) or invoices sync."""
        return self.inventory_pull or self.inventory_push or self.invoices_push


@dataclass
class RunContext(SyncRules):
    division: Division
    settings: SyncSettings
    state: SyncState
    run: SyncRun
    backend: Backend
    journal: RunJournal
    lock_owner: str
    started_at: datetime
    preview: bool = False
    full: bool = False
    resend: bool = False
    snapshot: Snapshot = field(default_factory=Snapshot)
    # Remote records to read again at the next run, by entity (they could not be applied here).
    retry_remote: dict[str, set[str]] = field(default_factory=dict)
    _renewed_at: float = field(default_factory=time.monotonic)
    # Preview only: the links the run would write, for the steps after the one that would write them.
    planned: PlannedLinks | None = None
    # Sentences for the run's summary that concern the whole run, not one record (a setting QuickBooks contradicts).
    notes: list[str] = field(default_factory=list)
    # Where the next run starts looking for local changes (see ``local_changes_collected``).
    next_local_cursor: datetime | None = None
    # The steps a scoped run runs by name, in step order: those picked (Synchronize Customers) and those they bring
    # along (``steps.Step.brings``); it writes nothing else. Empty: every step.
    scope: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.preview:
            # The same steps as a sync, so the same decisions: QuickBooks is read, never written (``sync.preview``).
            self.backend = PreviewBackend(self.backend)
            self.planned = self.planned or PlannedLinks()

    def link_set(self, model: type[models.Model], entity: str) -> LinkSet:
        """The links of ``model``'s records to ``entity``: stored ones, or in a preview, as the run would leave them."""
        if self.planned is not None:
            return PreviewLinkSet(self.division, model, entity, self.planned)
        return LinkSet(self.division, model, entity)

    def linked_ids(self, model: type[models.Model], entity: str) -> dict[int, str]:
        """Local id → QuickBooks id of ``model``'s linked records, as the run would have them at this point."""
        return linked_ids(self.division, model, entity, self.planned)

    def heartbeat(self) -> None:
        """
        Renew the run's lease now and then (it lasts minutes; renewing at every step would cost queries). A preview
        renews it too: a run whose lease runs out is taken for one whose worker stopped.
        """
        now = time.monotonic()
        if now - self._renewed_at < RENEW_EVERY_SECONDS:
            return
        if not lock_renew(self.division, self.lock_owner):
            raise LockLostError
        self._renewed_at = now

    def local_changes_collected(self) -> None:
        """
        Local changes are being read now: the next run looks from here, less a margin for writes stamped before
        this moment but committed after it. What this run wrote itself before (pulled records) is not read again.
        """
        if self.next_local_cursor is None:
            self.next_local_cursor = timezone.now() - LOCAL_CURSOR_MARGIN

    def retry_later(self, entity: str, remote_id: str) -> None:
        self.retry_remote.setdefault(entity, set()).add(remote_id)

    def left_out(self, step: str) -> bool:
        """Whether this run is scoped to other steps than ``step`` (``step`` is not synced, only read)."""
        return bool(self.scope) and step not in self.scope

    def run_first(self, step: str) -> str:
        """
        What a record waiting for a record of ``step`` should say when this scoped run left ``step`` out ("Run
        Customers first…"); "" otherwise.
        """
        if not self.left_out(step):
            return ""
        label = scope_label([step])
        return f"This sync was of {scope_label(self.scope)} only: run {label} first (Synchronize {label}, or Sync Now)."

    def local_changed_since_last_run(self, updated_at: Any) -> bool:
        cursor = self.state.local_cursor
        return cursor is None or updated_at > cursor
