from django.contrib import admin

from apps.core.admin_utils import FastChangeListMixin
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunEntry
from apps.quickbooks.selectors import run_listed_status


class ReadOnlyMixin:
    """Written by the sync only: staff read them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SyncRunEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = SyncRunEntry
    fields = ["created_at", "action", "entity", "record_label", "qbo_id", "message"]
    readonly_fields = fields
    extra = 0


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyMixin, FastChangeListMixin, admin.ModelAdmin):
    list_display = ["created_at", "division", "started_by", "listed_status", "api_calls", "summary_short"]
    list_filter = ["status", "trigger", "division"]
    list_select_related = ["division"]
    date_hierarchy = "created_at"
    fields = [
        "division",
        "started_by",
        "status",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "api_calls",
        "counts",
        "summary",
        "error_summary",
    ]
    readonly_fields = fields
    inlines = [SyncRunEntryInline]

    @admin.display(description="trigger", ordering="trigger")
    def started_by(self, obj: SyncRun) -> str:
        """What started the run, with the lists of a scoped run: "Sync Now — Customers"."""
        return obj.get_trigger_display()

    @admin.display(description="status", ordering="status")
    def listed_status(self, obj: SyncRun) -> str:
        return run_listed_status(obj)

    @admin.display(description="summary")
    def summary_short(self, obj: SyncRun) -> str:
        text = obj.error_summary or obj.summary
        return text if len(text) <= 120 else text[:119] + "…"


@admin.register(RecordLink)
class RecordLinkAdmin(ReadOnlyMixin, FastChangeListMixin, admin.ModelAdmin):
    list_display = ["local_record_label", "content_type", "entity_type", "qbo_id", "last_synced_at", "division"]
    list_filter = ["entity_type", "division"]
    list_select_related = ["division", "content_type"]
    search_fields = ["qbo_id"]
    fields = [
        "division",
        "content_type",
        "object_id",
        "local_record_label",
        "entity_type",
        "qbo_id",
        "sync_token",
        "content_hash",
        "last_synced_at",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("local_record")

    @admin.display(description="FieldOffice record")
    def local_record_label(self, obj: RecordLink) -> str:
        return str(obj.local_record) if obj.local_record is not None else f"(deleted #{obj.object_id})"
