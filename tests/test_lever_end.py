"""Levers that end: ``<lever>_end_step`` in the registry, honoured by ``sim.core.policies.lever``, checked for
consistency with the start week, and what happens to a programme's gains after it stops, against the same
programme kept on and against none (paired seeds: common random numbers)."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers import pool, weekly_run

from sim.core.policies import lever
from sim.errors import ConfigError
from sim.params.registry import NEVER_ENDS, PARAMS, POLICY_NAMES, validate


def _p(intensity=0.5, start=52, end=NEVER_ENDS):
    return SimpleNamespace(x_intensity=intensity, x_start_step=start, x_end_step=end)


# ------------------------------------------------------------------ the rule
def test_a_lever_acts_from_its_start_week_up_to_the_week_before_its_end_week():
    p = _p(start=52, end=60)
    assert [lever(p, "x", w) for w in (51, 52, 59, 60, 61)] == [0.0, 0.5, 0.5, 0.0, 0.0]
    never = _p(start=0)
    assert lever(never, "x", 0) == 0.0 and lever(never, "x", 1) == 0.5      # never before week 1
    assert lever(never, "x", NEVER_ENDS - 1) == 0.5                          # by default it never ends
    assert lever(_p(start=0, end=2), "x", 1) == 0.5 and lever(_p(start=0, end=2), "x", 2) == 0.0


@pytest.mark.parametrize("lever_name", POLICY_NAMES)
def test_each_lever_has_an_end_week_that_by_default_never_comes(lever_name):
    p = PARAMS[f"{lever_name}_end_step"]
    assert p.role == "lever" and p.lever == lever_name and p.type is int and p.default == NEVER_ENDS
    assert p.high == NEVER_ENDS and NEVER_ENDS > PARAMS["spinup_weeks"].high and "never ends" in p.note


@pytest.mark.parametrize("start,end", [(52, 52), (52, 40), (0, 1), (300, 200)])
def test_an_end_week_not_after_the_lever_starts_acting_is_one_clear_error(start, end):
    with pytest.raises(ConfigError) as info:
        validate({"digital_training_start_step": start, "digital_training_end_step": end})
    message = str(info.value)
    assert message.startswith(f"digital_training_end_step={end} is not valid") and "\n" not in message
    assert f"week {max(start, 1)}" in message and "never ends" in message


def test_an_end_week_after_the_start_is_accepted():
    values = validate({"digital_training_start_step": 0, "digital_training_end_step": 2})
    assert values["digital_training_end_step"] == 2
    assert validate({"mobile_service_start_step": 300}) == {"mobile_service_start_step": 300}   # never ends


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_an_end_week_on_the_command_line_and_per_arm_of_an_experiment_file(tmp_path):
    single = subprocess.run([sys.executable, "-m", "sim", "policy=digital_training", "digital_training_end_step=60",
                             "steps=70", "n_households=200", "spinup_weeks=0", f"results_dir={tmp_path / 'one'}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert single.returncode == 0, single.stderr
    (run,) = (tmp_path / "one").rglob("run.json")
    assert '"digital_training_end_step": 60' in run.read_text()
    path = tmp_path / "stops.yaml"
    path.write_text("name: stops\nkind: comparison\nreplicates: 2\nsteps: 70\n"
                    "constants: {n_households: 200, spinup_weeks: 0}\npolicies:\n  - digital_training\n"
                    "  - name: training_one_week\n    policy: digital_training\n"
                    "    set: {digital_training_end_step: 53}\n")
    out = subprocess.run([sys.executable, "-m", "sim", f"experiment={path}", "executor=serial",
                          f"results_dir={tmp_path / 'r'}"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    runs = pd.read_parquet(next((tmp_path / "r" / "stops").iterdir()) / "runs.parquet").set_index("policy")
    assert runs.loc["training_one_week", "digital_training_end_step"].tolist() == [53, 53]
    assert runs.loc["digital_training", "digital_training_end_step"].tolist() == [NEVER_ENDS, NEVER_ENDS]
    kept, short = (runs.loc[arm].sort_values("seed")["mean_literacy"].to_numpy()
                   for arm in ("digital_training", "training_one_week"))
    assert (short < kept).all()                                            # one week of training is less


# ------------------------------------------------------------------ gains after a programme ends
SEEDS = (0, 1, 2, 3)
SMALL = {"n_households": 1000}
TRAINING_END = 52 + 156          # three years of training from week 52, then none
MOBILE_END = 260                 # a weekly mobile registry for four years from week 52, then none
WEEKS = TRAINING_END + 208       # four years after the training stops
MOBILE_WEEKS = MOBILE_END + 52   # the trailing year after the mobile service stops
AT = (MOBILE_END - 1, MOBILE_WEEKS)


@pytest.fixture(scope="module")
def arms():
    """Per arm, the runs of every seed: no policy; training for three years then stopped, or kept on; a weekly
    mobile registry stopped after four years, or kept on."""
    series = ("mean_literacy", "online_share")
    jobs = {
        "never": ("none", WEEKS, {}),
        "training_stopped": ("digital_training", WEEKS, {"digital_training_end_step": TRAINING_END}),
        "training_kept": ("digital_training", WEEKS, {}),
        "mobile_stopped": ("mobile_service", MOBILE_WEEKS, {"mobile_service_intensity": 1.0,
                                                            "mobile_service_end_step": MOBILE_END}),
        "mobile_kept": ("mobile_service", MOBILE_WEEKS, {"mobile_service_intensity": 1.0}),
    }
    args = [(policy, seed, steps, {**SMALL, **extra}, series, AT)
            for policy, steps, extra in jobs.values() for seed in SEEDS]
    runs = list(pool().map(weekly_run, args))
    return {arm: runs[i * len(SEEDS):(i + 1) * len(SEEDS)] for i, arm in enumerate(jobs)}


def _after(runs, name, week):
    """Each seed's value of an outcome after ``week`` weeks (value i is recorded after week i + 1)."""
    return np.array([r[name][week - 1] for r in runs])


@pytest.mark.slow
def test_training_gains_persist_after_it_stops_and_fall_behind_the_programme_kept_on(arms):
    never, stopped, kept = arms["never"], arms["training_stopped"], arms["training_kept"]
    last = TRAINING_END - 1                                             # the last week with training
    for s, k in zip(stopped, kept):
        # Paired: the same village, the same draws, until the programme stops.
        assert np.array_equal(s["mean_literacy"][:last], k["mean_literacy"][:last])
        assert not np.array_equal(s["mean_literacy"], k["mean_literacy"])
    literacy = {arm: _after(arms[arm], "mean_literacy", WEEKS) for arm in ("never", "training_stopped",
                                                                             "training_kept")}
    # Four years after it stopped, literacy lies between none and the programme kept on, in every village.
    assert (literacy["never"] < literacy["training_stopped"]).all(), literacy
    assert (literacy["training_stopped"] < literacy["training_kept"]).all(), literacy
    # What the training gave stays (literacy is not forgotten in the model) ...
    gained_at_end = (_after(stopped, "mean_literacy", last) - _after(never, "mean_literacy", last)).mean()
    gained_later = (literacy["training_stopped"] - literacy["never"]).mean()
    assert gained_at_end > 0.05 and gained_later >= 0.9 * gained_at_end, (gained_at_end, gained_later)
    # ... while the gap to the programme kept on opens at the end and grows year after year.
    behind = [(_after(kept, "mean_literacy", w) - _after(stopped, "mean_literacy", w)).mean()
              for w in (last, TRAINING_END + 52, TRAINING_END + 104, WEEKS)]
    assert behind[0] == 0 and 0 < behind[1] < behind[2] < behind[3], behind
    # The online share of the trailing year follows: between none and kept on.
    online = {arm: _after(arms[arm], "online_share", WEEKS).mean() for arm in literacy}
    assert online["never"] < online["training_stopped"] < online["training_kept"], online


def _regency_self_service(runs, week) -> float:
    """The self-service share of the regency's documents completed in the trailing year, pooled over seeds."""
    done = np.array([r["regency"][week] for r in runs])
    return float(done[:, 0].sum() / done[:, 1].sum())


@pytest.mark.slow
def test_the_mobile_service_effect_on_regency_documents_is_gone_within_the_year_after_it_stops(arms):
    never, stopped, kept = arms["never"], arms["mobile_stopped"], arms["mobile_kept"]
    before, after = AT
    assert [r["regency"][before] for r in stopped] == [r["regency"][before] for r in kept]   # identical until then
    while_on = _regency_self_service(stopped, before) - _regency_self_service(never, before)
    kept_on = _regency_self_service(kept, after) - _regency_self_service(never, after)
    left = _regency_self_service(stopped, after) - _regency_self_service(never, after)
    # The registry at the village office every week raises self service; kept on, it still does a year later ...
    assert while_on > 0.03 and kept_on > 0.03, (while_on, kept_on)
    # ... stopped, little of it is left in the trailing year after the stop.
    assert left < 0.4 * min(while_on, kept_on), (left, while_on, kept_on)
