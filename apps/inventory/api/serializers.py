from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import DivisionOwnedModelSerializer, other_division_message
from apps.core.models import Division
from apps.inventory.models import InventoryAdjustment, InventoryAdjustmentLine, PickingOrder, PickingOrderLine

TIMESTAMPS = ["created_at", "updated_at"]
NUMBER_OPTIONAL = {"required": False, "allow_blank": True, "help_text": "Left out: the next free number."}
LINE_ID_HELP = "Give the id to change an existing line; leave it out to add one. Lines left out are deleted."


def lines_in_division(attrs: dict[str, Any]) -> dict[str, Any]:
    division = attrs["division"]
    errors = [
        f"Line {position}: {other_division_message(line['item'], division)}"
        for position, line in enumerate(attrs.get("lines", []), start=1)
        if line.get("item") is not None and line["item"].division_id != division.pk
    ]
    if errors:
        raise serializers.ValidationError({"lines": errors})
    return attrs


class PickingOrderLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=LINE_ID_HELP)

    class Meta:
        model = PickingOrderLine
        fields = ["id", "position", "item", "description", "quantity", "quantity_picked", "unit_price", "amount"]
        read_only_fields = ["quantity_picked", "amount"]
        extra_kwargs = {
            "position": {"help_text": "Left out: the line's place in the list."},
            "description": {"help_text": "Left out on a new line: the item's description."},
            "unit_price": {"help_text": "Left out on a new line: the item's sales price."},
        }
        validators = []


class PickingOrderSerializer(DivisionOwnedModelSerializer):
    """A picking order with its lines (writable); picked quantities change by ``pick``, the invoice by ``invoice``."""

    customer_display_name = serializers.CharField(source="customer.display_name", read_only=True)
    lines = PickingOrderLineSerializer(many=True, required=False)

    class Meta:
        model = PickingOrder
        fields = [
            "id", "division", "number", "customer", "customer_display_name", "service_location", "order_date", "memo",
            "status", "total", "invoice", "lines", *TIMESTAMPS,
        ]
        read_only_fields = ["status", "total", "invoice", *TIMESTAMPS]
        extra_kwargs = {"number": NUMBER_OPTIONAL}
        validators = []

    def default_division(self, attrs: dict[str, Any]) -> Division:
        return attrs["customer"].division

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        customer = attrs.get("customer") or self.instance.customer
        location = attrs.get("service_location", getattr(self.instance, "service_location", None))
        if location is not None and location.customer_id != customer.pk:
            raise serializers.ValidationError(
                {"service_location": f"Service location “{location.name}” belongs to another customer."}
            )
        return lines_in_division(attrs)


class InventoryAdjustmentLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=LINE_ID_HELP)

    class Meta:
        model = InventoryAdjustmentLine
        fields = ["id", "position", "item", "quantity_change"]
        extra_kwargs = {"position": {"help_text": "Left out: the line's place in the list."}}
        validators = []


class InventoryAdjustmentSerializer(DivisionOwnedModelSerializer):
    """An adjustment with its lines; a draft changes freely, ``mark-ready`` moves the stock and locks it."""

    lines = InventoryAdjustmentLineSerializer(many=True, required=False)

    class Meta:
        model = InventoryAdjustment
        fields = [
            "id", "division", "number", "adjustment_date", "reason", "memo", "status", "marked_ready_at",
            "marked_ready_by", "exported_at", "lines", *TIMESTAMPS,
        ]
        read_only_fields = ["status", "marked_ready_at", "marked_ready_by", "exported_at", *TIMESTAMPS]
        extra_kwargs = {"number": NUMBER_OPTIONAL}
        validators = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return lines_in_division(super().validate(attrs))
