"""Accounting records as QuickBooks returns them, and the answers kept for ``requestid`` replay."""

from django.db import models
from django.db.models import F
from django.db.models.fields.json import KeyTransform


class SandboxEntity(models.Model):
    """
    One QuickBooks object (Customer, Item, Invoice, CompanyInfo...) of one company.

    ``data`` is the full JSON object the API returns, ``Id``, ``SyncToken`` and ``MetaData`` included; the columns
    beside it copy what queries, uniqueness checks and change data capture need to find it without parsing JSON.
    Write through ``apps.qbo_sandbox.store`` so that the two never disagree.
    """

    company = models.ForeignKey("qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="entities")
    entity_type = models.CharField(max_length=40)
    entity_id = models.CharField("Id", max_length=20)
    sync_token = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    # Lowercased DisplayName or Name: QuickBooks refuses duplicates case-insensitively.
    name_key = models.CharField(max_length=500, blank=True)
    # Sales forms' number, for duplicate-number checks (6140) and DocNumber queries.
    doc_number = models.CharField(max_length=100, blank=True)
    data = models.JSONField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Deleted transactions stay as tombstones so that change data capture can report them as "Deleted".
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "entity"
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["company", "entity_type", "entity_id"], name="qbo_sandbox_entity_id_unique")
        ]
        indexes = [
            models.Index(fields=["company", "entity_type", "active"], name="qbo_sandbox_entity_active"),
            models.Index(fields=["company", "entity_type", "updated_at"], name="qbo_sandbox_entity_updated"),
            models.Index(fields=["company", "name_key"], name="qbo_sandbox_entity_name"),
            models.Index(fields=["company", "entity_type", "doc_number"], name="qbo_sandbox_entity_doc_number"),
            # A customer's transactions, read at every invoice and payment write to work out its balance. The
            # customer comes first: led by (company, entity_type), the planner took it for other lookups too.
            models.Index(
                KeyTransform("value", KeyTransform("CustomerRef", "data")),
                F("company"),
                F("entity_type"),
                name="qbo_sandbox_entity_customer",
            ),
        ]

    def __str__(self) -> str:
        name = self.data.get("DisplayName") or self.data.get("Name") or self.data.get("DocNumber") or ""
        return f"{self.entity_type} {self.entity_id} {name}".strip()


class SandboxRequestLog(models.Model):
    """The first answer to a write that carried a ``requestid``: the same id gets the same answer again."""

    company = models.ForeignKey("qbo_sandbox.SandboxCompany", on_delete=models.CASCADE, related_name="request_logs")
    app = models.ForeignKey("qbo_sandbox.SandboxApp", on_delete=models.SET_NULL, null=True, blank=True)
    request_id = models.CharField("requestid", max_length=50)
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, default="application/json;charset=UTF-8")
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "request log entry"
        verbose_name_plural = "request log"
        constraints = [
            models.UniqueConstraint(fields=["company", "request_id"], name="qbo_sandbox_requestid_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.method} {self.endpoint}"
