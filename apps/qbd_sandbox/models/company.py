"""A QuickBooks Desktop company file (.QBW) and the private data extensions applications stamp into it."""

from django.db import models


class CompanyFile(models.Model):
    """
    One company file as QuickBooks Desktop keeps it.

    The counters hand out ListIDs, TxnIDs, TxnNumbers and invoice numbers the way QuickBooks does: one sequence per
    file for list records and one for transactions.
    """

    name = models.CharField("company name", max_length=41)
    legal_name = models.CharField("legal company name", max_length=41, blank=True)
    path = models.CharField("file path", max_length=400, unique=True)
    edition = models.CharField(max_length=40, default="Enterprise")
    # Times are shown with the offset of the machine that runs QuickBooks; filters are read in this zone too.
    time_zone = models.CharField(max_length=64, default="America/New_York")
    address = models.JSONField(default=dict, blank=True, help_text="Addr1..Addr5, City, State, PostalCode, Country.")
    phone = models.CharField(max_length=21, blank=True)
    email = models.CharField(max_length=1023, blank=True)
    sales_tax_enabled = models.BooleanField("sales tax is on", default=True)
    default_item_sales_tax = models.ForeignKey(
        "qbd_sandbox.Record",
        verbose_name="most common sales tax item",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_list_seq = models.PositiveBigIntegerField(default=0x80000001, editable=False)
    next_txn_seq = models.PositiveBigIntegerField(default=1, editable=False)
    next_txn_number = models.PositiveBigIntegerField(default=1, editable=False)
    next_invoice_number = models.PositiveBigIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "company file"

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


class DataExtension(models.Model):
    """A private data extension of the company object: ``OwnerID`` + ``DataExtName`` -> value (the QBWC FileID)."""

    company = models.ForeignKey(CompanyFile, on_delete=models.CASCADE, related_name="data_extensions")
    owner_id = models.CharField("OwnerID", max_length=40)
    name = models.CharField("DataExtName", max_length=31)
    value = models.CharField("DataExtValue", max_length=255)

    class Meta:
        ordering = ["owner_id", "name"]
        verbose_name = "data extension"
        constraints = [
            models.UniqueConstraint(fields=["company", "owner_id", "name"], name="qbd_sandbox_dataext_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.name}"
