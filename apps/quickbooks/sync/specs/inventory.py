"""
Import Inventory (seed 003): QuickBooks' quantities on hand onto the items linked here, while the division imports
them. Its step is ``steps.inventory``; quantities are written through the items' stock ledger, never by a save of the
item, so the spec names no domain service.
"""

from apps.catalog.models import Item
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.records import ITEM, ItemRecord
from apps.quickbooks.sync.spec import EntitySpec

INVENTORY = EntitySpec(
    name="inventory",
    label="item quantity",
    stage="Importing quantities on hand from QuickBooks",
    model=Item,
    entity=ITEM,
    record_type=ItemRecord,
    master=lambda ctx: PrimarySystem.QUICKBOOKS if ctx.inventory_import else "",
    remote_comparable=lambda record: {"quantity_on_hand": str(record.quantity_on_hand)},
    local_name=lambda item: item.name,
    reads=(ITEM,),
    # Quantities land on items linked by the items' step.
    depends_on=("items",),
)
