"""Invoices, their lines and the payments received against them."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from apps.accounting.models import PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.core.models import DivisionOwnedModel, TimeStampedModel
from apps.customers.models import Customer, ServiceLocation

MONEY = {"max_digits": 14, "decimal_places": 2}


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    READY_FOR_SYNC = "ready_for_sync", "Ready for Sync"
    UNPAID = "unpaid", "Unpaid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


# Issued and not yet settled: these count as "open" and can become overdue.
OPEN_STATUSES = (InvoiceStatus.APPROVED, InvoiceStatus.READY_FOR_SYNC, InvoiceStatus.UNPAID)


# Between the parts of a status a person reads ("Ready for Sync · Overdue").
STATUS_PARTS_SEPARATOR = " · "


def invoice_open_q() -> models.Q:
    return models.Q(status__in=OPEN_STATUSES)


def invoice_overdue_q(*, today: date) -> models.Q:
    return invoice_open_q() & models.Q(due_date__lt=today, balance__gt=0)


def invoice_paid_q() -> models.Q:
    return models.Q(status=InvoiceStatus.PAID)


class InvoiceQuerySet(models.QuerySet):
    def open(self) -> "InvoiceQuerySet":
        return self.filter(invoice_open_q())

    def overdue(self, *, today: date | None = None) -> "InvoiceQuerySet":
        return self.filter(invoice_overdue_q(today=today or timezone.localdate()))

    def paid(self) -> "InvoiceQuerySet":
        return self.filter(invoice_paid_q())


class Invoice(DivisionOwnedModel):
    """A bill to a customer, optionally for one of its service locations."""

    Status = InvoiceStatus

    number = models.CharField(max_length=21, help_text="Unique within the division.")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    service_location = models.ForeignKey(
        ServiceLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    invoice_date = models.DateField("date", default=timezone.localdate)
    due_date = models.DateField(blank=True, help_text="Empty: the date plus the payment term's days.")
    payment_term = models.ForeignKey(PaymentTerm, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    tax_rate = models.ForeignKey(
        TaxRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty on a new invoice: the customer's tax rate.",
    )
    status = models.CharField(max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True)
    memo = models.TextField(blank=True, max_length=1000, help_text="Printed on the invoice.")
    subtotal = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    tax = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    total = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    balance = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    # When the accounting system the invoice was sent to charged another tax than FieldOffice computed, ``tax`` and
    # ``total`` are its figures (what was billed) and these keep FieldOffice's, with who changed them and why.
    computed_tax = models.DecimalField(
        "tax FieldOffice computed",
        **MONEY,
        null=True,
        blank=True,
        editable=False,
        help_text="Kept when the accounting system charged another tax; empty when they agree.",
    )
    computed_total = models.DecimalField("total FieldOffice computed", **MONEY, null=True, blank=True, editable=False)
    totals_changed_by = models.CharField(
        max_length=50, blank=True, editable=False, help_text="The system that charged another tax, e.g. QuickBooks."
    )
    tax_difference_reason = models.TextField(blank=True, editable=False, help_text="Why its tax differs, in words.")
    is_history = models.BooleanField(
        "historical",
        default=False,
        editable=False,
        help_text="Imported from an earlier system; never sent to QuickBooks.",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    marked_for_sync_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-invoice_date", "-id"]
        permissions = [
            ("approve_invoice", "Can approve invoices"),
            ("mark_invoice_for_sync", "Can mark invoices for sync"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "number"],
                name="invoice_number_unique_per_division",
                violation_error_message="Another invoice of this division has this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0),
                name="invoice_total_not_negative",
                violation_error_message="An invoice total cannot be negative; issue a credit instead.",
            ),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0),
                name="invoice_balance_not_negative",
                violation_error_message="An invoice balance cannot be negative.",
            ),
        ]
        indexes = [
            # The list's default order: newest first, without sorting the whole table.
            models.Index(fields=["-invoice_date", "-id"], name="invoice_newest_first"),
            models.Index(fields=["division", "status", "due_date"]),
            models.Index(fields=["customer", "invoice_date"]),
            # The list filtered to totals another system changed: few rows, found without scanning the table.
            models.Index(
                fields=["-invoice_date", "-id"],
                condition=models.Q(computed_total__isnull=False),
                name="invoice_total_changed_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"

    @property
    def amount_paid(self) -> Decimal:
        return self.total - self.balance

    @property
    def total_changed_externally(self) -> bool:
        """The accounting system charged another tax than FieldOffice computed (see ``computed_tax``)."""
        return self.computed_total is not None

    def is_overdue(self, *, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.balance > 0 and self.due_date is not None and self.due_date < today

    @property
    def status_parts(self) -> list[str]:
        """
        The status a person reads, in parts. Past its due date an invoice is "Overdue" ("overdue" is derived from the
        due date and the balance, never stored); an approved or Ready for Sync one keeps its status beside it
        (["Ready for Sync", "Overdue"]), since it is not in QuickBooks yet, whereas an Unpaid one is simply "Overdue".
        """
        if not self.is_overdue():
            return [self.get_status_display()]
        if self.status == InvoiceStatus.UNPAID:
            return ["Overdue"]
        return [self.get_status_display(), "Overdue"]

    @property
    def display_status(self) -> str:
        """The status as one phrase, as every screen, export and the API show it: "Ready for Sync · Overdue"."""
        return STATUS_PARTS_SEPARATOR.join(self.status_parts)

    def clean(self) -> None:
        if self.service_location_id and self.customer_id and self.service_location.customer_id != self.customer_id:
            raise ValidationError({"service_location": "This service location belongs to another customer."})
        if self.customer_id and self.division_id and self.customer.division_id != self.division_id:
            raise ValidationError({"customer": "This customer belongs to another division."})
        if self.due_date and self.invoice_date and self.due_date < self.invoice_date:
            raise ValidationError({"due_date": "The due date cannot be before the invoice date."})


class InvoiceLine(TimeStampedModel):
    """One line of an invoice: an item (or only a description), a quantity and a price."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(max_length=4000, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    taxable = models.BooleanField(default=True)
    amount = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description or (self.item.name if self.item_id else "Line")

    def clean(self) -> None:
        if not self.item_id and not self.description:
            raise ValidationError("A line needs an item or a description.")


class InvoiceNote(TimeStampedModel):
    """
    Something the office should know about an invoice that is not on it: QuickBooks charged another tax than
    FieldOffice computed, the invoice was voided or deleted in QuickBooks. Written by services, never edited.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="notes")
    source = models.CharField(max_length=50, blank=True, help_text="Where the note comes from, e.g. QuickBooks sync.")
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:80]


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    CREDIT_CARD = "credit_card", "Credit card"
    BANK_TRANSFER = "bank_transfer", "Bank transfer / ACH"
    OTHER = "other", "Other"


class Payment(TimeStampedModel):
    """Money received against an invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField("date", default=timezone.localdate)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CHECK)
    reference = models.CharField(max_length=100, blank=True, help_text="Check number, card authorisation...")

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="A payment amount must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
