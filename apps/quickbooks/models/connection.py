from django.conf import settings
from django.db import models

from apps.core.models import Division
from apps.quickbooks.encryption import secret_decrypt, secret_encrypt


def _encrypted(field: str) -> property:
    """
    A secret read and written in plain text, stored encrypted in the model field ``field``. A property, so that
    Django's model constructor takes it as a keyword as it did the hand-written ones.
    """

    def read(instance: models.Model) -> str:
        return secret_decrypt(getattr(instance, field))

    def write(instance: models.Model, value: str) -> None:
        setattr(instance, field, secret_encrypt(value))

    return property(read, write)


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
    DISCONNECTED = "disconnected", "Disconnected"


class QuickBooksConnection(models.Model):
    """
    A division's connection to one QuickBooks Online company (realm).

    The tokens are stored encrypted (``apps.quickbooks.encryption``) and are read through the ``access_token`` and
    ``refresh_token`` properties; they never appear in ``str``, the admin or the API. A refresh in progress holds a
    claim (``refresh_claim``, until ``refresh_claimed_until``) so that workers never spend the same refresh token
    twice (``apps.quickbooks.online.tokens``).
    """

    division = models.OneToOneField(Division, on_delete=models.CASCADE, related_name="quickbooks_connection")
    realm_id = models.CharField("realm ID", max_length=32, blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.DISCONNECTED)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    tokens_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    refresh_claim = models.CharField(max_length=32, blank=True, editable=False)
    refresh_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, help_text="The last problem with the connection, in plain words.")
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "QuickBooks connection"
        permissions = [("manage_connection", "Can connect and disconnect QuickBooks")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ConnectionStatus.CONNECTED) | ~models.Q(realm_id=""),
                name="quickbooks_connection_connected_has_realm",
                violation_error_message="A connected division must have a QuickBooks company.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division}: {self.company_name or self.realm_id or 'QuickBooks'} ({self.get_status_display()})"

    access_token = _encrypted("access_token_encrypted")
    refresh_token = _encrypted("refresh_token_encrypted")

    @property
    def is_connected(self) -> bool:
        return self.status == ConnectionStatus.CONNECTED
