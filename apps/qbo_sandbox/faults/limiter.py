"""
Intuit's throttles over the atomic counters: sliding windows for rates, a gauge for requests in flight.

A window of ``seconds`` is cut into ``buckets`` slices, each one cache counter named by its index since the epoch.
A request adds one to the current slice and is admitted when that slice plus the ``buckets - 1`` before it hold
no more than ``limit``; otherwise it takes its one back. The count therefore rolls off slice by slice, like Intuit's
rolling minute, to within one slice (5 s of a minute), and never admits more than ``limit`` in any span of
``buckets`` slices: each admitted request saw its own increment in a total within the limit.
"""

import math
from dataclasses import dataclass

from apps.qbo_sandbox.faults.counters import counter_decr, counter_incr, counters_sum

DEFAULT_BUCKETS = 12


@dataclass(frozen=True)
class Window:
    """``limit`` requests per ``seconds`` (real seconds); ``name`` keeps the window's counters apart."""

    name: str
    limit: int
    seconds: float
    buckets: int = DEFAULT_BUCKETS

    @property
    def width(self) -> float:
        return self.seconds / self.buckets

    def keys(self, base: str, at: float) -> tuple[str, list[str]]:
        """The current slice's key and those of the slices before it that are still in the window."""
        index = math.floor(at / self.width)
        # The width is part of the name: a new time scale must not read slices cut another way.
        prefix = f"{base}:{self.name}:{round(self.width * 1000)}"
        return f"{prefix}:{index}", [f"{prefix}:{earlier}" for earlier in range(index - self.buckets + 1, index)]


def windows_admit(base: str, windows: list[Window], at: float) -> Window | None:
    """
    Count one request at time ``at`` (epoch seconds) in every window whose limit is set.

    Returns ``None`` when all admit it, else the first full window; the request is then taken back from every
    window, so that refused requests use no budget.
    """
    taken: list[str] = []
    for window in windows:
        if window.limit <= 0:
            continue
        current, earlier = window.keys(base, at)
        count = counter_incr(current, timeout=window.seconds + window.width)
        taken.append(current)
        if count + counters_sum(earlier) > window.limit:
            for key in taken:
                counter_decr(key)
            return window
    return None


def inflight_acquire(key: str, limit: int) -> bool:
    """
    Take one of ``limit`` places (0: unlimited); ``inflight_release`` must follow, in a ``finally``.

    The gauge never expires: an expiry while requests are in flight would let their releases drive it below zero.
    A process killed mid-request leaks its places until the company's knobs change (see ``guard.counter_base``).
    """
    count = counter_incr(key, timeout=None)
    if limit > 0 and count > limit:
        counter_decr(key)
        return False
    return True


def inflight_release(key: str) -> None:
    counter_decr(key)
