"""
A registry of *notes*: what an integration wants people editing some records here to know, without forbidding
anything ("Items of Main come from QuickBooks: changes made here are not sent to QuickBooks…").

``apps.core.masters`` makes records read-only while another system keeps them; a note only informs, so the records
stay editable. Domain apps never import an integration: the integration registers a provider in its
``AppConfig.ready()``, called with a model class and a division id, returning a sentence or ``None``; the domain
admins show whatever the providers return. Nothing is cached: settings change at any time.
"""

from collections.abc import Callable, Iterable

from django.db import models

NoteProvider = Callable[[type[models.Model], int], str | None]

_providers: list[NoteProvider] = []


def note_provider_register(provider: NoteProvider) -> NoteProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def note_provider_unregister(provider: NoteProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def notes_for(model: type[models.Model], division_ids: Iterable[int]) -> list[str]:
    """The notes about the model's records of these divisions, each once, in the order found."""
    notes: list[str] = []
    for division_id in division_ids:
        for provider in _providers:
            note = provider(model, division_id)
            if note and note not in notes:
                notes.append(note)
    return notes
