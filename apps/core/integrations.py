"""
A registry through which an integration app (QuickBooks, later others) labels domain records and reports how its
syncs went.

Domain apps never import an integration. Instead the integration registers providers in its ``AppConfig.ready()``:
a *label provider* says, for a record, which labels to show ("QuickBooks", "QuickBooks: sync failed"), and the domain
admins show whatever the providers return; a *sync status provider* says, for a division and the person asking, how
its last sync went, and the dashboard shows it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models

LabelProvider = Callable[[models.Model], list[str]]

_providers: list[LabelProvider] = []


def integration_label_provider_register(provider: LabelProvider) -> LabelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def integration_label_provider_unregister(provider: LabelProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def integration_labels_for(obj: models.Model) -> list[str]:
    labels: list[str] = []
    for provider in _providers:
        labels.extend(provider(obj))
    return labels


@dataclass(frozen=True)
class SyncStatus:
    """
    How a division's last sync with an integration went, in words a bookkeeper reads.

    ``tone`` is one of ``"ok"``, ``"warning"``, ``"error"``, ``"busy"`` or ``"idle"`` (never synced, not set up);
    ``errors_url`` leads to what failed or was skipped, and is empty when nothing did.
    """

    integration: str
    status: str
    tone: str
    at: datetime | None = None
    detail: str = ""
    page_url: str = ""
    errors_url: str = ""
    problems: int = 0


# Called with a division and the signed-in user; returns nothing when the user may not see the integration.
SyncStatusProvider = Callable[..., SyncStatus | None]

_sync_status_providers: list[SyncStatusProvider] = []


def sync_status_provider_register(provider: SyncStatusProvider) -> SyncStatusProvider:
    if provider not in _sync_status_providers:
        _sync_status_providers.append(provider)
    return provider


def sync_status_provider_unregister(provider: SyncStatusProvider) -> None:
    if provider in _sync_status_providers:
        _sync_status_providers.remove(provider)


def sync_statuses_for(*, division, user) -> list[SyncStatus]:
    """What every integration says about ``division``'s last sync, for ``user``."""
    statuses = []
    for provider in _sync_status_providers:
        status = provider(division=division, user=user)
        if status is not None:
            statuses.append(status)
    return statuses
