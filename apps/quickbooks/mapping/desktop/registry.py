"""The engine entities the Desktop backend carries, each with its adapter."""

from apps.quickbooks.mapping.desktop.adapter import Adapter
from apps.quickbooks.mapping.desktop.customers import CustomersAdapter

ADAPTERS: dict[str, Adapter] = {adapter.entity: adapter for adapter in (CustomersAdapter(),)}
