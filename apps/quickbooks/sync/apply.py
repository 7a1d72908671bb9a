"""
The engine's apply: carrying out a spec's decisions, the same way for every entity however its records were planned.

A spec synced one way (``plan``: the short lists, the chart of accounts, items) is carried out by ``sync.one_way``;
one planned by the two-way rules (``plan_both_ways`` and ``plan_sent``: customers and their service locations), by
``sync.both_ways``; invoices, which are only sent, by their step (``steps.invoices``). Each is an ``Apply``, which
does for all of them:

- Here: QuickBooks' records saved a round at a time through the spec's domain bulk service (``PullBatch``): each
  record checked by the same rules as one saved alone, one refused failing alone with its reasons (and, for a spec
  that ``retries_failed``, read again at the next run); each saved record linked at QuickBooks' version and logged
  in its place among the others.
- There: the writes sent by the engine's writer (``sync.writes``: rounds, pending marks and interrupted creates
  found again, the stale-version retry, records QuickBooks lost made again, the write concurrency under the
  limiter); each outcome linked at what QuickBooks answered, with the hash of the content both sides then agree on,
  or failed with a plain sentence (``sync.messages``), a create refused for good released to be made afresh.
- Names QuickBooks holds already (6240): a create refused so is skipped with why when one-way sync would have to
  merge (``EntitySpec.name_taken``), or fails saying a record of another kind has the name (``name_in_use``).
- The run's log (``RunJournal``): one entry per record that changed, failed or was reported.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from apps.core.upserts import Upsert
from apps.quickbooks.models import SyncAction
from apps.quickbooks.sync.backend import CREATE, WriteResult
from apps.quickbooks.sync.bulk import PullBatch, PulledWrite
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import EntitySpec
from apps.quickbooks.sync.writes import Writer, link_release


class Apply:
    """
    Carries out one spec's decisions; see the module's docstring. A subclass plans the spec's records its way and
    says what each write's outcome is (``applied``).
    """

    def __init__(self, ctx: RunContext, spec: EntitySpec, links: LinkSet, lookups: Any = None) -> None:
        self.ctx = ctx
        self.spec = spec
        self.links = links
        # What the spec's mapping needs from here, looked up once a run (``EntitySpec.lookups``).
        self.lookups = lookups
        self.journal = ctx.journal
        # QuickBooks' records saved here a round at a time; entries logged in their place among them.
        self.batch = PullBatch(ctx.journal, preview=ctx.preview)

    def log(self, action: str, label: str, **what: Any) -> None:
        """The run's entry for one of the spec's records, in its place among those waiting to be saved."""
        self.batch.log(self.spec.label, action, label, **what)

    # Here.

    def pulled_write(
        self,
        record: Record,
        local: models.Model | None,
        fields: dict[str, Any] | None,
        *,
        label: str,
        action: str,
        content_hash: Callable[[Any], str],
        saved: Callable[[Any], None] = lambda saved: None,
        message: str = "",
        details: dict[str, Any] | None = None,
        logged: bool = True,
        keys: Iterable[Hashable] = (),
    ) -> PulledWrite:
        """
        QuickBooks' ``record`` saved here with the round's others: ``local`` changed to ``fields`` (a new record
        when ``local`` is ``None``; nothing saved when ``fields`` is ``None``), then linked at the hash
        ``content_hash`` gives of the record saved, and logged as ``action`` when ``logged``.
        """
        return PulledWrite(
            entity=self.spec.label,
            label=label,
            record=local,
            fields=fields,
            save=self.save_many,
            links=self.links,
            remote_id=record.remote_id,
            version=record.version,
            content_hash=content_hash,
            saved=saved,
            failed=partial(self.save_failed, record.remote_id, label),
            action=action,
            logged=logged,
            message=message,
            details=details or {},
            keys=tuple(keys),
        )

    def save_many(self, writes: Sequence[PulledWrite]) -> list[models.Model | ValidationError]:
        return self.spec.save_many([Upsert(record=write.record, fields=write.fields) for write in writes])

    def save_failed(self, remote_id: str, label: str, error: ValidationError) -> None:
        """A record FieldOffice refuses fails alone, with the domain's reasons (and is read again, if the spec says)."""
        if self.spec.retries_failed:
            self.ctx.retry_later(self.spec.entity, remote_id)
        message = f"{label} could not be saved here: {'; '.join(error.messages)}"
        self.log(SyncAction.FAILED, label, qbo_id=remote_id, message=message)

    # There.

    def writer(self, *, links: LinkSet | None = None, **how: Any) -> Writer:
        """
        The engine's writer for the spec's writes (with ``links``, those of a round read on its own), each outcome
        handed to ``applied`` unless ``how`` says otherwise; ``how``: see ``Writer``.
        """
        how.setdefault("applied", self.applied)
        return Writer(self.ctx, links or self.links, entity=self.spec.entity, log_as=self.spec.label, **how)

    def applied(self, result: WriteResult) -> None:
        raise NotImplementedError

    def written(
        self,
        result: WriteResult,
        local_id: int,
        content_hash: str,
        *,
        label: str,
        message: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        """A write QuickBooks took: linked at the version it answered with, and logged as created or updated."""
        record = result.record
        self.links.set(local_id, record.remote_id, record.version, content_hash)
        action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
        self.log(action, label, qbo_id=record.remote_id, object_id=local_id, message=message, details=details)

    def write_failed(self, result: WriteResult, local_id: int, *, label: str, message: str = "") -> None:
        """
        A write QuickBooks refused, said plainly (or as ``message``); for a spec that ``retries_failed``, a create
        refused for good is released and a linked record sent again at the next run.
        """
        link = link_release(self.links, local_id, result.error) if self.spec.retries_failed else None
        self.log(
            SyncAction.FAILED,
            label,
            qbo_id=link.qbo_id if link is not None else "",
            object_id=local_id,
            message=message or plain_reason(result.error, label),
        )

    def name_taken(self, local_id: int, *, label: str, name: str, remote_id: str = "") -> None:
        """
        A record not created there because QuickBooks holds ``name`` (``remote_id``: that record, when it is known):
        one-way sync never merges, so it is skipped, and said why.
        """
        self.log(SyncAction.SKIPPED, label, qbo_id=remote_id, object_id=local_id, message=self.spec.name_taken(name))
