"""
Customer payments and the invoices they pay.

A payment needs ``CustomerRef`` and ``TotalAmt``. Each line applies ``Amount`` to one invoice of the same customer
(``LinkedTxn`` of type Invoice), at most its open balance; what no line applies stays on the payment as
``UnappliedAmt`` (a credit). Every write recomputes the linked invoices: their ``Balance`` and their
``LinkedTxn`` to the payment change, with a new version each, as in QuickBooks. Deleting or voiding the payment
gives the invoices their balance back; voiding an invoice leaves its payments' amounts unapplied (an invoice with
payments cannot be deleted, see ``invoices``).
"""

import copy
from decimal import Decimal
from typing import Any, ClassVar

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import balances, faults, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.numbers import ZERO, money, to_decimal
from apps.qbo_sandbox.entities.schema import ANY, BOOL, DATE, DECIMAL, REF, array, obj, read_only, text
from apps.qbo_sandbox.entities.shapes import CUSTOM_FIELDS, LINKED_TXNS, entity_schema
from apps.qbo_sandbox.entities.storage import entity_lock, entity_rewrite
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity

NAME_VALUE_TYPE = "com.intuit.schema.finance.v3.NameValue"


def _line_ex(invoice: SandboxEntity, open_balance: Decimal) -> dict[str, Any]:
    """The ``LineEx`` QuickBooks attaches to a payment line: the invoice's Id, open balance and number."""
    values = {
        "txnId": invoice.entity_id,
        "txnOpenBalance": f"{open_balance:.2f}",
        "txnReferenceNumber": invoice.data.get("DocNumber", ""),
    }
    return {
        "any": [
            {
                "name": "{http://schema.intuit.com/finance/v3}NameValue",
                "nil": False,
                "value": {"Name": name, "Value": value},
                "declaredType": NAME_VALUE_TYPE,
                "scope": "javax.xml.bind.JAXBElement$GlobalScope",
                "globalScope": True,
                "typeSubstituted": False,
            }
            for name, value in values.items()
        ]
    }


def voided_note(note: str | None) -> str:
    """``PrivateNote`` of a voided transaction: "Voided", put before any existing text."""
    return f"Voided {note}" if note else "Voided"


def applied_by(payment: Data, invoice_id: str) -> Decimal:
    """What a payment applies to one invoice."""
    total = ZERO
    for line in payment.get("Line") or []:
        if any(
            link.get("TxnType") == "Invoice" and str(link.get("TxnId")) == invoice_id
            for link in line.get("LinkedTxn") or []
        ):
            total += to_decimal(line.get("Amount")) or ZERO
    return total


def linked_invoice_ids(payment: Data | None) -> set[str]:
    return {
        str(link.get("TxnId"))
        for line in (payment or {}).get("Line") or []
        for link in line.get("LinkedTxn") or []
        if link.get("TxnType") == "Invoice"
    }


def payment_links(invoice: Data | None) -> list[str]:
    return [str(link["TxnId"]) for link in (invoice or {}).get("LinkedTxn") or [] if link.get("TxnType") == "Payment"]


def applied_to_invoice(company: SandboxCompany, invoice_id: str, payment_ids: set[str]) -> dict[str, Decimal]:
    """What each live payment of ``payment_ids`` applies to the invoice."""
    applied = {}
    for payment in store.entity_list(company, "Payment").filter(entity_id__in=sorted(payment_ids)):
        amount = applied_by(payment.data, invoice_id)
        if amount:
            applied[payment.entity_id] = amount
    return applied


def invoice_recompute(ctx: WriteContext, invoice_id: str, *, payment_ids: set[str]) -> None:
    """Set an invoice's Balance and payment links from the payments that apply to it now."""
    invoice = entity_lock(ctx.company, "Invoice", invoice_id)
    if invoice is None:
        return
    applied = applied_to_invoice(ctx.company, invoice_id, set(payment_links(invoice.data)) | payment_ids)
    links = [link for link in invoice.data.get("LinkedTxn") or [] if link.get("TxnType") != "Payment"]
    links += [{"TxnId": payment_id, "TxnType": "Payment"} for payment_id in sorted(applied, key=int)]
    total = to_decimal(invoice.data.get("TotalAmt")) or ZERO
    deposit = to_decimal(invoice.data.get("Deposit")) or ZERO
    balance = money(total - deposit - sum(applied.values(), ZERO))
    if links != invoice.data.get("LinkedTxn") or balance != to_decimal(invoice.data.get("Balance")):
        entity_rewrite(invoice, {"Balance": balance, "LinkedTxn": links})


def invoice_unlink(ctx: WriteContext, invoice: SandboxEntity) -> None:
    """Before an invoice is deleted or voided: its payments keep their amounts, now unapplied."""
    for payment_id in payment_links(invoice.data):
        payment = entity_lock(ctx.company, "Payment", payment_id)
        if payment is None:
            continue
        kept = [
            line
            for line in payment.data.get("Line") or []
            if not any(str(link.get("TxnId")) == invoice.entity_id for link in line.get("LinkedTxn") or [])
        ]
        applied = sum((to_decimal(line.get("Amount")) or ZERO for line in kept), ZERO)
        unapplied = (to_decimal(payment.data.get("TotalAmt")) or ZERO) - applied
        entity_rewrite(payment, {"Line": kept, "UnappliedAmt": unapplied})
    balances.customer_balances_refresh(ctx.company, [refs.ref_value(invoice.data.get("CustomerRef"))])


class PaymentRules(EntityRules):
    entity_type = "Payment"
    sticky: ClassVar[tuple[str, ...]] = ("TxnDate", "CurrencyRef")
    schema = entity_schema(
        {
            "CustomerRef": REF,
            "TotalAmt": DECIMAL,
            "UnappliedAmt": read_only(DECIMAL),
            "TxnDate": DATE,
            "PaymentRefNum": text(21),
            "PrivateNote": text(4000),
            "PaymentMethodRef": REF,
            "DepositToAccountRef": REF,
            "ARAccountRef": REF,
            "CurrencyRef": REF,
            "ExchangeRate": DECIMAL,
            "ProcessPayment": BOOL,
            "CreditCardPayment": ANY,
            "TxnSource": text(),
            "TxnStatus": text(),
            "TransactionLocationType": text(),
            "TaxExemptionRef": REF,
            "ProjectRef": REF,
            "CustomField": CUSTOM_FIELDS,
            "Line": array(obj({"Amount": DECIMAL, "LinkedTxn": LINKED_TXNS, "LineEx": ANY})),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("CustomerRef"):
            raise faults.required_missing("CustomerRef")
        customer = refs.resolve(ctx.company, "Customer", data["CustomerRef"])
        data["CustomerRef"] = refs.ref_to(customer)
        if data.get("TotalAmt") is None:
            raise faults.required_missing("TotalAmt")
        total = money(data["TotalAmt"])
        if total < 0:
            raise faults.business_validation("You must set a transaction amount.", element="TotalAmt")
        lines, applied = self._lines(ctx, data.get("Line") or [], customer, existing)
        if applied > total:
            raise faults.business_validation(
                "The amount applied to transactions exceeds the payment amount.", element="TotalAmt"
            )
        data.update(Line=lines, TotalAmt=total, UnappliedAmt=total - applied)
        for name in ("DepositToAccountRef", "ARAccountRef"):
            if data.get(name):
                data[name] = refs.ref_to(refs.resolve(ctx.company, "Account", data[name]))
        if not data.get("DepositToAccountRef"):
            undeposited = store.entity_list(ctx.company, "Account", active=True).filter(
                data__AccountSubType="UndepositedFunds"
            )
            if (account := undeposited.first()) is not None:
                # Intuit's samples show this reference without a name.
                data["DepositToAccountRef"] = {"value": account.entity_id}
        data.setdefault("TxnDate", ctx.today.isoformat())
        data.setdefault("ProcessPayment", False)
        data["CurrencyRef"] = ctx.home_currency
        return data

    def _lines(
        self, ctx: WriteContext, raw_lines: list[Data], customer: SandboxEntity, existing: SandboxEntity | None
    ) -> tuple[list[Data], Decimal]:
        lines, applied = [], ZERO
        for raw in raw_lines:
            if raw.get("Amount") is None:
                raise faults.required_missing("Amount")
            amount = money(raw["Amount"])
            links = raw.get("LinkedTxn") or []
            if len(links) != 1:
                raise faults.business_validation(
                    "Each payment line must link exactly one invoice.", element="LinkedTxn"
                )
            link = links[0]
            if link.get("TxnType") != "Invoice":
                raise faults.invalid_enumeration("TxnType", str(link.get("TxnType")))
            invoice = refs.resolve_transaction(ctx.company, "Invoice", str(link.get("TxnId")))
            if refs.ref_value(invoice.data.get("CustomerRef")) != customer.entity_id:
                raise faults.business_validation("The invoice does not belong to the payment's customer.")
            open_balance = to_decimal(invoice.data.get("Balance")) or ZERO
            if existing is not None:
                open_balance += applied_by(existing.data, invoice.entity_id)
            if amount > open_balance:
                raise faults.business_validation(
                    "The payment amount can't be more than the invoice's open balance.", element="Line.Amount"
                )
            applied += amount
            lines.append(
                {
                    "Amount": amount,
                    "LinkedTxn": [{"TxnId": invoice.entity_id, "TxnType": "Invoice"}],
                    "LineEx": _line_ex(invoice, open_balance),
                }
            )
        return lines, applied

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        for invoice_id in sorted(linked_invoice_ids(previous) | linked_invoice_ids(entity.data), key=int):
            invoice_recompute(ctx, invoice_id, payment_ids={entity.entity_id})
        balances.customer_balances_refresh(
            ctx.company,
            [refs.ref_value((previous or {}).get("CustomerRef")), refs.ref_value(entity.data.get("CustomerRef"))],
        )

    def after_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        self.after_write(ctx, entity, None)

    def voided(self, ctx: WriteContext, entity: SandboxEntity) -> Data:
        # Intuit's voided payment: no lines, zero amounts, "Voided" before the private note.
        data = copy.deepcopy(entity.data)
        data.update(Line=[], TotalAmt=0, UnappliedAmt=0, PrivateNote=voided_note(data.get("PrivateNote")))
        return data
