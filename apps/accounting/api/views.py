from drf_spectacular.utils import extend_schema

from apps.accounting.api.serializers import AccountSerializer, PaymentTermSerializer, TaxRateSerializer
from apps.accounting.models import Account, PaymentTerm, TaxRate
from apps.core.api.mixins import DomainModelViewSet


@extend_schema(tags=["Accounts"])
class AccountViewSet(DomainModelViewSet):
    """The chart of accounts."""

    queryset = Account.objects.select_related("division")
    serializer_class = AccountSerializer
    query_filters = {"active": "active", "account_type": "account_type"}
    search_fields = ["name", "number", "description"]
    ordering_fields = ["name", "number", "account_type", "created_at", "updated_at"]


@extend_schema(tags=["Tax rates"])
class TaxRateViewSet(DomainModelViewSet):
    """Sales tax rates."""

    queryset = TaxRate.objects.select_related("division")
    serializer_class = TaxRateSerializer
    query_filters = {"active": "active"}
    search_fields = ["name", "agency"]
    ordering_fields = ["name", "percent", "created_at", "updated_at"]


@extend_schema(tags=["Payment terms"])
class PaymentTermViewSet(DomainModelViewSet):
    """Payment terms: when an invoice is due."""

    queryset = PaymentTerm.objects.select_related("division")
    serializer_class = PaymentTermSerializer
    query_filters = {"active": "active"}
    search_fields = ["name"]
    ordering_fields = ["name", "due_days", "created_at", "updated_at"]
