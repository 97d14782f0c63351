"""Accounting (ODD 7.7): what happened, counted over a trailing year, and the outcomes that are its ratios.

Flows are counted per village and week in a ring buffer of ``WINDOW_WEEKS`` rows (resolved, completed and
abandoned needs, needs entrusted or brokered, repeat exchanges, fees, ...), and per literacy, distance and
income quartile (access shortfall, resolved, brokered and completed needs). Each week the window's sums give
the outcomes. The outcomes that are ratios of additive counts are defined once, in ``ratio_outcomes``, for the
whole population (scalars) and per village or kecamatan (arrays) alike, so that the villages' counts summed
and divided give exactly the regency's outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from sim.core.documents import N_STOCKS, Stock
from sim.core.outcomes import GROUP_DIMENSIONS, WINDOW_WEEKS
from sim.core.services import Channel
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

    from sim.core.geography import Geography
    from sim.core.needs import Needs
    from sim.core.population import Residents
    from sim.model import ClientelismModel


class Flow(IntEnum):
    """Columns of the weekly flow counters (per village)."""

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
    PAID_ENTRUSTED = 11  # completed by an official who asked a fee (titip with a fee; the rest was free)
    EXCLUDED = 12        # abandoned while the household lacked a document the need requires


class Held(IntEnum):
    """Columns of the weekly stock snapshots (per village), averaged over the trailing window: the documents'
    counts (``sim.core.documents.Stock``, the same order), then these."""

    LOCKED_IN = N_STOCKS      # households with some tie at or above the lock-in threshold
    ACTIVATED = N_STOCKS + 1  # households with an activated digital-ID account
    LITERACY = N_STOCKS + 2   # sum of households' literacy
    FEE_SEEKING = N_STOCKS + 3  # sum of officials' fee-seeking


N_HELD = N_STOCKS + 4


class Group(IntEnum):
    """Statistics kept per quartile of literacy, distance and income."""

    SHORTFALL = 0        # sum of the access shortfall of resolved needs
    RESOLVED = 1
    BROKERED = 2         # completed through an official or a broker
    COMPLETED = 3
    PAID = 4             # completed for a fee, to an official or a broker
    DELAY = 5            # sum of the weeks completed needs took (from arising to completion)
    BURDEN = 6           # sum of the cost burden of resolved needs (rupiah spent over monthly income)
    EXCLUDED = 7         # abandoned while a required document was missing


class ServiceStat(IntEnum):
    """Statistics kept per service type."""

    RESOLVED = 0
    COMPLETED = 1
    PAID = 2             # completed for a fee (an official's or a broker's)
    UNPAID = 3           # completed by an official for free
    SELF = 4             # completed by the household itself, in person or online
    FEES = 5             # rupiah paid for completed needs
    BROKER = 6           # completed by an outside broker
    DELAY = 7            # sum of the weeks completed needs took


# The channels whose completed needs are counted with the weeks they took.
TIMED_CHANNELS = (Channel.IN_PERSON, Channel.ONLINE, Channel.ENTRUST, Channel.BROKER)

# The additive counts behind the ratio outcomes (per village and kecamatan tables carry them as columns): flows
# summed over the trailing window, stocks averaged over it, and the households' standing over the trailing year.
FLOW_COUNTS = {"resolved": Flow.RESOLVED, "completed": Flow.COMPLETED, "abandoned": Flow.ABANDONED,
               "entrusted": Flow.ENTRUSTED, "paid_entrusted": Flow.PAID_ENTRUSTED, "broker": Flow.BROKER,
               "online": Flow.ONLINE, "in_person": Flow.IN_PERSON, "repeat": Flow.REPEAT,
               "repeat_eligible": Flow.REPEAT_ELIGIBLE, "fees_rupiah": Flow.FEES,
               "official_fees_rupiah": Flow.OFFICIAL_FEES, "excluded": Flow.EXCLUDED}
STOCK_COUNTS = {"adults": Stock.ADULTS, "children": Stock.CHILDREN, "ktp_holders": Stock.KTP,
                "birth_certificate_holders": Stock.BIRTH_CERTIFICATE, "kk_current": Stock.KK,
                "assistance_eligible": Stock.ELIGIBLE, "assistance_enrolled": Stock.ENROLLED,
                "assistance_excluded": Stock.EXCLUDED, "locked_in": Held.LOCKED_IN, "activated": Held.ACTIVATED,
                "literacy_sum": Held.LITERACY, "fee_seeking_sum": Held.FEE_SEEKING}
COUNTS = ("households", "officials", *FLOW_COUNTS, *STOCK_COUNTS, "independent", "active")


def _ratio(a: float | np.ndarray, b: float | np.ndarray) -> float | np.ndarray:
    """A / b, NaN where b is 0; on scalars (one population) or arrays (one value per area)."""
    if np.ndim(b) == 0:
        return float(a / b) if b > 0 else float("nan")
    a = np.asarray(a, dtype=float)
    return np.divide(a, b, out=np.full(a.shape, np.nan), where=b > 0)


def ratio_outcomes(c: dict, weeks: int) -> dict:
    """The outcomes that are ratios of additive counts ``c`` (a mapping of COUNTS to numbers or arrays), over
    a window of ``weeks`` weeks (flows are scaled to a year)."""
    per_year = WEEKS_PER_YEAR / max(weeks, 1)
    return {
        "paid_dependence_share": _ratio(c["paid_entrusted"] + c["broker"], c["completed"]),
        "unpaid_facilitation_share": _ratio(c["entrusted"] - c["paid_entrusted"], c["completed"]),
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
        "broker_share_of_paid": _ratio(c["broker"], c["paid_entrusted"] + c["broker"]),
        "birth_certificate_coverage": _ratio(c["birth_certificate_holders"], c["children"]),
        "ktp_coverage": _ratio(c["ktp_holders"], c["adults"]),
        "kk_coverage": _ratio(c["kk_current"], c["households"]),
        "document_coverage": _ratio(c["birth_certificate_holders"] + c["ktp_holders"], c["children"] + c["adults"]),
        "exclusion_share": _ratio(c["excluded"], c["resolved"]),
        "assistance_enrolment": _ratio(c["assistance_enrolled"], c["assistance_eligible"]),
        "assistance_exclusion_share": _ratio(c["assistance_excluded"], c["assistance_eligible"]),
        "independence_share": _ratio(c["independent"], c["active"]),
    }


AREA_OUTCOMES = tuple(ratio_outcomes({name: 1.0 for name in COUNTS}, WEEKS_PER_YEAR))


def area_outcomes(counts: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """``ratio_outcomes`` of each row of a table of COUNTS (a DataFrame), as a DataFrame."""
    import pandas as pd

    c = {name: counts[name].to_numpy(dtype=float) for name in COUNTS}
    return pd.DataFrame(ratio_outcomes(c, weeks), index=counts.index)


def _per_quartile(window: np.ndarray, numerator: int, denominator: int) -> np.ndarray:
    """A statistic's ratio per dimension and quartile (3 × 4), NaN where the denominator is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return window[:, :, numerator] / window[:, :, denominator]


def _coverage(stock_window: np.ndarray) -> np.ndarray:
    """Document coverage per dimension and quartile (3 × 4): persons holding their identity document (adults an
    e-KTP, children a birth certificate) over persons."""
    s = stock_window
    with np.errstate(invalid="ignore", divide="ignore"):
        return (s[:, :, Stock.KTP] + s[:, :, Stock.BIRTH_CERTIFICATE]) / (s[:, :, Stock.ADULTS]
                                                                          + s[:, :, Stock.CHILDREN])


# Each dimension's disadvantaged and advantaged quartile (index 0..3).
_SIDES = (("literacy", 0, 3), ("distance", 3, 0), ("income", 0, 3))


def access_gaps(group_window: np.ndarray, stock_window: np.ndarray) -> dict[str, float]:
    """How much worse the disadvantaged quarter of households fares than the advantaged one, per dimension
    (least against most literate, farthest against nearest, poorest against richest): in access shortfall,
    completion (the advantaged quarter's rate minus the disadvantaged one's), delay, cost burden and document
    coverage (advantaged minus disadvantaged)."""
    shortfall = _per_quartile(group_window, Group.SHORTFALL, Group.RESOLVED)
    completion = _per_quartile(group_window, Group.COMPLETED, Group.RESOLVED)
    delay = _per_quartile(group_window, Group.DELAY, Group.COMPLETED)
    burden = _per_quartile(group_window, Group.BURDEN, Group.RESOLVED)
    coverage = _coverage(stock_window)
    out = {}
    for d, (dim, worse, better) in enumerate(_SIDES):
        out[f"access_gap_{dim}"] = float(shortfall[d, worse] - shortfall[d, better])
        out[f"completion_gap_{dim}"] = float(completion[d, better] - completion[d, worse])
        out[f"delay_gap_{dim}"] = float(delay[d, worse] - delay[d, better])
        out[f"burden_gap_{dim}"] = float(burden[d, worse] - burden[d, better])
        out[f"coverage_gap_{dim}"] = float(coverage[d, better] - coverage[d, worse])
    return out


def quartile_outcomes(group_window: np.ndarray, stock_window: np.ndarray) -> dict[str, float]:
    """Per literacy, distance and income quartile (1 to 4): brokered and paid shares, access shortfall,
    completion rate, delay (weeks), cost burden, exclusion, and document and birth-certificate coverage."""
    from sim.core.outcomes import group_name

    measures = {"brokered_share": (Group.BROKERED, Group.COMPLETED),
                "paid_dependence_share": (Group.PAID, Group.COMPLETED),
                "shortfall": (Group.SHORTFALL, Group.RESOLVED), "completion_rate": (Group.COMPLETED, Group.RESOLVED),
                "delay_weeks": (Group.DELAY, Group.COMPLETED), "cost_burden": (Group.BURDEN, Group.RESOLVED),
                "exclusion_share": (Group.EXCLUDED, Group.RESOLVED)}
    values = {measure: _per_quartile(group_window, num, den) for measure, (num, den) in measures.items()}
    values["document_coverage"] = _coverage(stock_window)
    values["birth_certificate_coverage"] = _per_quartile(stock_window, Stock.BIRTH_CERTIFICATE, Stock.CHILDREN)
    out: dict[str, float] = {}
    for measure, v in values.items():
        for d, dim in enumerate(GROUP_DIMENSIONS):
            for q in range(4):   # quartile index 0..3, named 1..4
                out[group_name(measure, dim, q + 1)] = float(v[d, q])
    return out


# The civil registry's documents, pooled as one service in the per-service outcomes (``civil_registry``).
REGISTRY_SERVICES = ("ktp", "kk", "birth_certificate", "moving_letter")


def service_outcomes(service_window: np.ndarray) -> dict[str, float]:
    """Per service type, and for the civil registry's documents pooled (``civil_registry``): paid dependence,
    unpaid facilitation and self-service shares of its completed needs, its completion rate, the mean fee of a
    paid case, the broker's share of paid cases and the mean weeks a completed need took."""
    from sim.core.outcomes import service_name
    from sim.core.services import SERVICE_NAMES

    registry = [SERVICE_NAMES.index(name) for name in REGISTRY_SERVICES]
    w = np.vstack((service_window, service_window[registry].sum(axis=0)))
    names = (*SERVICE_NAMES, "civil_registry")
    with np.errstate(invalid="ignore", divide="ignore"):
        values = {
            "paid_dependence_share": w[:, ServiceStat.PAID] / w[:, ServiceStat.COMPLETED],
            "unpaid_facilitation_share": w[:, ServiceStat.UNPAID] / w[:, ServiceStat.COMPLETED],
            "self_service_share": w[:, ServiceStat.SELF] / w[:, ServiceStat.COMPLETED],
            "completion_rate": w[:, ServiceStat.COMPLETED] / w[:, ServiceStat.RESOLVED],
            "fee_per_paid_case_rupiah": w[:, ServiceStat.FEES] / w[:, ServiceStat.PAID],
            "broker_share_of_paid": w[:, ServiceStat.BROKER] / w[:, ServiceStat.PAID],
            "delay_weeks": w[:, ServiceStat.DELAY] / w[:, ServiceStat.COMPLETED],
        }
    return {service_name(measure, name): float(v[i]) for measure, v in values.items()
            for i, name in enumerate(names)}


def channel_outcomes(channel_window: np.ndarray) -> dict[str, float]:
    """Mean weeks from arising to completion of the needs each channel completed, trailing year
    (``delay_weeks_<channel>``)."""
    out = {}
    for c, channel in enumerate(TIMED_CHANNELS):
        completed, delay = channel_window[c]
        out[f"delay_weeks_{CHANNEL_KEYS[channel]}"] = float(delay / completed) if completed > 0 else float("nan")
    return out


CHANNEL_KEYS = {Channel.IN_PERSON: "in_person", Channel.ONLINE: "online", Channel.ENTRUST: "entrusted",
                Channel.BROKER: "broker"}


@dataclass
class Resolution:
    """What happened this week to each pending need (index = need), filled in by the resolving mechanisms."""

    channel: np.ndarray   # int8: the channel it went through this week (a ``Channel``; -1: none)
    done: np.ndarray      # bool: completed this week
    paid: np.ndarray      # bool: completed for a fee
    fee: np.ndarray       # rupiah paid for it
    shown: np.ndarray     # int8: the channel the neighbours saw it take this week (-1: none; DEFER: abandoned)
    abandoned: np.ndarray  # bool: abandoned unmet this week
    blocked: np.ndarray   # bool: its household lacks a document it requires

    @classmethod
    def of(cls, n_needs: int, free: np.ndarray, channel: np.ndarray, blocked: np.ndarray) -> Resolution:
        """Nothing resolved yet, for ``n_needs`` pending needs of which ``free`` (index array) chose ``channel``."""
        chosen = np.full(n_needs, -1, dtype=np.int8)
        chosen[free] = channel
        return cls(chosen, np.zeros(n_needs, dtype=bool), np.zeros(n_needs, dtype=bool), np.zeros(n_needs),
                   np.full(n_needs, -1, dtype=np.int8), np.zeros(n_needs, dtype=bool), blocked)

    def show(self, which: np.ndarray, channel: Channel) -> None:
        """The needs ``which`` (index array or boolean mask) were seen to take ``channel``."""
        self.shown[which] = channel

    def complete(self, which: np.ndarray, handler: np.ndarray | Channel, fee: np.ndarray) -> None:
        """The needs ``which`` (index array) are done this week through ``handler``, paid ``fee``."""
        self.done[which] = True
        self.channel[which] = handler
        self.fee[which] = fee
        self.paid[which] = fee > 0

    def abandon(self, is_abandoned: np.ndarray) -> None:
        """The needs of the boolean mask ``is_abandoned`` are given up: unmet, as the neighbours see it."""
        self.abandoned = is_abandoned
        self.shown[is_abandoned] = Channel.DEFER


def quartile_code(residents: Residents) -> np.ndarray:
    """One cell number per household of its literacy, distance and income quartiles (``literacy * 16 +
    distance * 4 + income``), the key of ``Accounts``' per-quartile statistics."""
    r = residents
    return (r.literacy_quartile.astype(np.uint8) * 16 + r.distance_quartile.astype(np.uint8) * 4
            + r.income_quartile.astype(np.uint8))


def margins(cells: np.ndarray) -> np.ndarray:
    """Per literacy, distance and income quartile (3 × 4 × ...) the sums of per-cell values (64 × ...)."""
    c = cells.reshape(4, 4, 4, *cells.shape[1:])
    return np.stack((c.sum(axis=(1, 2)), c.sum(axis=(0, 2)), c.sum(axis=(0, 1))))


class Accounts:
    """Trailing-window counters: flows per village, statistics per quartile, per service and per channel (ring
    buffers of a year), and weekly snapshots of the stocks per village and per quartile cell."""

    def __init__(self, residents: Residents, n_villages: int, n_services: int):
        self.village = residents.village
        self.n_villages = n_villages
        self.quartile_code = quartile_code(residents)
        self.flow = np.zeros((WINDOW_WEEKS, n_villages, len(Flow)))
        self.groups = np.zeros((WINDOW_WEEKS, len(GROUP_DIMENSIONS), 4, len(Group)))
        self.services = np.zeros((WINDOW_WEEKS, n_services, len(ServiceStat)))
        self.channels = np.zeros((WINDOW_WEEKS, len(TIMED_CHANNELS), 2))
        self.held = np.zeros((WINDOW_WEEKS, n_villages, N_HELD))
        self.held_cells = np.zeros((WINDOW_WEEKS, 64, N_STOCKS))
        self.weeks_closed = 0
        self.village_window = np.zeros((n_villages, len(Flow)))   # the last closed window, per village
        self.group_window = np.zeros((len(GROUP_DIMENSIONS), 4, len(Group)))
        self.service_window = np.zeros((n_services, len(ServiceStat)))
        self.channel_window = np.zeros((len(TIMED_CHANNELS), 2))
        self.held_window = np.zeros((n_villages, N_HELD))         # mean stocks over the window, per village
        self.stock_window = np.zeros((len(GROUP_DIMENSIONS), 4, N_STOCKS))   # mean stocks per quartile

    def tally(self, step: int, column: Flow, households: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add this week's count of ``households`` (index array), or the sum of ``weights``, to their villages."""
        row = self.flow[step % WINDOW_WEEKS]
        if self.n_villages == 1:
            row[0, column] += households.size if weights is None else float(np.sum(weights))
        else:
            row[:, column] += np.bincount(self.village[households], weights=weights, minlength=self.n_villages)

    def record_resolved(self, step: int, needs: Needs, res: Resolution, income: np.ndarray,
                        abandon_after_weeks: int) -> None:
        """This week's completed and abandoned needs (``res``, over the pending ``needs``): the flow counts, the
        access statistics by quartile, the statistics by service and by channel (``income``: every household's
        monthly income).

        A resolved need's shortfall is 1 if abandoned, else its cost over the household's monthly income plus
        its delay over ``abandon_after_weeks``, capped at 1; its cost burden is its cost over monthly income.
        """
        resolved = np.flatnonzero(res.done | res.abandoned)
        if resolved.size == 0:
            return
        hh = needs.household.take(resolved)
        ch = res.channel.take(resolved)
        completed = res.done.take(resolved)
        abandoned = res.abandoned.take(resolved)
        paid = res.paid.take(resolved)
        excluded = abandoned & res.blocked.take(resolved)
        # The flows of the resolved needs, all columns at once: (village, column) pairs counted in one pass.
        flows = np.zeros((resolved.size, len(Flow)), dtype=bool)
        flows[:, Flow.RESOLVED] = True
        flows[:, Flow.COMPLETED] = completed
        flows[:, Flow.ABANDONED] = abandoned
        flows[:, Flow.EXCLUDED] = excluded
        flows[:, Flow.IN_PERSON] = completed & (ch == Channel.IN_PERSON)
        flows[:, Flow.ONLINE] = completed & (ch == Channel.ONLINE)
        flows[:, Flow.ENTRUSTED] = completed & (ch == Channel.ENTRUST)
        flows[:, Flow.PAID_ENTRUSTED] = flows[:, Flow.ENTRUSTED] & paid
        flows[:, Flow.BROKER] = completed & (ch == Channel.BROKER)
        counted = [Flow.RESOLVED, Flow.COMPLETED, Flow.ABANDONED, Flow.EXCLUDED, Flow.IN_PERSON, Flow.ONLINE,
                   Flow.ENTRUSTED, Flow.PAID_ENTRUSTED, Flow.BROKER]
        row = self.flow[step % WINDOW_WEEKS]
        if self.n_villages == 1:
            row[0, counted] += flows[:, counted].sum(axis=0)
        else:
            v = self.village[hh].astype(np.int64)
            pairs = (v[:, None] * len(Flow) + np.arange(len(Flow)))[flows]
            row += np.bincount(pairs, minlength=row.size).reshape(row.shape)
        waited = needs.weeks_waited(step)[resolved]
        burden = needs.cost[resolved] / income[hh].astype(np.float64)
        shortfall = np.where(abandoned, 1.0, np.minimum(burden + waited / abandon_after_weeks, 1.0))
        brokered = completed & ((ch == Channel.ENTRUST) | (ch == Channel.BROKER))
        delay = np.where(completed, waited, 0)
        # One sum per cell of literacy x distance x income quartiles and statistic, then each dimension's margins.
        stats = np.empty((resolved.size, len(Group)))
        stats[:, Group.SHORTFALL] = shortfall
        stats[:, Group.RESOLVED] = 1.0
        stats[:, Group.BROKERED] = brokered
        stats[:, Group.COMPLETED] = completed
        stats[:, Group.PAID] = paid
        stats[:, Group.DELAY] = delay
        stats[:, Group.BURDEN] = burden
        stats[:, Group.EXCLUDED] = excluded
        code = self.quartile_code[hh].astype(np.int64)
        cells = np.bincount((code[:, None] * len(Group) + np.arange(len(Group))).ravel(), weights=stats.ravel(),
                            minlength=64 * len(Group)).reshape(64, len(Group))
        self.groups[step % WINDOW_WEEKS] += margins(cells)
        # By service.
        svc = needs.service[resolved].astype(np.int64)
        by_service = np.empty((resolved.size, len(ServiceStat)))
        by_service[:, ServiceStat.RESOLVED] = 1.0
        by_service[:, ServiceStat.COMPLETED] = completed
        by_service[:, ServiceStat.PAID] = paid
        by_service[:, ServiceStat.UNPAID] = flows[:, Flow.ENTRUSTED] & ~paid
        by_service[:, ServiceStat.SELF] = flows[:, Flow.IN_PERSON] | flows[:, Flow.ONLINE]
        by_service[:, ServiceStat.FEES] = res.fee[resolved]
        by_service[:, ServiceStat.BROKER] = flows[:, Flow.BROKER]
        by_service[:, ServiceStat.DELAY] = delay
        row = self.services[step % WINDOW_WEEKS]
        row += np.bincount((svc[:, None] * len(ServiceStat) + np.arange(len(ServiceStat))).ravel(),
                           weights=by_service.ravel(), minlength=row.size).reshape(row.shape)
        # By channel: what each costs in weeks.
        timed = self.channels[step % WINDOW_WEEKS]
        for c, channel in enumerate(TIMED_CHANNELS):
            through = completed & (ch == channel)
            timed[c, 0] += np.count_nonzero(through)
            timed[c, 1] += delay[through].sum(dtype=np.float64)

    def record_stocks(self, step: int, held: np.ndarray, cells: np.ndarray) -> None:
        """This week's stocks: per village (villages × ``N_HELD``) and the documents' per quartile cell."""
        self.held[step % WINDOW_WEEKS] = held
        self.held_cells[step % WINDOW_WEEKS] = cells

    def close_week(self, step: int) -> np.ndarray:
        """Sum the flows over the window and average the stocks over it (kept in ``village_window``,
        ``group_window``, ``service_window``, ``channel_window``, ``held_window``, ``stock_window``), clear the
        flow rows the next week fills, and return the flow totals over all villages."""
        self.weeks_closed += 1
        rows = min(self.weeks_closed, WINDOW_WEEKS)
        self.village_window = self.flow.sum(axis=0)
        totals = self.village_window.sum(axis=0)
        self.group_window = self.groups.sum(axis=0)
        self.service_window = self.services.sum(axis=0)
        self.channel_window = self.channels.sum(axis=0)
        self.held_window = self.held.sum(axis=0) / rows
        self.stock_window = margins(self.held_cells.sum(axis=0) / rows)
        following = (step + 1) % WINDOW_WEEKS
        for ring in (self.flow, self.groups, self.services, self.channels):
            ring[following] = 0
        return totals


def village_table(model: ClientelismModel) -> pd.DataFrame:
    """Outcomes per village of ``model`` over the trailing window, with the counts they are ratios of.

    Counts are additive: summed over villages (or a kecamatan's villages) and divided as for the whole
    population (``ratio_outcomes``), they give the regency's (or kecamatan's) outcomes.
    """
    import pandas as pd

    w = model.world
    g = w.geography
    v = g.n_villages
    f = w.accounts.village_window
    held = w.accounts.held_window
    independent, active = w.residents.standing(model.week)
    counts = {
        "households": g.households.astype(np.int64),
        "officials": np.full(v, w.officials.per_village, dtype=np.int64),
        **{name: f[:, column] for name, column in FLOW_COUNTS.items()},
        **{name: held[:, column] for name, column in STOCK_COUNTS.items()},
        "independent": np.bincount(w.residents.village, weights=independent, minlength=v),
        "active": np.bincount(w.residents.village, weights=active, minlength=v),
    }
    table = pd.DataFrame({
        "village": np.arange(v), "village_name": list(g.village_names),
        "kecamatan": [g.kecamatan_names[k] for k in g.kecamatan], "kelurahan": g.kelurahan,
        "x_km": g.x_km, "y_km": g.y_km, "dist_kecamatan_km": g.dist_kecamatan_km,
        "dist_regency_km": model.regency_km_now.copy(), **{name: counts[name] for name in COUNTS}})
    return pd.concat([table, area_outcomes(table, model.window_weeks)], axis=1)


def kecamatan_table(geography: Geography, villages: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Outcomes per kecamatan: a village table's counts summed per kecamatan, then the same ratios."""
    import pandas as pd

    g = geography
    k = len(g.kecamatan_names)
    present = np.unique(g.kecamatan)   # in kecamatan order
    sums = {name: np.bincount(g.kecamatan, weights=villages[name].to_numpy(dtype=float), minlength=k)[present]
            for name in COUNTS}
    sums["households"] = sums["households"].astype(np.int64)
    sums["officials"] = sums["officials"].astype(np.int64)
    table = pd.DataFrame({"kecamatan": [g.kecamatan_names[i] for i in present],
                          "villages": np.bincount(g.kecamatan, minlength=k)[present], **sums})
    return pd.concat([table, area_outcomes(table, weeks)], axis=1)
