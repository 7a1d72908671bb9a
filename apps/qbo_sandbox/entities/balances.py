"""
A customer's open balance, as QuickBooks derives it: its invoices' balances less its payments' unapplied amounts.

``Balance`` is the customer's own, ``BalanceWithJobs`` adds its sub-customers'. Both change in place after every
invoice and payment write (QuickBooks gives the customer no new SyncToken for them). An invoice write shifts them by
the change of that invoice's balance, so that its cost does not grow with the customer's history; payments, voids,
deletions and moves of a customer recompute them from the transactions.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db.models import TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities.hierarchy import ancestors, descendants
from apps.qbo_sandbox.entities.numbers import ZERO, to_decimal
from apps.qbo_sandbox.entities.storage import computed_patch
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity


def _live(company: SandboxCompany, entity_type: str):
    return SandboxEntity.objects.filter(company=company, entity_type=entity_type, deleted_at__isnull=True)


def _amounts(company: SandboxCompany, entity_type: str, customer_id: str, key: str) -> list[str | None]:
    """One amount of each record, read as text in the database instead of decoding every record's whole JSON."""
    amount = Cast(KT(f"data__{key}"), output_field=TextField())
    # The lookup the index on a customer's transactions is made for (``SandboxEntity.Meta``).
    records = _live(company, entity_type).filter(data__CustomerRef__value=customer_id)
    return list(records.annotate(amount=amount).values_list("amount", flat=True))


def own_balance(company: SandboxCompany, customer_id: str) -> Decimal:
    # Text, not a number: a JSON number read as a float could lose cents; stored amounts have at most 15 digits.
    owed = sum((to_decimal(value) or ZERO for value in _amounts(company, "Invoice", customer_id, "Balance")), ZERO)
    credit = sum(
        (to_decimal(value) or ZERO for value in _amounts(company, "Payment", customer_id, "UnappliedAmt")), ZERO
    )
    return owed - credit


def subtree_balance(company: SandboxCompany, customer_id: str, *, own: Decimal | None = None) -> Decimal:
    """The balance of a customer and all its sub-customers (``own``: the customer's own, when already known)."""
    children = [child.entity_id for child in descendants(company, "Customer", customer_id)]
    own = own_balance(company, customer_id) if own is None else own
    return own + sum((own_balance(company, entity_id) for entity_id in children), ZERO)


def customer_balances_shift(company: SandboxCompany, changes: Mapping[str, Decimal]) -> None:
    """Add each customer's change to its Balance and to its and its parents' BalanceWithJobs."""
    for customer_id, change in changes.items():
        customer = store.entity_get(company, "Customer", customer_id) if customer_id and change else None
        if customer is None:
            continue
        for entity in (customer, *ancestors(company, customer)):
            shifted = {"BalanceWithJobs": (to_decimal(entity.data.get("BalanceWithJobs")) or ZERO) + change}
            if entity is customer:
                shifted["Balance"] = (to_decimal(entity.data.get("Balance")) or ZERO) + change
            computed_patch(entity, shifted)


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
            own = own_balance(company, entity.entity_id)
            computed_patch(
                entity, {"Balance": own, "BalanceWithJobs": subtree_balance(company, entity.entity_id, own=own)}
            )
