"""
A customer's open balance, as QuickBooks derives it: its invoices' balances less its payments' unapplied amounts.

``Balance`` is the customer's own, ``BalanceWithJobs`` adds its sub-customers'. Both are refreshed after every
invoice and payment write, in place (QuickBooks gives the customer no new SyncToken for them).
"""

from collections.abc import Iterable
from decimal import Decimal

from apps.qbo_sandbox.entities.hierarchy import ancestors, descendants
from apps.qbo_sandbox.entities.numbers import ZERO, to_decimal
from apps.qbo_sandbox.entities.storage import computed_patch
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity


def _live(company: SandboxCompany, entity_type: str):
    return SandboxEntity.objects.filter(company=company, entity_type=entity_type, deleted_at__isnull=True)


def own_balance(company: SandboxCompany, customer_id: str) -> Decimal:
    invoices = _live(company, "Invoice").filter(data__CustomerRef__value=customer_id).values_list("data", flat=True)
    payments = _live(company, "Payment").filter(data__CustomerRef__value=customer_id).values_list("data", flat=True)
    owed = sum((to_decimal(data.get("Balance")) or ZERO for data in invoices), ZERO)
    credit = sum((to_decimal(data.get("UnappliedAmt")) or ZERO for data in payments), ZERO)
    return owed - credit


def subtree_balance(company: SandboxCompany, customer_id: str) -> Decimal:
    """The balance of a customer and all its sub-customers."""
    ids = [customer_id, *(child.entity_id for child in descendants(company, "Customer", customer_id))]
    return sum((own_balance(company, entity_id) for entity_id in ids), ZERO)


def customer_balances_refresh(company: SandboxCompany, customer_ids: Iterable[str]) -> None:
    """Recompute Balance and BalanceWithJobs of the given customers and of their parents."""
    refreshed: set[str] = set()
    for customer_id in {str(customer_id) for customer_id in customer_ids if customer_id}:
        customer = _live(company, "Customer").filter(entity_id=customer_id).first()
        if customer is None:
            continue
        for entity in (customer, *ancestors(company, customer)):
            if entity.entity_id in refreshed:
                continue
            refreshed.add(entity.entity_id)
            computed_patch(
                entity,
                {
                    "Balance": own_balance(company, entity.entity_id),
                    "BalanceWithJobs": subtree_balance(company, entity.entity_id),
                },
            )
