"""The REST API, version 1: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from apps.accounting.api.views import AccountViewSet, PaymentTermViewSet, TaxRateViewSet
from apps.catalog.api.views import ItemViewSet, StockMovementViewSet
from apps.customers.api.views import CustomerViewSet, ServiceLocationViewSet
from apps.inventory.api.views import InventoryAdjustmentViewSet, PickingOrderViewSet
from apps.invoicing.api.views import InvoiceViewSet
from apps.purchasing.api.views import ReceivingOrderViewSet, VendorViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("service-locations", ServiceLocationViewSet, basename="service-location")
router.register("items", ItemViewSet, basename="item")
router.register("accounts", AccountViewSet, basename="account")
router.register("tax-rates", TaxRateViewSet, basename="tax-rate")
router.register("payment-terms", PaymentTermViewSet, basename="payment-term")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("receiving-orders", ReceivingOrderViewSet, basename="receiving-order")
router.register("picking-orders", PickingOrderViewSet, basename="picking-order")
router.register("inventory-adjustments", InventoryAdjustmentViewSet, basename="inventory-adjustment")
router.register("stock-movements", StockMovementViewSet, basename="stock-movement")

urlpatterns = router.urls
