"""
A preview counts what the run will do: the check every sync scenario can make (see the ``preview_first`` fixtures of
``tests/quickbooks/sync`` and ``tests/quickbooks/desktop_sync``).
"""

from collections.abc import Callable

from apps.quickbooks.models import SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.sync import run_division_sync

# What a preview can stand in for: a sync of what changed (a resend is not previewed, it re-reads everything).
PREVIEWED_TRIGGERS = (SyncTrigger.MANUAL, SyncTrigger.SCHEDULE, SyncTrigger.WEBHOOK, SyncTrigger.WEB_CONNECTOR)
# Whether the scenario being run previews each sync first: set by the ``preview_first`` fixture.
_previewing = {"first": False}


def previewing_first() -> bool:
    return _previewing["first"]


def previewing_set(value: bool) -> None:
    _previewing["first"] = value


def counts_of(run: SyncRun) -> dict[str, dict[str, int]]:
    """Records per entity and action, leaving out the zeros."""
    counts = {
        entity: {action: number for action, number in actions.items() if number}
        for entity, actions in (run.entity_counts or {}).items()
    }
    return {entity: actions for entity, actions in counts.items() if actions}


def assert_preview_counted_the_run(preview: SyncRun, run: SyncRun) -> None:
    assert preview.trigger == SyncTrigger.PREVIEW
    if preview.status == SyncRunStatus.FAILED:
        # A preview that could not run (QuickBooks unreachable, another sync running) predicts a sync that cannot.
        assert run.status == SyncRunStatus.FAILED, (preview.error_summary, run.summary)
        return
    expected, done = counts_of(preview), counts_of(run)
    if expected != done:
        predicted = sorted(preview.entries.values_list("entity", "action", "record_label"))
        happened = sorted(run.entries.values_list("entity", "action", "record_label"))
        missing = [entry for entry in happened if entry not in predicted]
        extra = [entry for entry in predicted if entry not in happened]
        raise AssertionError(
            f"The preview counted {expected}, the run did {done}.\n"
            f"Done but not predicted: {missing}\nPredicted but not done: {extra}"
        )


def preview_then_run(
    division, trigger: str = SyncTrigger.MANUAL, *, run: Callable[..., SyncRun] | None = None, **kwargs
) -> tuple[SyncRun, SyncRun]:
    """
    A preview, then the sync it announces; fails unless the preview's counts per entity and action are the run's.
    ``run`` runs a sync of the division for a given trigger (``run_division_sync`` by default).
    """
    run = run or (lambda trigger, **options: run_division_sync(division.pk, trigger, **options))
    preview_options = {name: value for name, value in kwargs.items() if name != "run_id"}
    preview = run(SyncTrigger.PREVIEW, **preview_options)
    done = run(trigger, **kwargs)
    assert_preview_counted_the_run(preview, done)
    return preview, done
