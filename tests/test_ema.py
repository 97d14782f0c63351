"""EMA Workbench interoperability (sim.ema) against the real ema_workbench 3.0 package, at tiny sizes."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import under_ci

try:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench
except ModuleNotFoundError:
    if under_ci():
        raise
    pytest.skip("ema_workbench is not installed: pip install -e '.[ema]' (make test installs it)",
                allow_module_level=True)

from ema_workbench import (  # noqa: E402
    BooleanParameter,
    CategoricalParameter,
    IntegerParameter,
    MultiprocessingEvaluator,
    RealParameter,
    Sample,
    ScalarOutcome,
    SequentialEvaluator,
    perform_experiments,
)

from sim.core.geography import PER_VILLAGE_PARAMS  # noqa: E402
from sim.core.outcomes import ALL_OUTCOME_NAMES  # noqa: E402
from sim.ema import RESERVED_NAMES, ema_name, model  # noqa: E402
from sim.errors import ConfigError, UnknownNameError  # noqa: E402
from sim.experiments.design import replicate_seeds  # noqa: E402
from sim.params.registry import PARAMS, POLICY_NAMES  # noqa: E402
from sim.params.scenarios import policy_names  # noqa: E402
from sim.simulation import run_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TINY = {"steps": 20, "n_households": 150, "spinup_weeks": 8}
UNCERTAINTIES = [p for p in PARAMS.values() if p.role == "uncertainty"]
LEVERS = [p for p in PARAMS.values() if p.role == "lever"]
EMA_CLASS = {float: RealParameter, int: IntegerParameter, bool: BooleanParameter}


def _names(m):
    return {p.name for p in m.uncertainties}, {p.name for p in m.levers}, {c.name: c.value for c in m.constants}


def _same(a, b):
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


def _former_share_by_hand(current, former):
    """faction_former_share as a run uses it: its plausible range mapped into what faction_current_share leaves
    (the rule of docs and sim/experiments/design.py, written out here independently)."""
    lo, hi = PARAMS["faction_former_share"].plausible
    room = 1.0 - current
    new_lo, new_hi = min(lo, room), min(hi, room)
    return new_lo + (former - lo) / (hi - lo) * (new_hi - new_lo)


def _inputs(m, row):
    """run_scenario's keyword arguments for one row of the experiments table, by hand."""
    uncertainties, levers, constants = _names(m)
    values = {name: row[name] for name in (*uncertainties, *levers) if name in row}   # sampled ones
    values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
    values.update(constants)
    for name in [n for n in values if n.endswith("_duration_weeks")]:     # a lever lasts from its first week
        lever = name.removesuffix("_duration_weeks")
        start = values.get(f"{lever}_start_step", PARAMS[f"{lever}_start_step"].default)
        values[f"{lever}_end_step"] = max(start, 1) + values.pop(name)
    if "faction_former_share" in values:
        values["faction_former_share"] = _former_share_by_hand(values["faction_current_share"],
                                                               values["faction_former_share"])
    return values


# ------------------------------------------------------------------ declarations
def test_every_registry_uncertainty_with_its_plausible_range_and_type():
    m = model(**TINY)
    assert type(m) is ema_workbench.Model
    by_name = {p.name: p for p in m.uncertainties}
    assert set(by_name) == {p.name for p in UNCERTAINTIES}
    for p in UNCERTAINTIES:
        declared = by_name[p.name]
        assert type(declared) is EMA_CLASS[p.type], p.name
        assert (declared.lower_bound, declared.upper_bound) == p.sweep_range == p.plausible, p.name
    assert _names(m)[2] == {"steps": 20, "seed": 0, "n_households": 150, "spinup_weeks": 8}


def test_brebes_leaves_out_the_one_village_distances_and_keeps_its_own_values():
    m = model("brebes", steps=20, n_households=3000, literacy_mean=0.25)
    uncertainties, _, constants = _names(m)
    expected = {p.name for p in UNCERTAINTIES} - set(PER_VILLAGE_PARAMS) - {"hamlet_radius_km", "literacy_mean"}
    assert uncertainties == expected
    assert "dist_new_seat_km" in {p.name for p in UNCERTAINTIES}          # an uncertainty in one village
    assert not set(PER_VILLAGE_PARAMS) & set(constants)
    assert constants["hamlet_radius_km"] == 1.0 and constants["literacy_mean"] == 0.25   # scenario's; given


def test_levers_are_the_registry_levers_or_the_presets():
    m = model(**TINY)
    by_name = {p.name: p for p in m.levers}
    ends = [p for p in LEVERS if p.name.endswith("_end_step")]
    assert len(ends) == len(POLICY_NAMES)
    # Each lever's end week is exposed as its duration (an end week sampled on its own could precede its start).
    assert set(by_name) == {p.name for p in LEVERS if p not in ends} | {f"{p.lever}_duration_weeks" for p in ends}
    for p in ends:
        duration = by_name[f"{p.lever}_duration_weeks"]
        assert type(duration) is IntegerParameter
        assert (duration.lower_bound, duration.upper_bound) == (1, TINY["steps"])
    for p in LEVERS:
        if p in ends:
            continue
        assert type(by_name[p.name]) is EMA_CLASS[p.type], p.name
        if p.name.endswith("_intensity"):
            assert (by_name[p.name].lower_bound, by_name[p.name].upper_bound) == (0.0, 1.0)
        if p.name.endswith("_start_step"):                # start weeks within the run
            assert (by_name[p.name].lower_bound, by_name[p.name].upper_bound) == (0, TINY["steps"] - 1)
    fixed = model(**TINY, pemekaran_intensity=1.0)
    assert "pemekaran_intensity" not in _names(fixed)[1] and _names(fixed)[2]["pemekaran_intensity"] == 1.0
    ended = model(**TINY, digital_training_end_step=60)                  # an end week given: no duration lever
    assert "digital_training_duration_weeks" not in _names(ended)[1]
    assert _names(ended)[2]["digital_training_end_step"] == 60
    presets = model(**TINY, levers="presets")
    (lever,) = presets.levers
    assert type(lever) is CategoricalParameter and lever.name == "policy_preset"
    assert [c.value for c in lever.categories] == list(policy_names())


def test_no_parameter_under_a_name_ema_reserves():
    for kwargs in ({}, {"levers": "presets"}, {"replications": 2}, {"levers": "presets", "replications": 2}):
        m = model(**TINY, **kwargs)
        uncertainties, levers, constants = _names(m)
        exposed = uncertainties | levers | set(constants)
        assert not exposed & RESERVED_NAMES, kwargs
        assert not [n for n in exposed if hasattr(m, n)], kwargs     # EMA would take a lever for an attribute
    assert ema_name("policy") == "policy_preset" and ema_name("model") == "model_value"
    attributes = dir(model(**TINY))                   # the EMA model's own: function, replications, name, ...
    assert "function" in attributes and ema_name("function", attributes) == "function_value"
    assert ema_name("literacy_mean", attributes) == "literacy_mean"


def test_a_lever_called_policy_breaks_ema_so_the_preset_is_renamed_and_runs():
    # Counterfactual: EMA's own table refuses a lever named like its column.
    raw = ema_workbench.Model("raw", function=lambda **kw: {"y": 1.0})
    raw.uncertainties = [RealParameter("x", 0.0, 1.0)]
    raw.levers = [CategoricalParameter("policy", ["none", "pemekaran"])]
    raw.outcomes = [ScalarOutcome("y")]
    with pytest.raises(ValueError, match="field 'policy' occurs more than once"):
        perform_experiments(raw, scenarios=1, policies=1)
    # The adapter exposes run_scenario's policy as policy_preset, and the runs are run_scenario's.
    m = model(**TINY, levers="presets", outcomes=["paid_dependence_share", "fees_per_household_rupiah"])
    assert m.function.names == {"policy_preset": "policy"}
    experiments, outcomes = perform_experiments(
        m, scenarios=[Sample("defaults")], policies=[Sample("pem", policy_preset="pemekaran"),
                                                      Sample("none", policy_preset="none")])
    assert list(experiments["policy_preset"]) == ["pemekaran", "none"]
    assert list(experiments["policy"]) == ["pem", "none"]
    for i, preset in enumerate(["pemekaran", "none"]):
        expected = run_scenario(policy=preset, seed=0, **TINY).outcomes
        assert outcomes["paid_dependence_share"][i] == expected["paid_dependence_share"]
        assert outcomes["fees_per_household_rupiah"][i] == expected["fees_per_household_rupiah"]


# ------------------------------------------------------------------ runs
def test_perform_experiments_rows_reproduce_run_scenario():
    m = model(**TINY, seed=7)
    experiments, outcomes = perform_experiments(m, scenarios=3, policies=2, evaluator=SequentialEvaluator(m),
                                                uncertainty_sampling_kwargs={"rng": 1},
                                                lever_sampling_kwargs={"rng": 2})
    assert len(experiments) == 6 and set(outcomes) == set(ALL_OUTCOME_NAMES)
    assert experiments["scenario"].nunique() == 3 and experiments["policy"].nunique() == 2
    for i, row in experiments.iterrows():
        inputs = _inputs(m, row)
        result = run_scenario(seed=inputs.pop("seed"), steps=inputs.pop("steps"), **inputs)
        for name in ALL_OUTCOME_NAMES:
            assert _same(outcomes[name][i], result.outcomes[name]), (i, name)
    # Levers moved something: the runs differ between the two policies of a scenario.
    first = experiments["scenario"] == experiments["scenario"].iloc[0]
    assert not _same(*outcomes["fees_per_household_rupiah"][first.to_numpy()])


def test_a_lever_duration_is_its_end_week_after_its_start_and_every_sample_is_a_valid_run():
    m = model(**TINY, outcomes="mean_literacy")
    inputs = {"digital_training_intensity": 1.0, "digital_training_start_step": 9, "digital_training_duration_weeks": 1}
    assert m.function.run_inputs(**inputs)["digital_training_end_step"] == 10
    assert m.function.run_inputs(digital_training_start_step=0, digital_training_duration_weeks=3)[
        "digital_training_end_step"] == 4                                  # a lever acts from week 1 at the earliest
    with pytest.raises(ConfigError, match="digital_training_end_step"):   # the end week itself could not be sampled
        run_scenario(seed=0, digital_training_intensity=1.0, digital_training_start_step=9,
                     digital_training_end_step=9, **TINY)
    to_the_end = {**inputs, "digital_training_duration_weeks": 20}
    experiments, outcomes = perform_experiments(m, scenarios=[Sample("defaults")],
                                                policies=[Sample("one_week", **inputs), Sample("end", **to_the_end)])
    short = run_scenario(seed=0, digital_training_intensity=1.0, digital_training_start_step=9,
                         digital_training_end_step=10, **TINY)
    kept = run_scenario(seed=0, digital_training_intensity=1.0, digital_training_start_step=9, **TINY)
    assert outcomes["mean_literacy"][0] == short.outcomes["mean_literacy"]
    assert outcomes["mean_literacy"][1] == kept.outcomes["mean_literacy"]      # past the run's end: never ends
    assert short.outcomes["mean_literacy"] < kept.outcomes["mean_literacy"]
    sampled, _ = perform_experiments(m, scenarios=1, policies=6, lever_sampling_kwargs={"rng": 3})
    for _, row in sampled.iterrows():                                      # every sampled row is a valid run
        run = _inputs(m, row)
        assert run["digital_training_end_step"] > max(run["digital_training_start_step"], 1)


def test_shares_sampled_at_the_top_are_mapped_into_a_valid_run():
    with pytest.raises(ConfigError, match="at most 1"):       # what the mapping avoids
        run_scenario(faction_current_share=0.6, faction_former_share=0.45, **TINY)
    m = model(**TINY, outcomes="patron_lockin_share")
    sample = Sample("top", faction_current_share=0.6, faction_former_share=0.45)
    experiments, outcomes = perform_experiments(m, scenarios=[sample], policies=[Sample("none")])
    result = m.function.result(**sample, steps=20, seed=0, n_households=150, spinup_weeks=8)
    assert result.params["faction_former_share"] == pytest.approx(0.4) == _former_share_by_hand(0.6, 0.45)
    assert outcomes["patron_lockin_share"][0] == result.outcomes["patron_lockin_share"]
    at_defaults = m.function.run_inputs(faction_current_share=0.45, faction_former_share=0.35)
    assert at_defaults["faction_former_share"] == 0.35                     # room for its whole range: unchanged
    with pytest.raises(ConfigError, match="faction_current_share"):        # a fixed later share that cannot fit
        model(**TINY, faction_former_share=0.45)


def test_time_series_outcomes_are_the_weekly_series():
    m = model(**TINY, time_series=True, outcomes=["mean_literacy", "paid_dependence_share"])
    assert {type(o).__name__ for o in m.outcomes} == {"TimeSeriesOutcome"}
    experiments, outcomes = perform_experiments(m, scenarios=[Sample("defaults")], policies=[Sample("none")])
    assert set(outcomes) == {"mean_literacy_weekly", "paid_dependence_share_weekly"}
    series = run_scenario(seed=0, **TINY).timeseries
    assert outcomes["mean_literacy_weekly"].shape == (1, 20)
    assert _same(outcomes["mean_literacy_weekly"][0], series["mean_literacy"])
    assert _same(outcomes["paid_dependence_share_weekly"][0], series["paid_dependence_share"])
    # A scalar model of the same outcomes in the same session: EMA's register keeps each name to one class.
    scalar = model(**TINY, outcomes=["mean_literacy", "paid_dependence_share"])
    assert {type(o).__name__ for o in scalar.outcomes} == {"ScalarOutcome"}


def test_multiprocessing_evaluator_with_replications_gives_the_runs_of_their_seeds():
    names = ["paid_dependence_share", "shortfall_income_q1", "paid_dependence_share_ktp"]
    m = model(**TINY, replications=2, seed=3, outcomes=names)
    assert type(m) is ema_workbench.ReplicatorModel
    seeds = replicate_seeds(3, 2)
    assert [r["seed"] for r in m.replications] == seeds
    with MultiprocessingEvaluator(m, n_processes=1) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=2, policies=[Sample("none")],
                                                              uncertainty_sampling_kwargs={"rng": 5})
    assert set(outcomes) == {f"{n}_replicates" for n in names}
    assert outcomes["paid_dependence_share_replicates"].shape == (2, 2)
    for i, row in experiments.iterrows():
        inputs = _inputs(m, row)
        for r, seed in enumerate(seeds):
            result = run_scenario(seed=seed, steps=inputs["steps"],
                                  **{k: v for k, v in inputs.items() if k != "steps"})
            values = {**result.outcomes, **result.groups, **result.services}
            for name in names:
                assert _same(outcomes[f"{name}_replicates"][i, r], values[name]), (i, r, name)
    assert not _same(*outcomes["paid_dependence_share_replicates"][0])     # the two replications differ


# ------------------------------------------------------------------ bad arguments
@pytest.mark.parametrize("kwargs,words", [
    ({"outcomes": ["paid_dependance_share"]}, ["unknown outcome", "paid_dependence_share"]),
    ({"outcomes": "shortfall_income_q1", "time_series": True}, ["weekly series"]),
    ({"outcomes": []}, ["at least one outcome"]),
    ({"scenario": "bangbayan"}, ["unknown scenario", "bangbayang"]),
    ({"literacy_man": 0.3}, ["unknown parameter", "literacy_mean"]),
    ({"literacy_mean": 2.0}, ["literacy_mean", "0.01 to 0.99"]),
    ({"scenario": "brebes", "dist_regency_km": 40.0}, ["dist_regency_km", "one-village"]),
    ({"policy": "pemekaran"}, ["policy_preset"]),
    ({"levers": "intensities"}, ["levers", "presets"]),
    ({"replications": 0}, ["replications", "at least 1"]),
    ({"time_series": "yes"}, ["time_series"]),
    ({"steps": 0}, ["steps"]),
    ({"seed": -1}, ["seed"]),
    ({"name": "my model"}, ["identifier"]),
])
def test_bad_arguments_end_in_one_config_error(kwargs, words):
    with pytest.raises(ConfigError) as info:
        model(**kwargs)
    message = str(info.value)
    assert all(w in message for w in words), message
    assert "\n" not in message
    if "unknown" in words[0]:
        assert isinstance(info.value, UnknownNameError)


# ------------------------------------------------------------------ the documented three lines
def test_the_documented_three_lines_run():
    page = (ROOT / "docs" / "ema.md").read_text()
    block = re.search(r"```python\n(from ema_workbench import perform_experiments\n.*?)```", page, re.S).group(1)
    assert block.splitlines()[:3] == [
        "from ema_workbench import perform_experiments",
        "from sim.ema import model",
        "experiments, outcomes = perform_experiments(model(steps=52), scenarios=10, policies=2)",
    ]
    small = block.replace("model(steps=52)", "model(steps=8, n_households=100, spinup_weeks=0)")
    small = small.replace("scenarios=10, policies=2", "scenarios=2, policies=1")
    assert small != block
    namespace: dict = {}
    exec(small, namespace)
    assert len(namespace["experiments"]) == 2 and set(namespace["outcomes"]) == set(ALL_OUTCOME_NAMES)
