"""Named seeds: ``demo`` and ``empty`` here, more registered later with ``seed_register``."""

from collections.abc import Callable
from dataclasses import dataclass

from apps.qbo_sandbox.models import SandboxCompany


@dataclass(frozen=True)
class SeedOptions:
    """What ``company_create`` puts in a new company besides CompanyInfo and Preferences."""

    seed: str = "demo"
    customers: int = 0
    items: int = 0
    invoices: int = 0
    custom_txn_numbers: bool = False
    sales_tax: bool = True


Seed = Callable[[SandboxCompany, SeedOptions], None]
SEEDS: dict[str, Seed] = {}


def seed_register(name: str) -> Callable[[Seed], Seed]:
    """Make a seed available by name to ``company_create`` and ``qbo_sandbox create-company --seed``."""

    def register(seed: Seed) -> Seed:
        SEEDS[name] = seed
        return seed

    return register


@seed_register("empty")
def empty_seed(company: SandboxCompany, options: SeedOptions) -> None:
    """Nothing beyond CompanyInfo and Preferences."""
