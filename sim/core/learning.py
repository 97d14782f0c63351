"""Learning (ODD 7.5): digital literacy spreads through neighbours and kin, and training adds to it.

Each week a share of households meets one of its contacts and closes part of the literacy gap to him if he
knows more. Digital training reaches a share of households a year (the least literate first when targeted,
picked among ``training_screening_factor`` random candidates each): it raises their literacy and their
confidence, and helps those who reach the online channel's threshold activate their account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.draws import Site
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.week import Week


def learn_from_contacts(week: Week) -> None:
    """A few households each week learn from a more literate contact (village by village: a Poisson number of
    meetings at the contact rate, each of a household drawn uniformly with one of its contacts)."""
    r, draws, p, geography = week.world.residents, week.draws, week.p, week.world.geography
    sizes = geography.households
    learner, keys = draws.households(Site.CONTACT_WHO, draws.counts(Site.CONTACT, sizes * p.contact_rate_per_week),
                                     geography.offsets, sizes)
    if learner.size == 0:
        return
    degree = r.contacts.shape[1]
    which = np.minimum((draws.uniform(Site.CONTACT_WHICH, keys) * degree).astype(np.int64), degree - 1)
    teacher = r.contacts.ravel().take(learner * degree + which)
    gap = r.literacy.take(teacher) - r.literacy.take(learner)
    r.add_literacy(learner, p.peer_learning_rate * np.maximum(gap, 0))


def train(week: Week, share_per_year: float) -> None:
    """Digital training of this week's trainees (``share_per_year`` of households a year: a Poisson number per
    village); once the digital ID has launched it also helps them activate it. Targeted, a village's trainees
    are the least literate of ``training_screening_factor`` times as many candidates drawn in the village."""
    if share_per_year <= 0:
        return
    r, draws, p, geography = week.world.residents, week.draws, week.p, week.world.geography
    sizes, offsets = geography.households, geography.offsets
    m = draws.counts(Site.TRAINING, sizes * min(share_per_year / WEEKS_PER_YEAR, 1.0))
    if not m.any():
        return
    if p.training_targeted:
        candidates, _ = draws.households(Site.TRAINING_WHO, p.training_screening_factor * m, offsets, sizes)
        village = r.village.take(candidates)
        order = np.lexsort((r.literacy.take(candidates), village))       # by village, the least literate first
        ranked = candidates[order]
        first = np.searchsorted(village[order], village[order], side="left")
        trainee = ranked[np.arange(ranked.size) - first < m[village[order]]]
    else:
        trainee, _ = draws.households(Site.TRAINING_WHO, m, offsets, sizes)
    gain = p.training_literacy_gain
    r.gain_literacy(trainee, gain)
    r.gain_confidence(trainee, gain)
    if week.online_open:
        r.activate(trainee[r.literacy[trainee] >= p.online_min_literacy])
