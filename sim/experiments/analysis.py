"""Analysis of saved experiment tables (never of live runs).

* paired policy effects against the baseline with 95% confidence intervals
  (differences within replicates: common random numbers);
* the same effects by literacy, distance and income quartile;
* Morris μ*/σ and Sobol S1/ST with SALib;
* hysteresis branches with regime shares;
* drivers: each value against the baseline, and each driver from its lowest
  to its highest value, paired by seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.outcomes import GROUP_DIMENSIONS, GROUP_MEASURES, OUTCOME_NAMES, QUARTILES, group_name, outcome

if TYPE_CHECKING:
    from sim.experiments.kinds.base import Experiment


def _ci(d: np.ndarray) -> tuple[float, float, float]:
    d = d[np.isfinite(d)]
    if d.size == 0:
        return np.nan, np.nan, np.nan
    mean = float(d.mean())
    if d.size < 2:
        return mean, np.nan, np.nan
    half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return mean, mean - half, mean + half


def paired_effects(runs: pd.DataFrame, baseline: str, outcomes=OUTCOME_NAMES) -> pd.DataFrame:
    """Mean effect of each policy against the baseline, paired by replicate, with a 95% CI.

    Values are in the stored units (``unit``; shares as fractions, so 0.01 is one percentage point).
    """
    base = runs[runs["policy"] == baseline].set_index("replicate")
    rows = []
    for policy in [p for p in runs["policy"].unique() if p != baseline]:
        other = runs[runs["policy"] == policy].set_index("replicate")
        common = base.index.intersection(other.index)
        if not (base.loc[common, "seed"].to_numpy() == other.loc[common, "seed"].to_numpy()).all():
            raise ValueError("replicates are not paired: seeds differ between policies")
        for name in outcomes:
            d = (other.loc[common, name] - base.loc[common, name]).to_numpy(dtype=float)
            mean, lo, hi = _ci(d)
            rows.append({"policy": policy, "outcome": name, "unit": outcome(name).unit,
                         "baseline_mean": float(base.loc[common, name].mean()),
                         "policy_mean": float(other.loc[common, name].mean()), "effect": mean, "ci95_low": lo,
                         "ci95_high": hi, "replicates": int(len(common))})
    return pd.DataFrame(rows)


def area_effects(areas: pd.DataFrame, baseline: str, key: str,
                 outcomes=("paid_dependence_share", "patron_lockin_share", "unmet_share", "fees_per_household_rupiah")
                 ) -> pd.DataFrame:
    """Paired effects per area (``key``: "kecamatan" or "village") of each policy against the baseline.

    ``areas`` is a villages or kecamatan table of an experiment (one row per
    run and area, with ``policy`` and ``replicate``).
    """
    base = areas[areas["policy"] == baseline]
    rows = []
    for policy in [p for p in areas["policy"].unique() if p != baseline]:
        both = base.merge(areas[areas["policy"] == policy], on=["replicate", key], suffixes=("_b", "_p"))
        if not (both["seed_b"] == both["seed_p"]).all():
            raise ValueError("replicates are not paired: seeds differ between policies")
        for area, d in both.groupby(key, sort=False):
            for name in outcomes:
                diff = (d[f"{name}_p"] - d[f"{name}_b"]).to_numpy(dtype=float)
                mean, lo, hi = _ci(diff)
                rows.append({"policy": policy, key: area, "outcome": name,
                             "baseline_mean": float(d[f"{name}_b"].mean()), "policy_mean": float(d[f"{name}_p"].mean()),
                             "effect": mean, "ci95_low": lo, "ci95_high": hi, "replicates": int(len(d))})
    return pd.DataFrame(rows)


def quartile_effects(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Paired effects on brokered share and access shortfall by quartile of literacy, distance and income."""
    keys = {group_name(m, dim, q): (m, dim, q) for m in GROUP_MEASURES for dim in GROUP_DIMENSIONS
            for q in QUARTILES}
    eff = paired_effects(runs, baseline, list(keys)).reset_index(drop=True)
    parts = pd.DataFrame(eff["outcome"].map(keys).tolist(), columns=["measure", "dimension", "quartile"])
    return pd.concat([eff, parts], axis=1)


def camp_effects(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Paired effects per political camp (head, opposition, neutral) on its self-service and paid shares and fee
    per paid case since the last election; ``camp`` and ``measure`` columns beside the effect's."""
    from sim.core.outcomes import CAMP_MEASURES, CAMPS, camp_name

    keys = {camp_name(m, c): (m, c) for m in CAMP_MEASURES for c in CAMPS}
    present = [k for k in keys if k in runs.columns]
    if not present:   # runs of an older version, without per-camp columns
        return pd.DataFrame(columns=["policy", "outcome", "effect", "measure", "camp"])
    eff = paired_effects(runs, baseline, present).reset_index(drop=True)
    parts = pd.DataFrame(eff["outcome"].map(keys).tolist(), columns=["measure", "camp"])
    return pd.concat([eff, parts], axis=1)


def sample_means(runs: pd.DataFrame, stage: str, outcome: str) -> np.ndarray:
    """Outcome per design sample (mean over replicates), in sample order."""
    r = runs[runs["stage"] == stage]
    return r.groupby("sample")[outcome].mean().sort_index().to_numpy(dtype=float)


def morris_indices(spec: Experiment, runs: pd.DataFrame, master_seed: int, outcome: str) -> pd.DataFrame:
    """Morris μ*, its confidence and σ per uncertainty, ranked by μ*."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    from sim.experiments.design import sensitivity_problem

    names = spec.uncertainty_names()
    problem = sensitivity_problem(names)
    # The unrounded sample, regenerated from the same seed (integers are rounded only in the runs).
    X = morris_sample.sample(problem, spec.morris.trajectories, num_levels=spec.morris.levels, seed=master_seed)
    Y = np.nan_to_num(sample_means(runs, "morris", outcome))
    res = morris_analyze.analyze(problem, X, Y, num_levels=spec.morris.levels, seed=master_seed)
    df = pd.DataFrame({"parameter": names, "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                       "sigma": res["sigma"], "outcome": outcome})
    return df.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def sobol_indices(spec: Experiment, runs: pd.DataFrame, master_seed: int, outcome: str) -> pd.DataFrame:
    """Sobol S1 and ST (with confidence) of the Sobol stage's uncertainties, for one outcome."""
    from SALib.analyze import sobol as sobol_analyze

    from sim.experiments.design import sensitivity_problem

    stage = runs[runs["stage"] == "sobol"]
    if stage.empty:
        return pd.DataFrame(columns=["parameter", "S1", "S1_conf", "ST", "ST_conf", "outcome"])
    names = sobol_names(runs, spec, master_seed)
    Y = np.nan_to_num(sample_means(runs, "sobol", outcome))
    # A Generator, not the integer: SALib's Sobol analysis tests ``if seed:``, so master seed 0 would leave its
    # bootstrap confidence intervals to numpy's global, unseeded state.
    res = sobol_analyze.analyze(sensitivity_problem(names), Y, calc_second_order=False,
                                seed=np.random.default_rng(master_seed))
    return pd.DataFrame({"parameter": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                         "ST_conf": res["ST_conf"], "outcome": outcome})


def sobol_names(runs: pd.DataFrame, spec: Experiment, master_seed: int) -> list[str]:
    """The uncertainties of the Sobol stage: the top of the Morris ranking on the experiment's outcome."""
    ranking = morris_indices(spec, runs, master_seed, spec.outcome)
    return list(ranking["parameter"][: spec.sobol.top])


def hysteresis_summary(spec: Experiment, runs: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """Mean outcome with 95% CI per sweep, branch and value, and the share of seeds in the high regime; the
    control chains (the lever held at its first value) as branch ``control``, at the points of the sweep."""
    outcome = outcome or spec.outcome
    runs = runs.assign(branch=np.where(runs.get("control", False), "control", runs["branch"]))
    rows = []
    for (sweep, parameter, branch, point, value), g in runs.groupby(
            ["sweep", "parameter", "branch", "point", "value"], sort=True):
        y = g[outcome].to_numpy(dtype=float)
        mean, lo, hi = _ci(y)
        rows.append({"sweep": sweep, "parameter": parameter, "branch": branch, "point": point, "value": value,
                     "outcome": outcome, "mean": mean, "ci95_low": lo, "ci95_high": hi,
                     "high_regime_share": float((y >= spec.regime_threshold).mean()), "replicates": int(y.size)})
    return pd.DataFrame(rows).sort_values(["sweep", "point", "branch"]).reset_index(drop=True)


def hysteresis_gap(spec: Experiment, runs: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """Down-branch minus up-branch outcome at the same lever value, paired by replicate; and, where the
    experiment ran control chains, the same difference between the same points of the control (what time alone
    does) and the net gap, sweep minus control."""
    outcome = outcome or spec.outcome
    rows = []
    is_control = runs["control"].astype(bool) if "control" in runs else pd.Series(False, index=runs.index)
    for (sweep, parameter), g in runs[~is_control].groupby(["sweep", "parameter"]):
        up = g[g["branch"] == "up"].set_index(["replicate", "value"])
        down = g[g["branch"] == "down"].set_index(["replicate", "value"])
        gap = down[outcome] - up[outcome].reindex(down.index)
        control = runs[is_control & (runs["sweep"] == sweep)].set_index(["replicate", "point"])[outcome]
        for value, dv in gap.groupby(level="value"):
            mean, lo, hi = _ci(dv.to_numpy(dtype=float))
            row = {"sweep": sweep, "parameter": parameter, "value": value, "outcome": outcome,
                   "down_minus_up": mean, "ci95_low": lo, "ci95_high": hi}
            if len(control):
                reps = dv.index.get_level_values("replicate")
                p_up = up.loc[list(zip(reps, [value] * len(reps))), "point"].to_numpy()
                p_down = down.loc[list(zip(reps, [value] * len(reps))), "point"].to_numpy()
                drift = (control.reindex(list(zip(reps, p_down))).to_numpy(dtype=float)
                         - control.reindex(list(zip(reps, p_up))).to_numpy(dtype=float))
                net = dv.to_numpy(dtype=float) - drift
                c_mean, _, _ = _ci(drift)
                n_mean, n_lo, n_hi = _ci(net)
                row.update({"control_drift": c_mean, "net_gap": n_mean, "net_ci95_low": n_lo, "net_ci95_high": n_hi})
            rows.append(row)
    return pd.DataFrame(rows)


# The outcomes a drivers experiment leads with: dependence in flow and in stock, unmet needs, the three access gaps.
DRIVER_OUTCOMES = ("paid_dependence_share", "brokered_share", "patron_lockin_share", "birth_certificate_coverage",
                   "coverage_gap_literacy", "access_gap_literacy")


def _driver_runs(spec: Experiment, runs: pd.DataFrame):
    """Per driver: the baseline runs and, for each of its values (lowest first), the runs at that value, each
    indexed by replicate; a value equal to the baseline's is the baseline runs themselves."""
    from sim.experiments.kinds.drivers import BASELINE

    base = runs[runs["driver"] == BASELINE].set_index("replicate").sort_index()
    out = []
    for d in spec.drivers:
        base_value = base[d.parameter].iloc[0] if len(base) else np.nan
        points = []
        for value in sorted({float(v) for v in d.values}):
            if value == base_value:
                at = base
            else:
                at = runs[(runs["driver"] == d.id) & (runs["value"] == value)].set_index("replicate").sort_index()
            points.append((value, value == base_value, at))
        out.append((d, float(base_value), base, points))
    return out


def _paired(a: pd.DataFrame, b: pd.DataFrame) -> pd.Index:
    """Replicates in both, checked to have the same seed (common random numbers)."""
    common = a.index.intersection(b.index)
    if not (a.loc[common, "seed"].to_numpy() == b.loc[common, "seed"].to_numpy()).all():
        raise ValueError("replicates are not paired: seeds differ between a driver's runs and the baseline's")
    return common


def driver_effects(spec: Experiment, runs: pd.DataFrame, outcomes=OUTCOME_NAMES) -> pd.DataFrame:
    """For each driver and each of its values: the outcome's mean with a 95% CI over replicates, and the paired
    effect against the baseline (same seed) with a 95% CI, in the stored units (``unit``; shares as fractions)."""
    rows = []
    for d, base_value, base, points in _driver_runs(spec, runs):
        for value, is_baseline, at in points:
            common = _paired(base, at)
            for name in outcomes:
                level, level_lo, level_hi = _ci(at.loc[common, name].to_numpy(dtype=float))
                effect, lo, hi = _ci((at.loc[common, name] - base.loc[common, name]).to_numpy(dtype=float))
                rows.append({"driver": d.id, "name": d.name, "parameter": d.parameter, "value": value,
                             "baseline_value": base_value, "is_baseline": is_baseline, "outcome": name,
                             "unit": outcome(name).unit, "mean": level, "mean_ci95_low": level_lo,
                             "mean_ci95_high": level_hi, "effect": effect, "ci95_low": lo, "ci95_high": hi,
                             "replicates": int(len(common))})
    return pd.DataFrame(rows)


def driver_ranges(spec: Experiment, runs: pd.DataFrame, outcomes=OUTCOME_NAMES) -> pd.DataFrame:
    """Each driver's range effect: the outcome at its highest value minus that at its lowest, paired by seed,
    mean with a 95% CI over the replicates, in the stored units."""
    rows = []
    for d, base_value, _, points in _driver_runs(spec, runs):
        (low, _, at_low), (high, _, at_high) = points[0], points[-1]
        common = _paired(at_low, at_high)
        for name in outcomes:
            effect, lo, hi = _ci((at_high.loc[common, name] - at_low.loc[common, name]).to_numpy(dtype=float))
            rows.append({"driver": d.id, "name": d.name, "parameter": d.parameter, "low": low, "high": high,
                         "baseline_value": base_value, "outcome": name, "unit": outcome(name).unit,
                         "effect": effect, "ci95_low": lo, "ci95_high": hi, "replicates": int(len(common))})
    return pd.DataFrame(rows)
