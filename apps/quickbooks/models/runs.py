from collections.abc import Iterable

from django.conf import settings
from django.db import models

from apps.core.models import Division


class SyncTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Schedule"
    MANUAL = "manual", "Sync Now"
    WEBHOOK = "webhook", "QuickBooks change notice"
    RESEND = "resend", "Resend all data"
    PREVIEW = "preview", "Preview"
    WEB_CONNECTOR = "qbwc", "QuickBooks Web Connector"


class SyncRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    PARTIAL = "partial", "Partly done"
    # Closed by the reconciler: its worker stopped (killed, machine lost) before the run ended.
    LOST = "lost", "Lost (worker stopped)"


class SyncAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    LINKED = "linked", "Linked"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    DEACTIVATED = "deactivated", "Deactivated"


def scope_label(steps: Iterable[str]) -> str:
    """The lists of a scoped run as the page names them: ``["customers", "items"]`` → "Customers, Items"."""
    return ", ".join(step[:1].upper() + step[1:] for step in steps)


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
    full = models.BooleanField("full sync", default=False, help_text="Read everything, not only what changed.")
    scope = models.JSONField(
        default=list,
        blank=True,
        help_text='The lists a scoped run synchronizes, e.g. ["customers"] (Synchronize Customers); empty: every list.',
    )
    stage = models.CharField(max_length=100, blank=True, help_text="What the run is doing now, in plain words.")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    entity_counts = models.JSONField(
        default=dict, blank=True, help_text='Records per entity and action, e.g. {"customer": {"created": 3}}.'
    )
    summary = models.TextField(blank=True, help_text="What the run did, in plain words.")
    error_summary = models.TextField(blank=True)
    task_id = models.CharField(
        "background task", max_length=64, blank=True, help_text="The django-q2 task that runs it, while it is queued."
    )
    lock_owner = models.CharField(
        "lease", max_length=64, blank=True, help_text="The division's lease this run holds while it runs."
    )
    lost_at = models.DateTimeField(
        "noticed lost", null=True, blank=True, help_text="When the run was found with no worker left to finish it."
    )

    class Meta:
        verbose_name = "sync run"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["division", "-created_at"], name="quickbooks_run_division_idx"),
            # The reconciler looks at the few runs under way, every minute, whatever the size of the history.
            models.Index(
                fields=["status"],
                name="quickbooks_run_active_idx",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Sync of {self.division} at {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def get_trigger_display(self) -> str:
        """What started the run, with the lists of a scoped run: "Sync Now — Customers"."""
        label = str(SyncTrigger(self.trigger).label) if self.trigger in SyncTrigger.values else self.trigger
        return f"{label} — {scope_label(self.scope)}" if self.scope else label

    @property
    def is_active(self) -> bool:
        return self.status in (SyncRunStatus.QUEUED, SyncRunStatus.RUNNING)

    @property
    def is_preview(self) -> bool:
        return self.trigger == SyncTrigger.PREVIEW

    @property
    def progress_percent(self) -> int:
        if not self.is_active:
            return 100
        return min(99, self.progress_done * 100 // self.progress_total) if self.progress_total else 0


class SyncRunEntry(models.Model):
    """One line of a run's log: a record, what happened to it, and why."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="entries")
    entity = models.CharField(max_length=40)
    record_label = models.CharField("record", max_length=255, blank=True)
    # Room for the longest id a backend gives: a Desktop ship-to address is "<ListID (36)>/<its name (41)>".
    qbo_id = models.CharField("QuickBooks ID", max_length=100, blank=True)
    action = models.CharField(max_length=20, choices=SyncAction.choices)
    message = models.TextField(blank=True)
    object_id = models.PositiveBigIntegerField("FieldOffice ID", null=True, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="More about the record, e.g. the losing version when both sides changed."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sync run entry"
        verbose_name_plural = "sync run entries"
        ordering = ["pk"]
        indexes = [models.Index(fields=["run", "action"], name="quickbooks_entry_action_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.entity} {self.record_label}".strip()
