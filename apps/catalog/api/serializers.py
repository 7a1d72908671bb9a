from rest_framework import serializers

from apps.catalog.models import Item, StockMovement
from apps.core.api.serializers import DivisionOwnedModelSerializer

TIMESTAMPS = ["created_at", "updated_at"]


class ItemSerializer(DivisionOwnedModelSerializer):
    class Meta:
        model = Item
        fields = [
            "id", "division", "item_type", "name", "sku", "description", "sales_price", "cost", "taxable", "active",
            "quantity_on_hand", "quantity_as_of", "income_account", "expense_account", "asset_account", *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        validators = []


class StockMovementSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = StockMovement
        fields = ["id", "item", "item_name", "kind", "quantity", "balance", "occurred_at", "document", "note"]
        read_only_fields = fields
