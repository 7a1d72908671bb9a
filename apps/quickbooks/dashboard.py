"""
What the admin's dashboard says about each division's QuickBooks sync, registered as a sync status provider
(``apps.core.integrations``) in ``QuickBooksConfig.ready()``: the dashboard lives in core, which never imports this app.
"""

from django.urls import reverse

from apps.core.integrations import SyncStatus
from apps.core.models import Division
from apps.quickbooks.desktop.selectors import desktop_connection_for, desktop_is_chosen
from apps.quickbooks.models import ConnectionStatus, SyncAction, SyncRunStatus
from apps.quickbooks.selectors import connection_for, latest_sync, run_action_counts, run_label

VIEW_PERMISSION = "quickbooks.view_integration"
TONES = {
    SyncRunStatus.QUEUED: "busy",
    SyncRunStatus.RUNNING: "busy",
    SyncRunStatus.SUCCEEDED: "ok",
    SyncRunStatus.PARTIAL: "warning",
    SyncRunStatus.FAILED: "error",
}


def quickbooks_sync_status(*, division: Division, user) -> SyncStatus | None:
    """The last sync of ``division`` (not a preview): its state, when, and a link to its failed and skipped records."""
    if not user.has_perm(VIEW_PERMISSION):
        return None
    page_url = reverse("admin:quickbooks_integration_change", args=[division.pk])
    desktop = desktop_is_chosen(division=division)
    integration = "QuickBooks Desktop" if desktop else "QuickBooks Online"
    run = latest_sync(division=division)
    if run is None:
        if desktop:
            connection = desktop_connection_for(division=division)
            linked = connection is not None and connection.has_company_file
        else:
            connection = connection_for(division=division)
            linked = connection is not None and connection.status != ConnectionStatus.DISCONNECTED
        return SyncStatus(
            integration=integration,
            status="Never synced" if linked else "Not connected",
            tone="idle",
            page_url=page_url,
        )
    counts = run_action_counts(run)
    problems = counts[SyncAction.FAILED] + counts[SyncAction.SKIPPED]
    errors_url = ""
    if problems or run.status == SyncRunStatus.FAILED:
        errors_url = f"{reverse('admin:quickbooks_integration_errors', args=[division.pk])}?run={run.pk}"
    status, tone, detail = run_label(run), TONES.get(run.status, "idle"), run.error_summary
    if tone == "ok" and problems:
        # The run got to the end, but records wait for someone: not all green.
        tone = "warning"
    connection = None if desktop else connection_for(division=division)
    if connection is not None and connection.status == ConnectionStatus.NEEDS_RECONNECT:
        # Whatever the last run did, nothing syncs until an Owner reconnects: that is the news.
        status, tone, detail = "QuickBooks must be reconnected", "error", connection.last_error
    return SyncStatus(
        integration=integration,
        status=status,
        tone=tone,
        at=run.finished_at or run.started_at or run.created_at,
        detail=detail,
        page_url=page_url,
        errors_url=errors_url,
        problems=problems,
    )
