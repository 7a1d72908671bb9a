"""
What the Desktop backend needs to know of one engine entity: how Desktop is asked for it, how its ``...Ret``
records become the engine's records, and how the engine's writes become ``...Add`` / ``...Mod`` requests.

Each module of this package lists its adapters in ``ADAPTERS`` (``customers``, ``items``...); ``registry`` gathers
them. The backend does the rest: round trips, iterators, deletions, the cache of records seen, results by
``requestID``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from apps.quickbooks.errors import ApiError

if TYPE_CHECKING:
    from apps.quickbooks.sync.backend import Write

# Ids or names asked for per query, so that no one request or answer grows with the size of a run.
IDS_PER_QUERY = 100

# What became of one write: the record Desktop returned (the engine's record, or its Online-shaped dictionary for
# the entities that have none yet), or why it was refused.
Outcome = tuple[Any, ApiError | None]


class Seen(Protocol):
    """The records the backend has seen this run, by ListID or TxnID (the latest version of each)."""

    def get(self, object_id: str) -> dict[str, Any] | None: ...

    def values(self) -> list[dict[str, Any]]: ...


@dataclass
class Planned:
    """
    One qbXML request planned for some of the engine's writes (several when Desktop takes them in one, like
    ship-to addresses of one customer). ``answer`` turns Desktop's response (None: no answer) into their results.
    """

    kind: str
    fields: dict[str, Any]
    writes: list[tuple[int, "Write"]]
    answer: Callable[[Any], dict[int, Outcome]]


@dataclass(frozen=True)
class Query:
    """A Desktop query that serves an engine entity: ``kind`` ("CustomerQuery") and its fixed criteria."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    # Transactions filter changes by ``ModifiedDateRangeFilter``, lists by ``FromModifiedDate``.
    transaction: bool = False


class Adapter(Protocol):
    entity: str
    # ListDeletedQuery's ListDelType values (lists) or TxnDeletedQuery's TxnDelType values (transactions).
    deleted_types: tuple[str, ...]

    def queries(self) -> list[Query]:
        """The queries that read every record of the entity (their changes when the backend adds a date filter)."""

    def records(self, ret: dict[str, Any], record_type: str) -> list[Any]:
        """One ``...Ret`` (``record_type`` names its element, e.g. "ItemServiceRet") as engine records."""

    def by_ids(self, ids: list[str]) -> list[Query]:
        """Queries that read the Desktop records behind engine ids (all of them, active or not)."""

    def by_names(self, names: list[str]) -> list[Query]:
        """Queries that read the records named ``names``."""

    def named(self, seen: Seen, names: set[str]) -> list[Any]:
        """Engine records named ``names`` (name keys) found among records seen that no query can find by name."""

    def needs(self, writes: list[tuple[int, "Write"]], seen: Seen) -> list[str]:
        """Desktop ids to read before planning ``writes`` (an edit sequence or line ids not seen yet)."""

    def plan(self, writes: list[tuple[int, "Write"]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        """The requests for ``writes``, and the outcome of those refused before sending."""

    # Optional: ``deleted_record(remote_id)``, the engine record of one QuickBooks reports deleted. Entities read for
    # their changes have one; a list read in full has none (a record deleted there is one no longer listed).
    # Optional: ``digest(rets) -> list[dict]``, what a full read of the entity tells the user before or after a sync
    # (the customers' jobs that arrive as customers); the backend keeps it in ``DesktopBackend.digests``.


def id_chunks(values: Iterable[str]) -> list[list[str]]:
    """``values`` without repeats, sorted, in lists of at most ``IDS_PER_QUERY`` (one query each)."""
    unique = sorted(set(values))
    return [unique[start : start + IDS_PER_QUERY] for start in range(0, len(unique), IDS_PER_QUERY)]


class ListAdapter:
    """
    The common shape of a Desktop list's adapter: every record read with ``ActiveStatus`` All (an inactive record is
    made inactive here, not taken for deleted), by ``ListID`` and ``FullName`` in chunks, nothing found by a short
    name, nothing to read before a write. Subclasses name the queries and write ``records`` and ``plan``.
    """

    entity: str
    deleted_types: tuple[str, ...]
    # The ``...Query`` requests that read the list (the tax codes have two) and fixed criteria for each of them.
    query_kinds: tuple[str, ...]
    criteria: Mapping[str, Any] = {}

    def queries(self) -> list[Query]:
        return [Query(kind, {"ActiveStatus": "All", **self.criteria}) for kind in self.query_kinds]

    def by_ids(self, ids: list[str]) -> list[Query]:
        return self._chunked("ListID", ids)

    def by_names(self, names: list[str]) -> list[Query]:
        return self._chunked("FullName", names)

    def named(self, seen: Seen, names: set[str]) -> list[Any]:
        return []

    def needs(self, writes: list[tuple[int, "Write"]], seen: Seen) -> list[str]:
        return []

    def _chunked(self, key: str, values: list[str]) -> list[Query]:
        chunks = id_chunks(values)
        return [Query(kind, {key: chunk, **self.criteria}) for kind in self.query_kinds for chunk in chunks]


class TransactionAdapter:
    """
    The common shape of a Desktop transaction's adapter: read with its fixed ``criteria`` (its lines), changes
    filtered by ``ModifiedDateRangeFilter``, by ``TxnID`` in chunks; transactions have no names, and by default
    nothing is read before a write. Subclasses name the query and write ``records`` and ``plan``.
    """

    entity: str
    # The transaction type ("Invoice"): TxnDeletedQuery's TxnDelType for it, and its query is "<type>Query".
    txn_type: str
    criteria: Mapping[str, Any] = {}

    @property
    def deleted_types(self) -> tuple[str, ...]:
        return (self.txn_type,)

    @property
    def query_kind(self) -> str:
        return f"{self.txn_type}Query"

    def queries(self) -> list[Query]:
        return [Query(self.query_kind, dict(self.criteria), transaction=True)]

    def by_ids(self, ids: Iterable[str]) -> list[Query]:
        return [Query(self.query_kind, {"TxnID": chunk, **self.criteria}, transaction=True) for chunk in id_chunks(ids)]

    def by_names(self, names: list[str]) -> list[Query]:
        """Transactions have no names (the engine finds its own by their marker)."""
        return []

    def named(self, seen: Seen, names: set[str]) -> list[Any]:
        return []

    def needs(self, writes: list[tuple[int, "Write"]], seen: Seen) -> list[str]:
        return []
