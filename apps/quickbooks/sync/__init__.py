"""The sync engine: one run plans reads and writes, a backend carries them out, the engine applies the results."""

from apps.quickbooks.sync.engine import run_division_sync

__all__ = ["run_division_sync"]
