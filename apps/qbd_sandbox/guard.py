"""
The emulator is for development and demonstrations: on with DEBUG, and with DEBUG off only when
``QBD_ALLOW_LOCAL_SANDBOX=1`` (``settings.QBD_SANDBOX_ENABLED``). Off, its admin pages are not registered, its commands
refuse to run and its services refuse to open a company file.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DISABLED_MESSAGE = (
    "The QuickBooks Desktop emulator is off: it runs with DEBUG on, or with DEBUG off for a demonstration that sets "
    "QBD_ALLOW_LOCAL_SANDBOX=1."
)


def emulator_enabled() -> bool:
    return bool(settings.QBD_SANDBOX_ENABLED)


def emulator_require() -> None:
    """Raise ``ImproperlyConfigured`` unless the emulator is on."""
    if not emulator_enabled():
        raise ImproperlyConfigured(DISABLED_MESSAGE)
