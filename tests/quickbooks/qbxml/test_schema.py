"""
Element order: whatever order the fields come in, the document has them in qbXML 13.0's order.

Every request spec is built with all of its elements, given in reverse and shuffled order; the orders that matter
most to FieldOffice are also pinned here as written in Intuit's qbXML 13.0 reference, independently of the specs.
"""

import random

import pytest
from lxml import etree

from apps.quickbooks.desktop.qbxml import REQUEST_KINDS, Request, request_document
from apps.quickbooks.desktop.qbxml.schema import REQUESTS, Spec

REF = ["ListID", "FullName"]
ADDRESS = ["Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country", "Note"]


def _all_fields(spec: Spec, order) -> dict:
    fields = {}
    for name, child in order(list(spec.children)):
        value = "v" if child.holds_value else _all_fields(child, order)
        fields[name] = [value, value] if child.repeats else value
    return fields


def _expected_tree(spec: Spec) -> list:
    tree = []
    for name, child in spec.children:
        entry = (name, _expected_tree(child))
        tree.extend([entry, entry] if child.repeats else [entry])
    return tree


def _tree(element) -> list:
    return [(child.tag, _tree(child)) for child in element]


def _request_element(request: Request):
    document = request_document([request]).encode("utf-8")
    return etree.fromstring(document).find("QBXMLMsgsRq")[0]


def _request_fields(kind: str, order) -> dict:
    spec = REQUESTS[kind]
    if not spec.wrapper:
        return _all_fields(spec.body, order)
    fields = _all_fields(spec.body.index[spec.wrapper], order)
    if "IncludeRetElement" in spec.body.index:
        fields["IncludeRetElement"] = ["ListID", "Name"]
    return fields


def _reversed(children):
    return reversed(children)


def _shuffled(seed):
    def order(children):
        shuffled = list(children)
        random.Random(seed).shuffle(shuffled)
        return shuffled

    return order


@pytest.mark.parametrize("kind", sorted(REQUESTS))
@pytest.mark.parametrize("order", [_reversed, _shuffled(1), _shuffled(2)], ids=["reversed", "shuffled1", "shuffled2"])
def test_every_element_of_every_request_comes_out_in_schema_order(kind, order):
    fields = _request_fields(kind, order)

    element = _request_element(Request(kind=kind, fields=fields))

    assert element.tag == f"{kind}Rq"
    assert _tree(element) == _expected_tree(REQUESTS[kind].body)


def test_fields_are_really_given_out_of_order():
    fields = _request_fields("CustomerAdd", _reversed)

    assert list(fields)[:3] == ["CurrencyRef", "TaxRegistrationNumber", "ExternalGUID"]
    assert list(fields["BillAddress"])[:2] == ["Note", "Country"]


def test_the_brief_list_of_requests_is_supported():
    required = {
        "CustomerAdd", "CustomerMod", "CustomerQuery", "VendorQuery", "ItemQuery",
        "ItemServiceAdd", "ItemServiceMod", "ItemServiceQuery",
        "ItemNonInventoryAdd", "ItemNonInventoryMod", "ItemNonInventoryQuery",
        "ItemInventoryAdd", "ItemInventoryMod", "ItemInventoryQuery",
        "ItemSalesTaxAdd", "ItemSalesTaxMod", "ItemSalesTaxQuery", "ItemSalesTaxGroupQuery",
        "SalesTaxCodeAdd", "SalesTaxCodeMod", "SalesTaxCodeQuery",
        "StandardTermsAdd", "StandardTermsQuery", "DateDrivenTermsAdd", "DateDrivenTermsQuery", "TermsQuery",
        "AccountAdd", "AccountQuery", "InvoiceAdd", "InvoiceMod", "InvoiceQuery",
        "ReceivePaymentAdd", "ReceivePaymentQuery", "ListDeletedQuery", "TxnDeletedQuery", "ListDel", "TxnDel",
        "TxnVoid", "CompanyQuery", "HostQuery", "PreferencesQuery", "DataExtAdd", "DataExtMod",
    }  # fmt: skip
    assert required <= REQUEST_KINDS


# Orders pinned from Intuit's reference. Each entry: request kind, path below the Rq element, expected names.
PINNED = [
    (
        "CustomerAdd",
        ["CustomerAdd"],
        [
            "Name", "IsActive", "ClassRef", "ParentRef", "CompanyName", "Salutation", "FirstName", "MiddleName",
            "LastName", "JobTitle", "BillAddress", "ShipAddress", "ShipToAddress", "Phone", "AltPhone", "Fax",
            "Email", "Cc", "Contact", "AltContact", "AdditionalContactRef", "Contacts", "CustomerTypeRef",
            "TermsRef", "SalesRepRef", "OpenBalance", "OpenBalanceDate", "SalesTaxCodeRef", "ItemSalesTaxRef",
            "SalesTaxCountry", "ResaleNumber", "AccountNumber", "CreditLimit", "PreferredPaymentMethodRef",
            "CreditCardInfo", "JobStatus", "JobStartDate", "JobProjectedEndDate", "JobEndDate", "JobDesc",
            "JobTypeRef", "Notes", "AdditionalNotes", "PreferredDeliveryMethod", "PriceLevelRef", "ExternalGUID",
            "TaxRegistrationNumber", "CurrencyRef",
        ],
    ),
    ("CustomerAdd", ["CustomerAdd", "BillAddress"], ADDRESS),
    ("CustomerAdd", ["CustomerAdd", "ShipAddress"], ADDRESS),
    ("CustomerAdd", ["CustomerAdd", "ShipToAddress"], ["Name", *ADDRESS, "DefaultShipTo"]),
    ("CustomerAdd", ["CustomerAdd", "ParentRef"], REF),
    ("CustomerAdd", ["CustomerAdd", "TermsRef"], REF),
    (
        "CustomerMod",
        ["CustomerMod"],
        [
            "ListID", "EditSequence", "Name", "IsActive", "ClassRef", "ParentRef", "CompanyName", "Salutation",
            "FirstName", "MiddleName", "LastName", "JobTitle", "BillAddress", "ShipAddress", "ShipToAddress",
            "Phone", "AltPhone", "Fax", "Email", "Cc", "Contact", "AltContact", "AdditionalContactRef",
            "ContactsMod", "CustomerTypeRef", "TermsRef", "SalesRepRef", "SalesTaxCodeRef", "ItemSalesTaxRef",
            "SalesTaxCountry", "ResaleNumber", "AccountNumber", "CreditLimit", "PreferredPaymentMethodRef",
            "CreditCardInfo", "JobStatus", "JobStartDate", "JobProjectedEndDate", "JobEndDate", "JobDesc",
            "JobTypeRef", "Notes", "AdditionalNotesMod", "PreferredDeliveryMethod", "PriceLevelRef",
            "TaxRegistrationNumber", "CurrencyRef",
        ],
    ),
    (
        "CustomerQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "TotalBalanceFilter", "CurrencyFilter", "ClassFilter", "IncludeRetElement", "OwnerID",
        ],
    ),
    ("CustomerQuery", ["NameFilter"], ["MatchCriterion", "Name"]),
    (
        "VendorQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "TotalBalanceFilter", "CurrencyFilter", "ClassFilter", "IncludeRetElement", "OwnerID",
        ],
    ),
    (
        "ItemQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "IncludeRetElement", "OwnerID",
        ],
    ),
    (
        "ItemServiceAdd",
        ["ItemServiceAdd"],
        [
            "Name", "BarCode", "IsActive", "ClassRef", "ParentRef", "UnitOfMeasureSetRef", "IsTaxIncluded",
            "SalesTaxCodeRef", "SalesOrPurchase", "SalesAndPurchase", "ExternalGUID",
        ],
    ),
    ("ItemServiceAdd", ["ItemServiceAdd", "SalesOrPurchase"], ["Desc", "Price", "PricePercent", "AccountRef"]),
    (
        "ItemServiceAdd",
        ["ItemServiceAdd", "SalesAndPurchase"],
        [
            "SalesDesc", "SalesPrice", "IncomeAccountRef", "PurchaseDesc", "PurchaseCost", "PurchaseTaxCodeRef",
            "ExpenseAccountRef", "PrefVendorRef",
        ],
    ),
    (
        "ItemServiceMod",
        ["ItemServiceMod"],
        [
            "ListID", "EditSequence", "Name", "BarCode", "IsActive", "ClassRef", "ParentRef", "UnitOfMeasureSetRef",
            "ForceUOMChange", "IsTaxIncluded", "SalesTaxCodeRef", "SalesOrPurchaseMod", "SalesAndPurchaseMod",
        ],
    ),
    (
        "ItemServiceMod",
        ["ItemServiceMod", "SalesOrPurchaseMod"],
        ["Desc", "Price", "PricePercent", "AccountRef", "ApplyAccountRefToExistingTxns"],
    ),
    (
        "ItemNonInventoryAdd",
        ["ItemNonInventoryAdd"],
        [
            "Name", "BarCode", "IsActive", "ParentRef", "ClassRef", "ManufacturerPartNumber", "UnitOfMeasureSetRef",
            "IsTaxIncluded", "SalesTaxCodeRef", "SalesOrPurchase", "SalesAndPurchase", "ExternalGUID",
        ],
    ),
    (
        "ItemInventoryAdd",
        ["ItemInventoryAdd"],
        [
            "Name", "BarCode", "IsActive", "ClassRef", "ParentRef", "ManufacturerPartNumber", "UnitOfMeasureSetRef",
            "IsTaxIncluded", "SalesTaxCodeRef", "SalesDesc", "SalesPrice", "IncomeAccountRef", "PurchaseDesc",
            "PurchaseCost", "PurchaseTaxCodeRef", "COGSAccountRef", "PrefVendorRef", "AssetAccountRef",
            "ReorderPoint", "Max", "QuantityOnHand", "TotalValue", "InventoryDate", "ExternalGUID",
        ],
    ),
    (
        "ItemSalesTaxAdd",
        ["ItemSalesTaxAdd"],
        [
            "Name", "BarCode", "IsActive", "ClassRef", "ItemDesc", "TaxRate", "TaxVendorRef",
            "SalesTaxReturnLineRef", "ExternalGUID",
        ],
    ),
    (
        "ItemSalesTaxGroupQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "IncludeRetElement", "OwnerID",
        ],
    ),
    (
        "SalesTaxCodeAdd",
        ["SalesTaxCodeAdd"],
        ["Name", "IsActive", "IsTaxable", "Desc", "ItemPurchaseTaxRef", "ItemSalesTaxRef"],
    ),
    (
        "SalesTaxCodeMod",
        ["SalesTaxCodeMod"],
        ["ListID", "EditSequence", "Name", "IsActive", "IsTaxable", "Desc", "ItemPurchaseTaxRef", "ItemSalesTaxRef"],
    ),
    (
        "StandardTermsAdd",
        ["StandardTermsAdd"],
        ["Name", "IsActive", "StdDueDays", "StdDiscountDays", "DiscountPct"],
    ),
    (
        "DateDrivenTermsAdd",
        ["DateDrivenTermsAdd"],
        ["Name", "IsActive", "DayOfMonthDue", "DueNextMonthDays", "DiscountDayOfMonth", "DiscountPct"],
    ),
    (
        "TermsQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "IncludeRetElement",
        ],
    ),
    (
        "AccountAdd",
        ["AccountAdd"],
        [
            "Name", "IsActive", "ParentRef", "AccountType", "AccountNumber", "BankNumber", "Desc", "OpenBalance",
            "OpenBalanceDate", "SalesTaxCodeRef", "TaxLineID", "CurrencyRef",
        ],
    ),
    (
        "AccountQuery",
        [],
        [
            "ListID", "FullName", "MaxReturned", "ActiveStatus", "FromModifiedDate", "ToModifiedDate", "NameFilter",
            "NameRangeFilter", "AccountType", "CurrencyFilter", "IncludeRetElement", "OwnerID",
        ],
    ),
    (
        "InvoiceAdd",
        ["InvoiceAdd"],
        [
            "CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber", "BillAddress",
            "ShipAddress", "IsPending", "IsFinanceCharge", "PONumber", "TermsRef", "DueDate", "SalesRepRef", "FOB",
            "ShipDate", "ShipMethodRef", "ItemSalesTaxRef", "Memo", "CustomerMsgRef", "IsToBePrinted",
            "IsToBeEmailed", "IsTaxIncluded", "CustomerSalesTaxCodeRef", "Other", "ExchangeRate", "ExternalGUID",
            "LinkToTxnID", "SetCredit", "InvoiceLineAdd", "InvoiceLineGroupAdd",
        ],
    ),
    (
        "InvoiceAdd",
        ["InvoiceAdd", "InvoiceLineAdd"],
        [
            "ItemRef", "Desc", "Quantity", "UnitOfMeasure", "Rate", "RatePercent", "PriceLevelRef", "ClassRef",
            "Amount", "TaxAmount", "OptionForPriceRuleConflict", "InventorySiteRef", "InventorySiteLocationRef",
            "SerialNumber", "LotNumber", "ServiceDate", "SalesTaxCodeRef", "OverrideItemAccountRef", "Other1",
            "Other2", "LinkToTxn", "DataExt",
        ],
    ),
    ("InvoiceAdd", ["InvoiceAdd", "InvoiceLineAdd", "DataExt"], ["OwnerID", "DataExtName", "DataExtValue"]),
    (
        "InvoiceMod",
        ["InvoiceMod"],
        [
            "TxnID", "EditSequence", "CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate",
            "RefNumber", "BillAddress", "ShipAddress", "IsPending", "PONumber", "TermsRef", "DueDate", "SalesRepRef",
            "FOB", "ShipDate", "ShipMethodRef", "ItemSalesTaxRef", "Memo", "CustomerMsgRef", "IsToBePrinted",
            "IsToBeEmailed", "IsTaxIncluded", "CustomerSalesTaxCodeRef", "Other", "ExchangeRate", "SetCredit",
            "InvoiceLineMod", "InvoiceLineGroupMod",
        ],
    ),
    (
        "InvoiceMod",
        ["InvoiceMod", "InvoiceLineMod"],
        [
            "TxnLineID", "ItemRef", "Desc", "Quantity", "UnitOfMeasure", "OverrideUOMSetRef", "Rate", "RatePercent",
            "PriceLevelRef", "ClassRef", "Amount", "TaxAmount", "OptionForPriceRuleConflict", "InventorySiteRef",
            "InventorySiteLocationRef", "SerialNumber", "LotNumber", "ServiceDate", "SalesTaxCodeRef",
            "OverrideItemAccountRef", "Other1", "Other2",
        ],
    ),
    (
        "InvoiceQuery",
        [],
        [
            "TxnID", "RefNumber", "RefNumberCaseSensitive", "MaxReturned", "ModifiedDateRangeFilter",
            "TxnDateRangeFilter", "EntityFilter", "AccountFilter", "RefNumberFilter", "RefNumberRangeFilter",
            "CurrencyFilter", "PaidStatus", "IncludeLineItems", "IncludeLinkedTxns", "IncludeRetElement", "OwnerID",
        ],
    ),
    ("InvoiceQuery", ["TxnDateRangeFilter"], ["FromTxnDate", "ToTxnDate", "DateMacro"]),
    ("InvoiceQuery", ["EntityFilter"], ["ListID", "FullName", "ListIDWithChildren", "FullNameWithChildren"]),
    (
        "ReceivePaymentAdd",
        ["ReceivePaymentAdd"],
        [
            "CustomerRef", "ARAccountRef", "TxnDate", "RefNumber", "TotalAmount", "ExchangeRate", "PaymentMethodRef",
            "Memo", "DepositToAccountRef", "CreditCardTxnInfo", "ExternalGUID", "IsAutoApply", "AppliedToTxnAdd",
        ],
    ),
    (
        "ReceivePaymentAdd",
        ["ReceivePaymentAdd", "AppliedToTxnAdd"],
        ["TxnID", "PaymentAmount", "SetCredit", "DiscountAmount", "DiscountAccountRef", "DiscountClassRef"],
    ),
    (
        "ReceivePaymentQuery",
        [],
        [
            "TxnID", "RefNumber", "RefNumberCaseSensitive", "MaxReturned", "ModifiedDateRangeFilter",
            "TxnDateRangeFilter", "EntityFilter", "AccountFilter", "RefNumberFilter", "RefNumberRangeFilter",
            "CurrencyFilter", "IncludeLineItems", "IncludeRetElement", "OwnerID",
        ],
    ),
    ("ListDeletedQuery", [], ["ListDelType", "DeletedDateRangeFilter", "IncludeRetElement"]),
    ("ListDeletedQuery", ["DeletedDateRangeFilter"], ["FromDeletedDate", "ToDeletedDate"]),
    ("TxnDeletedQuery", [], ["TxnDelType", "DeletedDateRangeFilter", "IncludeRetElement"]),
    ("ListDel", [], ["ListDelType", "ListID"]),
    ("TxnDel", [], ["TxnDelType", "TxnID"]),
    ("TxnVoid", [], ["TxnVoidType", "TxnID"]),
    ("CompanyQuery", [], ["IncludeRetElement", "OwnerID"]),
    ("HostQuery", [], ["IncludeListMetaData", "IncludeRetElement"]),
    ("PreferencesQuery", [], ["IncludeRetElement"]),
    (
        "DataExtAdd",
        ["DataExtAdd"],
        [
            "OwnerID", "DataExtName", "ListDataExtType", "ListObjRef", "TxnDataExtType", "TxnID", "TxnLineID",
            "OtherDataExtType", "DataExtValue",
        ],
    ),
    (
        "DataExtMod",
        ["DataExtMod"],
        [
            "OwnerID", "DataExtName", "ListDataExtType", "ListObjRef", "TxnDataExtType", "TxnID", "TxnLineID",
            "OtherDataExtType", "DataExtValue",
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "path", "names"), PINNED, ids=[f"{kind}/{'/'.join(path)}" for kind, path, _ in PINNED]
)
def test_pinned_orders(kind, path, names):
    element = _request_element(Request(kind=kind, fields=_request_fields(kind, _reversed)))
    for name in path:
        element = element.find(name)

    tags = [child.tag for child in element]

    assert list(dict.fromkeys(tags)) == names
