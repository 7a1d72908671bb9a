"""
Invoices: lines priced from their items, sales tax, due dates from terms, and balances that payments reduce.

Sales tax is the sum of the taxable lines' amounts times the sales tax item's rate, rounded half up to cents, and
nothing when the customer's tax code is non-taxable. An invoice's AppliedAmount is negative (money received), and
each change to the payments applied to it modifies it (new EditSequence and TimeModified), as in QuickBooks.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.locks import check_writable, invalid_id
from apps.qbd_sandbox.engine.refs import decimal, jsonable, referenced_ids, resolve_refs
from apps.qbd_sandbox.engine.txns import lines_modified
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record, TxnLink
from apps.qbd_sandbox.qbxml.fields import CENT
from apps.qbd_sandbox.qbxml.txns import INVOICE_ADD, INVOICE_MOD

CUSTOMER_DEFAULTS = {
    "TermsRef": "TermsRef",
    "ItemSalesTaxRef": "ItemSalesTaxRef",
    "CustomerSalesTaxCodeRef": "SalesTaxCodeRef",
    "BillAddress": "BillAddress",
    "ShipAddress": "ShipAddress",
}
TAX_FIELDS = ("ItemSalesTaxRef", "CustomerSalesTaxCodeRef")


def due_date(terms: Record | None, txn_date: date) -> date:
    """The due date terms give: n days for standard terms, a day of the month for date-driven ones."""
    if terms is None:
        return txn_date
    if terms.kind == "StandardTerms":
        return txn_date + timedelta(days=int(terms.data.get("StdDueDays") or 0))
    day = int(terms.data.get("DayOfMonthDue") or 1)
    due = date(txn_date.year, txn_date.month, min(day, calendar.monthrange(txn_date.year, txn_date.month)[1]))
    # Issued too close to (or after) this month's due day: due the next month.
    if (due - txn_date).days < int(terms.data.get("DueNextMonthDays") or 0) or due < txn_date:
        year, month = (txn_date.year + 1, 1) if txn_date.month == 12 else (txn_date.year, txn_date.month + 1)
        due = date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return due


def item_sales_defaults(item: Record) -> tuple[str, Decimal | None]:
    """The description and price an item puts on a sales line."""
    data = item.data
    if "SalesOrPurchase" in data:
        sales = data["SalesOrPurchase"]
        return sales.get("Desc", ""), decimal(sales["Price"]) if sales.get("Price") else None
    sales = data.get("SalesAndPurchase", data)
    price = sales.get("SalesPrice")
    return sales.get("SalesDesc", data.get("ItemDesc", "")), decimal(price) if price not in (None, "") else None


def item_purchase_defaults(item: Record) -> tuple[str, Decimal | None]:
    """The description and cost an item puts on a purchase line (an item bought and sold alike: its one price)."""
    data = item.data
    if "SalesOrPurchase" in data:
        one = data["SalesOrPurchase"]
        return one.get("Desc", ""), decimal(one["Price"]) if one.get("Price") else None
    purchase = data.get("SalesAndPurchase", data)
    cost = purchase.get("PurchaseCost")
    return purchase.get("PurchaseDesc", ""), decimal(cost) if cost not in (None, "") else None


def line_priced(
    ctx: Ctx, given: dict[str, Any], base: dict[str, Any] | None = None, *, purchase: bool = False
) -> dict[str, Any]:
    """
    A line as QuickBooks completes it: what its item gives (the sales side, or for ``purchase`` lines the purchase
    side and part number) where the request left it out, and Amount from Rate x Quantity unless Amount was given.
    """
    line = dict(base or {})
    line.update({key: value for key, value in jsonable(given).items() if value not in (None, "")})
    item = ctx.record(line["ItemRef"]["ListID"]) if line.get("ItemRef") else None
    if item is not None and "ItemRef" in given:
        description, price = item_purchase_defaults(item) if purchase else item_sales_defaults(item)
        if "Desc" not in given and description:
            line["Desc"] = description
        if "Rate" not in given and "RatePercent" not in given and "Amount" not in given and price is not None:
            line["Rate"] = format(price, "f")
        if purchase:
            if "ManufacturerPartNumber" not in given and item.data.get("ManufacturerPartNumber"):
                line["ManufacturerPartNumber"] = item.data["ManufacturerPartNumber"]
        elif "SalesTaxCodeRef" not in given and item.data.get("SalesTaxCodeRef"):
            line["SalesTaxCodeRef"] = item.data["SalesTaxCodeRef"]
    if not purchase and not ctx.company.sales_tax_enabled:
        line.pop("SalesTaxCodeRef", None)
    quantity = decimal(line["Quantity"]) if line.get("Quantity") else None
    if given.get("Amount") is not None:
        amount = decimal(given["Amount"])
        if quantity and "Rate" not in given:
            line["Rate"] = format((amount / quantity).quantize(Decimal("0.00001")).normalize(), "f")
    elif line.get("Rate") and ({"Rate", "Quantity", "ItemRef"} & set(given) or "Amount" not in line):
        amount = (decimal(line["Rate"]) * (quantity if quantity is not None else 1)).quantize(CENT, ROUND_HALF_UP)
    else:
        amount = decimal(line.get("Amount"))
    line["Amount"] = format(amount, "f")
    return line


def _sales_tax_rate(ctx: Ctx, tax_item: Record) -> Decimal:
    """A sales tax item's rate, or a group's: the sum of its items' rates."""
    if tax_item.kind != "ItemSalesTaxGroup":
        return decimal(tax_item.data.get("TaxRate"))
    members = [ctx.record(member["ListID"]) for member in tax_item.data.get("ItemSalesTaxRef") or []]
    return sum((decimal(member.data.get("TaxRate")) for member in members if member is not None), Decimal(0))


def sales_totals(ctx: Ctx, data: dict[str, Any], lines_key: str) -> None:
    """Subtotal, SalesTaxPercentage and SalesTaxTotal of a sales form whose lines are ``data[lines_key]``."""
    lines = data.get(lines_key, [])
    subtotal = sum((decimal(line.get("Amount")) for line in lines), Decimal(0))
    tax_item = ctx.record(data["ItemSalesTaxRef"]["ListID"]) if data.get("ItemSalesTaxRef") else None
    rate = _sales_tax_rate(ctx, tax_item) if tax_item else Decimal(0)
    customer_code = (
        ctx.record(data["CustomerSalesTaxCodeRef"]["ListID"]) if data.get("CustomerSalesTaxCodeRef") else None
    )
    taxable = Decimal(0)
    if customer_code is None or customer_code.data.get("IsTaxable"):
        for line in lines:
            code = ctx.record(line["SalesTaxCodeRef"]["ListID"]) if line.get("SalesTaxCodeRef") else None
            if code is not None and code.data.get("IsTaxable"):
                taxable += decimal(line.get("Amount"))
    tax = (taxable * rate / 100).quantize(CENT, ROUND_HALF_UP)
    data["Subtotal"] = format(subtotal.quantize(CENT), "f")
    if tax_item is not None:
        data["SalesTaxPercentage"] = format(rate, "f")
    else:
        data.pop("SalesTaxPercentage", None)
    data["SalesTaxTotal"] = format(tax, "f")


def invoice_refresh(ctx: Ctx, invoice: Record, *, touch: bool) -> None:
    """Recompute AppliedAmount, BalanceRemaining and IsPaid from the payments applied; ``touch`` marks it modified."""
    received = Decimal(0)
    if invoice.pk:
        applied = TxnLink.objects.filter(invoice=invoice).aggregate(total=Sum("amount"), discount=Sum("discount"))
        received = (applied["total"] or Decimal(0)) + (applied["discount"] or Decimal(0))
    total = decimal(invoice.data.get("Subtotal")) + decimal(invoice.data.get("SalesTaxTotal"))
    balance = total - received
    invoice.data["AppliedAmount"] = format(-received, "f") if received else "0.00"
    invoice.data["BalanceRemaining"] = format(balance, "f")
    invoice.data["IsPaid"] = balance <= 0
    invoice.open_balance = balance
    if touch:
        invoice.edit_sequence = ctx.edit_sequence(invoice.edit_sequence)
        invoice.time_modified = ctx.moment
    invoice.save()


def customer_defaults_apply(ctx: Ctx, data: dict[str, Any], customer: Record, *, only_missing: bool) -> None:
    """What a sales form takes from its customer (terms, tax, addresses) and the company's most common tax item."""
    for field, source in CUSTOMER_DEFAULTS.items():
        if (field not in data or not only_missing) and customer.data.get(source):
            data.setdefault(field, customer.data[source])
    if not ctx.company.sales_tax_enabled:
        for field in TAX_FIELDS:
            data.pop(field, None)
    elif "ItemSalesTaxRef" not in data and ctx.company.default_item_sales_tax_id:
        if "default_tax_item" not in ctx.memo:
            found = Record.objects.filter(pk=ctx.company.default_item_sales_tax_id).values_list("object_id", flat=True)
            ctx.memo["default_tax_item"] = found.first()
        if ctx.memo["default_tax_item"]:
            data["ItemSalesTaxRef"] = {"ListID": ctx.memo["default_tax_item"]}


def _ref_number(ctx: Ctx, given: str | None) -> str:
    """The given number (QuickBooks then continues after it when numeric), or the next one."""
    if given:
        if given.isdigit():
            ctx.company.next_invoice_number = max(ctx.company.next_invoice_number, int(given) + 1)
        return given
    number = ctx.company.next_invoice_number
    ctx.company.next_invoice_number += 1
    return str(number)


def invoice_store(ctx: Ctx, invoice: Record, data: dict[str, Any]) -> Record:
    """Save ``data`` as the invoice's: totals, tax and balance worked out again."""
    sales_totals(ctx, data, "InvoiceLineRet")
    stored = jsonable(data)
    invoice.data = stored
    invoice.txn_date = date.fromisoformat(stored["TxnDate"])
    invoice.ref_number = stored.get("RefNumber", "")
    invoice.is_pending = bool(stored.get("IsPending"))
    invoice.ref_ids = " ".join(sorted(referenced_ids(stored)))
    invoice_refresh(ctx, invoice, touch=False)
    return invoice


def _ar_account(ctx: Ctx) -> dict[str, str] | None:
    if "ar_account" not in ctx.memo:
        account = Record.objects.filter(company=ctx.company, kind="Account", data__AccountType="AccountsReceivable")
        ctx.memo["ar_account"] = account.values_list("object_id", flat=True).first()
    return {"ListID": ctx.memo["ar_account"]} if ctx.memo["ar_account"] else None


def invoice_add(ctx: Ctx, data: dict[str, Any]) -> Record:
    resolve_refs(ctx, INVOICE_ADD, data, owner="Invoice")
    customer = ctx.record(data["CustomerRef"]["ListID"])
    customer_defaults_apply(ctx, data, customer, only_missing=True)
    data.setdefault("TxnDate", ctx.today())
    data["RefNumber"] = _ref_number(ctx, data.get("RefNumber"))
    if "DueDate" not in data:
        terms = ctx.record(data["TermsRef"]["ListID"]) if data.get("TermsRef") else None
        data["DueDate"] = due_date(terms, data["TxnDate"])
    if "ARAccountRef" not in data and (account := _ar_account(ctx)):
        data["ARAccountRef"] = account
    data.setdefault("IsPending", False)
    data.setdefault("IsFinanceCharge", False)
    data.setdefault("IsToBePrinted", False)
    data.setdefault("IsToBeEmailed", False)
    lines = []
    for given in data.pop("InvoiceLineAdd", []):
        line = {"TxnLineID": ctx.new_txn_id(), **line_priced(ctx, given)}
        lines.append(line)
    data["InvoiceLineRet"] = lines
    invoice = Record(
        company=ctx.company,
        kind="Invoice",
        object_id=ctx.new_txn_id(),
        edit_sequence=ctx.edit_sequence(),
        txn_number=ctx.new_txn_number(),
        entity=customer,
        time_created=ctx.moment,
        time_modified=ctx.moment,
    )
    return invoice_store(ctx, invoice, data)


def invoice_mod(ctx: Ctx, data: dict[str, Any]) -> Record:
    txn_id, edit_sequence = data.pop("TxnID"), data.pop("EditSequence")
    invoice = Record.objects.filter(company=ctx.company, kind="Invoice", object_id=txn_id).first()
    if invoice is None:
        raise invalid_id(txn_id, txn=True)
    check_writable(invoice, edit_sequence)
    resolve_refs(ctx, INVOICE_MOD, data, owner="Invoice")
    stored = dict(invoice.data)
    line_mods = data.pop("InvoiceLineMod", None)
    if "CustomerRef" in data:
        customer = ctx.record(data["CustomerRef"]["ListID"])
        if customer.pk != invoice.entity_id and TxnLink.objects.filter(invoice=invoice).exists():
            raise StatusError(
                3180,
                "There was an error when saving a Invoice. QuickBooks error message: "
                "The customer of an invoice with payments applied cannot be changed.",
            )
        invoice.entity = customer
    for key, value in jsonable(data).items():
        if value in ("", None):
            stored.pop(key, None)
        else:
            stored[key] = value
    if ("TermsRef" in data or "TxnDate" in data) and "DueDate" not in data:
        terms = ctx.record(stored["TermsRef"]["ListID"]) if stored.get("TermsRef") else None
        stored["DueDate"] = due_date(terms, date.fromisoformat(stored["TxnDate"])).isoformat()
    if data.get("RefNumber"):
        _ref_number(ctx, data["RefNumber"])
    if line_mods is not None:
        stored["InvoiceLineRet"] = lines_modified(ctx, stored.get("InvoiceLineRet", []), line_mods, line_priced)
    invoice.edit_sequence = ctx.edit_sequence(invoice.edit_sequence)
    invoice.time_modified = ctx.moment
    return invoice_store(ctx, invoice, stored)


def invoice_view(ctx: Ctx, invoice: Record, *, lines: bool, linked: bool) -> dict[str, Any]:
    view = dict(invoice.data)
    view.update(
        TxnID=invoice.object_id,
        TimeCreated=ctx.local(invoice.time_created),
        TimeModified=ctx.local(invoice.time_modified),
        EditSequence=invoice.edit_sequence,
        TxnNumber=invoice.txn_number,
    )
    if not lines:
        view.pop("InvoiceLineRet", None)
    if linked:
        view["LinkedTxn"] = [
            {
                "TxnID": link.payment.object_id,
                "TxnType": "ReceivePayment",
                "TxnDate": link.payment.txn_date.isoformat(),
                "RefNumber": link.payment.ref_number,
                "LinkType": "AMTTYPE",
                "Amount": format(-(link.amount + link.discount), "f"),
            }
            for link in TxnLink.objects.filter(invoice=invoice).select_related("payment").order_by("pk")
        ]
    return view
