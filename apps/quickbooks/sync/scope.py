"""
Scoped runs: which steps a run runs, and what its pull reads for them.

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

from collections.abc import Iterable

from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.sync import steps
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.steps import Step


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
    known = {step.name for step in steps.STEPS}
    unknown = sorted(wanted - known)
    if unknown:
        choices = ", ".join(step.label for step in steps.STEPS)
        which = ", ".join(repr(name) for name in unknown)
        raise ScopeError(f"There is no list named {which} to synchronize. The lists are: {choices}.")
    return tuple(step.name for step in steps.STEPS if step.name in wanted)


def scope_steps(scope: Iterable[str], rules: SyncRules) -> tuple[Step, ...]:
    """
    The steps a run with ``scope`` runs under ``rules``, in dependency order: the picked ones and those they bring
    (that the settings exchange), or every step when none is picked.
    """
    picked = set(scope)
    if not picked:
        return steps.STEPS
    brought = {name for step in steps.STEPS if step.name in picked for name in step.brings(rules)}
    return tuple(
        step for step in steps.STEPS if step.name in picked or (step.name in brought and step.exchanged(rules))
    )


def scope_choices(rules: SyncRules) -> list[Step]:
    """The steps a person may synchronize on their own: those the division's settings exchange."""
    return [step for step in steps.STEPS if step.exchanged(rules)]


def scope_note(ctx: RunContext, picked: tuple[str, ...]) -> str:
    """
    What a scoped run's summary says of the lists around the ``picked`` ones: those it brought along, and those its
    steps refer to that the settings exchange but it left as they were; "" when there are none (or every list runs).
    """
    brought = [name for name in ctx.scope if name not in picked]
    needed = {name for step in steps.STEPS if step.name in ctx.scope for name in step.depends_on}
    read = [
        step.name for step in steps.STEPS if step.name in needed and ctx.left_out(step.name) and step.exchanged(ctx)
    ]
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
    # A list read in full brings its changes too (Import Inventory lists the items another step reads the changes of).
    return [entity for entity in changed if entity not in listed], listed
