"""
Stops the django-q2 schedules saved before schedules were checked (``apps.core.task_schedules``) that run anything but
FieldOffice's tasks: they are kept for a superuser to read and delete, with no repeats left, so no worker runs them.

Without this, such a schedule would also stop every other: the scheduler saves each schedule it enqueues, the check
refuses that save, and the scheduler's pass is rolled back.
"""

from django.db import migrations

# The tasks FieldOffice scheduled when this migration was written (a copy: a migration does not follow later code).
SCHEDULED_TASKS = ("apps.quickbooks.tasks.sync_division", "apps.quickbooks.tasks.sync_division_after_notices")
# Keyword arguments that name code to run; FieldOffice's own schedules use neither.
CODE_OPTIONS = ("hook", "chain")


def _runs_other_code(schedule) -> bool:
    if schedule.func not in SCHEDULED_TASKS or schedule.hook:
        return True
    return any(option in (schedule.kwargs or "") for option in CODE_OPTIONS)


def stop_schedules_of_other_code(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    stopped = [schedule.pk for schedule in Schedule.objects.exclude(repeats=0) if _runs_other_code(schedule)]
    Schedule.objects.filter(pk__in=stopped).update(repeats=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_default_division"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(stop_schedules_of_other_code, migrations.RunPython.noop)]
