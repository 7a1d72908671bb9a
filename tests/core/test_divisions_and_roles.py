import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from apps.core.models import Division
from apps.core.roles import OFFICE, OWNER, READ_ONLY, roles_sync
from apps.core.selectors import division_get_default
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_default_division_exists_after_migrate():
    assert Division.objects.filter(slug="main").exists()
    assert division_get_default().slug == "main"


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {OWNER, OFFICE, READ_ONLY}


def _codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_read_only_only_views():
    codenames = _codenames(READ_ONLY)
    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)
    assert {"view_invoice", "view_customer", "view_item"} <= codenames


def test_office_works_day_to_day_but_cannot_restructure_or_delete_invoices():
    codenames = _codenames(OFFICE)
    assert {"add_invoice", "change_invoice", "approve_invoice", "mark_invoice_for_sync", "add_customer"} <= codenames
    assert not {"delete_invoice", "change_division", "delete_division"} & codenames
    assert "change_user" not in codenames


def test_owner_has_everything_office_has_and_manages_users():
    assert _codenames(OFFICE) < _codenames(OWNER)
    assert {"add_user", "change_user", "delete_invoice", "change_division"} <= _codenames(OWNER)


def test_roles_give_users_their_permissions():
    office = UserFactory(roles=[OFFICE])
    viewer = UserFactory(roles=[READ_ONLY])
    assert office.has_perm("invoicing.approve_invoice")
    assert viewer.has_perm("customers.view_customer")
    assert not viewer.has_perm("customers.change_customer")


def test_roles_sync_is_idempotent_and_repairs_groups(capsys):
    Group.objects.get(name=OFFICE).permissions.clear()
    first = roles_sync()
    assert roles_sync() == first
    call_command("setup_roles")
    assert "Office:" in capsys.readouterr().out
    assert _codenames(OFFICE)
