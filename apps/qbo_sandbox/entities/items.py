"""
Products and services.

- ``Name`` (at most 100 characters, no colon) is unique among items with the same parent (6240).
- ``Type`` is Service (when not sent), NonInventory, Inventory or Category.
- Service and NonInventory items need an income or an expense account: without both, 2020 "Required parameter
  ExpenseAccountRef or IncomeAccountRef is missing in the request", as Intuit answers.
- Inventory items need ``TrackQtyOnHand: true``, ``QtyOnHand``, ``InvStartDate`` and the income, expense (cost of
  goods sold) and asset accounts (2020 naming the first one missing).
- Categories carry no accounts or prices, nest like sub-items (``ParentRef``, ``SubItem``, ``Level``) and cannot
  be made inactive (Intuit's reference).
"""

from typing import ClassVar

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults, hierarchy, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.people import checked_name
from apps.qbo_sandbox.entities.schema import BOOL, DATE, DECIMAL, INT, REF, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import entity_schema
from apps.qbo_sandbox.models import SandboxEntity

ITEM_TYPES = ("Inventory", "Service", "NonInventory", "Category")
ACCOUNT_REFS = ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef")
INVENTORY_REQUIRED = ("QtyOnHand", "InvStartDate", "IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef")
DUPLICATE_DETAIL = "Another product or service is already using this name. Please use a different name."


class ItemRules(EntityRules):
    entity_type = "Item"
    schema = entity_schema(
        {
            "Name": text(100),
            "Sku": text(100),
            "Description": text(4000),
            "PurchaseDesc": text(1000),
            "Active": BOOL,
            "SubItem": BOOL,
            "ParentRef": REF,
            "Type": enum(*ITEM_TYPES, "Group", "Bundle"),
            "ItemCategoryType": text(),
            "Taxable": BOOL,
            "SalesTaxIncluded": BOOL,
            "PurchaseTaxIncluded": BOOL,
            "UnitPrice": DECIMAL,
            "RatePercent": DECIMAL,
            "PurchaseCost": DECIMAL,
            "TrackQtyOnHand": BOOL,
            "QtyOnHand": DECIMAL,
            "ReorderPoint": DECIMAL,
            "InvStartDate": DATE,
            "IncomeAccountRef": REF,
            "ExpenseAccountRef": REF,
            "AssetAccountRef": REF,
            "SalesTaxCodeRef": REF,
            "PurchaseTaxCodeRef": REF,
            "ClassRef": REF,
            "PrefVendorRef": REF,
            "AbatementRate": DECIMAL,
            "ReverseChargeRate": DECIMAL,
            "ServiceType": text(),
            "Source": text(),
            "FullyQualifiedName": read_only(text()),
            "Level": read_only(INT),
        }
    )
    sticky: ClassVar[tuple[str, ...]] = ("Type",)

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("Name"):
            raise faults.required_missing("Name")
        data["Name"] = checked_name(data["Name"], "Name")
        item_type = data.setdefault("Type", "Service")
        if item_type in ("Group", "Bundle"):
            raise faults.unsupported_operation(f"Create {item_type}")
        if (
            existing is not None
            and existing.data.get("Type") != item_type
            and "Category" in (item_type, existing.data.get("Type"))
        ):
            raise faults.business_validation("You can't change the type of a category.", element="Type")
        if item_type == "Category" and data.get("Active") is False:
            # Intuit's reference: inactivating an item "is not valid for Category item types".
            raise faults.business_validation("A category can't be made inactive.", element="Active")
        self._accounts(ctx, data, item_type)
        parent = hierarchy.place(ctx.company, "Item", data, existing, name=data["Name"])
        if parent is not None and parent.data.get("Type") != "Category":
            raise faults.business_validation(
                "A product or service can only be placed in a category.", element="ParentRef"
            )
        data["SubItem"] = parent is not None
        if parent is None:
            data.pop("Level", None)
        else:
            data["Level"] = hierarchy.level_of(data)
        self._unique(ctx, data, existing)
        for name in ("SalesTaxCodeRef", "PurchaseTaxCodeRef"):
            if data.get(name):
                data[name] = refs.ref_to(refs.resolve(ctx.company, "TaxCode", data[name]))
        if data.get("PrefVendorRef"):
            data["PrefVendorRef"] = refs.ref_to(refs.resolve(ctx.company, "Vendor", data["PrefVendorRef"]))
        data.setdefault("Active", True)
        if item_type != "Category":
            data.setdefault("Taxable", False)
            data.setdefault("UnitPrice", 0)
            data.setdefault("PurchaseCost", 0)
            data.setdefault("TrackQtyOnHand", False)
        return data

    def _accounts(self, ctx: WriteContext, data: Data, item_type: str) -> None:
        if item_type == "Category":
            for name in (*ACCOUNT_REFS, "UnitPrice", "PurchaseCost", "QtyOnHand", "InvStartDate", "TrackQtyOnHand"):
                data.pop(name, None)
            return
        if item_type == "Inventory":
            if data.get("TrackQtyOnHand") is not True:
                raise faults.required_missing("TrackQtyOnHand")
            for name in INVENTORY_REQUIRED:
                if data.get(name) is None:
                    raise faults.required_missing(name)
        elif not data.get("IncomeAccountRef") and not data.get("ExpenseAccountRef"):
            raise faults.required_missing("ExpenseAccountRef or IncomeAccountRef")
        else:
            data.pop("AssetAccountRef", None)
        for name in ACCOUNT_REFS:
            if data.get(name):
                data[name] = refs.ref_to(refs.resolve(ctx.company, "Account", data[name]))

    def _unique(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> None:
        same_name = store.entity_list(ctx.company, "Item").filter(name_key=data["Name"].lower())
        if existing is not None:
            same_name = same_name.exclude(pk=existing.pk)
        if any(
            other.data.get("FullyQualifiedName", "").lower() == data["FullyQualifiedName"].lower()
            for other in same_name
        ):
            raise faults.duplicate_name(DUPLICATE_DETAIL)

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        if previous is not None and previous.get("FullyQualifiedName") != entity.data.get("FullyQualifiedName"):
            hierarchy.relabel_descendants(entity, name_field="Name", with_level=True)
