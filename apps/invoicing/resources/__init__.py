"""The invoices as files: the list's export (``invoices``), and historical invoices with their lines (``history``)."""

from apps.invoicing.resources.history import (
    HISTORY_COLUMNS,
    HistoricalInvoiceResource,
    StoredInvoice,
    line_values,
)
from apps.invoicing.resources.invoices import InvoiceResource

__all__ = ["HISTORY_COLUMNS", "HistoricalInvoiceResource", "InvoiceResource", "StoredInvoice", "line_values"]
