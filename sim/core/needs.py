"""Pending needs for documents (ODD 7.2 and the end of 7.4): how they arrive, wait and are abandoned.

A need is one household's need for one service (``sim.core.services``). Needs arrive every week at each
service's yearly rate per household; a need stays pending, with the costs already spent on it, until it is
completed or abandoned. A deferred need may lapse (the occasion passes) and any need that waited
``abandon_after_weeks`` is abandoned: both are unmet needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.core.services import SERVICE_RATE, Channel
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.accounting import Resolution
    from sim.core.choice import Choice
    from sim.core.week import Week


@dataclass
class Needs:
    """The pending needs, one entry per need, as parallel arrays (index = need)."""

    household: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    service: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    arrival: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))   # the week it arose
    cost: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))   # rupiah spent on it so far

    def __len__(self) -> int:
        return int(self.household.shape[0])

    def append(self, households: np.ndarray, services: np.ndarray, step: int) -> None:
        """New needs of ``households`` for ``services``, arising at ``step``, with nothing spent yet."""
        n = households.shape[0]
        self.household = np.concatenate((self.household, households))
        self.service = np.concatenate((self.service, services))
        self.arrival = np.concatenate((self.arrival, np.full(n, step, dtype=np.int32)))
        self.cost = np.concatenate((self.cost, np.zeros(n)))

    def spend(self, which: np.ndarray, rupiah: np.ndarray | float) -> None:
        """Add ``rupiah`` (one amount per need, or one for all) to what the needs ``which`` (an index array or a
        boolean mask) have cost so far."""
        self.cost[which] += rupiah

    def keep(self, is_kept: np.ndarray) -> None:
        """Keep only the needs where the boolean mask ``is_kept`` holds (the others were resolved)."""
        self.household = self.household[is_kept]
        self.service = self.service[is_kept]
        self.arrival = self.arrival[is_kept]
        self.cost = self.cost[is_kept]

    def weeks_waited(self, step: int) -> np.ndarray:
        """Weeks each need has been pending at ``step``, the week it arose counting as one."""
        return step - self.arrival + 1


def arrive(week: Week) -> None:
    """This week's new needs: a binomial number per service type, spread uniformly over households."""
    rng, n_households = week.rng, week.world.residents.n
    weekly = np.minimum(SERVICE_RATE * week.p.need_rate_multiplier / WEEKS_PER_YEAR, 1.0)
    counts = rng.binomial(n_households, weekly)
    total = int(counts.sum())
    if total == 0:
        return
    households = rng.integers(0, n_households, total, dtype=np.int32)
    services = np.repeat(np.arange(len(counts), dtype=np.int8), counts)
    # The same (household, service) pairs in household order: the per-need lookups into household arrays then
    # walk memory forwards.
    order = np.argsort(households, kind="stable")
    week.world.needs.append(households[order], services[order], week.t)


def unmet(week: Week, choice: Choice, res: Resolution) -> np.ndarray:
    """Boolean mask of the needs abandoned this week: not completed, and either deferred and lapsing (a draw
    for every pending need), or pending for ``abandon_after_weeks``."""
    needs = week.world.needs
    is_lapsed = (choice.channel == Channel.DEFER) & (week.rng.random(len(needs)) < week.p.lapse_prob_per_week)
    return ~res.done & (is_lapsed | (needs.weeks_waited(week.t) >= week.p.abandon_after_weeks))
