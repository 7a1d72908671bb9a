from decimal import Decimal
from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import DivisionOwnedModelSerializer, DivisionSlugField, other_division_message
from apps.core.models import Division
from apps.invoicing.models import Invoice, InvoiceLine, Payment, PaymentMethod

TIMESTAMPS = ["created_at", "updated_at"]
MONEY = {"max_digits": 14, "decimal_places": 2}


class InvoiceLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text="Give the id to change an existing line; leave it out to add one. Lines left out are deleted.",
    )

    class Meta:
        model = InvoiceLine
        fields = ["id", "position", "item", "description", "quantity", "unit_price", "taxable", "amount"]
        read_only_fields = ["amount"]
        extra_kwargs = {
            "position": {"help_text": "Left out: the line's place in the list."},
            "description": {"help_text": "Left out on a line with an item: the item's description."},
            "unit_price": {"help_text": "Left out on a line with an item: the item's sales price."},
            "taxable": {"help_text": "Left out on a line with an item: whether the item is taxable."},
        }
        validators = []


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "paid_on", "amount", "method", "reference", *TIMESTAMPS]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    paid_on = serializers.DateField(required=False, help_text="Left out: today.")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CHECK)
    reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class InvoiceSerializer(DivisionOwnedModelSerializer):
    """
    An invoice with its lines (writable) and payments (read-only). Totals, balance and status are computed by the
    invoicing services; ``display_status`` is the status as a person reads it, "Overdue" included ("Ready for Sync ·
    Overdue" for a late invoice not sent yet). When the accounting system charged another tax, ``tax`` and ``total``
    are what it billed and ``computed_tax`` / ``computed_total`` what FieldOffice computed, with who and why.
    """

    division = DivisionSlugField(help_text="The division's slug; the customer's division when left out.")
    customer_display_name = serializers.CharField(source="customer.display_name", read_only=True)
    display_status = serializers.CharField(read_only=True)
    amount_paid = serializers.DecimalField(**MONEY, read_only=True)
    total_changed_externally = serializers.BooleanField(
        read_only=True, help_text="The accounting system charged another tax than FieldOffice computed."
    )
    lines = InvoiceLineSerializer(many=True, required=False)
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id", "division", "number", "customer", "customer_display_name", "service_location", "invoice_date",
            "due_date", "payment_term", "tax_rate", "status", "display_status", "memo", "subtotal", "tax", "total",
            "amount_paid", "balance", "total_changed_externally", "computed_tax", "computed_total", "totals_changed_by",
            "tax_difference_reason", "is_history", "approved_at", "approved_by", "marked_for_sync_at", "lines",
            "payments", *TIMESTAMPS,
        ]
        read_only_fields = ["status", "approved_by", *TIMESTAMPS]
        extra_kwargs = {
            "number": {"required": False, "allow_blank": True, "help_text": "Left out: the next free number."},
            "due_date": {"help_text": "Left out: the invoice date plus the payment term's days."},
            "payment_term": {"help_text": "Left out or empty on a new invoice: the customer's payment term."},
            "tax_rate": {"help_text": "Left out or empty on a new invoice: the customer's tax rate."},
        }
        validators = []

    def default_division(self, attrs: dict[str, Any]) -> Division:
        return attrs["customer"].division

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        division = attrs["division"]
        customer = attrs.get("customer") or self.instance.customer
        location = attrs["service_location"] if "service_location" in attrs else getattr(
            self.instance, "service_location", None
        )
        if location is not None and location.customer_id != customer.pk:
            raise serializers.ValidationError(
                {"service_location": f"Service location “{location.name}” belongs to another customer."}
            )
        line_errors = [
            f"Line {position}: {other_division_message(line['item'], division)}"
            for position, line in enumerate(attrs.get("lines", []), start=1)
            if line.get("item") is not None and line["item"].division_id != division.pk
        ]
        if line_errors:
            raise serializers.ValidationError({"lines": line_errors})
        return attrs
