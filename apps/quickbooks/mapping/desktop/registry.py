"""The engine entities the Desktop backend carries, each with its adapter."""

from apps.quickbooks.mapping.desktop import accounts, customers, invoices, items, lists
from apps.quickbooks.mapping.desktop.adapter import Adapter

ADAPTERS: dict[str, Adapter] = {
    adapter.entity: adapter for module in (lists, accounts, items, customers, invoices) for adapter in module.ADAPTERS
}
