"""
Configure Sync's default service item: a choice among the QuickBooks service items the syncs have seen, checked on
save. Nothing here talks to QuickBooks: links stand for what the syncs saw.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.accounting.models import ItemType
from apps.catalog.models import Item
from apps.quickbooks.models import RecordLink, SyncSettings
from apps.quickbooks.selectors import ServiceItemChoice, service_item_choices
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.factories import ItemFactory

SETTINGS = {
    "integration_type": "online",
    "frequency": "manual",
    "customers_direction": "to_quickbooks",
    "customers_primary": "",
    "inventory_direction": "off",
    "invoices_direction": "to_quickbooks",
    "vendors_direction": "off",
    "sync_tax_rates_and_terms": "on",
}


def _linked(division, qbo_id: str, **fields) -> Item:
    item = ItemFactory(division=division, **fields)
    RecordLink.objects.create(
        division=division,
        content_type=ContentType.objects.get_for_model(Item),
        object_id=item.pk,
        entity_type="Item",
        qbo_id=qbo_id,
    )
    return item


@pytest.fixture
def seen(division):
    """What the syncs saw: two service items in QuickBooks, and items that cannot be the default."""
    _linked(division, "21", name="Labor", item_type=ItemType.SERVICE)
    _linked(division, "22", name="Trip charge", item_type=ItemType.SERVICE)
    _linked(division, "23", name="Old labor", item_type=ItemType.SERVICE, active=False)
    _linked(division, "24", name="Copper pipe", item_type=ItemType.NON_INVENTORY)
    ItemFactory(division=division, name="Never sent", item_type=ItemType.SERVICE)


def _url(division) -> str:
    return reverse("admin:quickbooks_integration_configure", args=[division.pk])


def test_the_choice_holds_the_active_service_items_quickbooks_has(division, seen):
    assert service_item_choices(division=division) == [
        ServiceItemChoice("21", "Labor"),
        ServiceItemChoice("22", "Trip charge"),
    ]


def test_the_setting_stays_a_choice_even_when_no_item_here_is_linked_to_it(division, seen):
    sync_settings_update(division=division, default_service_item_qbo_id="1", default_service_item_name="Services")

    assert ServiceItemChoice("1", "Services") in service_item_choices(division=division)


def test_configure_sync_offers_them_with_a_search_box(owner_client, division, seen):
    page = owner_client.get(_url(division)).content.decode()

    select = re.search(r'<select name="default_service_item".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "Look for a QuickBooks service item named Services"),
        ("21", "Labor (QuickBooks ID 21)"),
        ("22", "Trip charge (QuickBooks ID 22)"),
    ]
    assert 'data-account-search="id_default_service_item"' in page


def test_a_chosen_item_is_saved_with_its_name(owner_client, division, seen):
    response = owner_client.post(_url(division), {**SETTINGS, "default_service_item": "22"})

    assert response.status_code == 302
    settings = SyncSettings.objects.get(division=division)
    assert (settings.default_service_item_qbo_id, settings.default_service_item_name) == ("22", "Trip charge")


@pytest.mark.parametrize("forged", ["23", "24", "999"], ids=["inactive", "not-a-service", "never-seen"])
def test_an_item_that_is_not_an_active_service_item_quickbooks_has_is_refused(owner_client, division, seen, forged):
    response = owner_client.post(_url(division), {**SETTINGS, "default_service_item": forged})

    assert response.status_code == 200
    assert f"{forged} is not an active service item the syncs have seen" in response.content.decode()
    assert not SyncSettings.objects.filter(division=division, default_service_item_qbo_id=forged).exists()


def test_none_chosen_clears_the_setting(owner_client, division, seen):
    sync_settings_update(division=division, default_service_item_qbo_id="21", default_service_item_name="Labor")

    owner_client.post(_url(division), {**SETTINGS, "default_service_item": ""})

    settings = SyncSettings.objects.get(division=division)
    assert (settings.default_service_item_qbo_id, settings.default_service_item_name) == ("", "")
