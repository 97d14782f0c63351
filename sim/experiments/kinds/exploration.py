"""``kind: exploration``: open exploration. A Latin hypercube over the plausible ranges of the uncertainties,
every policy (and the baseline) at every sampled point with common random numbers, then scenario discovery (PRIM
and CART from EMA Workbench) and robustness (minimax regret, satisficing)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
from pydantic import Field

from sim.core.outcomes import ALL_OUTCOME_NAMES, OUTCOME_NAMES, outcome
from sim.errors import ConfigError, UnknownNameError
from sim.experiments.design import fixed_values, latin_hypercube, numbered, replicate_seeds
from sim.experiments.kinds.base import Experiment, Kind, Section, Strict
from sim.experiments.kinds.shared import (
    Arm,
    Arms,
    Baseline,
    Policies,
    Sampled,
    Uncertainties,
    arm_notes,
    check_arms,
    check_uncertainties,
)

# Outcomes for which lower is better: what scenario discovery and the robust ranking may ask about.
LOWER_IS_BETTER = tuple(n for n in OUTCOME_NAMES if n not in (
    "unpaid_facilitation_share", "official_earnings_rupiah", "online_share", "mean_literacy"))


class Discovery(Strict):
    """One question of scenario discovery: where in the uncertainty space does a policy cut ``outcome`` (lower is
    better) by more than ``threshold`` against the baseline (in the stored unit: 0.02 is 2 pp of a share)?"""

    noun: ClassVar[str] = "a discovery question"

    outcome: str = Field("paid_dependence_share", description="an outcome for which lower is better")
    threshold: float = Field(0.02, gt=0, description="a cut larger than this is a success (stored unit: 0.02 is "
                             "2 pp of a share)")


class PrimSettings(Strict):
    """PRIM's settings (EMA Workbench's names), and which box on the peeling trajectory the report shows: the
    one of largest coverage among those at least as dense as the target (the densest when none is). The target is
    ``density``, or, when successes are that common anyway, ``lift`` of the way from their share to 1 (so that
    the whole space, restricting nothing, is never the answer merely because the policy often works)."""

    noun: ClassVar[str] = "prim"

    density: float = Field(0.6, gt=0, le=1, description="the density the box reported reaches")
    lift: float = Field(0.5, gt=0, lt=1, description="or this share of the way from the successes' share to 1, "
                        "when that is denser")
    peel_alpha: float = Field(0.05, gt=0, lt=0.5, description="the share of the box peeled off at each step")
    mass_min: float = Field(0.05, gt=0, lt=1, description="the smallest box, as a share of the scenarios")
    significance: float = Field(0.05, gt=0, lt=1, description="a restriction is named in the report's sentence "
                                "when its quasi-p value is at most this")


class Robustness(Strict):
    """Robust ranking over the exploration: regret of each policy (and the baseline) on ``outcome`` (lower is
    better) against the best in the same sampled scenario, and the share of scenarios in which it cuts ``outcome``
    by at least ``target`` against the baseline (satisficing)."""

    noun: ClassVar[str] = "robustness"

    outcome: str = Field("paid_dependence_share", description="an outcome for which lower is better")
    target: float = Field(0.03, gt=0, description="the cut against the baseline that satisfices (stored unit)")


class ExplorationExperiment(Arms, Sampled, Experiment):
    """Where in the space of uncertain assumptions each policy works, and which is robust: every arm at every
    point of a Latin hypercube, paired by seed."""

    kind: Literal["exploration"]
    baseline: Baseline = Arm(name="none", policy="none")
    policies: Policies = Field(default_factory=list)
    uncertainties: Uncertainties = "all"
    samples: int = Field(500, ge=10, description="points of the Latin hypercube over the uncertainties (at least "
                         "five per PRIM's smallest box: 100 with `prim.mass_min` 0.05)")
    defaults_replicates: int = Field(10, ge=0, description="replicates of every arm at the scenario's values, for "
                                     "the at-defaults comparison beside the robust ranking")
    discovery: list[Discovery] = Field(default_factory=lambda: [Discovery()], min_length=1,
                                       description="questions of scenario discovery: for each, where each policy "
                                       "cuts `outcome` by more than `threshold` (PRIM, with CART's cross-check)")
    prim: PrimSettings = Field(PrimSettings(), description="PRIM's settings; the box reported is the widest at least "
                               "`density` dense, or `lift` of the way from the share of successes to 1 when that "
                               "is denser")
    robustness: Robustness = Field(Robustness(), description="regret on `outcome`, and the share of scenarios in "
                                   "which an arm cuts it by at least `target` (satisficing)")

    required = "policies"
    called = "an exploration"


class Exploration(Kind):
    """PRIM boxes (with CART's cross-check) per policy and question, and the robust ranking beside the
    comparison at the scenario's values."""

    spec = ExplorationExperiment
    series_every = 13     # many runs: a quarterly series

    def check(self, spec: ExplorationExperiment) -> None:
        """The arms, the questions of discovery and robustness, the sample's size, the uncertainties."""
        check_arms(spec)
        _check_questions(spec)
        check_uncertainties(spec)

    # PRIM's peeling: seconds per uncertainty and peeling step (measured: 2 s for 109 uncertainties and the
    # 58 steps of peel_alpha 0.05 down to mass_min 0.05, on 100 samples).
    PRIM_S_PER_DIMENSION_STEP = 3.2e-4

    def analysis_seconds(self, spec: ExplorationExperiment) -> float:
        """The report, and PRIM (with CART) for every policy and discovery question, and per kecamatan for the
        first question in a regency."""
        from sim.core.geography import GEOGRAPHIES, KECAMATAN

        steps = min(math.ceil(math.log(spec.prim.mass_min) / math.log(1 - spec.prim.peel_alpha)),
                    spec.samples * (1 - spec.prim.mass_min))
        boxes = len(spec.policy_names) * (len(spec.discovery) + (len(KECAMATAN) if spec.scenario in GEOGRAPHIES
                                                                 else 0))
        return self.REPORT_S + boxes * len(spec.uncertainty_names()) * steps * self.PRIM_S_PER_DIMENSION_STEP

    def notes(self, spec: ExplorationExperiment) -> list[str]:
        """Policies that act for only part of the measured window; lever constants that reach some arms only."""
        return arm_notes(spec)

    def design(self, spec: ExplorationExperiment, master_seed: int) -> pd.DataFrame:
        """Every arm (the baseline first) at every point of a Latin hypercube over the plausible ranges of the
        uncertainties, each in ``replicates`` replicates; before them, every arm at the scenario's own values in
        ``defaults_replicates`` replicates (``sample`` -1), for the at-defaults comparison.

        Seeds: child *k* of the master seed's ``SeedSequence``; the runs at the defaults take children 0, 1, ...
        (the seeds a comparison with the same master seed gives its replicates), sample *s* replicate *r* the
        child ``defaults_replicates + s * replicates + r``. Every arm of a sample and replicate has the same seed
        (common random numbers), so a policy's effect in a sampled scenario is a paired difference. The Latin
        hypercube is drawn with the master seed; its values are columns of every arm's rows.
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
                rows += [{"policy": arm.name, "levers": arm.policy, "sample": s, "replicate": r, "seed": seed,
                          **values, **settings[arm.name]} for arm in spec.arms]
        return numbered(rows)

    def count_runs(self, spec: ExplorationExperiment) -> int:
        """Every arm at each sample's replicates, and at the defaults."""
        return len(spec.arms) * (spec.samples * spec.replicates + spec.defaults_replicates)

    def design_columns(self, spec: ExplorationExperiment) -> int:
        """Ids, seed, every uncertainty and the settings of the arm with the most."""
        return 6 + len(spec.uncertainty_names()) + max((len(spec.arm_settings(a)) for a in spec.arms), default=0)

    def report(self, folder: Path, spec: ExplorationExperiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """Scenario discovery and the robust ranking (``sim.experiments.report_exploration``)."""
        from sim.experiments.report_exploration import section

        return section(folder, spec, runs)


def _check_cut(key: str, name: str, value: float) -> None:
    """A cut of an outcome on a 0–1 scale (a share, a gap index, a level) is less than the whole scale: 0.02 is
    2 pp of a share, and 2 would be 200 pp, which no policy can reach."""
    declared = outcome(name)
    if declared.kind in ("share", "gap", "level") and value >= 1:
        shown = {"share": "pp", "gap": "index points", "level": "points"}[declared.kind]
        raise ConfigError(key, value, f"a cut of {name} below 1, in its stored unit (0.02 is 2 {shown}; "
                          f"{value:g} would be {100 * value:g} {shown}, more than its whole range)")


def _check_questions(spec: ExplorationExperiment) -> None:
    """Discovery and robustness ask about outcomes for which lower is better, each question once; the sample is
    large enough for PRIM's smallest box to hold a few scenarios."""
    seen = set()
    for i, d in enumerate(spec.discovery):
        if d.outcome not in ALL_OUTCOME_NAMES:
            raise UnknownNameError("outcome", d.outcome, list(LOWER_IS_BETTER))
        if d.outcome not in LOWER_IS_BETTER:
            raise ConfigError(f"discovery {i + 1}: outcome", d.outcome, f"an outcome for which lower is better "
                              f"({', '.join(LOWER_IS_BETTER)})")
        if d.outcome in seen:
            raise ConfigError(f"discovery {i + 1}: outcome", d.outcome, "each outcome once (it is listed twice)")
        seen.add(d.outcome)
        _check_cut(f"discovery {i + 1}: threshold", d.outcome, d.threshold)
    if spec.robustness.outcome not in ALL_OUTCOME_NAMES:
        raise UnknownNameError("outcome", spec.robustness.outcome, list(LOWER_IS_BETTER))
    if spec.robustness.outcome not in LOWER_IS_BETTER:
        raise ConfigError("robustness: outcome", spec.robustness.outcome, f"an outcome for which lower is better "
                          f"({', '.join(LOWER_IS_BETTER)})")
    _check_cut("robustness: target", spec.robustness.outcome, spec.robustness.target)
    if spec.samples * spec.prim.mass_min < 5:
        raise ConfigError("samples", spec.samples, f"at least {math.ceil(5 / spec.prim.mass_min)} with "
                          f"prim.mass_min {spec.prim.mass_min} (PRIM's smallest box should hold five scenarios)")
