"""The sandbox's own tables: what Intuit would keep for companies, apps, grants and accounting records."""

from apps.qbo_sandbox.models.companies import DEFAULT_COMPANY_SETTINGS, SandboxCompany, SandboxUser
from apps.qbo_sandbox.models.entities import SandboxEntity, SandboxRequestLog
from apps.qbo_sandbox.models.oauth import (
    SandboxApp,
    SandboxAuthorizationCode,
    SandboxGrant,
    SandboxToken,
    WebhookFormat,
)
from apps.qbo_sandbox.models.webhooks import SandboxWebhookDelivery, SandboxWebhookEvent, WebhookOperation

__all__ = [
    "DEFAULT_COMPANY_SETTINGS",
    "SandboxApp",
    "SandboxAuthorizationCode",
    "SandboxCompany",
    "SandboxEntity",
    "SandboxGrant",
    "SandboxRequestLog",
    "SandboxToken",
    "SandboxUser",
    "SandboxWebhookDelivery",
    "SandboxWebhookEvent",
    "WebhookFormat",
    "WebhookOperation",
]
