"""Village officials (perangkat desa), the model's Mesa agents."""

from __future__ import annotations

import mesa
import numpy as np


class Official(mesa.Agent):
    """A village official who may broker residents' paperwork for a fee.

    Facilitating paperwork is part of the official's duty (tupoksi) and legally
    free; ``fee_seeking`` (0-1) is how far the official deviates from that duty.
    Each month the official adapts it to demand, to peers and to sanctions.

    Attributes:
        index: position in the model's official arrays (0 .. n_officials-1).
        village: the official's village; its peers are that village's officials.
        slot: position in the village's apparatus (the column of the residents' tie arrays).
        hamlet: the kepala dusun's hamlet, or -1 for office staff.
        faction: CURRENT or FORMER village leadership camp.
        fee_seeking: propensity to ask a fee, 0 (dutiful) to 1.
        inclination: the official's own fee-seeking, to which it returns when unsanctioned.
        perceived_risk: recent sanctions of the official or peers, 0-1.
        earnings_rupiah: fees received since the start.
        sanctions: sanctions received since the start.

    This month's cases, earnings and complaints are kept in the model's
    per-official arrays (filled as cases are handled) and read here.
    """

    def __init__(self, model, index: int, village: int, slot: int, hamlet: int, faction: int,
                 fee_seeking: float):
        super().__init__(model)
        self.index = index
        self.village = village
        self.slot = slot
        self.hamlet = hamlet
        self.faction = faction
        self.fee_seeking = fee_seeking
        self.inclination = fee_seeking   # the fee-seeking the official drifts back to without risk
        self.perceived_risk = 0.0
        self.sanctions = 0
        self.last_sanctioned = 0

    @property
    def cases_month(self) -> int:
        return int(self.model.official_cases_month[self.index])

    @property
    def earnings_month(self) -> float:
        return float(self.model.official_earnings_month[self.index])

    @property
    def complaints_month(self) -> int:
        return int(self.model.official_complaints_month[self.index])

    @property
    def earnings_rupiah(self) -> float:
        return float(self.model.official_earnings_total[self.index])

    @property
    def clientele(self) -> int:
        """Households of its village whose tie to this official is at or above the lock-in threshold now."""
        m = self.model
        first = int(m.geography.offsets[self.village])
        households = np.arange(first, first + int(m.geography.households[self.village]))
        return int((m.current_ties(households)[:, self.slot] >= m.p.lockin_tie_threshold).sum())

    def adapt(self) -> None:
        """Monthly update of fee-seeking: inclination, demand, earnings, peers and sanctions.

        Reads the peers' (its village's officials') fee-seeking as it was
        before anybody adapted this month (``model.peer_fee_seeking``), so the
        update is synchronous.
        """
        m = self.model
        p = m.p
        v = self.village
        cases = m.official_cases_month[self.index]
        earnings = m.official_earnings_month[self.index]
        complaints = int(m.official_complaints_month[self.index])
        rate = p.official_adapt_rate
        # Own inclination, held back by the risk the official now perceives.
        self.fee_seeking += rate * (self.inclination * (1.0 - self.perceived_risk) - self.fee_seeking)
        # Demand: more cases than capacity lets the official ask more; idle weeks push fees down.
        monthly_capacity = 4 * p.official_capacity_per_week
        if cases > 0.9 * monthly_capacity:
            self.fee_seeking += rate * (1.0 - self.fee_seeking)
        elif cases < 0.1 * monthly_capacity:
            self.fee_seeking -= rate * self.fee_seeking
        # Earnings above the peers' average reinforce the practice; below, weaken it.
        peer_earnings = m.peer_earnings_month[v]
        if peer_earnings > 0:
            relative = float(np.tanh(earnings / peer_earnings - 1.0))
            room = (1.0 - self.fee_seeking) if relative > 0 else self.fee_seeking
            self.fee_seeking += 0.5 * rate * relative * room
        # Peers: the apparatus shares a norm.
        self.fee_seeking += p.peer_influence * (m.peer_fee_seeking[v] - self.fee_seeking)
        # Sanctions: each complaint is followed up with the detection probability.
        sanctioned = 0
        if complaints:
            sanctioned = int(m.rng.binomial(complaints, m.detection_prob_now))
        self.sanctions += sanctioned
        if sanctioned:
            self.fee_seeking *= (1.0 - p.sanction_deterrence) ** sanctioned
            self.perceived_risk = 1.0
        elif m.peer_sanctioned_last_month[v]:
            # A peer's sanction deters too, more weakly.
            self.perceived_risk = max(self.perceived_risk, p.sanction_deterrence)
        else:
            self.perceived_risk *= 0.9
        self.fee_seeking = float(min(max(self.fee_seeking, 0.0), 1.0))
        self.last_sanctioned = sanctioned
