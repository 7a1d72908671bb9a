"""The webhook outbox in the admin: what was sent to which app, how often, and what came back."""

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from apps.qbo_sandbox.models import SandboxWebhookDelivery, SandboxWebhookEvent
from apps.qbo_sandbox.webhooks.delivery import deliveries_retry_now


def _pretty(value) -> str:
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', json.dumps(value, indent=2))


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SandboxWebhookDelivery)
class SandboxWebhookDeliveryAdmin(_ReadOnly):
    list_display = ["id", "company", "app", "event_count", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "format", "company", "app"]
    list_select_related = ["company", "app"]
    search_fields = ["url", "last_error"]
    fields = [
        "company",
        "app",
        "url",
        "format",
        "status",
        "attempts",
        "event_count",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "signature",
        "body_display",
        "attempts_display",
    ]
    readonly_fields = fields
    actions = ["retry_now"]
    show_full_result_count = False

    @admin.display(description="body")
    def body_display(self, obj: SandboxWebhookDelivery) -> str:
        return _pretty(json.loads(obj.body))

    @admin.display(description="attempt log")
    def attempts_display(self, obj: SandboxWebhookDelivery) -> str:
        return _pretty(obj.attempt_log)

    @admin.action(description="Send the selected deliveries again now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[SandboxWebhookDelivery]) -> None:
        sent = deliveries_retry_now(list(queryset))
        self.message_user(request, f"{sent} delivery attempt(s) made.", messages.SUCCESS)

    def has_retry_now_permission(self, request: HttpRequest) -> bool:
        # Sending again changes nothing the admin edits; viewing the outbox is enough.
        return self.has_view_permission(request)


@admin.register(SandboxWebhookEvent)
class SandboxWebhookEventAdmin(_ReadOnly):
    list_display = ["id", "company", "entity_type", "entity_id", "operation", "occurred_at", "dispatched_at"]
    list_filter = ["operation", "entity_type", "company", ("dispatched_at", admin.EmptyFieldListFilter)]
    list_select_related = ["company"]
    search_fields = ["=entity_id"]
    readonly_fields = [
        "company",
        "entity_type",
        "entity_id",
        "operation",
        "deleted_id",
        "occurred_at",
        "dispatched_at",
    ]
    show_full_result_count = False
