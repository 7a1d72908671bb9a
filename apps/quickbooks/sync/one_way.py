"""
The engine's apply for the specs synced one way (the short lists, the chart of accounts, items): a spec's records
read, paired, planned (``sync.plan``) and the decisions carried out as an ``Apply`` (``sync.apply``) carries out
every spec's.

- Here: QuickBooks' records through the spec's domain services with ``by_master_system=True`` (a round at a time in
  bulk when the spec names a bulk service, ``save_many``); a record they refuse fails alone, with their reasons. A
  preview writes nothing here and keeps the links it would write in memory (``RunContext.link_set``).
- There: the writes queued while planning, sent once every record was planned, after the records their creates need
  (``Prerequisite``: a tax code's agency) were created. Where QuickBooks keeps the records, only those a spec sends all
  the same (``SentAnyway``: the accounts an Owner asked for) are created there, and linked at what QuickBooks
  answered; where FieldOffice keeps them, links keep the hash of what FieldOffice sent.
- A long list (``EntitySpec.reads_changes``: items) is read for its changes, and only the local records those may
  pair with are loaded (``sync.reads``); when sent, its candidates are the local records its spec picks, its creates
  are marked pending and those an interrupted run left are recovered (``sync.writes.Recovery``).
"""

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.models import PrimarySystem, SyncAction
from apps.quickbooks.sync.apply import Apply
from apps.quickbooks.sync.backend import CREATE, UPDATE, Capabilities, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.plan import Decision, Kind, Pair, PlanSettings, pairs, plan
from apps.quickbooks.sync.reads import local_read, remote_read, unlisted_note
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import EntitySpec, Refs
from apps.quickbooks.sync.writes import (
    CLOCK_TOLERANCE,
    DUPLICATE_NAME,
    Pending,
    Recovery,
    Writer,
    as_new,
    error_code,
)

LOGGED_AS = {
    Kind.CREATE_HERE: SyncAction.CREATED,
    Kind.UPDATE_HERE: SyncAction.UPDATED,
    Kind.DEACTIVATE_HERE: SyncAction.DEACTIVATED,
    Kind.LINK: SyncAction.LINKED,
}


def spec_sync(ctx: RunContext, spec: EntitySpec) -> None:
    """Sync ``spec``'s records in the direction the settings give (nothing when they do not sync them)."""
    master = spec.master(ctx)
    if not master:
        return
    pulled = master == PrimarySystem.QUICKBOOKS
    remote, deleted, refs = _remote_side(ctx, spec)
    complete = spec.entity in ctx.snapshot.complete
    links = ctx.link_set(spec.model, spec.entity)
    local = _local_side(ctx, spec, links, remote, deleted, pulled=pulled, complete=complete)
    if local is None:
        return  # Nothing to send.
    # The local records QuickBooks, which keeps them, is sent all the same (the accounts an Owner asked for).
    anyway = spec.sent_anyway if pulled else None
    sent = frozenset(anyway.wanted(ctx)) if anyway is not None else frozenset()
    ctx.journal.stage(spec.stage if pulled else spec.push_stage or spec.stage, total=len(remote if pulled else local))
    # Only what is sent asks what QuickBooks lets apps do.
    capabilities = ctx.backend.capabilities if sent or not pulled else Capabilities()
    lookups = spec.lookups(ctx) if spec.lookups is not None else None
    settings = PlanSettings(master, capabilities, full=ctx.full, sent=sent, lookups=lookups, resend=ctx.resend)
    found = pairs(
        spec, master, remote, local, links.by_local, links.by_remote, complete=complete, sent=sent, deleted=deleted
    )
    OneWayApply(ctx, spec, links, refs, pulled=pulled).run(found, settings)
    if anyway is not None and sent and not ctx.preview:
        anyway.done(ctx, {pk for pk in sent if links.is_linked(pk)})


def _remote_side(ctx: RunContext, spec: EntitySpec) -> tuple[list[Any], list[str], Refs]:
    """
    The spec's QuickBooks records the run plans with (those it lists, completed from what they refer to), the ids
    of those QuickBooks reported deleted, and the records their mapping refers to.
    """
    read = remote_read(ctx, spec)
    deleted = [record.remote_id for record in read if spec.deleted(record)]
    present = [record for record in read if not spec.deleted(record)]
    others = {entity: ctx.snapshot.of(entity) for entity in spec.reads if entity != spec.entity}
    refs = Refs(ctx.division.name, {spec.entity: present, **others} if spec.entity in spec.reads else others)
    unlisted_note(ctx, spec, [record for record in present if not spec.listed(record)])
    remote = [spec.resolve(record, refs) for record in present if spec.listed(record)]
    return remote, deleted, refs


def _local_side(
    ctx: RunContext,
    spec: EntitySpec,
    links: LinkSet,
    remote: list[Any],
    deleted: list[str],
    *,
    pulled: bool,
    complete: bool,
) -> list[Any] | None:
    """
    The local records the run plans with, their links loaded: the spec's candidates when it picks what is sent
    (``None`` when there are none), every record of a list read in full, else those the records read may pair with.
    """
    if not pulled and spec.push_candidates is not None:
        local = list(spec.push_candidates(ctx, links))
        if not local:
            return None
        if complete or ctx.resend:
            links.load_all()
        links.load_local(record.pk for record in local)
        return local
    if complete or not spec.reads_changes:
        links.load_all()
        return list(spec.model.objects.filter(division=ctx.division))
    return local_read(ctx, spec, links, remote, deleted)


@dataclass
class _Queued:
    """A write there, sent with the others at the end."""

    action: str
    local: Any
    remote: Record | None
    # What its log entry says once written (why a record QuickBooks keeps was created there).
    note: str = ""
    # Its link (the version an update of a record not read goes with), and the record sent once built.
    link: Any = None
    record: Record | None = None


class OneWayApply(Apply):
    """Carries out one spec's decisions: those here at once, those there queued and sent together (``send``)."""

    def __init__(self, ctx: RunContext, spec: EntitySpec, links: LinkSet, refs: Refs, *, pulled: bool) -> None:
        super().__init__(ctx, spec, links)
        self.refs = refs
        # QuickBooks keeps the records: links hold QuickBooks' content, even of a record created there.
        self.pulled = pulled
        self.queued: list[_Queued] = []
        # QuickBooks' records saved here in bulk, a round at a time, when the spec has a bulk service.
        self.bulk = pulled and spec.save_many is not None and not ctx.preview

    def run(self, found: list[Pair], settings: PlanSettings) -> None:
        """
        Each pair planned and its decision carried out: those here in one transaction (a long list costs one commit,
        not one per record), then those there.
        """
        self.lookups = settings.lookups
        size = self.spec.round_size or max(len(found), 1)
        for start in range(0, len(found), size):
            rounded = found[start : start + size]
            with transaction.atomic():
                for pair in rounded:
                    if not self.spec.round_size and (pair.remote is not None or not self.pulled):
                        self.ctx.journal.advance()
                    self.carry_out(pair, plan(self.spec, pair.remote, pair.local, pair.link, settings))
                self.batch.flush()
            if self.spec.round_size:
                self.ctx.journal.advance(sum(1 for pair in rounded if pair.remote is not None or not self.pulled))
                self.ctx.heartbeat()
        self.send()

    def carry_out(self, pair: Pair, decision: Decision) -> None:
        kind = decision.kind
        if kind == Kind.NOTHING:
            return
        if kind == Kind.CREATE_THERE:
            self.queued.append(_Queued(CREATE, pair.local, None, decision.reason, link=pair.link))
        elif kind == Kind.UPDATE_THERE:
            self.queued.append(_Queued(UPDATE, pair.local, pair.remote, link=pair.link))
        elif kind == Kind.RELINK:
            self._link_remote(pair.local, pair.remote)
        elif kind == Kind.DEACTIVATE_HERE and pair.remote is None:
            self._deactivate_gone(pair, decision.reason)
        elif kind == Kind.KEPT_APART:
            self._kept_apart(pair, decision)
        elif kind == Kind.REFUSED:
            self._refused(pair, decision)
        elif kind == Kind.SKIP or (kind == Kind.LINK and not self.pulled):
            self._link_local(pair, decision)
        else:
            self._pulled(pair, decision)

    # Here.

    def _pulled(self, pair: Pair, decision: Decision) -> None:
        """QuickBooks' record written here (created, updated, made inactive, or matched by name), then linked."""
        remote, local = pair.remote, pair.local
        if local is None:
            self._stale_link_forget(remote)
        fields = self.spec.fields_of(remote, local, self.lookups)
        label = str(fields.get("name") or remote.remote_id)
        changed = local is None or any(getattr(local, name) != value for name, value in fields.items())
        action = LOGGED_AS[decision.kind]
        if changed and self.bulk:
            self.batch.add(
                self.pulled_write(
                    remote,
                    local,
                    fields if local is not None else {"division": self.ctx.division, **fields},
                    label=label,
                    action=action,
                    content_hash=lambda saved: content_hash(self.spec.remote_comparable(remote)),
                )
            )
            return
        if changed and not self.ctx.preview:
            try:
                local = self._write_here(local, fields)
            except ValidationError as error:
                self.save_failed(remote.remote_id, label, error)
                return
        if local is not None:  # In a preview, a record created here is not: nothing links to it.
            self._link_remote(local, remote)
        self.log(action, label, qbo_id=remote.remote_id, object_id=local.pk if local is not None else None)

    def _stale_link_forget(self, remote: Record) -> None:
        """A link of ``remote`` to a record deleted here since is forgotten: QuickBooks' record comes back."""
        stale = self.links.remote(remote.remote_id)
        if stale is not None and not self.ctx.preview:
            self.links.forget(stale.object_id)

    def _kept_apart(self, pair: Pair, decision: Decision) -> None:
        """
        Namesakes not linked (``EntitySpec.namesake_refused``, ``name_taken``): said why, under the name of the
        record synced (QuickBooks' when it keeps the records).
        """
        if self.pulled:
            self._stale_link_forget(pair.remote)
            fields = self.spec.fields_of(pair.remote, None, self.lookups)
            label = str(fields.get("name") or pair.remote.remote_id)
        else:
            label = self.spec.record_label(pair.local)
        self.log(
            SyncAction.SKIPPED, label, qbo_id=pair.remote.remote_id, object_id=pair.local.pk, message=decision.reason
        )

    def _refused(self, pair: Pair, decision: Decision) -> None:
        """A local record that cannot be sent as it is: failed alone, and sent again once it can (hash cleared)."""
        link = pair.link
        if link is not None and link.qbo_id:
            self.links.touch(link, content_hash="")
        self.log(
            SyncAction.FAILED,
            self.spec.record_label(pair.local),
            qbo_id=link.qbo_id if link is not None else "",
            object_id=pair.local.pk,
            message=decision.reason,
        )

    def _write_here(self, local: Any, fields: dict[str, Any]) -> Any:
        if local is None:
            return self.spec.create(division=self.ctx.division, by_master_system=True, **fields)
        return self.spec.update(**{self.spec.instance_argument: local}, by_master_system=True, **fields)

    def _deactivate_gone(self, pair: Pair, reason: str) -> None:
        label = self.spec.record_label(pair.local)
        if not self.ctx.preview:
            try:
                self.spec.deactivate(**{self.spec.instance_argument: pair.local}, by_master_system=True)
            except ValidationError as error:
                message = "; ".join(error.messages)
                self.log(SyncAction.FAILED, label, message=message, object_id=pair.local.pk)
                return
        self.log(
            SyncAction.DEACTIVATED,
            label,
            qbo_id=pair.link.qbo_id if pair.link else "",
            object_id=pair.local.pk,
            message=reason,
        )

    def _link_remote(self, local: Any, remote: Record) -> None:
        """Linked at QuickBooks' version and content (QuickBooks keeps the records)."""
        wanted = content_hash(self.spec.remote_comparable(remote))
        self.links.set(local.pk, remote.remote_id, remote.version, wanted)

    def _link_local(self, pair: Pair, decision: Decision) -> None:
        """
        Linked at the local record's content (FieldOffice keeps the records): matched by name, or a change reported
        as one that cannot be sent, so that it is reported once per version. A record QuickBooks takes none of has
        nothing to link to: it is reported at every run.
        """
        local, remote = pair.local, pair.remote
        if remote is not None:
            wanted = content_hash(self.spec.comparable_here(local, self.lookups))
            self.links.set(local.pk, remote.remote_id, remote.version, wanted)
        action = SyncAction.LINKED if decision.kind == Kind.LINK else SyncAction.SKIPPED
        self.log(
            action,
            self.spec.record_label(local),
            qbo_id=remote.remote_id if remote is not None else "",
            object_id=local.pk,
            message=decision.reason,
        )

    # There.

    def send(self) -> None:
        """The queued writes, after what their creates need; creates an interrupted run left in flight recovered."""
        if not self.queued:
            return
        missing = self._prerequisites_create()
        writes, in_flight, updates = [], [], []
        for queued in self.queued:
            if queued.action == CREATE and self._prerequisite_names(queued.local) & missing:
                continue  # Its prerequisite could not be created: said so under the prerequisite's name.
            record = self.spec.record_sent(queued.local, self.refs, queued.action, self.lookups)
            link = queued.link
            if queued.remote is not None:
                record = replace(record, remote_id=queued.remote.remote_id, version=queued.remote.version)
            elif queued.action == UPDATE and link is not None:
                record = replace(record, remote_id=link.qbo_id, version=link.sync_token)
            elif link is not None and link.qbo_id:
                self.links.forget(queued.local.pk)  # Lost by QuickBooks (a resend): created again.
                link = None
            queued.record = record
            write = Write(self.spec.entity, queued.action, record, key=queued)
            if queued.action == UPDATE:
                updates.append(write)
            elif self.spec.pending_creates and link is not None and link.pending_since:
                in_flight.append(write)
            else:
                writes.append(write)
        writer = self._writer()
        if in_flight:
            writes.extend(writer.recover(in_flight))
        writer.send(writes + updates)

    def _writer(self) -> Writer:
        pending = self.spec.pending_creates
        return self.writer(
            label=lambda write: self.spec.record_label(write.key.local),
            local_id=lambda write: write.key.local.pk,
            # Creates marked pending by the name they go with; without marks, a create an interrupted run made is
            # matched by its name at the next run, and linked (``sync.plan``).
            sent_name=(lambda write: _name(write.key.record)) if pending else None,
            recovery=self._recovery() if pending else None,
            recreate=as_new,
            # Each record moved the progress on as it was planned.
            progress=False,
        )

    def _recovery(self) -> Recovery:
        def holds(pending: Pending, found: Record) -> str:
            wanted = content_hash(self.spec.comparable_here(pending.write.key.local, self.lookups))
            return wanted if content_hash(self.spec.remote_comparable(found)) == wanted else ""

        return Recovery(
            find=self._in_flight_found,
            keys=lambda pending: [name_key(pending.link.pending_name), name_key(_name(pending.write.key.record))],
            created_at=self.spec.created_at,
            holds=holds,
        )

    def _in_flight_found(self, pending: list[Pending]) -> dict[str, Record]:
        """
        The unlinked records QuickBooks holds, by name: those read (in full), or those changed since the oldest
        interrupted create was recorded.
        """
        entity = self.spec.entity
        found = self.ctx.snapshot.of(entity)
        if entity not in self.ctx.snapshot.complete:
            oldest = min(each.link.pending_since for each in pending)
            found = self.ctx.backend.pull(changed=[entity], listed=[], since=oldest - CLOCK_TOLERANCE).of(entity)
        return {
            name_key(_name(record)): record
            for record in found
            if not self.spec.deleted(record) and self.links.remote(record.remote_id) is None
        }

    def _prerequisite_names(self, local: Any) -> set[tuple[str, str]]:
        return {
            (prerequisite.entity, name_key(prerequisite.name(local, self.refs.division_name)))
            for prerequisite in self.spec.prerequisites
        }

    def _prerequisites_create(self) -> set[tuple[str, str]]:
        """
        Create, in one round, the records the queued creates need that QuickBooks lacks; the (entity, name key) of
        those it refused.
        """
        wanted: dict[tuple[str, str], Write] = {}
        for queued in self.queued:
            if queued.action != CREATE:
                continue
            for prerequisite in self.spec.prerequisites:
                name = prerequisite.name(queued.local, self.refs.division_name)
                key = (prerequisite.entity, name_key(name))
                if key not in wanted and self.refs.named(prerequisite.entity, name) is None:
                    wanted[key] = Write(prerequisite.entity, CREATE, prerequisite.record(name), key=name)
        if not wanted:
            return set()
        labels = {prerequisite.entity: prerequisite.label for prerequisite in self.spec.prerequisites}
        refused: set[tuple[str, str]] = set()
        for key, result in zip(wanted, self.ctx.backend.write(list(wanted.values())), strict=True):
            entity, name = result.write.entity, result.write.key
            if not result.ok:
                refused.add(key)
                self.batch.log(labels[entity], SyncAction.FAILED, name, message=plain_reason(result.error, name))
                continue
            self.refs.add(entity, result.record, name=name)
            self.batch.log(labels[entity], SyncAction.CREATED, name, qbo_id=result.record.remote_id)
        return refused

    def applied(self, result: WriteResult) -> None:
        queued: _Queued = result.write.key
        local = queued.local
        label = self.spec.record_label(local)
        if not result.ok:
            self._not_written(result, queued, label)
            return
        if self.pulled:
            comparable = self.spec.remote_comparable(result.record)
        else:
            comparable = self.spec.comparable_here(local, self.lookups)
        message = result.write.note or queued.note
        self.written(result, local.pk, content_hash(comparable), label=label, message=message)

    def _not_written(self, result: WriteResult, queued: _Queued, label: str) -> None:
        """
        A write QuickBooks refused: a create whose name it holds already is skipped (``name_taken``: one-way sync
        never merges); the others fail, and, for a spec that ``retries_failed``, are sent again at the next run.
        """
        local = queued.local
        name = _name(queued.record)
        duplicate = error_code(result) == DUPLICATE_NAME
        if duplicate and result.write.action == CREATE and self.spec.name_taken is not None:
            self.links.forget(local.pk)
            self.name_taken(local.pk, label=label, name=name)
            return
        in_use = duplicate and self.spec.name_in_use is not None
        self.write_failed(result, local.pk, label=label, message=self.spec.name_in_use(name) if in_use else "")


def _name(record: Record | None) -> str:
    return str(getattr(record, "name", "") or "")
