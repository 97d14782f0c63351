"""run_scenario, the outcome names, and mesa.batch_run on the model class."""

import math

import mesa
import pandas as pd
import pytest

from sim import ClientelismModel, run_scenario
from sim.core.outcomes import OUTCOME_NAMES
from sim.core.week import Diagnostics
from sim.errors import ConfigError

REQUIRED = ("paid_dependence_share", "unpaid_facilitation_share", "brokered_share", "patron_lockin_share",
            "repeat_patron_rate", "access_gap_literacy", "access_gap_distance", "access_gap_income",
            *(f"{part}_gap_{axis}" for axis in ("literacy", "distance", "income")
              for part in ("completion", "delay", "burden", "coverage")),
            "document_coverage", "birth_certificate_coverage", "ktp_coverage", "exclusion_share",
            "assistance_exclusion_share", "independence_share", "unmet_share", "fees_per_household_rupiah",
            "official_earnings_rupiah", "online_share", "mean_literacy")


def test_outcome_names_are_exactly_the_documented_ones():
    assert OUTCOME_NAMES == REQUIRED     # the headline first


def test_run_scenario_returns_outcomes_and_series():
    r = run_scenario("bangbayang", "pemekaran", seed=3, steps=60, n_households=500)
    assert set(REQUIRED) <= set(r.outcomes)
    assert all(math.isfinite(r.outcomes[n]) for n in REQUIRED)
    assert 0 <= r.outcomes["brokered_share"] <= 1 and 0 <= r.outcomes["unmet_share"] <= 1
    ts = r.timeseries
    assert len(ts) == 60 and list(ts["step"]) == list(range(1, 61))
    assert set(REQUIRED) <= set(ts.columns)
    # The last row of the series is the run's outcome.
    assert ts.iloc[-1]["brokered_share"] == r.outcomes["brokered_share"]
    row = r.row()
    assert row["seed"] == 3 and row["policy"] == "pemekaran" and row["pemekaran_intensity"] == 1.0
    assert row["n_households"] == 500


def test_default_run_is_ten_years():
    r = run_scenario(seed=1, n_households=100)
    assert r.steps == 520 and len(r.timeseries) == 520


@pytest.mark.parametrize("steps", [0, -3, 2.5, "ten"])
def test_bad_steps(steps):
    with pytest.raises(ConfigError, match="steps"):
        run_scenario(steps=steps)


def test_fees_per_household_add_up_to_every_fee_paid():
    # Without a spin-up and within the first year, the trailing window is the whole run: fees per household per
    # year times households must equal every fee asked by officials and brokers, scaled to a year, and the
    # officials' earnings their part of it.
    sink = Diagnostics("official_fees", "broker_fees")
    m = ClientelismModel(rng=4, n_households=800, spinup_weeks=0, diagnostics=sink)
    for _ in range(40):
        m.step()
    officials = float(sink.values("official_fees").sum())
    brokers = float(sink.values("broker_fees").sum())
    assert officials > 0 and brokers > 0
    per_year = 52 / 40
    assert m.fees_per_household_rupiah * m.n_households == pytest.approx((officials + brokers) * per_year, rel=1e-9)
    assert m.official_earnings_rupiah * m.n_officials == pytest.approx(officials * per_year, rel=1e-9)


def test_batch_run_with_two_processes_matches_serial():
    params = {"n_households": 300, "policy": ["none", "pemekaran"]}
    kwargs = dict(parameters=params, rng=[1, 2], max_steps=30, data_collection_period=-1, display_progress=False)
    parallel = pd.DataFrame(mesa.batch_run(ClientelismModel, number_processes=2, **kwargs))
    serial = pd.DataFrame(mesa.batch_run(ClientelismModel, number_processes=1, **kwargs))
    assert len(parallel) == 4
    assert set(REQUIRED) <= set(parallel.columns)
    key = ["policy", "rng"]
    parallel = parallel.sort_values(key).reset_index(drop=True)
    serial = serial.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(parallel[key + list(REQUIRED)], serial[key + list(REQUIRED)])
    assert parallel.groupby("policy")["rng"].apply(sorted).to_dict() == {"none": [1, 2], "pemekaran": [1, 2]}
