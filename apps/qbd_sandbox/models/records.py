"""List and transaction records of a company file, the payments applied to invoices, and deleted-record tombstones."""

from django.db import models


class Record(models.Model):
    """
    One list element (Customer, ItemService, StandardTerms...) or transaction (Invoice, ReceivePayment).

    ``data`` holds the qbXML fields as they were given (element name -> value, references as ListIDs); the columns
    copy what names, filters, balances and references need so that queries never parse JSON. Write through
    ``apps.qbd_sandbox.engine`` so that the two agree.
    """

    company = models.ForeignKey("qbd_sandbox.CompanyFile", on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=40)
    # "ListID" of list elements, "TxnID" of transactions.
    object_id = models.CharField("ListID / TxnID", max_length=40)
    edit_sequence = models.CharField(max_length=16)
    # Lists sharing a name space (Customer, Vendor, Employee, OtherName) refuse each other's names.
    namespace = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=41, blank=True)
    full_name = models.CharField(max_length=209, blank=True)
    # Lowercased full name, unique per name space: QuickBooks compares names case-insensitively.
    name_key = models.CharField(max_length=209, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    sublevel = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    entity = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions", help_text="CustomerRef"
    )
    txn_number = models.PositiveBigIntegerField(null=True, blank=True)
    txn_date = models.DateField(null=True, blank=True)
    ref_number = models.CharField(max_length=20, blank=True)
    # Invoices: BalanceRemaining; payments: the unapplied amount.
    open_balance = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    is_pending = models.BooleanField(default=False)
    # ListIDs this record refers to, space-separated: "is it used?" before a ListDel.
    ref_ids = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    time_created = models.DateTimeField()
    time_modified = models.DateTimeField()
    # 3170/3175/3176/3180 while "another user" has the record open.
    lock_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "record"
        constraints = [
            models.UniqueConstraint(fields=["company", "object_id"], name="qbd_sandbox_record_id_unique"),
            models.UniqueConstraint(
                fields=["company", "namespace", "name_key"],
                condition=~models.Q(name_key=""),
                name="qbd_sandbox_record_name_unique",
                violation_error_message="The name is already in use.",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "kind", "name_key"], name="qbd_sandbox_record_name"),
            models.Index(fields=["company", "kind", "time_modified"], name="qbd_sandbox_record_modified"),
            models.Index(fields=["company", "kind", "txn_number"], name="qbd_sandbox_record_txn"),
            models.Index(fields=["company", "kind", "txn_date"], name="qbd_sandbox_record_txn_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.full_name or self.ref_number} ({self.object_id})"


class TxnLink(models.Model):
    """A payment applied to an invoice: ``AppliedToTxnRet`` on the payment, ``LinkedTxn`` on the invoice."""

    company = models.ForeignKey("qbd_sandbox.CompanyFile", on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="applications")
    invoice = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="payments_applied")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    discount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "applied payment"
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="qbd_sandbox_txnlink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payment.object_id} -> {self.invoice.object_id}: {self.amount}"


class Tombstone(models.Model):
    """What ListDeletedQuery and TxnDeletedQuery report about a deleted record."""

    company = models.ForeignKey("qbd_sandbox.CompanyFile", on_delete=models.CASCADE, related_name="tombstones")
    kind = models.CharField(max_length=40)
    is_txn = models.BooleanField(default=False)
    object_id = models.CharField("ListID / TxnID", max_length=40)
    full_name = models.CharField("FullName / RefNumber", max_length=209, blank=True)
    time_created = models.DateTimeField()
    time_deleted = models.DateTimeField()

    class Meta:
        ordering = ["time_deleted", "pk"]
        verbose_name = "deleted record"
        indexes = [models.Index(fields=["company", "kind", "time_deleted"], name="qbd_sandbox_tombstone_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} deleted {self.time_deleted:%Y-%m-%d %H:%M}"
