"""
Which faults one request gets: drawn from a generator seeded with the company's seed and the request's number.

With a seed the same sequence of requests meets the same faults, run after run (the number restarts whenever the
company's knobs change). Every draw is made in a fixed order whatever the rates, so that changing one rate does not
shift the others.
"""

import random
from dataclasses import dataclass

from apps.qbo_sandbox.faults.knobs import FaultKnobs


@dataclass(frozen=True)
class FaultPlan:
    drop: bool = False
    slow: bool = False
    # An HTTP status to answer instead of calling the view, or 0.
    error_status: int = 0
    xml: bool = False


def fault_plan_draw(knobs: FaultKnobs, sequence: int) -> FaultPlan:
    """The faults of request number ``sequence`` (from 1) of a company."""
    # A string seed is hashed with SHA-512: the same in every process, whatever PYTHONHASHSEED says.
    rng = random.Random(f"{knobs.seed}:{sequence}") if knobs.seed is not None else random.Random()
    drop = rng.random() < knobs.drop_rate
    slow = rng.random() < knobs.slow_rate
    error_status = 0
    for status, rate in knobs.error_rates:
        if rng.random() < rate and not error_status:
            error_status = status
    xml = rng.random() < knobs.xml_fault_rate
    return FaultPlan(drop=drop, slow=slow, error_status=error_status, xml=xml)
