"""HostQuery, CompanyQuery and PreferencesQuery: what QBWC sends as strHCPResponse, and what apps may ask again."""

from typing import Any

from lxml import etree

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.models import CompanyFile, DataExtension, Record

# QuickBooks Desktop 2022 (release 32) reads every qbXML version up to 16.0.
SUPPORTED_VERSIONS = [f"{major}.0" for major in range(1, 17)] + ["2.1"]
PRODUCT_NAMES = {
    "Enterprise": "QuickBooks Enterprise Solutions: Contractor 22.0",
    "Premier": "QuickBooks Premier Contractor Edition 2022",
    "Pro": "QuickBooks Pro 2022",
}
Tree = list[tuple[str, Any]]


def _tree(parent: etree._Element, items: Tree) -> etree._Element:
    for name, value in items:
        if value is None or value == "":
            continue
        element = etree.SubElement(parent, name)
        if isinstance(value, list):
            _tree(element, value)
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)
    return parent


def host_ret(company: CompanyFile) -> etree._Element:
    items: Tree = [
        ("ProductName", PRODUCT_NAMES.get(company.edition, f"QuickBooks {company.edition} 2022")),
        ("MajorVersion", "32"),
        ("MinorVersion", "0"),
        ("Country", "US"),
        *[("SupportedQBXMLVersion", version) for version in sorted(SUPPORTED_VERSIONS, key=lambda v: float(v))],
        ("IsAutomaticLogin", False),
        ("QBFileMode", "SingleUser"),
    ]
    return _tree(etree.Element("HostRet"), items)


def _address(company: CompanyFile) -> Tree:
    keys = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country")
    return [(key, company.address.get(key)) for key in keys]


def company_ret(company: CompanyFile, owner_ids: list[str]) -> etree._Element:
    """CompanyRet; the data extensions of the given owners (QBWC's FileID among them) come last."""
    extensions = DataExtension.objects.filter(company=company, owner_id__in=owner_ids) if owner_ids else []
    items: Tree = [
        ("IsSampleCompany", False),
        ("CompanyName", company.name),
        ("LegalCompanyName", company.legal_name or company.name),
        ("Address", _address(company)),
        ("LegalAddress", _address(company)),
        ("Phone", company.phone),
        ("Email", company.email),
        ("FirstMonthFiscalYear", "January"),
        ("FirstMonthIncomeTaxYear", "January"),
        ("TaxForm", "OtherOrNone"),
        *[
            (
                "DataExtRet",
                [
                    ("OwnerID", extension.owner_id),
                    ("DataExtName", extension.name),
                    ("DataExtType", "STR255TYPE"),
                    ("DataExtValue", extension.value),
                ],
            )
            for extension in extensions
        ],
    ]
    return _tree(etree.Element("CompanyRet"), items)


def _ref(record: Record | None) -> Tree | None:
    return [("ListID", record.object_id), ("FullName", record.full_name)] if record else None


def preferences_ret(ctx: Ctx) -> etree._Element:
    """PreferencesRet; SalesTaxPreferences is there only when the company uses sales tax, as in QuickBooks."""
    company = ctx.company
    codes = Record.objects.filter(company=company, kind="SalesTaxCode", is_active=True).order_by("time_created", "pk")
    taxable = next((code for code in codes if code.data.get("IsTaxable")), None)
    non_taxable = next((code for code in codes if not code.data.get("IsTaxable")), None)
    sales_tax: Tree = [
        ("DefaultItemSalesTaxRef", _ref(company.default_item_sales_tax)),
        ("PaySalesTax", "Monthly"),
        ("DefaultTaxableSalesTaxCodeRef", _ref(taxable)),
        ("DefaultNonTaxableSalesTaxCodeRef", _ref(non_taxable)),
    ]
    items: Tree = [
        (
            "AccountingPreferences",
            [
                ("IsUsingAccountNumbers", False),
                ("IsRequiringAccounts", True),
                ("IsUsingClassTracking", False),
                ("IsUsingAuditTrail", True),
                ("IsAssigningJournalEntryNumbers", True),
            ],
        ),
        (
            "FinanceChargePreferences",
            [
                ("AnnualInterestRate", "0.00"),
                ("MinFinanceCharge", "0.00"),
                ("GracePeriod", "0"),
                ("IsAssessingForOverdueCharges", False),
                ("CalculateChargesFrom", "DueDate"),
                ("IsMarkedToBePrinted", False),
            ],
        ),
        (
            "JobsAndEstimatesPreferences",
            [
                ("IsUsingEstimates", True),
                ("IsUsingProgressInvoicing", False),
                ("IsPrintingItemsWithZeroAmounts", False),
            ],
        ),
        ("MultiCurrencyPreferences", [("IsMultiCurrencyOn", False)]),
        (
            "PurchasesAndVendorsPreferences",
            [("IsUsingInventory", True), ("DaysBillsAreDue", "10"), ("IsAutomaticallyUsingDiscounts", False)],
        ),
        ("ReportsPreferences", [("AgingReportBasis", "AgeFromDueDate"), ("SummaryReportBasis", "Accrual")]),
        (
            "SalesAndCustomersPreferences",
            [
                ("IsTrackingReimbursedExpensesAsIncome", False),
                ("IsAutoApplyingPayments", True),
                ("PriceLevels", [("IsUsingPriceLevels", False)]),
            ],
        ),
        ("SalesTaxPreferences", sales_tax if company.sales_tax_enabled else None),
        ("TimeTrackingPreferences", [("FirstDayOfWeek", "Monday")]),
        ("CurrentAppAccessRights", [("IsAutomaticLoginAllowed", False), ("IsPersonalDataAccessAllowed", True)]),
    ]
    return _tree(etree.Element("PreferencesRet"), items)
