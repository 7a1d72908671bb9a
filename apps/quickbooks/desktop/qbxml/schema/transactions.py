"""Transactions: invoices, received payments and inventory adjustments, and voiding them."""

from apps.quickbooks.desktop.qbxml.schema.base import (
    ADDRESS,
    DATA_EXT,
    INCLUDE_RET_ELEMENT,
    LINK_TO_TXN,
    OWNER_ID,
    REF,
    SET_CREDIT,
    TXN_QUERY_HEAD,
    VALUE,
    many,
    node,
    plain_request,
    wrapped_request,
)

_LINE_PRICING = {
    "Rate": VALUE,
    "RatePercent": VALUE,
    "PriceLevelRef": REF,
    "ClassRef": REF,
    "Amount": VALUE,
    "TaxAmount": VALUE,
    "OptionForPriceRuleConflict": VALUE,
    "InventorySiteRef": REF,
    "InventorySiteLocationRef": REF,
    "SerialNumber": VALUE,
    "LotNumber": VALUE,
    "ServiceDate": VALUE,
    "SalesTaxCodeRef": REF,
    "OverrideItemAccountRef": REF,
    "Other1": VALUE,
    "Other2": VALUE,
}

INVOICE_LINE_ADD = node(
    ItemRef=REF,
    Desc=VALUE,
    Quantity=VALUE,
    UnitOfMeasure=VALUE,
    **_LINE_PRICING,
    LinkToTxn=LINK_TO_TXN,
    DataExt=many(DATA_EXT),
)

INVOICE_LINE_GROUP_ADD = node(
    ItemGroupRef=REF,
    Quantity=VALUE,
    UnitOfMeasure=VALUE,
    InventorySiteRef=REF,
    InventorySiteLocationRef=REF,
    DataExt=many(DATA_EXT),
)

# TxnLineID names the line to change; "-1" adds a line. Lines left out of an InvoiceMod are deleted.
INVOICE_LINE_MOD = node(
    TxnLineID=VALUE,
    ItemRef=REF,
    Desc=VALUE,
    Quantity=VALUE,
    UnitOfMeasure=VALUE,
    OverrideUOMSetRef=REF,
    **_LINE_PRICING,
)

INVOICE_LINE_GROUP_MOD = node(
    TxnLineID=VALUE,
    ItemGroupRef=REF,
    Quantity=VALUE,
    UnitOfMeasure=VALUE,
    OverrideUOMSetRef=REF,
    InvoiceLineMod=many(INVOICE_LINE_MOD),
)

_INVOICE_HEADER = {
    "CustomerRef": REF,
    "ClassRef": REF,
    "ARAccountRef": REF,
    "TemplateRef": REF,
    "TxnDate": VALUE,
    "RefNumber": VALUE,
    "BillAddress": ADDRESS,
    "ShipAddress": ADDRESS,
    "IsPending": VALUE,
}

_INVOICE_TERMS = {
    "PONumber": VALUE,
    "TermsRef": REF,
    "DueDate": VALUE,
    "SalesRepRef": REF,
    "FOB": VALUE,
    "ShipDate": VALUE,
    "ShipMethodRef": REF,
    "ItemSalesTaxRef": REF,
    "Memo": VALUE,
    "CustomerMsgRef": REF,
    "IsToBePrinted": VALUE,
    "IsToBeEmailed": VALUE,
    "IsTaxIncluded": VALUE,
    "CustomerSalesTaxCodeRef": REF,
    "Other": VALUE,
    "ExchangeRate": VALUE,
}

# The schema lets line and group lines alternate; a dict writes all InvoiceLineAdd elements, then the groups.
INVOICE_ADD = node(
    **_INVOICE_HEADER,
    IsFinanceCharge=VALUE,
    **_INVOICE_TERMS,
    ExternalGUID=VALUE,
    LinkToTxnID=many(VALUE),
    SetCredit=many(SET_CREDIT),
    InvoiceLineAdd=many(INVOICE_LINE_ADD),
    InvoiceLineGroupAdd=many(INVOICE_LINE_GROUP_ADD),
)

INVOICE_MOD = node(
    TxnID=VALUE,
    EditSequence=VALUE,
    **_INVOICE_HEADER,
    **_INVOICE_TERMS,
    SetCredit=many(SET_CREDIT),
    InvoiceLineMod=many(INVOICE_LINE_MOD),
    InvoiceLineGroupMod=many(INVOICE_LINE_GROUP_MOD),
)

INVOICE_QUERY = node(
    **TXN_QUERY_HEAD,
    PaidStatus=VALUE,
    IncludeLineItems=VALUE,
    IncludeLinkedTxns=VALUE,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

_CREDIT_CARD_TXN_INPUT = {
    "CreditCardNumber": VALUE,
    "ExpirationMonth": VALUE,
    "ExpirationYear": VALUE,
    "NameOnCard": VALUE,
    "CreditCardAddress": VALUE,
    "CreditCardPostalCode": VALUE,
    "CommercialCardCode": VALUE,
    "TransactionMode": VALUE,
    "CreditCardTxnType": VALUE,
}

_CREDIT_CARD_TXN_RESULT = {
    "ResultCode": VALUE,
    "ResultMessage": VALUE,
    "CreditCardTransID": VALUE,
    "MerchantAccountNumber": VALUE,
    "AuthorizationCode": VALUE,
    "AVSStreet": VALUE,
    "AVSZip": VALUE,
    "CardSecurityCodeMatch": VALUE,
    "ReconBatchID": VALUE,
    "PaymentGroupingCode": VALUE,
    "PaymentStatus": VALUE,
    "TxnAuthorizationTime": VALUE,
    "TxnAuthorizationStamp": VALUE,
    "ClientTransID": VALUE,
}

_APPLIED_TO_TXN = {
    "TxnID": VALUE,
    "PaymentAmount": VALUE,
    "SetCredit": many(SET_CREDIT),
    "DiscountAmount": VALUE,
    "DiscountAccountRef": REF,
    "DiscountClassRef": REF,
}

_PAYMENT_HEADER = {
    "CustomerRef": REF,
    "ARAccountRef": REF,
    "TxnDate": VALUE,
    "RefNumber": VALUE,
    "TotalAmount": VALUE,
    "ExchangeRate": VALUE,
    "PaymentMethodRef": REF,
    "Memo": VALUE,
    "DepositToAccountRef": REF,
}

# IsAutoApply and AppliedToTxnAdd are alternatives: QuickBooks applies the payment itself, or as told.
RECEIVE_PAYMENT_ADD = node(
    **_PAYMENT_HEADER,
    CreditCardTxnInfo=node(
        CreditCardTxnInputInfo=node(**_CREDIT_CARD_TXN_INPUT),
        CreditCardTxnResultInfo=node(**_CREDIT_CARD_TXN_RESULT),
    ),
    ExternalGUID=VALUE,
    IsAutoApply=VALUE,
    AppliedToTxnAdd=many(node(**_APPLIED_TO_TXN)),
)

RECEIVE_PAYMENT_MOD = node(
    TxnID=VALUE,
    EditSequence=VALUE,
    **_PAYMENT_HEADER,
    CreditCardTxnInfoMod=node(
        CreditCardTxnInputInfoMod=node(**_CREDIT_CARD_TXN_INPUT),
        CreditCardTxnResultInfoMod=node(**_CREDIT_CARD_TXN_RESULT),
    ),
    AppliedToTxnMod=many(node(**_APPLIED_TO_TXN)),
)

RECEIVE_PAYMENT_QUERY = node(
    **TXN_QUERY_HEAD,
    IncludeLineItems=VALUE,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

# Voids a transaction: its amounts become zero and "VOID:" goes before its memo; it is not deleted.
TXN_VOID = node(TxnVoidType=VALUE, TxnID=VALUE)

# A line adjusts its item one way (a schema choice); FieldOffice sends quantity differences only.
INVENTORY_ADJUSTMENT_ADD = node(
    AccountRef=REF,
    TxnDate=VALUE,
    RefNumber=VALUE,
    InventorySiteRef=REF,
    CustomerRef=REF,
    ClassRef=REF,
    Memo=VALUE,
    ExternalGUID=VALUE,
    InventoryAdjustmentLineAdd=many(
        node(
            ItemRef=REF,
            QuantityAdjustment=node(
                NewQuantity=VALUE,
                QuantityDifference=VALUE,
                SerialNumber=VALUE,
                LotNumber=VALUE,
                InventorySiteLocationRef=REF,
            ),
        )
    ),
)

INVENTORY_ADJUSTMENT_QUERY = node(
    **TXN_QUERY_HEAD,
    ItemFilter=node(ListID=many(VALUE), FullName=many(VALUE)),
    IncludeLineItems=VALUE,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

REQUESTS = (
    wrapped_request("InvoiceAdd", INVOICE_ADD),
    wrapped_request("InvoiceMod", INVOICE_MOD),
    plain_request("InvoiceQuery", INVOICE_QUERY, iterator=True),
    wrapped_request("ReceivePaymentAdd", RECEIVE_PAYMENT_ADD),
    wrapped_request("ReceivePaymentMod", RECEIVE_PAYMENT_MOD),
    plain_request("ReceivePaymentQuery", RECEIVE_PAYMENT_QUERY, iterator=True),
    plain_request("TxnVoid", TXN_VOID),
    wrapped_request("InventoryAdjustmentAdd", INVENTORY_ADJUSTMENT_ADD),
    plain_request("InventoryAdjustmentQuery", INVENTORY_ADJUSTMENT_QUERY, iterator=False),
)
