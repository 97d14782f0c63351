"""``kind: hysteresis``: a lever swept up and then down, each point starting from the end state of the previous
one (one run of the design is a whole chain), with control chains that hold the lever still."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
from pydantic import Field

from sim.core.outcomes import outcome
from sim.errors import ConfigError, UnknownNameError, close_names, one_village_only
from sim.experiments import analysis
from sim.experiments.design import fixed_values, numbered, replicate_seeds
from sim.experiments.kinds.base import Experiment, Kind, RunRows, Section, Strict
from sim.experiments.kinds.shared import Outcome, check_outcome, fixed_by_geography
from sim.params.registry import INIT_ONLY, MAX_STEPS, PARAMS
from sim.params.scenarios import Resolved


class Sweep(Strict):
    """One lever swept up through ``values`` and back down, for a hysteresis experiment."""

    noun: ClassVar[str] = "a sweep"

    parameter: str = Field(description="the parameter swept (one that can change during a run)")
    values: list[float] = Field(min_length=2, description="the upward branch; the downward one is its reverse")


class HysteresisExperiment(Experiment):
    """Whether the outcome comes back when a lever is undone: each sweep's chain of runs up its values and back
    down, every point starting where the previous one ended."""

    kind: Literal["hysteresis"]
    burn_in_steps: int = Field(0, ge=0, le=MAX_STEPS, description="weeks at the baseline before the sweep, after "
                               "the model's own spin-up")
    sweeps: list[Sweep] = Field(default_factory=list, description="the parameters swept, each up its values, then "
                                "back down")
    outcome: Outcome = "paid_dependence_share"
    regime_threshold: float = Field(0.5, description="the outcome's value (stored unit) from which a seed counts "
                                    "as in the high regime")
    control: bool = Field(True, description="also run each chain with the lever held at its first value, so that "
                          "the loop is read net of what time alone does")

    required = "sweeps"
    called = "a hysteresis experiment"


class Hysteresis(Kind):
    """Each sweep's outcome along the up and the down branch, the share of seeds in the high regime, and the
    control chains: what time alone does."""

    spec = HysteresisExperiment

    def check(self, spec: HysteresisExperiment) -> None:
        """The outcome; each swept parameter exists, may change during a run, and takes its values."""
        check_outcome(spec.outcome)
        for sweep in spec.sweeps:
            if sweep.parameter not in PARAMS:
                raise UnknownNameError("parameter", sweep.parameter,
                                       close_names(sweep.parameter, PARAMS, "docs/parameters.md"))
            if sweep.parameter in fixed_by_geography(spec):
                raise one_village_only(f"sweeps: {sweep.parameter}", sweep.parameter, spec.scenario)
            if sweep.parameter in INIT_ONLY:
                raise ConfigError(f"sweeps: {sweep.parameter}", sweep.parameter,
                                  "a parameter that can change during a run")
            for v in sweep.values:
                PARAMS[sweep.parameter].check(v)

    def design(self, spec: HysteresisExperiment, master_seed: int) -> pd.DataFrame:
        """One run per sweep and replicate: a chain that goes up the values, then back down; with ``control``,
        the same chain (same seed, same points) with the lever held at its first value, to measure what time
        alone does."""
        seeds = replicate_seeds(master_seed, spec.replicates)
        controls = (False, True) if spec.control else (False,)
        rows = [{"policy": "none", "levers": "none", "sweep": i, "parameter": sw.parameter, "control": control,
                 "replicate": r, "seed": seeds[r]}
                for i, sw in enumerate(spec.sweeps) for control in controls for r in range(spec.replicates)]
        return numbered(rows)

    def check_design(self, spec: HysteresisExperiment, design: pd.DataFrame) -> None:
        """Every swept value is a valid run together with the experiment's constants."""
        from sim.params.registry import validate as validate_values

        base = fixed_values(spec)
        for sweep in spec.sweeps:
            for value in sweep.values:
                try:
                    validate_values({**base, sweep.parameter: value})
                except ConfigError as exc:
                    raise ConfigError(f"sweeps: {sweep.parameter}", value, f"{exc.allowed} together with the "
                                      "experiment's constants") from None

    def spin_up_of(self, spec: HysteresisExperiment, row: dict) -> tuple[Resolved, int]:
        """Every chain of a replicate (each sweep, and its control) starts from the same village: no lever on,
        the experiment's constants."""
        from sim.params.scenarios import resolve_params

        return resolve_params(spec.scenario, "none", spec.shared_constants()), int(row["seed"])

    def run(self, spec: HysteresisExperiment, row: dict, spin_up: bytes | None = None) -> RunRows:
        """One chain of a sweep: burn-in, then the lever up its values and back down, each point starting from
        the end state of the previous one (a row of the runs table per point)."""
        from sim.model import ClientelismModel

        sweep = spec.sweeps[int(row["sweep"])]
        resolved, seed = self.spin_up_of(spec, row)
        model = (ClientelismModel(rng=seed, resolved=resolved) if spin_up is None
                 else ClientelismModel.from_spin_up(spin_up, resolved))
        for _ in range(spec.burn_in_steps):
            model.step()
        rows = []
        up = list(sweep.values)
        points = [("up", v) for v in up] + [("down", v) for v in reversed(up)]
        if row.get("control", False):   # the same points in time, the lever held at its first value
            points = [(branch, up[0]) for branch, _ in points]
        for point, (branch, value) in enumerate(points):
            model.set_parameter(sweep.parameter, value)
            for _ in range(spec.steps):
                model.step()
            rows.append({**row, "branch": branch, "point": point, "value": float(value), "step": model.steps,
                         **model.parameters(), **model.outcomes(), **model.group_outcomes(),
                         **model.service_outcomes(), **model.camp_values()})
        return rows, model.datacollector.get_model_vars_dataframe().reset_index(drop=True), {}

    def count_runs(self, spec: HysteresisExperiment) -> int:
        """A chain per sweep and replicate, and as many control chains with ``control``."""
        return len(spec.sweeps) * spec.replicates * (2 if spec.control else 1)

    def design_columns(self, spec: HysteresisExperiment) -> int:
        """Ids, sweep, parameter, control and seed."""
        return 7

    def weeks_per_run(self, spec: HysteresisExperiment) -> int:
        """The burn-in, then ``steps`` at each point of a sweep, up and down: on average over the sweeps (each has
        as many chains, rounded up), so that the runs times this are the weeks the chains simulate."""
        points = sum(len(s.values) for s in spec.sweeps)
        return spec.burn_in_steps + -(-2 * points * spec.steps // len(spec.sweeps))

    def report(self, folder: Path, spec: HysteresisExperiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """The loops with their regime shares; the table: the outcome at each point of each branch."""
        from sim.experiments import report as figures

        summary = analysis.hysteresis_summary(spec, runs)
        declared = outcome(spec.outcome)
        title = (f"{spec.name}: {declared.label} along each branch, mean ± half-width of the 95% CI (high regime: "
                 f"{declared.format(spec.regime_threshold)} or more)")
        return Section({"summary": summary}, hysteresis_table(summary), title,
                       {"hysteresis": figures.hysteresis_figure(summary)})


def hysteresis_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per sweep, branch and value: the outcome's mean ± half-width of its 95% CI, the high regime's share."""
    from sim.experiments.discovery import value_text

    declared = outcome(summary["outcome"].iloc[0])
    return pd.DataFrame({
        "parameter": summary["parameter"], "branch": summary["branch"],
        "value": [value_text(name, v) for name, v in zip(summary["parameter"], summary["value"])],
        f"{declared.label} ({declared.shown_unit})": [
            declared.format(m, unit=False) + ("" if h != h else f" ± {declared.format(h, unit=False)}")
            for m, h in zip(summary["mean"], (summary["ci95_high"] - summary["ci95_low"]) / 2)],
        "seeds in the high regime": summary["high_regime_share"].map(lambda v: f"{100 * v:.0f}%"),
        "replicates": summary["replicates"]})
