"""
The account mapping, without QuickBooks: which accounts it lists and offers, what the service accepts, and the page.
Links stand for QuickBooks' chart as a sync leaves it (every account QuickBooks has is linked).
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounting.models import Account, AccountType, ItemType
from apps.accounting.services import default_accounts_set
from apps.quickbooks.models import AccountMapping, RecordLink
from apps.quickbooks.selectors import account_map
from apps.quickbooks.services.account_mapping import account_mapping_set
from tests.factories import AccountFactory, DivisionFactory, ItemFactory, UserFactory


def _in_quickbooks(account: Account, qbo_id: str) -> Account:
    RecordLink.objects.create(
        division=account.division,
        content_type=ContentType.objects.get_for_model(Account),
        object_id=account.pk,
        entity_type="Account",
        qbo_id=qbo_id,
    )
    return account


@pytest.fixture
def chart(division):
    """QuickBooks has Services, Other Income, Job Materials, COGS; Service Income and Subcontracted Labor are ours."""
    accounts = {
        "Services": _in_quickbooks(
            AccountFactory(division=division, name="Services", number="4010", account_type="income"), "1"
        ),
        "Finance": _in_quickbooks(
            AccountFactory(
                division=division, name="Other Income", number="4900", account_type=AccountType.OTHER_INCOME
            ),
            "2",
        ),
        "Materials": _in_quickbooks(
            AccountFactory(division=division, name="Job Materials", number="6000", account_type="expense"), "3"
        ),
        "COGS": _in_quickbooks(
            AccountFactory(
                division=division, name="Cost of Goods Sold", number="5000", account_type=AccountType.COST_OF_GOODS_SOLD
            ),
            "4",
        ),
        "Closed": _in_quickbooks(
            AccountFactory(division=division, name="Old Sales", number="4090", account_type="income", active=False), "5"
        ),
        "Service Income": AccountFactory(
            division=division, name="Service Income", number="4000", account_type="income"
        ),
        "Labor": AccountFactory(
            division=division, name="Subcontracted Labor", number="5200", account_type=AccountType.COST_OF_GOODS_SOLD
        ),
        "Unused": AccountFactory(division=division, name="Petty Cash", number="1010", account_type=AccountType.BANK),
        "Retired": AccountFactory(
            division=division, name="Retired Sales", number="4080", account_type="income", active=False
        ),
    }
    ItemFactory(
        division=division, name="Labor hour", item_type=ItemType.SERVICE, income_account=accounts["Service Income"]
    )
    ItemFactory(
        division=division, name="Tune-up", item_type=ItemType.SERVICE, income_account=accounts["Service Income"]
    )
    default_accounts_set(
        division=division,
        item_type=ItemType.SERVICE,
        accounts={"income_account": accounts["Service Income"], "expense_account": accounts["Labor"]},
    )
    return accounts


def test_it_lists_the_accounts_quickbooks_lacks_with_what_may_stand_for_each(division, chart):
    mapping = account_map(division=division)

    assert mapping.chart_read
    rows = {row.account.name: row for row in mapping.accounts}
    assert sorted(rows) == ["Petty Cash", "Service Income", "Subcontracted Labor"]  # not the inactive, unused one
    assert (rows["Service Income"].items, rows["Service Income"].defaults) == (2, 1)
    assert [account.name for account in rows["Service Income"].choices] == ["Services", "Other Income"]
    assert [account.name for account in rows["Subcontracted Labor"].choices] == ["Cost of Goods Sold"]
    assert rows["Petty Cash"].choices == []


def test_before_a_sync_read_the_chart_it_says_so(division):
    AccountFactory(division=division, name="Service Income", account_type="income")

    assert not account_map(division=division).chart_read


def test_an_account_is_mapped_to_one_of_quickbooks_of_the_same_kind_or_created_there(division, chart):
    mapped = account_mapping_set(
        division=division, account=chart["Service Income"], quickbooks_account=chart["Finance"]
    )
    created = account_mapping_set(division=division, account=chart["Labor"], create_in_quickbooks=True)

    assert (mapped.quickbooks_account, mapped.create_in_quickbooks) == (chart["Finance"], False)
    assert (created.quickbooks_account, created.create_in_quickbooks) == (None, True)
    assert account_mapping_set(division=division, account=chart["Labor"]) is None
    assert list(AccountMapping.objects.values_list("account__name", flat=True)) == ["Service Income"]


@pytest.mark.parametrize(
    ("account", "target", "reason"),
    [
        (
            "Service Income",
            "Materials",
            "6000 · Job Materials (expense) cannot stand for 4000 · Service Income: choose a "
            "QuickBooks account of the same kind (income or other income).",
        ),
        ("Labor", "Materials", "of the same kind (cost of goods sold)"),
        ("Service Income", "Closed", "4090 · Old Sales is inactive in QuickBooks"),
        ("Service Income", "Labor", "5200 · Subcontracted Labor is not in QuickBooks either"),
        ("Services", "Finance", "QuickBooks has 4010 · Services already"),
    ],
)
def test_what_may_not_stand_for_an_account_is_refused_in_plain_words(division, chart, account, target, reason):
    with pytest.raises(ValidationError) as refused:
        account_mapping_set(division=division, account=chart[account], quickbooks_account=chart[target])

    assert reason in " ".join(refused.value.messages)
    assert not AccountMapping.objects.exists()


def test_another_divisions_account_is_refused(division, chart):
    other = AccountFactory(division=DivisionFactory(), name="Service Income", account_type="income")

    with pytest.raises(ValidationError, match="belongs to another division"):
        account_mapping_set(division=division, account=other, create_in_quickbooks=True)
    with pytest.raises(ValidationError, match="belongs to another division"):
        account_mapping_set(
            division=division,
            account=chart["Service Income"],
            quickbooks_account=_in_quickbooks(
                AccountFactory(division=other.division, name="Theirs", account_type="income"), "9"
            ),
        )


def test_only_an_owner_maps_accounts(division, chart):
    office = UserFactory(roles=["Office"])

    with pytest.raises(PermissionDenied):
        account_mapping_set(division=division, account=chart["Labor"], create_in_quickbooks=True, user=office)
    owner = UserFactory(roles=["Owner"])
    assert account_mapping_set(division=division, account=chart["Labor"], create_in_quickbooks=True, user=owner)


# The page.


def _url(division) -> str:
    return reverse("admin:quickbooks_integration_account_mapping", args=[division.pk])


def test_the_page_lists_each_account_with_a_searchable_choice(owner_client, division, chart):
    page = owner_client.get(_url(division)).content.decode()

    assert "Map accounts: " in page
    field = f"account-{chart['Service Income'].pk}"
    select = re.search(rf'<select name="{field}".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "Not mapped: items using it are not sent"),
        ("create", "Create it in QuickBooks"),
        (str(chart["Services"].pk), "4010 · Services"),
        (str(chart["Finance"].pk), "4900 · Other Income"),
    ]
    assert f'data-account-search="id_{field}"' in page
    assert "2 items, default for 1 item type" in page


def test_saving_the_page_maps_and_creates(owner_client, division, chart):
    response = owner_client.post(
        _url(division),
        {f"account-{chart['Service Income'].pk}": str(chart["Services"].pk), f"account-{chart['Labor'].pk}": "create"},
    )

    assert response.status_code == 302
    rows = dict(AccountMapping.objects.values_list("account__name", "quickbooks_account__name"))
    assert rows == {"Service Income": "Services", "Subcontracted Labor": None}


def test_a_forged_choice_gets_the_plain_reason_and_nothing_is_saved(owner_client, division, chart):
    response = owner_client.post(
        _url(division),
        {
            f"account-{chart['Labor'].pk}": "create",
            f"account-{chart['Service Income'].pk}": str(chart["Materials"].pk),
        },
    )

    assert response.status_code == 200
    assert "cannot stand for 4000 · Service Income" in response.content.decode()
    assert not AccountMapping.objects.exists()


def test_office_may_not_map_accounts(office_client, division, chart):
    assert office_client.get(_url(division)).status_code == 403
    assert office_client.post(_url(division), {f"account-{chart['Labor'].pk}": "create"}).status_code == 403


def test_the_integration_page_leads_there(owner_client, division):
    page = owner_client.get(reverse("admin:quickbooks_integration_change", args=[division.pk])).content.decode()

    assert f'href="{_url(division)}"' in page and "Map accounts" in page
