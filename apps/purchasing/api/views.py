from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.documents import LineQuantitiesSerializer
from apps.core.api.mixins import DomainModelViewSet
from apps.core.api.permissions import permission_required
from apps.core.api.serializers import ErrorDetailSerializer
from apps.purchasing import services
from apps.purchasing.api.serializers import ReceivingOrderSerializer, VendorSerializer
from apps.purchasing.models import ReceivingOrder, Vendor

REFUSED = OpenApiResponse(ErrorDetailSerializer, description="The order's status does not allow this.")


@extend_schema(tags=["Vendors"])
class VendorViewSet(DomainModelViewSet):
    """Vendors: the companies and people the division buys from."""

    queryset = Vendor.objects.select_related("division")
    serializer_class = VendorSerializer
    query_filters = {"active": "active"}
    search_fields = ["display_name", "company_name", "first_name", "last_name", "email", "phone"]
    ordering_fields = ["display_name", "company_name", "created_at", "updated_at"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.vendor_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.vendor_update(vendor=serializer.instance, **serializer.validated_data)


@extend_schema(tags=["Receiving orders"])
@extend_schema_view(
    update=extend_schema(responses={200: ReceivingOrderSerializer, 409: REFUSED}),
    partial_update=extend_schema(responses={200: ReceivingOrderSerializer, 409: REFUSED}),
    destroy=extend_schema(responses={204: None, 409: REFUSED}),
)
class ReceivingOrderViewSet(DomainModelViewSet):
    """Receiving orders with their lines; goods come in through ``receive``."""

    queryset = ReceivingOrder.objects.select_related("division", "vendor")
    serializer_class = ReceivingOrderSerializer
    conflict_errors = (services.ReceivingOrderStatusError,)
    query_filters = {"status": "status", "vendor": "vendor"}
    search_fields = ["number", "vendor__display_name", "memo"]
    ordering_fields = ["number", "order_date", "expected_date", "total", "status", "created_at", "updated_at"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in SAFE_METHODS:
            queryset = queryset.prefetch_related("lines")
        return queryset

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.receiving_order_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.receiving_order_update(order=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: ReceivingOrder) -> None:
        services.receiving_order_delete(order=instance)

    @extend_schema(request=LineQuantitiesSerializer, responses={200: ReceivingOrderSerializer, 409: REFUSED})
    @action(
        detail=True, methods=["post"], permission_classes=[permission_required("purchasing.receive_receivingorder")]
    )
    def receive(self, request: Request, pk: str | None = None) -> Response:
        """Record goods received, a quantity per line; more than a line still expects is refused, nothing written."""
        body = LineQuantitiesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = services.receiving_order_receive(
            order=self.get_object(), quantities=body.quantities, note=body.validated_data["note"]
        )
        return Response(self.get_serializer(order).data)

    @extend_schema(request=None, responses={200: ReceivingOrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permission_required("purchasing.close_receivingorder")])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the order: nothing more is expected on it."""
        order = services.receiving_order_close(order=self.get_object())
        return Response(self.get_serializer(order).data)
