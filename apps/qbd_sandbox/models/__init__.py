"""The emulated company files: their list and transaction records, sessions and what QuickBooks keeps beside them."""

from apps.qbd_sandbox.models.company import CompanyFile, DataExtension
from apps.qbd_sandbox.models.records import Record, Tombstone, TxnLink
from apps.qbd_sandbox.models.sessions import QbIterator, QbSession

__all__ = ["CompanyFile", "DataExtension", "QbIterator", "QbSession", "Record", "Tombstone", "TxnLink"]
