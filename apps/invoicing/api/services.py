"""
Writing an invoice with its lines, as the API does it: defaults, lines, then totals, in one transaction.

Only drafts have their lines or amounts changed. An issued invoice (approved, ready for sync, unpaid) keeps what
was approved and may only have its memo and due date changed; a paid or void one is closed.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus
from apps.invoicing.services import InvoiceStatusError, invoice_fill_defaults, invoice_recalculate

S = InvoiceStatus
Rows = Sequence[Mapping[str, Any]]

CLOSED_STATUSES = (S.PAID, S.VOID)
EDITABLE_WHEN_ISSUED = ("memo", "due_date")
# Line fields a new line takes from its item when they are not given.
ITEM_DEFAULTS = {"description": "description", "unit_price": "sales_price", "taxable": "taxable"}


@transaction.atomic
def invoice_create(*, lines: Rows = (), **fields: Any) -> Invoice:
    invoice = Invoice(**fields)
    invoice_fill_defaults(invoice=invoice)
    invoice.full_clean()
    invoice.save()
    _lines_replace(invoice=invoice, rows=lines)
    return _recalculate(invoice=invoice)


@transaction.atomic
def invoice_update(*, invoice: Invoice, lines: Rows | None = None, **fields: Any) -> Invoice:
    """Change an invoice; ``lines`` is the complete set of lines (``None`` keeps them)."""
    changed = [name for name, value in fields.items() if _differs(invoice, name, value)]
    lines_changed = lines is not None and not _lines_unchanged(invoice=invoice, rows=lines)
    _invoice_assert_editable(invoice=invoice, changed=changed, lines_changed=lines_changed)
    for name in changed:
        setattr(invoice, name, fields[name])
    if {"invoice_date", "payment_term"} & set(changed) and "due_date" not in fields:
        # A new date or term moves a due date that was not given explicitly.
        invoice.due_date = None
    invoice_fill_defaults(invoice=invoice)
    invoice.full_clean()
    invoice.save()
    if lines_changed:
        _lines_replace(invoice=invoice, rows=lines)
    return _recalculate(invoice=invoice)


@transaction.atomic
def invoice_delete(*, invoice: Invoice) -> None:
    if invoice.status != S.DRAFT:
        raise InvoiceStatusError(
            f"{invoice} is {invoice.get_status_display()}; only drafts can be deleted. Void it instead."
        )
    invoice.delete()


def _recalculate(*, invoice: Invoice) -> Invoice:
    """``invoice_recalculate``, answering a negative total (lines of discounts or credits) as a validation error."""
    try:
        with transaction.atomic():
            return invoice_recalculate(invoice=invoice)
    except IntegrityError:
        # The database's check constraint refused the totals that invoice_recalculate had just computed.
        if invoice.total < 0:
            raise ValidationError({"lines": "An invoice total cannot be negative; issue a credit instead."}) from None
        raise


def _invoice_assert_editable(*, invoice: Invoice, changed: Sequence[str], lines_changed: bool) -> None:
    if invoice.status == S.DRAFT:
        return
    status = invoice.get_status_display()
    if invoice.status in CLOSED_STATUSES and (changed or lines_changed):
        raise InvoiceStatusError(f"{invoice} is {status} and cannot be changed.")
    if lines_changed:
        raise InvoiceStatusError(f"{invoice} is {status}; only drafts can have their lines changed.")
    if refused := [name for name in changed if name not in EDITABLE_WHEN_ISSUED]:
        raise InvoiceStatusError(
            f"{invoice} is {status}; only its memo and due date can be changed (not {', '.join(refused)})."
        )


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        # Compare ids: reading the related object would cost a query per field.
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def _lines_unchanged(*, invoice: Invoice, rows: Rows) -> bool:
    """True when ``rows`` repeats the invoice's lines as they are (a full PUT of an issued invoice)."""
    existing = {line.pk: line for line in InvoiceLine.objects.filter(invoice=invoice)}
    if len(existing) != len(rows):
        return False
    for position, row in enumerate(rows):
        line = existing.get(row.get("id"))
        if line is None or any(_differs(line, name, value) for name, value in row.items() if name != "id"):
            return False
        if "position" not in row and line.position != position:
            return False
    return True


def _lines_replace(*, invoice: Invoice, rows: Rows) -> None:
    """Make the invoice's lines exactly ``rows``, in order: given ids are changed, others added, the rest deleted."""
    existing = {line.pk: line for line in InvoiceLine.objects.filter(invoice=invoice)}
    wanted_ids = [row["id"] for row in rows if row.get("id") is not None]
    if unknown := [pk for pk in wanted_ids if pk not in existing]:
        raise ValidationError({"lines": [f"Line {pk} does not belong to this invoice." for pk in unknown]})
    if len(set(wanted_ids)) != len(wanted_ids):
        raise ValidationError({"lines": "Each line may appear only once."})
    InvoiceLine.objects.filter(invoice=invoice).exclude(pk__in=wanted_ids).delete()

    for position, row in enumerate(rows):
        values = dict(row)
        pk = values.pop("id", None)
        line = existing[pk] if pk is not None else InvoiceLine(invoice=invoice)
        item = values.get("item")
        if item is not None and (pk is None or item.pk != line.item_id):
            for line_field, item_field in ITEM_DEFAULTS.items():
                values.setdefault(line_field, getattr(item, item_field))
        values.setdefault("position", position)
        for name, value in values.items():
            setattr(line, name, value)
        try:
            line.full_clean()
        except ValidationError as error:
            messages = [f"Line {position + 1}: {message}" for message in error.messages]
            raise ValidationError({"lines": messages}) from error
        line.save()
