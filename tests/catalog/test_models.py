from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apps.accounting.models import AccountType, ItemType
from tests.factories import AccountFactory, DivisionFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("item_type", "stocked"),
    [
        (ItemType.INVENTORY, True),
        (ItemType.EQUIPMENT, True),
        (ItemType.SERVICE, False),
        (ItemType.NON_INVENTORY, False),
    ],
)
def test_stocked_item_types(item_type, stocked):
    assert ItemFactory(item_type=item_type).is_stocked is stocked


def test_only_stocked_items_have_an_asset_account_or_quantity():
    asset = AccountFactory(account_type=AccountType.INVENTORY_ASSET)
    with pytest.raises(ValidationError, match="asset account"):
        ItemFactory.build(item_type=ItemType.SERVICE, asset_account=asset).clean()
    with pytest.raises(ValidationError, match="quantity on hand"):
        ItemFactory.build(item_type=ItemType.NON_INVENTORY, quantity_on_hand=Decimal("3")).clean()
    ItemFactory.build(item_type=ItemType.EQUIPMENT, asset_account=asset, quantity_on_hand=Decimal("2")).clean()


def test_account_of_another_division_is_refused():
    item = ItemFactory.build(income_account=AccountFactory(division=DivisionFactory()))
    item.division_id = AccountFactory().division_id
    with pytest.raises(ValidationError, match="another division"):
        item.clean()


def test_item_names_are_unique_per_division_ignoring_case():
    ItemFactory(name="Service call")
    with pytest.raises(IntegrityError):
        ItemFactory(name="SERVICE CALL")


def test_negative_prices_are_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ItemFactory(sales_price=Decimal("-1.00"))
