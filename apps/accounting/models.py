"""Chart of accounts, default accounts per item type, tax rates and payment terms."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from apps.core.models import DivisionOwnedModel


class AccountType(models.TextChoices):
    BANK = "bank", "Bank"
    ACCOUNTS_RECEIVABLE = "accounts_receivable", "Accounts receivable"
    OTHER_CURRENT_ASSET = "other_current_asset", "Other current asset"
    INVENTORY_ASSET = "inventory_asset", "Inventory asset"
    FIXED_ASSET = "fixed_asset", "Fixed asset"
    ACCOUNTS_PAYABLE = "accounts_payable", "Accounts payable"
    CREDIT_CARD = "credit_card", "Credit card"
    OTHER_CURRENT_LIABILITY = "other_current_liability", "Other current liability"
    LONG_TERM_LIABILITY = "long_term_liability", "Long-term liability"
    EQUITY = "equity", "Equity"
    INCOME = "income", "Income"
    OTHER_INCOME = "other_income", "Other income"
    COST_OF_GOODS_SOLD = "cost_of_goods_sold", "Cost of goods sold"
    EXPENSE = "expense", "Expense"
    OTHER_EXPENSE = "other_expense", "Other expense"


INCOME_ACCOUNT_TYPES = (AccountType.INCOME, AccountType.OTHER_INCOME)
EXPENSE_ACCOUNT_TYPES = (AccountType.COST_OF_GOODS_SOLD, AccountType.EXPENSE, AccountType.OTHER_EXPENSE)
ASSET_ACCOUNT_TYPES = (AccountType.INVENTORY_ASSET, AccountType.OTHER_CURRENT_ASSET)


class Account(DivisionOwnedModel):
    """An account of the division's chart of accounts."""

    name = models.CharField(max_length=100)
    number = models.CharField(max_length=20, blank=True)
    account_type = models.CharField("type", max_length=32, choices=AccountType.choices)
    description = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number", "name"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("name"),
                name="account_name_unique_per_division",
                violation_error_message="This division already has an account with this name.",
            ),
        ]
        indexes = [models.Index(fields=["division", "account_type"])]

    def __str__(self) -> str:
        return f"{self.number} · {self.name}" if self.number else self.name


class ItemType(models.TextChoices):
    """The four kinds of item FieldOffice sells. Lives here so that default accounts can be keyed by it."""

    INVENTORY = "inventory", "Inventory"
    NON_INVENTORY = "non_inventory", "Non-inventory"
    SERVICE = "service", "Service"
    EQUIPMENT = "equipment", "Equipment"


# Items that are stocked carry an asset account; the others only income and expense.
STOCKED_ITEM_TYPES = (ItemType.INVENTORY, ItemType.EQUIPMENT)


class DefaultAccounts(DivisionOwnedModel):
    """The accounts an item of a type uses when it has none of its own (the "Change default accounts" dialog)."""

    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    income_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"account_type__in": INCOME_ACCOUNT_TYPES},
    )
    expense_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"account_type__in": EXPENSE_ACCOUNT_TYPES},
    )
    asset_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"account_type__in": ASSET_ACCOUNT_TYPES},
        help_text="Inventory and equipment only.",
    )

    class Meta:
        verbose_name = "default accounts"
        verbose_name_plural = "default accounts"
        ordering = ["division", "item_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "item_type"],
                name="default_accounts_one_per_item_type",
                violation_error_message="This division already has default accounts for this item type.",
            ),
            models.CheckConstraint(
                condition=models.Q(asset_account__isnull=True)
                | models.Q(item_type__in=[t.value for t in STOCKED_ITEM_TYPES]),
                name="default_accounts_asset_only_for_stocked_items",
                violation_error_message="Only inventory and equipment items have an asset account.",
            ),
        ]

    def __str__(self) -> str:
        return f"Default accounts for {self.get_item_type_display()} items"

    def clean(self) -> None:
        for field in ("income_account", "expense_account", "asset_account"):
            account = getattr(self, field)
            if account is not None and self.division_id and account.division_id != self.division_id:
                raise ValidationError({field: "The account belongs to another division."})


class TaxRate(DivisionOwnedModel):
    """A sales tax rate charged on taxable invoice lines."""

    name = models.CharField(max_length=100)
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="For example 7.875 for 7.875 %.",
    )
    agency = models.CharField("tax agency", max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("name"),
                name="tax_rate_name_unique_per_division",
                violation_error_message="This division already has a tax rate with this name.",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="tax_rate_percent_between_0_and_100",
                violation_error_message="A tax rate is between 0 and 100 percent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.percent.normalize():f} %)"


class PaymentTerm(DivisionOwnedModel):
    """When an invoice is due, counted in days from its date."""

    name = models.CharField(max_length=100)
    due_days = models.PositiveSmallIntegerField(default=30)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["due_days", "name"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("name"),
                name="payment_term_name_unique_per_division",
                violation_error_message="This division already has a payment term with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
