"""
Invoices: a sales form with a balance.

``Balance`` is ``TotalAmt`` less ``Deposit`` and the payments applied to the invoice (see ``payments``); the
payment links in ``LinkedTxn`` belong to QuickBooks and survive updates, other links (an estimate) are the
client's. Stock-tracked items leave stock as they are invoiced and come back when the invoice is changed, deleted
or voided.

As Intuit documents: an invoice with linked payments cannot be deleted (unlink them first; 6000 here), and voiding
zeroes all amounts and quantities and puts "Voided" before ``PrivateNote``. Voiding an invoice that payments
apply to leaves their amounts unapplied on the payments (what the QuickBooks screens do; the API reference is silent).
"""

import copy
from collections import defaultdict
from decimal import Decimal

from apps.qbo_sandbox.entities import balances, faults, refs
from apps.qbo_sandbox.entities.base import Data, WriteContext
from apps.qbo_sandbox.entities.inventory import difference, negated, stock_apply
from apps.qbo_sandbox.entities.lines import tracked_quantities
from apps.qbo_sandbox.entities.numbers import ZERO, money, to_decimal
from apps.qbo_sandbox.entities.payments import applied_to_invoice, invoice_unlink, payment_links, voided_note
from apps.qbo_sandbox.entities.sales import SALES_FORM_FIELDS, SalesFormRules
from apps.qbo_sandbox.entities.schema import BOOL, DECIMAL, REF, read_only, text
from apps.qbo_sandbox.entities.shapes import entity_schema
from apps.qbo_sandbox.models import SandboxEntity


class InvoiceRules(SalesFormRules):
    entity_type = "Invoice"
    has_due_date = True
    schema = entity_schema(
        {
            **SALES_FORM_FIELDS,
            "Deposit": DECIMAL,
            "DepositToAccountRef": REF,
            "AllowIPNPayment": BOOL,
            "AllowOnlinePayment": BOOL,
            "AllowOnlineCreditCardPayment": BOOL,
            "AllowOnlineACHPayment": BOOL,
            "Balance": read_only(DECIMAL),
            "HomeBalance": read_only(DECIMAL),
            "InvoiceLink": read_only(text()),
            "EInvoiceStatus": read_only(text()),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        client_links = [link for link in data.get("LinkedTxn") or [] if link.get("TxnType") != "Payment"]
        data = super().prepare(ctx, data, existing)
        if data.get("DepositToAccountRef"):
            data["DepositToAccountRef"] = refs.ref_to(refs.resolve(ctx.company, "Account", data["DepositToAccountRef"]))
        deposit = money(data.get("Deposit") or ZERO)
        applied = ZERO
        server_links = []
        if existing is not None:
            paid = applied_to_invoice(ctx.company, existing.entity_id, set(payment_links(existing.data)))
            applied = sum(paid.values(), ZERO)
            server_links = [{"TxnId": payment_id, "TxnType": "Payment"} for payment_id in sorted(paid, key=int)]
        balance = data["TotalAmt"] - deposit - applied
        if balance < 0:
            raise faults.business_validation("The invoice total can't be less than the payments applied to it.")
        data.update(Deposit=deposit, Balance=balance, LinkedTxn=client_links + server_links)
        return data

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        before = tracked_quantities(ctx.company, (previous or {}).get("Line"))
        after = tracked_quantities(ctx.company, entity.data.get("Line"))
        stock_apply(ctx.company, negated(difference(after, before)))
        # The invoice's old balance leaves its old customer and its new balance joins its customer (often the same).
        before = previous or {}
        changes: dict[str, Decimal] = defaultdict(Decimal)
        changes[refs.ref_value(before.get("CustomerRef"))] -= to_decimal(before.get("Balance")) or ZERO
        changes[refs.ref_value(entity.data.get("CustomerRef"))] += to_decimal(entity.data.get("Balance")) or ZERO
        balances.customer_balances_shift(ctx.company, changes)

    def before_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        # Intuit's reference: "You must unlink any linked transactions associated with the invoice before deleting it."
        if payment_links(entity.data):
            raise faults.business_validation(
                "You must unlink any linked transactions associated with this invoice before deleting it."
            )

    def after_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        stock_apply(ctx.company, tracked_quantities(ctx.company, entity.data.get("Line")))
        balances.customer_balances_refresh(ctx.company, [refs.ref_value(entity.data.get("CustomerRef"))])

    def voided(self, ctx: WriteContext, entity: SandboxEntity) -> Data:
        invoice_unlink(ctx, entity)
        data = copy.deepcopy(entity.data)
        for line in data.get("Line") or []:
            if "Amount" in line:
                line["Amount"] = 0
            detail = line.get("SalesItemLineDetail")
            if detail is not None:
                # Intuit's voided invoice keeps the item and tax code, with a zero quantity and no price.
                detail.pop("UnitPrice", None)
                detail["Qty"] = 0
        data.update(
            TxnTaxDetail={"TotalTax": 0},
            TotalAmt=0,
            Balance=0,
            Deposit=0,
            PrivateNote=voided_note(data.get("PrivateNote")),
            LinkedTxn=[link for link in data.get("LinkedTxn") or [] if link.get("TxnType") != "Payment"],
        )
        return data
