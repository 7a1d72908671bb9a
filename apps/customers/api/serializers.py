from rest_framework import serializers

from apps.core.api.serializers import CleanModelSerializer, DivisionOwnedModelSerializer
from apps.customers.models import Contact, Customer, ServiceLocation

TIMESTAMPS = ["created_at", "updated_at"]
ADDRESS = ["street", "street2", "city", "state", "postal_code", "country"]
NESTED_ID_HELP = "Give the id to change an existing record; leave it out to add one. Records left out are removed."


class ServiceLocationNestedSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=NESTED_ID_HELP)
    address_line = serializers.CharField(read_only=True)

    class Meta:
        model = ServiceLocation
        fields = ["id", "name", *ADDRESS, "address_line", "active", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []


class ContactNestedSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=NESTED_ID_HELP)

    class Meta:
        model = Contact
        fields = ["id", "name", "role", "phone", "email", "is_primary", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []


class CustomerSerializer(DivisionOwnedModelSerializer):
    """A customer with its service locations and contacts; the view saves them together through the services."""

    billing_address = serializers.CharField(read_only=True)
    service_locations = ServiceLocationNestedSerializer(many=True, required=False)
    contacts = ContactNestedSerializer(many=True, required=False)

    class Meta:
        model = Customer
        fields = [
            "id", "division", "number", "display_name", "company_name", "first_name", "last_name", "phone", "email",
            "billing_street", "billing_street2", "billing_city", "billing_state", "billing_postal_code",
            "billing_country", "billing_address", "taxable", "tax_rate", "payment_term", "active",
            "service_locations", "contacts", *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        # Left empty, the display name is taken from the company or the person's name.
        extra_kwargs = {"display_name": {"required": False, "allow_blank": True}}
        validators = []


class ServiceLocationSerializer(CleanModelSerializer):
    address_line = serializers.CharField(read_only=True)

    class Meta:
        model = ServiceLocation
        fields = ["id", "customer", "name", *ADDRESS, "address_line", "active", *TIMESTAMPS]
        read_only_fields = TIMESTAMPS
        validators = []

    def validate_customer(self, customer: Customer) -> Customer:
        if self.instance is not None and customer.pk != self.instance.customer_id:
            # Its invoices were billed to the customer it belongs to.
            raise serializers.ValidationError("A service location cannot move to another customer.")
        return customer
