from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "apps.customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        # The rules customers and locations are checked by, one or many at a time (``apps.core.rules``).
        from apps.customers import rules  # noqa: F401
