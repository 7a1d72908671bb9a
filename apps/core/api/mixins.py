"""What every app's viewsets share: error translation, filters and pagination."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status, viewsets
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.core.api.filters import DivisionFilter, QueryParamFilter, UpdatedSinceFilter
from apps.core.api.pagination import StandardPagination


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record's current state does not allow this."
    default_code = "conflict"


def django_error_detail(error: DjangoValidationError) -> dict[str, Any] | list[str]:
    """A model's ValidationError as a DRF error body; errors not tied to a field go under ``non_field_errors``."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    detail: dict[str, Any] = {}
    for name, errors in error.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
        detail[key] = errors
    return detail


class ApiErrorsMixin:
    """
    Turns what models and services raise into API answers: a Django ValidationError becomes 400 with the model's
    messages, a delete blocked by PROTECT becomes 409, and the view's ``conflict_errors`` (refusals of a workflow,
    such as an invoice that cannot be approved) become 409 with their message as ``detail``.
    """

    conflict_errors: tuple[type[Exception], ...] = ()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(django_error_detail(exc))
        elif isinstance(exc, ProtectedError):
            example = next(iter(exc.protected_objects), None)
            used_by = f" (for example by {example._meta.verbose_name} “{example}”)" if example is not None else ""
            exc = Conflict(f"This record is in use{used_by} and cannot be deleted; set it inactive instead.")
        elif self.conflict_errors and isinstance(exc, self.conflict_errors):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


class DomainModelViewSet(ApiErrorsMixin, viewsets.ModelViewSet):
    """
    A ModelViewSet for FieldOffice records, listing with the shared filters:
    ``?division=``, ``?updated_since=``, ``?search=``, ``?ordering=`` and the view's ``query_filters``.
    """

    pagination_class = StandardPagination
    filter_backends = [DivisionFilter, QueryParamFilter, UpdatedSinceFilter, SearchFilter, OrderingFilter]
    division_lookup: str | None = "division"
    query_filters: Mapping[str, str] = {}
