"""
The entity specs the engine syncs (``sync.spec``), one module each: what is synced, which way, matched how, mapped
how. The engine's plan (``sync.plan``) and apply (``sync.apply``) do the rest: ``sync.one_way`` for the lists, items
and vendors, synced one way, ``sync.both_ways`` for customers and their locations, planned by the two-way rules, and
the invoices' step for invoices, which are only sent.
"""

from apps.quickbooks.sync.specs.accounts import ACCOUNTS
from apps.quickbooks.sync.specs.customers import CUSTOMERS, LOCATIONS
from apps.quickbooks.sync.specs.invoices import INVOICES
from apps.quickbooks.sync.specs.items import ITEMS
from apps.quickbooks.sync.specs.tax_rates import TAX_RATES
from apps.quickbooks.sync.specs.terms import PAYMENT_TERMS
from apps.quickbooks.sync.specs.vendors import VENDORS

__all__ = ["ACCOUNTS", "CUSTOMERS", "INVOICES", "ITEMS", "LOCATIONS", "PAYMENT_TERMS", "TAX_RATES", "VENDORS"]
