from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "apps.invoicing"
    verbose_name = "Invoicing"
