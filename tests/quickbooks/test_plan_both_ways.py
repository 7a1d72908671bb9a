"""
The engine's plan for records QuickBooks sends one way or both ways (customers and their service locations), as a
table of (QuickBooks' record, the local record, their link, the run's rules, what changed here) → decision: a pure
function, no database, no QuickBooks.
"""

from datetime import UTC, datetime, timedelta

import pytest

from apps.customers.models import Customer
from apps.quickbooks.models import RecordLink
from apps.quickbooks.sync.plan import (
    KEPT_HERE,
    KEPT_THERE,
    LOST_THERE,
    MATCHED_KEEP_HERE,
    NOTHING,
    BothWays,
    Decision,
    Kind,
    plan_both_ways,
    plan_sent,
    unchanged_there,
)
from apps.quickbooks.sync.records import CustomerRecord

# A fixed moment: the plan compares times, never with the clock.
EDITED = datetime(2015, 11, 2, 9, 30, tzinfo=UTC)
ONE_WAY = BothWays(two_way=False)
ONE_WAY_FULL = BothWays(two_way=False, full=True)
QUICKBOOKS_PRIMARY = BothWays(two_way=True, quickbooks_primary=True)
FIELDOFFICE_PRIMARY = BothWays(two_way=True, quickbooks_primary=False)
REFUSED = "FieldOffice already has a customer named Acme that is not linked to this QuickBooks customer."


def remote(version="3") -> CustomerRecord:
    return CustomerRecord(remote_id="58", version=version, name="Acme", updated_at=EDITED)


def local(pk=1) -> Customer:
    return Customer(pk=pk, division_id=1, display_name="Acme")


def link(version="2", agreed="agreed") -> RecordLink:
    return RecordLink(division_id=1, object_id=1, qbo_id="58", sync_token=version, content_hash=agreed)


def edited_here(*, later: bool, changed: bool = True, content="changed") -> dict:
    """A local record edited since the last run (``changed``), before or after QuickBooks' edit."""
    moment = EDITED + timedelta(minutes=5) if later else EDITED - timedelta(minutes=5)
    return {"local_hash": content, "local_changed": changed, "local_edited_at": moment, "remote_edited_at": EDITED}


CASES = [
    # (why, local, link, rules, what changed here, decision)
    ("unchanged there since last synced", local(), link(version="3"), QUICKBOOKS_PRIMARY, {}, NOTHING),
    ("unchanged there, but a full run looks", local(), link(version="3"), ONE_WAY_FULL, {}, Decision(Kind.UPDATE_HERE)),
    ("new in QuickBooks", None, None, ONE_WAY, {}, Decision(Kind.CREATE_HERE)),
    ("new in QuickBooks, both ways", None, None, FIELDOFFICE_PRIMARY, {}, Decision(Kind.CREATE_HERE)),
    ("a namesake here, one way: never merged", local(), None, ONE_WAY, {}, Decision(Kind.KEPT_APART, REFUSED)),
    ("a namesake here, QuickBooks primary", local(), None, QUICKBOOKS_PRIMARY, {}, Decision(Kind.LINK)),
    (
        "a namesake here, FieldOffice primary",
        local(),
        None,
        FIELDOFFICE_PRIMARY,
        {},
        Decision(Kind.LINK_KEEP_HERE, MATCHED_KEEP_HERE),
    ),
    ("changed there only", local(), link(), QUICKBOOKS_PRIMARY, {}, Decision(Kind.UPDATE_HERE)),
    (
        "changed on both sides, FieldOffice's edit later",
        local(),
        link(),
        QUICKBOOKS_PRIMARY,
        edited_here(later=True),
        Decision(Kind.KEEP_HERE, KEPT_HERE),
    ),
    (
        "changed on both sides, QuickBooks' edit later, whichever system is primary",
        local(),
        link(),
        FIELDOFFICE_PRIMARY,
        edited_here(later=False),
        Decision(Kind.UPDATE_HERE, KEPT_THERE, conflict=True),
    ),
    (
        "edited here since the last run, but back to what was synced",
        local(),
        link(),
        QUICKBOOKS_PRIMARY,
        edited_here(later=True, content="agreed"),
        Decision(Kind.UPDATE_HERE),
    ),
    (
        "different here, but not edited since the last run",
        local(),
        link(),
        QUICKBOOKS_PRIMARY,
        edited_here(later=True, changed=False),
        Decision(Kind.UPDATE_HERE),
    ),
    (
        "changed on both sides, one way: QuickBooks' values apply, no conflict",
        local(),
        link(),
        ONE_WAY,
        edited_here(later=True),
        Decision(Kind.UPDATE_HERE),
    ),
]


@pytest.mark.parametrize(("why", "here", "linked", "rules", "edits", "decision"), CASES, ids=[c[0] for c in CASES])
def test_a_record_quickbooks_sends_is_decided_by_the_two_way_rules(why, here, linked, rules, edits, decision):
    assert plan_both_ways(remote(), here, linked, rules, namesake_refused=REFUSED, **edits) == decision


def test_a_record_without_an_edit_time_there_loses_to_the_edit_here():
    edits = {**edited_here(later=False), "remote_edited_at": None}

    assert plan_both_ways(remote(), local(), link(), QUICKBOOKS_PRIMARY, **edits).kind == Kind.KEEP_HERE


def test_unchanged_there_needs_a_link_at_quickbooks_version():
    assert unchanged_there(link(version="3"), remote(version="3"), ONE_WAY)
    assert not unchanged_there(link(version="2"), remote(version="3"), ONE_WAY)
    assert not unchanged_there(None, remote(), ONE_WAY)
    assert not unchanged_there(link(version="3"), remote(version="3"), ONE_WAY_FULL)


# Sent: the local record's side (``plan_sent``), what is sent for it hashing to "sent".

TAKEN = "QuickBooks already has a customer named Acme that is not linked to this record."


def in_flight() -> RecordLink:
    """A create an interrupted run sent without learning the outcome."""
    return RecordLink(division_id=1, object_id=1, qbo_id="", pending_since=EDITED, pending_name="Acme")


SENT_CASES = [
    # (why, link, rules, options, decision)
    ("never sent", None, ONE_WAY, {}, Decision(Kind.CREATE_THERE)),
    ("unchanged since sent", link(agreed="sent"), ONE_WAY, {}, NOTHING),
    ("changed here since sent", link(agreed="before"), ONE_WAY, {}, Decision(Kind.UPDATE_THERE)),
    (
        "unchanged, but its edit won a conflict",
        link(agreed="sent"),
        QUICKBOOKS_PRIMARY,
        {"forced": True},
        Decision(Kind.UPDATE_THERE),
    ),
    (
        "a namesake there, one way: never merged",
        None,
        ONE_WAY,
        {"namesake": remote()},
        Decision(Kind.KEPT_APART, TAKEN),
    ),
    (
        "a namesake there, both ways: created, and linked when QuickBooks says the name is in use",
        None,
        FIELDOFFICE_PRIMARY,
        {"namesake": remote()},
        Decision(Kind.CREATE_THERE),
    ),
    (
        "in flight: recovered, whatever has the name",
        in_flight(),
        ONE_WAY,
        {"namesake": remote()},
        Decision(Kind.CREATE_THERE),
    ),
    (
        "resend: QuickBooks holds what is sent",
        link(agreed="before"),
        ONE_WAY,
        {"resend": True, "held_hash": "sent"},
        NOTHING,
    ),
    (
        "resend: QuickBooks' copy differs",
        link(agreed="sent"),
        ONE_WAY,
        {"resend": True, "held_hash": "other"},
        Decision(Kind.UPDATE_THERE),
    ),
    (
        "resend: QuickBooks lost it",
        link(agreed="sent"),
        ONE_WAY,
        {"resend": True},
        Decision(Kind.CREATE_THERE, LOST_THERE),
    ),
]


@pytest.mark.parametrize(("why", "linked", "rules", "options", "decision"), SENT_CASES, ids=[c[0] for c in SENT_CASES])
def test_a_record_sent_is_decided_by_its_link_and_the_two_way_rules(why, linked, rules, options, decision):
    assert plan_sent("sent", linked, rules, namesake_refused=TAKEN, **options) == decision
