"""Background tasks (django-q2): thin, they take ids and call a service."""

from apps.quickbooks.models import SyncRun, SyncTrigger
from apps.quickbooks.sync import run_division_sync


def sync_division(division_id: int, trigger: str = SyncTrigger.SCHEDULE, run_id: int | None = None) -> int:
    """Sync one division; returns the run's id (django-q2 keeps it as the task's result)."""
    run: SyncRun = run_division_sync(division_id, trigger, run_id=run_id)
    return run.pk
