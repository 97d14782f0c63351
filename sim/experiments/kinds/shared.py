"""What several kinds share: arms compared against a baseline (comparison, exploration), the checks of a policy
(those two, and sensitivity's), sampled uncertainties (sensitivity, exploration) and the outcome analysed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.outcomes import ALL_OUTCOME_NAMES, WINDOW_WEEKS
from sim.errors import ConfigError, UnknownNameError, close_names, one_village_only
from sim.experiments.kinds.base import Experiment, Strict
from sim.params.registry import PARAMS, lever_of
from sim.params.scenarios import first_policy_week, policy_lever_names, policy_levers, resolve_params

ARM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$"

# Under a table of effects in the outcomes' effect units (a comparison's, a drivers experiment's).
UNITS_CAPTION = ("pp: percentage points; index pts: points of the 0–1 access-shortfall index (gap = bottom minus "
                 "top quarter); definitions: docs/outcomes.md")


def fixed_by_geography(spec: Experiment) -> tuple[str, ...]:
    """Parameters a scenario of several villages takes from each village's geography (none in one village)."""
    return tuple(PER_VILLAGE_PARAMS) if spec.scenario in GEOGRAPHIES else ()


def check_outcome(name: str) -> None:
    """The outcome analysed exists."""
    if name not in ALL_OUTCOME_NAMES:
        raise UnknownNameError("outcome", name, list(ALL_OUTCOME_NAMES))


Outcome = Annotated[str, Field(description="the outcome analysed (docs/outcomes.md)")]


# ---------------------------------------------------------------- arms
class Arm(Strict):
    """One arm of a comparison: a policy (levers joined by '+', or none), under a name, with its own lever
    settings (``set``: intensities, start weeks, training targeting of the levers it switches on)."""

    name: str = Field(pattern=ARM_PATTERN, description="the arm's name in tables (letters, digits, `. _ + -`)")
    policy: str = Field(description="levers joined by `+` (`pemekaran+digital_training`), or `none`")
    set: dict[str, float | int | bool] = Field(default_factory=dict, description="settings of the levers the "
                                               "policy switches on")


def _arm(value):
    """A policy name given alone is an arm of that name with the policy's presets."""
    return {"name": value, "policy": value} if isinstance(value, str) else value


def _arms(value):
    return [_arm(v) for v in value] if isinstance(value, list) else value


Baseline = Annotated[Arm, BeforeValidator(_arm), Field(description="the arm the others are compared with: a "
                                                                    "policy name, or an arm as in `policies`")]
Policies = Annotated[list[Arm], BeforeValidator(_arms), Field(description=(
    "the compared arms: a policy name (`pemekaran`, `pemekaran+digital_training`), or `{name: training_30, policy: "
    "digital_training, set: {digital_training_intensity: 0.3}}` for a policy with its own lever settings; each arm "
    "once, none equal to another"))]


class Arms:
    """Methods of a specification with a ``baseline`` and ``policies`` (a comparison, an exploration)."""

    @property
    def arms(self) -> list[Arm]:
        """The arms, the baseline first."""
        return [self.baseline, *self.policies]

    @property
    def policy_names(self) -> list[str]:
        """Names of the compared arms (not the baseline)."""
        return [a.name for a in self.policies]

    def shared_constants(self) -> dict[str, float | int | bool]:
        """Constants of every run. A constant of a lever (its intensity, start week or design) goes only to the
        arms that switch that lever on (``arm_settings``), never to the others."""
        return {k: v for k, v in self.constants.items() if lever_of(k) is None}

    def arm_settings(self, arm: Arm) -> dict[str, float | int | bool]:
        """Lever settings of one arm: the experiment's lever constants for its levers, then its own ``set``."""
        on = policy_lever_names(arm.policy)
        given = {k: v for k, v in self.constants.items() if lever_of(k) in on}
        return {**given, **arm.set}


def check_arms(spec: Experiment) -> None:
    """Each arm once, policies that exist with settings of their own levers, arms that differ, runs long enough
    for each policy to act, and every lever constant used by some arm."""
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
            check_policy_starts(spec, arm.name, values)
    for key, value in spec.constants.items():
        lever = lever_of(key)
        if lever is not None and lever not in used:
            raise ConfigError(key, value, f"a setting of a lever some arm switches on (no arm of {spec.name} uses "
                              f"{lever})")


def arm_notes(spec: Experiment) -> list[str]:
    """Policies in effect for only part of the measured window, lever constants that reach some arms only, and
    villages of a regency too small for effects per area to say anything."""
    out = small_village_notes(spec)
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
    return out


def check_lever_constants(spec: Experiment, levers, what: str, where: str) -> None:
    """Every lever constant sets a lever that ``what`` (``where``) switches on."""
    for key, value in spec.constants.items():
        lever = lever_of(key)
        if lever is not None and lever not in levers:
            raise ConfigError(key, value, f"a setting of a lever the {what} switches on ({where} leaves {lever} "
                              "off, so the run would be mislabelled)")


def check_policy_starts(spec: Experiment, name: str, values: dict) -> None:
    """Refuse runs too short for the policy ever to act (its effects would be zero by construction)."""
    start = first_policy_week(values)
    if start is not None and start > spec.steps:
        raise ConfigError("steps", spec.steps, f"more than {start - 1} weeks: policy {name} starts in week "
                          f"{start}, so a run of {spec.steps} weeks never sees it (run longer, or set its "
                          "<lever>_start_step lower)")


# ---------------------------------------------------------------- sampled uncertainties
Uncertainties = Annotated[Literal["all"] | list[str], Field(description="`all` (every uncertainty of "
                                                                        "docs/parameters.md the scenario lets vary "
                                                                        "and the constants leave free) or a list "
                                                                        "of them")]


class Sampled:
    """Methods of a specification that samples ``uncertainties`` (a sensitivity experiment, an exploration)."""

    def uncertainty_names(self) -> list[str]:
        """The uncertainties sampled (``all``: every one the scenario lets vary and the constants do not fix)."""
        if self.uncertainties == "all":
            fixed = (*fixed_by_geography(self), *self.constants)
            return [n for n, p in PARAMS.items() if p.role == "uncertainty" and n not in fixed]
        return list(self.uncertainties)


def small_village_notes(spec: Experiment) -> list[str]:
    """A note when a scenario of several villages has too few households a village for effects per area."""
    from sim.core.geography import GEOGRAPHIES, REGENCY_VILLAGES
    from sim.experiments.discovery import SMALL_VILLAGE_HOUSEHOLDS

    if spec.scenario not in GEOGRAPHIES:
        return []
    households = int(resolve_params(spec.scenario, "none", spec.shared_constants())["n_households"])
    villages = REGENCY_VILLAGES
    per = households / villages
    if per >= SMALL_VILLAGE_HOUSEHOLDS:
        return []
    return [f"villages of about {per:.0f} households ({households:,} over {villages}): effects per village and "
            f"kecamatan will be mostly seed noise (the report gives each its by-chance share); "
            f"{SMALL_VILLAGE_HOUSEHOLDS * villages:,} households or more to read them"]


def check_uncertainties(spec: Experiment) -> None:
    """At least one name, each once; each a numeric uncertainty that neither the scenario's geography nor a
    constant fixes."""
    names = spec.uncertainty_names()
    if not names:
        given = spec.uncertainties if spec.uncertainties != "all" else "all"
        raise ConfigError("uncertainties", given, "`all` or a list of at least one uncertainty of "
                          "docs/parameters.md" + (" (every one is fixed by the constants or the scenario)"
                                                  if given == "all" else ""))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigError("uncertainties", repeated[0], f"each uncertainty once ({repeated[0]} is listed "
                          f"{names.count(repeated[0])} times)")
    for name in names:
        if name not in PARAMS:
            pool = [n for n, p in PARAMS.items() if p.role == "uncertainty"]
            raise UnknownNameError("parameter", name, close_names(name, pool, "docs/parameters.md"))
        if PARAMS[name].role != "uncertainty":
            raise ConfigError(f"uncertainties: {name}", name, "an uncertainty of docs/parameters.md (this is "
                              f"a {PARAMS[name].role})")
        if name in fixed_by_geography(spec):
            raise one_village_only(f"uncertainties: {name}", name, spec.scenario)
        if PARAMS[name].type is bool:
            raise ConfigError(f"uncertainties: {name}", name, "numeric parameters")
        if name in spec.constants:
            raise ConfigError(f"uncertainties: {name}", name, "an uncertainty the constants do not fix "
                              f"(constants set {name}={spec.constants[name]}; sampling it would override that)")
