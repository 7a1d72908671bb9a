"""
What a django-q2 ``Schedule`` may run: FieldOffice's own tasks, named here, and nothing else.

A worker imports and calls whatever dotted path a schedule names (``func``), and the result hook it names (``hook``,
or ``hook``/``chain`` among its keyword arguments), so a schedule naming ``os.system`` would run a shell command on
every worker. Every save of a schedule is checked, whoever saves it (the admin, the sync's own schedules, code in a
shell): ``schedule_check`` raises ``ValidationError`` for anything else, from the admin's form and from a ``pre_save``
signal (``apps.core.apps``). A ``QuerySet.update()`` skips signals; nothing in FieldOffice writes schedules that way.

Domain apps are not imported here (core imports no other app): tasks are listed by their dotted paths, and a test
checks that each one is a function of an app's ``tasks`` module. A task that schedules must run joins by being
listed here.
"""

import ast
from typing import Any

from django.core.exceptions import ValidationError
from django_q.models import Schedule

# The functions a schedule may run.
SCHEDULED_TASKS = frozenset(
    {
        # A division's automatic sync (apps.quickbooks.services.schedules).
        "apps.quickbooks.tasks.sync_division",
        # The debounced run QuickBooks change notices ask for (apps.quickbooks.online.webhooks.services).
        "apps.quickbooks.tasks.sync_division_after_notices",
        # The reconciler of sync runs whose worker stopped, every minute (apps.quickbooks.services.runs).
        "apps.quickbooks.tasks.sync_runs_reconcile_task",
    }
)
# The result hooks a schedule may name; FieldOffice's schedules use none.
SCHEDULE_HOOKS: frozenset[str] = frozenset()
# Task options (django_q.tasks.async_task) that name code the worker runs, at the top of the keyword arguments or in
# their ``q_options``.
CODE_OPTIONS = ("hook", "chain")


def _keyword_arguments(text: str | None) -> dict[str, Any]:
    """A schedule's keyword arguments, read as django-q2's scheduler reads them (a dict, or ``x=1, y=2``)."""
    if not text:
        return {}
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        try:
            keywords = ast.parse(f"f({text})").body[0].value.keywords
            value = {keyword.arg: ast.literal_eval(keyword.value) for keyword in keywords}
        except (SyntaxError, ValueError, AttributeError, IndexError):
            return {}
    return value if isinstance(value, dict) else {}


def _options_naming_code(kwargs: dict[str, Any]) -> list[str]:
    options = kwargs.get("q_options")
    places = [kwargs, options] if isinstance(options, dict) else [kwargs]
    named = []
    for place in places:
        for option in CODE_OPTIONS:
            value = place.get(option)
            if value and not (option == "hook" and value in SCHEDULE_HOOKS):
                named.append(option)
    return named


def schedule_check(schedule: Schedule) -> None:
    """Raise ``ValidationError`` unless the schedule runs one of FieldOffice's tasks and no other code."""
    errors: dict[str, str] = {}
    if schedule.func not in SCHEDULED_TASKS:
        errors["func"] = f"“{schedule.func}” is not one of FieldOffice's background tasks; a schedule runs only those."
    if schedule.hook and schedule.hook not in SCHEDULE_HOOKS:
        errors["hook"] = f"“{schedule.hook}” is not one of FieldOffice's result hooks; leave the hook empty."
    if named := _options_naming_code(_keyword_arguments(schedule.kwargs)):
        errors["kwargs"] = (
            f"The keyword arguments name code to run ({', '.join(sorted(set(named)))}); a schedule runs only its "
            "function."
        )
    if errors:
        raise ValidationError(errors)


def schedule_check_before_save(sender, instance: Schedule, **kwargs) -> None:
    """``pre_save`` receiver: no schedule is stored that would run anything but FieldOffice's tasks."""
    schedule_check(instance)
