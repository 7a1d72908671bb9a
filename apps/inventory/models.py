"""Picking orders (stock taken for a customer's job) and inventory adjustments (stock found, lost or damaged)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from apps.catalog.models import Item
from apps.core.documents import MONEY, NUMBER_MAX, QUANTITY
from apps.core.models import DivisionOwnedModel, TimeStampedModel
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing.models import Invoice


class PickingOrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    PICKED = "picked", "Picked"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class PickingOrder(DivisionOwnedModel):
    """Items to take from stock for a customer, often for a job at one of its locations (an estimate in QuickBooks)."""

    Status = PickingOrderStatus

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="picking_orders")
    service_location = models.ForeignKey(
        ServiceLocation, on_delete=models.PROTECT, null=True, blank=True, related_name="picking_orders"
    )
    number = models.CharField(max_length=NUMBER_MAX, blank=True, help_text="Unique within the division.")
    order_date = models.DateField("date", default=timezone.localdate)
    memo = models.TextField(blank=True, max_length=4000)
    status = models.CharField(
        max_length=20, choices=PickingOrderStatus.choices, default=PickingOrderStatus.OPEN, db_index=True,
        editable=False,
    )
    total = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)
    invoice = models.OneToOneField(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="picking_order",
        help_text="The invoice made of what was picked.",
    )

    class Meta:
        ordering = ["-order_date", "-id"]
        permissions = [
            ("pick_pickingorder", "Can pick picking orders"),
            ("invoice_pickingorder", "Can create invoices from picking orders"),
            ("cancel_pickingorder", "Can cancel picking orders"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "number"],
                name="picking_order_number_unique_per_division",
                violation_error_message="Another picking order of this division has this number.",
            ),
        ]
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"Picking order {self.number}"

    def clean(self) -> None:
        if self.customer_id and self.division_id and self.customer.division_id != self.division_id:
            raise ValidationError({"customer": "This customer belongs to another division."})
        if self.service_location_id and self.customer_id and self.service_location.customer_id != self.customer_id:
            raise ValidationError({"service_location": "This service location belongs to another customer."})


class PickingOrderLine(TimeStampedModel):
    """An item to pick: how many, at what price, and how many have been picked."""

    order = models.ForeignKey(PickingOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=4000, blank=True)
    quantity = models.DecimalField(**QUANTITY, default=Decimal("1"))
    quantity_picked = models.DecimalField(**QUANTITY, default=Decimal("0"), editable=False)
    unit_price = models.DecimalField(**QUANTITY, default=Decimal("0"))
    amount = models.DecimalField(**MONEY, default=Decimal("0.00"), editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="picking_line_quantity_positive",
                violation_error_message="The quantity to pick must be more than zero.",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0),
                name="picking_line_price_not_negative",
                violation_error_message="A unit price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_picked__gte=0) & models.Q(quantity_picked__lte=models.F("quantity")),
                name="picking_line_picked_within_quantity",
                violation_error_message="More cannot be picked than the line asks for.",
            ),
        ]

    def __str__(self) -> str:
        return self.description or (self.item.name if self.item_id else "Line")

    @property
    def quantity_outstanding(self) -> Decimal:
        return max(self.quantity - self.quantity_picked, Decimal("0"))


class AdjustmentReason(models.TextChoices):
    COUNT = "count", "Count correction"
    DAMAGED = "damaged", "Damaged"
    LOST = "lost", "Lost or stolen"
    FOUND = "found", "Found"
    USED = "used", "Used internally"
    RETURNED = "returned", "Returned to stock"
    OTHER = "other", "Other"


class AdjustmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready"
    EXPORTED = "exported", "Exported"


class InventoryAdjustment(DivisionOwnedModel):
    """
    A correction of stock: quantities found, lost, damaged or counted differently. Marked ready, it moves the stock
    here and waits to be exported to the accounting system, exactly once.
    """

    Status = AdjustmentStatus
    Reason = AdjustmentReason

    number = models.CharField(max_length=NUMBER_MAX, blank=True, help_text="Unique within the division.")
    adjustment_date = models.DateField("date", default=timezone.localdate)
    reason = models.CharField(max_length=20, choices=AdjustmentReason.choices, default=AdjustmentReason.COUNT)
    memo = models.TextField(blank=True, max_length=4000)
    status = models.CharField(
        max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.DRAFT, db_index=True, editable=False
    )
    marked_ready_at = models.DateTimeField(null=True, blank=True, editable=False)
    marked_ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    exported_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-adjustment_date", "-id"]
        permissions = [("mark_ready_inventoryadjustment", "Can mark inventory adjustments ready")]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "number"],
                name="inventory_adjustment_number_unique_per_division",
                violation_error_message="Another inventory adjustment of this division has this number.",
            ),
        ]
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"Inventory adjustment {self.number}"


class InventoryAdjustmentLine(TimeStampedModel):
    """An item whose quantity on hand changes: by how much, up or down."""

    adjustment = models.ForeignKey(InventoryAdjustment, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity_change = models.DecimalField(**QUANTITY, help_text="Added (positive) or taken away (negative).")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity_change=0),
                name="adjustment_line_change_not_zero",
                violation_error_message="A line must change the quantity: enter a number other than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name if self.item_id else 'Item'} {self.quantity_change:+}"

    def clean(self) -> None:
        if self.item_id and not self.item.is_stocked:
            raise ValidationError(
                {"item": f"“{self.item}” is not an inventory item; only inventory and equipment items have stock to "
                         "adjust."}
            )
