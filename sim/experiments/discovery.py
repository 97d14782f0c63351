"""Analysis of an open exploration: scenario discovery and robust ranking (from saved tables, never live runs).

An exploration (``kind: exploration``) runs every arm at every point ("scenario", in EMA Workbench's sense) of a
Latin hypercube over the uncertainties, with the same seed in every arm of a point and replicate. From its runs:

* ``effects`` — each policy's paired effect on an outcome in each sampled scenario (mean over replicates);
* ``prim_box`` — PRIM (``ema_workbench.analysis.prim``) on "the policy cuts the outcome by more than the
  threshold": the box of uncertainty space where it does, with its coverage (the share of all successes inside
  the box), density (the share of the box's scenarios that are successes), mass and restricted dimensions (with
  EMA's quasi-p values), and the whole peeling trajectory;
* ``cart_box`` — CART (``ema_workbench.analysis.cart``) on the same question, as a cross-check: its densest leaf
  of at least PRIM's minimum mass, and the dimensions its path splits on;
* ``robustness`` — for every arm (the baseline too): regret on an outcome in each scenario (its value minus the
  best arm's value there; lower is better), its maximum (minimax regret ranks by it) and 90th percentile, and
  the share of scenarios in which it cuts the outcome by at least a target against the baseline (satisficing),
  beside its effect at the scenario's own values (the at-defaults comparison);
* ``sentence`` — a box said in one sentence a policymaker can read.

Effects are in the stored unit (shares as fractions: 0.02 is 2 percentage points). Lower is better for every
outcome asked about (``sim.experiments.kinds.exploration.LOWER_IS_BETTER``), so a policy "works" where its effect
is below minus the threshold.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.outcomes import outcome
from sim.experiments.analysis import _ci
from sim.params.registry import PARAMS

if TYPE_CHECKING:
    from sim.experiments.kinds.base import Experiment
    from sim.experiments.kinds.exploration import PrimSettings

RARE = 0.05   # a success share below this (or above 1 - this) leaves PRIM nothing to separate


def _explored(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["sample"] >= 0]


def _paired(spec: Experiment, runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Runs indexed by (sample, replicate) with one column block per arm; refuses unpaired seeds."""
    table = runs.pivot_table(index=["sample", "replicate"], columns="policy", values=[*columns, "seed"],
                             aggfunc="first")
    seeds = table["seed"]
    arms = [a.name for a in spec.arms]
    missing = [a for a in arms if a not in seeds.columns]
    if missing:
        raise ValueError(f"no runs of {', '.join(missing)}: the exploration is incomplete (resume it first)")
    if seeds[arms].isna().any().any():
        raise ValueError("the exploration is incomplete: some arm lacks runs of a sample (resume it first)")
    if not seeds[arms].eq(seeds[arms[0]], axis=0).all().all():
        raise ValueError("arms are not paired: seeds differ between arms of a sample")
    return table


def uncertainties(spec: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """The sampled scenarios: one row per sample (its index), one column per uncertainty, as the runs used them."""
    base = _explored(runs)
    base = base[(base["policy"] == spec.baseline.name) & (base["replicate"] == 0)].set_index("sample").sort_index()
    x = base[spec.uncertainty_names()].copy()
    for name in x.columns:
        x[name] = x[name].astype(int) if PARAMS[name].type is int else x[name].astype(float)
    x.index.name = "sample"
    return x


def levels(spec: Experiment, runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """Each arm's mean of ``name`` over replicates in each sampled scenario (rows: samples; columns: arms)."""
    table = _paired(spec, _explored(runs), [name])[name]
    return table[[a.name for a in spec.arms]].groupby(level="sample").mean()


def effects(spec: Experiment, runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """Each policy's paired effect on ``name`` in each sampled scenario: its value minus the baseline's in the same
    replicate (same seed), averaged over replicates (rows: samples; columns: policies)."""
    table = _paired(spec, _explored(runs), [name])[name]
    diff = table[spec.policy_names].sub(table[spec.baseline.name], axis=0)
    return diff.groupby(level="sample").mean()


# ---------------------------------------------------------------- PRIM and CART
@dataclass
class Box:
    """A box of uncertainty space found by PRIM for one question (policy, outcome, threshold)."""

    policy: str
    outcome: str
    threshold: float
    scenarios: int                 # sampled scenarios
    successes: int                 # scenarios where the policy's cut exceeds the threshold
    coverage: float = np.nan       # successes inside the box / all successes
    density: float = np.nan        # successes inside the box / scenarios inside the box
    mass: float = np.nan           # scenarios inside the box / all scenarios
    index: int = -1                # the chosen box's position on the peeling trajectory
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)        # restricted dimensions: min, max, qp values
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)    # coverage, density, mass, res_dim per step
    bounds: pd.DataFrame = field(default_factory=pd.DataFrame)        # the sampled range (rows min, max)

    @property
    def share(self) -> float:
        """Share of the sampled scenarios in which the policy works."""
        return self.successes / self.scenarios if self.scenarios else np.nan

    @property
    def found(self) -> bool:
        """Whether PRIM ran (successes neither too rare nor nearly everywhere)."""
        return self.index >= 0


def _real(x: pd.DataFrame) -> pd.DataFrame:
    """The scenarios as PRIM and CART take them: every uncertainty as a real number (EMA Workbench 3.0.0's PRIM
    fails pasting a box's limit into an integer column: ``TypeError: Invalid value '6.5' for dtype 'int64'``), so
    an integer uncertainty's limits may fall between its values."""
    return x.reset_index(drop=True).astype(float)


def density_target(share: float, settings: PrimSettings) -> float:
    """The density the reported box must reach: ``settings.density``, or ``settings.lift`` of the way from the share
    of successes to 1 when that is higher."""
    return max(settings.density, share + settings.lift * (1 - share))


def prim_box(x: pd.DataFrame, success: np.ndarray, settings: PrimSettings, policy: str = "", name: str = "",
             threshold: float = np.nan) -> Box:
    """PRIM on ``success`` (one boolean per row of ``x``): the peeling trajectory, and on it the box of largest
    coverage among those at least as dense as ``density_target`` (the densest when none reaches it; the fewest
    restricted dimensions among equals). No box when successes are rarer than 5% or more common than 95%."""
    success = np.asarray(success, dtype=bool)
    box = Box(policy, name, threshold, int(success.size), int(success.sum()))
    if success.size == 0 or not RARE <= success.mean() <= 1 - RARE:
        return box
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # EMA warns on import that ipyparallel is not installed (not needed here)
        from ema_workbench.analysis import prim

        found = prim.Prim(_real(x), success, peel_alpha=settings.peel_alpha,
                          mass_min=settings.mass_min).find_box()
    traj = found.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].astype(float).reset_index(drop=True)
    dense = traj[traj["density"] >= density_target(success.mean(), settings) - 1e-12]
    if len(dense):
        best = dense.sort_values(["coverage", "res_dim", "density"], ascending=[False, True, False]).index[0]
    else:
        best = traj.sort_values(["density", "coverage"], ascending=[False, False]).index[0]
    stats, lims = found.inspect(int(best), style="data")[0]
    limits = pd.DataFrame({"min": lims.iloc[:, 0].astype(float), "max": lims.iloc[:, 1].astype(float),
                           "qp_low": lims.iloc[:, 2].astype(float), "qp_high": lims.iloc[:, 3].astype(float)})
    limits.index.name = "uncertainty"
    limits["qp"] = limits[["qp_low", "qp_high"]].min(axis=1)
    limits = limits.sort_values("qp")
    box.coverage, box.density, box.mass = (float(stats["coverage"]), float(stats["density"]), float(stats["mass"]))
    box.index, box.limits, box.trajectory, box.bounds = int(best), limits, traj, x.agg(["min", "max"])
    return box


# The seed of CART's tree. scikit-learn permutes the features at each split and breaks ties between equally good
# splits by that order; EMA Workbench 3.0.0's ``CART.build_tree`` gives the tree no ``random_state``, so it draws
# from numpy's global generator, and the same runs could give another tree. The tree is fitted here as
# ``build_tree`` fits it (on the data EMA prepared), with this seed, so that a report rebuilt from the same folder
# is the same.
CART_SEED = 0


def cart_box(x: pd.DataFrame, success: np.ndarray, mass_min: float) -> dict:
    """CART's cross-check: the densest leaf of at least ``mass_min`` of the scenarios (its coverage, density,
    mass) and the uncertainties its path restricts. Empty when there is nothing to separate. The same inputs give
    the same leaf (``CART_SEED``)."""
    success = np.asarray(success, dtype=bool)
    if success.size == 0 or not RARE <= success.mean() <= 1 - RARE:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart
        from sklearn.tree import DecisionTreeClassifier

        tree = cart.CART(_real(x), success, mass_min=mass_min)
        # build_tree(), with a random_state (EMA Workbench is pinned: ``_x`` is its prepared data, 3.0.0)
        tree.clf = DecisionTreeClassifier(min_samples_leaf=int(tree.mass_min * tree.x.shape[0]),
                                          random_state=CART_SEED)
        tree.clf.fit(tree._x, tree.y)
        stats, boxes = tree.stats, tree.boxes
    init = x.agg(["min", "max"])
    best, best_key = None, None
    for i, s in enumerate(stats):
        key = (float(s["density"]), float(s["coverage"]))
        if float(s["mass"]) >= mass_min and (best_key is None or key > best_key):
            best, best_key = i, key
    if best is None:
        return {}
    lims = boxes[best]
    restricted = [c for c in x.columns
                  if float(lims[c].iloc[0]) > float(init[c].iloc[0]) or float(lims[c].iloc[1]) < float(init[c].iloc[1])]
    s = stats[best]
    return {"coverage": float(s["coverage"]), "density": float(s["density"]), "mass": float(s["mass"]),
            "restricted": restricted}


def value_text(name: str, value: float) -> str:
    """A value of a parameter as a sentence shows it (its unit, a sensible precision)."""
    p = PARAMS[name]
    if p.type is int:
        text = f"{int(round(value)):,}"
    elif abs(value) >= 1000:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}"
    if p.unit in ("x", "×"):
        return f"{text}×"
    if p.unit == "1/year":
        return f"{text} a year"
    unit = p.unit if p.unit not in ("0-1", "0–1", "", "-", "share") else ""
    return f"{text} {unit}".strip()


def policy_label(name: str) -> str:
    """An arm's name as a sentence says it: ``digital_training`` → ``digital training``, ``a+b`` → ``a + b``,
    ``none`` → ``no policy``."""
    if name == "none":
        return "no policy"
    return " + ".join(part.replace("_", " ") for part in str(name).split("+"))


def parameter_label(name: str) -> str:
    """A parameter's plain name, lower-cased as inside a sentence (``the officials' fee-seeking``)."""
    label = PARAMS[name].label_en
    return label[0].lower() + label[1:]


def default_text(name: str, low: float | None = None, high: float | None = None) -> str:
    """A parameter's default and plausible range, and whether the default lies in ``low``–``high`` (a box's)."""
    p = PARAMS[name]
    lo, hi = p.sweep_range
    text = f"default {value_text(name, p.default)}, plausible {value_text(name, lo)}–{value_text(name, hi)}"
    if low is not None and high is not None:
        text += "; the default lies " + ("inside" if low - 1e-12 <= p.default <= high + 1e-12 else "outside")
    return text


def significant(box: Box, significance: float) -> pd.DataFrame:
    """The box's restrictions that matter (quasi-p at most ``significance``), most significant first."""
    return box.limits[box.limits["qp"] <= significance]


def conditions(box: Box, significance: float, at_most: int = 3) -> list[str]:
    """The box's restrictions that matter (quasi-p at most ``significance``), most significant first, in words:
    each with its default and plausible range, and whether the default lies inside."""
    out = []
    for name, row in significant(box, significance).head(at_most).iterrows():
        lo, hi = float(box.bounds.loc["min", name]), float(box.bounds.loc["max", name])
        label = parameter_label(name)
        raised, lowered = row["min"] > lo + 1e-12, row["max"] < hi - 1e-12
        if raised and lowered:
            said = f"{label} is between {value_text(name, row['min'])} and {value_text(name, row['max'])}"
        elif raised:
            said = f"{label} is at least {value_text(name, row['min'])}"
        else:
            said = f"{label} is at most {value_text(name, row['max'])}"
        inside = default_text(name, row["min"] if raised else -np.inf, row["max"] if lowered else np.inf)
        out.append(f"{said} ({inside})")
    return out


def restrictions_text(box: Box, significance: float) -> str:
    """The box's significant restrictions in plain names, each with its range in the box, its default and its
    plausible range; then how many others PRIM made that are not significant."""
    if not box.found:
        return ""
    shown = []
    for name, row in significant(box, significance).iterrows():
        shown.append(f"{PARAMS[name].label_en}: {value_text(name, row['min'])}–{value_text(name, row['max'])} "
                     f"({default_text(name, row['min'], row['max'])}; quasi-p {row['qp']:.2g})")
    others = len(box.limits) - len(shown)
    if others:
        shown.append(f"{others} other restriction{'s' if others > 1 else ''}, none significant "
                     f"(quasi-p above {significance:g})")
    return "; ".join(shown) or "none"


def amount(name: str, value: float) -> str:
    """A size of change of outcome ``name`` (a threshold, a target) as text, with its unit: ``2.0 pp``."""
    return outcome(name).format_effect(abs(value), unit=True).lstrip("+").replace(" (no CI)", "")


def sentence(box: Box, significance: float, where: str = "") -> str:
    """One sentence a policymaker can read: how often the policy works, and when (PRIM's box)."""
    decl = outcome(box.outcome)
    cut = f"cuts {decl.label}{where} by more than {amount(box.outcome, box.threshold)}"
    head = f"{policy_label(box.policy)} {cut} in {box.share:.0%} of the {box.scenarios} explored scenarios"
    if not box.found:
        if box.share < RARE:
            return f"{head}: almost never, whatever the assumptions."
        return f"{head}: almost always, whatever the assumptions."
    said = conditions(box, significance)
    if not said:
        return (f"{head}; no assumption separates where it works from where it does not (PRIM's best box, "
                f"density {box.density:.0%}, restricts nothing significantly).")
    return (f"{head}; it works mostly when {' and '.join(said)}: there in {box.density:.0%} of scenarios (against "
            f"{box.share:.0%} overall), and {box.coverage:.0%} of its successes lie there.")


def discover(spec: Experiment, runs: pd.DataFrame) -> list[tuple[Box, dict]]:
    """PRIM (and CART's cross-check) for every discovery question of ``spec`` and every policy."""
    x = uncertainties(spec, runs)
    out = []
    for question in spec.discovery:
        eff = effects(spec, runs, question.outcome).reindex(x.index)
        for policy in spec.policy_names:
            success = (eff[policy] < -question.threshold).to_numpy()
            box = prim_box(x, success, spec.prim, policy, question.outcome, question.threshold)
            out.append((box, cart_box(x, success, spec.prim.mass_min)))
    return out


def boxes_table(found: list[tuple[Box, dict]], significance: float) -> pd.DataFrame:
    """One row per question and policy: the success share, PRIM's box and CART's cross-check."""
    rows = []
    for box, tree in found:
        restricted = "; ".join(
            f"{name} {value_text(name, r['min'])}–{value_text(name, r['max'])} (qp {r['qp']:.2g})"
            for name, r in box.limits.iterrows()) if box.found else ""
        agree = ""
        if box.found and tree:
            prim_dims = set(box.limits[box.limits["qp"] <= significance].index)
            agree = ", ".join(sorted(prim_dims & set(tree["restricted"]))) or "none"
        rows.append({"policy": box.policy, "outcome": box.outcome, "threshold": box.threshold,
                     "scenarios": box.scenarios, "success_share": box.share, "coverage": box.coverage,
                     "density": box.density, "mass": box.mass, "restricted_dims": int(len(box.limits)),
                     "restrictions": restricted,
                     "significant_restrictions": restrictions_text(box, significance),
                     "cart_coverage": tree.get("coverage", np.nan),
                     "cart_density": tree.get("density", np.nan),
                     "cart_restricted": ", ".join(tree.get("restricted", [])),
                     "prim_and_cart_agree_on": agree, "sentence": sentence(box, significance)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- robustness
def regret(spec: Experiment, runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """Each arm's regret on ``name`` in each sampled scenario: its value minus the best (lowest) arm's value in
    that scenario (rows: samples; columns: arms, the baseline first)."""
    values = levels(spec, runs, name)
    return values.sub(values.min(axis=1), axis=0)


def robustness(spec: Experiment, runs: pd.DataFrame) -> pd.DataFrame:
    """The robust ranking: for every arm, regret (max, 90th percentile, mean) and the satisficing share on the
    robustness outcome, its median effect over the exploration and its effect at the scenario's own values
    (paired over ``defaults_replicates``, 95% CI). Sorted by maximum regret (minimax regret first)."""
    name, target = spec.robustness.outcome, spec.robustness.target
    reg = regret(spec, runs, name)
    eff = effects(spec, runs, name)
    at_defaults = runs[runs["sample"] == -1]
    base = at_defaults[at_defaults["policy"] == spec.baseline.name].set_index("replicate")
    rows = []
    for arm in spec.arms:
        is_base = arm.name == spec.baseline.name
        d = eff[arm.name] if not is_base else pd.Series(0.0, index=eff.index)
        mean = lo = hi = np.nan
        if len(base):
            other = at_defaults[at_defaults["policy"] == arm.name].set_index("replicate")
            common = base.index.intersection(other.index)
            mean, lo, hi = _ci((other.loc[common, name] - base.loc[common, name]).to_numpy(dtype=float))
        rows.append({"policy": arm.name, "outcome": name, "at_defaults_effect": mean, "at_defaults_ci95_low": lo,
                     "at_defaults_ci95_high": hi, "at_defaults_replicates": int(len(base)),
                     "median_effect": float(d.median()), "satisficing_target": target,
                     "satisficing_share": float((d <= -target).mean()), "max_regret": float(reg[arm.name].max()),
                     "p90_regret": float(reg[arm.name].quantile(0.9)), "mean_regret": float(reg[arm.name].mean()),
                     "best_share": float((reg[arm.name] <= 0).mean()), "scenarios": int(len(reg))})
    table = pd.DataFrame(rows).sort_values(["max_regret", "p90_regret"], kind="stable").reset_index(drop=True)
    table.insert(1, "minimax_rank", np.arange(1, len(table) + 1))
    return table


def seed_noise(spec: Experiment, runs: pd.DataFrame, name: str) -> float:
    """The seed noise of one paired run's effect on ``name``: the standard deviation, pooled over the policies, of
    their paired effects over the replicates at the scenario's own values (NaN with fewer than two)."""
    at_defaults = runs[runs["sample"] == -1]
    base = at_defaults[at_defaults["policy"] == spec.baseline.name].set_index("replicate")[name]
    variances = []
    for policy in spec.policy_names:
        other = at_defaults[at_defaults["policy"] == policy].set_index("replicate")[name]
        d = (other - base).dropna().to_numpy(dtype=float)
        if len(d) >= 2:
            variances.append(np.var(d, ddof=1))
    return float(np.sqrt(np.mean(variances))) if variances else float("nan")


def ranking_sentence(robust: pd.DataFrame, noise: float) -> str:
    """The robust ranking in words: which arm minimax regret puts first, and which arms it cannot tell apart
    (maximum regrets within twice the seed noise of one paired run of the first's)."""
    name = robust["outcome"].iloc[0]
    first = robust.iloc[0]
    head = (f"Minimax regret puts {policy_label(first['policy'])} first: in no explored scenario does it do worse "
            f"than the best arm by more than {amount(name, first['max_regret'])}.")
    if noise != noise:
        return head + " (Too few replicates at the defaults to say how much of the ranking is seed noise.)"
    close = robust[robust["max_regret"] - first["max_regret"] <= 2 * noise]   # the first among them
    if len(close) == 1:
        return head + (f" The next arm's maximum regret is more than twice the seed noise of one paired run "
                       f"({amount(name, noise)}) above it.")
    names = [policy_label(p) for p in close["policy"]]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return head + (f" But {listed} are not told apart: their maximum regrets lie within "
                   f"{amount(name, float(close['max_regret'].max() - first['max_regret']))} of each other, less than "
                   f"twice the seed noise of one paired run ({amount(name, noise)}).")


# ---------------------------------------------------------------- areas (a regency)
# Below this many households a village on average, effects per area are mostly seed noise (a note says so).
SMALL_VILLAGE_HOUSEHOLDS = 200


def reaches(levers: str, kecamatan: str) -> bool:
    """Whether a policy (levers joined by '+') can change anything in a kecamatan: pemekaran moves the regency's
    offices to Bumiayu, closer only to the villages of Brebes Selatan (``sim.core.geography``: elsewhere the new
    seat is the old one); every other lever acts in every village."""
    from sim.core.geography import SOUTH
    from sim.params.scenarios import policy_lever_names

    on = policy_lever_names(levers)
    return any(lever != "pemekaran" for lever in on) or kecamatan in SOUTH


def chance_share(noise_sd: float, threshold: float) -> float:
    """The share of scenarios in which a policy that does nothing would seem to cut an outcome by more than
    ``threshold``, its paired effect being seed noise of standard deviation ``noise_sd`` (normal)."""
    from scipy.stats import norm

    return float(norm.cdf(-threshold / noise_sd)) if noise_sd == noise_sd and noise_sd > 0 else float("nan")


def area_discovery(spec: Experiment, areas: pd.DataFrame, runs: pd.DataFrame, key: str = "kecamatan"
                   ) -> pd.DataFrame:
    """For a scenario of several villages: in each area (kecamatan), how often and when each policy cuts the first
    discovery outcome there by more than its threshold: success share, median effect, and PRIM's sentence; beside
    them the noise floor: whether the policy can reach the area at all (``reaches``), the seed noise of one
    sampled scenario's effect there (from the paired replicates at the defaults) and the share of scenarios a
    policy doing nothing would pass the threshold in by chance."""
    question = spec.discovery[0]
    name = question.outcome
    if name not in areas.columns:
        return pd.DataFrame()
    x = uncertainties(spec, runs)
    explored = areas[areas["sample"] >= 0]
    at_defaults = areas[areas["sample"] == -1]
    levers = {arm.name: arm.policy for arm in spec.arms}
    rows = []
    for area, part in explored.groupby(key, sort=False):
        table = part.pivot_table(index=["sample", "replicate"], columns="policy", values=name, aggfunc="first")
        base_table = at_defaults[at_defaults[key] == area].pivot_table(index="replicate", columns="policy",
                                                                       values=name, aggfunc="first")
        households = float(part["households"].mean()) if "households" in part else float("nan")
        villages = float(part["villages"].mean()) if "villages" in part else float("nan")
        for policy in spec.policy_names:
            eff = (table[policy] - table[spec.baseline.name]).groupby(level="sample").mean().reindex(x.index)
            success = (eff < -question.threshold).to_numpy()
            box = prim_box(x, success, spec.prim, policy, name, question.threshold)
            noise = float("nan")
            if policy in base_table and len(base_table) >= 2:
                noise = float((base_table[policy] - base_table[spec.baseline.name]).std(ddof=1)
                              / np.sqrt(spec.replicates))
            chance = chance_share(noise, question.threshold)
            reached = key != "kecamatan" or reaches(levers[policy], str(area))
            rows.append({"policy": policy, key: area, "outcome": name, "threshold": question.threshold,
                         "median_effect": float(eff.median()), "success_share": box.share,
                         "coverage": box.coverage, "density": box.density, "reached": reached,
                         "noise_sd": noise, "chance_share": chance, "households": households,
                         "households_per_village": households / villages if villages else float("nan"),
                         "sentence": area_sentence(box, spec.prim.significance, str(area), reached, chance)})
    return pd.DataFrame(rows)


def area_sentence(box: Box, significance: float, area: str, reached: bool, chance: float) -> str:
    """PRIM's sentence for an area, against its noise floor: an area the policy cannot reach is said to be such
    (any cut there is seed noise), and a success share no larger than twice the by-chance share is within noise."""
    label = policy_label(box.policy)
    if not reached:
        seen = f"; the {box.share:.0%} of scenarios with a cut of more than {amount(box.outcome, box.threshold)} " \
               "there are seed noise"
        floor = f" (by chance alone about {chance:.0%})" if chance == chance else ""
        return f"{label} cannot reach {area}: it moves no office closer to its villages{seen}{floor}."
    said = sentence(box, significance, where=f" in {area}")
    if chance != chance:
        return said
    if box.share <= 2 * chance:
        return said[:-1] + (f" — no more often than about twice what seed noise alone gives ({chance:.0%} by "
                            "chance): within noise.")
    return said[:-1] + f" (by chance alone about {chance:.0%})."
