"""
Items saved many at once (a pull from QuickBooks) are checked by the rules one item saved alone follows, with the
same errors as Django's ``full_clean()`` (the reference here), and the items that pass are written in a few queries.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounting.models import AccountType, ItemType
from apps.catalog.models import Item
from apps.catalog.services import item_create, items_bulk_upsert
from apps.core.upserts import Upsert
from tests.factories import AccountFactory, DivisionFactory, ItemFactory

pytestmark = pytest.mark.django_db


def _reference_error(item: Item) -> ValidationError | None:
    try:
        item.full_clean()
    except ValidationError as error:
        return error
    return None


def _described(error: ValidationError | None):
    return None if error is None else (error.message_dict, error.messages)


def _cases(division) -> list[dict]:
    other = DivisionFactory()
    ItemFactory(division=division, name="Filter kit")
    income = AccountFactory(division=division, account_type=AccountType.INCOME)
    foreign = AccountFactory(division=other, account_type=AccountType.INCOME)
    asset = AccountFactory(division=division, account_type=AccountType.INVENTORY_ASSET)
    service = {"division": division, "item_type": ItemType.SERVICE}
    return [
        {**service, "name": "Labor", "income_account": income},
        {**service, "name": "FILTER KIT"},
        {**service, "name": "Refund", "sales_price": Decimal("-1.00")},
        {**service, "name": "Far", "income_account": foreign},
        {**service, "name": "Stocked", "asset_account": asset},
        {**service, "name": "Counted", "quantity_on_hand": Decimal(3)},
        {**service, "name": "x" * 201},
        {**service, "name": ""},
        {"division": other, "item_type": ItemType.SERVICE, "name": "Filter kit"},
        {"division": division, "item_type": ItemType.INVENTORY, "name": "Furnace", "asset_account": asset},
    ]


def test_a_bulk_item_fails_with_the_errors_full_clean_gives():
    division = DivisionFactory()
    cases = _cases(division)
    expected = [_described(_reference_error(Item(**fields))) for fields in cases]
    assert any(expected) and not all(expected)

    results = items_bulk_upsert(rows=[Upsert(record=None, fields=fields) for fields in cases])

    assert [_described(result) if isinstance(result, ValidationError) else None for result in results] == expected
    saved = [result for result in results if isinstance(result, Item)]
    assert {item.name for item in Item.objects.filter(pk__in=[item.pk for item in saved])} == {
        "Labor",
        "Filter kit",
        "Furnace",
    }


def test_one_item_saved_alone_fails_with_the_same_errors():
    division = DivisionFactory()
    for fields in _cases(division):
        expected = _described(_reference_error(Item(**fields)))
        try:
            item_create(**fields)
        except ValidationError as error:
            assert _described(error) == expected
        else:
            assert expected is None


def test_a_later_item_of_the_batch_cannot_take_a_name_an_earlier_one_took_but_may_take_one_given_up():
    division = DivisionFactory()
    old = ItemFactory(division=division, name="Old name")

    results = items_bulk_upsert(
        rows=[
            Upsert(record=None, fields={"division": division, "item_type": ItemType.SERVICE, "name": "Twin"}),
            Upsert(record=None, fields={"division": division, "item_type": ItemType.SERVICE, "name": "TWIN"}),
            Upsert(record=old, fields={"name": "New name"}),
            Upsert(record=None, fields={"division": division, "item_type": ItemType.SERVICE, "name": "old name"}),
        ]
    )

    assert isinstance(results[0], Item) and isinstance(results[2], Item) and isinstance(results[3], Item)
    assert results[1].messages == ["Another item of this division has this name."]
    assert set(Item.objects.filter(division=division).values_list("name", flat=True)) == {
        "New name",
        "old name",
        "Twin",
    }


def test_bulk_items_cost_a_few_queries_whatever_their_number():
    division = DivisionFactory()
    income = AccountFactory(division=division, account_type=AccountType.INCOME)
    rows = [
        Upsert(
            record=None,
            fields={"division": division, "item_type": ItemType.SERVICE, "name": f"Item {n}", "income_account": income},
        )
        for n in range(300)
    ]

    with CaptureQueriesContext(connection) as queries:
        results = items_bulk_upsert(rows=rows)

    assert all(isinstance(result, Item) and result.pk for result in results)
    # Savepoint, relations, names taken, and the inserts (SQLite takes 999 values a statement).
    assert len(queries) <= 40
