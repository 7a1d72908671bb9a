"""
An entity spec: what the engine needs to know to sync one kind of local record with its QuickBooks twin, as data.

A spec is an ``EntitySpec`` instance, not a subclass: the local model and the domain services that write it, the
engine record it is synced with (``sync.records``), which system keeps it under the division's settings, what the
run must read, how records are matched (by link, then by its keys in order: by name unless it says otherwise, the
chart of accounts by number first), and the mapping functions between the local model and the record, the comparable
forms included. The engine does the rest, the same way for every spec: ``sync.plan`` decides what to do with each
pair of records and an ``Apply`` (``sync.apply``) does it (journal, links, writes through the backend): the one-way
one (``sync.one_way``), the two-way one for a spec planned by the two-way rules (``both_ways``: customers,
``sync.both_ways``), or the step of an entity only sent (invoices, ``steps.invoices``).

A spec never sees a backend: a record's remote side is the engine's record, and what QuickBooks lets other apps do
is asked of the backend's capabilities when the plan is made.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models

from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.sync.records import Record

GONE = "Deleted in QuickBooks: made inactive here."

if TYPE_CHECKING:
    from apps.quickbooks.sync.context import RunContext

Fields = dict[str, Any]


class Refs:
    """
    The QuickBooks records a spec's mapping refers to (the entities it reads: a tax code's rates and agencies), by
    entity, looked up by id or by name; those the run creates join them. ``division_name`` names the division.
    """

    def __init__(self, division_name: str, records: dict[str, Iterable[Record]]) -> None:
        self.division_name = division_name
        self._by_id: dict[str, dict[str, Record]] = {
            entity: {record.remote_id: record for record in found} for entity, found in records.items()
        }
        # Records created by this run under the name they were asked for (QuickBooks may have shortened it).
        self._asked: dict[tuple[str, str], Record] = {}

    def by_id(self, entity: str) -> dict[str, Record]:
        return self._by_id.get(entity, {})

    def named(self, entity: str, name: str) -> Record | None:
        """The record of ``entity`` named ``name`` (case, accents' composition and spacing ignored), if any."""
        key = name_key(name)
        if (entity, key) in self._asked:
            return self._asked[(entity, key)]
        return next((record for record in self.by_id(entity).values() if name_key(_name(record)) == key), None)

    def add(self, entity: str, record: Record, *, name: str = "") -> None:
        """A record this run created (asked for under ``name``)."""
        self._by_id.setdefault(entity, {})[record.remote_id] = record
        if name:
            self._asked[(entity, name_key(name))] = record


def _name(record: Record) -> str:
    return str(getattr(record, "name", "") or "")


@dataclass(frozen=True)
class Prerequisite:
    """
    A record of another entity that must be in QuickBooks, found by its name, before a local record is created
    there (a tax code's agency): created first when QuickBooks has none of that name, and logged as ``label``.
    """

    entity: str
    label: str
    # The name a local record needs (the division's name is given for a default).
    name: Callable[[Any, str], str]
    # The record created for a name QuickBooks lacks.
    record: Callable[[str], Record]


@dataclass(frozen=True)
class MatchKey:
    """
    One way unlinked records are matched: the key of a QuickBooks record and that of a local record, equal when they
    are twins; "" for a record that has none (an account without a number).
    """

    remote: Callable[[Any], str]
    local: Callable[[Any], str]


@dataclass(frozen=True)
class SentAnyway:
    """
    Local records created in QuickBooks although QuickBooks keeps the spec's records, when it has no twin of them (the
    accounts an Owner asked for on the account mapping page, while items are sent).
    """

    # The local records (their primary keys) under the run's settings.
    wanted: Callable[["RunContext"], set[int]]
    # The message each one's creation is logged with.
    note: str
    # What is done with those QuickBooks now has (linked, matched or created), once they are sent; never in a preview.
    done: Callable[["RunContext", set[int]], None]


class PullApplies(StrEnum):
    """
    When QuickBooks keeps a spec's records, when a linked local record takes QuickBooks' values. A full run applies
    them whenever the two differ, whatever the spec says.
    """

    # Whenever the two differ: an edit here is undone at the next run.
    WHEN_DIFFERENT = "when different"
    # When the content changed there since it was last applied (the hash on the link): an edit here stands until
    # QuickBooks changes the record's content.
    WHEN_CHANGED_THERE = "when changed there"
    # When QuickBooks has a new version of the record (the version on the link): an edit here stands until then, and
    # an unchanged version costs no comparison (a long list).
    AT_NEW_VERSION = "at a new version"


@dataclass(frozen=True, kw_only=True)
class EntitySpec:
    """One synced entity. See the module's docstring; each field says what the engine takes from it."""

    # The step's name ("payment terms"), the run log's name for one record ("payment term"), and the stage shown.
    name: str
    label: str
    stage: str
    # The local model, the engine entity its records link to, and the record type of that entity.
    model: type[models.Model]
    entity: str
    record_type: type[Record]
    # The domain services, each called with ``by_master_system=True``: ``create(division=..., **fields)``,
    # ``update(<instance_argument>=record, **fields)``, ``deactivate(<instance_argument>=record)``; none for an
    # entity QuickBooks never writes here (invoices are only sent).
    create: Callable[..., models.Model] | None = None
    update: Callable[..., models.Model] | None = None
    deactivate: Callable[..., models.Model] | None = None
    instance_argument: str = ""
    # Who keeps the records under the run's settings: ``PrimarySystem.QUICKBOOKS`` (pulled), ``LOCAL`` (pushed), or
    # "" when they are not synced.
    master: Callable[["RunContext"], str]
    # Local field values of a QuickBooks record (what a pull writes here; none for an entity only sent).
    fields: Callable[[Any], Fields] | None = None
    # The synced content of either side, in forms compared (and hashed into the link) to tell whether they agree.
    remote_comparable: Callable[[Any], Fields]
    local_comparable: Callable[[Any], Fields] | None = None
    # The record written to QuickBooks for a local record (``action``: create or update; ``refs`` for references);
    # an entity whose records are built by its step from what they refer to (invoices) has none.
    to_record: Callable[[Any, Refs, str], Record] | None = None
    # The names records are matched by when they are not linked: the local record's as QuickBooks would hold it.
    local_name: Callable[[Any], str]
    # The entities the run reads for this spec, listed in full (its own first).
    reads: tuple[str, ...]
    # Which of the entity's QuickBooks records are synced (tax codes that charge a rate, not the taxable markers).
    listed: Callable[[Any], bool] = lambda record: True
    # A QuickBooks record completed from the records it refers to (a tax code's percent from its rates).
    resolve: Callable[[Any, Refs], Any] = lambda record, refs: record
    # When FieldOffice keeps the records: a linked record is sent when it differs from QuickBooks' copy (True: a
    # short list read in full, where comparing costs nothing) or only when it changed here since it was last sent
    # (False: what QuickBooks holds cannot be compared, or must not be overwritten).
    push_compares_remote: bool = False
    prerequisites: tuple[Prerequisite, ...] = field(default=())
    # The specs (steps) whose records this one's refer to through their links.
    depends_on: tuple[str, ...] = ()
    # How the run's log names a local record.
    record_label: Callable[[Any], str] = lambda record: record.name
    # How records that are not linked are matched, in order (each record matched once): by name when empty.
    match_keys: tuple[MatchKey, ...] = ()
    # When QuickBooks keeps the records: when a linked record here takes QuickBooks' values (``PullApplies``).
    pull_applies: PullApplies = PullApplies.WHEN_DIFFERENT
    # Why a linked record QuickBooks no longer lists was made inactive here.
    gone: str = GONE
    # When QuickBooks keeps the records: whether one inactive there and never linked is created here too (False:
    # only active ones are brought in, as seed 003 brings vendors).
    pulls_inactive: bool = True
    # When QuickBooks keeps the records: the local ones created there all the same, if any.
    sent_anyway: SentAnyway | None = None
    # Read for what changed since the run's cursor rather than listed in full (a long list: items). A pull lists
    # them in full while none is linked yet (changes since a cursor other syncs set would miss most); a push reads
    # them only on a full run. Such a run loads only the local records the records read may pair with.
    reads_changes: bool = False
    # A QuickBooks record reported deleted (it says nothing else): its linked record here is made inactive.
    deleted: Callable[[Any], bool] = lambda record: False
    # Why a record that is not ``listed`` is left out: said once, the first time a sync meets it (categories).
    unlisted_note: Callable[[Any], str] | None = None
    # Why an unlinked record matched by key is not linked to its namesake on the other side (one-way sync never
    # merges: it is skipped, and said so), or ``None`` to link them: when QuickBooks keeps the records, of the local
    # record; when FieldOffice does, of the name QuickBooks' record has.
    namesake_refused: Callable[[Any], str] | None = None
    name_taken: Callable[[str], str] | None = None
    # When FieldOffice keeps the records: the QuickBooks records an unlinked local record may be matched with (items
    # in a category are only named within it).
    matched_there: Callable[[Any], bool] = lambda record: True
    # A record QuickBooks keeps that cannot be saved here is read again at the next run.
    retries_failed: bool = False
    # Records applied per transaction, the run's progress told and its lease renewed after each (0: all in one).
    round_size: int = 0
    # The domain's bulk service, when QuickBooks keeps the records: its records of a round saved at once, each checked
    # by the same rules as ``create`` and ``update`` check one (``Upsert`` rows; a new record's fields name its
    # division); for each row, the record saved or the error that kept it out. Unset: saved one at a time.
    save_many: Callable[[Sequence[Any]], list[Any]] | None = None
    # What the mapping needs from here, looked up once a run (the accounts linked to QuickBooks), and the local
    # fields of a QuickBooks record given the local record it is paired with (or ``None``) and those lookups; when
    # unset, ``fields`` gives them from the record alone.
    lookups: Callable[["RunContext"], Any] | None = None
    local_fields: Callable[[Any, Any, Any], Fields] | None = None
    # When FieldOffice keeps the records, for a spec that ``reads_changes``:
    # - the local records a run sends (those changed since the last run, never linked, whose last send failed...),
    #   given the run and the spec's links; every record when unset;
    # - the record sent for a local record given the lookups (``to_record`` otherwise), whose comparable form
    #   (``remote_comparable``) is what the link keeps;
    # - why a local record cannot be sent as it is (it fails alone, before anything is sent), or "";
    # - whether inactive records never sent are created there too;
    # - creates marked pending before they go, and found again by name among QuickBooks' records when a run was
    #   interrupted before QuickBooks answered (``sync.writes.Recovery``), with when QuickBooks made a record.
    push_candidates: Callable[["RunContext", Any], Iterable[Any]] | None = None
    sent_record: Callable[[Any, Any], Record] | None = None
    refused: Callable[[Any, Any], str] | None = None
    creates_inactive: bool = False
    pending_creates: bool = False
    created_at: Callable[[Any], Any] = lambda record: None
    # What the run's log says of a record QuickBooks refused because its name is in use (``plain_reason`` if unset).
    name_in_use: Callable[[str], str] | None = None
    # The stage shown while records are sent (``stage`` if unset).
    push_stage: str = ""
    # The rules of a spec planned as records synced both ways are (customers), whichever way the settings send them:
    # given the run, its ``plan.BothWays`` (one way or both ways, and the primary system). Such a spec is synced by
    # ``sync.both_ways``; ``master`` then says only whether the settings sync it.
    both_ways: Callable[["RunContext"], Any] | None = None
    # The local field records are named by (matched by name, and named in the run's log), and the path from the
    # local model to its division.
    name_field: str = "name"
    division_path: str = "division"
    # What the log says of a QuickBooks record pulled as one of this spec's that is linked to a local record of
    # another kind (a job that became a top-level customer, linked to a service location here); left alone.
    linked_elsewhere: str = ""

    def fields_of(self, remote: Any, local: Any, lookups: Any = None) -> Fields:
        """The local field values a pull writes for ``remote`` into ``local`` (``None``: a record created here)."""
        if self.local_fields is not None:
            return self.local_fields(remote, local, lookups)
        return self.fields(remote)

    def record_sent(self, local: models.Model, refs: Refs, action: str, lookups: Any = None) -> Record:
        """The record written to QuickBooks for ``local``."""
        if self.sent_record is not None:
            return self.sent_record(local, lookups)
        return self.to_record(local, refs, action)

    def comparable_here(self, local: models.Model, lookups: Any = None) -> Fields:
        """The comparable form of a local record, as its link keeps it when FieldOffice keeps the records."""
        if self.sent_record is not None:
            return self.remote_comparable(self.sent_record(local, lookups))
        return self.local_comparable(local)

    def remote_key(self, record: Record) -> str:
        return name_key(_name(record))

    def local_key(self, local: models.Model) -> str:
        return name_key(self.local_name(local))

    def keys(self) -> tuple[MatchKey, ...]:
        """How unlinked records are matched, in order: ``match_keys``, else by name."""
        return self.match_keys or (MatchKey(self.remote_key, self.local_key),)
