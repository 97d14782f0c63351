"""Learning (ODD 7.5): digital literacy spreads through neighbours and kin, and training adds to it.

Each week a share of households meets one of its contacts and closes part of the literacy gap to him if he
knows more. Digital training reaches a share of households a year (the least literate first when targeted,
picked among ``training_screening_factor`` random candidates each): it raises their literacy and their
confidence, and helps those who reach the online channel's threshold activate their account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.week import Week


def learn_from_contacts(week: Week) -> None:
    """A few households each week learn from a more literate contact."""
    r, rng, p = week.world.residents, week.rng, week.p
    n = r.n
    m = int(rng.binomial(n, p.contact_rate_per_week))
    if m == 0:
        return
    learner = rng.integers(0, n, m)
    degree = r.contacts.shape[1]
    teacher = r.contacts.ravel().take(learner * degree + rng.integers(0, degree, m))
    gap = r.literacy.take(teacher) - r.literacy.take(learner)
    r.add_literacy(learner, p.peer_learning_rate * np.maximum(gap, 0))


def train(week: Week, share_per_year: float) -> None:
    """Digital training of this week's trainees (``share_per_year`` of households a year); once the digital ID
    has launched it also helps them activate it."""
    if share_per_year <= 0:
        return
    r, rng, p = week.world.residents, week.rng, week.p
    n = r.n
    m = int(rng.binomial(n, min(share_per_year / WEEKS_PER_YEAR, 1.0)))
    if m == 0:
        return
    if p.training_targeted:
        candidates = rng.integers(0, n, p.training_screening_factor * m)
        trainee = candidates[np.argsort(r.literacy[candidates], kind="stable")[:m]]
    else:
        trainee = rng.integers(0, n, m)
    gain = p.training_literacy_gain
    r.gain_literacy(trainee, gain)
    r.gain_confidence(trainee, gain)
    if week.online_open:
        r.activate(trainee[r.literacy[trainee] >= p.online_min_literacy])
