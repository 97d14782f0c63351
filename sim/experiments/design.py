"""Experimental designs: one row per run, generated before anything runs and saved.

Seeds derive from the master seed through numpy's ``SeedSequence``: replicate
*r* gets the same seed under every policy, sample, sweep and driver value
(common random numbers), so differences between them are paired, not noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.params.registry import PARAMS, SHARE_GROUPS

if TYPE_CHECKING:
    from sim.experiments.kinds.base import Experiment


def replicate_seeds(master_seed: int, replicates: int) -> list[int]:
    """One seed per replicate, derived from the master seed."""
    children = np.random.SeedSequence(master_seed).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def sensitivity_problem(names: list[str]) -> dict:
    """SALib problem over the plausible ranges of the named uncertainties."""
    return {"num_vars": len(names), "names": list(names),
            "bounds": [list(map(float, PARAMS[n].sweep_range)) for n in names]}


def param_rows(names: list[str], X: np.ndarray, fixed: dict[str, object]) -> list[dict]:
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
    sampled members' values as a run uses them (``param_rows`` on one row): a later share of a group mapped
    into what the earlier ones leave. Used by the EMA Workbench adapter (``sim.ema``), whose samplers draw
    each share over its plausible range.
    """
    names = [name for group in SHARE_GROUPS for name in group if name in sampled]
    if not names:
        return {}
    return param_rows(names, np.array([[float(sampled[n]) for n in names]]), fixed)[0]


def latin_hypercube(names: list[str], samples: int, seed: int, fixed: dict[str, object]) -> list[dict]:
    """A Latin hypercube of ``samples`` rows over the plausible ranges of ``names`` (scipy's sampler)."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(samples)
    lows = np.array([PARAMS[n].sweep_range[0] for n in names], dtype=float)
    highs = np.array([PARAMS[n].sweep_range[1] for n in names], dtype=float)
    return param_rows(names, qmc.scale(unit, lows, highs), fixed)


def fixed_values(spec: Experiment, policy: str = "none") -> dict[str, object]:
    """Every parameter's value in a run of ``spec`` before anything is sampled: defaults, scenario,
    policy preset and the experiment's constants shared by every run."""
    from sim.params.scenarios import resolve_params

    return resolve_params(spec.scenario, policy, spec.shared_constants())


def numbered(rows: list[dict], start: int = 0) -> pd.DataFrame:
    """The design table of ``rows``, its runs numbered from ``start`` (``run_id``)."""
    df = pd.DataFrame(rows)
    df.insert(0, "run_id", np.arange(start, start + len(df), dtype=np.int64))
    return df


def initial(spec: Experiment, master_seed: int) -> pd.DataFrame:
    """The design known before any run (a later stage, such as a sensitivity experiment's Sobol stage, comes
    from its kind's ``next_stage`` once the runs before it have finished)."""
    from sim.experiments.kinds import kind_of

    return kind_of(spec).design(spec, master_seed)


def validate(spec: Experiment, design: pd.DataFrame) -> None:
    """Check every row of a design as the run would use it (scenario, policy, constants and the row's
    values), and whatever else its kind checks of a design, before any run starts; raise ConfigError naming
    the first invalid run."""
    from sim.experiments.kinds import kind_of
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
    kind_of(spec).check_design(spec, design)
