from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.serializers import BaseSerializer

from apps.core.api.mixins import DomainModelViewSet
from apps.customers.api.serializers import CustomerSerializer, ServiceLocationSerializer
from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_create, customer_update


@extend_schema(tags=["Customers"])
class CustomerViewSet(DomainModelViewSet):
    """Customers with their service locations and contacts, written together in one request."""

    queryset = Customer.objects.select_related("division")
    serializer_class = CustomerSerializer
    query_filters = {"active": "active", "taxable": "taxable", "tax_rate": "tax_rate", "payment_term": "payment_term"}
    search_fields = ["display_name", "number", "company_name", "first_name", "last_name", "email", "phone"]
    ordering_fields = ["display_name", "number", "billing_city", "created_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Customer]:
        return super().get_queryset().prefetch_related("service_locations", "contacts")

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = customer_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = customer_update(customer=serializer.instance, **serializer.validated_data)


@extend_schema(tags=["Service locations"])
class ServiceLocationViewSet(DomainModelViewSet):
    """The places where work is done for customers."""

    queryset = ServiceLocation.objects.all()
    serializer_class = ServiceLocationSerializer
    division_lookup = "customer__division"
    query_filters = {"customer": "customer", "active": "active"}
    search_fields = ["name", "street", "city", "postal_code", "customer__display_name"]
    ordering_fields = ["name", "city", "postal_code", "created_at", "updated_at"]
