from django.apps import AppConfig


class QboSandboxConfig(AppConfig):
    name = "apps.qbo_sandbox"
    label = "qbo_sandbox"
    verbose_name = "QuickBooks sandbox"

    def ready(self) -> None:
        from apps.qbo_sandbox import checks  # noqa: F401 - registers the deploy check
