"""The company file the Web Connector opens must be the division's: recorded first, refused when it differs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.quickbooks.desktop.identity import (
    IdentityError,
    company_identity_parse,
    guid_braced,
    guid_normalise,
)
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import desktop_company_file_move_accept
from apps.quickbooks.models import DesktopSession
from tests.factories import UserFactory
from tests.quickbooks.desktop.conftest import COMPANY_NAME, COMPANY_PATH, hcp_of, hcp_response

pytestmark = pytest.mark.django_db

MOVED_PATH = r"D:\QuickBooks\Fieldwork Plumbing.QBW"


def _first_request(qbwc, hcp: str, path: str = COMPANY_PATH) -> tuple[str, str]:
    ticket = qbwc.authenticate()[0]
    return ticket, qbwc.send(ticket, hcp, path)


def _finish(qbwc, ticket: str) -> None:
    qbwc.receive(ticket)
    qbwc.send(ticket)
    qbwc.receive(ticket)
    qbwc.close(ticket)


def test_the_first_session_records_the_company_file(qbwc, desktop, fake_work):
    _, request = _first_request(qbwc, hcp_of(desktop))
    assert request == fake_work.documents[0]
    desktop.refresh_from_db()
    assert (desktop.company_name, desktop.company_file) == (COMPANY_NAME, COMPANY_PATH)
    assert desktop.company_first_seen_at is not None


def test_the_same_file_goes_ahead_whatever_the_case_of_its_path_and_guid(qbwc, desktop, fake_work):
    ticket, _ = _first_request(qbwc, hcp_of(desktop))
    _finish(qbwc, ticket)
    first_seen = type(desktop).objects.get(pk=desktop.pk).company_first_seen_at
    lower_guid = hcp_response(file_id=str(desktop.file_id).lower(), owner_id=str(desktop_owner_id()).lower())
    _, request = _first_request(qbwc, lower_guid, COMPANY_PATH.upper().replace("\\", "/"))
    assert request == fake_work.documents[0]
    assert type(desktop).objects.get(pk=desktop.pk).company_first_seen_at == first_seen


@pytest.mark.parametrize(
    "hcp",
    [
        lambda desktop: hcp_response(file_id=None),
        lambda desktop: hcp_response(file_id="{0B7F0B5C-4E0A-4C1B-9C55-9C3D2B7A1E10}"),
        # Our FileID, stamped for another application's OwnerID, does not count.
        lambda desktop: hcp_response(
            file_id=guid_braced(desktop.file_id), owner_id="{11111111-2222-3333-4444-555555555555}"
        ),
    ],
    ids=["no-file-id", "other-file-id", "other-owner"],
)
def test_a_file_not_set_up_for_the_division_is_refused_at_the_first_session(qbwc, desktop, fake_work, hcp):
    ticket, request = _first_request(qbwc, hcp(desktop))
    assert request == ""
    message = qbwc.last_error(ticket)
    assert message.startswith("This is not the company file FieldOffice syncs Main with")
    assert fake_work.started == []
    desktop.refresh_from_db()
    assert not desktop.has_company_file and desktop.last_error == message
    assert DesktopSession.objects.get(ticket=ticket).status == "refused"
    assert qbwc.close(ticket) == f"FieldOffice: sync refused: {message}"
    assert fake_work.ended == []


def test_another_company_file_later_is_refused_naming_both(qbwc, desktop, fake_work):
    ticket, _ = _first_request(qbwc, hcp_of(desktop))
    _finish(qbwc, ticket)
    other = hcp_response(company_name="Second Books Inc", file_id="{0B7F0B5C-4E0A-4C1B-9C55-9C3D2B7A1E10}")

    ticket, request = _first_request(qbwc, other, r"C:\Company Files\Second Books.QBW")

    assert request == ""
    message = qbwc.last_error(ticket)
    assert '"Fieldwork Plumbing"' in message and COMPANY_PATH in message
    assert '"Second Books Inc"' in message and r"C:\Company Files\Second Books.QBW" in message
    assert "Nothing was synced" in message
    assert len(fake_work.started) == 1
    desktop.refresh_from_db()
    assert (desktop.company_name, desktop.company_file) == (COMPANY_NAME, COMPANY_PATH)


@pytest.mark.parametrize(
    ("name", "path"),
    [(COMPANY_NAME, MOVED_PATH), ("Fieldwork Plumbing & Heating", COMPANY_PATH)],
    ids=["moved", "renamed"],
)
def test_a_moved_or_renamed_file_is_refused_until_an_owner_accepts_it(qbwc, desktop, fake_work, owner, name, path):
    ticket, _ = _first_request(qbwc, hcp_of(desktop))
    _finish(qbwc, ticket)

    ticket, request = _first_request(qbwc, hcp_of(desktop, company_name=name), path)

    assert request == ""
    message = qbwc.last_error(ticket)
    assert "was moved, renamed or copied" in message and "Accept the moved company file" in message
    assert DesktopSession.objects.get(ticket=ticket).status == "refused"
    desktop.refresh_from_db()
    assert (desktop.moved_company_name, desktop.moved_company_file) == (name, path)
    qbwc.close(ticket)

    # Refused again until accepted.
    assert _first_request(qbwc, hcp_of(desktop, company_name=name), path)[1] == ""
    qbwc.close(str(DesktopSession.objects.first().ticket))

    accepted = desktop_company_file_move_accept(division=desktop.division, user=owner)
    assert (accepted.company_name, accepted.company_file, accepted.has_moved_file) == (name, path, False)
    assert accepted.last_error == ""

    assert _first_request(qbwc, hcp_of(desktop, company_name=name), path)[1] == fake_work.documents[0]


def test_accepting_needs_a_moved_file_and_an_owner(desktop, office_user):
    with pytest.raises(PermissionDenied):
        desktop_company_file_move_accept(division=desktop.division, user=office_user)
    with pytest.raises(ValidationError):
        desktop_company_file_move_accept(division=desktop.division, user=UserFactory(is_superuser=True))


def test_an_unreadable_hcp_response_is_refused(qbwc, desktop, fake_work):
    ticket, request = _first_request(qbwc, "<QBXML><unclosed></QBXML>")
    assert request == ""
    assert "not readable XML" in qbwc.last_error(ticket)
    assert DesktopSession.objects.get(ticket=ticket).status == "refused"
    assert fake_work.started == []


def test_parse_reads_name_and_file_ids():
    hcp = hcp_response(
        file_id="{0B7F0B5C-4E0A-4C1B-9C55-9C3D2B7A1E10}", owner_id="{ABCDEF00-0000-0000-0000-000000000001}"
    )
    identity = company_identity_parse(hcp_response=hcp, company_file=f"  {COMPANY_PATH} ")
    assert identity.company_name == COMPANY_NAME and identity.path == COMPANY_PATH
    assert identity.file_id_of("abcdef00-0000-0000-0000-000000000001") == "0b7f0b5c-4e0a-4c1b-9c55-9c3d2b7a1e10"
    assert identity.file_id_of("{11111111-2222-3333-4444-555555555555}") == "99999999-8888-7777-6666-555555555555"
    with pytest.raises(IdentityError):
        company_identity_parse(hcp_response="<QBXML/>", company_file="")


def test_guids():
    assert guid_normalise("{0B7F0B5C-4E0A-4C1B-9C55-9C3D2B7A1E10}") == "0b7f0b5c-4e0a-4c1b-9c55-9c3d2b7a1e10"
    assert guid_normalise("not a guid") == ""
    assert guid_braced("0b7f0b5c-4e0a-4c1b-9c55-9c3d2b7a1e10") == "{0B7F0B5C-4E0A-4C1B-9C55-9C3D2B7A1E10}"


def test_the_owner_id_is_one_per_installation(db):
    assert desktop_owner_id() == desktop_owner_id()
