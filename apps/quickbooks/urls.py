"""FieldOffice's public QuickBooks addresses: the webhook endpoint Intuit POSTs change notices to."""

from django.urls import path

from apps.quickbooks.webhooks.views import webhook_receive

app_name = "quickbooks"

urlpatterns = [
    path("webhooks/", webhook_receive, name="webhooks"),
]
