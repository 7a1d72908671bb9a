"""Reads about the chart of accounts: where an account is used."""

from django.db import models
from django.db.models import Q

from apps.accounting.models import Account, DefaultAccounts, ItemType


def _protecting_relations() -> dict[type[models.Model], list[str]]:
    """
    Every model whose rows keep an account from being deleted, with the names of its fields that refer to it.

    Found from the models themselves (``on_delete=PROTECT``, including relations hidden with ``related_name="+"``),
    so a model that starts referring to accounts is counted without a change here.
    """
    relations: dict[type[models.Model], list[str]] = {}
    for relation in Account._meta.get_fields(include_hidden=True):
        if relation.is_relation and relation.auto_created and getattr(relation, "on_delete", None) is models.PROTECT:
            relations.setdefault(relation.related_model, []).append(relation.field.name)
    return relations


def _default_accounts_use(account: Account, fields: list[str]) -> str:
    condition = Q()
    for field in fields:
        condition |= Q(**{field: account})
    item_types = DefaultAccounts.objects.filter(condition).order_by("item_type").values_list("item_type", flat=True)
    labels = [str(ItemType(item_type).label) for item_type in item_types]
    return f"the default accounts for {_listed(labels)} items" if labels else ""


def _count_use(model: type[models.Model], account: Account, fields: list[str]) -> str:
    condition = Q()
    for field in fields:
        condition |= Q(**{field: account})
    count = model._default_manager.filter(condition).count()
    if not count:
        return ""
    name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {name}"


def _listed(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def account_uses(*, account: Account) -> list[str]:
    """Where ``account`` is used, in words ("12 items", "the default accounts for Service items"); empty if unused."""
    relations = _protecting_relations()
    defaults_fields = relations.pop(DefaultAccounts, [])
    uses = [_count_use(model, account, fields) for model, fields in relations.items()]
    uses.append(_default_accounts_use(account, defaults_fields) if defaults_fields else "")
    return [use for use in uses if use]


def account_in_use_reason(*, account: Account) -> str:
    """Why ``account`` cannot be deleted because records use it, or ``""`` when nothing does."""
    uses = account_uses(account=account)
    if not uses:
        return ""
    return (
        f"Account {account} is used by {_listed(uses)}; make them use another account first, or set this account "
        "inactive."
    )
