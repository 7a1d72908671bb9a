"""
The one account FieldOffice writes to QuickBooks Desktop, an account an Owner asked to create there, as qbXML has it;
and no change to an account Desktop has. Creating one through a sync is a shared scenario
(``tests/quickbooks/scenarios/test_accounts.py``).
"""

import pytest

from apps.accounting.models import AccountType
from apps.quickbooks.desktop.mapping.accounts import (
    READ_ONLY,
    TYPES_OUT,
    AccountsAdapter,
    account_add_fields,
    account_type,
)
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write
from apps.quickbooks.sync.records import ACCOUNT, AccountRecord

pytestmark = pytest.mark.django_db


def test_what_an_account_is_created_as():
    inventory = AccountRecord(name="Parts: Stock on the trucks of the north crew", account_type="inventory_asset")
    numbered = AccountRecord(name="Subcontracted Labor", account_type="cost_of_goods_sold", number="5200")

    assert account_add_fields(inventory) == {
        "Name": "Parts - Stock on the trucks of",
        "AccountType": "OtherCurrentAsset",
    }
    assert account_add_fields(numbered) == {
        "Name": "Subcontracted Labor",
        "AccountType": "CostOfGoodsSold",
        "AccountNumber": "5200",
    }
    # Every type here has one in Desktop, read back as the same type (an inventory asset account is the one Desktop
    # marks itself, so one created as an other current asset reads back as such).
    assert set(TYPES_OUT) == set(AccountType.values)
    for local, desktop in TYPES_OUT.items():
        expected = AccountType.OTHER_CURRENT_ASSET if local == AccountType.INVENTORY_ASSET else local
        assert account_type({"AccountType": desktop}) == expected


def test_an_account_desktop_has_is_never_changed():
    change = Write(
        ACCOUNT, UPDATE, AccountRecord(remote_id="80000001-1", version="1", name="Checking", account_type="bank")
    )
    create = Write(ACCOUNT, CREATE, AccountRecord(name="Savings", account_type="bank"))

    planned, refused = AccountsAdapter().plan([(0, change), (1, create)], seen=None)

    assert [request.kind for request in planned] == ["AccountAdd"]
    assert str(refused[0][1]) == READ_ONLY
