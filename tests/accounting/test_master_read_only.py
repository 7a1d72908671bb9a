"""
Tax rates and payment terms are read-only in FieldOffice while QuickBooks keeps them.

QuickBooks keeps a division's tax rates and terms when the division is linked to a company (connected or waiting to
be reconnected), Sync Tax Rates and Terms is on, and customers sync from QuickBooks, both ways (either primary) or not
at all. With customers going from FieldOffice to QuickBooks, with the toggle off or with no link, they are edited here.
The admin, the API, the services and the imports refuse with the same reason; only the sync writes them.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounting import services
from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.masters import master_elsewhere
from apps.core.selectors import division_get_default
from apps.imports.models import ImportStatus
from apps.quickbooks.models import QuickBooksConnection, SyncSettings
from tests.factories import DivisionFactory, PaymentTermFactory, TaxRateFactory
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes

pytestmark = pytest.mark.django_db

THERE = "change them there; they arrive here at the next sync."


@dataclass(frozen=True)
class Setup:
    """A division's link to QuickBooks and its sync settings (``direction=None``: settings never saved)."""

    direction: str | None = "to_local"
    primary: str = ""
    toggle: bool = True
    status: str = "connected"
    realm_id: str = "123"
    connected: bool = True

    def apply(self, division) -> None:
        if self.connected:
            QuickBooksConnection.objects.create(division=division, realm_id=self.realm_id, status=self.status)
        if self.direction is not None:
            SyncSettings.objects.create(
                division=division,
                customers_direction=self.direction,
                customers_primary=self.primary,
                sync_tax_rates_and_terms=self.toggle,
            )


# Setups in which QuickBooks keeps the tax rates and terms, with the reason's words in parentheses.
KEPT = {
    "customers from QuickBooks": (Setup("to_local"), "customers sync from QuickBooks"),
    "two ways, QuickBooks primary": (Setup("two_way", "quickbooks"), "customers sync both ways"),
    "two ways, FieldOffice primary": (Setup("two_way", "local"), "customers sync both ways"),
    "customers off": (Setup("off"), "tax rates and terms sync from QuickBooks"),
    "needs reconnecting": (Setup("to_local", status="needs_reconnect"), "customers sync from QuickBooks"),
    "settings never saved": (Setup(None), "tax rates and terms sync from QuickBooks"),
}
# Setups in which FieldOffice keeps them.
EDITABLE = {
    "customers to QuickBooks": Setup("to_quickbooks"),
    "toggle off, customers from QuickBooks": Setup("to_local", toggle=False),
    "toggle off, two ways": Setup("two_way", "quickbooks", toggle=False),
    "toggle off, customers off": Setup("off", toggle=False),
    "disconnected": Setup("to_local", status="disconnected"),
    "not linked to a company": Setup("to_local", status="needs_reconnect", realm_id=""),
    "never connected": Setup("to_local", connected=False),
}


@dataclass(frozen=True)
class Kind:
    model: type
    plural: str
    url_name: str
    factory: Any
    form: dict[str, str]
    create: Any
    update: Any
    deactivate: Any
    instance_argument: str
    api_path: str
    import_key: str


TAX_RATES = Kind(
    model=TaxRate,
    plural="Tax rates",
    url_name="accounting_taxrate",
    factory=TaxRateFactory,
    form={"name": "Hennepin", "percent": "8.025", "agency": "MN Revenue", "active": "on"},
    create=services.tax_rate_create,
    update=services.tax_rate_update,
    deactivate=services.tax_rate_deactivate,
    instance_argument="tax_rate",
    api_path="/api/v1/tax-rates/",
    import_key="tax_rates",
)
PAYMENT_TERMS = Kind(
    model=PaymentTerm,
    plural="Payment terms",
    url_name="accounting_paymentterm",
    factory=PaymentTermFactory,
    form={"name": "Net 45", "due_days": "45", "active": "on"},
    create=services.payment_term_create,
    update=services.payment_term_update,
    deactivate=services.payment_term_deactivate,
    instance_argument="payment_term",
    api_path="/api/v1/payment-terms/",
    import_key="payment_terms",
)
KINDS = {"tax rates": TAX_RATES, "payment terms": PAYMENT_TERMS}


def reason(kind: Kind, why: str, division: str = "Main") -> str:
    return f"{kind.plural} of {division} are kept in QuickBooks ({why}): {THERE}"


def url(kind: Kind, view: str, *args) -> str:
    return reverse(f"admin:{kind.url_name}_{view}", args=args)


def new_values(kind: Kind) -> dict[str, Any]:
    return (
        {"name": "Hennepin", "percent": Decimal("8.025")} if kind is TAX_RATES else {"name": "Net 45", "due_days": 45}
    )


def changed_values(kind: Kind) -> dict[str, Any]:
    return {"percent": Decimal("9.5")} if kind is TAX_RATES else {"due_days": 60}


def import_row(kind: Kind, name: str) -> dict[str, Any]:
    return {"name": name, "percent": 7} if kind is TAX_RATES else {"name": name, "due_days": 15}


@pytest.fixture
def main():
    return division_get_default()


@pytest.fixture
def west():
    return DivisionFactory(name="West", slug="west")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def api(office_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(office_user)
    return client


@pytest.fixture(params=list(KINDS), ids=list(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


@pytest.fixture(params=list(KEPT), ids=list(KEPT))
def kept(request, main) -> str:
    """QuickBooks keeps Main's tax rates and terms; the words of the reason."""
    setup, why = KEPT[request.param]
    setup.apply(main)
    return why


@pytest.fixture(params=list(EDITABLE), ids=list(EDITABLE))
def editable(request, main) -> None:
    EDITABLE[request.param].apply(main)


# The reason ----------------------------------------------------------------------------------------------------------


def test_the_reason_names_the_records_the_division_and_why(kind, kept, main):
    assert master_elsewhere(kind.model, main.pk) == reason(kind, kept)


def test_fieldoffice_keeps_them_otherwise(kind, editable, main):
    assert master_elsewhere(kind.model, main.pk) is None


def test_the_settings_are_read_again_on_every_question(main):
    Setup("to_local").apply(main)
    assert master_elsewhere(TaxRate, main.pk) is not None

    SyncSettings.objects.filter(division=main).update(customers_direction="to_quickbooks")
    assert master_elsewhere(TaxRate, main.pk) is None

    SyncSettings.objects.filter(division=main).update(customers_direction="off")
    QuickBooksConnection.objects.filter(division=main).update(status="disconnected")
    assert master_elsewhere(TaxRate, main.pk) is None


# Admin ---------------------------------------------------------------------------------------------------------------


def test_admin_shows_but_does_not_change_what_quickbooks_keeps(owner_client, kind, kept):
    record = kind.factory()
    message = reason(kind, kept)

    changelist = owner_client.get(url(kind, "changelist"))
    assert changelist.status_code == 200
    assert message in changelist.content.decode()
    assert url(kind, "add") not in changelist.content.decode()

    form = owner_client.get(url(kind, "change", record.pk))
    assert form.status_code == 200
    assert message in form.content.decode()
    assert 'name="_save"' not in form.content.decode()  # shown read-only

    assert owner_client.get(url(kind, "add")).status_code == 403
    assert owner_client.post(url(kind, "add"), {**kind.form, "division": record.division_id}).status_code == 403
    changed = owner_client.post(url(kind, "change", record.pk), {**kind.form, "division": record.division_id})
    assert changed.status_code == 403
    assert owner_client.get(url(kind, "delete", record.pk)).status_code == 403
    assert owner_client.post(url(kind, "delete", record.pk), {"post": "yes"}).status_code == 403

    deleted = owner_client.post(
        url(kind, "changelist"), {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert deleted.status_code in (200, 302)
    assert list(kind.model.objects.all()) == [record]
    record.refresh_from_db()
    assert record.name != kind.form["name"]


def test_admin_edits_what_fieldoffice_keeps(owner_client, kind, editable, main):
    record = kind.factory()

    changelist = owner_client.get(url(kind, "changelist"))
    assert "kept in QuickBooks" not in changelist.content.decode()
    assert url(kind, "add") in changelist.content.decode()
    form = owner_client.get(url(kind, "change", record.pk))
    assert 'name="_save"' in form.content.decode()
    assert "kept in QuickBooks" not in form.content.decode()

    added = owner_client.post(url(kind, "add"), {**kind.form, "name": "Added", "division": main.pk})
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    changed = owner_client.post(url(kind, "change", record.pk), {**kind.form, "division": main.pk})
    assert changed.status_code == 302
    record.refresh_from_db()
    assert record.name == kind.form["name"]
    assert owner_client.post(url(kind, "delete", record.pk), {"post": "yes"}).status_code == 302
    assert list(kind.model.objects.values_list("name", flat=True)) == ["Added"]


def test_admin_adds_only_in_divisions_fieldoffice_keeps(owner_client, kind, main, west):
    Setup("to_local").apply(main)
    message = reason(kind, "customers sync from QuickBooks")

    add_form = owner_client.get(url(kind, "add"))
    assert add_form.status_code == 200
    assert message in add_form.content.decode()
    assert add_form.context["adminform"].form.initial["division"] == west.pk

    refused = owner_client.post(url(kind, "add"), {**kind.form, "division": main.pk})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["division"] == [message]
    assert not kind.model.objects.exists()

    added = owner_client.post(url(kind, "add"), {**kind.form, "division": west.pk})
    assert added.status_code == 302
    assert kind.model.objects.get().division == west


def test_admin_changes_records_of_divisions_fieldoffice_keeps(owner_client, kind, main, west):
    Setup("two_way", "local").apply(main)
    ours, theirs = kind.factory(division=west), kind.factory(division=main)

    assert "kept in QuickBooks" not in owner_client.get(url(kind, "change", ours.pk)).content.decode()
    assert reason(kind, "customers sync both ways") in owner_client.get(url(kind, "change", theirs.pk)).content.decode()
    assert owner_client.post(url(kind, "change", ours.pk), {**kind.form, "division": west.pk}).status_code == 302
    assert owner_client.post(url(kind, "change", theirs.pk), {**kind.form, "division": main.pk}).status_code == 403
    # Moving a record into a division QuickBooks keeps is refused too.
    moved = owner_client.post(url(kind, "change", ours.pk), {**kind.form, "division": main.pk})
    assert moved.status_code == 200
    assert moved.context["adminform"].form.errors["division"] == [reason(kind, "customers sync both ways")]


def test_admin_bulk_delete_leaves_every_record_when_one_is_kept_in_quickbooks(owner_client, kind, main, west):
    Setup("off").apply(main)
    ours, theirs = kind.factory(division=west), kind.factory(division=main)

    response = owner_client.post(
        url(kind, "changelist"),
        {"action": "delete_selected", "_selected_action": [ours.pk, theirs.pk], "post": "yes"},
        follow=True,
    )

    assert f"Nothing was deleted. {reason(kind, 'tax rates and terms sync from QuickBooks')}" in [
        str(message) for message in response.context["messages"]
    ]
    assert kind.model.objects.count() == 2

    owner_client.post(
        url(kind, "changelist"), {"action": "delete_selected", "_selected_action": [ours.pk], "post": "yes"}
    )
    assert list(kind.model.objects.all()) == [theirs]


def test_admin_banner_lists_each_division_quickbooks_keeps(owner_client, main, west):
    Setup("to_local").apply(main)
    Setup("two_way", "quickbooks").apply(west)

    page = owner_client.get(url(TAX_RATES, "changelist")).content.decode()

    assert reason(TAX_RATES, "customers sync from QuickBooks") in page
    assert reason(TAX_RATES, "customers sync both ways", division="West") in page
    assert url(TAX_RATES, "add") not in page  # every division is kept in QuickBooks


# API -----------------------------------------------------------------------------------------------------------------


def test_api_reads_but_refuses_writes_while_quickbooks_keeps_them(api, kind, kept):
    record = kind.factory()
    message = reason(kind, kept)
    body = {**kind.form, "active": True}

    assert api.get(kind.api_path).status_code == 200
    created = api.post(kind.api_path, body, format="json")
    assert (created.status_code, created.data) == (403, {"detail": message})
    changed = api.patch(f"{kind.api_path}{record.pk}/", {"name": "Renamed"}, format="json")
    assert (changed.status_code, changed.data) == (403, {"detail": message})
    replaced = api.put(f"{kind.api_path}{record.pk}/", body, format="json")
    assert replaced.status_code == 403
    deleted = api.delete(f"{kind.api_path}{record.pk}/")
    assert (deleted.status_code, deleted.data) == (403, {"detail": message})
    assert list(kind.model.objects.all()) == [record]
    record.refresh_from_db()
    assert record.name != "Renamed"


def test_api_writes_what_fieldoffice_keeps(api, kind, editable):
    record = kind.factory()

    assert api.post(kind.api_path, {**kind.form, "active": True}, format="json").status_code == 201
    assert api.patch(f"{kind.api_path}{record.pk}/", {"name": "Renamed"}, format="json").status_code == 200
    assert api.delete(f"{kind.api_path}{record.pk}/").status_code == 204


def test_api_writes_in_divisions_fieldoffice_keeps(api, kind, main, west):
    Setup("to_local").apply(main)

    assert api.post(kind.api_path, {**kind.form, "division": "west"}, format="json").status_code == 201
    refused = api.post(kind.api_path, {**kind.form, "division": "main"}, format="json")
    assert refused.status_code == 403
    assert refused.data["detail"] == reason(kind, "customers sync from QuickBooks")


# Services ------------------------------------------------------------------------------------------------------------


def test_services_refuse_while_quickbooks_keeps_them(kind, kept, main):
    record = kind.factory()
    message = reason(kind, kept)

    with pytest.raises(ValidationError) as created:
        kind.create(division=main, **new_values(kind))
    with pytest.raises(ValidationError) as updated:
        kind.update(**{kind.instance_argument: record}, **changed_values(kind))
    with pytest.raises(ValidationError) as deactivated:
        kind.deactivate(**{kind.instance_argument: record})

    assert created.value.messages == updated.value.messages == deactivated.value.messages == [message]
    assert kind.model.objects.count() == 1
    record.refresh_from_db()
    assert record.active


def test_services_let_the_sync_write_while_quickbooks_keeps_them(kind, kept, main):
    record = kind.factory()

    created = kind.create(division=main, by_master_system=True, **new_values(kind))
    kind.update(**{kind.instance_argument: record}, by_master_system=True, **changed_values(kind))
    kind.deactivate(**{kind.instance_argument: created}, by_master_system=True)

    record.refresh_from_db()
    created.refresh_from_db()
    assert [getattr(record, field) for field in changed_values(kind)] == list(changed_values(kind).values())
    assert not created.active


def test_services_write_what_fieldoffice_keeps(kind, editable, main):
    created = kind.create(division=main, **new_values(kind))
    kind.update(**{kind.instance_argument: created}, **changed_values(kind))
    kind.deactivate(**{kind.instance_argument: created})

    created.refresh_from_db()
    assert not created.active
    assert [getattr(created, field) for field in changed_values(kind)] == list(changed_values(kind).values())


def test_services_refuse_moving_a_record_into_a_division_quickbooks_keeps(kind, main, west):
    Setup("to_local").apply(main)
    record = kind.factory(division=west)

    with pytest.raises(ValidationError) as moved:
        kind.update(**{kind.instance_argument: record}, division=main)

    assert moved.value.messages == [reason(kind, "customers sync from QuickBooks")]
    assert kind.create(division=west, **new_values(kind)).division == west


def test_deactivating_an_inactive_record_changes_nothing(kind):
    record = kind.factory(active=False)
    updated_at = record.updated_at

    kind.deactivate(**{kind.instance_argument: record})

    record.refresh_from_db()
    assert (record.active, record.updated_at) == (False, updated_at)


# Excel imports -------------------------------------------------------------------------------------------------------


def test_import_refuses_the_rows_that_would_write_while_quickbooks_keeps_them(kind, kept):
    existing, other = kind.factory(name="Existing"), kind.factory(name="Other")
    if kind is TAX_RATES:
        unchanged = {"name": "Existing", "percent": existing.percent}
    else:
        unchanged = {"name": "Existing", "due_days": existing.due_days}
    message = reason(kind, kept)

    record = start(
        kind.import_key,
        xlsx_bytes(kind_rows(kind.import_key, import_row(kind, "New"), unchanged, import_row(kind, "other"))),
    )

    assert errors_of(record) == [(2, "", message), (4, "", message)]
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, 1)
    assert sorted(kind.model.objects.all(), key=lambda record: record.pk) == [existing, other]
    other_before = {field: getattr(other, field) for field in changed_values(kind)}
    other.refresh_from_db()
    assert {field: getattr(other, field) for field in changed_values(kind)} == other_before


def test_import_writes_what_fieldoffice_keeps(kind, editable):
    kind.factory(name="Existing")

    record = start(
        kind.import_key, xlsx_bytes(kind_rows(kind.import_key, import_row(kind, "New"), import_row(kind, "Existing")))
    )
    assert record.status == ImportStatus.CHECKED and not record.errors
    run(record)

    assert sorted(kind.model.objects.values_list("name", flat=True)) == ["Existing", "New"]


def test_import_confirmed_after_quickbooks_took_over_writes_nothing(kind, main):
    record = start(kind.import_key, xlsx_bytes(kind_rows(kind.import_key, import_row(kind, "New"))))
    assert record.status == ImportStatus.CHECKED and not record.errors

    Setup("to_local").apply(main)
    record = run(record)

    assert (2, "", reason(kind, "customers sync from QuickBooks")) in errors_of(record)
    assert record.created == 0
    assert not kind.model.objects.exists()
