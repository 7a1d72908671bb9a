from django.conf import settings
from django.db import models

from apps.core.models import Division


class SyncTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Sync Now"
    WEBHOOK = "webhook", "QuickBooks change notice"
    RESEND = "resend", "Resend all data"
    PREVIEW = "preview", "Preview"


class SyncRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    PARTIAL = "partial", "Partly done"


class SyncAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    LINKED = "linked", "Linked"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    DEACTIVATED = "deactivated", "Deactivated"


class SyncRun(models.Model):
    """One sync of a division with QuickBooks: what started it, how it went, and its log (``entries``)."""

    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="quickbooks_sync_runs")
    trigger = models.CharField(max_length=20, choices=SyncTrigger.choices)
    status = models.CharField(max_length=20, choices=SyncRunStatus.choices, default=SyncRunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("queued", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text='Records per action, e.g. {"created": 3}.')
    api_calls = models.PositiveIntegerField("API calls", default=0)
    summary = models.TextField(blank=True, help_text="What the run did, in plain words.")
    error_summary = models.TextField(blank=True)

    class Meta:
        verbose_name = "sync run"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["division", "-created_at"], name="quickbooks_run_division_idx")]

    def __str__(self) -> str:
        return f"Sync of {self.division} at {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (SyncRunStatus.QUEUED, SyncRunStatus.RUNNING)


class SyncRunEntry(models.Model):
    """One line of a run's log: a record, what happened to it, and why."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="entries")
    entity = models.CharField(max_length=40)
    record_label = models.CharField("record", max_length=255, blank=True)
    qbo_id = models.CharField("QuickBooks ID", max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=SyncAction.choices)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sync run entry"
        verbose_name_plural = "sync run entries"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.entity} {self.record_label}".strip()
