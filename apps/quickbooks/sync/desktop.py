"""
The QuickBooks Desktop backend: the engine's reads and writes as qbXML requests, grouped into as few Web Connector
round trips as the work allows.

A ``Transport`` carries one qbXML request document to QuickBooks and brings its response back: through the Web
Connector in production (``apps.quickbooks.desktop.relay``), straight into a local company file in tests. Everything
QuickBooks-shaped goes through ``apps.quickbooks.mapping.desktop`` so that the engine's steps see the records they
see from QuickBooks Online.

- A pull is one document of queries (iterators of ``PAGE_SIZE`` for the long lists, started together), then one
  document per further page of whichever lists still have one; deletions come from ``ListDeletedQuery``.
- Changes are read from ``FromModifiedDate``, which Desktop reads in the company machine's local time: the offset is
  learned from the timestamps QuickBooks returns, and the cursor overlaps the last change by ``CURSOR_OVERLAP``.
- Writes go up to ``REQUESTS_PER_EXCHANGE`` to a document, ``continueOnError`` so that one refused record does not
  hold back the rest; each request's ``requestID`` ties its answer to its write.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from apps.quickbooks.desktop.qbxml import Request, Response, request_document, response_document_parse
from apps.quickbooks.errors import ApiError, QuickBooksError
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.mapping.desktop import customers as mapping
from apps.quickbooks.mapping.desktop.common import (
    NAME_IN_USE,
    desktop_offset,
    desktop_time,
    modified_filter_time,
    status_error,
)
from apps.quickbooks.sync.backend import CREATE, Snapshot, Write, WriteResult

PAGE_SIZE = 500
REQUESTS_PER_EXCHANGE = 250
NAMES_PER_QUERY = 100
# Desktop stamps changes to the second in the company machine's clock; a minute's overlap also covers a change saved
# while the previous session was reading.
CURSOR_OVERLAP = timedelta(minutes=1)
SUPPORTED = frozenset({mapping.ENTITY})
FOUND_NOTHING = 1
SOME_NOT_FOUND = 500


class Transport(Protocol):
    def exchange(self, document: str) -> str:
        """Run one qbXML request document in QuickBooks; its response document. Raises ``QuickBooksError``."""

    def close(self) -> None: ...


class DesktopBackend:
    def __init__(self, transport: Transport, *, utc_offset: timedelta | None = None) -> None:
        self.transport = transport
        # The company machine's UTC offset, learned from QuickBooks' timestamps (None until one was seen).
        self.utc_offset = utc_offset
        self.api_calls = 0
        self.round_trips = 0
        # The latest CustomerRet of each customer seen: ship-to writes need its edit sequence and its ship-tos.
        self.customers: dict[str, dict[str, Any]] = {}
        self._sequence = 0

    def close(self) -> None:
        self.transport.close()

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

    def _remember(self, rets: Iterable[dict[str, Any]]) -> None:
        for ret in rets:
            self.customers[ret.get("ListID") or ""] = ret
            if self.utc_offset is None and (offset := desktop_offset(ret.get("TimeModified"))) is not None:
                self.utc_offset = offset

    def _query_all(self, queries: dict[str, Request]) -> dict[str, list[dict[str, Any]]]:
        """Run queries (iterators started together, continued together) to their last page; records by key."""
        records: dict[str, list[dict[str, Any]]] = {key: [] for key in queries}
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
                records[key].extend(response.records)
                if response.iterator_id and response.remaining:
                    first = queries[key]
                    pending[key] = self._request(
                        first.kind, first.fields, iterator="Continue", iterator_id=response.iterator_id
                    )
        return records

    def _paged(self, kind: str, fields: dict[str, Any]) -> Request:
        return self._request(kind, {"MaxReturned": str(PAGE_SIZE), **fields}, iterator="Start")

    # Reading.

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        unsupported = sorted(set(changed + listed) - SUPPORTED)
        if unsupported:
            raise QuickBooksError(
                "FieldOffice does not sync these with QuickBooks Desktop yet: "
                f"{', '.join(unsupported)}. Turn them off in Configure Sync."
            )
        snapshot = Snapshot()
        full = since is None or self.utc_offset is None
        entities = sorted(set(changed + listed))
        if not entities:
            return snapshot
        queries: dict[str, Request] = {}
        fields: dict[str, Any] = {"ActiveStatus": "All"}
        if not full:
            fields["FromModifiedDate"] = modified_filter_time(since, self.utc_offset)
            queries["deleted"] = self._request(
                "ListDeletedQuery",
                {
                    "ListDelType": ["Customer"],
                    "DeletedDateRangeFilter": {"FromDeletedDate": modified_filter_time(since, self.utc_offset)},
                },
            )
        queries[mapping.ENTITY] = self._paged(mapping.QUERY, fields)
        found = self._query_all(queries)
        rets = found[mapping.ENTITY]
        self._remember(rets)
        records = [record for ret in rets for record in mapping.customer_records(ret)]
        records += [{"status": "Deleted", "Id": ret.get("ListID") or ""} for ret in found.get("deleted", [])]
        snapshot.records[mapping.ENTITY] = records
        if full:
            snapshot.complete.add(mapping.ENTITY)
        latest = max((moment for ret in rets if (moment := desktop_time(ret.get("TimeModified")))), default=None)
        snapshot.as_of = latest - CURSOR_OVERLAP if latest else since
        return snapshot

    def _customers_by(self, field: str, values: list[str]) -> list[dict[str, Any]]:
        if not values:
            return []
        queries = {
            str(start): self._request(mapping.QUERY, {field: values[start : start + NAMES_PER_QUERY]})
            for start in range(0, len(values), NAMES_PER_QUERY)
        }
        rets = [ret for chunk in self._query_all(queries).values() for ret in chunk]
        self._remember(rets)
        return rets

    def find_by_names(self, entity: str, names: list[str], *, field: str = "DisplayName") -> list[dict[str, Any]]:
        self._check(entity)
        wanted = {name_key(name) for name in names}
        found = [mapping.customer_record(ret) for ret in self._customers_by("FullName", sorted(set(names)))]
        # Ship-to addresses have no name of their own in Desktop's lists: those of the customers seen this run.
        for ret in self.customers.values():
            found += [obj for obj in mapping.ship_to_records(ret) if name_key(obj["DisplayName"]) in wanted]
        return found

    def read_by_ids(self, entity: str, ids: list[str]) -> list[dict[str, Any]]:
        self._check(entity)
        owners = sorted({mapping.ship_to_owner(record_id) for record_id in ids})
        wanted = set(ids)
        records = [record for ret in self._customers_by("ListID", owners) for record in mapping.customer_records(ret)]
        return [record for record in records if record["Id"] in wanted]

    def find_created_since(self, entity: str, since: datetime) -> list[dict[str, Any]]:
        self._check(entity)
        fields: dict[str, Any] = {"ActiveStatus": "All"}
        if self.utc_offset is not None:
            fields["FromModifiedDate"] = modified_filter_time(since - CURSOR_OVERLAP, self.utc_offset)
        rets = self._query_all({"created": self._paged(mapping.QUERY, fields)})["created"]
        self._remember(rets)
        return [
            mapping.customer_record(ret)
            for ret in rets
            if (created := desktop_time(ret.get("TimeCreated"))) is not None and created >= since
        ]

    def preferences(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def _check(entity: str) -> None:
        if entity not in SUPPORTED:
            raise QuickBooksError(f"FieldOffice does not sync {entity} with QuickBooks Desktop yet.")

    # Writing.

    def write(self, writes: list[Write]) -> list[WriteResult]:
        results: dict[int, WriteResult] = {}
        customers: list[tuple[int, Write]] = []
        locations: dict[str, list[tuple[int, Write]]] = {}
        for index, write in enumerate(writes):
            if write.entity not in SUPPORTED:
                error = ApiError(f"QuickBooks Desktop does not take {write.entity} from FieldOffice yet.")
                results[index] = WriteResult(write, error=error)
            elif write.payload.get("Job") or mapping.is_ship_to_id(str(write.payload.get("Id") or "")):
                locations.setdefault(mapping.location_parent_id(write.payload), []).append((index, write))
            else:
                customers.append((index, write))
        results.update(self._customers_write(customers))
        results.update(self._ship_tos_write(locations))
        return [results[index] for index in range(len(writes))]

    def _customers_write(self, writes: list[tuple[int, Write]]) -> dict[int, WriteResult]:
        results: dict[int, WriteResult] = {}
        for start in range(0, len(writes), REQUESTS_PER_EXCHANGE):
            chunk = writes[start : start + REQUESTS_PER_EXCHANGE]
            requests = []
            for _, write in chunk:
                known = self.customers.get(str(write.payload.get("Id") or "")) or {}
                job = mapping.customer_record(known).get("DesktopJob") if known else None
                fields = mapping.customer_fields(write.payload, job=job)
                requests.append(self._request(mapping.ADD if write.action == CREATE else mapping.MOD, fields))
            for (index, write), response in zip(chunk, self._exchange(requests), strict=True):
                results[index] = self._customer_result(write, response)
        return results

    def _customer_result(self, write: Write, response: Response | None) -> WriteResult:
        if response is None:
            return WriteResult(write, error=ApiError("QuickBooks Desktop did not answer for this record."))
        if response.status_code != 0 or not response.records:
            return WriteResult(write, error=status_error(code=response.status_code, message=response.message))
        ret = response.records[0]
        self._remember([ret])
        return WriteResult(write, record=mapping.customer_record(ret))

    def _ship_tos_write(self, by_parent: dict[str, list[tuple[int, Write]]]) -> dict[int, WriteResult]:
        """One ``CustomerMod`` per customer names all its ship-tos written here (Desktop adds or updates by name)."""
        results: dict[int, WriteResult] = {}
        missing = [parent for parent in by_parent if parent and parent not in self.customers]
        self._customers_by("ListID", missing)
        parents = []
        for parent, writes in by_parent.items():
            ret = self.customers.get(parent)
            if ret is None:
                error = ApiError("The customer this location belongs to is no longer in QuickBooks Desktop.")
                results.update({index: WriteResult(write, error=error) for index, write in writes})
                continue
            taken = {name_key(obj["DisplayName"]) for obj in mapping.ship_to_records(ret)}
            sending = []
            for index, write in writes:
                name = name_key(mapping.ship_to_fields(write.payload)["Name"])
                if write.action == CREATE and name in taken:
                    message = f'The name "{write.payload.get("DisplayName")}" is already a ship-to address of it.'
                    results[index] = WriteResult(write, error=status_error(code=NAME_IN_USE, message=message))
                else:
                    taken.add(name)
                    sending.append((index, write))
            if sending:
                parents.append((parent, sending))
        for start in range(0, len(parents), REQUESTS_PER_EXCHANGE):
            chunk = parents[start : start + REQUESTS_PER_EXCHANGE]
            requests = [
                self._request(
                    mapping.MOD,
                    mapping.ship_to_mod(
                        customer_id=parent,
                        edit_sequence=self.customers[parent].get("EditSequence") or "",
                        ship_tos=[mapping.ship_to_fields(write.payload) for _, write in writes],
                    ),
                )
                for parent, writes in chunk
            ]
            for (_, writes), response in zip(chunk, self._exchange(requests), strict=True):
                results.update(self._ship_to_results(writes, response))
        return results

    def _ship_to_results(self, writes: list[tuple[int, Write]], response: Response | None) -> dict[int, WriteResult]:
        if response is None or response.status_code != 0 or not response.records:
            error = (
                status_error(code=response.status_code, message=response.message)
                if response is not None
                else ApiError("QuickBooks Desktop did not answer for this record.")
            )
            return {index: WriteResult(write, error=error) for index, write in writes}
        ret = response.records[0]
        self._remember([ret])
        by_name = {name_key(obj["DisplayName"]): obj for obj in mapping.ship_to_records(ret)}
        results = {}
        for index, write in writes:
            record = by_name.get(name_key(mapping.ship_to_fields(write.payload)["Name"]))
            error = None if record else ApiError("QuickBooks Desktop did not keep this ship-to address.")
            results[index] = WriteResult(write, record=record, error=error)
        return results
