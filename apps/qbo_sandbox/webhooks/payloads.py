"""
The bodies Intuit POSTs, and their signature.

CloudEvents (Intuit's format since 2025, the only one from May 2026) is a JSON array of events, one per change::

    [{"specversion": "1.0", "id": "...", "source": "intuit....", "type": "qbo.customer.updated.v1",
      "datacontenttype": "application/json", "time": "2026-11-22T18:11:12.345Z",
      "intuitentityid": "58", "intuitaccountid": "<realm id>", "data": {}}]

The legacy format groups the same changes under the realm::

    {"eventNotifications": [{"realmId": "...", "dataChangeEvent": {"entities": [
        {"name": "Customer", "id": "58", "operation": "Update", "lastUpdated": "2026-11-22T18:11:12.345Z"}]}}]}

A merge names the entity merged away: ``data.deletedid`` in CloudEvents, ``deletedId`` in the legacy entity.
``intuit-signature`` is base64(HMAC-SHA256(key=the app's verifier token, message=the raw body)).
"""

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxWebhookEvent, WebhookFormat, WebhookOperation

# The past tense CloudEvents types use: qbo.invoice.voided.v1.
TYPE_VERBS = {
    WebhookOperation.CREATE: "created",
    WebhookOperation.UPDATE: "updated",
    WebhookOperation.DELETE: "deleted",
    WebhookOperation.MERGE: "merged",
    WebhookOperation.VOID: "voided",
    WebhookOperation.EMAILED: "emailed",
}


def utc_timestamp(moment: datetime) -> str:
    """``2026-11-22T18:11:12.345Z``: webhooks speak UTC, unlike the API's company-zone times."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def event_source(app: SandboxApp) -> str:
    """``intuit.`` and an opaque, stable 44-character token per app, the shape Intuit's ``source`` has."""
    return "intuit." + base64.b64encode(hashlib.sha256(app.client_id.encode()).digest()).decode()


def cloudevents_payload(
    company: SandboxCompany, app: SandboxApp, events: Sequence[SandboxWebhookEvent]
) -> list[dict[str, Any]]:
    source = event_source(app)
    return [
        {
            "specversion": "1.0",
            "id": f"{uuid.uuid4()}-{event.entity_type}-{event.entity_id}",
            "source": source,
            "type": f"qbo.{event.entity_type.lower()}.{TYPE_VERBS[event.operation]}.v1",
            "datacontenttype": "application/json",
            "time": utc_timestamp(event.occurred_at),
            "intuitentityid": event.entity_id,
            "intuitaccountid": company.realm_id,
            "data": {"deletedid": event.deleted_id} if event.deleted_id else {},
        }
        for event in events
    ]


def legacy_payload(company: SandboxCompany, events: Sequence[SandboxWebhookEvent]) -> dict[str, Any]:
    entities = []
    for event in events:
        entity = {
            "name": event.entity_type,
            "id": event.entity_id,
            "operation": event.operation,
            "lastUpdated": utc_timestamp(event.occurred_at),
        }
        if event.deleted_id:
            entity["deletedId"] = event.deleted_id
        entities.append(entity)
    return {"eventNotifications": [{"realmId": company.realm_id, "dataChangeEvent": {"entities": entities}}]}


def webhook_body(
    company: SandboxCompany, app: SandboxApp, events: Sequence[SandboxWebhookEvent], *, format: str
) -> str:
    if format == WebhookFormat.LEGACY:
        payload: Any = legacy_payload(company, events)
    else:
        payload = cloudevents_payload(company, app, events)
    return json.dumps(payload, separators=(",", ":"))


def webhook_signature(verifier_token: str, body: str | bytes) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return base64.b64encode(hmac.new(verifier_token.encode(), raw, hashlib.sha256).digest()).decode()
