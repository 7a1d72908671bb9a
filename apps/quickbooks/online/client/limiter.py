"""
A per-realm limiter shared by every worker through the Django cache (Redis in production), so that FieldOffice stays
under Intuit's limits instead of collecting 429s: requests a minute, batch requests a minute, requests at once.

Only atomic cache operations are used (``add``, ``incr``, ``decr``), so counts hold across threads and processes.
With the local-memory cache each process counts alone: fine for one worker, not for several (use Redis).

- Rates: a minute is cut into 2-second slices; a request adds one to the current slice and goes ahead when that
  slice and the ones before it, reaching back a whole minute plus a margin, hold no more than the limit; otherwise it
  takes its one back and waits for the next slice. Reaching back past the minute makes the count cover any 60 s span,
  as Intuit's does, and the margin (a second a minute) absorbs requests that arrive closer together than they left.
- Concurrency: ``limit`` slot keys; a request takes a free one with ``add`` and frees it after. Slots expire, so a
  worker that dies mid-request cannot keep its place forever.
- A 429 pauses the realm for every worker (``pause``).
"""

import logging
import math
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from django.core.cache import BaseCache, cache

logger = logging.getLogger(__name__)

MINUTE = 60.0
SLICES_PER_MINUTE = 30
# How far past the window the count reaches back, as a share of the window: a second a minute.
MARGIN = 1 / 60
# Longer than any wait is worth: past it the request goes ahead and QuickBooks' own 429 handling takes over.
MAX_WAIT_SECONDS = 120.0


class RealmLimiter:
    def __init__(
        self,
        realm_id: str,
        *,
        per_minute: int,
        batch_per_minute: int,
        concurrent: int,
        slot_seconds: float,
        window_seconds: float = MINUTE,
        store: BaseCache | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = f"quickbooks:limiter:{realm_id}"
        self.per_minute = per_minute
        self.batch_per_minute = batch_per_minute
        self.concurrent = concurrent
        self.slot_seconds = slot_seconds
        self.store = store or cache
        self.clock = clock
        self.sleep = sleep
        # Intuit's window is a minute; a sandbox that compresses time (benchmarks) has a shorter one.
        self.window = window_seconds if window_seconds > 0 else MINUTE
        self.width = self.window / SLICES_PER_MINUTE

    @contextmanager
    def slot(self, *, batch: bool = False) -> Iterator[None]:
        """Hold a place for one request; waits while the realm is paused, full or at its concurrency limit."""
        deadline = self.clock() + MAX_WAIT_SECONDS
        self._wait_for_pause(deadline)
        place = self._place_take(deadline)
        try:
            self._admit("requests", self.per_minute, deadline)
            if batch:
                self._admit("batches", self.batch_per_minute, deadline)
            yield
        finally:
            if place:
                key, owner = place
                if self.store.get(key) == owner:
                    self.store.delete(key)

    def pause(self, seconds: float) -> None:
        """Hold every worker back from this realm for ``seconds`` (after a 429)."""
        self.store.set(f"{self.base}:pause", self.clock() + seconds, timeout=max(math.ceil(seconds), 1))

    def _wait_for_pause(self, deadline: float) -> None:
        until = self.store.get(f"{self.base}:pause")
        if until and until > self.clock():
            self.sleep(max(0.0, min(until, deadline) - self.clock()))

    def _place_take(self, deadline: float) -> tuple[str, str] | None:
        if self.concurrent <= 0:
            return None
        owner = uuid.uuid4().hex
        timeout = max(math.ceil(self.slot_seconds), 1)
        while True:
            # A random first slot spreads workers over the keys instead of all racing for slot 0.
            start = random.randrange(self.concurrent)
            for offset in range(self.concurrent):
                key = f"{self.base}:slot:{(start + offset) % self.concurrent}"
                if self.store.add(key, owner, timeout=timeout):
                    return key, owner
            if self.clock() >= deadline:
                logger.warning("QuickBooks limiter: no free slot for %s after waiting; going ahead", self.base)
                return None
            self.sleep(0.05 + random.random() * 0.05)

    def _slice_key(self, name: str, index: int) -> str:
        return f"{self.base}:{name}:{index}"

    def _admit(self, name: str, limit: int, deadline: float) -> None:
        if limit <= 0:
            return
        while True:
            now = self.clock()
            index = math.floor(now / self.width)
            key = self._slice_key(name, index)
            if self.store.add(key, 1, timeout=math.ceil(self.window + 2 * self.width)):
                count = 1
            else:
                try:
                    count = self.store.incr(key)
                except ValueError:  # expired between add and incr
                    continue
            first = math.floor((now - self.window * (1 + MARGIN)) / self.width)
            earlier = [self._slice_key(name, i) for i in range(first, index)]
            total = count + sum(int(value) for value in self.store.get_many(earlier).values())
            if total <= limit:
                return
            with suppress(ValueError):
                self.store.decr(key)
            if now >= deadline:
                logger.warning("QuickBooks limiter: %s over %s/min after waiting; going ahead", self.base, limit)
                return
            self.sleep(max((index + 1) * self.width - now, 0.0) + random.random() * 0.1)
