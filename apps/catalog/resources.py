"""The item export's columns, and the item import by the same resource (``apps.core.importing``)."""

from functools import partial
from typing import Any

from django.db.models import QuerySet

from apps.accounting.models import (
    ASSET_ACCOUNT_TYPES,
    EXPENSE_ACCOUNT_TYPES,
    INCOME_ACCOUNT_TYPES,
    Account,
    ItemType,
)
from apps.catalog import services
from apps.catalog.models import Item
from apps.catalog.stock import Document
from apps.core.columns import ACTIVE, DIVISION, Column, ColumnType, exported_fields, name_column, norm
from apps.core.importing import RecordResource

# An item's accounts: its field, the column's header, and the kind of account it takes (found by name on import).
ITEM_ACCOUNTS = (
    ("income_account", "Income account", "income"),
    ("expense_account", "Expense account", "expense"),
    ("asset_account", "Asset account", "asset"),
)
ACCOUNT_TYPES = {
    "income_account": INCOME_ACCOUNT_TYPES,
    "expense_account": EXPENSE_ACCOUNT_TYPES,
    "asset_account": ASSET_ACCOUNT_TYPES,
}

EXCEL_IMPORT = Document("Excel import")

ITEM_COLUMNS = (
    name_column(example="Example item (delete me)"),
    Column(
        "item_type",
        "Type",
        ColumnType.CHOICE,
        choices=tuple(ItemType.choices),
        help="Inventory, Non-inventory, Service or Equipment. Empty: Service.",
        example="Service",
    ),
    Column("sku", "SKU", max_length=100, help="Your stock number.", example="EXAMPLE-0001"),
    Column("description", "Description", help="Copied to invoice lines.", example="Example: annual furnace tune-up"),
    Column("sales_price", "Sales price", ColumnType.DECIMAL, help="Zero or more.", example=129.50),
    Column("cost", "Cost", ColumnType.DECIMAL, help="Zero or more.", example=40),
    Column("taxable", "Taxable", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new item.", example="Yes"),
    ACTIVE,
    Column(
        "quantity_on_hand",
        "Quantity on hand",
        ColumnType.DECIMAL,
        places=4,
        help="Inventory and equipment only; zero or more.",
        example=None,
    ),
    Column("quantity_as_of", "Quantity as of", ColumnType.DATE, help="The date the quantity was counted."),
    *(
        Column(
            key,
            header,
            max_length=100,
            help=f"The name of an {kind} account of the chart of accounts.",
            attribute=f"{key}__name",
        )
        for key, header, kind in ITEM_ACCOUNTS
    ),
    DIVISION,
)


class ItemResource(RecordResource):
    columns = ITEM_COLUMNS
    export_select_related = ("income_account", "expense_account", "asset_account", "division")
    # A quantity on hand in the file is a count: the item's stock ledger says it came from an Excel import.
    create = staticmethod(partial(services.item_create, stock_source=EXCEL_IMPORT))
    update = staticmethod(partial(services.item_update, stock_source=EXCEL_IMPORT))
    instance_argument = "item"
    defaults = {"item_type": ItemType.SERVICE}

    class Meta:
        model = Item
        fields = exported_fields(ITEM_COLUMNS)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.accounts: dict[str, Account] = {}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        self.accounts = {norm(account.name): account for account in Account.objects.filter(division=self.division)}

    def existing_query(self) -> QuerySet:
        # Their accounts are compared with the rows'.
        return super().existing_query().select_related(*ACCOUNT_TYPES)

    def reference(self, column: Column, value: Any) -> Any:
        """An account named by the row: of the division's chart of accounts, and of the kind the column takes."""
        types = ACCOUNT_TYPES.get(column.key)
        if types is None:
            return value
        account = self.accounts.get(norm(value))
        if account is None:
            raise ValueError(f"No account is named “{value}”. Add it to the chart of accounts first.")
        if account.account_type not in types:
            kind = next(kind for key, _, kind in ITEM_ACCOUNTS if key == column.key)
            raise ValueError(f"“{account.name}” is not an {kind} account.")
        return account
