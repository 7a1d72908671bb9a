"""The sync engine: one run plans reads and writes, a backend carries them out, the engine applies the results."""

from typing import Any

__all__ = ["run_division_sync"]


def __getattr__(name: str) -> Any:
    # Imported when first asked for, so that the mapping layer can import the engine's records (``sync.records``)
    # without importing the engine, which imports the mapping layer.
    if name == "run_division_sync":
        from apps.quickbooks.sync.engine import run_division_sync

        return run_division_sync
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
