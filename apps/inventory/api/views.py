from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.documents import LineQuantitiesSerializer
from apps.core.api.mixins import DomainModelViewSet
from apps.core.api.permissions import permission_required
from apps.core.api.serializers import ErrorDetailSerializer
from apps.inventory import services
from apps.inventory.api.serializers import InventoryAdjustmentSerializer, PickingOrderSerializer
from apps.inventory.models import InventoryAdjustment, PickingOrder
from apps.invoicing.api.serializers import InvoiceSerializer

REFUSED = OpenApiResponse(ErrorDetailSerializer, description="The record's status does not allow this.")


class LinesPrefetchMixin:
    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in SAFE_METHODS:
            queryset = queryset.prefetch_related("lines")
        return queryset


@extend_schema(tags=["Picking orders"])
@extend_schema_view(
    update=extend_schema(responses={200: PickingOrderSerializer, 409: REFUSED}),
    partial_update=extend_schema(responses={200: PickingOrderSerializer, 409: REFUSED}),
    destroy=extend_schema(responses={204: None, 409: REFUSED}),
)
class PickingOrderViewSet(LinesPrefetchMixin, DomainModelViewSet):
    """Picking orders with their lines; stock leaves through ``pick``, and ``invoice`` bills what was picked."""

    queryset = PickingOrder.objects.select_related("division", "customer")
    serializer_class = PickingOrderSerializer
    conflict_errors = (services.PickingOrderStatusError,)
    query_filters = {"status": "status", "customer": "customer"}
    search_fields = ["number", "customer__display_name", "memo"]
    ordering_fields = ["number", "order_date", "total", "status", "created_at", "updated_at"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.picking_order_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.picking_order_update(order=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: PickingOrder) -> None:
        services.picking_order_delete(order=instance)

    @extend_schema(request=LineQuantitiesSerializer, responses={200: PickingOrderSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[permission_required("inventory.pick_pickingorder")])
    def pick(self, request: Request, pk: str | None = None) -> Response:
        """Record items picked, a quantity per line; more than asked for or on hand is refused, nothing written."""
        body = LineQuantitiesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = services.picking_order_pick(
            order=self.get_object(), quantities=body.quantities, note=body.validated_data["note"]
        )
        return Response(self.get_serializer(order).data)

    @extend_schema(request=None, responses={201: InvoiceSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[permission_required("inventory.invoice_pickingorder")])
    def invoice(self, request: Request, pk: str | None = None) -> Response:
        """Make a draft invoice of what was picked; the order is closed. Answers with the invoice."""
        invoice = services.picking_order_invoice(order=self.get_object())
        data = InvoiceSerializer(invoice, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Inventory adjustments"])
@extend_schema_view(
    update=extend_schema(responses={200: InventoryAdjustmentSerializer, 409: REFUSED}),
    partial_update=extend_schema(responses={200: InventoryAdjustmentSerializer, 409: REFUSED}),
    destroy=extend_schema(responses={204: None, 409: REFUSED}),
)
class InventoryAdjustmentViewSet(LinesPrefetchMixin, DomainModelViewSet):
    """Inventory adjustments; ``mark-ready`` moves the stock, and the sync exports them once."""

    queryset = InventoryAdjustment.objects.select_related("division")
    serializer_class = InventoryAdjustmentSerializer
    conflict_errors = (services.AdjustmentStatusError,)
    query_filters = {"status": "status", "reason": "reason"}
    search_fields = ["number", "memo"]
    ordering_fields = ["number", "adjustment_date", "status", "created_at", "updated_at"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.adjustment_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.adjustment_update(adjustment=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: InventoryAdjustment) -> None:
        services.adjustment_delete(adjustment=instance)

    @extend_schema(request=None, responses={200: InventoryAdjustmentSerializer, 409: REFUSED})
    @action(
        detail=True, methods=["post"], url_path="mark-ready",
        permission_classes=[permission_required("inventory.mark_ready_inventoryadjustment")],
    )
    def mark_ready(self, request: Request, pk: str | None = None) -> Response:
        """Move the stock by the lines and lock the adjustment for export; a quantity below zero is refused."""
        adjustment = services.adjustment_mark_ready(adjustment=self.get_object(), user=request.user)
        return Response(self.get_serializer(adjustment).data)
