"""
Query-parameter filters for list endpoints, without django-filter.

Views configure them with plain attributes: ``division_lookup`` (the path to the record's division, ``None`` when it
has none) and ``query_filters`` (query parameter → model field, exact matches). Bad values answer 400.
"""

from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

TRUE_VALUES = frozenset({"true", "1", "yes"})
FALSE_VALUES = frozenset({"false", "0", "no"})


def parse_bool(param: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValidationError({param: [f"“{raw}” is not true or false."]})


def parse_datetime_param(param: str, raw: str) -> datetime:
    """An ISO 8601 date and time (a date alone means its midnight); naive values are in the site's time zone."""
    value = parse_datetime(raw)
    if value is None and " " in raw:
        # An unencoded "+" in "…T08:00:00+02:00" arrives as a space.
        value = parse_datetime(raw.replace(" ", "+"))
    if value is None and (day := parse_date(raw)) is not None:
        value = datetime.combine(day, time.min)
    if value is None:
        raise ValidationError({param: [f"“{raw}” is not an ISO 8601 date and time, such as 2026-01-31T08:00:00Z."]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _view_model(view) -> type[models.Model] | None:
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


class DivisionFilter(BaseFilterBackend):
    """``?division=<slug>``: the records of one division."""

    param = "division"

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        slug = request.query_params.get(self.param)
        lookup = getattr(view, "division_lookup", None)
        if not slug or lookup is None:
            return queryset
        return queryset.filter(**{f"{lookup}__slug": slug})

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        if getattr(view, "division_lookup", None) is None:
            return []
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only records of the division with this slug.",
                "schema": {"type": "string"},
            }
        ]


class UpdatedSinceFilter(BaseFilterBackend):
    """``?updated_since=<ISO datetime>``: records changed at or after that moment, for incremental sync."""

    param = "updated_since"

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        raw = request.query_params.get(self.param)
        if not raw:
            return queryset
        # At or after, not after: a record saved in the same instant as the last sync must not be missed.
        return queryset.filter(updated_at__gte=parse_datetime_param(self.param, raw))

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only records changed at or after this moment (ISO 8601; naive means the site's "
                "time zone).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class QueryParamFilter(BaseFilterBackend):
    """Exact matches on the fields a view lists in ``query_filters``; commas give several values (``?status=a,b``)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        for param, field_name in getattr(view, "query_filters", {}).items():
            raw = request.query_params.get(param)
            if raw is None or raw == "":
                continue
            field = queryset.model._meta.get_field(field_name)
            values = [self._parse(param, field, part.strip()) for part in raw.split(",") if part.strip()]
            queryset = queryset.filter(**{f"{field_name}__in": values})
        return queryset

    @staticmethod
    def _parse(param: str, field: models.Field, raw: str) -> Any:
        if isinstance(field, models.BooleanField):
            return parse_bool(param, raw)
        target = field.target_field if field.is_relation else field
        try:
            value = target.to_python(raw)
        except DjangoValidationError as error:
            raise ValidationError({param: [f"“{raw}” is not a valid value."]}) from error
        if field.choices and value not in dict(field.flatchoices):
            allowed = ", ".join(str(choice) for choice, _ in field.flatchoices)
            raise ValidationError({param: [f"“{raw}” is not one of: {allowed}."]})
        return value

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        model = _view_model(view)
        if model is None:
            return []
        parameters = []
        for param, field_name in getattr(view, "query_filters", {}).items():
            field = model._meta.get_field(field_name)
            parameters.append({"name": param, "required": False, "in": "query", **self._schema_for(field)})
        return parameters

    @staticmethod
    def _schema_for(field: models.Field) -> dict[str, Any]:
        label = str(field.verbose_name)
        if isinstance(field, models.BooleanField):
            return {"description": f"Filter on {label}: true or false.", "schema": {"type": "boolean"}}
        target = field.target_field if field.is_relation else field
        if field.choices:
            item: dict[str, Any] = {"type": "string", "enum": [choice for choice, _ in field.flatchoices]}
        elif isinstance(target, models.IntegerField | models.AutoField):
            item = {"type": "integer"}
        else:
            item = {"type": "string"}
        return {
            "description": f"By {label}{' id' if field.is_relation else ''}; several values separated by commas.",
            # Comma-separated values: an array in form style, not exploded.
            "schema": {"type": "array", "items": item},
            "style": "form",
            "explode": False,
        }
