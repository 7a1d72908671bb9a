from decimal import Decimal

import pytest
from django.db import IntegrityError

from apps.accounting.models import AccountType, DefaultAccounts, ItemType
from tests.factories import AccountFactory, DefaultAccountsFactory, DivisionFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


def test_default_accounts_are_one_set_per_item_type_and_division():
    DefaultAccountsFactory(item_type=ItemType.SERVICE)
    DefaultAccountsFactory(item_type=ItemType.SERVICE, division=DivisionFactory())
    with pytest.raises(IntegrityError):
        DefaultAccountsFactory(item_type=ItemType.SERVICE)


@pytest.mark.parametrize(
    ("item_type", "allowed"),
    [
        (ItemType.INVENTORY, True),
        (ItemType.EQUIPMENT, True),
        (ItemType.SERVICE, False),
        (ItemType.NON_INVENTORY, False),
    ],
)
def test_only_inventory_and_equipment_defaults_have_an_asset_account(item_type, allowed):
    asset = AccountFactory(account_type=AccountType.INVENTORY_ASSET)
    if allowed:
        assert DefaultAccountsFactory(item_type=item_type, asset_account=asset).asset_account == asset
    else:
        with pytest.raises(IntegrityError):
            DefaultAccountsFactory(item_type=item_type, asset_account=asset)


def test_default_accounts_from_another_division_are_refused():
    defaults = DefaultAccounts(division=DivisionFactory(), item_type=ItemType.SERVICE, income_account=AccountFactory())
    with pytest.raises(Exception, match="another division"):
        defaults.clean()


@pytest.mark.parametrize("percent", ["-0.0001", "100.0001"])
def test_tax_rate_percent_is_between_0_and_100(percent):
    with pytest.raises(IntegrityError):
        TaxRateFactory(percent=Decimal(percent))


def test_tax_rate_label_shows_the_percent_without_trailing_zeros():
    assert str(TaxRateFactory(name="Minneapolis", percent=Decimal("8.0250"))) == "Minneapolis (8.025 %)"
