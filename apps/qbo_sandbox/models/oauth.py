"""
OAuth 2.0 as Intuit runs it: registered apps, authorization codes, grants (connections) and their tokens.

Codes and tokens are stored as SHA-256 digests only: they are random and long, so a fast digest is enough, and a
copy of the database yields nothing a client could use.
"""

from django.db import models


class WebhookFormat(models.TextChoices):
    CLOUDEVENTS = "cloudevents", "CloudEvents"
    LEGACY = "legacy", "Legacy (eventNotifications)"


class SandboxApp(models.Model):
    """An app as registered on Intuit's developer portal: its keys, redirect URIs and webhook endpoint."""

    name = models.CharField(max_length=200)
    client_id = models.CharField("client ID", max_length=64, unique=True, editable=False)
    client_secret_hash = models.CharField(max_length=64, editable=False)
    redirect_uris = models.JSONField("redirect URIs", default=list, blank=True)
    webhook_url = models.URLField("webhook URL", max_length=500, blank=True)
    webhook_verifier_token = models.CharField(max_length=64, editable=False)
    webhook_format = models.CharField(max_length=20, choices=WebhookFormat.choices, default=WebhookFormat.CLOUDEVENTS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "app"

    def __str__(self) -> str:
        return self.name


class SandboxGrant(models.Model):
    """One app's connection to one company: what a refresh keeps alive and a revoke ends."""

    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="grants")
    company = models.ForeignKey("qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey("qbo_sandbox.SandboxUser", on_delete=models.SET_NULL, null=True, blank=True)
    scope = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    # Intuit's hard limit on a chain of refresh tokens (five years), whatever the rolling expiry says.
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "connection"

    def __str__(self) -> str:
        return f"{self.app} → {self.company}"

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


class SandboxAuthorizationCode(models.Model):
    """A code from the authorization page: single use, short-lived, bound to app, company, redirect URI and scope."""

    code_hash = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="authorization_codes")
    company = models.ForeignKey("qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("qbo_sandbox.SandboxUser", on_delete=models.SET_NULL, null=True, blank=True)
    redirect_uri = models.TextField()
    scope = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The grant the first exchange created: a replayed code revokes it, as Intuit does.
    grant = models.ForeignKey(SandboxGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "authorization code"

    def __str__(self) -> str:
        return f"Code for {self.app_id} → {self.company_id}, issued {self.created_at:%Y-%m-%d %H:%M:%S}"


class SandboxToken(models.Model):
    """An access or refresh token of a grant. A rotated refresh token is marked revoked."""

    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    grant = models.ForeignKey(SandboxGrant, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "token"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of connection {self.grant_id}"
