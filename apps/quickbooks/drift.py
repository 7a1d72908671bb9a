"""
The drift check: does QuickBooks still agree with FieldOffice about a division's customers, items and open invoices?

``drift_check(division)`` reads QuickBooks in as few calls as Intuit allows and compares, side by side:

- active customers with QuickBooks' active top-level customers, and active service locations (of active customers)
  with QuickBooks' active sub-customers of any level (the sync keeps sub-customers as service locations);
- active items with QuickBooks' active items of the types FieldOffice keeps (service, non-inventory, inventory:
  categories are left out);
- open invoices and the total open balance. An invoice is open in FieldOffice when it is issued and not settled
  (``invoice_open_q``), owes something, is not historical, and is either Unpaid or linked to QuickBooks (approved or
  ready-for-sync invoices never sent are not there yet, and are only mentioned). An invoice is open in QuickBooks
  when its ``Balance`` is above zero;
- each linked invoice open on either side: its total and balance on both sides, and the invoices open on one side
  only (linked but settled on the other side, open in QuickBooks with no link, open here and never sent);
- and, listed though both sides agree on them, the invoices whose tax and total QuickBooks changed when they were
  sent (it charged its own tax): what it billed against what FieldOffice computed, and why.

The first call is one batch: the four counts and the first 1,000 open invoices. More calls go out only for more than
1,000 open invoices (30 pages to a batch) and for linked invoices open here but not in QuickBooks' open list (read
by id, 50 to a query, 30 queries to a batch). Nothing is written on either side.

A list the division's sync settings do not exchange is still compared, but its differences are not drift: the
report marks it as not synced and ``in_sync`` ignores it; invoices are then not compared one by one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import Item
from apps.core.models import Division
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing.models import Invoice, InvoiceStatus, invoice_open_q
from apps.quickbooks.client import QuickBooksClient
from apps.quickbooks.client.client import MAX_BATCH_ITEMS, MAX_QUERY_RESULTS
from apps.quickbooks.client.faults import batch_item_error
from apps.quickbooks.errors import NotConnectedError
from apps.quickbooks.models import (
    ConnectionStatus,
    CustomersDirection,
    InventoryDirection,
    InvoicesDirection,
    QuickBooksConnection,
    RecordLink,
    SyncSettings,
)
from apps.quickbooks.services.connection import client_for

INVOICE_ENTITY = "Invoice"
# The item types FieldOffice keeps; categories (and bundles, which FieldOffice has no counterpart of) are left out.
ITEM_TYPES = ("Service", "NonInventory", "Inventory")
OPEN_INVOICES = "Balance > '0'"
INVOICE_FIELDS = "Id, DocNumber, CustomerRef, TotalAmt, Balance"
# Ids per "Id IN (...)" query, to keep statements short (as the sync does).
IDS_PER_QUERY = 50
# Local look-ups by QuickBooks id go this many at a time, well within every database's parameter limit.
LOOKUP_CHUNK = 500
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_DIGITS = re.compile(r"(\d+)")

COUNT_STATEMENTS = {
    "customers": "SELECT COUNT(*) FROM Customer WHERE Active = true AND Job = false",
    "service_locations": "SELECT COUNT(*) FROM Customer WHERE Active = true AND Job = true",
    "items": "SELECT COUNT(*) FROM Item WHERE Active = true AND Type IN ({types})".format(
        types=", ".join(f"'{item_type}'" for item_type in ITEM_TYPES)
    ),
    "open_invoices": f"SELECT COUNT(*) FROM Invoice WHERE {OPEN_INVOICES}",
}


class DifferenceKind:
    AMOUNTS = "amounts"
    SETTLED_HERE = "settled_in_fieldoffice"
    SETTLED_THERE = "settled_in_quickbooks"
    GONE_THERE = "missing_in_quickbooks"
    GONE_HERE = "missing_in_fieldoffice"
    NOT_LINKED = "not_linked"
    NOT_SENT = "not_sent"
    # Not drift: both sides hold what QuickBooks billed, which is not what FieldOffice computed.
    CHANGED_BY_QUICKBOOKS = "total_changed_by_quickbooks"


# Differences that mean the two sides disagree.
DRIFT_KINDS = frozenset(
    {
        DifferenceKind.AMOUNTS,
        DifferenceKind.SETTLED_HERE,
        DifferenceKind.SETTLED_THERE,
        DifferenceKind.GONE_THERE,
        DifferenceKind.GONE_HERE,
        DifferenceKind.NOT_LINKED,
        DifferenceKind.NOT_SENT,
    }
)


def money(value: Any) -> Decimal:
    """An amount of either side as ``Decimal`` in cents; nothing is zero."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def _differ(number: int, noun: str) -> str:
    return f"1 {noun} differs" if number == 1 else f"{number:,} {noun}s differ"


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass(frozen=True)
class CountComparison:
    name: str
    label: str
    fieldoffice: int
    quickbooks: int
    synced: bool
    compared: str
    url: str = ""

    @property
    def differs(self) -> bool:
        return self.fieldoffice != self.quickbooks

    @property
    def is_drift(self) -> bool:
        return self.synced and self.differs

    @property
    def message(self) -> str:
        if not self.differs:
            return ""
        more, fewer = (
            ("FieldOffice", "QuickBooks") if self.fieldoffice > self.quickbooks else ("QuickBooks", "FieldOffice")
        )
        gap = abs(self.fieldoffice - self.quickbooks)
        text = f"{more} has {gap:,} more than {fewer}."
        if not self.synced:
            text += " This list is not synced in this division's settings, so the difference is expected."
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "fieldoffice": self.fieldoffice,
            "quickbooks": self.quickbooks,
            "differs": self.differs,
            "synced": self.synced,
            "compared": self.compared,
        }


@dataclass(frozen=True)
class MoneyComparison:
    fieldoffice: Decimal
    quickbooks: Decimal
    synced: bool

    @property
    def differs(self) -> bool:
        return self.fieldoffice != self.quickbooks

    @property
    def is_drift(self) -> bool:
        return self.synced and self.differs

    @property
    def message(self) -> str:
        if not self.differs:
            return ""
        return (
            f"The open invoices add up to {_amount(self.fieldoffice)} in FieldOffice and {_amount(self.quickbooks)} "
            f"in QuickBooks ({_amount(abs(self.fieldoffice - self.quickbooks))} apart)."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "fieldoffice": str(self.fieldoffice),
            "quickbooks": str(self.quickbooks),
            "differs": self.differs,
            "synced": self.synced,
        }


@dataclass(frozen=True)
class InvoiceDifference:
    """One invoice the two sides disagree about; the amounts of a side that has no such invoice are ``None``."""

    kind: str
    message: str
    number: str = ""
    local_id: int | None = None
    qbo_id: str = ""
    fieldoffice_total: Decimal | None = None
    quickbooks_total: Decimal | None = None
    fieldoffice_balance: Decimal | None = None
    quickbooks_balance: Decimal | None = None
    url: str = ""

    @property
    def is_drift(self) -> bool:
        return self.kind in DRIFT_KINDS

    def as_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "number": self.number,
            "local_id": self.local_id,
            "qbo_id": self.qbo_id,
            "fieldoffice_total": text(self.fieldoffice_total),
            "quickbooks_total": text(self.quickbooks_total),
            "fieldoffice_balance": text(self.fieldoffice_balance),
            "quickbooks_balance": text(self.quickbooks_balance),
            "kind": self.kind,
            "message": self.message,
            "url": self.url,
        }


@dataclass
class DriftReport:
    division: Division
    checked_at: datetime
    api_calls: int
    counts: list[CountComparison]
    open_balance: MoneyComparison
    invoices: list[InvoiceDifference]
    invoices_synced: bool
    notes: list[str] = field(default_factory=list)

    @property
    def drifted_invoices(self) -> list[InvoiceDifference]:
        return [difference for difference in self.invoices if difference.is_drift]

    @property
    def totals_changed(self) -> list[InvoiceDifference]:
        """Invoices whose tax and total QuickBooks changed (both sides agree on them)."""
        return [difference for difference in self.invoices if not difference.is_drift]

    @property
    def in_sync(self) -> bool:
        if any(count.is_drift for count in self.counts) or self.open_balance.is_drift:
            return False
        return not (self.invoices_synced and self.drifted_invoices)

    @property
    def count_by_name(self) -> dict[str, CountComparison]:
        return {count.name: count for count in self.counts}

    @property
    def summary(self) -> str:
        changed = len(self.totals_changed)
        also = ""
        if changed:
            totals = "1 invoice total was" if changed == 1 else f"{changed:,} invoice totals were"
            also = f" {totals} changed by QuickBooks, which charged its own tax (listed below)."
        if self.in_sync:
            return f"{self.division}: FieldOffice and QuickBooks agree.{also}"
        problems = sum(1 for count in self.counts if count.is_drift)
        parts = [_differ(problems, "count")] if problems else []
        if self.open_balance.is_drift:
            parts.append("the open balance differs")
        if self.invoices_synced and self.drifted_invoices:
            parts.append(_differ(len(self.drifted_invoices), "invoice"))
        return f"{self.division}: FieldOffice and QuickBooks have drifted apart: {', '.join(parts)}.{also}"

    def text_lines(self) -> list[str]:
        """The report as plain lines, for a terminal."""
        calls = "1 API call" if self.api_calls == 1 else f"{self.api_calls} API calls"
        lines = [self.summary, f"Checked {self.checked_at:%Y-%m-%d %H:%M:%S %Z} with {calls}."]
        lines.append(f"  {'':<28}{'FieldOffice':>14}{'QuickBooks':>14}")
        for count in self.counts:
            flag = "  differs" if count.differs else ""
            flag += " (not synced)" if not count.synced else ""
            lines.append(f"  {count.label:<28}{count.fieldoffice:>14,}{count.quickbooks:>14,}{flag}")
        balance = self.open_balance
        flag = "  differs" if balance.differs else ""
        flag += " (not synced)" if not balance.synced else ""
        lines.append(f"  {'Open balance':<28}{balance.fieldoffice:>14,.2f}{balance.quickbooks:>14,.2f}{flag}")
        for difference in self.invoices:
            where = f" (QuickBooks Id {difference.qbo_id})" if difference.qbo_id else ""
            lines.append(f"- {difference.message}{where}")
        lines.extend(self.notes)
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "division": self.division.slug,
            "checked_at": self.checked_at.isoformat(),
            "api_calls": self.api_calls,
            "counts": {count.name: count.as_dict() for count in self.counts},
            "open_balance": self.open_balance.as_dict(),
            "invoices": [difference.as_dict() for difference in self.invoices],
            "notes": self.notes,
            "in_sync": self.in_sync,
        }


# QuickBooks' side.


@dataclass
class RemoteSide:
    counts: dict[str, int]
    open_invoices: list[dict[str, Any]]


def _query_batch(client: QuickBooksClient, statements: list[str]) -> list[dict[str, Any]]:
    """Each statement's ``QueryResponse``, in order, 30 statements to a batch call."""
    answers: list[dict[str, Any]] = []
    for start in range(0, len(statements), MAX_BATCH_ITEMS):
        chunk = statements[start : start + MAX_BATCH_ITEMS]
        by_id: dict[int, dict[str, Any]] = {}
        for item in client.batch([{"bId": str(index), "Query": statement} for index, statement in enumerate(chunk)]):
            if "Fault" in item:
                raise batch_item_error(item["Fault"])
            by_id[int(item["bId"])] = item.get("QueryResponse") or {}
        answers.extend(by_id.get(index, {}) for index in range(len(chunk)))
    return answers


def _open_invoices_page(start: int) -> str:
    return (
        f"SELECT {INVOICE_FIELDS} FROM Invoice WHERE {OPEN_INVOICES} "
        f"ORDERBY Id STARTPOSITION {start} MAXRESULTS {MAX_QUERY_RESULTS}"
    )


def remote_side_read(client: QuickBooksClient) -> RemoteSide:
    """The counts and every open invoice: one batch call below 1,000 open invoices."""
    names = list(COUNT_STATEMENTS)
    answers = _query_batch(client, [COUNT_STATEMENTS[name] for name in names] + [_open_invoices_page(1)])
    counts = {name: int(answer.get("totalCount") or 0) for name, answer in zip(names, answers, strict=False)}
    rows: list[dict[str, Any]] = list(answers[-1].get(INVOICE_ENTITY, []))
    last = rows
    if len(last) >= MAX_QUERY_RESULTS:
        # The count says which pages follow: they go 30 to a batch.
        starts = list(range(len(rows) + 1, counts["open_invoices"] + 1, MAX_QUERY_RESULTS))
        for page in _query_batch(client, [_open_invoices_page(start) for start in starts]) if starts else []:
            last = page.get(INVOICE_ENTITY, [])
            rows.extend(last)
    while len(last) >= MAX_QUERY_RESULTS:
        # More than counted (created while reading): a page at a time, until a short one.
        last = client.query(_open_invoices_page(len(rows) + 1)).get(INVOICE_ENTITY, [])
        rows.extend(last)
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(str(row.get("Id")), row)
    return RemoteSide(counts=counts, open_invoices=list(unique.values()))


def remote_invoices_read(client: QuickBooksClient, ids: list[str]) -> dict[str, dict[str, Any]]:
    """QuickBooks' invoices of ``ids`` that it still has, by id."""
    if not ids:
        return {}
    statements = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        quoted = ", ".join(client.quote(value) for value in chunk)
        statements.append(f"SELECT {INVOICE_FIELDS} FROM Invoice WHERE Id IN ({quoted})")
    found: dict[str, dict[str, Any]] = {}
    for answer in _query_batch(client, statements):
        for row in answer.get(INVOICE_ENTITY, []):
            found[str(row.get("Id"))] = row
    return found


# FieldOffice's side.


@dataclass(frozen=True)
class LocalInvoice:
    pk: int
    number: str
    status: str
    total: Decimal
    balance: Decimal

    @property
    def url(self) -> str:
        return reverse("admin:invoicing_invoice_change", args=[self.pk])

    @property
    def status_label(self) -> str:
        return InvoiceStatus(self.status).label

    @property
    def label(self) -> str:
        return f"Invoice {self.number}"


LOCAL_FIELDS = ("pk", "number", "status", "total", "balance")


def _local_invoices(queryset) -> dict[int, LocalInvoice]:
    return {row[0]: LocalInvoice(*row) for row in queryset.values_list(*LOCAL_FIELDS)}


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _changelist(name: str, division: Division) -> str:
    return reverse(f"admin:{name}_changelist") + f"?active__exact=1&division__id__exact={division.pk}"


def _local_counts(
    division: Division, settings: SyncSettings, remote: dict[str, int], open_count: int, open_here: int
) -> list[CountComparison]:
    customers_synced = settings.customers_direction != CustomersDirection.OFF
    return [
        CountComparison(
            name="customers",
            label="Active customers",
            fieldoffice=Customer.objects.filter(division=division, active=True).count(),
            quickbooks=remote["customers"],
            synced=customers_synced,
            compared="FieldOffice's active customers against QuickBooks' active top-level customers.",
            url=_changelist("customers_customer", division),
        ),
        CountComparison(
            name="service_locations",
            label="Active service locations",
            fieldoffice=ServiceLocation.objects.filter(
                customer__division=division, customer__active=True, active=True
            ).count(),
            quickbooks=remote["service_locations"],
            synced=customers_synced,
            compared="Active service locations of active customers against QuickBooks' active sub-customers "
            "(jobs) of any level.",
        ),
        CountComparison(
            name="items",
            label="Active items",
            fieldoffice=Item.objects.filter(division=division, active=True).count(),
            quickbooks=remote["items"],
            synced=settings.inventory_direction != InventoryDirection.OFF,
            compared="Active items against QuickBooks' active service, non-inventory and inventory items "
            "(categories are not items).",
            url=_changelist("catalog_item", division),
        ),
        CountComparison(
            name="open_invoices",
            label="Open invoices",
            fieldoffice=open_here,
            quickbooks=open_count,
            synced=settings.invoices_direction != InvoicesDirection.OFF,
            compared="Unpaid or linked invoices with a balance (historical ones left out) against QuickBooks' "
            "invoices with a balance.",
        ),
    ]


# The check.


def _connection(division: Division) -> QuickBooksConnection:
    connection = QuickBooksConnection.objects.filter(division=division).first()
    if connection is None or connection.status != ConnectionStatus.CONNECTED:
        raise NotConnectedError(f"QuickBooks is not connected for {division}: connect it first.")
    return connection


def drift_check(division: Division) -> DriftReport:
    """
    Compare the division with its QuickBooks company; reads both sides and writes nothing.

    Raises ``NotConnectedError`` when the division is not connected and ``QuickBooksError`` when QuickBooks fails.
    """
    settings = SyncSettings.objects.filter(division=division).first() or SyncSettings(division=division)
    client = client_for(_connection(division))
    try:
        checked_at = timezone.now()
        remote = remote_side_read(client)
        comparison = _InvoiceComparison(division, client, remote.open_invoices)
        invoices_synced = settings.invoices_direction != InvoicesDirection.OFF
        differences = comparison.differences() + comparison.totals_changed() if invoices_synced else []
        api_calls = client.api_calls
    finally:
        client.close()
    counts = _local_counts(division, settings, remote.counts, len(remote.open_invoices), len(comparison.open_here))
    notes = comparison.notes()
    if not invoices_synced:
        notes.append(
            "Invoices are not synced in this division's settings: their count and open balance are shown for "
            "information, and they are not compared one by one."
        )
    return DriftReport(
        division=division,
        checked_at=checked_at,
        api_calls=api_calls,
        counts=counts,
        open_balance=MoneyComparison(
            fieldoffice=sum((invoice.balance for invoice in comparison.open_here.values()), ZERO),
            quickbooks=sum((money(row.get("Balance")) for row in remote.open_invoices), ZERO),
            synced=invoices_synced,
        ),
        invoices=differences,
        invoices_synced=invoices_synced,
        notes=notes,
    )


class _InvoiceComparison:
    """The open invoices of both sides, matched through the division's invoice links."""

    def __init__(self, division: Division, client: QuickBooksClient, remote_open: list[dict[str, Any]]) -> None:
        self.division = division
        self.client = client
        self.remote_open = {str(row.get("Id")): row for row in remote_open}
        self.links = RecordLink.objects.filter(
            division=division,
            content_type=ContentType.objects.get_for_model(Invoice),
            entity_type=INVOICE_ENTITY,
        ).exclude(qbo_id="")
        open_here_query = Invoice.objects.filter(division=division, is_history=False, balance__gt=0).filter(
            invoice_open_q()
        )
        candidates = _local_invoices(open_here_query)
        # Links of the invoices open here, and of those open in QuickBooks.
        self.qbo_id_of: dict[int, str] = dict(
            self.links.filter(object_id__in=open_here_query.values("pk")).values_list("object_id", "qbo_id")
        )
        self.local_id_of: dict[str, int] = {qbo_id: pk for pk, qbo_id in self.qbo_id_of.items()}
        for chunk in _chunks(list(self.remote_open), LOOKUP_CHUNK):
            self.local_id_of.update(self.links.filter(qbo_id__in=chunk).values_list("qbo_id", "object_id"))
        self.open_here = {
            pk: invoice
            for pk, invoice in candidates.items()
            if invoice.status == InvoiceStatus.UNPAID or pk in self.qbo_id_of
        }
        self.waiting = [invoice for pk, invoice in candidates.items() if pk not in self.open_here]
        others = [pk for pk in self.local_id_of.values() if pk not in candidates]
        self.local = dict(candidates)
        for chunk in _chunks(others, LOOKUP_CHUNK):
            self.local.update(_local_invoices(Invoice.objects.filter(division=division, pk__in=chunk)))
        self.namesakes: dict[str, int] = {}

    def differences(self) -> list[InvoiceDifference]:
        unlinked_numbers = [
            str(row.get("DocNumber"))
            for qbo_id, row in self.remote_open.items()
            if qbo_id not in self.local_id_of and row.get("DocNumber")
        ]
        for chunk in _chunks(unlinked_numbers, LOOKUP_CHUNK):
            invoices = Invoice.objects.filter(division=self.division, number__in=chunk)
            self.namesakes.update(invoices.values_list("number", "pk"))
        found = [self._remote_open(qbo_id, row) for qbo_id, row in self.remote_open.items()]
        settled_there = [
            (invoice, self.qbo_id_of[pk])
            for pk, invoice in self.open_here.items()
            if pk in self.qbo_id_of and self.qbo_id_of[pk] not in self.remote_open
        ]
        remote = remote_invoices_read(self.client, sorted({qbo_id for _, qbo_id in settled_there}, key=_natural_key))
        found += [self._settled_there(invoice, qbo_id, remote.get(qbo_id)) for invoice, qbo_id in settled_there]
        found += [self._not_sent(invoice) for pk, invoice in self.open_here.items() if pk not in self.qbo_id_of]
        differences = [difference for difference in found if difference is not None]
        return sorted(differences, key=lambda item: (_natural_key(item.number), _natural_key(item.qbo_id)))

    def totals_changed(self) -> list[InvoiceDifference]:
        """Sent invoices whose tax and total QuickBooks changed: what it billed against what FieldOffice computed."""
        changed = (
            Invoice.objects.filter(division=self.division, computed_total__isnull=False)
            .exclude(status=InvoiceStatus.VOID)
            .values_list("pk", "number", "tax", "total", "computed_tax", "computed_total", "tax_difference_reason")
        )
        rows = list(changed)
        qbo_ids: dict[int, str] = {}
        for chunk in _chunks([row[0] for row in rows], LOOKUP_CHUNK):
            qbo_ids.update(self.links.filter(object_id__in=chunk).values_list("object_id", "qbo_id"))
        found = []
        for pk, number, tax, total, computed_tax, computed_total, reason in rows:
            why = f": {reason.rstrip('.')}." if reason else "."
            found.append(
                InvoiceDifference(
                    kind=DifferenceKind.CHANGED_BY_QUICKBOOKS,
                    message=f"Invoice {number}: QuickBooks charged {_amount(tax)} tax where FieldOffice computed "
                    f"{_amount(computed_tax)}, so it is billed {_amount(total)}, not {_amount(computed_total)}{why}",
                    number=number,
                    local_id=pk,
                    qbo_id=qbo_ids.get(pk, ""),
                    # Both sides show what QuickBooks billed; what FieldOffice computed is in the message.
                    fieldoffice_total=total,
                    quickbooks_total=total,
                    url=reverse("admin:invoicing_invoice_change", args=[pk]),
                )
            )
        return sorted(found, key=lambda item: _natural_key(item.number))

    def notes(self) -> list[str]:
        if not self.waiting:
            return []
        count = len(self.waiting)
        return [
            f"{count} approved or ready-for-sync invoice{'s' if count != 1 else ''} not sent to QuickBooks yet "
            f"{'are' if count != 1 else 'is'} not compared."
        ]

    def _remote_open(self, qbo_id: str, row: dict[str, Any]) -> InvoiceDifference | None:
        total, balance = money(row.get("TotalAmt")), money(row.get("Balance"))
        number = str(row.get("DocNumber") or "")
        amounts = {"qbo_id": qbo_id, "quickbooks_total": total, "quickbooks_balance": balance}
        pk = self.local_id_of.get(qbo_id)
        if pk is None:
            return self._not_linked(qbo_id, row, number, amounts)
        invoice = self.local.get(pk)
        if invoice is None:
            return InvoiceDifference(
                kind=DifferenceKind.GONE_HERE,
                message=f"QuickBooks invoice {number or qbo_id} has {_amount(balance)} open and is linked to a "
                "FieldOffice invoice that no longer exists.",
                number=number,
                local_id=pk,
                **amounts,
            )
        amounts.update(
            number=invoice.number,
            local_id=invoice.pk,
            fieldoffice_total=invoice.total,
            fieldoffice_balance=invoice.balance,
            url=invoice.url,
        )
        if pk not in self.open_here:
            return InvoiceDifference(
                kind=DifferenceKind.SETTLED_HERE,
                message=f"{invoice.label} is {invoice.status_label} in FieldOffice with {_amount(invoice.balance)} "
                f"open, but QuickBooks still has {_amount(balance)} open on it.",
                **amounts,
            )
        parts = []
        if invoice.total != total:
            parts.append(f"the total is {_amount(invoice.total)} in FieldOffice and {_amount(total)} in QuickBooks")
        if invoice.balance != balance:
            parts.append(
                f"the balance is {_amount(invoice.balance)} in FieldOffice and {_amount(balance)} in QuickBooks"
            )
        if not parts:
            return None
        return InvoiceDifference(
            kind=DifferenceKind.AMOUNTS, message=f"{invoice.label}: {'; '.join(parts)}.", **amounts
        )

    def _not_linked(self, qbo_id: str, row: dict[str, Any], number: str, amounts: dict) -> InvoiceDifference:
        customer = (row.get("CustomerRef") or {}).get("name") or ""
        message = f"QuickBooks invoice {number or '(no number)'} (Id {qbo_id})"
        message += f" for {customer}" if customer else ""
        message += f" has {_amount(amounts['quickbooks_balance'])} open and is not linked to a FieldOffice invoice."
        namesake = self.namesakes.get(number) if number else None
        url = ""
        if namesake is not None:
            message += f" FieldOffice has an invoice {number} that is not linked to it."
            url = reverse("admin:invoicing_invoice_change", args=[namesake])
        return InvoiceDifference(
            kind=DifferenceKind.NOT_LINKED, message=message, number=number, local_id=namesake, url=url, **amounts
        )

    def _settled_there(self, invoice: LocalInvoice, qbo_id: str, row: dict[str, Any] | None) -> InvoiceDifference:
        amounts = {
            "number": invoice.number,
            "local_id": invoice.pk,
            "qbo_id": qbo_id,
            "fieldoffice_total": invoice.total,
            "fieldoffice_balance": invoice.balance,
            "url": invoice.url,
        }
        if row is None:
            return InvoiceDifference(
                kind=DifferenceKind.GONE_THERE,
                message=f"{invoice.label} has {_amount(invoice.balance)} open in FieldOffice, but QuickBooks no "
                f"longer has the invoice it is linked to (Id {qbo_id}): it was deleted there.",
                **amounts,
            )
        total = money(row.get("TotalAmt"))
        return InvoiceDifference(
            kind=DifferenceKind.SETTLED_THERE,
            message=f"{invoice.label} has {_amount(invoice.balance)} open in FieldOffice, but nothing is open on it "
            "in QuickBooks (paid, credited or voided there).",
            quickbooks_total=total,
            quickbooks_balance=money(row.get("Balance")),
            **amounts,
        )

    def _not_sent(self, invoice: LocalInvoice) -> InvoiceDifference:
        return InvoiceDifference(
            kind=DifferenceKind.NOT_SENT,
            message=f"{invoice.label} is {invoice.status_label} with {_amount(invoice.balance)} open in FieldOffice "
            "and is not linked to any QuickBooks invoice.",
            number=invoice.number,
            local_id=invoice.pk,
            fieldoffice_total=invoice.total,
            fieldoffice_balance=invoice.balance,
            url=invoice.url,
        )


def _natural_key(value: str) -> list[tuple[int, int | str]]:
    """Numbers and ids in natural order: "999" before "1000", "INV-9" before "INV-10"."""
    return [(0, int(part)) if part.isdecimal() else (1, part.casefold()) for part in _DIGITS.split(value) if part]
