"""
What a new sandbox company starts with.

Every company gets ``CompanyInfo`` and ``Preferences``; a named seed (``demo``, ``empty``, or one registered with
``seed_register``) adds records; the counts add that many generated customers, items and invoices.
"""

from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import bulk, demo
from apps.qbo_sandbox.seeding.base import company_records_create
from apps.qbo_sandbox.seeding.registry import SEEDS, SeedOptions, seed_register

__all__ = ["SEEDS", "SeedOptions", "company_seed", "demo", "seed_register"]


def company_seed(company: SandboxCompany, options: SeedOptions) -> None:
    if options.seed not in SEEDS:
        raise ValueError(f"Unknown seed {options.seed!r}; choose from {', '.join(sorted(SEEDS))}.")
    company_records_create(company, options)
    SEEDS[options.seed](company, options)
    bulk.records_generate(company, customers=options.customers, items=options.items, invoices=options.invoices)
