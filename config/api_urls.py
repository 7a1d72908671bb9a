"""The REST API, version 1: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from apps.accounting.api.views import AccountViewSet, PaymentTermViewSet, TaxRateViewSet
from apps.catalog.api.views import ItemViewSet
from apps.customers.api.views import CustomerViewSet, ServiceLocationViewSet
from apps.invoicing.api.views import InvoiceViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("service-locations", ServiceLocationViewSet, basename="service-location")
router.register("items", ItemViewSet, basename="item")
router.register("accounts", AccountViewSet, basename="account")
router.register("tax-rates", TaxRateViewSet, basename="tax-rate")
router.register("payment-terms", PaymentTermViewSet, basename="payment-term")
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = router.urls
