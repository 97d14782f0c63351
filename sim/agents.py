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
        hamlet: the kepala dusun's hamlet, or -1 for office staff.
        faction: CURRENT or FORMER village leadership camp.
        fee_seeking: propensity to ask a fee, 0 (dutiful) to 1.
        inclination: the official's own fee-seeking, to which it returns when unsanctioned.
        perceived_risk: recent sanctions of the official or peers, 0-1.
        earnings_rupiah: fees received since the start.
        sanctions: sanctions received since the start.
    """

    def __init__(self, model, index: int, hamlet: int, faction: int, fee_seeking: float):
        super().__init__(model)
        self.index = index
        self.hamlet = hamlet
        self.faction = faction
        self.fee_seeking = fee_seeking
        self.inclination = fee_seeking   # the fee-seeking the official drifts back to without risk
        self.perceived_risk = 0.0
        self.earnings_rupiah = 0.0
        self.sanctions = 0
        # This month's record, filled by the model as cases are handled.
        self.cases_month = 0
        self.earnings_month = 0.0
        self.complaints_month = 0
        self.last_sanctioned = 0

    @property
    def clientele(self) -> int:
        """Households whose tie to this official is at or above the lock-in threshold now."""
        return int((self.model.current_ties()[:, self.index] >= self.model.p.lockin_tie_threshold).sum())

    def adapt(self) -> None:
        """Monthly update of fee-seeking: inclination, demand, earnings, peers and sanctions.

        Reads the peers' fee-seeking as it was before anybody adapted this
        month (``model.peer_fee_seeking``), so the update is synchronous.
        """
        p = self.model.p
        rate = p.official_adapt_rate
        # Own inclination, held back by the risk the official now perceives.
        self.fee_seeking += rate * (self.inclination * (1.0 - self.perceived_risk) - self.fee_seeking)
        # Demand: more cases than capacity lets the official ask more; idle weeks push fees down.
        monthly_capacity = 4 * p.official_capacity_per_week
        if self.cases_month > 0.9 * monthly_capacity:
            self.fee_seeking += rate * (1.0 - self.fee_seeking)
        elif self.cases_month < 0.1 * monthly_capacity:
            self.fee_seeking -= rate * self.fee_seeking
        # Earnings above the peers' average reinforce the practice; below, weaken it.
        peer_earnings = self.model.peer_earnings_month
        if peer_earnings > 0:
            relative = float(np.tanh(self.earnings_month / peer_earnings - 1.0))
            room = (1.0 - self.fee_seeking) if relative > 0 else self.fee_seeking
            self.fee_seeking += 0.5 * rate * relative * room
        # Peers: the apparatus shares a norm.
        self.fee_seeking += p.peer_influence * (self.model.peer_fee_seeking - self.fee_seeking)
        # Sanctions: each complaint is followed up with the detection probability.
        sanctioned = 0
        if self.complaints_month:
            sanctioned = int(self.model.rng.binomial(self.complaints_month, self.model.detection_prob_now))
        self.sanctions += sanctioned
        if sanctioned:
            self.fee_seeking *= (1.0 - p.sanction_deterrence) ** sanctioned
            self.perceived_risk = 1.0
        elif self.model.peer_sanctioned_last_month:
            # A peer's sanction deters too, more weakly.
            self.perceived_risk = max(self.perceived_risk, p.sanction_deterrence)
        else:
            self.perceived_risk *= 0.9
        self.fee_seeking = float(min(max(self.fee_seeking, 0.0), 1.0))
        self.cases_month = 0
        self.earnings_month = 0.0
        self.complaints_month = 0
        self.last_sanctioned = sanctioned
