"""
FieldOffice's public QuickBooks addresses: the webhook endpoint Intuit POSTs change notices to, and the SOAP service
the QuickBooks Web Connector polls for QuickBooks Desktop.
"""

from django.urls import path

from apps.quickbooks.desktop.views import qbwc_endpoint
from apps.quickbooks.online.webhooks.views import webhook_receive

app_name = "quickbooks"

urlpatterns = [
    path("webhooks/", webhook_receive, name="webhooks"),
    path("desktop/qbwc/", qbwc_endpoint, name="qbwc"),
]
