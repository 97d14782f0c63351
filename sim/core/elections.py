"""Village-head elections (ODD 7.7): the politics of past leadership as a process.

Residents and officials belong to the camp of the current village head (``CURRENT``), to that of his rival
(``FORMER``), or (residents only) to neither. Every village elects its head every ``election_term_years``
(UU 6/2014: six years; UU 3/2024: eight), all villages of the regency on the same day (pilkades serentak),
the next time in week ``next_election_week``. At each election the rival camp wins with ``turnover_prob``
(or for certain at the next election when ``next_election_turnover`` is set: "a contested election just
happened" when that week is 0). A turnover

* swaps the camps: the winners become the head's camp, the losers the opposition;
* costs each official of the losing camp his seat with ``perangkat_replacement_share`` (dismissal needs the
  camat's recommendation and a cause, Permendagri 67/2017, so most stay): his successor is of the new head's
  camp, with his own inclination to seek fees, and no household has a tie to him yet;
* makes the contest salient: the opposition meets a harder gate at the village office
  (``opposition_gate_penalty`` times the salience, ``sim.core.gatekeeping``), and the salience fades by
  ``contest_salience_decay_per_year``. The camps themselves, and the trust within them (``faction_trust``),
  remain: the legacy of the past contest.

A re-election changes nothing but the count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.population import CURRENT, FORMER, fee_seeking_draws
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.week import Week
    from sim.params.values import TrackedParams


class Politics:
    """Per village: the salience of the last contest (0-1), and counts of elections and turnovers."""

    def __init__(self, n_villages: int):
        self.salience = np.zeros(n_villages)
        self.elections = 0
        self.turnovers = np.zeros(n_villages, dtype=np.int64)
        self.last_turnover_week = np.full(n_villages, np.iinfo(np.int32).min, dtype=np.int64)

    def fade(self, p: TrackedParams) -> None:
        """A week passes: the contest's salience fades."""
        if p.contest_salience_decay_per_year > 0:
            self.salience *= np.exp(-p.contest_salience_decay_per_year / WEEKS_PER_YEAR)


def is_election_week(week: int, p: TrackedParams) -> bool:
    """Whether villages elect their heads this week (every term from ``next_election_week``, before it too)."""
    return (week - p.next_election_week) % (p.election_term_years * WEEKS_PER_YEAR) == 0


def hold(week: Week, rng: np.random.Generator) -> np.ndarray:
    """This week's elections in every village; returns the boolean mask of villages with a turnover.

    ``rng`` is the elections' own stream (``ClientelismModel.election_rng``). The draws are the same whatever the
    outcome (one per village, then one and a fee-seeking per official), so that runs that differ only in who
    wins stay paired.
    """
    w, p = week.world, week.p
    politics, officials = w.politics, w.officials
    n_v = politics.salience.shape[0]
    share = p.perangkat_replacement_share
    politics.elections += 1
    u = rng.random(n_v)
    replace_u = rng.random(officials.n)
    successors = fee_seeking_draws(rng, p, officials.n)
    forced = p.next_election_turnover and week.t == p.next_election_week
    turnover = np.ones(n_v, dtype=bool) if forced else u < p.turnover_prob
    if not turnover.any():
        return turnover
    r = w.residents
    r.swap_camps(turnover)
    officials.swap_camps(turnover)
    # The losing camp's officials (now the opposition) keep their seats unless dismissed.
    dismissed = (turnover[officials.village] & (officials.faction == FORMER)
                 & (replace_u < share))
    officials.replace(dismissed, CURRENT, successors)
    politics.salience[turnover] = 1.0
    politics.turnovers += turnover
    politics.last_turnover_week[turnover] = week.t
    # Nobody has a tie to a successor yet: the predecessor's ties end with him.
    for i in np.nonzero(dismissed)[0]:
        v, slot = int(officials.village[i]), int(officials.slot[i])
        w.ties.forget(np.nonzero(r.village == v)[0], slot)
    if dismissed.any():
        w.ties.relock(np.nonzero(np.isin(r.village, officials.village[dismissed]))[0], week.t)
    return turnover


class CampLedger:
    """Who is served, and at what price, by political camp since the last election (index: NEUTRAL, CURRENT =
    the head's camp, FORMER = the opposition, as the camps stood when each need was completed)."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        """Start counting afresh (at an election)."""
        self.completed = np.zeros(3)
        self.own = np.zeros(3)          # completed by the household itself (in person or online)
        self.paid = np.zeros(3)
        self.fees = np.zeros(3)

    def record(self, camp: np.ndarray, done: np.ndarray, own: np.ndarray, paid: np.ndarray,
               fee: np.ndarray) -> None:
        """This week's resolved needs: the camp of each need's household and boolean masks (``own``: done by
        the household itself), with the fee paid (one per need)."""
        self.completed += np.bincount(camp[done], minlength=3)
        self.own += np.bincount(camp[done & own], minlength=3)
        self.paid += np.bincount(camp[done & paid], minlength=3)
        self.fees += np.bincount(camp[done & paid], weights=fee[done & paid], minlength=3)

    def outcomes(self) -> dict[str, dict[str, float]]:
        """Per camp (``head``, ``opposition``, ``neutral``): self-service and paid shares of completed needs,
        and the mean fee per paid case (rupiah)."""
        out = {}
        for name, c in (("neutral", 0), ("head", CURRENT), ("opposition", FORMER)):
            n, k = self.completed[c], self.paid[c]
            out[name] = {"completed": float(n),
                         "self_service_share": float(self.own[c] / n) if n else float("nan"),
                         "paid_share": float(k / n) if n else float("nan"),
                         "fee_per_paid_case_rupiah": float(self.fees[c] / k) if k else float("nan")}
        return out
