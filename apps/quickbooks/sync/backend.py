"""
What the sync engine asks of a QuickBooks backend, and what comes back.

The engine plans a run as reads (``pull``) and writes (``Write``); a backend carries them out against its QuickBooks
(Online: HTTP calls now; Desktop: qbXML through the Web Connector) and returns plain objects and per-write results,
so that the engine applies them the same way whatever the backend. Entity names and payloads come from the mapping
layer; the engine never builds them itself. Every entity is read and written as the engine's records
(``sync.records``), whatever the backend's wire format.

Each backend declares what its QuickBooks lets other apps do (``Capabilities``), so that the engine asks instead of
knowing which QuickBooks it talks to.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from apps.quickbooks.errors import ApiError

if TYPE_CHECKING:
    from apps.core.models import Division
    from apps.quickbooks.sync.records import CompanyPreferences

CREATE = "create"
UPDATE = "update"
VOID = "void"


@dataclass(frozen=True)
class Capabilities:
    """
    What a backend's QuickBooks lets other apps do, per engine entity: create records, change them. ``refusals``
    holds, per entity it does not change, the sentence a local change that cannot be sent is reported with
    (``{name}``: the record's name).
    """

    creates: frozenset[str] = frozenset()
    updates: frozenset[str] = frozenset()
    refusals: Mapping[str, str] = field(default_factory=dict)

    def writes(self, entity: str, action: str = CREATE) -> bool:
        return entity in (self.creates if action == CREATE else self.updates)

    def refusal(self, entity: str, name: str) -> str:
        """Why a change here to ``name`` does not reach QuickBooks (``entity`` is one it does not change)."""
        template = self.refusals.get(entity) or "{name} changed here, but QuickBooks does not let other apps change it."
        return template.format(name=name)


@dataclass(frozen=True)
class Write:
    """
    One create, update or void. ``payload`` is an engine record (``sync.records``); ``key`` is the engine's handle on
    the local record; ``note``, what the run's log says of it besides its outcome (created again: QuickBooks lost it).
    """

    entity: str
    action: str
    payload: Any
    key: Any = None
    note: str = ""


@dataclass
class WriteResult:
    write: Write
    record: Any = None
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

    records: dict[str, list[Any]] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)
    as_of: datetime | None = None

    def of(self, entity: str) -> list[Any]:
        return self.records.get(entity, [])


class Backend(Protocol):
    api_calls: int
    capabilities: Capabilities

    def pull(self, *, changed: list[str], listed: list[str], since: datetime | None) -> Snapshot:
        """
        ``changed`` entities since ``since`` (all of them when ``since`` is ``None`` or too old for change data
        capture), and every record of the ``listed`` entities (short lists read in full each time).
        """

    def write(self, writes: list[Write]) -> list[WriteResult]:
        """Carry out ``writes`` (in order, batched as the backend allows); one result per write, faults included."""

    def find_by_names(self, entity: str, names: list[str], *, within: Sequence[str] = ()) -> list[Any]:
        """
        Records of ``entity``, active or not, named one of ``names`` (each backend knows what names them); with
        ``within``, the records (by id) whose children are looked up too, where a child is named only under its
        parent (a customer's Desktop ship-to addresses).
        """

    def find_created_since(self, entity: str, since: datetime) -> list[Any]:
        """Records of ``entity`` created at or after ``since`` (to find what an interrupted run created)."""

    def preferences(self) -> "CompanyPreferences":
        """The company's preferences (how it numbers invoices, whether it charges sales tax)."""

    def read_by_ids(self, entity: str, ids: list[str]) -> list[Any]:
        """Records of ``entity``, active or not, by id (to retry a write refused as stale)."""

    def close(self) -> None: ...

    def drift_read(self) -> "DriftReading":
        """What the drift check compares (``drift``): the counts as the sync keeps them, and every open invoice."""

    def invoice_figures_read(self, ids: list[str]) -> list["InvoiceFigures"]:
        """The invoices of ``ids`` QuickBooks still has, open or not (those it deleted are left out)."""


class BackendUnavailableError(Exception):
    """The division's QuickBooks cannot be reached now; ``reason`` says why, in a person's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


BackendOpener = Callable[["Division"], Backend]
_opener: BackendOpener | None = None


def backend_opener_set(*, opener: BackendOpener) -> None:
    """
    How the engine opens a division's backend when its caller gives none (scheduled runs, Sync Now, webhooks):
    set by the quickbooks app when it is ready, so that the engine imports neither backend.
    """
    global _opener
    _opener = opener


def backend_open(division: "Division") -> Backend:
    """The division's backend, ready for a run; ``BackendUnavailableError`` when it cannot be reached."""
    if _opener is None:
        raise BackendUnavailableError("no QuickBooks backend is configured")
    return _opener(division)


# The drift check's reading (``apps.quickbooks.drift``): what a backend counts and reads, translated by its mapping.
DRIFT_CUSTOMERS = "customers"
DRIFT_SERVICE_LOCATIONS = "service_locations"
DRIFT_ITEMS = "items"
DRIFT_OPEN_INVOICES = "open_invoices"


@dataclass(frozen=True, kw_only=True)
class InvoiceFigures:
    """An invoice as the drift check compares it: its id and number there, whom it bills, its total and balance."""

    remote_id: str
    number: str = ""
    customer_name: str = ""
    total: Decimal = Decimal("0.00")
    balance: Decimal = Decimal("0.00")


@dataclass(frozen=True, kw_only=True)
class DriftReading:
    """
    One backend's side of the drift check: the active customers, service locations and items as the sync keeps them
    (``counts``, by the ``DRIFT_*`` names), every open invoice, and, per name (open invoices included), what was
    counted there in a person's words (``counted``: "QuickBooks' active top-level customers"). ``web_connector``:
    read during a Web Connector update, its calls being qbXML requests. ``inactive_locations_listed``: its QuickBooks
    keeps no inactive service location, so that one made inactive here is still listed there (Desktop's ship-to
    addresses), and FieldOffice's count takes them in.
    """

    counts: Mapping[str, int]
    counted: Mapping[str, str]
    open_invoices: list[InvoiceFigures]
    web_connector: bool = False
    inactive_locations_listed: bool = False
