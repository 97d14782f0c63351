"""Experiment specifications: what a file in ``configs/experiment/`` may say.

An experiment is one of three kinds, in the EMA Workbench vocabulary of
uncertainties (X), levers (L) and outcomes (M):

* ``comparison`` — policies (lever settings) against a baseline, replicated
  with common random numbers;
* ``sensitivity`` — Morris screening over uncertainties, then Sobol indices
  for the most influential;
* ``hysteresis`` — a lever swept up and then down, each point starting from
  the end state of the previous one.

The specification is checked here (pydantic, unknown keys forbidden) and every
parameter name and value against the registry, so a bad file ends with one
clear message before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.errors import ConfigError, UnknownNameError
from sim.outcomes import ALL_OUTCOME_NAMES
from sim.registry import INIT_ONLY, MAX_STEPS, PARAMS
from sim.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.scenarios import policy_levers, resolve_params, scenario_values

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs" / "experiment"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Morris(_Strict):
    trajectories: int = Field(10, ge=2)
    levels: int = Field(4, ge=2)


class Sobol(_Strict):
    top: int = Field(4, ge=2, description="how many of the most influential uncertainties (by Morris mu*)")
    base_samples: int = Field(64, ge=2, description="N of Saltelli's scheme; a power of two")

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"must be a power of two (got {v})")
        return v


class Sweep(_Strict):
    parameter: str
    values: list[float] = Field(min_length=2, description="the upward branch; the downward one is its reverse")


class Experiment(_Strict):
    name: str
    kind: Literal["comparison", "sensitivity", "hysteresis"]
    description: str = ""
    scenario: str = "bangbayang"
    steps: int = Field(520, ge=1, le=MAX_STEPS, description="weeks per run (per point, for hysteresis)")
    replicates: int = Field(1, ge=1)
    constants: dict[str, float | int | bool] = Field(default_factory=dict)
    # comparison
    baseline: str = "none"
    policies: list[str] = Field(default_factory=list)
    # sensitivity
    policy: str = "none"
    uncertainties: Literal["all"] | list[str] = "all"
    outcome: str = "brokered_share"
    morris: Morris = Morris()
    sobol: Sobol = Sobol()
    # hysteresis
    burn_in_steps: int = Field(104, ge=0, le=MAX_STEPS)
    sweeps: list[Sweep] = Field(default_factory=list)
    regime_threshold: float = 0.5

    @model_validator(mode="after")
    def _kind_needs(self) -> "Experiment":
        if self.kind == "comparison" and not self.policies:
            raise ValueError("a comparison needs 'policies'")
        if self.kind == "hysteresis" and not self.sweeps:
            raise ValueError("a hysteresis experiment needs 'sweeps'")
        return self

    def uncertainty_names(self) -> list[str]:
        if self.uncertainties == "all":   # every uncertainty the scenario lets vary
            fixed = PER_VILLAGE_PARAMS if self.scenario in GEOGRAPHIES else ()
            return [n for n, p in PARAMS.items() if p.role == "uncertainty" and n not in fixed]
        return list(self.uncertainties)


def available() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def check(spec: Experiment) -> None:
    """Registry-level checks: names exist, values and ranges lie within bounds."""
    scenario_values(spec.scenario)
    resolve_params(spec.scenario, "none", dict(spec.constants))
    if spec.kind == "comparison":
        for policy in (spec.baseline, *spec.policies):
            policy_levers(policy)
    fixed_by_geography = PER_VILLAGE_PARAMS if spec.scenario in GEOGRAPHIES else ()
    if spec.kind == "sensitivity":
        policy_levers(spec.policy)
        for name in spec.uncertainty_names():
            if name not in PARAMS:
                raise UnknownNameError("parameter", name, ["a parameter of docs/parameters.md"])
            if name in fixed_by_geography:
                raise ConfigError(f"uncertainties: {name}", name, f"a parameter scenario {spec.scenario} uses "
                                  "(its villages' distances come from its geography)")
            if PARAMS[name].type is bool:
                raise ConfigError(f"uncertainties: {name}", name, "numeric parameters")
        if spec.outcome not in ALL_OUTCOME_NAMES:
            raise UnknownNameError("outcome", spec.outcome, list(ALL_OUTCOME_NAMES))
        if spec.sobol.top > len(spec.uncertainty_names()):
            raise ConfigError("sobol.top", spec.sobol.top,
                              f"at most the number of uncertainties ({len(spec.uncertainty_names())})")
    if spec.kind == "hysteresis":
        if spec.outcome not in ALL_OUTCOME_NAMES:
            raise UnknownNameError("outcome", spec.outcome, list(ALL_OUTCOME_NAMES))
        for sweep in spec.sweeps:
            if sweep.parameter not in PARAMS:
                raise UnknownNameError("parameter", sweep.parameter, ["a parameter of docs/parameters.md"])
            if sweep.parameter in fixed_by_geography:
                raise ConfigError(f"sweeps: {sweep.parameter}", sweep.parameter,
                                  f"a parameter scenario {spec.scenario} uses (its villages' distances come from "
                                  "its geography)")
            if sweep.parameter in INIT_ONLY:
                raise ConfigError(f"sweeps: {sweep.parameter}", sweep.parameter,
                                  "a parameter that can change during a run")
            for v in sweep.values:
                PARAMS[sweep.parameter].check(v)


def from_mapping(data: dict) -> Experiment:
    """Build and check a specification, turning pydantic's report into one ConfigError."""
    try:
        spec = Experiment.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "experiment"
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"experiment key '{where}'", value, "the keys of an experiment file "
                              f"({', '.join(Experiment.model_fields)})") from None
        raise ConfigError(f"experiment {where}", value, err["msg"].lower()) from None
    check(spec)
    return spec
