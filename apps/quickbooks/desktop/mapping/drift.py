"""
What the drift check reads of a QuickBooks Desktop company file, as queries, and its answers as the engine's drift
reading (``sync.backend.DriftReading``), counted as the sync keeps Desktop's records (see ``customers``):

- customers are the active customers of any level: a job arrives here as a customer of its own;
- service locations are the named ship-to addresses of those customers and jobs. Desktop keeps no inactive ship-to
  address, so a location made inactive here is still one there (``inactive_locations_listed``);
- items are the active service, non-inventory and inventory items (the other kinds are not items here);
- an invoice is open while it is not paid and has a balance remaining (``BalanceRemaining``); its total is
  ``Subtotal`` + ``SalesTaxTotal``, as the sync reads it.

Only the elements compared are asked for (``IncludeRetElement``), so that a large company file answers quickly.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import Query, id_chunks
from apps.quickbooks.desktop.mapping.items import KINDS
from apps.quickbooks.mapping.common import name_key, text
from apps.quickbooks.sync.backend import (
    DRIFT_CUSTOMERS,
    DRIFT_ITEMS,
    DRIFT_OPEN_INVOICES,
    DRIFT_SERVICE_LOCATIONS,
    DriftReading,
    InvoiceFigures,
)

CENT = Decimal("0.01")
ACTIVE = {"ActiveStatus": "ActiveOnly"}
INVOICE_ELEMENTS = ["TxnID", "RefNumber", "CustomerRef", "Subtotal", "SalesTaxTotal", "BalanceRemaining"]
ITEM_RETS = frozenset(f"{kind}Ret" for kind in KINDS)

QUERIES = {
    DRIFT_CUSTOMERS: Query("CustomerQuery", {**ACTIVE, "IncludeRetElement": ["ListID", "ShipToAddress"]}),
    DRIFT_ITEMS: Query("ItemQuery", {**ACTIVE, "IncludeRetElement": ["ListID"]}),
    DRIFT_OPEN_INVOICES: Query(
        "InvoiceQuery", {"PaidStatus": "NotPaidOnly", "IncludeRetElement": INVOICE_ELEMENTS}, transaction=True
    ),
}
COUNTED = {
    DRIFT_CUSTOMERS: "QuickBooks Desktop's active customers and jobs (a job arrives here as a customer of its own)",
    DRIFT_SERVICE_LOCATIONS: "the ship-to addresses of QuickBooks Desktop's active customers and jobs (Desktop "
    "keeps no inactive ship-to address: a location made inactive here is still there)",
    DRIFT_ITEMS: "QuickBooks Desktop's active service, non-inventory and inventory items (other charges, sales tax "
    "items, discounts, subtotals and groups are not items here)",
    DRIFT_OPEN_INVOICES: "QuickBooks Desktop's unpaid invoices with a balance remaining",
}

# A Desktop record and the name of its ``...Ret`` element, as the backend's queries return them.
Found = Iterable[tuple[dict[str, Any], str]]


def _money(value: Any) -> Decimal:
    return Decimal(text(value) or "0").quantize(CENT)


def invoices_by_ids(ids: list[str]) -> list[Query]:
    """Queries reading the invoices of ``ids`` (TxnIDs), paid or not."""
    return [
        Query("InvoiceQuery", {"TxnID": chunk, "IncludeRetElement": INVOICE_ELEMENTS}, transaction=True)
        for chunk in id_chunks(ids)
    ]


def invoice_figures(ret: dict[str, Any]) -> InvoiceFigures:
    return InvoiceFigures(
        remote_id=text(ret.get("TxnID")),
        number=text(ret.get("RefNumber")),
        customer_name=text((ret.get("CustomerRef") or {}).get("FullName")),
        total=_money(ret.get("Subtotal")) + _money(ret.get("SalesTaxTotal")),
        balance=_money(ret.get("BalanceRemaining")),
    )


def _ship_tos(ret: dict[str, Any]) -> int:
    return len({name_key(name) for address in ret.get("ShipToAddress") or [] if (name := text(address.get("Name")))})


def drift_reading(found: dict[str, Found]) -> DriftReading:
    """The reading from what ``QUERIES`` found, by their names."""
    customers = [ret for ret, _ in found[DRIFT_CUSTOMERS]]
    invoices = [invoice_figures(ret) for ret, _ in found[DRIFT_OPEN_INVOICES]]
    return DriftReading(
        counts={
            DRIFT_CUSTOMERS: len(customers),
            DRIFT_SERVICE_LOCATIONS: sum(_ship_tos(ret) for ret in customers),
            DRIFT_ITEMS: sum(1 for _, record_type in found[DRIFT_ITEMS] if record_type in ITEM_RETS),
        },
        counted=COUNTED,
        open_invoices=[invoice for invoice in invoices if invoice.balance > 0],
        web_connector=True,
        inactive_locations_listed=True,
    )
