"""
One run at a time per division, across every worker on every machine: a lease on the division's ``SyncState`` row.

Taking it is a single conditional UPDATE, which every database serialises; a run renews it as it goes, and a run
that died (killed worker, lost machine) stops renewing, so its lease runs out and the next run takes over.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.models import SyncState

# How long a run holds its division without renewing (QBO_SYNC_LEASE_SECONDS): a run renews every third of it, so a
# lease runs out only when its worker stopped.
LEASE = timedelta(seconds=settings.QBO_SYNC_LEASE_SECONDS)
RENEW_EVERY = LEASE / 3


def sync_state_get(division: Division) -> SyncState:
    state, _ = SyncState.objects.get_or_create(division=division)
    return state


def lock_acquire(division: Division, *, lease: timedelta = LEASE) -> str | None:
    """A new owner token when the division was free (or its lease ran out), else ``None``."""
    owner = uuid.uuid4().hex
    for _ in range(2):
        now = timezone.now()
        free = Q(lock_owner="") | Q(lock_expires_at__lt=now) | Q(lock_expires_at__isnull=True)
        taken = SyncState.objects.filter(free, division=division).update(lock_owner=owner, lock_expires_at=now + lease)
        if taken:
            return owner
        if SyncState.objects.filter(division=division).exists():
            return None
        sync_state_get(division)  # The division's first run: its row, then the lock.
    return None


def lock_renew(division: Division, owner: str, *, lease: timedelta = LEASE) -> bool:
    """Extend the lease; ``False`` when another run took it over (this run then stops)."""
    renewed = SyncState.objects.filter(division=division, lock_owner=owner).update(
        lock_expires_at=timezone.now() + lease
    )
    return bool(renewed)


def lock_release(division: Division, owner: str) -> None:
    SyncState.objects.filter(division=division, lock_owner=owner).update(lock_owner="", lock_expires_at=None)
