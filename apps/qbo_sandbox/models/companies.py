"""Sandbox companies (QuickBooks "realms") and the people who may sign in to connect them."""

import uuid
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models

# Per-company knobs, read by the OAuth server, the fault layer (apps.qbo_sandbox.faults) and webhooks.
DEFAULT_COMPANY_SETTINGS: dict[str, Any] = {
    "access_token_lifetime": 3600,
    # Intuit answers 8726400 (101 days) and rolls it forward on every refresh.
    "refresh_token_lifetime": 8726400,
    # Limits: 0 turns one off. See apps.qbo_sandbox.faults for their scopes and windows.
    "rate_limit_per_minute": 500,
    # Not an Intuit-documented limit (its "10" is concurrency): off unless set, to emulate a burst cap.
    "rate_limit_per_second": 0,
    "rate_limit_concurrent": 10,
    "batch_rate_limit_per_minute": 40,
    # Sandbox seconds per real second: 10 makes the one-minute windows 6 s and webhook retries 10x sooner.
    "time_scale": 1.0,
    "latency_ms": 0,
    # HTTP status (as a string) -> probability of answering with it instead, e.g. {"503": 0.05}.
    "error_rates": {},
    # Probability that a request sleeps `slow_seconds` first (past Intuit's own 120 s request timeout by default).
    "slow_rate": 0.0,
    "slow_seconds": 130.0,
    # Probability that the connection is closed without an answer (after the request was carried out).
    "drop_rate": 0.0,
    # Probability that a fault (429, 500) comes as XML whatever the Accept header says, as Intuit sometimes does.
    "xml_fault_rate": 0.0,
    "random_seed": None,
    # False: no change notices at all (benchmarks, companies nobody listens to).
    "webhooks_enabled": True,
    # Empty: use the connected app's webhook settings.
    "webhook_url": "",
    "webhook_format": "",
    # Events of a company are collected this many seconds, then sent together; 0 sends each commit at once.
    "webhook_batch_seconds": 1.0,
}


class SandboxCompany(models.Model):
    """A QuickBooks Online company; its ``realm_id`` is the id clients put in every API path."""

    realm_id = models.CharField("realm id", max_length=32, unique=True, editable=False)
    name = models.CharField(max_length=255)
    country = models.CharField(max_length=2, default="US")
    # Intuit renders times in the company's zone; US sandbox companies are on Pacific time.
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    settings = models.JSONField(default=dict, blank=True, help_text="Overrides of the default per-company knobs.")
    next_id = models.PositiveBigIntegerField(default=1, editable=False, help_text="The next entity Id to hand out.")
    next_doc_number = models.PositiveIntegerField(
        default=1001, editable=False, help_text="The next number QuickBooks gives a sales form it numbers itself."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "realm_id"]
        verbose_name = "company"
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.name} ({self.realm_id})"

    def effective_settings(self) -> dict[str, Any]:
        """The defaults overlaid with this company's overrides."""
        return {**DEFAULT_COMPANY_SETTINGS, **(self.settings or {})}

    def setting(self, name: str) -> Any:
        return self.effective_settings()[name]

    @property
    def preferences(self) -> dict[str, Any]:
        """The company's ``Preferences`` object, as the API returns it (the stored entity is the one source)."""
        entities = self.entities.filter(entity_type="Preferences", deleted_at__isnull=True)
        return next(iter(entities.values_list("data", flat=True)[:1]), None) or {}


class SandboxUser(models.Model):
    """Someone who signs in on the sandbox's authorization page and picks one of their companies."""

    sub = models.UUIDField("subject", default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=128)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    companies = models.ManyToManyField(SandboxCompany, related_name="users", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = "user"

    def __str__(self) -> str:
        return self.email

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)
