from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.serializers import BaseSerializer

from apps.catalog import services
from apps.catalog.api.serializers import ItemSerializer, StockMovementSerializer
from apps.catalog.models import Item, StockMovement
from apps.catalog.stock import Document
from apps.core.api.filters import DivisionFilter, QueryParamFilter
from apps.core.api.mixins import ApiErrorsMixin, DomainModelViewSet
from apps.core.api.pagination import StandardPagination


@extend_schema(tags=["Items"])
class ItemViewSet(DomainModelViewSet):
    """Items: inventory, non-inventory, services and equipment. A quantity on hand written here is a count."""

    queryset = Item.objects.select_related("division")
    serializer_class = ItemSerializer
    query_filters = {"active": "active", "item_type": "item_type", "taxable": "taxable"}
    search_fields = ["name", "sku", "description"]
    ordering_fields = ["name", "sku", "item_type", "sales_price", "created_at", "updated_at"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.item_create(stock_source=self._source(), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.item_update(
            item=serializer.instance, stock_source=self._source(), **serializer.validated_data
        )

    def _source(self) -> Document:
        return Document(f"Written through the API by {self.request.user}")


@extend_schema(tags=["Stock movements"])
class StockMovementViewSet(ApiErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """The stock ledger, read-only: each change of an item's quantity on hand and what made it."""

    queryset = StockMovement.objects.select_related("item")
    serializer_class = StockMovementSerializer
    pagination_class = StandardPagination
    filter_backends = [DivisionFilter, QueryParamFilter, SearchFilter, OrderingFilter]
    division_lookup = "item__division"
    query_filters = {"item": "item", "kind": "kind"}
    search_fields = ["item__name", "document", "note"]
    ordering_fields = ["occurred_at", "quantity"]
