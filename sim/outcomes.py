"""Outcome names and definitions (the same names in code, tables and plots).

Flow outcomes are measured over the needs resolved in a trailing window of
``WINDOW_WEEKS`` steps (the whole run so far when it is shorter), so that the
per-step series are yearly rates; end-of-run outcomes are the last step's
values, i.e. the final year of the run.
"""

WINDOW_WEEKS = 52

OUTCOMES: dict[str, str] = {
    "brokered_share": "Share of completed needs handled through a village official (titip) or an outside broker "
                      "(calo), trailing year.",
    "patron_lockin_share": "Share of households whose tie to some official is at or above `lockin_tie_threshold` "
                           "now (dependence in stock).",
    "repeat_patron_rate": "Among needs entrusted to an official by a household that had entrusted one before, the "
                          "share handled by the same official as its previous one, trailing year (about 1/number of "
                          "officials for one-off bribery, high for clientelism).",
    "access_gap_literacy": "Mean access shortfall of the least literate quarter of households minus that of the most "
                           "literate quarter (quartiles fixed at the start), trailing year.",
    "access_gap_distance": "Mean access shortfall of the farthest quarter of households minus that of the nearest "
                           "quarter, trailing year; remoteness is the road distance from home to the village office "
                           "plus the village's distances to the kecamatan and regency seats (within one village: "
                           "the distance to its office).",
    "access_gap_income": "Mean access shortfall of the poorest quarter of households minus that of the richest "
                         "quarter, trailing year.",
    "unmet_share": "Share of resolved needs that were abandoned unmet (deferred beyond `abandon_after_weeks`), "
                   "trailing year.",
    "fees_per_household_rupiah": "Fees paid to officials and outside brokers, rupiah per household per year, "
                                 "trailing year.",
    "official_earnings_rupiah": "Fees received by village officials, rupiah per official per year, trailing year.",
    "online_share": "Share of completed needs handled through the online channel, trailing year.",
    "mean_literacy": "Mean digital literacy of households (0-1), now.",
}

# Not among the headline outcomes, recorded beside them.
EXTRA_OUTCOMES: dict[str, str] = {
    "in_person_share": "Share of completed needs handled in person by the household itself, trailing year.",
    "online_activated_share": "Share of households with an activated online account (digital ID), now.",
    "mean_fee_seeking": "Mean fee-seeking propensity of officials (0-1), now.",
}

# Per-quartile values kept beside the outcomes (``RunResult.groups``), e.g.
# ``brokered_share_literacy_q0`` (least literate quarter) or ``shortfall_income_q3``
# (richest quarter); distance quartile 3 is the farthest (see access_gap_distance).
GROUP_DIMENSIONS = ("literacy", "distance", "income")

SHORTFALL = ("The **access shortfall** of a resolved need is 1 if it was abandoned; otherwise its cost burden "
             "(fees, fares, online costs and the value of time spent, over the household's monthly income) plus "
             "its delay (weeks from arrival to completion over `abandon_after_weeks`), capped at 1.")

OUTCOME_NAMES = tuple(OUTCOMES)
ALL_OUTCOME_NAMES = (*OUTCOMES, *EXTRA_OUTCOMES)

# Per village and per kecamatan (``ClientelismModel.village_table`` and
# ``kecamatan_table``): additive counts over the trailing window (stocks now),
# and the outcomes that are ratios of them, defined as for the regency.
AREA_COUNTS = ("households", "officials", "resolved", "completed", "abandoned", "entrusted", "broker", "online",
               "in_person", "repeat", "repeat_eligible", "fees_rupiah", "official_fees_rupiah", "locked_in",
               "activated", "literacy_sum", "fee_seeking_sum")
AREA_OUTCOMES = ("brokered_share", "patron_lockin_share", "repeat_patron_rate", "unmet_share",
                 "fees_per_household_rupiah", "official_earnings_rupiah", "online_share", "in_person_share",
                 "mean_literacy", "online_activated_share", "mean_fee_seeking")


def area_outcomes(counts, weeks: int):
    """The AREA_OUTCOMES of each row of a table of AREA_COUNTS (a DataFrame), as a DataFrame."""
    import numpy as np
    import pandas as pd

    c = {name: counts[name].to_numpy(dtype=float) for name in AREA_COUNTS}

    def ratio(a, b):
        return np.divide(a, b, out=np.full(a.shape, np.nan), where=b > 0)

    per_year = 52 / max(weeks, 1)
    return pd.DataFrame({
        "brokered_share": ratio(c["entrusted"] + c["broker"], c["completed"]),
        "patron_lockin_share": ratio(c["locked_in"], c["households"]),
        "repeat_patron_rate": ratio(c["repeat"], c["repeat_eligible"]),
        "unmet_share": ratio(c["abandoned"], c["resolved"]),
        "fees_per_household_rupiah": ratio(c["fees_rupiah"] * per_year, c["households"]),
        "official_earnings_rupiah": ratio(c["official_fees_rupiah"] * per_year, c["officials"]),
        "online_share": ratio(c["online"], c["completed"]),
        "in_person_share": ratio(c["in_person"], c["completed"]),
        "mean_literacy": ratio(c["literacy_sum"], c["households"]),
        "online_activated_share": ratio(c["activated"], c["households"]),
        "mean_fee_seeking": ratio(c["fee_seeking_sum"], c["officials"]),
    }, index=counts.index)
