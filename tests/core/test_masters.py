"""The registry of master systems: providers say when another system keeps a model's records for a division."""

import pytest

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core import masters
from apps.core.masters import master_elsewhere, master_provider_register, master_provider_unregister, masters_elsewhere
from apps.core.models import Division
from apps.core.selectors import division_get_default
from apps.quickbooks.masters import quickbooks_master_reason
from apps.quickbooks.models import QuickBooksConnection
from tests.factories import DivisionFactory


@pytest.fixture
def registered():
    """Registers providers for one test, then removes them again."""
    added = []

    def register(provider):
        added.append(master_provider_register(provider))
        return provider

    yield register
    for provider in added:
        master_provider_unregister(provider)


def test_no_reason_means_kept_here(registered):
    registered(lambda model, division_id: None)

    assert master_elsewhere(Division, 1) is None
    assert masters_elsewhere(Division, [1, 2]) == {}


def test_the_first_reason_wins(registered):
    registered(lambda model, division_id: None)
    registered(lambda model, division_id: f"{model.__name__} {division_id} kept in A" if division_id == 2 else None)
    registered(lambda model, division_id: f"{model.__name__} {division_id} kept in B")

    assert master_elsewhere(Division, 1) == "Division 1 kept in B"
    assert master_elsewhere(Division, 2) == "Division 2 kept in A"
    assert masters_elsewhere(Division, [1, 2]) == {1: "Division 1 kept in B", 2: "Division 2 kept in A"}


def test_a_provider_registers_once_and_can_leave():
    def provider(model, division_id):
        return "kept elsewhere"

    master_provider_register(provider)
    master_provider_register(provider)
    try:
        assert masters._providers.count(provider) == 1
        assert master_elsewhere(Division, 1) == "kept elsewhere"
    finally:
        master_provider_unregister(provider)
    assert provider not in masters._providers
    master_provider_unregister(provider)  # unregistering twice is harmless


def test_quickbooks_registers_its_provider_when_the_app_is_ready():
    assert quickbooks_master_reason in masters._providers


@pytest.mark.django_db
def test_an_answer_costs_one_query_and_nothing_is_remembered(django_assert_num_queries):
    main = division_get_default()
    with django_assert_num_queries(1):
        assert master_elsewhere(TaxRate, main.pk) is None

    QuickBooksConnection.objects.create(division=main, realm_id="123", status="connected")
    with django_assert_num_queries(1):
        assert master_elsewhere(PaymentTerm, main.pk).startswith("Payment terms of Main are kept in QuickBooks")

    # Records QuickBooks never keeps are answered without asking the database.
    with django_assert_num_queries(0):
        assert master_elsewhere(Division, main.pk) is None


@pytest.mark.django_db
def test_each_division_is_answered_for_itself():
    main, west = division_get_default(), DivisionFactory(name="West", slug="west")
    QuickBooksConnection.objects.create(division=west, realm_id="123", status="connected")

    assert masters_elsewhere(TaxRate, [main.pk, west.pk]) == {
        west.pk: "Tax rates of West are kept in QuickBooks (tax rates and terms sync from QuickBooks): change them "
        "there; they arrive here at the next sync."
    }
