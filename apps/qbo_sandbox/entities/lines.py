"""
The lines of sales forms: item, description, discount and subtotal lines, and what they add up to.

A ``SalesItemLineDetail`` line names an active item (without ``ItemRef`` it is documentation only and its amount is
ignored, as Intuit documents); its ``Amount`` must equal ``Qty * UnitPrice`` rounded to cents when both are given
(6070); its ``TaxCodeRef`` is ``TAX`` or ``NON`` in a US company (6100), by default ``TAX`` when both the item and
the customer are taxable. Lines are numbered anew on every write (``Line`` arrays are replaced whole), QuickBooks'
``SubTotalLineDetail`` line follows them and discount lines come last, as in Intuit's samples.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.base import Data, WriteContext
from apps.qbo_sandbox.entities.numbers import ZERO, money, to_decimal
from apps.qbo_sandbox.entities.shapes import SALES_LINE_TYPES
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity

US_TAX_CODES = ("TAX", "NON")


@dataclass
class SalesLines:
    """The stored lines of a form and what they add up to."""

    lines: list[Data]
    subtotal: Decimal = ZERO
    discount: Decimal = ZERO
    # Amounts taxed under each line tax code: "TAX" in a US company, a TaxCode Id elsewhere.
    taxable: dict[str, Decimal] = field(default_factory=dict)


def _detail_type(raw: Data) -> str:
    detail_type = raw.get("DetailType")
    if detail_type:
        return detail_type
    found = [name for name in SALES_LINE_TYPES if name in raw]
    if not found:
        raise faults.required_missing("DetailType")
    return found[0]


def supplied(amount: Decimal) -> str:
    """An amount as Intuit writes it in 6070's detail: ``1,000``, ``1,861.07``."""
    return f"{amount.normalize():,f}"


def sales_lines(ctx: WriteContext, raw_lines: list[Data] | None, *, customer: SandboxEntity) -> SalesLines:
    raw_lines = [
        raw for raw in raw_lines or [] if _detail_type(raw) not in ("SubTotalLineDetail", "SubtotalLineDetail")
    ]
    if not raw_lines:
        raise faults.required_missing("Line")
    result = SalesLines(lines=[])
    discounts: list[Data] = []
    for raw in raw_lines:
        detail_type = _detail_type(raw)
        if detail_type not in SALES_LINE_TYPES:
            raise faults.invalid_enumeration("DetailType", detail_type)
        if detail_type == "DiscountLineDetail":
            discounts.append(raw)
            continue
        number = len(result.lines) + 1
        line: Data = {"Id": str(number), "LineNum": number}
        if raw.get("Description"):
            line["Description"] = raw["Description"]
        if raw.get("LinkedTxn"):
            line["LinkedTxn"] = raw["LinkedTxn"]
        if detail_type == "SalesItemLineDetail":
            _item_line(ctx, raw, line, result, customer=customer)
        elif detail_type == "DescriptionOnly":
            line["DetailType"] = "DescriptionOnly"
            line["DescriptionLineDetail"] = raw.get("DescriptionLineDetail") or {}
        else:
            raise faults.business_validation("Group lines are not supported; send the group's items as lines.")
        result.lines.append(line)
    result.lines.append({"Amount": result.subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    for raw in discounts:
        result.lines.append(_discount_line(raw, result))
    return result


def _item_line(ctx: WriteContext, raw: Data, line: Data, result: SalesLines, *, customer: SandboxEntity) -> None:
    given = dict(raw.get("SalesItemLineDetail") or {})
    if not given.get("ItemRef"):
        # Intuit: "When a line lacks an ItemRef it is treated as documentation and the Line.Amount is ignored."
        given.pop("TaxInclusiveAmt", None)
        line.update({"Amount": ZERO, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": given})
        return
    item = ctx.resolve("Item", given["ItemRef"])
    qty, unit_price = given.get("Qty"), given.get("UnitPrice")
    amount = raw.get("Amount")
    if amount is None:
        if qty is None or unit_price is None:
            raise faults.required_missing("Amount")
        amount = qty * unit_price
    amount = money(amount)
    # python-quickbooks sends Qty 0 and UnitPrice 0 for "not set": the check applies to real values only.
    if qty and unit_price and money(qty * unit_price) != amount:
        raise faults.amount_mismatch(supplied(amount))
    code = refs.ref_value(given.get("TaxCodeRef"))
    if ctx.is_us:
        if not code:
            code = "TAX" if item.data.get("Taxable") and customer.data.get("Taxable", True) else "NON"
        elif code not in US_TAX_CODES:
            raise faults.invalid_line_tax_code(code)
    elif code:
        code = ctx.resolve("TaxCode", {"value": code}).entity_id
    detail: Data = {key: value for key, value in given.items() if key not in ("TaxInclusiveAmt", "ItemAccountRef")}
    detail["ItemRef"] = refs.ref_to(item)
    if item.data.get("IncomeAccountRef"):
        detail["ItemAccountRef"] = item.data["IncomeAccountRef"]
    if code:
        detail["TaxCodeRef"] = {"value": code}
        if code != "NON":
            result.taxable[code] = result.taxable.get(code, ZERO) + amount
    line.update({"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail})
    result.subtotal += amount


def _discount_line(raw: Data, result: SalesLines) -> Data:
    given = dict(raw.get("DiscountLineDetail") or {})
    override = given.pop("Discount", None) or {}
    percent_based = bool(given.get("PercentBased", override.get("PercentBased", False)))
    percent = given.get("DiscountPercent", override.get("DiscountPercent"))
    if percent_based:
        if percent is None:
            raise faults.discount_missing()
        amount = money(result.subtotal * percent / 100)
        detail = {**given, "PercentBased": True, "DiscountPercent": percent}
    else:
        if raw.get("Amount") is None:
            raise faults.discount_missing()
        amount = money(raw["Amount"])
        detail = {**given, "PercentBased": False}
    result.discount += amount
    line = {"Amount": amount, "DetailType": "DiscountLineDetail", "DiscountLineDetail": detail}
    if raw.get("Description"):
        line["Description"] = raw["Description"]
    return line


def tracked_quantities(company: SandboxCompany, lines: list[Data] | None) -> dict[str, Decimal]:
    """Quantities of stock-tracked items on item lines (sales or purchase), by item Id."""
    quantities: dict[str, Decimal] = {}
    for line in lines or []:
        detail = line.get("SalesItemLineDetail") or line.get("ItemBasedExpenseLineDetail") or {}
        item_id, qty = refs.ref_value(detail.get("ItemRef")), to_decimal(detail.get("Qty"))
        if item_id and qty:
            quantities[item_id] = quantities.get(item_id, ZERO) + qty
    tracked = {
        item.entity_id
        for item in store.entity_list(company, "Item").filter(entity_id__in=list(quantities))
        if item.data.get("TrackQtyOnHand")
    }
    return {item_id: qty for item_id, qty in quantities.items() if item_id in tracked}
