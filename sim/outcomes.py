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
    "access_gap_distance": "Mean access shortfall of the farthest quarter of households (from the village office) "
                           "minus that of the nearest quarter, trailing year.",
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
# (richest quarter); distance quartile 3 is the farthest from the village office.
GROUP_DIMENSIONS = ("literacy", "distance", "income")

SHORTFALL = ("The **access shortfall** of a resolved need is 1 if it was abandoned; otherwise its cost burden "
             "(fees, fares, online costs and the value of time spent, over the household's monthly income) plus "
             "its delay (weeks from arrival to completion over `abandon_after_weeks`), capped at 1.")

OUTCOME_NAMES = tuple(OUTCOMES)
ALL_OUTCOME_NAMES = (*OUTCOMES, *EXTRA_OUTCOMES)
