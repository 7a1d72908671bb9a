"""Items follow the account mapping: an account QuickBooks does not have is sent as the one mapped, or created there."""

from apps.accounting.models import AccountType, ItemType
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import AccountMapping, RecordLink, SyncRunStatus, SyncTrigger
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


def test_an_item_whose_account_quickbooks_lacks_fails_and_says_to_map_it(division, connection, company):
    _chart(company)
    _labor(division)
    configure(division, inventory_direction="to_quickbooks")

    run = sync(division)

    assert run.status == SyncRunStatus.PARTIAL
    (failed,) = run.entries.filter(action="failed")
    assert failed.record_label == "Labor hour"
    assert "its income account 4000 · Service Income is not in QuickBooks' chart of accounts" in failed.message
    assert "Map accounts on the QuickBooks page" in failed.message


def test_items_follow_the_map_and_an_account_to_create_is_created_in_quickbooks(division, connection, company):
    chart = _chart(company)
    income, expense = _labor(division)
    configure(division, inventory_direction="to_quickbooks")
    sync(division)  # Reads QuickBooks' chart; the item fails as above.
    account_mapping_set(division=division, account=income, quickbooks_account=local_account(division, "Services"))
    account_mapping_set(division=division, account=expense, create_in_quickbooks=True)

    preview = sync(division, SyncTrigger.PREVIEW)
    assert not SandboxEntity.objects.filter(company=company, data__Name="Subcontracted Labor").exists()
    assert AccountMapping.objects.filter(account=expense, create_in_quickbooks=True).exists()
    run = sync(division)

    assert_clean(run)
    assert preview.entity_counts == run.entity_counts == {"account": {"created": 1}, "item": {"created": 1}}
    created = SandboxEntity.objects.get(company=company, entity_type="Account", data__Name="Subcontracted Labor")
    assert created.data["AccountType"] == "Cost of Goods Sold"
    item = remote_item(company, "Labor hour")
    assert item.data["IncomeAccountRef"]["value"] == chart["Services"].entity_id
    assert item.data["ExpenseAccountRef"]["value"] == created.entity_id
    assert RecordLink.objects.get(division=division, entity_type="Account", object_id=expense.pk).qbo_id == (
        created.entity_id
    )
    assert not AccountMapping.objects.filter(account=expense).exists()  # Linked now: nothing left to map.
    assert sync(division).entries.count() == 0


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
