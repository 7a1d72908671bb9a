"""QuickBooks Online's ``Preferences`` → what the engine reads of a company's preferences."""

from typing import Any

from apps.quickbooks.mapping.tax_forecast import CodeChoice
from apps.quickbooks.sync.records import CompanyPreferences


def preferences_record(preferences: dict[str, Any]) -> CompanyPreferences:
    """
    How the company numbers invoices (``CustomTxnNumbers``: it takes the numbers apps send, and numbers none itself),
    whether it charges sales tax, and how it picks an invoice's tax code: with automated sales tax
    (``PartnerTaxEnabled``) from the customer's address, else the one the invoice names.
    """
    custom = (preferences.get("SalesFormsPrefs") or {}).get("CustomTxnNumbers")
    tax = preferences.get("TaxPrefs") or {}
    return CompanyPreferences(
        custom_numbers=None if custom is None else bool(custom),
        sales_tax=bool(tax.get("UsingSalesTax", True)),
        tax_code_choice=CodeChoice.AUTOMATED if tax.get("PartnerTaxEnabled") else CodeChoice.NAMED,
    )
