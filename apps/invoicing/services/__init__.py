"""
Every write to invoices, their lines and payments goes through these functions: the admin, the API, the demo data,
the Excel import and the sync engine all call them, so that the rules live in one place.
"""

from apps.invoicing.services.external import (
    invoice_balance_refresh,
    invoice_computed_totals,
    invoice_note_add,
    invoice_number_adopt,
    invoice_sent_apply,
    payment_external_delete,
    payment_external_save,
)
from apps.invoicing.services.history import (
    HistoricalInvoice,
    HistoricalLine,
    HistoryTotals,
    invoice_history_replace,
    invoice_history_replace_refusal,
    invoice_history_totals,
    invoices_history_create,
)
from apps.invoicing.services.payments import payment_record, payment_refusal
from apps.invoicing.services.totals import invoice_recalculate
from apps.invoicing.services.workflow import (
    ALLOWED_TRANSITIONS,
    MARKABLE_FOR_SYNC,
    BulkResult,
    InvoiceStatusError,
    invoice_approve,
    invoice_approve_refusal,
    invoice_mark_for_sync,
    invoice_mark_for_sync_refusal,
    invoice_transition,
    invoice_void,
    invoices_approve,
    invoices_mark_for_sync,
)
from apps.invoicing.services.writes import (
    invoice_create,
    invoice_delete,
    invoice_fill_defaults,
    invoice_next_number,
    invoice_update,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MARKABLE_FOR_SYNC",
    "BulkResult",
    "HistoricalInvoice",
    "HistoricalLine",
    "HistoryTotals",
    "InvoiceStatusError",
    "invoice_approve",
    "invoice_approve_refusal",
    "invoice_balance_refresh",
    "invoice_computed_totals",
    "invoice_create",
    "invoice_delete",
    "invoice_fill_defaults",
    "invoice_history_replace",
    "invoice_history_replace_refusal",
    "invoice_history_totals",
    "invoice_mark_for_sync",
    "invoice_mark_for_sync_refusal",
    "invoice_next_number",
    "invoice_note_add",
    "invoice_number_adopt",
    "invoice_recalculate",
    "invoice_sent_apply",
    "invoice_transition",
    "invoice_update",
    "invoice_void",
    "invoices_approve",
    "invoices_history_create",
    "invoices_mark_for_sync",
    "payment_external_delete",
    "payment_external_save",
    "payment_record",
    "payment_refusal",
]
