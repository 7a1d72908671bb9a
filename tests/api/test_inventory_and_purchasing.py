"""The REST API of vendors, receiving orders, picking orders, inventory adjustments and the stock ledger."""

from decimal import Decimal

import pytest

from apps.accounting.models import ItemType
from apps.catalog.models import StockMovementKind
from apps.inventory.models import InventoryAdjustment
from apps.purchasing.models import ReceivingOrder
from tests.factories import CustomerFactory, DivisionFactory, VendorFactory
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipe():
    return stocked_item("Copper pipe", "5", cost="3.00", sales_price="8.00")


def test_a_vendor_is_created_with_its_address(office_api):
    response = office_api.post(
        "/api/v1/vendors/",
        {"company_name": "Ferguson Supply", "first_name": "Dana", "billing_city": "Minneapolis"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["display_name"], response.data["division"]) == ("Ferguson Supply", "main")
    duplicate = office_api.post("/api/v1/vendors/", {"display_name": "ferguson supply"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.data["non_field_errors"] == ["Another vendor of this division has this display name."]


def test_goods_are_received_through_the_api(office_api, pipe):
    created = office_api.post(
        "/api/v1/receiving-orders/",
        {"vendor": VendorFactory().pk, "lines": [{"item": pipe.pk, "quantity_ordered": "10"}]},
        format="json",
    )
    assert created.status_code == 201, created.data
    assert (created.data["number"], created.data["total"], created.data["status"]) == ("1001", "30.00", "open")
    line_id = created.data["lines"][0]["id"]
    url = f"/api/v1/receiving-orders/{created.data['id']}/receive/"

    too_many = office_api.post(url, {"lines": [{"id": line_id, "quantity": "11"}]}, format="json")
    assert too_many.status_code == 400
    assert "only 10 of the 10 ordered are still expected" in too_many.data["non_field_errors"][0]

    received = office_api.post(url, {"lines": [{"id": line_id, "quantity": "4"}]}, format="json")
    assert received.status_code == 200, received.data
    assert received.data["status"] == "partly_received"
    assert received.data["lines"][0]["quantity_received"] == "4.0000"
    assert on_hand(pipe) == Decimal("9")

    movements = office_api.get(f"/api/v1/stock-movements/?item={pipe.pk}")
    assert [(m["kind"], m["quantity"]) for m in movements.data["results"]] == [
        (StockMovementKind.RECEIPT, "4.0000"), (StockMovementKind.OPENING, "5.0000"),
    ]


def test_a_closed_order_answers_409(office_api, pipe):
    order = office_api.post(
        "/api/v1/receiving-orders/", {"vendor": VendorFactory().pk, "lines": [{"item": pipe.pk}]}, format="json"
    ).data
    assert office_api.post(f"/api/v1/receiving-orders/{order['id']}/close/").status_code == 200
    edit = office_api.patch(f"/api/v1/receiving-orders/{order['id']}/", {"memo": "late"}, format="json")
    assert edit.status_code == 409
    assert edit.data["detail"] == f"Receiving order {order['number']} is closed and cannot be changed."


def test_a_picking_order_is_picked_and_invoiced(office_api, pipe):
    order = office_api.post(
        "/api/v1/picking-orders/",
        {"customer": CustomerFactory().pk, "lines": [{"item": pipe.pk, "quantity": "3"}]},
        format="json",
    ).data
    line_id = order["lines"][0]["id"]
    short = office_api.post(
        f"/api/v1/picking-orders/{order['id']}/pick/", {"lines": [{"id": line_id, "quantity": "4"}]}, format="json"
    )
    assert short.status_code == 400
    picked = office_api.post(
        f"/api/v1/picking-orders/{order['id']}/pick/", {"lines": [{"id": line_id, "quantity": "3"}]}, format="json"
    )
    assert picked.data["status"] == "picked"
    assert on_hand(pipe) == Decimal("2")
    invoice = office_api.post(f"/api/v1/picking-orders/{order['id']}/invoice/")
    assert invoice.status_code == 201, invoice.data
    assert (invoice.data["status"], invoice.data["subtotal"]) == ("draft", "24.00")
    again = office_api.post(f"/api/v1/picking-orders/{order['id']}/invoice/")
    assert again.status_code == 409


def test_an_adjustment_is_marked_ready_once(office_api, pipe):
    created = office_api.post(
        "/api/v1/inventory-adjustments/",
        {"reason": "lost", "lines": [{"item": pipe.pk, "quantity_change": "-2"}]},
        format="json",
    )
    assert created.status_code == 201, created.data
    url = f"/api/v1/inventory-adjustments/{created.data['id']}/mark-ready/"
    assert office_api.post(url).data["status"] == "ready"
    assert office_api.post(url).status_code == 409
    assert on_hand(pipe) == Decimal("3")
    assert ledger_balanced(pipe)


def test_an_adjustment_of_a_service_is_refused(office_api):
    service = stocked_item("Tune-up", "0", item_type=ItemType.SERVICE)
    response = office_api.post(
        "/api/v1/inventory-adjustments/", {"lines": [{"item": service.pk, "quantity_change": "1"}]}, format="json"
    )
    assert response.status_code == 400
    assert not InventoryAdjustment.objects.exists()


def test_an_item_of_another_division_is_refused_on_a_line(office_api):
    other = stocked_item("Elsewhere", "1", division=DivisionFactory())
    response = office_api.post(
        "/api/v1/receiving-orders/", {"vendor": VendorFactory().pk, "lines": [{"item": other.pk}]}, format="json"
    )
    assert response.status_code == 400
    assert not ReceivingOrder.objects.exists()


def test_read_only_may_look_but_not_receive(read_only_api, office_api, pipe):
    order = office_api.post(
        "/api/v1/receiving-orders/", {"vendor": VendorFactory().pk, "lines": [{"item": pipe.pk}]}, format="json"
    ).data
    assert read_only_api.get("/api/v1/receiving-orders/").status_code == 200
    assert read_only_api.get("/api/v1/stock-movements/").status_code == 200
    line = order["lines"][0]["id"]
    refused = read_only_api.post(
        f"/api/v1/receiving-orders/{order['id']}/receive/", {"lines": [{"id": line, "quantity": "1"}]}, format="json"
    )
    assert refused.status_code == 403
    assert read_only_api.post("/api/v1/vendors/", {"display_name": "X"}, format="json").status_code == 403
    assert on_hand(pipe) == Decimal("5")


def test_a_malformed_receive_body_is_refused(office_api, pipe):
    order = office_api.post(
        "/api/v1/receiving-orders/", {"vendor": VendorFactory().pk, "lines": [{"item": pipe.pk}]}, format="json"
    ).data
    url = f"/api/v1/receiving-orders/{order['id']}/receive/"
    line = order["lines"][0]["id"]
    for body in ({}, {"lines": []}, {"lines": [{"id": line, "quantity": "-1"}]},
                 {"lines": [{"id": line, "quantity": "1"}, {"id": line, "quantity": "1"}]},
                 {"lines": [{"id": line, "quantity": "NaN"}]}):
        assert office_api.post(url, body, format="json").status_code == 400, body
    assert on_hand(pipe) == Decimal("5")
