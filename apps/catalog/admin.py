from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from apps.catalog.models import Item, StockMovement, StockMovementKind
from apps.catalog.resources import ItemResource
from apps.catalog.stock import Document, stock_count
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

STOCK_HISTORY_SHOWN = 20


def movement_document(movement: StockMovement) -> str:
    """The document that moved the stock, linked to its page when it has one."""
    if not movement.document_model or movement.document_id is None:
        return movement.document
    app_label, model_name = movement.document_model.split(".", 1)
    try:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[movement.document_id])
    except NoReverseMatch:
        return movement.document
    return format_html('<a href="{}">{}</a>', url, movement.document)


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
        (
            "Stock",
            {
                "fields": ["quantity_on_hand", "quantity_as_of", "stock_history"],
                "description": "Inventory and equipment only. A quantity typed in here is recorded as a count.",
            },
        ),
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

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "stock_history"]

    @admin.display(description="stock movements")
    def stock_history(self, item: Item) -> str:
        """The latest movements, each with what made it; the full ledger is one click away."""
        if item is None or item.pk is None:
            return "—"
        movements = list(item.stock_movements.all()[:STOCK_HISTORY_SHOWN])
        if not movements:
            return "None yet"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td class='numeric'>{}</td><td class='numeric'>{}</td><td>{}</td></tr>",
            (
                (
                    movement.occurred_at.strftime("%b %d, %Y %H:%M"),
                    movement.get_kind_display(),
                    f"{'+' if movement.quantity > 0 else ''}{format_quantity(movement.quantity)}",
                    format_quantity(movement.balance),
                    movement_document(movement),
                )
                for movement in movements
            ),
        )
        ledger_url = reverse("admin:catalog_stockmovement_changelist") + f"?item__id__exact={item.pk}"
        return format_html(
            '<table class="stock-history"><thead><tr><th>When</th><th>What</th><th>Quantity</th><th>On hand after'
            '</th><th>Document</th></tr></thead><tbody>{}</tbody></table><p><a href="{}">All movements of this item'
            "</a></p>",
            rows,
            ledger_url,
        )

    def save_model(self, request, obj: Item, form, change: bool) -> None:
        # The admin's change view runs in a transaction: the item and its count are saved together.
        previous = Decimal("0")
        if change:
            previous = Item.objects.filter(pk=obj.pk).values_list("quantity_on_hand", flat=True).first() or previous
        super().save_model(request, obj, form, change)
        stock_count(
            item=obj,
            counted=obj.quantity_on_hand,
            previous=previous,
            kind=StockMovementKind.COUNT if change else StockMovementKind.OPENING,
            document=Document(f"Typed in by {request.user}"),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quantity_on_hand":
            kwargs["widget"] = DecimalInput()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The stock ledger: read-only, written by the documents and counts that moved the stock."""

    list_display = ["occurred_at", "item", "kind", "quantity_shown", "balance_shown", "document_link", "note"]
    list_filter = ["kind", "item__division"]
    list_select_related = ["item"]
    search_fields = ["item__name", "item__sku", "document", "note"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def get_queryset(self, request) -> QuerySet[StockMovement]:
        return super().get_queryset(request).select_related("item")

    @admin.display(description="quantity", ordering="quantity")
    def quantity_shown(self, movement: StockMovement) -> str:
        return f"{'+' if movement.quantity > 0 else ''}{format_quantity(movement.quantity)}"

    @admin.display(description="on hand after", ordering="balance")
    def balance_shown(self, movement: StockMovement) -> str:
        return format_quantity(movement.balance)

    @admin.display(description="document", ordering="document")
    def document_link(self, movement: StockMovement) -> str:
        return movement_document(movement)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
