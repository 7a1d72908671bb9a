from apps.quickbooks.admin.integration import IntegrationAdmin
from apps.quickbooks.admin.runs import RecordLinkAdmin, SyncRunAdmin

__all__ = ["IntegrationAdmin", "RecordLinkAdmin", "SyncRunAdmin"]
