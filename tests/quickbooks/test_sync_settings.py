"""Sync settings: their rules, the schedule that follows them, and ``manage.py qbo_configure``."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django_q.models import Schedule

from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, SyncSettings
from apps.quickbooks.services.schedules import SYNC_TASK, sync_schedule_update
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(division):
    """A stored connection, without the OAuth round trip (the schedule only reads the status)."""
    return QuickBooksConnection.objects.create(division=division, realm_id="9341453000000001", status="connected")


def _configure(*args: str) -> str:
    out = StringIO()
    call_command("qbo_configure", "--division", "main", *args, stdout=out)
    return out.getvalue()


def test_two_way_customers_need_a_primary_system(division):
    with pytest.raises(ValidationError) as refused:
        sync_settings_update(division=division, customers_direction="two_way")
    assert "needs a primary system" in refused.value.message_dict["customers_primary"][0]

    saved = sync_settings_update(division=division, customers_direction="two_way", customers_primary="quickbooks")
    assert saved.customers_primary == "quickbooks"

    one_way = sync_settings_update(division=division, customers_direction="to_local")
    assert one_way.customers_primary == ""


def test_inventory_has_no_two_way_and_invoices_go_one_way(division):
    with pytest.raises(ValidationError) as inventory:
        sync_settings_update(division=division, inventory_direction="two_way")
    assert "inventory_direction" in inventory.value.message_dict
    with pytest.raises(ValidationError) as invoices:
        sync_settings_update(division=division, invoices_direction="to_local")
    assert "invoices_direction" in invoices.value.message_dict


def test_desktop_syncs_what_online_syncs(division):
    settings = sync_settings_update(
        division=division,
        integration_type="desktop",
        customers_direction="to_local",
        inventory_direction="to_local",
        invoices_direction="to_quickbooks",
        sync_tax_rates_and_terms=True,
    )
    assert settings.integration_type == "desktop" and settings.sync_tax_rates_and_terms


def test_a_desktop_division_has_no_online_schedule(division, connected):
    sync_settings_update(division=division, frequency="15m")
    assert Schedule.objects.filter(name="quickbooks-sync-main").exists()

    sync_settings_update(division=division, integration_type="desktop")
    assert not Schedule.objects.filter(name="quickbooks-sync-main").exists()


def test_the_database_refuses_a_primary_without_two_way(division):
    with pytest.raises(IntegrityError):
        SyncSettings.objects.create(division=division, customers_direction="to_local", customers_primary="local")


def test_the_schedule_follows_the_frequency(division, connected):
    sync_settings_update(division=division, frequency="15m")
    schedule = Schedule.objects.get(name="quickbooks-sync-main")
    assert (schedule.func, schedule.args, schedule.schedule_type, schedule.minutes) == (
        SYNC_TASK,
        f"({division.pk},)",
        "I",
        15,
    )
    assert schedule.kwargs == "{'trigger': 'schedule'}"

    sync_settings_update(division=division, frequency="1h")
    assert Schedule.objects.get(name="quickbooks-sync-main").schedule_type == Schedule.HOURLY
    sync_settings_update(division=division, frequency="daily")
    assert Schedule.objects.get(name="quickbooks-sync-main").schedule_type == Schedule.DAILY
    assert Schedule.objects.filter(func=SYNC_TASK).count() == 1

    sync_settings_update(division=division, frequency="manual")
    assert not Schedule.objects.filter(func=SYNC_TASK).exists()


def test_no_schedule_without_a_connection_and_none_left_under_an_old_slug(division, connected):
    sync_settings_update(division=division, frequency="5m")
    division.slug = "north"
    division.save()
    sync_schedule_update(division=division)
    assert list(Schedule.objects.filter(func=SYNC_TASK).values_list("name", flat=True)) == ["quickbooks-sync-north"]

    QuickBooksConnection.objects.filter(pk=connected.pk).update(status=ConnectionStatus.NEEDS_RECONNECT)
    sync_schedule_update(division=division)
    assert not Schedule.objects.filter(func=SYNC_TASK).exists()


def test_each_division_has_its_own_schedule(division, connected):
    other = DivisionFactory(name="West", slug="west")
    QuickBooksConnection.objects.create(division=other, realm_id="9341453000000002", status="connected")
    sync_settings_update(division=division, frequency="5m")
    sync_settings_update(division=other, frequency="daily")

    divisions = Schedule.objects.filter(func=SYNC_TASK)
    assert set(divisions.values_list("name", flat=True)) == {"quickbooks-sync-main", "quickbooks-sync-west"}


def test_qbo_configure_sets_and_prints_the_settings(division, connected):
    out = _configure(
        "--customers",
        "two-way",
        "--primary",
        "local",
        "--inventory",
        "to-quickbooks",
        "--invoices",
        "to-quickbooks",
        "--frequency",
        "1h",
        "--quickbooks-numbers",
        "on",
    )

    settings = SyncSettings.objects.get(division=division)
    assert (settings.customers_direction, settings.customers_primary) == ("two_way", "local")
    assert (settings.inventory_direction, settings.invoices_direction) == ("to_quickbooks", "to_quickbooks")
    assert settings.frequency == "1h" and settings.quickbooks_controls_invoice_numbers
    assert Schedule.objects.filter(name="quickbooks-sync-main", schedule_type=Schedule.HOURLY).exists()
    lines = out.splitlines()
    assert "Integration Type:                   QuickBooks Online" in lines
    assert "Sync Mode:                          Automated" in lines
    assert "Sync Frequency:                     1 hour" in lines
    assert "  Sync Way:                         Two ways" in lines
    assert "  Primary System:                   FieldOffice" in lines
    assert "  Sync Direction:                   FieldOffice to QuickBooks" in lines
    assert "Invoice Numbers:                    Given by QuickBooks" in lines


def test_qbo_configure_refuses_impossible_combinations(division):
    with pytest.raises(CommandError, match="needs a primary system"):
        _configure("--customers", "two-way")
    with pytest.raises(CommandError, match="only applies to two-way"):
        _configure("--customers", "to-local", "--primary", "quickbooks")
    with pytest.raises(CommandError, match="No division"):
        call_command("qbo_configure", "--division", "nowhere", stdout=StringIO())
    with pytest.raises(CommandError):
        _configure("--inventory", "two-way")
    assert not SyncSettings.objects.exists()


def test_qbo_configure_without_options_prints_the_defaults(division):
    out = _configure()

    assert "Sync Mode:                          Manual" in out.splitlines()
    assert "Company Name:                       —" in out.splitlines()
