"""
The engine's one apply: a spec's records read, paired, planned (``sync.plan``) and the decisions carried out, the
same way for every entity.

- Here: the spec's domain services with ``by_master_system=True``; a record they refuse fails alone, with their
  reasons. A preview writes nothing here and keeps the links it would write in memory (``RunContext.link_set``).
- There: the engine's writes (``sync.writes``: rounds, a stale version read again and sent once more) once every
  record was planned, after the records its creates need (``Prerequisite``: a tax code's agency) were created; each
  failure is a plain sentence (``sync.messages``). Where QuickBooks keeps the records, only those a spec sends all
  the same (``SentAnyway``: the accounts an Owner asked for) are created there, and linked at what QuickBooks
  answered.
- Links (``LinkSet``, the one answer to "is it linked") keep QuickBooks' version and the hash of the content both
  sides agreed on; the run's log (``RunJournal``) gets one entry per record that changed, failed or was reported.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.models import PrimarySystem, RecordLink, SyncAction, SyncRunEntry, SyncTrigger
from apps.quickbooks.sync.backend import CREATE, UPDATE, Capabilities, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.plan import Decision, Kind, Pair, PlanSettings, pairs, plan
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import EntitySpec, Refs
from apps.quickbooks.sync.writes import Writer

LOGGED_AS = {
    Kind.CREATE_HERE: SyncAction.CREATED,
    Kind.UPDATE_HERE: SyncAction.UPDATED,
    Kind.DEACTIVATE_HERE: SyncAction.DEACTIVATED,
    Kind.LINK: SyncAction.LINKED,
}


def spec_reads(ctx: RunContext, spec: EntitySpec) -> tuple[list[str], list[str]]:
    """
    What the run's pull must bring for ``spec`` while the settings sync it: its lists, read in full; or, for a spec
    that ``reads_changes``, its own records changed since the cursor (see ``EntitySpec.reads_changes``).
    """
    master = spec.master(ctx)
    if not master:
        return [], []
    if not spec.reads_changes:
        return [], list(spec.reads)
    others = [entity for entity in spec.reads if entity != spec.entity]
    if master != PrimarySystem.QUICKBOOKS:
        # Sent from here: QuickBooks' records are read only on a full run (names it has already, a resend).
        return ([spec.entity] if ctx.full or ctx.state.remote_cursor is None else []), others
    if not ctx.full and ctx.state.remote_cursor is not None and not _any_linked(ctx, spec):
        return [], [spec.entity, *others]
    return [spec.entity], others


def _any_linked(ctx: RunContext, spec: EntitySpec) -> bool:
    content_type = ContentType.objects.get_for_model(spec.model)
    links = RecordLink.objects.filter(division=ctx.division, content_type=content_type, entity_type=spec.entity)
    return links.exclude(qbo_id="").exists()


def spec_sync(ctx: RunContext, spec: EntitySpec) -> None:
    """Sync ``spec``'s records in the direction the settings give (nothing when they do not sync them)."""
    master = spec.master(ctx)
    if not master:
        return
    read = _remote_read(ctx, spec)
    deleted = [record.remote_id for record in read if spec.deleted(record)]
    present = [record for record in read if not spec.deleted(record)]
    others = {entity: ctx.snapshot.of(entity) for entity in spec.reads if entity != spec.entity}
    refs = Refs(ctx.division.name, {spec.entity: present, **others} if spec.entity in spec.reads else others)
    _unlisted_note(ctx, spec, [record for record in present if not spec.listed(record)])
    remote = [spec.resolve(record, refs) for record in present if spec.listed(record)]
    complete = spec.entity in ctx.snapshot.complete
    links = ctx.link_set(spec.model, spec.entity)
    if complete or not spec.reads_changes:
        links.load_all()
        local = list(spec.model.objects.filter(division=ctx.division))
    else:
        local = _local_read(ctx, spec, links, remote, deleted)
    pulled = master == PrimarySystem.QUICKBOOKS
    # The local records QuickBooks, which keeps them, is sent all the same (the accounts an Owner asked for).
    anyway = spec.sent_anyway if pulled else None
    sent = frozenset(anyway.wanted(ctx)) if anyway is not None else frozenset()
    ctx.journal.stage(spec.stage, total=len(remote) if pulled else len(local))
    # Only what is sent asks what QuickBooks lets apps do.
    capabilities = ctx.backend.capabilities if sent or not pulled else Capabilities()
    lookups = spec.lookups(ctx) if spec.lookups is not None else None
    settings = PlanSettings(master, capabilities, full=ctx.full, sent=sent, lookups=lookups)
    apply = SpecApply(ctx, spec, links, refs, pulled=pulled)
    found = pairs(
        spec, master, remote, local, links.by_local, links.by_remote, complete=complete, sent=sent, deleted=deleted
    )
    apply.run(found, settings)
    if anyway is not None and sent and not ctx.preview:
        anyway.done(ctx, {pk for pk in sent if links.is_linked(pk)})


def _remote_read(ctx: RunContext, spec: EntitySpec) -> list[Any]:
    """
    The spec's QuickBooks records this run read, as records, with those an earlier run could not save here read
    again by id (``retries_failed``).
    """
    read = [spec.from_wire(record) for record in ctx.snapshot.of(spec.entity)]
    if not spec.retries_failed:
        return read
    wanted = set(ctx.state.retry_remote.get(spec.entity, [])) - {record.remote_id for record in read}
    if wanted:
        read.extend(spec.from_wire(record) for record in ctx.backend.read_by_ids(spec.entity, sorted(wanted)))
    return read


def _local_read(ctx: RunContext, spec: EntitySpec, links: LinkSet, remote: list[Any], deleted: list[str]) -> list[Any]:
    """
    The local records the records of an incremental read may pair with: those linked to them, and the unlinked ones
    whose name is one of theirs (the database compares lower case; the plan compares keys).
    """
    links.load_remote([record.remote_id for record in remote] + deleted)
    records = spec.model.objects.filter(division=ctx.division)
    linked = [link.object_id for link in links.by_remote.values()]
    local = records.in_bulk(linked) if linked else {}
    names = {spec.remote_key(record) for record in remote} - {""}
    if names:
        named = records.annotate(lower_name=Lower("name")).filter(lower_name__in=names).exclude(pk__in=local)
        found = {record.pk: record for record in named}
        links.load_local(found)
        local.update(found)
    return list(local.values())


def _unlisted_note(ctx: RunContext, spec: EntitySpec, records: list[Any]) -> None:
    """Records the spec leaves out are said so once: the first sync (not a preview) that meets one says why."""
    if spec.unlisted_note is None or not records:
        return
    noted = set(
        SyncRunEntry.objects.filter(
            run__division=ctx.division,
            entity=spec.label,
            action=SyncAction.SKIPPED,
            qbo_id__in=[record.remote_id for record in records],
        )
        .exclude(run__trigger=SyncTrigger.PREVIEW)
        .values_list("qbo_id", flat=True)
    )
    for record in records:
        if record.remote_id not in noted:
            name = getattr(record, "name", "")
            message = spec.unlisted_note(record)
            ctx.journal.log(spec.label, SyncAction.SKIPPED, name, qbo_id=record.remote_id, message=message)


@dataclass
class _Queued:
    """A write there, sent with the others at the end."""

    action: str
    local: Any
    remote: Record | None
    # What its log entry says once written (why a record QuickBooks keeps was created there).
    note: str = ""


class SpecApply:
    """Carries out one spec's decisions: those here at once, those there queued and sent together (``send``)."""

    def __init__(self, ctx: RunContext, spec: EntitySpec, links: LinkSet, refs: Refs, *, pulled: bool) -> None:
        self.ctx = ctx
        self.spec = spec
        self.links = links
        self.refs = refs
        # QuickBooks keeps the records: links hold QuickBooks' content, even of a record created there.
        self.pulled = pulled
        self.queued: list[_Queued] = []
        self.lookups: Any = None

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
            if self.spec.round_size:
                self.ctx.journal.advance(sum(1 for pair in rounded if pair.remote is not None or not self.pulled))
                self.ctx.heartbeat()
        self.send()

    def carry_out(self, pair: Pair, decision: Decision) -> None:
        kind = decision.kind
        if kind == Kind.NOTHING:
            return
        if kind == Kind.CREATE_THERE:
            self.queued.append(_Queued(CREATE, pair.local, None, decision.reason))
        elif kind == Kind.UPDATE_THERE:
            self.queued.append(_Queued(UPDATE, pair.local, pair.remote))
        elif kind == Kind.RELINK:
            self._link_remote(pair.local, pair.remote)
        elif kind == Kind.DEACTIVATE_HERE and pair.remote is None:
            self._deactivate_gone(pair, decision.reason)
        elif kind == Kind.SKIP and self.pulled:
            self._namesake_skipped(pair, decision)
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
        if changed and not self.ctx.preview:
            try:
                local = self._write_here(local, fields)
            except ValidationError as error:
                if self.spec.retries_failed:
                    self.ctx.retry_later(self.spec.entity, remote.remote_id)
                message = f"{label} could not be saved here: {'; '.join(error.messages)}"
                self.ctx.journal.log(
                    self.spec.label, SyncAction.FAILED, label, message=message, qbo_id=remote.remote_id
                )
                return
        if local is not None:  # In a preview, a record created here is not: nothing links to it.
            self._link_remote(local, remote)
        object_id = local.pk if local is not None else None
        self.ctx.journal.log(
            self.spec.label, LOGGED_AS[decision.kind], label, qbo_id=remote.remote_id, object_id=object_id
        )

    def _stale_link_forget(self, remote: Record) -> None:
        """A link of ``remote`` to a record deleted here since is forgotten: QuickBooks' record comes back."""
        stale = self.links.remote(remote.remote_id)
        if stale is not None and not self.ctx.preview:
            self.links.forget(stale.object_id)

    def _namesake_skipped(self, pair: Pair, decision: Decision) -> None:
        """A QuickBooks record not linked to its namesake here (``EntitySpec.namesake_refused``): said why."""
        self._stale_link_forget(pair.remote)
        label = str(self.spec.fields_of(pair.remote, None, self.lookups).get("name") or pair.remote.remote_id)
        self.ctx.journal.log(
            self.spec.label,
            SyncAction.SKIPPED,
            label,
            qbo_id=pair.remote.remote_id,
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
                self.ctx.journal.log(
                    self.spec.label, SyncAction.FAILED, label, message=message, object_id=pair.local.pk
                )
                return
        self.ctx.journal.log(
            self.spec.label,
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
            self.links.set(local.pk, remote.remote_id, remote.version, content_hash(self.spec.local_comparable(local)))
        action = SyncAction.LINKED if decision.kind == Kind.LINK else SyncAction.SKIPPED
        self.ctx.journal.log(
            self.spec.label,
            action,
            self.spec.record_label(local),
            qbo_id=remote.remote_id if remote is not None else "",
            object_id=local.pk,
            message=decision.reason,
        )

    # There.

    def send(self) -> None:
        """The queued writes, after what their creates need."""
        if not self.queued:
            return
        missing = self._prerequisites_create()
        writes = []
        for queued in self.queued:
            if queued.action == CREATE and self._prerequisite_names(queued.local) & missing:
                continue  # Its prerequisite could not be created: said so under the prerequisite's name.
            record = self.spec.to_record(queued.local, self.refs, queued.action)
            if queued.remote is not None:
                record = replace(record, remote_id=queued.remote.remote_id, version=queued.remote.version)
            writes.append(Write(self.spec.entity, queued.action, record, key=queued))
        writer = Writer(
            self.ctx,
            self.links,
            entity=self.spec.entity,
            log_as=self.spec.label,
            label=lambda write: self.spec.record_label(write.key.local),
            local_id=lambda write: write.key.local.pk,
            applied=self._written,
            # Each record moved the progress on as it was planned. No pending marks: a create an interrupted run made
            # is matched by its name at the next run, and linked (``sync.plan``).
            progress=False,
        )
        writer.send(writes)

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
                self.ctx.journal.log(labels[entity], SyncAction.FAILED, name, message=plain_reason(result.error, name))
                continue
            self.refs.add(entity, result.record, name=name)
            self.ctx.journal.log(labels[entity], SyncAction.CREATED, name, qbo_id=result.record.remote_id)
        return refused

    def _written(self, result: WriteResult) -> None:
        queued: _Queued = result.write.key
        local = queued.local
        label = self.spec.record_label(local)
        if not result.ok:
            message = plain_reason(result.error, label)
            self.ctx.journal.log(self.spec.label, SyncAction.FAILED, label, object_id=local.pk, message=message)
            return
        record = result.record
        comparable = self.spec.remote_comparable(record) if self.pulled else self.spec.local_comparable(local)
        self.links.set(local.pk, record.remote_id, record.version, content_hash(comparable))
        action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
        self.ctx.journal.log(
            self.spec.label, action, label, qbo_id=record.remote_id, object_id=local.pk, message=queued.note
        )
