"""
Webhooks as Intuit sends them: entity changes waiting to be sent, and the deliveries made of them (the outbox).

A change is one ``SandboxWebhookEvent``; every few seconds the pending events of a company become one
``SandboxWebhookDelivery`` per connected app that has a webhook URL, whose signed body is kept as sent, with its
attempts.
"""

from django.db import models


class WebhookOperation(models.TextChoices):
    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"
    MERGE = "Merge"
    VOID = "Void"
    EMAILED = "Emailed"


class SandboxWebhookEvent(models.Model):
    """One change of one entity, as webhooks report it: ids and an operation, never the data."""

    company = models.ForeignKey("qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="webhook_events")
    entity_type = models.CharField(max_length=40)
    entity_id = models.CharField("Id", max_length=20)
    operation = models.CharField(max_length=10, choices=WebhookOperation.choices)
    # Merge: the Id of the entity merged into this one.
    deleted_id = models.CharField(max_length=20, blank=True)
    occurred_at = models.DateTimeField()
    # Set when the event went into deliveries; pending events have none.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "webhook event"
        indexes = [models.Index(fields=["company", "dispatched_at"], name="qbo_sandbox_wh_event_pending")]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_id} {self.operation}"


class SandboxWebhookDelivery(models.Model):
    """One POST of grouped events to one app's webhook URL, retried on Intuit's schedule until it is answered 2xx."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    company = models.ForeignKey(
        "qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    app = models.ForeignKey("qbo_sandbox.SandboxApp", on_delete=models.CASCADE, related_name="webhook_deliveries")
    url = models.URLField("URL", max_length=500)
    format = models.CharField(max_length=20)
    body = models.TextField(help_text="The raw body, exactly as signed and sent.")
    signature = models.CharField("intuit-signature", max_length=64)
    event_count = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # One {"at", "status_code", "error", "elapsed_ms"} per attempt.
    attempt_log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="qbo_sandbox_wh_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_count} event(s) to {self.app_id} ({self.get_status_display()})"
