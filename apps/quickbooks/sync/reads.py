"""
What the engine reads for a spec, before anything is planned: what the run's pull must bring from QuickBooks, the
spec's QuickBooks records as this run has them (with those an earlier run could not save read again), and the local
records they may pair with.

A short list is read in full on both sides. A long one (``EntitySpec.reads_changes``: items) is read for its changes
since the run's cursor, and only the local records those may pair with are loaded: the linked ones and the unlinked
namesakes. Records a spec leaves out (``unlisted_note``: categories) are said so once, the first time a sync meets
them.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models.functions import Lower

from apps.quickbooks.models import PrimarySystem, RecordLink, SyncAction, SyncRunEntry, SyncTrigger
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.spec import EntitySpec


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


def remote_read(ctx: RunContext, spec: EntitySpec) -> list[Any]:
    """
    The spec's QuickBooks records this run read, as records, with those an earlier run could not save here read
    again by id (``retries_failed``).
    """
    read = list(ctx.snapshot.of(spec.entity))
    if not spec.retries_failed:
        return read
    wanted = set(ctx.state.retry_remote.get(spec.entity, [])) - {record.remote_id for record in read}
    if wanted:
        read.extend(ctx.backend.read_by_ids(spec.entity, sorted(wanted)))
    return read


def local_read(ctx: RunContext, spec: EntitySpec, links: LinkSet, remote: list[Any], deleted: list[str]) -> list[Any]:
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


def unlisted_note(ctx: RunContext, spec: EntitySpec, records: list[Any]) -> None:
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
