"""
The default accounts in the accounting admin: an Owner's save goes through ``accounting.services.default_accounts_set``
(its checks and its reasons on the form), the only way default accounts are written.
"""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounting import services
from apps.accounting.models import AccountType, DefaultAccounts, ItemType
from apps.core.selectors import division_get_default
from tests.factories import AccountFactory, DefaultAccountsFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounting_defaultaccounts_add")


def _change(defaults: DefaultAccounts) -> str:
    return reverse("admin:accounting_defaultaccounts_change", args=[defaults.pk])


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def chart():
    division = division_get_default()
    return {
        "income": AccountFactory(division=division, name="Sales", account_type=AccountType.INCOME),
        "expense": AccountFactory(division=division, name="Repairs", account_type=AccountType.EXPENSE),
        "cogs": AccountFactory(division=division, name="Parts Cost", account_type=AccountType.COST_OF_GOODS_SOLD),
        "asset": AccountFactory(division=division, name="Inventory Asset", account_type=AccountType.INVENTORY_ASSET),
    }


def _form(item_type: str, **accounts) -> dict:
    data = {"division": division_get_default().pk, "item_type": item_type}
    data.update({f"{role}_account": account.pk for role, account in accounts.items()})
    return data


def test_an_owners_save_goes_through_the_service_with_the_owner(owner_client, owner, chart):
    data = _form(ItemType.INVENTORY, income=chart["income"], expense=chart["cogs"], asset=chart["asset"])

    with mock.patch("apps.accounting.admin.default_accounts_set", wraps=services.default_accounts_set) as service:
        response = owner_client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    service.assert_called_once()
    assert service.call_args.kwargs["user"] == owner
    saved = DefaultAccounts.objects.get()
    assert (saved.item_type, saved.income_account, saved.expense_account, saved.asset_account) == (
        ItemType.INVENTORY,
        chart["income"],
        chart["cogs"],
        chart["asset"],
    )


def test_stocked_items_need_a_cost_of_goods_account_and_the_form_says_so(owner_client, chart):
    data = _form(ItemType.INVENTORY, income=chart["income"], expense=chart["expense"], asset=chart["asset"])

    response = owner_client.post(ADD, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["expense_account"] == [
        f"{chart['expense']} is an expense account; the expense account must be cost of goods sold."
    ]
    assert not DefaultAccounts.objects.exists()


def test_only_stocked_items_have_an_asset_account_and_the_form_says_so(owner_client, chart):
    data = _form(ItemType.SERVICE, income=chart["income"], expense=chart["expense"], asset=chart["asset"])

    response = owner_client.post(ADD, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["asset_account"] == ["Only inventory and equipment items have an asset account."]
    assert not DefaultAccounts.objects.exists()


def test_a_change_keeps_the_division_and_item_type_and_goes_through_the_service(owner_client, owner, chart):
    defaults = DefaultAccountsFactory(item_type=ItemType.EQUIPMENT, expense_account=chart["cogs"])
    data = _form(ItemType.SERVICE, income=chart["income"], expense=chart["cogs"], asset=chart["asset"])

    with mock.patch("apps.accounting.admin.default_accounts_set", wraps=services.default_accounts_set) as service:
        response = owner_client.post(_change(defaults), data)

    assert response.status_code == 302
    assert service.call_args.kwargs["item_type"] == ItemType.EQUIPMENT  # the row's, not the one posted
    defaults.refresh_from_db()
    assert (defaults.item_type, defaults.income_account, defaults.asset_account) == (
        ItemType.EQUIPMENT,
        chart["income"],
        chart["asset"],
    )
    assert DefaultAccounts.objects.count() == 1


def test_default_accounts_are_cleared_through_the_service_never_deleted(owner_client, chart):
    defaults = DefaultAccountsFactory(item_type=ItemType.SERVICE)
    delete = reverse("admin:accounting_defaultaccounts_delete", args=[defaults.pk])

    assert owner_client.post(delete, {"post": "yes"}).status_code == 403
    cleared = owner_client.post(_change(defaults), _form(ItemType.SERVICE))

    assert cleared.status_code == 302
    defaults.refresh_from_db()
    assert (defaults.income_account, defaults.expense_account) == (None, None)
