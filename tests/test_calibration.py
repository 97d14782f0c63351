"""Calibration patterns 1-4 of the model brief, over 20 seeds of the Bangbayang baseline (after its spin-up).

Every pattern is measured against the model's own counterfactual or against the source's band at the time the
source refers to; tolerances are stated in each test, and none of these values is imposed by the code. The
surveys' levels (who pays, who holds a document) are held at the regency's scale in ``tests/test_targets.py``.
"""

import numpy as np
import pytest
from helpers import column, mean_ci, paired_t, run_seeds

from sim.params.registry import defaults

# The bribery counterfactual: the same model without ties, faction trust and the preference for one's own hamlet
# head, so that a household picks any official of its village for each need.
BRIBERY = dict(tie_gain=0.0, init_patron_share=0.0, faction_trust=0.0, own_hamlet_head_bonus=0.0)
REPEAT_MARGIN = 0.5    # clientelism: repeat exchanges at least 50 points above one-off payments


@pytest.mark.slow
def test_pattern1_low_literacy_and_distant_households_mostly_go_through_officials_or_brokers(baseline_runs):
    # Most (> 50%) completed needs of the least literate and of the farthest quarter go through an official or a
    # broker (paid or, where the official does his duty, free), in every seed.
    assert column(baseline_runs, "brokered_share_literacy_q1").min() > 0.5
    assert column(baseline_runs, "brokered_share_distance_q4").min() > 0.5


@pytest.mark.slow
def test_pattern1_exchanges_repeat_far_more_than_without_ties(baseline_runs):
    # Clientelism, not one-off bribery: the repeat-patron rate against the same seeds without ties, faction and
    # hamlet preferences (where a household meets its previous official again only by chance).
    bribery = run_seeds(**BRIBERY)
    with_ties, without = column(baseline_runs, "repeat_patron_rate"), column(bribery, "repeat_patron_rate")
    mean, low, _ = mean_ci(with_ties - without)
    assert low > REPEAT_MARGIN, (mean, low)
    # Without ties the rate is near what a random pick gives (1 / officials per village), a check that the
    # counterfactual is the one intended.
    officials = defaults()["n_hamlets"] + defaults()["n_office_staff"]
    assert abs(without.mean() - 1 / officials) < 0.05, (without.mean(), officials)


def test_pattern2_dependence_is_concentrated(baseline_runs):
    # Needs handled through officials or brokers: least literate > most literate, poorest > richest, farthest >
    # nearest quarter, as a paired comparison within each seed (t > 2.5 over 20 seeds).
    for low, high in (("brokered_share_literacy_q1", "brokered_share_literacy_q4"),
                      ("brokered_share_income_q1", "brokered_share_income_q4"),
                      ("brokered_share_distance_q4", "brokered_share_distance_q1")):
        t = paired_t(column(baseline_runs, high), column(baseline_runs, low))
        assert t > 2.5, (low, high, t)


def test_pattern2_access_gaps_disadvantage_the_less_literate_and_the_poor(baseline_runs):
    # The composite access gaps, and the cost burden on the poorest, are positive on average over seeds (t > 2.5).
    for name in ("access_gap_literacy", "access_gap_income", "burden_gap_income"):
        gap = column(baseline_runs, name)
        assert gap.mean() / (gap.std(ddof=1) / np.sqrt(gap.size)) > 2.5, name


def test_pattern3_fees_fall_in_the_reported_range(baseline_runs):
    # Reported fees: roughly Rp 10,000 (a typical levy) to Rp 300,000 (brokers, or a KK/KTP fix at the village
    # office) a document, while the legal fee is zero. "Roughly": at most a tenth of the fees asked outside the
    # range. Dutiful officials ask none: many exchanges carry no fee, and many do.
    fees = np.concatenate([r["fees"] for r in baseline_runs])
    paid = fees[fees > 0]
    assert 0.2 * fees.size < paid.size < 0.8 * fees.size
    assert 10_000 <= np.median(paid) <= 300_000
    outside = (paid < 10_000) | (paid > 300_000)
    assert outside.mean() < 0.1, outside.mean()


def test_pattern4_digital_id_uptake_one_and_two_years_after_launch(baseline_runs):
    # Neighbouring regencies, digital ID (IKD, launched nationally in late 2022): Purbalingga 1.9% of residents
    # in March 2023 and 3.8% in June 2024, Tegal 3.1% in September 2024, Kab. Cirebon 3.8% in July 2024 (regional
    # press): 2-5% about two years after the launch, about 2% after one. In the model it launches at week 0;
    # the 95% interval over seeds must lie in the band at year 2, and in 1-5% at year 1; few needs go online.
    by_year = np.array([r["online_activated_share_by_year"] for r in baseline_runs])
    mean, low, high = mean_ci(by_year[:, 2])
    assert 0.02 <= low and high <= 0.05, ("year 2", mean, low, high)
    mean, low, high = mean_ci(by_year[:, 1])
    assert 0.01 <= low and high <= 0.05, ("year 1", mean, low, high)
    assert column(baseline_runs, "online_share").max() < 0.05
