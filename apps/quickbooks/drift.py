"""
The drift check: does QuickBooks still agree with FieldOffice about a division's customers, items and open invoices?

``drift_check(division, backend=...)`` reads QuickBooks through the division's backend (``sync.backend``:
``drift_read`` and ``invoice_figures_read``, which each backend translates from its wire format in its mapping) and
compares, side by side:

- active customers, and active service locations (of active customers), with what the backend counts as the sync
  keeps them (QuickBooks Online: top-level customers, and sub-customers of any level; QuickBooks Desktop: customers
  and jobs, and their ship-to addresses); each count says what was counted on both sides;
- active items with QuickBooks' active items of the types FieldOffice keeps (service, non-inventory, inventory);
- open invoices and the total open balance. An invoice is open in FieldOffice when it is issued and not settled
  (``invoice_open_q``), owes something, is not historical, and is either Unpaid or linked to QuickBooks (approved or
  ready-for-sync invoices never sent are not there yet, and are only mentioned). An invoice is open in QuickBooks
  when it has a balance;
- each linked invoice open on either side: its total and balance on both sides, and the invoices open on one side
  only (linked but settled on the other side, open in QuickBooks with no link, open here and never sent);
- and, listed though both sides agree on them, the invoices whose tax and total QuickBooks changed when they were
  sent (it charged its own tax): what it billed against what FieldOffice computed, and why.

Linked invoices open here but not in QuickBooks' open list are read by id, in one more call. Nothing is written on
either side. QuickBooks Online is read in the request (``backend_open``, one batch call below 1,000 open invoices);
QuickBooks Desktop only during a Web Connector update (``apps.quickbooks.desktop.work``), whose report is kept
(``DriftReport.stored`` / ``DriftReport.restored``).

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
from apps.quickbooks.errors import NotConnectedError
from apps.quickbooks.models import (
    CustomersDirection,
    InventoryDirection,
    InvoicesDirection,
    RecordLink,
    SyncSettings,
)
from apps.quickbooks.sync.backend import (
    DRIFT_CUSTOMERS,
    DRIFT_ITEMS,
    DRIFT_OPEN_INVOICES,
    DRIFT_SERVICE_LOCATIONS,
    Backend,
    BackendUnavailableError,
    DriftReading,
    InvoiceFigures,
    backend_open,
)

# The engine's name of invoices, which their links carry.
INVOICE_ENTITY = "Invoice"
# Local look-ups by QuickBooks id go this many at a time, well within every database's parameter limit.
LOOKUP_CHUNK = 500
ZERO = Decimal("0.00")
_DIGITS = re.compile(r"(\d+)")
# What FieldOffice's side of each count holds, in words (what QuickBooks' side holds is the backend's to say).
COUNTED_HERE = {
    DRIFT_CUSTOMERS: ("Active customers", "FieldOffice's active customers"),
    DRIFT_SERVICE_LOCATIONS: ("Active service locations", "Active service locations of active customers"),
    DRIFT_ITEMS: ("Active items", "Active items"),
    DRIFT_OPEN_INVOICES: ("Open invoices", "Unpaid or linked invoices with a balance (historical ones left out)"),
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


def _differ(number: int, noun: str) -> str:
    return f"1 {noun} differs" if number == 1 else f"{number:,} {noun}s differ"


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


class _SideBySide:
    """
    What a count and the open balance have in common: the two sides differ when their figures do, and that is drift
    only for a list the division's settings sync (otherwise the difference is expected).
    """

    fieldoffice: Any
    quickbooks: Any
    synced: bool

    @property
    def differs(self) -> bool:
        return self.fieldoffice != self.quickbooks

    @property
    def is_drift(self) -> bool:
        return self.synced and self.differs


@dataclass(frozen=True)
class CountComparison(_SideBySide):
    name: str
    label: str
    fieldoffice: int
    quickbooks: int
    synced: bool
    compared: str
    url: str = ""

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
class MoneyComparison(_SideBySide):
    fieldoffice: Decimal
    quickbooks: Decimal
    synced: bool

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
    # Read during a Web Connector update (QuickBooks Desktop): its calls are qbXML requests.
    web_connector: bool = False

    @property
    def calls_text(self) -> str:
        """How many calls the check made of QuickBooks, in words."""
        if self.web_connector:
            return f"{self.api_calls:,} request{'s' if self.api_calls != 1 else ''} to QuickBooks Desktop"
        return "1 API call" if self.api_calls == 1 else f"{self.api_calls} API calls"

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
        during = " during a Web Connector update" if self.web_connector else ""
        lines = [self.summary, f"Checked {self.checked_at:%Y-%m-%d %H:%M:%S %Z}{during} with {self.calls_text}."]
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
            "web_connector": self.web_connector,
        }

    def stored(self) -> dict[str, Any]:
        """The report as JSON to keep (``restored`` reads it back): ``as_dict`` with what the page needs besides."""
        data = self.as_dict()
        for count in self.counts:
            data["counts"][count.name]["url"] = count.url
        data["invoices_synced"] = self.invoices_synced
        return data

    @classmethod
    def restored(cls, division: Division, data: dict[str, Any]) -> "DriftReport":
        """A report kept with ``stored``."""

        def amount(value: str | None) -> Decimal | None:
            return None if value is None else Decimal(value)

        balance = data["open_balance"]
        fields = [name for name in InvoiceDifference.__dataclass_fields__ if name not in ("kind", "message")]
        return cls(
            division=division,
            checked_at=datetime.fromisoformat(data["checked_at"]),
            api_calls=int(data["api_calls"]),
            counts=[
                CountComparison(
                    name=name,
                    label=count["label"],
                    fieldoffice=int(count["fieldoffice"]),
                    quickbooks=int(count["quickbooks"]),
                    synced=bool(count["synced"]),
                    compared=count["compared"],
                    url=count.get("url", ""),
                )
                for name, count in data["counts"].items()
            ],
            open_balance=MoneyComparison(
                fieldoffice=Decimal(balance["fieldoffice"]),
                quickbooks=Decimal(balance["quickbooks"]),
                synced=bool(balance["synced"]),
            ),
            invoices=[
                InvoiceDifference(
                    kind=item["kind"],
                    message=item["message"],
                    **{
                        name: amount(item.get(name)) if name.endswith(("_total", "_balance")) else item.get(name)
                        for name in fields
                    },
                )
                for item in data["invoices"]
            ],
            invoices_synced=bool(data.get("invoices_synced", balance["synced"])),
            notes=list(data.get("notes", [])),
            web_connector=bool(data.get("web_connector")),
        )


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

    def difference_fields(self) -> dict[str, Any]:
        """FieldOffice's side of an ``InvoiceDifference`` about this invoice."""
        return {
            "number": self.number,
            "local_id": self.pk,
            "fieldoffice_total": self.total,
            "fieldoffice_balance": self.balance,
            "url": self.url,
        }


LOCAL_FIELDS = ("pk", "number", "status", "total", "balance")


def _local_invoices(queryset) -> dict[int, LocalInvoice]:
    return {row[0]: LocalInvoice(*row) for row in queryset.values_list(*LOCAL_FIELDS)}


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _changelist(name: str, division: Division) -> str:
    return reverse(f"admin:{name}_changelist") + f"?active__exact=1&division__id__exact={division.pk}"


_COUNT_URLS = {DRIFT_CUSTOMERS: "customers_customer", DRIFT_ITEMS: "catalog_item"}


def _local_counts(
    division: Division, settings: SyncSettings, reading: DriftReading, open_here: int
) -> list[CountComparison]:
    customers_synced = settings.customers_direction != CustomersDirection.OFF
    locations = ServiceLocation.objects.filter(customer__division=division, customer__active=True)
    labels = dict(COUNTED_HERE)
    if reading.inactive_locations_listed:
        # Its QuickBooks still lists the locations made inactive here: they are counted on both sides.
        labels[DRIFT_SERVICE_LOCATIONS] = ("Service locations", "Service locations, active or not, of active customers")
    else:
        locations = locations.filter(active=True)
    here = {
        DRIFT_CUSTOMERS: Customer.objects.filter(division=division, active=True).count(),
        DRIFT_SERVICE_LOCATIONS: locations.count(),
        DRIFT_ITEMS: Item.objects.filter(division=division, active=True).count(),
        DRIFT_OPEN_INVOICES: open_here,
    }
    there = {**reading.counts, DRIFT_OPEN_INVOICES: len(reading.open_invoices)}
    synced = {
        DRIFT_CUSTOMERS: customers_synced,
        DRIFT_SERVICE_LOCATIONS: customers_synced,
        DRIFT_ITEMS: settings.inventory_direction != InventoryDirection.OFF,
        DRIFT_OPEN_INVOICES: settings.invoices_direction != InvoicesDirection.OFF,
    }
    return [
        CountComparison(
            name=name,
            label=label,
            fieldoffice=here[name],
            quickbooks=there[name],
            synced=synced[name],
            compared=f"{ours} against {reading.counted[name]}.",
            url=_changelist(_COUNT_URLS[name], division) if name in _COUNT_URLS else "",
        )
        for name, (label, ours) in labels.items()
    ]


# The check.


def drift_check(division: Division, *, backend: Backend | None = None) -> DriftReport:
    """
    Compare the division with its QuickBooks through ``backend``; reads both sides and writes nothing. Without a
    backend it opens the division's own (``backend_open``: QuickBooks Online) and closes it after; a backend given
    is left open (a Web Connector update's, which goes on).

    Raises ``NotConnectedError`` when the division's backend cannot be opened and ``QuickBooksError`` when
    QuickBooks fails.
    """
    settings = SyncSettings.objects.filter(division=division).first() or SyncSettings(division=division)
    opened_here = backend is None
    if backend is None:
        try:
            backend = backend_open(division)
        except BackendUnavailableError as unavailable:
            raise NotConnectedError(f"QuickBooks is not connected for {division}: connect it first.") from unavailable
    calls_before = backend.api_calls
    try:
        checked_at = timezone.now()
        reading = backend.drift_read()
        comparison = _InvoiceComparison(division, backend, reading.open_invoices)
        invoices_synced = settings.invoices_direction != InvoicesDirection.OFF
        differences = comparison.differences() + comparison.totals_changed() if invoices_synced else []
        api_calls = backend.api_calls - calls_before
    finally:
        if opened_here:
            backend.close()
    counts = _local_counts(division, settings, reading, len(comparison.open_here))
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
            quickbooks=sum((invoice.balance for invoice in reading.open_invoices), ZERO),
            synced=invoices_synced,
        ),
        invoices=differences,
        invoices_synced=invoices_synced,
        notes=notes,
        web_connector=reading.web_connector,
    )


class _InvoiceComparison:
    """The open invoices of both sides, matched through the division's invoice links."""

    def __init__(self, division: Division, backend: Backend, remote_open: list[InvoiceFigures]) -> None:
        self.division = division
        self.backend = backend
        self.remote_open = {invoice.remote_id: invoice for invoice in remote_open}
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
            invoice.number
            for qbo_id, invoice in self.remote_open.items()
            if qbo_id not in self.local_id_of and invoice.number
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
        ids = sorted({qbo_id for _, qbo_id in settled_there}, key=_natural_key)
        remote = {invoice.remote_id: invoice for invoice in self.backend.invoice_figures_read(ids)} if ids else {}
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

    def _remote_open(self, qbo_id: str, remote: InvoiceFigures) -> InvoiceDifference | None:
        total, balance, number = remote.total, remote.balance, remote.number
        amounts = {"qbo_id": qbo_id, "quickbooks_total": total, "quickbooks_balance": balance}
        pk = self.local_id_of.get(qbo_id)
        if pk is None:
            return self._not_linked(qbo_id, remote, number, amounts)
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
        amounts.update(invoice.difference_fields())
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

    def _not_linked(self, qbo_id: str, remote: InvoiceFigures, number: str, amounts: dict) -> InvoiceDifference:
        customer = remote.customer_name
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

    def _settled_there(self, invoice: LocalInvoice, qbo_id: str, remote: InvoiceFigures | None) -> InvoiceDifference:
        amounts = {"qbo_id": qbo_id, **invoice.difference_fields()}
        if remote is None:
            return InvoiceDifference(
                kind=DifferenceKind.GONE_THERE,
                message=f"{invoice.label} has {_amount(invoice.balance)} open in FieldOffice, but QuickBooks no "
                f"longer has the invoice it is linked to (Id {qbo_id}): it was deleted there.",
                **amounts,
            )
        return InvoiceDifference(
            kind=DifferenceKind.SETTLED_THERE,
            message=f"{invoice.label} has {_amount(invoice.balance)} open in FieldOffice, but nothing is open on it "
            "in QuickBooks (paid, credited or voided there).",
            quickbooks_total=remote.total,
            quickbooks_balance=remote.balance,
            **amounts,
        )

    def _not_sent(self, invoice: LocalInvoice) -> InvoiceDifference:
        return InvoiceDifference(
            kind=DifferenceKind.NOT_SENT,
            message=f"{invoice.label} is {invoice.status_label} with {_amount(invoice.balance)} open in FieldOffice "
            "and is not linked to any QuickBooks invoice.",
            **invoice.difference_fields(),
        )


def _natural_key(value: str) -> list[tuple[int, int | str]]:
    """Numbers and ids in natural order: "999" before "1000", "INV-9" before "INV-10"."""
    return [(0, int(part)) if part.isdecimal() else (1, part.casefold()) for part in _DIGITS.split(value) if part]
