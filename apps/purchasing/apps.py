from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "apps.purchasing"
    verbose_name = "Purchasing"

    def ready(self) -> None:
        # The rules vendors are checked by, one or many at a time (``apps.core.rules``).
        from apps.purchasing import rules  # noqa: F401
