"""
The engine's plan for the chart of accounts, as a table of (QuickBooks' account, the local account, their link, the
run's settings) → decision, and how accounts are paired: pure functions, no database, no QuickBooks.
"""

import pytest

from apps.accounting.models import Account, AccountType
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.sync.backend import Capabilities
from apps.quickbooks.sync.plan import Decision, Kind, PlanSettings, pairs, plan
from apps.quickbooks.sync.records import AccountRecord
from apps.quickbooks.sync.specs import ACCOUNTS
from apps.quickbooks.sync.specs.accounts import CREATED_AS_MAPPED, GONE
from tests.quickbooks.test_plan_lists import DIVISION, link

PULL = PlanSettings(PrimarySystem.QUICKBOOKS)
PULL_FULL = PlanSettings(PrimarySystem.QUICKBOOKS, full=True)
# An Owner asked for account 1 on the account mapping page (items are sent).
ASKED_ONLINE = PlanSettings(PrimarySystem.QUICKBOOKS, OnlineBackend.capabilities, sent=frozenset({1}))
ASKED_DESKTOP = PlanSettings(PrimarySystem.QUICKBOOKS, DesktopBackend.capabilities, sent=frozenset({1}))
ASKED_NOWHERE = PlanSettings(PrimarySystem.QUICKBOOKS, Capabilities(), sent=frozenset({1}))
NOT_ASKED = PlanSettings(PrimarySystem.QUICKBOOKS, OnlineBackend.capabilities, sent=frozenset({2}))


def account(name="Services", number="", account_type=AccountType.INCOME, description="", active=True, pk=1) -> Account:
    return Account(
        pk=pk,
        division_id=DIVISION,
        name=name,
        number=number,
        account_type=account_type,
        description=description,
        active=active,
    )


def remote_account(
    name="Services", number="", account_type=AccountType.INCOME, active=True, version="0", remote_id="7"
) -> AccountRecord:
    return AccountRecord(
        remote_id=remote_id, version=version, name=name, number=number, account_type=account_type, active=active
    )


def pulled_link(record=None, **options):
    """Linked at the QuickBooks content last applied here."""
    return link(agreed=ACCOUNTS.remote_comparable(record or remote_account()), **options)


ACCOUNT_DECISIONS = [
    ("new there", remote_account(), None, None, PULL, Decision(Kind.CREATE_HERE)),
    ("matched here, not linked", remote_account(), account("services", "4000"), None, PULL, Decision(Kind.LINK)),
    ("both agree", remote_account(), account(), pulled_link(), PULL, Decision(Kind.NOTHING)),
    ("a new version there, same content", remote_account(version="1"), account(), pulled_link(), PULL, Kind.RELINK),
    # QuickBooks' values are applied only when they changed there: an edit here stands until then.
    ("edited here, unchanged there", remote_account(), account("Service Fees"), pulled_link(), PULL, Kind.NOTHING),
    (
        "edited here, unchanged there, in a full run",
        remote_account(),
        account("Service Fees"),
        pulled_link(),
        PULL_FULL,
        Kind.UPDATE_HERE,
    ),
    ("renamed there", remote_account("Service Income"), account(), pulled_link(), PULL, Kind.UPDATE_HERE),
    (
        "numbered there",
        remote_account(number="4000"),
        account(),
        pulled_link(),
        PULL,
        Kind.UPDATE_HERE,
    ),
    (
        "of another type there",
        remote_account(account_type=AccountType.OTHER_INCOME),
        account(),
        pulled_link(),
        PULL,
        Kind.UPDATE_HERE,
    ),
    (
        "changed there as it was edited here",
        remote_account("Service Fees"),
        account("Service Fees"),
        pulled_link(),
        PULL,
        Kind.RELINK,
    ),
    (
        "no number there: the number here is kept",
        remote_account(),
        account(number="4000"),
        pulled_link(),
        PULL,
        Kind.NOTHING,
    ),
    ("made inactive there", remote_account(active=False), account(), pulled_link(), PULL, Kind.DEACTIVATE_HERE),
    ("deleted there", None, account(), pulled_link(), PULL, Decision(Kind.DEACTIVATE_HERE, GONE)),
    ("deleted there, inactive here already", None, account(active=False), pulled_link(), PULL, Kind.NOTHING),
    # The accounts an Owner asked to create in QuickBooks (account mapping), which QuickBooks has no twin of.
    ("asked for (Online)", None, account(), None, ASKED_ONLINE, Decision(Kind.CREATE_THERE, CREATED_AS_MAPPED)),
    # Desktop's QuickBooks takes accounts; FieldOffice's adapter refuses them, one by one, when sent.
    ("asked for (Desktop)", None, account(), None, ASKED_DESKTOP, Decision(Kind.CREATE_THERE, CREATED_AS_MAPPED)),
    (
        "asked for, where QuickBooks takes none",
        None,
        account(),
        None,
        ASKED_NOWHERE,
        Decision(Kind.SKIP, "QuickBooks does not let other apps add Services: add it in QuickBooks."),
    ),
    ("asked for, inactive here", None, account(active=False), None, ASKED_ONLINE, Kind.CREATE_THERE),
    ("not asked for", None, account(), None, NOT_ASKED, Kind.NOTHING),
    ("not asked for, no settings", None, account(), None, PULL, Kind.NOTHING),
]


@pytest.mark.parametrize(
    ("case", "remote", "local", "link_", "settings", "decision"),
    ACCOUNT_DECISIONS,
    ids=[row[0] for row in ACCOUNT_DECISIONS],
)
def test_accounts_plan(case, remote, local, link_, settings, decision):
    found = plan(ACCOUNTS, remote, local, link_, settings)
    assert (found.kind if isinstance(decision, Kind) else found) == decision


def _pairs(found):
    return [(pair.remote and pair.remote.remote_id, pair.local and pair.local.pk, pair.link) for pair in found]


def test_accounts_pair_by_link_then_number_then_name():
    by_link = account("Checking", pk=1)
    by_number = account("Parts Sales", "4100", pk=2)
    by_name = account("job materials", "6000", pk=3)
    other_number = account("Sales", "4200", pk=4)
    linked = link(remote_id="10", object_id=1)
    there = [
        remote_account("Operating Checking", remote_id="10"),
        remote_account("Sales of Product Income", "4100", remote_id="11"),
        remote_account("Job Materials", remote_id="12"),
        # A number here belongs to another account: matched by it, whatever the name says.
        remote_account("Parts Sales", "4200", remote_id="13"),
    ]
    local = [by_link, by_number, by_name, other_number]

    found = pairs(ACCOUNTS, PrimarySystem.QUICKBOOKS, there, local, {1: linked}, {"10": linked})

    assert _pairs(found) == [("10", 1, linked), ("11", 2, None), ("12", 3, None), ("13", 4, None)]


def test_an_account_matched_once_by_number_is_not_matched_again_by_name():
    sales = account("Sales", "4000", pk=1)
    there = [remote_account("Income", "4000", remote_id="11"), remote_account("Sales", remote_id="12")]

    found = pairs(ACCOUNTS, PrimarySystem.QUICKBOOKS, there, [sales], {}, {})

    assert _pairs(found) == [("11", 1, None), ("12", None, None)]


def test_the_accounts_asked_for_are_paired_only_when_quickbooks_has_no_twin_of_them():
    asked, found_there, not_asked = account("Subcontracted Labor", pk=1), account("Services", pk=2), account("X", pk=3)
    there = [remote_account("Services")]
    local = [asked, found_there, not_asked]

    found = pairs(ACCOUNTS, PrimarySystem.QUICKBOOKS, there, local, {}, {}, sent={1, 2})
    partial = pairs(ACCOUNTS, PrimarySystem.QUICKBOOKS, there, local, {}, {}, complete=False, sent={1, 2})

    assert _pairs(found) == [("7", 2, None), (None, 1, None)]
    assert _pairs(partial) == [("7", 2, None)]  # QuickBooks may have it: the chart was not read in full.
