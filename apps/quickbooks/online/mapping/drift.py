"""
What the drift check reads of QuickBooks Online, as queries, and its answers as the engine's drift reading
(``sync.backend.DriftReading``).

- Customers are its active top-level customers; service locations its active sub-customers of any level (the sync
  keeps sub-customers as service locations); items its active service, non-inventory and inventory items
  (categories and bundles have no counterpart here).
- An invoice is open when its ``Balance`` is above zero; its total is ``TotalAmt``.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from apps.quickbooks.sync.backend import (
    DRIFT_CUSTOMERS,
    DRIFT_ITEMS,
    DRIFT_OPEN_INVOICES,
    DRIFT_SERVICE_LOCATIONS,
    InvoiceFigures,
)

INVOICE = "Invoice"
# The item types FieldOffice keeps; categories (and bundles, which FieldOffice has no counterpart of) are left out.
ITEM_TYPES = ("Service", "NonInventory", "Inventory")
OPEN_INVOICES = "Balance > '0'"
INVOICE_FIELDS = "Id, DocNumber, CustomerRef, TotalAmt, Balance"
# Ids per "Id IN (...)" query, to keep statements short (as the sync does).
IDS_PER_QUERY = 50
CENT = Decimal("0.01")

COUNT_STATEMENTS = {
    DRIFT_CUSTOMERS: "SELECT COUNT(*) FROM Customer WHERE Active = true AND Job = false",
    DRIFT_SERVICE_LOCATIONS: "SELECT COUNT(*) FROM Customer WHERE Active = true AND Job = true",
    DRIFT_ITEMS: "SELECT COUNT(*) FROM Item WHERE Active = true AND Type IN ({types})".format(
        types=", ".join(f"'{item_type}'" for item_type in ITEM_TYPES)
    ),
    DRIFT_OPEN_INVOICES: f"SELECT COUNT(*) FROM Invoice WHERE {OPEN_INVOICES}",
}
COUNTED = {
    DRIFT_CUSTOMERS: "QuickBooks' active top-level customers",
    DRIFT_SERVICE_LOCATIONS: "QuickBooks' active sub-customers (jobs) of any level",
    DRIFT_ITEMS: "QuickBooks' active service, non-inventory and inventory items (categories are not items)",
    DRIFT_OPEN_INVOICES: "QuickBooks' invoices with a balance",
}


def _money(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def open_invoices_page(start: int, size: int) -> str:
    """The open invoices from ``start`` (1-based), ``size`` of them, in the order of their ids."""
    return (
        f"SELECT {INVOICE_FIELDS} FROM Invoice WHERE {OPEN_INVOICES} ORDERBY Id STARTPOSITION {start} MAXRESULTS {size}"
    )


def invoices_by_ids(ids: list[str], quote: Callable[[str], str]) -> list[str]:
    """Queries reading the invoices of ``ids``, ``IDS_PER_QUERY`` to each."""
    statements = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        quoted = ", ".join(quote(value) for value in ids[start : start + IDS_PER_QUERY])
        statements.append(f"SELECT {INVOICE_FIELDS} FROM Invoice WHERE Id IN ({quoted})")
    return statements


def answer_count(answer: dict[str, Any]) -> int:
    """The number a ``COUNT`` query's ``QueryResponse`` gives."""
    return int(answer.get("totalCount") or 0)


def answer_invoices(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The invoices a query's ``QueryResponse`` holds, as QuickBooks sent them."""
    return list(answer.get(INVOICE, []))


def invoice_id(row: dict[str, Any]) -> str:
    return str(row.get("Id"))


def invoice_figures(row: dict[str, Any]) -> InvoiceFigures:
    return InvoiceFigures(
        remote_id=invoice_id(row),
        number=str(row.get("DocNumber") or ""),
        customer_name=str((row.get("CustomerRef") or {}).get("name") or ""),
        total=_money(row.get("TotalAmt")),
        balance=_money(row.get("Balance")),
    )
