"""
"The QuickBooks side", browsable: companies, sign-in users, apps, connections and the stored objects.

Entities, connections and logged answers are read-only here: they change through the API, as in QuickBooks.
Client secrets are never shown (only their digest is stored); webhook verifier tokens appear on the app's page only.
"""

import json

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from apps.qbo_sandbox.models import (
    SandboxApp,
    SandboxCompany,
    SandboxEntity,
    SandboxGrant,
    SandboxRequestLog,
    SandboxUser,
)
from apps.qbo_sandbox.webhooks import admin as webhooks_admin  # noqa: F401 - registers the webhook outbox


def _pretty_json(value) -> str:
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', json.dumps(value, indent=2))


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SandboxCompany)
class SandboxCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "realm_id", "country", "time_zone", "created_at"]
    search_fields = ["name", "realm_id"]
    readonly_fields = ["realm_id", "next_id", "next_doc_number", "effective_settings_display", "created_at"]
    fields = ["name", "realm_id", "country", "time_zone", "settings", "effective_settings_display", "next_id"]

    def has_add_permission(self, request) -> bool:
        # Companies are created with `manage.py qbo_sandbox create-company`, which also seeds them.
        return False

    @admin.display(description="effective settings")
    def effective_settings_display(self, obj: SandboxCompany) -> str:
        return _pretty_json(obj.effective_settings())


@admin.register(SandboxUser)
class SandboxUserAdmin(admin.ModelAdmin):
    list_display = ["email", "given_name", "family_name", "last_sign_in_at"]
    search_fields = ["email", "given_name", "family_name"]
    filter_horizontal = ["companies"]
    fields = ["email", "given_name", "family_name", "companies", "last_sign_in_at"]
    readonly_fields = ["last_sign_in_at"]

    def has_add_permission(self, request) -> bool:
        # Users get a password from `manage.py qbo_sandbox create-user`; the admin only edits them.
        return False


@admin.register(SandboxApp)
class SandboxAppAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "webhook_url", "webhook_format", "created_at"]
    search_fields = ["name", "client_id"]
    fields = ["name", "client_id", "redirect_uris", "webhook_url", "webhook_format", "webhook_verifier_token"]
    readonly_fields = ["client_id", "webhook_verifier_token"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:
        # The client secret is shown once, by `manage.py qbo_sandbox create-app`.
        return False


@admin.register(SandboxGrant)
class SandboxGrantAdmin(ReadOnlyAdmin):
    list_display = ["app", "company", "user", "scope", "created_at", "revoked_at"]
    list_filter = ["app", "company"]
    list_select_related = ["app", "company", "user"]
    fields = ["app", "company", "user", "scope", "created_at", "expires_at", "revoked_at", "revoked_reason"]


@admin.register(SandboxEntity)
class SandboxEntityAdmin(ReadOnlyAdmin):
    list_display = ["entity_type", "entity_id", "name", "company", "active", "sync_token", "updated_at", "deleted_at"]
    list_display_links = ["entity_type", "entity_id", "name"]
    list_filter = ["company", "entity_type", "active", ("deleted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["company"]
    search_fields = ["name_key", "=entity_id"]
    ordering = ["company_id", "entity_type", "id"]
    fields = [
        "company",
        "entity_type",
        "entity_id",
        "sync_token",
        "active",
        "created_at",
        "updated_at",
        "deleted_at",
        "data_display",
    ]
    readonly_fields = fields
    # Bulk seeds make large tables: skip the second, unfiltered COUNT(*).
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="name", ordering="name_key")
    def name(self, obj: SandboxEntity) -> str:
        data = obj.data
        name = data.get("FullyQualifiedName") or data.get("DisplayName") or data.get("Name")
        return name or data.get("DocNumber", "")

    @admin.display(description="JSON as the API returns it")
    def data_display(self, obj: SandboxEntity) -> str:
        return _pretty_json(obj.data)


@admin.register(SandboxRequestLog)
class SandboxRequestLogAdmin(ReadOnlyAdmin):
    list_display = ["request_id", "company", "method", "endpoint", "status_code", "created_at"]
    list_filter = ["company", "status_code"]
    list_select_related = ["company"]
    search_fields = ["=request_id", "endpoint"]
    fields = ["company", "app", "request_id", "method", "endpoint", "status_code", "content_type", "body_display"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="response body")
    def body_display(self, obj: SandboxRequestLog) -> str:
        try:
            return _pretty_json(json.loads(obj.response_body))
        except ValueError:
            return format_html("<pre>{}</pre>", obj.response_body)
