"""
The lists' resources import their own rows on django-import-export's workflow (``apps.core.importing``), without the
Import from Excel page: a row's record found by name in the division, empty cells left alone, the model's rules
checked, the domain's services writing, a dry run writing nothing.
"""

from decimal import Decimal

import pytest
import tablib
from import_export.results import RowResult

from apps.accounting.models import AccountType, TaxRate
from apps.accounting.resources import TaxRateResource
from apps.catalog.models import Item
from apps.catalog.resources import ItemResource
from apps.core.selectors import division_get_default
from tests.factories import AccountFactory, DivisionFactory, ItemFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


def rows(resource_class, *values: dict) -> tablib.Dataset:
    """A dataset of ``values`` (column key → value) under the resource's headers."""
    dataset = tablib.Dataset(headers=[column.header for column in resource_class.columns])
    for row in values:
        dataset.append([row.get(column.key) for column in resource_class.columns])
    return dataset


def outcomes(result) -> list[str]:
    return [row.import_type for row in result.rows]


def test_rows_create_update_by_name_whatever_its_case_and_leave_the_rest_alone():
    division = division_get_default()
    TaxRateFactory(division=division, name="Minneapolis", percent=Decimal("7.875"), agency="MN Revenue")
    TaxRateFactory(division=division, name="Exempt", percent=Decimal("0"))
    TaxRateFactory(division=DivisionFactory(), name="Elsewhere", percent=Decimal("5"))
    resource = TaxRateResource(division=division)

    result = resource.import_data(
        rows(
            TaxRateResource,
            {"name": "  minneapolis ", "percent": Decimal("8")},
            {"name": "Exempt", "percent": Decimal("0")},
            {"name": "Elsewhere", "percent": Decimal("6")},
        )
    )

    assert outcomes(result) == [RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP, RowResult.IMPORT_TYPE_NEW]
    rate = TaxRate.objects.get(division=division, name="Minneapolis")
    # The stored spelling stays, and an empty cell keeps its value.
    assert (rate.percent, rate.agency) == (Decimal("8.0000"), "MN Revenue")
    assert TaxRate.objects.get(division=division, name="Elsewhere").percent == Decimal("6.0000")
    assert TaxRate.objects.exclude(division=division).get(name="Elsewhere").percent == Decimal("5.0000")


def test_a_dry_run_writes_nothing_and_reports_what_the_import_would_do():
    division = division_get_default()
    TaxRateFactory(division=division, name="Minneapolis", percent=Decimal("7.875"))

    resource = TaxRateResource(division=division)

    result = resource.import_data(
        rows(TaxRateResource, {"name": "Minneapolis", "percent": Decimal("8")}, {"name": "St Paul", "percent": 7}),
        dry_run=True,
    )

    assert outcomes(result) == [RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_NEW]
    updated = result.rows[0].instance
    assert (resource.original_of(updated).percent, updated.percent) == (Decimal("7.8750"), Decimal("8"))
    assert list(TaxRate.objects.values_list("name", "percent")) == [("Minneapolis", Decimal("7.8750"))]


def test_a_row_the_models_rules_refuse_is_invalid_on_its_field_and_the_others_go_in():
    division = division_get_default()

    result = TaxRateResource(division=division).import_data(
        rows(TaxRateResource, {"name": "Too much", "percent": Decimal("150")}, {"name": "Fine", "percent": 5})
    )

    assert outcomes(result) == [RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_NEW]
    assert result.rows[0].validation_error.message_dict == {
        "percent": ["Ensure this value is less than or equal to 100."]
    }
    assert list(TaxRate.objects.values_list("name", flat=True)) == ["Fine"]


def test_an_items_accounts_are_found_by_name_each_of_its_kind_and_a_new_item_is_a_service():
    division = division_get_default()
    income = AccountFactory(division=division, name="Service Income", account_type=AccountType.INCOME)
    AccountFactory(division=division, name="Job Materials", account_type=AccountType.COST_OF_GOODS_SOLD)
    ItemFactory(division=division, name="Filter", income_account=None)

    result = ItemResource(division=division).import_data(
        rows(
            ItemResource,
            {"name": "Filter", "income_account": "service income"},
            {"name": "Labor", "income_account": "Job Materials"},
            {"name": "Trip charge", "sales_price": Decimal("45")},
        )
    )

    assert outcomes(result) == [
        RowResult.IMPORT_TYPE_UPDATE,
        RowResult.IMPORT_TYPE_INVALID,
        RowResult.IMPORT_TYPE_NEW,
    ]
    assert result.rows[1].validation_error.message_dict == {
        "income_account": ["“Job Materials” is not an income account."]
    }
    assert Item.objects.get(name="Filter").income_account == income
    trip = Item.objects.get(name="Trip charge")
    assert (trip.item_type, trip.sales_price) == ("service", Decimal("45.00"))


def test_the_resource_types_the_cells_with_its_columns_widgets():
    division = division_get_default()
    resource = TaxRateResource(division=division)

    result = resource.import_data(
        rows(
            TaxRateResource,
            {"name": "Minneapolis", "percent": " 7.875 "},
            {"name": "Typo", "percent": "seven"},
            {"name": None, "percent": 5},
        ),
        dry_run=True,
    )

    assert outcomes(result) == [
        RowResult.IMPORT_TYPE_NEW,
        RowResult.IMPORT_TYPE_INVALID,
        RowResult.IMPORT_TYPE_INVALID,
    ]
    assert result.rows[0].instance.percent == Decimal("7.875")
    assert result.rows[1].validation_error.message_dict == {"percent": ["“seven” is not a number."]}
    assert result.rows[2].validation_error.message_dict == {"name": ["This cell is empty; it is required."]}
