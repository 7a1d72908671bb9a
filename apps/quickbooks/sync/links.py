"""
The links between local records and their QuickBooks twins, loaded in one query per need and written in bulk.

``LinkSet`` holds the links of one kind of local record (its content type) to one QuickBooks entity. The links a
round of writes sets are saved together at the end of the round (``saved_together``), not one query each.
"""

from collections.abc import Iterable, Iterator, Set
from contextlib import contextmanager
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.models import LeftBehindRecord, RecordLink

# Ids per "IN (...)" query: SQLite allows 32,766 variables a statement, older builds 999.
IN_CHUNK = 900
# What ``set`` changes in a link.
LINK_FIELDS = ["qbo_id", "sync_token", "content_hash", "pending_since", "pending_name", "last_synced_at"]


class LinkSet:
    def __init__(self, division: Division, model: type[models.Model], entity: str) -> None:
        self.division = division
        self.entity = entity
        self.content_type = ContentType.objects.get_for_model(model)
        self.by_local: dict[int, RecordLink] = {}
        self.by_remote: dict[str, RecordLink] = {}
        self._loaded_all = False
        # QuickBooks records an update replaced (``LeftBehindRecord``), once loaded.
        self._left: set[str] | None = None
        # Inside ``saved_together``: the links set since it began, by local id, saved at its end.
        self._unsaved: dict[int, RecordLink] | None = None

    def _queryset(self):
        return RecordLink.objects.filter(division=self.division, content_type=self.content_type)

    def _keep(self, links: Iterable[RecordLink]) -> None:
        for link in links:
            if self._unsaved and link.object_id in self._unsaved:
                continue  # Set since it was read: what is held is newer.
            self.by_local[link.object_id] = link
            if link.qbo_id:
                self.by_remote[link.qbo_id] = link

    def load_all(self) -> "LinkSet":
        if not self._loaded_all:
            self._keep(self._queryset())
            self._loaded_all = True
        return self

    def load_remote(self, remote_ids: Iterable[str]) -> None:
        wanted = [remote_id for remote_id in set(remote_ids) if remote_id and remote_id not in self.by_remote]
        if wanted and not self._loaded_all:
            for start in range(0, len(wanted), IN_CHUNK):
                chunk = wanted[start : start + IN_CHUNK]
                self._keep(self._queryset().filter(entity_type=self.entity, qbo_id__in=chunk))

    def load_local(self, local_ids: Iterable[int]) -> None:
        wanted = [local_id for local_id in set(local_ids) if local_id not in self.by_local]
        if wanted and not self._loaded_all:
            for start in range(0, len(wanted), IN_CHUNK):
                self._keep(self._queryset().filter(object_id__in=wanted[start : start + IN_CHUNK]))

    def load_pending(self) -> dict[str, RecordLink]:
        """Creates in flight (an interrupted run's), by the name they were sent with."""
        if not self._loaded_all:
            self._keep(self._queryset().filter(qbo_id=""))
        return {
            name_key(link.pending_name): link
            for link in self.by_local.values()
            if not link.qbo_id and link.pk and link.pending_name
        }

    def local(self, local_id: int) -> RecordLink | None:
        return self.by_local.get(local_id)

    def remote(self, remote_id: str) -> RecordLink | None:
        return self.by_remote.get(remote_id)

    def linked_remote_ids(self) -> set[str]:
        return set(self.by_remote)

    def set(self, local_id: int, remote_id: str, sync_token: str, content_hash: str) -> RecordLink:
        """Link (or relink) a local record to ``remote_id`` and save it."""
        link = self._prepared(local_id, remote_id, sync_token, content_hash)
        if self._unsaved is not None:
            self._unsaved[local_id] = link
        else:
            self._store(link)
        self._keep_set(link)
        return link

    @contextmanager
    def saved_together(self) -> Iterator[None]:
        """
        The links ``set`` inside the block are saved together when it ends (the outcomes of a round of writes, in
        its transaction), not one query each; meanwhile they answer as set. Nothing is saved if the block fails.
        """
        if self._unsaved is not None:
            yield
            return
        self._unsaved = {}
        try:
            yield
            unsaved = list(self._unsaved.values())
        finally:
            self._unsaved = None
        if unsaved:
            self._store_many(unsaved)

    def set_many(self, rows: Iterable[tuple[int, str, str, str]]) -> list[RecordLink]:
        """``set`` for many records at once (local id, remote id, sync token, content hash): saved in bulk."""
        now = timezone.now()
        links = [self._prepared(*row, now=now) for row in rows]
        self._store_many(links)
        for link in links:
            self._keep_set(link)
        return links

    def _prepared(
        self, local_id: int, remote_id: str, sync_token: str, content_hash: str, *, now: datetime | None = None
    ) -> RecordLink:
        link = self.by_local.get(local_id)
        if link is None:
            link = RecordLink(
                division=self.division, content_type=self.content_type, object_id=local_id, entity_type=self.entity
            )
        elif link.qbo_id and link.qbo_id != remote_id:
            self.by_remote.pop(link.qbo_id, None)
        if self._left and remote_id in self._left:
            # Linked again (a location that took its old name back): synced again.
            self._left = self._left - {remote_id}
            self._unleave(remote_id)
        link.qbo_id = remote_id
        link.sync_token = sync_token
        link.content_hash = content_hash
        link.pending_since = None
        link.pending_name = ""
        # A batch's links share one stamp: they are saved together.
        link.last_synced_at = now or timezone.now()
        return link

    def _keep_set(self, link: RecordLink) -> None:
        self.by_local[link.object_id] = link
        self.by_remote[link.qbo_id] = link

    def _store(self, link: RecordLink) -> None:
        """Keep a link ``set`` made (a preview keeps it in its plan instead)."""
        link.save()

    def _store_many(self, links: list[RecordLink]) -> None:
        """Keep the links ``set_many`` made: new ones inserted together, the others updated together."""
        new = [link for link in links if link.pk is None]
        changed = [link for link in links if link.pk is not None]
        if new:
            # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, which later saves need.
            RecordLink.objects.bulk_create(new, batch_size=500)
        if changed:
            _links_update(changed)

    def touch(self, link: RecordLink, *, sync_token: str | None = None, content_hash: str | None = None) -> None:
        if self._unsaved and self._unsaved.get(link.object_id) is link:
            # Saved with the others, all its fields at once.
            link.sync_token = link.sync_token if sync_token is None else sync_token
            link.content_hash = link.content_hash if content_hash is None else content_hash
            return
        fields = []
        if sync_token is not None and sync_token != link.sync_token:
            link.sync_token = sync_token
            fields.append("sync_token")
        if content_hash is not None and content_hash != link.content_hash:
            link.content_hash = content_hash
            fields.append("content_hash")
        if fields:
            link.last_synced_at = timezone.now()
            link.save(update_fields=[*fields, "last_synced_at"])

    def is_linked(self, local_id: int) -> bool:
        """Linked to a QuickBooks record (a create in flight is not, yet)."""
        link = self.by_local.get(local_id)
        return link is not None and bool(link.qbo_id)

    def mark_pending(self, creates: Iterable[tuple[int, str]]) -> None:
        """Record that these creates (local id, name sent) are on their way (see ``RecordLink.pending_since``)."""
        now = timezone.now()
        new, renamed = [], []
        for local_id, name in creates:
            link = self.by_local.get(local_id)
            if link is None:
                link = RecordLink(
                    division=self.division,
                    content_type=self.content_type,
                    object_id=local_id,
                    entity_type=self.entity,
                    qbo_id="",
                    pending_since=now,
                    pending_name=name,
                )
                new.append(link)
                self.by_local[local_id] = link
            elif not link.qbo_id and link.pk and link.pending_name != name:
                # Sent again under another name: the earlier pending mark is kept, it is the older one.
                link.pending_name = name
                link.pending_since = link.pending_since or now
                renamed.append(link)
        if new:
            # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, which later saves need.
            RecordLink.objects.bulk_create(new, batch_size=500)
        if renamed:
            RecordLink.objects.bulk_update(renamed, ["pending_name", "pending_since"], batch_size=500)

    def forget(self, local_id: int) -> None:
        if self._unsaved:
            self._unsaved.pop(local_id, None)
        link = self.by_local.pop(local_id, None)
        if link is None:
            return
        if link.qbo_id:
            self.by_remote.pop(link.qbo_id, None)
        self._drop(link)

    def _drop(self, link: RecordLink) -> None:
        """Delete a link ``forget`` let go of (a preview drops it from its plan instead)."""
        if link.pk:
            link.delete()

    def left_behind(self, *, known: Set[str] | None = None) -> Set[str]:
        """
        The ids of the QuickBooks records updates replaced (``LeftBehindRecord``), which are no longer synced. They
        are kept per entity: ``known``, those another link set of the entity loaded, saves reading them again.
        """
        if self._left is None:
            if known is None:
                known = LeftBehindRecord.objects.filter(division=self.division, entity_type=self.entity).values_list(
                    "qbo_id", flat=True
                )
            self._left = set(known)
        return self._left

    def leave_behind(self, remote_id: str) -> None:
        """
        QuickBooks answered an update of ``remote_id`` with another record and kept this one, since it cannot rename
        the record. The record is no longer synced.
        """
        if remote_id not in self.left_behind():
            self._left = {*self._left, remote_id}
            self._leave(remote_id)

    def _leave(self, remote_id: str) -> None:
        LeftBehindRecord.objects.get_or_create(division=self.division, entity_type=self.entity, qbo_id=remote_id)

    def _unleave(self, remote_id: str) -> None:
        LeftBehindRecord.objects.filter(division=self.division, entity_type=self.entity, qbo_id=remote_id).delete()

    def unlinked_filter(self) -> models.Q:
        """Local records of this kind with no QuickBooks twin yet (or one whose create did not finish)."""
        linked = self._queryset().exclude(qbo_id="").values("object_id")
        return ~models.Q(pk__in=linked)

    def stale_filter(self) -> models.Q:
        """Local records whose last push failed (their link's content hash was cleared)."""
        return models.Q(pk__in=self._queryset().filter(content_hash="").exclude(qbo_id="").values("object_id"))


def _links_update(links: list[RecordLink]) -> None:
    """
    Save the ``LINK_FIELDS`` of stored links: one statement, run for each link (``executemany``). Django's
    ``bulk_update`` builds a CASE per field and row instead, which on SQLite costs more than saving them one by one.
    """
    meta = RecordLink._meta
    fields = [meta.get_field(name) for name in LINK_FIELDS]
    connection = connections[router.db_for_write(RecordLink)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(link, field.attname), connection) for field in fields] + [link.pk]
        for link in links
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
