"""The admin of receiving orders, picking orders, adjustments and the item's stock: the buttons and their pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.catalog.models import Item, StockMovement, StockMovementKind
from apps.core.selectors import division_get_default
from apps.inventory import services as inventory
from apps.inventory.models import AdjustmentStatus
from apps.purchasing import services as purchasing
from tests.factories import CustomerFactory, VendorFactory
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def pipe():
    return stocked_item("Copper pipe", "5")


@pytest.fixture
def receiving(pipe):
    return purchasing.receiving_order_create(
        vendor=VendorFactory(display_name="Ferguson Supply"), lines=[{"item": pipe, "quantity_ordered": Decimal("8")}]
    )


def test_the_receive_page_offers_what_is_expected_and_receives_it(office_client, receiving, pipe):
    change = reverse("admin:purchasing_receivingorder_change", args=[receiving.pk])
    page = office_client.get(change)
    assert 'id="document-receive"' in page.content.decode()
    url = reverse("admin:purchasing_receivingorder_receive", args=[receiving.pk])
    form = office_client.get(url).content.decode()
    line = receiving.lines.get()
    assert f'name="quantity-{line.pk}" value="8"' in form

    refused = office_client.post(url, {f"quantity-{line.pk}": "9"})
    assert refused.status_code == 200
    assert "9 received, but only 8 of the 8 ordered are still expected." in refused.content.decode()
    assert on_hand(pipe) == Decimal("5")

    not_a_number = office_client.post(url, {f"quantity-{line.pk}": "eight"})
    assert "“eight” is not a number." in not_a_number.content.decode()

    done = office_client.post(url, {f"quantity-{line.pk}": "3"}, follow=True)
    assert done.redirect_chain[-1][0] == change
    assert "it is now partly received" in done.content.decode()
    assert on_hand(pipe) == Decimal("8")
    history = office_client.get(reverse("admin:purchasing_receivingorder_history", args=[receiving.pk]))
    assert history.status_code == 200
    assert "Goods received on Receiving order 1001; it is now partly received." in history.content.decode()


def test_read_only_sees_no_button_and_cannot_post(client, read_only_user, receiving, pipe):
    client.force_login(read_only_user)
    page = client.get(reverse("admin:purchasing_receivingorder_change", args=[receiving.pk])).content.decode()
    assert "document-receive" not in page
    line = receiving.lines.get()
    url = reverse("admin:purchasing_receivingorder_receive", args=[receiving.pk])
    assert client.post(url, {f"quantity-{line.pk}": "1"}).status_code == 403
    assert on_hand(pipe) == Decimal("5")


def test_a_pick_beyond_stock_is_shown_plainly_and_a_picked_order_is_invoiced(office_client, pipe):
    order = inventory.picking_order_create(
        customer=CustomerFactory(), lines=[{"item": pipe, "quantity": Decimal("6")}]
    )
    line = order.lines.get()
    url = reverse("admin:inventory_pickingorder_pick", args=[order.pk])
    refused = office_client.post(url, {f"quantity-{line.pk}": "6"}).content.decode()
    assert "only 5 of “Copper pipe” on hand; 6 cannot be picked." in refused
    office_client.post(url, {f"quantity-{line.pk}": "5"})
    assert on_hand(pipe) == 0
    invoiced = office_client.post(reverse("admin:inventory_pickingorder_invoice", args=[order.pk]))
    order.refresh_from_db()
    assert invoiced["Location"] == reverse("admin:invoicing_invoice_change", args=[order.invoice_id])


def test_the_mark_ready_list_action_reports_each_refusal(office_client, pipe):
    division = division_get_default()
    fine = inventory.adjustment_create(division=division, lines=[{"item": pipe, "quantity_change": Decimal("-1")}])
    too_much = inventory.adjustment_create(division=division, lines=[{"item": pipe, "quantity_change": Decimal("-9")}])
    response = office_client.post(
        reverse("admin:inventory_inventoryadjustment_changelist"),
        {"action": "mark_ready", "_selected_action": [fine.pk, too_much.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 adjustment is ready." in text
    assert f"Inventory adjustment {too_much.number}: Line 1 (“Copper pipe”): only 4 of “Copper pipe” on hand" in text
    fine.refresh_from_db(), too_much.refresh_from_db()
    assert (fine.status, too_much.status) == (AdjustmentStatus.READY, AdjustmentStatus.DRAFT)
    assert on_hand(pipe) == Decimal("4")


def test_an_item_page_lists_its_movements_and_a_typed_quantity_is_a_count(admin_client, pipe):
    change = reverse("admin:catalog_item_change", args=[pipe.pk])
    page = admin_client.get(change).content.decode()
    assert "Opening quantity" in page and "All movements of this item" in page
    data = {
        "division": pipe.division_id, "item_type": pipe.item_type, "name": pipe.name, "sku": "", "description": "",
        "active": "on", "sales_price": "25.00", "cost": "10.00", "taxable": "on", "quantity_on_hand": "7",
        "quantity_as_of": "",
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    count = StockMovement.objects.get(item=pipe, kind=StockMovementKind.COUNT)
    assert (count.quantity, count.balance) == (Decimal("2"), Decimal("7"))
    assert count.document.startswith("Typed in by ")
    assert ledger_balanced(Item.objects.get(pk=pipe.pk))
    ledger = admin_client.get(reverse("admin:catalog_stockmovement_changelist") + f"?item__id__exact={pipe.pk}")
    assert ledger.status_code == 200 and "+2" in ledger.content.decode()


def test_the_lists_and_forms_open(admin_client, receiving):
    for name in ("purchasing_vendor", "purchasing_receivingorder", "inventory_pickingorder",
                 "inventory_inventoryadjustment", "catalog_stockmovement"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    for name in ("purchasing_vendor", "purchasing_receivingorder", "inventory_pickingorder",
                 "inventory_inventoryadjustment"):
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200, name


def test_a_receiving_order_is_written_on_its_page(admin_client, pipe):
    vendor = VendorFactory()
    data = {
        "division": "", "vendor": vendor.pk, "number": "", "order_date": "2015-03-02", "expected_date": "",
        "memo": "",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-item": pipe.pk, "lines-0-description": "Half inch", "lines-0-quantity_ordered": "4",
        "lines-0-unit_cost": "2.5",
    }
    response = admin_client.post(reverse("admin:purchasing_receivingorder_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    order = vendor.receiving_orders.get()
    assert (order.number, order.total, order.status) == ("1001", Decimal("10.00"), "open")
    assert order.lines.get().position == 1
