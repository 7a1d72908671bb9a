"""
What a batch of change notices does: one incremental run per connected division, a little later.

Notices come in bursts (an invoice and its payment, a bulk edit in QuickBooks), so the first notice for a division
sets ``SyncState.webhook_run_due_at`` to now + ``QBO_WEBHOOK_DEBOUNCE_SECONDS`` and schedules one django-q2 task for
that moment; notices arriving while a run is due are folded into it. The due time is claimed with one conditional
UPDATE, so two webhook requests at once (two web processes, Intuit's retry crossing a new notice) schedule once.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.models import Schedule

from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, SyncState
from apps.quickbooks.online.webhooks.payloads import Notice

logger = logging.getLogger(__name__)

WEBHOOK_SYNC_TASK = "apps.quickbooks.tasks.sync_division_after_notices"


@dataclass
class NoticesAccepted:
    """What became of a batch of notices, per division and realm; for the log and for tests."""

    scheduled: dict[int, datetime] = field(default_factory=dict)
    coalesced: list[int] = field(default_factory=list)
    unknown_realms: list[str] = field(default_factory=list)


def webhook_schedule_name(division_id: int) -> str:
    return f"quickbooks-webhook-{division_id}"


def _webhook_run_schedule(division_id: int, now: datetime) -> datetime | None:
    """Ask for a run of the division at now + the debounce delay; ``None`` when one is due already."""
    due = now + timedelta(seconds=settings.QBO_WEBHOOK_DEBOUNCE_SECONDS)
    with transaction.atomic():
        SyncState.objects.get_or_create(division_id=division_id)
        # Only the request whose UPDATE matches schedules; a due time in the past is a run that has started (it
        # clears the time) or whose schedule was lost, so a new one is taken.
        claimed = (
            SyncState.objects.filter(division_id=division_id)
            .filter(Q(webhook_run_due_at__isnull=True) | Q(webhook_run_due_at__lte=now))
            .update(webhook_run_due_at=due)
        )
        if not claimed:
            return None
        args = repr((division_id,))
        # A schedule left over from a due time that passed without a worker would run the division twice.
        Schedule.objects.filter(func=WEBHOOK_SYNC_TASK, args=args).delete()
        Schedule.objects.create(
            name=webhook_schedule_name(division_id),
            func=WEBHOOK_SYNC_TASK,
            args=args,
            schedule_type=Schedule.ONCE,
            repeats=-1,
            next_run=due,
        )
    return due


def webhook_notices_accept(notices: list[Notice]) -> NoticesAccepted:
    """Schedule a debounced incremental run for each connected division the notices' realms belong to."""
    result = NoticesAccepted()
    realm_ids = sorted({notice.realm_id for notice in notices if notice.realm_id})
    if not realm_ids:
        return result
    divisions_of_realm: dict[str, list[int]] = {}
    connected = QuickBooksConnection.objects.filter(realm_id__in=realm_ids, status=ConnectionStatus.CONNECTED)
    for realm_id, division_id in connected.order_by("division_id").values_list("realm_id", "division_id"):
        divisions_of_realm.setdefault(realm_id, []).append(division_id)
    now = timezone.now()
    for realm_id in realm_ids:
        division_ids = divisions_of_realm.get(realm_id)
        if not division_ids:
            result.unknown_realms.append(realm_id)
            logger.info("QuickBooks webhook for realm %s ignored: no division is connected to it", realm_id)
            continue
        for division_id in division_ids:
            due = _webhook_run_schedule(division_id, now)
            if due is None:
                result.coalesced.append(division_id)
            else:
                result.scheduled[division_id] = due
    return result
