from django.apps import AppConfig


class QbdSandboxConfig(AppConfig):
    name = "apps.qbd_sandbox"
    label = "qbd_sandbox"
    verbose_name = "QuickBooks Desktop sandbox"
    default_auto_field = "django.db.models.BigAutoField"
