"""
The engine's apply for the specs planned by the two-way rules (``EntitySpec.both_ways``: customers), whichever way
the settings send their records: one way or both ways, each QuickBooks record read is planned by ``plan_both_ways``
and each local record sent by ``plan_sent`` (``sync.plan``).

- Pull: the records QuickBooks changed (all of them on a full run) are paired with their twins here: by link, then
  as what an interrupted create from here made (by the name its pending mark keeps), then by name. What they write
  here goes through the domain's bulk service a round at a time (``PullBatch``). Both ways, a pair changed on both
  sides since the last run takes the later edit, and the losing version is kept in the run's log; a record linked
  keeping FieldOffice's values, or whose edit here won, is sent by the push that follows.
- Push: the local records the spec picks (changed since the last run, never linked, whose last send failed), and
  those the pull said to send, go in the engine's write rounds (``sync.writes``): creates marked pending, those an
  interrupted run left found again by name. A create QuickBooks refuses because the name is in use is linked to the
  record of that name both ways (FieldOffice's values then sent), and skipped one way: one-way sync never merges.
- Links keep the hash of what FieldOffice sends for a record, so that a change here is told from one there.

Several kinds of local record may be linked to one QuickBooks entity (customers and service locations to QuickBooks
customers and their jobs): they share what the run read of it (``EntityRead``), and a QuickBooks record linked to
any of them is taken. ``BothWaysApply`` syncs one spec; a kind whose records live under others (locations) extends
it with how a record finds its parent.
"""

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Lower

from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.models import RecordLink, SyncAction
from apps.quickbooks.sync.apply import Apply
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.plan import Decision, Kind, plan_both_ways, plan_sent, unchanged_there
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import EntitySpec
from apps.quickbooks.sync.writes import (
    CLOCK_TOLERANCE,
    INTERRUPTED_CREATE,
    WRITES_PER_ROUND,
    Pending,
    Recovery,
    Writer,
    as_new,
    sent_write,
)

LINKED_BY_NAME = "Matched by name in QuickBooks and linked; FieldOffice's details are sent."


class EntityRead:
    """
    What the run read of one QuickBooks entity, as the kinds of local record linked to it share it: its records
    (those QuickBooks deleted, and those an update left behind, left out), whether the read was complete, and the
    link sets of those kinds.
    """

    def __init__(self, ctx: RunContext, entity: str, link_sets: Sequence[LinkSet]) -> None:
        self.ctx = ctx
        self.entity = entity
        self.link_sets = list(link_sets)
        read = [record for record in ctx.snapshot.of(entity) if not record.deleted]
        left: Set[str] | None = None
        for links in self.link_sets if read else ():
            left = links.left_behind(known=left)
        # Records QuickBooks kept when it could not rename them are no longer synced.
        left = left or set()
        self.records: dict[str, Record] = {record.remote_id: record for record in read if record.remote_id not in left}
        self.complete = entity in ctx.snapshot.complete
        if self.complete or ctx.resend:
            for links in self.link_sets:
                links.load_all()

    def retried_read(self) -> None:
        """The records an earlier run could not save here, read again by id."""
        wanted = set(self.ctx.state.retry_remote.get(self.entity, [])) - self.records.keys()
        if wanted:
            for record in self.ctx.backend.read_by_ids(self.entity, sorted(wanted)):
                self.records.setdefault(record.remote_id, record)

    def links_load(self, remote_ids: Iterable[str]) -> None:
        ids = list(remote_ids)
        for links in self.link_sets:
            links.load_remote(ids)

    def taken(self, remote_id: str) -> bool:
        """Whether a local record of any kind is linked to ``remote_id``."""
        return any(links.remote(remote_id) is not None for links in self.link_sets)

    def parent_id(self, remote_id: str) -> str:
        """The parent of a record this run read (``""`` for a top-level one, or one not read)."""
        record = self.records.get(remote_id)
        return getattr(record, "parent_id", "") if record is not None else ""


@dataclass
class Pulled:
    """One QuickBooks record being pulled: its values here, and what pulling it does (its entry)."""

    record: Record
    fields: dict[str, Any]
    label: str
    action: str = SyncAction.UPDATED
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def remote_id(self) -> str:
        return self.record.remote_id

    def lost(self, message: str, losing_version: dict[str, Any]) -> None:
        """Both sides changed since the last sync and QuickBooks' edit is later: FieldOffice's version is logged."""
        self.details = {"kept": "QuickBooks", "losing_version": losing_version}
        self.message = message

    def deactivated(self) -> None:
        if self.action == SyncAction.UPDATED:
            self.action = SyncAction.DEACTIVATED


@dataclass
class Queue:
    """The writes of a push: creates, updates, and the creates an interrupted run left in flight."""

    creates: list[Write] = field(default_factory=list)
    updates: list[Write] = field(default_factory=list)
    pending: list[Write] = field(default_factory=list)


class BothWaysApply(Apply):
    """Syncs one spec's records under the two-way rules; see the module's docstring."""

    def __init__(self, ctx: RunContext, spec: EntitySpec, links: LinkSet, read: EntityRead, lookups: Any) -> None:
        super().__init__(ctx, spec, links, lookups)
        self.read = read
        self.rules = spec.both_ways(ctx)
        # The local records met, by primary key (in a preview, as the pull would leave them).
        self.local: dict[int, models.Model] = {}
        # Records whose local version won a conflict, or was linked keeping FieldOffice's: sent this run.
        self.forced: set[int] = set()
        # Records this run's pull changed here.
        self.pulled: set[int] = set()
        # Preview only: QuickBooks records this sync would create here (their id → name).
        self.would_create: dict[str, str] = {}
        self.pending: dict[str, RecordLink] = {}
        self.unlinked_by_name: dict[str, models.Model] = {}
        # Records QuickBooks lost (deleted there), created there again by this run's push.
        self.made_again: set[int] = set()

    # Loading.

    def local_load(self, ids: Iterable[int]) -> None:
        wanted = set(ids) - self.local.keys()
        if wanted:
            self.local.update(self.spec.model.objects.filter(**self._in_division()).in_bulk(wanted))

    def _in_division(self) -> dict[str, Any]:
        return {self.spec.division_path: self.ctx.division}

    def label_of(self, local_id: int) -> str:
        local = self.local.get(local_id)
        return self.spec.record_label(local) if local is not None else str(local_id)

    def local_hash(self, local: models.Model) -> str:
        """The hash of what FieldOffice sends for ``local``: what its link keeps."""
        return content_hash(self.spec.comparable_here(local, self.lookups))

    def comparable_there(self, record: Record) -> dict[str, Any]:
        """QuickBooks' content of a record, as its link keeps it."""
        return self.spec.remote_comparable(record)

    # Pull.

    def pull(self) -> None:
        records = [record for record in self.read.records.values() if self.spec.listed(record)]
        self.journal.stage(self.spec.stage, total=len(records))
        self.pull_load(records)
        self.pull_rounds(records, self.pull_one)

    def pull_load(self, records: list[Record]) -> None:
        """What the pull compares the records with: their links, the records linked, and those matched by name."""
        self.read.links_load(record.remote_id for record in records)
        self.local_load(link.object_id for link in self.links.by_remote.values())
        self.unlinked_by_name = self._unlinked_by_name([name_key(record.name) for record in records])
        self.pending = self.links.load_pending() if records else {}
        self.local_load(link.object_id for link in self.pending.values())

    def _unlinked_by_name(self, keys: list[str]) -> dict[str, models.Model]:
        name = self.spec.name_field
        query = self.spec.model.objects.filter(**self._in_division())
        if not self.read.complete:
            if not keys:
                return {}
            query = query.annotate(lower_name=Lower(name)).filter(lower_name__in=set(keys))
        found = {}
        for local in query:
            self.local.setdefault(local.pk, local)
            if not self.links.is_linked(local.pk):
                found[name_key(getattr(local, name))] = local
        if not self.read.complete and found:
            self.links.load_local(local.pk for local in found.values())
            found = {key: local for key, local in found.items() if not self.links.is_linked(local.pk)}
        return found

    def pull_rounds(self, records: list[Record], pull_one: Callable[[Record], None]) -> None:
        """Pull ``records`` round by round, each round's writes saved in bulk and together (one transaction)."""
        for start in range(0, len(records), WRITES_PER_ROUND):
            round_records = records[start : start + WRITES_PER_ROUND]
            with transaction.atomic():
                for record in round_records:
                    pull_one(record)
                self.batch.flush()
            self.journal.advance(len(round_records))
            self.ctx.heartbeat()

    def pull_one(self, record: Record) -> None:
        remote_id = record.remote_id
        link = self.links.remote(remote_id)
        if link is None and (elsewhere := self._linked_elsewhere(remote_id)):
            self.log(SyncAction.SKIPPED, record.name, qbo_id=remote_id, message=elsewhere)
            return
        if unchanged_there(link, record, self.rules):
            return
        fields = self.spec.fields_of(record, None, self.lookups)
        pulled = Pulled(record, fields, label=str(fields[self.spec.name_field]))
        local = self.local.get(link.object_id) if link else None
        if link is not None and local is None:
            # Deleted here since: QuickBooks still has it, so it comes back rather than being lost.
            self.links.forget(link.object_id)
            link = None
        if local is None:
            made = self.pending_match(record)
            if made is not None and (local := self.local.get(made.object_id)) is not None:
                self.link_keep_here(pulled, local.pk, INTERRUPTED_CREATE)
                return
            local = self.unlinked_by_name.pop(name_key(pulled.label), None)
        self.plan_and_carry_out(pulled, local, link, self.apply_here, lambda: self.local_hash(local))

    def _linked_elsewhere(self, remote_id: str) -> str:
        """Why a record linked to a local record of another kind is left alone ("" when it is not)."""
        if self.spec.linked_elsewhere and self.read.taken(remote_id):
            return self.spec.linked_elsewhere
        return ""

    def plan_and_carry_out(
        self,
        pulled: Pulled,
        local: models.Model | None,
        link: RecordLink | None,
        apply: Callable[[Pulled, Any], None],
        local_hash: Callable[[], str],
        *,
        losing_here: Callable[[], dict[str, Any]] | None = None,
        namesake_refused: str = "",
    ) -> None:
        """The plan for a pulled record (``local``: its twin or namesake here, if any), carried out."""
        if not namesake_refused and local is not None and link is None and self.spec.namesake_refused is not None:
            namesake_refused = self.spec.namesake_refused(local)
        decision = plan_both_ways(
            pulled.record,
            local,
            link,
            self.rules,
            namesake_refused=namesake_refused,
            **self._edits(pulled.record, local, link, local_hash),
        )
        losing = losing_here or (lambda: self.spec.comparable_here(local, self.lookups))
        self.carry_out(pulled, local, decision, apply=apply, losing_here=losing)

    def _edits(
        self, record: Record, local: Any, link: RecordLink | None, local_hash: Callable[[], str]
    ) -> dict[str, Any]:
        """What a two-way plan compares of a linked pair: the content here, and when each side was last edited."""
        if not (self.rules.two_way and link is not None and local is not None):
            return {}
        return {
            "local_hash": local_hash(),
            "local_changed": self.ctx.local_changed_since_last_run(local.updated_at),
            "local_edited_at": local.updated_at,
            "remote_edited_at": getattr(record, "updated_at", None),
        }

    def carry_out(
        self,
        pulled: Pulled,
        local: Any,
        decision: Decision,
        *,
        apply: Callable[[Pulled, Any], None],
        losing_here: Callable[[], dict[str, Any]],
    ) -> None:
        kind = decision.kind
        if kind == Kind.NOTHING:
            return
        if kind == Kind.KEPT_APART:
            # One-way sync met an unlinked local record of the pulled one's name: skipped (and said so), never merged.
            self.log(
                SyncAction.SKIPPED, pulled.label, qbo_id=pulled.remote_id, object_id=local.pk, message=decision.reason
            )
            return
        if kind == Kind.LINK_KEEP_HERE:
            self.link_keep_here(pulled, local.pk, decision.reason)
            return
        if kind == Kind.KEEP_HERE:
            self.keep_here(pulled, local.pk, decision.reason)
            return
        if kind == Kind.LINK:
            pulled.action = SyncAction.LINKED
        if decision.conflict:
            pulled.lost(decision.reason, losing_here())
        apply(pulled, local)

    def apply_here(self, pulled: Pulled, local: Any) -> None:
        """Save QuickBooks' record here (in the batch), then link and log it."""
        saving = self.saving(pulled, local, {self.spec.division_path: self.ctx.division})
        if saving is None:
            # Created here by this sync: what is under it in QuickBooks comes with it in the same sync.
            self.would_create[pulled.remote_id] = pulled.label
            return
        fields, changed = saving

        def saved(record: Any) -> None:
            self.local[record.pk] = record
            if changed:
                self.pulled.add(record.pk)

        self.batch_add(pulled, local, fields if changed else None, content_hash=self.local_hash, saved=saved)

    def saving(self, pulled: Pulled, local: Any, new: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
        """
        The fields a pulled record saves here (a new one with ``new``, its division or its parent), and whether they
        change anything; its entry's action follows. ``None`` for a record a preview would create (it is logged).
        """
        fields = pulled.fields
        changed = local is None or any(getattr(local, name) != value for name, value in fields.items())
        if local is not None:
            if changed and local.active and not fields["active"]:
                pulled.deactivated()
            return fields, changed
        pulled.action = SyncAction.CREATED
        if self.ctx.preview:
            self.log(pulled.action, pulled.label, qbo_id=pulled.remote_id)
            return None
        return {**new, **fields}, True

    def batch_add(
        self,
        pulled: Pulled,
        local: Any,
        fields: dict[str, Any] | None,
        *,
        content_hash: Callable[[Any], str],
        saved: Callable[[Any], None],
        keys: Iterable[Any] = (),
    ) -> None:
        """A pulled record saved with the round's others (``fields``: ``None`` when nothing changes), then linked."""
        self.batch.add(
            self.pulled_write(
                pulled.record,
                local,
                fields,
                label=pulled.label,
                action=pulled.action,
                content_hash=content_hash,
                saved=saved,
                message=pulled.message,
                details=pulled.details,
                logged=fields is not None or pulled.action != SyncAction.UPDATED,
                keys=keys,
            )
        )

    def pending_match(self, record: Record) -> RecordLink | None:
        """The local record whose interrupted create made ``record`` (same name sent, made after it was sent)."""
        key = name_key(record.name)
        link = self.pending.get(key)
        created = self.spec.created_at(record)
        if link is None or (created is not None and created < link.pending_since - CLOCK_TOLERANCE):
            return None
        del self.pending[key]
        return link

    def link_keep_here(self, pulled: Pulled, local_id: int, message: str) -> None:
        """
        Linked to the pulled record keeping FieldOffice's values, which are sent (two-way with FieldOffice primary,
        or what an interrupted create made).
        """
        comparable = self.comparable_there(pulled.record)
        self.links.set(local_id, pulled.remote_id, pulled.record.version, content_hash(comparable))
        self.forced.add(local_id)
        self.log(SyncAction.LINKED, pulled.label, qbo_id=pulled.remote_id, object_id=local_id, message=message)

    def keep_here(self, pulled: Pulled, local_id: int, message: str) -> None:
        """Both sides changed and FieldOffice's edit is the later: kept and sent, QuickBooks' version logged."""
        self.links.touch(self.links.remote(pulled.remote_id), sync_token=pulled.record.version)
        self.forced.add(local_id)
        self.log(
            SyncAction.SKIPPED,
            pulled.label,
            qbo_id=pulled.remote_id,
            object_id=local_id,
            message=message,
            details={"kept": "FieldOffice", "losing_version": self.comparable_there(pulled.record)},
        )

    # Push.

    def candidates(self, query: models.QuerySet, *, changed: models.Q | None = None) -> models.QuerySet:
        """
        The local records sent: all of them on a full run, a resend or the first push; else those changed since the
        last run (``changed`` widens what counts), never linked, whose last send failed, or that the pull said to send.
        """
        ctx = self.ctx
        ctx.local_changes_collected()
        if ctx.full or ctx.resend or ctx.state.local_cursor is None:
            return query
        wanted = models.Q(updated_at__gt=ctx.state.local_cursor)
        if changed is not None:
            wanted |= changed
        wanted |= self.links.unlinked_filter() | self.links.stale_filter() | models.Q(pk__in=self.forced)
        return query.filter(wanted)

    def push(self) -> None:
        query = self.candidates(self.spec.model.objects.filter(**self._in_division()))
        records = list(query)
        if not records:
            return
        self.journal.stage(self.spec.push_stage or self.spec.stage, total=len(records))
        self.links.load_local(record.pk for record in records)
        if self.ctx.preview:
            # What the pull would have saved is only in memory: those records, not the stored ones, are sent.
            records = [self.local.get(record.pk, record) for record in records]
        for record in records:
            self.local[record.pk] = record
        namesakes = self._remote_unlinked_names() if self.read.complete else {}
        queue = Queue()
        for local in records:
            record = self.spec.record_sent(local, None, CREATE, self.lookups)
            wanted = content_hash(self.spec.remote_comparable(record))
            namesake = namesakes.get(name_key(record.name))
            refused = self.spec.name_taken(namesake.name) if namesake is not None and self.spec.name_taken else ""
            decision = self.plan_sent(local.pk, wanted, self.spec.remote_comparable, namesake, refused)
            if decision.kind == Kind.KEPT_APART:
                label = self.spec.record_label(local)
                self.name_taken(local.pk, label=label, name=namesake.name, remote_id=namesake.remote_id)
            else:
                self.queue(queue, local.pk, record, wanted, decision)
        self.send(queue)

    def _remote_unlinked_names(self) -> dict[str, Record]:
        return {
            name_key(record.name): record
            for remote_id, record in self.read.records.items()
            if not self.read.taken(remote_id) and self.spec.matched_there(record)
        }

    def plan_sent(
        self,
        local_id: int,
        wanted: str,
        comparable: Callable[[Record], dict[str, Any]],
        namesake: Record | None = None,
        namesake_refused: str = "",
    ) -> Decision:
        """
        What is done with a local record whose record sent hashes to ``wanted`` (``comparable`` reads QuickBooks'
        copy the same way), by ``plan_sent``.
        """
        link = self.links.local(local_id)
        held = self._held(link)
        return plan_sent(
            wanted,
            link,
            self.rules,
            resend=self.ctx.resend,
            held_hash=content_hash(comparable(held)) if held is not None else None,
            forced=local_id in self.forced,
            namesake=namesake,
            namesake_refused=namesake_refused,
        )

    def _held(self, link: RecordLink | None) -> Record | None:
        """QuickBooks' copy of a linked record, when a resend read it."""
        if self.ctx.resend and link is not None and link.qbo_id:
            return self.read.records.get(link.qbo_id)
        return None

    def queue(
        self, queue: Queue, local_id: int, record: Record, wanted: str, decision: Decision, *, note: str = ""
    ) -> None:
        """
        The write a decision calls for: an update at QuickBooks' version, or a create (recovered when in flight);
        ``note``: what the log says of it.
        """
        link = self.links.local(local_id)
        write = sent_write(
            self.spec.entity,
            decision,
            record,
            links=self.links,
            local_id=local_id,
            key=(local_id, wanted),
            held=self._held(link),
        )
        if write is None:
            return
        write = replace(write, note=note or decision.reason)
        if write.action == UPDATE:
            queue.updates.append(replace(write, payload=self.update_body(local_id, write.payload)))
        else:
            (queue.pending if link is not None and link.pending_since else queue.creates).append(write)

    def update_body(self, local_id: int, body: Record) -> Record:
        """The record an update sends (a kind may leave out what must not change there)."""
        return body

    def send(self, queue: Queue) -> None:
        writer = self.writer()
        queue.creates.extend(writer.recover(queue.pending))
        writer.send(queue.creates + queue.updates)

    def writer(self, **how: Any) -> Writer:
        """How the records are written: the engine's ``Writer``, with the spec's recovery and names in use."""
        return super().writer(
            label=lambda write: self.label_of(write.key[0]),
            local_id=lambda write: write.key[0],
            sent_name=lambda write: write.payload.name,
            duplicates=self.resolve_duplicates,
            recreate=self.recreate,
            recovery=Recovery(
                find=self.pending_found,
                keys=_pending_keys,
                fits=self.pending_fits,
                created_at=self.spec.created_at,
                adopt=self.pending_adopt,
            ),
            taken=self.read.taken,
            **how,
        )

    def recreate(self, write: Write) -> Write:
        """A record QuickBooks lost, sent as a new one (see ``Writer.recreate``); noted, for what depends on it."""
        self.made_again.add(write.key[0])
        return as_new(write)

    def pending_found(self, pending: list[Pending]) -> dict[str, Record]:
        """
        What QuickBooks holds under the names interrupted creates were sent with, or the records' names now, by name
        (with the links of those records, so that one linked to another record is not taken).
        """
        names = set()
        for write, link in pending:
            names.add(write.payload.name)
            if link.pending_name:
                names.add(link.pending_name)
        return self.found_by_names(sorted(names), within=self.pending_within(pending))

    def pending_within(self, pending: list[Pending]) -> list[str]:
        """The parents whose records are looked up too (those named only under their parent)."""
        return []

    def found_by_names(self, names: list[str], *, within: list[str] = ()) -> dict[str, Record]:
        records = self.ctx.backend.find_by_names(self.spec.entity, names, within=within)
        found = {name_key(record.name): record for record in records}
        self.read.links_load(record.remote_id for record in found.values())
        return found

    def pending_fits(self, pending: Pending, record: Record) -> bool:
        """Whether what QuickBooks made is of this spec (a top-level customer, not a job)."""
        return self.spec.matched_there(record)

    def pending_adopt(self, pending: Pending, record: Record) -> Write:
        return pending.write

    def applied(self, result: WriteResult) -> None:
        """A write's final outcome: linked at what QuickBooks holds now, or failed."""
        if not result.ok:
            self.failed(result)
            return
        local_id, wanted = result.write.key
        replaced = result.write.payload.remote_id
        message = result.write.note
        if result.write.action == UPDATE and replaced and replaced != result.record.remote_id:
            # QuickBooks cannot rename it (a ship-to address, known by its name): the old record stays there, and
            # must not come back here as a new one.
            self.links.leave_behind(replaced)
            message = _left_behind(self.read.records.get(replaced))
        self.written(result, local_id, wanted, label=self.label_of(local_id), message=message)

    def failed(self, result: WriteResult, *, message: str = "") -> None:
        local_id, _ = result.write.key
        self.write_failed(result, local_id, label=self.label_of(local_id), message=message)

    def resolve_duplicates(self, duplicates: list[WriteResult]) -> list[Write]:
        """
        Creates refused because QuickBooks holds the name: both ways linked to the record of that name (and
        FieldOffice's values sent); one way skipped; failed, said why, when no record of this kind has the name.
        """
        retries: list[Write] = []
        found = self.found_by_names([result.write.payload.name for result in duplicates])
        for result in duplicates:
            retry = self.renamed_retry(result)
            if retry is not None:
                retries.append(retry)
                continue
            local_id, _ = result.write.key
            payload = result.write.payload
            record = found.get(name_key(payload.name))
            linkable = (
                record is not None
                and not self.read.taken(record.remote_id)
                and self.spec.matched_there(record)
                and result.write.action == CREATE
            )
            if linkable and self.rules.two_way:
                self.links.set(local_id, record.remote_id, record.version, "")
                body = replace(payload, remote_id=record.remote_id, version=record.version)
                retries.append(Write(self.spec.entity, UPDATE, body, key=result.write.key))
                self.log(
                    SyncAction.LINKED,
                    self.label_of(local_id),
                    qbo_id=record.remote_id,
                    object_id=local_id,
                    message=LINKED_BY_NAME,
                )
                continue
            link = self.links.local(local_id)
            if link is not None and not link.qbo_id:
                self.links.forget(local_id)
            if linkable:
                self.name_taken(local_id, label=self.label_of(local_id), name=record.name, remote_id=record.remote_id)
            elif record is None and self.spec.name_in_use is not None:
                # No record of this kind has the name: one of another kind does (one pool of names).
                self.failed(result, message=self.spec.name_in_use(payload.name))
            else:
                self.failed(result)
        return retries

    def renamed_retry(self, result: WriteResult) -> Write | None:
        """A create sent again under another name instead (a location under its customer's), if the kind has one."""
        return None


def _pending_keys(pending: Pending) -> list[str]:
    """An interrupted create is matched by the name it was sent with, then by the record's name now."""
    sent = [name_key(pending.link.pending_name)] if pending.link.pending_name else []
    return [*sent, name_key(pending.write.payload.name)]


def _left_behind(old: Record | None) -> str:
    """What the log says of a record QuickBooks kept under its old name when it took the new one as another."""
    which = f" ({old.name})" if old is not None else ""
    return (
        "QuickBooks cannot rename it: it added it under its new name and kept the old one"
        f"{which}, which FieldOffice no longer syncs. Delete or rename that one in QuickBooks if it is not used."
    )
