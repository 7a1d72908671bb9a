"""
A division's sync run.

In this release a run checks the connection: it renews the access token if needed, reads the company's details
from QuickBooks and records what it did. No records are exchanged yet; the engine that plans and applies changes
(customers, items, invoices) will be called from here.
"""

import logging

from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import QuickBooksConnection, SyncRun, SyncRunStatus
from apps.quickbooks.services.connection import client_for, connection_company_refresh

logger = logging.getLogger(__name__)


def _run_start(division: Division, trigger: str, run_id: int | None) -> SyncRun:
    run = SyncRun.objects.filter(pk=run_id, division=division).first() if run_id else None
    run = run or SyncRun(division=division, trigger=trigger)
    run.status = SyncRunStatus.RUNNING
    run.started_at = timezone.now()
    run.save()
    return run


def _run_finish(run: SyncRun, status: str, *, summary: str = "", error: str = "") -> SyncRun:
    run.status = status
    run.summary = summary
    run.error_summary = error
    run.finished_at = timezone.now()
    run.save()
    return run


def run_division_sync(division_id: int, trigger: str, *, run_id: int | None = None) -> SyncRun:
    """Run one sync of the division and return its ``SyncRun``; failures are recorded on the run, not raised."""
    division = Division.objects.get(pk=division_id)
    run = _run_start(division, trigger, run_id)
    connection = QuickBooksConnection.objects.filter(division=division).first()
    if connection is None or not connection.is_connected:
        reason = connection.last_error if connection and connection.last_error else "it is not connected"
        return _run_finish(
            run,
            SyncRunStatus.FAILED,
            error=f"QuickBooks could not be reached for {division}: {reason}. An Owner can connect it on the "
            "QuickBooks page.",
        )
    client = client_for(connection)
    try:
        connection_company_refresh(connection, client)
    except QuickBooksError as exc:
        logger.warning("QuickBooks sync of %s failed: %s", division, exc.message)
        run.api_calls = client.api_calls
        return _run_finish(run, SyncRunStatus.FAILED, error=exc.message)
    finally:
        client.close()
    run.api_calls = client.api_calls
    return _run_finish(
        run,
        SyncRunStatus.SUCCEEDED,
        summary=f"Connection checked: {connection.company_name or connection.realm_id}. No records were exchanged: "
        "syncing customers, items and invoices is not available yet.",
    )
