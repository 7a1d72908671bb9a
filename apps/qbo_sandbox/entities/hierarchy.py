"""
Lists whose objects nest under a parent (customers and their jobs, sub-accounts, item categories).

An object's ``FullyQualifiedName`` is its parent's followed by ``:`` and its own name; QuickBooks allows four levels
below the top (five in all). Renaming or moving an object relabels everything below it in place, without new
versions, as QuickBooks derives those names.
"""

from typing import Any

from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.storage import computed_patch
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity

MAX_LEVEL = 4


def _live(company: SandboxCompany, entity_type: str):
    return SandboxEntity.objects.filter(company=company, entity_type=entity_type, deleted_at__isnull=True)


def children(company: SandboxCompany, entity_type: str, parent_id: str) -> list[SandboxEntity]:
    return list(_live(company, entity_type).filter(data__ParentRef__value=str(parent_id)).order_by("id"))


def descendants(company: SandboxCompany, entity_type: str, parent_id: str) -> list[SandboxEntity]:
    """Every object below ``parent_id``, parents before their children."""
    found: list[SandboxEntity] = []
    pending = [str(parent_id)]
    while pending:
        level = [child for pid in pending for child in children(company, entity_type, pid)]
        found.extend(level)
        pending = [child.entity_id for child in level]
    return found


def ancestors(company: SandboxCompany, entity: SandboxEntity) -> list[SandboxEntity]:
    """The parents of ``entity``, nearest first."""
    chain: list[SandboxEntity] = []
    current = entity
    while (parent_id := refs.ref_value(current.data.get("ParentRef"))) and len(chain) <= MAX_LEVEL + 1:
        parent = _live(company, entity.entity_type).filter(entity_id=parent_id).first()
        if parent is None:
            break
        chain.append(parent)
        current = parent
    return chain


def level_of(data: dict[str, Any]) -> int:
    return str(data.get("FullyQualifiedName") or "").count(":")


def place(
    company: SandboxCompany,
    entity_type: str,
    data: dict[str, Any],
    existing: SandboxEntity | None,
    *,
    name: str,
) -> SandboxEntity | None:
    """
    Check ``data["ParentRef"]`` and set ``ParentRef`` and ``FullyQualifiedName``; returns the parent, if any.

    The parent must be active (610), must not be the object or one below it (900), and the object's subtree must
    still end within the level limit (6180).
    """
    fully_qualified = name
    parent = None
    if data.get("ParentRef"):
        parent = refs.resolve(company, entity_type, data["ParentRef"])
        if existing is not None:
            lineage = [parent, *ancestors(company, parent)]
            if any(entity.entity_id == existing.entity_id for entity in lineage):
                raise faults.parent_cannot_be_child()
        depth_below = 0
        if existing is not None:
            own = level_of(existing.data)
            depth_below = max(
                (level_of(d.data) - own for d in descendants(company, entity_type, existing.entity_id)), default=0
            )
        if level_of(parent.data) + 1 + depth_below > MAX_LEVEL:
            raise faults.sub_level_limit()
        data["ParentRef"] = refs.ref_to(parent) if entity_type != "Customer" else {"value": parent.entity_id}
        fully_qualified = f"{refs.display_name(parent.data)}:{name}"
    else:
        data.pop("ParentRef", None)
    data["FullyQualifiedName"] = fully_qualified
    return parent


def relabel_descendants(entity: SandboxEntity, *, name_field: str, with_level: bool) -> None:
    """Rewrite FullyQualifiedName (and Level) of everything below ``entity`` after it was renamed or moved."""
    labels = {entity.entity_id: str(entity.data["FullyQualifiedName"])}
    for child in descendants(entity.company, entity.entity_type, entity.entity_id):
        parent_id = refs.ref_value(child.data.get("ParentRef"))
        label = f"{labels[parent_id]}:{child.data[name_field]}"
        labels[child.entity_id] = label
        changes: dict[str, Any] = {"FullyQualifiedName": label}
        if with_level:
            changes["Level"] = label.count(":")
        if child.entity_type != "Customer" and isinstance(child.data.get("ParentRef"), dict):
            changes["ParentRef"] = {**child.data["ParentRef"], "name": labels[parent_id]}
        computed_patch(child, changes)
