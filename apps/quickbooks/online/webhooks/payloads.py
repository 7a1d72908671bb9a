"""
The two bodies Intuit POSTs, read into one shape: a list of ``Notice`` (realm, entity, operation, id).

CloudEvents (the only format from May 2026) is a JSON array of events::

    [{"specversion": "1.0", "type": "qbo.customer.updated.v1", "intuitentityid": "58",
      "intuitaccountid": "<realm id>", ...}]

The legacy format groups changes under the realm::

    {"eventNotifications": [{"realmId": "...", "dataChangeEvent": {"entities": [
        {"name": "Customer", "id": "58", "operation": "Update", "lastUpdated": "..."}]}}]}

A body that is not JSON, or neither shape, raises ``WebhookPayloadError``. Inside a readable body an entry without
a realm is skipped (and counted in the log) rather than refusing the whole body: Intuit would only send the same
body again, and hold back the app's later notices until this one is acknowledged.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# The past tense in CloudEvents types (qbo.invoice.voided.v1) back to the legacy operation names.
OPERATIONS_OF_VERBS = {
    "created": "Create",
    "updated": "Update",
    "deleted": "Delete",
    "merged": "Merge",
    "voided": "Void",
    "emailed": "Emailed",
}
# CloudEvents types spell entities in lowercase; these are Intuit's names for the ones webhooks report.
ENTITY_NAMES = {
    name.lower(): name
    for name in (
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
    )
}


class WebhookPayloadError(ValueError):
    """The body cannot be read as either of Intuit's formats."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One changed record as Intuit announces it: ids only, the sync reads the record itself."""

    realm_id: str
    entity: str
    operation: str
    entity_id: str


def _text(value: Any) -> str:
    # Ids arrive as strings, but a number is read the same way rather than dropped.
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, str | int) else ""


def _cloudevent_notice(event: dict[str, Any]) -> Notice | None:
    realm_id = _text(event.get("intuitaccountid"))
    if not realm_id:
        return None
    entity, operation = "", ""
    kind = event.get("type")
    parts = kind.split(".") if isinstance(kind, str) else []
    if len(parts) >= 3 and parts[0] == "qbo":
        entity = ENTITY_NAMES.get(parts[1].lower(), parts[1][:1].upper() + parts[1][1:])
        operation = OPERATIONS_OF_VERBS.get(parts[2].lower(), parts[2])
    return Notice(realm_id, entity, operation, _text(event.get("intuitentityid")))


def _cloudevents_parse(events: list[Any]) -> tuple[list[Notice], int]:
    notices: list[Notice] = []
    skipped = 0
    for event in events:
        notice = _cloudevent_notice(event) if isinstance(event, dict) else None
        if notice is None:
            skipped += 1
        else:
            notices.append(notice)
    return notices, skipped


def _legacy_parse(notifications: list[Any]) -> tuple[list[Notice], int]:
    notices: list[Notice] = []
    skipped = 0
    for notification in notifications:
        realm_id = _text(notification.get("realmId")) if isinstance(notification, dict) else ""
        change = notification.get("dataChangeEvent") if realm_id else None
        entities = change.get("entities") if isinstance(change, dict) else None
        if not realm_id or not isinstance(entities, list):
            skipped += 1
            continue
        for entity in entities:
            if not isinstance(entity, dict):
                skipped += 1
                continue
            notices.append(
                Notice(
                    realm_id,
                    _text(entity.get("name")),
                    _text(entity.get("operation")),
                    _text(entity.get("id")),
                )
            )
    return notices, skipped


def notices_parse(body: bytes) -> list[Notice]:
    """The notices of a webhook body in either format; raises ``WebhookPayloadError`` for an unreadable body."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError("The body is not JSON.") from exc
    if isinstance(payload, list):
        notices, skipped = _cloudevents_parse(payload)
    elif isinstance(payload, dict) and "eventNotifications" in payload:
        notifications = payload["eventNotifications"]
        if not isinstance(notifications, list):
            raise WebhookPayloadError("eventNotifications is not a list.")
        notices, skipped = _legacy_parse(notifications)
    elif isinstance(payload, dict) and "specversion" in payload:
        # A single CloudEvent, not wrapped in an array.
        notices, skipped = _cloudevents_parse([payload])
    else:
        raise WebhookPayloadError("The body is neither a CloudEvents array nor an eventNotifications object.")
    if skipped:
        logger.warning("QuickBooks webhook: %s entries without a realm or of an unknown shape were skipped", skipped)
    return notices
