"""CompanyInfo and Preferences, the two objects every QuickBooks company has (both with Id "1")."""

from typing import Any

from apps.qbo_sandbox import store
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding.registry import SeedOptions
from apps.qbo_sandbox.timefmt import local_today

COMPANY_ADDRESS = {
    "Id": "1",
    "Line1": "2600 Marine Way",
    "City": "Mountain View",
    "CountrySubDivisionCode": "CA",
    "PostalCode": "94043",
    "Country": "US",
}


def company_info_data(company: SandboxCompany) -> dict[str, Any]:
    today = local_today(company.time_zone).isoformat()
    return {
        "CompanyName": company.name,
        "LegalName": company.name,
        "CompanyAddr": dict(COMPANY_ADDRESS),
        "CustomerCommunicationAddr": dict(COMPANY_ADDRESS),
        "LegalAddr": dict(COMPANY_ADDRESS),
        "CustomerCommunicationEmailAddr": {"Address": "noreply@quickbooks.com"},
        "PrimaryPhone": {},
        "CompanyStartDate": today,
        "FiscalYearStartMonth": "January",
        "Country": company.country,
        "Email": {"Address": "noreply@quickbooks.com"},
        "WebAddr": {},
        "SupportedLanguages": "en",
        "NameValue": [
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IndustryType", "Value": "Building equipment contractors"},
            {"Name": "IndustryCode", "Value": "23821"},
            {"Name": "CompanyType", "Value": "Other/None"},
            {"Name": "SubscriptionStatus", "Value": "SUBSCRIBED"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "PayrollFeature", "Value": "false"},
            {"Name": "AccountantFeature", "Value": "false"},
            {"Name": "IsQbdtMigrated", "Value": "false"},
            {"Name": "ItemCategoriesFeature", "Value": "true"},
        ],
    }


def preferences_data(options: SeedOptions) -> dict[str, Any]:
    return {
        "AccountingInfoPrefs": {
            "FirstMonthOfFiscalYear": "January",
            "UseAccountNumbers": False,
            "TaxYearMonth": "January",
            "ClassTrackingPerTxn": False,
            "TrackDepartments": False,
            "DepartmentTerminology": "Location",
            "ClassTrackingPerTxnLine": False,
            "CustomerTerminology": "Customers",
        },
        "ProductAndServicesPrefs": {
            "ForSales": True,
            "ForPurchase": True,
            "QuantityWithPriceAndRate": True,
            "QuantityOnHand": True,
        },
        "SalesFormsPrefs": {
            "CustomField": [],
            "CustomTxnNumbers": options.custom_txn_numbers,
            "AllowDeposit": True,
            "AllowDiscount": True,
            "AllowEstimates": True,
            "AllowServiceDate": True,
            "AllowShipping": False,
            "ETransactionEnabledStatus": "NotApplicable",
            "ETransactionAttachPDF": False,
            "ETransactionPaymentEnabled": False,
            "IPNSupportEnabled": False,
            "UsingPriceLevels": False,
            "UsingProgressInvoicing": False,
            "AutoApplyCredit": True,
            "DefaultCustomerMessage": "Thank you for your business and have a great day!",
        },
        "EmailMessagesPrefs": {
            "InvoiceMessage": {"Subject": "Invoice [Invoice No.] from [Company Name]", "Message": "Your invoice."},
        },
        "VendorAndPurchasesPrefs": {"TrackingByCustomer": True, "BillableExpenseTracking": True, "POCustomField": []},
        "TimeTrackingPrefs": {
            "UseServices": True,
            "BillCustomers": True,
            "ShowBillRateToAll": False,
            "WorkWeekStartDate": "Monday",
            "MarkTimeEntriesBillable": True,
        },
        # US companies created since late 2017 use automated sales tax when sales tax is on.
        "TaxPrefs": {"UsingSalesTax": options.sales_tax, "PartnerTaxEnabled": options.sales_tax},
        "CurrencyPrefs": {"MultiCurrencyEnabled": False, "HomeCurrency": {"value": "USD"}},
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        "OtherPrefs": {"NameValue": []},
    }


def company_records_create(company: SandboxCompany, options: SeedOptions) -> None:
    store.entity_create(company, "CompanyInfo", company_info_data(company), entity_id="1")
    store.entity_create(company, "Preferences", preferences_data(options), entity_id="1")
