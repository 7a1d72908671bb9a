"""
"Change default accounts" on the QuickBooks page (who may use it, what it offers, validation, saving), and the note
the items admin shows while items come from QuickBooks. Nothing here talks to QuickBooks.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape

from apps.accounting.models import Account, AccountType, DefaultAccounts, ItemType
from apps.core.selectors import division_get_default
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, RecordLink
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.factories import AccountFactory, DivisionFactory, ItemFactory


@pytest.fixture
def division(db):
    return division_get_default()


@pytest.fixture
def chart(division) -> dict[str, Account]:
    accounts = {
        "sales": AccountFactory(division=division, name="Sales", number="4000", account_type=AccountType.INCOME),
        "services": AccountFactory(division=division, name="Service Income", number="4010"),
        "cogs": AccountFactory(
            division=division, name="Cost of Parts", number="5000", account_type=AccountType.COST_OF_GOODS_SOLD
        ),
        "materials": AccountFactory(
            division=division, name="Materials", number="6000", account_type=AccountType.EXPENSE
        ),
        "stock": AccountFactory(
            division=division, name="Stock", number="1300", account_type=AccountType.INVENTORY_ASSET
        ),
        "old": AccountFactory(division=division, name="Old Sales", number="4900", active=False),
    }
    content_type = ContentType.objects.get_for_model(Account)
    for number, key in enumerate(("sales", "cogs", "materials", "stock"), start=1):
        RecordLink.objects.create(
            division=division,
            content_type=content_type,
            object_id=accounts[key].pk,
            entity_type="Account",
            qbo_id=str(number),
        )
    return accounts


def _url(division) -> str:
    return reverse("admin:quickbooks_integration_default_accounts", args=[division.pk])


def _all(chart, **changes) -> dict[str, str]:
    """A complete, valid submission: every type gets sales (or services) and its expense and asset accounts."""
    data = {
        "inventory-income_account": chart["sales"].pk,
        "inventory-expense_account": chart["cogs"].pk,
        "inventory-asset_account": chart["stock"].pk,
        "equipment-income_account": chart["sales"].pk,
        "equipment-expense_account": chart["cogs"].pk,
        "equipment-asset_account": chart["stock"].pk,
        "non_inventory-income_account": chart["sales"].pk,
        "non_inventory-expense_account": chart["materials"].pk,
        "service-income_account": chart["services"].pk,
        "service-expense_account": chart["materials"].pk,
    }
    data.update(changes)
    return {key: "" if value is None else str(value) for key, value in data.items()}


# Who may use it.


def test_owners_open_it_from_the_quickbooks_page(owner_client, division, chart):
    page = owner_client.get(reverse("admin:quickbooks_integration_change", args=[division.pk])).content.decode()
    assert 'id="qbo-default-accounts"' in page and _url(division) in page

    response = owner_client.get(_url(division))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Change default accounts: Main" in html and "default_accounts.js" in html
    assert html.count("data-account-search=") == 10  # Income and expense for 4 types, asset for 2.


@pytest.mark.parametrize("client_name", ["office_client", "read_only_client"])
def test_office_and_read_only_users_may_not(request, division, chart, client_name):
    client = request.getfixturevalue(client_name)

    assert client.get(_url(division)).status_code == 403
    assert client.post(_url(division), _all(chart)).status_code == 403
    assert not DefaultAccounts.objects.exists()
    page = client.get(reverse("admin:quickbooks_integration_change", args=[division.pk])).content.decode()
    assert 'id="qbo-default-accounts"' not in page


def test_signed_out_visitors_are_sent_to_sign_in(client, division):
    response = client.get(_url(division))
    assert response.status_code == 302 and "login" in response["Location"]


# What it offers.


def test_each_list_offers_the_active_accounts_of_the_types_its_role_takes(owner_client, division, chart):
    form = owner_client.get(_url(division)).context["form"]

    def offered(name: str) -> set[str]:
        return {label for value, label in form.fields[name].widget.choices if value}

    assert offered("service-income_account") == {"4000 · Sales", "4010 · Service Income (not in QuickBooks)"}
    assert offered("service-expense_account") == {"5000 · Cost of Parts", "6000 · Materials"}
    assert offered("inventory-expense_account") == {"5000 · Cost of Parts"}  # Stocked items: cost of goods sold.
    assert offered("equipment-asset_account") == {"1300 · Stock"}
    assert "service-asset_account" not in form.fields


def test_the_current_defaults_are_shown_even_if_their_account_was_made_inactive(owner_client, division, chart):
    DefaultAccounts.objects.create(division=division, item_type=ItemType.SERVICE, income_account=chart["old"])

    form = owner_client.get(_url(division)).context["form"]

    assert form["service-income_account"].value() == chart["old"].pk
    labels = {label for _, label in form.fields["service-income_account"].widget.choices}
    assert "4900 · Old Sales (not in QuickBooks)" in labels


# Saving.


def test_saving_sets_the_accounts_of_every_type(owner_client, division, chart):
    response = owner_client.post(_url(division), _all(chart), follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:quickbooks_integration_change", args=[division.pk])
    assert "The default accounts of Main have been saved." in response.content.decode()
    rows = {row.item_type: row for row in DefaultAccounts.objects.filter(division=division)}
    assert set(rows) == set(ItemType.values)
    assert (rows["equipment"].income_account, rows["equipment"].asset_account) == (chart["sales"], chart["stock"])
    assert (rows["service"].income_account, rows["service"].expense_account) == (chart["services"], chart["materials"])
    assert rows["service"].asset_account is None


def test_types_left_empty_or_unchanged_are_not_written(owner_client, division, chart):
    kept = DefaultAccounts.objects.create(
        division=division, item_type=ItemType.SERVICE, income_account=chart["services"]
    )
    stamp = kept.updated_at
    data = {key: "" for key in _all(chart)}
    data["service-income_account"] = str(chart["services"].pk)
    data["non_inventory-income_account"] = str(chart["sales"].pk)

    assert owner_client.post(_url(division), data).status_code == 302

    kept.refresh_from_db()
    assert kept.updated_at == stamp
    assert set(DefaultAccounts.objects.values_list("item_type", flat=True)) == {"service", "non_inventory"}


@pytest.mark.parametrize(
    ("field", "account", "message"),
    [
        ("service-income_account", "materials", "the income account must be income or other income"),
        ("inventory-expense_account", "materials", "the expense account must be cost of goods sold"),
        ("equipment-asset_account", "sales", "the asset account must be inventory asset or other current asset"),
    ],
)
def test_an_account_of_the_wrong_type_is_refused_with_the_reason(
    owner_client, division, chart, field, account, message
):
    response = owner_client.post(_url(division), _all(chart, **{field: chart[account].pk}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not DefaultAccounts.objects.exists()  # Nothing is saved while one type is refused.


def test_another_divisions_account_is_refused(owner_client, division, chart):
    elsewhere = AccountFactory(division=DivisionFactory(), name="Elsewhere", account_type=AccountType.INCOME)

    response = owner_client.post(_url(division), _all(chart, **{"service-income_account": elsewhere.pk}))

    assert response.status_code == 200 and "service-income_account" in response.context["form"].errors
    assert not DefaultAccounts.objects.exists()


def test_a_division_without_accounts_is_told_where_they_come_from(owner_client, division):
    html = owner_client.get(_url(division)).content.decode()
    assert 'id="qbo-no-accounts"' in html and "comes from QuickBooks" in html


# The note on the items admin.


def _linked(division, *, inventory_direction: str, status: str = ConnectionStatus.CONNECTED) -> None:
    QuickBooksConnection.objects.create(division=division, realm_id="4620816365", company_name="Books", status=status)
    sync_settings_update(division=division, inventory_direction=inventory_direction)


NOTE = (
    "Items of Main come from QuickBooks: edit them in QuickBooks. Changes made here are not sent to QuickBooks, and "
    "QuickBooks' next change of the record replaces them; the taxable box here does not change QuickBooks' tax "
    "setting."
)


def test_the_items_admin_says_edits_stay_here_while_items_come_from_quickbooks(owner_client, division):
    _linked(division, inventory_direction="to_local")
    item = ItemFactory(division=division)

    listing = owner_client.get(reverse("admin:catalog_item_changelist")).content.decode()
    form = owner_client.get(reverse("admin:catalog_item_change", args=[item.pk]))

    assert escape(NOTE) in listing
    assert escape(NOTE) in form.content.decode()
    assert 'name="taxable"' in form.content.decode()  # Informational only: the item stays editable.


@pytest.mark.parametrize(
    ("direction", "status"),
    [
        ("to_quickbooks", ConnectionStatus.CONNECTED),
        ("off", ConnectionStatus.CONNECTED),
        ("to_local", ConnectionStatus.DISCONNECTED),
    ],
)
def test_no_note_otherwise(owner_client, division, direction, status):
    _linked(division, inventory_direction=direction, status=status)
    item = ItemFactory(division=division)

    assert (
        "Items of Main come from QuickBooks"
        not in owner_client.get(reverse("admin:catalog_item_changelist")).content.decode()
    )
    assert (
        "come from QuickBooks"
        not in owner_client.get(reverse("admin:catalog_item_change", args=[item.pk])).content.decode()
    )
