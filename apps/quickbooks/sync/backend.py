"""
What the sync engine asks of a QuickBooks backend, and what comes back.

The engine plans a run as reads (``pull``) and writes (``Write``); a backend carries them out against its QuickBooks
(Online: HTTP calls now; Desktop: qbXML through the Web Connector) and returns plain objects and per-write results,
so that the engine applies them the same way whatever the backend. Entity names and payloads come from the mapping
layer; the engine never builds them itself.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from apps.quickbooks.errors import ApiError

CREATE = "create"
UPDATE = "update"
VOID = "void"


@dataclass(frozen=True)
class Write:
    """One create or update. ``key`` is the engine's handle on the local record."""

    entity: str
    action: str
    payload: dict[str, Any]
    key: Any = None


@dataclass
class WriteResult:
    write: Write
    record: dict[str, Any] | None = None
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.record is not None


@dataclass
class Snapshot:
    """
    What a pull read: per entity, the objects changed since the cursor, or all of them for the entities in
    ``complete`` (whose linked records missing from it were deleted). ``as_of`` is the next cursor.
    """

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)
    as_of: datetime | None = None

    def of(self, entity: str) -> list[dict[str, Any]]:
        return self.records.get(entity, [])


class Backend(Protocol):
    api_calls: int

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        """
        ``changed`` entities since ``since`` (all of them when ``since`` is ``None`` or too old for change data
        capture), and every record of the ``listed`` entities (short lists read in full each time).
        """

    def write(self, writes: list[Write]) -> list[WriteResult]:
        """Carry out ``writes`` (in order, batched as the backend allows); one result per write, faults included."""

    def find_by_names(self, entity: str, names: list[str], *, field: str = "DisplayName") -> list[dict[str, Any]]:
        """Records of ``entity``, active or not, whose ``field`` (the name) is one of ``names``."""

    def find_created_since(self, entity: str, since: datetime) -> list[dict[str, Any]]:
        """Records of ``entity`` created at or after ``since`` (to find what an interrupted run created)."""

    def preferences(self) -> dict[str, Any]:
        """The company's preferences (how it numbers invoices, whether it charges sales tax)."""

    def read_by_ids(self, entity: str, ids: list[str]) -> list[dict[str, Any]]:
        """Records of ``entity``, active or not, by id (to retry a write refused as stale)."""

    def close(self) -> None: ...
