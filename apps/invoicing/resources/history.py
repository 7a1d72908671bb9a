"""
Historical invoices with their lines, one row a line: the columns of the Import from Excel page's template and its
reader, the export of invoices with their lines, and the resource that imports them (on django-import-export's
workflow: ``apps.core.grouped_importing``).
"""

import copy
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from apps.accounting.models import TaxRate
from apps.catalog.models import Item
from apps.core.columns import DIVISION, Column, ColumnType, exported_fields
from apps.core.grouped_importing import Group, GroupedRecordResource
from apps.core.importing import Problem, SheetRow
from apps.core.lookups import NameLookup, NotFound
from apps.core.resources import column_field
from apps.customers.lookups import CustomerLookup
from apps.customers.models import Customer
from apps.customers.resources import CUSTOMER_HELP, EXAMPLE_CUSTOMER, EXAMPLE_LOCATION, EXAMPLE_NUMBER
from apps.invoicing import services
from apps.invoicing.models import Invoice, InvoiceLine, Payment
from apps.invoicing.services import HistoricalInvoice, HistoricalLine, HistoryTotals
from apps.invoicing.services.history import PAYMENT_REFERENCE

STATUS_CHOICES = (("paid", "Paid"), ("unpaid", "Unpaid"))
ONE = Decimal("1")

HISTORY_COLUMNS = (
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
    Column("tax_rate", "Tax rate", max_length=100, help="The name of a tax rate. Empty: the customer's.", example=None),
    Column("memo", "Memo", max_length=1000, help="Printed on the invoice.", example=None),
    Column("item", "Item", max_length=100, help="An item's name or SKU; or leave it empty and give a description."),
    Column("description", "Description", max_length=4000, help="Empty: the item's.", example="Example: service call"),
    Column("quantity", "Quantity", ColumnType.DECIMAL, places=4, help="Zero or more. Empty: 1.", example=2),
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
    DIVISION,
)
# The columns that describe the invoice rather than one of its lines.
HISTORY_INVOICE_KEYS = (
    "number",
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


@dataclass
class StoredInvoice:
    """An invoice of the division with a number from the file, its lines and imported payments as plain values."""

    invoice: Invoice
    lines: list[tuple] = field(default_factory=list)
    imported_payments: list[tuple] = field(default_factory=list)


def line_values(line: HistoricalLine) -> tuple:
    """A line as the stored lines are compared: (item id, description, quantity, unit price, taxable)."""
    return (line.item_id, line.description, line.quantity, line.unit_price, line.taxable)


def exported_invoice_values(invoice: Invoice) -> dict[str, Any]:
    """
    What every row of an exported invoice repeats, worked out once an invoice: the names it refers to, and what was
    paid (for history, the payment its import recorded; for an invoice made here, its payments).
    """
    payments = [
        payment
        for payment in invoice.export_payments
        if not invoice.is_history or payment.reference == PAYMENT_REFERENCE
    ]
    paid = sum((payment.amount for payment in payments), Decimal("0.00"))
    return {
        "customer": invoice.customer.display_name,
        "service_location": invoice.service_location.name if invoice.service_location_id else None,
        "tax_rate": invoice.tax_rate.name if invoice.tax_rate_id else None,
        "amount_paid": paid if paid else None,
        "paid_on": min(payment.paid_on for payment in payments) if payments else None,
        "status": "Paid" if paid and paid >= invoice.total else "Unpaid",
    }


class InvoiceLineRow:
    """
    One row of the export of invoices with their lines: the invoice's values (``exported_invoice_values``) and one
    of its lines, as the import of historical invoices reads them.
    """

    def __init__(self, invoice: Invoice, values: dict[str, Any], line: InvoiceLine) -> None:
        self.invoice, self.line = invoice, line
        self.__dict__.update(values)
        self.item = line.item.name if line.item_id else None

    def __getattr__(self, name: str) -> Any:
        if name in ("description", "quantity", "unit_price", "taxable"):
            return getattr(self.line, name)
        return getattr(self.invoice, name)


class HistoricalInvoiceResource(GroupedRecordResource):
    """
    Historical invoices, one row a line, the rows of an invoice together under its number; the invoice's own columns
    (customer, dates, status...) on its first row or repeated alike on every row. They are history (``is_history``):
    never sent to QuickBooks.

    An invoice number is the key: an invoice of the file that is stored as it is, is left alone; one imported as
    history before, for the same customer, is corrected (``services.invoice_history_replace``); a number used by
    another invoice is an error. A row's references (customer, service location, tax rate, item) are found as a
    person types them (``CustomerLookup``, ``NameLookup``). New invoices are written in bulk
    (``services.invoices_history_create``).
    """

    columns = HISTORY_COLUMNS
    key = "number"
    record_keys = HISTORY_INVOICE_KEYS
    required_record_keys = ("customer", "invoice_date", "status")
    together = True

    class Meta:
        model = Invoice
        name = "Invoices with their lines (imports again as historical invoices)"
        fields = exported_fields(HISTORY_COLUMNS)
        report_skipped = True
        store_instance = True
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 500

    # The export: one row a line, read from ``InvoiceLineRow`` (an invoice without lines has no row).
    number = column_field(HISTORY_COLUMNS, "number")
    customer = column_field(HISTORY_COLUMNS, "customer")
    service_location = column_field(HISTORY_COLUMNS, "service_location")
    invoice_date = column_field(HISTORY_COLUMNS, "invoice_date")
    due_date = column_field(HISTORY_COLUMNS, "due_date")
    tax_rate = column_field(HISTORY_COLUMNS, "tax_rate")
    memo = column_field(HISTORY_COLUMNS, "memo")
    item = column_field(HISTORY_COLUMNS, "item")
    description = column_field(HISTORY_COLUMNS, "description")
    quantity = column_field(HISTORY_COLUMNS, "quantity")
    unit_price = column_field(HISTORY_COLUMNS, "unit_price")
    taxable = column_field(HISTORY_COLUMNS, "taxable")
    status = column_field(HISTORY_COLUMNS, "status")
    amount_paid = column_field(HISTORY_COLUMNS, "amount_paid")
    paid_on = column_field(HISTORY_COLUMNS, "paid_on")

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("customer", "service_location", "tax_rate", "division").prefetch_related(
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("item").order_by("position", "pk"),
                to_attr="export_lines",
            ),
            Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "pk"), to_attr="export_payments"),
        )

    def iter_queryset(self, queryset: QuerySet) -> Iterator[InvoiceLineRow]:
        for invoice in super().iter_queryset(queryset):
            values = exported_invoice_values(invoice)
            for line in invoice.export_lines:
                yield InvoiceLineRow(invoice, values, line)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # What each invoice of the file will be, by its position: checked (dry run) or written (real run).
        self.planned: dict[int, tuple[HistoricalInvoice, HistoryTotals]] = {}
        self.stored: dict[str, StoredInvoice] = {}
        self.customer_ids: dict[int, int] = {}
        self._blank: Invoice | None = None

    # Grouping.

    def group_key(self, values: dict[str, Any]) -> Hashable | None:
        # A row without a number is the reader's error already (the column is required).
        return values.get("number")

    def same(self, kept: Any, given: Any) -> bool:
        if isinstance(kept, str) and isinstance(given, str):
            return kept.casefold() == given.casefold()
        return kept == given

    def conflict_message(self, group: Group, key: str, earlier: int) -> str:
        return f"Invoice {group.key} has another value here than on row {earlier}."

    def apart_message(self, group: Group) -> str:
        return (
            f"Invoice {group.key} is on {group.span} already: each number belongs to one invoice, whose rows are "
            "together."
        )

    def missing_message(self, group: Group, key: str) -> str:
        return f"Invoice {group.key} has no {self.column(key).header.lower()}: fill it in on its first row."

    # The division's records the rows refer to, read once for the whole file.

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        division_id = self.division.pk
        self.customers = CustomerLookup(division_id=division_id)
        self.tax_rates = NameLookup(queryset=TaxRate.objects.filter(division_id=division_id), noun="tax rate")
        self.tax_rate_objects = TaxRate.objects.filter(division_id=division_id).in_bulk()
        self.items = NameLookup(queryset=Item.objects.filter(division_id=division_id), noun="item", by_sku=True)
        self.item_values = {
            pk: (description, taxable)
            for pk, description, taxable in Item.objects.filter(division_id=division_id).values_list(
                "pk", "description", "taxable"
            )
        }
        for position, group in enumerate(self.groups, start=1):
            if group.refused:
                continue
            try:
                self.customer_ids[position] = self.customers.find(
                    group.values["customer"], location=group.values.get("service_location")
                )
            except NotFound as error:
                self.problems[position] = [Problem(group.first, "customer", str(error))]
        self.customers.locations_load(self.customer_ids.values())
        self.customer_objects = self._customers(self.customer_ids.values())
        self.stored = self._stored([group.key for group in self.groups])

    def existing_query(self) -> Any:
        return Invoice.objects.none()

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Invoice | None:
        stored = self.stored.get(row[self.key_column().header])
        return stored.invoice if stored is not None else None

    def init_instance(self, row: dict[str, Any] | None = None) -> Invoice:
        # A new invoice's values are its spec's (``planned``); the instance only stands for it. A copy of one blank
        # invoice: the model's ``__init__``, with its many fields, costs more than the rest of the row.
        if self._blank is None:
            self._blank = Invoice(division=self.division, is_history=True)
        return copy.copy(self._blank)

    def import_instance(self, instance: Invoice, row: dict[str, Any], **kwargs: Any) -> None:
        position = self.position
        group = self.group_of(position)
        spec = self._spec(position, group)
        if spec is None:
            raise ValidationError("The invoice's rows have errors.")
        self.planned[position] = (spec, services.invoice_history_totals(spec=spec))

    def skip_row(self, instance: Invoice, original: Any, row: dict[str, Any], import_validation_errors: Any = None):
        if import_validation_errors or instance.pk is None:
            return False
        spec, result = self.planned[self.position]
        return self.unchanged(self.stored[spec.number], spec, result)

    def validate_instance(self, instance: Invoice, import_validation_errors: Any = None, validate_unique: bool = True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if instance.pk is None:
            return
        spec, _result = self.planned[self.position]
        if not instance.is_history:
            refusal = f"Invoice number {spec.number} is already used by an invoice made in FieldOffice."
        elif instance.customer_id != spec.customer.pk:
            refusal = f"Invoice {spec.number} was imported before for another customer ({instance.customer})."
        else:
            refusal = services.invoice_history_replace_refusal(instance)
        if refusal:
            raise ValidationError({"number": refusal})

    def save_instance(self, instance: Invoice, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if self.checking:
            return
        spec, _result = self.planned[self.position]
        if is_create:
            # Written in bulk, a batch at a time (``bulk_create``).
            self.create_instances.append(spec)
        else:
            # On a copy: the stored invoice, as it was, is what the finished import's changes compare with.
            services.invoice_history_replace(invoice=copy.copy(instance), spec=spec)

    def bulk_create(self, using_transactions: bool, dry_run: bool, raise_errors: bool, batch_size=None, result=None):
        if not self.create_instances:
            return
        try:
            services.invoices_history_create(division_id=self.division.pk, invoices=list(self.create_instances))
        except Exception as error:  # The library reports it for the whole import, as for its own bulk writes.
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    # An invoice from its rows.

    def _spec(self, position: int, group: Group) -> HistoricalInvoice | None:
        """The invoice its rows describe; ``None``, with the problems of its rows, when a reference is unknown."""
        problems = self.problems.setdefault(position, [])
        customer = self.customer_objects[self.customer_ids[position]]
        values = group.values
        location_id = tax_rate = None
        if values.get("service_location"):
            try:
                location_id = self.customers.location_find(customer.pk, values["service_location"])
            except NotFound as error:
                problems.append(Problem(group.first, "service_location", str(error)))
        if values.get("tax_rate"):
            try:
                tax_rate = self.tax_rate_objects[self.tax_rates.find(values["tax_rate"])]
            except NotFound as error:
                problems.append(Problem(group.first, "tax_rate", str(error)))
        lines = [line for part in group.parts if (line := self._line(part, problems)) is not None]
        if problems:
            return None
        del self.problems[position]
        return HistoricalInvoice(
            number=group.key,
            customer=customer,
            invoice_date=values["invoice_date"],
            lines=tuple(lines),
            paid=values["status"] == "paid",
            amount_paid=values.get("amount_paid"),
            paid_on=values.get("paid_on"),
            due_date=values.get("due_date"),
            service_location_id=location_id,
            tax_rate=tax_rate,
            memo=values.get("memo") or "",
        )

    def _line(self, part: SheetRow, problems: list[Problem]) -> HistoricalLine | None:
        values = part.values
        item_id = None
        if values["item"]:
            try:
                item_id = self.items.find(values["item"])
            except NotFound as error:
                problems.append(Problem(part.number, "item", f"{error} Leave Item empty and give a description."))
                return None
        item_description, item_taxable = self.item_values.get(item_id, ("", True))
        description = values["description"] or item_description
        if not item_id and not description:
            problems.append(Problem(part.number, "description", "A line needs an item or a description."))
            return None
        taxable = values["taxable"] if values["taxable"] is not None else item_taxable
        quantity = values["quantity"] if values["quantity"] is not None else ONE
        return HistoricalLine(quantity, values["unit_price"], taxable, description, item_id)

    @staticmethod
    def unchanged(stored: StoredInvoice, spec: HistoricalInvoice, result: HistoryTotals) -> bool:
        """
        Whether the stored invoice is what the file describes. Its status is not compared: payments recorded in
        FieldOffice change it, and for history the imported payment already says what the file said. An invoice
        made in FieldOffice is compared by its customer, fields and lines.
        """
        current = stored.invoice
        fields = (
            current.customer_id,
            current.service_location_id,
            current.invoice_date,
            current.due_date,
            current.memo,
            current.tax_rate_id,
        )
        wanted = (
            spec.customer.pk,
            spec.service_location_id,
            spec.invoice_date,
            result.due_date,
            spec.memo,
            result.tax_rate.pk if result.tax_rate else None,
        )
        if fields != wanted or stored.lines != [line_values(line) for line in spec.lines]:
            return False
        if not current.is_history:
            return True
        expected = [(spec.paid_on or spec.invoice_date, result.amount_paid)] if result.amount_paid > 0 else []
        return stored.imported_payments == expected

    @staticmethod
    def _customers(ids: Iterable[int]) -> dict[int, Customer]:
        wanted = sorted(set(ids))
        found: dict[int, Customer] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(Customer.objects.select_related("tax_rate", "payment_term").in_bulk(chunk))
        return found

    def _stored(self, numbers: list[str]) -> dict[str, StoredInvoice]:
        """The division's invoices with these numbers, with their lines and imported payments as plain values."""
        found: dict[str, StoredInvoice] = {}
        for start in range(0, len(numbers), 500):
            invoices = Invoice.objects.filter(division=self.division, number__in=numbers[start : start + 500])
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
