"""Names and small lists: customers and jobs, vendors, terms, sales tax codes, accounts, payment methods, classes."""

from apps.quickbooks.desktop.qbxml.schema.base import (
    ADDITIONAL_CONTACT_REF,
    ADDITIONAL_NOTES,
    ADDRESS,
    AMOUNT_FILTER,
    CREDIT_CARD_INFO,
    CURRENCY_FILTER,
    INCLUDE_RET_ELEMENT,
    LIST_FILTER,
    LIST_QUERY_HEAD,
    OWNER_ID,
    REF,
    SHIP_TO_ADDRESS,
    VALUE,
    many,
    node,
    plain_request,
    wrapped_request,
)

_CONTACT = {
    "Salutation": VALUE,
    "FirstName": VALUE,
    "MiddleName": VALUE,
    "LastName": VALUE,
    "JobTitle": VALUE,
    "AdditionalContactRef": many(ADDITIONAL_CONTACT_REF),
}

# The part of a name's record that comes before its addresses, after the record's Name and IsActive.
_PERSON = {
    "CompanyName": VALUE,
    "Salutation": VALUE,
    "FirstName": VALUE,
    "MiddleName": VALUE,
    "LastName": VALUE,
    "JobTitle": VALUE,
}

_PHONES = {
    "Phone": VALUE,
    "AltPhone": VALUE,
    "Fax": VALUE,
    "Email": VALUE,
    "Cc": VALUE,
    "Contact": VALUE,
    "AltContact": VALUE,
    "AdditionalContactRef": many(ADDITIONAL_CONTACT_REF),
}

_CUSTOMER_JOB = {
    "JobStatus": VALUE,
    "JobStartDate": VALUE,
    "JobProjectedEndDate": VALUE,
    "JobEndDate": VALUE,
    "JobDesc": VALUE,
    "JobTypeRef": REF,
    "Notes": VALUE,
}

CUSTOMER_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    ClassRef=REF,
    ParentRef=REF,
    **_PERSON,
    BillAddress=ADDRESS,
    ShipAddress=ADDRESS,
    ShipToAddress=many(SHIP_TO_ADDRESS),
    **_PHONES,
    Contacts=many(node(**_CONTACT)),
    CustomerTypeRef=REF,
    TermsRef=REF,
    SalesRepRef=REF,
    OpenBalance=VALUE,
    OpenBalanceDate=VALUE,
    SalesTaxCodeRef=REF,
    ItemSalesTaxRef=REF,
    SalesTaxCountry=VALUE,
    ResaleNumber=VALUE,
    AccountNumber=VALUE,
    CreditLimit=VALUE,
    PreferredPaymentMethodRef=REF,
    CreditCardInfo=CREDIT_CARD_INFO,
    **_CUSTOMER_JOB,
    AdditionalNotes=many(ADDITIONAL_NOTES),
    PreferredDeliveryMethod=VALUE,
    PriceLevelRef=REF,
    ExternalGUID=VALUE,
    TaxRegistrationNumber=VALUE,
    CurrencyRef=REF,
)

# No opening balance and no ExternalGUID on a Mod; contacts and notes are modified by their ids.
CUSTOMER_MOD = node(
    ListID=VALUE,
    EditSequence=VALUE,
    Name=VALUE,
    IsActive=VALUE,
    ClassRef=REF,
    ParentRef=REF,
    **_PERSON,
    BillAddress=ADDRESS,
    ShipAddress=ADDRESS,
    ShipToAddress=many(SHIP_TO_ADDRESS),
    **_PHONES,
    ContactsMod=many(node(ListID=VALUE, EditSequence=VALUE, **_CONTACT)),
    CustomerTypeRef=REF,
    TermsRef=REF,
    SalesRepRef=REF,
    SalesTaxCodeRef=REF,
    ItemSalesTaxRef=REF,
    SalesTaxCountry=VALUE,
    ResaleNumber=VALUE,
    AccountNumber=VALUE,
    CreditLimit=VALUE,
    PreferredPaymentMethodRef=REF,
    CreditCardInfo=CREDIT_CARD_INFO,
    **_CUSTOMER_JOB,
    AdditionalNotesMod=many(node(NoteID=VALUE, Note=VALUE)),
    PreferredDeliveryMethod=VALUE,
    PriceLevelRef=REF,
    TaxRegistrationNumber=VALUE,
    CurrencyRef=REF,
)

CUSTOMER_QUERY = node(
    **LIST_QUERY_HEAD,
    TotalBalanceFilter=AMOUNT_FILTER,
    CurrencyFilter=CURRENCY_FILTER,
    ClassFilter=LIST_FILTER,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

VENDOR_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    ClassRef=REF,
    **_PERSON,
    VendorAddress=ADDRESS,
    ShipAddress=ADDRESS,
    **_PHONES,
    Contacts=many(node(**_CONTACT)),
    NameOnCheck=VALUE,
    AccountNumber=VALUE,
    Notes=VALUE,
    AdditionalNotes=many(ADDITIONAL_NOTES),
    VendorTypeRef=REF,
    TermsRef=REF,
    CreditLimit=VALUE,
    VendorTaxIdent=VALUE,
    IsVendorEligibleFor1099=VALUE,
    OpenBalance=VALUE,
    OpenBalanceDate=VALUE,
    BillingRateRef=REF,
    ExternalGUID=VALUE,
    SalesTaxCodeRef=REF,
    SalesTaxCountry=VALUE,
    IsSalesTaxAgency=VALUE,
    SalesTaxReturnRef=REF,
    TaxRegistrationNumber=VALUE,
    ReportingPeriod=VALUE,
    IsTaxTrackedOnPurchases=VALUE,
    TaxOnPurchasesAccountRef=REF,
    IsTaxTrackedOnSales=VALUE,
    TaxOnSalesAccountRef=REF,
    IsTaxOnTax=VALUE,
    PrefillAccountRef=many(REF),
    CurrencyRef=REF,
)

VENDOR_QUERY = CUSTOMER_QUERY

STANDARD_TERMS_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    StdDueDays=VALUE,
    StdDiscountDays=VALUE,
    DiscountPct=VALUE,
)

DATE_DRIVEN_TERMS_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    DayOfMonthDue=VALUE,
    DueNextMonthDays=VALUE,
    DiscountDayOfMonth=VALUE,
    DiscountPct=VALUE,
)

# StandardTermsQuery, DateDrivenTermsQuery, TermsQuery, SalesTaxCodeQuery and ClassQuery share this body.
SIMPLE_LIST_QUERY = node(**LIST_QUERY_HEAD, IncludeRetElement=INCLUDE_RET_ELEMENT)

SALES_TAX_CODE_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    IsTaxable=VALUE,
    Desc=VALUE,
    ItemPurchaseTaxRef=REF,
    ItemSalesTaxRef=REF,
)

SALES_TAX_CODE_MOD = node(ListID=VALUE, EditSequence=VALUE, **SALES_TAX_CODE_ADD.index)

ACCOUNT_ADD = node(
    Name=VALUE,
    IsActive=VALUE,
    ParentRef=REF,
    AccountType=VALUE,
    AccountNumber=VALUE,
    BankNumber=VALUE,
    Desc=VALUE,
    OpenBalance=VALUE,
    OpenBalanceDate=VALUE,
    SalesTaxCodeRef=REF,
    TaxLineID=VALUE,
    CurrencyRef=REF,
)

ACCOUNT_QUERY = node(
    **LIST_QUERY_HEAD,
    AccountType=many(VALUE),
    CurrencyFilter=CURRENCY_FILTER,
    IncludeRetElement=INCLUDE_RET_ELEMENT,
    OwnerID=OWNER_ID,
)

PAYMENT_METHOD_ADD = node(Name=VALUE, IsActive=VALUE, PaymentMethodType=VALUE)

PAYMENT_METHOD_QUERY = node(
    **LIST_QUERY_HEAD,
    PaymentMethodType=many(VALUE),
    IncludeRetElement=INCLUDE_RET_ELEMENT,
)

REQUESTS = (
    wrapped_request("CustomerAdd", CUSTOMER_ADD),
    wrapped_request("CustomerMod", CUSTOMER_MOD),
    plain_request("CustomerQuery", CUSTOMER_QUERY, iterator=True),
    wrapped_request("VendorAdd", VENDOR_ADD),
    plain_request("VendorQuery", VENDOR_QUERY, iterator=True),
    wrapped_request("StandardTermsAdd", STANDARD_TERMS_ADD),
    plain_request("StandardTermsQuery", SIMPLE_LIST_QUERY),
    wrapped_request("DateDrivenTermsAdd", DATE_DRIVEN_TERMS_ADD),
    plain_request("DateDrivenTermsQuery", SIMPLE_LIST_QUERY),
    plain_request("TermsQuery", SIMPLE_LIST_QUERY),
    wrapped_request("SalesTaxCodeAdd", SALES_TAX_CODE_ADD),
    wrapped_request("SalesTaxCodeMod", SALES_TAX_CODE_MOD),
    plain_request("SalesTaxCodeQuery", SIMPLE_LIST_QUERY),
    wrapped_request("AccountAdd", ACCOUNT_ADD),
    plain_request("AccountQuery", ACCOUNT_QUERY),
    wrapped_request("PaymentMethodAdd", PAYMENT_METHOD_ADD),
    plain_request("PaymentMethodQuery", PAYMENT_METHOD_QUERY),
    plain_request("ClassQuery", SIMPLE_LIST_QUERY),
)
