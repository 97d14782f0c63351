"""Self-service (ODD 7.4, first part): a household's own attempt, in person or online, and what it learns.

An in-person attempt costs every visit's trip; an online one the application (and, the first time, the
account's activation at the registry). It succeeds with the chance the choice computed from the household's
skill; otherwise the need waits for another attempt. A success raises the household's confidence, a rejection
lowers it (beliefs update on experience); using the online channel successfully also raises its literacy.
"""

from __future__ import annotations

import numpy as np

from sim.core.accounting import Flow
from sim.core.services import Channel


def attempt(channel: Channel, is_chosen: np.ndarray, is_success: np.ndarray, needs, residents, attempt_cost,
            week, accounts, p, step: int) -> None:
    """Needs (boolean mask ``is_chosen``) attempted through ``channel`` this week: costs, outcome, beliefs
    (``week``: this week's ``Resolution``)."""
    r = residents
    i = needs.household
    needs.cost[is_chosen] += attempt_cost[is_chosen]
    is_ok = is_chosen & is_success
    is_rejected = is_chosen & ~is_success
    succeeded, rejected = i[is_ok], i[is_rejected]
    r.confidence[succeeded] += p.confidence_gain * (1 - r.confidence[succeeded])
    r.confidence[rejected] *= (1 - p.confidence_loss)
    r.last_channel[i[is_chosen]] = channel
    week.done[is_ok] = True
    accounts.tally(step, Flow.ONLINE if channel == Channel.ONLINE else Flow.IN_PERSON, succeeded)


def in_person(choice, needs, residents, week, accounts, p, rng: np.random.Generator, step: int) -> None:
    """The needs taken in person this week (a success draw for every pending need, when any goes)."""
    is_chosen = choice.channel == Channel.IN_PERSON
    if is_chosen.any():
        is_success = rng.random(len(needs)) < choice.p_self
        attempt(Channel.IN_PERSON, is_chosen, is_success, needs, residents, choice.attempt_cost, week, accounts, p,
                step)


def online(choice, needs, residents, travel, week, accounts, p, rng: np.random.Generator, step: int) -> None:
    """The needs applied for online this week: activation where needed, the application, practice."""
    r = residents
    i = needs.household
    k = len(needs)
    is_chosen = choice.channel == Channel.ONLINE
    if not is_chosen.any():
        return
    needs.cost[is_chosen] += travel.activation(i, is_chosen)[is_chosen] + p.online_cost_rupiah
    r.activated[i[is_chosen]] = True
    is_success = rng.random(k) < choice.p_online
    attempt(Channel.ONLINE, is_chosen, is_success, needs, residents, np.zeros(k), week, accounts, p, step)
    practised = i[is_chosen & is_success]
    r.literacy[practised] += p.practice_literacy_gain * (1 - r.literacy[practised])
