"""
The QuickBooks Desktop backend: the engine's reads and writes as qbXML requests, grouped into as few Web Connector
round trips as the work allows.

A ``Transport`` carries one qbXML request document to QuickBooks and brings its response back: through the Web
Connector in production (``apps.quickbooks.desktop.relay``), straight into a local company file in tests. What is
QuickBooks-shaped lives in the adapters of ``apps.quickbooks.desktop.mapping`` (one per engine entity), so that the
engine's steps see the records they see from QuickBooks Online.

- A pull is one document: every entity's query (iterators of ``PAGE_SIZE`` started together) and the deletions
  (``ListDeletedQuery`` / ``TxnDeletedQuery``); further documents only carry the next pages of lists that have one.
- Changes are read from ``FromModifiedDate``, which Desktop reads in the company machine's local time: the offset is
  learned from the timestamps QuickBooks returns. The next cursor is when the pull began, less ``CURSOR_OVERLAP`` and
  less how far the company machine's clock was seen running behind FieldOffice's (``clock_lag``, learned from the
  times QuickBooks stamps on FieldOffice's writes), so that no change slips between two reads.
- Writes go up to ``REQUESTS_PER_EXCHANGE`` to a document, ``continueOnError`` so that one refused record does not
  hold back the rest; each request's ``requestID`` ties its answer to its writes.
"""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.utils import timezone

from apps.quickbooks.desktop.mapping import drift, preferences
from apps.quickbooks.desktop.mapping.adapter import Adapter, Query
from apps.quickbooks.desktop.mapping.common import (
    desktop_offset,
    desktop_time,
    modified_filter_time,
    status_error,
)
from apps.quickbooks.desktop.mapping.lists import TERM_UNCHANGEABLE
from apps.quickbooks.desktop.mapping.registry import ADAPTERS
from apps.quickbooks.desktop.qbxml import Request, Response, request_document, response_document_parse
from apps.quickbooks.desktop.qbxml.schema import request_spec
from apps.quickbooks.errors import ApiError, QuickBooksError
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.sync.backend import Capabilities, DriftReading, InvoiceFigures, Snapshot, Write, WriteResult
from apps.quickbooks.sync.records import (
    ACCOUNT,
    INVENTORY_ADJUSTMENT,
    ITEM,
    TAX_AGENCY,
    TAX_CODE,
    TERM,
    CompanyPreferences,
    Record,
)

PAGE_SIZE = 500
REQUESTS_PER_EXCHANGE = 250
# Desktop stamps changes to the second in the company machine's clock; a minute's overlap also covers a change saved
# while the previous session was reading.
CURSOR_OVERLAP = timedelta(minutes=1)
FOUND_NOTHING = 1
SOME_NOT_FOUND = 500
# Deletions of lists and of transactions: the query and the field naming the kinds asked for.
DELETED_QUERIES = {False: ("ListDeletedQuery", "ListDelType"), True: ("TxnDeletedQuery", "TxnDelType")}
# Desktop lets apps add terms (qbXML has no Mod for them), add and change sales tax items and items, and add vendors,
# accounts and inventory adjustments (FieldOffice adds only the accounts an Owner asked for on the account mapping
# page, and never changes one).
CAPABILITIES = Capabilities(
    creates=frozenset({TERM, TAX_CODE, TAX_AGENCY, ACCOUNT, ITEM, INVENTORY_ADJUSTMENT}),
    updates=frozenset({TAX_CODE, ITEM}),
    refusals={TERM: TERM_UNCHANGEABLE},
)


class Transport(Protocol):
    def exchange(self, document: str) -> str:
        """Run one qbXML request document in QuickBooks; its response document. Raises ``QuickBooksError``."""

    def close(self) -> None: ...


class _Seen:
    """The latest Desktop record of each id read or written this run, for one entity."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}

    def get(self, object_id: str) -> dict[str, Any] | None:
        return self.by_id.get(object_id)

    def values(self) -> list[dict[str, Any]]:
        return list(self.by_id.values())


def _object_id(ret: dict[str, Any]) -> str:
    return str(ret.get("ListID") or ret.get("TxnID") or "")


class DesktopBackend:
    capabilities = CAPABILITIES

    def __init__(
        self, transport: Transport, *, utc_offset: timedelta | None = None, clock_lag: timedelta = timedelta(0)
    ) -> None:
        self.transport = transport
        # The company machine's UTC offset, learned from QuickBooks' timestamps (None until one was seen).
        self.utc_offset = utc_offset
        # How far the company machine's clock runs behind FieldOffice's (never less than zero), as last measured;
        # ``measured_lag`` is this run's measure (None without writes), for the next run.
        self.clock_lag = max(clock_lag, timedelta(0))
        self.measured_lag: timedelta | None = None
        self.api_calls = 0
        self.round_trips = 0
        self.seen: dict[str, _Seen] = {entity: _Seen() for entity in ADAPTERS}
        # What full reads told about their entity, for the user (``Adapter.digest``).
        self.digests: dict[str, list[dict[str, Any]]] = {}
        self._sequence = 0
        self._preferences: CompanyPreferences | None = None

    def close(self) -> None:
        self.transport.close()

    @staticmethod
    def _adapter(entity: str) -> Adapter:
        adapter = ADAPTERS.get(entity)
        if adapter is None:
            raise QuickBooksError(
                f"FieldOffice does not sync {entity} records with QuickBooks Desktop yet: turn them off in "
                "Configure Sync."
            )
        return adapter

    # The wire.

    def _request(self, kind: str, fields: dict[str, Any], **extra: str) -> Request:
        self._sequence += 1
        return Request(kind=kind, fields=fields, request_id=str(self._sequence), **extra)

    def _exchange(self, requests: Sequence[Request]) -> list[Response | None]:
        """One round trip; the response to each request, in order (None where QuickBooks gave none)."""
        answer = self.transport.exchange(request_document(requests, on_error="continueOnError"))
        self.round_trips += 1
        self.api_calls += len(requests)
        by_id = {response.request_id: response for response in response_document_parse(answer)}
        return [by_id.get(request.request_id) for request in requests]

    def _remember(self, entity: str, rets: Sequence[dict[str, Any]]) -> None:
        seen = self.seen[entity]
        for ret in rets:
            seen.by_id[_object_id(ret)] = ret
            if (offset := desktop_offset(ret.get("TimeModified"))) is not None:
                self.utc_offset = offset  # The latest wins: the company machine may have changed to summer time.

    def _clock_compare(self, ret: dict[str, Any]) -> None:
        """A record QuickBooks just wrote carries its clock's now: note how far it runs behind ours."""
        stamped = desktop_time(ret.get("TimeModified"))
        if stamped is not None:
            # The answer's journey back is included: the measure errs on the side of reading more.
            lag = max(timezone.now() - stamped, timedelta(0))
            self.measured_lag = max(self.measured_lag or timedelta(0), lag)

    def _run_queries(self, queries: dict[Any, Request]) -> dict[Any, list[tuple[dict[str, Any], str]]]:
        """Run queries (iterators started together, continued together) to their last page; (record, type) by key."""
        found: dict[Any, list[tuple[dict[str, Any], str]]] = {key: [] for key in queries}
        pending = dict(queries)
        while pending:
            keys = list(pending)
            responses = self._exchange([pending[key] for key in keys])
            pending = {}
            for key, response in zip(keys, responses, strict=True):
                if response is None:
                    raise QuickBooksError("QuickBooks Desktop did not answer a query; the next sync reads again.")
                if response.status_code not in (0, FOUND_NOTHING, SOME_NOT_FOUND):
                    raise status_error(code=response.status_code, message=response.message, severity=response.severity)
                types = response.record_types or [""] * len(response.records)
                found[key].extend(zip(response.records, types, strict=True))
                if response.iterator_id and response.remaining:
                    first = queries[key]
                    pending[key] = self._request(
                        first.kind, first.fields, iterator="Continue", iterator_id=response.iterator_id
                    )
        return found

    def _query(self, query: Query, since: datetime | None = None, *, paged: bool = True) -> Request:
        fields = dict(query.fields)
        if since is not None:
            moment = modified_filter_time(since, self.utc_offset)
            if query.transaction:
                fields["ModifiedDateRangeFilter"] = {"FromModifiedDate": moment}
            else:
                fields["FromModifiedDate"] = moment
        # Short lists (accounts, terms, tax codes) are queried without an iterator: QuickBooks takes none for them.
        if not paged or not request_spec(query.kind).iterator:
            return self._request(query.kind, fields)
        return self._request(query.kind, {"MaxReturned": str(PAGE_SIZE), **fields}, iterator="Start")

    def _read(self, entity: str, queries: list[Query]) -> list[dict[str, Any]]:
        """Engine records of ``entity`` from ``queries`` (by ids or names: one page each, no iterator)."""
        if not queries:
            return []
        adapter = self._adapter(entity)
        found = self._run_queries({index: self._query(query, paged=False) for index, query in enumerate(queries)})
        rets = [item for items in found.values() for item in items]
        self._remember(entity, [ret for ret, _ in rets])
        return [record for ret, record_type in rets for record in adapter.records(ret, record_type)]

    # Reading.

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        adapters = {entity: self._adapter(entity) for entity in dict.fromkeys(changed + listed)}
        started = timezone.now()
        snapshot = Snapshot()
        if not adapters:
            return snapshot
        incremental = since is not None and self.utc_offset is not None
        # Entities read for their changes only; the others are read whole (their snapshot is complete).
        changes_only = {entity for entity in adapters if incremental and entity in changed and entity not in listed}
        requests, shared = self._pull_requests(adapters, changes_only, since)
        if incremental:
            requests.update(self._deleted_requests([adapters[entity] for entity in changed], since))
        found = self._run_queries(requests)
        found.update({key: found[asker] for key, asker in shared.items()})
        for entity, adapter in adapters.items():
            self._pull_entity(snapshot, entity, adapter, found, complete=entity not in changes_only)
        self._pull_deletions(snapshot, adapters, found)
        snapshot.as_of = started - CURSOR_OVERLAP - self.clock_lag if self.utc_offset is not None else since
        return snapshot

    def _pull_requests(
        self, adapters: dict[str, Adapter], changes_only: set[str], since: datetime | None
    ) -> tuple[dict[Any, Request], dict[tuple[str, int], tuple[str, int]]]:
        """
        The pull's queries by (entity, index), and which of them are another's: a query two entities share (tax codes
        and tax rates both read the sales tax items) is sent once.
        """
        requests: dict[Any, Request] = {}
        first_asker: dict[tuple[str, str, datetime | None], tuple[str, int]] = {}
        shared: dict[tuple[str, int], tuple[str, int]] = {}
        for entity, adapter in adapters.items():
            for index, query in enumerate(adapter.queries()):
                since_here = since if entity in changes_only else None
                signature = (query.kind, json.dumps(query.fields, sort_keys=True), since_here)
                if signature in first_asker:
                    shared[(entity, index)] = first_asker[signature]
                    continue
                first_asker[signature] = (entity, index)
                requests[(entity, index)] = self._query(query, since_here)
        return requests, shared

    def _pull_entity(
        self,
        snapshot: Snapshot,
        entity: str,
        adapter: Adapter,
        found: dict[Any, list[tuple[dict[str, Any], str]]],
        *,
        complete: bool,
    ) -> None:
        """The records of ``entity`` its queries found, into ``snapshot``; a complete read also leaves its digest."""
        rets = [item for key, items in found.items() if key[0] == entity for item in items]
        self._remember(entity, [ret for ret, _ in rets])
        snapshot.records[entity] = [record for ret, record_type in rets for record in adapter.records(ret, record_type)]
        if complete:
            snapshot.complete.add(entity)
            if digest := getattr(adapter, "digest", None):
                self.digests[entity] = digest([ret for ret, _ in rets])

    def _pull_deletions(
        self, snapshot: Snapshot, adapters: dict[str, Adapter], found: dict[Any, list[tuple[dict[str, Any], str]]]
    ) -> None:
        """What QuickBooks deleted since the cursor, as deleted records of the entities they belong to."""
        for (kind, _), items in found.items():
            if kind != "deleted":
                continue
            for ret, _ in items:
                entity = self._deleted_entity(adapters, ret)
                deleted_record = getattr(adapters.get(entity), "deleted_record", None)
                if deleted_record is not None:
                    snapshot.records.setdefault(entity, []).append(deleted_record(_object_id(ret)))

    def _deleted_requests(self, adapters: list[Adapter], since: datetime) -> dict[Any, Request]:
        requests: dict[Any, Request] = {}
        moment = modified_filter_time(since - CURSOR_OVERLAP, self.utc_offset)
        for transaction, (kind, type_field) in DELETED_QUERIES.items():
            types = sorted(
                {
                    deleted_type
                    for adapter in adapters
                    if _is_transaction(adapter) == transaction
                    for deleted_type in adapter.deleted_types
                }
            )
            if types:
                fields = {type_field: types, "DeletedDateRangeFilter": {"FromDeletedDate": moment}}
                requests[("deleted", kind)] = self._request(kind, fields)
        return requests

    @staticmethod
    def _deleted_entity(adapters: dict[str, Adapter], ret: dict[str, Any]) -> str:
        deleted_type = ret.get("ListDelType") or ret.get("TxnDelType") or ""
        # Only an entity read for its changes says what became of a deleted record (tax agencies and vendors are
        # both Desktop vendors; only vendors have a deleted record).
        return next(
            (
                entity
                for entity, adapter in adapters.items()
                if deleted_type in adapter.deleted_types and hasattr(adapter, "deleted_record")
            ),
            "",
        )

    def find_by_names(self, entity: str, names: list[str], *, within: Sequence[str] = ()) -> list[Record]:
        adapter = self._adapter(entity)
        found = self._read(entity, adapter.by_names(names))
        # What is named only within its parent (ship-to addresses) is found among the parents read: ``within``
        # read now, and those this run has seen.
        self._read(entity, adapter.by_ids(list(within)))
        return found + adapter.named(self.seen[entity], {name_key(name) for name in names})

    def read_by_ids(self, entity: str, ids: list[str]) -> list[Any]:
        wanted = set(ids)
        found = self._read(entity, self._adapter(entity).by_ids(ids))
        return [record for record in found if record.remote_id in wanted]

    def find_created_since(self, entity: str, since: datetime) -> list[Any]:
        adapter = self._adapter(entity)
        after = since - CURSOR_OVERLAP if self.utc_offset is not None else None
        found = self._run_queries({index: self._query(query, after) for index, query in enumerate(adapter.queries())})
        rets = [item for items in found.values() for item in items]
        self._remember(entity, [ret for ret, _ in rets])
        return [
            record
            for ret, record_type in rets
            if (created := desktop_time(ret.get("TimeCreated"))) is not None and created >= since
            for record in adapter.records(ret, record_type)
        ]

    def preferences(self) -> CompanyPreferences:
        """The company's preferences as the engine reads them (see ``desktop.mapping.preferences``), read once a run."""
        if self._preferences is None:
            query = self._request(preferences.QUERY, {"IncludeRetElement": preferences.RETURNED})
            (response,) = self._exchange([query])
            if response is None:
                raise QuickBooksError("QuickBooks Desktop did not answer about its preferences; the next sync asks.")
            if response.status_code not in (0, FOUND_NOTHING):
                raise status_error(code=response.status_code, message=response.message, severity=response.severity)
            self._preferences = preferences.preferences_record(response.records[0] if response.records else {})
        return self._preferences

    # Writing.

    def write_unsent(self, writes: list[Write]) -> dict[int, WriteResult]:
        """
        What ``write`` would answer ``writes`` without sending them, by position: those refused before any request
        (a number too long, an item's type changed). A preview asks, so that it refuses what the sync will.
        """
        by_entity: dict[str, list[tuple[int, Write]]] = {}
        for index, write in enumerate(writes):
            by_entity.setdefault(write.entity, []).append((index, write))
        results: dict[int, WriteResult] = {}
        for entity, entity_writes in by_entity.items():
            adapter = ADAPTERS.get(entity)
            if adapter is None:
                continue  # Refused by ``write`` too, and said so then.
            if missing := adapter.needs(entity_writes, self.seen[entity]):
                self.read_by_ids(entity, missing)
            _, refused = adapter.plan(entity_writes, self.seen[entity])
            writes_by_index = dict(entity_writes)
            for index, (record, error) in refused.items():
                results[index] = WriteResult(writes_by_index[index], record=record, error=error)
        return results

    def write(self, writes: list[Write]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        by_entity: dict[str, list[tuple[int, Write]]] = {}
        for index, write in enumerate(writes):
            by_entity.setdefault(write.entity, []).append((index, write))
        for entity, entity_writes in by_entity.items():
            adapter = ADAPTERS.get(entity)
            if adapter is None:
                error = ApiError(f"QuickBooks Desktop does not take {entity} records from FieldOffice yet.")
                results.update({index: WriteResult(write, error=error) for index, write in entity_writes})
                continue
            if missing := adapter.needs(entity_writes, self.seen[entity]):
                self.read_by_ids(entity, missing)
            planned, refused = adapter.plan(entity_writes, self.seen[entity])
            outcomes = dict(refused)
            for start in range(0, len(planned), REQUESTS_PER_EXCHANGE):
                chunk = planned[start : start + REQUESTS_PER_EXCHANGE]
                responses = self._exchange([self._request(plan.kind, plan.fields) for plan in chunk])
                for plan, response in zip(chunk, responses, strict=True):
                    if response is not None and response.records:
                        self._remember(entity, response.records[:1])
                        self._clock_compare(response.records[0])
                    outcomes.update(plan.answer(response))
            writes_by_index = dict(entity_writes)
            for index, (record, error) in outcomes.items():
                results[index] = WriteResult(writes_by_index[index], record=record, error=error)
        return [results[index] for index in range(len(writes))]

    # The drift check.

    def drift_read(self) -> DriftReading:
        """One document: the active customers (with their ship-to addresses), the active items and the unpaid
        invoices, their iterators started together; more documents only for their next pages."""
        found = self._run_queries({name: self._query(query) for name, query in drift.QUERIES.items()})
        return drift.drift_reading(found)

    def invoice_figures_read(self, ids: list[str]) -> list[InvoiceFigures]:
        """By TxnID, in one document (none when there are no ids)."""
        queries = drift.invoices_by_ids(ids)
        found = self._run_queries({index: self._query(query, paged=False) for index, query in enumerate(queries)})
        return [drift.invoice_figures(ret) for items in found.values() for ret, _ in items]


def _is_transaction(adapter: Adapter) -> bool:
    return any(query.transaction for query in adapter.queries())
