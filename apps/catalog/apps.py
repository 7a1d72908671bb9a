from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "apps.catalog"
    verbose_name = "Items"

    def ready(self) -> None:
        # The rules items are checked by, one or many at a time (``apps.core.rules``).
        from apps.catalog import rules  # noqa: F401
