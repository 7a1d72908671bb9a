"""The parts entities share: references, addresses, phones, lines, tax details, and the envelope every entity has."""

from apps.qbo_sandbox.entities.schema import (
    ANY,
    BOOL,
    DATE,
    DATETIME,
    DECIMAL,
    INT,
    REF,
    Field,
    Schema,
    array,
    enum,
    obj,
    read_only,
    text,
)

# Present on every object; the services read Id, SyncToken and sparse, and stamp the rest.
ENVELOPE: Schema = {
    "Id": text(),
    "SyncToken": text(),
    "sparse": BOOL,
    "domain": read_only(text()),
    "status": read_only(text()),
    "MetaData": read_only(obj({"CreateTime": DATETIME, "LastUpdatedTime": DATETIME, "LastModifiedByRef": REF})),
}

ADDRESS = obj(
    {
        "Id": text(),
        "Line1": text(500),
        "Line2": text(500),
        "Line3": text(500),
        "Line4": text(500),
        "Line5": text(500),
        "City": text(255),
        "Country": text(255),
        "CountryCode": text(),
        "CountrySubDivisionCode": text(255),
        "PostalCode": text(30),
        "PostalCodeSuffix": text(30),
        # Geocodes QuickBooks computes; never taken from a client.
        "Lat": read_only(text()),
        "Long": read_only(text()),
        "Note": text(),
        "Tag": text(),
    }
)
PHONE = obj(
    {
        "FreeFormNumber": text(30),
        "DeviceType": text(),
        "CountryCode": text(),
        "AreaCode": text(),
        "ExchangeCode": text(),
        "Extension": text(),
        "Default": BOOL,
        "Tag": text(),
    }
)
EMAIL = obj({"Address": text(100), "Default": BOOL, "Tag": text()})
WEB_ADDRESS = obj({"URI": text(1000), "Default": BOOL, "Tag": text()})
MEMO = obj({"value": text(1000), "id": text()})

CUSTOM_FIELDS = array(
    obj(
        {
            "DefinitionId": text(),
            "Name": text(),
            "Type": text(),
            "StringValue": text(),
            "BooleanValue": BOOL,
            "DateValue": DATE,
            "NumberValue": DECIMAL,
        }
    )
)
LINKED_TXNS = array(obj({"TxnId": text(), "TxnType": text(), "TxnLineId": text()}))
MARKUP_INFO = obj(
    {
        "PercentBased": BOOL,
        "Value": DECIMAL,
        "Percent": DECIMAL,
        "PriceLevelRef": REF,
        "MarkUpIncomeAccountRef": REF,
    }
)
TXN_TAX_DETAIL = obj(
    {
        "TxnTaxCodeRef": REF,
        "TotalTax": DECIMAL,
        "TaxLine": array(
            obj(
                {
                    "Id": text(),
                    "LineNum": INT,
                    "Description": text(),
                    "Amount": DECIMAL,
                    "DetailType": text(),
                    "TaxLineDetail": obj(
                        {
                            "TaxRateRef": REF,
                            "PercentBased": BOOL,
                            "TaxPercent": DECIMAL,
                            "NetAmountTaxable": DECIMAL,
                            "TaxInclusiveAmount": DECIMAL,
                            "OverrideDeltaAmount": DECIMAL,
                        }
                    ),
                }
            )
        ),
    },
    keep_empty=True,
)

LINE_COMMON: Schema = {
    "Id": text(),
    "LineNum": INT,
    "Description": text(4000),
    "Amount": DECIMAL,
    "DetailType": text(),
    "LinkedTxn": LINKED_TXNS,
    "CustomField": CUSTOM_FIELDS,
    "ProjectRef": REF,
}

SALES_LINE_TYPES = (
    "SalesItemLineDetail",
    "GroupLineDetail",
    "DescriptionOnly",
    "DiscountLineDetail",
    "SubTotalLineDetail",
)
SALES_ITEM_LINE_DETAIL = obj(
    {
        "ItemRef": REF,
        "ItemAccountRef": REF,
        "ClassRef": REF,
        "TaxCodeRef": REF,
        "PriceLevelRef": REF,
        "TaxClassificationRef": REF,
        "MarkupInfo": MARKUP_INFO,
        "UnitPrice": DECIMAL,
        "Qty": DECIMAL,
        "ServiceDate": DATE,
        "TaxInclusiveAmt": DECIMAL,
        "DiscountAmt": DECIMAL,
        "DiscountRate": DECIMAL,
    },
    keep_empty=True,
)
DISCOUNT_LINE_DETAIL = obj(
    {
        "PercentBased": BOOL,
        "DiscountPercent": DECIMAL,
        "DiscountAccountRef": REF,
        "ClassRef": REF,
        "TaxCodeRef": REF,
        # python-quickbooks' DiscountOverride.
        "Discount": obj(
            {"PercentBased": BOOL, "DiscountPercent": DECIMAL, "DiscountRef": REF, "DiscountAccountRef": REF}
        ),
    },
    keep_empty=True,
)
SALES_LINE = obj(
    {
        **LINE_COMMON,
        "SalesItemLineDetail": SALES_ITEM_LINE_DETAIL,
        "SubTotalLineDetail": obj({"ItemRef": REF}, keep_empty=True),
        # python-quickbooks' spelling of the same detail, sent when a client sets it.
        "SubtotalLineDetail": obj({"ItemRef": REF}, keep_empty=True),
        "DiscountLineDetail": DISCOUNT_LINE_DETAIL,
        "DescriptionLineDetail": obj({"ServiceDate": DATE, "TaxCodeRef": REF}, keep_empty=True),
        "GroupLineDetail": ANY,
    },
    keep_empty=True,
)

BILLABLE_STATUS = enum("Billable", "NotBillable", "HasBeenBilled")
EXPENSE_LINE_TYPES = ("ItemBasedExpenseLineDetail", "AccountBasedExpenseLineDetail", "TDSLineDetail")
EXPENSE_LINE = obj(
    {
        **LINE_COMMON,
        "ItemBasedExpenseLineDetail": obj(
            {
                "ItemRef": REF,
                "ClassRef": REF,
                "PriceLevelRef": REF,
                "TaxCodeRef": REF,
                "CustomerRef": REF,
                "MarkupInfo": MARKUP_INFO,
                "BillableStatus": BILLABLE_STATUS,
                "UnitPrice": DECIMAL,
                "Qty": DECIMAL,
                "TaxInclusiveAmt": DECIMAL,
            },
            keep_empty=True,
        ),
        "AccountBasedExpenseLineDetail": obj(
            {
                "AccountRef": REF,
                "CustomerRef": REF,
                "ClassRef": REF,
                "TaxCodeRef": REF,
                "MarkupInfo": MARKUP_INFO,
                "BillableStatus": BILLABLE_STATUS,
                "TaxAmount": DECIMAL,
                "TaxInclusiveAmt": DECIMAL,
            },
            keep_empty=True,
        ),
        "TDSLineDetail": ANY,
    },
    keep_empty=True,
)

DELIVERY_INFO = obj({"DeliveryType": text(), "DeliveryTime": DATETIME})
PRINT_STATUS = enum("NotSet", "NeedToPrint", "PrintComplete")
EMAIL_STATUS = enum("NotSet", "NeedToSend", "EmailSent")
GLOBAL_TAX_CALCULATION = enum("TaxExcluded", "TaxInclusive", "NotApplicable")


def entity_schema(fields: Schema) -> dict[str, Field]:
    """An entity's properties with the envelope every object has."""
    return {**ENVELOPE, **fields}
