"""Self-service (ODD 7.4, first part): a household's own attempt, in person or online, and what it learns.

An in-person attempt costs every visit's trip; an online one the application (and, the first time, the
account's activation at the registry). It succeeds with the chance the choice computed from the household's
skill; otherwise the need waits for another attempt. A success raises the household's confidence, a rejection
lowers it (beliefs update on experience); using the online channel successfully also raises its literacy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.draws import Site
from sim.core.needs import hand_over
from sim.core.services import Channel

if TYPE_CHECKING:
    from sim.core.accounting import Resolution
    from sim.core.choice import Choice
    from sim.core.week import Week


def attempt(week: Week, channel: Channel, which: np.ndarray, is_success: np.ndarray, attempt_cost: np.ndarray,
            res: Resolution) -> None:
    """Needs (index array ``which``) attempted through ``channel`` this week: costs, outcome (``is_success``, one
    per need), beliefs (``res``: this week's ``Resolution``, where each success is marked done)."""
    needs, r = week.world.needs, week.world.residents
    needs.spend(which, attempt_cost)
    households = needs.household.take(which)
    succeeded, rejected = households[is_success], households[~is_success]
    r.gain_confidence(succeeded, week.p.confidence_gain)
    r.lose_confidence(rejected, week.p.confidence_loss)
    res.show(which, channel)
    res.done[which[is_success]] = True


def in_person(week: Week, choice: Choice, res: Resolution) -> None:
    """The needs taken in person this week (a success draw for each)."""
    chosen = np.nonzero(choice.channel == Channel.IN_PERSON)[0]
    if chosen.size:
        is_success = week.draws.chance(Site.IN_PERSON_SUCCESS, week.world.needs.key.take(choice.needs[chosen]),
                                       choice.p_self[chosen])
        attempt(week, Channel.IN_PERSON, choice.needs[chosen], is_success, choice.attempt_cost[chosen], res)


def online(week: Week, choice: Choice, res: Resolution) -> None:
    """The needs applied for online this week: activation where needed, the application, practice. An
    application that succeeds is in hand until its document comes, ``online_weeks`` from now (rounded; 1: this
    week)."""
    w = week.world
    needs, r = w.needs, w.residents
    chosen = np.nonzero(choice.channel == Channel.ONLINE)[0]
    if chosen.size == 0:
        return
    which = choice.needs[chosen]
    households = needs.household.take(which)
    needs.spend(which, week.travel.activation(households, np.ones(which.size, dtype=bool))
                + week.p.online_cost_rupiah)
    r.activate(households)
    is_success = week.draws.chance(Site.ONLINE_SUCCESS, needs.key.take(which), choice.p_online[chosen])
    attempt(week, Channel.ONLINE, which, is_success, np.zeros(which.size), res)
    r.gain_literacy(households[is_success], week.p.practice_literacy_gain)
    accepted = which[is_success]
    res.done[accepted] = False          # done when its document comes
    hand_over(week, accepted, Channel.ONLINE, week.p.online_weeks, np.zeros(accepted.size), res)
