"""Policies: what each lever does this week (ODD 7.1).

A lever acts with its intensity from its start week up to the week before its end week (``lever``). Each
week the levers give a small frozen ``PolicyState`` that the other mechanisms read: pemekaran moves the
regency offices towards the new seat; simplification cuts procedural complexity; enforcement raises
complaints and their detection; the mobile registry visits the village in a share of weeks (then nobody
travels to the regency for it).
Digital training acts in ``sim.core.learning``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.core.draws import Site
from sim.core.services import Office

if TYPE_CHECKING:
    from sim.core.draws import Draws
    from sim.core.geography import Geography
    from sim.params.values import TrackedParams


@dataclass(frozen=True)
class PolicyState:
    """What the policies amount to in one week."""

    regency_km: np.ndarray         # road km from each village to the (possibly moved) regency seat
    remote_km: np.ndarray          # (villages, offices): km beyond the village to each office
    complexity_reduction: float    # share of every service's complexity and extra visits removed
    complaint_multiplier: float    # complaints relative to no enforcement
    detection_prob: float          # chance a complaint leads to a sanction
    mobile_visit: bool             # the registry is at the village office this week


def lever(p: TrackedParams, name: str, step: int) -> float:
    """Intensity of a lever at ``step``: its intensity from its start week (never before week 1) up to the week
    before its end week (by default it never ends)."""
    intensity = getattr(p, f"{name}_intensity")
    start, end = getattr(p, f"{name}_start_step"), getattr(p, f"{name}_end_step")
    return intensity if max(start, 1) <= step < end else 0.0


def policy_state(p: TrackedParams, step: int, geography: Geography, draws: Draws) -> PolicyState:
    """This week's policy state; draws (``draws``, the week's) only to decide a mobile-service week (when it is
    on)."""
    g = geography
    move = lever(p, "pemekaran", step)
    regency_km = g.dist_regency_km - move * (g.dist_regency_km - g.dist_new_seat_km)
    remote_km = np.empty((g.n_villages, len(Office)))
    remote_km[:, Office.VILLAGE] = 0.0
    remote_km[:, Office.KECAMATAN] = g.dist_kecamatan_km
    remote_km[:, Office.REGENCY] = regency_km
    enforcement = lever(p, "enforcement", step)
    visit_share = lever(p, "mobile_service", step)
    return PolicyState(
        regency_km=regency_km,
        remote_km=remote_km,
        complexity_reduction=lever(p, "simplification", step) * p.simplification_max_reduction,
        complaint_multiplier=1.0 + p.enforcement_complaint_boost * enforcement,
        detection_prob=p.detection_prob + (1 - p.detection_prob) * p.enforcement_detection_boost * enforcement,
        mobile_visit=bool(visit_share > 0 and draws.uniform(Site.MOBILE_VISIT, np.zeros(1, dtype=np.int64))[0]
                          < visit_share),
    )
