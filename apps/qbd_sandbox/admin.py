"""
The emulated QuickBooks Desktop side, browsable: company files, their records, deletions and sessions.

Records are read-only here: they change through qbXML requests, as in QuickBooks. The pages exist only while the
emulator is on (DEBUG, or QBD_ALLOW_LOCAL_SANDBOX=1 for a demonstration).
"""

import json

from django.contrib import admin
from django.utils.html import format_html

from apps.qbd_sandbox.guard import emulator_enabled
from apps.qbd_sandbox.models import CompanyFile, DataExtension, QbSession, Record, Tombstone


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DataExtensionInline(admin.TabularInline):
    model = DataExtension
    extra = 0
    fields = ["owner_id", "name", "value"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CompanyFileAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "edition", "sales_tax_enabled", "created_at"]
    search_fields = ["name", "path"]
    fields = ["name", "legal_name", "path", "edition", "time_zone", "sales_tax_enabled", "phone", "email", "address"]
    readonly_fields = ["path"]
    inlines = [DataExtensionInline]

    def has_add_permission(self, request) -> bool:
        # Company files are made with `manage.py qbd_sandbox_company`, which also fills them.
        return False


class RecordAdmin(ReadOnlyAdmin):
    list_display = ["kind", "full_name", "ref_number", "object_id", "company", "is_active", "time_modified"]
    list_display_links = ["kind", "full_name", "object_id"]
    list_filter = ["company", "kind", "is_active"]
    list_select_related = ["company"]
    search_fields = ["name_key", "=object_id", "=ref_number"]
    ordering = ["company_id", "kind", "name_key", "txn_number"]
    fields = [
        "company",
        "kind",
        "object_id",
        "edit_sequence",
        "full_name",
        "ref_number",
        "is_active",
        "open_balance",
        "lock_code",
        "time_created",
        "time_modified",
        "data_display",
    ]
    readonly_fields = fields
    # Bulk seeds make large tables: skip the second, unfiltered COUNT(*).
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="qbXML fields")
    def data_display(self, obj: Record) -> str:
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', json.dumps(obj.data, indent=2))


class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "full_name", "company", "time_deleted"]
    list_filter = ["company", "kind"]
    list_select_related = ["company"]
    search_fields = ["=object_id", "full_name"]
    fields = ["company", "kind", "is_txn", "object_id", "full_name", "time_created", "time_deleted"]
    readonly_fields = fields


class QbSessionAdmin(ReadOnlyAdmin):
    list_display = ["session_id", "company", "opened_at", "closed_at"]
    list_filter = ["company"]
    list_select_related = ["company"]
    fields = ["session_id", "company", "opened_at", "closed_at"]
    readonly_fields = fields


if emulator_enabled():
    admin.site.register(CompanyFile, CompanyFileAdmin)
    admin.site.register(Record, RecordAdmin)
    admin.site.register(Tombstone, TombstoneAdmin)
    admin.site.register(QbSession, QbSessionAdmin)
