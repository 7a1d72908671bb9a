"""Records "in use by another user", and stale EditSequences: why a Mod or Del may be refused."""

from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record

LOCK_CODES = (3170, 3175, 3176, 3180)
TXN_KINDS = ("Invoice", "ReceivePayment", "PurchaseOrder", "Estimate", "InventoryAdjustment")


def lock_error(record: Record) -> StatusError:
    what = record.kind if record.kind in TXN_KINDS else f"{record.kind} list"
    element = record.object_id
    messages = {
        3170: f'There was an error when modifying a {what}, element "{element}". QuickBooks error message: '
        "This list has been modified by another user.",
        3175: f'There was an error when modifying a {what}, element "{element}". QuickBooks error message: '
        "Cannot perform this operation, the record is in use by another user.",
        3176: f'There was an error when deleting a {what}, element "{element}". QuickBooks error message: '
        "The record is in use by another user.",
        3180: f"There was an error when saving a {what}. QuickBooks error message: "
        "The record is being edited by another user.",
    }
    return StatusError(record.lock_code or 3175, messages.get(record.lock_code or 3175, messages[3175]))


def check_writable(record: Record, edit_sequence: str | None = None) -> None:
    """Refuse a locked record (317x/3180) or, for a Mod, an EditSequence that is not the current one (3200)."""
    if record.lock_code:
        raise lock_error(record)
    if edit_sequence is not None and edit_sequence != record.edit_sequence:
        raise StatusError(3200, f'The provided edit sequence "{edit_sequence}" is out-of-date. ')


def invalid_id(object_id: str, *, txn: bool = False) -> StatusError:
    field = "transaction id" if txn else "list id"
    return StatusError(3000, f'The given object ID "{object_id}" in the field "{field}" is invalid.')
