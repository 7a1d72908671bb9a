from django.db import models

from apps.core.models import Division


class SyncState(models.Model):
    """
    Where a division's sync stands between runs, and who is running it now.

    ``remote_cursor`` is the QuickBooks time up to which changes have been pulled (change data capture starts there);
    ``local_cursor`` the FieldOffice time up to which local changes have been pushed. The lock is a lease: a run takes
    it with one conditional UPDATE (safe across workers on many machines), renews it while it works, and a run that
    died leaves it to expire, after which the next run redoes what was left.
    """

    division = models.OneToOneField(Division, on_delete=models.CASCADE, related_name="quickbooks_sync_state")
    remote_cursor = models.DateTimeField(null=True, blank=True)
    local_cursor = models.DateTimeField(null=True, blank=True)
    last_full_sync_at = models.DateTimeField(null=True, blank=True)
    lock_owner = models.CharField(max_length=64, blank=True)
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    retry_remote = models.JSONField(
        default=dict,
        blank=True,
        help_text="QuickBooks records that could not be applied here, by entity: read again at the next run.",
    )
    webhook_run_due_at = models.DateTimeField(
        null=True, blank=True, help_text="A run asked for by QuickBooks change notices, gathered until this time."
    )

    class Meta:
        verbose_name = "sync state"

    def __str__(self) -> str:
        return f"Sync state of {self.division}"
