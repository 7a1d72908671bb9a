"""
Purchase orders: non-posting orders to a vendor (``VendorRef`` and ``APAccountRef`` required).

Item lines follow the sales rule for ``Amount = Qty * UnitPrice`` (6070), the amount being computed when left out;
account lines need an ``AccountRef``. ``TotalAmt`` is the sum of the lines; ``POStatus`` starts ``Open`` and a client
may close it; ``DocNumber`` is assigned when not sent. Ordering is not receiving: no item's stock moves.
"""

from decimal import Decimal
from typing import ClassVar

from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.lines import supplied
from apps.qbo_sandbox.entities.numbers import ZERO, money
from apps.qbo_sandbox.entities.schema import ANY, BOOL, DATE, DECIMAL, REF, array, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import (
    ADDRESS,
    CUSTOM_FIELDS,
    EMAIL,
    EMAIL_STATUS,
    EXPENSE_LINE,
    EXPENSE_LINE_TYPES,
    GLOBAL_TAX_CALCULATION,
    LINKED_TXNS,
    PRINT_STATUS,
    TXN_TAX_DETAIL,
    entity_schema,
)
from apps.qbo_sandbox.entities.storage import doc_number_owner, next_doc_number
from apps.qbo_sandbox.models import SandboxEntity


class PurchaseOrderRules(EntityRules):
    entity_type = "PurchaseOrder"
    sticky: ClassVar[tuple[str, ...]] = ("DocNumber", "TxnDate", "CurrencyRef")
    schema = entity_schema(
        {
            "VendorRef": REF,
            "APAccountRef": REF,
            "Line": array(EXPENSE_LINE),
            "DocNumber": text(21),
            "TxnDate": DATE,
            "DueDate": DATE,
            "PrivateNote": text(4000),
            "Memo": text(4000),
            "POStatus": enum("Open", "Closed"),
            "POEmail": EMAIL,
            "VendorAddr": ADDRESS,
            "ShipAddr": ADDRESS,
            "ShipTo": REF,
            "ShipMethodRef": REF,
            "ClassRef": REF,
            "DepartmentRef": REF,
            "SalesTermRef": REF,
            "TaxCodeRef": REF,
            "CurrencyRef": REF,
            "ExchangeRate": DECIMAL,
            "GlobalTaxCalculation": GLOBAL_TAX_CALCULATION,
            "TxnTaxDetail": TXN_TAX_DETAIL,
            "LinkedTxn": LINKED_TXNS,
            "CustomField": CUSTOM_FIELDS,
            "AttachableRef": ANY,
            "EmailStatus": EMAIL_STATUS,
            "PrintStatus": PRINT_STATUS,
            "ManuallyClosed": BOOL,
            "TransactionLocationType": text(),
            "TotalAmt": read_only(DECIMAL),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        for name in ("VendorRef", "APAccountRef"):
            if not data.get(name):
                raise faults.required_missing(name)
        vendor = refs.resolve(ctx.company, "Vendor", data["VendorRef"])
        data["VendorRef"] = refs.ref_to(vendor)
        data["APAccountRef"] = refs.ref_to(refs.resolve(ctx.company, "Account", data["APAccountRef"]))
        if data.get("SalesTermRef"):
            data["SalesTermRef"] = refs.ref_to(refs.resolve(ctx.company, "Term", data["SalesTermRef"]))
        data["Line"], total = self._lines(ctx, data.get("Line") or [])
        data["TotalAmt"] = total
        if not data.get("DocNumber") and existing is None:
            data["DocNumber"] = next_doc_number(ctx.company, self.entity_type)
        elif data.get("DocNumber") and "allowduplicatedocnum" not in ctx.include:
            changed = existing is None or existing.doc_number != data["DocNumber"]
            owner = doc_number_owner(ctx.company, self.entity_type, data["DocNumber"], exclude=existing)
            if changed and owner is not None:
                raise faults.duplicate_doc_number(data["DocNumber"], "Purchase Order", owner.entity_id)
        if not data.get("VendorAddr") and vendor.data.get("BillAddr"):
            data["VendorAddr"] = {k: v for k, v in vendor.data["BillAddr"].items() if k != "Id"}
        data.setdefault("TxnDate", ctx.today.isoformat())
        data.setdefault("POStatus", "Open")
        data.setdefault("EmailStatus", "NotSet")
        data["CurrencyRef"] = ctx.home_currency
        if ctx.is_us:
            data.pop("GlobalTaxCalculation", None)
        return data

    def _lines(self, ctx: WriteContext, raw_lines: list[Data]) -> tuple[list[Data], Decimal]:
        if not raw_lines:
            raise faults.required_missing("Line")
        lines, total = [], ZERO
        for number, raw in enumerate(raw_lines, start=1):
            detail_type = raw.get("DetailType") or next((name for name in EXPENSE_LINE_TYPES if name in raw), "")
            if detail_type not in EXPENSE_LINE_TYPES[:2]:
                raise faults.invalid_enumeration("DetailType", detail_type)
            detail = dict(raw.get(detail_type) or {})
            detail.pop("TaxInclusiveAmt", None)
            amount = raw.get("Amount")
            if detail_type == "ItemBasedExpenseLineDetail":
                if not detail.get("ItemRef"):
                    raise faults.required_missing("ItemRef")
                detail["ItemRef"] = refs.ref_to(refs.resolve(ctx.company, "Item", detail["ItemRef"]))
                qty, unit_price = detail.get("Qty"), detail.get("UnitPrice")
                if amount is None and qty is not None and unit_price is not None:
                    amount = qty * unit_price
                if amount is not None and qty and unit_price and money(qty * unit_price) != money(amount):
                    raise faults.amount_mismatch(supplied(money(amount)))
            else:
                if not detail.get("AccountRef"):
                    raise faults.required_missing("AccountRef")
                detail["AccountRef"] = refs.ref_to(refs.resolve(ctx.company, "Account", detail["AccountRef"]))
            if detail.get("CustomerRef"):
                detail["CustomerRef"] = refs.ref_to(refs.resolve(ctx.company, "Customer", detail["CustomerRef"]))
            if amount is None:
                raise faults.required_missing("Amount")
            line: Data = {"Id": str(number), "LineNum": number}
            if raw.get("Description"):
                line["Description"] = raw["Description"]
            line.update({"Amount": money(amount), "DetailType": detail_type, detail_type: detail})
            lines.append(line)
            total += money(amount)
        return lines, total
