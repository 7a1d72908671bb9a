"""
The automatic sync of a division is a django-q2 ``Schedule`` named ``quickbooks-sync-<division slug>``.

It exists while the division is connected to QuickBooks Online and its frequency is not Manual; it is (re)declared
whenever either changes. QuickBooks Desktop has no such schedule: the Web Connector calls on its own schedule (the
``.qwc`` file carries the frequency). Missed slots are not replayed after downtime (``Q_CLUSTER["catch_up"]`` is
off in settings).
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_q.models import Schedule

from apps.core.models import Division
from apps.quickbooks.models import (
    ConnectionStatus,
    IntegrationType,
    QuickBooksConnection,
    SyncFrequency,
    SyncSettings,
    SyncTrigger,
)

SYNC_TASK = "apps.quickbooks.tasks.sync_division"
# The reconciler (``apps.quickbooks.services.runs.sync_runs_reconcile``): every minute, declared at migrate.
RECONCILE_TASK = "apps.quickbooks.tasks.sync_runs_reconcile_task"
RECONCILE_SCHEDULE = "quickbooks-reconcile-runs"
SCHEDULE_OF_FREQUENCY = {
    SyncFrequency.EVERY_5_MINUTES: (Schedule.MINUTES, 5),
    SyncFrequency.EVERY_15_MINUTES: (Schedule.MINUTES, 15),
    SyncFrequency.HOURLY: (Schedule.HOURLY, None),
    SyncFrequency.DAILY: (Schedule.DAILY, None),
}


def sync_schedule_name(division: Division) -> str:
    return f"quickbooks-sync-{division.slug}"


@transaction.atomic
def sync_schedule_update(*, division: Division) -> Schedule | None:
    """Create, change or delete the division's schedule to match its settings and connection; returns it."""
    frequency, integration_type = SyncSettings.objects.filter(division=division).values_list(
        "frequency", "integration_type"
    ).first() or (None, IntegrationType.ONLINE)
    connected = integration_type == IntegrationType.ONLINE and (
        QuickBooksConnection.objects.filter(division=division, status=ConnectionStatus.CONNECTED).exists()
    )
    args = repr((division.pk,))
    name = sync_schedule_name(division)
    # A schedule left under an older slug of the division would run it twice.
    Schedule.objects.filter(func=SYNC_TASK, args=args).exclude(name=name).delete()
    if not connected or frequency not in SCHEDULE_OF_FREQUENCY:
        Schedule.objects.filter(name=name).delete()
        return None
    schedule_type, minutes = SCHEDULE_OF_FREQUENCY[frequency]
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": SYNC_TASK,
            "args": args,
            "kwargs": repr({"trigger": SyncTrigger.SCHEDULE.value}),
            "schedule_type": schedule_type,
            "minutes": minutes,
            "repeats": -1,
        },
    )
    return schedule


@transaction.atomic
def reconcile_schedule_update() -> Schedule:
    """
    Declare the reconciler's schedule: every minute, on whichever worker is free. Idempotent; two clusters starting
    together may both add it, and the next start keeps one (the reconciler is harmless twice a minute).
    """
    schedules = list(Schedule.objects.select_for_update().filter(name=RECONCILE_SCHEDULE).order_by("pk"))
    schedule = schedules[0] if schedules else Schedule(name=RECONCILE_SCHEDULE)
    Schedule.objects.filter(pk__in=[duplicate.pk for duplicate in schedules[1:]]).delete()
    schedule.func, schedule.args, schedule.kwargs = RECONCILE_TASK, "", ""
    schedule.schedule_type, schedule.minutes, schedule.repeats = Schedule.MINUTES, 1, -1
    schedule.save()
    return schedule


def reconcile_schedule_after_migrate(**kwargs: Any) -> None:
    """
    ``post_migrate``: the reconciler's schedule is declared with the database, so that every worker running
    django-q2's scheduler finds it, a plain ``qcluster`` included (``manage.py workers`` declares it again at each
    start, which repairs a schedule edited by hand). A migrate of some apps only, before django-q2's own tables
    exist, leaves it to the next one.
    """
    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return
    reconcile_schedule_update()
