"""Experiment specifications: what a file in ``configs/experiment/`` may say.

An experiment is one of four kinds, in the EMA Workbench vocabulary of
uncertainties (X), levers (L) and outcomes (M):

* ``comparison`` — policies (lever settings) against a baseline, replicated
  with common random numbers;
* ``sensitivity`` — Morris screening over uncertainties, then Sobol indices
  for the most influential;
* ``hysteresis`` — a lever swept up and then down, each point starting from
  the end state of the previous one;
* ``drivers`` — each driver of clientelism (a parameter of the setting, not a
  lever) moved over its plausible range, everything else at the scenario's
  values, replicated with common random numbers against one baseline;
* ``exploration`` — open exploration: a Latin hypercube over the plausible
  ranges of the uncertainties, every policy (and the baseline) at every
  sampled point with common random numbers, then scenario discovery (PRIM and
  CART from EMA Workbench) and robustness (minimax regret, satisficing).

The specification is checked here (pydantic, unknown keys forbidden) and every
parameter name and value against the registry, so a bad file ends with one
clear message before anything is written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.outcomes import ALL_OUTCOME_NAMES, OUTCOME_NAMES, WINDOW_WEEKS
from sim.errors import ConfigError, UnknownNameError, close_names, one_village_only
from sim.params.registry import INIT_ONLY, MAX_STEPS, PARAMS, lever_of
from sim.params.scenarios import first_policy_week, policy_lever_names, policy_levers, resolve_params, scenario_values

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs" / "experiment"


class _Strict(BaseModel):
    """Unknown keys forbidden, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Morris(_Strict):
    """Morris screening: trajectories through the uncertainty space, on a grid of ``levels`` values each."""

    trajectories: int = Field(10, ge=2)
    levels: int = Field(4, ge=2)


class Sobol(_Strict):
    """Sobol indices (Saltelli's scheme) of the Morris ranking's ``top`` uncertainties."""

    top: int = Field(4, ge=2, description="how many of the most influential uncertainties (by Morris mu*)")
    base_samples: int = Field(64, ge=2, description="N of Saltelli's scheme; a power of two")

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"must be a power of two (got {v})")
        return v


class Sweep(_Strict):
    """One lever swept up through ``values`` and back down, for a hysteresis experiment."""

    parameter: str
    values: list[float] = Field(min_length=2, description="the upward branch; the downward one is its reverse")


class Driver(_Strict):
    """One driver of a drivers experiment: a parameter of the setting moved over ``values``, the others held at
    the scenario's values. ``key`` (letters, digits, ``_ . -``) names it in tables; without one it is derived
    from ``name``."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$")
    parameter: str
    values: list[float | int | bool] = Field(min_length=2, description="at least two, each once")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")

    @property
    def id(self) -> str:
        """The driver's short, file-safe name: its ``key``, else its name in lower case, ``_`` between words."""
        return self.key if self.key is not None else driver_id(self.name)


def driver_id(name: str) -> str:
    """A file-safe id from a driver's name: ``deviation from duties (tupoksi)`` -> ``deviation_from_duties_tupoksi``
    (ASCII letters and digits joined by ``_``, at most 40 characters; empty when the name has none)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "_".join(re.findall(r"[a-z0-9]+", ascii_name))[:40].strip("_")


class Discovery(_Strict):
    """One question of scenario discovery: where in the uncertainty space does a policy cut ``outcome`` (lower is
    better) by more than ``threshold`` against the baseline (in the stored unit: 0.02 is 2 pp of a share)?"""

    outcome: str = "paid_dependence_share"
    threshold: float = Field(0.02, gt=0, description="a cut larger than this is a success")


class PrimSettings(_Strict):
    """PRIM's settings (EMA Workbench's names), and which box on the peeling trajectory the report shows: the
    one of largest coverage among those at least as dense as the target (the densest when none is). The target is
    ``density``, or, when successes are that common anyway, ``lift`` of the way from their share to 1 (so that
    the whole space, restricting nothing, is never the answer merely because the policy often works)."""

    density: float = Field(0.6, gt=0, le=1)
    lift: float = Field(0.5, gt=0, lt=1)
    peel_alpha: float = Field(0.05, gt=0, lt=0.5)
    mass_min: float = Field(0.05, gt=0, lt=1)
    significance: float = Field(0.05, gt=0, lt=1, description="a restriction is named in the report's sentence "
                                "when its quasi-p value is at most this")


class Robustness(_Strict):
    """Robust ranking over the exploration: regret of each policy (and the baseline) on ``outcome`` (lower is
    better) against the best in the same sampled scenario, and the share of scenarios in which it cuts ``outcome``
    by at least ``target`` against the baseline (satisficing)."""

    outcome: str = "paid_dependence_share"
    target: float = Field(0.03, gt=0)


# Names become folder and file names: letters, digits and . _ - (+ in a policy's name), nothing else.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
ARM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$"


class Arm(_Strict):
    """One arm of a comparison: a policy (levers joined by '+', or none), under a name, with its own lever
    settings (``set``: intensities, start weeks, training targeting of the levers it switches on)."""

    name: str = Field(pattern=ARM_PATTERN)
    policy: str
    set: dict[str, float | int | bool] = Field(default_factory=dict)


def _arm(value):
    """A policy name given alone is an arm of that name with the policy's presets."""
    return {"name": value, "policy": value} if isinstance(value, str) else value


class Experiment(_Strict):
    """An experiment's specification: what an experiment file says, checked (see README, 'Experiment files')."""

    name: str = Field(pattern=NAME_PATTERN)
    kind: Literal["comparison", "sensitivity", "hysteresis", "drivers", "exploration"]
    description: str = ""
    scenario: str = "bangbayang"
    steps: int = Field(520, ge=1, le=MAX_STEPS, description="weeks per run (per point, for hysteresis)")
    replicates: int = Field(1, ge=1)
    constants: dict[str, float | int | bool] = Field(default_factory=dict)
    # comparison
    baseline: Arm = Arm(name="none", policy="none")
    policies: list[Arm] = Field(default_factory=list)
    # sensitivity
    policy: str = "none"
    uncertainties: Literal["all"] | list[str] = "all"
    outcome: str = "paid_dependence_share"
    morris: Morris = Morris()
    sobol: Sobol = Sobol()
    # hysteresis
    burn_in_steps: int = Field(0, ge=0, le=MAX_STEPS, description="weeks at the baseline after the spin-up")
    sweeps: list[Sweep] = Field(default_factory=list)
    regime_threshold: float = 0.5
    control: bool = Field(True, description="also run each chain with the lever held at its first value")
    # drivers
    drivers: list[Driver] = Field(default_factory=list)
    # exploration (also baseline, policies and uncertainties)
    samples: int = Field(500, ge=10, description="points of the Latin hypercube over the uncertainties")
    defaults_replicates: int = Field(10, ge=0, description="replicates of every arm at the scenario's values, for "
                                     "the at-defaults comparison beside the robust ranking")
    discovery: list[Discovery] = Field(default_factory=lambda: [Discovery()], min_length=1)
    prim: PrimSettings = PrimSettings()
    robustness: Robustness = Robustness()

    @field_validator("baseline", mode="before")
    @classmethod
    def _baseline_arm(cls, value):
        return _arm(value)

    @field_validator("policies", mode="before")
    @classmethod
    def _policy_arms(cls, value):
        return [_arm(v) for v in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _kind_needs(self) -> Experiment:
        if self.kind in ("comparison", "exploration") and not self.policies:
            raise ValueError(f"a{'n' if self.kind == 'exploration' else ''} {self.kind} needs 'policies'")
        if self.kind == "hysteresis" and not self.sweeps:
            raise ValueError("a hysteresis experiment needs 'sweeps'")
        if self.kind == "drivers" and not self.drivers:
            raise ValueError("a drivers experiment needs 'drivers'")
        return self

    @property
    def arms(self) -> list[Arm]:
        """A comparison's arms, the baseline first."""
        return [self.baseline, *self.policies]

    @property
    def policy_names(self) -> list[str]:
        """Names of the compared arms (not the baseline)."""
        return [a.name for a in self.policies]

    def uncertainty_names(self) -> list[str]:
        """The uncertainties a sensitivity experiment or an exploration samples (``all``: every one the scenario
        lets vary and the experiment's constants do not fix)."""
        if self.uncertainties == "all":   # every uncertainty the scenario lets vary and the constants leave free
            fixed = (*(PER_VILLAGE_PARAMS if self.scenario in GEOGRAPHIES else ()), *self.constants)
            return [n for n, p in PARAMS.items() if p.role == "uncertainty" and n not in fixed]
        return list(self.uncertainties)

    def shared_constants(self) -> dict[str, float | int | bool]:
        """Constants of every run. In a comparison a constant of a lever (its intensity, start week or
        design) goes only to the arms that switch that lever on (``arm_settings``), never to the others."""
        if self.kind not in ("comparison", "exploration"):
            return dict(self.constants)
        return {k: v for k, v in self.constants.items() if lever_of(k) is None}

    def arm_settings(self, arm: Arm) -> dict[str, float | int | bool]:
        """Lever settings of one arm: the experiment's lever constants for its levers, then its own ``set``."""
        on = policy_lever_names(arm.policy)
        given = {k: v for k, v in self.constants.items() if lever_of(k) in on}
        return {**given, **arm.set}


# Keys an experiment file may give, by kind (the others belong to other kinds and would be ignored).
COMMON_KEYS = ("name", "kind", "description", "scenario", "steps", "replicates", "constants")
KIND_KEYS = {"comparison": ("baseline", "policies"),
             "sensitivity": ("policy", "uncertainties", "outcome", "morris", "sobol"),
             "hysteresis": ("burn_in_steps", "sweeps", "outcome", "regime_threshold", "control"),
             "drivers": ("drivers",),
             "exploration": ("baseline", "policies", "uncertainties", "samples", "defaults_replicates", "discovery",
                             "prim", "robustness")}


# Weeks between the time-series rows an experiment keeps (every week unless named here): a sensitivity
# experiment's and an exploration's many runs keep a monthly or quarterly series.
SERIES_EVERY = {"sensitivity": 4, "exploration": 13}


def available() -> list[str]:
    """Names of the experiment files in ``configs/experiment/``."""
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def check(spec: Experiment) -> None:
    """Registry-level checks: names exist, values and ranges lie within bounds, comparisons stay paired."""
    scenario_values(spec.scenario)
    resolve_params(spec.scenario, "none", spec.shared_constants())
    if spec.kind in ("comparison", "exploration"):
        _check_comparison(spec)
    fixed_by_geography = PER_VILLAGE_PARAMS if spec.scenario in GEOGRAPHIES else ()
    if spec.kind == "exploration":
        _check_exploration(spec)
    if spec.kind in ("sensitivity", "exploration"):
        if spec.kind == "sensitivity":
            policy_levers(spec.policy)
            _check_lever_constants(spec, policy_lever_names(spec.policy), "policy", spec.policy)
            _check_policy_starts(spec, spec.policy, resolve_params(spec.scenario, spec.policy, dict(spec.constants)))
        for name in spec.uncertainty_names():
            if name not in PARAMS:
                pool = [n for n, p in PARAMS.items() if p.role == "uncertainty"]
                raise UnknownNameError("parameter", name, close_names(name, pool, "docs/parameters.md"))
            if PARAMS[name].role != "uncertainty":
                raise ConfigError(f"uncertainties: {name}", name, "an uncertainty of docs/parameters.md (this is "
                                  f"a {PARAMS[name].role})")
            if name in fixed_by_geography:
                raise one_village_only(f"uncertainties: {name}", name, spec.scenario)
            if PARAMS[name].type is bool:
                raise ConfigError(f"uncertainties: {name}", name, "numeric parameters")
            if name in spec.constants:
                raise ConfigError(f"uncertainties: {name}", name, "an uncertainty the constants do not fix "
                                  f"(constants set {name}={spec.constants[name]}; sampling it would override that)")
    if spec.kind == "sensitivity":
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
                raise UnknownNameError("parameter", sweep.parameter,
                                       close_names(sweep.parameter, PARAMS, "docs/parameters.md"))
            if sweep.parameter in fixed_by_geography:
                raise one_village_only(f"sweeps: {sweep.parameter}", sweep.parameter, spec.scenario)
            if sweep.parameter in INIT_ONLY:
                raise ConfigError(f"sweeps: {sweep.parameter}", sweep.parameter,
                                  "a parameter that can change during a run")
            for v in sweep.values:
                PARAMS[sweep.parameter].check(v)
    if spec.kind == "drivers":
        _check_drivers(spec, fixed_by_geography)


# Outcomes for which lower is better: what scenario discovery and the robust ranking may ask about.
LOWER_IS_BETTER = tuple(n for n in OUTCOME_NAMES if n not in (
    "unpaid_facilitation_share", "official_earnings_rupiah", "online_share", "mean_literacy"))


def _check_exploration(spec: Experiment) -> None:
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
    if spec.robustness.outcome not in ALL_OUTCOME_NAMES:
        raise UnknownNameError("outcome", spec.robustness.outcome, list(LOWER_IS_BETTER))
    if spec.robustness.outcome not in LOWER_IS_BETTER:
        raise ConfigError("robustness: outcome", spec.robustness.outcome, f"an outcome for which lower is better "
                          f"({', '.join(LOWER_IS_BETTER)})")
    if spec.samples * spec.prim.mass_min < 5:
        raise ConfigError("samples", spec.samples, f"at least {math.ceil(5 / spec.prim.mass_min)} with "
                          f"prim.mass_min {spec.prim.mass_min} (PRIM's smallest box should hold five scenarios)")


BASELINE = "baseline"   # the driver column of the runs at the scenario's values (a driver's key cannot be this)


def _check_drivers(spec: Experiment, fixed_by_geography) -> None:
    """Each driver once, a numeric parameter of the setting (not a lever, not fixed by a geography), at least
    two values, each once, each within bounds and a valid run with the scenario and the experiment's constants."""
    for key, value in spec.constants.items():
        if lever_of(key) is not None:
            raise ConfigError(key, value, f"a parameter of the setting: the runs of a drivers experiment switch no "
                              f"policy on, so a setting of {lever_of(key)} would run mislabelled (levers belong to "
                              "comparisons)")
    by_name: dict[str, Driver] = {}
    by_parameter: dict[str, Driver] = {}
    by_id: dict[str, Driver] = {}
    settable = [n for n in PARAMS if lever_of(n) is None and n not in fixed_by_geography]
    base = resolve_params(spec.scenario, "none", spec.shared_constants())
    for d in spec.drivers:
        where = f"drivers: {d.name}"
        if d.name in by_name:
            raise ConfigError("drivers: name", d.name, "each driver once, under its own name (it is listed twice)")
        by_name[d.name] = d
        if not d.id:
            raise ConfigError("drivers: name", d.name, "a name with letters or digits, or a key: (letters, digits, "
                              "_ . -) that names the driver in tables")
        if d.id == BASELINE:
            raise ConfigError(f"{where}: key", d.id, f"a key other than '{BASELINE}' (the runs at the scenario's "
                              "values carry that name)")
        if d.id in by_id:
            raise ConfigError(f"{where}: key", d.id, f"a key of its own (driver '{by_id[d.id].name}' has it "
                              "too): give one of them a key:")
        by_id[d.id] = d
        if d.parameter not in PARAMS:
            raise UnknownNameError("parameter", d.parameter, close_names(d.parameter, settable, "docs/parameters.md"))
        if d.parameter in by_parameter:
            raise ConfigError(f"{where}: parameter", d.parameter, f"a parameter no other driver moves (driver "
                              f"'{by_parameter[d.parameter].name}' moves it already): each driver once, with all "
                              "its values")
        by_parameter[d.parameter] = d
        param = PARAMS[d.parameter]
        if param.type is bool:
            raise ConfigError(f"{where}: parameter", d.parameter, "a numeric parameter (this one is true or false)")
        if lever_of(d.parameter) is not None:
            raise ConfigError(f"{where}: parameter", d.parameter, f"a parameter of the setting, not a lever "
                              f"({d.parameter} sets the {lever_of(d.parameter)} policy; levers belong to "
                              "comparisons)")
        if d.parameter in fixed_by_geography:
            raise one_village_only(f"{where}: parameter", d.parameter, spec.scenario)
        seen: list = []
        for v in d.values:
            if isinstance(v, bool):
                raise ConfigError(f"{where}: values", v, f"numbers (values of {d.parameter}), not true or false")
            try:
                value = param.check(v)
            except ConfigError as exc:
                raise ConfigError(f"{where}: values", v, f"{exc.allowed} for {d.parameter}") from None
            if value in seen:
                raise ConfigError(f"{where}: values", v, "each value once (it is listed twice)")
            seen.append(value)
            if value != base[d.parameter]:
                try:
                    resolve_params(spec.scenario, "none", {**spec.shared_constants(), d.parameter: value})
                except ConfigError as exc:
                    raise ConfigError(f"{where}: values", v, f"{exc.allowed} for {exc.name}, with the scenario's "
                                      "values and the experiment's constants") from None


def driver_points(spec: Experiment) -> list[tuple[Driver, list[tuple[float | int, bool]]]]:
    """Each driver with its values (as the registry types them) and whether each is the baseline's own value
    (the scenario's, or a constant's): such a value is not run again, its runs are the baseline runs."""
    base = resolve_params(spec.scenario, "none", spec.shared_constants())
    out = []
    for d in spec.drivers:
        values = [PARAMS[d.parameter].check(v) for v in d.values]
        out.append((d, [(v, v == base[d.parameter]) for v in values]))
    return out


def _check_lever_constants(spec: Experiment, levers, what: str, where: str) -> None:
    for key, value in spec.constants.items():
        lever = lever_of(key)
        if lever is not None and lever not in levers:
            raise ConfigError(key, value, f"a setting of a lever the {what} switches on ({where} leaves {lever} "
                              "off, so the run would be mislabelled)")


def _check_policy_starts(spec: Experiment, name: str, values: dict) -> None:
    """Refuse runs too short for the policy ever to act (its effects would be zero by construction)."""
    start = first_policy_week(values)
    if start is not None and start > spec.steps:
        raise ConfigError("steps", spec.steps, f"more than {start - 1} weeks: policy {name} starts in week "
                          f"{start}, so a run of {spec.steps} weeks never sees it (run longer, or set its "
                          "<lever>_start_step lower)")


def _check_comparison(spec: Experiment) -> None:
    names = [a.name for a in spec.arms]
    for name in names:
        if names.count(name) > 1:
            what = "the baseline" if name == spec.baseline.name else "twice"
            raise ConfigError("policies", name, f"each policy once and never the baseline ({name} is listed "
                              f"{what}); give a repeated policy its own name and settings")
    used: set[str] = set()
    seen: dict[tuple, str] = {}
    for arm in spec.arms:
        policy_levers(arm.policy)
        on = policy_lever_names(arm.policy)
        used.update(on)
        for key, value in arm.set.items():
            if key not in PARAMS:
                raise UnknownNameError("parameter", key, close_names(key, PARAMS, "docs/parameters.md"))
            if lever_of(key) not in on:
                raise ConfigError(f"policies: {arm.name}: set: {key}", value, "a setting of a lever this policy "
                                  f"switches on ({', '.join(on) or 'none'})")
        values = resolve_params(spec.scenario, arm.policy, {**spec.shared_constants(), **spec.arm_settings(arm)})
        levers = tuple((k, values[k]) for k in PARAMS if lever_of(k) is not None
                       and (k.endswith("_intensity") or float(values[f"{lever_of(k)}_intensity"]) > 0))
        if levers in seen:
            raise ConfigError("policies", arm.name, f"arms that differ: {arm.name} switches on the same levers "
                              f"with the same settings as {seen[levers]}, so their effects would be the same")
        seen[levers] = arm.name
        if arm is not spec.baseline:
            _check_policy_starts(spec, arm.name, values)
    for key, value in spec.constants.items():
        lever = lever_of(key)
        if lever is not None and lever not in used:
            raise ConfigError(key, value, f"a setting of a lever some arm switches on (no arm of {spec.name} uses "
                              f"{lever})")


def notes(spec: Experiment) -> list[str]:
    """Warnings worth a line before an experiment starts (not errors)."""
    out = []
    if spec.kind in ("comparison", "exploration"):
        for arm in spec.policies:
            values = resolve_params(spec.scenario, arm.policy, {**spec.shared_constants(), **spec.arm_settings(arm)})
            start = first_policy_week(values)
            if start is not None and spec.steps - start + 1 < WINDOW_WEEKS:
                out.append(f"policy {arm.name} is in effect for only {spec.steps - start + 1} of the final "
                           f"{WINDOW_WEEKS} weeks over which flows are measured")
        lever_constants = {k: v for k, v in spec.constants.items() if lever_of(k) is not None}
        for key, value in lever_constants.items():
            arms = [a.name for a in spec.arms if lever_of(key) in policy_lever_names(a.policy)]
            out.append(f"{key}={value} applies to {', '.join(arms)} only (the arms that switch "
                       f"{lever_of(key)} on)")
    if spec.kind == "drivers":
        shared = [f"{d.parameter}={value:g}" for d, points in driver_points(spec) for value, is_base in points
                  if is_base]
        if shared:
            out.append(f"the baseline runs (the scenario's values) also stand for {', '.join(shared)}: those "
                       "points are not run twice")
    return out


def from_mapping(data: dict) -> Experiment:
    """Build and check a specification, turning pydantic's report into one ConfigError."""
    if not isinstance(data, dict) or not data:
        raise ConfigError("experiment", data or "an empty file", "a mapping of experiment keys (at least name, "
                          "kind and what the kind needs; see README, 'Experiment files')")
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KIND_KEYS:
        allowed = (*COMMON_KEYS, *KIND_KEYS[kind])
        for key in data:
            if key not in allowed and key in Experiment.model_fields:
                raise ConfigError(f"experiment key '{key}'", data[key], f"the keys of a {kind} experiment "
                                  f"({', '.join(allowed)}); '{key}' belongs to another kind and would be ignored")
    if "constants" in data and data["constants"] is not None and not isinstance(data["constants"], dict):
        raise ConfigError("experiment constants", data["constants"], "a mapping of parameter: value "
                          "(e.g. constants: {n_households: 1000})")
    try:
        spec = Experiment.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelled key also leaves the key it meant missing: report the misspelling, with its suggestion.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = ".".join(str(x) for x in err["loc"]) or "experiment"
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            import difflib

            nested = {"drivers": (Driver, "a driver", 2), "sweeps": (Sweep, "a sweep", 2),
                      "discovery": (Discovery, "a discovery question", 2), "prim": (PrimSettings, "prim", 1),
                      "robustness": (Robustness, "robustness", 1), "morris": (Morris, "morris", 1),
                      "sobol": (Sobol, "sobol", 1)}.get(str(err["loc"][0]))
            model, what = nested[:2] if nested and len(err["loc"]) > nested[2] else (Experiment, "an experiment file")
            close = difflib.get_close_matches(where.split(".")[-1], list(model.model_fields), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ConfigError(f"experiment key '{where}'", value, f"{hint}the keys of {what} "
                              f"({', '.join(model.model_fields)})") from None
        raise ConfigError(f"experiment {where}", value, err["msg"].lower()) from None
    check(spec)
    return spec
