"""
What to do with each record of a spec: pure functions of the records, their link and the run's settings.

``pairs`` matches QuickBooks' records with local ones (by link, then by the spec's keys: by name unless it says
otherwise) and ``plan`` decides, for one pair, what the run does: create, update or deactivate here, create or update
there, link, report a change that cannot be sent, or nothing, with the reason a person reads. Neither touches the
database or QuickBooks; ``sync.apply`` carries the decisions out, and a preview carries out the same decisions with
nothing written.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.backend import CREATE, UPDATE, Capabilities
from apps.quickbooks.sync.records import Record
from apps.quickbooks.sync.spec import GONE, EntitySpec, MatchKey, PullApplies

__all__ = [
    "GONE",
    "BothWays",
    "Decision",
    "Kind",
    "Pair",
    "PlanSettings",
    "pairs",
    "plan",
    "plan_both_ways",
    "plan_sent",
]


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
    # A namesake on the other side that is not linked (one-way sync never merges): reported, with the reason.
    KEPT_APART = "kept apart"
    # A local record that cannot be sent as it is: failed alone, with the reason, and sent again once it can.
    REFUSED = "refused"
    # Synced both ways, FieldOffice primary, matched by name (or found as what an interrupted create made): linked at
    # QuickBooks' version, FieldOffice's values sent.
    LINK_KEEP_HERE = "link, keep here"
    # Synced both ways, changed on both sides since the last run, FieldOffice's edit the later: kept and sent, and
    # QuickBooks' version logged.
    KEEP_HERE = "keep here"


@dataclass(frozen=True)
class Decision:
    kind: Kind
    reason: str = ""
    # Synced both ways, changed on both sides since the last run, QuickBooks' edit the later: applied here, and
    # FieldOffice's version logged.
    conflict: bool = False


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
    # A full run: QuickBooks' values are applied even where they did not change there (``EntitySpec.pull_applies``).
    full: bool = False
    # When QuickBooks keeps the records: the local ones to create there all the same (``sent_anyway``), by key.
    sent: frozenset[int] = frozenset()
    # What the spec's mapping looked up here for the run (``EntitySpec.lookups``).
    lookups: Any = None
    # A resend: linked records are compared with QuickBooks' copy, and those it lost are created again.
    resend: bool = False


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
    sent: Collection[int] = (),
    deleted: Iterable[str] = (),
) -> list[Pair]:
    """
    The pairs a run decides on; records that are not linked are matched by the spec's keys in order (``keys``: by
    name unless it says otherwise), each once.

    QuickBooks master: every QuickBooks record, with its linked local record, else an unlinked local one it matches;
    then, when ``remote`` is ``complete`` (every record QuickBooks has, not only those changed), the linked local
    records it no longer lists, and the local records to create there all the same (``sent``, by primary key) that
    none of its records matched; and, read complete or not, the linked local records of those QuickBooks reported
    ``deleted`` (by id). FieldOffice master: every local record, with its linked QuickBooks record, else one
    it matches that no other record is linked to.
    """
    remote, local = list(remote), list(local)
    if master == PrimarySystem.QUICKBOOKS:
        found, unmatched = _pull_pairs(spec, remote, local, links_by_local, links_by_remote, complete)
        local_by_id = {record.pk: record for record in local}
        # A complete read paired every linked record it does not list already.
        for remote_id in () if complete else deleted:
            link = links_by_remote.get(remote_id)
            twin = local_by_id.get(link.object_id) if link is not None else None
            if twin is not None:
                found.append(Pair(None, twin, link))
        if complete:
            found += [Pair(None, record, None) for record in unmatched if record.pk in sent]
        return found
    return _push_pairs(spec, remote, local, links_by_local, links_by_remote, complete)


class _Unmatched:
    """Records not linked, found by each of ``keys`` in turn (a key of "" finds nothing); each is found once."""

    def __init__(self, records: list[Any], keys: list[Callable[[Any], str]]) -> None:
        self.records = records
        self.keys = keys
        self.found: set[int] = set()
        self.indexes: list[dict[str, Any]] = [{} for _ in keys]
        for record in records:
            for index, key in zip(self.indexes, keys, strict=True):
                if value := key(record):
                    index[value] = record

    def take(self, probes: list[str]) -> Any:
        """The record whose key is the first of ``probes`` (one per key) that finds one, else ``None``."""
        for index, probe in zip(self.indexes, probes, strict=True):
            record = index.get(probe) if probe else None
            if record is not None:
                for other, key in zip(self.indexes, self.keys, strict=True):
                    if other.get(value := key(record)) is record:
                        del other[value]
                self.found.add(id(record))
                return record
        return None

    def left(self) -> list[Any]:
        return [record for record in self.records if id(record) not in self.found]


def _own_link(link: LinkLike | None, local: Any) -> LinkLike | None:
    """``link`` if it is the local record's own (a link may point at a local record deleted since)."""
    return link if link is not None and local is not None and link.object_id == local.pk else None


def _pull_pairs(spec, remote, local, links_by_local, links_by_remote, complete) -> tuple[list[Pair], list[Any]]:
    """The pairs of a pull, and the unlinked local records none of QuickBooks' records matched."""
    local_by_id = {record.pk: record for record in local}
    keys = spec.keys()
    never_linked = _Unmatched([record for record in local if record.pk not in links_by_local], [k.local for k in keys])
    found: list[Pair] = []
    listed: set[str] = set()
    for record in remote:
        listed.add(record.remote_id)
        link = links_by_remote.get(record.remote_id)
        twin = local_by_id.get(link.object_id) if link is not None else None
        if twin is None:
            twin = never_linked.take([key.remote(record) for key in keys])
        found.append(Pair(record, twin, _own_link(link, twin)))
    if not complete:
        return found, never_linked.left()  # What was not read was not deleted.
    for remote_id, link in links_by_remote.items():
        twin = local_by_id.get(link.object_id)
        if remote_id not in listed and twin is not None:
            found.append(Pair(None, twin, link))
    return found, never_linked.left()


def _push_pairs(spec, remote, local, links_by_local, links_by_remote, complete=True) -> list[Pair]:
    remote_by_id = {record.remote_id: record for record in remote}
    keys = spec.keys()
    matched = [record for record in remote if spec.matched_there(record)]
    by_key = [{value: record for record in matched if (value := key.remote(record))} for key in keys]
    taken = set(links_by_remote)
    found: list[Pair] = []
    for record in local:
        link = links_by_local.get(record.pk)
        twin = remote_by_id.get(link.qbo_id) if link is not None and link.qbo_id else None
        if twin is None and _may_match(spec, link, complete):
            # Never linked, or its twin is gone from QuickBooks: one it matches that no other record is linked to.
            twin = _namesake(record, keys, by_key, taken)
        found.append(Pair(twin, record, link))
    return found


def _may_match(spec: EntitySpec, link: LinkLike | None, complete: bool) -> bool:
    """
    Whether a local record is matched by key with QuickBooks' records. For a spec that ``reads_changes``: only
    never linked ones, not in flight, and only against a complete read (a name may be held by a record not read).
    """
    if not spec.reads_changes:
        return True
    return complete and not (link is not None and (link.qbo_id or _in_flight(link)))


def _in_flight(link: LinkLike | None) -> bool:
    """A create an interrupted run sent without learning the outcome (``sync.writes``)."""
    return link is not None and not link.qbo_id and bool(getattr(link, "pending_since", None))


def _namesake(local: Any, keys: tuple[MatchKey, ...], by_key: list[dict[str, Record]], taken: set[str]) -> Any:
    for key, index in zip(keys, by_key, strict=True):
        value = key.local(local)
        namesake = index.get(value) if value else None
        if namesake is not None and namesake.remote_id not in taken:
            taken.add(namesake.remote_id)
            return namesake
    return None


def plan(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, settings: PlanSettings
) -> Decision:
    """What the run does with one pair (see ``Kind``); ``local`` is the model instance, ``remote`` the record."""
    if settings.master == PrimarySystem.QUICKBOOKS:
        return _plan_pull(spec, remote, local, link, settings)
    if spec.refused is not None and (reason := spec.refused(local, settings.lookups)):
        return Decision(Kind.REFUSED, reason)
    if spec.reads_changes:
        return _plan_changes_push(spec, remote, local, link, settings)
    return _plan_push(spec, remote, local, link, settings.capabilities)


def _plan_pull(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, settings: PlanSettings
) -> Decision:
    if remote is None:
        return _plan_missing(spec, local, link, settings)
    if local is None:
        if not spec.pulls_inactive and getattr(remote, "active", True) is False:
            return NOTHING  # Only active records are brought in.
        return Decision(Kind.CREATE_HERE)
    if link is None or link.qbo_id != remote.remote_id:
        if spec.namesake_refused is not None:
            return Decision(Kind.KEPT_APART, spec.namesake_refused(local))
        return Decision(Kind.LINK)
    applies = PullApplies.WHEN_DIFFERENT if settings.full else spec.pull_applies
    if applies == PullApplies.AT_NEW_VERSION and link.sync_token == remote.version:
        return NOTHING  # Unchanged there: an edit here stands.
    agreed = link.content_hash == content_hash(spec.remote_comparable(remote))
    if applies == PullApplies.WHEN_CHANGED_THERE and agreed:
        # Unchanged there since last applied: an edit here stands.
        return NOTHING if link.sync_token == remote.version else Decision(Kind.RELINK)
    fields = spec.fields_of(remote, local, settings.lookups)
    if any(getattr(local, name) != value for name, value in fields.items()):
        made_inactive = local.active and fields.get("active") is False
        return Decision(Kind.DEACTIVATE_HERE if made_inactive else Kind.UPDATE_HERE)
    if link.sync_token != remote.version or not agreed:
        return Decision(Kind.RELINK)
    return NOTHING


def _plan_missing(spec: EntitySpec, local: Any, link: LinkLike | None, settings: PlanSettings) -> Decision:
    """
    A local record QuickBooks (which keeps the records) has no twin of: linked, it was deleted there, and is made
    inactive here, never deleted; unlinked, it is one to create there all the same (``EntitySpec.sent_anyway``).
    """
    if local is None:
        return NOTHING
    if link is None:
        if local.pk not in settings.sent or spec.sent_anyway is None:
            return NOTHING
        return _create_there(spec, local, settings.capabilities, spec.sent_anyway.note)
    return Decision(Kind.DEACTIVATE_HERE, spec.gone) if local.active else NOTHING


def _create_there(spec: EntitySpec, local: Any, capabilities: Capabilities, note: str = "") -> Decision:
    if not capabilities.writes(spec.entity, CREATE):
        name = spec.record_label(local)
        return Decision(Kind.SKIP, f"QuickBooks does not let other apps add {name}: add it in QuickBooks.")
    return Decision(Kind.CREATE_THERE, note)


def _plan_push(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, capabilities: Capabilities
) -> Decision:
    if remote is None:
        return _create_there(spec, local, capabilities) if local.active else NOTHING
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


def _plan_changes_push(
    spec: EntitySpec, remote: Record | None, local: Any, link: LinkLike | None, settings: PlanSettings
) -> Decision:
    """
    A push of a spec that ``reads_changes``: QuickBooks' copy is mostly not read, so a linked record is sent when it
    changed here since it was last sent (its link's hash), and, in a resend, when QuickBooks' copy differs or is lost.
    """
    capabilities = settings.capabilities
    wanted = content_hash(spec.comparable_here(local, settings.lookups))
    linked_there = link is not None and bool(link.qbo_id)
    if not linked_there or (remote is None and settings.resend):
        if remote is not None and not _in_flight(link) and spec.name_taken is not None:
            return Decision(Kind.KEPT_APART, spec.name_taken(_name(remote)))
        if remote is not None:
            return Decision(Kind.LINK)
        if not (local.active or spec.creates_inactive or _in_flight(link)):
            return NOTHING
        return _create_there(spec, local, capabilities)
    if settings.resend and remote is not None:
        differs = content_hash(spec.remote_comparable(remote)) != wanted
    else:
        differs = link.content_hash != wanted
    if not differs:
        return NOTHING
    if capabilities.writes(spec.entity, UPDATE):
        return Decision(Kind.UPDATE_THERE)
    return Decision(Kind.SKIP, capabilities.refusal(spec.entity, spec.record_label(local)))


def _name(record: Record) -> str:
    return str(getattr(record, "name", "") or "")


# Records synced both ways (customers and their service locations).

MATCHED_KEEP_HERE = "Matched by name; FieldOffice is the primary system, so its details are sent to QuickBooks."
KEPT_HERE = (
    "Changed in both systems since the last sync: FieldOffice's later edit is kept and sent to QuickBooks; "
    "QuickBooks' version is in this entry's details."
)
KEPT_THERE = (
    "Changed in both systems since the last sync: QuickBooks' later edit was kept; FieldOffice's version is in this "
    "entry's details."
)


@dataclass(frozen=True)
class BothWays:
    """
    The rules of a spec QuickBooks sends its records from: one way (``two_way`` off: never merged with a namesake
    here), or both ways, with the system whose values a record matched by name takes (``quickbooks_primary``);
    ``full``: a full run, which looks at records QuickBooks did not change too.
    """

    two_way: bool = False
    quickbooks_primary: bool = True
    full: bool = False


def unchanged_there(link: LinkLike | None, remote: Record, rules: BothWays) -> bool:
    """A linked record QuickBooks has not changed since it was last synced: nothing to do (but in a full run)."""
    return link is not None and link.sync_token == remote.version and not rules.full


def plan_both_ways(
    remote: Record,
    local: Any,
    link: LinkLike | None,
    rules: BothWays,
    *,
    local_hash: str = "",
    local_changed: bool = False,
    local_edited_at: Any = None,
    remote_edited_at: Any = None,
    namesake_refused: str = "",
) -> Decision:
    """
    What a run does with a QuickBooks record of a spec that QuickBooks sends its records from, one way or both
    ways: ``local`` is its twin here (by ``link``) or, unlinked, the local record it matches (``None``: none).

    - Unchanged there since last synced: nothing (its changes here, if any, are the push's).
    - No twin: created here.
    - A namesake here, not linked: one way, kept apart (``namesake_refused`` says why); both ways, linked, taking
      QuickBooks' values when it is the primary system (``LINK``), else keeping FieldOffice's and sending them.
    - Linked, and both ways: when the content here changed since it was last synced too (``local_hash`` differs
      from the link's, and ``local_changed`` since the last run), the later edit wins: FieldOffice's (``KEEP_HERE``;
      QuickBooks' without a time), else QuickBooks' (``UPDATE_HERE`` with ``conflict``). Otherwise QuickBooks'
      values are applied here.
    """
    if unchanged_there(link, remote, rules):
        return NOTHING
    if local is None:
        return Decision(Kind.CREATE_HERE)
    if link is None:
        if not rules.two_way:
            return Decision(Kind.KEPT_APART, namesake_refused)
        if not rules.quickbooks_primary:
            return Decision(Kind.LINK_KEEP_HERE, MATCHED_KEEP_HERE)
        return Decision(Kind.LINK)
    if rules.two_way and local_changed and local_hash != link.content_hash:
        if remote_edited_at is None or (local_edited_at is not None and local_edited_at > remote_edited_at):
            return Decision(Kind.KEEP_HERE, KEPT_HERE)
        return Decision(Kind.UPDATE_HERE, KEPT_THERE, conflict=True)
    return Decision(Kind.UPDATE_HERE)


LOST_THERE = "QuickBooks no longer has it (deleted there, or a restored backup): created there again."


def plan_sent(
    local_hash: str,
    link: LinkLike | None,
    rules: BothWays,
    *,
    resend: bool = False,
    held_hash: str | None = None,
    forced: bool = False,
    namesake: Record | None = None,
    namesake_refused: str = "",
) -> Decision:
    """
    What a run does with a local record of a spec FieldOffice sends, one way or both ways (``local_hash``: the hash
    of what is sent for it).

    - Linked there: updated when what is sent changed since it was last sent (the link's hash), or when it is
      ``forced`` (its edit won a conflict, or it was linked keeping FieldOffice's values). A resend compares with
      QuickBooks' copy instead (``held_hash``; ``None``: QuickBooks lost the record, which is created again).
    - Not linked (or an interrupted create, which the writer recovers): created there, but for an unlinked
      ``namesake`` there one way, kept apart (``namesake_refused`` says why). Both ways it is created all the same:
      QuickBooks answers that the name is in use, and the record of that name is linked.
    """
    if link is not None and link.qbo_id:
        if resend:
            if held_hash is None:
                return Decision(Kind.CREATE_THERE, LOST_THERE)
            return NOTHING if held_hash == local_hash and not forced else Decision(Kind.UPDATE_THERE)
        return NOTHING if link.content_hash == local_hash and not forced else Decision(Kind.UPDATE_THERE)
    if namesake is not None and not _in_flight(link) and not rules.two_way:
        return Decision(Kind.KEPT_APART, namesake_refused)
    return Decision(Kind.CREATE_THERE)
