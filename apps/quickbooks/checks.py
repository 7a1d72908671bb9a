"""System checks of the QuickBooks settings; the settings refuse to load on the same problems (``conf``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from apps.quickbooks.conf import environment_problems


@register(Tags.security)
def quickbooks_environment(app_configs, **kwargs) -> list[Error]:
    """The environment problems again, for a settings module that changed the values after the base settings."""
    problems = environment_problems(
        debug=settings.DEBUG,
        environment=settings.QBO_ENVIRONMENT,
        allow_local_sandbox=settings.QBO_ALLOW_LOCAL_SANDBOX,
        client_secret=settings.QBO_CLIENT_SECRET,
        webhook_verifier_token=settings.QBO_WEBHOOK_VERIFIER_TOKEN,
    )
    return [Error(sentence, id=check_id) for check_id, sentence in problems]
