"""Experimental designs: one row per run, generated before anything runs and saved.

Seeds derive from the master seed through numpy's ``SeedSequence``: replicate
*r* gets the same seed under every policy, sample and sweep (common random
numbers), so differences between them are paired, not noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.spec import Experiment
from sim.registry import PARAMS


def replicate_seeds(master_seed: int, replicates: int) -> list[int]:
    """One seed per replicate, derived from the master seed."""
    children = np.random.SeedSequence(master_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def comparison(spec: Experiment, master_seed: int) -> pd.DataFrame:
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = [{"policy": policy, "replicate": r, "seed": seeds[r]}
            for policy in (spec.baseline, *spec.policies) for r in range(spec.replicates)]
    return _numbered(rows)


def sensitivity_problem(names: list[str]) -> dict:
    """SALib problem over the plausible ranges of the named uncertainties."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [list(map(float, PARAMS[n].sweep_range)) for n in names]}


def _param_rows(names: list[str], X: np.ndarray) -> list[dict]:
    rows = []
    for x in X:
        row = {}
        for name, value in zip(names, x):
            lo, hi = PARAMS[name].sweep_range
            value = min(max(float(value), lo), hi)   # SALib's arithmetic can overshoot a bound by an ulp
            row[name] = int(round(value)) if PARAMS[name].type is int else value
        rows.append(row)
    return rows


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


def _replicated(spec, master_seed, stage, names, X, start) -> pd.DataFrame:
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = []
    for sample, params in enumerate(_param_rows(names, X)):
        for r in range(spec.replicates):
            rows.append({"policy": spec.policy, "stage": stage, "sample": sample, "replicate": r, "seed": seeds[r],
                         **params})
    return _numbered(rows, start)


def hysteresis(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """One run per sweep and replicate: a chain that goes up the values, then back down."""
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = [{"policy": "none", "sweep": i, "parameter": sw.parameter, "replicate": r, "seed": seeds[r]}
            for i, sw in enumerate(spec.sweeps) for r in range(spec.replicates)]
    return _numbered(rows)


def _numbered(rows: list[dict], start: int = 0) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "run_id", np.arange(start, start + len(df), dtype=np.int64))
    return df


def initial(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """The design known before any run: everything but the Sobol stage of a sensitivity experiment."""
    return {"comparison": comparison, "sensitivity": morris, "hysteresis": hysteresis}[spec.kind](spec, master_seed)
