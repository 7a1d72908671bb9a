"""
The QuickBooks Online backend: the engine's reads and writes as few Accounting API calls as Intuit allows.

- A pull is one change-data-capture call for the changed entities, plus one batch of queries for the short lists
  (tax codes, rates and agencies, terms: CDC does not report them) that also counts what a full read must page
  through; a full read then pages by 1,000, the most a query returns.
- Writes go 30 to a batch, the most Intuit takes; a tax code is created through the tax service, one per call.
- Every record is handed to the engine as its record (``sync.records``), translated as it is read and written by
  this package's ``mapping`` (terms, tax, accounts, items, customers, invoices and payments, the company's
  preferences).
"""

import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.errors import ApiError
from apps.quickbooks.models import QuickBooksConnection
from apps.quickbooks.online.client import QuickBooksClient
from apps.quickbooks.online.client.client import MAX_BATCH_ITEMS, MAX_QUERY_RESULTS
from apps.quickbooks.online.client.faults import batch_item_error
from apps.quickbooks.online.connection import client_for
from apps.quickbooks.online.mapping import accounts, adjustments, customers, drift, invoices, items, tax, terms, vendors
from apps.quickbooks.online.mapping.preferences import preferences_record
from apps.quickbooks.sync.backend import (
    CREATE,
    DRIFT_OPEN_INVOICES,
    VOID,
    BackendUnavailableError,
    Capabilities,
    DriftReading,
    InvoiceFigures,
    Snapshot,
    Write,
    WriteResult,
)
from apps.quickbooks.sync.records import (
    ACCOUNT,
    CUSTOMER,
    INVENTORY_ADJUSTMENT,
    INVOICE,
    ITEM,
    PAYMENT,
    TAX_AGENCY,
    TAX_CODE,
    TAX_RATE,
    TERM,
    VENDOR,
    CompanyPreferences,
    Record,
)

# Change data capture looks back at most 30 days; older cursors need a full read.
CDC_MAX_AGE = timedelta(days=30) - timedelta(hours=1)
# CDC returns at most 1,000 objects per entity; more means a query must fetch the rest.
CDC_MAX_OBJECTS = 1000
# The cursor is set this much before the pull began: QuickBooks' clock and ours may differ a little, and a write
# stamped just before the read may commit just after it. Changes inside the overlap come again and are skipped by
# their unchanged SyncToken; a wider overlap would make every run re-read more of the previous run's writes.
CURSOR_OVERLAP = timedelta(seconds=10)
# Names per "DisplayName IN (...)" query, to keep statements short.
NAMES_PER_QUERY = 50
ALL_ACTIVITY = "Active IN (true, false)"
# Lists that have no Active field to filter on.
# Transactions have no Active field either (they are voided or deleted instead).
WITHOUT_ACTIVE = frozenset(
    {TAX_AGENCY, INVOICE, PAYMENT, INVENTORY_ADJUSTMENT, "Estimate", "CreditMemo", "SalesReceipt", "PurchaseOrder"}
)
# The field each entity is named by where it is not ``Name``: those whose names QuickBooks keeps unique across
# customers, vendors and employees.
NAME_FIELDS = {CUSTOMER: "DisplayName", "Vendor": "DisplayName", "Employee": "DisplayName"}
# The entities read as the engine's records, and those written from them: Intuit's JSON ↔ record.
RECORD_READERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    TERM: terms.term_record,
    TAX_CODE: tax.tax_code_record,
    TAX_RATE: tax.tax_rate_record,
    TAX_AGENCY: tax.agency_record,
    ACCOUNT: accounts.account_record,
    ITEM: items.item_record,
    CUSTOMER: customers.customer_record,
    INVOICE: invoices.invoice_record,
    PAYMENT: invoices.payment_record,
    VENDOR: vendors.vendor_record,
    INVENTORY_ADJUSTMENT: adjustments.adjustment_record,
}
RECORD_WRITERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    TERM: terms.term_payload,
    TAX_AGENCY: tax.agency_payload,
    ACCOUNT: accounts.account_payload,
    ITEM: items.record_payload,
    CUSTOMER: customers.record_payload,
    INVOICE: invoices.invoice_payload,
    INVENTORY_ADJUSTMENT: adjustments.adjustment_payload,
}
# Intuit lets apps create terms, tax codes (through its tax service), agencies, accounts, items and inventory
# adjustments, and change terms and items, not tax codes.
CAPABILITIES = Capabilities(
    creates=frozenset({TERM, TAX_CODE, TAX_AGENCY, ACCOUNT, ITEM, INVENTORY_ADJUSTMENT}),
    updates=frozenset({TERM, ITEM}),
    refusals={TAX_CODE: tax.CODE_UNCHANGEABLE},
)


def _quoted_list(client: QuickBooksClient, values: list[str]) -> str:
    return ", ".join(client.quote(value) for value in values)


def _records(entity: str, rows: list[dict[str, Any]]) -> list[Record]:
    """``rows`` as the engine takes them: its records."""
    reader = RECORD_READERS[entity]
    return [reader(row) for row in rows]


class OnlineBackend:
    capabilities = CAPABILITIES

    def __init__(self, client: QuickBooksClient, *, concurrency: int | None = None) -> None:
        self.client = client
        self.concurrency = max(1, concurrency if concurrency is not None else settings.QBO_WRITE_CONCURRENCY)

    @property
    def api_calls(self) -> int:
        return self.client.api_calls

    def close(self) -> None:
        self.client.close()

    # Reading.

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        started = timezone.now()
        snapshot = Snapshot(as_of=started - CURSOR_OVERLAP)
        full = since is None or started - since > CDC_MAX_AGE
        queries = {entity: self._list_statement(entity) for entity in listed}
        if full:
            for entity in changed:
                # The count says how many pages follow the first, so no call is spent on an empty last page.
                where = self._where(entity)
                condition = f" WHERE {where}" if where else ""
                queries[f"count:{entity}"] = f"SELECT COUNT(*) FROM {entity}{condition}"
                queries[f"page:{entity}"] = self._page_statement(entity, where, 1)
        answers = self._query_batch(queries) if queries else {}
        for entity in listed:
            rows = answers[entity].get(entity, [])
            if len(rows) >= MAX_QUERY_RESULTS:
                rows = list(self._query_pages(entity, self._where(entity)))
            snapshot.records[entity] = _records(entity, rows)
            snapshot.complete.add(entity)
        if full:
            for entity in changed:
                total = int(answers[f"count:{entity}"].get("totalCount") or 0)
                first = answers[f"page:{entity}"].get(entity, [])
                where = self._where(entity)
                rest = self._query_pages(entity, where, total=total, start=len(first) + 1) if first else []
                snapshot.records[entity] = _records(entity, first + rest)
                snapshot.complete.add(entity)
        elif changed:
            for entity, rows in self._cdc(changed, since).items():
                if len(rows) >= CDC_MAX_OBJECTS:
                    changed_since = f"MetaData.LastUpdatedTime >= {self.client.quote(since.isoformat())}"
                    where = " AND ".join(part for part in (self._where(entity), changed_since) if part)
                    rows = list(self._query_pages(entity, where))
                snapshot.records[entity] = _records(entity, rows)
        return snapshot

    def _where(self, entity: str) -> str:
        return "" if entity in WITHOUT_ACTIVE else ALL_ACTIVITY

    def _list_statement(self, entity: str) -> str:
        where = self._where(entity)
        condition = f" WHERE {where}" if where else ""
        return f"SELECT * FROM {entity}{condition} MAXRESULTS {MAX_QUERY_RESULTS}"

    def _query_batch(self, statements: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Up to 30 queries in one call; their ``QueryResponse`` by the keys of ``statements``."""
        keys = list(statements)
        answers: dict[str, dict[str, Any]] = {}
        for start in range(0, len(keys), MAX_BATCH_ITEMS):
            chunk = keys[start : start + MAX_BATCH_ITEMS]
            items = [{"bId": str(index), "Query": statements[key]} for index, key in enumerate(chunk)]
            for item in self.client.batch(items):
                key = chunk[int(item["bId"])]
                if "Fault" in item:
                    raise batch_item_error(item["Fault"])
                answers[key] = item.get("QueryResponse") or {}
        return answers

    @staticmethod
    def _page_statement(entity: str, where: str, start: int) -> str:
        condition = f" WHERE {where}" if where else ""
        return f"SELECT * FROM {entity}{condition} ORDERBY Id STARTPOSITION {start} MAXRESULTS {MAX_QUERY_RESULTS}"

    def _query_pages(
        self, entity: str, where: str, *, total: int | None = None, start: int = 1
    ) -> list[dict[str, Any]]:
        """Every record matching ``where`` from ``start``; with ``total`` known, no call goes to an empty page."""
        rows: list[dict[str, Any]] = []
        while total is None or start <= total:
            page = self.client.query(self._page_statement(entity, where, start)).get(entity, [])
            rows.extend(page)
            if len(page) < MAX_QUERY_RESULTS:
                break
            start += MAX_QUERY_RESULTS
        return rows

    def _cdc(self, entities: list[str], since: datetime) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {entity: [] for entity in entities}
        for response in self.client.cdc(entities, since):
            for entity in entities:
                found[entity].extend(response.get(entity, []))
        return found

    def find_by_names(self, entity: str, names: list[str], *, within: Sequence[str] = ()) -> list[Record]:
        # ``within`` asks nothing more: a sub-customer's DisplayName is unique in the company, and found by it.
        field = NAME_FIELDS.get(entity, "Name")
        found: list[dict[str, Any]] = []
        for start in range(0, len(names), NAMES_PER_QUERY):
            chunk = names[start : start + NAMES_PER_QUERY]
            where = " AND ".join(
                part for part in (f"{field} IN ({_quoted_list(self.client, chunk)})", self._where(entity)) if part
            )
            found.extend(self.client.query(f"SELECT * FROM {entity} WHERE {where}").get(entity, []))
        return _records(entity, found)

    def find_created_since(self, entity: str, since: datetime) -> list[Any]:
        where = f"MetaData.CreateTime >= {self.client.quote(since.isoformat(timespec='seconds'))}"
        return _records(entity, self._query_pages(entity, where))

    def preferences(self) -> CompanyPreferences:
        return preferences_record(self.client.request("GET", "preferences").get("Preferences", {}))

    def read_by_ids(self, entity: str, ids: list[str]) -> list[Any]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), NAMES_PER_QUERY):
            chunk = ids[start : start + NAMES_PER_QUERY]
            where = f"Id IN ({_quoted_list(self.client, chunk)})"
            if self._where(entity):
                where += f" AND {self._where(entity)}"
            found.extend(self.client.query(f"SELECT * FROM {entity} WHERE {where}").get(entity, []))
        return _records(entity, found)

    # Writing.

    def write(self, writes: list[Write]) -> list[WriteResult]:
        """
        Batches of 30 go out several at a time (``QBO_WRITE_CONCURRENCY``), within the limiter's requests a minute,
        batches a minute and requests at once, so a large push runs at the speed Intuit allows, not at one round
        trip per batch. Results come back in the order of ``writes``.
        """
        results: dict[int, WriteResult] = {}
        batched: list[tuple[int, Write]] = []
        for index, write in enumerate(writes):
            if write.entity == TAX_CODE:
                results[index] = self._tax_code_create(write)
            elif write.action == VOID:
                results[index] = self._void(write)
            else:
                batched.append((index, write))
        chunks = [batched[start : start + MAX_BATCH_ITEMS] for start in range(0, len(batched), MAX_BATCH_ITEMS)]
        workers = min(self.concurrency, len(chunks))
        if workers <= 1:
            for chunk in chunks:
                results.update(self._batch_write(chunk))
        else:
            self.client.tokens()  # One token for all threads, fetched here: the threads need no database for it.
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="quickbooks-write") as pool:
                for done in pool.map(self._batch_write_in_thread, chunks):
                    results.update(done)
        return [results[index] for index in range(len(writes))]

    def _batch_write_in_thread(self, chunk: list[tuple[int, Write]]) -> dict[int, WriteResult]:
        try:
            return self._batch_write(chunk)
        finally:
            # A token renewal in this thread opened its own database connection.
            connections.close_all()

    def _void(self, write: Write) -> WriteResult:
        try:
            answer = self.client.void(write.entity, write.payload.remote_id, write.payload.version)
        except ApiError as error:
            return WriteResult(write, error=error)
        return WriteResult(write, record=_records(write.entity, [answer])[0])

    def _batch_write(self, chunk: list[tuple[int, Write]]) -> dict[int, WriteResult]:
        items = []
        for index, write in chunk:
            payload = RECORD_WRITERS[write.entity](write.payload)
            body = payload if write.action == CREATE else {**payload, "sparse": True}
            items.append({"bId": str(index), "operation": write.action, write.entity: body})
        by_index = dict(chunk)
        results: dict[int, WriteResult] = {}
        try:
            answers = self.client.batch(items)
        except ApiError as error:
            return {index: WriteResult(write, error=error) for index, write in chunk}
        for answer in answers:
            index = int(answer.get("bId", -1))
            write = by_index.get(index)
            if write is None:
                continue
            if "Fault" in answer:
                results[index] = WriteResult(write, error=batch_item_error(answer["Fault"]))
            else:
                record = answer.get(write.entity)
                results[index] = WriteResult(write, record=RECORD_READERS[write.entity](record) if record else None)
        for index, write in chunk:
            results.setdefault(index, WriteResult(write, error=ApiError("QuickBooks did not answer for this record.")))
        return results

    def _tax_code_create(self, write: Write) -> WriteResult:
        if write.action != CREATE:
            return WriteResult(write, error=ApiError(tax.CODE_UNCHANGEABLE.format(name=write.payload.name)))
        body = tax.tax_code_payload(write.payload)
        try:
            answer = self.client.request("POST", "taxservice/taxcode", body=body, request_id=str(uuid.uuid4()))
        except ApiError as error:
            return WriteResult(write, error=error)
        code_id = tax.tax_code_created_id(answer)
        if not code_id:
            return WriteResult(write, error=ApiError("QuickBooks did not say which tax code it created."))
        return WriteResult(write, record=tax.tax_code_record(self.client.get(TAX_CODE, code_id)))

    # The drift check.

    def drift_read(self) -> DriftReading:
        """The counts and every open invoice: one batch call below 1,000 open invoices (the counts ride with the
        first page), the pages the count announces 30 to a batch, then a page at a time only for invoices opened
        while reading."""
        queries = {**drift.COUNT_STATEMENTS, "page": drift.open_invoices_page(1, MAX_QUERY_RESULTS)}
        answers = self._query_batch(queries)
        counts = {name: drift.answer_count(answers[name]) for name in drift.COUNT_STATEMENTS}
        rows = drift.answer_invoices(answers["page"])
        last = rows
        if len(last) >= MAX_QUERY_RESULTS:
            starts = range(len(rows) + 1, counts[DRIFT_OPEN_INVOICES] + 1, MAX_QUERY_RESULTS)
            pages = {start: drift.open_invoices_page(start, MAX_QUERY_RESULTS) for start in starts}
            answers = self._query_batch(pages) if pages else {}
            for start in pages:
                last = drift.answer_invoices(answers[start])
                rows.extend(last)
        while len(last) >= MAX_QUERY_RESULTS:
            # More than counted (created while reading): a page at a time, until a short one.
            last = drift.answer_invoices(self.client.query(drift.open_invoices_page(len(rows) + 1, MAX_QUERY_RESULTS)))
            rows.extend(last)
        unique: dict[str, dict[str, Any]] = {}
        for row in rows:
            unique.setdefault(drift.invoice_id(row), row)
        return DriftReading(
            counts=counts,
            counted=drift.COUNTED,
            open_invoices=[drift.invoice_figures(row) for row in unique.values()],
        )

    def invoice_figures_read(self, ids: list[str]) -> list[InvoiceFigures]:
        """By id, 50 to a query and 30 queries to a batch call; none when there are no ids."""
        statements = drift.invoices_by_ids(ids, self.client.quote)
        answers = self._query_batch(dict(enumerate(statements))) if statements else {}
        rows = [row for index in range(len(statements)) for row in drift.answer_invoices(answers[index])]
        return [drift.invoice_figures(row) for row in rows]


def online_backend_open(division: Division) -> OnlineBackend:
    """
    The backend of the division's QuickBooks Online company (the engine's default, ``backend.backend_open``);
    refused while the division is not connected, with the connection's last error when it has one.
    """
    connection = QuickBooksConnection.objects.filter(division=division).first()
    if connection is None or not connection.is_connected:
        raise BackendUnavailableError(
            connection.last_error if connection and connection.last_error else "it is not connected"
        )
    return OnlineBackend(client_for(connection))
