"""Accounting (ODD 7.7): what happened, counted over a trailing year, and the outcomes that are its ratios.

Flows are counted per village and week in a ring buffer of ``WINDOW_WEEKS`` rows (resolved, completed and
abandoned needs, needs entrusted or brokered, repeat exchanges, fees, ...), and per literacy, distance and
income quartile (access shortfall, resolved, brokered and completed needs). Each week the window's sums give
the outcomes. The outcomes that are ratios of additive counts are defined once, in ``ratio_outcomes``, for the
whole population (scalars) and per village or kecamatan (arrays) alike, so that the villages' counts summed
and divided give exactly the regency's outcomes.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.core.outcomes import GROUP_DIMENSIONS, WINDOW_WEEKS


class Flow(IntEnum):
    """Columns of the weekly flow counters."""

    RESOLVED = 0         # needs completed or abandoned
    COMPLETED = 1
    ABANDONED = 2
    ENTRUSTED = 3        # completed by an official (titip)
    BROKER = 4           # completed by an outside broker (calo)
    ONLINE = 5           # completed online
    REPEAT = 6           # entrusted to the same official as the household's previous entrusted need
    REPEAT_ELIGIBLE = 7  # entrusted by a household that had entrusted a need before
    FEES = 8             # rupiah paid to officials and brokers
    OFFICIAL_FEES = 9    # rupiah paid to officials
    IN_PERSON = 10       # completed in person


class Group(IntEnum):
    """Statistics kept per quartile of literacy, distance and income."""

    SHORTFALL = 0        # sum of the access shortfall of resolved needs
    RESOLVED = 1
    BROKERED = 2         # completed through an official or a broker
    COMPLETED = 3


# The additive counts behind the ratio outcomes (per village and kecamatan tables carry them as columns).
COUNTS = ("households", "officials", "resolved", "completed", "abandoned", "entrusted", "broker", "online",
          "in_person", "repeat", "repeat_eligible", "fees_rupiah", "official_fees_rupiah", "locked_in",
          "activated", "literacy_sum", "fee_seeking_sum")
FLOW_COUNTS = {"resolved": Flow.RESOLVED, "completed": Flow.COMPLETED, "abandoned": Flow.ABANDONED,
               "entrusted": Flow.ENTRUSTED, "broker": Flow.BROKER, "online": Flow.ONLINE,
               "in_person": Flow.IN_PERSON, "repeat": Flow.REPEAT, "repeat_eligible": Flow.REPEAT_ELIGIBLE,
               "fees_rupiah": Flow.FEES, "official_fees_rupiah": Flow.OFFICIAL_FEES}


def _ratio(a, b):
    """A / b, NaN where b is 0; on scalars (one population) or arrays (one value per area)."""
    if np.ndim(b) == 0:
        return float(a / b) if b > 0 else float("nan")
    a = np.asarray(a, dtype=float)
    return np.divide(a, b, out=np.full(a.shape, np.nan), where=b > 0)


def ratio_outcomes(c, weeks: int) -> dict:
    """The outcomes that are ratios of additive counts ``c`` (a mapping of COUNTS to numbers or arrays), over
    a window of ``weeks`` weeks (flows are scaled to a year)."""
    per_year = 52 / max(weeks, 1)
    return {
        "brokered_share": _ratio(c["entrusted"] + c["broker"], c["completed"]),
        "patron_lockin_share": _ratio(c["locked_in"], c["households"]),
        "repeat_patron_rate": _ratio(c["repeat"], c["repeat_eligible"]),
        "unmet_share": _ratio(c["abandoned"], c["resolved"]),
        "fees_per_household_rupiah": _ratio(c["fees_rupiah"] * per_year, c["households"]),
        "official_earnings_rupiah": _ratio(c["official_fees_rupiah"] * per_year, c["officials"]),
        "online_share": _ratio(c["online"], c["completed"]),
        "in_person_share": _ratio(c["in_person"], c["completed"]),
        "mean_literacy": _ratio(c["literacy_sum"], c["households"]),
        "online_activated_share": _ratio(c["activated"], c["households"]),
        "mean_fee_seeking": _ratio(c["fee_seeking_sum"], c["officials"]),
    }


AREA_OUTCOMES = tuple(ratio_outcomes({name: 1.0 for name in COUNTS}, 52))


def area_outcomes(counts, weeks: int):
    """``ratio_outcomes`` of each row of a table of COUNTS (a DataFrame), as a DataFrame."""
    import pandas as pd

    c = {name: counts[name].to_numpy(dtype=float) for name in COUNTS}
    return pd.DataFrame(ratio_outcomes(c, weeks), index=counts.index)


def access_gaps(group_window: np.ndarray) -> dict[str, float]:
    """Mean access shortfall of the disadvantaged quarter minus that of the advantaged one, per dimension:
    least minus most literate, farthest minus nearest, poorest minus richest."""
    mean = np.divide(group_window[:, :, Group.SHORTFALL], group_window[:, :, Group.RESOLVED],
                     out=np.full((3, 4), np.nan), where=group_window[:, :, Group.RESOLVED] > 0)
    return {"access_gap_literacy": float(mean[0, 0] - mean[0, 3]),
            "access_gap_distance": float(mean[1, 3] - mean[1, 0]),
            "access_gap_income": float(mean[2, 0] - mean[2, 3])}


class Accounts:
    """Trailing-window counters: flows per village, statistics per quartile (ring buffers of a year)."""

    def __init__(self, village_of_household: np.ndarray, n_villages: int, quartile_code: np.ndarray):
        self.village = village_of_household
        self.n_villages = n_villages
        self.quartile_code = quartile_code     # literacy quartile * 16 + distance quartile * 4 + income quartile
        self.flow = np.zeros((WINDOW_WEEKS, n_villages, len(Flow)))
        self.groups = np.zeros((WINDOW_WEEKS, len(GROUP_DIMENSIONS), 4, len(Group)))
        self.village_window = np.zeros((n_villages, len(Flow)))   # the last closed window, per village
        self.group_window = np.zeros((len(GROUP_DIMENSIONS), 4, len(Group)))

    def tally(self, step: int, column: Flow, households: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add this week's count of ``households`` (index array), or the sum of ``weights``, to their villages."""
        row = self.flow[step % WINDOW_WEEKS]
        if self.n_villages == 1:
            row[0, column] += households.size if weights is None else float(np.sum(weights))
        else:
            row[:, column] += np.bincount(self.village[households], weights=weights, minlength=self.n_villages)

    def record_resolved(self, step: int, households: np.ndarray, is_done: np.ndarray, is_abandoned: np.ndarray,
                        channel: np.ndarray, weeks_waited: np.ndarray, cost: np.ndarray, income: np.ndarray,
                        abandon_after_weeks: int) -> None:
        """This week's completed and abandoned needs (masks over the pending needs of ``households``): the flow
        counts, and the access shortfall of each resolved need by quartile.

        A resolved need's shortfall is 1 if abandoned, else its cost over the household's monthly income plus
        its delay over ``abandon_after_weeks``, capped at 1.
        """
        from sim.core.services import Channel

        is_resolved = is_done | is_abandoned
        self.tally(step, Flow.RESOLVED, households[is_resolved])
        self.tally(step, Flow.COMPLETED, households[is_done])
        self.tally(step, Flow.ABANDONED, households[is_abandoned])
        if not is_resolved.any():
            return
        hh = households[is_resolved]
        delay = weeks_waited[is_resolved] / abandon_after_weeks
        shortfall = np.where(is_abandoned[is_resolved], 1.0,
                             np.minimum(cost[is_resolved] / income[hh].astype(np.float64) + delay, 1.0))
        ch = channel[is_resolved]
        brokered = is_done[is_resolved] & ((ch == Channel.ENTRUST) | (ch == Channel.BROKER))
        completed = is_done[is_resolved]
        g = self.groups[step % WINDOW_WEEKS]
        # One count per cell of literacy x distance x income quartiles, then each dimension's margins.
        code = self.quartile_code[hh]
        for stat, weights in ((Group.SHORTFALL, shortfall), (Group.RESOLVED, None), (Group.BROKERED, brokered),
                              (Group.COMPLETED, completed)):
            cells = np.bincount(code, weights=weights, minlength=64).reshape(4, 4, 4)
            g[0, :, stat] += cells.sum(axis=(1, 2))
            g[1, :, stat] += cells.sum(axis=(0, 2))
            g[2, :, stat] += cells.sum(axis=(0, 1))

    def close_week(self, step: int) -> np.ndarray:
        """Sum the window (kept in ``village_window`` and ``group_window``), clear the row the next week fills,
        and return the flow totals over all villages."""
        self.village_window = self.flow.sum(axis=0)
        totals = self.village_window.sum(axis=0)
        self.group_window = self.groups.sum(axis=0)
        self.flow[(step + 1) % WINDOW_WEEKS] = 0
        self.groups[(step + 1) % WINDOW_WEEKS] = 0
        return totals
