"""What the document APIs share: the body of a Receive or Pick, a quantity per line."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rest_framework import serializers


class LineQuantitySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line's id.")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0"))


class LineQuantitiesSerializer(serializers.Serializer):
    """``{"lines": [{"id": 12, "quantity": "3"}]}``: lines left out move nothing."""

    lines = LineQuantitySerializer(many=True, allow_empty=False, max_length=1000)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    def validate_lines(self, lines: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        ids = [line["id"] for line in lines]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Each line may appear only once.")
        return lines

    @property
    def quantities(self) -> dict[int, Decimal]:
        return {line["id"]: line["quantity"] for line in self.validated_data["lines"]}
