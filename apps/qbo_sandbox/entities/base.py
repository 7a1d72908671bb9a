"""The context of one write and the hooks each entity family implements."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.schema import Schema
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.timefmt import local_today

CURRENCY_NAMES = {"USD": "United States Dollar", "CAD": "Canadian Dollar", "GBP": "British Pound Sterling"}

Data = dict[str, Any]


@dataclass
class WriteContext:
    """
    What the rules of one write need besides the payload: the company, its preferences and the request's options.

    ``include`` holds the values of the request's ``include`` parameter (``allowduplicatedocnum``, ``void``);
    ``sent`` the properties the payload itself carried (a sparse update merges the rest from the stored object).
    """

    company: SandboxCompany
    include: frozenset[str] = field(default_factory=frozenset)
    sent: frozenset[str] = field(default_factory=frozenset)
    _resolved: dict[tuple[str, str], SandboxEntity] = field(default_factory=dict, init=False, repr=False)

    def resolve(self, entity_type: str, ref: Any) -> SandboxEntity:
        """
        The active object ``ref`` points at, as ``refs.resolve``, read once per write: the lines of one invoice
        often share an item and a tax code, and nothing changes them before the write is stored.
        """
        key = (entity_type, refs.ref_value(ref))
        if key not in self._resolved:
            self._resolved[key] = refs.resolve(self.company, entity_type, ref)
        return self._resolved[key]

    @cached_property
    def preferences(self) -> Data:
        return self.company.preferences

    @cached_property
    def today(self) -> date:
        return local_today(self.company.time_zone)

    def preference(self, section: str, name: str, default: Any = None) -> Any:
        return (self.preferences.get(section) or {}).get(name, default)

    @property
    def is_us(self) -> bool:
        return self.company.country == "US"

    @property
    def sales_tax_on(self) -> bool:
        return bool(self.preference("TaxPrefs", "UsingSalesTax", False))

    @property
    def automated_sales_tax(self) -> bool:
        return bool(self.preference("TaxPrefs", "PartnerTaxEnabled", False))

    @cached_property
    def home_currency(self) -> dict[str, str]:
        code = ((self.preferences.get("CurrencyPrefs") or {}).get("HomeCurrency") or {}).get("value") or "USD"
        return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


class EntityRules:
    """
    The business rules of one entity type. The services call the hooks inside the write's transaction.

    ``prepare`` gets the checked payload (for a sparse update, merged over the stored object) and returns the object
    to store, without ``Id``, ``SyncToken`` and ``MetaData``, which the store stamps. ``sticky`` names the properties a
    full update keeps from the stored object when the payload leaves them out (numbers and dates QuickBooks assigned).
    """

    entity_type: ClassVar[str] = ""
    schema: ClassVar[Schema] = {}
    sticky: ClassVar[tuple[str, ...]] = ()
    updatable: ClassVar[bool] = True

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        return data

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        """Effects on other objects once ``entity`` is stored; ``previous`` is its data before an update."""

    def before_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        """Refuse the delete, or undo links other objects hold to ``entity``."""

    def after_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        """Effects on other objects once ``entity`` is a tombstone."""

    def voided(self, ctx: WriteContext, entity: SandboxEntity) -> Data:
        """The data of ``entity`` once voided; only transactions QuickBooks voids override this."""
        raise faults.unsupported_operation("Void")
