"""
Items follow the account mapping on QuickBooks Online: an item already sent follows a new mapping. An item whose
account QuickBooks lacks, mapped or created there, is a shared scenario
(``tests/quickbooks/scenarios/test_accounts.py``).
"""

from apps.accounting.models import AccountType, ItemType
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.services.account_mapping import account_mapping_set
from tests.factories import AccountFactory, ItemFactory
from tests.quickbooks.sync.conftest import configure, remote_create, sync
from tests.quickbooks.sync.test_items import assert_clean, local_account, remote_item


def _chart(company) -> dict[str, SandboxEntity]:
    """QuickBooks' chart: no "Service Income" (the account here that items use) and no "Subcontracted Labor"."""
    return {
        "Services": remote_create(company, "Account", {"Name": "Services", "AccountType": "Income"}),
        "Job Materials": remote_create(company, "Account", {"Name": "Job Materials", "AccountType": "Expense"}),
    }


def _labor(division):
    income = AccountFactory(division=division, name="Service Income", number="4000", account_type=AccountType.INCOME)
    expense = AccountFactory(division=division, name="Subcontracted Labor", account_type=AccountType.COST_OF_GOODS_SOLD)
    ItemFactory(
        division=division, name="Labor hour", item_type=ItemType.SERVICE, income_account=income, expense_account=expense
    )
    return income, expense


def test_an_item_already_sent_follows_a_new_mapping(division, connection, company):
    _chart(company)
    income, expense = _labor(division)
    configure(division, inventory_direction="to_quickbooks")
    sync(division)
    account_mapping_set(division=division, account=income, quickbooks_account=local_account(division, "Services"))
    account_mapping_set(division=division, account=expense, create_in_quickbooks=True)
    assert_clean(sync(division))
    other_income = remote_create(company, "Account", {"Name": "Other Services", "AccountType": "Income"})
    sync(division)  # Reads the new QuickBooks account.

    account_mapping_set(division=division, account=income, quickbooks_account=local_account(division, "Other Services"))
    run = sync(division)

    assert run.entity_counts == {"item": {"updated": 1}}
    assert remote_item(company, "Labor hour").data["IncomeAccountRef"]["value"] == other_income.entity_id
