"""
ListDel and TxnDel: deletions QuickBooks refuses for records in use, and the tombstones they leave. TxnVoid: a
transaction kept with its amounts zeroed.
"""

from django.db.models import Q

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.invoices import invoice_refresh, invoice_store
from apps.qbd_sandbox.engine.locks import check_writable
from apps.qbd_sandbox.engine.payments import payment_refresh
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record, Tombstone, TxnLink


def _not_found(object_id: str) -> StatusError:
    return StatusError(3120, f'Object "{object_id}" specified in the request cannot be found.')


def _in_use(record: Record) -> bool:
    company = record.company
    if company.default_item_sales_tax_id == record.pk:
        return True
    return (
        Record.objects.filter(company=company)
        .filter(Q(parent=record) | Q(entity=record) | Q(ref_ids__contains=record.object_id))
        .exclude(pk=record.pk)
        .exists()
    )


def list_del(ctx: Ctx, *, kind: str, list_id: str) -> Tombstone:
    record = Record.objects.filter(company=ctx.company, kind=kind, object_id=list_id).first()
    if record is None:
        raise _not_found(list_id)
    check_writable(record)
    if _in_use(record):
        raise StatusError(
            3171,
            f'An error occurred when deleting "{record.full_name}" from the "{kind}" list. QuickBooks error message: '
            "This object cannot be deleted because it is being used.",
        )
    tombstone = Tombstone.objects.create(
        company=ctx.company,
        kind=kind,
        object_id=record.object_id,
        full_name=record.full_name,
        time_created=record.time_created,
        time_deleted=ctx.moment,
    )
    record.delete()
    ctx.forget()
    return tombstone


def txn_del(ctx: Ctx, *, kind: str, txn_id: str) -> Tombstone:
    """Delete a transaction; payments applied to an invoice become unused, invoices a payment paid open again."""
    record = Record.objects.filter(company=ctx.company, kind=kind, object_id=txn_id).first()
    if record is None:
        raise _not_found(txn_id)
    check_writable(record)
    links = TxnLink.objects.filter(Q(payment=record) | Q(invoice=record))
    others = {link.invoice_id if link.payment_id == record.pk else link.payment_id for link in links}
    tombstone = Tombstone.objects.create(
        company=ctx.company,
        kind=kind,
        is_txn=True,
        object_id=record.object_id,
        full_name=record.ref_number,
        time_created=record.time_created,
        time_deleted=ctx.moment,
    )
    record.delete()
    for other in Record.objects.filter(pk__in=others):
        if other.kind == "Invoice":
            invoice_refresh(ctx, other, touch=True)
        else:
            payment_refresh(ctx, other, touch=True)
    return tombstone


VOID_MEMO = "VOID:"


def txn_void(ctx: Ctx, *, kind: str, txn_id: str) -> Record:
    """
    Void an invoice: its lines' quantities and amounts become zero, "VOID:" goes before its memo, and payments applied
    to it become unused, as QuickBooks does. An invoice voided already stays as it is.
    """
    record = Record.objects.filter(company=ctx.company, kind=kind, object_id=txn_id).first()
    if record is None:
        raise _not_found(txn_id)
    check_writable(record)
    data = dict(record.data)
    memo = data.get("Memo", "")
    if memo.startswith(VOID_MEMO):
        return record
    payments = set(TxnLink.objects.filter(invoice=record).values_list("payment_id", flat=True))
    TxnLink.objects.filter(invoice=record).delete()
    data["InvoiceLineRet"] = [
        {**line, "Quantity": "0", "Amount": "0.00"} if "Quantity" in line else {**line, "Amount": "0.00"}
        for line in data.get("InvoiceLineRet", [])
    ]
    data["Memo"] = f"{VOID_MEMO} {memo}" if memo else VOID_MEMO
    record.edit_sequence = ctx.edit_sequence(record.edit_sequence)
    record.time_modified = ctx.moment
    invoice_store(ctx, record, data)
    for payment in Record.objects.filter(pk__in=payments):
        payment_refresh(ctx, payment, touch=True)
    return record
