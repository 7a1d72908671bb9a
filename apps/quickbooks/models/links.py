from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.core.models import Division


class RecordLink(models.Model):
    """
    The link between a FieldOffice record and its QuickBooks twin, found by stored ids, never by name.

    ``sync_token`` is QuickBooks' version of the object at the last sync (a write with an older one is refused);
    ``content_hash`` fingerprints what was last synced, so that an unchanged record is not sent again. A link without
    ``qbo_id`` is a create in flight (``pending_since``).
    """

    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="quickbooks_links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    local_record = GenericForeignKey("content_type", "object_id")
    entity_type = models.CharField("QuickBooks entity", max_length=40)
    # Room for the longest id a backend gives: a Desktop ship-to address is "<ListID (36)>/<its name (41)>".
    qbo_id = models.CharField("QuickBooks ID", max_length=100, blank=True)
    sync_token = models.CharField("SyncToken", max_length=32, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    pending_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while a create is on its way to QuickBooks: a run interrupted then finds the record there "
        "by name and links it instead of creating it twice.",
    )
    pending_name = models.CharField(
        max_length=500, blank=True, help_text="The name the create in flight was sent with (the record may be renamed)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "record link"
        constraints = [
            models.UniqueConstraint(
                fields=["division", "entity_type", "qbo_id"],
                condition=~models.Q(qbo_id=""),
                name="quickbooks_link_unique_qbo_record",
                violation_error_message="This QuickBooks record is already linked to another FieldOffice record.",
            ),
            models.UniqueConstraint(
                fields=["division", "content_type", "object_id"],
                name="quickbooks_link_unique_local_record",
                violation_error_message="This FieldOffice record is already linked to a QuickBooks record.",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="quickbooks_link_local_idx")]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.qbo_id}"


class LeftBehindRecord(models.Model):
    """
    A QuickBooks record that an update replaced instead of changing it, so it is no longer synced.

    QuickBooks Desktop cannot rename a ship-to address. When a service location is renamed here, Desktop adds a
    ship-to under the new name and keeps the old one. The location is linked to the new ship-to; the old one is
    recorded here, so that a pull does not bring it back as a new location. The record stops being left behind
    once a link points at it again, for example when the location takes its old name back.
    """

    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="+")
    entity_type = models.CharField("QuickBooks entity", max_length=40)
    qbo_id = models.CharField("QuickBooks ID", max_length=100)
    left_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "record left behind in QuickBooks"
        verbose_name_plural = "records left behind in QuickBooks"
        constraints = [
            models.UniqueConstraint(
                fields=["division", "entity_type", "qbo_id"], name="quickbooks_left_behind_unique_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.qbo_id}"
