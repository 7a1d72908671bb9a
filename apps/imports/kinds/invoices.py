"""
Historical invoices with their lines: one row a line, the rows of an invoice together, under its number.

The invoice's own columns (customer, dates, status...) may be filled on its first row only or repeated on every
row; a repeated value that differs is an error. Imported invoices are history (``is_history``): never sent to
QuickBooks. An invoice number is the key: a number already imported as history for the same customer is left alone
(or corrected when the file changed it); a number used by any other invoice is an error.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError

from apps.accounting.models import TaxRate
from apps.catalog.models import Item
from apps.core.columns import Column, ColumnType
from apps.customers.models import Customer
from apps.customers.resources import CUSTOMER_HELP, EXAMPLE_CUSTOMER, EXAMPLE_LOCATION, EXAMPLE_NUMBER
from apps.imports.kinds.base import EMPTY, Action, Change, ImportContext, ImportKind, ParsedRow, Plan, RowError, shown
from apps.imports.kinds.resource import model_errors
from apps.imports.matching import CustomerLookup, NameLookup, NotFound
from apps.invoicing import services as invoicing_services
from apps.invoicing.models import Invoice, InvoiceLine, Payment
from apps.invoicing.services import HistoricalInvoice, HistoricalLine, HistoryTotals
from apps.invoicing.services.history import PAYMENT_REFERENCE

# The columns that describe the invoice rather than the line.
HEADER_KEYS = (
    "customer",
    "service_location",
    "invoice_date",
    "due_date",
    "tax_rate",
    "memo",
    "status",
    "amount_paid",
    "paid_on",
)
STATUS_CHOICES = (("paid", "Paid"), ("unpaid", "Unpaid"))
ONE = Decimal("1")


@dataclass
class InvoiceRows:
    number: str
    rows: list[ParsedRow] = field(default_factory=list)
    header: dict = field(default_factory=dict)
    invalid: bool = False

    @property
    def first(self) -> int:
        return self.rows[0].number

    @property
    def span(self) -> str:
        first, last = self.rows[0].number, self.rows[-1].number
        return f"row {first}" if first == last else f"rows {first} to {last}"


@dataclass
class StoredInvoice:
    """An invoice of the division with a number from the file, its lines and imported payments as tuples."""

    invoice: Invoice
    lines: list[tuple] = field(default_factory=list)
    imported_payments: list[tuple] = field(default_factory=list)


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _lines_described(lines: Sequence[tuple]) -> dict:
    """Lines as (item id, description, quantity, unit price, taxable): "Line 1" → "Service call · 2 at 100.00"."""
    described = {}
    for number, line in enumerate(lines, start=1):
        _item_id, description, quantity, unit_price, taxable = line
        text = f"{description} · {shown(quantity)} at {shown(unit_price, money=True)}" + (
            "" if taxable else " · not taxable"
        )
        described[f"Line {number}"] = (tuple(line), text)
    return described


def _money_described(tax: Decimal, total: Decimal, paid: Decimal, paid_on: date | None) -> dict:
    return {
        "Tax": (tax, _money(tax)),
        "Total": (total, _money(total)),
        "Amount paid": (paid, _money(paid)),
        "Payment date": (paid_on, shown(paid_on)),
    }


class HistoricalInvoiceKind(ImportKind):
    key = "invoices"
    label = "Historical invoices"
    noun, noun_plural = "invoice", "invoices"
    sheet_name = "Invoices"
    description = (
        "Invoices from your earlier system, with their lines (one row a line). They are kept as history: "
        "never sent to QuickBooks."
    )
    changelist = "admin:invoicing_invoice_changelist"
    valid_rows_note = "an invoice with an error on any of its rows is left out whole"
    columns = (
        Column(
            "number",
            "Invoice number",
            required=True,
            max_length=21,
            help="Every row of an invoice has its number; the rows of one invoice are together.",
            example=EXAMPLE_NUMBER,
        ),
        Column("customer", "Customer", once=True, max_length=100, help=CUSTOMER_HELP, example=EXAMPLE_CUSTOMER),
        Column(
            "service_location",
            "Service location",
            max_length=100,
            help="The name (or street) of one of the customer's service locations.",
            example=EXAMPLE_LOCATION,
        ),
        Column("invoice_date", "Invoice date", ColumnType.DATE, once=True, example="2022-08-15"),
        Column(
            "due_date",
            "Due date",
            ColumnType.DATE,
            help="Empty: the invoice date plus the customer's payment term.",
            example="2022-09-14",
        ),
        Column(
            "tax_rate",
            "Tax rate",
            max_length=100,
            help="The name of a tax rate. Empty: the customer's.",
            example=None,
        ),
        Column("memo", "Memo", max_length=1000, help="Printed on the invoice.", example=None),
        Column("item", "Item", max_length=100, help="An item's name or SKU; or leave it empty and give a description."),
        Column(
            "description", "Description", max_length=4000, help="Empty: the item's.", example="Example: service call"
        ),
        Column(
            "quantity",
            "Quantity",
            ColumnType.DECIMAL,
            places=4,
            help="Zero or more. Empty: 1.",
            example=2,
        ),
        Column(
            "unit_price",
            "Unit price",
            ColumnType.DECIMAL,
            required=True,
            places=4,
            negative=True,
            help="Negative for a discount line.",
            example=100,
        ),
        Column(
            "taxable",
            "Taxable",
            ColumnType.BOOLEAN,
            help="Yes or No: whether tax applies to the line. Empty: the item's setting, else Yes.",
            example="Yes",
        ),
        Column(
            "status",
            "Status",
            ColumnType.CHOICE,
            once=True,
            choices=STATUS_CHOICES,
            help="Paid or Unpaid.",
            example="Paid",
        ),
        Column(
            "amount_paid",
            "Amount paid",
            ColumnType.DECIMAL,
            help="Empty: all of it when Paid, nothing when Unpaid.",
            example=None,
        ),
        Column("paid_on", "Payment date", ColumnType.DATE, help="Empty: the invoice date.", example=None),
    )

    # Reading and grouping.

    def _group(self, rows: Sequence[ParsedRow], plan: Plan) -> list[InvoiceRows]:
        groups: list[InvoiceRows] = []
        by_number: dict[str, InvoiceRows] = {}
        for row in rows:
            number = row["number"]
            if number is None:
                continue  # reported by the reader: the number is required
            current = groups[-1] if groups else None
            if current is None or current.number != number:
                if number in by_number:
                    earlier = by_number[number]
                    plan.error(
                        row.number,
                        self.header("number"),
                        f"Invoice {number} is on {earlier.span} already: each number belongs to one invoice, "
                        "whose rows are together.",
                    )
                    earlier.invalid = True
                    earlier.rows.append(row)
                    continue
                current = InvoiceRows(number=number)
                groups.append(current)
                by_number[number] = current
            current.rows.append(row)
        for group in groups:
            self._header_merge(group, plan)
            for key in ("customer", "invoice_date", "status"):
                if key not in group.header and not group.invalid:
                    plan.error(
                        group.first,
                        self.header(key),
                        f"Invoice {group.number} has no {self.header(key).lower()}: fill it in on its first row.",
                    )
                    group.invalid = True
        return groups

    def _header_merge(self, group: InvoiceRows, plan: Plan) -> None:
        """The invoice's values: the first given on its rows; a different one further down is an error."""
        origin: dict[str, int] = {}
        for row in group.rows:
            group.invalid |= row.invalid
            for key in HEADER_KEYS:
                value = row[key]
                if value is None:
                    continue
                if key not in group.header:
                    group.header[key], origin[key] = value, row.number
                elif group.header[key] != value and (
                    not isinstance(value, str) or value.casefold() != group.header[key].casefold()
                ):
                    plan.error(
                        row.number,
                        self.header(key),
                        f"Invoice {group.number} has another value here than on row {origin[key]}.",
                    )
                    group.invalid = True

    # Planning.

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        groups = [group for group in self._group(rows, plan) if not group.invalid]
        division_id = context.division.pk
        customers = CustomerLookup(division_id=division_id)
        tax_rates = NameLookup(model=TaxRate, division_id=division_id, noun="tax rate")
        items = NameLookup(model=Item, division_id=division_id, noun="item")
        tax_rate_objects = TaxRate.objects.filter(division_id=division_id).in_bulk()
        item_values = {
            pk: (description, taxable)
            for pk, description, taxable in Item.objects.filter(division_id=division_id).values_list(
                "pk", "description", "taxable"
            )
        }
        matched = [(group, customer_id) for group in groups if (customer_id := self._customer(group, customers, plan))]
        customers.locations_load(customer_id for _group, customer_id in matched)
        customer_objects = self._customers(customer_id for _group, customer_id in matched)
        existing = self._existing(division_id, [group.number for group, _customer_id in matched])
        for group, customer_id in matched:
            lookups = (customers, tax_rates, tax_rate_objects, items, item_values)
            spec = self._spec(group, customer_objects[customer_id], lookups, plan)
            if spec is None:
                continue
            try:
                result = invoicing_services.invoice_history_totals(spec=spec)
            except ValidationError as error:
                headers = {"lines": "", "due_date": self.header("due_date"), "amount_paid": self.header("amount_paid")}
                model_errors(error, headers, group.first, plan)
                continue
            label = (
                f"Invoice {group.number} · {customers.names[customer_id]} · {spec.invoice_date:%Y-%m-%d} · "
                f"{len(spec.lines)} line{'s' if len(spec.lines) != 1 else ''} · {_money(result.totals.total)}"
            )
            rows = [row.number for row in group.rows]
            stored = existing.get(group.number)
            current = stored.invoice if stored else None
            location = group.header.get("service_location")
            if current is None:
                describe = partial(self._changes, None, spec, location)
                plan.actions.append(Action("create", rows, label, spec, describe))
            elif not current.is_history:
                plan.error(
                    group.first,
                    self.header("number"),
                    f"Invoice number {group.number} is already used by an invoice made in FieldOffice.",
                )
            elif current.customer_id != customer_id:
                plan.error(
                    group.first,
                    self.header("number"),
                    f"Invoice {group.number} was imported before for another customer ({current.customer}).",
                )
            elif self._unchanged(stored, spec, result):
                plan.actions.append(Action("skip", rows, label))
            elif refusal := invoicing_services.invoice_history_replace_refusal(current):
                plan.error(group.first, self.header("number"), refusal)
            else:
                describe = partial(self._changes, stored, spec, location)
                plan.actions.append(Action("update", rows, label, (current, spec), describe))
        return plan

    # What the preview shows.

    def _changes(self, stored: StoredInvoice | None, spec: HistoricalInvoice, location: str | None) -> list[Change]:
        """A new invoice's values; or, for a corrected one, each field, line and amount that differs, old → new."""
        # Worked out again (no query) rather than kept for every invoice of a large file.
        result = invoicing_services.invoice_history_totals(spec=spec)
        described = self._described(spec, result, location=location)
        if stored is None:
            return [Change(name, text) for name, (_value, text) in described.items() if text != EMPTY]
        before = self._stored_described(stored)
        changes = [
            Change(name, text, before.get(name, (None, EMPTY))[1])
            for name, (value, text) in described.items()
            if before.get(name, (None, EMPTY))[0] != value
        ]
        return changes + [
            Change(name, "(removed)", text) for name, (_value, text) in before.items() if name not in described
        ]

    # Each field as (value to compare, text shown), by name.

    def _described(self, spec: HistoricalInvoice, result: HistoryTotals, *, location: str | None) -> dict:
        fields = {
            self.header("customer"): (spec.customer.pk, str(spec.customer)),
            self.header("service_location"): (spec.service_location_id, location or EMPTY),
            self.header("invoice_date"): (spec.invoice_date, shown(spec.invoice_date)),
            self.header("due_date"): (result.due_date, shown(result.due_date)),
            self.header("tax_rate"): (result.tax_rate.pk if result.tax_rate else None, shown(result.tax_rate)),
            self.header("memo"): (spec.memo, shown(spec.memo)),
        }
        lines = [(line.item_id, line.description, line.quantity, line.unit_price, line.taxable) for line in spec.lines]
        paid_on = (spec.paid_on or spec.invoice_date) if result.amount_paid > 0 else None
        return (
            fields
            | _lines_described(lines)
            | _money_described(result.totals.tax, result.totals.total, result.amount_paid, paid_on)
        )

    def _stored_described(self, stored: StoredInvoice) -> dict:
        invoice = stored.invoice
        location = invoice.service_location
        fields = {
            self.header("customer"): (invoice.customer_id, str(invoice.customer)),
            self.header("service_location"): (invoice.service_location_id, location.name if location else EMPTY),
            self.header("invoice_date"): (invoice.invoice_date, shown(invoice.invoice_date)),
            self.header("due_date"): (invoice.due_date, shown(invoice.due_date)),
            self.header("tax_rate"): (invoice.tax_rate_id, shown(invoice.tax_rate)),
            self.header("memo"): (invoice.memo, shown(invoice.memo)),
        }
        paid = sum((amount for _paid_on, amount in stored.imported_payments), Decimal("0.00"))
        paid_on = stored.imported_payments[0][0] if stored.imported_payments else None
        return fields | _lines_described(stored.lines) | _money_described(invoice.tax, invoice.total, paid, paid_on)

    def _customer(self, group: InvoiceRows, customers: CustomerLookup, plan: Plan) -> int | None:
        try:
            return customers.find(group.header["customer"], location=group.header.get("service_location"))
        except NotFound as error:
            plan.error(group.first, self.header("customer"), str(error))
            return None

    def _spec(self, group: InvoiceRows, customer: Customer, lookups: tuple, plan: Plan) -> HistoricalInvoice | None:
        customers, tax_rates, tax_rate_objects, items, item_values = lookups
        header = group.header
        errors_before = len(plan.errors)
        location_id = tax_rate = None
        if header.get("service_location"):
            try:
                location_id = customers.location_find(customer.pk, header["service_location"])
            except NotFound as error:
                plan.error(group.first, self.header("service_location"), str(error))
        if header.get("tax_rate"):
            try:
                tax_rate = tax_rate_objects[tax_rates.find(header["tax_rate"])]
            except NotFound as error:
                plan.error(group.first, self.header("tax_rate"), str(error))
        lines = []
        for row in group.rows:
            item_id = None
            if row["item"]:
                try:
                    item_id = items.find(row["item"])
                except NotFound as error:
                    plan.error(row.number, self.header("item"), f"{error} Leave Item empty and give a description.")
                    continue
            item_description, item_taxable = item_values.get(item_id, ("", True))
            description = row["description"] or item_description
            if not item_id and not description:
                plan.error(row.number, self.header("description"), "A line needs an item or a description.")
                continue
            taxable = row["taxable"] if row["taxable"] is not None else item_taxable
            quantity = row["quantity"] if row["quantity"] is not None else ONE
            lines.append(HistoricalLine(quantity, row["unit_price"], taxable, description, item_id))
        if len(plan.errors) > errors_before:
            return None
        return HistoricalInvoice(
            number=group.number,
            customer=customer,
            invoice_date=header["invoice_date"],
            lines=tuple(lines),
            paid=header["status"] == "paid",
            amount_paid=header.get("amount_paid"),
            paid_on=header.get("paid_on"),
            due_date=header.get("due_date"),
            service_location_id=location_id,
            tax_rate=tax_rate,
            memo=header.get("memo") or "",
        )

    @staticmethod
    def _customers(ids: Iterable[int]) -> dict[int, Customer]:
        wanted = sorted(set(ids))
        found: dict[int, Customer] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(Customer.objects.select_related("tax_rate", "payment_term").in_bulk(chunk))
        return found

    @staticmethod
    def _existing(division_id: int, numbers: list[str]) -> dict[str, StoredInvoice]:
        """The division's invoices with these numbers, with their lines and imported payments as plain values."""
        found: dict[str, StoredInvoice] = {}
        for start in range(0, len(numbers), 500):
            invoices = Invoice.objects.filter(division_id=division_id, number__in=numbers[start : start + 500])
            invoices = invoices.select_related("customer", "service_location", "tax_rate")
            by_id = {invoice.pk: StoredInvoice(invoice) for invoice in invoices}
            lines = InvoiceLine.objects.filter(invoice_id__in=by_id).order_by("invoice_id", "position", "id")
            for invoice_id, *values in lines.values_list(
                "invoice_id", "item_id", "description", "quantity", "unit_price", "taxable"
            ):
                by_id[invoice_id].lines.append(tuple(values))
            payments = Payment.objects.filter(invoice_id__in=by_id, reference=PAYMENT_REFERENCE).order_by("pk")
            for invoice_id, paid_on, amount in payments.values_list("invoice_id", "paid_on", "amount"):
                by_id[invoice_id].imported_payments.append((paid_on, amount))
            found.update((stored.invoice.number, stored) for stored in by_id.values())
        return found

    @staticmethod
    def _unchanged(stored: StoredInvoice, spec: HistoricalInvoice, result: HistoryTotals) -> bool:
        """
        Whether the stored invoice is what the file describes. Its status is not compared: payments recorded in
        FieldOffice since the import change it, and the imported payment already says what the file said.
        """
        current = stored.invoice
        new_lines = [
            (line.item_id, line.description, line.quantity, line.unit_price, line.taxable) for line in spec.lines
        ]
        expected = [(spec.paid_on or spec.invoice_date, result.amount_paid)] if result.amount_paid > 0 else []
        fields = (
            current.service_location_id,
            current.invoice_date,
            current.due_date,
            current.memo,
            current.tax_rate_id,
        )
        wanted = (
            spec.service_location_id,
            spec.invoice_date,
            result.due_date,
            spec.memo,
            result.tax_rate.pk if result.tax_rate else None,
        )
        return stored.lines == new_lines and stored.imported_payments == expected and fields == wanted

    # Writing.

    def apply(self, *, actions: Iterable[Action], context: ImportContext) -> list[RowError]:
        actions = list(actions)
        new = [action.payload for action in actions if action.type == "create"]
        invoicing_services.invoices_history_create(division_id=context.division.pk, invoices=new)
        errors = []
        for action in actions:
            if action.type != "update":
                continue
            current, spec = action.payload
            try:
                invoicing_services.invoice_history_replace(invoice=current, spec=spec)
            except ValidationError as error:
                errors += [RowError(action.rows[0], "", message) for message in error.messages]
        return errors
