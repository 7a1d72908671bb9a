from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def sandbox_not_in_production(app_configs, **kwargs) -> list[Error]:
    """``check --deploy`` fails while the sandbox, with its published sign-in, is served (``QBO_ENVIRONMENT=local``)."""
    if settings.QBO_ENVIRONMENT != "local":
        return []
    return [
        Error(
            "The local QuickBooks sandbox is served at /qbo-sandbox/ (QBO_ENVIRONMENT=local), with a published "
            "sign-in.",
            hint="A live installation sets QBO_ENVIRONMENT=production (or sandbox, to try Intuit's developer sandbox).",
            id="fieldoffice.E001",
        )
    ]
