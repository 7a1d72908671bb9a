from django.contrib import admin

from apps.core import tasks_admin  # noqa: F401  (replaces django-q2's admin with guarded classes)
from apps.core.models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
