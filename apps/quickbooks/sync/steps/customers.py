"""
Customers and their service locations (QuickBooks sub-customers, or a customer's named ship-to addresses), by the
two-way rules (``sync.both_ways``, specs ``CUSTOMERS`` and ``LOCATIONS``).

Pull (QuickBooks → FieldOffice, two-way): top-level customers first, then sub-customers by depth, each becoming a
location of its top-level customer. Push (FieldOffice → QuickBooks, two-way): customers first, then locations, whose
parent must exist there. What is a location's own is here: it finds its customer through its parents, is named
within its customer (a second one of a linked name gets a name of its own), and is sent under its customer's record
with its customer's tax setting, under "Customer - Location" when QuickBooks has its plain name already.
"""

from dataclasses import replace
from typing import Any

from django.db.models import Q

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.mapping import customers as mapping
from apps.quickbooks.mapping.common import content_hash, name_key
from apps.quickbooks.mapping.refs import CustomerRefs
from apps.quickbooks.models import SyncAction
from apps.quickbooks.sync.backend import Write, WriteResult
from apps.quickbooks.sync.both_ways import BothWaysApply, EntityRead, Pulled, Queue
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.links import LinkSet
from apps.quickbooks.sync.plan import unchanged_there
from apps.quickbooks.sync.records import CUSTOMER, CustomerRecord
from apps.quickbooks.sync.specs import CUSTOMERS, LOCATIONS
from apps.quickbooks.sync.writes import INTERRUPTED_CREATE, Pending

MADE_AGAIN_WITH_CUSTOMER = "QuickBooks no longer had its customer, which was created there again: so was it."


def customers_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """Pulling needs QuickBooks' changes; pushing alone needs its customers only on a full run (names, resend)."""
    full = ctx.full or ctx.state.remote_cursor is None
    if ctx.customers_pull or (ctx.customers_push and full):
        return [CUSTOMER], []
    return [], []


def customers_sync(ctx: RunContext) -> None:
    if not CUSTOMERS.master(ctx):
        return
    customer_links = ctx.link_set(Customer, CUSTOMER)
    location_links = ctx.link_set(ServiceLocation, CUSTOMER)
    read = EntityRead(ctx, CUSTOMER, [customer_links, location_links])
    refs = CUSTOMERS.lookups(ctx)
    customers = BothWaysApply(ctx, CUSTOMERS, customer_links, read, refs)
    locations = LocationsApply(ctx, location_links, read, refs, customers=customers)
    if ctx.customers_pull:
        read.retried_read()
        customers.pull()
        locations.pull()
    if ctx.customers_push:
        customers.push()
        locations.push()


class LocationsApply(BothWaysApply):
    """Service locations: the two-way rules, with their customer found through their parents there."""

    def __init__(
        self, ctx: RunContext, links: LinkSet, read: EntityRead, refs: CustomerRefs, *, customers: BothWaysApply
    ) -> None:
        super().__init__(ctx, LOCATIONS, links, read, refs)
        self.customers = customers
        # The locations of the customers pulled jobs belong to, by name, for matching; the depth pulled now.
        self.by_customer: dict[int, dict[str, ServiceLocation]] = {}
        self.pulled_level: int | None = None

    def customer(self, customer_id: int) -> Customer | None:
        return self.customers.local.get(customer_id)

    def label_of(self, local_id: int) -> str:
        location = self.local.get(local_id)
        if location is None:
            return str(local_id)
        customer = self.customer(location.customer_id)
        return f"{customer.display_name}: {location.name}" if customer else location.name

    def location_hash(self, location: ServiceLocation, customer: Customer, *, held: Any = None) -> str:
        """The hash of what is sent for ``location``; with ``held``, of what QuickBooks holds once it was pulled."""
        record = mapping.location_sent(
            location, customer=customer, refs=self.lookups, parent_remote_id="", name=location.name
        )
        if held is not None:
            return content_hash(mapping.location_comparable_held(record, held, customer.display_name))
        return content_hash(mapping.location_comparable(record, customer.display_name))

    def local_hash(self, location: ServiceLocation) -> str:
        return self.location_hash(location, self.customer(location.customer_id))

    def comparable_there(self, record: CustomerRecord) -> dict[str, Any]:
        """A job's content as its location's link keeps it."""
        customer_id = self.owner_of(record)
        customer = self.customer(customer_id) if customer_id else None
        return mapping.location_comparable(record, customer.display_name if customer else "")

    # Pull.

    def pull(self) -> None:
        jobs = sorted((record for record in self.read.records.values() if record.job), key=lambda record: record.level)
        if not jobs:
            return
        self.journal.stage(self.spec.stage, total=len(jobs))
        self.read.links_load([record.remote_id for record in jobs] + [record.parent_id for record in jobs])
        self.local_load(link.object_id for link in self.links.by_remote.values())
        self.customers.local_load(location.customer_id for location in self.local.values())
        self.customers.local_load(link.object_id for link in self.customers.links.by_remote.values())
        self.pending = self.links.load_pending()
        self.local_load(link.object_id for link in self.pending.values())
        self._siblings_load(jobs)
        self.pull_rounds(jobs, self.pull_one)

    def _siblings_load(self, jobs: list[CustomerRecord]) -> None:
        """Locations of the customers the jobs belong to, for matching by name."""
        customer_ids = {customer_id for record in jobs if (customer_id := self.owner_of(record)) is not None}
        self.customers.local_load(customer_ids)
        query = ServiceLocation.objects.filter(customer__division=self.ctx.division)
        if not self.read.complete:
            query = query.filter(customer_id__in=customer_ids)
        for location in query if (customer_ids or self.read.complete) else []:
            location = self.local.setdefault(location.pk, location)
            self.by_customer.setdefault(location.customer_id, {})[name_key(location.name)] = location
        if not self.read.complete:
            self.links.load_local(self.local)

    def would_be_owner(self, record: CustomerRecord) -> str:
        """Preview: the name of the top-level customer a job belongs to when this sync would create that customer."""
        parent, seen = record.parent_id, set()
        while parent and parent not in seen:
            seen.add(parent)
            if parent in self.customers.would_create:
                return self.customers.would_create[parent]
            parent = self.read.parent_id(parent)
        return ""

    def owner_of(self, record: CustomerRecord) -> int | None:
        """The local customer a QuickBooks job belongs to: its top-level ancestor's twin."""
        parent = record.parent_id
        seen = set()
        while parent and parent not in seen:
            seen.add(parent)
            if (link := self.customers.links.remote(parent)) is not None:
                return link.object_id
            if (link := self.links.remote(parent)) is not None:
                location = self.local.get(link.object_id)
                return location.customer_id if location else None
            parent = self.read.parent_id(parent)
        return None

    def pull_one(self, record: CustomerRecord) -> None:
        if record.level != self.pulled_level:
            # A job's customer may be found through a job of the level above: those are saved first.
            self.batch.flush()
            self.pulled_level = record.level
        link = self.links.remote(record.remote_id)
        if unchanged_there(link, record, self.rules):
            return
        customer = self._customer_of(record)
        if customer is None:
            return
        fields = mapping.location_fields(record, customer.display_name)
        pulled = Pulled(record, fields, label=f"{customer.display_name}: {fields['name']}")
        location = self.local.get(link.object_id) if link else None
        if location is not None and location.customer_id != customer.pk:
            fields["customer"] = customer
        namesake_refused = ""
        if location is None:
            pending = self.pending_match(record)
            made = self.local.get(pending.object_id) if pending is not None else None
            if made is not None and made.customer_id == customer.pk:
                self.link_keep_here(pulled, made.pk, INTERRUPTED_CREATE)
                return
            if link is not None:
                self.links.forget(link.object_id)
                link = None
            location = self._by_name(pulled, customer)
            if location is not None:
                namesake_refused = (
                    f"{customer.display_name} already has a service location named {location.name} that is not "
                    "linked to QuickBooks. One-way sync never merges records."
                )
        self.plan_and_carry_out(
            pulled,
            location,
            link,
            lambda pulled, location: self._apply_location(pulled, location, customer),
            lambda: self.location_hash(location, customer),
            losing_here=lambda: {"name": location.name, "address": location.address_line},
            namesake_refused=namesake_refused,
        )

    def _customer_of(self, record: CustomerRecord) -> Customer | None:
        """The customer here a QuickBooks job is a location of; ``None`` (and said why) when there is none yet."""
        remote_id, label = record.remote_id, record.name
        customer_id = self.owner_of(record)
        customer = self.customer(customer_id) if customer_id else None
        if customer is not None:
            return customer
        if self.ctx.preview and (owner := self.would_be_owner(record)):
            # Its customer would be created by this sync, and the location with it.
            self.log(SyncAction.CREATED, f"{owner}: {label}", qbo_id=remote_id)
            return None
        self.ctx.retry_later(CUSTOMER, remote_id)
        self.log(
            SyncAction.SKIPPED,
            label,
            qbo_id=remote_id,
            message=f"The QuickBooks customer that {label} belongs to is not synced with FieldOffice yet; it "
            "will be tried again at the next sync.",
        )
        return None

    def _by_name(self, pulled: Pulled, customer: Customer) -> ServiceLocation | None:
        """
        The unlinked location of ``customer`` with the job's name; when a linked one has it, the job's location
        here is given a name of its own.
        """
        key = name_key(pulled.fields["name"])
        if self.batch.holds((customer.pk, key)):
            # A location waiting to be saved takes (or gives up) this name: saved first, to be found as it will be.
            self.batch.flush()
        location = self.by_customer.setdefault(customer.pk, {}).get(key)
        if location is not None and self.links.is_linked(location.pk):
            pulled.fields["name"] = mapping.location_name_distinct(pulled.fields["name"], pulled.remote_id)
            return None
        return location

    def _apply_location(self, pulled: Pulled, location: ServiceLocation | None, customer: Customer) -> None:
        """Save QuickBooks' job here as a location of ``customer`` (in the batch), then link and log it."""
        saving = self.saving(pulled, location, {"customer": customer})
        if saving is None:
            return
        fields, changed = saving
        # QuickBooks' tax setting of a location it already had is compared with its customer's, so that a different
        # one is sent (a location created from it now waits for a change here, as a preview cannot send it).
        held = pulled.record if location is not None else None

        def saved(record: ServiceLocation) -> None:
            self.local[record.pk] = record
            self.by_customer.setdefault(customer.pk, {})[name_key(record.name)] = record

        keys = [(customer.pk, name_key(pulled.fields["name"]))]
        if location is not None:
            keys.append((location.customer_id, name_key(location.name)))
        self.batch_add(
            pulled,
            location,
            fields if changed else None,
            content_hash=lambda record: self.location_hash(record, customer, held=held),
            saved=saved,
            keys=keys,
        )

    # Push.

    def push(self) -> None:
        # A location is sent with its customer's tax setting: a change of its customer may change it too (here, or
        # pulled by this run, which a preview holds in memory only).
        # Those of a customer QuickBooks lost and this run made again are made again with it.
        cursor = self.ctx.state.local_cursor
        changed = Q(customer_id__in=self.customers.made_again)
        if cursor:
            changed |= Q(customer__updated_at__gt=cursor) | Q(customer_id__in=self.customers.pulled)
        query = ServiceLocation.objects.filter(customer__division=self.ctx.division)
        locations = list(self.candidates(query, changed=changed))
        if not locations:
            return
        self.journal.stage(self.spec.push_stage, total=len(locations))
        self.customers.local_load(location.customer_id for location in locations)
        self.customers.links.load_local(location.customer_id for location in locations)
        self.links.load_local(location.pk for location in locations)
        if self.ctx.preview:
            locations = [self.local.get(location.pk, location) for location in locations]
        queue = Queue()
        for location in locations:
            self.local[location.pk] = location
            customer = self.customer(location.customer_id)
            parent = self.customers.links.local(customer.pk)
            if parent is None or not parent.qbo_id:
                continue  # Its customer was not sent (skipped or failed, already logged): it waits with it.
            note = ""
            if customer.pk in self.customers.made_again and self.links.local(location.pk) is not None:
                # What QuickBooks had of it went with its customer.
                self.links.forget(location.pk)
                note = MADE_AGAIN_WITH_CUSTOMER
            record = mapping.location_sent(
                location,
                customer=customer,
                refs=self.lookups,
                parent_remote_id=parent.qbo_id,
                name=mapping.location_display_name(location, customer.display_name, qualified=False),
            )

            def comparable(record: CustomerRecord, name: str = customer.display_name) -> dict[str, Any]:
                return mapping.location_comparable(record, name)

            wanted = content_hash(comparable(record))
            decision = self.plan_sent(location.pk, wanted, comparable)
            self.queue(queue, location.pk, record, wanted, decision, note=note)
        self.send(queue)

    def update_body(self, local_id: int, body: CustomerRecord) -> CustomerRecord:
        """A location's update leaves its job where it sits there, under the name it has there when it is its own."""
        location = self.local[local_id]
        customer_name = self.customer(location.customer_id).display_name
        body = mapping.location_update(body)
        current = self.read.records.get(body.remote_id)
        if current is not None and mapping.location_name(current, customer_name) == location.name:
            body = mapping.with_name(body, current.name)
        return body

    def recreate(self, write: Write) -> Write:
        """A location QuickBooks lost is made again under its customer (its update left it where it was there)."""
        again = super().recreate(write)
        return replace(again, payload=replace(again.payload, keep_place=False))

    def pending_within(self, pending: list[Pending]) -> list[str]:
        """
        A location is looked up within its customer too: a QuickBooks that keeps it in its customer's record names it
        only there.
        """
        return sorted({write.payload.parent_id for write, _ in pending if write.payload.parent_id})

    def pending_fits(self, pending: Pending, record: CustomerRecord) -> bool:
        """A location's create made a job of the same parent."""
        return record.job and record.parent_id == pending.write.payload.parent_id

    def pending_adopt(self, pending: Pending, record: CustomerRecord) -> Write:
        """A location's update keeps the name its job was created under in QuickBooks."""
        write = pending.write
        if pending.link.pending_name:
            return Write(write.entity, write.action, mapping.with_name(write.payload, record.name), write.key)
        return write

    def renamed_retry(self, result: WriteResult) -> Write | None:
        """A location whose plain name QuickBooks holds is sent again as "Customer - Location"."""
        local_id, _ = result.write.key
        payload = result.write.payload
        location = self.local[local_id]
        customer = self.customer(location.customer_id)
        name = mapping.location_display_name(location, customer.display_name, qualified=True)
        if name_key(name) == name_key(payload.name):
            return None
        return Write(CUSTOMER, result.write.action, mapping.with_name(payload, name), key=result.write.key)
