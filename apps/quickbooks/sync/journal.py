"""
A run's log as it happens: per-record entries (written in bulk), counts per entity and action, and progress.

Entries are buffered and written a few hundred at a time, and the run row is saved at most every second or so, so
that logging 10,000 records costs tens of queries, not tens of thousands. The run row saved with the progress also
holds the API calls made so far: a run whose worker stopped (closed as lost) still says what it cost QuickBooks.
"""

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from apps.quickbooks.models import SyncAction, SyncRun, SyncRunEntry
from apps.quickbooks.sync.preview import is_placeholder

FLUSH_EVERY = 500
SAVE_EVERY_SECONDS = 1.0


class RunJournal:
    def __init__(self, run: SyncRun, *, api_calls: Callable[[], int] | None = None) -> None:
        self.run = run
        # What the run's backend has asked of QuickBooks so far (saved with the progress).
        self._api_calls = api_calls
        self._pending: list[SyncRunEntry] = []
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._saved_at = 0.0

    def log(
        self,
        entity: str,
        action: str,
        label: str,
        *,
        message: str = "",
        qbo_id: str = "",
        object_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.counts[entity][action] += 1
        if is_placeholder(qbo_id):
            qbo_id = ""  # A preview's stand-in: QuickBooks has given the record no id.
        self._pending.append(
            SyncRunEntry(
                run=self.run,
                entity=entity,
                action=action,
                record_label=label[:255],
                message=message,
                qbo_id=qbo_id[: SyncRunEntry._meta.get_field("qbo_id").max_length],
                object_id=object_id,
                details=details or {},
            )
        )
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def count(self, entity: str, action: str, number: int) -> None:
        """Records counted without an entry each (skipped for a reason the run's summary says once)."""
        self.counts[entity][action] += number

    def flush(self) -> None:
        if self._pending:
            SyncRunEntry.objects.bulk_create(self._pending, batch_size=FLUSH_EVERY)
            self._pending = []

    def total(self, action: str) -> int:
        return sum(actions.get(action, 0) for actions in self.counts.values())

    def totals(self) -> dict[str, int]:
        return {action: self.total(action) for action in SyncAction.values if self.total(action)}

    def entity_counts(self) -> dict[str, dict[str, int]]:
        return {entity: dict(actions) for entity, actions in self.counts.items()}

    def stage(self, text: str, *, total: int | None = None) -> None:
        """Say what the run does now (saved with the progress, at most every second, for the status page)."""
        self.run.stage = text[:100]
        if total is not None:
            self.run.progress_total = self.run.progress_done + total
        self._save()

    def advance(self, done: int = 1) -> None:
        self.run.progress_done += done
        self._save()

    def _save(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._saved_at >= SAVE_EVERY_SECONDS:
            self.flush()
            self.run.counts = self.totals()
            self.run.entity_counts = self.entity_counts()
            fields = ["stage", "progress_done", "progress_total", "counts", "entity_counts"]
            if self._api_calls is not None:
                self.run.api_calls = self._api_calls()
                fields.append("api_calls")
            self.run.save(update_fields=fields)
            self._saved_at = now
