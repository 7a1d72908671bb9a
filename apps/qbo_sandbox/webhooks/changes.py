"""
The hook ``store`` calls after each write: the change becomes a webhook event once the transaction commits.

Work happens only after the commit (a rolled-back write tells nobody) and only when some app listens: one
indexed query for a company without listeners, an INSERT otherwise. ``robust`` on-commit callbacks log their
errors instead of failing a write that has already succeeded.
"""

from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction

from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity, SandboxWebhookEvent, WebhookOperation
from apps.qbo_sandbox.webhooks.dispatcher import flush_schedule
from apps.qbo_sandbox.webhooks.listeners import company_has_listeners

# The entities Intuit's webhooks cover (developer docs, "supported API entities"); CompanyInfo, TaxCode, TaxRate,
# Attachable and InventoryAdjustment changes are not reported (an adjustment reaches apps as its items' updates).
WEBHOOK_ENTITIES = frozenset(
    {
        "Account",
        "Bill",
        "BillPayment",
        "Budget",
        "Class",
        "CreditMemo",
        "Currency",
        "Customer",
        "Department",
        "Deposit",
        "Employee",
        "Estimate",
        "Invoice",
        "Item",
        "JournalCode",
        "JournalEntry",
        "Payment",
        "PaymentMethod",
        "Preferences",
        "Purchase",
        "PurchaseOrder",
        "RefundReceipt",
        "SalesReceipt",
        "TaxAgency",
        "Term",
        "TimeActivity",
        "Transfer",
        "Vendor",
        "VendorCredit",
    }
)


def update_operation(previous: dict[str, Any], current: dict[str, Any]) -> str:
    """
    What an update is to webhooks: ``Emailed`` when a sales form was just sent; ``Delete`` when a name-list entity
    was just made inactive (they are never deleted, yet Intuit lists Delete among, e.g., Customer's operations);
    else ``Update``.
    """
    if current.get("EmailStatus") == "EmailSent" and previous.get("EmailStatus") != "EmailSent":
        return WebhookOperation.EMAILED
    if current.get("Active") is False and previous.get("Active", True) is not False:
        return WebhookOperation.DELETE
    return WebhookOperation.UPDATE


def _event_store(
    company: SandboxCompany, entity_type: str, entity_id: str, operation: str, deleted_id: str, at: datetime
) -> None:
    if not company_has_listeners(company):
        return
    SandboxWebhookEvent.objects.create(
        company=company,
        entity_type=entity_type,
        entity_id=entity_id,
        operation=operation,
        deleted_id=deleted_id,
        occurred_at=at,
    )
    flush_schedule(company)


def change_record(entity: SandboxEntity, operation: str, *, deleted_id: str = "") -> None:
    """Note that ``entity`` was created, updated, deleted, voided, emailed or merged (``deleted_id``: merged away)."""
    if entity.entity_type not in WEBHOOK_ENTITIES:
        return
    if operation not in WebhookOperation.values:
        raise ValueError(f"Unknown webhook operation {operation!r}.")
    at = entity.deleted_at or entity.updated_at
    callback = partial(
        _event_store, entity.company, entity.entity_type, entity.entity_id, operation, str(deleted_id or ""), at
    )
    transaction.on_commit(callback, robust=True)
