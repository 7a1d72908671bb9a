"""
Sales forms (invoices and estimates): their lines, totals, tax, numbers, dates and addresses.

Lines
    At least one (2020); see ``lines``.
Tax
    With sales tax off, or for a customer that is not taxable, the tax is 0. The lines whose ``TaxCodeRef`` is ``TAX``
    are summed and taxed under one code, per rate (see ``tax.tax_detail``). Which code: with automated sales tax on
    (every US company created since November 2017), the one automated sales tax assigns for the customer
    (``tax.automated_sales_code``: its default code, else its nearest parent's, else the company's default), whatever
    ``TxnTaxDetail.TxnTaxCodeRef`` says; with it off, ``TxnTaxCodeRef``, and no code means no tax. An explicit
    ``TxnTaxDetail.TotalTax`` is honoured, spread over the rates of the code the request names (else the assigned
    one).
Numbers
    With ``Preferences.SalesFormsPrefs.CustomTxnNumbers`` off, a form sent without ``DocNumber`` is numbered by
    QuickBooks; a number sent is kept. A number another live form of the same type carries is 6140 unless the
    request says ``include=allowduplicatedocnum``, as Intuit documents.
Dates
    ``TxnDate`` defaults to today in the company's time zone; an invoice's ``DueDate`` follows its terms
    (``SalesTermRef``, else the customer's, else the company's default terms).
"""

from datetime import date
from typing import ClassVar

from apps.qbo_sandbox.entities import faults, refs, tax
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.lines import SalesLines, sales_lines
from apps.qbo_sandbox.entities.numbers import ZERO, money
from apps.qbo_sandbox.entities.schema import BOOL, DATE, DECIMAL, REF, Schema, array, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import (
    ADDRESS,
    CUSTOM_FIELDS,
    DELIVERY_INFO,
    EMAIL,
    EMAIL_STATUS,
    GLOBAL_TAX_CALCULATION,
    LINKED_TXNS,
    MEMO,
    PRINT_STATUS,
    SALES_LINE,
    TXN_TAX_DETAIL,
    entity_schema,
)
from apps.qbo_sandbox.entities.storage import doc_number_owner, next_doc_number
from apps.qbo_sandbox.entities.terms import due_date
from apps.qbo_sandbox.models import SandboxEntity

TXN_TYPE_LABELS = {"Invoice": "Invoice", "Estimate": "Estimate", "PurchaseOrder": "Purchase Order"}

SALES_FORM_FIELDS: Schema = {
    "DocNumber": text(21),
    "TxnDate": DATE,
    "PrivateNote": text(4000),
    "CustomerRef": REF,
    "CustomerMemo": MEMO,
    "BillAddr": ADDRESS,
    "ShipAddr": ADDRESS,
    "ShipFromAddr": ADDRESS,
    "FreeFormAddress": BOOL,
    "BillEmail": EMAIL,
    "BillEmailCc": EMAIL,
    "BillEmailBcc": EMAIL,
    "Line": array(SALES_LINE),
    "LinkedTxn": LINKED_TXNS,
    "CustomField": CUSTOM_FIELDS,
    "TxnTaxDetail": TXN_TAX_DETAIL,
    "ApplyTaxAfterDiscount": BOOL,
    "GlobalTaxCalculation": GLOBAL_TAX_CALCULATION,
    "PrintStatus": PRINT_STATUS,
    "EmailStatus": EMAIL_STATUS,
    "SalesTermRef": REF,
    "DueDate": DATE,
    "ShipDate": DATE,
    "ShipMethodRef": REF,
    "TrackingNum": text(31),
    "ClassRef": REF,
    "DepartmentRef": REF,
    "ProjectRef": REF,
    "TaxExemptionRef": REF,
    "CurrencyRef": REF,
    "ExchangeRate": DECIMAL,
    "TransactionLocationType": text(),
    "TxnSource": text(),
    "DeliveryInfo": DELIVERY_INFO,
    "RecurDataRef": REF,
    "TotalAmt": read_only(DECIMAL),
    "HomeTotalAmt": read_only(DECIMAL),
}


class SalesFormRules(EntityRules):
    """What invoices and estimates share; subclasses add balances, statuses and their other effects."""

    sticky: ClassVar[tuple[str, ...]] = ("DocNumber", "TxnDate", "CurrencyRef")
    has_due_date: ClassVar[bool] = False

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("CustomerRef"):
            raise faults.required_missing("CustomerRef")
        customer = refs.resolve(ctx.company, "Customer", data["CustomerRef"])
        data["CustomerRef"] = refs.ref_to(customer)
        totals = sales_lines(ctx, data.get("Line"), customer=customer)
        data["Line"] = totals.lines
        tax_detail = self._tax(ctx, data, customer, totals)
        data["TxnTaxDetail"] = tax_detail
        data["TotalAmt"] = money(totals.subtotal - totals.discount + tax_detail["TotalTax"])
        self._doc_number(ctx, data, existing)
        self._dates(ctx, data, customer)
        self._addresses(ctx, data, customer)
        data["CurrencyRef"] = ctx.home_currency
        if ctx.is_us:
            data.pop("GlobalTaxCalculation", None)
        data.setdefault("ApplyTaxAfterDiscount", False)
        delivery = customer.data.get("PreferredDeliveryMethod")
        data.setdefault("PrintStatus", "NeedToPrint" if delivery == "Print" else "NotSet")
        data.setdefault("EmailStatus", "NeedToSend" if delivery == "Email" else "NotSet")
        data.setdefault("CustomField", [])
        return data

    def _tax(self, ctx: WriteContext, data: Data, customer: SandboxEntity, totals: SalesLines) -> Data:
        if not ctx.sales_tax_on or customer.data.get("Taxable", True) is False:
            return {"TotalTax": ZERO}
        given = data.get("TxnTaxDetail") or {}
        # Only a TotalTax the request itself carries overrides the calculation, not one a sparse update merged in.
        total_tax = given.get("TotalTax") if "TxnTaxDetail" in ctx.sent else None
        if ctx.is_us:
            code = ctx.resolve("TaxCode", given["TxnTaxCodeRef"]) if given.get("TxnTaxCodeRef") else None
            # Automated sales tax assigns its own code, overriding one the request names unless it also names the
            # tax (Intuit: an assigned code "will be overridden by AST"; an explicit TotalTax is honoured).
            if ctx.automated_sales_tax and totals.taxable.get("TAX") and (code is None or total_tax is None):
                code = tax.automated_sales_code(ctx.company, customer)
            taxable = totals.taxable.get("TAX", ZERO)
            if totals.discount and data.get("ApplyTaxAfterDiscount") and totals.subtotal:
                taxable -= money(totals.discount * taxable / totals.subtotal)
            bases = [(code, taxable)] if code is not None else []
            return tax.tax_detail(ctx.company, bases, txn_code=code, total_tax=total_tax)
        bases = [(ctx.resolve("TaxCode", {"value": code_id}), amount) for code_id, amount in totals.taxable.items()]
        return tax.tax_detail(ctx.company, bases, txn_code=None, total_tax=total_tax)

    def _doc_number(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> None:
        custom = bool(ctx.preference("SalesFormsPrefs", "CustomTxnNumbers", False))
        if not data.get("DocNumber") and existing is None and not custom:
            data["DocNumber"] = next_doc_number(ctx.company, self.entity_type)
        number = data.get("DocNumber")
        if not number or "allowduplicatedocnum" in ctx.include:
            return
        if existing is not None and existing.doc_number == number:
            return
        owner = doc_number_owner(ctx.company, self.entity_type, number, exclude=existing)
        if owner is not None:
            raise faults.duplicate_doc_number(number, TXN_TYPE_LABELS[self.entity_type], owner.entity_id)

    def _dates(self, ctx: WriteContext, data: Data, customer: SandboxEntity) -> None:
        data.setdefault("TxnDate", ctx.today.isoformat())
        term_ref = data.get("SalesTermRef") or customer.data.get("SalesTermRef")
        if not term_ref and self.has_due_date:
            default_terms = ctx.preference("SalesFormsPrefs", "DefaultTerms")
            term_ref = default_terms if refs.ref_value(default_terms) else None
        term = refs.resolve(ctx.company, "Term", term_ref) if term_ref else None
        if term is not None:
            data["SalesTermRef"] = refs.ref_to(term)
        if self.has_due_date and not data.get("DueDate"):
            txn_date = date.fromisoformat(data["TxnDate"])
            data["DueDate"] = (due_date(term.data, txn_date) if term is not None else txn_date).isoformat()

    def _addresses(self, ctx: WriteContext, data: Data, customer: SandboxEntity) -> None:
        # Addresses and e-mail not sent are the customer's, copied with their Ids as Intuit's samples show.
        if not data.get("BillAddr") and customer.data.get("BillAddr"):
            data["BillAddr"] = dict(customer.data["BillAddr"])
        if not data.get("ShipAddr") and (customer.data.get("ShipAddr") or customer.data.get("BillAddr")):
            data["ShipAddr"] = dict(customer.data.get("ShipAddr") or customer.data["BillAddr"])
        if not data.get("BillEmail") and customer.data.get("PrimaryEmailAddr"):
            data["BillEmail"] = dict(customer.data["PrimaryEmailAddr"])


ESTIMATE_FIELDS: Schema = {
    **SALES_FORM_FIELDS,
    "TxnStatus": enum("Pending", "Accepted", "Closed", "Rejected"),
    "ExpirationDate": DATE,
    "AcceptedBy": text(),
    "AcceptedDate": DATE,
}


class EstimateRules(SalesFormRules):
    """A proposal: non-posting, so it has no balance and moves no stock; ``TxnStatus`` is the client's to set."""

    entity_type = "Estimate"
    schema = entity_schema(ESTIMATE_FIELDS)

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        data = super().prepare(ctx, data, existing)
        data.setdefault("TxnStatus", "Pending")
        data.setdefault("LinkedTxn", [])
        return data
