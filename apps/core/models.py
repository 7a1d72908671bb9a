"""Divisions, and the base classes every syncable record shares."""

from django.db import models
from django.db.models.functions import Lower

DEFAULT_DIVISION_SLUG = "main"


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at``; ``updated_at`` is how a sync finds local changes."""

    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Division(TimeStampedModel):
    """A part of the company with its own books: each division connects to its own QuickBooks company."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="division_name_ci_unique",
                violation_error_message="A division with this name exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def division_default_id() -> int:
    """The default division's id, created on first use; a callable so that migrations can reference it."""
    division, _ = Division.objects.get_or_create(slug=DEFAULT_DIVISION_SLUG, defaults={"name": "Main"})
    return division.pk


class DivisionOwnedModel(TimeStampedModel):
    """A record that belongs to exactly one division."""

    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set", default=division_default_id
    )

    class Meta:
        abstract = True
