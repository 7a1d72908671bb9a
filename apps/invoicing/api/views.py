from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.api.mixins import DomainModelViewSet
from apps.core.api.permissions import permission_required
from apps.core.api.serializers import ErrorDetailSerializer
from apps.invoicing.api.serializers import InvoiceSerializer, PaymentCreateSerializer
from apps.invoicing.models import Invoice
from apps.invoicing.services import (
    InvoiceStatusError,
    invoice_approve,
    invoice_create,
    invoice_delete,
    invoice_mark_for_sync,
    invoice_update,
    payment_record,
)

REFUSED = OpenApiResponse(ErrorDetailSerializer, description="The invoice's status does not allow this.")
EDIT_REFUSED = OpenApiResponse(ErrorDetailSerializer, description="Only drafts can be changed freely; paid and void "
                               "invoices not at all.")


@extend_schema(tags=["Invoices"])
@extend_schema_view(
    update=extend_schema(responses={200: InvoiceSerializer, 409: EDIT_REFUSED}),
    partial_update=extend_schema(responses={200: InvoiceSerializer, 409: EDIT_REFUSED}),
    destroy=extend_schema(responses={204: None, 409: REFUSED}),
)
class InvoiceViewSet(DomainModelViewSet):
    """Invoices with their lines and payments; totals are computed, the status changes only through the actions."""

    queryset = Invoice.objects.select_related("division", "customer")
    serializer_class = InvoiceSerializer
    conflict_errors = (InvoiceStatusError,)
    query_filters = {"status": "status", "customer": "customer"}
    search_fields = ["number", "customer__display_name", "memo"]
    ordering_fields = ["number", "invoice_date", "due_date", "total", "balance", "status", "created_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Invoice]:
        queryset = super().get_queryset()
        if self.request.method in SAFE_METHODS:
            # Reads only: the services re-read lines and payments after writing them, and must not see a stale cache.
            queryset = queryset.prefetch_related("lines", "payments")
        return queryset

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = invoice_create(**serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = invoice_update(invoice=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Invoice) -> None:
        invoice_delete(invoice=instance)

    @extend_schema(request=None, responses={200: InvoiceSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], permission_classes=[permission_required("invoicing.approve_invoice")])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a draft."""
        invoice = invoice_approve(invoice=self.get_object(), user=request.user)
        return Response(self.get_serializer(invoice).data)

    @extend_schema(request=None, responses={200: InvoiceSerializer, 409: REFUSED})
    @action(
        detail=True, methods=["post"], url_path="mark-for-sync",
        permission_classes=[permission_required("invoicing.mark_invoice_for_sync")],
    )
    def mark_for_sync(self, request: Request, pk: str | None = None) -> Response:
        """Mark an approved or unpaid invoice Ready for Sync, to be sent to QuickBooks."""
        invoice = invoice_mark_for_sync(invoice=self.get_object())
        return Response(self.get_serializer(invoice).data)

    @extend_schema(request=PaymentCreateSerializer, responses={201: InvoiceSerializer, 409: REFUSED})
    @action(
        detail=True, methods=["post"], url_path="payments",
        permission_classes=[permission_required("invoicing.add_payment")],
    )
    def record_payment(self, request: Request, pk: str | None = None) -> Response:
        """Record a payment; answers with the invoice, its balance lowered (and Paid once nothing is owed)."""
        invoice = self.get_object()
        serializer = PaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment_record(invoice=invoice, **serializer.validated_data)
        return Response(self.get_serializer(invoice).data, status=status.HTTP_201_CREATED)
