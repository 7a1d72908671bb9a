"""
Setting up a division for QuickBooks Desktop (Owner only: ``quickbooks.manage_connection``).

The Web Connector signs in with a user name and a password set here; the password is kept as a hash and is never
written into the ``.qwc`` file. When the company file turns up moved or renamed, syncing stops until an Owner
accepts the new place.
"""

import logging

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.desktop.selectors import USERNAME_MAX_LENGTH, desktop_connections_named
from apps.quickbooks.models import DesktopConnection

logger = logging.getLogger(__name__)

MANAGE_PERMISSION = "quickbooks.manage_connection"
# Longer passwords are refused here and at sign-in, where nothing longer is hashed.
PASSWORD_MAX_LENGTH = 128


def _require_manage_permission(user) -> None:
    # No user: a management command, run by whoever administers the server.
    if user is not None and not user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied("Only an Owner may set up QuickBooks Desktop.")


def _username_free(username: str, *, division: Division) -> bool:
    return not desktop_connections_named(username=username).exclude(division=division).exists()


def desktop_username_suggest(*, division: Division) -> str:
    """``fieldoffice-<slug>``, numbered when another division already uses it."""
    base = f"fieldoffice-{division.slug}"[: USERNAME_MAX_LENGTH - 4]
    candidate, number = base, 1
    while not _username_free(candidate, division=division):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def desktop_connection_get_or_create(*, division: Division) -> DesktopConnection:
    """The division's Desktop connection; a new one gets a FileID and a suggested Web Connector user name."""
    connection = DesktopConnection.objects.select_for_update().filter(division=division).first()
    if connection is None:
        connection = DesktopConnection.objects.create(
            division=division, username=desktop_username_suggest(division=division)
        )
    return connection


def _username_clean(username: str, *, division: Division) -> str:
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Choose a user name for the Web Connector."})
    if len(username) > USERNAME_MAX_LENGTH or any(character.isspace() for character in username):
        raise ValidationError(
            {"username": f"The user name has at most {USERNAME_MAX_LENGTH} characters and no spaces."}
        )
    if not _username_free(username, division=division):
        raise ValidationError({"username": "Another division's Web Connector already uses this user name."})
    return username


@transaction.atomic
def desktop_credentials_set(*, division: Division, username: str, password: str, user=None) -> DesktopConnection:
    """
    Set the user name and password the Web Connector signs in with; raises ``ValidationError`` per field.

    The password follows the installation's password rules. A new user name means a new ``.qwc`` file: the Web
    Connector reads the user name from it.
    """
    _require_manage_permission(user)
    username = _username_clean(username, division=division)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError({"password": f"The password has at most {PASSWORD_MAX_LENGTH} characters."})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    connection = desktop_connection_get_or_create(division=division)
    connection.username = username
    connection.password_hash = make_password(password)
    connection.password_set_at = timezone.now()
    connection.password_set_by = user
    connection.save()
    logger.info("QuickBooks Desktop: Web Connector password of %s set (user name %s)", division.slug, username)
    return connection


@transaction.atomic
def desktop_company_file_move_accept(*, division: Division, user=None) -> DesktopConnection:
    """
    Accept the moved or renamed company file the Web Connector last opened as the division's company file.

    The FileID it carries already proved it is the same file; the Owner confirms that the old place is no longer
    used. Raises ``ValidationError`` when no move is waiting.
    """
    _require_manage_permission(user)
    connection = DesktopConnection.objects.select_for_update().filter(division=division).first()
    if connection is None or not connection.has_moved_file:
        raise ValidationError("No moved company file is waiting to be accepted.")
    previous = f"{connection.company_name} ({connection.company_file})"
    connection.company_name = connection.moved_company_name
    connection.company_file = connection.moved_company_file
    connection.moved_company_name = connection.moved_company_file = ""
    connection.moved_seen_at = None
    connection.last_error = ""
    connection.last_error_at = None
    connection.save()
    logger.info(
        "QuickBooks Desktop: %s accepted the moved company file of %s (was %s)",
        getattr(user, "pk", "a command"),
        division.slug,
        previous,
    )
    return connection


def _next_update_asked(*, division: Division, flag: str) -> DesktopConnection:
    """
    Raise ``flag`` (``preview_next``, ``drift_next``) on the division's connection, for its next Web Connector update
    to act on. Updated in place rather than saved, so that a session running meanwhile keeps its own fields.
    """
    connection = DesktopConnection.objects.filter(division=division).first()
    if connection is None or not connection.has_password:
        raise ValidationError("Set up the Web Connector first: set its password and add the .qwc file to it.")
    DesktopConnection.objects.filter(pk=connection.pk).update(**{flag: True}, updated_at=timezone.now())
    setattr(connection, flag, True)
    return connection


def desktop_preview_request(*, division: Division) -> DesktopConnection:
    """
    Make the next Web Connector update a preview: it reads the company file and reports what a sync would do (and
    which QuickBooks jobs would arrive as customers), writing nothing on either side.
    """
    return _next_update_asked(division=division, flag="preview_next")


def desktop_drift_request(*, division: Division) -> DesktopConnection:
    """
    Ask the next Web Connector update for a drift check: after its sync it compares both sides, writing nothing, and
    keeps the report on the connection (``drift_report``). QuickBooks Desktop is reached only through the Web
    Connector, so the check cannot run now.
    """
    return _next_update_asked(division=division, flag="drift_next")
