"""Which apps hear of a company's changes: those with an active connection to it and a webhook URL."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxGrant
from apps.qbo_sandbox.timefmt import now


@dataclass(frozen=True)
class Listener:
    app: SandboxApp
    url: str
    format: str
    # Events from before the connection are not the app's to hear of.
    connected_at: datetime


def _active_grants(company: SandboxCompany) -> QuerySet[SandboxGrant]:
    return SandboxGrant.objects.filter(company=company, revoked_at__isnull=True, expires_at__gt=now())


def company_has_listeners(company: SandboxCompany) -> bool:
    """One cheap query, asked on every change before anything is stored."""
    if not company.setting("webhooks_enabled"):
        return False
    grants = _active_grants(company)
    if not company.setting("webhook_url"):
        grants = grants.exclude(app__webhook_url="")
    return grants.exists()


def webhook_listeners(company: SandboxCompany) -> list[Listener]:
    """
    One listener per connected app; the company's ``webhook_url``/``webhook_format`` knobs override the app's.

    An app connected more than once counts from its oldest active connection.
    """
    if not company.setting("webhooks_enabled"):
        return []
    url_override = company.setting("webhook_url")
    format_override = company.setting("webhook_format")
    listeners: dict[int, Listener] = {}
    for grant in _active_grants(company).select_related("app").order_by("created_at", "id"):
        url = url_override or grant.app.webhook_url
        if url and grant.app_id not in listeners:
            listeners[grant.app_id] = Listener(
                app=grant.app,
                url=url,
                format=format_override or grant.app.webhook_format,
                connected_at=grant.created_at,
            )
    return list(listeners.values())
