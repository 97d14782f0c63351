"""A baseline at rest: after its spin-up, a run without policy shows no trend in dependence, so that a trend in
a run is a policy's effect, not the model settling. Compared with the same runs without the spin-up."""

import numpy as np
import pytest
from helpers import mean_ci, run_seeds, slope_per_decade

BAND = 0.01   # one percentage point per decade


@pytest.mark.slow
def test_a_run_without_policy_has_no_trend_in_dependence():
    # Elections held, but won by the incumbent: the model's other rules at rest. With turnovers (the default
    # turnover_prob) lock-in follows the election cycle: a turnover dismisses officials and their ties with
    # them, and the ties regrow over the next years (measured drift +1.8 points a decade, CI 0.0 to 3.6, from
    # the spin-up's election in week -312 and the next in week 104; paid dependence -0.1, CI -0.6 to +0.4).
    runs = run_seeds(turnover_prob=0.0)
    for name in ("paid_dependence_share", "brokered_share", "patron_lockin_share"):
        mean, low, high = mean_ci(slope_per_decade(runs, name))
        assert -BAND <= mean <= BAND, (name, mean, low, high)
        assert low > -2 * BAND and high < 2 * BAND, (name, mean, low, high)


@pytest.mark.slow
def test_without_the_spin_up_the_same_runs_drift():
    # The counterfactual: no spin-up. The model then settles during the reported years, and the test above
    # would fail (lock-in moves by several points a decade).
    runs = run_seeds(spinup_weeks=0)
    mean, low, _ = mean_ci(np.abs(slope_per_decade(runs, "patron_lockin_share")))
    assert low > 2 * BAND, (mean, low)
