"""Experimental designs: one row per run, generated before anything runs and saved.

Seeds derive from the master seed through numpy's ``SeedSequence``: replicate
*r* gets the same seed under every policy, sample, sweep and driver value
(common random numbers), so differences between them are paired, not noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.experiments.spec import Experiment
from sim.params.registry import PARAMS, SHARE_GROUPS


def replicate_seeds(master_seed: int, replicates: int) -> list[int]:
    """One seed per replicate, derived from the master seed."""
    children = np.random.SeedSequence(master_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def comparison(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """Every arm (the baseline first) times every replicate; replicate r has the same seed in every arm.

    ``policy`` is the arm's name, ``levers`` the policy it runs; an arm's own lever settings (its ``set``,
    and the experiment's lever constants for the levers it switches on) are columns of its rows.
    """
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = [{"policy": arm.name, "levers": arm.policy, "replicate": r, "seed": seeds[r], **spec.arm_settings(arm)}
            for arm in spec.arms for r in range(spec.replicates)]
    return _numbered(rows)


def sensitivity_problem(names: list[str]) -> dict:
    """SALib problem over the plausible ranges of the named uncertainties."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [list(map(float, PARAMS[n].sweep_range)) for n in names]}


def _param_rows(names: list[str], X: np.ndarray, fixed: dict[str, object]) -> list[dict]:
    """Parameter values of each sample row, valid by construction.

    Each value is clipped to its plausible range (SALib's arithmetic can
    overshoot a bound by an ulp) and rounded for integers. Shares declared
    together in ``SHARE_GROUPS`` (at most 1 in sum) are then made consistent:
    a later share of a group is sampled over its plausible range and mapped
    linearly into the part of that range which the earlier shares of the row
    leave (``fixed`` gives the values of those that are not sampled). So the
    design covers the whole feasible region and never holds an invalid row,
    whatever the sampler (Morris, Sobol, Latin hypercube); the sensitivity
    measured for such a share is that of its position within what is left.
    """
    rows = []
    for x in X:
        row = {}
        for name, value in zip(names, x):
            lo, hi = PARAMS[name].sweep_range
            value = min(max(float(value), lo), hi)
            row[name] = int(round(value)) if PARAMS[name].type is int else value
        for group in SHARE_GROUPS:
            taken = 0.0
            for name in group:
                value = row.get(name, fixed.get(name, PARAMS[name].default))
                if name in row:
                    lo, hi = PARAMS[name].sweep_range
                    room = max(1.0 - taken, 0.0)
                    new_lo, new_hi = min(lo, room), min(hi, room)
                    value = new_lo + (value - lo) / (hi - lo) * (new_hi - new_lo) if hi > lo else new_lo
                    row[name] = value
                taken += float(value)
        rows.append(row)
    return rows


def consistent_shares(sampled: dict[str, float], fixed: dict[str, object]) -> dict[str, float]:
    """One sampled point's shares of ``SHARE_GROUPS``, made consistent as every design makes them.

    ``sampled`` holds sampled values, each within its plausible range, of some members of the share groups
    (other names are ignored); ``fixed`` gives the values of the members that are not sampled. Returns the
    sampled members' values as a run uses them (``_param_rows`` on one row): a later share of a group mapped
    into what the earlier ones leave. Used by the EMA Workbench adapter (``sim.ema``), whose samplers draw
    each share over its plausible range.
    """
    names = [name for group in SHARE_GROUPS for name in group if name in sampled]
    if not names:
        return {}
    return _param_rows(names, np.array([[float(sampled[n]) for n in names]]), fixed)[0]


def latin_hypercube(names: list[str], samples: int, seed: int, fixed: dict[str, object]) -> list[dict]:
    """A Latin hypercube of ``samples`` rows over the plausible ranges of ``names`` (scipy's sampler)."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(samples)
    lows = np.array([PARAMS[n].sweep_range[0] for n in names], dtype=float)
    highs = np.array([PARAMS[n].sweep_range[1] for n in names], dtype=float)
    return _param_rows(names, qmc.scale(unit, lows, highs), fixed)


def morris(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """Stage 1 of a sensitivity experiment: Morris trajectories over every uncertainty."""
    from SALib.sample import morris as morris_sample

    names = spec.uncertainty_names()
    X = morris_sample.sample(sensitivity_problem(names), spec.morris.trajectories, num_levels=spec.morris.levels,
                             seed=master_seed)
    return _replicated(spec, master_seed, "morris", names, X, start=0)


def sobol(spec: Experiment, master_seed: int, names: list[str], start: int) -> pd.DataFrame:
    """Stage 2: Saltelli's scheme for Sobol indices over the most influential uncertainties."""
    from SALib.sample import sobol as sobol_sample

    X = sobol_sample.sample(sensitivity_problem(names), spec.sobol.base_samples, calc_second_order=False,
                            seed=master_seed + 1)
    return _replicated(spec, master_seed, "sobol", names, X, start=start)


def fixed_values(spec: Experiment, policy: str = "none") -> dict[str, object]:
    """Every parameter's value in a run of ``spec`` before anything is sampled: defaults, scenario,
    policy preset and the experiment's constants shared by every run."""
    from sim.params.scenarios import resolve_params

    return resolve_params(spec.scenario, policy, spec.shared_constants())


def _replicated(spec, master_seed, stage, names, X, start) -> pd.DataFrame:
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = []
    for sample, params in enumerate(_param_rows(names, X, fixed_values(spec, spec.policy))):
        for r in range(spec.replicates):
            rows.append({"policy": spec.policy, "levers": spec.policy, "stage": stage, "sample": sample,
                         "replicate": r, "seed": seeds[r], **params})
    return _numbered(rows, start)


def hysteresis(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """One run per sweep and replicate: a chain that goes up the values, then back down; with ``control``, the
    same chain (same seed, same points) with the lever held at its first value, to measure what time alone does."""
    seeds = replicate_seeds(master_seed, spec.replicates)
    controls = (False, True) if spec.control else (False,)
    rows = [{"policy": "none", "levers": "none", "sweep": i, "parameter": sw.parameter, "control": control,
             "replicate": r, "seed": seeds[r]}
            for i, sw in enumerate(spec.sweeps) for control in controls for r in range(spec.replicates)]
    return _numbered(rows)


def drivers(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """The baseline (the scenario's values and the experiment's constants) in every replicate, then each driver's
    values other than the baseline's, each in every replicate; replicate r has the same seed in every run (common
    random numbers), so each value is compared with the baseline run of the same seed.

    ``driver`` is the driver's id, ``parameter`` and ``value`` what it moves; the value is also in the
    parameter's own column, which the run reads. The baseline runs have ``driver`` ``baseline``, an empty
    ``parameter`` and no ``value`` (NaN). A value equal to the baseline's has no rows: its runs are the
    baseline runs.
    """
    from sim.experiments.spec import BASELINE, driver_points

    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = [{"policy": "none", "levers": "none", "driver": BASELINE, "parameter": "", "value": np.nan,
             "replicate": r, "seed": seeds[r]} for r in range(spec.replicates)]
    for d, points in driver_points(spec):
        for value, is_baseline in points:
            if not is_baseline:
                rows += [{"policy": "none", "levers": "none", "driver": d.id, "parameter": d.parameter,
                          "value": float(value), "replicate": r, "seed": seeds[r], d.parameter: value}
                         for r in range(spec.replicates)]
    return _numbered(rows)


def exploration(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """Open exploration: every arm (the baseline first) at every point of a Latin hypercube over the plausible
    ranges of the uncertainties, each in ``replicates`` replicates; before them, every arm at the scenario's own
    values in ``defaults_replicates`` replicates (``sample`` -1), for the at-defaults comparison.

    Seeds: child *k* of the master seed's ``SeedSequence``; the runs at the defaults take children 0, 1, ... (the
    seeds a comparison with the same master seed gives its replicates), sample *s* replicate *r* the child
    ``defaults_replicates + s * replicates + r``. Every arm of a sample and replicate has the same seed (common
    random numbers), so a policy's effect in a sampled scenario is a paired difference. The Latin hypercube is
    drawn with the master seed; its values are columns of every arm's rows.
    """
    names = spec.uncertainty_names()
    points = latin_hypercube(names, spec.samples, master_seed, fixed_values(spec))
    seeds = replicate_seeds(master_seed, spec.defaults_replicates + spec.samples * spec.replicates)
    settings = {arm.name: spec.arm_settings(arm) for arm in spec.arms}
    rows = [{"policy": arm.name, "levers": arm.policy, "sample": -1, "replicate": r, "seed": seeds[r],
             **settings[arm.name]} for r in range(spec.defaults_replicates) for arm in spec.arms]
    for s, values in enumerate(points):   # sample by sample, so that a partial exploration has whole samples
        for r in range(spec.replicates):
            seed = seeds[spec.defaults_replicates + s * spec.replicates + r]
            rows += [{"policy": arm.name, "levers": arm.policy, "sample": s, "replicate": r, "seed": seed, **values,
                      **settings[arm.name]} for arm in spec.arms]
    return _numbered(rows)


def _numbered(rows: list[dict], start: int = 0) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "run_id", np.arange(start, start + len(df), dtype=np.int64))
    return df


def initial(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """The design known before any run: everything but the Sobol stage of a sensitivity experiment."""
    return {"comparison": comparison, "sensitivity": morris, "hysteresis": hysteresis,
            "drivers": drivers, "exploration": exploration}[spec.kind](spec, master_seed)


def validate(spec: Experiment, design: pd.DataFrame) -> None:
    """Check every row of a design as the run would use it (scenario, policy, constants and the row's
    values), before any run starts; raise ConfigError naming the first invalid run."""
    from sim.params.registry import validate as validate_values

    varied = [c for c in design.columns if c in PARAMS]
    base = {levers: fixed_values(spec, levers) for levers in design["levers"].unique()}
    records = design[["run_id", "policy", "levers", *varied]].to_dict("records")
    for row in records:
        values = {k: v for k, v in row.items() if k in PARAMS and not (isinstance(v, float) and np.isnan(v))}
        try:
            validate_values({**base[row["levers"]], **values})
        except ConfigError as exc:
            raise ConfigError(f"design run {int(row['run_id'])}", exc.value,
                              f"{exc.allowed} for {exc.name} (policy {row['policy']}; every row of a design must "
                              "be a valid run)") from None
    if spec.kind == "hysteresis":
        for sweep in spec.sweeps:
            for value in sweep.values:
                try:
                    validate_values({**base["none"], sweep.parameter: value})
                except ConfigError as exc:
                    raise ConfigError(f"sweeps: {sweep.parameter}", value, f"{exc.allowed} together with the "
                                      "experiment's constants") from None
