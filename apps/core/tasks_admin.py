"""
django-q2's admin (schedules, successful and failed tasks, the queue), guarded: only superusers change anything.

A schedule names a function the workers run, and "Resubmit selected tasks to queue" runs a task again, so these
pages are code execution, not settings. Staff given a view permission read them; adding, changing, deleting and
actions are for superusers, whatever permissions a group carries. A schedule's function is also checked on every
save (``apps.core.task_schedules``), so even a superuser can only schedule FieldOffice's own tasks.

django_q registers its admin classes first (it comes before ``apps.core`` in ``INSTALLED_APPS``); they are replaced
here by subclasses.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django_q import admin as django_q_admin
from django_q.models import Failure, OrmQ, Schedule, Success

from apps.core.task_schedules import schedule_check


class SuperuserChangesOnlyMixin:
    """Read-only, with no actions, for everyone but superusers."""

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # "Resubmit" declares no permission, so Django would offer it to whoever sees the list.
        return super().get_actions(request) if request.user.is_superuser else {}


class ScheduleForm(forms.ModelForm):
    """
    Says on the form, field by field, what ``schedule_check`` refuses (the save would refuse it anyway). The admin
    gives it its model and fields.
    """

    def _post_clean(self):
        super()._post_clean()
        # The instance now carries the submitted values: check them as they would be saved.
        try:
            schedule_check(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class GuardedScheduleAdmin(SuperuserChangesOnlyMixin, django_q_admin.ScheduleAdmin):
    form = ScheduleForm


class GuardedSuccessAdmin(SuperuserChangesOnlyMixin, django_q_admin.TaskAdmin):
    pass


class GuardedFailureAdmin(SuperuserChangesOnlyMixin, django_q_admin.FailAdmin):
    pass


class GuardedQueueAdmin(SuperuserChangesOnlyMixin, django_q_admin.QueueAdmin):
    pass


for model, model_admin in (
    (Schedule, GuardedScheduleAdmin),
    (Success, GuardedSuccessAdmin),
    (Failure, GuardedFailureAdmin),
    (OrmQ, GuardedQueueAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
