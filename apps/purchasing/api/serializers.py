from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import DivisionOwnedModelSerializer, other_division_message
from apps.core.models import Division
from apps.purchasing.models import ReceivingOrder, ReceivingOrderLine, Vendor

TIMESTAMPS = ["created_at", "updated_at"]
NUMBER_OPTIONAL = {"required": False, "allow_blank": True, "help_text": "Left out: the next free number."}


class VendorSerializer(DivisionOwnedModelSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id", "division", "display_name", "company_name", "first_name", "last_name", "email", "phone",
            "billing_street", "billing_street2", "billing_city", "billing_state", "billing_postal_code",
            "billing_country", "active", *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        extra_kwargs = {"display_name": {"help_text": "Left out: the company name, else the contact's name."}}
        validators = []


class ReceivingOrderLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text="Give the id to change an existing line; leave it out to add one. Lines left out are deleted.",
    )

    class Meta:
        model = ReceivingOrderLine
        fields = [
            "id", "position", "item", "description", "quantity_ordered", "unit_cost", "quantity_received", "amount",
        ]
        read_only_fields = ["quantity_received", "amount"]
        extra_kwargs = {
            "position": {"help_text": "Left out: the line's place in the list."},
            "description": {"help_text": "Left out on a new line: the item's description."},
            "unit_cost": {"help_text": "Left out on a new line: the item's cost."},
        }
        validators = []


class ReceivingOrderSerializer(DivisionOwnedModelSerializer):
    """A receiving order with its lines (writable); status and received quantities change by ``receive``."""

    vendor_display_name = serializers.CharField(source="vendor.display_name", read_only=True)
    lines = ReceivingOrderLineSerializer(many=True, required=False)

    class Meta:
        model = ReceivingOrder
        fields = [
            "id", "division", "number", "vendor", "vendor_display_name", "order_date", "expected_date", "memo",
            "status", "total", "lines", *TIMESTAMPS,
        ]
        read_only_fields = ["status", "total", *TIMESTAMPS]
        extra_kwargs = {"number": NUMBER_OPTIONAL}
        validators = []

    def default_division(self, attrs: dict[str, Any]) -> Division:
        return attrs["vendor"].division

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        division = attrs["division"]
        errors = [
            f"Line {position}: {other_division_message(line['item'], division)}"
            for position, line in enumerate(attrs.get("lines", []), start=1)
            if line.get("item") is not None and line["item"].division_id != division.pk
        ]
        if errors:
            raise serializers.ValidationError({"lines": errors})
        return attrs
