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
    "WebhookFormat",
]
