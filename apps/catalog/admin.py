from django.contrib import admin

from apps.catalog.models import Item
from apps.catalog.resources import ItemResource
from apps.core.admin_utils import FastChangeListMixin, IntegrationNotesAdminMixin, IntegrationsAdminMixin
from apps.core.resources import ExportAdminMixin


@admin.register(Item)
class ItemAdmin(
    ExportAdminMixin, IntegrationNotesAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin
):
    resource_classes = [ItemResource]
    list_display = ["name", "sku", "item_type", "sales_price", "cost", "quantity_on_hand", "taxable", "active"]
    list_filter = ["item_type", "active", "taxable", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "sku", "description"]
    autocomplete_fields = ["income_account", "expense_account", "asset_account"]
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
