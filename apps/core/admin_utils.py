"""
Admin building blocks shared by every app: paging that stays fast on large tables, integration labels and notes,
division labels when the company has several divisions, and number inputs without trailing zeros.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections, models
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html_join

from apps.core.display import divisions_are_several, format_decimal_input, record_label
from apps.core.integrations import integration_labels_for
from apps.core.models import Division
from apps.core.notes import notes_for

# Below this many rows an exact COUNT(*) is cheap enough everywhere.
ESTIMATE_ABOVE_ROWS = 50_000


class LargeTablePaginator(Paginator):
    """
    A paginator that does not count a huge table row by row.

    An unfiltered changelist on PostgreSQL reads the planner's row estimate (``pg_class.reltuples``) when the table
    is large; filtered lists and small tables are counted exactly. Use it with ``show_full_result_count = False``
    so that the admin does not run a second, unfiltered count.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.combinator:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] and row[0] > ESTIMATE_ABOVE_ROWS:
                    return int(row[0])
        return super().count


class FastChangeListMixin:
    """Changelist defaults for tables that grow to hundreds of thousands of rows."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50


class IntegrationsAdminMixin:
    """Shows, on a record's change form, the integrations it is linked to (see ``apps.core.integrations``)."""

    @admin.display(description="Integrations")
    def integrations(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        labels = integration_labels_for(obj)
        if not labels:
            return "Not linked to any integration"
        return format_html_join(" ", '<span class="integration-label">{}</span>', ((label,) for label in labels))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "integrations"]


class IntegrationNotesAdminMixin:
    """
    A banner on the list and the form with the integrations' notes about these records (``apps.core.notes``): on a
    record, those of its division; on the list and a new record, those of every division.
    """

    change_list_template = "admin/core/notes/change_list.html"
    change_form_template = "admin/core/notes/change_form.html"

    def _integration_notes(self, division_id: int | None = None) -> list[str]:
        ids = [division_id] if division_id else Division.objects.values_list("pk", flat=True)
        return notes_for(self.model, ids)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "integration_notes": self._integration_notes()}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["integration_notes"] = self._integration_notes(getattr(obj, "division_id", None))
        return super().render_change_form(request, context, add, change, form_url, obj)


def several_divisions(request: HttpRequest) -> bool:
    """``divisions_are_several()``, asked once per request however many columns, filters and choices need it."""
    if not hasattr(request, "_fieldoffice_several_divisions"):
        request._fieldoffice_several_divisions = divisions_are_several()
    return request._fieldoffice_several_divisions


def has_division(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("division")
    except FieldDoesNotExist:
        return False
    return field.is_relation and field.related_model is Division


class DivisionLabelsAdminMixin:
    """
    Where records of several divisions can be confused, they carry their division: the "division" column, and
    choices of records that belong to a division ("Net 15 (Snow Removal)").

    With one division nothing changes: ``"division"`` is dropped from ``list_display`` and labels stay plain. List
    it in ``list_display`` where the column belongs. Works on inlines too (for their choices).
    """

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if several_divisions(request):
            return list_display
        return [name for name in list_display if name != "division"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related_model = db_field.remote_field.model
        if formfield is not None and has_division(related_model) and several_divisions(request):
            formfield.queryset = formfield.queryset.select_related("division")
            # Read by the select's options and by the autocomplete's selected choice alike.
            formfield.label_from_instance = partial(record_label, with_division=True)
        return formfield


class DecimalInput(forms.NumberInput):
    """
    A number input that shows ``3`` rather than ``3.0000`` (and ``12.50`` rather than ``12.5000`` with
    ``min_places=2``): the stored precision stays, only the trailing zeros go.
    """

    def __init__(self, attrs=None, *, min_places: int = 0) -> None:
        super().__init__(attrs)
        self.min_places = min_places

    def format_value(self, value):
        if isinstance(value, str) or value is None:
            return super().format_value(value)
        return format_decimal_input(value, min_places=self.min_places)


class ReadOnlyDisplayMixin:
    """
    Shows some fields through display methods when the page is read-only (a Read-only user, a void invoice), where
    Django would print the stored value as it is ("3.0000"): ``read_only_display = {"quantity": "quantity_shown"}``.
    """

    read_only_display: dict[str, str] = {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.read_only_display or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [self.read_only_display.get(field, field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = list(super().get_readonly_fields(request, obj))
        return readonly_fields + [name for name in self.read_only_display.values() if name not in readonly_fields]
