"""The items the division sells: stocked parts, non-stocked materials, services and equipment."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from apps.accounting.models import (
    ASSET_ACCOUNT_TYPES,
    EXPENSE_ACCOUNT_TYPES,
    INCOME_ACCOUNT_TYPES,
    STOCKED_ITEM_TYPES,
    Account,
    ItemType,
)
from apps.core.models import DivisionOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Item(DivisionOwnedModel):
    """Something that goes on an invoice line. Equipment is stocked like inventory but kept apart."""

    Type = ItemType

    item_type = models.CharField("type", max_length=20, choices=ItemType.choices, default=ItemType.SERVICE)
    name = models.CharField(max_length=100, help_text="Unique within the division.")
    sku = models.CharField("SKU", max_length=100, blank=True)
    description = models.TextField(blank=True, help_text="Copied to invoice lines.")
    sales_price = models.DecimalField(**MONEY, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])
    cost = models.DecimalField(**MONEY, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])
    taxable = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    quantity_on_hand = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("0"), help_text="Inventory and equipment only."
    )
    quantity_as_of = models.DateField(
        "quantity as of", null=True, blank=True, help_text="The date the opening quantity on hand was counted."
    )
    income_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"account_type__in": INCOME_ACCOUNT_TYPES},
        help_text="Empty: the division's default for this item type.",
    )
    expense_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"account_type__in": EXPENSE_ACCOUNT_TYPES},
        help_text="Empty: the division's default for this item type.",
    )
    asset_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"account_type__in": ASSET_ACCOUNT_TYPES},
        help_text="Inventory and equipment only. Empty: the division's default.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("name"),
                name="item_name_unique_per_division",
                violation_error_message="Another item of this division has this name.",
            ),
            models.CheckConstraint(
                condition=models.Q(sales_price__gte=0) & models.Q(cost__gte=0),
                name="item_prices_not_negative",
                violation_error_message="Prices and costs cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["division", "item_type", "active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_stocked(self) -> bool:
        return self.item_type in STOCKED_ITEM_TYPES

    def clean(self) -> None:
        if self.asset_account_id and not self.is_stocked:
            raise ValidationError({"asset_account": "Only inventory and equipment items have an asset account."})
        if not self.is_stocked and self.quantity_on_hand:
            raise ValidationError({"quantity_on_hand": "Only inventory and equipment items have a quantity on hand."})
        for field in ("income_account", "expense_account", "asset_account"):
            account = getattr(self, field)
            if account is not None and self.division_id and account.division_id != self.division_id:
                raise ValidationError({field: "The account belongs to another division."})


class StockMovementKind(models.TextChoices):
    OPENING = "opening", "Opening quantity"
    COUNT = "count", "Count"
    QUICKBOOKS_COUNT = "quickbooks_count", "QuickBooks count"
    RECEIPT = "receipt", "Receipt"
    PICK = "pick", "Pick"
    ADJUSTMENT = "adjustment", "Adjustment"


class StockMovement(models.Model):
    """
    One change of an item's quantity on hand, and why. An item's ``quantity_on_hand`` is the sum of its movements:
    every write of it goes through ``apps.catalog.stock``, which adds the movement in the same transaction.
    """

    Kind = StockMovementKind

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_movements")
    kind = models.CharField(max_length=20, choices=StockMovementKind.choices)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, help_text="Added (positive) or taken (negative).")
    balance = models.DecimalField(
        "on hand after", max_digits=14, decimal_places=4, help_text="The item's quantity on hand after this movement."
    )
    occurred_at = models.DateTimeField("when", db_index=True)
    document = models.CharField(
        max_length=120, blank=True, help_text="What moved the stock, e.g. “Receiving order 1001”."
    )
    # The record behind ``document`` ("purchasing.receivingorder", 12): the item page links to it.
    document_model = models.CharField(max_length=60, blank=True, editable=False)
    document_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["item", "-occurred_at", "-id"], name="stock_movement_item_newest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+} of {self.item_id}"
