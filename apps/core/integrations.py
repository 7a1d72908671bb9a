"""
A registry through which an integration app (QuickBooks, later others) labels domain records.

Domain apps never import an integration. Instead the integration registers a provider in its ``AppConfig.ready()``
that says, for a record, which labels to show ("QuickBooks", "QuickBooks: sync failed"); the domain admins show
whatever the providers return.
"""

from collections.abc import Callable

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
