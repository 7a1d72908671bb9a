"""Vendors, and the receiving orders that bring their goods into stock."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from apps.catalog.models import Item
from apps.core.documents import MONEY, NUMBER_MAX, QUANTITY
from apps.core.models import DivisionOwnedModel, TimeStampedModel


class Vendor(DivisionOwnedModel):
    """A company or person the division buys from."""

    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name on orders and lists; unique within the division. Filled from the company or person name "
        "when left empty.",
    )
    company_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField("contact first name", max_length=100, blank=True)
    last_name = models.CharField("contact last name", max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    billing_street = models.CharField("street", max_length=200, blank=True)
    billing_street2 = models.CharField("street (line 2)", max_length=200, blank=True)
    billing_city = models.CharField("city", max_length=100, blank=True)
    billing_state = models.CharField("state / province", max_length=100, blank=True)
    billing_postal_code = models.CharField("postal code", max_length=20, blank=True)
    billing_country = models.CharField("country", max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("display_name"),
                name="vendor_display_name_unique_per_division",
                violation_error_message="Another vendor of this division has this display name.",
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name=""),
                name="vendor_display_name_not_blank",
                violation_error_message="A vendor needs a display name.",
            ),
        ]
        indexes = [models.Index(fields=["division", "active"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def contact(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def billing_address(self) -> str:
        parts = (
            self.billing_street,
            self.billing_street2,
            self.billing_city,
            self.billing_state,
            self.billing_postal_code,
            self.billing_country,
        )
        return ", ".join(part for part in parts if part)

    def clean(self) -> None:
        if not self.display_name:
            self.display_name = self.company_name or self.contact
        if not self.display_name:
            raise ValidationError("Give a company name, a contact's name or a display name.")


class ReceivingOrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    PARTLY_RECEIVED = "partly_received", "Partly received"
    RECEIVED = "received", "Received"
    CLOSED = "closed", "Closed"


class ReceivingOrder(DivisionOwnedModel):
    """Goods ordered from a vendor and received into stock (a purchase order in QuickBooks)."""

    Status = ReceivingOrderStatus

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="receiving_orders")
    number = models.CharField(max_length=NUMBER_MAX, blank=True, help_text="Unique within the division.")
    order_date = models.DateField("date", default=timezone.localdate)
    expected_date = models.DateField(null=True, blank=True, help_text="When the goods are expected.")
    memo = models.TextField(blank=True, max_length=4000)
    status = models.CharField(
        max_length=20, choices=ReceivingOrderStatus.choices, default=ReceivingOrderStatus.OPEN, db_index=True,
        editable=False,
    )
    total = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)

    class Meta:
        ordering = ["-order_date", "-id"]
        permissions = [
            ("receive_receivingorder", "Can receive goods on receiving orders"),
            ("close_receivingorder", "Can close receiving orders"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "number"],
                name="receiving_order_number_unique_per_division",
                violation_error_message="Another receiving order of this division has this number.",
            ),
        ]
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"Receiving order {self.number}"

    def clean(self) -> None:
        if self.vendor_id and self.division_id and self.vendor.division_id != self.division_id:
            raise ValidationError({"vendor": "This vendor belongs to another division."})
        if self.expected_date and self.order_date and self.expected_date < self.order_date:
            raise ValidationError({"expected_date": "The expected date cannot be before the order date."})


class ReceivingOrderLine(TimeStampedModel):
    """An item ordered: how many, at what cost, and how many have come in so far."""

    order = models.ForeignKey(ReceivingOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=4000, blank=True)
    quantity_ordered = models.DecimalField(**QUANTITY, default=Decimal("1"))
    unit_cost = models.DecimalField(**QUANTITY, default=Decimal("0"))
    quantity_received = models.DecimalField(**QUANTITY, default=Decimal("0"), editable=False)
    amount = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_ordered__gt=0),
                name="receiving_line_quantity_positive",
                violation_error_message="The quantity ordered must be more than zero.",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0),
                name="receiving_line_cost_not_negative",
                violation_error_message="A unit cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_received__gte=0) & models.Q(quantity_received__lte=models.F(
                    "quantity_ordered")),
                name="receiving_line_received_within_ordered",
                violation_error_message="More cannot be received than was ordered.",
            ),
        ]

    def __str__(self) -> str:
        return self.description or (self.item.name if self.item_id else "Line")

    @property
    def quantity_outstanding(self) -> Decimal:
        return max(self.quantity_ordered - self.quantity_received, Decimal("0"))
