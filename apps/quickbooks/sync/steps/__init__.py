"""
The steps of a run, in dependency order: what a record refers to is synced before it.

Each step is a ``Step``: ``reads`` says which QuickBooks entities the run's pull must bring (changed since the cursor,
or listed in full), ``run`` applies the direction rules. The engine pulls once for all steps, then runs them in order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.steps import accounts, customers, invoices, items, lists


@dataclass(frozen=True)
class Step:
    name: str
    reads: Callable[[RunContext], tuple[list[str], list[str]]]
    run: Callable[[RunContext], None]


STEPS: tuple[Step, ...] = (
    Step("payment terms", lists.lists_reads, lists.terms_sync),
    Step("tax rates", lambda ctx: ([], []), lists.tax_rates_sync),
    Step("accounts", accounts.accounts_reads, accounts.accounts_sync),
    Step("items", items.items_reads, items.items_sync),
    Step("customers", customers.customers_reads, customers.customers_sync),
    Step("invoices", invoices.invoices_reads, invoices.invoices_sync),
)


def pull_plan(ctx: RunContext) -> tuple[list[str], list[str]]:
    """The entities the run reads: (changed since the cursor, listed in full), each once, in step order."""
    changed: list[str] = []
    listed: list[str] = []
    for step in STEPS:
        step_changed, step_listed = step.reads(ctx)
        changed.extend(entity for entity in step_changed if entity not in changed)
        listed.extend(entity for entity in step_listed if entity not in listed)
    return changed, listed
