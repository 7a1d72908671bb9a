from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sandbox_not_in_production(app_configs, **kwargs) -> list[Warning]:
    """``check --deploy`` warns when the sandbox, with its documented sign-in, would be served by a deployment."""
    if settings.QBO_ENVIRONMENT != "local":
        return []
    return [
        Warning(
            "The QuickBooks sandbox is mounted at /qbo-sandbox/ (QBO_ENVIRONMENT=local).",
            hint="Set QBO_ENVIRONMENT=production (or sandbox) on a deployed server.",
            id="qbo_sandbox.W001",
        )
    ]
