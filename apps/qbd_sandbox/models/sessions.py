"""QuickBooks sessions (what a Web Connector update opens) and the query iterators that live in them."""

import uuid

from django.db import models


class QbSession(models.Model):
    """A session with the company file: iterators started in it are unknown anywhere else."""

    company = models.ForeignKey("qbd_sandbox.CompanyFile", on_delete=models.CASCADE, related_name="sessions")
    session_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "session"

    def __str__(self) -> str:
        return str(self.session_id)


class QbIterator(models.Model):
    """
    A query started with ``iterator="Start"``: the matching records, fixed when it started, and how far it got.

    ``criteria`` is the request without its iterator attributes: a Continue must repeat it.
    """

    session = models.ForeignKey(QbSession, on_delete=models.CASCADE, related_name="iterators")
    iterator_id = models.CharField(max_length=40, unique=True)
    request_name = models.CharField(max_length=60)
    criteria = models.TextField()
    record_ids = models.JSONField(default=list, help_text="Primary keys of the matching records, in answer order.")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "iterator"

    def __str__(self) -> str:
        return f"{self.request_name} {self.iterator_id}"
