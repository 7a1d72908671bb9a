from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Company"

    def ready(self) -> None:
        from apps.core.roles import roles_sync_after_migrate

        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="fieldoffice-roles")
