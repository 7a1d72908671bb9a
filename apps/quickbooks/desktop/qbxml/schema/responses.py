"""
Which elements of a response may repeat, so that the parser returns them as lists even when there is one.

Taken from the ``may rep`` / ``0 or more`` marks of the response half of the same qbXML 13.0 sample (every
response type, so that a record of any type reads the same way). Reports are not covered: their rows carry their
values in attributes.
"""

REPEATED = frozenset(
    {
        # Names.
        "AdditionalContactRef",
        "AdditionalNotesRet",
        "ContactsRet",
        "DataExtRet",
        "LeadContactsRet",
        "LocationsRet",
        "PrefillAccountRef",
        "ShipToAddress",
        # Items and lists.
        "AssignToObject",
        "BillingRatePerItemRet",
        "DefaultUnit",
        "ItemGroupLine",
        "ItemInventoryAssemblyLine",
        "PriceLevelPerItemRet",
        "RateHistory",
        "RelatedUnit",
        # Transaction lines and links.
        "AppliedToTxnRet",
        "ComponentItemLineRet",
        "CreditMemoLineGroupRet",
        "CreditMemoLineRet",
        "DataExt",
        "DepositLineRet",
        "EstimateLineGroupRet",
        "EstimateLineRet",
        "ExpenseLineRet",
        "InventoryAdjustmentLineRet",
        "InvoiceLineGroupRet",
        "InvoiceLineRet",
        "ItemGroupLineRet",
        "ItemLineRet",
        "JournalCreditLine",
        "JournalDebitLine",
        "LinkedTxn",
        "PurchaseOrderLineGroupRet",
        "PurchaseOrderLineRet",
        "RefundAppliedToTxnRet",
        "SalesOrderLineGroupRet",
        "SalesOrderLineRet",
        "SalesReceiptLineGroupRet",
        "SalesReceiptLineRet",
        "SalesTaxLineRet",
        "SalesTaxPayableLineRet",
        "SalesTaxPaymentCheckLineRet",
        "TransferInventoryLineRet",
        # Company, host, payroll.
        "CategoryAccountMapping",
        "Earnings",
        "Service",
        "SupportedQBXMLVersion",
        # Deleted records, when they appear below a response rather than as its records.
        "ListDeletedRet",
        "TxnDeletedRet",
    }
)

# Names that repeat below one parent only: a sales tax group lists its tax items, a 1099 mapping its accounts, while
# a customer or an invoice has a single ItemSalesTaxRef and a check a single AccountRef.
REPEATED_UNDER = frozenset(
    {
        ("ItemSalesTaxGroupRet", "ItemSalesTaxRef"),
        ("CategoryAccountMapping", "AccountRef"),
    }
)


def repeats(*, parent: str, name: str) -> bool:
    return name in REPEATED or (parent, name) in REPEATED_UNDER
