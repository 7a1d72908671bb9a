"""
What to do with each record of a spec: pure functions of the records, their link and the run's settings.

``pairs`` matches QuickBooks' records with local ones (by link, then by name) and ``plan`` decides, for one pair,
what the run does: create, update or deactivate here, create or update there, link, report a change that cannot be
sent, or nothing, with the reason a person reads. Neither touches the database or QuickBooks; ``sync.apply`` carries
the decisions out, and a preview carries out the same decisions with nothing written.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.backend import CREATE, UPDATE, Capabilities
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import EntitySpec

GONE = "Deleted in QuickBooks: made inactive here."


class Kind(StrEnum):
    NOTHING = "nothing"
    # Both sides agree; the link is brought up to QuickBooks' version.
    RELINK = "relink"
    # Matched by name: linked (a pull also makes the local record QuickBooks' copy).
    LINK = "link"
    CREATE_HERE = "create here"
    UPDATE_HERE = "update here"
    DEACTIVATE_HERE = "deactivate here"
    CREATE_THERE = "create there"
    UPDATE_THERE = "update there"
    # A change that cannot be sent: reported once, with the reason.
    SKIP = "skip"


@dataclass(frozen=True)
class Decision:
    kind: Kind
    reason: str = ""


NOTHING = Decision(Kind.NOTHING)


class LinkLike(Protocol):
    """What a plan reads of a link (``RecordLink``)."""

    object_id: int
    qbo_id: str
    sync_token: str
    content_hash: str


@dataclass(frozen=True)
class PlanSettings:
    """The run's rules for one spec: who keeps its records, and what the backend's QuickBooks lets apps do."""

    master: str
    capabilities: Capabilities = field(default_factory=Capabilities)


@dataclass(frozen=True)
class Pair:
    """A QuickBooks record and the local record it is matched with (either may be missing), and their link."""

    remote: Record | None
    local: Any
    link: LinkLike | None


def pairs(
    spec: EntitySpec,
    master: str,
    remote: Iterable[Record],
    local: Iterable[Any],
    links_by_local: Mapping[int, LinkLike],
    links_by_remote: Mapping[str, LinkLike],
    *,
    complete: bool = True,
) -> list[Pair]:
    """
    The pairs a run decides on. QuickBooks master: every QuickBooks record, with its linked local record, else an
    unlinked local one of the same name; then, when ``remote`` is ``complete`` (every record QuickBooks has, not only
    those changed), the linked local records it no longer lists. FieldOffice master: every local record, with its
    linked QuickBooks record, else an unlinked one of the same name.
    """
    remote, local = list(remote), list(local)
    if master == PrimarySystem.QUICKBOOKS:
        return _pull_pairs(spec, remote, local, links_by_local, links_by_remote, complete)
    return _push_pairs(spec, remote, local, links_by_local, links_by_remote)


def _own_link(link: LinkLike | None, local: Any) -> LinkLike | None:
    """``link`` if it is the local record's own (a link may point at a local record deleted since)."""
    return link if link is not None and local is not None and link.object_id == local.pk else None


def _pull_pairs(spec, remote, local, links_by_local, links_by_remote, complete) -> list[Pair]:
    local_by_id = {record.pk: record for record in local}
    never_linked = {spec.local_key(record): record for record in local if record.pk not in links_by_local}
    found: list[Pair] = []
    listed: set[str] = set()
    for record in remote:
        listed.add(record.remote_id)
        link = links_by_remote.get(record.remote_id)
        twin = local_by_id.get(link.object_id) if link is not None else None
        if twin is None:
            twin = never_linked.pop(spec.remote_key(record), None)
        found.append(Pair(record, twin, _own_link(link, twin)))
    if not complete:
        return found  # What was not read was not deleted.
    for remote_id, link in links_by_remote.items():
        twin = local_by_id.get(link.object_id)
        if remote_id not in listed and twin is not None:
            found.append(Pair(None, twin, link))
    return found


def _push_pairs(spec, remote, local, links_by_local, links_by_remote) -> list[Pair]:
    remote_by_id = {record.remote_id: record for record in remote}
    remote_by_name = {spec.remote_key(record): record for record in remote}
    taken = set(links_by_remote)
    found: list[Pair] = []
    for record in local:
        link = links_by_local.get(record.pk)
        twin = remote_by_id.get(link.qbo_id) if link is not None and link.qbo_id else None
        if twin is None:
            # Never linked, or its twin is gone from QuickBooks: one of the same name no other record is linked to.
            namesake = remote_by_name.get(spec.local_key(record))
            if namesake is not None and namesake.remote_id not in taken:
                twin = namesake
                taken.add(namesake.remote_id)
        found.append(Pair(twin, record, link))
    return found


def plan(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, settings: PlanSettings
) -> Decision:
    """What the run does with one pair (see ``Kind``); ``local`` is the model instance, ``remote`` the record."""
    if settings.master == PrimarySystem.QUICKBOOKS:
        return _plan_pull(spec, remote, local, link)
    return _plan_push(spec, remote, local, link, settings.capabilities)


def _plan_pull(spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None) -> Decision:
    if remote is None:
        # Linked, and QuickBooks no longer lists it: it was deleted there. Made inactive here, never deleted.
        return Decision(Kind.DEACTIVATE_HERE, GONE) if local is not None and local.active else NOTHING
    if local is None:
        return Decision(Kind.CREATE_HERE)
    if link is None or link.qbo_id != remote.remote_id:
        return Decision(Kind.LINK)
    fields = spec.fields(remote)
    if any(getattr(local, name) != value for name, value in fields.items()):
        made_inactive = local.active and fields.get("active") is False
        return Decision(Kind.DEACTIVATE_HERE if made_inactive else Kind.UPDATE_HERE)
    if link.sync_token != remote.version or link.content_hash != content_hash(spec.remote_comparable(remote)):
        return Decision(Kind.RELINK)
    return NOTHING


def _plan_push(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, capabilities: Capabilities
) -> Decision:
    if remote is None:
        if not local.active:
            return NOTHING
        if not capabilities.writes(spec.entity, CREATE):
            name = spec.record_label(local)
            return Decision(Kind.SKIP, f"QuickBooks does not let other apps add {name}: add it in QuickBooks.")
        return Decision(Kind.CREATE_THERE)
    linked = link is not None and link.qbo_id == remote.remote_id
    wanted = content_hash(spec.local_comparable(local))
    if spec.push_compares_remote:
        differs = content_hash(spec.remote_comparable(remote)) != wanted
    else:
        differs = linked and link.content_hash != wanted
    if not differs:
        return NOTHING if linked else Decision(Kind.LINK)
    if capabilities.writes(spec.entity, UPDATE):
        return Decision(Kind.UPDATE_THERE)
    if linked and link.content_hash == wanted:
        return NOTHING  # Reported when it changed: once per version here.
    return Decision(Kind.SKIP, capabilities.refusal(spec.entity, spec.record_label(local)))
