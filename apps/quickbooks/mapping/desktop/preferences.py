"""QuickBooks Desktop's ``PreferencesRet`` → the company preferences the engine reads (QuickBooks Online's shape)."""

from typing import Any

QUERY = "PreferencesQuery"
# Only what the engine reads; the rest of the preferences stays in the company file.
RETURNED = ["SalesTaxPreferences"]


def preferences_record(ret: dict[str, Any]) -> dict[str, Any]:
    """
    Desktop's preferences as Online's ``Preferences``.

    Desktop keeps the number typed on an invoice and numbers the invoice itself only when none is given; it has no
    "custom transaction numbers" switch. So ``CustomTxnNumbers`` is left out: either setting of "QuickBooks numbers
    invoices" works (sent numbers are kept; none sent, Desktop numbers it). ``SalesTaxPreferences`` is there only
    when the company charges sales tax.
    """
    return {
        "SalesFormsPrefs": {},
        "TaxPrefs": {"UsingSalesTax": isinstance(ret.get("SalesTaxPreferences"), dict)},
    }
