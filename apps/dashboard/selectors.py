"""
The admin's home: what the signed-in person should look at first.

Invoices waiting for the next sync, what is owed on overdue and open invoices, each division's last sync (from the
integrations, through ``apps.core.integrations``), and the imports not finished yet; plus the everyday actions the
person may take. The figures come from the domain apps' selectors; nothing here writes.

Like the admin site that shows it, the dashboard sits above the domain apps: it reads them, they never read it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse

from apps.core.display import format_money
from apps.core.integrations import SyncStatus, sync_statuses_for
from apps.core.models import Division
from apps.imports.selectors import import_kind_label, import_records_in_progress
from apps.invoicing.selectors import invoice_figures


@dataclass(frozen=True)
class Figure:
    """One tile: a number, what it counts, and the list behind it."""

    key: str
    label: str
    value: str
    detail: str
    url: str


@dataclass(frozen=True)
class Action:
    label: str
    url: str


@dataclass(frozen=True)
class DivisionSync:
    division: Division
    statuses: list[SyncStatus]


@dataclass(frozen=True)
class ImportInProgress:
    kind: str
    division: str
    status: str
    progress: int
    started_by: str
    started_at: datetime
    url: str


@dataclass(frozen=True)
class Dashboard:
    figures: list[Figure] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    syncs: list[DivisionSync] = field(default_factory=list)
    # None: the person may not see imports at all (the section is left out).
    imports: list[ImportInProgress] | None = None


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number:,} {singular if number == 1 else plural}"


def invoice_tiles(*, today: date | None = None) -> list[Figure]:
    """Ready for Sync, Overdue and Open, each linked to the invoice list filtered to those invoices."""
    figures = invoice_figures(today=today)
    invoices_url = reverse("admin:invoicing_invoice_changelist")
    return [
        Figure(
            key="ready_for_sync",
            label="Ready for Sync",
            value=f"{figures.ready_for_sync:,}",
            detail=(
                f"{_count(figures.ready_for_sync, 'invoice waits', 'invoices wait')} for the next sync"
                if figures.ready_for_sync
                else "No invoice waits for the next sync"
            ),
            url=f"{invoices_url}?status__exact=ready_for_sync",
        ),
        Figure(
            key="overdue",
            label="Overdue",
            value=format_money(figures.overdue),
            detail=f"Owed on {_count(figures.overdue_count, 'invoice', 'invoices')} past their due date",
            url=f"{invoices_url}?payment=overdue",
        ),
        Figure(
            key="open",
            label="Open",
            value=format_money(figures.open),
            detail=f"Owed on {_count(figures.open_count, 'open invoice', 'open invoices')}",
            url=f"{invoices_url}?payment=unpaid",
        ),
    ]


def everyday_actions(*, user) -> list[Action]:
    """The buttons of the dashboard: only what the person may do."""
    candidates = [
        ("invoicing.add_invoice", "Add invoice", "admin:invoicing_invoice_add"),
        ("customers.add_customer", "Add customer", "admin:customers_customer_add"),
        ("imports.import_from_excel", "Import from Excel", "admin:imports_excelimport_changelist"),
    ]
    return [Action(label, reverse(url_name)) for permission, label, url_name in candidates if user.has_perm(permission)]


def division_syncs(*, user) -> list[DivisionSync]:
    """Each division's last sync with each integration the person may see; divisions with none are left out."""
    syncs = []
    for division in Division.objects.order_by("name"):
        statuses = sync_statuses_for(division=division, user=user)
        if statuses:
            syncs.append(DivisionSync(division=division, statuses=statuses))
    return syncs


def imports_in_progress(*, user) -> list[ImportInProgress] | None:
    if not user.has_perm("imports.view_importrecord"):
        return None
    return [
        ImportInProgress(
            kind=import_kind_label(record.kind),
            division=record.division.name,
            status=record.get_status_display(),
            progress=record.progress,
            started_by=str(record.created_by or "—"),
            started_at=record.created_at,
            url=reverse("admin:imports_importrecord_change", args=[record.pk]),
        )
        for record in import_records_in_progress()
    ]


def dashboard_for(*, user, today: date | None = None) -> Dashboard:
    """Everything the home page shows ``user``, within what ``user`` may see."""
    return Dashboard(
        figures=invoice_tiles(today=today) if user.has_perm("invoicing.view_invoice") else [],
        actions=everyday_actions(user=user),
        syncs=division_syncs(user=user),
        imports=imports_in_progress(user=user),
    )
