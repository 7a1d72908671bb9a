"""The fault layer's view of a company's settings: typed, validated once per request."""

from dataclasses import dataclass, field
from typing import Any

from apps.qbo_sandbox.models import SandboxCompany

ONE_MINUTE = 60.0


def _probability(value: Any) -> float:
    return min(max(float(value or 0), 0.0), 1.0)


def _positive(value: Any, *, default: float) -> float:
    number = float(value or 0)
    return number if number > 0 else default


@dataclass(frozen=True)
class FaultKnobs:
    """What the limiter and the injector need to know of one company."""

    requests_per_minute: int = 500
    requests_per_second: int = 0
    batch_per_minute: int = 40
    concurrent: int = 10
    time_scale: float = 1.0
    latency_ms: int = 0
    # Sorted by status so that the random draws happen in a fixed order.
    error_rates: tuple[tuple[int, float], ...] = field(default_factory=tuple)
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    drop_rate: float = 0.0
    xml_fault_rate: float = 0.0
    seed: int | None = None

    @classmethod
    def of(cls, company: SandboxCompany) -> "FaultKnobs":
        settings = company.effective_settings()
        rates = settings.get("error_rates") or {}
        return cls(
            requests_per_minute=int(settings["rate_limit_per_minute"] or 0),
            requests_per_second=int(settings["rate_limit_per_second"] or 0),
            batch_per_minute=int(settings["batch_rate_limit_per_minute"] or 0),
            concurrent=int(settings["rate_limit_concurrent"] or 0),
            time_scale=_positive(settings["time_scale"], default=1.0),
            latency_ms=int(settings["latency_ms"] or 0),
            error_rates=tuple(sorted((int(status), _probability(rate)) for status, rate in rates.items())),
            slow_rate=_probability(settings["slow_rate"]),
            slow_seconds=max(float(settings["slow_seconds"] or 0), 0.0),
            drop_rate=_probability(settings["drop_rate"]),
            xml_fault_rate=_probability(settings["xml_fault_rate"]),
            seed=None if settings["random_seed"] is None else int(settings["random_seed"]),
        )

    def scaled(self, seconds: float) -> float:
        """A sandbox duration in real seconds: ``time_scale`` 10 makes a minute 6 s."""
        return seconds / self.time_scale

    @property
    def minute(self) -> float:
        return self.scaled(ONE_MINUTE)
