"""
The engine's plan for the short lists, as tables of (QuickBooks' record, the local record, their link, the run's
settings) → decision: pure functions, no database, no QuickBooks.
"""

from decimal import Decimal

import pytest

from apps.accounting.models import PaymentTerm, TaxRate
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.desktop.mapping.lists import TERM_UNCHANGEABLE
from apps.quickbooks.mapping.common import content_hash
from apps.quickbooks.models import PrimarySystem, RecordLink
from apps.quickbooks.online.backend import OnlineBackend
from apps.quickbooks.online.mapping.tax import CODE_UNCHANGEABLE
from apps.quickbooks.sync.backend import Capabilities
from apps.quickbooks.sync.plan import GONE, Decision, Kind, PlanSettings, pairs, plan
from apps.quickbooks.sync.records import TaxCodeRecord, TermRecord
from apps.quickbooks.sync.specs import PAYMENT_TERMS, TAX_RATES

# Model instances are built with a division id: the default would look the default division up.
DIVISION = 1
PULL = PlanSettings(PrimarySystem.QUICKBOOKS)
PUSH_ONLINE = PlanSettings(PrimarySystem.LOCAL, OnlineBackend.capabilities)
PUSH_DESKTOP = PlanSettings(PrimarySystem.LOCAL, DesktopBackend.capabilities)
PUSH_NOWHERE = PlanSettings(PrimarySystem.LOCAL, Capabilities())


def term(name="Net 30", due_days=30, active=True, pk=1) -> PaymentTerm:
    return PaymentTerm(pk=pk, division_id=DIVISION, name=name, due_days=due_days, active=active)


def remote_term(name="Net 30", due_days: int | None = 30, active=True, version="0") -> TermRecord:
    return TermRecord(remote_id="7", version=version, name=name, due_days=due_days, active=active)


def rate(name="Duluth", percent="8.8750", agency="MN Revenue", active=True, pk=1) -> TaxRate:
    return TaxRate(pk=pk, division_id=DIVISION, name=name, percent=Decimal(percent), agency=agency, active=active)


def remote_code(name="Duluth", percent="8.875", agency="MN Revenue", active=True, version="0") -> TaxCodeRecord:
    """A tax code as the plan sees it: its rates looked up (``resolve``)."""
    return TaxCodeRecord(
        remote_id="7", version=version, name=name, active=active, percent=Decimal(percent), agency_name=agency
    )


def link(*, version="0", agreed: dict | None = None, remote_id="7", object_id=1) -> RecordLink:
    """A link, at QuickBooks' ``version``, holding the hash of the comparable form both sides ``agreed`` on."""
    return RecordLink(
        division_id=DIVISION,
        object_id=object_id,
        qbo_id=remote_id,
        sync_token=version,
        content_hash=content_hash(agreed) if agreed is not None else "",
    )


def pulled_term_link(record=None, **options) -> RecordLink:
    return link(agreed=PAYMENT_TERMS.remote_comparable(record or remote_term()), **options)


def sent_term_link(local=None) -> RecordLink:
    return link(agreed=PAYMENT_TERMS.local_comparable(local or term()))


def pulled_code_link(record=None, **options) -> RecordLink:
    return link(agreed=TAX_RATES.remote_comparable(record or remote_code()), **options)


def sent_rate_link(local=None) -> RecordLink:
    return link(agreed=TAX_RATES.local_comparable(local or rate()))


TERM_DECISIONS = [
    # QuickBooks keeps them: pulled.
    ("new there", remote_term("Net 45", 45), None, None, PULL, Decision(Kind.CREATE_HERE)),
    ("namesake here", remote_term(), term("net 30", 31), None, PULL, Decision(Kind.LINK)),
    ("both agree", remote_term(), term(), pulled_term_link(), PULL, Decision(Kind.NOTHING)),
    (
        "a new version there, same content",
        remote_term(version="1"),
        term(),
        pulled_term_link(),
        PULL,
        Decision(Kind.RELINK),
    ),
    ("renamed there", remote_term("Net 31"), term(), pulled_term_link(), PULL, Decision(Kind.UPDATE_HERE)),
    (
        "a day count changed there",
        remote_term(due_days=45),
        term(),
        pulled_term_link(),
        PULL,
        Decision(Kind.UPDATE_HERE),
    ),
    (
        "made inactive there",
        remote_term(active=False),
        term(),
        pulled_term_link(),
        PULL,
        Decision(Kind.DEACTIVATE_HERE),
    ),
    ("deleted there", None, term(), pulled_term_link(), PULL, Decision(Kind.DEACTIVATE_HERE, GONE)),
    (
        "deleted there, inactive here already",
        None,
        term(active=False),
        pulled_term_link(),
        PULL,
        Decision(Kind.NOTHING),
    ),
    (
        "date-driven there: a month here",
        remote_term("15th", due_days=None),
        term("15th", 30),
        pulled_term_link(remote_term("15th", due_days=None)),
        PULL,
        Decision(Kind.NOTHING),
    ),
    # FieldOffice keeps them: pushed, compared with QuickBooks' copy.
    ("new here", None, term(), None, PUSH_ONLINE, Decision(Kind.CREATE_THERE)),
    ("new here, inactive", None, term(active=False), None, PUSH_ONLINE, Decision(Kind.NOTHING)),
    ("namesake there, same", remote_term(), term(), None, PUSH_ONLINE, Decision(Kind.LINK)),
    (
        "namesake there, other days (Online)",
        remote_term(due_days=31),
        term(),
        None,
        PUSH_ONLINE,
        Decision(Kind.UPDATE_THERE),
    ),
    (
        "namesake there, other days (Desktop)",
        remote_term(due_days=31),
        term(),
        None,
        PUSH_DESKTOP,
        Decision(Kind.SKIP, TERM_UNCHANGEABLE.format(name="Net 30")),
    ),
    ("both agree, pushed", remote_term(), term(), sent_term_link(), PUSH_ONLINE, Decision(Kind.NOTHING)),
    (
        "changed here (Online)",
        remote_term(),
        term(due_days=45),
        sent_term_link(),
        PUSH_ONLINE,
        Decision(Kind.UPDATE_THERE),
    ),
    (
        "changed here (Desktop)",
        remote_term(),
        term(due_days=45),
        sent_term_link(),
        PUSH_DESKTOP,
        Decision(Kind.SKIP, TERM_UNCHANGEABLE.format(name="Net 30")),
    ),
    (
        "changed here and reported (Desktop)",
        remote_term(),
        term(due_days=45),
        sent_term_link(term(due_days=45)),
        PUSH_DESKTOP,
        Decision(Kind.NOTHING),
    ),
    (
        "changed there while FieldOffice keeps it (Online)",
        remote_term(due_days=60),
        term(),
        sent_term_link(),
        PUSH_ONLINE,
        Decision(Kind.UPDATE_THERE),
    ),
    (
        "new here, where QuickBooks takes none",
        None,
        term(),
        None,
        PUSH_NOWHERE,
        Decision(Kind.SKIP, "QuickBooks does not let other apps add Net 30: add it in QuickBooks."),
    ),
]

TAX_RATE_DECISIONS = [
    # QuickBooks keeps them: pulled, a code's rates summed.
    ("new there", remote_code(), None, None, PULL, Decision(Kind.CREATE_HERE)),
    ("namesake here", remote_code(), rate("duluth", "8"), None, PULL, Decision(Kind.LINK)),
    ("both agree", remote_code(), rate(), pulled_code_link(), PULL, Decision(Kind.NOTHING)),
    ("re-rated there", remote_code(percent="9.125"), rate(), pulled_code_link(), PULL, Decision(Kind.UPDATE_HERE)),
    (
        # A Desktop group, or an Online code, whose rate changed: the code's version stays.
        "one of its rates re-rated there",
        remote_code(percent="9.125"),
        rate(),
        pulled_code_link(remote_code()),
        PULL,
        Decision(Kind.UPDATE_HERE),
    ),
    (
        "another agency there",
        remote_code(agency="Duluth City"),
        rate(),
        pulled_code_link(),
        PULL,
        Decision(Kind.UPDATE_HERE),
    ),
    (
        "made inactive there",
        remote_code(active=False),
        rate(),
        pulled_code_link(),
        PULL,
        Decision(Kind.DEACTIVATE_HERE),
    ),
    ("deleted there", None, rate(), pulled_code_link(), PULL, Decision(Kind.DEACTIVATE_HERE, GONE)),
    # FieldOffice keeps them: pushed when changed here since last sent.
    ("new here", None, rate(), None, PUSH_ONLINE, Decision(Kind.CREATE_THERE)),
    ("namesake there, whatever its rate", remote_code(percent="7"), rate(), None, PUSH_ONLINE, Decision(Kind.LINK)),
    ("sent, unchanged here", remote_code(percent="7"), rate(), sent_rate_link(), PUSH_ONLINE, Decision(Kind.NOTHING)),
    (
        "changed here (Online)",
        remote_code(),
        rate(percent="9"),
        sent_rate_link(),
        PUSH_ONLINE,
        Decision(Kind.SKIP, CODE_UNCHANGEABLE.format(name="Duluth")),
    ),
    (
        "changed here and reported (Online)",
        remote_code(),
        rate(percent="9"),
        sent_rate_link(rate(percent="9")),
        PUSH_ONLINE,
        Decision(Kind.NOTHING),
    ),
    (
        "changed here (Desktop)",
        remote_code(),
        rate(percent="9"),
        sent_rate_link(),
        PUSH_DESKTOP,
        Decision(Kind.UPDATE_THERE),
    ),
]


def _ids(table):
    return [row[0] for row in table]


@pytest.mark.parametrize(
    ("case", "remote", "local", "link_", "settings", "decision"), TERM_DECISIONS, ids=_ids(TERM_DECISIONS)
)
def test_payment_terms_plan(case, remote, local, link_, settings, decision):
    assert plan(PAYMENT_TERMS, remote, local, link_, settings) == decision


@pytest.mark.parametrize(
    ("case", "remote", "local", "link_", "settings", "decision"), TAX_RATE_DECISIONS, ids=_ids(TAX_RATE_DECISIONS)
)
def test_tax_rates_plan(case, remote, local, link_, settings, decision):
    assert plan(TAX_RATES, remote, local, link_, settings) == decision


# Pairs: by link, then by name.


def test_pulled_pairs_match_by_link_then_only_never_linked_namesakes_then_the_linked_ones_gone():
    net30, net45, gone = term("Net 30", pk=1), term("Net 45", pk=2), term("Net 60", pk=3)
    relinked = link(remote_id="8", object_id=2)  # Net 45 here is linked to another term there.
    old = link(remote_id="9", object_id=3)
    there = [
        remote_term("Net 30"),
        TermRecord(remote_id="8", name="Net 45 days"),
        TermRecord(remote_id="10", name="Net 45"),
    ]
    by_local = {2: relinked, 3: old}
    by_remote = {"8": relinked, "9": old}

    found = pairs(PAYMENT_TERMS, PrimarySystem.QUICKBOOKS, there, [net30, net45, gone], by_local, by_remote)

    assert [(pair.remote and pair.remote.remote_id, pair.local and pair.local.pk, pair.link) for pair in found] == [
        ("7", 1, None),  # Never linked: matched by name.
        ("8", 2, relinked),  # By link, whatever the name.
        ("10", None, None),  # Net 45 here is linked elsewhere: a term of its own.
        (None, 3, old),  # Linked, and no longer there.
    ]


def test_pushed_pairs_give_a_namesake_to_one_local_record_only_and_replace_a_twin_gone():
    first, second, orphan = term("Net 30", pk=1), term("NET 30", pk=2), term("Net 45", pk=3)
    gone = link(remote_id="99", object_id=3)
    there = [remote_term("Net 30"), TermRecord(remote_id="8", name="Net 45")]

    found = pairs(PAYMENT_TERMS, PrimarySystem.LOCAL, there, [first, second, orphan], {3: gone}, {"99": gone})

    assert [(pair.remote and pair.remote.remote_id, pair.local.pk, pair.link) for pair in found] == [
        ("7", 1, None),
        (None, 2, None),  # The namesake went to the first: this one is created.
        ("8", 3, gone),  # Its twin is gone from QuickBooks: the namesake there takes its place.
    ]


def test_pulled_pairs_of_a_list_not_read_in_full_leave_the_linked_records_it_lacks_alone():
    linked = term("Net 60", pk=3)
    old = link(remote_id="9", object_id=3)

    found = pairs(PAYMENT_TERMS, PrimarySystem.QUICKBOOKS, [], [linked], {3: old}, {"9": old}, complete=False)

    assert found == []
