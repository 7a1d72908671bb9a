"""
List elements: Add and Mod with QuickBooks' rules for names, hierarchy and edit sequences.

Names are unique per name space, case-insensitively: Customer (by full name, so jobs of different parents may share
a name), Vendor, Employee and OtherName share one; all item types share another. Kind-specific rules (ship-to
addresses, employee names) are hooks in ``apps.qbd_sandbox.engine.names``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.locks import check_writable, invalid_id
from apps.qbd_sandbox.engine.refs import jsonable, referenced_ids, resolve_refs
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.common import ITEM_KINDS, MOD_RENAMES, SALES_TAX_KINDS
from apps.qbd_sandbox.qbxml.fields import F
from apps.qbd_sandbox.qbxml.lists import ITEM_SPECS, NAME_SPECS, SETUP_SPECS

# A hook sees the request's data (refs resolved) and the record before it is saved; it may change both.
Hook = Callable[[Ctx, Record, dict[str, Any], bool], None]
ADD_NAMES = {mod: add for add, mod in MOD_RENAMES.items()}
# What QuickBooks shows on every record of a kind though nothing set it: a vendor's balance (nothing is billed here),
# an inventory item's quantity on hand.
RET_DEFAULTS: dict[str, dict[str, Any]] = {"Vendor": {"Balance": "0.00"}, "ItemInventory": {"QuantityOnHand": "0"}}
EXCLUSIVE = {"SalesOrPurchase": "SalesAndPurchase", "SalesAndPurchase": "SalesOrPurchase"}


@dataclass(frozen=True)
class ListKind:
    kind: str
    add: tuple[F, ...]
    mod: tuple[F, ...] | None
    ret: tuple[F, ...]
    namespace: str
    hierarchical: bool = False


def _kinds() -> dict[str, ListKind]:
    kinds: dict[str, ListKind] = {}
    for kind, (add, mod, ret) in NAME_SPECS.items():
        kinds[kind] = ListKind(kind, add, mod, ret, "name", hierarchical=kind == "Customer")
    for kind, (add, mod, ret) in ITEM_SPECS.items():
        kinds[kind] = ListKind(kind, add, mod, ret, "item", hierarchical=kind not in SALES_TAX_KINDS)
    namespaces = {"StandardTerms": "terms", "DateDrivenTerms": "terms"}
    for kind, (add, mod, ret) in SETUP_SPECS.items():
        kinds[kind] = ListKind(kind, add, mod, ret, namespaces.get(kind, kind.lower()), hierarchical=kind == "Account")
    return kinds


LIST_KINDS = _kinds()
HOOKS: dict[str, Hook] = {}


def _name_in_use(name: str) -> StatusError:
    return StatusError(3100, f'The name "{name}" of the list element is already in use.')


def _place(ctx: Ctx, record: Record, spec: ListKind, name: str, parent: Record | None) -> None:
    """Set the record's name, parent and full name; refuse a name its name space already has (3100)."""
    if not name.strip():
        raise StatusError(3080, 'There is a missing element: "Name".')
    if ":" in name:
        raise StatusError(3020, f'There was an error when converting the name "{name}" in the field "Name".')
    if parent is not None:
        if parent.kind != spec.kind:
            raise StatusError(3140, f'There is an invalid reference to a parent "{parent.full_name}" in the list.')
        ancestor = parent
        while ancestor is not None:
            if record.pk and ancestor.pk == record.pk:
                raise StatusError(3140, f'There is an invalid reference to a parent "{parent.full_name}" in the list.')
            ancestor = ancestor.parent
    full_name = f"{parent.full_name}:{name}" if parent else name
    clash = Record.objects.filter(company=ctx.company, namespace=spec.namespace, name_key=full_name.lower())
    if record.pk:
        clash = clash.exclude(pk=record.pk)
    if clash.exists():
        raise _name_in_use(name)
    old_key = record.name_key
    record.name, record.full_name, record.name_key = name, full_name, full_name.lower()
    record.parent = parent
    record.sublevel = parent.sublevel + 1 if parent else 0
    if record.pk and old_key and old_key != record.name_key:
        _rename_descendants(record, old_key)


def _rename_descendants(record: Record, old_key: str) -> None:
    descendants = Record.objects.filter(company=record.company_id, namespace=record.namespace)
    for child in descendants.filter(name_key__startswith=old_key + ":"):
        suffix = child.full_name[len(old_key) + 1 :]
        child.full_name = f"{record.full_name}:{suffix}"
        child.name_key = child.full_name.lower()
        child.sublevel = child.full_name.count(":")
        child.save(update_fields=["full_name", "name_key", "sublevel"])


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A Mod's values over the stored ones: aggregates merge field by field; an empty element clears."""
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(old.get(key), dict) and set(value) != {"ListID"}:
            value = _merge(old[key], value)
        if value in ("", None, {}):
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _parent_of(ctx: Ctx, data: dict[str, Any]) -> Record | None:
    parent_ref = data.get("ParentRef")
    return ctx.record(parent_ref["ListID"]) if parent_ref else None


def _finish(ctx: Ctx, record: Record, data: dict[str, Any]) -> Record:
    stored = jsonable(data)
    if record.parent_id:
        stored["ParentRef"] = {"ListID": record.parent.object_id}
    else:
        stored.pop("ParentRef", None)
    record.data = stored
    record.ref_ids = " ".join(sorted(referenced_ids(stored)))
    record.time_modified = ctx.moment
    record.save()
    ctx.forget()
    return record


def list_add(ctx: Ctx, kind: str, data: dict[str, Any]) -> Record:
    spec = LIST_KINDS[kind]
    resolve_refs(ctx, spec.add, data, owner=kind)
    record = Record(
        company=ctx.company,
        kind=kind,
        namespace=spec.namespace,
        time_created=ctx.moment,
        is_active=data.pop("IsActive", True) is not False,
    )
    hook = HOOKS.get(kind)
    if hook:
        hook(ctx, record, data, True)
    _place(ctx, record, spec, data.pop("Name", record.name), _parent_of(ctx, data))
    record.object_id = ctx.new_list_id()
    record.edit_sequence = ctx.edit_sequence()
    return _finish(ctx, record, data)


def list_mod(ctx: Ctx, kind: str, data: dict[str, Any]) -> Record:
    spec = LIST_KINDS[kind]
    list_id, edit_sequence = data.pop("ListID"), data.pop("EditSequence")
    record = Record.objects.filter(company=ctx.company, kind=kind, object_id=list_id).select_related("parent").first()
    if record is None:
        raise invalid_id(list_id)
    check_writable(record, edit_sequence)
    data = {ADD_NAMES.get(key, key): value for key, value in data.items()}
    resolve_refs(ctx, spec.add, data, owner=kind)
    if "IsActive" in data:
        record.is_active = data.pop("IsActive") is not False
    hook = HOOKS.get(kind)
    if hook:
        hook(ctx, record, data, False)
    name = data.pop("Name", record.name)
    parent = _parent_of(ctx, data) if "ParentRef" in data else record.parent
    data.pop("ParentRef", None)
    _place(ctx, record, spec, name or record.name, parent)
    record.edit_sequence = ctx.edit_sequence(record.edit_sequence)
    # An item is sold through one account or two (a schema choice): the form a Mod sends replaces the other.
    stored = {key: value for key, value in record.data.items() if EXCLUSIVE.get(key) not in data}
    return _finish(ctx, record, _merge(stored, jsonable(data)))


def list_view(ctx: Ctx, record: Record) -> dict[str, Any]:
    """A list record as its Ret shows it (before kind-specific computed fields)."""
    view = {**RET_DEFAULTS.get(record.kind, {}), **record.data}
    view.update(
        ListID=record.object_id,
        TimeCreated=ctx.local(record.time_created),
        TimeModified=ctx.local(record.time_modified),
        EditSequence=record.edit_sequence,
        Name=record.name,
        FullName=record.full_name,
        IsActive=record.is_active,
        Sublevel=record.sublevel,
    )
    return view


def is_item(kind: str) -> bool:
    return kind in ITEM_KINDS
