"""
The chart of accounts with QuickBooks, the scenarios both backends share, each run once per backend (``side``): pulled
while items sync, matched by number then by name, the one account FieldOffice writes there, one an Owner asked to
create on the account mapping page, and items already sent following a new mapping.

Each QuickBooks starts with a chart of its own (``side.chart_here``: what it arrives as here). What only one backend
does (how each reads or writes an account's type, Desktop refusing any change to its chart) has its own tests
(``tests/quickbooks/test_mapping_items.py``, ``tests/quickbooks/desktop_sync/test_accounts.py``).
"""

import pytest

from apps.accounting.models import Account, AccountType, ItemType
from apps.quickbooks.models import AccountMapping, RecordLink, SyncRunStatus
from apps.quickbooks.services.account_mapping import account_mapping_set
from tests.factories import AccountFactory, ItemFactory
from tests.quickbooks.scenarios.helpers import link_of

pytestmark = pytest.mark.usefixtures("live_server")


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run, **filters) -> list[tuple[str, str, str]]:
    return sorted(run.entries.filter(**filters).values_list("entity", "action", "record_label"))


def accounts_here(division) -> dict[str, tuple[str, str]]:
    return {
        account.name: (account.account_type, account.number) for account in Account.objects.filter(division=division)
    }


def test_the_chart_of_accounts_is_pulled_and_matched_by_number_then_name(side, division):
    side.chart_add()
    income = side.accounts["income"]
    _, income_number = side.chart_here[income]
    by_number = AccountFactory(
        division=division, name="Parts Sales", number=income_number, account_type=AccountType.INCOME
    )
    by_name = AccountFactory(division=division, name="job materials", number="6000", account_type=AccountType.EXPENSE)
    checking = AccountFactory(division=division, name="checking", number="", account_type=AccountType.BANK)
    side.configure("off", lists=False, inventory="to_local")

    run = side.sync()

    assert_clean(run)
    by_number.refresh_from_db()
    by_name.refresh_from_db()
    checking.refresh_from_db()
    assert (by_number.name, by_number.number) == (income, income_number)
    # QuickBooks' number, or the one here where QuickBooks has none.
    assert (by_name.name, by_name.number) == ("Job Materials", side.chart_here["Job Materials"][1] or "6000")
    assert (checking.name, checking.number, checking.account_type) == ("Checking", "", AccountType.BANK)
    expected = {**side.chart_here, "Job Materials": (AccountType.EXPENSE, by_name.number)}
    assert accounts_here(division) == expected  # Each account of QuickBooks' chart once, of its type.
    assert not side.chart_left_out & set(accounts_here(division))  # Non-posting accounts.
    linked = {income, "Job Materials", "Checking"}
    assert entries(run, entity="account") == sorted(
        ("account", "linked" if name in linked else "created", name) for name in side.chart_here
    )
    links = RecordLink.objects.filter(division=division, entity_type="Account").exclude(qbo_id="")
    assert links.count() == Account.objects.filter(division=division).count() == len(side.chart_here)
    assert side.chart_read_first()  # With the other reads: it costs no request of its own.

    side.account_change("Checking", new_name="Operating Checking", active=False)
    run = side.sync()

    assert_clean(run)
    assert entries(run, entity="account") == [("account", "deactivated", "Operating Checking")]
    checking.refresh_from_db()
    assert (checking.name, checking.active) == ("Operating Checking", False)


def labor_hour(division) -> tuple[Account, Account]:
    """A service item whose income and cost accounts QuickBooks' chart lacks; returns those accounts."""
    income = AccountFactory(division=division, name="Labor Income", number="4900", account_type=AccountType.INCOME)
    labor = AccountFactory(division=division, name="Subcontracted Labor", account_type=AccountType.COST_OF_GOODS_SOLD)
    ItemFactory(
        division=division, name="Labor hour", item_type=ItemType.SERVICE, income_account=income, expense_account=labor
    )
    return income, labor


def test_an_item_whose_accounts_quickbooks_lacks_fails_until_one_is_mapped_and_one_created_there(side, division):
    side.chart_add()
    # Neither account is in QuickBooks' chart: one is mapped to an account there, the other created there.
    income, labor = labor_hour(division)
    side.configure("off", lists=False, inventory="to_quickbooks")

    failed = side.sync()  # Reads QuickBooks' chart; the item cannot go.

    assert failed.status == SyncRunStatus.PARTIAL
    (entry,) = failed.entries.filter(action="failed")
    assert entry.record_label == "Labor hour"
    assert "its income account 4900 · Labor Income is not in QuickBooks' chart of accounts" in entry.message
    assert "Map accounts on the QuickBooks page" in entry.message
    assert side.items_there() == []

    mapped = Account.objects.get(division=division, name=side.accounts["service income"])
    account_mapping_set(division=division, account=income, quickbooks_account=mapped)
    account_mapping_set(division=division, account=labor, create_in_quickbooks=True)
    preview = side.preview()

    assert preview.entity_counts == {"account": {"created": 1}, "item": {"created": 1}}
    assert AccountMapping.objects.filter(account=labor, create_in_quickbooks=True).exists()
    assert side.account_there("Subcontracted Labor") is None  # Nothing written by the preview.

    run = side.sync()

    assert_clean(run)
    assert run.entity_counts == {"account": {"created": 1}, "item": {"created": 1}}
    assert side.created == {"account": 1, "item": 1}
    created = side.account_there("Subcontracted Labor")
    assert created["type"] == "CostOfGoodsSold"
    assert link_of(labor).qbo_id == created["id"]
    assert not AccountMapping.objects.filter(account=labor).exists()  # Linked now: nothing left to map.
    there = side.item_there("Labor hour")
    assert (there["income"], there["expense"]) == (side.accounts["service income"], "Subcontracted Labor")

    again = side.sync()

    assert_clean(again)
    assert again.entries.count() == 0 and not side.written


def test_an_item_already_sent_follows_a_new_mapping(side, division):
    side.chart_add()
    income, labor = labor_hour(division)
    side.configure("off", lists=False, inventory="to_quickbooks")
    side.sync()  # Reads QuickBooks' chart; the item cannot go.
    service_income = Account.objects.get(division=division, name=side.accounts["service income"])
    account_mapping_set(division=division, account=income, quickbooks_account=service_income)
    account_mapping_set(division=division, account=labor, create_in_quickbooks=True)
    assert_clean(side.sync())
    assert side.item_there("Labor hour")["income"] == side.accounts["service income"]
    side.income_account_add("Other Services")
    assert_clean(side.sync())  # Reads the new account.

    other_services = Account.objects.get(division=division, name="Other Services")
    account_mapping_set(division=division, account=income, quickbooks_account=other_services)
    run = side.sync()

    assert_clean(run)
    assert run.entity_counts == {"item": {"updated": 1}}
    assert side.written == {"item": 1}  # The item sent again, nothing else.
    there = side.item_there("Labor hour")
    assert (there["income"], there["expense"]) == ("Other Services", "Subcontracted Labor")
