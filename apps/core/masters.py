"""
A registry of *master systems*: another system (QuickBooks, later others) that keeps some records for a division.

While another system is master of a model's records in a division, FieldOffice shows them but does not change them:
the admin, the API, the services and the Excel imports refuse with the provider's reason, and only the master
system's own writes (a sync, calling the services with ``by_master_system=True``) go through.

Domain apps never import an integration. The integration registers a provider in its ``AppConfig.ready()``; a
provider is called with a model class and a division id and returns ``None`` (FieldOffice is master) or a reason
in plain words ("Tax rates of Main are kept in QuickBooks (…): change them there; they arrive here at the next
sync."). Nothing is cached: settings change at any time, so each question is answered from the database.
"""

from collections.abc import Callable, Iterable

from django.db import models

MasterProvider = Callable[[type[models.Model], int], str | None]

_providers: list[MasterProvider] = []


def master_provider_register(provider: MasterProvider) -> MasterProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def master_provider_unregister(provider: MasterProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def master_elsewhere(model: type[models.Model], division_id: int) -> str | None:
    """Why the model's records of the division are kept in another system, or ``None`` when they are kept here."""
    for provider in _providers:
        reason = provider(model, division_id)
        if reason:
            return reason
    return None


def masters_elsewhere(model: type[models.Model], division_ids: Iterable[int]) -> dict[int, str]:
    """``master_elsewhere`` for several divisions: the reason of each division kept elsewhere, by division id."""
    reasons: dict[int, str] = {}
    for division_id in division_ids:
        reason = master_elsewhere(model, division_id)
        if reason:
            reasons[division_id] = reason
    return reasons
