"""Entrusting (ODD 7.4, second part): officials handle the needs entrusted to them, and brokers theirs.

Each official takes at most ``official_capacity_per_week`` cases a week, loyal clients of his camp first
(favours: priority is the tie's strength plus faction trust times affinity), the rest in random order; the
others wait. For each case handled the household pays the fee asked; its tie to that official strengthens and
its lock-in lasts as long as the tie stays strong; its own confidence erodes (the dependence loop: no
practice); a fee payer may complain, the less the more it depends on him. An outside broker (calo) always
completes the case, for his fee, with no tie, and the household does not practise either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.accounting import Flow
from sim.core.draws import Site
from sim.core.needs import hand_over
from sim.core.services import Channel

if TYPE_CHECKING:
    from sim.core.accounting import Resolution
    from sim.core.choice import Choice
    from sim.core.week import Week

# A random order among clients of equal priority: uniform noise this small never reorders different ones.
PRIORITY_TIEBREAK = 1e-3


def by_officials(week: Week, choice: Choice, res: Resolution) -> None:
    """Officials take the needs entrusted to them this week, up to capacity, highest priority first: each asks his
    fee or does the case free, and has it done ``entrusted_weeks`` from now (``res``: this week's ``Resolution``,
    where a case done this week is marked done)."""
    entrusted = np.nonzero(choice.channel == Channel.ENTRUST)[0]     # entries of the choice
    if entrusted.size == 0:
        return
    w = week.world
    p, draws, step = week.p, week.draws, week.t
    needs, r, officials, pick, ties = w.needs, w.residents, w.officials, w.pick, w.ties
    slot = choice.official[entrusted]
    which = choice.needs[entrusted]                     # indices of needs
    keys = needs.key[which]
    hh = needs.household[which]
    tie = ties.strength_of(hh, slot, step)
    village = r.village[hh].astype(np.int64)
    affinity = pick.affinity[pick.key[hh], slot]
    whom = village * officials.per_village + slot      # the official's index in ``officials``
    # Loyal clients of the official's camp come first (favours); the rest in random order.
    priority = tie + p.faction_trust * affinity + PRIORITY_TIEBREAK * draws.uniform(Site.PRIORITY, keys)
    # Sorted by official, highest priority first: priority lies within ±(1 + faction_trust × the larger of 1 and
    # the rival camp's aversion + tie-break), so one key whose official part steps by more than that range sorts
    # both at once.
    spread = 4.0 + 2.0 * p.faction_trust * max(1.0, p.rival_camp_aversion)
    order = np.argsort(whom * spread - priority, kind="stable")
    sorted_whom = whom[order]
    first = np.searchsorted(sorted_whom, sorted_whom, side="left")
    rank = np.empty(entrusted.size, dtype=np.int64)
    rank[order] = np.arange(entrusted.size) - first
    is_taken = rank < p.official_capacity_per_week
    if not is_taken.any():
        return
    taken = which[is_taken]                            # indices of needs
    t_hh = hh[is_taken]
    t_slot = slot[is_taken]
    t_whom = whom[is_taken]
    t_keys = keys[is_taken]
    t_fee = np.where(officials.asks(t_whom, draws.uniform(Site.ASKS_FEE, t_keys)), choice.price[entrusted][is_taken],
                     0.0)
    needs.spend(taken, t_fee + choice.presence_trip[entrusted][is_taken])
    hand_over(week, taken, Channel.ENTRUST, p.entrusted_weeks, t_fee, res)
    # Repeated exchange: the same official as the household's previous one?
    had_one, is_repeat, new_tie = ties.record_exchanges(t_hh, t_slot, tie[is_taken], p.tie_gain, step)
    r.lose_confidence(t_hh, p.deskilling_rate)   # the dependence loop: no practice
    res.show(taken, Channel.ENTRUST)
    # Complaints: fee payers complain, less so the more they depend on the official.
    complained = draws.uniform(Site.COMPLAINT, t_keys) < np.minimum(
        p.complaint_prob * week.policy.complaint_multiplier * (1 - new_tie), 1.0) * (t_fee > 0)
    officials.record_cases(t_whom, t_fee, complained)
    week.sink.record("official_fees", t_fee)
    accounts = w.accounts
    accounts.tally(step, Flow.REPEAT, t_hh[is_repeat])
    accounts.tally(step, Flow.REPEAT_ELIGIBLE, t_hh[had_one])
    accounts.tally(step, Flow.FEES, t_hh, t_fee)
    accounts.tally(step, Flow.OFFICIAL_FEES, t_hh, t_fee)


def by_brokers(week: Week, choice: Choice, res: Resolution) -> None:
    """Outside brokers take every need brought to them this week, for their fee, and have it done
    ``broker_weeks`` from now; the household made one trip to the office where they wait."""
    chosen = np.nonzero(choice.channel == Channel.BROKER)[0]
    if chosen.size == 0:
        return
    w = week.world
    which = choice.needs[chosen]
    brokered = w.needs.household[which]
    fee = choice.broker_fee[chosen]
    w.needs.spend(which, fee + choice.broker_trip[chosen] + choice.presence_trip[chosen])
    hand_over(week, which, Channel.BROKER, week.p.broker_weeks, fee, res)
    w.residents.lose_confidence(brokered, week.p.deskilling_rate)
    res.show(which, Channel.BROKER)
    week.sink.record("broker_fees", fee)
    w.accounts.tally(week.t, Flow.FEES, brokered, fee)
