from apps.quickbooks.models.account_mapping import AccountMapping
from apps.quickbooks.models.connection import ConnectionStatus, QuickBooksConnection
from apps.quickbooks.models.desktop import (
    DesktopConnection,
    DesktopInstallation,
    DesktopSession,
    DesktopSessionStatus,
)
from apps.quickbooks.models.desktop_exchange import DesktopExchange, DesktopExchangeState
from apps.quickbooks.models.integration import Integration
from apps.quickbooks.models.links import LeftBehindRecord, RecordLink
from apps.quickbooks.models.runs import SyncAction, SyncRun, SyncRunEntry, SyncRunStatus, SyncTrigger
from apps.quickbooks.models.state import SyncState
from apps.quickbooks.models.sync_settings import (
    CustomersDirection,
    IntegrationType,
    InventoryDirection,
    InvoicesDirection,
    PrimarySystem,
    SyncFrequency,
    SyncSettings,
    VendorsDirection,
)

__all__ = [
    "AccountMapping",
    "ConnectionStatus",
    "CustomersDirection",
    "DesktopConnection",
    "DesktopExchange",
    "DesktopExchangeState",
    "DesktopInstallation",
    "DesktopSession",
    "DesktopSessionStatus",
    "Integration",
    "IntegrationType",
    "InventoryDirection",
    "InvoicesDirection",
    "LeftBehindRecord",
    "PrimarySystem",
    "QuickBooksConnection",
    "RecordLink",
    "SyncAction",
    "SyncFrequency",
    "SyncRun",
    "SyncRunEntry",
    "SyncRunStatus",
    "SyncSettings",
    "SyncState",
    "SyncTrigger",
    "VendorsDirection",
]
