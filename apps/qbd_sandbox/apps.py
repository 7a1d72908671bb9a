from django.apps import AppConfig


class QbdSandboxConfig(AppConfig):
    name = "apps.qbd_sandbox"
    label = "qbd_sandbox"
    verbose_name = "QuickBooks Desktop sandbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.qbd_sandbox import checks  # noqa: F401 - registers the deploy check
