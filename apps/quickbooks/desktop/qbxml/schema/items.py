"""Items: service, non-inventory, other charge, inventory and sales tax items, and the query over all of them."""

from apps.quickbooks.desktop.qbxml.schema.base import (
    BAR_CODE,
    INCLUDE_RET_ELEMENT,
    LIST_FILTER,
    LIST_QUERY_HEAD,
    OWNER_ID,
    REF,
    VALUE,
    node,
    plain_request,
    wrapped_request,
)

# An item is either sold or bought through one account, or sold and bought through two.
SALES_OR_PURCHASE = node(Desc=VALUE, Price=VALUE, PricePercent=VALUE, AccountRef=REF)
SALES_AND_PURCHASE = node(
    SalesDesc=VALUE,
    SalesPrice=VALUE,
    IncomeAccountRef=REF,
    PurchaseDesc=VALUE,
    PurchaseCost=VALUE,
    PurchaseTaxCodeRef=REF,
    ExpenseAccountRef=REF,
    PrefVendorRef=REF,
)
SALES_OR_PURCHASE_MOD = node(
    Desc=VALUE,
    Price=VALUE,
    PricePercent=VALUE,
    AccountRef=REF,
    ApplyAccountRefToExistingTxns=VALUE,
)
SALES_AND_PURCHASE_MOD = node(
    SalesDesc=VALUE,
    SalesPrice=VALUE,
    IncomeAccountRef=REF,
    ApplyIncomeAccountRefToExistingTxns=VALUE,
    PurchaseDesc=VALUE,
    PurchaseCost=VALUE,
    PurchaseTaxCodeRef=REF,
    ExpenseAccountRef=REF,
    ApplyExpenseAccountRefToExistingTxns=VALUE,
    PrefVendorRef=REF,
)

_MOD_HEAD = {"ListID": VALUE, "EditSequence": VALUE, "Name": VALUE, "BarCode": BAR_CODE, "IsActive": VALUE}

ITEM_SERVICE_ADD = node(
    Name=VALUE,
    BarCode=BAR_CODE,
    IsActive=VALUE,
    ClassRef=REF,
    ParentRef=REF,
    UnitOfMeasureSetRef=REF,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchase=SALES_OR_PURCHASE,
    SalesAndPurchase=SALES_AND_PURCHASE,
    ExternalGUID=VALUE,
)

ITEM_SERVICE_MOD = node(
    **_MOD_HEAD,
    ClassRef=REF,
    ParentRef=REF,
    UnitOfMeasureSetRef=REF,
    ForceUOMChange=VALUE,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchaseMod=SALES_OR_PURCHASE_MOD,
    SalesAndPurchaseMod=SALES_AND_PURCHASE_MOD,
)

# Unlike the service item, the non-inventory item puts ParentRef before ClassRef on Add (and not on Mod).
ITEM_NON_INVENTORY_ADD = node(
    Name=VALUE,
    BarCode=BAR_CODE,
    IsActive=VALUE,
    ParentRef=REF,
    ClassRef=REF,
    ManufacturerPartNumber=VALUE,
    UnitOfMeasureSetRef=REF,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchase=SALES_OR_PURCHASE,
    SalesAndPurchase=SALES_AND_PURCHASE,
    ExternalGUID=VALUE,
)

ITEM_NON_INVENTORY_MOD = node(
    **_MOD_HEAD,
    ClassRef=REF,
    ParentRef=REF,
    ManufacturerPartNumber=VALUE,
    UnitOfMeasureSetRef=REF,
    ForceUOMChange=VALUE,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchaseMod=SALES_OR_PURCHASE_MOD,
    SalesAndPurchaseMod=SALES_AND_PURCHASE_MOD,
)

ITEM_OTHER_CHARGE_ADD = node(
    Name=VALUE,
    BarCode=BAR_CODE,
    IsActive=VALUE,
    ClassRef=REF,
    ParentRef=REF,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchase=SALES_OR_PURCHASE,
    SalesAndPurchase=SALES_AND_PURCHASE,
    ExternalGUID=VALUE,
)

ITEM_OTHER_CHARGE_MOD = node(
    **_MOD_HEAD,
    ClassRef=REF,
    ParentRef=REF,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesOrPurchaseMod=SALES_OR_PURCHASE_MOD,
    SalesAndPurchaseMod=SALES_AND_PURCHASE_MOD,
)

ITEM_INVENTORY_ADD = node(
    Name=VALUE,
    BarCode=BAR_CODE,
    IsActive=VALUE,
    ClassRef=REF,
    ParentRef=REF,
    ManufacturerPartNumber=VALUE,
    UnitOfMeasureSetRef=REF,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesDesc=VALUE,
    SalesPrice=VALUE,
    IncomeAccountRef=REF,
    PurchaseDesc=VALUE,
    PurchaseCost=VALUE,
    PurchaseTaxCodeRef=REF,
    COGSAccountRef=REF,
    PrefVendorRef=REF,
    AssetAccountRef=REF,
    ReorderPoint=VALUE,
    Max=VALUE,
    QuantityOnHand=VALUE,
    TotalValue=VALUE,
    InventoryDate=VALUE,
    ExternalGUID=VALUE,
)

# Quantities and values on hand change through inventory adjustments, not through a Mod.
ITEM_INVENTORY_MOD = node(
    **_MOD_HEAD,
    ClassRef=REF,
    ParentRef=REF,
    ManufacturerPartNumber=VALUE,
    UnitOfMeasureSetRef=REF,
    ForceUOMChange=VALUE,
    IsTaxIncluded=VALUE,
    SalesTaxCodeRef=REF,
    SalesDesc=VALUE,
    SalesPrice=VALUE,
    IncomeAccountRef=REF,
    ApplyIncomeAccountRefToExistingTxns=VALUE,
    PurchaseDesc=VALUE,
    PurchaseCost=VALUE,
    PurchaseTaxCodeRef=REF,
    COGSAccountRef=REF,
    ApplyCOGSAccountRefToExistingTxns=VALUE,
    PrefVendorRef=REF,
    AssetAccountRef=REF,
    ReorderPoint=VALUE,
    Max=VALUE,
)

ITEM_SALES_TAX_ADD = node(
    Name=VALUE,
    BarCode=BAR_CODE,
    IsActive=VALUE,
    ClassRef=REF,
    ItemDesc=VALUE,
    TaxRate=VALUE,
    TaxVendorRef=REF,
    SalesTaxReturnLineRef=REF,
    ExternalGUID=VALUE,
)

ITEM_SALES_TAX_MOD = node(
    **_MOD_HEAD,
    ClassRef=REF,
    ItemDesc=VALUE,
    TaxRate=VALUE,
    TaxVendorRef=REF,
    SalesTaxReturnLineRef=REF,
)

# ItemQuery covers every item type and has no class filter; the per-type queries have one.
ITEM_QUERY = node(**LIST_QUERY_HEAD, IncludeRetElement=INCLUDE_RET_ELEMENT, OwnerID=OWNER_ID)
ITEM_TYPE_QUERY = node(
    **LIST_QUERY_HEAD,
    ClassFilter=LIST_FILTER,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

REQUESTS = (
    plain_request("ItemQuery", ITEM_QUERY, iterator=True),
    wrapped_request("ItemServiceAdd", ITEM_SERVICE_ADD),
    wrapped_request("ItemServiceMod", ITEM_SERVICE_MOD),
    plain_request("ItemServiceQuery", ITEM_TYPE_QUERY, iterator=True),
    wrapped_request("ItemNonInventoryAdd", ITEM_NON_INVENTORY_ADD),
    wrapped_request("ItemNonInventoryMod", ITEM_NON_INVENTORY_MOD),
    plain_request("ItemNonInventoryQuery", ITEM_TYPE_QUERY, iterator=True),
    wrapped_request("ItemOtherChargeAdd", ITEM_OTHER_CHARGE_ADD),
    wrapped_request("ItemOtherChargeMod", ITEM_OTHER_CHARGE_MOD),
    plain_request("ItemOtherChargeQuery", ITEM_TYPE_QUERY, iterator=True),
    wrapped_request("ItemInventoryAdd", ITEM_INVENTORY_ADD),
    wrapped_request("ItemInventoryMod", ITEM_INVENTORY_MOD),
    plain_request("ItemInventoryQuery", ITEM_TYPE_QUERY, iterator=True),
    wrapped_request("ItemSalesTaxAdd", ITEM_SALES_TAX_ADD),
    wrapped_request("ItemSalesTaxMod", ITEM_SALES_TAX_MOD),
    plain_request("ItemSalesTaxQuery", ITEM_TYPE_QUERY, iterator=True),
    # Groups are a short list, read whole without an iterator.
    plain_request("ItemSalesTaxGroupQuery", ITEM_QUERY),
)
