"""The columns of the item export (see ``apps.core.resources``)."""

from apps.catalog.models import Item
from apps.core.resources import ExportResource


class ItemResource(ExportResource):
    column_headers = {
        "income_account__name": "Income account",
        "expense_account__name": "Expense account",
        "asset_account__name": "Asset account",
        "division__name": "Division",
    }
    export_select_related = ("income_account", "expense_account", "asset_account", "division")

    class Meta:
        model = Item
        fields = (
            "name",
            "sku",
            "item_type",
            "description",
            "sales_price",
            "cost",
            "taxable",
            "quantity_on_hand",
            "quantity_as_of",
            "income_account__name",
            "expense_account__name",
            "asset_account__name",
            "active",
            "division__name",
        )
