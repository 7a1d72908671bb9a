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

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.models import PrimarySystem, SyncAction
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
    """What the run's pull must bring for ``spec``: its lists, read in full, while the settings sync it."""
    return ([], list(spec.reads)) if spec.master(ctx) else ([], [])


def spec_sync(ctx: RunContext, spec: EntitySpec) -> None:
    """Sync ``spec``'s records in the direction the settings give (nothing when they do not sync them)."""
    master = spec.master(ctx)
    if not master:
        return
    refs = Refs(ctx.division.name, {entity: ctx.snapshot.of(entity) for entity in spec.reads})
    remote = [spec.resolve(record, refs) for record in ctx.snapshot.of(spec.entity) if spec.listed(record)]
    links = ctx.link_set(spec.model, spec.entity).load_all()
    local = list(spec.model.objects.filter(division=ctx.division))
    pulled = master == PrimarySystem.QUICKBOOKS
    # The local records QuickBooks, which keeps them, is sent all the same (the accounts an Owner asked for).
    anyway = spec.sent_anyway if pulled else None
    sent = frozenset(anyway.wanted(ctx)) if anyway is not None else frozenset()
    ctx.journal.stage(spec.stage, total=len(remote) if pulled else len(local))
    # Only what is sent asks what QuickBooks lets apps do.
    capabilities = ctx.backend.capabilities if sent or not pulled else Capabilities()
    settings = PlanSettings(master, capabilities, full=ctx.full, sent=sent)
    apply = SpecApply(ctx, spec, links, refs, pulled=pulled)
    complete = spec.entity in ctx.snapshot.complete
    found = pairs(spec, master, remote, local, links.by_local, links.by_remote, complete=complete, sent=sent)
    apply.run(found, settings)
    if anyway is not None and sent and not ctx.preview:
        anyway.done(ctx, {pk for pk in sent if links.is_linked(pk)})


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

    def run(self, found: list[Pair], settings: PlanSettings) -> None:
        """
        Each pair planned and its decision carried out: those here in one transaction (a long list costs one commit,
        not one per record), then those there.
        """
        with transaction.atomic():
            for pair in found:
                if pair.remote is not None or not self.pulled:
                    self.ctx.journal.advance()
                self.carry_out(pair, plan(self.spec, pair.remote, pair.local, pair.link, settings))
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
        elif kind == Kind.SKIP or (kind == Kind.LINK and not self.pulled):
            self._link_local(pair, decision)
        else:
            self._pulled(pair, decision)

    # Here.

    def _pulled(self, pair: Pair, decision: Decision) -> None:
        """QuickBooks' record written here (created, updated, made inactive, or matched by name), then linked."""
        remote, local = pair.remote, pair.local
        fields = self.spec.fields(remote)
        label = str(fields.get("name") or remote.remote_id)
        changed = local is None or any(getattr(local, name) != value for name, value in fields.items())
        if changed and not self.ctx.preview:
            try:
                local = self._write_here(local, fields)
            except ValidationError as error:
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
