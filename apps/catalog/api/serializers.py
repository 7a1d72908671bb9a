from apps.catalog.models import Item
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
