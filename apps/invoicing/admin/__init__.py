"""The invoice screens of the admin: the list, the form with its lines and payments, and the status actions."""

from apps.invoicing.admin.invoices import InvoiceAdmin

__all__ = ["InvoiceAdmin"]
