"""
Customers and their service locations (QuickBooks sub-customers).

Pull (QuickBooks → FieldOffice, two-way): top-level customers first, then sub-customers by depth, each becoming a
location of its top-level customer. Push (FieldOffice → QuickBooks, two-way): customers first, then locations, whose
parent must exist there. Records are matched by link, then by name: one-way sync skips an unlinked record whose name
the other side already uses (logged, never merged); two-way links it. In two-way, a record changed on both sides since
the last run takes the later edit, and the losing version is kept in the run's log.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.upserts import Upsert
from apps.customers import services as customer_services
from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping import customers as mapping
from apps.quickbooks.mapping import tax, terms
from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.mapping.refs import CustomerRefs
from apps.quickbooks.models import RecordLink, SyncAction
from apps.quickbooks.sync.backend import CREATE, UPDATE, Write, WriteResult
from apps.quickbooks.sync.bulk import PullBatch, PulledWrite
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.messages import plain_reason
from apps.quickbooks.sync.plan import BothWays, Decision, Kind, plan_both_ways, plan_sent, unchanged_there
from apps.quickbooks.sync.records import CustomerRecord
from apps.quickbooks.sync.writes import (
    CLOCK_TOLERANCE,
    INTERRUPTED_CREATE,
    WRITES_PER_ROUND,
    Pending,
    Recovery,
    Writer,
    link_release,
    sent_write,
)

CUSTOMER = "customer"
LOCATION = "service location"


def customers_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """Pulling needs QuickBooks' changes; pushing alone needs its customers only on a full run (names, resend)."""
    full = ctx.full or ctx.state.remote_cursor is None
    if ctx.customers_pull or (ctx.customers_push and full):
        return [mapping.ENTITY], []
    return [], []


def customers_sync(ctx: RunContext) -> None:
    if not (ctx.customers_pull or ctx.customers_push):
        return
    step = CustomersStep(ctx)
    if ctx.customers_pull:
        step.pull()
    if ctx.customers_push:
        step.push()


def _refs(ctx: RunContext) -> CustomerRefs:
    refs = CustomerRefs()
    for object_id, qbo_id in ctx.linked_ids(TaxRate, tax.ENTITY).items():
        refs.tax_rates.add(object_id, qbo_id)
    for object_id, qbo_id in ctx.linked_ids(PaymentTerm, terms.ENTITY).items():
        refs.terms.add(object_id, qbo_id)
    return refs


def _customers_save(writes: Sequence[PulledWrite]) -> list[Customer | ValidationError]:
    rows = [Upsert(record=write.record, fields=write.fields) for write in writes]
    return customer_services.customers_bulk_upsert(rows=rows)


def _locations_save(writes: Sequence[PulledWrite]) -> list[ServiceLocation | ValidationError]:
    rows = [Upsert(record=write.record, fields=write.fields) for write in writes]
    return customer_services.locations_bulk_upsert(rows=rows)


_NAME_TAKEN = (
    "QuickBooks already has a customer named {name} that is not linked to this record. One-way sync never merges "
    "records: rename one of them, or use two-way sync to link them."
)


@dataclass
class _Queue:
    """The writes of a push: creates, updates, and the creates an interrupted run left in flight."""

    creates: list[Write] = field(default_factory=list)
    updates: list[Write] = field(default_factory=list)
    pending: list[Write] = field(default_factory=list)


@dataclass
class _Pulled:
    """One QuickBooks customer or job being pulled: its values here, and what pulling it does (its entry)."""

    obj: CustomerRecord
    qbo_id: str
    token: str
    fields: dict[str, Any]
    label: str
    action: str = SyncAction.UPDATED
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def lost(self, message: str, losing_version: dict[str, Any]) -> None:
        """Both sides changed since the last sync and QuickBooks' edit is later: FieldOffice's version is logged."""
        self.details = {"kept": "QuickBooks", "losing_version": losing_version}
        self.message = message

    def deactivated(self) -> None:
        if self.action == SyncAction.UPDATED:
            self.action = SyncAction.DEACTIVATED

    def write(self, entity: str, **what: Any) -> PulledWrite:
        return PulledWrite(
            entity=entity,
            label=self.label,
            remote_id=self.qbo_id,
            version=self.token,
            action=self.action,
            message=self.message,
            details=self.details,
            **what,
        )


class CustomersStep:
    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.division = ctx.division
        self.journal = ctx.journal
        self.rules = BothWays(two_way=ctx.two_way, quickbooks_primary=ctx.quickbooks_primary, full=ctx.full)
        self.customer_links = ctx.link_set(Customer, mapping.ENTITY)
        self.location_links = ctx.link_set(ServiceLocation, mapping.ENTITY)
        self.complete = mapping.ENTITY in ctx.snapshot.complete
        if self.complete or ctx.resend:
            self.customer_links.load_all()
            self.location_links.load_all()
        read = [record for record in ctx.snapshot.of(mapping.ENTITY) if not record.deleted]
        # Records QuickBooks kept when it could not rename them are no longer synced.
        left = self.location_links.left_behind() if any(record.job for record in read) else set()
        self.remote = {record.remote_id: record for record in read if record.remote_id not in left}
        self.refs = _refs(ctx) if ctx.settings.sync_tax_rates_and_terms else CustomerRefs()
        self.customers: dict[int, Customer] = {}
        self.locations: dict[int, ServiceLocation] = {}
        # Records whose local version won a conflict, or was linked with FieldOffice as primary: pushed this run.
        self.force_push: set[tuple[str, int]] = set()
        # Customers this run's pull changed here, whose locations may then be sent with a new tax setting.
        self.pulled_customers: set[int] = set()
        # Preview only: QuickBooks customers this sync would create here (their id → name), for their jobs.
        self.previewed_remote_customers: dict[str, str] = {}
        # The pull's writes here, saved a batch at a time; the level of the jobs it pulls now.
        self.batch = PullBatch(ctx.journal, preview=ctx.preview)
        self.pulled_level: int | None = None

    # Loading.

    def _customers_load(self, ids: Iterable[int]) -> None:
        wanted = set(ids) - self.customers.keys()
        if wanted:
            self.customers.update(Customer.objects.filter(division=self.division).in_bulk(wanted))

    def _locations_load(self, ids: Iterable[int]) -> None:
        wanted = set(ids) - self.locations.keys()
        if wanted:
            found = ServiceLocation.objects.filter(customer__division=self.division).in_bulk(wanted)
            self.locations.update(found)

    def _customer_hash(self, customer: Customer) -> str:
        return content_hash(mapping.customer_comparable(mapping.customer_sent(customer, self.refs)))

    def _location_hash(self, location: ServiceLocation, customer: Customer, *, held: dict | None = None) -> str:
        """The hash of what is sent for ``location``; with ``held``, of what QuickBooks holds once it was pulled."""
        payload = mapping.location_sent(
            location, customer=customer, refs=self.refs, parent_remote_id="", name=location.name
        )
        if held is not None:
            return content_hash(mapping.location_comparable_held(payload, held, customer.display_name))
        return content_hash(mapping.location_comparable(payload, customer.display_name))

    # Pull.

    def pull(self) -> None:
        retry_ids = set(self.ctx.state.retry_remote.get(mapping.ENTITY, [])) - self.remote.keys()
        if retry_ids:
            for obj in self.ctx.backend.read_by_ids(mapping.ENTITY, sorted(retry_ids)):
                self.remote.setdefault(obj.remote_id, obj)
        objects = list(self.remote.values())
        tops = [obj for obj in objects if not obj.job]
        jobs = sorted((obj for obj in objects if obj.job), key=lambda obj: obj.level)
        self.journal.stage("Receiving customers from QuickBooks", total=len(objects))
        self._pull_load(objects, tops, jobs)
        self._pull_rounds(tops, self._pull_customer)
        self._sibling_locations_load(jobs)
        self._pull_rounds(jobs, self._pull_location)

    def _pull_load(self, objects: list[CustomerRecord], tops: list[CustomerRecord], jobs: list[CustomerRecord]) -> None:
        """What the pull compares the records with: their links, the records linked, and those matched by name."""
        ids = [obj.remote_id for obj in objects] + [obj.parent_id for obj in jobs]
        self.customer_links.load_remote(ids)
        self.location_links.load_remote(ids)
        self._customers_load(link.object_id for link in self.customer_links.by_remote.values())
        self._locations_load(link.object_id for link in self.location_links.by_remote.values())
        self._customers_load(location.customer_id for location in self.locations.values())
        names = [name_key(obj.name) for obj in tops]
        self.unlinked_by_name = self._unlinked_customers_by_name(names)
        self.pending_customers = self.customer_links.load_pending() if tops else {}
        self.pending_locations = self.location_links.load_pending() if jobs else {}
        self._customers_load(link.object_id for link in self.pending_customers.values())
        self._locations_load(link.object_id for link in self.pending_locations.values())

    def _pull_rounds(self, objects: list[CustomerRecord], pull_one: Callable[[CustomerRecord], None]) -> None:
        """Pull ``objects`` round by round, each round's writes saved in bulk and together (one transaction)."""
        for start in range(0, len(objects), WRITES_PER_ROUND):
            round_objects = objects[start : start + WRITES_PER_ROUND]
            with transaction.atomic():
                for obj in round_objects:
                    pull_one(obj)
                self.batch.flush()
            self.journal.advance(len(round_objects))
            self.ctx.heartbeat()

    def _unlinked_customers_by_name(self, keys: list[str]) -> dict[str, Customer]:
        customers = Customer.objects.filter(division=self.division)
        if not self.complete:
            if not keys:
                return {}
            customers = customers.annotate(lower_name=Lower("display_name")).filter(lower_name__in=set(keys))
        found = {}
        for customer in customers:
            self.customers.setdefault(customer.pk, customer)
            if not self.customer_links.is_linked(customer.pk):
                found[name_key(customer.display_name)] = customer
        if not self.complete and found:
            self.customer_links.load_local(customer.pk for customer in found.values())
            found = {key: customer for key, customer in found.items() if not self.customer_links.is_linked(customer.pk)}
        return found

    def _sibling_locations_load(self, jobs: list[CustomerRecord]) -> None:
        """Locations of the customers the jobs belong to, for matching by name."""
        customer_ids = {customer_id for obj in jobs if (customer_id := self._owner_of(obj)) is not None}
        query = ServiceLocation.objects.filter(customer__division=self.division)
        if not self.complete:
            query = query.filter(customer_id__in=customer_ids)
        self.locations_by_customer: dict[int, dict[str, ServiceLocation]] = {}
        for location in query if (customer_ids or self.complete) else []:
            location = self.locations.setdefault(location.pk, location)
            self.locations_by_customer.setdefault(location.customer_id, {})[name_key(location.name)] = location
        if not self.complete:
            self.location_links.load_local(self.locations)

    def _parent_id(self, remote_id: str) -> str:
        """The parent of a QuickBooks record this run read (``""`` for a top-level one, or one not read)."""
        record = self.remote.get(remote_id)
        return record.parent_id if record is not None else ""

    def _previewed_owner(self, obj: CustomerRecord) -> str:
        """Preview: the name of the top-level customer a job belongs to when this sync would create that customer."""
        parent, seen = obj.parent_id, set()
        while parent and parent not in seen:
            seen.add(parent)
            if parent in self.previewed_remote_customers:
                return self.previewed_remote_customers[parent]
            parent = self._parent_id(parent)
        return ""

    def _owner_of(self, obj: CustomerRecord) -> int | None:
        """The local customer a QuickBooks job belongs to: its top-level ancestor's twin."""
        parent = obj.parent_id
        seen = set()
        while parent and parent not in seen:
            seen.add(parent)
            if (link := self.customer_links.remote(parent)) is not None:
                return link.object_id
            if (link := self.location_links.remote(parent)) is not None:
                location = self.locations.get(link.object_id)
                return location.customer_id if location else None
            parent = self._parent_id(parent)
        return None

    def _edits(self, obj: CustomerRecord, local: Any, link: RecordLink | None, local_hash: Callable[[], str]) -> dict:
        """What a two-way plan compares of a linked pair: the content here, and when each side was last edited."""
        if not (self.ctx.two_way and link is not None and local is not None):
            return {}
        return {
            "local_hash": local_hash(),
            "local_changed": self.ctx.local_changed_since_last_run(local.updated_at),
            "local_edited_at": local.updated_at,
            "remote_edited_at": obj.updated_at,
        }

    def _pull_customer(self, obj: CustomerRecord) -> None:
        qbo_id = obj.remote_id
        link = self.customer_links.remote(qbo_id)
        if link is None and self.location_links.remote(qbo_id) is not None:
            self.batch.log(
                CUSTOMER,
                SyncAction.SKIPPED,
                obj.name,
                qbo_id=qbo_id,
                message="This record became a top-level customer in QuickBooks; here it is a service location. "
                "Nothing was changed.",
            )
            return
        if unchanged_there(link, obj, self.rules):
            return
        fields = mapping.customer_fields(obj, self.refs)
        pulled = _Pulled(obj, qbo_id, obj.version, fields, label=fields["display_name"])
        customer = self.customers.get(link.object_id) if link else None
        if link is not None and customer is None:
            # Deleted here since: QuickBooks still has it, so it comes back rather than being lost.
            self.customer_links.forget(link.object_id)
            link = None
        namesake_refused = ""
        if customer is None:
            pending = self._pending_match(self.pending_customers, obj)
            if pending is not None and (made := self.customers.get(pending.object_id)) is not None:
                self._link_keep_here(CUSTOMER, pulled, made.pk, INTERRUPTED_CREATE)
                return
            customer = self.unlinked_by_name.pop(name_key(pulled.label), None)
            if customer is not None:
                namesake_refused = (
                    f"FieldOffice already has a customer named {customer.display_name} that is not linked to this "
                    "QuickBooks customer. One-way sync never merges records: rename one of them, or use two-way sync "
                    "to link them."
                )
        decision = plan_both_ways(
            obj,
            customer,
            link,
            self.rules,
            namesake_refused=namesake_refused,
            **self._edits(obj, customer, link, lambda: self._customer_hash(customer)),
        )
        self._carry_out(
            CUSTOMER,
            pulled,
            customer,
            decision,
            apply=self._customer_apply,
            losing_here=lambda: mapping.customer_comparable(mapping.customer_sent(customer, self.refs)),
        )

    def _carry_out(
        self,
        entity: str,
        pulled: "_Pulled",
        local: Any,
        decision: Decision,
        *,
        apply: Callable[["_Pulled", Any], None],
        losing_here: Callable[[], dict[str, Any]],
    ) -> None:
        """What the plan decided for a pulled customer or job (``local``: its twin or namesake here, if any)."""
        kind = decision.kind
        if kind == Kind.NOTHING:
            return
        if kind == Kind.KEPT_APART:
            # One-way sync met an unlinked local record of the pulled one's name: skipped (and said so), never merged.
            self.batch.log(
                entity,
                SyncAction.SKIPPED,
                pulled.label,
                qbo_id=pulled.qbo_id,
                object_id=local.pk,
                message=decision.reason,
            )
            return
        if kind == Kind.LINK_KEEP_HERE:
            self._link_keep_here(entity, pulled, local.pk, decision.reason)
            return
        if kind == Kind.KEEP_HERE:
            self._keep_here(entity, pulled, local.pk, decision.reason)
            return
        if kind == Kind.LINK:
            pulled.action = SyncAction.LINKED
        if decision.conflict:
            pulled.lost(decision.reason, losing_here())
        apply(pulled, local)

    def _customer_apply(self, pulled: "_Pulled", customer: Customer | None) -> None:
        """Save QuickBooks' customer here (in the batch), then link and log it."""
        fields = pulled.fields
        changed = customer is None or any(getattr(customer, name) != value for name, value in fields.items())
        if changed and customer is not None and customer.active and not fields["active"]:
            pulled.deactivated()
        if customer is None:
            pulled.action = SyncAction.CREATED
            if self.ctx.preview:
                # Created here by this sync: its jobs become its service locations in the same sync.
                self.previewed_remote_customers[pulled.qbo_id] = pulled.label
                self.batch.log(CUSTOMER, pulled.action, pulled.label, qbo_id=pulled.qbo_id)
                return
            fields = {"division": self.division, **fields}

        def saved(record: Customer) -> None:
            self.customers[record.pk] = record
            if changed:
                self.pulled_customers.add(record.pk)

        self.batch.add(
            pulled.write(
                CUSTOMER,
                record=customer,
                fields=fields if changed else None,
                save=_customers_save,
                links=self.customer_links,
                content_hash=self._customer_hash,
                saved=saved,
                failed=partial(self._pull_failed, CUSTOMER, pulled.label, pulled.qbo_id),
                logged=changed or pulled.action != SyncAction.UPDATED,
            )
        )

    def _pull_failed(self, entity: str, label: str, qbo_id: str, error: ValidationError) -> None:
        self.ctx.retry_later(mapping.ENTITY, qbo_id)
        reason = "; ".join(error.messages)
        self.batch.log(
            entity, SyncAction.FAILED, label, qbo_id=qbo_id, message=f"{label} could not be saved here: {reason}"
        )

    def _pending_match(self, pending: dict[str, RecordLink], obj: CustomerRecord) -> RecordLink | None:
        """The local record whose interrupted create made ``obj`` (same name sent, made after it was sent)."""
        link = pending.get(name_key(obj.name))
        created = obj.created_at
        if link is None or (created is not None and created < link.pending_since - CLOCK_TOLERANCE):
            return None
        del pending[name_key(obj.name)]
        return link

    def _comparable_there(self, entity: str, obj: CustomerRecord) -> dict[str, Any]:
        """QuickBooks' content of a customer or job, as its link keeps it (a job's as its location's)."""
        if entity == CUSTOMER:
            return mapping.customer_comparable(obj)
        customer_id = self._owner_of(obj)
        customer = self.customers.get(customer_id) if customer_id else None
        return mapping.location_comparable(obj, customer.display_name if customer else "")

    def _link_keep_here(self, entity: str, pulled: "_Pulled", local_id: int, message: str) -> None:
        """
        Linked to the pulled record keeping FieldOffice's values, which are sent (two-way with FieldOffice primary,
        or what an interrupted create made).
        """
        links = self.customer_links if entity == CUSTOMER else self.location_links
        comparable = self._comparable_there(entity, pulled.obj)
        links.set(local_id, pulled.qbo_id, pulled.token, content_hash(comparable))
        self.force_push.add((entity, local_id))
        self.batch.log(
            entity, SyncAction.LINKED, pulled.label, qbo_id=pulled.qbo_id, object_id=local_id, message=message
        )

    def _keep_here(self, entity: str, pulled: "_Pulled", local_id: int, message: str) -> None:
        """Both sides changed and FieldOffice's edit is the later: kept and sent, QuickBooks' version logged."""
        links = self.customer_links if entity == CUSTOMER else self.location_links
        links.touch(links.remote(pulled.qbo_id), sync_token=pulled.token)
        self.force_push.add((entity, local_id))
        self.batch.log(
            entity,
            SyncAction.SKIPPED,
            pulled.label,
            qbo_id=pulled.qbo_id,
            object_id=local_id,
            message=message,
            details={"kept": "FieldOffice", "losing_version": self._comparable_there(entity, pulled.obj)},
        )

    def _pull_location(self, obj: CustomerRecord) -> None:
        level = obj.level
        if level != self.pulled_level:
            # A job's customer may be found through a job of the level above: those are saved first.
            self.batch.flush()
            self.pulled_level = level
        qbo_id = obj.remote_id
        link = self.location_links.remote(qbo_id)
        if unchanged_there(link, obj, self.rules):
            return
        customer = self._location_customer(obj)
        if customer is None:
            return
        fields = mapping.location_fields(obj, customer.display_name)
        pulled = _Pulled(obj, qbo_id, obj.version, fields, label=f"{customer.display_name}: {fields['name']}")
        location = self.locations.get(link.object_id) if link else None
        if location is not None and location.customer_id != customer.pk:
            fields["customer"] = customer
        namesake_refused = ""
        if location is None:
            pending = self._pending_match(self.pending_locations, obj)
            made = self.locations.get(pending.object_id) if pending is not None else None
            if made is not None and made.customer_id == customer.pk:
                self._link_keep_here(LOCATION, pulled, made.pk, INTERRUPTED_CREATE)
                return
            if link is not None:
                self.location_links.forget(link.object_id)
                link = None
            location = self._location_by_name(pulled, customer)
            if location is not None:
                namesake_refused = (
                    f"{customer.display_name} already has a service location named {location.name} that is not "
                    "linked to QuickBooks. One-way sync never merges records."
                )
        decision = plan_both_ways(
            obj,
            location,
            link,
            self.rules,
            namesake_refused=namesake_refused,
            **self._edits(obj, location, link, lambda: self._location_hash(location, customer)),
        )
        self._carry_out(
            LOCATION,
            pulled,
            location,
            decision,
            apply=lambda pulled, location: self._location_apply(pulled, location, customer),
            losing_here=lambda: {"name": location.name, "address": location.address_line},
        )

    def _location_customer(self, obj: CustomerRecord) -> Customer | None:
        """The customer here a QuickBooks job is a location of; ``None`` (and said why) when there is none yet."""
        qbo_id, label = obj.remote_id, obj.name
        customer_id = self._owner_of(obj)
        customer = self.customers.get(customer_id) if customer_id else None
        if customer is not None:
            return customer
        if self.ctx.preview and (owner := self._previewed_owner(obj)):
            # Its customer would be created by this sync, and the location with it.
            self.batch.log(LOCATION, SyncAction.CREATED, f"{owner}: {label}", qbo_id=qbo_id)
            return None
        self.ctx.retry_later(mapping.ENTITY, qbo_id)
        self.batch.log(
            LOCATION,
            SyncAction.SKIPPED,
            label,
            qbo_id=qbo_id,
            message=f"The QuickBooks customer that {label} belongs to is not synced with FieldOffice yet; it "
            "will be tried again at the next sync.",
        )
        return None

    def _location_by_name(self, pulled: "_Pulled", customer: Customer) -> ServiceLocation | None:
        """
        The unlinked location of ``customer`` with the job's name; when a linked one has it, the job's location
        here is given a name of its own.
        """
        key = name_key(pulled.fields["name"])
        if self.batch.holds((customer.pk, key)):
            # A location waiting to be saved takes (or gives up) this name: saved first, to be found as it will be.
            self.batch.flush()
        location = self.locations_by_customer.setdefault(customer.pk, {}).get(key)
        if location is not None and self.location_links.is_linked(location.pk):
            pulled.fields["name"] = mapping.location_name_distinct(pulled.fields["name"], pulled.qbo_id)
            return None
        return location

    def _location_apply(self, pulled: "_Pulled", location: ServiceLocation | None, customer: Customer) -> None:
        """Save QuickBooks' job here as a location of ``customer`` (in the batch), then link and log it."""
        fields = pulled.fields
        changed = location is None or any(getattr(location, name) != value for name, value in fields.items())
        # QuickBooks' tax setting of a location it already had is compared with its customer's, so that a different
        # one is sent (a location created from it now waits for a change here, as a preview cannot send it).
        held = pulled.obj if location is not None else None
        if location is None:
            pulled.action = SyncAction.CREATED
            if self.ctx.preview:
                self.batch.log(LOCATION, pulled.action, pulled.label, qbo_id=pulled.qbo_id)
                return
            fields = {"customer": customer, **fields}
        elif changed and location.active and not fields["active"]:
            pulled.deactivated()

        def saved(record: ServiceLocation) -> None:
            self.locations[record.pk] = record
            self.locations_by_customer.setdefault(customer.pk, {})[name_key(record.name)] = record

        keys = [(customer.pk, name_key(pulled.fields["name"]))]
        if location is not None:
            keys.append((location.customer_id, name_key(location.name)))
        self.batch.add(
            pulled.write(
                LOCATION,
                record=location,
                fields=fields if changed else None,
                save=_locations_save,
                links=self.location_links,
                content_hash=lambda record: self._location_hash(record, customer, held=held),
                saved=saved,
                failed=partial(self._pull_failed, LOCATION, pulled.label, pulled.qbo_id),
                logged=changed or pulled.action != SyncAction.UPDATED,
                keys=tuple(keys),
            )
        )

    # Push.

    def _candidates(self, query, links: LinkSet, entity: str):
        ctx = self.ctx
        ctx.local_changes_collected()
        if ctx.full or ctx.resend or ctx.state.local_cursor is None:
            return query
        forced = [local_id for kind, local_id in self.force_push if kind == entity]
        changed = Q(updated_at__gt=ctx.state.local_cursor)
        if entity == LOCATION:
            # A location is sent with its customer's tax setting: a change of its customer may change it too (here,
            # or pulled by this run, which a preview holds in memory only).
            changed |= Q(customer__updated_at__gt=ctx.state.local_cursor) | Q(customer_id__in=self.pulled_customers)
        return query.filter(changed | links.unlinked_filter() | links.stale_filter() | Q(pk__in=forced))

    def push(self) -> None:
        customers = list(
            self._candidates(Customer.objects.filter(division=self.division), self.customer_links, CUSTOMER)
        )
        self.journal.stage("Sending customers to QuickBooks", total=len(customers))
        self.customer_links.load_local(customer.pk for customer in customers)
        if self.ctx.preview:
            # What the pull would have saved is only in memory: those records, not the stored ones, are sent.
            customers = [self.customers.get(customer.pk, customer) for customer in customers]
        for customer in customers:
            self.customers[customer.pk] = customer
        remote_names = self._remote_unlinked_names() if self.complete else {}
        queue = _Queue()
        for customer in customers:
            record = mapping.customer_sent(customer, self.refs)
            wanted = content_hash(mapping.customer_comparable(record))
            namesake = remote_names.get(name_key(record.name))
            refused = _NAME_TAKEN.format(name=namesake.name) if namesake is not None else ""
            decision = self._plan_sent(CUSTOMER, customer.pk, wanted, mapping.customer_comparable, namesake, refused)
            if decision.kind == Kind.KEPT_APART:
                self._skip_existing_remote(CUSTOMER, customer.display_name, customer.pk, namesake)
            else:
                self._queue(queue, CUSTOMER, customer.pk, record, wanted, decision)
        self._send(CUSTOMER, queue)
        self._push_locations()

    def _plan_sent(
        self,
        entity: str,
        local_id: int,
        wanted: str,
        comparable: Callable[[CustomerRecord], dict[str, Any]],
        namesake: CustomerRecord | None = None,
        namesake_refused: str = "",
    ) -> Decision:
        """
        What is done with a customer or location whose record sent hashes to ``wanted`` (``comparable`` reads
        QuickBooks' copy the same way), by ``plan_sent``.
        """
        link = (self.customer_links if entity == CUSTOMER else self.location_links).local(local_id)
        held = self.remote.get(link.qbo_id) if self.ctx.resend and link is not None and link.qbo_id else None
        return plan_sent(
            wanted,
            link,
            self.rules,
            resend=self.ctx.resend,
            held_hash=content_hash(comparable(held)) if held is not None else None,
            forced=(entity, local_id) in self.force_push,
            namesake=namesake,
            namesake_refused=namesake_refused,
        )

    def _queue(
        self, queue: "_Queue", entity: str, local_id: int, record: CustomerRecord, wanted: str, decision: Decision
    ) -> None:
        """The write a decision calls for: an update at QuickBooks' version, or a create (recovered when in flight)."""
        links = self.customer_links if entity == CUSTOMER else self.location_links
        link = links.local(local_id)
        held = self.remote.get(link.qbo_id) if self.ctx.resend and link is not None and link.qbo_id else None
        write = sent_write(
            mapping.ENTITY, decision, record, links=links, local_id=local_id, key=(local_id, wanted), held=held
        )
        if write is None:
            return
        if write.action == UPDATE:
            queue.updates.append(replace(write, payload=self._update_body(entity, local_id, write.payload)))
        else:
            (queue.pending if link is not None and link.pending_since else queue.creates).append(write)

    def _update_body(self, entity: str, local_id: int, body: CustomerRecord) -> CustomerRecord:
        """A location's update leaves its job where it sits there, under the name it has there when it is its own."""
        if entity == CUSTOMER:
            return body
        location = self.locations[local_id]
        customer_name = self.customers[location.customer_id].display_name
        body = mapping.location_update(body)
        current = self.remote.get(body.remote_id)
        if current is not None and mapping.location_name(current, customer_name) == location.name:
            body = mapping.with_name(body, current.name)
        return body

    def _send(self, entity: str, queue: "_Queue") -> None:
        writer = self._writer(entity, self.customer_links if entity == CUSTOMER else self.location_links)
        queue.creates.extend(writer.recover(queue.pending))
        writer.send(queue.creates + queue.updates)

    def _remote_unlinked_names(self) -> dict[str, CustomerRecord]:
        linked = self.customer_links.linked_remote_ids() | self.location_links.linked_remote_ids()
        return {name_key(obj.name): obj for qbo_id, obj in self.remote.items() if qbo_id not in linked and not obj.job}

    def _skip_existing_remote(self, entity: str, label: str, local_id: int, existing: CustomerRecord) -> None:
        self.journal.log(
            entity,
            SyncAction.SKIPPED,
            label,
            qbo_id=existing.remote_id,
            object_id=local_id,
            message=_NAME_TAKEN.format(name=existing.name),
        )

    def _links_of_remote_load(self, objects) -> None:
        """The links of records found in QuickBooks by name, so that one linked to another record is not taken."""
        ids = [obj.remote_id for obj in objects]
        self.customer_links.load_remote(ids)
        self.location_links.load_remote(ids)

    def _remote_taken(self, qbo_id: str) -> bool:
        return self.customer_links.remote(qbo_id) is not None or self.location_links.remote(qbo_id) is not None

    def _writer(self, entity: str, links: LinkSet) -> Writer:
        """How customers (or locations) are written: the engine's ``Writer``, with what is theirs."""
        return Writer(
            self.ctx,
            links,
            entity=mapping.ENTITY,
            log_as=entity,
            label=lambda write: self._label(entity, write.key[0]),
            local_id=lambda write: write.key[0],
            sent_name=lambda write: write.payload.name,
            applied=lambda result: self._applied(entity, links, result),
            duplicates=lambda refused: self._resolve_duplicates(entity, links, refused),
            recovery=Recovery(
                find=partial(self._pending_found, entity),
                keys=_pending_keys,
                fits=lambda pending, obj: _pending_fits(entity, pending, obj),
                created_at=lambda record: record.created_at,
                adopt=lambda pending, obj: _pending_adopt(entity, pending, obj),
            ),
            taken=self._remote_taken,
        )

    def _pending_found(self, entity: str, pending: list[Pending]) -> dict[str, CustomerRecord]:
        """
        What QuickBooks holds under the names interrupted creates were sent with, or the records' names now, by name
        (with the links of those records, so that one linked to another record is not taken).

        A location is looked up within its customer too: a QuickBooks that keeps it in its customer's record
        (Desktop's ship-to addresses) names it only there.
        """
        names = set()
        for write, link in pending:
            names.add(write.payload.name)
            if link.pending_name:
                names.add(link.pending_name)
        parents = {write.payload.parent_id for write, _ in pending if entity == LOCATION and write.payload.parent_id}
        records = self.ctx.backend.find_by_names(mapping.ENTITY, sorted(names), within=sorted(parents))
        found = {name_key(obj.name): obj for obj in records}
        self._links_of_remote_load(found.values())
        return found

    def _label(self, entity: str, local_id: int) -> str:
        if entity == CUSTOMER:
            customer = self.customers.get(local_id)
            return customer.display_name if customer else str(local_id)
        location = self.locations.get(local_id)
        if location is None:
            return str(local_id)
        customer = self.customers.get(location.customer_id)
        return f"{customer.display_name}: {location.name}" if customer else location.name

    def _applied(self, entity: str, links: LinkSet, result: WriteResult) -> None:
        """A write's final outcome: linked at what QuickBooks holds now, or failed."""
        if not result.ok:
            self._failed(entity, links, result)
            return
        local_id, wanted = result.write.key
        replaced = result.write.payload.remote_id
        message = ""
        if result.write.action == UPDATE and replaced and replaced != result.record.remote_id:
            # QuickBooks cannot rename it (a Desktop ship-to address): the old record stays there, and must not
            # come back here as a new one.
            links.leave_behind(replaced)
            message = _left_behind(self.remote.get(replaced))
        links.set(local_id, result.record.remote_id, result.record.version, wanted)
        action = SyncAction.CREATED if result.write.action == CREATE else SyncAction.UPDATED
        self.journal.log(
            entity,
            action,
            self._label(entity, local_id),
            qbo_id=result.record.remote_id,
            object_id=local_id,
            message=message,
        )

    def _failed(self, entity: str, links: LinkSet, result: WriteResult, *, message: str = "") -> None:
        local_id, _ = result.write.key
        link = link_release(links, local_id, result.error)
        label = self._label(entity, local_id)
        self.journal.log(
            entity,
            SyncAction.FAILED,
            label,
            qbo_id=link.qbo_id if link else "",
            object_id=local_id,
            message=message or plain_reason(result.error, label),
        )

    def _resolve_duplicates(self, entity: str, links: LinkSet, duplicates: list[WriteResult]) -> list[Write]:
        retries: list[Write] = []
        names = [result.write.payload.name for result in duplicates]
        found = {name_key(obj.name): obj for obj in self.ctx.backend.find_by_names(mapping.ENTITY, names)}
        self._links_of_remote_load(found.values())
        for result in duplicates:
            local_id, _ = result.write.key
            payload = result.write.payload
            obj = found.get(name_key(payload.name))
            if entity == LOCATION:
                location = self.locations[local_id]
                customer = self.customers[location.customer_id]
                name = mapping.location_display_name(location, customer.display_name, qualified=True)
                if name_key(name) != name_key(payload.name):
                    write = Write(
                        mapping.ENTITY, result.write.action, mapping.with_name(payload, name), key=result.write.key
                    )
                    retries.append(write)
                    continue
            linkable = (
                obj is not None
                and links.remote(obj.remote_id) is None
                and self.customer_links.remote(obj.remote_id) is None
                and self.location_links.remote(obj.remote_id) is None
                and obj.job == (entity == LOCATION)
                and result.write.action == CREATE
            )
            if linkable and self.ctx.two_way:
                links.set(local_id, obj.remote_id, obj.version, "")
                body = replace(payload, remote_id=obj.remote_id, version=obj.version)
                retries.append(Write(mapping.ENTITY, UPDATE, body, key=result.write.key))
                self.journal.log(
                    entity,
                    SyncAction.LINKED,
                    self._label(entity, local_id),
                    qbo_id=obj.remote_id,
                    object_id=local_id,
                    message="Matched by name in QuickBooks and linked; FieldOffice's details are sent.",
                )
                continue
            link = links.local(local_id)
            if link is not None and not link.qbo_id:
                links.forget(local_id)
            if linkable:
                self._skip_existing_remote(entity, self._label(entity, local_id), local_id, obj)
            elif obj is None:
                # No customer has the name: a vendor or an employee does (QuickBooks shares one pool of names).
                name = payload.name
                self._failed(
                    entity,
                    links,
                    result,
                    message=f"A vendor or employee in QuickBooks already uses the name {name}. QuickBooks names must "
                    "be unique across customers, vendors and employees (inactive ones included): rename one of them.",
                )
            else:
                self._failed(entity, links, result)
        return retries

    def _push_locations(self) -> None:
        query = ServiceLocation.objects.filter(customer__division=self.division)
        locations = list(self._candidates(query, self.location_links, LOCATION))
        if not locations:
            return
        self.journal.stage("Sending service locations to QuickBooks", total=len(locations))
        self._customers_load(location.customer_id for location in locations)
        self.customer_links.load_local(location.customer_id for location in locations)
        self.location_links.load_local(location.pk for location in locations)
        if self.ctx.preview:
            locations = [self.locations.get(location.pk, location) for location in locations]
        queue = _Queue()
        for location in locations:
            self.locations[location.pk] = location
            customer = self.customers[location.customer_id]
            parent = self.customer_links.local(customer.pk)
            if parent is None or not parent.qbo_id:
                continue  # Its customer was not sent (skipped or failed, already logged): it waits with it.
            record = mapping.location_sent(
                location,
                customer=customer,
                refs=self.refs,
                parent_remote_id=parent.qbo_id,
                name=mapping.location_display_name(location, customer.display_name, qualified=False),
            )

            def comparable(record: CustomerRecord, name: str = customer.display_name) -> dict[str, Any]:
                return mapping.location_comparable(record, name)

            wanted = content_hash(comparable(record))
            decision = self._plan_sent(LOCATION, location.pk, wanted, comparable)
            self._queue(queue, LOCATION, location.pk, record, wanted, decision)
        self._send(LOCATION, queue)


def _left_behind(old: CustomerRecord | None) -> str:
    """What the log says of a record QuickBooks kept under its old name when it took the new one as another."""
    which = f" ({old.name})" if old is not None else ""
    return (
        "QuickBooks cannot rename it: it added it under its new name and kept the old one"
        f"{which}, which FieldOffice no longer syncs. Delete or rename that one in QuickBooks if it is not used."
    )


def _pending_keys(pending: Pending) -> list[str]:
    """An interrupted create is matched by the name it was sent with, then by the record's name now."""
    sent = [name_key(pending.link.pending_name)] if pending.link.pending_name else []
    return [*sent, name_key(pending.write.payload.name)]


def _pending_fits(entity: str, pending: Pending, obj: CustomerRecord) -> bool:
    """A customer's create made a top-level customer; a location's, a job of the same parent."""
    if obj.job != (entity == LOCATION):
        return False
    return entity == CUSTOMER or obj.parent_id == pending.write.payload.parent_id


def _pending_adopt(entity: str, pending: Pending, obj: CustomerRecord) -> Write:
    """A location's update keeps the name its job was created under in QuickBooks."""
    write = pending.write
    if entity == LOCATION and pending.link.pending_name:
        return Write(write.entity, write.action, mapping.with_name(write.payload, obj.name), write.key)
    return write
