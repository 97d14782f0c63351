"""Entrusting (ODD 7.4, second part): officials handle the needs entrusted to them, and brokers theirs.

Each official takes at most ``official_capacity_per_week`` cases a week, loyal clients of his camp first
(favours: priority is the tie's strength plus faction trust times affinity), the rest in random order; the
others wait. For each case handled the household pays the fee asked; its tie to that official strengthens and
its lock-in lasts as long as the tie stays strong; its own confidence erodes (the dependence loop: no
practice); a fee payer may complain, the less the more it depends on him. An outside broker (calo) always
completes the case, for his fee, with no tie, and the household does not practise either.
"""

from __future__ import annotations

import numpy as np

from sim.core import ties
from sim.core.accounting import Flow
from sim.core.population import NO_OFFICIAL
from sim.core.services import Channel

# A random order among clients of equal priority: uniform noise this small never reorders different ones.
PRIORITY_TIEBREAK = 1e-3


def by_officials(choice, needs, residents, officials, pick, week, accounts, policy, p,
                 rng: np.random.Generator, step: int, tie_decay_per_step: float, fees_paid: list) -> None:
    """Officials take the needs entrusted to them this week, up to capacity, highest priority first (``week``:
    this week's ``Resolution``, where each case taken is marked done, and paid if the official asked a fee)."""
    entrusted = np.nonzero(choice.channel == Channel.ENTRUST)[0]     # indices of needs
    if entrusted.size == 0:
        return
    r = residents
    slot = choice.official[entrusted]
    fee = choice.fee[entrusted]
    hh = needs.household[entrusted]
    tie = ties.strength_of(r.tie_log, hh, slot, tie_decay_per_step, step)
    village = r.village[hh].astype(np.int64)
    affinity = pick.affinity[pick.key[hh], slot]
    whom = village * officials.per_village + slot      # the official's index in ``officials``
    # Loyal clients of the official's camp come first (favours); the rest in random order.
    priority = tie + p.faction_trust * affinity + PRIORITY_TIEBREAK * rng.random(entrusted.size)
    # Sorted by official, highest priority first: priority lies within ±(1 + faction_trust + tie-break), so one
    # key whose official part steps by more than that range sorts both at once.
    order = np.argsort(whom * (4.0 + 2.0 * p.faction_trust) - priority, kind="stable")
    sorted_whom = whom[order]
    first = np.searchsorted(sorted_whom, sorted_whom, side="left")
    rank = np.empty(entrusted.size, dtype=np.int64)
    rank[order] = np.arange(entrusted.size) - first
    is_taken = rank < p.official_capacity_per_week
    taken = entrusted[is_taken]                        # indices of needs
    t_hh = hh[is_taken]
    t_slot = slot[is_taken]
    t_whom = whom[is_taken]
    t_fee = fee[is_taken]
    t_tie = tie[is_taken]
    week.done[taken] = True
    week.paid[taken] = t_fee > 0
    week.fee[taken] = t_fee
    needs.cost[taken] += t_fee
    if taken.size == 0:
        return
    # Repeated exchange: the same official as the household's previous one?
    had_one = r.last_official[t_hh] != NO_OFFICIAL
    is_repeat = had_one & (r.last_official[t_hh] == t_slot)
    new_tie = ties.strengthen(t_tie, p.tie_gain)
    r.tie_log[t_hh, t_slot] = ties.stored(new_tie, tie_decay_per_step, step)
    r.last_official[t_hh] = t_slot
    r.lock_until[t_hh] = np.maximum(
        r.lock_until[t_hh], ties.lock_expiry(new_tie, step, p.lockin_tie_threshold, tie_decay_per_step))
    r.confidence[t_hh] *= (1 - p.deskilling_rate)   # the dependence loop: no practice
    r.last_channel[t_hh] = Channel.ENTRUST
    # Complaints: fee payers complain, less so the more they depend on the official.
    complained = rng.random(taken.size) < np.minimum(
        p.complaint_prob * policy.complaint_multiplier * (1 - new_tie), 1.0) * (t_fee > 0)
    officials.record_cases(t_whom, t_fee, complained)
    fees_paid.append(t_fee)
    accounts.tally(step, Flow.ENTRUSTED, t_hh)
    accounts.tally(step, Flow.PAID_ENTRUSTED, t_hh[t_fee > 0])
    accounts.tally(step, Flow.REPEAT, t_hh[is_repeat])
    accounts.tally(step, Flow.REPEAT_ELIGIBLE, t_hh[had_one])
    accounts.tally(step, Flow.FEES, t_hh, t_fee)
    accounts.tally(step, Flow.OFFICIAL_FEES, t_hh, t_fee)


def by_brokers(choice, needs, residents, week, accounts, p, step: int,
               broker_fees_paid: list) -> None:
    """Outside brokers complete every need taken to them this week, for their fee."""
    is_brokered = choice.channel == Channel.BROKER
    if not is_brokered.any():
        return
    r = residents
    brokered = needs.household[is_brokered]
    fee = choice.broker_fee[is_brokered]
    needs.cost[is_brokered] += fee
    r.confidence[brokered] *= (1 - p.deskilling_rate)
    r.last_channel[brokered] = Channel.BROKER
    week.done[is_brokered] = True
    week.paid[is_brokered] = True
    week.fee[is_brokered] = fee
    broker_fees_paid.append(fee)
    accounts.tally(step, Flow.BROKER, brokered)
    accounts.tally(step, Flow.FEES, brokered, fee)
