"""
The entity specs the engine syncs (``sync.spec``), one module each: what is synced, which way, matched how, mapped
how. The engine's apply (``sync.apply``) and plan (``sync.plan``) do the rest for all of them.
"""

from apps.quickbooks.sync.specs.accounts import ACCOUNTS
from apps.quickbooks.sync.specs.items import ITEMS
from apps.quickbooks.sync.specs.tax_rates import TAX_RATES
from apps.quickbooks.sync.specs.terms import PAYMENT_TERMS

__all__ = ["ACCOUNTS", "ITEMS", "PAYMENT_TERMS", "TAX_RATES"]
