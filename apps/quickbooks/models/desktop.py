import uuid

from django.conf import settings
from django.db import models

from apps.core.models import Division


class DesktopInstallation(models.Model):
    """
    The one row naming this FieldOffice installation to the QuickBooks Web Connector.

    ``owner_id`` is the OwnerID of every ``.qwc`` file: the Web Connector stamps each division's FileID into the
    company file as a private data extension of this owner, so it must never change once files are handed out.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    owner_id = models.UUIDField("OwnerID", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "QuickBooks Desktop installation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True),
                name="quickbooks_desktop_installation_singleton",
                violation_error_message="There is one QuickBooks Desktop installation.",
            ),
        ]

    def __str__(self) -> str:
        return f"QuickBooks Desktop installation {{{str(self.owner_id).upper()}}}"


class DesktopConnection(models.Model):
    """
    A division's link to one QuickBooks Desktop company file, reached through the Web Connector.

    The Web Connector signs in with ``username`` and a password kept only as a hash. ``file_id`` is the FileID of
    the division's ``.qwc``; the company file that carries it is recorded at the first session (``company_*``) and
    every later session must show the same file. When the same file turns up under another name or path, the
    sessions are refused and the new place waits in ``moved_*`` until an Owner accepts it.
    """

    division = models.OneToOneField(Division, on_delete=models.CASCADE, related_name="quickbooks_desktop_connection")
    username = models.CharField(
        "Web Connector user name",
        max_length=100,
        unique=True,
        help_text="Typed into the Web Connector together with the password; written into the .qwc file.",
    )
    password_hash = models.CharField(max_length=128, blank=True, editable=False)
    password_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    password_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_id = models.UUIDField("FileID", default=uuid.uuid4, unique=True, editable=False)
    company_name = models.CharField(max_length=255, blank=True)
    company_file = models.CharField("company file path", max_length=1000, blank=True)
    company_first_seen_at = models.DateTimeField(null=True, blank=True)
    moved_company_name = models.CharField(max_length=255, blank=True)
    moved_company_file = models.CharField(max_length=1000, blank=True)
    moved_seen_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(
        null=True, blank=True, help_text="When the Web Connector last signed in with the right password."
    )
    last_error = models.TextField(blank=True, help_text="The last problem with the Web Connector, in plain words.")
    last_error_at = models.DateTimeField(null=True, blank=True)
    preview_next = models.BooleanField(
        "preview the next update",
        default=False,
        help_text="The next Web Connector update reads and reports what a sync would do, and writes nothing.",
    )
    # QuickBooks jobs (customers under a customer) as the last full read of the customer list found them: they arrive
    # here as customers of their own. [{"list_id", "full_name", "name", "parent"}]
    jobs_report = models.JSONField(default=list, blank=True, editable=False)
    jobs_report_at = models.DateTimeField(null=True, blank=True, editable=False)
    drift_next = models.BooleanField(
        "drift check at the next update",
        default=False,
        help_text="The next Web Connector update compares both sides after its sync and keeps the report here.",
    )
    # The last drift check a Web Connector update ran (``apps.quickbooks.drift.DriftReport.stored``), or
    # {"error": ...} when it could not run; ``drift_report_at`` is when.
    drift_report = models.JSONField(default=dict, blank=True, editable=False)
    drift_report_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "QuickBooks Desktop connection"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(username=""),
                name="quickbooks_desktop_connection_username_set",
                violation_error_message="The Web Connector needs a user name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division}: {self.company_name or 'QuickBooks Desktop'}"

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def has_company_file(self) -> bool:
        return self.company_first_seen_at is not None

    @property
    def has_moved_file(self) -> bool:
        return self.moved_seen_at is not None


class DesktopSessionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    REFUSED = "refused", "Refused"


class DesktopSession(models.Model):
    """
    One Web Connector update: from ``authenticate`` to ``closeConnection``, named by its ticket.

    ``state`` belongs to the work driver (``apps.quickbooks.desktop.work``), which keeps there what it must
    remember between round trips; the other fields are the service's.
    """

    connection = models.ForeignKey(DesktopConnection, on_delete=models.CASCADE, related_name="sessions")
    ticket = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=DesktopSessionStatus.choices, default=DesktopSessionStatus.OPEN)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the session stopped being open.")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the Web Connector closed it.")
    identified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the company file was checked (first sendRequestXML)."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, as told to the Web Connector.")
    last_error = models.TextField(blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    company_file = models.CharField("company file path", max_length=1000, blank=True)
    qbxml_version = models.CharField("qbXML version", max_length=20, blank=True)
    round_trips = models.PositiveIntegerField(default=0, help_text="qbXML documents handed to the Web Connector.")
    requests_sent = models.PositiveIntegerField(default=0, help_text="qbXML requests in those documents.")
    responses_received = models.PositiveIntegerField(default=0)
    pauses = models.PositiveIntegerField(default=0, help_text="Consecutive NoOp answers (the work driver waits).")
    summary = models.TextField(blank=True, help_text="What the session did, as told to the Web Connector.")
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "QuickBooks Desktop session"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="quickbooks_desktop_session_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="quickbooks_desktop_session_progress_percent",
                violation_error_message="Progress is a percentage.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DesktopSessionStatus.values),
                name="quickbooks_desktop_session_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=DesktopSessionStatus.OPEN) | models.Q(ended_at__isnull=False),
                name="quickbooks_desktop_session_ended_has_time",
                violation_error_message="A session that is over has an end time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connection.division}: Web Connector session {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == DesktopSessionStatus.OPEN
