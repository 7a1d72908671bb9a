"""
InventoryAdjustment for python-quickbooks, built from the library's own object classes.

python-quickbooks 0.9.12 predates Intuit's InventoryAdjustment (September 2024) and its ``create_object`` refuses
entity names outside its list, so ``save`` posts through ``update_object``: the same ``POST /inventoryadjustment``,
which QuickBooks reads as a create when the body carries no ``Id``. Reads, deletes, batch and CDC need nothing else.
"""

from quickbooks import QuickBooks
from quickbooks.mixins import DeleteMixin
from quickbooks.objects.base import QuickbooksBaseObject, QuickbooksManagedObject, QuickbooksTransactionEntity, Ref
from quickbooks.objects.detailline import DetailLine


class ItemAdjustmentLineDetail(QuickbooksBaseObject):
    class_dict = {"ItemRef": Ref}

    def __init__(self) -> None:
        super().__init__()
        self.ItemRef = None
        self.QtyDiff = 0


class ItemAdjustmentLine(DetailLine):
    class_dict = {"ItemAdjustmentLineDetail": ItemAdjustmentLineDetail}

    def __init__(self) -> None:
        super().__init__()
        self.DetailType = "ItemAdjustmentLineDetail"
        self.ItemAdjustmentLineDetail = None


class InventoryAdjustment(DeleteMixin, QuickbooksManagedObject, QuickbooksTransactionEntity):
    class_dict = {"AdjustAccountRef": Ref}
    list_dict = {"Line": DetailLine}
    detail_dict = {"ItemAdjustmentLineDetail": ItemAdjustmentLine}
    qbo_object_name = "InventoryAdjustment"

    def __init__(self) -> None:
        super().__init__()
        self.TxnDate = None
        self.DocNumber = None
        self.PrivateNote = None
        self.AdjustAccountRef = None
        self.Line = []

    def save(self, qb: QuickBooks, request_id: str | None = None) -> "InventoryAdjustment":
        answer = qb.update_object(self.qbo_object_name, self.to_json(), request_id=request_id)
        return type(self).from_json(answer[self.qbo_object_name])


def adjustment(account: Ref, *changes: tuple[Ref, object]) -> InventoryAdjustment:
    """An adjustment of ``(item, QtyDiff)`` pairs against ``account``."""
    adjusted = InventoryAdjustment()
    adjusted.AdjustAccountRef = account
    for item, qty_diff in changes:
        line = ItemAdjustmentLine()
        line.ItemAdjustmentLineDetail = ItemAdjustmentLineDetail()
        line.ItemAdjustmentLineDetail.ItemRef = item
        line.ItemAdjustmentLineDetail.QtyDiff = qty_diff
        adjusted.Line.append(line)
    return adjusted
