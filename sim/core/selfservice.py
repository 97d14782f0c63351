"""Self-service (ODD 7.4, first part): a household's own attempt, in person or online, and what it learns.

An in-person attempt costs every visit's trip; an online one the application (and, the first time, the
account's activation at the registry). It succeeds with the chance the choice computed from the household's
skill; otherwise the need waits for another attempt. A success raises the household's confidence, a rejection
lowers it (beliefs update on experience); using the online channel successfully also raises its literacy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.accounting import Flow
from sim.core.services import Channel

if TYPE_CHECKING:
    from sim.core.accounting import Resolution
    from sim.core.choice import Choice
    from sim.core.week import Week


def attempt(week: Week, channel: Channel, is_chosen: np.ndarray, is_success: np.ndarray,
            attempt_cost: np.ndarray, res: Resolution) -> None:
    """Needs (boolean mask ``is_chosen``) attempted through ``channel`` this week: costs, outcome, beliefs
    (``res``: this week's ``Resolution``, where each success is marked done)."""
    w = week.world
    needs, r = w.needs, w.residents
    i = needs.household
    needs.spend(is_chosen, attempt_cost[is_chosen])
    is_ok = is_chosen & is_success
    is_rejected = is_chosen & ~is_success
    succeeded, rejected = i[is_ok], i[is_rejected]
    r.gain_confidence(succeeded, week.p.confidence_gain)
    r.lose_confidence(rejected, week.p.confidence_loss)
    res.show(is_chosen, channel)
    res.done[is_ok] = True
    w.accounts.tally(week.t, Flow.ONLINE if channel == Channel.ONLINE else Flow.IN_PERSON, succeeded)


def in_person(week: Week, choice: Choice, res: Resolution) -> None:
    """The needs taken in person this week (a success draw for every pending need, when any goes)."""
    is_chosen = choice.channel == Channel.IN_PERSON
    if is_chosen.any():
        is_success = week.rng.random(len(week.world.needs)) < choice.p_self
        attempt(week, Channel.IN_PERSON, is_chosen, is_success, choice.attempt_cost, res)


def online(week: Week, choice: Choice, res: Resolution) -> None:
    """The needs applied for online this week: activation where needed, the application, practice."""
    w = week.world
    needs, r = w.needs, w.residents
    i = needs.household
    k = len(needs)
    is_chosen = choice.channel == Channel.ONLINE
    if not is_chosen.any():
        return
    needs.spend(is_chosen, week.travel.activation(i, is_chosen)[is_chosen] + week.p.online_cost_rupiah)
    r.activate(i[is_chosen])
    is_success = week.rng.random(k) < choice.p_online
    attempt(week, Channel.ONLINE, is_chosen, is_success, np.zeros(k), res)
    r.gain_literacy(i[is_chosen & is_success], week.p.practice_literacy_gain)
