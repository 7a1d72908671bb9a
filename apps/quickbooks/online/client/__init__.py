"""The QuickBooks Online Accounting API client. It knows QuickBooks' names; the rest of FieldOffice gets dicts."""

from apps.quickbooks.online.client.client import QuickBooksClient, TokenSource

__all__ = ["QuickBooksClient", "TokenSource"]
