from decimal import Decimal

import pytest

from apps.accounting.models import AccountType, PaymentTerm, TaxRate
from apps.catalog.models import Item
from tests.factories import AccountFactory, CustomerFactory, DivisionFactory, ItemFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


def test_create_item_with_its_accounts(office_api):
    income = AccountFactory(account_type=AccountType.INCOME)
    expense = AccountFactory(account_type=AccountType.EXPENSE)

    response = office_api.post(
        "/api/v1/items/",
        {
            "name": "Service call", "item_type": "service", "sales_price": "95.50", "cost": "40",
            "income_account": income.pk, "expense_account": expense.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    data = response.data
    assert (data["sales_price"], data["cost"], data["division"]) == ("95.50", "40.00", "main")
    assert Item.objects.get().sales_price == Decimal("95.50")


def test_item_account_of_another_division_is_refused(office_api):
    west = DivisionFactory(name="West", slug="west")
    income = AccountFactory(division=west, name="West sales", number="", account_type=AccountType.INCOME)

    response = office_api.post("/api/v1/items/", {"name": "Part", "income_account": income.pk}, format="json")

    assert response.status_code == 400
    assert response.data["income_account"] == ["Account “West sales” belongs to the West division, not to Main."]


def test_item_model_rules_answer_400(office_api):
    response = office_api.post(
        "/api/v1/items/", {"name": "Labour", "item_type": "service", "quantity_on_hand": "3"}, format="json"
    )

    assert response.status_code == 400
    assert response.data["quantity_on_hand"] == ["Only inventory and equipment items have a quantity on hand."]


def test_item_names_are_unique_per_division_ignoring_case(office_api):
    ItemFactory(name="Filter")
    DivisionFactory(slug="west")

    duplicate = office_api.post("/api/v1/items/", {"name": "FILTER"}, format="json")
    elsewhere = office_api.post("/api/v1/items/", {"name": "FILTER", "division": "west"}, format="json")

    assert duplicate.status_code == 400
    assert duplicate.data["non_field_errors"] == ["Another item of this division has this name."]
    assert elsewhere.status_code == 201


def test_negative_price_is_refused(office_api):
    response = office_api.post("/api/v1/items/", {"name": "Gift", "sales_price": "-1"}, format="json")

    assert response.status_code == 400
    assert "sales_price" in response.data


def test_item_update_keeps_its_division(office_api):
    item = ItemFactory()

    response = office_api.patch(f"/api/v1/items/{item.pk}/", {"sales_price": "120.00"}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["sales_price"] == "120.00"


def test_accounts_filter_by_type(read_only_api):
    income = AccountFactory(account_type=AccountType.INCOME)
    AccountFactory(account_type=AccountType.EXPENSE)

    response = read_only_api.get("/api/v1/accounts/", {"account_type": "income"})

    assert [row["id"] for row in response.data["results"]] == [income.pk]


def test_create_tax_rate_keeps_decimal_precision(office_api):
    response = office_api.post("/api/v1/tax-rates/", {"name": "Minneapolis", "percent": "7.875"}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["percent"] == "7.8750"
    assert TaxRate.objects.get().percent == Decimal("7.875")


@pytest.mark.parametrize("percent", ["-1", "100.0001", "abc"])
def test_tax_rate_percent_is_validated(office_api, percent):
    response = office_api.post("/api/v1/tax-rates/", {"name": "Bad", "percent": percent}, format="json")

    assert response.status_code == 400
    assert "percent" in response.data


def test_tax_rate_in_use_cannot_be_deleted(office_api):
    customer = CustomerFactory(tax_rate=TaxRateFactory())

    response = office_api.delete(f"/api/v1/tax-rates/{customer.tax_rate_id}/")

    assert response.status_code == 409
    assert response.data["detail"].startswith("This record is in use (for example by customer")


def test_payment_term_crud(office_api):
    created = office_api.post("/api/v1/payment-terms/", {"name": "Net 15", "due_days": 15}, format="json")
    changed = office_api.patch(f"/api/v1/payment-terms/{created.data['id']}/", {"due_days": 10}, format="json")
    deleted = office_api.delete(f"/api/v1/payment-terms/{created.data['id']}/")

    assert created.status_code == 201, created.data
    assert changed.data["due_days"] == 10
    assert deleted.status_code == 204
    assert not PaymentTerm.objects.exists()
