"""Add / Mod / Ret specs of invoices and received payments."""

from apps.qbd_sandbox.qbxml.common import ITEM_KINDS, SALES_TAX_KINDS, TERMS_KINDS, address
from apps.qbd_sandbox.qbxml.fields import F, S, agg, ref

TXN_HEADER = (
    F("TxnID", "id"),
    F("TimeCreated", "datetime"),
    F("TimeModified", "datetime"),
    S("EditSequence"),
    F("TxnNumber", "int"),
)
LINKED_TXN = agg(
    "LinkedTxn",
    F("TxnID", "id"),
    S("TxnType"),
    F("TxnDate", "date"),
    S("RefNumber"),
    S("LinkType"),
    F("Amount", "amt"),
    repeat=True,
)


def _line(name: str, *, mod: bool) -> F:
    return agg(
        name,
        *((F("TxnLineID", "id", required=True),) if mod else ()),
        ref("ItemRef", *ITEM_KINDS),
        S("Desc", 4095),
        F("Quantity", "qty"),
        S("UnitOfMeasure", 31, ignore=True),
        *((ref("OverrideUOMSetRef"),) if mod else ()),
        F("Rate", "price"),
        F("RatePercent", "pct"),
        ref("PriceLevelRef"),
        ref("ClassRef"),
        F("Amount", "amt"),
        ref("InventorySiteRef"),
        ref("InventorySiteLocationRef"),
        S("SerialNumber", 4095, ignore=True),
        S("LotNumber", 40, ignore=True),
        F("ServiceDate", "date"),
        ref("SalesTaxCodeRef", "SalesTaxCode"),
        ref("OverrideItemAccountRef"),
        S("Other1", 29),
        S("Other2", 29),
        *((agg("LinkToTxn", F("TxnID", "id"), F("TxnLineID", "id"), ignore=True),) if not mod else ()),
        repeat=True,
    )


def _invoice_body() -> tuple[F, ...]:
    return (
        ref("CustomerRef", "Customer"),
        ref("ClassRef"),
        ref("ARAccountRef", "Account"),
        ref("TemplateRef"),
        F("TxnDate", "date"),
        S("RefNumber", 11),
        address("BillAddress"),
        address("ShipAddress"),
        F("IsPending", "bool"),
        S("PONumber", 25),
        ref("TermsRef", *TERMS_KINDS),
        F("DueDate", "date"),
        ref("SalesRepRef"),
        S("FOB", 13),
        F("ShipDate", "date"),
        ref("ShipMethodRef"),
        ref("ItemSalesTaxRef", *SALES_TAX_KINDS),
        S("Memo", 4095),
        ref("CustomerMsgRef"),
        F("IsToBePrinted", "bool"),
        F("IsToBeEmailed", "bool"),
        F("IsTaxIncluded", "bool", ignore=True),
        ref("CustomerSalesTaxCodeRef", "SalesTaxCode"),
        S("Other", 29),
        F("ExchangeRate", "qty", ignore=True),
    )


INVOICE_ADD = (
    *_invoice_body(),
    S("ExternalGUID", ignore=True),
    F("LinkToTxnID", "id", repeat=True, ignore=True),
    _line("InvoiceLineAdd", mod=False),
)
INVOICE_ADD = tuple(  # CustomerRef is required on an Add
    F(field.name, field.type, children=field.children, kinds=field.kinds, required=True)
    if field.name == "CustomerRef"
    else field
    for field in INVOICE_ADD
)
INVOICE_MOD = (
    F("TxnID", "id", required=True),
    S("EditSequence", 16, required=True),
    *_invoice_body(),
    _line("InvoiceLineMod", mod=True),
)
INVOICE_LINE_RET = agg(
    "InvoiceLineRet",
    F("TxnLineID", "id"),
    ref("ItemRef", *ITEM_KINDS),
    S("Desc"),
    F("Quantity", "qty"),
    F("Rate", "price"),
    F("RatePercent", "pct"),
    F("Amount", "amt"),
    F("ServiceDate", "date"),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    S("Other1"),
    S("Other2"),
    repeat=True,
)
INVOICE_RET = (
    *TXN_HEADER,
    ref("CustomerRef", "Customer"),
    ref("ARAccountRef", "Account"),
    F("TxnDate", "date"),
    S("RefNumber"),
    address("BillAddress"),
    address("ShipAddress"),
    F("IsPending", "bool"),
    F("IsFinanceCharge", "bool"),
    S("PONumber"),
    ref("TermsRef", *TERMS_KINDS),
    F("DueDate", "date"),
    S("FOB"),
    F("ShipDate", "date"),
    F("Subtotal", "amt"),
    ref("ItemSalesTaxRef", *SALES_TAX_KINDS),
    F("SalesTaxPercentage", "pct"),
    F("SalesTaxTotal", "amt"),
    F("AppliedAmount", "amt"),
    F("BalanceRemaining", "amt"),
    S("Memo"),
    F("IsPaid", "bool"),
    F("IsToBePrinted", "bool"),
    F("IsToBeEmailed", "bool"),
    ref("CustomerSalesTaxCodeRef", "SalesTaxCode"),
    S("Other"),
    LINKED_TXN,
    INVOICE_LINE_RET,
)

RECEIVE_PAYMENT_BODY = (
    ref("CustomerRef", "Customer", required=True),
    ref("ARAccountRef", "Account"),
    F("TxnDate", "date"),
    S("RefNumber", 20),
    F("TotalAmount", "amt"),
    F("ExchangeRate", "qty", ignore=True),
    ref("PaymentMethodRef", "PaymentMethod"),
    S("Memo", 4095),
    ref("DepositToAccountRef", "Account"),
    agg("CreditCardTxnInfo", ignore=True),
)
APPLIED_TO_TXN_ADD = agg(
    "AppliedToTxnAdd",
    F("TxnID", "id", required=True),
    F("PaymentAmount", "amt"),
    agg(
        "SetCredit", F("CreditTxnID", "id"), F("AppliedAmount", "amt"), F("Override", "bool"), repeat=True, ignore=True
    ),
    F("DiscountAmount", "amt"),
    ref("DiscountAccountRef", "Account"),
    ref("DiscountClassRef"),
    repeat=True,
)
RECEIVE_PAYMENT_ADD = (
    *RECEIVE_PAYMENT_BODY,
    S("ExternalGUID", ignore=True),
    F("IsAutoApply", "bool"),
    APPLIED_TO_TXN_ADD,
)
RECEIVE_PAYMENT_MOD = (
    F("TxnID", "id", required=True),
    S("EditSequence", 16, required=True),
    *(F(f.name, f.type, children=f.children, kinds=f.kinds, ignore=f.ignore) for f in RECEIVE_PAYMENT_BODY),
    agg(
        "AppliedToTxnMod",
        F("TxnID", "id", required=True),
        F("PaymentAmount", "amt"),
        agg(
            "SetCredit",
            F("CreditTxnID", "id"),
            F("AppliedAmount", "amt"),
            F("Override", "bool"),
            repeat=True,
            ignore=True,
        ),
        F("DiscountAmount", "amt"),
        ref("DiscountAccountRef", "Account"),
        ref("DiscountClassRef"),
        repeat=True,
    ),
)
RECEIVE_PAYMENT_RET = (
    *TXN_HEADER,
    ref("CustomerRef", "Customer"),
    ref("ARAccountRef", "Account"),
    F("TxnDate", "date"),
    S("RefNumber"),
    F("TotalAmount", "amt"),
    ref("PaymentMethodRef", "PaymentMethod"),
    S("Memo"),
    ref("DepositToAccountRef", "Account"),
    F("UnusedPayment", "amt"),
    F("UnusedCredits", "amt"),
    agg(
        "AppliedToTxnRet",
        F("TxnID", "id"),
        S("TxnType"),
        F("TxnDate", "date"),
        S("RefNumber"),
        F("BalanceRemaining", "amt"),
        F("Amount", "amt"),
        F("DiscountAmount", "amt"),
        repeat=True,
    ),
)
