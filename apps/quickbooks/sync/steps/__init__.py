"""
The steps of a run, in dependency order: what a record refers to is synced before it.

Each step is a ``Step``: ``reads`` says which QuickBooks entities the run's pull must bring (changed since the cursor,
or listed in full), ``run`` applies the direction rules, ``exchanged`` says whether the division's settings sync it
at all, and ``depends_on`` names the steps whose records its own refer to (through their links). The engine pulls once
for all steps, then runs them in order.

Which of them a run runs, and what its pull reads for them, is ``sync.scope``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.one_way import spec_sync
from apps.quickbooks.sync.reads import spec_reads
from apps.quickbooks.sync.spec import EntitySpec
from apps.quickbooks.sync.specs import ACCOUNTS, CUSTOMERS, INVOICES, ITEMS, PAYMENT_TERMS, TAX_RATES, VENDORS
from apps.quickbooks.sync.specs.adjustments import INVENTORY_ADJUSTMENTS
from apps.quickbooks.sync.steps import adjustments, customers, inventory, invoices


def _always(rules: SyncRules) -> bool:
    return True


def _nothing(rules: SyncRules) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Step:
    name: str
    reads: Callable[[RunContext], tuple[list[str], list[str]]]
    run: Callable[[RunContext], None]
    exchanged: Callable[[SyncRules], bool] = _always
    depends_on: tuple[str, ...] = ()
    # Under these settings, the steps a scoped run of this one runs too (see the module's docstring).
    brings: Callable[[SyncRules], tuple[str, ...]] = _nothing
    # What its button on the page says, when not "Synchronize <label>" (seed 003's "Import Inventory").
    action: str = ""

    @property
    def label(self) -> str:
        """The step as the page names it: "Customers" (Synchronize Customers)."""
        return scope_label([self.name])

    @property
    def button(self) -> str:
        return self.action or f"Synchronize {self.label}"


def spec_step(
    spec: EntitySpec,
    *,
    brings: Callable[[SyncRules], tuple[str, ...]] = _nothing,
    reads: Callable[[RunContext], tuple[list[str], list[str]]] | None = None,
    run: Callable[[RunContext], None] | None = None,
    action: str = "",
) -> Step:
    """
    The step of an entity synced from its spec (``sync.spec``), bringing the steps ``brings`` names along in a
    scoped run: its reads and run are the engine's one-way ones unless the entity's step gives its own (customers
    with their locations, invoices with their payments).
    """
    return Step(
        spec.name,
        reads or partial(spec_reads, spec=spec),
        run or partial(spec_sync, spec=spec),
        lambda rules: bool(spec.master(rules)),
        depends_on=spec.depends_on,
        brings=brings,
        action=action,
    )


STEPS: tuple[Step, ...] = (
    # Each reads its own lists (a list two steps read is read once), so that either may run alone.
    spec_step(PAYMENT_TERMS),
    spec_step(TAX_RATES),
    spec_step(ACCOUNTS),
    # Items pulled from QuickBooks bring its chart of accounts.
    spec_step(ITEMS, brings=lambda rules: ("accounts",) if rules.inventory_pull else ()),
    # Quantities are imported before adjustments go: the pull's count of an item does not include the adjustments
    # this run sends, and the import skips the items they adjust (``steps.inventory``).
    spec_step(
        inventory.INVENTORY,
        reads=inventory.inventory_reads,
        run=inventory.inventory_import,
        action="Import Inventory",
    ),
    spec_step(
        INVENTORY_ADJUSTMENTS,
        reads=adjustments.adjustments_reads,
        run=adjustments.adjustments_export,
        action="Export Inventory Adjustments",
    ),
    spec_step(
        CUSTOMERS,
        reads=customers.customers_reads,
        run=customers.customers_sync,
        # QuickBooks keeps the lists whenever customers come from it (``SyncRules.lists_master``).
        brings=lambda rules: ("payment terms", "tax rates") if rules.customers_pull else (),
    ),
    spec_step(VENDORS),
    spec_step(INVOICES, reads=invoices.invoices_reads, run=invoices.invoices_sync),
)
