"""Pending needs for documents (ODD 7.2 and the end of 7.4): how they arise, wait, are in someone's hands, and
are abandoned.

A need is one household's need for one service (``sim.core.services``). Needs arise from life events and from
the lack of a document another need requires (``sim.core.documents``), and for village letters and land papers
at each service's yearly rate per household. A need stays pending, with the costs already spent on it, until
it is completed or abandoned. While the household lacks a document it requires it is *blocked*: nobody can
take it on. A need an official or a broker has taken is *in hand* until the week its handler completes it. A
deferred need may lapse (the occasion passes) and any need not in hand that waited ``abandon_after_weeks`` is
abandoned: both are unmet needs, and an abandoned blocked need is an exclusion (a missing document stood in
its way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.core.arrays import distinct, stable_order
from sim.core.documents import Requires, life_events
from sim.core.draws import Site, need_keys
from sim.core.services import SERVICE_CODES, SERVICE_RATE, SERVICE_REQUIRES, Channel
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.accounting import Resolution
    from sim.core.choice import Choice
    from sim.core.week import Week

NOT_IN_HAND = -1


def _empty(dtype) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


@dataclass
class Needs:
    """The pending needs, one entry per need, as parallel arrays (index = need)."""

    household: np.ndarray = field(default_factory=lambda: _empty(np.int32))
    service: np.ndarray = field(default_factory=lambda: _empty(np.int8))
    arrival: np.ndarray = field(default_factory=lambda: _empty(np.int32))   # the week it arose
    cost: np.ndarray = field(default_factory=lambda: _empty(np.float64))   # rupiah spent on it so far
    handler: np.ndarray = field(default_factory=lambda: _empty(np.int8))   # who has it in hand (ENTRUST, BROKER,
                                                                           # ONLINE), else NOT_IN_HAND
    due: np.ndarray = field(default_factory=lambda: _empty(np.int32))      # the week an in-hand need completes
    fee: np.ndarray = field(default_factory=lambda: _empty(np.float64))    # rupiah its handler was paid
    urgent: np.ndarray = field(default_factory=lambda: _empty(bool))       # waiting costs the household
    key: np.ndarray = field(default_factory=lambda: _empty(np.uint64))     # who draws for it (``sim.core.draws``)

    def __len__(self) -> int:
        return int(self.household.shape[0])

    def append(self, households: np.ndarray, services: np.ndarray, week: int, urgent: np.ndarray | bool = True
               ) -> None:
        """New needs of ``households`` for ``services``, arising at ``week``, with nothing spent yet (``urgent``:
        whether waiting costs the household, one per need or one for all). Each need's key for its draws is
        made of its household, service and week, and its rank among the same (a second birth certificate
        sought by one household in one week): it does not depend on any other household's needs."""
        n = households.shape[0]
        self.key = np.concatenate((self.key, _keys(households, services, week)))
        self.urgent = np.concatenate((self.urgent, np.broadcast_to(np.asarray(urgent, dtype=bool), (n,))))
        self.household = np.concatenate((self.household, households.astype(np.int32)))
        self.service = np.concatenate((self.service, services.astype(np.int8)))
        self.arrival = np.concatenate((self.arrival, np.full(n, week, dtype=np.int32)))
        self.cost = np.concatenate((self.cost, np.zeros(n)))
        self.handler = np.concatenate((self.handler, np.full(n, NOT_IN_HAND, dtype=np.int8)))
        self.due = np.concatenate((self.due, np.zeros(n, dtype=np.int32)))
        self.fee = np.concatenate((self.fee, np.zeros(n)))

    def spend(self, which: np.ndarray, rupiah: np.ndarray | float) -> None:
        """Add ``rupiah`` (one amount per need, or one for all) to what the needs ``which`` (an index array or a
        boolean mask) have cost so far."""
        self.cost[which] += rupiah

    def hand_over(self, which: np.ndarray, handler: Channel, due: np.ndarray | int, fee: np.ndarray) -> None:
        """The needs ``which`` (index array) are in the hands of ``handler`` until week ``due``, for ``fee``."""
        self.handler[which] = handler
        self.due[which] = due
        self.fee[which] = fee

    def keep(self, is_kept: np.ndarray) -> None:
        """Keep only the needs where the boolean mask ``is_kept`` holds (the others were resolved)."""
        kept = np.flatnonzero(is_kept)            # once, rather than once per array
        for name in ("household", "service", "arrival", "cost", "handler", "due", "fee", "urgent", "key"):
            setattr(self, name, getattr(self, name).take(kept))

    def weeks_waited(self, week: int) -> np.ndarray:
        """Weeks each need has been pending at ``week``, the week it arose counting as one."""
        return week - self.arrival + 1

    def in_hand(self) -> np.ndarray:
        """Boolean mask of the needs an official or a broker has taken."""
        return self.handler != NOT_IN_HAND


def _keys(households: np.ndarray, services: np.ndarray, week: int) -> np.ndarray:
    """The draw keys of new needs: household, service, week and rank among equal (household, service)."""
    n = households.shape[0]
    if n == 0:
        return _empty(np.uint64)
    pair = households.astype(np.int64) * 256 + np.asarray(services).astype(np.int64)
    if n == 1 or bool((pair[1:] > pair[:-1]).all()):        # in order and all different: every rank is 0
        return need_keys(households, np.asarray(services), week, np.zeros(n, dtype=np.int64))
    order = np.argsort(pair, kind="stable")
    sorted_pair = pair[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.searchsorted(sorted_pair, sorted_pair, side="left")
    return need_keys(households, np.asarray(services), week, rank)


def arrive(week: Week) -> None:
    """This week's new needs: from life events, for village letters and land papers at their yearly rates (a
    Poisson number per village and service, at households of the village drawn uniformly), and for every
    document a pending need requires and its household lacks (once per household and document)."""
    needs, geography = week.world.needs, week.world.geography
    events = life_events(week, SERVICE_CODES)
    weekly = np.minimum(SERVICE_RATE * week.p.need_rate_multiplier / WEEKS_PER_YEAR, 1.0)
    drawn = week.draws.scatter((Site.NEED_ARRIVAL, Site.NEED_ARRIVAL_WHO, Site.NEED_ARRIVAL_SERVICE), weekly,
                               geography.offsets, geography.households)
    households = np.concatenate((events.households, drawn.households.astype(np.int32)))
    services = np.concatenate((events.services, drawn.kinds().astype(np.int8)))
    urgent = np.concatenate((events.urgent, np.ones(drawn.households.size, dtype=bool)))
    if households.size:
        # The same (household, service) pairs in household order: the per-need lookups into household arrays then
        # walk memory forwards.
        order = stable_order(households)
        first = len(needs)
        needs.append(households[order], services[order], week.t, urgent[order])
        _require(week, first)


def _require(week: Week, first: int) -> None:
    """A need for each document that a need arisen this week (index ``first`` on) requires and its household
    lacks, unless one is pending. (Events that take a document away create the need for it themselves.)"""
    needs, documents = week.world.needs, week.world.documents
    holders = needs.household[first:]
    missing = documents.lacks(holders, SERVICE_REQUIRES[needs.service[first:]])
    if not missing.any():
        return
    for bit, service in ((Requires.KK, SERVICE_CODES.kk), (Requires.KTP, SERVICE_CODES.ktp)):
        households = distinct(holders[(missing & bit) != 0])
        if households.size == 0:
            continue
        new = households[~np.isin(households, needs.household[needs.service == service], kind="table")]
        if new.size:
            needs.append(new, np.full(new.size, service, dtype=np.int8), week.t)


def blocked(week: Week) -> np.ndarray:
    """Boolean mask of the pending needs whose household lacks a document they require."""
    needs = week.world.needs
    return week.world.documents.lacks(needs.household, SERVICE_REQUIRES[needs.service]) != 0


def unmet(week: Week, choice: Choice, res: Resolution) -> np.ndarray:
    """Boolean mask of the needs abandoned this week: not completed and not in hand, and either deferred and
    lapsing (a draw for every need that chose to defer), or pending for ``abandon_after_weeks``."""
    needs = week.world.needs
    deferring = choice.needs[choice.channel == Channel.DEFER]
    is_lapsed = np.zeros(len(needs), dtype=bool)
    is_lapsed[deferring] = week.draws.chance(Site.LAPSE, needs.key.take(deferring), week.p.lapse_prob_per_week)
    free = ~res.done & ~needs.in_hand()
    return free & (is_lapsed | (needs.weeks_waited(week.t) >= week.p.abandon_after_weeks))


def due_week(week: Week, weeks: float) -> int:
    """The week a case handed over now is done, when it takes ``weeks`` (rounded; this week counts as one)."""
    return week.t + max(int(round(weeks)), 1) - 1


def hand_over(week: Week, which: np.ndarray, handler: Channel, weeks: float, fee: np.ndarray,
              res: Resolution) -> None:
    """The needs ``which`` (index array) are in ``handler``'s hands, paid ``fee``, for ``weeks`` (this week
    counting as one): done at once when that ends this week, else kept in hand."""
    due = due_week(week, weeks)
    if due <= week.t:
        res.complete(which, handler, fee)
    else:
        week.world.needs.hand_over(which, handler, due, fee)


def in_hand_done(week: Week, res: Resolution) -> None:
    """The needs in someone's hands whose week has come are done, as their handler took them."""
    needs = week.world.needs
    ready = np.nonzero(needs.in_hand() & (needs.due <= week.t))[0]
    if ready.size:
        res.complete(ready, needs.handler[ready], needs.fee[ready])
