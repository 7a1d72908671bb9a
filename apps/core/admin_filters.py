"""Sidebar filters that any admin can use."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from apps.core.admin_utils import has_division, several_divisions
from apps.core.display import record_label


class DateRangeFilter(admin.FieldListFilter):
    """
    A "from" and a "to" date input for a date field, both inclusive.

    Used as ``list_filter = [("invoice_date", DateRangeFilter)]``. A value that is not a date is left out with a
    warning instead of failing the whole list, because people type dates by hand.
    """

    template = "admin/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        self.lookup_kwarg_since = f"{field_path}__gte"
        self.lookup_kwarg_until = f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.since = self._parse(request, self.lookup_kwarg_since, "start")
        self.until = self._parse(request, self.lookup_kwarg_until, "end")

    def _parse(self, request, parameter: str, label: str) -> date | None:
        values = self.used_parameters.get(parameter)
        raw = (values[-1] if isinstance(values, list) else values or "").strip()
        if not raw:
            return None
        try:
            # DateField accepts the ISO dates of <input type="date"> and the locale's typed formats alike.
            return forms.DateField().clean(raw)
        except ValidationError:
            messages.warning(request, f"“{raw}” is not a date; the list is not filtered by that {label} {self.title}.")
            return None

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg_since, self.lookup_kwarg_until]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.since:
            queryset = queryset.filter(**{self.lookup_kwarg_since: self.since})
        if self.until:
            queryset = queryset.filter(**{self.lookup_kwarg_until: self.until})
        return queryset

    def choices(self, changelist):
        # One "choice": everything the template needs to draw the two inputs and keep the other filters.
        expected = self.expected_parameters()
        yield {
            "since_name": self.lookup_kwarg_since,
            "until_name": self.lookup_kwarg_until,
            "since": self.since,
            "until": self.until,
            "is_active": bool(self.since or self.until),
            "hidden_params": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name not in expected
                for value in values
            ],
            "clear_query_string": changelist.get_query_string(remove=expected),
        }


class DivisionLabelledRelatedFilter(admin.RelatedFieldListFilter):
    """
    A related-record filter whose choices name their division when the company has several ("Net 15 (Snow
    Removal)" and "Net 15 (Main)" rather than "Net 15" twice). Used as ``list_filter = [("payment_term", ...)]``.
    """

    def field_choices(self, field, request, model_admin):
        related_model = field.remote_field.model
        if not (has_division(related_model) and several_divisions(request)):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin) or related_model._meta.ordering or ()
        related = related_model._default_manager.select_related("division").order_by(*ordering)
        if field.remote_field.limit_choices_to:
            related = related.complex_filter(field.remote_field.limit_choices_to)
        return [(obj.pk, record_label(obj, with_division=True)) for obj in related]
