from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate


class QuickBooksConfig(AppConfig):
    name = "apps.quickbooks"
    label = "quickbooks"
    verbose_name = "QuickBooks"

    def ready(self) -> None:
        from apps.core.integrations import integration_label_provider_register, sync_status_provider_register
        from apps.core.masters import master_provider_register
        from apps.core.notes import note_provider_register
        from apps.quickbooks import checks  # noqa: F401 - registers the settings checks
        from apps.quickbooks.conf import config_cache_clear
        from apps.quickbooks.dashboard import quickbooks_sync_status
        from apps.quickbooks.desktop import service as desktop_service
        from apps.quickbooks.desktop import work as desktop_work
        from apps.quickbooks.masters import quickbooks_master_reason
        from apps.quickbooks.notes import quickbooks_note
        from apps.quickbooks.online.backend import online_backend_open
        from apps.quickbooks.selectors import record_link_labels
        from apps.quickbooks.services.schedules import reconcile_schedule_after_migrate
        from apps.quickbooks.sync.backend import backend_opener_set

        integration_label_provider_register(record_link_labels)
        sync_status_provider_register(quickbooks_sync_status)
        master_provider_register(quickbooks_master_reason)
        note_provider_register(quickbooks_note)
        # The Web Connector service drives its updates through the work driver it is given here.
        desktop_service.work_driver_set(driver=desktop_work.DRIVER)
        # Runs nobody hands a backend (schedules, Sync Now, webhooks) talk to QuickBooks Online; a Desktop update
        # hands the engine its own.
        backend_opener_set(opener=online_backend_open)
        setting_changed.connect(config_cache_clear, dispatch_uid="quickbooks-config-cache")
        post_migrate.connect(
            reconcile_schedule_after_migrate, sender=self, dispatch_uid="quickbooks-reconcile-schedule"
        )
