"""Received payments: applied to named invoices or automatically, the rest left as an unused payment."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.invoices import invoice_refresh
from apps.qbd_sandbox.engine.locks import check_writable, invalid_id
from apps.qbd_sandbox.engine.refs import decimal, jsonable, referenced_ids, resolve_refs
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record, TxnLink
from apps.qbd_sandbox.qbxml.txns import RECEIVE_PAYMENT_ADD, RECEIVE_PAYMENT_MOD


def _account(ctx: Ctx, **lookup: str) -> dict[str, str] | None:
    found = Record.objects.filter(company=ctx.company, kind="Account", **lookup).values_list("object_id", flat=True)
    list_id = found.first()
    return {"ListID": list_id} if list_id else None


def _open_invoices(payment: Record) -> list[Record]:
    return list(
        Record.objects.filter(company=payment.company_id, kind="Invoice", entity=payment.entity_id, is_pending=False)
        .filter(open_balance__gt=0)
        .order_by("txn_date", "txn_number")
    )


def _apply(ctx: Ctx, payment: Record, total: Decimal, applications: list[dict[str, Any]]) -> set[int]:
    """Link the payment to the invoices named; refuses unknown invoices and amounts over a balance or the total."""
    applied, touched = Decimal(0), set()
    for application in applications:
        invoice = Record.objects.filter(company=ctx.company, kind="Invoice", object_id=application["TxnID"]).first()
        if invoice is None or invoice.entity_id != payment.entity_id:
            raise StatusError(
                3140,
                f'There is an invalid reference to QuickBooks Invoice "{application["TxnID"]}" in the ReceivePayment. '
                "QuickBooks error message: Invalid argument.  The specified record does not exist in the list.",
            )
        amount = application.get("PaymentAmount") or Decimal(0)
        discount = application.get("DiscountAmount") or Decimal(0)
        if amount + discount > (invoice.open_balance or Decimal(0)):
            raise StatusError(
                3210,
                f'The "PaymentAmount" field has an invalid value "{amount}". QuickBooks error message: The amount '
                f'applied is more than the balance of the transaction "{invoice.object_id}".',
            )
        TxnLink.objects.update_or_create(
            payment=payment, invoice=invoice, defaults={"company": ctx.company, "amount": amount, "discount": discount}
        )
        invoice_refresh(ctx, invoice, touch=False)
        applied += amount
        touched.add(invoice.pk)
    if applied > total:
        raise StatusError(
            3210,
            f'The "TotalAmount" field has an invalid value "{total}". QuickBooks error message: The amounts applied '
            "are more than the amount received.",
        )
    return touched


def _auto_apply(ctx: Ctx, payment: Record, total: Decimal) -> set[int]:
    """QuickBooks' automatic application: an invoice of exactly the amount, else the oldest invoices first."""
    invoices = _open_invoices(payment)
    exact = next((invoice for invoice in invoices if invoice.open_balance == total), None)
    remaining, applications = total, []
    for invoice in [exact] if exact else invoices:
        if remaining <= 0:
            break
        amount = min(remaining, invoice.open_balance)
        applications.append({"TxnID": invoice.object_id, "PaymentAmount": amount})
        remaining -= amount
    return _apply(ctx, payment, total, applications)


def _store(ctx: Ctx, payment: Record, data: dict[str, Any]) -> None:
    applied = Decimal(0)
    if payment.pk:
        applied = TxnLink.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    stored = jsonable(data)
    unused = decimal(stored.get("TotalAmount")) - applied
    stored["UnusedPayment"] = format(unused, "f")
    stored["UnusedCredits"] = "0.00"
    payment.data = stored
    payment.open_balance = unused
    payment.txn_date = date.fromisoformat(stored["TxnDate"])
    payment.ref_number = stored.get("RefNumber", "")
    payment.ref_ids = " ".join(sorted(referenced_ids(stored)))
    payment.save()


def payment_refresh(ctx: Ctx, payment: Record, *, touch: bool) -> None:
    """Recompute the unused amount after the payment's applications changed; ``touch`` marks it modified."""
    if touch:
        payment.edit_sequence = ctx.edit_sequence(payment.edit_sequence)
        payment.time_modified = ctx.moment
    _store(ctx, payment, payment.data)


def _touch(ctx: Ctx, invoice_pks: set[int]) -> None:
    for invoice in Record.objects.filter(pk__in=invoice_pks):
        invoice_refresh(ctx, invoice, touch=True)


def payment_add(ctx: Ctx, data: dict[str, Any]) -> Record:
    resolve_refs(ctx, RECEIVE_PAYMENT_ADD, data, owner="ReceivePayment")
    applications = data.pop("AppliedToTxnAdd", [])
    auto_apply = data.pop("IsAutoApply", False)
    if data.get("TotalAmount") is None:
        data["TotalAmount"] = sum((item.get("PaymentAmount") or Decimal(0) for item in applications), Decimal(0))
    data.setdefault("TxnDate", ctx.today())
    if "ARAccountRef" not in data and (account := _account(ctx, data__AccountType="AccountsReceivable")):
        data["ARAccountRef"] = account
    if "DepositToAccountRef" not in data and (account := _account(ctx, name_key="undeposited funds")):
        data["DepositToAccountRef"] = account
    payment = Record(
        company=ctx.company,
        kind="ReceivePayment",
        object_id=ctx.new_txn_id(),
        edit_sequence=ctx.edit_sequence(),
        txn_number=ctx.new_txn_number(),
        entity=ctx.record(data["CustomerRef"]["ListID"]),
        time_created=ctx.moment,
        time_modified=ctx.moment,
    )
    _store(ctx, payment, data)
    total = decimal(data["TotalAmount"])
    touched = _auto_apply(ctx, payment, total) if auto_apply else _apply(ctx, payment, total, applications)
    _store(ctx, payment, data)
    _touch(ctx, touched)
    return payment


def payment_mod(ctx: Ctx, data: dict[str, Any]) -> Record:
    txn_id, edit_sequence = data.pop("TxnID"), data.pop("EditSequence")
    payment = Record.objects.filter(company=ctx.company, kind="ReceivePayment", object_id=txn_id).first()
    if payment is None:
        raise invalid_id(txn_id, txn=True)
    check_writable(payment, edit_sequence)
    resolve_refs(ctx, RECEIVE_PAYMENT_MOD, data, owner="ReceivePayment")
    applications = data.pop("AppliedToTxnMod", None)
    stored = dict(payment.data)
    for key, value in jsonable(data).items():
        if value in ("", None):
            stored.pop(key, None)
        else:
            stored[key] = value
    touched: set[int] = set()
    if "CustomerRef" in data:
        payment.entity = ctx.record(data["CustomerRef"]["ListID"])
        if applications is None:
            applications = []
    if applications is not None:
        # Applications not named in the Mod are removed, like invoice lines.
        touched = set(TxnLink.objects.filter(payment=payment).values_list("invoice_id", flat=True))
        TxnLink.objects.filter(payment=payment).delete()
        for invoice in Record.objects.filter(pk__in=touched):
            invoice_refresh(ctx, invoice, touch=False)
        touched |= _apply(ctx, payment, decimal(stored.get("TotalAmount")), applications)
    else:
        applied = TxnLink.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if applied > decimal(stored.get("TotalAmount")):
            raise StatusError(
                3210,
                f'The "TotalAmount" field has an invalid value "{stored.get("TotalAmount")}". QuickBooks error '
                "message: The amounts applied are more than the amount received.",
            )
    payment.edit_sequence = ctx.edit_sequence(payment.edit_sequence)
    payment.time_modified = ctx.moment
    _store(ctx, payment, stored)
    _touch(ctx, touched)
    return payment


def payment_view(ctx: Ctx, payment: Record, *, lines: bool) -> dict[str, Any]:
    view = dict(payment.data)
    view.update(
        TxnID=payment.object_id,
        TimeCreated=ctx.local(payment.time_created),
        TimeModified=ctx.local(payment.time_modified),
        EditSequence=payment.edit_sequence,
        TxnNumber=payment.txn_number,
    )
    if lines:
        view["AppliedToTxnRet"] = [
            {
                "TxnID": link.invoice.object_id,
                "TxnType": "Invoice",
                "TxnDate": link.invoice.txn_date.isoformat(),
                "RefNumber": link.invoice.ref_number,
                "BalanceRemaining": format(link.invoice.open_balance, "f"),
                "Amount": format(link.amount, "f"),
                "DiscountAmount": format(link.discount, "f") if link.discount else None,
            }
            for link in TxnLink.objects.filter(payment=payment).select_related("invoice").order_by("pk")
        ]
    return view
