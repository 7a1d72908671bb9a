"""
The kinds of Excel import, in the order a new company would import them.

Each kind is a module with its columns (header, required, type, help text, example), how a row is read and matched
to existing records by its business key, and how it is written through the domain services.
"""

from apps.imports.kinds.attachments import CustomerAttachmentKind
from apps.imports.kinds.base import Action, ImportContext, ImportKind, Plan, RowError, SheetRow
from apps.imports.kinds.customers import CustomerKind
from apps.imports.kinds.invoices import HistoricalInvoiceKind
from apps.imports.kinds.named import ItemKind, PaymentTermKind, TaxRateKind
from apps.imports.kinds.notes import CustomerNoteKind

KINDS: dict[str, ImportKind] = {
    kind.key: kind
    for kind in (
        TaxRateKind(),
        PaymentTermKind(),
        ItemKind(),
        CustomerKind(),
        CustomerNoteKind(),
        CustomerAttachmentKind(),
        HistoricalInvoiceKind(),
    )
}


def kind_get(key: str) -> ImportKind:
    """The kind called ``key``; ``KeyError`` for an unknown one."""
    return KINDS[key]


__all__ = ["KINDS", "Action", "ImportContext", "ImportKind", "Plan", "RowError", "SheetRow", "kind_get"]
