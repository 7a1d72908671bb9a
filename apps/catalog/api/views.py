from drf_spectacular.utils import extend_schema

from apps.catalog.api.serializers import ItemSerializer
from apps.catalog.models import Item
from apps.core.api.mixins import DomainModelViewSet


@extend_schema(tags=["Items"])
class ItemViewSet(DomainModelViewSet):
    """Items: inventory, non-inventory, services and equipment."""

    queryset = Item.objects.select_related("division")
    serializer_class = ItemSerializer
    query_filters = {"active": "active", "item_type": "item_type", "taxable": "taxable"}
    search_fields = ["name", "sku", "description"]
    ordering_fields = ["name", "sku", "item_type", "sales_price", "created_at", "updated_at"]
