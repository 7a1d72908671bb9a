"""
The engine's writes (``sync.writes``) without QuickBooks: a backend that answers from a script stands in for it, and
customers stand for any local record. Rounds, pending creates found again, stale versions retried, names in use.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers.models import Customer
from apps.quickbooks.errors import (
    ApiError,
    DuplicateNameError,
    FaultDetail,
    ObjectNotFoundError,
    StaleObjectError,
    UnavailableError,
)
from apps.quickbooks.models import RecordLink, SyncAction, SyncRun, SyncSettings, SyncTrigger
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.journal import RunJournal
from apps.quickbooks.sync.lock import sync_state_get
from apps.quickbooks.sync.plan import LOST_THERE
from apps.quickbooks.sync.records import CustomerRecord, TermRecord
from apps.quickbooks.sync.writes import (
    CLOCK_TOLERANCE,
    INTERRUPTED_CREATE,
    Recovery,
    Writer,
    as_new,
    link_release,
    rounds_send,
)
from tests.factories import CustomerFactory

ENTITY = "Customer"


def _fault(error_class, code: str) -> ApiError:
    return error_class(f"fault {code}", status=400, errors=(FaultDetail(code=code, message=f"fault {code}"),))


def stale() -> ApiError:
    return _fault(StaleObjectError, "5010")


def name_in_use() -> ApiError:
    return _fault(DuplicateNameError, "6240")


def not_found() -> ApiError:
    return _fault(ObjectNotFoundError, "610")


class ScriptedBackend:
    """
    Answers each write from ``refusals`` (payload name → the errors it gets, one per time it is sent), else accepts
    it at the next version; remembers every round it was sent, and what the links said when it was.
    """

    api_calls = 0

    def __init__(self) -> None:
        self.rounds: list[list[Write]] = []
        self.refusals: dict[str, list[ApiError]] = {}
        self.current: dict[str, object] = {}
        self.created: list[CustomerRecord] = []
        self.pending_seen: list[dict[int, str]] = []
        self.read_ids: list[list[str]] = []

    def write(self, writes: list[Write]) -> list[WriteResult]:
        self.rounds.append(list(writes))
        self.pending_seen.append(dict(RecordLink.objects.filter(qbo_id="").values_list("object_id", "pending_name")))
        results = []
        for write in writes:
            name = write.payload.name
            if self.refusals.get(name):
                results.append(WriteResult(write, error=self.refusals[name].pop(0)))
                continue
            results.append(WriteResult(write, record=_accepted(write)))
        return results

    def read_by_ids(self, entity: str, ids: list[str]) -> list:
        self.read_ids.append(list(ids))
        return [self.current[remote_id] for remote_id in ids if remote_id in self.current]

    def find_by_names(self, entity: str, names: list[str], *, within=()) -> list:
        return [obj for obj in self.created if obj.name in names]

    def close(self) -> None:
        pass


def _accepted(write: Write):
    if write.action == CREATE:
        return replace(write.payload, remote_id=f"9{write.key}", version="0")
    return replace(write.payload, version=str(int(write.payload.version) + 1))


@pytest.fixture
def ctx(division) -> RunContext:
    run = SyncRun.objects.create(division=division, trigger=SyncTrigger.MANUAL, status="running")
    context = RunContext(
        division=division,
        settings=SyncSettings(division=division),
        state=sync_state_get(division),
        run=run,
        backend=ScriptedBackend(),
        journal=RunJournal(run),
        lock_owner="test",
        started_at=timezone.now(),
    )
    context.heartbeats = 0

    def heartbeat() -> None:
        context.heartbeats += 1

    context.heartbeat = heartbeat
    return context


class Outcomes:
    """The ``applied`` of a writer: the final outcomes, in order."""

    def __init__(self) -> None:
        self.results: list[WriteResult] = []

    def __call__(self, result: WriteResult) -> None:
        self.results.append(result)

    def codes(self) -> list[str]:
        return ["ok" if result.ok else result.error.code for result in self.results]


def writer(ctx, outcomes: Outcomes, **options) -> Writer:
    links = options.pop("links", None) or ctx.link_set(Customer, ENTITY)
    return Writer(
        ctx,
        links,
        entity=ENTITY,
        log_as="customer",
        label=lambda write: f"customer {write.key}",
        local_id=lambda write: write.key,
        applied=outcomes,
        **{"sent_name": lambda write: write.payload.name, **options},
    )


def create(customer) -> Write:
    return Write(ENTITY, CREATE, CustomerRecord(name=customer.display_name), key=customer.pk)


def update(customer, remote_id: str, version: str) -> Write:
    payload = CustomerRecord(name=customer.display_name, remote_id=remote_id, version=version)
    return Write(ENTITY, UPDATE, payload, key=customer.pk)


# Rounds.


class Events:
    """What happened, in order: rounds built, sent, and outcomes applied."""

    def __init__(self) -> None:
        self.seen: list[str] = []


def _built(events: Events, ctx, name: str, customers) -> tuple[Writer, list[Write]]:
    events.seen.append(f"built {name}")

    def applied(result: WriteResult) -> None:
        events.seen.append(f"applied {name}")

    return writer(ctx, applied, per_round=10), [create(customer) for customer in customers]


class ThreadedBackend(ScriptedBackend):
    """A backend that sends from threads (Online's): it accepts every write, and reads nothing here meanwhile."""

    concurrency = 3

    def write(self, writes: list[Write]) -> list[WriteResult]:
        self.rounds.append(list(writes))
        return [WriteResult(write, record=_accepted(write)) for write in writes]


@pytest.mark.parametrize("threaded", [False, True])
def test_a_push_built_round_by_round_applies_each_round_after_the_next_is_built(ctx, division, threaded):
    """
    Every round is built when it is needed, sent once, and its outcomes applied in order: with a backend that sends
    from threads, while the next one is in flight.
    """
    if threaded:
        ctx.backend = ThreadedBackend()
    first, second = (
        CustomerFactory.create_batch(2, division=division),
        CustomerFactory.create_batch(1, division=division),
    )
    events = Events()

    rounds_send(ctx, (_built(events, ctx, name, customers) for name, customers in [("A", first), ("B", second)]))

    assert events.seen == ["built A", "built B", "applied A", "applied A", "applied B"]
    assert [len(sent) for sent in ctx.backend.rounds] == [2, 1]
    assert ctx.run.progress_done == 3
    if not threaded:
        # Each create was marked pending before its round went.
        assert ctx.backend.pending_seen[0].keys() == {customer.pk for customer in first}


def test_a_round_left_with_stale_versions_is_retried_before_the_next_round_is_applied(ctx, division):
    customer, other = CustomerFactory.create_batch(2, division=division)
    ctx.backend.current["91"] = CustomerRecord(remote_id="91", version="4")
    ctx.backend.refusals[customer.display_name] = [stale()]
    outcomes = Outcomes()

    rounds_send(
        ctx,
        iter(
            [
                (writer(ctx, outcomes), [update(customer, "91", "1")]),
                (writer(ctx, outcomes), [create(other)]),
            ]
        ),
    )

    assert outcomes.codes() == ["ok", "ok"]
    assert [result.write.key for result in outcomes.results] == [customer.pk, other.pk]
    assert ctx.backend.rounds[-1][0].payload.version == "4"


def test_writes_go_in_rounds_each_applied_then_counted_and_the_lease_renewed(ctx, division):
    customers = CustomerFactory.create_batch(5, division=division)
    outcomes = Outcomes()

    writer(ctx, outcomes, per_round=2).send([create(customer) for customer in customers])

    assert [len(sent) for sent in ctx.backend.rounds] == [2, 2, 1]
    assert outcomes.codes() == ["ok"] * 5
    assert ctx.run.progress_done == 5
    assert ctx.heartbeats == 3


def test_creates_are_marked_pending_under_the_name_sent_just_before_their_round(ctx, division):
    first, second, linked = CustomerFactory.create_batch(3, division=division)
    links = ctx.link_set(Customer, ENTITY)
    links.set(linked.pk, "70", "3", "hash")

    def linked_as_answered(result: WriteResult) -> None:  # what a step does with an accepted write
        links.set(result.write.key, result.record.remote_id, result.record.version, "")

    sending = writer(ctx, Outcomes(), per_round=1, links=links)
    sending.applied = linked_as_answered
    sending.send([create(first), create(second), update(linked, "70", "3")])

    assert ctx.backend.pending_seen[0] == {first.pk: first.display_name}
    # The first create was answered and linked before the second was marked.
    assert ctx.backend.pending_seen[1] == {second.pk: second.display_name}
    assert ctx.backend.pending_seen[2] == {}
    assert not RecordLink.objects.filter(qbo_id="").exists()


def test_a_writer_without_a_sent_name_marks_nothing_and_may_leave_the_progress(ctx, division):
    customer = CustomerFactory(division=division)
    outcomes = Outcomes()
    writer(ctx, outcomes, progress=False, sent_name=None).send([create(customer)])

    assert ctx.backend.pending_seen == [{}]
    assert ctx.run.progress_done == 0
    assert ctx.heartbeats == 1


# Interrupted creates.


def _pending(ctx, customer, *, name: str = "", minutes_ago: int = 10) -> RecordLink:
    links = ctx.link_set(Customer, ENTITY)
    links.mark_pending([(customer.pk, name or customer.display_name)])
    link = RecordLink.objects.get(object_id=customer.pk, qbo_id="")
    link.pending_since = timezone.now() - timedelta(minutes=minutes_ago)
    link.save()
    return link


def _made(name: str, remote_id: str, created) -> CustomerRecord:
    return CustomerRecord(name=name, remote_id=remote_id, version="2", created_at=created)


def _recovery(backend: ScriptedBackend, **options) -> Recovery:
    def find(pending):
        names = sorted({link.pending_name for _, link in pending})
        return {obj.name: obj for obj in backend.find_by_names(ENTITY, names)}

    return Recovery(
        find=find,
        keys=lambda pending: [pending.link.pending_name, pending.write.payload.name],
        created_at=lambda obj: obj.created_at,
        **options,
    )


def test_an_interrupted_create_is_linked_to_what_quickbooks_made_and_sent_as_its_update(ctx, division):
    renamed = CustomerFactory(division=division, display_name="Acme Plumbing Inc")
    _pending(ctx, renamed, name="Acme Plumbing", minutes_ago=30)
    made = _made("Acme Plumbing", "501", timezone.now() - timedelta(minutes=29))
    ctx.backend.created = [made]
    outcomes = Outcomes()
    links = ctx.link_set(Customer, ENTITY)
    links.load_all()
    sending = writer(ctx, outcomes, links=links, recovery=_recovery(backend=ctx.backend))

    writes = sending.recover([create(renamed)])

    assert [(write.action, write.payload) for write in writes] == [
        (UPDATE, CustomerRecord(name="Acme Plumbing Inc", remote_id="501", version="2"))
    ]
    link = RecordLink.objects.get(object_id=renamed.pk)
    assert (link.qbo_id, link.sync_token, link.content_hash, link.pending_name) == ("501", "2", "", "")
    ctx.journal.flush()
    entry = ctx.run.entries.get()
    assert (entry.action, entry.record_label, entry.qbo_id, entry.message) == (
        SyncAction.LINKED,
        f"customer {renamed.pk}",
        "501",
        INTERRUPTED_CREATE,
    )


def test_an_interrupted_create_is_sent_again_when_quickbooks_made_nothing_for_it(ctx, division):
    none_made, made_before, taken, unfit = CustomerFactory.create_batch(4, division=division)
    for customer in (none_made, made_before, taken, unfit):
        _pending(ctx, customer, minutes_ago=10)
    other = CustomerFactory(division=division)
    links = ctx.link_set(Customer, ENTITY)
    links.load_all()
    links.set(other.pk, "602", "0", "")
    now = timezone.now()
    ctx.backend.created = [
        # Made before the create was recorded, beyond the clocks' tolerance: another record of that name.
        _made(made_before.display_name, "601", now - timedelta(minutes=10) - CLOCK_TOLERANCE - timedelta(seconds=5)),
        _made(taken.display_name, "602", now),
        _made(unfit.display_name, "603", now),
    ]
    outcomes = Outcomes()
    recovery = _recovery(backend=ctx.backend, fits=lambda pending, obj: obj.remote_id != "603")
    sending = writer(ctx, outcomes, links=links, recovery=recovery)

    writes = sending.recover([create(customer) for customer in (none_made, made_before, taken, unfit)])

    assert [(write.action, write.key) for write in writes] == [
        (CREATE, none_made.pk),
        (CREATE, made_before.pk),
        (CREATE, taken.pk),
        (CREATE, unfit.pk),
    ]
    ctx.journal.flush()
    assert not ctx.run.entries.exists()


def test_made_within_the_clocks_tolerance_before_the_mark_counts_as_the_creates(ctx, division):
    customer = CustomerFactory(division=division)
    link = _pending(ctx, customer, minutes_ago=10)
    ctx.backend.created = [_made(customer.display_name, "610", link.pending_since - CLOCK_TOLERANCE)]
    links = ctx.link_set(Customer, ENTITY)
    links.load_all()

    writes = writer(ctx, Outcomes(), links=links, recovery=_recovery(backend=ctx.backend)).recover([create(customer)])

    assert [(write.action, write.payload.remote_id) for write in writes] == [(UPDATE, "610")]


def test_what_quickbooks_holds_already_is_linked_at_its_content_and_not_sent(ctx, division):
    customer = CustomerFactory(division=division)
    _pending(ctx, customer)
    ctx.backend.created = [_made(customer.display_name, "620", timezone.now())]
    links = ctx.link_set(Customer, ENTITY)
    links.load_all()
    recovery = _recovery(backend=ctx.backend, holds=lambda pending, obj: "same-content")

    writes = writer(ctx, Outcomes(), links=links, recovery=recovery).recover([create(customer)])

    assert writes == []
    link = RecordLink.objects.get(object_id=customer.pk)
    assert (link.qbo_id, link.content_hash) == ("620", "same-content")


def test_an_adopted_write_is_sent_as_the_update_of_the_record_found(ctx, division):
    customer = CustomerFactory(division=division)
    _pending(ctx, customer)
    ctx.backend.created = [_made(customer.display_name, "630", timezone.now())]
    links = ctx.link_set(Customer, ENTITY)
    links.load_all()

    def adopt(pending, obj):
        write = pending.write
        return Write(write.entity, write.action, replace(write.payload, name=obj.name + "!"), write.key)

    recovery = _recovery(backend=ctx.backend, adopt=adopt, message="Found again.")
    writes = writer(ctx, Outcomes(), links=links, recovery=recovery).recover([create(customer)])

    assert writes[0].payload == CustomerRecord(name=customer.display_name + "!", remote_id="630", version="2")
    ctx.journal.flush()
    assert ctx.run.entries.get().message == "Found again."


# Stale versions.


def test_a_stale_write_is_read_again_rebuilt_on_the_fresh_version_and_sent_once_more(ctx, division):
    customer, other = CustomerFactory.create_batch(2, division=division)
    ctx.backend.refusals[customer.display_name] = [stale()]
    ctx.backend.current["40"] = CustomerRecord(remote_id="40", version="8", name="changed there")
    outcomes = Outcomes()

    writer(ctx, outcomes).send([update(customer, "40", "5"), update(other, "41", "1")])

    assert ctx.backend.read_ids == [["40"]]
    assert len(ctx.backend.rounds) == 2
    retried = ctx.backend.rounds[1]
    assert [(write.action, write.payload) for write in retried] == [
        (UPDATE, CustomerRecord(name=customer.display_name, remote_id="40", version="8"))
    ]
    # Each write reaches the step once, with its final outcome.
    assert [(result.write.key, result.ok) for result in outcomes.results] == [(other.pk, True), (customer.pk, True)]


def test_stale_writes_wait_for_every_round_and_are_read_again_together(ctx, division):
    first, second = CustomerFactory.create_batch(2, division=division)
    for customer in (first, second):
        ctx.backend.refusals[customer.display_name] = [stale()]
    ctx.backend.current.update(
        {"1": CustomerRecord(remote_id="1", version="4"), "2": CustomerRecord(remote_id="2", version="6")}
    )
    outcomes = Outcomes()

    writer(ctx, outcomes, per_round=1).send([update(first, "1", "3"), update(second, "2", "5")])

    assert ctx.backend.read_ids == [["1", "2"]]
    assert [len(sent) for sent in ctx.backend.rounds] == [1, 1, 2]
    assert outcomes.codes() == ["ok", "ok"]


def test_a_write_stale_again_fails_and_is_not_sent_a_third_time(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [stale(), stale()]
    ctx.backend.current["40"] = CustomerRecord(remote_id="40", version="8")
    outcomes = Outcomes()

    writer(ctx, outcomes).send([update(customer, "40", "5")])

    assert len(ctx.backend.rounds) == 2
    assert outcomes.codes() == ["5010"]


def test_a_stale_write_quickbooks_no_longer_has_fails_with_its_refusal(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [stale()]
    outcomes = Outcomes()

    writer(ctx, outcomes).send([update(customer, "40", "5")])

    assert len(ctx.backend.rounds) == 1
    assert [(result.write.payload.version, result.error.code) for result in outcomes.results] == [("5", "5010")]


def test_engine_records_are_rebuilt_on_the_fresh_version_too(ctx, division):
    customer = CustomerFactory(division=division)
    term = TermRecord(remote_id="3", version="1", name=customer.display_name, due_days=30)
    ctx.backend.refusals[term.name] = [stale()]
    ctx.backend.current["3"] = TermRecord(remote_id="3", version="4", name="Net 30", due_days=30)
    outcomes = Outcomes()

    writer(ctx, outcomes).send([Write("Term", UPDATE, term, key=customer.pk)])

    assert ctx.backend.rounds[1][0].payload == TermRecord(remote_id="3", version="4", name=term.name, due_days=30)
    assert outcomes.codes() == ["ok"]


# Records QuickBooks lost.


def test_an_update_of_a_record_quickbooks_lost_goes_again_as_a_create_and_says_so(ctx, division):
    customer, other = CustomerFactory.create_batch(2, division=division)
    links = ctx.link_set(Customer, ENTITY)
    links.set(customer.pk, "40", "5", "old")
    ctx.backend.refusals[customer.display_name] = [not_found()]
    outcomes = Outcomes()

    writer(ctx, outcomes, links=links, recreate=as_new).send([update(customer, "40", "5"), update(other, "41", "1")])

    assert ctx.backend.read_ids == [["40"]]
    (again,) = ctx.backend.rounds[1]
    assert (again.action, again.payload.remote_id, again.payload.version, again.note) == (CREATE, "", "", LOST_THERE)
    # It went as a create, marked pending under its name: the lost record's link is gone.
    assert ctx.backend.pending_seen[1] == {customer.pk: customer.display_name}
    assert [(result.write.key, result.write.action, result.ok) for result in outcomes.results] == [
        (other.pk, UPDATE, True),
        (customer.pk, CREATE, True),
    ]


def test_a_record_quickbooks_still_has_is_not_made_twice_when_the_fault_names_another(ctx, division):
    # Online's 610 also answers an update naming an inactive record: the record itself is still there.
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [not_found()]
    ctx.backend.current["40"] = CustomerRecord(remote_id="40", version="5")
    outcomes = Outcomes()

    writer(ctx, outcomes, recreate=as_new).send([update(customer, "40", "5")])

    assert len(ctx.backend.rounds) == 1
    assert outcomes.codes() == ["610"]


def test_without_recreate_an_update_of_a_lost_record_fails_at_once(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [not_found()]
    outcomes = Outcomes()

    writer(ctx, outcomes).send([update(customer, "40", "5")])

    assert (ctx.backend.read_ids, len(ctx.backend.rounds), outcomes.codes()) == ([], 1, ["610"])


# Names in use.


def test_names_in_use_are_resolved_after_every_round_and_sent_with_the_stale_retries(ctx, division):
    taken, stale_one, fine = CustomerFactory.create_batch(3, division=division)
    ctx.backend.refusals[taken.display_name] = [name_in_use()]
    ctx.backend.refusals[stale_one.display_name] = [stale()]
    ctx.backend.current["50"] = CustomerRecord(remote_id="50", version="2")
    outcomes = Outcomes()
    resolved: list[list[int]] = []

    def duplicates(refused: list[WriteResult]) -> list[Write]:
        resolved.append([result.write.key for result in refused])
        # The entity renames the record and sends it again.
        return [Write(ENTITY, CREATE, CustomerRecord(name=f"{taken.display_name} (2)"), key=taken.pk)]

    sending = writer(ctx, outcomes, per_round=1, duplicates=duplicates)
    sending.send([create(taken), update(stale_one, "50", "1"), create(fine)])

    assert resolved == [[taken.pk]]
    assert [[write.key for write in sent] for sent in ctx.backend.rounds] == [
        [taken.pk],
        [stale_one.pk],
        [fine.pk],
        [stale_one.pk, taken.pk],
    ]
    assert [(result.write.key, result.ok) for result in outcomes.results] == [
        (fine.pk, True),
        (stale_one.pk, True),
        (taken.pk, True),
    ]


def test_a_name_in_use_is_an_ordinary_outcome_for_an_entity_that_does_not_resolve_them(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [name_in_use()]
    outcomes = Outcomes()

    writer(ctx, outcomes).send([create(customer)])

    assert len(ctx.backend.rounds) == 1
    assert outcomes.codes() == ["6240"]


def test_a_name_in_use_again_after_it_was_resolved_is_final(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [name_in_use(), name_in_use()]
    outcomes = Outcomes()

    writer(ctx, outcomes, duplicates=lambda refused: [result.write for result in refused]).send([create(customer)])

    assert len(ctx.backend.rounds) == 2
    assert outcomes.codes() == ["6240"]


# After a refusal.


def test_a_create_refused_for_good_leaves_nothing_pending_and_a_linked_record_is_sent_again(ctx, division):
    refused, unreachable, linked = CustomerFactory.create_batch(3, division=division)
    links = ctx.link_set(Customer, ENTITY)
    links.mark_pending([(refused.pk, refused.display_name), (unreachable.pk, unreachable.display_name)])
    links.set(linked.pk, "80", "1", "hash")

    assert link_release(links, refused.pk, _fault(DuplicateNameError, "6240")).qbo_id == ""
    # Not answered: QuickBooks may have made it, so the mark stays for the next run to look.
    link_release(links, unreachable.pk, UnavailableError("down"))
    link_release(links, linked.pk, _fault(StaleObjectError, "5010"))

    assert not RecordLink.objects.filter(object_id=refused.pk).exists()
    assert RecordLink.objects.get(object_id=unreachable.pk).pending_name == unreachable.display_name
    assert RecordLink.objects.get(object_id=linked.pk).content_hash == ""


def test_a_create_sent_again_under_another_name_is_pending_under_that_name(ctx, division):
    customer = CustomerFactory(division=division)
    ctx.backend.refusals[customer.display_name] = [name_in_use()]
    renamed = Write(ENTITY, CREATE, CustomerRecord(name=f"{customer.display_name} (2)"), key=customer.pk)

    writer(ctx, Outcomes(), duplicates=lambda refused: [renamed]).send([create(customer)])

    assert ctx.backend.pending_seen == [
        {customer.pk: customer.display_name},
        {customer.pk: f"{customer.display_name} (2)"},
    ]
