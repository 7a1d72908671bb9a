"""
A pull's local writes, gathered and saved a batch at a time.

A step that pulls decides record by record what to do, as it always has; what it would save here it hands to a
``PullBatch`` as a ``PulledWrite``, with what follows a save: the link to QuickBooks' record, the run's entry, the
step's own bookkeeping. ``flush`` saves the batch through the domain's bulk services (each record checked by the
domain's rules; one refused fails alone, with its reasons), writes the links of the records saved in bulk, and logs
the entries of the batch in the order the records came: those of the records saved or refused, and those the step
logged meanwhile through ``PullBatch.log``.

A decision that depends on a record of the batch waiting to be saved (a name it takes, say) asks ``holds`` and
flushes first, so that it sees that record as saved, as one-at-a-time saving would have shown it.

A preview saves nothing: a record's new values are applied to it in memory, and its link goes to the preview's plan,
at once.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from apps.quickbooks.sync.journal import RunJournal
from apps.quickbooks.sync.links import LinkSet

# A domain's bulk service, through the step: the records of ``writes`` saved, or the error of each refused.
Save = Callable[[Sequence["PulledWrite"]], list[models.Model | ValidationError]]


@dataclass
class PulledWrite:
    """
    What pulling one QuickBooks record writes here: ``record`` changed to ``fields`` (a new record when ``record``
    is ``None``; nothing saved when ``fields`` is ``None``), linked to ``remote_id`` at ``version``, and the entry
    logged once saved when ``logged``.
    """

    entity: str
    label: str
    record: models.Model | None
    fields: dict[str, Any] | None
    save: Save
    links: LinkSet
    remote_id: str
    version: str
    content_hash: Callable[[models.Model], str]
    saved: Callable[[models.Model], None]
    failed: Callable[[ValidationError], None]
    action: str
    logged: bool = True
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    # The keys (names, say) this write takes or gives up: a decision about one of them waits for the batch to be saved.
    keys: tuple[Hashable, ...] = ()
    result: models.Model | ValidationError | None = None


@dataclass
class _Entry:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class PullBatch:
    def __init__(self, journal: RunJournal, *, preview: bool) -> None:
        self.journal = journal
        self.preview = preview
        self._queue: list[PulledWrite | _Entry] = []
        self._keys: set[Hashable] = set()

    def log(self, *args: Any, **kwargs: Any) -> None:
        """``RunJournal.log``, in its place among the entries of the records waiting to be saved."""
        if self._queue:
            self._queue.append(_Entry(args, kwargs))
        else:
            self.journal.log(*args, **kwargs)

    def add(self, write: PulledWrite) -> None:
        if self.preview:
            if write.record is None:
                raise ValueError("A preview creates nothing here.")
            # A preview's stand-in for saving QuickBooks' values here: the record in memory (never saved) holds
            # them, so that what the push then compares and would send is what the run compares and sends.
            for name, value in (write.fields or {}).items():
                setattr(write.record, name, value)
            write.result = write.record
            self._done(write, None)
            return
        self._queue.append(write)
        self._keys.update(write.keys)

    def holds(self, key: Hashable) -> bool:
        """Whether a record waiting to be saved takes or gives up ``key``."""
        return key in self._keys

    def flush(self) -> None:
        """Save the records waiting, write their links, and log the batch's entries in order."""
        queue, self._queue = self._queue, []
        self._keys = set()
        writes = [item for item in queue if isinstance(item, PulledWrite)]
        self._save(writes)
        links: dict[int, tuple[LinkSet, list[tuple[int, str, str, str]]]] = {}
        for item in queue:
            if isinstance(item, _Entry):
                self.journal.log(*item.args, **item.kwargs)
            elif isinstance(item.result, ValidationError):
                item.failed(item.result)
            else:
                self._done(item, links)
        for link_set, rows in links.values():
            link_set.set_many(rows)

    def _save(self, writes: list[PulledWrite]) -> None:
        """Each write's result: its record saved (or left as it is), or the error that kept it out."""
        groups: dict[Save, list[PulledWrite]] = {}
        for write in writes:
            if write.fields is None:
                write.result = write.record
            else:
                groups.setdefault(write.save, []).append(write)
        for save, group in groups.items():
            for write, result in zip(group, save(group), strict=True):
                write.result = result

    def _done(self, write: PulledWrite, links: dict[int, tuple[LinkSet, list]] | None) -> None:
        record = write.result
        write.saved(record)
        row = (record.pk, write.remote_id, write.version, write.content_hash(record))
        if links is None:
            write.links.set(*row)
        else:
            links.setdefault(id(write.links), (write.links, []))[1].append(row)
        if write.logged:
            self.journal.log(
                write.entity,
                write.action,
                write.label,
                qbo_id=write.remote_id,
                object_id=record.pk,
                message=write.message,
                details=write.details,
            )
