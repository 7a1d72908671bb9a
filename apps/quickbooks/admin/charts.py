"""
The chart of recent runs on the QuickBooks page, drawn on the server as inline SVG (no script, no library).

``runs_chart`` turns the selector's totals into positions; ``templates/admin/quickbooks/integration/chart.html``
draws them. Every number is formatted here, so that the template never localises a coordinate ("1,234.5").
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as date_format

from apps.quickbooks.selectors import RunTotals

WIDTH = 720
HEIGHT = 280
LEFT = 56  # room for the y-axis numbers and its title
RIGHT = 12
TOP = 30  # room for the legend
BOTTOM = 58  # room for the run dates and the x-axis title
MAX_SLOT = 72  # a few runs do not make bars as wide as the page
TICKS = 4


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    value: int
    title: str


@dataclass(frozen=True)
class Slot:
    run_id: int
    synced: Bar
    errors: Bar
    label: str
    label_x: str
    show_label: bool
    when: str


@dataclass(frozen=True)
class Tick:
    y: str
    value: str


@dataclass(frozen=True)
class RunChart:
    width: int
    height: int
    left: int
    right: str
    top: int
    bottom: str
    middle_x: str
    middle_y: str
    axis_title_y: str
    label_y: str
    ticks: list[Tick]
    slots: list[Slot]
    description: str
    total_synced: int
    total_errors: int


def _step(largest: int) -> int:
    """A round step (1, 2 or 5, times a power of ten) such that ``TICKS`` steps reach ``largest``."""
    if largest <= TICKS:
        return 1
    raw = largest / TICKS
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power  # pragma: no cover


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def runs_chart(points: Sequence[RunTotals]) -> RunChart | None:
    """Bars of records synced and errors per run, oldest on the left; ``None`` when there is no run to draw."""
    if not points:
        return None
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height
    step = _step(max(max(point.synced, point.errors) for point in points))
    top_value = step * TICKS
    slot = min(plot_width / len(points), MAX_SLOT)
    bar = slot * 0.36
    gap = slot * 0.06
    every = math.ceil(len(points) / 10)  # at most about ten dates under the axis
    # Runs of a single day are told apart by their time, others by their date.
    one_day = len({timezone.localdate(point.queued_at) for point in points}) == 1
    label_format = "H:i" if one_day else "M j"

    def height(value: int) -> float:
        # A value above zero always shows, however small next to the largest.
        return max(value / top_value * plot_height, 1.5) if value else 0

    slots = []
    for index, point in enumerate(points):
        start = LEFT + index * slot + (slot - 2 * bar - gap) / 2
        when = date_format(timezone.localtime(point.queued_at), "N j, Y, P")
        synced_height, errors_height = height(point.synced), height(point.errors)
        slots.append(
            Slot(
                run_id=point.run_id,
                synced=Bar(
                    x=_n(start),
                    y=_n(bottom - synced_height),
                    width=_n(bar),
                    height=_n(synced_height),
                    value=point.synced,
                    title=f"{when} ({point.label}): {_plural(point.synced, 'record', 'records')} synced",
                ),
                errors=Bar(
                    x=_n(start + bar + gap),
                    y=_n(bottom - errors_height),
                    width=_n(bar),
                    height=_n(errors_height),
                    value=point.errors,
                    title=f"{when} ({point.label}): {_plural(point.errors, 'error', 'errors')}",
                ),
                label=date_format(timezone.localtime(point.queued_at), label_format),
                label_x=_n(LEFT + index * slot + slot / 2),
                show_label=(len(points) - 1 - index) % every == 0,  # the latest run always has its date
                when=when,
            )
        )
    ticks = [
        Tick(y=_n(bottom - value / top_value * plot_height), value=f"{value:,}")
        for value in range(0, top_value + 1, step)
    ]
    total_synced = sum(point.synced for point in points)
    total_errors = sum(point.errors for point in points)
    description = (
        f"Records synced and errors in the last {_plural(len(points), 'sync', 'syncs')}, oldest first: "
        f"{_plural(total_synced, 'record', 'records')} synced and {_plural(total_errors, 'error', 'errors')} in all."
    )
    return RunChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=_n(WIDTH - RIGHT),
        top=TOP,
        bottom=_n(bottom),
        middle_x=_n(LEFT + plot_width / 2),
        middle_y=_n(TOP + plot_height / 2),
        axis_title_y=_n(HEIGHT - 8),
        label_y=_n(bottom + 16),
        ticks=ticks,
        slots=slots,
        description=description,
        total_synced=total_synced,
        total_errors=total_errors,
    )
