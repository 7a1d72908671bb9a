from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def emulator_not_in_production(app_configs, **kwargs) -> list[Error]:
    """``check --deploy`` fails while the QuickBooks Desktop emulator's admin pages and commands are on."""
    if not settings.QBD_SANDBOX_ENABLED:
        return []
    return [
        Error(
            "The QuickBooks Desktop emulator is on (DEBUG or QBD_ALLOW_LOCAL_SANDBOX=1).",
            hint="A live installation runs with DEBUG off and without QBD_ALLOW_LOCAL_SANDBOX.",
            id="fieldoffice.E006",
        )
    ]
