"""Reads for the Web Connector service and the Desktop part of the integration page."""

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Lower

from apps.core.models import Division
from apps.quickbooks.drift import DriftReport
from apps.quickbooks.models import (
    DesktopConnection,
    DesktopInstallation,
    DesktopSession,
    IntegrationType,
    SyncFrequency,
    SyncSettings,
)

RECENT_SESSIONS = 10
MINUTES_OF_FREQUENCY = {
    SyncFrequency.EVERY_5_MINUTES: 5,
    SyncFrequency.EVERY_15_MINUTES: 15,
    SyncFrequency.HOURLY: 60,
    SyncFrequency.DAILY: 24 * 60,
}


def desktop_owner_id() -> uuid.UUID:
    """This installation's OwnerID, created on first use and never changed afterwards."""
    installation = DesktopInstallation.objects.first()
    if installation is None:
        try:
            with transaction.atomic():
                installation = DesktopInstallation.objects.create()
        except IntegrityError:
            # Another request created it first.
            installation = DesktopInstallation.objects.get()
    return installation.owner_id


def desktop_connection_for(*, division: Division) -> DesktopConnection | None:
    return DesktopConnection.objects.filter(division=division).select_related("password_set_by").first()


USERNAME_MAX_LENGTH = DesktopConnection._meta.get_field("username").max_length


def desktop_connections_named(*, username: str) -> QuerySet[DesktopConnection]:
    """
    The connections whose Web Connector user name is ``username`` whatever its case: an equality of lower-cased
    values, never a LIKE pattern (SQLite runs ``iexact`` as LIKE, which a long name makes fail).
    """
    return DesktopConnection.objects.alias(username_lower=Lower("username")).filter(
        username_lower=Lower(Value(username))
    )


def desktop_connection_by_username(*, username: str) -> DesktopConnection | None:
    if not username or len(username) > USERNAME_MAX_LENGTH:
        return None
    return desktop_connections_named(username=username).select_related("division").first()


def desktop_session_by_ticket(*, ticket: str) -> DesktopSession | None:
    try:
        value = uuid.UUID(ticket.strip())
    except (ValueError, AttributeError):
        return None
    return DesktopSession.objects.select_related("connection__division").filter(ticket=value).first()


def desktop_recent_sessions(*, connection: DesktopConnection, limit: int = RECENT_SESSIONS) -> list[DesktopSession]:
    return list(connection.sessions.all()[:limit])


def desktop_is_chosen(*, division: Division) -> bool:
    """Whether the division syncs with QuickBooks Desktop (its integration type)."""
    integration_type = SyncSettings.objects.filter(division=division).values_list("integration_type", flat=True)
    return integration_type.first() == IntegrationType.DESKTOP


def desktop_run_every(*, division: Division) -> timedelta | None:
    """How often the Web Connector should update, from the division's sync frequency; ``None`` for Manual."""
    frequency = SyncSettings.objects.filter(division=division).values_list("frequency", flat=True).first()
    minutes = MINUTES_OF_FREQUENCY.get(frequency or SyncFrequency.MANUAL)
    return timedelta(minutes=minutes) if minutes else None


def desktop_drift_report(*, connection: DesktopConnection | None) -> DriftReport | None:
    """The last drift check a Web Connector update ran, as a report; ``None`` when none ran or it could not run."""
    if connection is None or connection.drift_report_at is None or "counts" not in connection.drift_report:
        return None
    return DriftReport.restored(connection.division, connection.drift_report)


def desktop_drift_error(*, connection: DesktopConnection | None) -> str:
    """Why the last drift check asked of a Web Connector update could not run ("" when it ran, or none was asked)."""
    if connection is None or connection.drift_report_at is None:
        return ""
    return str(connection.drift_report.get("error") or "")
