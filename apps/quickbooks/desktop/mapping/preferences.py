"""QuickBooks Desktop's ``PreferencesRet`` → what the engine reads of a company's preferences."""

from typing import Any

from apps.quickbooks.mapping.tax_forecast import CodeChoice
from apps.quickbooks.sync.records import CompanyPreferences

QUERY = "PreferencesQuery"
# Only what the engine reads; the rest of the preferences stays in the company file.
RETURNED = ["SalesTaxPreferences"]


def preferences_record(ret: dict[str, Any]) -> CompanyPreferences:
    """
    Desktop's preferences.

    Desktop keeps the number typed on an invoice and numbers the invoice itself only when none is given; it has no
    "custom transaction numbers" switch (``custom_numbers`` is ``None``): either setting of "QuickBooks numbers
    invoices" works (sent numbers are kept; none sent, Desktop numbers it). ``SalesTaxPreferences`` is there only
    when the company charges sales tax. Desktop taxes an invoice by the sales tax item it names, else the customer's,
    else the company's.
    """
    return CompanyPreferences(
        custom_numbers=None,
        sales_tax=isinstance(ret.get("SalesTaxPreferences"), dict),
        tax_code_choice=CodeChoice.NAMED_ELSE_CUSTOMER,
    )
