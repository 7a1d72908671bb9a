"""
Add / Mod / Ret specs of purchase orders and estimates, in qbXML 13.0 order.

A PurchaseOrderAdd has no IsManuallyClosed: a purchase order is closed by a Mod, of the whole order or of a line.
"""

from apps.qbd_sandbox.qbxml.common import ENTITY_KINDS, ITEM_KINDS, SALES_TAX_KINDS, TERMS_KINDS, address
from apps.qbd_sandbox.qbxml.fields import F, S, agg, ref
from apps.qbd_sandbox.qbxml.txns import LINKED_TXN, TXN_HEADER

MOD_HEAD = (F("TxnID", "id", required=True), S("EditSequence", 16, required=True))


def _purchase_line(name: str, *, mod: bool) -> F:
    return agg(
        name,
        *((F("TxnLineID", "id", required=True),) if mod else ()),
        ref("ItemRef", *ITEM_KINDS),
        S("ManufacturerPartNumber", 31),
        S("Desc", 4095),
        F("Quantity", "qty"),
        S("UnitOfMeasure", 31, ignore=True),
        *((ref("OverrideUOMSetRef"),) if mod else ()),
        F("Rate", "price"),
        ref("ClassRef"),
        F("Amount", "amt"),
        ref("InventorySiteLocationRef"),
        ref("CustomerRef", "Customer"),
        F("ServiceDate", "date"),
        ref("SalesTaxCodeRef", "SalesTaxCode"),
        *((F("IsManuallyClosed", "bool"),) if mod else ()),
        ref("OverrideItemAccountRef"),
        S("Other1", 25),
        S("Other2", 29),
        repeat=True,
    )


def _purchase_order_body(*, mod: bool) -> tuple[F, ...]:
    return (
        ref("VendorRef", "Vendor", required=not mod),
        ref("ClassRef"),
        ref("InventorySiteRef"),
        ref("ShipToEntityRef", *ENTITY_KINDS),
        ref("TemplateRef"),
        F("TxnDate", "date"),
        S("RefNumber", 11),
        address("VendorAddress"),
        address("ShipAddress"),
        ref("TermsRef", *TERMS_KINDS),
        F("DueDate", "date"),
        F("ExpectedDate", "date"),
        ref("ShipMethodRef"),
        S("FOB", 13),
        *((F("IsManuallyClosed", "bool"),) if mod else ()),
        S("Memo", 4095),
        S("VendorMsg", 99),
        F("IsToBePrinted", "bool"),
        F("IsToBeEmailed", "bool"),
        F("IsTaxIncluded", "bool", ignore=True),
        ref("SalesTaxCodeRef", "SalesTaxCode"),
        S("Other1", 25),
        S("Other2", 29),
        F("ExchangeRate", "qty", ignore=True),
    )


PURCHASE_ORDER_ADD = (
    *_purchase_order_body(mod=False),
    S("ExternalGUID", ignore=True),
    _purchase_line("PurchaseOrderLineAdd", mod=False),
)
PURCHASE_ORDER_MOD = (*MOD_HEAD, *_purchase_order_body(mod=True), _purchase_line("PurchaseOrderLineMod", mod=True))
PURCHASE_ORDER_LINE_RET = agg(
    "PurchaseOrderLineRet",
    F("TxnLineID", "id"),
    ref("ItemRef", *ITEM_KINDS),
    S("ManufacturerPartNumber"),
    S("Desc"),
    F("Quantity", "qty"),
    F("Rate", "price"),
    F("Amount", "amt"),
    ref("CustomerRef", "Customer"),
    F("ServiceDate", "date"),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    F("ReceivedQuantity", "qty"),
    F("UnbilledQuantity", "qty"),
    F("IsBilled", "bool"),
    F("IsManuallyClosed", "bool"),
    S("Other1"),
    S("Other2"),
    repeat=True,
)
PURCHASE_ORDER_RET = (
    *TXN_HEADER,
    ref("VendorRef", "Vendor"),
    ref("ShipToEntityRef", *ENTITY_KINDS),
    F("TxnDate", "date"),
    S("RefNumber"),
    address("VendorAddress"),
    address("ShipAddress"),
    ref("TermsRef", *TERMS_KINDS),
    F("DueDate", "date"),
    F("ExpectedDate", "date"),
    S("FOB"),
    F("TotalAmount", "amt"),
    F("IsManuallyClosed", "bool"),
    F("IsFullyReceived", "bool"),
    S("Memo"),
    S("VendorMsg"),
    F("IsToBePrinted", "bool"),
    F("IsToBeEmailed", "bool"),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    S("Other1"),
    S("Other2"),
    LINKED_TXN,
    PURCHASE_ORDER_LINE_RET,
)


def _estimate_line(name: str, *, mod: bool) -> F:
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
        ref("ClassRef"),
        F("Amount", "amt"),
        ref("InventorySiteRef"),
        ref("InventorySiteLocationRef"),
        ref("SalesTaxCodeRef", "SalesTaxCode"),
        F("MarkupRate", "price", ignore=True),
        F("MarkupRatePercent", "pct", ignore=True),
        ref("PriceLevelRef"),
        *(() if mod else (ref("OverrideItemAccountRef"),)),
        S("Other1", 29),
        S("Other2", 29),
        repeat=True,
    )


def _estimate_body(*, mod: bool) -> tuple[F, ...]:
    return (
        ref("CustomerRef", "Customer", required=not mod),
        ref("ClassRef"),
        ref("TemplateRef"),
        F("TxnDate", "date"),
        S("RefNumber", 11),
        address("BillAddress"),
        address("ShipAddress"),
        F("IsActive", "bool"),
        *((F("CreateChangeOrder", "bool", ignore=True),) if mod else ()),
        S("PONumber", 25),
        ref("TermsRef", *TERMS_KINDS),
        F("DueDate", "date"),
        ref("SalesRepRef"),
        S("FOB", 13),
        ref("ItemSalesTaxRef", *SALES_TAX_KINDS),
        S("Memo", 4095),
        ref("CustomerMsgRef"),
        F("IsToBeEmailed", "bool"),
        F("IsTaxIncluded", "bool", ignore=True),
        ref("CustomerSalesTaxCodeRef", "SalesTaxCode"),
        S("Other", 29),
        F("ExchangeRate", "qty", ignore=True),
    )


ESTIMATE_ADD = (
    *_estimate_body(mod=False),
    S("ExternalGUID", ignore=True),
    _estimate_line("EstimateLineAdd", mod=False),
)
ESTIMATE_MOD = (*MOD_HEAD, *_estimate_body(mod=True), _estimate_line("EstimateLineMod", mod=True))
ESTIMATE_LINE_RET = agg(
    "EstimateLineRet",
    F("TxnLineID", "id"),
    ref("ItemRef", *ITEM_KINDS),
    S("Desc"),
    F("Quantity", "qty"),
    F("Rate", "price"),
    F("RatePercent", "pct"),
    F("Amount", "amt"),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    S("Other1"),
    S("Other2"),
    repeat=True,
)
ESTIMATE_RET = (
    *TXN_HEADER,
    ref("CustomerRef", "Customer"),
    F("TxnDate", "date"),
    S("RefNumber"),
    address("BillAddress"),
    address("ShipAddress"),
    F("IsActive", "bool"),
    S("PONumber"),
    ref("TermsRef", *TERMS_KINDS),
    F("DueDate", "date"),
    S("FOB"),
    F("Subtotal", "amt"),
    ref("ItemSalesTaxRef", *SALES_TAX_KINDS),
    F("SalesTaxPercentage", "pct"),
    F("SalesTaxTotal", "amt"),
    F("TotalAmount", "amt"),
    S("Memo"),
    F("IsToBeEmailed", "bool"),
    ref("CustomerSalesTaxCodeRef", "SalesTaxCode"),
    S("Other"),
    LINKED_TXN,
    ESTIMATE_LINE_RET,
)
