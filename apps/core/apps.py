from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Company"

    def ready(self) -> None:
        from django_q.models import Schedule

        from apps.core.roles import roles_sync_after_migrate
        from apps.core.task_schedules import schedule_check_before_save

        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="fieldoffice-roles")
        # Whoever saves a schedule, it may only run FieldOffice's own tasks.
        pre_save.connect(schedule_check_before_save, sender=Schedule, dispatch_uid="fieldoffice-schedule-check")
