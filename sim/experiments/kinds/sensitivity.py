"""``kind: sensitivity``: Morris screening over the uncertainties, then Sobol indices for the most influential (a
second stage, designed once the Morris runs have finished)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from sim.core.outcomes import outcome
from sim.errors import ConfigError
from sim.experiments import analysis
from sim.experiments.design import fixed_values, numbered, param_rows, replicate_seeds, sensitivity_problem
from sim.experiments.kinds.base import Experiment, Kind, Section, Strict
from sim.experiments.kinds.shared import (
    Outcome,
    Sampled,
    Uncertainties,
    check_lever_constants,
    check_outcome,
    check_policy_starts,
    check_uncertainties,
)
from sim.params.scenarios import policy_lever_names, policy_levers, resolve_params


class Morris(Strict):
    """Morris screening: trajectories through the uncertainty space, on a grid of ``levels`` values each."""

    noun: ClassVar[str] = "morris"

    trajectories: int = Field(10, ge=2, description="trajectories, each one run per uncertainty and one more")
    levels: int = Field(4, ge=2, description="values on each uncertainty's grid")


class Sobol(Strict):
    """Sobol indices (Saltelli's scheme) of the Morris ranking's ``top`` uncertainties."""

    noun: ClassVar[str] = "sobol"

    top: int = Field(4, ge=2, description="how many of the most influential uncertainties (by Morris mu*)")
    base_samples: int = Field(64, ge=2, description="N of Saltelli's scheme; a power of two")

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"must be a power of two (got {v})")
        return v


class SensitivityExperiment(Sampled, Experiment):
    """Which uncertainties move an outcome most, under one policy: Morris's ranking of them all, then Sobol's
    variance shares of the top ones."""

    kind: Literal["sensitivity"]
    policy: str = Field("none", description="the policy under which the uncertainties are sampled")
    uncertainties: Uncertainties = "all"
    outcome: Outcome = "paid_dependence_share"
    morris: Morris = Field(Morris(), description="the screening stage")
    sobol: Sobol = Field(Sobol(), description="the variance stage")


class Sensitivity(Kind):
    """Morris μ*/σ of every uncertainty, then Sobol S1/ST of the top ones, on one outcome."""

    spec = SensitivityExperiment
    series_every = 4      # many runs: a monthly series

    def check(self, spec: SensitivityExperiment) -> None:
        """The policy and its lever constants, the uncertainties, the outcome, Sobol's ``top``."""
        policy_levers(spec.policy)
        check_lever_constants(spec, policy_lever_names(spec.policy), "policy", spec.policy)
        check_policy_starts(spec, spec.policy, resolve_params(spec.scenario, spec.policy, dict(spec.constants)))
        check_uncertainties(spec)
        check_outcome(spec.outcome)
        if spec.sobol.top > len(spec.uncertainty_names()):
            raise ConfigError("sobol.top", spec.sobol.top,
                              f"at most the number of uncertainties ({len(spec.uncertainty_names())})")

    def design(self, spec: SensitivityExperiment, master_seed: int) -> pd.DataFrame:
        """Stage 1: Morris trajectories over every uncertainty."""
        from SALib.sample import morris as morris_sample

        names = spec.uncertainty_names()
        X = morris_sample.sample(sensitivity_problem(names), spec.morris.trajectories,
                                 num_levels=spec.morris.levels, seed=master_seed)
        return _replicated(spec, master_seed, "morris", names, X, start=0)

    def next_stage(self, spec: SensitivityExperiment, read_runs: Callable[[], pd.DataFrame], master_seed: int,
                   design: pd.DataFrame) -> pd.DataFrame | None:
        """Stage 2, once the Morris runs have finished: the Sobol stage over the top of their ranking."""
        if "sobol" in set(design.get("stage", [])):
            return None
        top = analysis.sobol_names(read_runs(), spec, master_seed)
        return sobol_stage(spec, master_seed, top, start=int(design["run_id"].max()) + 1)

    def count_runs(self, spec: SensitivityExperiment) -> int:
        """Both stages: a Morris trajectory is one run more than the uncertainties; Saltelli's scheme takes
        ``base_samples`` times two more than the top ones."""
        k = len(spec.uncertainty_names())
        return (spec.morris.trajectories * (k + 1) + spec.sobol.base_samples * (spec.sobol.top + 2)) * spec.replicates

    def design_columns(self, spec: SensitivityExperiment) -> int:
        """Ids, stage, sample, seed and every uncertainty."""
        return 7 + len(spec.uncertainty_names())

    def report(self, folder: Path, spec: SensitivityExperiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """Morris μ* and σ, Sobol S1 and ST; the table: the Sobol indices, or the Morris top ten."""
        from sim.experiments import report as figures

        morris = analysis.morris_indices(spec, runs, master_seed, spec.outcome)
        sobol = analysis.sobol_indices(spec, runs, master_seed, spec.outcome)
        summary = pd.concat([morris.assign(method="morris"), sobol.assign(method="sobol")], ignore_index=True)
        return Section({"summary": summary}, sensitivity_table(morris, sobol),
                       f"{spec.name}: sensitivity of the {outcome(spec.outcome).label}",
                       {"morris": figures.morris_figure(morris), "sobol": figures.sobol_figure(sobol)})


def sobol_stage(spec: SensitivityExperiment, master_seed: int, names: list[str], start: int) -> pd.DataFrame:
    """Stage 2: Saltelli's scheme for Sobol indices over the most influential uncertainties."""
    from SALib.sample import sobol as sobol_sample

    X = sobol_sample.sample(sensitivity_problem(names), spec.sobol.base_samples, calc_second_order=False,
                            seed=master_seed + 1)
    return _replicated(spec, master_seed, "sobol", names, X, start=start)


def _replicated(spec: SensitivityExperiment, master_seed: int, stage: str, names: list[str], X: np.ndarray,
                start: int) -> pd.DataFrame:
    seeds = replicate_seeds(master_seed, spec.replicates)
    rows = []
    for sample, params in enumerate(param_rows(names, X, fixed_values(spec, spec.policy))):
        for r in range(spec.replicates):
            rows.append({"policy": spec.policy, "levers": spec.policy, "stage": stage, "sample": sample,
                         "replicate": r, "seed": seeds[r], **params})
    return numbered(rows, start)


def sensitivity_table(morris: pd.DataFrame, sobol: pd.DataFrame) -> pd.DataFrame:
    """Sobol indices when there are any, else the Morris top ten (μ* and σ in the outcome's effect unit)."""
    if len(sobol):
        return pd.DataFrame({"parameter": sobol["parameter"],
                             **{c: sobol[c].map(lambda v: f"{v:.3f}") for c in ("S1", "S1_conf", "ST", "ST_conf")}})
    declared = outcome(morris["outcome"].iloc[0])
    top = morris.head(10)
    return pd.DataFrame({"parameter": top["parameter"],
                         f"μ* ({declared.effect_unit})": top["mu_star"].map(lambda v: declared.format(v, unit=False)),
                         f"σ ({declared.effect_unit})": top["sigma"].map(lambda v: declared.format(v, unit=False))})
