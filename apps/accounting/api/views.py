from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied

from apps.accounting.api.serializers import AccountSerializer, PaymentTermSerializer, TaxRateSerializer
from apps.accounting.models import Account, PaymentTerm, TaxRate
from apps.accounting.services import account_delete
from apps.core.api.mixins import Conflict, DomainModelViewSet
from apps.core.api.serializers import ErrorDetailSerializer
from apps.core.masters import master_elsewhere

KEPT_ELSEWHERE = OpenApiResponse(
    ErrorDetailSerializer,
    description="Another system (QuickBooks) keeps these records for the division; `detail` says which and why.",
)
IN_USE = OpenApiResponse(ErrorDetailSerializer, description="Records use it; `detail` says which.")


def _refusals(serializer):
    return extend_schema_view(
        create=extend_schema(responses={201: serializer, 403: KEPT_ELSEWHERE}),
        update=extend_schema(responses={200: serializer, 403: KEPT_ELSEWHERE}),
        partial_update=extend_schema(responses={200: serializer, 403: KEPT_ELSEWHERE}),
        destroy=extend_schema(responses={204: None, 403: KEPT_ELSEWHERE, 409: IN_USE}),
    )


class ReadOnlyWhileKeptElsewhereMixin:
    """
    Writes answer 403 with the reason while another system is master of the division's records
    (``apps.core.masters``); reading stays open.
    """

    def _refuse_if_kept_elsewhere(self, division_id: int) -> None:
        reason = master_elsewhere(self.queryset.model, division_id)
        if reason:
            raise PermissionDenied(detail=reason)

    def perform_create(self, serializer) -> None:
        self._refuse_if_kept_elsewhere(serializer.validated_data["division"].pk)
        super().perform_create(serializer)

    def perform_update(self, serializer) -> None:
        self._refuse_if_kept_elsewhere(serializer.instance.division_id)
        super().perform_update(serializer)

    def perform_destroy(self, instance) -> None:
        self._refuse_if_kept_elsewhere(instance.division_id)
        super().perform_destroy(instance)


@extend_schema(tags=["Accounts"])
@_refusals(AccountSerializer)
class AccountViewSet(ReadOnlyWhileKeptElsewhereMixin, DomainModelViewSet):
    """
    The chart of accounts. Read-only for a division whose chart QuickBooks keeps; an account that items or default
    accounts use cannot be deleted (409).
    """

    queryset = Account.objects.select_related("division")
    serializer_class = AccountSerializer
    query_filters = {"active": "active", "account_type": "account_type"}
    search_fields = ["name", "number", "description"]
    ordering_fields = ["name", "number", "account_type", "created_at", "updated_at"]

    def perform_destroy(self, instance: Account) -> None:
        self._refuse_if_kept_elsewhere(instance.division_id)
        try:
            account_delete(account=instance)
        except DjangoValidationError as error:
            if error.code == "in_use":
                raise Conflict(error.messages[0]) from error
            raise


@extend_schema(tags=["Tax rates"])
@_refusals(TaxRateSerializer)
class TaxRateViewSet(ReadOnlyWhileKeptElsewhereMixin, DomainModelViewSet):
    """Sales tax rates. Read-only for a division whose tax rates QuickBooks keeps."""

    queryset = TaxRate.objects.select_related("division")
    serializer_class = TaxRateSerializer
    query_filters = {"active": "active"}
    search_fields = ["name", "agency"]
    ordering_fields = ["name", "percent", "created_at", "updated_at"]


@extend_schema(tags=["Payment terms"])
@_refusals(PaymentTermSerializer)
class PaymentTermViewSet(ReadOnlyWhileKeptElsewhereMixin, DomainModelViewSet):
    """Payment terms: when an invoice is due. Read-only for a division whose terms QuickBooks keeps."""

    queryset = PaymentTerm.objects.select_related("division")
    serializer_class = PaymentTermSerializer
    query_filters = {"active": "active"}
    search_fields = ["name"]
    ordering_fields = ["name", "due_days", "created_at", "updated_at"]
