from django.db import models


class DesktopExchangeState(models.TextChoices):
    QUEUED = "queued", "Waiting for the Web Connector"
    SENT = "sent", "With QuickBooks Desktop"
    ANSWERED = "answered", "Answered"
    ABANDONED = "abandoned", "Abandoned"


class DesktopExchange(models.Model):
    """
    One qbXML request document of a Web Connector session and, once QuickBooks ran it, its response.

    The sync engine queues the request and waits; the SOAP service hands it out at ``sendRequestXML`` and stores the
    answer at ``receiveResponseXML``. The rows are the only thing the two share, so they may run in different
    processes or on different machines.
    """

    session = models.ForeignKey("quickbooks.DesktopSession", on_delete=models.CASCADE, related_name="exchanges")
    sequence = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=DesktopExchangeState.choices, default=DesktopExchangeState.QUEUED)
    request = models.TextField()
    response = models.TextField(blank=True)
    hresult = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    requests_count = models.PositiveIntegerField(default=0, help_text="qbXML requests in the document.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "QuickBooks Desktop exchange"
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="quickbooks_desktop_exchange_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.sequence} ({self.get_state_display()})"
