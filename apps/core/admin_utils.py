"""
Admin building blocks shared by every app: paging that stays fast on large tables, integration labels and notes.
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.html import format_html_join

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
