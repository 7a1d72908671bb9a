"""
Faults both backends can be put through, wrapped around their backend: an answer lost after QuickBooks made the
record, and a record a QuickBooks user changed just before FieldOffice's write arrived.
"""

from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult


class LostAnswers:
    """
    A backend whose connection drops right after QuickBooks ran the creates of ``entity`` it was sent, before their
    answer came back: QuickBooks has the records, FieldOffice never learned their ids.
    """

    def __init__(self, inner, entity: str) -> None:
        self.inner = inner
        self.entity = entity

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def write(self, writes: list[Write]) -> list[WriteResult]:
        results = self.inner.write(writes)
        if any(write.entity == self.entity and write.action == CREATE for write in writes):
            raise QuickBooksError("The connection to QuickBooks dropped.")
        return results


class EditedMeanwhile:
    """
    A backend before whose first ``action`` (an update, a create) of ``entity`` a QuickBooks user changes QuickBooks
    (``edit``): what FieldOffice read is out of date when its write arrives. Counts those writes sent (``sent``).
    """

    def __init__(self, inner, entity: str, edit, action: str = UPDATE) -> None:
        self.inner = inner
        self.entity = entity
        self.edit = edit
        self.action = action
        self.sent = 0

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def write(self, writes: list[Write]) -> list[WriteResult]:
        updates = sum(1 for write in writes if write.entity == self.entity and write.action == self.action)
        if updates and not self.sent:
            self.edit()
        self.sent += updates
        return self.inner.write(writes)
