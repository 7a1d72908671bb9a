"""The engine entities the Desktop backend carries, each with its adapter."""

from apps.quickbooks.desktop.mapping import accounts, customers, invoices, items, lists
from apps.quickbooks.desktop.mapping.adapter import Adapter

ADAPTERS: dict[str, Adapter] = {
    adapter.entity: adapter for module in (lists, accounts, items, customers, invoices) for adapter in module.ADAPTERS
}
