"""The record of every Excel import: who, when, which file, what it would do, what it did and what was wrong."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import Division, TimeStampedModel


class ImportStatus(models.TextChoices):
    CHECK_QUEUED = "check_queued", "Waiting to be checked"
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked"
    IMPORT_QUEUED = "import_queued", "Waiting to import"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported"
    CANCELLED = "cancelled", "Cancelled"


# A worker is (or will be) busy with these: the page shows a progress bar and polls.
BUSY_STATUSES = (ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING, ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING)


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing"
    VALID_ROWS = "valid_rows", "Valid rows only"


def import_upload_to(instance: "ImportRecord", filename: str) -> str:
    """A random name in the month's folder: nobody can guess where an upload is; its own name is kept beside it."""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ImportRecord(TimeStampedModel):
    """
    One upload of a workbook: checked (the preview), then imported once confirmed. Never edited by hand.

    Its files are handed out only by the import's pages, to people who may import.
    """

    Status = ImportStatus

    kind = models.CharField(max_length=40)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECK_QUEUED)
    mode = models.CharField(max_length=20, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    file = models.FileField(upload_to=import_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=255, help_text="The workbook's name on the user's computer.")
    file_size = models.PositiveBigIntegerField(default=0)
    archive = models.FileField("zip of files", upload_to=import_upload_to, max_length=300, blank=True)
    archive_name = models.CharField("zip file name", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the current step.")
    progress_text = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField("rows read", default=0)
    example_rows = models.PositiveIntegerField(
        "example rows skipped",
        default=0,
        help_text="Rows marked as examples, or equal to the template's: never imported.",
    )
    error_rows = models.PositiveIntegerField("rows with errors", default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_skip = models.PositiveIntegerField("to leave as they are", default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField("left as they were", default=0)
    message = models.TextField(blank=True, help_text="Why the file was refused or the import stopped.")
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, message}, ...]")
    error_count = models.PositiveIntegerField(default=0)
    samples = models.JSONField(
        default=dict,
        blank=True,
        help_text="The first records of each action with their changes, field by field, and the example rows skipped.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("import_from_excel", "Can import from Excel")]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name

    @property
    def is_busy(self) -> bool:
        return self.status in BUSY_STATUSES


class ExcelImport(ImportRecord):
    """The "Import from Excel" page's entry in the admin index; it has no rows of its own."""

    class Meta:
        proxy = True
        verbose_name = "Import from Excel"
        verbose_name_plural = "Import from Excel"
        default_permissions = ()
