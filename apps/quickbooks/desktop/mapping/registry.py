"""The engine entities the Desktop backend carries, each with its adapter."""

from apps.quickbooks.desktop.mapping import accounts, adjustments, customers, invoices, items, lists, vendors
from apps.quickbooks.desktop.mapping.adapter import Adapter

MODULES = (lists, accounts, items, customers, invoices, vendors, adjustments)
ADAPTERS: dict[str, Adapter] = {adapter.entity: adapter for module in MODULES for adapter in module.ADAPTERS}
