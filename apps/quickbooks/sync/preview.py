"""
What makes a preview the run it announces: the same steps and decisions, with nothing written on either side.

A preview runs every step exactly as a sync would, through two stand-ins:

- ``PreviewBackend`` reads from QuickBooks as the run would, and answers each write as QuickBooks would, without
  sending it: accepted (the record sent, with a placeholder id), or refused when it creates a customer or an item
  under a name QuickBooks (or this preview) already gave another one (``mapping.names``);
- ``PlannedLinks`` (through ``PreviewLinkSet`` and ``RunContext.linked_ids``) holds the links the run would write,
  so that a later step sees what an earlier one would have linked or created: a customer created in this sync makes
  its locations and invoices sendable in the same sync, an account matched by name lets the items that use it go.

The steps only leave out their local writes (the domain services) when ``ctx.preview`` is set; every choice of what
to send, link, skip or report is made by the same code, so the preview's counts per entity and action are the run's.
What a preview cannot know is what else QuickBooks would refuse when the records arrive (a name a vendor uses, a
duplicate invoice number, a record changed there meanwhile, a fault).
"""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from itertools import count
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.core.models import Division
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.mapping.names import UNIQUE_NAMES, duplicate_name_error
from apps.quickbooks.models import RecordLink
from apps.quickbooks.sync.backend import CREATE, Backend, Capabilities, Snapshot, Write, WriteResult
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.records import CompanyPreferences, Record

# QuickBooks ids are digits (Online) or ListIDs like "80000001-1234567890" (Desktop): this prefix is neither.
PLACEHOLDER_PREFIX = "preview:"


def is_placeholder(remote_id: str) -> bool:
    """An id a preview gave a record it would create (QuickBooks has not given it one)."""
    return remote_id.startswith(PLACEHOLDER_PREFIX)


class PreviewBackend:
    """Reads through ``backend``; answers writes as QuickBooks would without sending them (nothing is written)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._ids = count(1)
        # What this preview would have created, per entity: found by name as QuickBooks would find it.
        self._created: dict[str, list[Any]] = defaultdict(list)

    @property
    def api_calls(self) -> int:
        return self.backend.api_calls

    @property
    def capabilities(self) -> Capabilities:
        return self.backend.capabilities

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        return self.backend.pull(changed=changed, listed=listed, since=since)

    def write(self, writes: list[Write]) -> list[WriteResult]:
        taken = self._names_taken(writes)
        unsent = self._unsent(writes)
        results = []
        for index, write in enumerate(writes):
            if index in unsent:
                results.append(unsent[index])
                continue
            unique = UNIQUE_NAMES.get(write.entity) if write.action == CREATE else None
            if unique is not None and unique.counts(write.payload):
                name = unique.name(write.payload)
                if name_key(name) in taken[write.entity]:
                    results.append(WriteResult(write, error=duplicate_name_error(name)))
                    continue
                taken[write.entity].add(name_key(name))
            record = self._accepted(write)
            if unique is not None:
                self._created[write.entity].append(record)
            results.append(WriteResult(write, record=record))
        return results

    def _unsent(self, writes: list[Write]) -> dict[int, WriteResult]:
        """
        What the backend answers without sending anything (QuickBooks Desktop refuses some writes so), for the
        writes that refer to no record this preview would create (the backend has never seen those).
        """
        if not hasattr(self.backend, "write_unsent"):
            return {}
        positions = [index for index, write in enumerate(writes) if not _refers_to_placeholder(write.payload)]
        answers = self.backend.write_unsent([writes[index] for index in positions])
        return {positions[index]: result for index, result in answers.items()}

    def _names_taken(self, writes: list[Write]) -> dict[str, set[str]]:
        """The names QuickBooks has (or this preview gave) among those the creates of ``writes`` would use."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for write in writes:
            unique = UNIQUE_NAMES.get(write.entity)
            if write.action == CREATE and unique is not None and unique.counts(write.payload):
                wanted[write.entity].add(unique.name(write.payload))
        taken: dict[str, set[str]] = defaultdict(set)
        for entity, names in wanted.items():
            unique = UNIQUE_NAMES[entity]
            found = self.find_by_names(entity, sorted(names))
            taken[entity] = {name_key(unique.name(obj)) for obj in found if unique.counts(obj)}
        return taken

    def _accepted(self, write: Write) -> Record:
        return _record_accepted(write.payload, write.action, next(self._ids))

    def find_by_names(self, entity: str, names: list[str], *, within: Sequence[str] = ()) -> list[Record]:
        keys = {name_key(name) for name in names}
        unique = UNIQUE_NAMES.get(entity)
        made = self._created.get(entity, []) if unique is not None else []
        created = [record for record in made if name_key(unique.name(record)) in keys]
        within = [remote_id for remote_id in within if not is_placeholder(remote_id)]
        return self.backend.find_by_names(entity, names, within=within) + created

    def find_created_since(self, entity: str, since: datetime) -> list[Any]:
        return self.backend.find_created_since(entity, since)

    def preferences(self) -> CompanyPreferences:
        return self.backend.preferences()

    def read_by_ids(self, entity: str, ids: list[str]) -> list[Any]:
        return self.backend.read_by_ids(entity, [remote_id for remote_id in ids if not is_placeholder(remote_id)])

    def close(self) -> None:
        self.backend.close()


def _record_accepted(record: Record, action: str, number: int) -> Record:
    """``record`` as QuickBooks would return it: created with a placeholder id, or at its next version."""
    if action == CREATE:
        return dataclasses.replace(record, remote_id=f"{PLACEHOLDER_PREFIX}{number}", version="0")
    version = str(int(record.version) + 1) if record.version.isdigit() else record.version
    return dataclasses.replace(record, version=version)


def _refers_to_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return is_placeholder(value)
    if dataclasses.is_dataclass(value):
        # A record, or a part of one (an invoice's lines).
        return any(_refers_to_placeholder(getattr(value, item.name)) for item in dataclasses.fields(value))
    if isinstance(value, list | tuple):
        return any(_refers_to_placeholder(item) for item in value)
    return False


class PlannedLinks:
    """
    The links a preview would have written, by content type and local id, over the stored ones: a link it would
    create or change, or ``None`` for one it would delete.
    """

    def __init__(self) -> None:
        self._links: dict[tuple[int, int], RecordLink | None] = {}

    def put(self, link: RecordLink) -> None:
        self._links[(link.content_type_id, link.object_id)] = link

    def drop(self, content_type_id: int, object_id: int) -> None:
        self._links[(content_type_id, object_id)] = None

    def knows(self, content_type_id: int, object_id: int) -> bool:
        return (content_type_id, object_id) in self._links

    def get(self, content_type_id: int, object_id: int) -> RecordLink | None:
        return self._links.get((content_type_id, object_id))

    def of_type(self, content_type_id: int) -> Iterable[tuple[int, RecordLink | None]]:
        for (type_id, object_id), link in self._links.items():
            if type_id == content_type_id:
                yield object_id, link

    def overlay(self, content_type_id: int, entity: str, pairs: dict[int, str]) -> dict[int, str]:
        """``pairs`` (local id → QuickBooks id, as stored) as they would be after the preview's writes."""
        for object_id, link in self.of_type(content_type_id):
            if link is None or not link.qbo_id or link.entity_type != entity:
                pairs.pop(object_id, None)
            else:
                pairs[object_id] = link.qbo_id
        return pairs


class PreviewLinkSet(LinkSet):
    """A ``LinkSet`` whose writes go to the run's ``PlannedLinks`` instead of the database."""

    def __init__(self, division: Division, model: type[models.Model], entity: str, plan: PlannedLinks) -> None:
        super().__init__(division, model, entity)
        self.plan = plan

    def _keep(self, links: Iterable[RecordLink]) -> None:
        type_id = self.content_type.pk
        for link in links:
            if self.plan.knows(type_id, link.object_id):
                planned = self.plan.get(type_id, link.object_id)
                if planned is not None:
                    super()._keep([planned])
                continue
            super()._keep([link])

    def _keep_planned(self, wanted) -> None:
        planned = [
            link
            for object_id, link in self.plan.of_type(self.content_type.pk)
            if link is not None and object_id not in self.by_local and wanted(link)
        ]
        super()._keep(planned)

    def load_all(self) -> "PreviewLinkSet":
        if not self._loaded_all:
            super().load_all()
            self._keep_planned(lambda link: True)
        return self

    def load_remote(self, remote_ids: Iterable[str]) -> None:
        wanted = set(remote_ids)
        super().load_remote(wanted)
        self._keep_planned(lambda link: link.qbo_id in wanted and link.entity_type == self.entity)

    def load_local(self, local_ids: Iterable[int]) -> None:
        wanted = set(local_ids)
        super().load_local(wanted)
        self._keep_planned(lambda link: link.object_id in wanted)

    def _store(self, link: RecordLink) -> None:
        self.plan.put(link)

    def _store_many(self, links: list[RecordLink]) -> None:
        for link in links:
            self.plan.put(link)

    def touch(self, link: RecordLink, *, sync_token: str | None = None, content_hash: str | None = None) -> None:
        if sync_token is not None:
            link.sync_token = sync_token
        if content_hash is not None:
            link.content_hash = content_hash
        self.plan.put(link)

    def mark_pending(self, creates: Iterable[tuple[int, str]]) -> None:
        """Nothing is on its way: the preview's writes are answered at once."""

    def saved_together(self) -> AbstractContextManager[None]:
        """A preview's links go to its plan as they are set."""
        return nullcontext()

    def _drop(self, link: RecordLink) -> None:
        self.plan.drop(self.content_type.pk, link.object_id)

    def _leave(self, remote_id: str) -> None:
        """A preview leaves nothing behind in QuickBooks: its answers are its own."""

    def _unleave(self, remote_id: str) -> None:
        """Nothing left behind is taken back by a preview."""


def linked_ids(
    division: Division, model: type[models.Model], entity: str, plan: PlannedLinks | None = None
) -> dict[int, str]:
    """Local id → QuickBooks id of ``model``'s records linked to ``entity``, as stored or as a preview plans them."""
    content_type = ContentType.objects.get_for_model(model)
    links = RecordLink.objects.filter(division=division, content_type=content_type, entity_type=entity)
    pairs = dict(links.exclude(qbo_id="").values_list("object_id", "qbo_id"))
    return plan.overlay(content_type.pk, entity, pairs) if plan is not None else pairs
