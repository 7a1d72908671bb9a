"""The engine entities the Desktop backend carries, each with its adapter."""

from importlib import import_module

from apps.quickbooks.mapping.desktop.adapter import Adapter

# Each module lists its adapters in ``ADAPTERS``.
_MODULES = ("customers", "lists", "items", "accounts", "invoices")


def _adapters() -> dict[str, Adapter]:
    found: dict[str, Adapter] = {}
    for name in _MODULES:
        try:
            module = import_module(f"apps.quickbooks.mapping.desktop.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"apps.quickbooks.mapping.desktop.{name}":
                raise
            continue
        found.update({adapter.entity: adapter for adapter in module.ADAPTERS})
    return found


ADAPTERS: dict[str, Adapter] = _adapters()
