from django.contrib import admin

from apps.catalog.models import Item
from apps.catalog.resources import ItemResource
from apps.core.admin_utils import (
    DecimalInput,
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationNotesAdminMixin,
    IntegrationsAdminMixin,
    ReadOnlyDisplayMixin,
)
from apps.core.display import format_money, format_quantity
from apps.core.resources import ExportAdminMixin


@admin.register(Item)
class ItemAdmin(
    ExportAdminMixin,
    IntegrationNotesAdminMixin,
    ReadOnlyDisplayMixin,
    DivisionLabelsAdminMixin,
    IntegrationsAdminMixin,
    FastChangeListMixin,
    admin.ModelAdmin,
):
    resource_classes = [ItemResource]
    import_kind = "items"
    list_display = [
        "name", "sku", "item_type", "division", "sales_price_amount", "cost_amount", "quantity_on_hand_display",
        "taxable", "active",
    ]
    list_filter = ["item_type", "active", "taxable", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "sku", "description"]
    autocomplete_fields = ["income_account", "expense_account", "asset_account"]
    read_only_display = {
        "quantity_on_hand": "quantity_on_hand_display",
        "sales_price": "sales_price_amount",
        "cost": "cost_amount",
    }
    fieldsets = [
        (None, {"fields": ["division", "item_type", "name", "sku", "description", "active", "integrations"]}),
        ("Price", {"fields": ["sales_price", "cost", "taxable"]}),
        ("Stock", {"fields": ["quantity_on_hand", "quantity_as_of"], "description": "Inventory and equipment only."}),
        (
            "Accounts",
            {
                "fields": ["income_account", "expense_account", "asset_account"],
                "description": "Leave empty to use the division's default accounts for the item type.",
            },
        ),
    ]

    @admin.display(description="sales price", ordering="sales_price")
    def sales_price_amount(self, item: Item) -> str:
        return format_money(item.sales_price)

    @admin.display(description="cost", ordering="cost")
    def cost_amount(self, item: Item) -> str:
        return format_money(item.cost)

    @admin.display(description="on hand", ordering="quantity_on_hand")
    def quantity_on_hand_display(self, item: Item) -> str:
        # Services and non-inventory items are not counted: an empty cell, not "0".
        return format_quantity(item.quantity_on_hand) if item.is_stocked else ""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quantity_on_hand":
            kwargs["widget"] = DecimalInput()
        return super().formfield_for_dbfield(db_field, request, **kwargs)
