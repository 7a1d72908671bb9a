"""
Creating and changing an invoice with its lines: defaults from the customer, lines, then totals, in one transaction.

A draft changes freely. An issued invoice (approved, ready for sync, unpaid) keeps its customer and division but
its lines, dates and memo may be corrected (then marked for sync again, it updates the same QuickBooks invoice); a
paid or void one is closed.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Length

from apps.core.models import Division
from apps.invoicing.calculations import due_date_for
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus
from apps.invoicing.services.totals import invoice_recalculate
from apps.invoicing.services.workflow import InvoiceStatusError

S = InvoiceStatus
Rows = Sequence[Mapping[str, Any]]

CLOSED_STATUSES = (S.PAID, S.VOID)
FIXED_WHEN_ISSUED = ("customer", "division")
# Line fields a new line takes from its item when they are not given.
ITEM_DEFAULTS = {"description": "description", "unit_price": "sales_price", "taxable": "taxable"}


def invoice_next_number(*, division_id: int) -> str:
    """
    The next free number: one more than the highest numeric number of the division, starting at 1001.

    Locks the division's row so that two invoices created at once do not get the same number; call it inside the
    transaction that saves the invoice (on SQLite, whose writers queue anyway, the lock is a no-op).
    """
    Division.objects.select_for_update().filter(pk=division_id).first()
    highest = (
        Invoice.objects.filter(division_id=division_id, number__regex=r"^[0-9]{1,15}$")
        .annotate(digits=Length("number"))
        .order_by("-digits", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return str(max(int(highest or 0), 1000) + 1)


def invoice_fill_defaults(*, invoice: Invoice) -> Invoice:
    """Fill what a new invoice takes from its customer: division, number, term, due date and tax rate."""
    customer = invoice.customer
    if not invoice.division_id:
        invoice.division_id = customer.division_id
    if not invoice.number:
        invoice.number = invoice_next_number(division_id=invoice.division_id)
    if invoice.pk is None:
        invoice.payment_term = invoice.payment_term or customer.payment_term
        if invoice.tax_rate_id is None and customer.taxable:
            invoice.tax_rate = customer.tax_rate
    if not invoice.due_date:
        term = invoice.payment_term
        invoice.due_date = due_date_for(invoice_date=invoice.invoice_date, due_days=term.due_days if term else 0)
    return invoice


@transaction.atomic
def invoice_create(*, lines: Rows = (), **fields: Any) -> Invoice:
    invoice = Invoice(**fields)
    invoice_fill_defaults(invoice=invoice)
    invoice.full_clean()
    invoice.save()
    _lines_replace(invoice=invoice, rows=lines)
    return invoice_recalculate(invoice=invoice)


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
    return invoice_recalculate(invoice=invoice)


@transaction.atomic
def invoice_delete(*, invoice: Invoice) -> None:
    if invoice.status != S.DRAFT:
        raise InvoiceStatusError(
            f"{invoice} is {invoice.get_status_display()}; only drafts can be deleted. Void it instead."
        )
    invoice.delete()


def _invoice_assert_editable(*, invoice: Invoice, changed: Sequence[str], lines_changed: bool) -> None:
    if invoice.status == S.DRAFT:
        return
    status = invoice.get_status_display()
    if invoice.status in CLOSED_STATUSES and (changed or lines_changed):
        raise InvoiceStatusError(f"{invoice} is {status} and cannot be changed.")
    if refused := [name for name in changed if name in FIXED_WHEN_ISSUED]:
        raise InvoiceStatusError(
            f"{invoice} is {status}; its {' and '.join(refused)} can no longer change. Void it and issue a new one."
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
