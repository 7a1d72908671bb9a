"""
Payment terms and tax rates, synced from their specs (``sync.specs``) by the engine's plan and apply.

Each list reads what it needs itself (its own entities, listed in full: change data capture does not cover them).
"""

from apps.quickbooks.sync.apply import spec_reads, spec_sync
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.specs import PAYMENT_TERMS, TAX_RATES


def lists_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """What both lists read."""
    listed = spec_reads(ctx, PAYMENT_TERMS)[1] + spec_reads(ctx, TAX_RATES)[1]
    return [], listed


def terms_sync(ctx: RunContext) -> None:
    spec_sync(ctx, PAYMENT_TERMS)


def tax_rates_sync(ctx: RunContext) -> None:
    spec_sync(ctx, TAX_RATES)
