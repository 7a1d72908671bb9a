"""
The steps of a run, in dependency order: what a record refers to is synced before it.

Each step is a ``Step``: ``reads`` says which QuickBooks entities the run's pull must bring (changed since the cursor,
or listed in full), ``run`` applies the direction rules, ``exchanged`` says whether the division's settings sync it
at all, and ``depends_on`` names the steps whose records its own refer to (through their links). The engine pulls once
for all steps, then runs them in order.

A scoped run (Synchronize Customers on the page, ``qbo_sync --only customers``) runs the steps picked, and no other:
it pulls what they read and writes nothing else on either side. What they refer to is read as the steps it depends on
left it: their links (a customer's payment term, an invoice's customer), and the QuickBooks lists a picked step needs
to decide (an invoice's tax codes), which it declares in its own ``reads``. A record that cannot go without a record
of a step left out waits, saying which list to run first (an invoice whose customer or tax rate is not in QuickBooks
yet). One exception, ``brings``: a step that pulls QuickBooks' records brings the lists QuickBooks keeps that they
refer to (customers from QuickBooks bring its payment terms and tax rates, items its chart of accounts). Those are
only ever pulled, and applying them is the only way for a record pulled to arrive with its term, tax code or accounts:
without them it would arrive without, and stay so until QuickBooks changes it again (its SyncToken is on its link).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.sync.apply import spec_sync
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.reads import spec_reads
from apps.quickbooks.sync.spec import EntitySpec
from apps.quickbooks.sync.specs import ACCOUNTS, ITEMS, PAYMENT_TERMS, TAX_RATES
from apps.quickbooks.sync.steps import customers, invoices


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

    @property
    def label(self) -> str:
        """The step as the page names it: "Customers" (Synchronize Customers)."""
        return scope_label([self.name])


def spec_step(spec: EntitySpec, *, brings: Callable[[SyncRules], tuple[str, ...]] = _nothing) -> Step:
    """
    The step of an entity synced from its spec (``sync.spec``) by the engine's plan and apply, bringing the steps
    ``brings`` names along in a scoped run.
    """
    return Step(
        spec.name,
        partial(spec_reads, spec=spec),
        partial(spec_sync, spec=spec),
        lambda rules: bool(spec.master(rules)),
        depends_on=spec.depends_on,
        brings=brings,
    )


STEPS: tuple[Step, ...] = (
    # Each reads its own lists (a list two steps read is read once), so that either may run alone.
    spec_step(PAYMENT_TERMS),
    spec_step(TAX_RATES),
    spec_step(ACCOUNTS),
    # Items pulled from QuickBooks bring its chart of accounts.
    spec_step(ITEMS, brings=lambda rules: ("accounts",) if rules.inventory_pull else ()),
    Step(
        "customers",
        customers.customers_reads,
        customers.customers_sync,
        lambda rules: rules.customers_pull or rules.customers_push,
        depends_on=("payment terms", "tax rates"),
        # QuickBooks keeps the lists whenever customers come from it (``SyncRules.lists_master``).
        brings=lambda rules: ("payment terms", "tax rates") if rules.customers_pull else (),
    ),
    Step(
        "invoices",
        invoices.invoices_reads,
        invoices.invoices_sync,
        lambda rules: rules.invoices_push,
        depends_on=("customers", "items", "payment terms", "tax rates"),
    ),
)


class ScopeError(ValueError):
    """A list named for a scoped run that the engine does not have; the message names the ones it has."""


def _normal(name: str) -> str:
    return " ".join(name.replace("-", " ").replace("_", " ").split()).lower()


def scope_parse(names: str | Iterable[str]) -> tuple[str, ...]:
    """
    The steps a scoped run picks, in step order, from their names as the page shows them, in any case ("Customers",
    ``"customers,items"``, ``"payment-terms"``); ``ScopeError`` for a name no step has.
    """
    parts = names.split(",") if isinstance(names, str) else list(names)
    wanted = {_normal(part) for part in parts if _normal(part)}
    known = {step.name for step in STEPS}
    unknown = sorted(wanted - known)
    if unknown:
        choices = ", ".join(step.label for step in STEPS)
        which = ", ".join(repr(name) for name in unknown)
        raise ScopeError(f"There is no list named {which} to synchronize. The lists are: {choices}.")
    return tuple(step.name for step in STEPS if step.name in wanted)


def scope_steps(scope: Iterable[str], rules: SyncRules) -> tuple[Step, ...]:
    """
    The steps a run with ``scope`` runs under ``rules``, in dependency order: the picked ones and those they bring
    (that the settings exchange), or every step when none is picked.
    """
    picked = set(scope)
    if not picked:
        return STEPS
    brought = {name for step in STEPS if step.name in picked for name in step.brings(rules)}
    return tuple(step for step in STEPS if step.name in picked or (step.name in brought and step.exchanged(rules)))


def scope_choices(rules: SyncRules) -> list[Step]:
    """The steps a person may synchronize on their own: those the division's settings exchange."""
    return [step for step in STEPS if step.exchanged(rules)]


def scope_note(ctx: RunContext, picked: tuple[str, ...]) -> str:
    """
    What a scoped run's summary says of the lists around the ``picked`` ones: those it brought along, and those its
    steps refer to that the settings exchange but it left as they were; "" when there are none (or every list runs).
    """
    brought = [name for name in ctx.scope if name not in picked]
    needed = {name for step in STEPS if step.name in ctx.scope for name in step.depends_on}
    read = [step.name for step in STEPS if step.name in needed and ctx.left_out(step.name) and step.exchanged(ctx)]
    if not brought and not read:
        return ""
    were = "would be" if ctx.preview else "were"
    note = f"Only {scope_label(picked)} {were} synchronized"
    if brought:
        note += f", with the {_and(brought)} they refer to, which QuickBooks keeps"
    if read:
        note += f"; the {_and(read)} they refer to {were} used as last synchronized"
    return note + "."


def _and(names: list[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]


def pull_plan(ctx: RunContext) -> tuple[list[str], list[str]]:
    """The entities the run reads: (changed since the cursor, listed in full), each once, in step order."""
    changed: list[str] = []
    listed: list[str] = []
    for step in scope_steps(ctx.scope, ctx):
        step_changed, step_listed = step.reads(ctx)
        changed.extend(entity for entity in step_changed if entity not in changed)
        listed.extend(entity for entity in step_listed if entity not in listed)
    return changed, listed
