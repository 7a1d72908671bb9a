"""The columns of the item export, which the item import reads too (``apps.core.resources``, ``apps.core.columns``)."""

from apps.accounting.models import ItemType
from apps.catalog.models import Item
from apps.core.columns import ACTIVE, DIVISION, Column, ColumnType, exported_fields, name_column
from apps.core.resources import ExportResource

# An item's accounts: its field, the column's header, and the kind of account it takes (found by name on import).
ITEM_ACCOUNTS = (
    ("income_account", "Income account", "income"),
    ("expense_account", "Expense account", "expense"),
    ("asset_account", "Asset account", "asset"),
)

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


class ItemResource(ExportResource):
    columns = ITEM_COLUMNS
    export_select_related = ("income_account", "expense_account", "asset_account", "division")

    class Meta:
        model = Item
        fields = exported_fields(ITEM_COLUMNS)
