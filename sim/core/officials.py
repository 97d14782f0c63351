"""Village officials (perangkat desa): their state, the fees they ask and how they adapt (ODD 7.3, 7.6).

Facilitating residents' paperwork is part of an official's duty (tupoksi) and legally free; ``fee_seeking``
(0–1) is how far he deviates from that duty: the chance that he asks a fee for a case rather than doing it free.
When he asks, he prices the case by the resident's alternative (a share of the cost the resident saves, plus a
basic levy), capped by what the household can pay, with a discount for loyal clients. Every
``weeks_per_adaptation`` weeks each official adapts his fee-seeking: back towards his own inclination as far as
the sanction risk he perceives allows, up when busy and down when idle, towards higher earnings than his peers',
and towards his village's norm; complaints are followed up with the detection probability, and a sanction cuts
his fee-seeking and makes him (and, more weakly, his peers) feel the risk.

State lives in one place, ``Officials``: parallel arrays indexed by ``village * per_village + slot``. The
Mesa agents (``Official``) are read-only views of one index each, for Mesa's agent set and the classroom page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.core.draws import Site, event_keys

if TYPE_CHECKING:
    from sim.core.draws import Draws
    from sim.model import ClientelismModel
    from sim.params.values import TrackedParams


@dataclass
class Officials:
    """Every village's officials (index = village * per_village + slot; slots 0..n_hamlets-1 are the hamlet
    heads, kepala dusun, the rest office staff)."""

    village: np.ndarray          # int32
    slot: np.ndarray             # int16, position in the village's apparatus (the column of the households' ties)
    hamlet: np.ndarray           # int16, the kepala dusun's hamlet, or -1 for office staff
    faction: np.ndarray          # int8, CURRENT or FORMER village leadership camp
    fee_seeking: np.ndarray      # float64, 0 (dutiful) to 1
    per_village: int

    def __post_init__(self) -> None:
        n = self.village.shape[0]
        self.inclination = self.fee_seeking.copy()          # the fee-seeking an official returns to without risk
        self.perceived_risk = np.zeros(n)                   # recent sanctions of the official or his peers, 0-1
        self.sanctions = np.zeros(n, dtype=np.int64)        # since the start
        self.last_sanctioned = np.zeros(n, dtype=np.int64)  # in the last review
        self.cases_month = np.zeros(n, dtype=np.int64)      # since the last review
        self.earnings_month = np.zeros(n)
        self.complaints_month = np.zeros(n, dtype=np.int64)
        self.earnings_total = np.zeros(n)                   # rupiah since the start

    @property
    def n(self) -> int:
        """Number of officials (of every village)."""
        return int(self.village.shape[0])

    @property
    def n_villages(self) -> int:
        """Number of villages."""
        return self.n // self.per_village

    def by_village(self, values: np.ndarray) -> np.ndarray:
        """A per-official array as (villages, officials of the village)."""
        return values.reshape(self.n_villages, self.per_village)

    def price(self, saved_cost: np.ndarray, income: np.ndarray, is_loyal: np.ndarray, p: TrackedParams
              ) -> np.ndarray:
        """The fee an official asks for a case when he asks one: price discrimination on the household's
        alternative.

        A share of the cost the household saves, plus the basic levy, capped by what the household can pay, with a
        discount for loyal clients; rounded. Whether he asks it at all is his fee-seeking's chance (``asks``).
        """
        fee = np.minimum(p.levy_rupiah + p.fee_capture_share * saved_cost, p.fee_income_cap * income)
        fee = fee * np.where(is_loyal, 1 - p.loyal_fee_discount, 1.0)
        return round_fee(fee, p.fee_rounding_rupiah)

    def asks(self, officials: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Boolean mask: whether each official (index array, one per case) asks a fee for the case, with a chance
        equal to his fee-seeking (else he facilitates it free, as his duty asks); ``u``: a uniform draw per
        case."""
        return u < self.fee_seeking.take(officials)

    def swap_camps(self, in_village: np.ndarray) -> None:
        """The head's camp and the opposition change places in the villages of the boolean mask ``in_village``
        (one per village)."""
        from sim.core.population import swap_camps

        swap_camps(self.faction, in_village[self.village])

    def replace(self, seats: np.ndarray, faction: int, fee_seeking: np.ndarray) -> None:
        """New officials in the seats where the boolean mask ``seats`` holds: of ``faction``, with their own
        fee-seeking (from ``fee_seeking``, one per official) as inclination, no sanctions or risk yet."""
        self.faction[seats] = faction
        self.fee_seeking[seats] = fee_seeking[seats]
        self.inclination[seats] = fee_seeking[seats]
        self.perceived_risk[seats] = 0.0
        self.sanctions[seats] = 0
        self.last_sanctioned[seats] = 0
        self.earnings_total[seats] = 0.0

    def record_cases(self, officials: np.ndarray, fees: np.ndarray, complained: np.ndarray) -> None:
        """Cases handled this week by each official (index array, repeats allowed), their fees and which
        brought a complaint (boolean mask)."""
        n = self.n
        earnings = np.bincount(officials, weights=fees, minlength=n)
        self.cases_month += np.bincount(officials, minlength=n)
        self.earnings_month += earnings
        self.earnings_total += earnings
        self.complaints_month += np.bincount(officials[complained], minlength=n)

    def adapt(self, p: TrackedParams, draws: Draws, detection_prob: float) -> None:
        """Every official's review of his fee-seeking, all at once (each sees his peers as they were before).

        The arithmetic is that of one official after another (same operations, same order, same draws), so
        the result does not depend on how many officials there are.
        """
        shape = (self.n_villages, self.per_village)
        village = self.village
        peer_fee_seeking = self.fee_seeking.reshape(shape).mean(axis=1)[village]
        peer_earnings = self.earnings_month.reshape(shape).mean(axis=1)[village]
        peer_sanctioned = (self.last_sanctioned.reshape(shape) > 0).any(axis=1)[village]
        rate = p.official_adapt_rate
        fs = self.fee_seeking
        # Own inclination, held back by the risk the official now perceives.
        fs = fs + rate * (self.inclination * (1.0 - self.perceived_risk) - fs)
        # Demand: more cases than capacity lets the official ask more; idle weeks push fees down.
        capacity = p.weeks_per_adaptation * p.official_capacity_per_week
        busy = self.cases_month > p.demand_high_share * capacity
        idle = ~busy & (self.cases_month < p.demand_low_share * capacity)
        fs = np.where(busy, fs + rate * (1.0 - fs), np.where(idle, fs - rate * fs, fs))
        # Earnings above the peers' average reinforce the practice; below, weaken it.
        has_peers = peer_earnings > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.tanh(self.earnings_month / peer_earnings - 1.0)
        room = np.where(relative > 0, 1.0 - fs, fs)
        fs = np.where(has_peers, fs + p.earnings_response * rate * relative * room, fs)
        # Peers: the apparatus shares a norm.
        fs = fs + p.peer_influence * (peer_fee_seeking - fs)
        # Sanctions: each complaint is followed up with the detection probability (a draw per complaint: the
        # official and the complaint's number in his month).
        sanctioned = np.zeros(self.n, dtype=np.int64)
        complained = np.nonzero(self.complaints_month)[0]
        if complained.size:
            counts = self.complaints_month[complained].astype(np.int64)
            official = np.repeat(complained, counts)
            j = np.arange(official.size) - np.repeat(np.cumsum(counts) - counts, counts)
            followed = draws.chance(Site.SANCTION, event_keys(official, j), detection_prob)
            sanctioned[complained] = np.bincount(np.repeat(np.arange(complained.size), counts), weights=followed,
                                                 minlength=complained.size).astype(np.int64)
        self.sanctions += sanctioned
        hit = np.nonzero(sanctioned)[0]
        for i in hit:   # rare: scalar arithmetic, as one official's review would do it
            fs[i] *= (1.0 - p.sanction_deterrence) ** int(sanctioned[i])
        risk = self.perceived_risk
        risk = np.where(sanctioned > 0, 1.0,
                        np.where(peer_sanctioned, np.maximum(risk, p.sanction_deterrence), risk * p.risk_memory))
        self.perceived_risk = risk
        self.fee_seeking = np.minimum(np.maximum(fs, 0.0), 1.0)
        self.last_sanctioned = sanctioned
        self.cases_month[:] = 0
        self.earnings_month[:] = 0.0
        self.complaints_month[:] = 0


def round_fee(fee: np.ndarray, rounding_rupiah: float) -> np.ndarray:
    """Fees are asked in round amounts."""
    return np.round(fee / rounding_rupiah) * rounding_rupiah


class Official(mesa.Agent):
    """A village official, as Mesa and the classroom page see him: a read-only view of one index of the
    model's ``Officials`` arrays (attributes as there: village, slot, hamlet, faction, fee_seeking, ...)."""

    def __init__(self, model: ClientelismModel, index: int):
        super().__init__(model)
        self.index = index

    def _of(self, name: str) -> np.generic:
        return getattr(self.model.officials_state, name)[self.index]

    village = property(lambda self: int(self._of("village")))
    slot = property(lambda self: int(self._of("slot")))
    hamlet = property(lambda self: int(self._of("hamlet")))
    faction = property(lambda self: int(self._of("faction")))
    fee_seeking = property(lambda self: float(self._of("fee_seeking")))
    inclination = property(lambda self: float(self._of("inclination")))
    perceived_risk = property(lambda self: float(self._of("perceived_risk")))
    sanctions = property(lambda self: int(self._of("sanctions")))
    cases_month = property(lambda self: int(self._of("cases_month")))
    earnings_month = property(lambda self: float(self._of("earnings_month")))
    complaints_month = property(lambda self: int(self._of("complaints_month")))
    earnings_rupiah = property(lambda self: float(self._of("earnings_total")))

    @property
    def clientele(self) -> int:
        """Households of his village whose tie to him is at or above the lock-in threshold now."""
        m = self.model
        first = int(m.geography.offsets[self.village])
        households = np.arange(first, first + int(m.geography.households[self.village]))
        return int((m.current_ties(households)[:, self.slot] >= m.p.lockin_tie_threshold).sum())
