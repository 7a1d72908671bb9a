"""
The engine's one way of writing to QuickBooks, whatever the entity: rounds, pending creates, stale versions, names
in use.

- Rounds: writes go a round at a time (``WRITES_PER_ROUND``: ten of Online's batches); each round's results are
  applied here in one transaction, then the run's progress moves on and its lease is renewed, so that a long push
  neither loses its division nor leaves the status page still.
- Pending creates: a create is marked pending on its link (``LinkSet.mark_pending``, with the name it is sent under)
  just before its round goes. A run interrupted after QuickBooks made the record but before its answer came leaves
  the mark; the next run finds what QuickBooks created meanwhile (``Recovery``) and links it, logged as
  ``INTERRUPTED_CREATE``, instead of creating the record twice.
- Stale versions: QuickBooks refuses a change made to an older version than it holds (Online's fault 5010;
  Desktop's status 3200, which its backend reports as 5010). Such a write is held back, read again by id, rebuilt
  on the fresh version and sent once more (``retry``: after every round in ``send``; a step that sends its rounds
  itself retries each one's); a second refusal is final.
- Records QuickBooks lost (610 to an update: deleted there, or a backup restored): for an entity that makes them
  again (``Writer.recreate``), the record is read by id; when QuickBooks has it no more, the update goes again as a
  create with the stale retries, logged as ``LOST_THERE``. One it still has (the fault was about a record it refers
  to) fails as refused.
- Names in use (6240): an entity that can do something about them (link the record of that name, rename) resolves
  them once every round was sent (``Writer.duplicates``); what it sends then goes with the stale retries.
- Concurrency: a long push built a round at a time (``rounds_send``: invoices) keeps one round in flight while the
  one before is applied here, when the backend sends from threads anyway (its ``concurrency``): the limiter, not
  this process, then sets the pace.

The module never reads a QuickBooks field: it is given the writes (the engine's records, ``sync.records``, whose
``remote_id`` and ``version`` it reads and stamps), and per entity a few callables (``Writer``, ``Recovery``). What
the step does with each final outcome (link, log, take QuickBooks' figures) is the step's ``applied``.
"""

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db import connections, transaction

from apps.quickbooks.errors import FaultError, QuickBooksError
from apps.quickbooks.models import RecordLink, SyncAction
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.plan import LOST_THERE, Decision, Kind
from apps.quickbooks.sync.records import Record

# Writes sent between two renewals of the run's lease (and two progress updates): ten batches.
WRITES_PER_ROUND = 300
# A record QuickBooks created this long before an interrupted create was recorded is not that create's result.
CLOCK_TOLERANCE = timedelta(minutes=5)
STALE = "5010"
DUPLICATE_NAME = "6240"
NOT_FOUND = "610"
INTERRUPTED_CREATE = "Created in QuickBooks by an earlier sync that was interrupted; linked, not created twice."


def error_code(result: WriteResult) -> str:
    return result.error.code if result.error is not None and hasattr(result.error, "code") else ""


class Pending(NamedTuple):
    """A create an interrupted run sent without learning the outcome: the write due now, and its pending link."""

    write: Write
    link: RecordLink


def _never(pending: Pending, found: Any) -> str:
    return ""


def _always(pending: Pending, found: Any) -> bool:
    return True


def _as_is(pending: Pending, found: Any) -> Write:
    return pending.write


@dataclass(frozen=True)
class Recovery:
    """
    How an entity finds what its interrupted creates made in QuickBooks, and what it sends once it linked them.

    ``find`` looks up the records QuickBooks may have created for the pending creates, by match key; ``keys`` are
    the keys a pending create is matched by, the first found wins. A record found is the create's when no other
    local record is linked to it (``Writer.taken``), it ``fits`` the create, and, when ``created_at`` is given,
    QuickBooks did not make it before the create was recorded (less ``CLOCK_TOLERANCE``).

    Once linked, ``adopt`` gives the write to send as an update of that record (the create's, or one adjusted to
    what QuickBooks made); ``holds`` gives the content hash to link at when QuickBooks holds already what the write
    sends (nothing is sent then), "" when it must be sent.
    """

    find: Callable[[list[Pending]], dict[Any, Any]]
    keys: Callable[[Pending], Iterable[Any]]
    fits: Callable[[Pending, Any], bool] = _always
    created_at: Callable[[Any], datetime | None] | None = None
    adopt: Callable[[Pending, Any], Write] = _as_is
    holds: Callable[[Pending, Any], str] = _never
    message: str = INTERRUPTED_CREATE


class Writer:
    """
    Sends one entity's writes and hands each final outcome to ``applied``, once; see the module's docstring.

    - ``entity``: the engine entity written (what a stale write is read again as).
    - ``links``: the entity's links; ``local_id`` gives the local record's id behind a write's key.
    - ``log_as`` and ``label``: how the run's log names the entity and the local record behind a write.
    - ``sent_name``: the name a create is marked pending under; ``None`` marks none (creates found again by name).
    - ``duplicates``: for an entity that resolves names in use, the writes to send again for those refused so.
    - ``recovery``: how its interrupted creates are found (``recover``).
    - ``recreate``: for an entity whose records QuickBooks may lose, the write that makes again the record of an
      update refused so (``as_new``: the update's record without its id); ``None``: such an update fails.
    - ``taken``: whether a QuickBooks record is linked to a local record already (by default, of ``links``).
    - ``progress``: whether the sent writes advance the run's progress (a step that counts them otherwise does not).
    """

    def __init__(
        self,
        ctx: RunContext,
        links: LinkSet,
        *,
        entity: str,
        log_as: str,
        label: Callable[[Write], str],
        local_id: Callable[[Write], int],
        applied: Callable[[WriteResult], None],
        sent_name: Callable[[Write], str] | None = None,
        duplicates: Callable[[list[WriteResult]], list[Write]] | None = None,
        recovery: Recovery | None = None,
        recreate: Callable[[Write], Write] | None = None,
        taken: Callable[[str], bool] | None = None,
        progress: bool = True,
        per_round: int = WRITES_PER_ROUND,
    ) -> None:
        self.ctx = ctx
        self.links = links
        self.entity = entity
        self.log_as = log_as
        self.label = label
        self.local_id = local_id
        self.applied = applied
        self.sent_name = sent_name
        self.duplicates = duplicates
        self.recovery = recovery
        self.recreate = recreate
        self.taken = taken or (lambda remote: links.remote(remote) is not None)
        self.progress = progress
        self.per_round = per_round

    # Rounds.

    def send(self, writes: list[Write]) -> None:
        """Send ``writes`` round by round, each round's outcomes applied at once; then the retries, once."""
        held: list[WriteResult] = []
        for start in range(0, len(writes), self.per_round):
            chunk = writes[start : start + self.per_round]
            self.mark(chunk)
            held.extend(self.round_done(self.ctx.backend.write(chunk), len(chunk)))
        self.retry(held)

    def mark(self, writes: list[Write]) -> None:
        """Mark the creates among ``writes`` pending, just before they go."""
        if self.sent_name is not None:
            creates = [write for write in writes if write.action == CREATE]
            if creates:
                self.links.mark_pending((self.local_id(write), self.sent_name(write)) for write in creates)

    def round_done(self, results: list[WriteResult], sent: int) -> list[WriteResult]:
        """
        Apply a round's outcomes in one transaction, then move the progress on (``sent`` writes) and renew the
        lease. Returns the results held back for ``retry``: stale versions, and names in use the entity resolves.
        """
        held: list[WriteResult] = []
        with transaction.atomic(), self.links.saved_together():
            for result in results:
                if self._retried(result):
                    held.append(result)
                else:
                    self.applied(result)
        if self.progress:
            self.ctx.journal.advance(sent)
        self.ctx.heartbeat()
        return held

    def _retried(self, result: WriteResult) -> bool:
        code = error_code(result)
        if code == NOT_FOUND:
            return result.write.action == UPDATE and self.recreate is not None
        return code == STALE or (code == DUPLICATE_NAME and self.duplicates is not None)

    # Retries.

    def retry(self, held: list[WriteResult]) -> None:
        """
        Stale writes read again and rebuilt on the fresh version, records QuickBooks lost made again, names in use
        resolved by the entity; what that gives is sent once, and every outcome of it is final.
        """
        if not held:
            return
        retries = self._fresh([result for result in held if error_code(result) == STALE])
        retries.extend(self._made_again([result for result in held if error_code(result) == NOT_FOUND]))
        duplicates = [result for result in held if error_code(result) == DUPLICATE_NAME]
        if duplicates:
            retries.extend(self.duplicates(duplicates))
        if not retries:
            return
        # A create sent again under another name (a location renamed) is pending under the name it goes with now, so
        # that a run interrupted before the answer finds what it made.
        self.mark(retries)
        results = self.ctx.backend.write(retries)
        with transaction.atomic(), self.links.saved_together():
            for result in results:
                self.applied(result)

    def _fresh(self, stale: list[WriteResult]) -> list[Write]:
        """The stale writes on QuickBooks' current versions; one QuickBooks no longer has fails as it was refused."""
        if not stale:
            return []
        targets = [result.write.payload.remote_id for result in stale]
        current = {record.remote_id: record.version for record in self.ctx.backend.read_by_ids(self.entity, targets)}
        retries = []
        for result, target in zip(stale, targets, strict=True):
            write = result.write
            if target not in current:
                self.applied(result)
                continue
            payload = replace(write.payload, remote_id=target, version=current[target])
            retries.append(Write(write.entity, write.action, payload, key=write.key))
        return retries

    def _made_again(self, lost: list[WriteResult]) -> list[Write]:
        """
        The creates of the records QuickBooks no longer has, read again by id to be sure (Online's 610 also means
        "a record it refers to is inactive"): those it still has fail as they were refused.
        """
        if not lost:
            return []
        targets = [result.write.payload.remote_id for result in lost]
        held = {record.remote_id for record in self.ctx.backend.read_by_ids(self.entity, targets)}
        creates = []
        for result, target in zip(lost, targets, strict=True):
            if target in held:
                self.applied(result)
                continue
            self.links.forget(self.local_id(result.write))
            creates.append(replace(self.recreate(result.write), action=CREATE, note=LOST_THERE))
        return creates

    # Interrupted creates.

    def recover(self, pending: list[Write]) -> list[Write]:
        """
        The writes due for creates an interrupted run sent without learning the outcome: each linked to the record
        QuickBooks made for it (logged, and sent as an update of it unless QuickBooks holds it already), or sent
        again as a create when QuickBooks made none.
        """
        if not pending:
            return []
        recovery = self.recovery
        waiting = [Pending(write, self.links.local(self.local_id(write))) for write in pending]
        found = recovery.find(waiting)
        writes = []
        for each in waiting:
            record = next((found[key] for key in recovery.keys(each) if found.get(key) is not None), None)
            if record is None or not self._made_for(each, record):
                writes.append(each.write)
            else:
                writes.extend(self._adopt(each, record))
        return writes

    def _made_for(self, pending: Pending, record: Record) -> bool:
        if self.taken(record.remote_id) or not self.recovery.fits(pending, record):
            return False
        created = self.recovery.created_at(record) if self.recovery.created_at else None
        return created is None or created >= pending.link.pending_since - CLOCK_TOLERANCE

    def _adopt(self, pending: Pending, record: Record) -> list[Write]:
        remote, version = record.remote_id, record.version
        local_id = self.local_id(pending.write)
        held = self.recovery.holds(pending, record)
        write = pending.write if held else self.recovery.adopt(pending, record)
        self.links.set(local_id, remote, version, held)
        self.ctx.journal.log(
            self.log_as,
            SyncAction.LINKED,
            self.label(write),
            qbo_id=remote,
            object_id=local_id,
            message=self.recovery.message,
        )
        if held:
            return []
        # What QuickBooks got then may differ from the record now (renamed since): it is sent as it is.
        payload = replace(write.payload, remote_id=remote, version=version)
        return [Write(write.entity, UPDATE, payload, key=write.key)]


def as_new(write: Write) -> Write:
    """The write of ``write``'s record as a record QuickBooks does not have yet: no id, no version."""
    return replace(write, payload=replace(write.payload, remote_id="", version=""))


def rounds_send(ctx: RunContext, rounds: Iterable[tuple[Writer, list[Write]]]) -> None:
    """
    Each round's writes sent, then their outcomes applied by the round's writer (``Writer.round_done``, then its
    retries). The rounds are built as they are needed; where the backend sends from threads anyway (its
    ``concurrency``), one round is in flight while the one before is applied here, from a single sender thread.
    """
    pipelined = getattr(ctx.backend, "concurrency", 1) > 1
    sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quickbooks-round") if pipelined else None
    in_flight: tuple[Writer, Future | list[WriteResult], int] | None = None
    try:
        for writer, writes in rounds:
            writer.mark(writes)
            results = ctx.backend.write(writes) if sender is None else sender.submit(_write_in_thread, ctx, writes)
            if in_flight is not None:
                _round_apply(*in_flight)
            in_flight = (writer, results, len(writes))
        if in_flight is not None:
            _round_apply(*in_flight)
    finally:
        if sender is not None:
            sender.shutdown(wait=True)


def _write_in_thread(ctx: RunContext, writes: list[Write]) -> list[WriteResult]:
    try:
        return ctx.backend.write(writes)
    finally:
        connections.close_all()


def _round_apply(writer: Writer, results: Future | list[WriteResult], sent: int) -> None:
    """A round's outcomes applied (QuickBooks' answer, waited for when it comes from the sender thread)."""
    results = results.result() if isinstance(results, Future) else results
    writer.retry(writer.round_done(results, sent))


def sent_write(
    entity: str, decision: Decision, record: Record, *, links: LinkSet, local_id: int, key: Any, held: Record | None
) -> Write | None:
    """
    The write a ``plan_sent`` decision calls for: an update of the linked record at QuickBooks' version (``held``'s,
    the copy a resend read, else the link's), a create (the link of a record QuickBooks lost let go first), or none.
    """
    link = links.local(local_id)
    if decision.kind == Kind.UPDATE_THERE:
        version = held.version if held is not None else link.sync_token
        return Write(entity, UPDATE, replace(record, remote_id=link.qbo_id, version=version), key=key)
    if decision.kind != Kind.CREATE_THERE:
        return None
    if link is not None and link.qbo_id:
        links.forget(local_id)  # QuickBooks lost it (a restored backup): created again.
    return Write(entity, CREATE, record, key=key)


def link_release(links: LinkSet, local_id: int, error: QuickBooksError | None) -> RecordLink | None:
    """
    After a write refused: a create refused for good (a fault) leaves nothing pending, and a linked record is sent
    again at the next run (its link's content hash cleared). Returns the record's link, if any.
    """
    link = links.local(local_id)
    if link is not None and not link.qbo_id and isinstance(error, FaultError):
        links.forget(local_id)
    elif link is not None and link.qbo_id:
        links.touch(link, content_hash="")
    return link
