"""Reads for the QuickBooks pages, the commands and the integration labels on domain records."""

import enum
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django_q.conf import Conf
from django_q.models import OrmQ

from apps.accounting.models import Account, DefaultAccounts, ItemType
from apps.accounting.services import ACCOUNT_ROLES
from apps.catalog.models import Item
from apps.core.models import Division
from apps.quickbooks.mapping.accounts import compatible_types
from apps.quickbooks.models import (
    AccountMapping,
    CustomersDirection,
    DesktopConnection,
    IntegrationType,
    InventoryDirection,
    InvoicesDirection,
    QuickBooksConnection,
    RecordLink,
    SyncAction,
    SyncFrequency,
    SyncRun,
    SyncRunEntry,
    SyncRunStatus,
    SyncSettings,
    SyncState,
    SyncTrigger,
    VendorsDirection,
)
from apps.quickbooks.sync.records import ACCOUNT, ITEM

RECENT_RUNS = 10


def connection_for(*, division: Division) -> QuickBooksConnection | None:
    return QuickBooksConnection.objects.select_related("connected_by").filter(division=division).first()


def sync_settings_for(*, division: Division) -> SyncSettings:
    """The stored settings, or the defaults (unsaved) of a division never configured."""
    return SyncSettings.objects.filter(division=division).first() or SyncSettings(division=division)


def recent_runs(*, division: Division, limit: int = RECENT_RUNS) -> list[SyncRun]:
    """The division's last runs, newest first, each with ``listed_status`` (see ``run_listed_status``)."""
    runs = list(SyncRun.objects.filter(division=division).select_related("requested_by")[:limit])
    for run in runs:
        run.listed_status = run_listed_status(run)
    return runs


def run_listed_status(run: SyncRun) -> str:
    """
    A run's status in a list of runs. A preview is listed as "Preview" (it changed nothing, so "Partly done" would
    mislead), "Preview failed" when it could not finish; a sync by its status.
    """
    if run.is_preview and not run.is_active:
        return "Preview" if run.status in (SyncRunStatus.SUCCEEDED, SyncRunStatus.PARTIAL) else "Preview failed"
    return run.get_status_display()


def record_links_count(*, division: Division) -> int:
    return RecordLink.objects.filter(division=division).count()


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: str
    indent: bool = False


def _way(direction: str, choices: type[models.TextChoices]) -> tuple[str, str]:
    """(sync way, sync direction) as the settings page words them."""
    if direction == "off":
        return "Off", ""
    if direction == CustomersDirection.TWO_WAY:
        return "Two ways", ""
    return "One way", choices(direction).label


def _company_name(
    *, division: Division, sync_settings: SyncSettings, connection: QuickBooksConnection | None
) -> str:
    """Online: the company's name read at connect. Desktop: the company file's, as the Web Connector recorded it."""
    if sync_settings.integration_type != IntegrationType.DESKTOP:
        return (connection.company_name if connection else "") or "—"
    desktop = DesktopConnection.objects.filter(division=division).first()
    if desktop is None or not desktop.has_company_file:
        return "Recorded at the first Web Connector update"
    return desktop.company_name or desktop.company_file


def sync_settings_summary(*, division: Division) -> list[SummaryRow]:
    """ "QuickBooks Integration Settings": what the division syncs, in the words of the settings page."""
    connection = connection_for(division=division)
    sync_settings = sync_settings_for(division=division)
    customers_way, customers_direction = _way(sync_settings.customers_direction, CustomersDirection)
    inventory_way, inventory_direction = _way(sync_settings.inventory_direction, InventoryDirection)
    invoices_way, invoices_direction = _way(sync_settings.invoices_direction, InvoicesDirection)
    vendors_way, vendors_direction = _way(sync_settings.vendors_direction, VendorsDirection)
    automatic = sync_settings.frequency != SyncFrequency.MANUAL
    service_item = sync_settings.default_service_item_name or sync_settings.default_service_item_qbo_id
    return [
        SummaryRow("Integration Type", sync_settings.get_integration_type_display()),
        SummaryRow(
            "Company Name", _company_name(division=division, sync_settings=sync_settings, connection=connection)
        ),
        SummaryRow("Sync Mode", "Automated" if automatic else "Manual"),
        SummaryRow("Sync Frequency", sync_settings.get_frequency_display()),
        SummaryRow("Customers Sync", ""),
        SummaryRow("Sync Way", customers_way, indent=True),
        SummaryRow("Sync Direction", customers_direction or "—", indent=True),
        SummaryRow("Primary System", sync_settings.get_customers_primary_display() or "—", indent=True),
        SummaryRow("Inventory Sync", ""),
        SummaryRow("Sync Way", inventory_way, indent=True),
        SummaryRow("Sync Direction", inventory_direction or "—", indent=True),
        SummaryRow("Import Inventory", "Yes" if sync_settings.import_inventory else "No"),
        SummaryRow("Export Inventory Adjustments", "Yes" if sync_settings.export_inventory_adjustments else "No"),
        SummaryRow(
            "Inventory Adjustment Account",
            str(sync_settings.inventory_adjustment_account or "Inventory Shrinkage"),
            indent=True,
        ),
        SummaryRow("Vendors Sync", ""),
        SummaryRow("Sync Way", vendors_way, indent=True),
        SummaryRow("Sync Direction", vendors_direction or "—", indent=True),
        SummaryRow("Invoices Sync", ""),
        SummaryRow("Sync Way", invoices_way, indent=True),
        SummaryRow("Sync Direction", invoices_direction or "—", indent=True),
        SummaryRow("Sync Tax Rates and Terms", "Yes" if sync_settings.sync_tax_rates_and_terms else "No"),
        SummaryRow(
            "Invoice Numbers",
            "Given by QuickBooks" if sync_settings.quickbooks_controls_invoice_numbers else "Given by FieldOffice",
        ),
        SummaryRow("Default QuickBooks Service Item", service_item or "—"),
    ]


@dataclass(frozen=True)
class ServiceItemChoice:
    qbo_id: str
    name: str


def service_item_choices(*, division: Division) -> list[ServiceItemChoice]:
    """
    The QuickBooks service items the division's syncs have seen, by name: its active service items linked to
    QuickBooks (sent there, read from there, or found there by name for an invoice line) and the default service item
    in the settings (the sync sets the one it finds by name). What Configure Sync offers as the default service item.
    """
    content_type = ContentType.objects.get_for_model(Item)
    links = RecordLink.objects.filter(division=division, content_type=content_type, entity_type=ITEM)
    pairs = dict(links.exclude(qbo_id="").values_list("object_id", "qbo_id"))
    services = Item.objects.filter(pk__in=pairs, item_type=ItemType.SERVICE, active=True).order_by("name")
    choices = {pairs[item.pk]: ServiceItemChoice(pairs[item.pk], item.name) for item in services}
    current = sync_settings_for(division=division)
    if current.default_service_item_qbo_id and current.default_service_item_qbo_id not in choices:
        name = current.default_service_item_name or f"QuickBooks ID {current.default_service_item_qbo_id}"
        choices[current.default_service_item_qbo_id] = ServiceItemChoice(current.default_service_item_qbo_id, name)
    return sorted(choices.values(), key=lambda choice: choice.name.casefold())


def linked_account_ids(*, division: Division) -> dict[int, str]:
    """The division's accounts QuickBooks has: account id → QuickBooks id."""
    content_type = ContentType.objects.get_for_model(Account)
    links = RecordLink.objects.filter(division=division, content_type=content_type, entity_type=ACCOUNT)
    return dict(links.exclude(qbo_id="").values_list("object_id", "qbo_id"))


@dataclass(frozen=True)
class AccountToMap:
    """An account here that QuickBooks does not have: what uses it, its mapping, and what may stand for it."""

    account: Account
    items: int
    defaults: int
    mapping: AccountMapping | None
    choices: list[Account]


@dataclass(frozen=True)
class AccountMap:
    """The account mapping page: whether QuickBooks' chart was read yet, and the accounts QuickBooks does not have."""

    chart_read: bool
    accounts: list[AccountToMap]


def account_map(*, division: Division) -> AccountMap:
    """
    Every account of the division that QuickBooks does not have, active or used by items: after a sync read the
    chart (``sync.specs.accounts`` links QuickBooks' accounts by id, number, then name), the unlinked ones. Each with
    the accounts QuickBooks has that may stand for it (active, of a kind that books the same way).
    """
    linked = linked_account_ids(division=division)
    chart = list(Account.objects.filter(division=division))
    in_quickbooks = [account for account in chart if account.pk in linked and account.active]
    missing = [account for account in chart if account.pk not in linked]
    item_uses: dict[int, int] = defaultdict(int)
    for role in ACCOUNT_ROLES:
        rows = Item.objects.filter(division=division, **{f"{role}__in": missing}).values(role).annotate(n=Count("pk"))
        for row in rows:
            item_uses[row[role]] += row["n"]
    default_uses: dict[int, int] = defaultdict(int)
    for row in DefaultAccounts.objects.filter(division=division):
        for role in ACCOUNT_ROLES:
            if (account_id := getattr(row, f"{role}_id")) is not None:
                default_uses[account_id] += 1
    mappings = {
        mapping.account_id: mapping
        for mapping in AccountMapping.objects.filter(account__in=missing).select_related("quickbooks_account")
    }
    accounts = [
        AccountToMap(
            account=account,
            items=item_uses[account.pk],
            defaults=default_uses[account.pk],
            mapping=mappings.get(account.pk),
            choices=[
                other
                for other in in_quickbooks
                if other.account_type in compatible_types(account.account_type)
            ],
        )
        for account in missing
        if account.active or item_uses[account.pk] or default_uses[account.pk]
    ]
    return AccountMap(chart_read=bool(linked), accounts=accounts)


def record_link_labels(obj: models.Model) -> list[str]:
    """Integration labels of a domain record: "QuickBooks (ID 42)" when it is linked."""
    if obj.pk is None:
        return []
    content_type = ContentType.objects.get_for_model(obj)
    links = RecordLink.objects.filter(content_type=content_type, object_id=obj.pk)
    if (division_id := getattr(obj, "division_id", None)) is not None:
        links = links.filter(division_id=division_id)
    return [f"QuickBooks (ID {qbo_id})" for qbo_id in links.values_list("qbo_id", flat=True)]


# Runs: the live status, the chart, the preview and the downloads.

CHART_RUNS = 20
STATUS_ENTRIES = 50
# A run still queued this long after it was asked for, with nothing that took it (not even the reconciler, which
# runs in the same workers): the page says that no background worker seems to be running.
UNCLAIMED_AFTER = timedelta(minutes=3)
# What counts as a record synced, and what a bookkeeper must look at (Download Errors).
SYNCED_ACTIONS = (SyncAction.CREATED, SyncAction.UPDATED, SyncAction.LINKED, SyncAction.DEACTIVATED)
PROBLEM_ACTIONS = (SyncAction.FAILED, SyncAction.SKIPPED)
# The order in which counts are shown.
ACTION_ORDER = (
    SyncAction.CREATED,
    SyncAction.UPDATED,
    SyncAction.LINKED,
    SyncAction.DEACTIVATED,
    SyncAction.SKIPPED,
    SyncAction.FAILED,
)

RUN_LABELS = {
    SyncRunStatus.QUEUED: "Waiting for a worker",
    SyncRunStatus.RUNNING: "Syncing…",
    SyncRunStatus.SUCCEEDED: "Sync completed",
    SyncRunStatus.PARTIAL: "Sync completed with errors",
    SyncRunStatus.FAILED: "Sync failed",
    SyncRunStatus.LOST: "Lost (worker stopped)",
}
PREVIEW_LABELS = {
    **RUN_LABELS,
    SyncRunStatus.SUCCEEDED: "Preview ready",
    SyncRunStatus.PARTIAL: "Preview ready, with records that would fail",
    SyncRunStatus.FAILED: "Preview failed",
}
PREVIEW_VERBS = {
    SyncAction.CREATED: "would create",
    SyncAction.UPDATED: "would update",
    SyncAction.LINKED: "would link",
    SyncAction.DEACTIVATED: "would deactivate",
    SyncAction.SKIPPED: "would skip",
    SyncAction.FAILED: "would fail",
}
# The engine names entities in its own terms; these read better on the page and in the spreadsheets.
ENTITY_LABELS = {
    "account": "Accounts",
    "tax rate": "Tax rates",
    "taxrate": "Tax rates",
    "tax code": "Tax codes",
    "taxcode": "Tax codes",
    "term": "Payment terms",
    "payment term": "Payment terms",
    "customer": "Customers",
    "service location": "Service locations",
    "job": "Service locations",
    "item": "Items",
    "invoice": "Invoices",
    "payment": "Payments",
}


def entity_label(entity: str) -> str:
    """``"tax_rate"`` → ``"Tax rates"``; a name this page does not know is shown as it is, made readable."""
    readable = " ".join(entity.replace("_", " ").split())
    return ENTITY_LABELS.get(readable.lower()) or (readable[:1].upper() + readable[1:]) or "—"


def action_label(action: str, *, preview: bool = False) -> str:
    """``"created"`` → ``"Created"``, or ``"Would create"`` in a preview."""
    if preview and action in PREVIEW_VERBS:
        return PREVIEW_VERBS[action].capitalize()
    try:
        return SyncAction(action).label
    except ValueError:
        return action.capitalize()


def run_label(run: SyncRun) -> str:
    """The run's state in plain words: "Sync completed", "Preview ready", "Waiting for a worker"…"""
    labels = PREVIEW_LABELS if run.is_preview else RUN_LABELS
    return labels.get(run.status, run.get_status_display())


def _number(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def run_action_counts(run: SyncRun) -> dict[str, int]:
    """Records per action (every action present, 0 when none), from ``counts`` or else the sum of ``entity_counts``."""
    totals = dict.fromkeys(ACTION_ORDER, 0)
    if isinstance(run.counts, dict) and run.counts:
        for action in totals:
            totals[action] = _number(run.counts.get(action))
    elif isinstance(run.entity_counts, dict):
        for counts in run.entity_counts.values():
            if isinstance(counts, dict):
                for action in totals:
                    totals[action] += _number(counts.get(action))
    return {str(action): count for action, count in totals.items()}


def run_synced_count(counts: dict[str, int]) -> int:
    return sum(counts[action] for action in SYNCED_ACTIONS)


def run_counts_text(run: SyncRun, counts: dict[str, int] | None = None) -> str:
    """ "3 created · 1 failed", or "would create 3 · would fail 1" for a preview; only the actions that happened."""
    counts = counts if counts is not None else run_action_counts(run)
    if run.is_preview:
        parts = [f"{PREVIEW_VERBS[action]} {counts[action]:,}" for action in ACTION_ORDER if counts[action]]
        text = " · ".join(parts)
        return text[:1].upper() + text[1:] if text else ("" if run.is_active else "Nothing would change")
    parts = [f"{counts[action]:,} {SyncAction(action).label.lower()}" for action in ACTION_ORDER if counts[action]]
    return " · ".join(parts) if parts else ("" if run.is_active else "No records needed a change")


@dataclass(frozen=True)
class EntityTable:
    """Counts per entity and action: the preview's "what a run would do", or what a run did."""

    columns: list[dict]
    rows: list[dict]

    def as_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows}


def run_entity_table(run: SyncRun) -> EntityTable:
    """One row per entity (in the engine's order) with a cell per action; deactivations only when there are any."""
    entity_counts = run.entity_counts if isinstance(run.entity_counts, dict) else {}
    counts_of = {
        str(entity): {action: _number(counts.get(action)) for action in ACTION_ORDER}
        for entity, counts in entity_counts.items()
        if isinstance(counts, dict)
    }
    actions = [SyncAction.CREATED, SyncAction.UPDATED, SyncAction.LINKED, SyncAction.SKIPPED, SyncAction.FAILED]
    if any(counts[SyncAction.DEACTIVATED] for counts in counts_of.values()):
        actions.insert(3, SyncAction.DEACTIVATED)
    columns = [{"key": str(action), "label": action_label(action, preview=run.is_preview)} for action in actions]
    rows = [
        {"entity": entity, "label": entity_label(entity), "cells": [counts[action] for action in actions]}
        for entity, counts in counts_of.items()
    ]
    return EntityTable(columns=columns, rows=rows)


def _when(value: datetime | None, fmt: str = "N j, Y, P") -> str:
    return date_format(timezone.localtime(value), fmt) if value else ""


def latest_run(*, division: Division) -> SyncRun | None:
    """The run the Realtime Sync Status follows: the running one, or the last one (a preview included)."""
    return SyncRun.objects.filter(division=division).select_related("requested_by").first()


def run_is_abandoned(run: SyncRun) -> bool:
    """Queued for so long that no worker seems to be running (the page says so; it does not block a new run)."""
    return run.status == SyncRunStatus.QUEUED and run.created_at < timezone.now() - UNCLAIMED_AFTER


def _run_meta(run: SyncRun) -> str:
    """ "Sync Now, by Ann Lee · queued … · started … · finished …" """
    parts = [run.get_trigger_display() + (f", by {run.requested_by}" if run.requested_by else "")]
    parts.append(f"queued {_when(run.created_at)}")
    if run.started_at:
        parts.append(f"started {_when(run.started_at)}")
    if run.finished_at:
        parts.append(f"finished {_when(run.finished_at)}")
    return " · ".join(parts)


def _progress_text(run: SyncRun) -> str:
    """ "Sending customers: 120 of 400 (30%)" while a run works; nothing once it is done."""
    if not run.is_active:
        return ""
    text = run.stage or ("Waiting for a worker" if run.status == SyncRunStatus.QUEUED else "Starting")
    if run.progress_total:
        text += f": {run.progress_done:,} of {run.progress_total:,}"
    return f"{text} ({run.progress_percent}%)"


def _entries_text(shown: int, total: int) -> str:
    if shown < total:
        return f"Log: the last {shown:,} of {total:,} records, newest first"
    return f"Log: {total:,} record{'' if total == 1 else 's'}, newest first"


def run_status(run: SyncRun, *, entries: int = STATUS_ENTRIES) -> dict:
    """
    Everything the Realtime Sync Status shows about ``run``, as JSON-ready values: the page renders it once and its
    script renders it again from the status endpoint while the run is queued or running.
    """
    counts = run_action_counts(run)
    abandoned = run_is_abandoned(run)
    latest = list(run.entries.order_by("-pk")[:entries])
    total = run.entries.count() if len(latest) == entries else len(latest)
    return {
        "meta": _run_meta(run),
        "progress_text": _progress_text(run),
        "id": run.pk,
        "status": run.status,
        "label": run_label(run),
        "trigger": run.trigger,
        "trigger_label": run.get_trigger_display(),
        "is_preview": run.is_preview,
        "active": run.is_active,
        "abandoned": abandoned,
        "requested_by": str(run.requested_by) if run.requested_by else "",
        "stage": run.stage,
        "progress": {"percent": run.progress_percent, "done": run.progress_done, "total": run.progress_total},
        "counts": counts,
        # "Nothing would change" says no more than the engine's own summary of a run that changed nothing.
        "counts_text": run_counts_text(run, counts) if any(counts.values()) or not run.summary else "",
        "synced": run_synced_count(counts),
        "problems": sum(counts[action] for action in PROBLEM_ACTIONS),
        "queued_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "queued_text": _when(run.created_at),
        "started_text": _when(run.started_at),
        "finished_text": _when(run.finished_at),
        "summary": run.summary,
        "error_summary": run.error_summary,
        "entities": run_entity_table(run).as_dict(),
        "entries_total": total,
        "entries_text": _entries_text(len(latest), total),
        "entries": [
            {
                "id": entry.pk,
                "time": _when(entry.created_at, "H:i:s"),
                "entity": entry.entity,
                "entity_label": entity_label(entry.entity),
                "record": entry.record_label,
                "qbo_id": entry.qbo_id,
                "action": entry.action,
                "action_label": action_label(entry.action, preview=run.is_preview),
                "message": entry.message,
            }
            for entry in latest
        ],
    }


def sync_status(*, division: Division) -> dict:
    """
    The Realtime Sync Status of ``division``: its latest run (or none), and whether the page should ask again soon
    (a run is under way). ``version`` changes whenever a run is queued or changes status: the page then refreshes
    its recent syncs and chart.
    """
    run = latest_run(division=division)
    version = _runs_version(division)
    if run is None:
        return {"run": None, "poll": False, "version": version}
    status = run_status(run)
    return {"run": status, "poll": status["active"] and not status["abandoned"], "version": version}


def _runs_version(division: Division) -> str:
    """A fingerprint of the division's runs and their statuses: the newest run's id, and the latest finish."""
    runs = SyncRun.objects.filter(division=division)
    newest = runs.values_list("pk", flat=True).first()
    finished = runs.aggregate(latest=models.Max("finished_at"))["latest"]
    active = runs.filter(status=SyncRunStatus.RUNNING).count()
    return f"{newest or 0}-{finished.timestamp() if finished else 0}-{active}"


# Runs under way: which are alive, and which lost their worker (``apps.quickbooks.services.runs`` reconciles).

# A run just queued has no task in the broker for a moment (it is queued after the commit), and a run just started
# has no lease yet (a Web Connector update waits for the previous one): neither is judged before this.
RUN_START_GRACE = timedelta(seconds=60)
LOST_MESSAGE = "Its background worker stopped before the sync ended (a worker was stopped or its machine was lost)."


class RunFate(enum.Enum):
    ALIVE = "alive"  # running under its lease, or its task waits in the broker, or it is too young to judge
    LOST = "lost"  # nothing will run it: its worker stopped, or its task is gone
    HAND_BACK = "hand back"  # its task sits with a worker that has not started it while the division is free


@dataclass(frozen=True)
class QueuedTask:
    """A sync run's task in django-q2's database broker: waiting, or handed to a worker (``delivered_at``)."""

    ormq_id: int
    lock: datetime | None
    delivered_at: datetime | None


def queued_run_tasks(*, now: datetime | None = None) -> dict[int, list[QueuedTask]] | None:
    """
    The tasks of requested runs in the broker, by run id; ``None`` when the broker is not django-q2's database
    broker (nothing can be read then). The broker keeps a task until a worker acknowledges it; a task handed to a
    worker is locked until ``retry`` seconds after that, then handed out again.
    """
    if not Conf.ORM:
        return None
    from apps.quickbooks.services.schedules import SYNC_TASK

    now = now or timezone.now()
    retry = timedelta(seconds=Conf.RETRY)
    tasks: dict[int, list[QueuedTask]] = {}
    for ormq in OrmQ.objects.using(Conf.ORM).filter(key=Conf.CLUSTER_NAME).only("pk", "payload", "lock"):
        task = ormq.task
        run_id = (task.get("kwargs") or {}).get("run_id") if task.get("func") == SYNC_TASK else None
        if not isinstance(run_id, int):
            continue
        delivered = ormq.lock is not None and ormq.lock > now
        tasks.setdefault(run_id, []).append(
            QueuedTask(ormq_id=ormq.pk, lock=ormq.lock, delivered_at=ormq.lock - retry if delivered else None)
        )
    return tasks


def run_fate(
    run: SyncRun, *, lease_owner: str, tasks: list[QueuedTask] | None, now: datetime, lease: timedelta
) -> RunFate:
    """
    Whether a queued or running run will still end by itself (``lease_owner`` is the division's live lease holder,
    "" when the lease is free or ran out; ``tasks`` the run's tasks in the broker, ``None`` when unknown).

    A running run is alive while it holds the lease. A queued run is alive while its task waits in the broker, or
    sits with a worker while the division is busy; a task a worker took over a lease ago without starting it, while
    the division is free, is handed back to the queue (its worker may have stopped; if it did not, the run is simply
    delivered twice, and the second delivery finds it done).
    """
    if run.status == SyncRunStatus.RUNNING:
        if run.lock_owner:
            return RunFate.ALIVE if run.lock_owner == lease_owner else RunFate.LOST
        started = run.started_at or run.created_at
        return RunFate.ALIVE if started > now - RUN_START_GRACE else RunFate.LOST
    if run.status != SyncRunStatus.QUEUED:
        return RunFate.ALIVE
    if tasks is None:  # The broker cannot be read: after django-q2's own redelivery time, nobody will run it.
        return RunFate.ALIVE if run.created_at > now - timedelta(seconds=Conf.RETRY) - RUN_START_GRACE else RunFate.LOST
    if not tasks:  # (its task is queued after the commit: not before a moment)
        return RunFate.ALIVE if run.created_at > now - RUN_START_GRACE else RunFate.LOST
    if lease_owner or any(task.delivered_at is None or task.delivered_at > now - lease for task in tasks):
        return RunFate.ALIVE
    return RunFate.HAND_BACK


def division_lease_owner(*, division_id: int, now: datetime | None = None) -> str:
    """The owner token of the run holding the division now, or "" when its lease is free or ran out."""
    now = now or timezone.now()
    owner = (
        SyncState.objects.filter(division_id=division_id, lock_expires_at__gt=now)
        .exclude(lock_owner="")
        .values_list("lock_owner", flat=True)
        .first()
    )
    return owner or ""


def sync_lease() -> timedelta:
    return timedelta(seconds=settings.QBO_SYNC_LEASE_SECONDS)


@dataclass(frozen=True)
class RunTotals:
    """One bar pair of the chart of recent runs."""

    run_id: int
    queued_at: datetime
    label: str
    synced: int
    errors: int


def recent_run_totals(*, division: Division, limit: int = CHART_RUNS) -> list[RunTotals]:
    """The last ``limit`` runs that were not previews, oldest first: records synced and errors (failed) in each."""
    runs = (
        SyncRun.objects.filter(division=division)
        .exclude(trigger=SyncTrigger.PREVIEW)
        .only("pk", "created_at", "status", "trigger", "counts", "entity_counts")[:limit]
    )
    totals = []
    for run in reversed(list(runs)):
        counts = run_action_counts(run)
        totals.append(
            RunTotals(
                run_id=run.pk,
                queued_at=run.created_at,
                label=run_label(run),
                synced=run_synced_count(counts),
                errors=counts[SyncAction.FAILED],
            )
        )
    return totals


def first_sync_done(*, division: Division) -> bool:
    """Whether a real sync (not a preview) has ever succeeded: until then the page puts Preview first."""
    return (
        SyncRun.objects.filter(division=division, status=SyncRunStatus.SUCCEEDED)
        .exclude(trigger=SyncTrigger.PREVIEW)
        .exists()
    )


def division_run(*, division: Division, run_id: int) -> SyncRun | None:
    return SyncRun.objects.filter(division=division, pk=run_id).first()


def latest_preview(*, division: Division) -> SyncRun | None:
    """The last preview that got to the end (with or without records that would fail)."""
    return (
        SyncRun.objects.filter(
            division=division,
            trigger=SyncTrigger.PREVIEW,
            status__in=[SyncRunStatus.SUCCEEDED, SyncRunStatus.PARTIAL],
        )
        .select_related("requested_by")
        .first()
    )


def latest_sync(*, division: Division) -> SyncRun | None:
    """The last run that was not a preview: Download Errors reads it."""
    return SyncRun.objects.filter(division=division).exclude(trigger=SyncTrigger.PREVIEW).first()


def run_problem_entries(run: SyncRun) -> Iterator[SyncRunEntry]:
    """The run's failed and skipped records, in the order they happened."""
    return run.entries.filter(action__in=PROBLEM_ACTIONS).order_by("pk").iterator(chunk_size=2000)


def run_all_entries(run: SyncRun) -> Iterator[SyncRunEntry]:
    return run.entries.order_by("pk").iterator(chunk_size=2000)
