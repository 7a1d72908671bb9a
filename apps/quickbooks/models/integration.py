from apps.core.models import Division


class Integration(Division):
    """A division seen from its QuickBooks page: the admin's entry point for connecting and syncing it."""

    class Meta:
        proxy = True
        verbose_name = "integration"
        verbose_name_plural = "integrations"
